"""API of the workspace part "worksheets" under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api).

The same services as the pages (:mod:`kompass.strategy.worksheets`): non-members 404, roles
without the right 403, a stale ``version`` 409 with the German conflict message, invalid
answers 422 with German messages under ``answers.<field id>`` naming row and column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.strategy import worksheets as services
from kompass.strategy.api import (
    NOT_FOUND,
    StepConflictOut,
    WorkspaceErrorOut,
    WorkspaceValidationErrorOut,
    member_of,
    validation_error,
)
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import WorksheetEntry, WorksheetSurvey
from kompass.strategy.permissions import Capabilities

router = Router(tags=["strategy"])

ERRORS: dict[int, Any] = {
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    404: WorkspaceErrorOut,
    409: StepConflictOut,
    422: WorkspaceValidationErrorOut,
}


class WorksheetEntrySummaryOut(Schema):
    id: int
    title: str
    step_code: str | None
    round: int | None
    version: int
    updated_at: dt.datetime


class WorksheetOverviewOut(Schema):
    number: int
    slug: str
    title: str
    format: str
    purpose: str
    steps: list[int]
    may_edit: bool
    entries: list[WorksheetEntrySummaryOut]


class WorksheetEntryOut(Schema):
    id: int
    worksheet: str
    worksheet_title: str
    title: str
    step_code: str | None
    round: int | None
    answers: dict[str, Any]
    version: int
    created_at: dt.datetime
    created_by: str | None
    updated_at: dt.datetime
    updated_by: str | None
    url: str


class WorksheetEntryIn(Schema):
    title: str
    step_code: str | None = None
    round: int | None = None
    answers: dict[str, Any] = Field(
        default_factory=dict, description="Feld-ID → Wert (Tabellen als Liste von Zeilen)"
    )


class WorksheetEntryPatchIn(Schema):
    """Only the fields sent change; ``answers`` changes only the answer fields it contains."""

    version: int = Field(description="Die Version, die der Client gelesen hat")
    title: str | None = None
    step_code: str | None = None
    round: int | None = None
    answers: dict[str, Any] | None = None


class SurveyStatsOut(Schema):
    n: int
    min: float
    mean: float
    median: float
    max: float


class SurveyAnswerOut(Schema):
    name: str
    actor_group: str
    value: Any


class SurveyQuestionOut(Schema):
    id: str
    label: str
    type: str
    answers: list[SurveyAnswerOut]
    stats: SurveyStatsOut | None


class SurveyResultsOut(Schema):
    id: int
    title: str
    entry_id: int
    is_open: bool
    recipients: int
    responses: int
    questions: list[SurveyQuestionOut]


def _entry_out(entry: WorksheetEntry) -> dict[str, Any]:
    workspace = entry.workspace
    return {
        "id": entry.pk,
        "worksheet": entry.worksheet,
        "worksheet_title": entry.sheet.title,
        "title": entry.title,
        "step_code": entry.step_code or None,
        "round": entry.round,
        "answers": entry.answers,
        "version": entry.version,
        "created_at": entry.created_at,
        "created_by": str(entry.created_by) if entry.created_by else None,
        "updated_at": entry.updated_at,
        "updated_by": str(entry.updated_by) if entry.updated_by else None,
        "url": (
            f"/strategie/{workspace.municipality.slug}/{workspace.slug}/arbeitshilfen/"
            f"{entry.worksheet}/{entry.pk}/"
        ),
    }


def _forbidden() -> Status[Any]:
    return Status(
        403,
        WorkspaceErrorOut(detail="Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."),
    )


def _conflict(exc: VersionConflict) -> Status[Any]:
    return Status(
        409,
        StepConflictOut(
            detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
        ),
    )


def _entry(workspace: Any, entry_id: int, *, deleted: bool = False) -> WorksheetEntry | None:
    manager = WorksheetEntry.all_objects if deleted else WorksheetEntry.objects
    rows = manager.select_related("workspace__municipality", "created_by", "updated_by")
    if deleted:
        rows = rows.filter(deleted_at__isnull=False)
    return rows.filter(pk=entry_id, workspace=workspace).first()


ENTRY_NOT_FOUND = WorkspaceErrorOut(detail="Eintrag nicht gefunden.")


@router.get(
    "/workspaces/{workspace_id}/worksheets",
    response={200: list[WorksheetOverviewOut], 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Arbeitshilfen mit den Einträgen des Arbeitsraums",
)
def list_worksheets(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """The ten worksheets with the steps they support and this workspace's entries;
    ``may_edit`` says whether the key's owner may create entries."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    caps = Capabilities(member.role)
    by_sheet: dict[str, list[dict[str, Any]]] = {}
    for entry in services.entries(workspace):
        by_sheet.setdefault(entry.worksheet, []).append(
            {
                "id": entry.pk,
                "title": entry.title,
                "step_code": entry.step_code or None,
                "round": entry.round,
                "version": entry.version,
                "updated_at": entry.updated_at,
            }
        )
    return Status(
        200,
        [
            {
                "number": sheet.number,
                "slug": sheet.slug,
                "title": sheet.title,
                "format": sheet.format,
                "purpose": sheet.purpose,
                "steps": list(sheet.steps),
                "may_edit": services.can_edit(caps, sheet.slug),
                "entries": by_sheet.get(sheet.slug, []),
            }
            for sheet in services.worksheets()
        ],
    )


@router.post(
    "/workspaces/{workspace_id}/worksheets/{slug}/entries",
    response={201: WorksheetEntryOut, **ERRORS},
    auth=api_key_auth,
    summary="Eintrag einer Arbeitshilfe anlegen",
)
def create_entry(
    request: HttpRequest, workspace_id: int, slug: str, payload: WorksheetEntryIn
) -> Status[Any]:
    """A new entry of worksheet ``slug`` with its answers (missing fields stay empty)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, _member = found
    if services.get_worksheet(slug) is None:
        return Status(404, WorkspaceErrorOut(detail=f"Die Arbeitshilfe „{slug}“ gibt es nicht."))
    try:
        entry = services.create_entry(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=workspace,
            worksheet=slug,
            title=payload.title,
            step_code=payload.step_code or "",
            round_number=payload.round,
            answers=payload.answers,
        )
    except PermissionDenied:
        return _forbidden()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(201, _entry_out(_entry(workspace, entry.pk)))  # type: ignore[arg-type]


@router.get(
    "/workspaces/{workspace_id}/worksheet-entries/{entry_id}",
    response={200: WorksheetEntryOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Eintrag einer Arbeitshilfe",
)
def get_entry(request: HttpRequest, workspace_id: int, entry_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    entry = _entry(found[0], entry_id)
    if entry is None:
        return Status(404, ENTRY_NOT_FOUND)
    return Status(200, _entry_out(entry))


@router.patch(
    "/workspaces/{workspace_id}/worksheet-entries/{entry_id}",
    response={200: WorksheetEntryOut, **ERRORS},
    auth=api_key_auth,
    summary="Eintrag einer Arbeitshilfe ändern",
)
def patch_entry(
    request: HttpRequest, workspace_id: int, entry_id: int, payload: WorksheetEntryPatchIn
) -> Status[Any]:
    """Change title, step, round or answers; ``version`` must be current (else 409)."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    entry = _entry(found[0], entry_id)
    if entry is None:
        return Status(404, ENTRY_NOT_FOUND)
    sent = payload.model_fields_set
    values: dict[str, Any] = {}
    if "title" in sent:
        values["title"] = payload.title or ""
    if "step_code" in sent:
        values["step_code"] = payload.step_code or ""
    if "round" in sent:
        values["round_number"] = payload.round
    if "answers" in sent:
        values["answers"] = payload.answers or {}
    try:
        services.update_entry(
            actor=request.auth,  # type: ignore[attr-defined]
            entry=entry,
            version=payload.version,
            replace_answers=False,
            **values,
        )
    except PermissionDenied:
        return _forbidden()
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _entry_out(_entry(found[0], entry_id)))  # type: ignore[arg-type]


@router.delete(
    "/workspaces/{workspace_id}/worksheet-entries/{entry_id}",
    response={204: None, **ERRORS},
    auth=api_key_auth,
    summary="Eintrag einer Arbeitshilfe löschen (30 Tage wiederherstellbar)",
)
def delete_entry(
    request: HttpRequest, workspace_id: int, entry_id: int, version: int
) -> Status[Any]:
    """Soft delete; ``?version=`` must be current (else 409). Core team and contributors."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    entry = _entry(found[0], entry_id)
    if entry is None:
        return Status(404, ENTRY_NOT_FOUND)
    try:
        services.delete_entry(actor=request.auth, entry=entry, version=version)  # type: ignore[attr-defined]
    except PermissionDenied:
        return _forbidden()
    except VersionConflict as exc:
        return _conflict(exc)
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(204, None)


@router.post(
    "/workspaces/{workspace_id}/worksheet-entries/{entry_id}/restore",
    response={200: WorksheetEntryOut, **ERRORS},
    auth=api_key_auth,
    summary="Gelöschten Eintrag einer Arbeitshilfe wiederherstellen",
)
def restore_entry(request: HttpRequest, workspace_id: int, entry_id: int) -> Status[Any]:
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    entry = _entry(found[0], entry_id, deleted=True)
    if entry is None:
        return Status(404, ENTRY_NOT_FOUND)
    try:
        services.restore_entry(actor=request.auth, entry=entry)  # type: ignore[attr-defined]
    except PermissionDenied:
        return _forbidden()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _entry_out(_entry(found[0], entry_id)))  # type: ignore[arg-type]


@router.get(
    "/workspaces/{workspace_id}/worksheet-surveys/{survey_id}/results",
    response={200: SurveyResultsOut, 401: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ergebnisse einer Online-Befragung",
)
def survey_results(request: HttpRequest, workspace_id: int, survey_id: int) -> Status[Any]:
    """Answers per question with name and actor group of the respondent; numbers with n, min,
    mean, median and max. Every member may read them."""
    found = member_of(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    survey = WorksheetSurvey.objects.filter(pk=survey_id, workspace=found[0]).first()
    if survey is None:
        return Status(404, WorkspaceErrorOut(detail="Befragung nicht gefunden."))
    results = services.survey_results(survey)
    return Status(
        200,
        {
            "id": survey.pk,
            "title": survey.title,
            "entry_id": survey.entry_id,
            "is_open": survey.is_open,
            "recipients": results.recipients,
            "responses": results.responses,
            "questions": [
                {
                    "id": q.field.id,
                    "label": q.field.label,
                    "type": q.field.type,
                    "answers": [
                        {"name": name, "actor_group": group, "value": value}
                        for name, group, value in q.texts
                    ],
                    "stats": q.stats,
                }
                for q in results.questions
            ],
        },
    )
