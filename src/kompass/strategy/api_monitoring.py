"""API of monitoring and evaluation (step 9) under /api/v1/strategy/workspaces/{id}/… (mounted
by kompass.api.api next to kompass.strategy.api; docs/strategy_monitoring.md).

The same services as the pages (:mod:`kompass.strategy.monitoring`): non-members 404, roles
without the right 403, a stale ``version`` 409 naming the changed fields, rule violations 422
with German ``errors`` per field. Values are decimal numbers, sent and returned as strings
(``"12.5"``) so that nothing is lost to floating point; numbers are accepted too.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.strategy import monitoring
from kompass.strategy.api import (
    NOT_FOUND,
    StepConflictOut,
    WorkspaceErrorOut,
    WorkspaceValidationErrorOut,
    member_of,
    validation_error,
)
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Project, Workspace, WorkspaceMember
from kompass.strategy.models_monitoring import EvaluationPlan, Indicator, Measurement
from kompass.strategy.permissions import Capabilities

router = Router(tags=["strategy"])

MonitoringStatusValue = Literal["on_track", "partly", "not_on_track", "no_data"]
IndicatorLevelValue = Literal["input", "output", "outcome", "impact"]
IndicatorDirectionValue = Literal["higher", "lower"]
EvaluationTimingValue = Literal["ex_ante", "ongoing", "ex_post", ""]
EvaluationExecutionValue = Literal["internal", "external", ""]

NO_RIGHT = WorkspaceErrorOut(
    detail="Ihre Rolle in diesem Arbeitsraum erlaubt diese Änderung nicht."
)
PROJECT_NOT_FOUND = WorkspaceErrorOut(detail="Dieses Projekt gibt es in diesem Arbeitsraum nicht.")
PLAN_NOT_FOUND = WorkspaceErrorOut(
    detail="Diesen Evaluationsplan gibt es in diesem Arbeitsraum nicht."
)
INDICATOR_NOT_FOUND = WorkspaceErrorOut(
    detail="Diesen Indikator gibt es in diesem Arbeitsraum nicht."
)
MEASUREMENT_NOT_FOUND = WorkspaceErrorOut(
    detail="Diesen Messwert gibt es in diesem Arbeitsraum nicht."
)

Number = Decimal | float | int | str

_ERRORS: dict[int | str, Any] = {
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    404: WorkspaceErrorOut,
    409: StepConflictOut,
    422: WorkspaceValidationErrorOut,
}


# --------------------------------------------------------------------------- schemas


class EvaluationPlanOut(Schema):
    id: int
    project_id: int
    project_title: str
    purpose: str
    evaluator: str
    execution: EvaluationExecutionValue
    execution_label: str
    timing: EvaluationTimingValue
    timing_label: str
    data_sources: str
    notes: str
    version: int
    updated_at: dt.datetime
    url: str


class EvaluationPlanIn(Schema):
    project: int = Field(description="Projekt-ID")
    purpose: str = ""
    evaluator: str = ""
    execution: str = Field("", description="internal, external oder leer")
    timing: str = Field("", description="ex_ante, ongoing, ex_post oder leer")
    data_sources: str = ""
    notes: str = ""


class EvaluationPlanPatchIn(Schema):
    """Only the fields sent are changed."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    purpose: str | None = None
    evaluator: str | None = None
    execution: str | None = None
    timing: str | None = None
    data_sources: str | None = None
    notes: str | None = None


class IndicatorStatusOut(Schema):
    status: MonitoringStatusValue
    label: str
    progress: str | None = Field(description="Fortschritt als Anteil (1 = Ziel erreicht)")
    elapsed: str | None = Field(description="verstrichene Zeit als Anteil (höchstens 1)")
    latest_date: dt.date | None
    latest_value: str | None
    reason: str


class IndicatorOut(Schema):
    id: int
    project_id: int
    project_title: str
    level: IndicatorLevelValue
    level_label: str
    name: str
    unit: str
    dimensions: list[str]
    data_collection: str
    baseline_value: str | None
    baseline_date: dt.date | None
    target_value: str | None
    target_date: dt.date | None
    direction: IndicatorDirectionValue
    status: IndicatorStatusOut
    measurements: int
    version: int
    updated_at: dt.datetime
    url: str


class IndicatorIn(Schema):
    project: int = Field(description="Projekt-ID")
    level: str = Field(description="input, output, outcome oder impact")
    name: str
    unit: str = ""
    dimensions: list[str] = Field([], description="Werte der Wirkungsdimensionen")
    data_collection: str = ""
    baseline_value: Number | None = Field(None, description="Ausgangswert (Zeitpunkt 0)")
    baseline_date: dt.date | None = None
    target_value: Number | None = None
    target_date: dt.date | None = None
    direction: str = Field("higher", description="higher oder lower: welche Werte besser sind")


class IndicatorPatchIn(Schema):
    """Only the fields sent are changed (``null`` clears baseline and target)."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    level: str | None = None
    name: str | None = None
    unit: str | None = None
    dimensions: list[str] | None = None
    data_collection: str | None = None
    baseline_value: Number | None = None
    baseline_date: dt.date | None = None
    target_value: Number | None = None
    target_date: dt.date | None = None
    direction: str | None = None


class MeasurementOut(Schema):
    id: int
    indicator_id: int
    date: dt.date
    value: str
    note: str
    version: int
    updated_at: dt.datetime


class MeasurementIn(Schema):
    date: dt.date
    value: Number
    note: str = ""


class MeasurementPatchIn(Schema):
    version: int = Field(description="Die Version, die der Client gelesen hat")
    date: dt.date | None = None
    value: Number | None = None
    note: str | None = None


class MonitoringProjectStatusOut(Schema):
    id: int
    title: str
    field_of_action_id: int | None
    status: MonitoringStatusValue
    label: str
    indicators: int
    assessed: int
    has_plan: bool


class MonitoringFieldStatusOut(Schema):
    id: int | None = Field(description="null für die Projekte ohne Handlungsfeld")
    title: str
    status: MonitoringStatusValue
    label: str
    projects: list[MonitoringProjectStatusOut]


class MonitoringProjectDetailOut(Schema):
    id: int
    title: str
    status: MonitoringStatusValue
    label: str
    plan: EvaluationPlanOut | None
    indicators: list[IndicatorOut]


# --------------------------------------------------------------------------- helpers


def _number(value: Decimal | None) -> str | None:
    """A decimal as plain text without trailing zeros: Decimal("100.5000") → "100.5"."""
    if value is None:
        return None
    return f"{value.normalize():f}" if value else "0"


def _url(workspace: Workspace, tail: str) -> str:
    return f"/strategie/{workspace.municipality.slug}/{workspace.slug}/monitoring/{tail}"


def _plan_out(plan: EvaluationPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "project_id": plan.project_id,
        "project_title": plan.project.title,
        "purpose": plan.purpose,
        "evaluator": plan.evaluator,
        "execution": plan.execution,
        "execution_label": plan.get_execution_display() if plan.execution else "",
        "timing": plan.timing,
        "timing_label": plan.get_timing_display() if plan.timing else "",
        "data_sources": plan.data_sources,
        "notes": plan.notes,
        "version": plan.version,
        "updated_at": plan.updated_at,
        "url": _url(plan.workspace, f"projekte/{plan.project_id}/"),
    }


def _status_out(result: monitoring.IndicatorStatus) -> dict[str, Any]:
    return {
        "status": result.status,
        "label": result.label,
        "progress": _number(result.progress.quantize(Decimal("0.0001")))
        if result.progress is not None
        else None,
        "elapsed": _number(result.elapsed.quantize(Decimal("0.0001")))
        if result.elapsed is not None
        else None,
        "latest_date": result.latest.date if result.latest else None,
        "latest_value": _number(result.latest.value) if result.latest else None,
        "reason": result.reason,
    }


def _indicator_out(indicator: Indicator) -> dict[str, Any]:
    measured = monitoring.live_measurements(indicator)
    return {
        "id": indicator.pk,
        "project_id": indicator.project_id,
        "project_title": indicator.project.title,
        "level": indicator.level,
        "level_label": indicator.get_level_display(),
        "name": indicator.name,
        "unit": indicator.unit,
        "dimensions": list(indicator.dimensions or []),
        "data_collection": indicator.data_collection,
        "baseline_value": _number(indicator.baseline_value),
        "baseline_date": indicator.baseline_date,
        "target_value": _number(indicator.target_value),
        "target_date": indicator.target_date,
        "direction": indicator.direction,
        "status": _status_out(monitoring.indicator_status(indicator, measured)),
        "measurements": len(measured),
        "version": indicator.version,
        "updated_at": indicator.updated_at,
        "url": _url(indicator.workspace, f"indikatoren/{indicator.pk}/"),
    }


def _measurement_out(measurement: Measurement) -> dict[str, Any]:
    return {
        "id": measurement.pk,
        "indicator_id": measurement.indicator_id,
        "date": measurement.date,
        "value": _number(measurement.value),
        "note": measurement.note,
        "version": measurement.version,
        "updated_at": measurement.updated_at,
    }


def _fresh_indicator(indicator: Indicator) -> dict[str, Any]:
    found = (
        monitoring.indicators_of(indicator.workspace).filter(pk=indicator.pk).first()
        if indicator.deleted_at is None
        else None
    )
    if found is None:  # deleted: without prefetched measurements
        found = Indicator.all_objects.select_related("project", "workspace__municipality").get(
            pk=indicator.pk
        )
    return _indicator_out(found)


def _conflict(exc: VersionConflict) -> Status[Any]:
    return Status(
        409,
        StepConflictOut(
            detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
        ),
    )


def _can_edit(member: WorkspaceMember) -> bool:
    return Capabilities(member.role).edit_steps


def _can_measure(member: WorkspaceMember) -> bool:
    return Capabilities(member.role).contribute


def _actor(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _sent(payload: Schema, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(payload, name) for name in names if name in payload.model_fields_set}


def _find_plan(workspace: Workspace, plan_id: int, *, deleted: bool = False) -> Any:
    rows = EvaluationPlan.all_objects if deleted else EvaluationPlan.objects
    return (
        rows.filter(workspace=workspace, pk=plan_id, project__deleted_at__isnull=True)
        .select_related("project", "workspace__municipality")
        .first()
    )


def _write(call: Any) -> Status[Any] | Any:
    """Run a service call and map its errors to 403/409/422."""
    try:
        return call()
    except VersionConflict as exc:
        return _conflict(exc)
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc) or NO_RIGHT.detail))
    except ValidationError as exc:
        return Status(422, validation_error(exc))


# --------------------------------------------------------------------------- status


@router.get(
    "/workspaces/{workspace_id}/monitoring/status",
    response={200: list[MonitoringFieldStatusOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Monitoring: Status je Handlungsfeld und Projekt",
)
def monitoring_status(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Status per project area (field of action; ``id: null`` for projects without one) and per
    project, by the rule in docs/strategy_monitoring.md."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    fields = monitoring.overview(found[0])
    return Status(
        200,
        [
            {
                "id": group.field.pk if group.field else None,
                "title": group.title,
                "status": group.status,
                "label": group.label,
                "projects": [
                    {
                        "id": p.project.pk,
                        "title": p.project.title,
                        "field_of_action_id": group.field.pk if group.field else None,
                        "status": p.status,
                        "label": p.label,
                        "indicators": len(p.indicators),
                        "assessed": p.assessed,
                        "has_plan": p.plan is not None,
                    }
                    for p in group.projects
                ],
            }
            for group in fields
        ],
    )


@router.get(
    "/workspaces/{workspace_id}/monitoring/projects/{project_id}",
    response={200: MonitoringProjectDetailOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Monitoring eines Projekts: Status, Evaluationsplan, Indikatoren",
)
def monitoring_project(request: HttpRequest, workspace_id: int, project_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    project = Project.objects.filter(workspace=found[0], pk=project_id).first()
    if project is None:
        return Status(404, PROJECT_NOT_FOUND)
    row = monitoring.project_rows(found[0], [project])[0]
    return Status(
        200,
        {
            "id": project.pk,
            "title": project.title,
            "status": row.status,
            "label": row.label,
            "plan": _plan_out(row.plan) if row.plan else None,
            "indicators": [_indicator_out(r.indicator) for r in row.indicators],
        },
    )


# --------------------------------------------------------------------------- plans


@router.get(
    "/workspaces/{workspace_id}/evaluation-plans",
    response={200: list[EvaluationPlanOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Evaluationspläne",
)
def list_plans(request: HttpRequest, workspace_id: int, project: int | None = None) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    rows = EvaluationPlan.objects.filter(
        workspace=found[0], project__deleted_at__isnull=True
    ).select_related("project", "workspace__municipality")
    if project is not None:
        rows = rows.filter(project_id=project)
    return Status(200, [_plan_out(p) for p in rows.order_by("project__title", "pk")])


@router.post(
    "/workspaces/{workspace_id}/evaluation-plans",
    response={201: EvaluationPlanOut, **_ERRORS},
    auth=api_key_auth,
    summary="Evaluationsplan anlegen",
)
def create_plan(request: HttpRequest, workspace_id: int, payload: EvaluationPlanIn) -> Status[Any]:
    """One plan per project (422 when the project has one)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    project = Project.objects.filter(workspace=workspace, pk=payload.project).first()
    if project is None:
        return Status(
            422, validation_error(ValidationError({"project": [PROJECT_NOT_FOUND.detail]}))
        )
    values = {n: getattr(payload, n) for n in monitoring.PLAN_FIELDS}
    result = _write(
        lambda: monitoring.create_plan(actor=_actor(request), project=project, **values)
    )
    if isinstance(result, Status):
        return result
    return Status(201, _plan_out(_find_plan(workspace, result.pk)))


@router.get(
    "/workspaces/{workspace_id}/evaluation-plans/{plan_id}",
    response={200: EvaluationPlanOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ein Evaluationsplan",
)
def get_plan(request: HttpRequest, workspace_id: int, plan_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    plan = _find_plan(found[0], plan_id)
    if plan is None:
        return Status(404, PLAN_NOT_FOUND)
    return Status(200, _plan_out(plan))


@router.patch(
    "/workspaces/{workspace_id}/evaluation-plans/{plan_id}",
    response={200: EvaluationPlanOut, **_ERRORS},
    auth=api_key_auth,
    summary="Evaluationsplan ändern",
)
def patch_plan(
    request: HttpRequest, workspace_id: int, plan_id: int, payload: EvaluationPlanPatchIn
) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    plan = _find_plan(workspace, plan_id)
    if plan is None:
        return Status(404, PLAN_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    values = {k: v or "" for k, v in _sent(payload, monitoring.PLAN_FIELDS).items()}
    result = _write(
        lambda: monitoring.update_plan(
            actor=_actor(request), plan=plan, version=payload.version, **values
        )
    )
    if isinstance(result, Status):
        return result
    return Status(200, _plan_out(_find_plan(workspace, plan_id)))


@router.delete(
    "/workspaces/{workspace_id}/evaluation-plans/{plan_id}",
    response={200: EvaluationPlanOut, **_ERRORS},
    auth=api_key_auth,
    summary="Evaluationsplan löschen (30 Tage wiederherstellbar)",
)
def delete_plan(request: HttpRequest, workspace_id: int, plan_id: int, version: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    plan = _find_plan(workspace, plan_id)
    if plan is None:
        return Status(404, PLAN_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    result = _write(
        lambda: monitoring.delete_plan(actor=_actor(request), plan=plan, version=version)
    )
    if isinstance(result, Status):
        return result
    return Status(200, _plan_out(_find_plan(workspace, plan_id, deleted=True)))


@router.post(
    "/workspaces/{workspace_id}/evaluation-plans/{plan_id}/restore",
    response={200: EvaluationPlanOut, **_ERRORS},
    auth=api_key_auth,
    summary="Gelöschten Evaluationsplan wiederherstellen",
)
def restore_plan(request: HttpRequest, workspace_id: int, plan_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    plan = _find_plan(workspace, plan_id, deleted=True)
    if plan is None:
        return Status(404, PLAN_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    result = _write(lambda: monitoring.restore_plan(actor=_actor(request), plan=plan))
    if isinstance(result, Status):
        return result
    return Status(200, _plan_out(_find_plan(workspace, plan_id)))


# --------------------------------------------------------------------------- indicators


@router.get(
    "/workspaces/{workspace_id}/indicators",
    response={200: list[IndicatorOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Indikatoren",
)
def list_indicators(
    request: HttpRequest,
    workspace_id: int,
    project: int | None = None,
    level: IndicatorLevelValue | None = None,
) -> Status[Any]:
    """The indicators of the live projects with their status; filters ``project``, ``level``."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    rows = monitoring.indicators_of(found[0])
    if project is not None:
        rows = rows.filter(project_id=project)
    if level is not None:
        rows = rows.filter(level=level)
    return Status(200, [_indicator_out(i) for i in monitoring.sorted_indicators(rows)])


_INDICATOR_VALUES = ("project", *monitoring.INDICATOR_FIELDS)


@router.post(
    "/workspaces/{workspace_id}/indicators",
    response={201: IndicatorOut, **_ERRORS},
    auth=api_key_auth,
    summary="Indikator anlegen",
)
def create_indicator(request: HttpRequest, workspace_id: int, payload: IndicatorIn) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    values = {n: getattr(payload, n) for n in _INDICATOR_VALUES}
    result = _write(
        lambda: monitoring.create_indicator(actor=_actor(request), workspace=workspace, **values)
    )
    if isinstance(result, Status):
        return result
    return Status(201, _fresh_indicator(result))


@router.get(
    "/workspaces/{workspace_id}/indicators/{indicator_id}",
    response={200: IndicatorOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ein Indikator mit Status",
)
def get_indicator(request: HttpRequest, workspace_id: int, indicator_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    indicator = monitoring.find_indicator(found[0], indicator_id)
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    return Status(200, _indicator_out(indicator))


@router.patch(
    "/workspaces/{workspace_id}/indicators/{indicator_id}",
    response={200: IndicatorOut, **_ERRORS},
    auth=api_key_auth,
    summary="Indikator ändern",
)
def patch_indicator(
    request: HttpRequest, workspace_id: int, indicator_id: int, payload: IndicatorPatchIn
) -> Status[Any]:
    """Change the fields sent; a stale ``version`` answers 409 with the changed fields."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    indicator = monitoring.find_indicator(workspace, indicator_id)
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    values = _sent(payload, monitoring.INDICATOR_FIELDS)
    for name in ("unit", "data_collection", "name", "level", "direction"):
        if name in values and values[name] is None:
            values[name] = ""
    if "dimensions" in values and values["dimensions"] is None:
        values["dimensions"] = []
    result = _write(
        lambda: monitoring.update_indicator(
            actor=_actor(request), indicator=indicator, version=payload.version, **values
        )
    )
    if isinstance(result, Status):
        return result
    return Status(200, _fresh_indicator(result))


@router.delete(
    "/workspaces/{workspace_id}/indicators/{indicator_id}",
    response={200: IndicatorOut, **_ERRORS},
    auth=api_key_auth,
    summary="Indikator löschen (30 Tage wiederherstellbar)",
)
def delete_indicator(
    request: HttpRequest, workspace_id: int, indicator_id: int, version: int
) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    indicator = monitoring.find_indicator(workspace, indicator_id)
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    result = _write(
        lambda: monitoring.delete_indicator(
            actor=_actor(request), indicator=indicator, version=version
        )
    )
    if isinstance(result, Status):
        return result
    return Status(200, _fresh_indicator(result))


@router.post(
    "/workspaces/{workspace_id}/indicators/{indicator_id}/restore",
    response={200: IndicatorOut, **_ERRORS},
    auth=api_key_auth,
    summary="Gelöschten Indikator wiederherstellen",
)
def restore_indicator(request: HttpRequest, workspace_id: int, indicator_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    indicator = Indicator.all_objects.filter(
        workspace=workspace, pk=indicator_id, project__deleted_at__isnull=True
    ).first()
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    result = _write(
        lambda: monitoring.restore_indicator(actor=_actor(request), indicator=indicator)
    )
    if isinstance(result, Status):
        return result
    return Status(200, _fresh_indicator(result))


# --------------------------------------------------------------------------- measurements


@router.get(
    "/workspaces/{workspace_id}/indicators/{indicator_id}/measurements",
    response={200: list[MeasurementOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Messwerte eines Indikators",
)
def list_measurements(request: HttpRequest, workspace_id: int, indicator_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    indicator = monitoring.find_indicator(found[0], indicator_id)
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    return Status(200, [_measurement_out(m) for m in monitoring.live_measurements(indicator)])


@router.post(
    "/workspaces/{workspace_id}/indicators/{indicator_id}/measurements",
    response={201: MeasurementOut, **_ERRORS},
    auth=api_key_auth,
    summary="Messwert eintragen",
)
def create_measurement(
    request: HttpRequest, workspace_id: int, indicator_id: int, payload: MeasurementIn
) -> Status[Any]:
    """A measurement on or after the baseline date, not in the future, one per date (core
    team, contributors and external partners)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    indicator = monitoring.find_indicator(workspace, indicator_id)
    if indicator is None:
        return Status(404, INDICATOR_NOT_FOUND)
    if not _can_measure(member):
        return Status(403, NO_RIGHT)
    values = {n: getattr(payload, n) for n in monitoring.MEASUREMENT_FIELDS}
    result = _write(
        lambda: monitoring.create_measurement(actor=_actor(request), indicator=indicator, **values)
    )
    if isinstance(result, Status):
        return result
    return Status(201, _measurement_out(result))


def _find_measurement(workspace: Workspace, measurement_id: int, *, deleted: bool = False) -> Any:
    if not deleted:
        return monitoring.find_measurement(workspace, measurement_id)
    return (
        Measurement.all_objects.filter(
            workspace=workspace,
            pk=measurement_id,
            indicator__deleted_at__isnull=True,
            indicator__project__deleted_at__isnull=True,
        )
        .select_related("indicator")
        .first()
    )


@router.patch(
    "/workspaces/{workspace_id}/measurements/{measurement_id}",
    response={200: MeasurementOut, **_ERRORS},
    auth=api_key_auth,
    summary="Messwert ändern",
)
def patch_measurement(
    request: HttpRequest, workspace_id: int, measurement_id: int, payload: MeasurementPatchIn
) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    measurement = _find_measurement(workspace, measurement_id)
    if measurement is None:
        return Status(404, MEASUREMENT_NOT_FOUND)
    if not _can_measure(member):
        return Status(403, NO_RIGHT)
    values = _sent(payload, monitoring.MEASUREMENT_FIELDS)
    if "note" in values and values["note"] is None:
        values["note"] = ""
    result = _write(
        lambda: monitoring.update_measurement(
            actor=_actor(request), measurement=measurement, version=payload.version, **values
        )
    )
    if isinstance(result, Status):
        return result
    return Status(200, _measurement_out(result))


@router.delete(
    "/workspaces/{workspace_id}/measurements/{measurement_id}",
    response={200: MeasurementOut, **_ERRORS},
    auth=api_key_auth,
    summary="Messwert löschen (30 Tage wiederherstellbar)",
)
def delete_measurement(
    request: HttpRequest, workspace_id: int, measurement_id: int, version: int
) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    measurement = _find_measurement(workspace, measurement_id)
    if measurement is None:
        return Status(404, MEASUREMENT_NOT_FOUND)
    if not _can_measure(member):
        return Status(403, NO_RIGHT)
    result = _write(
        lambda: monitoring.delete_measurement(
            actor=_actor(request), measurement=measurement, version=version
        )
    )
    if isinstance(result, Status):
        return result
    return Status(200, _measurement_out(result))


@router.post(
    "/workspaces/{workspace_id}/measurements/{measurement_id}/restore",
    response={200: MeasurementOut, **_ERRORS},
    auth=api_key_auth,
    summary="Gelöschten Messwert wiederherstellen",
)
def restore_measurement(
    request: HttpRequest, workspace_id: int, measurement_id: int
) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    measurement = _find_measurement(workspace, measurement_id, deleted=True)
    if measurement is None:
        return Status(404, MEASUREMENT_NOT_FOUND)
    if not _can_measure(member):
        return Status(403, NO_RIGHT)
    result = _write(
        lambda: monitoring.restore_measurement(actor=_actor(request), measurement=measurement)
    )
    if isinstance(result, Status):
        return result
    return Status(200, _measurement_out(result))
