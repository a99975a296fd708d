"""API of the workspace part "ideas" under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api): fields of action, ideas, dot voting.

The same services as the pages (:mod:`kompass.strategy.fields`, :mod:`kompass.strategy.ideas`):
404 for non-members (and unknown items), 403 for roles without the right, 409 with the changed
fields on a stale ``version``, 422 with German messages per field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.strategy import fields as field_services
from kompass.strategy import ideas as idea_services
from kompass.strategy.api import (
    NOT_FOUND,
    StepConflictOut,
    WorkspaceErrorOut,
    WorkspaceValidationErrorOut,
    member_of,
    validation_error,
)
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import ActorGroup, FieldOfAction, Idea, Workspace, WorkspaceMember

router = Router(tags=["strategy"])

FieldKind = Literal["sectoral", "cross_cutting"]
Spatial = Literal["city", "district", "subarea"]
Responsibility = Literal["leading", "impulse", "support", ""]
IdeaStatus = Literal["longlist", "shortlist", "promoted", "discarded"]
OriginKind = Literal["own", "atlas_project", "practice_example"]
ActorGroupValue = Literal["civil_society", "administration", "business", "science"]

ERRORS: dict[int | str, Any] = {
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    404: WorkspaceErrorOut,
    409: StepConflictOut,
    422: WorkspaceValidationErrorOut,
}


# --------------------------------------------------------------------------- schemas


class FieldOfActionOut(Schema):
    id: int
    title: str
    description: str
    kind: FieldKind
    spatial_reference: Spatial
    spatial_note: str
    municipal_role: str
    responsibility: str
    atlas_fields: list[str]
    source_term: str
    position: int
    ideas: int
    projects: int
    version: int
    updated_at: dt.datetime


class FieldOfActionIn(Schema):
    title: str
    description: str = ""
    kind: FieldKind = "sectoral"
    spatial_reference: Spatial = "city"
    spatial_note: str = ""
    municipal_role: str = Field("", description="Slug aus process.yaml municipal_roles")
    responsibility: Responsibility = ""
    atlas_fields: list[str] = Field(default_factory=list, description="Slugs der zehn Felder")


class FieldOfActionPatchIn(Schema):
    version: int
    title: str | None = None
    description: str | None = None
    kind: FieldKind | None = None
    spatial_reference: Spatial | None = None
    spatial_note: str | None = None
    municipal_role: str | None = None
    responsibility: Responsibility | None = None
    atlas_fields: list[str] | None = None
    position: Literal["up", "down"] | None = Field(None, description="eine Stelle verschieben")


class FieldOrderItemIn(Schema):
    id: int
    version: int = Field(description="die gelesene Version des Handlungsfelds")


class FieldOrderIn(Schema):
    fields: list[FieldOrderItemIn] = Field(
        description="alle Handlungsfelder des Arbeitsraums in der neuen Reihenfolge"
    )


class FieldSeedIn(Schema):
    terms: list[str] = Field(description="Handlungsfelder der Wirkungsmatrix (term)")


class IdeaOriginOut(Schema):
    kind: OriginKind
    ref: str
    title: str
    url: str


class IdeaOut(Schema):
    id: int
    title: str
    field_of_action: int | None
    field_of_action_title: str | None
    idea: str
    goal: str
    partners: list[str]
    round: int
    status: IdeaStatus
    origin: IdeaOriginOut
    promoted_to: int | None
    votes: dict[str, int] = Field(description="Punkte je Akteursgruppe")
    votes_total: int
    created_by: str | None
    version: int
    updated_at: dt.datetime


class IdeaIn(Schema):
    title: str
    field_of_action: int | None = None
    idea: str = ""
    goal: str = ""
    partners: list[str] = Field(default_factory=list)
    round: int | None = Field(None, description="Runde von Schritt 5; ohne Angabe die letzte")
    status: Literal["longlist", "shortlist"] | None = None


class IdeaTakeOverIn(Schema):
    kind: Literal["atlas_project", "practice_example"]
    ref: str = Field(description="Nummer des Atlas-Projekts oder Kurzname des Praxisbeispiels")
    field_of_action: int | None = None
    round: int | None = None


class IdeaPatchIn(Schema):
    version: int
    title: str | None = None
    field_of_action: int | None = None
    idea: str | None = None
    goal: str | None = None
    partners: list[str] | None = None
    round: int | None = None
    status: IdeaStatus | None = None


class IdeaVersionIn(Schema):
    version: int


class IdeaProjectOut(Schema):
    id: int
    title: str
    status: str
    sketch: dict[str, Any]
    field_of_action: int | None


class VoteIn(Schema):
    actor_group: ActorGroupValue | None = Field(
        None, description="nötig beim ersten Punkt der Runde"
    )


class VoteTallyIn(Schema):
    actor_group: ActorGroupValue
    dots: int = Field(ge=0)


class MyVotesOut(Schema):
    round: int
    actor_group: ActorGroupValue | None
    used: int
    remaining: int
    idea_votes: int


class WorkshopCellIn(Schema):
    idea: int
    actor_group: str = Field(description="civil_society, administration, business, science")
    dots: int = Field(description="Klebepunkte der Gruppe auf der Idee; 0 entfernt sie")


class WorkshopIn(Schema):
    version: int = Field(description="Version der Abstimmung (aus GET voting/{round})")
    workshop_participants: dict[str, int] | None = Field(
        None, description="Teilnehmende je Akteursgruppe; ohne Angabe bleiben sie"
    )
    tallies: list[WorkshopCellIn] = Field(default_factory=list)


class VotingParticipantsIn(Schema):
    version: int
    workshop_participants: dict[str, int]


class VotingStateIn(Schema):
    version: int


class IdeaGroupResultOut(Schema):
    actor_group: ActorGroupValue
    label: str
    colour: str
    symbol: str
    dots: int
    participants: int
    dot_share: float | None
    participant_share: float | None
    weight: float | None


class IdeaResultOut(Schema):
    idea: int
    title: str
    status: IdeaStatus
    field_of_action: int | None
    votes: dict[str, int]
    total: int
    balanced: float
    rank: int
    balanced_rank: int


class VotingResultsOut(Schema):
    round: int
    state: Literal["not_opened", "open", "closed"]
    version: int | None
    votes_per_participant: int
    total_dots: int
    total_participants: int
    groups: list[IdeaGroupResultOut]
    ideas: list[IdeaResultOut]


# --------------------------------------------------------------------------- helpers


def _found(request: HttpRequest, workspace_id: int) -> tuple[Workspace, WorkspaceMember] | None:
    return member_of(request, workspace_id)


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _call(action: Callable[[], Any], ok: Callable[[Any], Status[Any]]) -> Status[Any]:
    """Run a service call and translate its errors into the API's answers."""
    try:
        result = action()
    except VersionConflict as exc:
        return Status(
            409,
            StepConflictOut(
                detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
            ),
        )
    except PermissionDenied as exc:
        return Status(
            403,
            WorkspaceErrorOut(
                detail=str(exc) or "Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."
            ),
        )
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return ok(result)


def _field_out(field: FieldOfAction) -> dict[str, Any]:
    counted = field_services.live_fields(field.workspace).filter(pk=field.pk).first()
    return {
        "id": field.pk,
        "title": field.title,
        "description": field.description,
        "kind": field.kind,
        "spatial_reference": field.spatial_reference,
        "spatial_note": field.spatial_note,
        "municipal_role": field.municipal_role,
        "responsibility": field.responsibility,
        "atlas_fields": list(field.atlas_fields or []),
        "source_term": field.source_term,
        "position": field.position,
        "ideas": getattr(field, "idea_count", counted.idea_count if counted else 0),
        "projects": getattr(field, "project_count", counted.project_count if counted else 0),
        "version": field.version,
        "updated_at": field.updated_at,
    }


def _idea_out(idea: Idea, votes: dict[str, int] | None = None) -> dict[str, Any]:
    if votes is None:
        votes = idea_services.totals_by_idea([idea])[idea.pk]
    field = idea.field_of_action
    return {
        "id": idea.pk,
        "title": idea.title,
        "field_of_action": idea.field_of_action_id,
        "field_of_action_title": field.title if field is not None else None,
        "idea": idea.idea,
        "goal": idea.goal,
        "partners": list(idea.partners or []),
        "round": idea.round,
        "status": idea.status,
        "origin": {
            "kind": idea.origin_kind,
            "ref": idea.origin_ref,
            "title": idea.origin_title,
            "url": idea.origin_url,
        },
        "promoted_to": idea.promoted_to_id,
        "votes": {g: votes.get(g, 0) for g in ActorGroup.values},
        "votes_total": sum(votes.values()),
        "created_by": str(idea.created_by) if idea.created_by else None,
        "version": idea.version,
        "updated_at": idea.updated_at,
    }


def _field(workspace: Workspace, pk: int, deleted: bool = False) -> FieldOfAction | None:
    return field_services.field_or_none(workspace, pk, deleted=deleted)


def _idea(workspace: Workspace, pk: int, deleted: bool = False) -> Idea | None:
    return idea_services.idea_or_none(workspace, pk, deleted=deleted)


def _missing(what: str) -> Status[Any]:
    return Status(404, WorkspaceErrorOut(detail=f"{what} nicht gefunden."))


# --------------------------------------------------------------------------- fields


@router.get(
    "/workspaces/{workspace_id}/fields",
    response={200: list[FieldOfActionOut], **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfelder eines Arbeitsraums",
)
def list_fields(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """The fields of action in their order, with the number of ideas and projects."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return Status(200, [_field_out(f) for f in field_services.live_fields(found[0])])


@router.post(
    "/workspaces/{workspace_id}/fields",
    response={201: FieldOfActionOut, **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfeld anlegen",
)
def create_field(request: HttpRequest, workspace_id: int, payload: FieldOfActionIn) -> Status[Any]:
    """Core team and contributors (403 otherwise); 422 with German messages."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return _call(
        lambda: field_services.create_field(
            actor=_user(request), workspace=found[0], **payload.model_dump()
        ),
        lambda f: Status(201, _field_out(f)),
    )


@router.post(
    "/workspaces/{workspace_id}/fields/seed",
    response={201: list[FieldOfActionOut], **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfelder aus der Wirkungsmatrix übernehmen",
)
def seed_fields(request: HttpRequest, workspace_id: int, payload: FieldSeedIn) -> Status[Any]:
    """One field per chosen term of the guide's example impact matrix, with its atlas
    fields; 422 for unknown terms or terms the workspace already has."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return _call(
        lambda: field_services.seed_fields(
            actor=_user(request), workspace=found[0], terms=payload.terms
        ),
        lambda created: Status(201, [_field_out(f) for f in created]),
    )


@router.put(
    "/workspaces/{workspace_id}/fields/order",
    response={200: list[FieldOfActionOut], **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfelder neu ordnen",
)
def order_fields(request: HttpRequest, workspace_id: int, payload: FieldOrderIn) -> Status[Any]:
    """Every live field once, in the new order, each with the version read. 409 (nothing
    moved) when any of them changed since; 422 when fields are missing or repeated. Core
    team and contributors."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    order = [item.id for item in payload.fields]
    versions = {item.id: item.version for item in payload.fields}

    def ordered() -> list[FieldOfAction]:
        field_services.set_positions(
            actor=_user(request), workspace=found[0], order=order, versions=versions
        )
        return list(field_services.live_fields(found[0]))

    return _call(ordered, lambda rows: Status(200, [_field_out(f) for f in rows]))


@router.patch(
    "/workspaces/{workspace_id}/fields/{field_id}",
    response={200: FieldOfActionOut, **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfeld ändern",
)
def patch_field(
    request: HttpRequest, workspace_id: int, field_id: int, payload: FieldOfActionPatchIn
) -> Status[Any]:
    """Only the fields sent change; ``position`` ``up``/``down`` moves the field. 409 when
    ``version`` is stale."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    field = _field(found[0], field_id)
    if field is None:
        return _missing("Handlungsfeld")
    values = {
        k: getattr(payload, k) for k in payload.model_fields_set if k not in ("version", "position")
    }
    user = _user(request)

    def run() -> FieldOfAction:
        updated = field
        version = payload.version
        if values or payload.position is None:
            updated = field_services.update_field(
                actor=user, field=field, version=version, **values
            )
            version = updated.version
        if payload.position is not None:
            updated = field_services.move_field(
                actor=user, field=updated, version=version, direction=payload.position
            )
        return FieldOfAction.objects.get(pk=updated.pk)

    return _call(run, lambda f: Status(200, _field_out(f)))


@router.delete(
    "/workspaces/{workspace_id}/fields/{field_id}",
    response={204: None, **ERRORS},
    auth=api_key_auth,
    summary="Handlungsfeld löschen (30 Tage wiederherstellbar)",
)
def delete_field(
    request: HttpRequest, workspace_id: int, field_id: int, version: int
) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    field = _field(found[0], field_id)
    if field is None:
        return _missing("Handlungsfeld")
    return _call(
        lambda: field_services.delete_field(actor=_user(request), field=field, version=version),
        lambda _f: Status(204, None),
    )


@router.post(
    "/workspaces/{workspace_id}/fields/{field_id}/restore",
    response={200: FieldOfActionOut, **ERRORS},
    auth=api_key_auth,
    summary="Gelöschtes Handlungsfeld wiederherstellen",
)
def restore_field(request: HttpRequest, workspace_id: int, field_id: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    field = _field(found[0], field_id, deleted=True)
    if field is None:
        return _missing("Gelöschtes Handlungsfeld")
    return _call(
        lambda: field_services.restore_field(actor=_user(request), field=field),
        lambda f: Status(200, _field_out(f)),
    )


# --------------------------------------------------------------------------- ideas


@router.get(
    "/workspaces/{workspace_id}/ideas",
    response={200: list[IdeaOut], **ERRORS},
    auth=api_key_auth,
    summary="Ideen eines Arbeitsraums mit Punkten",
)
def list_ideas(
    request: HttpRequest,
    workspace_id: int,
    round: int | None = None,  # noqa: A002 - the API's word
    status: IdeaStatus | None = None,
    field_of_action: int | None = None,
) -> Status[Any]:
    """Ideas with their dots per actor group; filter by ``round``, ``status`` and
    ``field_of_action``."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    ideas = idea_services.live_ideas(found[0])
    if round is not None:
        ideas = ideas.filter(round=round)
    if status is not None:
        ideas = ideas.filter(status=status)
    if field_of_action is not None:
        ideas = ideas.filter(field_of_action_id=field_of_action)
    rows = list(ideas)
    votes = idea_services.totals_by_idea(rows)
    return Status(200, [_idea_out(i, votes[i.pk]) for i in rows])


@router.post(
    "/workspaces/{workspace_id}/ideas",
    response={201: IdeaOut, **ERRORS},
    auth=api_key_auth,
    summary="Idee anlegen",
)
def create_idea(request: HttpRequest, workspace_id: int, payload: IdeaIn) -> Status[Any]:
    """Core team, contributors and external partners; readers 403."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    values = payload.model_dump()
    if values["round"] is None:
        values.pop("round")
    return _call(
        lambda: idea_services.create_idea(actor=_user(request), workspace=found[0], **values),
        lambda i: Status(201, _idea_out(i)),
    )


@router.post(
    "/workspaces/{workspace_id}/ideas/take-over",
    response={201: IdeaOut, **ERRORS},
    auth=api_key_auth,
    summary="Atlas-Projekt oder Praxisbeispiel als Idee übernehmen",
)
def take_over_idea(request: HttpRequest, workspace_id: int, payload: IdeaTakeOverIn) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return _call(
        lambda: idea_services.take_over(
            actor=_user(request),
            workspace=found[0],
            kind=payload.kind,
            ref=payload.ref,
            field_of_action=payload.field_of_action,
            round=payload.round,
        ),
        lambda i: Status(201, _idea_out(i)),
    )


@router.patch(
    "/workspaces/{workspace_id}/ideas/{idea_id}",
    response={200: IdeaOut, **ERRORS},
    auth=api_key_auth,
    summary="Idee ändern",
)
def patch_idea(
    request: HttpRequest, workspace_id: int, idea_id: int, payload: IdeaPatchIn
) -> Status[Any]:
    """Only the fields sent change. Editors change every idea and its status; external
    partners their own ideas (not the status). 409 on a stale ``version``."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    values = {k: getattr(payload, k) for k in payload.model_fields_set if k != "version"}
    return _call(
        lambda: idea_services.update_idea(
            actor=_user(request), idea=idea, version=payload.version, values=values
        ),
        lambda i: Status(
            200, _idea_out(Idea.objects.select_related("field_of_action").get(pk=i.pk))
        ),
    )


@router.delete(
    "/workspaces/{workspace_id}/ideas/{idea_id}",
    response={204: None, **ERRORS},
    auth=api_key_auth,
    summary="Idee löschen (30 Tage wiederherstellbar)",
)
def delete_idea(request: HttpRequest, workspace_id: int, idea_id: int, version: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    return _call(
        lambda: idea_services.delete_idea(actor=_user(request), idea=idea, version=version),
        lambda _i: Status(204, None),
    )


@router.post(
    "/workspaces/{workspace_id}/ideas/{idea_id}/restore",
    response={200: IdeaOut, **ERRORS},
    auth=api_key_auth,
    summary="Gelöschte Idee wiederherstellen",
)
def restore_idea(request: HttpRequest, workspace_id: int, idea_id: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id, deleted=True)
    if idea is None:
        return _missing("Gelöschte Idee")
    return _call(
        lambda: idea_services.restore_idea(actor=_user(request), idea=idea),
        lambda i: Status(200, _idea_out(i)),
    )


@router.post(
    "/workspaces/{workspace_id}/ideas/{idea_id}/promote",
    response={201: IdeaProjectOut, **ERRORS},
    auth=api_key_auth,
    summary="Idee zur Projektskizze ausarbeiten",
)
def promote_idea(
    request: HttpRequest, workspace_id: int, idea_id: int, payload: IdeaVersionIn
) -> Status[Any]:
    """Creates the project (status ``sketch``) with the sketch prefilled from the idea."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    return _call(
        lambda: idea_services.promote_idea(
            actor=_user(request), idea=idea, version=payload.version
        ),
        lambda p: Status(
            201,
            {
                "id": p.pk,
                "title": p.title,
                "status": p.status,
                "sketch": p.sketch,
                "field_of_action": p.field_of_action_id,
            },
        ),
    )


# --------------------------------------------------------------------------- votes


def _my_votes(workspace: Workspace, member: WorkspaceMember, idea: Idea) -> dict[str, Any]:
    mine = idea_services.my_dots(workspace, member, idea.round)
    chosen = idea_services.participant(idea_services.voting_round(workspace, idea.round), member)
    used = sum(mine.values())
    return {
        "round": idea.round,
        "actor_group": chosen.actor_group if chosen else None,
        "used": used,
        "remaining": idea_services.VOTES_PER_PARTICIPANT - used,
        "idea_votes": mine.get(idea.pk, 0),
    }


@router.post(
    "/workspaces/{workspace_id}/ideas/{idea_id}/votes",
    response={201: MyVotesOut, **ERRORS},
    auth=api_key_auth,
    summary="Einen Klebepunkt setzen",
)
def cast_vote(
    request: HttpRequest, workspace_id: int, idea_id: int, payload: VoteIn
) -> Status[Any]:
    """One of the key owner's three dots of the round on this idea (``actor_group`` on the
    first dot). 422 when all dots are used or the voting is not open."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    return _call(
        lambda: idea_services.cast_vote(
            actor=_user(request), idea=idea, actor_group=payload.actor_group
        ),
        lambda _v: Status(201, _my_votes(found[0], found[1], idea)),
    )


@router.delete(
    "/workspaces/{workspace_id}/ideas/{idea_id}/votes",
    response={200: MyVotesOut, **ERRORS},
    auth=api_key_auth,
    summary="Einen eigenen Klebepunkt zurücknehmen",
)
def withdraw_vote(request: HttpRequest, workspace_id: int, idea_id: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    return _call(
        lambda: idea_services.withdraw_vote(actor=_user(request), idea=idea),
        lambda _v: Status(200, _my_votes(found[0], found[1], idea)),
    )


@router.put(
    "/workspaces/{workspace_id}/ideas/{idea_id}/tally",
    response={200: IdeaOut, **ERRORS},
    auth=api_key_auth,
    summary="Klebepunkte aus dem Workshop eintragen",
)
def record_tally(
    request: HttpRequest, workspace_id: int, idea_id: int, payload: VoteTallyIn
) -> Status[Any]:
    """Set the paper dots of one actor group on this idea (0 removes them). Core team and
    contributors."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    idea = _idea(found[0], idea_id)
    if idea is None:
        return _missing("Idee")
    return _call(
        lambda: idea_services.record_tally(
            actor=_user(request), idea=idea, actor_group=payload.actor_group, dots=payload.dots
        ),
        lambda _v: Status(200, _idea_out(idea)),
    )


def _results_out(workspace: Workspace, round_number: int) -> dict[str, Any]:
    outcome = idea_services.results(workspace, round_number)
    voting = outcome.voting

    def share(value: Any) -> float | None:
        return None if value is None else round(float(value), 4)

    return {
        "round": round_number,
        "state": voting.state if voting else "not_opened",
        "version": voting.version if voting else None,
        "votes_per_participant": idea_services.VOTES_PER_PARTICIPANT,
        "total_dots": outcome.total_dots,
        "total_participants": outcome.total_participants,
        "groups": [
            {
                "actor_group": g.value,
                "label": g.style.label,
                "colour": g.style.colour,
                "symbol": g.style.symbol,
                "dots": g.dots,
                "participants": g.participants,
                "dot_share": share(g.dot_share),
                "participant_share": share(g.participant_share),
                "weight": share(g.weight),
            }
            for g in outcome.groups
        ],
        "ideas": [
            {
                "idea": r.idea.pk,
                "title": r.idea.title,
                "status": r.idea.status,
                "field_of_action": r.idea.field_of_action_id,
                "votes": r.by_group,
                "total": r.total,
                "balanced": r.balanced_value,
                "rank": r.rank,
                "balanced_rank": r.balanced_rank,
            }
            for r in outcome.ideas
        ],
    }


@router.get(
    "/workspaces/{workspace_id}/voting/{round_number}",
    response={200: VotingResultsOut, **ERRORS},
    auth=api_key_auth,
    summary="Ergebnis der Abstimmung einer Runde",
)
def voting_results(request: HttpRequest, workspace_id: int, round_number: int) -> Status[Any]:
    """Ideas ranked by dots with dots per actor group, the groups' shares of dots and
    participants, and the balanced score (docs/strategy_ideas.md)."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    if round_number not in idea_services.step5_rounds(found[0]):
        return _missing("Runde")
    return Status(200, _results_out(found[0], round_number))


@router.post(
    "/workspaces/{workspace_id}/voting/{round_number}/open",
    response={200: VotingResultsOut, **ERRORS},
    auth=api_key_auth,
    summary="Abstimmung öffnen (Kernteam)",
)
def open_voting(request: HttpRequest, workspace_id: int, round_number: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return _call(
        lambda: idea_services.open_voting(
            actor=_user(request), workspace=found[0], round_number=round_number
        ),
        lambda _v: Status(200, _results_out(found[0], round_number)),
    )


@router.post(
    "/workspaces/{workspace_id}/voting/{round_number}/close",
    response={200: VotingResultsOut, **ERRORS},
    auth=api_key_auth,
    summary="Abstimmung schließen (Kernteam)",
)
def close_voting(
    request: HttpRequest, workspace_id: int, round_number: int, payload: VotingStateIn
) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    voting = idea_services.voting_round(found[0], round_number)
    if voting is None:
        return _missing("Abstimmung")
    return _call(
        lambda: idea_services.close_voting(
            actor=_user(request), voting=voting, version=payload.version
        ),
        lambda _v: Status(200, _results_out(found[0], round_number)),
    )


@router.put(
    "/workspaces/{workspace_id}/voting/{round_number}/workshop",
    response={200: VotingResultsOut, **ERRORS},
    auth=api_key_auth,
    summary="Klebepunkte und Teilnehmende des Workshops auf einmal eintragen",
)
def record_workshop(
    request: HttpRequest, workspace_id: int, round_number: int, payload: WorkshopIn
) -> Status[Any]:
    """The workshop's table at once, all or nothing: when one cell fails, nothing is written
    and 422 names every failing cell (keys ``tallies.<idea>.<group>`` and
    ``workshop_participants.<group>``, German messages naming idea and group). 409 when the
    voting changed since ``version``. Core team and contributors."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    if idea_services.voting_round(found[0], round_number) is None:
        return _missing("Abstimmung")
    return _call(
        lambda: idea_services.record_workshop(
            actor=_user(request),
            workspace=found[0],
            round_number=round_number,
            version=payload.version,
            participants=payload.workshop_participants,
            tallies=[(c.idea, c.actor_group, c.dots) for c in payload.tallies],
        ),
        lambda _v: Status(200, _results_out(found[0], round_number)),
    )


@router.put(
    "/workspaces/{workspace_id}/voting/{round_number}/participants",
    response={200: VotingResultsOut, **ERRORS},
    auth=api_key_auth,
    summary="Teilnehmende des Workshops je Akteursgruppe",
)
def set_participants(
    request: HttpRequest, workspace_id: int, round_number: int, payload: VotingParticipantsIn
) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    voting = idea_services.voting_round(found[0], round_number)
    if voting is None:
        return _missing("Abstimmung")
    return _call(
        lambda: idea_services.set_workshop_participants(
            actor=_user(request),
            voting=voting,
            version=payload.version,
            counts=payload.workshop_participants,
        ),
        lambda _v: Status(200, _results_out(found[0], round_number)),
    )
