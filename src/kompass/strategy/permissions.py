"""Who may do what in a strategy workspace.

Workspaces are private to their members. Everybody else – members of the same municipality
included, platform staff included – gets a 404 for every page and endpoint of a workspace,
so nobody can tell which workspaces exist (docs/strategy_workspace.md). Members of a
municipality may create new workspaces for it.

=================================  =========  ===========  ======  ================
capability                         core_team  contributor  reader  external_partner
=================================  =========  ===========  ======  ================
view (dashboard, steps, log)       yes        yes          yes     yes
see members' e-mail addresses      yes        no           no      no
edit steps and every part (1)      yes        yes          no      no
contribute (2)                     yes        yes          no      yes
invite, change roles, remove       yes        no           no      no
leave the workspace                yes*       yes          yes     yes
=================================  =========  ===========  ======  ================

\\* not the last member of the core team. (1) worksheets, fields of action, projects, risks,
monitoring, the strategy paper; some actions are the core team's alone (opening a vote,
changing the risk scale, publishing criteria weights, exporting) - see each part's docs.
(2) ideas, dots in a vote, and entries of the actor-mapping and idea-card worksheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kompass.core.models import Municipality
from kompass.strategy.models import Workspace, WorkspaceMember

Role = WorkspaceMember.Role

#: Roles that may be made responsible for a step (they can edit it).
EDITING_ROLES = frozenset({Role.CORE_TEAM, Role.CONTRIBUTOR})


@dataclass(frozen=True)
class Capabilities:
    """What one member may do in one workspace; computed once per request."""

    role: str

    @property
    def view(self) -> bool:
        return True

    @property
    def edit_steps(self) -> bool:
        return self.role in EDITING_ROLES

    @property
    def contribute(self) -> bool:
        return self.role in {Role.CORE_TEAM, Role.CONTRIBUTOR, Role.EXTERNAL_PARTNER}

    @property
    def manage_members(self) -> bool:
        return self.role == Role.CORE_TEAM

    @property
    def see_emails(self) -> bool:
        return self.role == Role.CORE_TEAM


def membership_of(user: Any, workspace: Workspace) -> WorkspaceMember | None:
    """The active user's membership in ``workspace``, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return WorkspaceMember.objects.filter(workspace=workspace, user=user).first()


def capabilities(user: Any, workspace: Workspace) -> Capabilities | None:
    """The user's capabilities in ``workspace``; None for everyone who is not a member."""
    member = membership_of(user, workspace)
    return Capabilities(member.role) if member else None


def can_create_workspace(user: Any, municipality: Municipality) -> bool:
    """Members of a municipality (any municipal role) may open workspaces for it."""
    return bool(getattr(user, "is_authenticated", False)) and user.is_member_of(municipality)


def workspaces_of(user: Any) -> Any:
    """The workspaces ``user`` is a member of (a queryset; empty for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Workspace.objects.none()
    return Workspace.objects.filter(members__user=user).select_related("municipality")
