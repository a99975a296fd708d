"""API of the risk matrix (step 6) under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api; docs/strategy_risks.md).

The same services as the pages (:mod:`kompass.strategy.risks`): non-members 404, roles
without the right 403, a stale ``version`` 409 naming the changed fields, rule violations
422 with German ``errors`` per field. Changing a scale under which risks are scored answers
422 with ``errors.confirm`` until the request says ``"confirm": true``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.strategy import risks
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
from kompass.strategy.models_risks import Risk, RiskScale, RiskScaleVersion
from kompass.strategy.permissions import Capabilities

router = Router(tags=["strategy"])

RiskBandValue = Literal["low", "medium", "high"]
RiskSort = Literal["score_desc", "score_asc", "title", "category", "project", "updated"]
_SORTS = {
    "score_desc": "wert",
    "score_asc": "wert-aufsteigend",
    "title": "titel",
    "category": "kategorie",
    "project": "projekt",
    "updated": "geaendert",
}
NO_RIGHT = WorkspaceErrorOut(detail="Ihre Rolle in diesem Arbeitsraum erlaubt keine Änderungen.")
#: Fields where ``null`` in a PATCH means "empty".
_TEXTS = frozenset(
    {
        "title",
        "category",
        "category_other",
        "description",
        "example",
        "perspective",
        "duration",
        "influence_level",
        "related_risks",
        "mitigation",
        "emergency_plan",
        "abort_criteria",
        "owner_name",
    }
)
RISK_NOT_FOUND = WorkspaceErrorOut(detail="Dieses Risiko gibt es in diesem Arbeitsraum nicht.")


# --------------------------------------------------------------------------- schemas


class RiskScaleLevelOut(Schema):
    value: int
    label: str


class RiskScaleAxisOut(Schema):
    levels: int
    labels: list[RiskScaleLevelOut]


class RiskScaleOut(Schema):
    version: int
    probability: RiskScaleAxisOut
    damage: RiskScaleAxisOut
    scored_risks: int = Field(description="Risiken, die nach dieser Fassung bewertet sind")
    needs_rescore: int = Field(description="Risiken, die nach einer früheren Fassung bewertet sind")
    updated_at: dt.datetime


class RiskScaleIn(Schema):
    version: int = Field(description="Die Version der Skala, die der Client gelesen hat")
    probability_labels: list[str] = Field(description="3 bis 10 Bezeichnungen, niedrigste zuerst")
    damage_labels: list[str] = Field(description="3 bis 10 Bezeichnungen, niedrigste zuerst")
    confirm: bool = Field(
        False, description="Nötig, wenn Risiken nach der jetzigen Fassung bewertet sind"
    )


class RiskScoreOut(Schema):
    """Probability and damage with the labels of the scale version they were scored under."""

    probability: int
    probability_label: str
    probability_levels: int
    damage: int
    damage_label: str
    damage_levels: int
    scale_version: int


class RiskOwnerOut(Schema):
    member_id: int | None
    name: str


class RiskOut(Schema):
    id: int
    project_id: int | None
    project_title: str | None
    title: str
    category: str
    category_label: str
    category_other: str
    description: str
    example: str
    perspective: str
    consequence_types: list[str]
    scored: RiskScoreOut | None = Field(description="Bewertung mit den damaligen Bezeichnungen")
    needs_rescore: bool
    score: int | None = Field(
        description="Eintrittswahrscheinlichkeit × Schadenshöhe; null bei „neu bewerten“"
    )
    band: RiskBandValue | None = Field(
        description="null bei „neu bewerten“ und unbewerteten Risiken"
    )
    scope: int | None
    duration: str
    influence_level: str
    related_risks: str
    mitigation: str
    emergency_plan: str
    abort_criteria: str
    owner: RiskOwnerOut | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    url: str


class RiskIn(Schema):
    title: str
    project: int | None = Field(None, description="Projekt-ID; null für die gesamte Strategie")
    category: str = Field("", description="Art aus risk_categories.yaml oder „other“")
    category_other: str = ""
    description: str = ""
    example: str = ""
    perspective: str = ""
    consequence_types: list[str] = []
    probability: int | None = Field(None, description="Stufe der jetzigen Skala")
    damage: int | None = Field(None, description="Stufe der jetzigen Skala")
    scope: int | None = None
    duration: str = ""
    influence_level: str = ""
    related_risks: str = ""
    mitigation: str = ""
    emergency_plan: str = ""
    abort_criteria: str = ""
    owner: int | None = Field(None, description="member_id eines Mitglieds")
    owner_name: str = Field("", description="oder der Name einer Person außerhalb")


class RiskPatchIn(Schema):
    """Only the fields sent are changed."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    title: str | None = None
    project: int | None = None
    category: str | None = None
    category_other: str | None = None
    description: str | None = None
    example: str | None = None
    perspective: str | None = None
    consequence_types: list[str] | None = None
    probability: int | None = None
    damage: int | None = None
    scope: int | None = None
    duration: str | None = None
    influence_level: str | None = None
    related_risks: str | None = None
    mitigation: str | None = None
    emergency_plan: str | None = None
    abort_criteria: str | None = None
    owner: int | None = None
    owner_name: str | None = None


class RiskRescoreIn(Schema):
    version: int
    probability: int
    damage: int


class RiskProposalOut(Schema):
    probability: int
    probability_label: str
    damage: int
    damage_label: str


class RiskRescoreOut(Schema):
    needs_rescore: bool
    scale_version: int
    scored: RiskScoreOut | None
    proposal: RiskProposalOut | None = Field(
        description="Anteilige Umrechnung; gilt erst, wenn sie mit POST gesendet wird"
    )


class RiskHeatCellOut(Schema):
    probability: int
    damage: int
    count: int
    band: RiskBandValue
    band_label: str
    risk_ids: list[int]


class RiskBandCountsOut(Schema):
    low: int
    medium: int
    high: int


class RiskHeatmapOut(Schema):
    scale_version: int
    probability: RiskScaleAxisOut
    damage: RiskScaleAxisOut
    cells: list[RiskHeatCellOut]
    bands: RiskBandCountsOut
    total: int
    unscored: int
    needs_rescore: int


class RiskAssessmentIn(Schema):
    version: int = Field(description="Die Version des Projekts, die der Client gelesen hat")


class RiskProjectOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    version: int


# --------------------------------------------------------------------------- helpers


def _axis(labels: list[str]) -> dict[str, Any]:
    return {
        "levels": len(labels),
        "labels": [{"value": i, "label": label} for i, label in enumerate(labels, start=1)],
    }


def _scale_out(scale: RiskScale) -> dict[str, Any]:
    scored = risks.scored_under(scale).count()
    outdated = risks.filter_risks(scale.workspace, scale, risks.RiskFilter(rescore=True)).count()
    return {
        "version": scale.version,
        "probability": _axis(scale.probability_labels),
        "damage": _axis(scale.damage_labels),
        "scored_risks": scored,
        "needs_rescore": outdated,
        "updated_at": scale.updated_at,
    }


def _risk_out(
    risk: Risk, scale: RiskScale, versions: dict[int, RiskScaleVersion]
) -> dict[str, Any]:
    outdated = risks.needs_rescore(risk, scale)
    view = risks.score_view(risk, versions)
    workspace = risk.workspace
    owner = None
    if risk.owner is not None:
        owner = {"member_id": risk.owner.pk, "name": str(risk.owner.user)}
    elif risk.owner_name:
        owner = {"member_id": None, "name": risk.owner_name}
    return {
        "id": risk.pk,
        "project_id": risk.project_id,
        "project_title": risk.project.title if risk.project else None,
        "title": risk.title,
        "category": risk.category,
        "category_label": risk.category_label if risk.category else "",
        "category_other": risk.category_other,
        "description": risk.description,
        "example": risk.example,
        "perspective": risk.perspective,
        "consequence_types": list(risk.consequence_types or []),
        "scored": view.__dict__ if view else None,
        "needs_rescore": outdated,
        "score": None if outdated else risk.score,
        "band": None if outdated or not risk.band else risk.band,
        "scope": risk.scope,
        "duration": risk.duration,
        "influence_level": risk.influence_level,
        "related_risks": risk.related_risks,
        "mitigation": risk.mitigation,
        "emergency_plan": risk.emergency_plan,
        "abort_criteria": risk.abort_criteria,
        "owner": owner,
        "version": risk.version,
        "created_at": risk.created_at,
        "updated_at": risk.updated_at,
        "url": f"/strategie/{workspace.municipality.slug}/{workspace.slug}/risiken/{risk.pk}/",
    }


def _one(risk: Risk) -> dict[str, Any]:
    fresh = Risk.all_objects.select_related("project", "owner__user", "workspace__municipality")
    risk = fresh.get(pk=risk.pk)
    scale = risks.current_scale(risk.workspace)
    return _risk_out(risk, scale, risks.scale_versions(risk.workspace))


def _conflict(exc: VersionConflict) -> Status[Any]:
    return Status(
        409,
        StepConflictOut(
            detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
        ),
    )


def _can_edit(member: WorkspaceMember) -> bool:
    return Capabilities(member.role).edit_steps


def _find_risk(workspace: Workspace, risk_id: int) -> Risk | None:
    return risks.visible_risks(workspace).filter(pk=risk_id).first()


# --------------------------------------------------------------------------- scale


@router.get(
    "/workspaces/{workspace_id}/risk-scale",
    response={200: RiskScaleOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Skalen der Risikobewertung",
)
def get_risk_scale(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Levels and labels of probability and damage (the template's 1-5 until the core team
    changes them), their ``version``, and how many risks are scored under it or due for
    re-scoring."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return Status(200, _scale_out(risks.current_scale(found[0])))


@router.put(
    "/workspaces/{workspace_id}/risk-scale",
    response={
        200: RiskScaleOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Skalen der Risikobewertung ändern",
)
def put_risk_scale(request: HttpRequest, workspace_id: int, payload: RiskScaleIn) -> Status[Any]:
    """Set 3-10 labels per scale (core team only, else 403). When risks are scored under the
    current version and ``confirm`` is false: 422 with ``errors.confirm`` (nothing changes).
    Afterwards those risks have ``needs_rescore: true`` until re-scored; their values are
    never converted."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, _member = found
    try:
        scale = risks.change_scale(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=workspace,
            version=payload.version,
            probability_labels=payload.probability_labels,
            damage_labels=payload.damage_labels,
            confirm=payload.confirm,
        )
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc)))
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _scale_out(scale))


# --------------------------------------------------------------------------- risks


@router.get(
    "/workspaces/{workspace_id}/risks",
    response={200: list[RiskOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Risiken",
)
def list_risks(
    request: HttpRequest,
    workspace_id: int,
    project: str = "",
    category: str = "",
    band: RiskBandValue | None = None,
    owner: str = "",
    needs_rescore: bool | None = None,
    sort: RiskSort = "score_desc",
) -> Status[Any]:
    """The workspace's risks. Filters: ``project`` (an id or ``strategy`` for the strategy as
    a whole), ``category``, ``band`` (current scale only), ``owner`` (a member_id,
    ``external`` or ``none``), ``needs_rescore``; ``sort``."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace = found[0]
    scale = risks.current_scale(workspace)
    chosen = risks.RiskFilter(
        project=risks.STRATEGY_LEVEL if project == "strategy" else project,
        category=category,
        band=band or "",
        owner={"external": "extern", "none": "niemand"}.get(owner, owner),
        rescore=needs_rescore,
        sort=_SORTS[sort],
    )
    versions = risks.scale_versions(workspace)
    found_risks = risks.filter_risks(workspace, scale, chosen).select_related(
        "workspace__municipality"
    )
    return Status(200, [_risk_out(r, scale, versions) for r in found_risks])


def _values(payload: Schema, sent: set[str]) -> dict[str, Any]:
    return {name: getattr(payload, name) for name in risks.EDITABLE if name in sent}


@router.post(
    "/workspaces/{workspace_id}/risks",
    response={
        201: RiskOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Risiko erfassen",
)
def create_risk(request: HttpRequest, workspace_id: int, payload: RiskIn) -> Status[Any]:
    """A new risk (core team and contributors). ``probability`` and ``damage`` are levels of
    the current scale, both or neither."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    try:
        risk = risks.create_risk(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=workspace,
            **_values(payload, set(risks.EDITABLE)),
        )
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc)))
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(201, _one(risk))


@router.get(
    "/workspaces/{workspace_id}/risks/{risk_id}",
    response={200: RiskOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ein Risiko",
)
def get_risk(request: HttpRequest, workspace_id: int, risk_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    risk = _find_risk(found[0], risk_id)
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    return Status(200, _one(risk))


@router.patch(
    "/workspaces/{workspace_id}/risks/{risk_id}",
    response={
        200: RiskOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Risiko ändern",
)
def patch_risk(
    request: HttpRequest, workspace_id: int, risk_id: int, payload: RiskPatchIn
) -> Status[Any]:
    """Change the fields sent (``null`` clears project, scores, scope and owner). A stale
    ``version`` answers 409. A risk due for re-scoring keeps its old values: other values for
    ``probability``/``damage`` answer 422 – use ``…/rescore``."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    risk = _find_risk(workspace, risk_id)
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    values = _values(payload, set(payload.model_fields_set))
    for name, value in list(values.items()):
        if value is None and name in _TEXTS:
            values[name] = ""
        elif value is None and name == "consequence_types":
            values[name] = []
    try:
        updated = risks.update_risk(
            actor=request.auth,  # type: ignore[attr-defined]
            risk=risk,
            version=payload.version,
            **values,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc)))
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _one(updated))


@router.delete(
    "/workspaces/{workspace_id}/risks/{risk_id}",
    response={
        200: RiskOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Risiko löschen (30 Tage wiederherstellbar)",
)
def delete_risk(request: HttpRequest, workspace_id: int, risk_id: int, version: int) -> Status[Any]:
    """Soft-delete the risk if ``version`` (query parameter) is current; restorable for 30
    days with ``…/restore``."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    risk = _find_risk(workspace, risk_id)
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    try:
        deleted = risks.delete_risk(
            actor=request.auth,  # type: ignore[attr-defined]
            risk=risk,
            version=version,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _one(deleted))


@router.post(
    "/workspaces/{workspace_id}/risks/{risk_id}/restore",
    response={
        200: RiskOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Gelöschtes Risiko wiederherstellen",
)
def restore_risk(request: HttpRequest, workspace_id: int, risk_id: int) -> Status[Any]:
    """Bring back a risk deleted less than 30 days ago (422 afterwards or when not deleted)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    risk = Risk.all_objects.filter(workspace=workspace, pk=risk_id).first()
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    try:
        restored = risks.restore_risk(actor=request.auth, risk=risk)  # type: ignore[attr-defined]
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _one(restored))


@router.get(
    "/workspaces/{workspace_id}/risks/{risk_id}/rescore",
    response={200: RiskRescoreOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Neubewertung: alte Werte und Vorschlag",
)
def get_rescore(request: HttpRequest, workspace_id: int, risk_id: int) -> Status[Any]:
    """The risk's values with the labels they were scored under and, if it is due for
    re-scoring, a proportional proposal on the current scale (not saved)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace = found[0]
    risk = _find_risk(workspace, risk_id)
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    scale = risks.current_scale(workspace)
    view = risks.score_view(risk, risks.scale_versions(workspace))
    proposal = risks.proposal(risk, scale)
    return Status(
        200,
        {
            "needs_rescore": risks.needs_rescore(risk, scale),
            "scale_version": scale.version,
            "scored": view.__dict__ if view else None,
            "proposal": (
                {
                    "probability": proposal[0],
                    "probability_label": scale.probability_labels[proposal[0] - 1],
                    "damage": proposal[1],
                    "damage_label": scale.damage_labels[proposal[1] - 1],
                }
                if proposal
                else None
            ),
        },
    )


@router.post(
    "/workspaces/{workspace_id}/risks/{risk_id}/rescore",
    response={
        200: RiskOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Risiko nach der jetzigen Skala bewerten",
)
def post_rescore(
    request: HttpRequest, workspace_id: int, risk_id: int, payload: RiskRescoreIn
) -> Status[Any]:
    """Score the risk under the current scale (both values required)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    risk = _find_risk(workspace, risk_id)
    if risk is None:
        return Status(404, RISK_NOT_FOUND)
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    try:
        updated = risks.rescore_risk(
            actor=request.auth,  # type: ignore[attr-defined]
            risk=risk,
            version=payload.version,
            probability=payload.probability,
            damage=payload.damage,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _one(updated))


@router.get(
    "/workspaces/{workspace_id}/risk-heatmap",
    response={200: RiskHeatmapOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Risikomatrix (Heatmap)",
)
def get_heatmap(request: HttpRequest, workspace_id: int, project: str = "") -> Status[Any]:
    """Risks per probability × damage cell of the current scale, with band; risks due for
    re-scoring and unscored risks only as counts. ``project``: an id or ``strategy``."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    heat = risks.heatmap(found[0], risks.STRATEGY_LEVEL if project == "strategy" else project)
    return Status(
        200,
        {
            "scale_version": heat.scale.version,
            "probability": _axis(heat.scale.probability_labels),
            "damage": _axis(heat.scale.damage_labels),
            "cells": [cell.__dict__ for row in heat.rows for cell in row.cells],
            "bands": heat.bands,
            "total": heat.total,
            "unscored": heat.unscored,
            "needs_rescore": heat.rescore,
        },
    )


@router.post(
    "/workspaces/{workspace_id}/risk-assessments/{project_id}",
    response={
        200: RiskProjectOut,
        401: WorkspaceErrorOut,
        403: WorkspaceErrorOut,
        404: WorkspaceErrorOut,
        409: StepConflictOut,
        422: WorkspaceValidationErrorOut,
    },
    auth=api_key_auth,
    summary="Risikobewertung eines Projekts abschließen",
)
def complete_assessment(
    request: HttpRequest, workspace_id: int, project_id: int, payload: RiskAssessmentIn
) -> Status[Any]:
    """Set the project's status from ``sketch`` to ``risk_assessed``. 422 unless the project
    is a sketch with at least one risk, all scored under the current scale."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    project = Project.objects.filter(workspace=workspace, pk=project_id).first()
    if project is None:
        return Status(404, WorkspaceErrorOut(detail="Dieses Projekt gibt es hier nicht."))
    if not _can_edit(member):
        return Status(403, NO_RIGHT)
    try:
        updated = risks.complete_assessment(
            actor=request.auth,  # type: ignore[attr-defined]
            project=project,
            version=payload.version,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(
        200,
        {
            "id": updated.pk,
            "title": updated.title,
            "status": updated.status,
            "status_label": str(updated.get_status_display()),
            "version": updated.version,
        },
    )
