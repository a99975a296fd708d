"""API of the workspace part "portfolio" under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api).

Projects, milestones, the weights and scores of the project matrix and the roadmap, with the
same services as the pages (:mod:`kompass.strategy.portfolio`). As everywhere in the
workspace: 404 ``{"detail": "Arbeitsraum nicht gefunden."}`` for non-members, 403 for roles
without the right, 409 with ``{detail, current_version, changed_fields}`` when the item changed
since the client read it, 422 with German ``errors`` per field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.strategy import portfolio
from kompass.strategy.api import (
    NOT_FOUND,
    StepConflictOut,
    WorkspaceErrorOut,
    WorkspaceValidationErrorOut,
    member_of,
    validation_error,
)
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Milestone, Project, Workspace, WorkspaceMember
from kompass.strategy.permissions import Capabilities

router = Router(tags=["strategy"])

ProjectStatus = Literal[
    "sketch",
    "risk_assessed",
    "decided",
    "in_preparation",
    "prototype",
    "in_operation",
    "evaluated",
    "stopped",
]
HorizonValue = Literal["short_term", "medium_term", "long_term", ""]
LightValue = Literal["red", "yellow", "green", ""]
MilestoneKind = Literal["milestone", "decision", "funding_deadline"]

FORBIDDEN = "Ihre Rolle in diesem Arbeitsraum erlaubt keine Änderungen."
PROJECT_NOT_FOUND = WorkspaceErrorOut(detail="Projekt nicht gefunden.")
MILESTONE_NOT_FOUND = WorkspaceErrorOut(detail="Meilenstein nicht gefunden.")

# --------------------------------------------------------------------------- schemas


class PortfolioFundingSource(Schema):
    name: str
    amount: Decimal | None = Field(None, description="Euro, nicht negativ; null = noch offen")


class PortfolioPersonOut(Schema):
    member_id: int
    name: str


class PortfolioRefOut(Schema):
    id: int
    title: str
    status: ProjectStatus


class PortfolioMilestoneOut(Schema):
    id: int
    project_id: int
    title: str
    kind: MilestoneKind
    kind_label: str
    due_date: dt.date
    done: bool
    done_on: dt.date | None
    note: str
    version: int
    updated_at: dt.datetime


class PortfolioProjectOut(Schema):
    id: int
    title: str
    status: ProjectStatus
    status_label: str
    summary: str
    field_of_action: int | None
    field_of_action_title: str | None
    horizon: HorizonValue
    start_date: dt.date | None
    end_date: dt.date | None
    budget: Decimal | None
    funding_sources: list[PortfolioFundingSource]
    funding_total: Decimal
    warnings: list[str] = Field(description="Hinweise, z. B. Finanzierung über dem Budget")
    responsible: PortfolioPersonOut | None
    municipal_role: str
    traffic_light: LightValue
    traffic_light_rationale: str
    position: int
    depends_on: list[PortfolioRefOut]
    dependents: list[PortfolioRefOut]
    sketch: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    url: str


class PortfolioProjectDetailOut(PortfolioProjectOut):
    milestones: list[PortfolioMilestoneOut]


class PortfolioProjectIn(Schema):
    title: str
    status: ProjectStatus = "sketch"
    summary: str = ""
    field_of_action: int | None = None
    horizon: HorizonValue = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Decimal | None = None
    funding_sources: list[PortfolioFundingSource] = []
    responsible: int | None = Field(None, description="member_id (Kernteam oder Mitwirkende)")
    municipal_role: str = ""
    position: int = 0
    depends_on: list[int] = []
    sketch: dict[str, Any] = Field(
        default_factory=dict, description="Antworten der Arbeitshilfe 6 (ohne Projektspalten)"
    )


class PortfolioProjectPatchIn(Schema):
    """Only the fields sent change; ``null`` clears optional fields."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    title: str | None = None
    status: ProjectStatus | None = None
    status_reason: str = Field("", description="Pflicht für Stoppen, Zurückgehen, Überspringen")
    summary: str | None = None
    field_of_action: int | None = None
    horizon: HorizonValue | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Decimal | None = None
    funding_sources: list[PortfolioFundingSource] | None = None
    responsible: int | None = None
    municipal_role: str | None = None
    traffic_light: LightValue | None = None
    traffic_light_rationale: str | None = None
    position: int | None = None
    depends_on: list[int] | None = None
    sketch: dict[str, Any] | None = None


class PortfolioDependenciesIn(Schema):
    version: int
    depends_on: list[int]


class PortfolioMilestoneIn(Schema):
    title: str
    kind: MilestoneKind = "milestone"
    due_date: dt.date
    done: bool = False
    done_on: dt.date | None = None
    note: str = ""


class PortfolioMilestonePatchIn(Schema):
    version: int
    title: str | None = None
    kind: MilestoneKind | None = None
    due_date: dt.date | None = None
    done: bool | None = None
    done_on: dt.date | None = None
    note: str | None = None


class PortfolioCriterionOut(Schema):
    slug: str
    label: str
    group: str
    weight: int | None = Field(description="null, solange die Gewichte nicht veröffentlicht sind")


class PortfolioWeightingOut(Schema):
    published: bool
    number: int = Field(description="Fassung der Gewichte (0 = Entwurf)")
    published_at: dt.datetime | None
    published_by: str | None
    version: int | None = Field(description="Version des Eintrags, für PUT")
    criteria: list[PortfolioCriterionOut]
    scores_under_current: int
    history: list[dict[str, Any]]


class PortfolioWeightingIn(Schema):
    version: int | None = None
    weights: dict[str, int]
    publish: bool = False
    confirm: bool = Field(
        False, description="Pflicht, wenn es schon Bewertungen nach der geltenden Fassung gibt"
    )


class PortfolioScoresIn(Schema):
    weighting_number: int = Field(description="Die Fassung der Gewichte, nach der bewertet wurde")
    scores: dict[str, int | None] = Field(description="Kriterium → 1 bis 5, null entfernt")
    versions: dict[str, int] | None = Field(
        None, description="Kriterium → gelesene Version der Bewertung (0 = noch keine)"
    )


class PortfolioScoreOut(Schema):
    criterion: str
    score: int
    weighting_number: int
    stale: bool
    version: int


class PortfolioMatrixRowOut(Schema):
    project: PortfolioRefOut
    scores: list[PortfolioScoreOut]
    stale: list[str]
    missing: list[str]
    total: Decimal | None
    rank: int | None
    traffic_light: LightValue
    traffic_light_rationale: str


class PortfolioMatrixOut(Schema):
    weighting: PortfolioWeightingOut
    rows: list[PortfolioMatrixRowOut]


class PortfolioDecisionIn(Schema):
    version: int
    traffic_light: LightValue
    rationale: str = ""


class PortfolioRoadmapProjectOut(Schema):
    id: int
    title: str
    status: ProjectStatus
    field_of_action: int | None
    horizon: HorizonValue
    start_date: dt.date | None
    end_date: dt.date | None


class PortfolioRoadmapFieldOut(Schema):
    field_of_action: int | None
    title: str
    by_horizon: dict[str, list[int]]


class PortfolioRoadmapOut(Schema):
    horizons: dict[str, list[PortfolioRoadmapProjectOut]]
    fields: list[PortfolioRoadmapFieldOut]
    milestones: list[PortfolioMilestoneOut]


# --------------------------------------------------------------------------- helpers


def _ref(p: Project) -> dict[str, Any]:
    return {"id": p.pk, "title": p.title, "status": p.status}


def _project_out(p: Project, detail: bool = False) -> dict[str, Any]:
    summary = portfolio.funding_summary(p)
    workspace = p.workspace
    data: dict[str, Any] = {
        "id": p.pk,
        "title": p.title,
        "status": p.status,
        "status_label": p.get_status_display(),
        "summary": p.summary,
        "field_of_action": p.field_of_action_id,
        "field_of_action_title": p.field_of_action.title if p.field_of_action else None,
        "horizon": p.horizon,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "budget": p.budget,
        "funding_sources": [
            {"name": s.get("name", ""), "amount": s.get("amount")} for s in p.funding_sources or []
        ],
        "funding_total": summary.funded,
        "warnings": [summary.warning] if summary.over else [],
        "responsible": {"member_id": p.responsible.pk, "name": str(p.responsible.user)}
        if p.responsible
        else None,
        "municipal_role": p.municipal_role,
        "traffic_light": p.traffic_light,
        "traffic_light_rationale": p.traffic_light_rationale,
        "position": p.position,
        "depends_on": [_ref(d) for d in portfolio.dependencies(p)],
        "dependents": [_ref(d) for d in portfolio.dependents(p)],
        "sketch": p.sketch or {},
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "deleted_at": p.deleted_at,
        "url": f"/strategie/{workspace.municipality.slug}/{workspace.slug}/projekte/{p.pk}/",
    }
    if detail:
        data["milestones"] = [_milestone_out(m) for m in portfolio.milestones(p.workspace, p)]
    return data


def _milestone_out(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.pk,
        "project_id": m.project_id,
        "title": m.title,
        "kind": m.kind,
        "kind_label": m.get_kind_display(),
        "due_date": m.due_date,
        "done": m.done,
        "done_on": m.done_on,
        "note": m.note,
        "version": m.version,
        "updated_at": m.updated_at,
    }


def _conflict(exc: VersionConflict) -> Status[Any]:
    return Status(
        409,
        StepConflictOut(
            detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
        ),
    )


def _errors(exc: Exception) -> Status[Any]:
    if isinstance(exc, VersionConflict):
        return _conflict(exc)
    if isinstance(exc, portfolio.WeightingChanged):
        return Status(
            409,
            StepConflictOut(
                detail=exc.message, current_version=exc.current_number, changed_fields=["weights"]
            ),
        )
    if isinstance(exc, PermissionDenied):
        return Status(403, WorkspaceErrorOut(detail=str(exc) or FORBIDDEN))
    assert isinstance(exc, ValidationError)
    return Status(422, validation_error(exc))


def _lookup(
    request: HttpRequest, workspace_id: int, *, edit: bool = False
) -> tuple[Workspace, WorkspaceMember] | Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    if edit and not Capabilities(found[1].role).edit_steps:
        return Status(403, WorkspaceErrorOut(detail=FORBIDDEN))
    return found


def _project(workspace: Workspace, pk: int, deleted: bool = False) -> Project | None:
    manager = Project.all_objects if deleted else Project.objects
    query = manager.select_related(
        "field_of_action", "responsible__user", "workspace__municipality"
    )
    found: Project | None = query.filter(pk=pk, workspace=workspace).first()
    return found


def _funding(rows: list[PortfolioFundingSource] | None) -> list[dict[str, Any]]:
    return [{"name": r.name, "amount": r.amount} for r in rows or []]


RESPONSES = {
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    404: WorkspaceErrorOut,
    409: StepConflictOut,
    422: WorkspaceValidationErrorOut,
}

# --------------------------------------------------------------------------- projects


@router.get(
    "/workspaces/{workspace_id}/projects",
    response={200: list[PortfolioProjectOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Projekte des Portfolios",
)
def list_projects(
    request: HttpRequest,
    workspace_id: int,
    status: str = "",
    field_of_action: int | None = None,
    horizon: str = "",
    responsible: int | None = None,
    traffic_light: str = "",
) -> Status[Any]:
    """Live projects, filtered by ``status``, ``field_of_action`` (id), ``horizon``
    (``none`` = without), ``responsible`` (member_id) and ``traffic_light`` (``none``)."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    filters = portfolio.PortfolioFilter.from_query(
        {
            "status": status,
            "field_of_action": field_of_action or "",
            "horizon": horizon,
            "responsible": responsible or "",
            "traffic_light": traffic_light,
        }
    )
    rows = portfolio.projects(found[0], filters)
    return Status(200, [_project_out(p) for p in rows])


@router.post(
    "/workspaces/{workspace_id}/projects",
    response={201: PortfolioProjectDetailOut, **RESPONSES},
    auth=api_key_auth,
    summary="Projekt anlegen",
)
def create_project(
    request: HttpRequest, workspace_id: int, payload: PortfolioProjectIn
) -> Status[Any]:
    """A new project (core team and contributors)."""
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    values = payload.model_dump(exclude={"depends_on", "funding_sources"})
    values["funding_sources"] = _funding(payload.funding_sources)
    try:
        saved = portfolio.create_project(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=found[0],
            values=values,
            depends_on=payload.depends_on,
        )
    except (PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    project = _project(found[0], saved.project.pk)
    assert project is not None
    return Status(201, _project_out(project, detail=True))


@router.get(
    "/workspaces/{workspace_id}/projects/{project_id}",
    response={200: PortfolioProjectDetailOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ein Projekt",
)
def get_project(request: HttpRequest, workspace_id: int, project_id: int) -> Status[Any]:
    """A project with sketch, funding, dependencies and milestones."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    return Status(200, _project_out(project, detail=True))


@router.patch(
    "/workspaces/{workspace_id}/projects/{project_id}",
    response={200: PortfolioProjectDetailOut, **RESPONSES},
    auth=api_key_auth,
    summary="Projekt ändern",
)
def patch_project(
    request: HttpRequest, workspace_id: int, project_id: int, payload: PortfolioProjectPatchIn
) -> Status[Any]:
    """Change the fields sent (core team and contributors). ``version`` must be current (409).
    Status changes that skip, go back, stop or resume need ``status_reason`` (422)."""
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    sent = payload.model_fields_set - {"version", "status_reason", "depends_on"}
    values: dict[str, Any] = {}
    for name in sent:
        value = getattr(payload, name)
        if name == "funding_sources":
            value = _funding(value)
        elif (
            name
            in (
                "summary",
                "horizon",
                "municipal_role",
                "traffic_light",
                "traffic_light_rationale",
                "title",
            )
            and value is None
        ):
            value = ""
        elif name == "sketch" and value is None:
            value = {}
        elif name == "status" and value is None:
            return Status(
                422,
                validation_error(ValidationError({"status": ["Der Status darf nicht leer sein."]})),
            )
        values[name] = value
    try:
        saved = portfolio.update_project(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            version=payload.version,
            values=values,
            status_reason=payload.status_reason,
            depends_on=(payload.depends_on or [])
            if "depends_on" in payload.model_fields_set
            else portfolio.UNSET,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    project = _project(found[0], saved.project.pk)
    assert project is not None
    return Status(200, _project_out(project, detail=True))


@router.put(
    "/workspaces/{workspace_id}/projects/{project_id}/dependencies",
    response={200: PortfolioProjectDetailOut, **RESPONSES},
    auth=api_key_auth,
    summary="Abhängigkeiten eines Projekts setzen",
)
def put_dependencies(
    request: HttpRequest, workspace_id: int, project_id: int, payload: PortfolioDependenciesIn
) -> Status[Any]:
    """Replace the projects this one depends on (same workspace, no cycles: 422 names the
    cycle)."""
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        portfolio.set_dependencies(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            version=payload.version,
            depends_on=payload.depends_on,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    project = _project(found[0], project_id)
    assert project is not None
    return Status(200, _project_out(project, detail=True))


@router.delete(
    "/workspaces/{workspace_id}/projects/{project_id}",
    response={200: PortfolioProjectOut, **RESPONSES},
    auth=api_key_auth,
    summary="Projekt löschen (30 Tage wiederherstellbar)",
)
def delete_project(
    request: HttpRequest, workspace_id: int, project_id: int, version: int
) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        saved = portfolio.delete_project(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            version=version,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    deleted = _project(found[0], saved.project.pk, deleted=True)
    assert deleted is not None
    return Status(200, _project_out(deleted))


@router.post(
    "/workspaces/{workspace_id}/projects/{project_id}/restore",
    response={200: PortfolioProjectDetailOut, **RESPONSES},
    auth=api_key_auth,
    summary="Gelöschtes Projekt wiederherstellen",
)
def restore_project(request: HttpRequest, workspace_id: int, project_id: int) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id, deleted=True)
    if project is None or project.deleted_at is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        portfolio.restore_project(actor=request.auth, project=project)  # type: ignore[attr-defined]
    except (PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    restored = _project(found[0], project_id)
    assert restored is not None
    return Status(200, _project_out(restored, detail=True))


# --------------------------------------------------------------------------- milestones


@router.get(
    "/workspaces/{workspace_id}/milestones",
    response={200: list[PortfolioMilestoneOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Meilensteine aller Projekte",
)
def list_milestones(
    request: HttpRequest, workspace_id: int, project: int | None = None
) -> Status[Any]:
    """Milestones of live projects by date; ``project`` filters by project id."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    rows = portfolio.milestones(found[0])
    if project is not None:
        rows = [m for m in rows if m.project_id == project]
    return Status(200, [_milestone_out(m) for m in rows])


@router.post(
    "/workspaces/{workspace_id}/projects/{project_id}/milestones",
    response={201: PortfolioMilestoneOut, **RESPONSES},
    auth=api_key_auth,
    summary="Meilenstein anlegen",
)
def create_milestone(
    request: HttpRequest, workspace_id: int, project_id: int, payload: PortfolioMilestoneIn
) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        milestone = portfolio.create_milestone(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            values=payload.model_dump(),
        )
    except (PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    return Status(201, _milestone_out(milestone))


def _milestone(workspace: Workspace, pk: int, deleted: bool = False) -> Milestone | None:
    manager = Milestone.all_objects if deleted else Milestone.objects
    found: Milestone | None = (
        manager.filter(pk=pk, workspace=workspace, project__deleted_at__isnull=True)
        .select_related("project")
        .first()
    )
    return found


@router.patch(
    "/workspaces/{workspace_id}/milestones/{milestone_id}",
    response={200: PortfolioMilestoneOut, **RESPONSES},
    auth=api_key_auth,
    summary="Meilenstein ändern",
)
def patch_milestone(
    request: HttpRequest, workspace_id: int, milestone_id: int, payload: PortfolioMilestonePatchIn
) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    milestone = _milestone(found[0], milestone_id)
    if milestone is None:
        return Status(404, MILESTONE_NOT_FOUND)
    values = {name: getattr(payload, name) for name in payload.model_fields_set - {"version"}}
    if values.get("note", "") is None:
        values["note"] = ""
    try:
        updated = portfolio.update_milestone(
            actor=request.auth,  # type: ignore[attr-defined]
            milestone=milestone,
            version=payload.version,
            values=values,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    return Status(200, _milestone_out(updated))


@router.delete(
    "/workspaces/{workspace_id}/milestones/{milestone_id}",
    response={200: PortfolioMilestoneOut, **RESPONSES},
    auth=api_key_auth,
    summary="Meilenstein löschen (30 Tage wiederherstellbar)",
)
def delete_milestone(
    request: HttpRequest, workspace_id: int, milestone_id: int, version: int
) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    milestone = _milestone(found[0], milestone_id)
    if milestone is None:
        return Status(404, MILESTONE_NOT_FOUND)
    try:
        deleted = portfolio.delete_milestone(
            actor=request.auth,  # type: ignore[attr-defined]
            milestone=milestone,
            version=version,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    return Status(200, _milestone_out(deleted))


@router.post(
    "/workspaces/{workspace_id}/milestones/{milestone_id}/restore",
    response={200: PortfolioMilestoneOut, **RESPONSES},
    auth=api_key_auth,
    summary="Gelöschten Meilenstein wiederherstellen",
)
def restore_milestone(request: HttpRequest, workspace_id: int, milestone_id: int) -> Status[Any]:
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    milestone = (
        Milestone.all_objects.filter(pk=milestone_id, workspace=found[0], deleted_at__isnull=False)
        .select_related("project")
        .first()
    )
    if milestone is None:
        return Status(404, MILESTONE_NOT_FOUND)
    try:
        restored = portfolio.restore_milestone(
            actor=request.auth,  # type: ignore[attr-defined]
            milestone=milestone,
        )
    except (PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    return Status(200, _milestone_out(restored))


# --------------------------------------------------------------------------- project matrix


def _weighting_out(workspace: Workspace, member: WorkspaceMember) -> dict[str, Any]:
    row = portfolio.weighting(workspace)
    published = row is not None and row.is_published
    visible = published or member.role == WorkspaceMember.Role.CORE_TEAM
    weights = dict(row.weights) if row is not None else portfolio.default_weights()
    return {
        "published": published,
        "number": row.number if row else 0,
        "published_at": row.published_at if row else None,
        "published_by": str(row.published_by) if row and row.published_by else None,
        "version": row.version if row else None,
        "criteria": [
            {
                "slug": c.slug,
                "label": c.label,
                "group": c.group,
                "weight": weights.get(c.slug, 0) if visible else None,
            }
            for c in portfolio.criteria()
        ],
        "scores_under_current": portfolio.current_scores_count(workspace, row.number)
        if published and row
        else 0,
        "history": list(row.history) if row and published else [],
    }


@router.get(
    "/workspaces/{workspace_id}/project-matrix/weighting",
    response={200: PortfolioWeightingOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Gewichte der Auswahlkriterien",
)
def get_weighting(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """The weights of the selection criteria; a draft only for the core team (others see
    ``weight: null`` until publication)."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    return Status(200, _weighting_out(*found))


@router.put(
    "/workspaces/{workspace_id}/project-matrix/weighting",
    response={200: PortfolioWeightingOut, **RESPONSES},
    auth=api_key_auth,
    summary="Gewichte festlegen, veröffentlichen oder ändern",
)
def put_weighting(
    request: HttpRequest, workspace_id: int, payload: PortfolioWeightingIn
) -> Status[Any]:
    """Core team only. Before publication: save a draft, or ``publish``. After publication every
    change is the next *Fassung*; with scores under the current one it needs ``confirm: true``
    (422 otherwise), and those scores are then to be given again."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    try:
        portfolio.save_weights(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=found[0],
            weights=payload.weights,
            version=payload.version,
            publish=payload.publish,
            confirm=payload.confirm,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    return Status(200, _weighting_out(*found))


def _matrix_out(workspace: Workspace, member: WorkspaceMember) -> dict[str, Any]:
    matrix = portfolio.matrix(workspace)
    return {
        "weighting": _weighting_out(workspace, member),
        "rows": [
            {
                "project": _ref(r.project),
                "scores": [
                    {
                        "criterion": a.criterion,
                        "score": a.score,
                        "weighting_number": a.weighting_number,
                        "stale": a.weighting_number != matrix.number,
                        "version": a.version,
                    }
                    for a in r.scores.values()
                ],
                "stale": r.stale,
                "missing": r.missing,
                "total": r.total,
                "rank": r.rank,
                "traffic_light": r.project.traffic_light,
                "traffic_light_rationale": r.project.traffic_light_rationale,
            }
            for r in matrix.rows
        ],
    }


@router.get(
    "/workspaces/{workspace_id}/project-matrix",
    response={200: PortfolioMatrixOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Projektmatrix: Bewertungen, Gesamtwerte, Rangfolge, Ampel",
)
def get_matrix(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Every live project with its scores (``stale``: made under an older *Fassung*), the
    weighted total (only when complete and current) and the rank."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    return Status(200, _matrix_out(*found))


@router.put(
    "/workspaces/{workspace_id}/projects/{project_id}/assessments",
    response={200: PortfolioMatrixRowOut, **RESPONSES},
    auth=api_key_auth,
    summary="Projekt nach Kriterien bewerten",
)
def put_assessments(
    request: HttpRequest, workspace_id: int, project_id: int, payload: PortfolioScoresIn
) -> Status[Any]:
    """Scores 1-5 per criterion (core team and contributors) under the published weights;
    ``weighting_number`` must be the current *Fassung* (409 otherwise)."""
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        portfolio.score_project(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            weighting_number=payload.weighting_number,
            scores=payload.scores,
            versions=payload.versions,
        )
    except (portfolio.WeightingChanged, VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    rows = _matrix_out(*found)["rows"]
    return Status(200, next(r for r in rows if r["project"]["id"] == project_id))


@router.put(
    "/workspaces/{workspace_id}/projects/{project_id}/traffic-light",
    response={200: PortfolioProjectDetailOut, **RESPONSES},
    auth=api_key_auth,
    summary="Ampel eines Projekts entscheiden",
)
def put_traffic_light(
    request: HttpRequest, workspace_id: int, project_id: int, payload: PortfolioDecisionIn
) -> Status[Any]:
    """red, yellow or green with a rationale (422 without); ``""`` clears the decision."""
    found = _lookup(request, workspace_id, edit=True)
    if isinstance(found, Status):
        return found
    project = _project(found[0], project_id)
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    try:
        portfolio.decide_traffic_light(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            version=payload.version,
            traffic_light=payload.traffic_light,
            rationale=payload.rationale,
        )
    except (VersionConflict, PermissionDenied, ValidationError) as exc:
        return _errors(exc)
    project = _project(found[0], project_id)
    assert project is not None
    return Status(200, _project_out(project, detail=True))


# --------------------------------------------------------------------------- roadmap


@router.get(
    "/workspaces/{workspace_id}/roadmap",
    response={200: PortfolioRoadmapOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Roadmap nach Horizont und Handlungsfeld, mit Meilensteinen",
)
def get_roadmap(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Projects that are not stopped by horizon (``short_term``, ``medium_term``,
    ``long_term``, ``none``), per field of action, and every milestone by date."""
    found = _lookup(request, workspace_id)
    if isinstance(found, Status):
        return found
    road = portfolio.roadmap(found[0])

    def out(p: Project) -> dict[str, Any]:
        return {
            "id": p.pk,
            "title": p.title,
            "status": p.status,
            "field_of_action": p.field_of_action_id,
            "horizon": p.horizon,
            "start_date": p.start_date,
            "end_date": p.end_date,
        }

    keys = [value or "none" for value, _label in road.columns]
    return Status(
        200,
        {
            "horizons": {
                (value or "none"): [out(p) for p in rows] for value, _label, rows in road.horizons
            },
            "fields": [
                {
                    "field_of_action": foa.pk if foa else None,
                    "title": foa.title if foa else "ohne Handlungsfeld",
                    "by_horizon": {
                        key: [p.pk for p in cell] for key, cell in zip(keys, cells, strict=True)
                    },
                }
                for foa, cells in road.grid
            ],
            "milestones": [_milestone_out(m) for m in road.milestones],
        },
    )
