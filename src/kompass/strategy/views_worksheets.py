"""Pages of the worksheets (Arbeitshilfen) under /strategie/<kommune>/<arbeitsraum>/arbeitshilfen/.

Members see every page (outsiders 404); core team and contributors write, external partners
write entries of the actor mapping and the idea cards (:mod:`kompass.strategy.worksheets`).
The personal answer page of the online questionnaire needs no account: its token is the
permission.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompass.strategy import worksheets as services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import SurveyRecipient, WorksheetEntry, WorksheetSurvey
from kompass.strategy.process import Worksheet
from kompass.strategy.steps import STEP_CODES, step_info
from kompass.strategy.views import Context, _base, _context, _user
from kompass.strategy.worksheet_forms import WorksheetForm, empty_answers

PRESENTATION = "praesentation"
BLANK_ROWS = 8


# --------------------------------------------------------------------------- forms


class EntryMetaForm(forms.Form):
    """Title, step and round of an entry, and the version read (prefix ``eintrag``)."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    step_code = forms.ChoiceField(
        label=_("Arbeitsschritt"),
        required=False,
        choices=[("", _("– keiner –"))] + [(c, step_info(c).full_label) for c in STEP_CODES],
    )
    round = forms.IntegerField(
        label=_("Runde"),
        required=False,
        min_value=1,
        help_text=_("Nur bei Arbeitsschritten mit mehreren Runden (Schritt 5)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Titel der Befragung"), max_length=200)
    intro = forms.CharField(
        label=_("Einleitung für die Befragten"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    questions = forms.MultipleChoiceField(
        label=_("Fragen"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Wählen Sie die Fragen, die zu Ihrer Kommune passen."),
    )
    closes_on = forms.DateField(
        label=_("Antworten möglich bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["questions"].choices = [
            (f.id, f.label) for f in services.questionnaire().fields
        ]


class RecipientsForm(forms.Form):
    people = forms.CharField(
        label=_("Befragte"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Eine Person je Zeile: Name; Akteursgruppe; E-Mail-Adresse (Gruppe und Adresse "
            "sind freiwillig). Mit Adresse wird der persönliche Link per E-Mail verschickt."
        ),
    )


# --------------------------------------------------------------------------- helpers


def _worksheet_or_404(slug: str) -> Worksheet:
    sheet = services.get_worksheet(slug)
    if sheet is None:
        raise Http404
    return sheet


def _entry_or_404(ctx: Context, slug: str, pk: int) -> WorksheetEntry:
    return get_object_or_404(
        WorksheetEntry.objects.select_related("updated_by", "created_by"),
        pk=pk,
        workspace=ctx.workspace,
        worksheet=slug,
    )


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _dedicated_url(ctx: Context, slug: str) -> str | None:
    name = services.DEDICATED_PAGES.get(slug)
    if not name:
        return None
    try:
        return reverse(name, args=[ctx.workspace.municipality.slug, ctx.workspace.slug])
    except NoReverseMatch:
        return None


def _steps(sheet: Worksheet) -> list[Any]:
    return [step_info(str(n)) for n in sheet.steps]


def _can_edit(ctx: Context, slug: str) -> bool:
    return services.can_edit(ctx.can, slug)


def _form_errors(form: forms.Form, exc: ValidationError, answers_form: WorksheetForm) -> None:
    """Service errors onto the forms: meta fields on the meta form, answers on the answers."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        if key.startswith("answers"):
            for message in errors:
                answers_form.add_error(None, message)
        elif key in form.fields:
            for message in errors:
                form.add_error(key, message)
        else:
            for message in errors:
                form.add_error(None, message)


def _conflicted(form: forms.Form) -> bool:
    return any("inzwischen geändert" in str(e) for e in form.non_field_errors())


# --------------------------------------------------------------------------- list, detail


@login_required
def worksheet_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The ten worksheets with the steps they support, their purpose, this workspace's
    entries and, where a part of the workspace specialises in one, a link there."""
    ctx = _context(request, municipality, workspace)
    by_sheet: dict[str, list[WorksheetEntry]] = {}
    for entry in services.entries(ctx.workspace):
        by_sheet.setdefault(entry.worksheet, []).append(entry)
    sheets = [
        {
            "sheet": sheet,
            "steps": _steps(sheet),
            "entries": by_sheet.get(sheet.slug, []),
            "dedicated_url": _dedicated_url(ctx, sheet.slug),
            "can_edit": _can_edit(ctx, sheet.slug),
        }
        for sheet in services.worksheets()
    ]
    return render(
        request,
        "strategy/worksheets/worksheet_list.html",
        _base(
            ctx,
            sheets=sheets,
            deleted=services.deleted_entries(ctx.workspace) if ctx.can.edit_steps else [],
        ),
    )


@login_required
def worksheet_detail(
    request: HttpRequest, municipality: str, workspace: str, slug: str
) -> HttpResponse:
    """One worksheet: what it is for, its fields, the entries, print and new entry."""
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    return render(
        request,
        "strategy/worksheets/worksheet_detail.html",
        _base(
            ctx,
            sheet=sheet,
            steps=_steps(sheet),
            entries=list(services.entries(ctx.workspace, slug)),
            dedicated_url=_dedicated_url(ctx, slug),
            can_edit=_can_edit(ctx, slug),
            is_questionnaire=slug == services.QUESTIONNAIRE,
        ),
    )


@login_required
def entry_detail(
    request: HttpRequest, municipality: str, workspace: str, slug: str, pk: int
) -> HttpResponse:
    """An entry read-only with its history; ``?ansicht=praesentation`` in large type for a
    projector in a workshop."""
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    entry = _entry_or_404(ctx, slug, pk)
    presentation = request.GET.get("ansicht") == PRESENTATION
    surveys = (
        list(entry.surveys.filter(deleted_at__isnull=True))
        if slug == services.QUESTIONNAIRE
        else []
    )
    return render(
        request,
        "strategy/worksheets/entry_detail.html",
        _base(
            ctx,
            sheet=sheet,
            entry=entry,
            answers=entry.answers,
            presentation=presentation,
            history=services.history(entry) if not presentation else [],
            can_edit=_can_edit(ctx, slug),
            surveys=surveys,
            is_questionnaire=slug == services.QUESTIONNAIRE,
            dedicated_url=_dedicated_url(ctx, slug),
        ),
    )


# --------------------------------------------------------------------------- create, edit


def _render_form(
    request: HttpRequest,
    ctx: Context,
    sheet: Worksheet,
    meta: EntryMetaForm,
    form: WorksheetForm,
    *,
    entry: WorksheetEntry | None = None,
    status: int = 200,
    prefill_from: Any = None,
) -> HttpResponse:
    return render(
        request,
        "strategy/worksheets/entry_form.html",
        _base(
            ctx,
            sheet=sheet,
            entry=entry,
            meta=meta,
            form=form,
            prefill_from=prefill_from,
            prefill_date=services.digitalcheck_date(prefill_from) if prefill_from else "",
            offer_prefill=(
                entry is None
                and sheet.slug == services.QUESTIONNAIRE
                and ctx.workspace.digitalcheck is not None
                and ctx.workspace.digitalcheck.result is not None
                and prefill_from is None
            ),
        ),
        status=status,
    )


@login_required
def entry_create(
    request: HttpRequest, municipality: str, workspace: str, slug: str
) -> HttpResponse:
    """A new entry. For the questionnaire, ``?digitalcheck=1`` pre-fills the answers from the
    workspace's Digitalcheck."""
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    if not _can_edit(ctx, slug):
        raise PermissionDenied
    check = ctx.workspace.digitalcheck
    use_check = (
        slug == services.QUESTIONNAIRE
        and check is not None
        and check.result is not None
        and (request.GET.get("digitalcheck") == "1" or request.POST.get("digitalcheck") == "1")
    )
    if request.method != "POST":
        initial = empty_answers(sheet)
        title = sheet.title
        if use_check:
            assert check is not None
            initial.update(services.digitalcheck_prefill(check))
            title = _("%(title)s (aus dem Digitalcheck vom %(date)s)") % {
                "title": sheet.title,
                "date": services.digitalcheck_date(check),
            }
        meta = EntryMetaForm(prefix="eintrag", initial={"title": title})
        form = WorksheetForm(sheet, initial=initial, prefix="ah")
        return _render_form(
            request, ctx, sheet, meta, form, prefill_from=check if use_check else None
        )
    meta = EntryMetaForm(request.POST, prefix="eintrag")
    form = WorksheetForm(sheet, data=request.POST, prefix="ah")
    meta_ok, form_ok = meta.is_valid(), form.is_valid()
    if form.add_rows_requested or not (meta_ok and form_ok):
        status = 200 if form.add_rows_requested else 400
        return _render_form(
            request,
            ctx,
            sheet,
            meta,
            form,
            status=status,
            prefill_from=check if use_check else None,
        )
    try:
        entry = services.create_entry(
            actor=_user(request),
            workspace=ctx.workspace,
            worksheet=slug,
            title=meta.cleaned_data["title"],
            step_code=meta.cleaned_data["step_code"],
            round_number=meta.cleaned_data["round"],
            answers=form.cleaned_answers,
            details=(
                _("Vorausgefüllt aus dem Digitalcheck vom %(date)s")
                % {"date": services.digitalcheck_date(check)}
                if use_check and check is not None
                else ""
            ),
        )
    except ValidationError as exc:
        _form_errors(meta, exc, form)
        return _render_form(request, ctx, sheet, meta, form, status=400)
    messages.success(request, _("%(entry)s ist angelegt.") % {"entry": entry.describe()})
    return redirect(_url(ctx, "worksheet_entry", slug, entry.pk))


@login_required
def entry_edit(
    request: HttpRequest, municipality: str, workspace: str, slug: str, pk: int
) -> HttpResponse:
    """Change an entry. A form based on an older version is refused (409) and shown again
    with the user's input, now based on the current version."""
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    entry = _entry_or_404(ctx, slug, pk)
    if not _can_edit(ctx, slug):
        raise PermissionDenied
    if request.method != "POST":
        meta = EntryMetaForm(
            prefix="eintrag",
            initial={
                "title": entry.title,
                "step_code": entry.step_code,
                "round": entry.round,
                "version": entry.version,
            },
        )
        form = WorksheetForm(sheet, initial=entry.answers, prefix="ah")
        return _render_form(request, ctx, sheet, meta, form, entry=entry)
    meta = EntryMetaForm(request.POST, prefix="eintrag")
    form = WorksheetForm(sheet, data=request.POST, prefix="ah")
    meta_ok, form_ok = meta.is_valid(), form.is_valid()
    if form.add_rows_requested or not (meta_ok and form_ok):
        status = 200 if form.add_rows_requested else 400
        return _render_form(request, ctx, sheet, meta, form, entry=entry, status=status)
    data = meta.cleaned_data
    try:
        entry = services.update_entry(
            actor=_user(request),
            entry=entry,
            version=data["version"] or entry.version,
            title=data["title"],
            step_code=data["step_code"],
            round_number=data["round"],
            answers=form.cleaned_answers,
        )
    except VersionConflict as exc:
        current = exc.item
        assert isinstance(current, WorksheetEntry)
        again = request.POST.copy()
        again["eintrag-version"] = str(current.version)
        meta = EntryMetaForm(again, prefix="eintrag")
        meta.is_valid()
        meta.add_error(None, exc.message)
        return _render_form(request, ctx, sheet, meta, form, entry=current, status=409)
    except ValidationError as exc:
        _form_errors(meta, exc, form)
        return _render_form(request, ctx, sheet, meta, form, entry=entry, status=400)
    messages.success(request, _("%(entry)s ist gespeichert.") % {"entry": entry.describe()})
    return redirect(_url(ctx, "worksheet_entry", slug, entry.pk))


@login_required
@require_POST
def entry_delete(
    request: HttpRequest, municipality: str, workspace: str, slug: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    entry = _entry_or_404(ctx, slug, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        version = int(request.POST.get("version") or entry.version)
    except ValueError:
        version = entry.version
    try:
        services.delete_entry(actor=_user(request), entry=entry, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "worksheet_entry", slug, entry.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "worksheet_entry", slug, entry.pk))
    messages.success(
        request,
        _("%(entry)s ist gelöscht; Sie können den Eintrag 30 Tage lang wiederherstellen.")
        % {"entry": entry.describe()},
    )
    return redirect(_url(ctx, "worksheet_list"))


@login_required
@require_POST
def entry_restore(
    request: HttpRequest, municipality: str, workspace: str, slug: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    entry = get_object_or_404(
        WorksheetEntry.all_objects,
        pk=pk,
        workspace=ctx.workspace,
        worksheet=slug,
        deleted_at__isnull=False,
    )
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        services.restore_entry(actor=_user(request), entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "worksheet_list"))
    messages.success(request, _("%(entry)s ist wiederhergestellt.") % {"entry": entry.describe()})
    return redirect(_url(ctx, "worksheet_entry", slug, entry.pk))


# --------------------------------------------------------------------------- blank print


def _blank_context(ctx: Context, sheet: Worksheet) -> dict[str, Any]:
    columns_rows = range(1, BLANK_ROWS + 1)
    return _base(
        ctx,
        sheet=sheet,
        steps=_steps(sheet),
        blank_rows=columns_rows,
        printed_at=timezone.localdate(),
    )


@login_required
def worksheet_blank(
    request: HttpRequest, municipality: str, workspace: str, slug: str
) -> HttpResponse:
    """The worksheet as an empty form to print: every field and every table column with lines
    and empty rows to write on."""
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    return render(request, "strategy/worksheets/blank.html", _blank_context(ctx, sheet))


@cache
def _print_css() -> str:
    path = finders.find("strategy/worksheets.css")
    assert path, "strategy/worksheets.css is missing"
    with open(str(path), encoding="utf-8") as handle:
        return handle.read()


def blank_pdf(sheet: Worksheet, context: dict[str, Any]) -> bytes:
    """The blank worksheet as an A4 PDF (WeasyPrint, no external resources)."""
    from weasyprint import CSS, HTML

    from kompass.digitalcheck.reports import _NoFetching

    html = render_to_string("strategy/worksheets/blank_document.html", context)
    document = HTML(string=html, url_fetcher=_NoFetching(), base_url="about:blank")
    pdf = document.write_pdf(stylesheets=[CSS(string=_print_css())])
    assert isinstance(pdf, bytes)
    return pdf


@login_required
def worksheet_blank_pdf(
    request: HttpRequest, municipality: str, workspace: str, slug: str
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    sheet = _worksheet_or_404(slug)
    body = blank_pdf(sheet, _blank_context(ctx, sheet))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="arbeitshilfe-{sheet.number:02d}-{sheet.slug}.pdf"'
    )
    return response


# --------------------------------------------------------------------------- surveys


def _survey_or_404(ctx: Context, pk: int) -> WorksheetSurvey:
    return get_object_or_404(
        WorksheetSurvey.objects.select_related("entry"), pk=pk, workspace=ctx.workspace
    )


def _answer_url_template(request: HttpRequest, ctx: Context) -> str:
    return request.build_absolute_uri(_url(ctx, "survey_answer", "TOKEN")).replace(
        "TOKEN", "{token}"
    )


def _render_survey(
    request: HttpRequest,
    ctx: Context,
    survey: WorksheetSurvey,
    *,
    recipients_form: RecipientsForm | None = None,
    new_links: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "strategy/worksheets/survey_detail.html",
        _base(
            ctx,
            survey=survey,
            sheet=services.questionnaire(),
            results=services.survey_results(survey),
            recipients=list(survey.recipients.select_related("response").order_by("name", "id")),
            recipients_form=recipients_form or RecipientsForm(),
            new_links=new_links or [],
            fields=services.survey_fields(survey),
        ),
        status=status,
    )


@login_required
def survey_create(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Start an online survey from the team's questionnaire entry ``pk``."""
    ctx = _context(request, municipality, workspace)
    entry = _entry_or_404(ctx, services.QUESTIONNAIRE, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    all_ids = [f.id for f in services.questionnaire().fields]
    if request.method != "POST":
        form = SurveyForm(initial={"title": entry.title, "questions": all_ids})
    else:
        form = SurveyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.create_survey(
                    actor=_user(request),
                    entry=entry,
                    title=data["title"],
                    intro=data["intro"],
                    questions=data["questions"],
                    closes_on=data["closes_on"],
                )
            except ValidationError as exc:
                for key, errors in exc.message_dict.items():
                    for message in errors:
                        form.add_error(key if key in form.fields else None, message)
            else:
                messages.success(
                    request, _("Die Befragung ist angelegt. Fügen Sie nun Befragte hinzu.")
                )
                return redirect(_url(ctx, "survey_detail", survey.pk))
    return render(
        request,
        "strategy/worksheets/survey_form.html",
        _base(ctx, entry=entry, form=form),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def survey_detail(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Recipients with their state, the answers aggregated per question; the team adds
    recipients, ends the survey and copies the summary into its entry."""
    ctx = _context(request, municipality, workspace)
    survey = _survey_or_404(ctx, pk)
    if request.method != "POST":
        return _render_survey(request, ctx, survey)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = RecipientsForm(request.POST)
    if not form.is_valid():
        return _render_survey(request, ctx, survey, recipients_form=form, status=400)
    people = []
    for line in form.cleaned_data["people"].splitlines():
        parts = [p.strip() for p in line.replace("\t", ";").split(";")]
        if not any(parts):
            continue
        parts += ["", "", ""]
        people.append({"name": parts[0], "actor_group": parts[1], "email": parts[2]})
    try:
        created = services.add_recipients(
            actor=_user(request),
            survey=survey,
            people=people,
            answer_url_template=_answer_url_template(request, ctx),
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("people", message)
        return _render_survey(request, ctx, survey, recipients_form=form, status=400)
    template = _answer_url_template(request, ctx)
    links = [(new.recipient, template.format(token=new.token), new.mailed) for new in created]
    return _render_survey(request, ctx, survey, new_links=links)


@login_required
@require_POST
def survey_action(
    request: HttpRequest, municipality: str, workspace: str, pk: int, action: str
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    survey = _survey_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    user = _user(request)
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        if action == "close":
            services.update_survey(
                actor=user, survey=survey, version=version or survey.version, closed=True
            )
            messages.success(request, _("Die Befragung ist beendet."))
        elif action == "reopen":
            services.update_survey(
                actor=user, survey=survey, version=version or survey.version, closed=False
            )
            messages.success(request, _("Die Befragung ist wieder offen."))
        elif action == "copy":
            entry = survey.entry
            services.copy_results_to_entry(
                actor=user, survey=survey, version=version or entry.version
            )
            messages.success(
                request,
                _("Die Zusammenfassung steht jetzt in %(entry)s.") % {"entry": entry.describe()},
            )
            return redirect(_url(ctx, "worksheet_entry", entry.worksheet, entry.pk))
        else:  # pragma: no cover - the URLs name the actions
            raise Http404
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_url(ctx, "survey_detail", survey.pk))


@login_required
def survey_close(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    return survey_action(request, municipality, workspace, pk, "close")


@login_required
def survey_reopen(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    return survey_action(request, municipality, workspace, pk, "reopen")


@login_required
def survey_copy(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    return survey_action(request, municipality, workspace, pk, "copy")


@login_required
@require_POST
def recipient_action(
    request: HttpRequest, municipality: str, workspace: str, pk: int, rid: int, action: str
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    survey = _survey_or_404(ctx, pk)
    recipient = get_object_or_404(SurveyRecipient, pk=rid, survey=survey)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    if action == "remove":
        services.remove_recipient(actor=_user(request), recipient=recipient)
        messages.success(request, _("%(name)s ist entfernt.") % {"name": recipient.name})
        return redirect(_url(ctx, "survey_detail", survey.pk))
    template = _answer_url_template(request, ctx)
    new = services.renew_link(
        actor=_user(request),
        recipient=recipient,
        answer_url_template=template,
        send=request.POST.get("senden") == "1",
    )
    return _render_survey(
        request,
        ctx,
        survey,
        new_links=[(new.recipient, template.format(token=new.token), new.mailed)],
    )


@login_required
def recipient_link(
    request: HttpRequest, municipality: str, workspace: str, pk: int, rid: int
) -> HttpResponse:
    return recipient_action(request, municipality, workspace, pk, rid, "link")


@login_required
def recipient_remove(
    request: HttpRequest, municipality: str, workspace: str, pk: int, rid: int
) -> HttpResponse:
    return recipient_action(request, municipality, workspace, pk, rid, "remove")


def survey_answer(
    request: HttpRequest, municipality: str, workspace: str, token: str
) -> HttpResponse:
    """The personal answer page of a recipient (no account needed; the token is the key).
    Unknown tokens answer 404; after the survey ended the page says so (410 on saving)."""
    recipient = services.recipient_by_token(token)
    if (
        recipient is None
        or recipient.survey.workspace.slug != workspace
        or recipient.survey.workspace.municipality.slug != municipality
    ):
        raise Http404
    survey = recipient.survey
    sheet = services.questionnaire()
    response = getattr(recipient, "response", None)
    status = 200
    saved = False
    if request.method == "POST":
        if not survey.is_open:
            status = 410
            form = WorksheetForm(
                sheet,
                initial=response.answers if response else None,
                only=survey.questions,
                prefix="antwort",
            )
        else:
            form = WorksheetForm(sheet, data=request.POST, only=survey.questions, prefix="antwort")
            if form.is_valid():
                try:
                    response = services.answer_survey(
                        recipient=recipient, answers=form.cleaned_answers
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                    status = 400
                else:
                    saved = True
            else:
                status = 400
    else:
        form = WorksheetForm(
            sheet,
            initial=response.answers if response else None,
            only=survey.questions,
            prefix="antwort",
        )
    return render(
        request,
        "strategy/worksheets/survey_answer.html",
        {
            "survey": survey,
            "recipient": recipient,
            "municipality_name": survey.workspace.municipality.name,
            "form": form,
            "response": response,
            "saved": saved,
            "is_open": survey.is_open,
            "sheet": sheet,
        },
        status=status,
    )
