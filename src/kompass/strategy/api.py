"""Endpoints of the strategy workspace (router owned by the strategy package, mounted at
``/api/v1/strategy``).

``GET /process`` is public: the process is shipped data from a published guide, nothing
municipal. Everything under ``/workspaces`` needs a personal API key and calls the same
services as the pages (:mod:`kompass.strategy.services`): workspaces of which the key's owner
is not a member answer 404, members whose role does not allow a change 403, a step changed
since the client read it 409 with a German message naming the fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.core.models import Municipality
from kompass.strategy import services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import StepState, Workspace, WorkspaceMember
from kompass.strategy.permissions import Capabilities, workspaces_of
from kompass.strategy.process import process_json
from kompass.strategy.steps import STEP_CODES

router = Router(tags=["strategy"])


class SourceOut(Schema):
    file: str
    lines: list[int]


class DocumentOut(Schema):
    file: str
    title: str
    reference_date: str


class CycleOut(Schema):
    slug: Literal["strategy", "projects"]
    title: str
    description: str
    steps: list[int]
    steps_inferred: bool


class GuidingQuestionOut(Schema):
    group: str | None
    text: str
    printed: bool


class MethodOut(Schema):
    label: str
    worksheet: int | None


class StepOut(Schema):
    number: int
    slug: str
    title: str
    title_printed: bool
    cycle: Literal["strategy", "projects"]
    combinable_with: list[int]
    repeatable: bool
    goals: list[str]
    guiding_questions: list[GuidingQuestionOut]
    methods: list[MethodOut]
    results: list[str]
    worksheets: list[int]
    source: SourceOut


class SpecialModuleOut(Schema):
    code: str
    slug: str
    title: str
    follows_steps: list[int]
    revised_after: list[int]
    goals: list[str]
    guiding_questions: list[GuidingQuestionOut]
    results: list[str]
    source: SourceOut


class LoopOut(Schema):
    kind: Literal["repeat", "revise_strategy", "parallel_cycles"]
    from_step: int | None
    to_step: int | None
    description: str


class EntryVariantOut(Schema):
    slug: str
    label: str
    description: str
    entry_steps: list[int]


class WorksheetSummaryOut(Schema):
    number: int
    slug: str
    title: str
    steps: list[int]


class ProcessOut(Schema):
    document: DocumentOut
    cycles: list[CycleOut]
    steps: list[StepOut]
    special_module: SpecialModuleOut
    loops: list[LoopOut]
    entry_variants: list[EntryVariantOut]
    worksheets: list[WorksheetSummaryOut]


@router.get(
    "/process",
    response=ProcessOut,
    summary="Smart-City-Prozess: Arbeitsschritte, Zyklen und Arbeitshilfen",
    auth=None,
)
def get_process(request: HttpRequest) -> dict[str, object]:
    """The nine work steps of the BBSR guide in two cycles (``strategy``, ``projects``), the
    special module for writing and revising the strategy, entry variants, loops and the ten
    worksheets with the steps they support. German texts; every step cites its lines in the
    guide (``source``). Steps with ``title_printed: false`` carry a reconstructed title."""
    return process_json()


# --------------------------------------------------------------------------- workspaces

WorkspaceKind = Literal["strategy", "district_alliance", "other"]
EntryVariant = Literal["strategy_first", "pilot_first", "mixed"]
MemberRole = Literal["core_team", "contributor", "reader", "external_partner"]
StepStateValue = Literal["open", "in_progress", "done", "skipped"]


class WorkspaceErrorOut(Schema):
    detail: str


class WorkspaceValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class StepConflictOut(Schema):
    detail: str
    current_version: int
    changed_fields: list[str]


class WorkspaceProgressOut(Schema):
    done: int
    total: int


class WorkspaceOut(Schema):
    id: int
    municipality: str
    municipality_name: str
    title: str
    slug: str
    kind: WorkspaceKind
    entry_variant: EntryVariant
    entry_variant_label: str
    digitalcheck_submission_id: int | None
    my_role: MemberRole
    created_at: dt.datetime
    url: str


class WorkspaceDetailOut(WorkspaceOut):
    progress: WorkspaceProgressOut
    members: int


class WorkspaceIn(Schema):
    municipality: str = Field(description="Kurzname (slug) oder AGS der Kommune")
    title: str
    slug: str = ""
    kind: WorkspaceKind = "strategy"
    entry_variant: EntryVariant = "strategy_first"
    digitalcheck_submission_id: int | None = None


class StepOwnerOut(Schema):
    member_id: int
    name: str


class ChecklistItemOut(Schema):
    index: int
    text: str
    done: bool


class StepStateOut(Schema):
    code: str
    round: int
    title: str
    cycle: Literal["strategy", "projects"] | None
    state: StepStateValue
    owner: StepOwnerOut | None
    due_date: dt.date | None
    checklist: list[ChecklistItemOut]
    results_done: int
    results_total: int
    combined_with: str | None
    done_reason: str
    version: int
    updated_at: dt.datetime


class StepPatchIn(Schema):
    """Only the fields sent are changed; ``owner`` and ``due_date`` may be ``null`` to clear."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    state: StepStateValue | None = None
    owner: int | None = Field(None, description="member_id aus der Mitgliederliste")
    due_date: dt.date | None = None
    checklist: list[int] | None = Field(
        None, description="Nummern (ab 0) der abgehakten Ergebnisse; ersetzt die Liste"
    )
    done_reason: str | None = None


class WorkspaceMemberOut(Schema):
    member_id: int
    name: str
    email: str | None = Field(description="nur für das Kernteam sichtbar")
    role: MemberRole
    joined_at: dt.datetime


def _member(request: HttpRequest, workspace_id: int) -> tuple[Workspace, WorkspaceMember] | None:
    """The workspace and the key owner's membership, or None (answered as 404)."""
    workspace = Workspace.objects.select_related("municipality").filter(pk=workspace_id).first()
    if workspace is None:
        return None
    member = WorkspaceMember.objects.filter(workspace=workspace, user=request.auth).first()  # type: ignore[attr-defined]
    return (workspace, member) if member is not None else None


NOT_FOUND = WorkspaceErrorOut(detail="Arbeitsraum nicht gefunden.")
#: For the parts' routers (api_worksheets.py …): the same lookup and error answers.
member_of = _member


def _workspace_out(workspace: Workspace, role: str) -> dict[str, Any]:
    labels = dict(Workspace.EntryVariant.choices)
    return {
        "id": workspace.pk,
        "municipality": workspace.municipality.slug,
        "municipality_name": workspace.municipality.name,
        "title": workspace.title,
        "slug": workspace.slug,
        "kind": workspace.kind,
        "entry_variant": workspace.entry_variant,
        "entry_variant_label": str(labels[workspace.entry_variant]),
        "digitalcheck_submission_id": workspace.digitalcheck_id,
        "my_role": role,
        "created_at": workspace.created_at,
        "url": f"/strategie/{workspace.municipality.slug}/{workspace.slug}/",
    }


def _step_out(step: StepState) -> dict[str, Any]:
    done = set(step.checklist or [])
    return {
        "code": step.code,
        "round": step.round,
        "title": step.info.title,
        "cycle": step.info.cycle,
        "state": step.state,
        "owner": {"member_id": step.owner.pk, "name": str(step.owner.user)} if step.owner else None,
        "due_date": step.due_date,
        "checklist": [
            {"index": i, "text": text, "done": i in done}
            for i, text in enumerate(step.info.results)
        ],
        "results_done": step.results_done,
        "results_total": step.results_total,
        "combined_with": step.combined_with or None,
        "done_reason": step.done_reason,
        "version": step.version,
        "updated_at": step.updated_at,
    }


def _validation_error(exc: ValidationError) -> WorkspaceValidationErrorOut:
    errors = (
        {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": [str(m) for m in exc.messages]}
    )
    return WorkspaceValidationErrorOut(detail=" ".join(exc.messages), errors=errors)


validation_error = _validation_error


@router.get(
    "/workspaces",
    response={200: list[WorkspaceOut], 401: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Eigene Arbeitsräume",
)
def list_workspaces(request: HttpRequest) -> list[dict[str, Any]]:
    """The workspaces the key's owner is a member of, with their role."""
    user = request.auth  # type: ignore[attr-defined]
    roles = dict(WorkspaceMember.objects.filter(user=user).values_list("workspace_id", "role"))
    return [
        _workspace_out(w, roles[w.pk])
        for w in workspaces_of(user).order_by("municipality__name", "title")
    ]


@router.post(
    "/workspaces",
    response={
        201: WorkspaceOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Arbeitsraum anlegen",
)
def create_workspace(request: HttpRequest, payload: WorkspaceIn) -> Status[Any]:
    """Open a workspace for a municipality the key's owner is a member of; the owner joins
    the core team and all steps start as ``open``. 403 for other municipalities."""
    user = request.auth  # type: ignore[attr-defined]
    key = payload.municipality.strip()
    municipality = Municipality.objects.filter(slug=key.lower()).first() or (
        Municipality.objects.filter(ags=key).first()
    )
    if municipality is None:
        return Status(
            422,
            WorkspaceValidationErrorOut(
                detail=f"Eine Kommune „{key}“ gibt es nicht.",
                errors={"municipality": [f"Eine Kommune „{key}“ gibt es nicht."]},
            ),
        )
    check = None
    if payload.digitalcheck_submission_id is not None:
        check = services.digitalcheck_for(user, str(payload.digitalcheck_submission_id))
        if check is None:
            message = "Diesen Digitalcheck gibt es nicht oder Sie sehen ihn nicht."
            return Status(
                422,
                WorkspaceValidationErrorOut(
                    detail=message, errors={"digitalcheck_submission_id": [message]}
                ),
            )
    try:
        workspace = services.create_workspace(
            actor=user,
            municipality=municipality,
            title=payload.title,
            kind=payload.kind,
            entry_variant=payload.entry_variant,
            slug=payload.slug,
            digitalcheck=check,
        )
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc)))
    except ValidationError as exc:
        return Status(422, _validation_error(exc))
    return Status(201, _workspace_out(workspace, WorkspaceMember.Role.CORE_TEAM))


@router.get(
    "/workspaces/{int:workspace_id}",
    response={200: WorkspaceDetailOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ein Arbeitsraum",
)
def get_workspace(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """One workspace with overall checklist progress (latest round of each step) and the
    number of members. 404 unless the key's owner is a member."""
    found = _member(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    progress = services.progress(list(services.current_steps(workspace).values()))
    return Status(
        200,
        {
            **_workspace_out(workspace, member.role),
            "progress": {"done": progress.done, "total": progress.total},
            "members": workspace.members.count(),
        },
    )


@router.get(
    "/workspaces/{workspace_id}/steps",
    response={200: list[StepStateOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Stand der Arbeitsschritte",
)
def list_steps(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Every round of every step (1 … 9, SB) with state, owner, due date, checklist and
    ``version`` (send it back with PATCH)."""
    found = _member(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    steps = (
        StepState.objects.filter(workspace=found[0])
        .select_related("owner__user")
        .order_by("code", "round")
    )
    return Status(200, [_step_out(s) for s in steps])


@router.patch(
    "/workspaces/{workspace_id}/steps/{code}",
    response={
        200: StepStateOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Arbeitsschritt aktualisieren",
)
def patch_step(
    request: HttpRequest,
    workspace_id: int,
    code: str,
    payload: StepPatchIn,
    round: int | None = None,  # noqa: A002 - the API's word
) -> Status[Any]:
    """Change state, owner, due date, checklist or reason of step ``code`` (``1`` … ``9``,
    ``SB``; latest round unless ``round`` is given). Core team and contributors only (403).
    ``version`` must be the current one, otherwise 409 names the fields changed since.
    ``done`` needs every checklist item or a ``done_reason`` (422)."""
    found = _member(request, workspace_id)
    if found is None or code not in STEP_CODES:
        return Status(404, NOT_FOUND)
    workspace, member = found
    steps = StepState.objects.filter(workspace=workspace, code=code)
    step = (
        steps.filter(round=round).first() if round is not None else steps.order_by("-round").first()
    )
    if step is None:
        return Status(
            404, WorkspaceErrorOut(detail=f"Runde {round} von Schritt {code} gibt es nicht.")
        )
    if not Capabilities(member.role).edit_steps:
        return Status(
            403,
            WorkspaceErrorOut(detail="Ihre Rolle in diesem Arbeitsraum erlaubt keine Änderungen."),
        )
    sent = payload.model_fields_set
    changes: dict[str, Any] = {}
    for name in ("state", "due_date", "checklist", "done_reason"):
        if name in sent:
            changes[name] = getattr(payload, name)
    if "state" in changes and changes["state"] is None:
        error = ValidationError({"state": "Der Status darf nicht leer sein."})
        return Status(422, _validation_error(error))
    if "checklist" in changes and changes["checklist"] is None:
        changes["checklist"] = []
    if "owner" in sent:
        owner = None
        if payload.owner is not None:
            owner = WorkspaceMember.objects.filter(pk=payload.owner, workspace=workspace).first()
            if owner is None:
                error = ValidationError(
                    {"owner": f"Mitglied {payload.owner} gehört nicht zu diesem Arbeitsraum."}
                )
                return Status(422, _validation_error(error))
        changes["owner"] = owner
    try:
        updated = services.update_step(
            actor=request.auth,  # type: ignore[attr-defined]
            step=step,
            version=payload.version,
            **changes,
        )
    except VersionConflict as exc:
        return Status(
            409,
            StepConflictOut(
                detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
            ),
        )
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc)))
    except ValidationError as exc:
        return Status(422, _validation_error(exc))
    updated = StepState.objects.select_related("owner__user").get(pk=updated.pk)
    return Status(200, _step_out(updated))


@router.get(
    "/workspaces/{workspace_id}/members",
    response={200: list[WorkspaceMemberOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Mitglieder eines Arbeitsraums",
)
def list_members(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Members with their role; e-mail addresses only for the core team (else ``null``)."""
    found = _member(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    see_emails = Capabilities(member.role).see_emails
    members = workspace.members.select_related("user").order_by("user__name", "user__email")
    return Status(
        200,
        [
            {
                "member_id": m.pk,
                "name": str(m.user),
                "email": m.user.email if see_emails else None,
                "role": m.role,
                "joined_at": m.joined_at,
            }
            for m in members
        ],
    )
