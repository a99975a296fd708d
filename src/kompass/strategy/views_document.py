"""Pages of the strategy document, the JSON transfer and the bin, under
/strategie/<kommune>/<arbeitsraum>/ (docs/strategy_document.md).

As every workspace page: 404 for non-members, 403 for roles without the right, login for
anonymous visitors; views parse, call a service and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from kompass.core.models import Municipality
from kompass.strategy import bin as bin_service
from kompass.strategy import document as service
from kompass.strategy import document_export, transfer
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    CouncilDecision,
    DocumentBlock,
    DocumentVersion,
    StrategyDocument,
)
from kompass.strategy.permissions import can_create_workspace
from kompass.strategy.views import Context, _base, _context, _user

#: Largest JSON file accepted by the import page.
MAX_IMPORT_BYTES = 50 * 1024 * 1024

# --------------------------------------------------------------------------- forms


class BlockForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    heading = forms.CharField(label=_lazy("Überschrift"), max_length=200)
    text = forms.CharField(
        label=_lazy("Text"),
        required=False,
        max_length=service.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_lazy(
            "Reiner Text. Eine Leerzeile trennt Absätze. Sobald Sie den Text ändern, gilt der "
            "Abschnitt als bearbeitet und wird beim Übernehmen aus dem Arbeitsraum nicht mehr "
            "überschrieben."
        ),
        strip=False,
    )


class FreezeForm(forms.Form):
    note = forms.CharField(
        label=_lazy("Anmerkung zur Version (optional)"),
        max_length=300,
        required=False,
        help_text=_lazy("z. B. „Entwurf für die Bürgerbeteiligung“"),
    )


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(
        label=_lazy("Gremium"), max_length=200, help_text=_lazy("z. B. Stadtrat oder Kreistag")
    )
    date = forms.DateField(
        label=_lazy("Sitzung am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agenda_item = forms.CharField(
        label=_lazy("Tagesordnungspunkt oder Drucksache"), max_length=100, required=False
    )
    outcome = forms.ChoiceField(
        label=_lazy("Ergebnis"), choices=CouncilDecision.Outcome.choices, widget=forms.RadioSelect
    )
    document_version = forms.ModelChoiceField(
        label=_lazy("Beschlossene Fassung"),
        queryset=DocumentVersion.objects.none(),
        required=False,
        empty_label=_lazy("den aktuellen Text jetzt als neue Version festhalten"),
    )
    votes_for = forms.IntegerField(label=_lazy("Ja-Stimmen"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_lazy("Nein-Stimmen"), min_value=0, required=False)
    abstentions = forms.IntegerField(label=_lazy("Enthaltungen"), min_value=0, required=False)
    note = forms.CharField(
        label=_lazy("Anmerkung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, document: StrategyDocument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document_version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = DocumentVersion.objects.filter(document=document).order_by("-number")
        field.label_from_instance = lambda v: (
            _("Version %(n)s vom %(d)s%(note)s")
            % {
                "n": v.number,
                "d": timezone.localtime(v.created_at).strftime("%d.%m.%Y"),
                "note": f" ({v.note})" if v.note else "",
            }
        )

    @staticmethod
    def initial_for(decision: CouncilDecision) -> dict[str, Any]:
        return {
            "version": decision.version,
            **{name: getattr(decision, name) for name in service.DECISION_FIELDS},
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Exportdatei (JSON)"),
        help_text=_lazy(
            "Eine mit „Arbeitsraum exportieren“ erzeugte Datei. Daraus entsteht ein neuer "
            "Arbeitsraum in dieser Kommune; dieser Arbeitsraum bleibt unverändert."
        ),
    )


class GlobalImportForm(forms.Form):
    """The import page without a workspace: one of the user's municipalities and the file."""

    municipality = forms.ModelChoiceField(
        label=_lazy("Kommune des neuen Arbeitsraums"),
        queryset=Municipality.objects.none(),
        empty_label=None,
        help_text=_lazy("Nur Kommunen, denen Sie angehören."),
    )
    file = forms.FileField(
        label=_lazy("Exportdatei (JSON)"),
        help_text=_lazy(
            "Eine mit „Arbeitsraum exportieren“ erzeugte Datei. Daraus entsteht ein neuer "
            "Arbeitsraum; Sie gehören danach zu seinem Kernteam."
        ),
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        field.queryset = municipalities  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- helpers


def _document_or_404(ctx: Context) -> StrategyDocument:
    document = service.current_document(ctx.workspace)
    if document is None:
        raise Http404
    return document


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _apply_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _require_edit(ctx: Context) -> None:
    if not ctx.can.edit_steps:
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))


# --------------------------------------------------------------------------- document


@login_required
@require_GET
def document_detail(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The paper: its sections (with the newer generated text beside edited ones), the
    versions, the decisions and the downloads; or the button to start it."""
    ctx = _context(request, municipality, workspace)
    document = service.current_document(ctx.workspace)
    if document is None:
        return render(
            request,
            "strategy/document/detail.html",
            _base(ctx, document=None, sections=service.sections()),
        )
    return render(
        request,
        "strategy/document/detail.html",
        _base(
            ctx,
            document=document,
            blocks=service.block_views(document),
            versions=list(document.versions.order_by("-number")[:5]),
            decisions=service.decisions(document),
            freeze_form=FreezeForm(),
        ),
    )


@login_required
@require_POST
def document_create(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    _require_edit(ctx)
    try:
        service.create_document(
            actor=_user(request), workspace=ctx.workspace, title=request.POST.get("title", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Das Strategiepapier ist angelegt und aus dem Arbeitsraum vorausgefüllt."),
        )
    return redirect(_url(ctx, "document"))


@login_required
@require_POST
def document_refresh(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """ "Neu aus dem Arbeitsraum übernehmen"."""
    ctx = _context(request, municipality, workspace)
    _require_edit(ctx)
    document = _document_or_404(ctx)
    try:
        result = service.refresh_document(actor=_user(request), document=document)
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "document"))
    parts = [
        _("%(n)s Abschnitte aktualisiert") % {"n": len(result.updated)},
    ]
    if result.added:
        parts.append(_("%(n)s ergänzt") % {"n": len(result.added)})
    text = ", ".join(parts) + "."
    if result.kept:
        text += " " + _(
            "Bearbeitete Abschnitte bleiben unverändert; der neue Text aus dem Arbeitsraum "
            "steht zum Vergleich daneben: %(names)s."
        ) % {"names": ", ".join(result.kept)}
    messages.success(request, text)
    return redirect(_url(ctx, "document"))


def _block_or_404(ctx: Context, pk: int) -> DocumentBlock:
    return get_object_or_404(DocumentBlock, pk=pk, workspace=ctx.workspace)


@login_required
def block_edit(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Edit one section; a stale form is refused (409) and shown again on the current version."""
    ctx = _context(request, municipality, workspace)
    block = _block_or_404(ctx, pk)
    _require_edit(ctx)
    status = 200
    if request.method == "POST":
        form = BlockForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.update_block(
                    actor=_user(request),
                    block=block,
                    version=data["version"],
                    text=data["text"],
                    heading=data["heading"],
                )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, DocumentBlock)
                again = request.POST.copy()
                again["version"] = str(current.version)
                form = BlockForm(again)
                form.is_valid()
                form.add_error(None, exc.message)
                block = current
                status = 409
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("%(b)s ist gespeichert.") % {"b": block.describe()})
                return redirect(_url(ctx, "document") + f"#abschnitt-{block.key}")
        else:
            status = 400
    else:
        form = BlockForm(
            initial={"version": block.version, "heading": block.heading, "text": block.text}
        )
    return render(
        request,
        "strategy/document/block_form.html",
        _base(
            ctx,
            # Not "block": inside {% block %} tags that name is Django's BlockContext.
            paper_block=block,
            form=form,
            generated=service.generated_text(ctx.workspace, block.key),
            section=service.section(block.key) if block.key in _keys() else None,
        ),
        status=status,
    )


def _keys() -> set[str]:
    return {s.key for s in service.sections()}


@login_required
@require_POST
def block_reset(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Take the generated text for an edited section (the edit is replaced, logged)."""
    ctx = _context(request, municipality, workspace)
    block = _block_or_404(ctx, pk)
    _require_edit(ctx)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        service.reset_block(actor=_user(request), block=block, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(b)s zeigt wieder den Text aus dem Arbeitsraum.") % {"b": block.describe()},
        )
    return redirect(_url(ctx, "document") + f"#abschnitt-{block.key}")


# --------------------------------------------------------------------------- versions


@login_required
def document_versions(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The frozen versions; POST freezes the current text as a new one."""
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    form = FreezeForm()
    if request.method == "POST":
        _require_edit(ctx)
        form = FreezeForm(request.POST)
        if form.is_valid():
            try:
                version = service.freeze_version(
                    actor=_user(request), document=document, note=form.cleaned_data["note"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Version %(n)s ist festgehalten.") % {"n": version.number}
                )
                return redirect(_url(ctx, "document_versions"))
    versions = list(document.versions.select_related("created_by").order_by("-number"))
    return render(
        request,
        "strategy/document/versions.html",
        _base(ctx, document=document, versions=versions, freeze_form=form),
        status=400 if form.errors else 200,
    )


def _version_or_404(document: StrategyDocument, number: int) -> DocumentVersion:
    return get_object_or_404(DocumentVersion, document=document, number=number)


@login_required
@require_GET
def version_detail(
    request: HttpRequest, municipality: str, workspace: str, number: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    version = _version_or_404(document, number)
    from kompass.strategy.models_document import split_paragraphs

    blocks = [{**b, "paragraphs": split_paragraphs(b.get("text", ""))} for b in version.blocks]
    return render(
        request,
        "strategy/document/version_detail.html",
        _base(ctx, document=document, version=version, blocks=blocks),
    )


@login_required
@require_GET
def version_compare(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Compare two versions (``?von=1&bis=2``; ``bis=aktuell`` is the current text)."""
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    versions = list(document.versions.order_by("-number"))
    numbers = [v.number for v in versions]
    raw_from, raw_to = request.GET.get("von", ""), request.GET.get("bis", "aktuell")
    error = ""
    diff = None
    old_label = new_label = ""
    if raw_from:
        try:
            old = _version_or_404(document, int(raw_from))
            if raw_to == "aktuell":
                new_blocks, new_label = service.snapshot(document), _("aktueller Text")
            else:
                new = _version_or_404(document, int(raw_to))
                new_blocks, new_label = new.blocks, _("Version %s") % new.number
        except ValueError:
            error = _("Bitte zwei Versionen auswählen.")
        else:
            old_label = _("Version %s") % old.number
            diff = service.compare(old.blocks, new_blocks)
    return render(
        request,
        "strategy/document/compare.html",
        _base(
            ctx,
            document=document,
            numbers=numbers,
            selected_from=raw_from,
            selected_to=raw_to,
            diff=diff,
            old_label=old_label,
            new_label=new_label,
            error=error,
        ),
        status=400 if error else 200,
    )


# --------------------------------------------------------------------------- decisions


@login_required
def decision_edit(
    request: HttpRequest, municipality: str, workspace: str, pk: int | None = None
) -> HttpResponse:
    """Record a council decision (``pk`` None) or correct one."""
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    decision = (
        get_object_or_404(CouncilDecision, pk=pk, document=document) if pk is not None else None
    )
    _require_edit(ctx)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST, document=document)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                if decision is None:
                    service.record_decision(actor=_user(request), document=document, values=data)
                else:
                    service.update_decision(
                        actor=_user(request),
                        decision=decision,
                        version=version if version is not None else -1,
                        values=data,
                    )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, CouncilDecision)
                again = request.POST.copy()
                again["version"] = str(current.version)
                form = DecisionForm(again, document=document)
                form.is_valid()
                form.add_error(None, exc.message)
                decision = current
                status = 409
            except ValidationError as exc:
                _apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Der Beschluss ist festgehalten."))
                return redirect(_url(ctx, "document") + "#beschluss")
        else:
            status = 400
    else:
        form = DecisionForm(
            initial=DecisionForm.initial_for(decision) if decision else {}, document=document
        )
    return render(
        request,
        "strategy/document/decision_form.html",
        _base(ctx, document=document, decision=decision, form=form),
        status=status,
    )


# --------------------------------------------------------------------------- downloads


def _download_version(request: HttpRequest, document: StrategyDocument) -> DocumentVersion | None:
    raw = request.GET.get("version", "")
    if not raw:
        return None
    try:
        return _version_or_404(document, int(raw))
    except ValueError:
        raise Http404 from None


@login_required
@require_GET
def document_docx(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The current text (or ``?version=N``) as DOCX."""
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    version = _download_version(request, document)
    response = HttpResponse(
        document_export.document_docx(document, version),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = document_export.export_filename(document, version, "docx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def document_pdf(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The current text (or ``?version=N``) as PDF."""
    ctx = _context(request, municipality, workspace)
    document = _document_or_404(ctx)
    version = _download_version(request, document)
    response = HttpResponse(
        document_export.document_pdf(document, version), content_type="application/pdf"
    )
    name = document_export.export_filename(document, version, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- transfer


def _require_core(ctx: Context) -> None:
    if not ctx.can.manage_members:
        raise PermissionDenied(_("Nur das Kernteam kann den Arbeitsraum exportieren."))


@login_required
@require_GET
def transfer_page(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Export the workspace as one JSON file, or import such a file as a new workspace."""
    ctx = _context(request, municipality, workspace)
    _require_core(ctx)
    return render(
        request,
        "strategy/document/transfer.html",
        _base(
            ctx,
            form=ImportForm(),
            can_import=can_create_workspace(request.user, ctx.workspace.municipality),
        ),
    )


@login_required
@require_GET
def transfer_export(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    _require_core(ctx)
    response = HttpResponse(
        transfer.export_json(ctx.workspace, actor=_user(request)),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    name = f"arbeitsraum-{ctx.workspace.municipality.slug}-{ctx.workspace.slug}-{stamp}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def transfer_import(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Create a new workspace of this municipality from an uploaded export (all or nothing)."""
    ctx = _context(request, municipality, workspace)
    _require_core(ctx)
    place = ctx.workspace.municipality
    if not can_create_workspace(request.user, place):
        raise PermissionDenied(
            _("Nur Mitglieder von %(place)s können dort Arbeitsräume anlegen.")
            % {"place": place.name}
        )
    form = ImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            problems = [_("Die Datei ist größer als 50 MB.")]
        else:
            try:
                result = transfer.import_workspace(
                    transfer.load(upload.read()), actor=_user(request), municipality=place
                )
            except transfer.TransferError as exc:
                problems = exc.errors
            else:
                new = result.workspace
                text = _("Der Arbeitsraum „%(title)s“ ist aus der Datei angelegt.") % {
                    "title": new.title
                }
                messages.success(request, " ".join([text, *result.warnings]))
                return redirect("strategy:workspace_detail", new.municipality.slug, new.slug)
    for problem in problems:
        form.add_error(None, problem)
    return render(
        request,
        "strategy/document/transfer.html",
        _base(ctx, form=form, can_import=True),
        status=400,
    )


@login_required
def transfer_import_global(request: HttpRequest) -> HttpResponse:
    """/strategie/importieren/: create a new workspace from an export file for one of the
    user's municipalities (all or nothing; the same rules as the workspace's import)."""
    user = _user(request)
    municipalities = Municipality.objects.filter(memberships__user=user).order_by("name")
    if not municipalities.exists():
        raise PermissionDenied(
            _("Arbeitsräume legen Mitglieder einer Kommune an; Sie gehören keiner Kommune an.")
        )
    form = GlobalImportForm(
        request.POST or None, request.FILES or None, municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        place = form.cleaned_data["municipality"]
        problems: list[str] = []
        if upload.size > MAX_IMPORT_BYTES:
            problems = [_("Die Datei ist größer als 50 MB.")]
        else:
            try:
                result = transfer.import_workspace(
                    transfer.load(upload.read()), actor=user, municipality=place
                )
            except transfer.TransferError as exc:
                problems = exc.errors
            else:
                new = result.workspace
                text = _("Der Arbeitsraum „%(title)s“ ist aus der Datei angelegt.") % {
                    "title": new.title
                }
                messages.success(request, " ".join([text, *result.warnings]))
                return redirect("strategy:workspace_detail", new.municipality.slug, new.slug)
        for problem in problems:
            form.add_error(None, problem)
    return render(
        request,
        "strategy/document/import.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- bin


@login_required
@require_GET
def bin_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Every deleted item of the workspace, newest deletion first."""
    ctx = _context(request, municipality, workspace)
    return render(
        request,
        "strategy/bin.html",
        _base(ctx, entries=bin_service.deleted_items(ctx.workspace)),
    )


@login_required
@require_POST
def bin_restore(
    request: HttpRequest, municipality: str, workspace: str, model: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    item = bin_service.find_deleted(ctx.workspace, model, pk)
    _require_edit(ctx)
    try:
        bin_service.restore(actor=_user(request), workspace=ctx.workspace, model=model, pk=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(item)s ist wiederhergestellt.") % {"item": item.describe()})
    return redirect(_url(ctx, "bin"))
