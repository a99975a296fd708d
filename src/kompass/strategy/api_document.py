"""API of the workspace part "document" under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api): the strategy paper (blocks, versions, council
decisions, DOCX/PDF), the JSON export of the whole workspace (core team) and the bin.

The same services as the pages (:mod:`kompass.strategy.document`, :mod:`.transfer`, :mod:`.bin`):
404 for non-members, 403 for roles without the right, 409 with the changed fields when a block
or decision moved on since the client read it, 422 with German messages per field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from kompass.api.auth import api_key_auth
from kompass.core.models import Municipality
from kompass.strategy import bin as bin_service
from kompass.strategy import document as service
from kompass.strategy import document_export, transfer
from kompass.strategy.api import (
    NOT_FOUND,
    StepConflictOut,
    WorkspaceErrorOut,
    WorkspaceOut,
    WorkspaceValidationErrorOut,
    _workspace_out,
    member_of,
    validation_error,
)
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    CouncilDecision,
    DocumentBlock,
    DocumentVersion,
    StrategyDocument,
    Workspace,
    WorkspaceMember,
)
from kompass.strategy.permissions import Capabilities, can_create_workspace

router = Router(tags=["strategy"])

ROLE_DENIED = "Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."
NO_DOCUMENT = WorkspaceErrorOut(detail="Dieser Arbeitsraum hat noch kein Strategiepapier.")
Outcome = Literal["adopted", "adopted_with_changes", "rejected", "deferred"]


class DocumentBlockOut(Schema):
    id: int
    key: str
    heading: str
    text: str
    origin: Literal["generated", "edited"]
    position: int
    source_note: str
    newer_generated_text: str | None = Field(
        description="Neuer Text aus dem Arbeitsraum zum Vergleich, wenn der Abschnitt "
        "bearbeitet wurde und der Arbeitsraum inzwischen anderes enthält"
    )
    version: int
    updated_at: dt.datetime


class StrategyDocumentOut(Schema):
    id: int
    title: str
    status: Literal["draft", "adopted"]
    version: int
    blocks: list[DocumentBlockOut]
    versions: int


class StrategyDocumentIn(Schema):
    title: str = ""


class DocumentRefreshOut(Schema):
    updated: list[str]
    kept: list[str]
    added: list[str]


class DocumentBlockPatchIn(Schema):
    version: int = Field(description="Die Version, die der Client gelesen hat")
    heading: str | None = None
    text: str | None = None


class DocumentFreezeIn(Schema):
    note: str = ""


class DocumentVersionOut(Schema):
    number: int
    title: str
    note: str
    created_by: str | None
    created_at: dt.datetime


class DocumentVersionBlockOut(Schema):
    key: str
    heading: str
    text: str
    origin: str


class DocumentVersionDetailOut(DocumentVersionOut):
    blocks: list[DocumentVersionBlockOut]


class CouncilDecisionOut(Schema):
    id: int
    body: str
    date: dt.date
    agenda_item: str
    outcome: Outcome
    document_version: int | None = Field(description="Nummer der beschlossenen Version")
    votes_for: int | None
    votes_against: int | None
    abstentions: int | None
    note: str
    version: int


class CouncilDecisionIn(Schema):
    body: str
    date: dt.date
    outcome: Outcome
    agenda_item: str = ""
    document_version: int | None = Field(
        None, description="Nummer einer Version; ohne Angabe wird der aktuelle Text festgehalten"
    )
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    note: str = ""


class CouncilDecisionPatchIn(Schema):
    version: int
    body: str | None = None
    date: dt.date | None = None
    outcome: Outcome | None = None
    agenda_item: str | None = None
    document_version: int | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    note: str | None = None


class WorkspaceImportOut(Schema):
    workspace: WorkspaceOut
    counts: dict[str, int] = Field(description="Übernommene Zeilen je Abschnitt der Datei")
    warnings: list[str]


class BinItemOut(Schema):
    model: str
    id: int
    kind: str
    description: str
    deleted_at: dt.datetime
    deleted_by: str | None
    restorable_until: dt.datetime
    restorable: bool


class BinRestoreIn(Schema):
    model: str = Field(description="z. B. strategy.project")
    id: int


class BinRestoreOut(Schema):
    model: str
    id: int
    version: int
    description: str


# --------------------------------------------------------------------------- helpers


def _found(request: HttpRequest, workspace_id: int) -> tuple[Workspace, WorkspaceMember] | None:
    return member_of(request, workspace_id)


def _denied() -> Status[Any]:
    return Status(403, WorkspaceErrorOut(detail=ROLE_DENIED))


def _conflict(exc: VersionConflict) -> Status[Any]:
    return Status(
        409,
        StepConflictOut(
            detail=exc.message, current_version=exc.current_version, changed_fields=exc.fields
        ),
    )


def _block_out(view: service.BlockView) -> dict[str, Any]:
    block = view.block
    return {
        "id": block.pk,
        "key": block.key,
        "heading": block.heading,
        "text": block.text,
        "origin": block.origin,
        "position": block.position,
        "source_note": block.source_note,
        "newer_generated_text": view.newer_generated or None,
        "version": block.version,
        "updated_at": block.updated_at,
    }


def _document_out(document: StrategyDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "title": document.title,
        "status": document.status,
        "version": document.version,
        "blocks": [_block_out(v) for v in service.block_views(document)],
        "versions": document.versions.count(),
    }


def _version_out(version: DocumentVersion, *, blocks: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": version.number,
        "title": version.title,
        "note": version.note,
        "created_by": str(version.created_by) if version.created_by else None,
        "created_at": version.created_at,
    }
    if blocks:
        out["blocks"] = [
            {k: b.get(k, "") for k in ("key", "heading", "text", "origin")} for b in version.blocks
        ]
    return out


def _decision_out(decision: CouncilDecision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "body": decision.body,
        "date": decision.date,
        "agenda_item": decision.agenda_item,
        "outcome": decision.outcome,
        "document_version": decision.document_version.number if decision.document_version else None,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "abstentions": decision.abstentions,
        "note": decision.note,
        "version": decision.version,
    }


def _version_by_number(document: StrategyDocument, number: int | None) -> DocumentVersion | None:
    if number is None:
        return None
    version = DocumentVersion.objects.filter(document=document, number=number).first()
    if version is None:
        raise ValidationError({"document_version": f"Version {number} gibt es nicht."})
    return version


ERRORS_READ = {401: WorkspaceErrorOut, 404: WorkspaceErrorOut}
ERRORS_WRITE = {
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    404: WorkspaceErrorOut,
    409: StepConflictOut,
    422: WorkspaceValidationErrorOut,
}


# --------------------------------------------------------------------------- document


@router.get(
    "/workspaces/{workspace_id}/document",
    response={200: StrategyDocumentOut, **ERRORS_READ},
    auth=api_key_auth,
    summary="Strategiepapier mit Abschnitten",
)
def get_document(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """The paper with every section (``version`` per block for PATCH); 404 while none exists."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    return Status(200, _document_out(document))


@router.post(
    "/workspaces/{workspace_id}/document",
    response={201: StrategyDocumentOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Strategiepapier anlegen",
)
def create_document(
    request: HttpRequest, workspace_id: int, payload: StrategyDocumentIn
) -> Status[Any]:
    """Start the paper: one section per part of the guide's structure, filled from the
    workspace. Core team and contributors."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    try:
        document = service.create_document(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=found[0],
            title=payload.title,
        )
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(201, _document_out(document))


@router.post(
    "/workspaces/{workspace_id}/document/refresh",
    response={200: DocumentRefreshOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Strategiepapier neu aus dem Arbeitsraum übernehmen",
)
def refresh_document(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Generated sections get the workspace's current content; edited ones are kept (their
    ``newer_generated_text`` shows what changed)."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    try:
        result = service.refresh_document(actor=request.auth, document=document)  # type: ignore[attr-defined]
    except PermissionDenied:
        return _denied()
    except VersionConflict as exc:
        return _conflict(exc)
    return Status(200, {"updated": result.updated, "kept": result.kept, "added": result.added})


@router.patch(
    "/workspaces/{workspace_id}/document/blocks/{block_id}",
    response={200: DocumentBlockOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Abschnitt des Strategiepapiers ändern",
)
def patch_block(
    request: HttpRequest, workspace_id: int, block_id: int, payload: DocumentBlockPatchIn
) -> Status[Any]:
    """Change heading and/or text; 409 when the block moved on since ``version``."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    block = DocumentBlock.objects.filter(pk=block_id, workspace=workspace).first()
    if block is None:
        return Status(404, WorkspaceErrorOut(detail=f"Abschnitt {block_id} gibt es nicht."))
    if not Capabilities(member.role).edit_steps:
        return _denied()
    try:
        updated = service.update_block(
            actor=request.auth,  # type: ignore[attr-defined]
            block=block,
            version=payload.version,
            text=payload.text,
            heading=payload.heading,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    view = next(v for v in service.block_views(updated.document) if v.block.pk == updated.pk)
    return Status(200, _block_out(view))


@router.get(
    "/workspaces/{workspace_id}/document/versions",
    response={200: list[DocumentVersionOut], **ERRORS_READ},
    auth=api_key_auth,
    summary="Festgehaltene Versionen des Strategiepapiers",
)
def list_versions(request: HttpRequest, workspace_id: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    versions = document.versions.select_related("created_by").order_by("number")
    return Status(200, [_version_out(v) for v in versions])


@router.post(
    "/workspaces/{workspace_id}/document/versions",
    response={201: DocumentVersionDetailOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Version des Strategiepapiers festhalten",
)
def freeze_version(
    request: HttpRequest, workspace_id: int, payload: DocumentFreezeIn
) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    try:
        version = service.freeze_version(actor=request.auth, document=document, note=payload.note)  # type: ignore[attr-defined]
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(201, _version_out(version, blocks=True))


@router.get(
    "/workspaces/{workspace_id}/document/versions/{number}",
    response={200: DocumentVersionDetailOut, **ERRORS_READ},
    auth=api_key_auth,
    summary="Eine Version des Strategiepapiers",
)
def get_version(request: HttpRequest, workspace_id: int, number: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    version = (
        DocumentVersion.objects.filter(document=document, number=number).first()
        if document
        else None
    )
    if version is None:
        return Status(404, WorkspaceErrorOut(detail=f"Version {number} gibt es nicht."))
    return Status(200, _version_out(version, blocks=True))


@router.get(
    "/workspaces/{workspace_id}/document/decisions",
    response={200: list[CouncilDecisionOut], **ERRORS_READ},
    auth=api_key_auth,
    summary="Beschlüsse zum Strategiepapier",
)
def list_decisions(request: HttpRequest, workspace_id: int) -> Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    return Status(200, [_decision_out(d) for d in service.decisions(document)])


@router.post(
    "/workspaces/{workspace_id}/document/decisions",
    response={201: CouncilDecisionOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Beschluss zum Strategiepapier festhalten",
)
def create_decision(
    request: HttpRequest, workspace_id: int, payload: CouncilDecisionIn
) -> Status[Any]:
    """Record a decision; an adopting outcome marks the paper as adopted. Without
    ``document_version`` the current text is frozen as the version decided on."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    document = service.current_document(workspace)
    if document is None:
        return Status(404, NO_DOCUMENT)
    if not Capabilities(member.role).edit_steps:
        return _denied()
    values = payload.model_dump()
    try:
        values["document_version"] = _version_by_number(document, payload.document_version)
        decision = service.record_decision(actor=request.auth, document=document, values=values)  # type: ignore[attr-defined]
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(201, _decision_out(decision))


@router.patch(
    "/workspaces/{workspace_id}/document/decisions/{decision_id}",
    response={200: CouncilDecisionOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Beschluss zum Strategiepapier korrigieren",
)
def patch_decision(
    request: HttpRequest, workspace_id: int, decision_id: int, payload: CouncilDecisionPatchIn
) -> Status[Any]:
    """Only the fields sent change; 409 when the decision moved on since ``version``."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    decision = CouncilDecision.objects.filter(pk=decision_id, workspace=workspace).first()
    if decision is None:
        return Status(404, WorkspaceErrorOut(detail=f"Beschluss {decision_id} gibt es nicht."))
    if not Capabilities(member.role).edit_steps:
        return _denied()
    sent = payload.model_fields_set - {"version"}
    values = {name: getattr(payload, name) for name in sent}
    try:
        if "document_version" in values:
            values["document_version"] = _version_by_number(
                decision.document, values["document_version"]
            )
        updated = service.update_decision(
            actor=request.auth,  # type: ignore[attr-defined]
            decision=decision,
            version=payload.version,
            values=values,
        )
    except VersionConflict as exc:
        return _conflict(exc)
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(200, _decision_out(updated))


# --------------------------------------------------------------------------- downloads


def _download(
    request: HttpRequest, workspace_id: int, version: int | None, kind: str
) -> HttpResponse | Status[Any]:
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    document = service.current_document(found[0])
    if document is None:
        return Status(404, NO_DOCUMENT)
    frozen = None
    if version is not None:
        frozen = DocumentVersion.objects.filter(document=document, number=version).first()
        if frozen is None:
            return Status(404, WorkspaceErrorOut(detail=f"Version {version} gibt es nicht."))
    if kind == "pdf":
        content, mime = document_export.document_pdf(document, frozen), "application/pdf"
    else:
        content = document_export.document_docx(document, frozen)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=mime)
    name = document_export.export_filename(document, frozen, kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/workspaces/{workspace_id}/document.docx",
    response={200: None, **ERRORS_READ},
    auth=api_key_auth,
    summary="Strategiepapier als DOCX",
)
def download_docx(
    request: HttpRequest, workspace_id: int, version: int | None = None
) -> HttpResponse | Status[Any]:
    """The current text, or version ``version``, as a Word document."""
    return _download(request, workspace_id, version, "docx")


@router.get(
    "/workspaces/{workspace_id}/document.pdf",
    response={200: None, **ERRORS_READ},
    auth=api_key_auth,
    summary="Strategiepapier als PDF",
)
def download_pdf(
    request: HttpRequest, workspace_id: int, version: int | None = None
) -> HttpResponse | Status[Any]:
    """The current text, or version ``version``, as PDF (A4, PDF/UA-1)."""
    return _download(request, workspace_id, version, "pdf")


# --------------------------------------------------------------------------- transfer


@router.get(
    "/workspaces/{workspace_id}/export",
    response={200: None, 401: WorkspaceErrorOut, 403: WorkspaceErrorOut, 404: WorkspaceErrorOut},
    auth=api_key_auth,
    summary="Ganzen Arbeitsraum als JSON exportieren",
)
def export_workspace(request: HttpRequest, workspace_id: int) -> HttpResponse | Status[Any]:
    """Everything in the workspace as one JSON file (format in docs/strategy_document.md),
    soft-deleted items included. Core team only (the file holds e-mail addresses)."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    if not Capabilities(member.role).manage_members:
        return _denied()
    response = HttpResponse(
        transfer.export_json(workspace, actor=request.auth),  # type: ignore[attr-defined]
        content_type="application/json; charset=utf-8",
    )
    name = f"arbeitsraum-{workspace.municipality.slug}-{workspace.slug}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


#: Largest export file the import accepts (as the import page).
MAX_IMPORT_BYTES = 50 * 1024 * 1024

IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "Die Exportdatei (JSON) selbst"}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "municipality": {"type": "string"},
                    },
                }
            },
        },
    }
}


def _import_error(message: str, key: str = "file") -> Status[Any]:
    return Status(422, WorkspaceValidationErrorOut(detail=message, errors={key: [message]}))


def _import_municipality(key: str) -> Municipality | None:
    key = key.strip()
    return Municipality.objects.filter(slug=key.lower()).first() or (
        Municipality.objects.filter(ags=key).first()
    )


IMPORT_RESPONSES = {
    201: WorkspaceImportOut,
    401: WorkspaceErrorOut,
    403: WorkspaceErrorOut,
    422: WorkspaceValidationErrorOut,
}


@router.post(
    "/workspaces/import",
    response=IMPORT_RESPONSES,
    auth=api_key_auth,
    summary="Arbeitsraum aus einer Exportdatei anlegen",
    openapi_extra=IMPORT_BODY,
    operation_id="strategy_import_workspace",
)
def import_workspace(request: HttpRequest) -> Status[Any]:
    """Create a **new** workspace from an export file (all or nothing), either as the JSON body
    or as the form field ``file`` (multipart). ``municipality`` (slug or AGS; query parameter
    or form field) chooses the municipality; without it the file's municipality is used. The
    key's owner must be a member of that municipality (403 otherwise) and joins the core team.
    422 lists every problem found, each naming its place in the file
    (``items.projects[1].field_of_action: unbekannter Verweis (Nr. 17)``)."""
    user = request.auth  # type: ignore[attr-defined]
    multipart = (request.content_type or "").startswith("multipart/")
    key = (request.POST.get("municipality") if multipart else None) or request.GET.get(
        "municipality", ""
    )
    place = None
    if key.strip():
        place = _import_municipality(key)
        if place is None:
            return _import_error(f"Eine Kommune „{key.strip()}“ gibt es nicht.", "municipality")
        if not can_create_workspace(user, place):
            return Status(
                403,
                WorkspaceErrorOut(
                    detail=f"Nur Mitglieder von {place.name} können dort Arbeitsräume anlegen."
                ),
            )
    if multipart:
        upload = request.FILES.get("file")
        if upload is None:
            return _import_error("Bitte die Exportdatei im Feld „file“ senden.")
        if upload.size > MAX_IMPORT_BYTES:
            return _import_error("Die Datei ist größer als 50 MB.")
        raw = upload.read()
    else:
        if len(request.body) > MAX_IMPORT_BYTES:
            return _import_error("Die Datei ist größer als 50 MB.")
        raw = request.body
    if not raw.strip():
        return _import_error("Die Exportdatei fehlt.")
    try:
        result = transfer.import_workspace(transfer.load(raw), actor=user, municipality=place)
    except PermissionDenied as exc:
        return Status(403, WorkspaceErrorOut(detail=str(exc) or ROLE_DENIED))
    except transfer.TransferError as exc:
        count = len(exc.errors)
        detail = (
            exc.errors[0]
            if count == 1
            else f"Die Datei lässt sich nicht übernehmen ({count} Probleme): {exc.errors[0]} …"
        )
        return Status(422, WorkspaceValidationErrorOut(detail=detail, errors={"file": exc.errors}))
    workspace = result.workspace
    role = WorkspaceMember.objects.get(workspace=workspace, user=user).role
    return Status(
        201,
        {
            "workspace": _workspace_out(workspace, role),
            "counts": result.counts,
            "warnings": result.warnings,
        },
    )


# --------------------------------------------------------------------------- bin


@router.get(
    "/workspaces/{workspace_id}/bin",
    response={200: list[BinItemOut], **ERRORS_READ},
    auth=api_key_auth,
    summary="Papierkorb: gelöschte Einträge",
)
def list_bin(request: HttpRequest, workspace_id: int) -> Status[Any]:
    """Every deleted item of every kind, most recently deleted first."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    return Status(
        200,
        [
            {
                "model": e.model,
                "id": e.item.pk,
                "kind": e.kind,
                "description": e.description,
                "deleted_at": e.deleted_at,
                "deleted_by": str(e.deleted_by) if e.deleted_by else None,
                "restorable_until": e.restorable_until,
                "restorable": e.restorable,
            }
            for e in bin_service.deleted_items(found[0])
        ],
    )


@router.post(
    "/workspaces/{workspace_id}/bin/restore",
    response={200: BinRestoreOut, **ERRORS_WRITE},
    auth=api_key_auth,
    summary="Gelöschten Eintrag wiederherstellen",
)
def restore_from_bin(request: HttpRequest, workspace_id: int, payload: BinRestoreIn) -> Status[Any]:
    """Restore within 30 days (core team and contributors); 422 after that."""
    found = _found(request, workspace_id)
    if found is None:
        return Status(404, NOT_FOUND)
    workspace, member = found
    try:
        bin_service.find_deleted(workspace, payload.model, payload.id)
    except Http404:
        return Status(404, WorkspaceErrorOut(detail="Diesen gelöschten Eintrag gibt es nicht."))
    if not Capabilities(member.role).edit_steps:
        return _denied()
    try:
        item = bin_service.restore(
            actor=request.auth,  # type: ignore[attr-defined]
            workspace=workspace,
            model=payload.model,
            pk=payload.id,
        )
    except PermissionDenied:
        return _denied()
    except ValidationError as exc:
        return Status(422, validation_error(exc))
    return Status(
        200,
        {
            "model": item._meta.label_lower,
            "id": item.pk,
            "version": item.version,
            "description": item.describe(),
        },
    )
