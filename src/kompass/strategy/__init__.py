"""Strategy workspace: the BBSR Smart-City process, its worksheets and the team's work.

The shipped process model (:mod:`kompass.strategy.process`, no Django) and its public API
document; workspaces with members, roles, invitations, an activity log and the process steps
with their states (:mod:`~kompass.strategy.models`, :mod:`~kompass.strategy.services`), the
pages under /strategie/ and the workspace API. See docs/strategy_workspace.md.
"""
