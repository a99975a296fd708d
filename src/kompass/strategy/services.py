"""Use cases of the strategy workspace, shared by the HTML views and the API.

Every function checks the actor's permission first (:mod:`kompass.strategy.permissions`),
validates with German messages that name the step or person, the field and the problem, and
writes one or more lines to the activity log.

Errors
------
``PermissionDenied``
    The actor is a member but lacks the role (views answer 403). Non-members never reach a
    service: views and API answer 404 before.
``ValidationError``
    Invalid input or a rule of the process (message dict keyed by form field where one fits).
:class:`~kompass.strategy.items.VersionConflict`
    A step changed since the client read it (views show the message, the API answers 409).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.accounts.models import User, hash_secret
from kompass.core.models import Municipality
from kompass.core.text import german_slug
from kompass.strategy import items
from kompass.strategy.items import VersionConflict, record_activity
from kompass.strategy.models import (
    Activity,
    StepState,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
)
from kompass.strategy.permissions import EDITING_ROLES, can_create_workspace, capabilities
from kompass.strategy.steps import SPECIAL_MODULE_CODE, STEP_CODES, step_info

__all__ = ["VersionConflict"]

Role = WorkspaceMember.Role
State = StepState.State


class _Unset:
    """Marker for "field not sent" (``None`` means "clear")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --------------------------------------------------------------------------- helpers


def _require(actor: Any, workspace: Workspace, capability: str) -> WorkspaceMember:
    """The actor's membership if it has ``capability``; PermissionDenied otherwise."""
    caps = capabilities(actor, workspace)
    if caps is None or not getattr(caps, capability):
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))
    return WorkspaceMember.objects.get(workspace=workspace, user=actor)


def role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


def _unique_slug(municipality: Municipality, base: str) -> str:
    base = (base or "arbeitsraum")[:70].strip("-") or "arbeitsraum"
    slug, number = base, 2
    while Workspace.objects.filter(municipality=municipality, slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


# --------------------------------------------------------------------------- workspaces


def digitalcheck_for(user: Any, reference: str) -> Any | None:
    """The Digitalcheck a workspace may start from: ``reference`` is the number of a check of
    one of the user's municipalities, or the private link's token of an anonymous check (whoever
    holds the link may use it). None when there is no such check."""
    from kompass.digitalcheck import services as digitalcheck_services

    reference = reference.strip()
    if not reference:
        return None
    if reference.isdigit():
        return digitalcheck_services.visible_to(user).filter(pk=int(reference)).first()
    return digitalcheck_services.by_token(reference)


def create_workspace(
    *,
    actor: Any,
    municipality: Municipality,
    title: str,
    kind: str = Workspace.Kind.STRATEGY,
    entry_variant: str = Workspace.EntryVariant.STRATEGY_FIRST,
    slug: str = "",
    digitalcheck: Any | None = None,
) -> Workspace:
    """Open a workspace for ``municipality``; the creator joins the core team and every step
    (1 … 9, SB) starts in round 1 as "offen".

    Only members of the municipality may do this (any municipal role).
    """
    if not can_create_workspace(actor, municipality):
        raise PermissionDenied(
            _("Nur Mitglieder von %(place)s können dort Arbeitsräume anlegen.")
            % {"place": municipality.name}
        )
    errors: dict[str, list[str]] = {}
    title = " ".join(title.split())
    if not title:
        errors.setdefault("title", []).append(_("Bitte einen Titel angeben."))
    elif len(title) > 200:
        errors.setdefault("title", []).append(_("Der Titel ist länger als 200 Zeichen."))
    if kind not in Workspace.Kind.values:
        errors.setdefault("kind", []).append(_("Art „%(value)s“ gibt es nicht.") % {"value": kind})
    if entry_variant not in Workspace.EntryVariant.values:
        errors.setdefault("entry_variant", []).append(
            _("Einstieg „%(value)s“ gibt es nicht.") % {"value": entry_variant}
        )
    if digitalcheck is not None:
        if digitalcheck.result is None or digitalcheck.deleted_at is not None:
            errors.setdefault("digitalcheck", []).append(
                _("Der Digitalcheck ist nicht abgeschlossen oder gelöscht.")
            )
        elif digitalcheck.municipality_id not in (None, municipality.pk):
            errors.setdefault("digitalcheck", []).append(
                _("Dieser Digitalcheck gehört zu einer anderen Kommune.")
            )
    slug = slug.strip().lower()
    if slug:
        if slug != german_slug(slug) or len(slug) > 80:
            errors.setdefault("slug", []).append(
                _(
                    "Der Kurzname darf nur Kleinbuchstaben ohne Umlaute, Ziffern und "
                    "Bindestriche enthalten (höchstens 80 Zeichen)."
                )
            )
        elif Workspace.objects.filter(municipality=municipality, slug=slug).exists():
            errors.setdefault("slug", []).append(
                _("Der Kurzname „%(slug)s“ ist in %(place)s schon vergeben.")
                % {"slug": slug, "place": municipality.name}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        workspace = Workspace.objects.create(
            municipality=municipality,
            title=title,
            slug=slug or _unique_slug(municipality, german_slug(title)),
            kind=kind,
            entry_variant=entry_variant,
            digitalcheck=digitalcheck,
            created_by=actor,
        )
        WorkspaceMember.objects.create(workspace=workspace, user=actor, role=Role.CORE_TEAM)
        now = timezone.now()
        StepState.objects.bulk_create(
            StepState(
                workspace=workspace,
                code=code,
                round=1,
                created_by=actor,
                created_at=now,
                updated_by=actor,
                updated_at=now,
            )
            for code in STEP_CODES
        )
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.CREATED,
            object_description=_("Arbeitsraum „%(title)s“") % {"title": workspace.title},
            details=_("Einstieg: %(variant)s; %(actor)s gehört zum Kernteam.")
            % {"variant": workspace.get_entry_variant_display(), "actor": actor},
        )
    return workspace


# --------------------------------------------------------------------------- members


def invite(
    *,
    actor: Any,
    workspace: Workspace,
    email: str,
    role: str,
    accept_url_template: str,
) -> tuple[WorkspaceInvitation, str]:
    """Invite ``email`` into ``workspace`` with ``role`` (core team only).

    Sends the e-mail with the accept link (``accept_url_template`` contains ``{token}``) and
    returns the invitation and the plain token. An earlier open invitation of the same address
    is revoked. People without an account set one up on the accept page (the invitation is
    their sign-up, as decision 0001 requires).
    """
    _require(actor, workspace, "manage_members")
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Rolle „%(value)s“ gibt es nicht.") % {"value": role}})
    if not email or "@" not in email:
        raise ValidationError({"email": _("Bitte eine gültige E-Mail-Adresse angeben.")})
    if WorkspaceMember.objects.filter(workspace=workspace, user__email=email).exists():
        raise ValidationError(
            {"email": _("%(email)s ist bereits Mitglied dieses Arbeitsraums.") % {"email": email}}
        )
    token, token_hash = WorkspaceInvitation.new_token()
    with transaction.atomic():
        WorkspaceInvitation.objects.filter(
            workspace=workspace, email=email, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        invitation = WorkspaceInvitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.INVITED,
            object_description=_("Einladung an %(email)s") % {"email": email},
            details=_("Rolle: %(role)s") % {"role": role_label(role)},
        )
    context = {
        "invitation": invitation,
        "workspace": workspace,
        "inviter": actor,
        "role": role_label(role),
        "accept_url": accept_url_template.format(token=token),
        "valid_days": settings.INVITATION_VALID_DAYS,
        "has_account": User.objects.filter(email=email).exists(),
    }
    send_mail(
        subject=render_to_string("strategy/email/invitation_subject.txt", context).strip(),
        message=render_to_string("strategy/email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


def find_open_invitation(token: str) -> WorkspaceInvitation | None:
    """The open invitation with this token, or None (unknown, used, revoked, expired)."""
    invitation = (
        WorkspaceInvitation.objects.select_related("workspace", "workspace__municipality")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


def accept_invitation(*, invitation: WorkspaceInvitation, user: Any) -> WorkspaceMember:
    """``user`` joins the workspace with the invited role; the invitation is closed.

    The invitation is bound to its e-mail address: a different account cannot use it.
    Someone who is a member already keeps their role.
    """
    if not invitation.is_open:
        raise ValidationError(_("Die Einladung ist abgelaufen oder wurde bereits verwendet."))
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied(
            _("Diese Einladung gilt für %(email)s, nicht für das angemeldete Konto.")
            % {"email": invitation.email}
        )
    with transaction.atomic():
        member, created = WorkspaceMember.objects.get_or_create(
            workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        if created:
            record_activity(
                workspace=invitation.workspace,
                actor=user,
                verb=Activity.Verb.JOINED,
                object_description=str(user),
                details=_("Rolle: %(role)s") % {"role": member.get_role_display()},
            )
    return member


def accept_invitation_with_new_account(
    *, invitation: WorkspaceInvitation, name: str, password: str
) -> User:
    """Set up the account for an invitee without one, then join (one transaction).

    Raises
    ------
    ValidationError
        When an account exists already (sign in instead) or the password is too weak.
    """
    if not invitation.is_open:
        raise ValidationError(_("Die Einladung ist abgelaufen oder wurde bereits verwendet."))
    with transaction.atomic():
        if User.objects.filter(email=invitation.email).exists():
            raise ValidationError(
                _("Für %(email)s gibt es schon ein Konto. Bitte melden Sie sich an.")
                % {"email": invitation.email}
            )
        user = User(email=invitation.email, name=" ".join(name.split()))
        validate_password(password, user)
        user.set_password(password)
        user.save()
        accept_invitation(invitation=invitation, user=user)
    return user


def revoke_invitation(*, actor: Any, invitation: WorkspaceInvitation) -> None:
    """Withdraw an open invitation (core team only)."""
    _require(actor, invitation.workspace, "manage_members")
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Die Einladung an %(email)s wurde schon angenommen.") % {"email": invitation.email}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_activity(
        workspace=invitation.workspace,
        actor=actor,
        verb=Activity.Verb.INVITATION_REVOKED,
        object_description=_("Einladung an %(email)s") % {"email": invitation.email},
    )


def _core_team_count(workspace: Workspace) -> int:
    return WorkspaceMember.objects.filter(workspace=workspace, role=Role.CORE_TEAM).count()


def change_role(*, actor: Any, member: WorkspaceMember, role: str) -> WorkspaceMember:
    """Give ``member`` another role (core team only). The last core-team member keeps it."""
    workspace = member.workspace
    _require(actor, workspace, "manage_members")
    if role not in Role.values:
        raise ValidationError({"role": _("Rolle „%(value)s“ gibt es nicht.") % {"value": role}})
    with transaction.atomic():
        member = WorkspaceMember.objects.select_for_update().get(pk=member.pk)
        if member.role == role:
            return member
        if member.role == Role.CORE_TEAM and _core_team_count(workspace) <= 1:
            raise ValidationError(
                {
                    "role": _(
                        "%(person)s ist das letzte Mitglied des Kernteams. Nehmen Sie zuerst "
                        "eine weitere Person ins Kernteam auf."
                    )
                    % {"person": member}
                }
            )
        old = member.get_role_display()
        member.role = role
        member.save(update_fields=["role"])
        if role not in EDITING_ROLES:
            _release_steps(actor, member)
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.ROLE_CHANGED,
            object_description=str(member),
            details=f"{old} → {member.get_role_display()}",
        )
    return member


def remove_member(*, actor: Any, member: WorkspaceMember) -> None:
    """Remove ``member`` (core team), or leave (any member removing themself).

    The last member of the core team can neither leave nor be removed. Steps the person was
    responsible for lose their owner (a new version each, logged).
    """
    workspace = member.workspace
    leaving = member.user_id == getattr(actor, "pk", None)
    if not leaving:
        _require(actor, workspace, "manage_members")
    elif capabilities(actor, workspace) is None:
        raise PermissionDenied
    with transaction.atomic():
        member = WorkspaceMember.objects.select_for_update().get(pk=member.pk)
        if member.role == Role.CORE_TEAM and _core_team_count(workspace) <= 1:
            raise ValidationError(
                _(
                    "%(person)s ist das letzte Mitglied des Kernteams und kann den Arbeitsraum "
                    "nicht verlassen. Nehmen Sie zuerst eine weitere Person ins Kernteam auf."
                )
                % {"person": member}
            )
        _release_steps(actor, member)
        person = str(member)
        member.delete()
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.LEFT if leaving else Activity.Verb.REMOVED,
            object_description=person,
        )


def _release_steps(actor: Any, member: WorkspaceMember) -> None:
    """Steps ``member`` was responsible for get no owner (each as a new, logged version)."""
    for step in StepState.objects.filter(workspace=member.workspace, owner=member):
        locked = items.lock(step)
        changes = items.apply_changes(locked, {"owner": None})
        if changes:
            items.save_changes(locked, actor=actor, changes=changes)


# --------------------------------------------------------------------------- steps


def step_rounds(workspace: Workspace, code: str) -> list[StepState]:
    """Every live round of step ``code``, oldest first."""
    return list(
        StepState.objects.filter(workspace=workspace, code=code)
        .select_related("owner__user")
        .order_by("round")
    )


def current_step(workspace: Workspace, code: str) -> StepState:
    """The latest live round of step ``code``."""
    step = (
        StepState.objects.filter(workspace=workspace, code=code)
        .select_related("owner__user")
        .order_by("-round")
        .first()
    )
    if step is None:
        raise StepState.DoesNotExist(code)
    return step


def current_steps(workspace: Workspace) -> dict[str, StepState]:
    """Code → latest live round, for every step of the workspace."""
    result: dict[str, StepState] = {}
    for step in (
        StepState.objects.filter(workspace=workspace)
        .select_related("owner__user")
        .order_by("code", "round")
    ):
        result[step.code] = step
    return result


def _clean_checklist(step: StepState, checklist: Any) -> list[int]:
    total = len(step.info.results)
    if not isinstance(checklist, list | tuple | set):
        raise ValidationError(
            {
                "checklist": _("%(step)s: Die Checkliste muss eine Liste von Nummern sein.")
                % {"step": step.info.label}
            }
        )
    cleaned: set[int] = set()
    for value in checklist:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < total:
            raise ValidationError(
                {
                    "checklist": _(
                        "%(step)s hat %(total)s Ergebnisse (Nummern 0 bis %(last)s); "
                        "„%(value)s“ gehört nicht dazu."
                    )
                    % {
                        "step": step.info.label,
                        "total": total,
                        "last": total - 1,
                        "value": value,
                    }
                }
            )
        cleaned.add(value)
    return sorted(cleaned)


def _clean_owner(step: StepState, owner: WorkspaceMember | None) -> WorkspaceMember | None:
    if owner is None:
        return None
    if owner.workspace_id != step.workspace_id:
        raise ValidationError(
            {"owner": _("%(person)s ist nicht Mitglied dieses Arbeitsraums.") % {"person": owner}}
        )
    if owner.role not in EDITING_ROLES:
        raise ValidationError(
            {
                "owner": _(
                    "%(person)s hat die Rolle „%(role)s“ und kann keinen Arbeitsschritt "
                    "verantworten (nur Kernteam und Mitwirkende)."
                )
                % {"person": owner, "role": owner.get_role_display()}
            }
        )
    return owner


def _check_done(steps: list[StepState], reason: str) -> None:
    """Refuse "erledigt" unless every result is ticked or there is a reason."""
    if reason:
        return
    missing = [(s, s.missing_results) for s in steps if s.missing_results]
    if not missing:
        return
    parts = [
        _("%(step)s: noch nicht abgehakt: %(items)s")
        % {"step": s.info.label, "items": "; ".join(f"„{m}“" for m in items_)}
        for s, items_ in missing
    ]
    raise ValidationError(
        {
            "state": " ".join(parts)
            + ". "
            + _(
                "Haken Sie alle Ergebnisse ab oder begründen Sie, warum der Schritt trotzdem "
                "erledigt ist."
            )
        }
    )


def _partner(locked: StepState) -> StepState | None:
    if not locked.combined_with:
        return None
    partner = StepState.objects.filter(
        workspace=locked.workspace, code=locked.combined_with, round=1
    ).first()
    return items.lock(partner) if partner else None


def update_step(
    *,
    actor: Any,
    step: StepState,
    version: int,
    state: Any = UNSET,
    owner: Any = UNSET,
    due_date: Any = UNSET,
    checklist: Any = UNSET,
    done_reason: Any = UNSET,
) -> StepState:
    """Change state, owner, due date, checklist or the reason for "erledigt" of one step round
    (core team and contributors). Arguments left out stay as they are.

    ``version`` is the version the client read; an older one raises
    :class:`~kompass.strategy.items.VersionConflict` naming the fields changed since.
    "erledigt" needs every result ticked or a ``done_reason``; leaving "erledigt" clears the
    reason. Combined steps (3+4, 6+7) share state, owner and due date: a change to one is
    made to both (each gets a new version), and "erledigt" needs both checklists complete.
    """
    _require(actor, step.workspace, "edit_steps")
    with transaction.atomic():
        locked = items.lock(step)
        items.check_writable(locked, version)
        values: dict[str, Any] = {}
        if state is not UNSET:
            if state not in State.values:
                raise ValidationError(
                    {"state": _("Status „%(value)s“ gibt es nicht.") % {"value": state}}
                )
            values["state"] = state
        if owner is not UNSET:
            values["owner"] = _clean_owner(locked, owner)
        if due_date is not UNSET:
            if due_date is not None and not isinstance(due_date, dt.date):
                raise ValidationError({"due_date": _("Bitte ein Datum angeben.")})
            values["due_date"] = due_date
        if checklist is not UNSET:
            values["checklist"] = _clean_checklist(locked, checklist)
        if done_reason is not UNSET:
            values["done_reason"] = " ".join(str(done_reason or "").split())
        new_state = values.get("state", locked.state)
        partner = _partner(locked)
        if new_state == State.DONE:
            reason = values.get("done_reason", locked.done_reason)
            preview = StepState(
                workspace=locked.workspace,
                code=locked.code,
                checklist=values.get("checklist", locked.checklist),
            )
            _check_done([preview, *([partner] if partner else [])], reason)
        else:
            values["done_reason"] = ""
        changes = items.apply_changes(locked, values)
        if changes:
            items.save_changes(locked, actor=actor, changes=changes)
        if partner is not None:
            shared = {
                key: values[key]
                for key in ("state", "owner", "due_date", "done_reason")
                if key in values
            }
            partner_changes = items.apply_changes(partner, shared)
            if partner_changes:
                items.save_changes(
                    partner,
                    actor=actor,
                    changes=partner_changes,
                    details=_("mit %(step)s zusammengelegt: ") % {"step": locked.info.label}
                    + "; ".join(
                        f"{StepState.tracked_fields[f]}: {old} → {new}"
                        for f, (old, new) in partner_changes.items()
                    ),
                )
    return locked


def start_new_round(*, actor: Any, workspace: Workspace, code: str) -> StepState:
    """Start the next round of a repeatable step (only step 5, idea finding).

    The latest round must be done or skipped; the new round starts "in Arbeit" with an empty
    checklist.
    """
    _require(actor, workspace, "edit_steps")
    info = step_info(code)
    if not info.repeatable:
        raise ValidationError(
            _(
                "%(step)s lässt sich nicht wiederholen; laut Handreichung läuft nur die "
                "Ideenfindung (Arbeitsschritt 5) in mehreren Runden."
            )
            % {"step": info.label}
        )
    with transaction.atomic():
        latest = items.lock(current_step(workspace, code))
        if latest.state not in (State.DONE, State.SKIPPED):
            raise ValidationError(
                _(
                    "%(step)s, Runde %(round)s ist noch %(state)s. Schließen Sie die Runde ab "
                    "(erledigt oder übersprungen), bevor eine neue beginnt."
                )
                % {"step": info.label, "round": latest.round, "state": latest.get_state_display()}
            )
        return _new_round(
            actor,
            workspace,
            code,
            latest.round + 1,
            Activity.Verb.ROUND_STARTED,
            note=_("Neue Runde der Ideenfindung"),
        )


def _new_round(
    actor: Any, workspace: Workspace, code: str, number: int, verb: str, note: str
) -> StepState:
    now = timezone.now()
    step = StepState.objects.create(
        workspace=workspace,
        code=code,
        round=number,
        state=State.IN_PROGRESS,
        note=note,
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    record_activity(
        workspace=workspace,
        actor=actor,
        verb=verb,
        object_description=step.describe(),
        details=note,
        target=step,
    )
    return step


def revise_strategy_after_evaluation(*, actor: Any, workspace: Workspace) -> StepState:
    """The loop from the evaluation (step 9) back to the special module: a new SB round.

    Needs an evaluation under way or done, and the latest SB round finished (done or
    skipped); the new round starts "in Arbeit".
    """
    _require(actor, workspace, "edit_steps")
    with transaction.atomic():
        evaluation = current_step(workspace, "9")
        if evaluation.state not in (State.IN_PROGRESS, State.DONE):
            raise ValidationError(
                _(
                    "Die Strategie wird nach der Evaluation überarbeitet: Arbeitsschritt 9 ist "
                    "noch %(state)s. Beginnen Sie zuerst die Evaluation."
                )
                % {"state": evaluation.get_state_display()}
            )
        latest = items.lock(current_step(workspace, SPECIAL_MODULE_CODE))
        if latest.state not in (State.DONE, State.SKIPPED):
            raise ValidationError(
                _(
                    "Der Sonderbaustein ist in Runde %(round)s noch %(state)s. Bringen Sie die "
                    "Erkenntnisse der Evaluation dort ein; eine neue Runde beginnt, wenn die "
                    "laufende abgeschlossen ist."
                )
                % {"round": latest.round, "state": latest.get_state_display()}
            )
        return _new_round(
            actor,
            workspace,
            SPECIAL_MODULE_CODE,
            latest.round + 1,
            Activity.Verb.REVISION_STARTED,
            note=_("Überarbeitung der Strategie nach der Evaluation (Arbeitsschritt 9)"),
        )


def _combination_error(code: str) -> ValidationError:
    return ValidationError(
        _(
            "%(step)s lässt sich nicht zusammenlegen. Die Handreichung erlaubt nur "
            "Arbeitsschritt 3 mit 4 und Arbeitsschritt 6 mit 7."
        )
        % {"step": step_info(code).label}
    )


def combine_steps(
    *, actor: Any, workspace: Workspace, code: str, version: int | None = None
) -> tuple[StepState, StepState]:
    """Combine step ``code`` with its partner as the guide allows (3+4 or 6+7).

    Neither may be done or skipped yet. Both then share state (in work if one was), owner and
    due date (the first one set, ``code``'s before its partner's). ``version``, if given, is
    the version of ``code``'s step the client read.
    """
    _require(actor, workspace, "edit_steps")
    info = step_info(code)
    if not info.combinable_with:
        raise _combination_error(code)
    other = info.combinable_with[0]
    with transaction.atomic():
        first = items.lock(current_step(workspace, code))
        second = items.lock(current_step(workspace, other))
        if version is not None:
            items.check_writable(first, version)
        if first.combined_with:
            raise ValidationError(
                _("%(step)s ist bereits mit Schritt %(other)s zusammengelegt.")
                % {"step": info.label, "other": first.combined_with}
            )
        for step in (first, second):
            if step.state in (State.DONE, State.SKIPPED):
                raise ValidationError(
                    _(
                        "%(step)s ist bereits %(state)s; erledigte oder übersprungene Schritte "
                        "lassen sich nicht mehr zusammenlegen."
                    )
                    % {"step": step.info.label, "state": step.get_state_display()}
                )
        shared_state = (
            State.IN_PROGRESS if State.IN_PROGRESS in (first.state, second.state) else State.OPEN
        )
        shared = {
            "state": shared_state,
            "owner": first.owner or second.owner,
            "due_date": first.due_date or second.due_date,
        }
        for step, partner in ((first, second), (second, first)):
            changes = items.apply_changes(step, {**shared, "combined_with": partner.code})
            items.save_changes(
                step,
                actor=actor,
                changes=changes,
                verb=Activity.Verb.COMBINED,
                details=_("mit %(other)s") % {"other": partner.info.full_label},
            )
    return first, second


def separate_steps(
    *, actor: Any, workspace: Workspace, code: str, version: int | None = None
) -> tuple[StepState, StepState]:
    """Undo :func:`combine_steps`; both steps keep their current values."""
    _require(actor, workspace, "edit_steps")
    with transaction.atomic():
        first = items.lock(current_step(workspace, code))
        if version is not None:
            items.check_writable(first, version)
        if not first.combined_with:
            raise ValidationError(
                _("%(step)s ist mit keinem Schritt zusammengelegt.") % {"step": first.info.label}
            )
        second = items.lock(current_step(workspace, first.combined_with))
        for step in (first, second):
            changes = items.apply_changes(step, {"combined_with": ""})
            items.save_changes(
                step, actor=actor, changes=changes, verb=Activity.Verb.SEPARATED, details=""
            )
    return first, second


def delete_round(*, actor: Any, step: StepState, version: int) -> StepState:
    """Delete a repeated round started by mistake (the latest, never round 1); it can be
    restored for 30 days."""
    _require(actor, step.workspace, "edit_steps")
    latest = current_step(step.workspace, step.code)
    if step.round == 1 or step.pk != latest.pk:
        raise ValidationError(
            _("Nur die letzte Runde ab Runde 2 lässt sich löschen, nicht %(step)s.")
            % {"step": step.describe()}
        )
    return items.soft_delete_item(step, actor=actor, version=version)


def restore_round(*, actor: Any, step: StepState) -> StepState:
    """Restore a deleted round within 30 days, unless its number is in use again."""
    _require(actor, step.workspace, "edit_steps")
    if StepState.objects.filter(
        workspace=step.workspace, code=step.code, round=step.round
    ).exists():
        raise ValidationError(
            _(
                "%(step)s gibt es inzwischen wieder; die gelöschte Runde lässt sich deshalb "
                "nicht wiederherstellen."
            )
            % {"step": step.describe()}
        )
    return items.restore_item(step, actor=actor)


def deleted_rounds(workspace: Workspace, code: str) -> list[StepState]:
    """Deleted rounds of step ``code`` that can still be restored, newest first."""
    cutoff = timezone.now() - timedelta(days=items.RESTORE_DAYS)
    return list(
        StepState.all_objects.filter(
            workspace=workspace, code=code, deleted_at__gte=cutoff
        ).order_by("-deleted_at")
    )


# --------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    """Checklist progress of a set of steps: ticked results of all."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(steps: list[StepState]) -> Progress:
    return Progress(
        done=sum(s.results_done for s in steps), total=sum(s.results_total for s in steps)
    )


def next_round_number(workspace: Workspace, code: str) -> int:
    """The number the next round of ``code`` would get (live rounds only)."""
    latest = StepState.objects.filter(workspace=workspace, code=code).aggregate(n=Max("round"))
    return int(latest["n"] or 0) + 1
