"""Strategy workspace: the BBSR Smart-City process, its worksheets and (later) the team's work.

For now only the shipped process model (:mod:`kompass.strategy.process`, no Django) and its
read-only API (:mod:`kompass.strategy.api`). Models, views and migrations follow with the
workspace itself.
"""
