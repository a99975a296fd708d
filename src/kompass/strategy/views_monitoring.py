"""Pages of monitoring and evaluation (step 9; docs/strategy_monitoring.md) under
/strategie/<kommune>/<arbeitsraum>/monitoring/.

Non-members get 404 (:func:`kompass.strategy.views._context`), members whose role does not
allow a change 403. The views parse forms, call :mod:`kompass.strategy.monitoring` (the same
services as the API) and render; reports come from :mod:`kompass.strategy.monitoring_reports`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kompass.strategy import monitoring, monitoring_reports
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Project
from kompass.strategy.models_monitoring import (
    EvaluationPlan,
    Indicator,
    Measurement,
    format_decimal,
)
from kompass.strategy.views import Context, _add_form_errors, _base, _context, _user

# --------------------------------------------------------------------------- forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GermanDecimalField(forms.CharField):
    """A number in German notation („1.234,5“, „3,5“) as Decimal; a dot as decimal separator
    is refused with a hint (ambiguous on a German page)."""

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        plain = monitoring.german_number(text)
        if plain is None:
            raise forms.ValidationError(
                _("Bitte ein Komma als Dezimaltrennzeichen verwenden, z. B. 3,5 oder 1.234,5.")
            )
        try:
            return Decimal(plain)
        except InvalidOperation:
            raise forms.ValidationError(
                _("„%(value)s“ ist keine Zahl.") % {"value": text}
            ) from None


class PlanForm(forms.Form):
    """The evaluation plan; labels follow the guide's key questions (004 lines 3054-3072)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    purpose = forms.CharField(
        label=gettext_lazy("Warum wird evaluiert?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Zum Beispiel: Zielerreichung prüfen, Hemmnisse erkennen, Bericht an Rat oder "
            "Fördermittelgeber."
        ),
    )
    evaluator = forms.CharField(
        label=gettext_lazy("Wer evaluiert?"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Stelle, Person oder beauftragtes Büro."),
    )
    execution = forms.ChoiceField(
        label=gettext_lazy("Durchführung"), required=False, widget=forms.RadioSelect
    )
    timing = forms.ChoiceField(
        label=gettext_lazy("Zeitpunkt der Evaluation"), required=False, widget=forms.RadioSelect
    )
    data_sources = forms.CharField(
        label=gettext_lazy("Datenquellen und Erhebung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Welche Daten gibt es schon, wer trägt zur Erhebung bei, wie oft wird erhoben?"
        ),
    )
    notes = forms.CharField(
        label=gettext_lazy("Anmerkungen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Zum Beispiel externer Unterstützungsbedarf."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["execution"].choices = [
            *EvaluationPlan.Execution.choices,
            ("", _("noch offen")),
        ]
        self.fields["timing"].choices = [*monitoring.timing_options(), ("", _("noch offen"))]

    @staticmethod
    def initial_for(plan: EvaluationPlan) -> dict[str, Any]:
        return {"version": plan.version, **{n: getattr(plan, n) for n in monitoring.PLAN_FIELDS}}

    def values(self) -> dict[str, Any]:
        return {n: self.cleaned_data.get(n, "") for n in monitoring.PLAN_FIELDS}


class IndicatorForm(forms.Form):
    """An indicator (worksheet 10: level, indicator, dimensions, data collection; step 9:
    baseline at time zero and a target)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    level = forms.ChoiceField(label=gettext_lazy("Wirkungsebene"), widget=forms.RadioSelect)
    name = forms.CharField(label=gettext_lazy("Indikator"), max_length=200)
    unit = forms.CharField(
        label=gettext_lazy("Einheit"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("z. B. Anzahl, Prozent, Euro, Tonnen CO₂"),
    )
    dimensions = forms.MultipleChoiceField(
        label=gettext_lazy("Wirkungsdimensionen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    data_collection = forms.CharField(
        label=gettext_lazy("Erhebungsweg"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    direction = forms.ChoiceField(label=gettext_lazy("Richtung"), widget=forms.RadioSelect)
    baseline_value = GermanDecimalField(
        label=gettext_lazy("Ausgangswert"),
        required=False,
        help_text=gettext_lazy("Der Wert zum Zeitpunkt 0, z. B. 12 oder 3,5"),
    )
    baseline_date = forms.DateField(
        label=gettext_lazy("Datum der Basiserhebung"), required=False, widget=DATE
    )
    target_value = GermanDecimalField(label=gettext_lazy("Zielwert"), required=False)
    target_date = forms.DateField(label=gettext_lazy("Zieldatum"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (row.id, f"{row.label} ({row.group}): {row.guiding_question}")
            for row in monitoring.levels()
        ]
        self.fields["dimensions"].choices = monitoring.dimension_options()
        self.fields["dimensions"].help_text = monitoring.analysis_column("dimensions").help
        self.fields["data_collection"].help_text = monitoring.analysis_column(
            "data_collection"
        ).help
        self.fields["direction"].choices = Indicator.Direction.choices
        self.fields["level"].error_messages["required"] = _("Bitte eine Wirkungsebene wählen.")
        self.fields["name"].error_messages["required"] = _("Bitte den Indikator benennen.")
        self.fields["direction"].error_messages["required"] = _(
            "Bitte wählen, ob höhere oder niedrigere Werte besser sind."
        )
        for name in ("baseline_date", "target_date"):
            self.fields[name].error_messages["invalid"] = _("Bitte ein gültiges Datum angeben.")

    @staticmethod
    def initial_for(indicator: Indicator) -> dict[str, Any]:
        initial = {n: getattr(indicator, n) for n in monitoring.INDICATOR_FIELDS}
        for name in ("baseline_value", "target_value"):
            value = initial[name]
            initial[name] = "" if value is None else format_decimal(value).replace(".", "")
        return {"version": indicator.version, **initial}

    def values(self) -> dict[str, Any]:
        return {n: self.cleaned_data.get(n) for n in monitoring.INDICATOR_FIELDS}


class MeasurementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(label=gettext_lazy("Datum der Messung"), widget=DATE)
    value = GermanDecimalField(
        label=gettext_lazy("Wert"), help_text=gettext_lazy("z. B. 42 oder 3,5")
    )
    note = forms.CharField(
        label=gettext_lazy("Anmerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].error_messages["required"] = _("Bitte das Datum der Messung angeben.")
        self.fields["date"].error_messages["invalid"] = _("Bitte ein gültiges Datum angeben.")
        self.fields["value"].error_messages["required"] = _("Bitte den gemessenen Wert angeben.")

    @staticmethod
    def initial_for(measurement: Measurement) -> dict[str, Any]:
        return {
            "version": measurement.version,
            "date": measurement.date,
            "value": format_decimal(measurement.value).replace(".", ""),
            "note": measurement.note,
        }

    def values(self) -> dict[str, Any]:
        return {n: self.cleaned_data.get(n) for n in monitoring.MEASUREMENT_FIELDS}


# --------------------------------------------------------------------------- helpers


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _project_or_404(ctx: Context, pk: int) -> Project:
    return get_object_or_404(Project, workspace=ctx.workspace, pk=pk)


def _indicator_or_404(ctx: Context, pk: int) -> Indicator:
    indicator = monitoring.find_indicator(ctx.workspace, pk)
    if indicator is None:
        raise Http404
    return indicator


def _measurement_or_404(ctx: Context, pk: int) -> Measurement:
    measurement = monitoring.find_measurement(ctx.workspace, pk)
    if measurement is None:
        raise Http404
    return measurement


def _conflicted(form: forms.Form) -> bool:
    return any("inzwischen geändert" in str(e) for e in form.non_field_errors())


def _again(request: HttpRequest, version: int) -> QueryDict:
    data = request.POST.copy()
    data["version"] = str(version)
    return data


def _version(request: HttpRequest, default: int) -> int:
    try:
        return int(request.POST.get("version") or default)
    except ValueError:
        return 0


def _require_edit(ctx: Context) -> None:
    if not ctx.can.edit_steps:
        raise PermissionDenied


def _require_measure(ctx: Context) -> None:
    if not ctx.can.contribute:
        raise PermissionDenied


def _extra(ctx: Context, **extra: Any) -> dict[str, Any]:
    return _base(
        ctx,
        can_measure=ctx.can.contribute,
        status_labels=monitoring.STATUS_LABELS,
        **extra,
    )


# --------------------------------------------------------------------------- overview


@login_required
def monitoring_overview(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Status per project area (field of action) and per project, as text with a legend."""
    ctx = _context(request, municipality, workspace)
    fields = monitoring.overview(ctx.workspace)
    return render(
        request,
        "strategy/monitoring/overview.html",
        _extra(
            ctx,
            fields=fields,
            levels=monitoring.levels(),
            method=monitoring_reports.method(),
            worksheet=monitoring.worksheet(),
        ),
    )


@login_required
def monitoring_project(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """One project: its evaluation plan and its indicators by level with status."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    row = monitoring.project_rows(ctx.workspace, [project])[0]
    order = monitoring.level_order()
    by_level = [
        (level, [r for r in row.indicators if r.indicator.level == level.id])
        for level in sorted(monitoring.levels(), key=lambda lv: order[lv.id])
    ]
    return render(
        request,
        "strategy/monitoring/project.html",
        _extra(
            ctx,
            project=project,
            row=row,
            plan=row.plan,
            plan_rows=monitoring_reports._plan_rows(row.plan),
            by_level=by_level,
            deleted_indicators=monitoring.deleted_indicators(ctx.workspace, project)
            if ctx.can.edit_steps
            else [],
            deleted_plans=monitoring.deleted_plans(ctx.workspace, project)
            if ctx.can.edit_steps
            else [],
        ),
    )


# --------------------------------------------------------------------------- plan


@login_required
def monitoring_plan(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """Create or change the project's evaluation plan (core team and contributors)."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    plan = monitoring.plan_of(project)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                if plan is None:
                    plan = monitoring.create_plan(
                        actor=_user(request), project=project, **form.values()
                    )
                else:
                    monitoring.update_plan(
                        actor=_user(request),
                        plan=plan,
                        version=form.cleaned_data["version"] or 0,
                        **form.values(),
                    )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, EvaluationPlan)
                plan = current
                form = PlanForm(_again(request, current.version))
                form.is_valid()
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_form_errors(form, exc)
            else:
                messages.success(
                    request, _("%(plan)s ist gespeichert.") % {"plan": plan.describe()}
                )
                return redirect(_url(ctx, "monitoring_project", project.pk))
        status = 409 if _conflicted(form) else 400
    else:
        form = PlanForm(initial=PlanForm.initial_for(plan) if plan else None)
    return render(
        request,
        "strategy/monitoring/plan_form.html",
        _extra(
            ctx,
            project=project,
            plan=plan,
            form=form,
            history=list(monitoring.history(plan)[:50]) if plan else [],
        ),
        status=status,
    )


@login_required
@require_POST
def monitoring_plan_delete(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    plan = monitoring.plan_of(project)
    if plan is None:
        raise Http404
    _require_edit(ctx)
    try:
        monitoring.delete_plan(
            actor=_user(request), plan=plan, version=_version(request, plan.version)
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(plan)s ist gelöscht; Sie können ihn 30 Tage lang wiederherstellen.")
            % {"plan": plan.describe()},
        )
    return redirect(_url(ctx, "monitoring_project", project.pk))


@login_required
@require_POST
def monitoring_plan_restore(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    plan = get_object_or_404(
        EvaluationPlan.all_objects.select_related("project"),
        pk=pk,
        workspace=ctx.workspace,
        deleted_at__isnull=False,
        project__deleted_at__isnull=True,
    )
    _require_edit(ctx)
    try:
        monitoring.restore_plan(actor=_user(request), plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(plan)s ist wiederhergestellt.") % {"plan": plan.describe()})
    return redirect(_url(ctx, "monitoring_project", plan.project_id))


# --------------------------------------------------------------------------- indicators


def _indicator_form_page(
    request: HttpRequest,
    ctx: Context,
    form: IndicatorForm,
    *,
    project: Project,
    indicator: Indicator | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "strategy/monitoring/indicator_form.html",
        _extra(
            ctx,
            project=project,
            indicator=indicator,
            form=form,
            levels=monitoring.levels(),
            examples=monitoring.analysis_column("examples").example,
            indicator_examples=monitoring.analysis_column("indicators").example,
        ),
        status=status,
    )


@login_required
def indicator_create(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """A new indicator of the project (core team and contributors)."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    if request.method != "POST":
        initial = {"direction": Indicator.Direction.HIGHER, "level": request.GET.get("ebene", "")}
        return _indicator_form_page(
            request, ctx, IndicatorForm(initial=initial), project=project, indicator=None
        )
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            indicator = monitoring.create_indicator(
                actor=_user(request), workspace=ctx.workspace, project=project, **form.values()
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("%(item)s ist angelegt.") % {"item": indicator.describe()})
            return redirect(_url(ctx, "indicator_detail", indicator.pk))
    return _indicator_form_page(request, ctx, form, project=project, indicator=None, status=400)


def _indicator_page(
    request: HttpRequest,
    ctx: Context,
    indicator: Indicator,
    form: MeasurementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    measured = monitoring.live_measurements(indicator)
    result = monitoring.indicator_status(indicator, measured)
    return render(
        request,
        "strategy/monitoring/indicator_detail.html",
        _extra(
            ctx,
            project=indicator.project,
            indicator=indicator,
            result=result,
            measurements=measured,
            chart=monitoring.chart(indicator, measured),
            form=form or MeasurementForm(),
            deleted_measurements=monitoring.deleted_measurements(ctx.workspace, indicator)
            if ctx.can.contribute
            else [],
            history=list(monitoring.history(indicator)[:50]),
            dimensions=indicator.display_value("dimensions", indicator.dimensions),
        ),
        status=status,
    )


@login_required
def indicator_detail(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """An indicator: chart over time (SVG with baseline and target), the data table, status,
    the form for a new measurement and the change history."""
    ctx = _context(request, municipality, workspace)
    return _indicator_page(request, ctx, _indicator_or_404(ctx, pk))


@login_required
def indicator_edit(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """Change an indicator; a stale form answers 409 and is shown on the current version."""
    ctx = _context(request, municipality, workspace)
    indicator = _indicator_or_404(ctx, pk)
    _require_edit(ctx)
    if request.method != "POST":
        form = IndicatorForm(initial=IndicatorForm.initial_for(indicator))
        return _indicator_form_page(
            request, ctx, form, project=indicator.project, indicator=indicator
        )
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            monitoring.update_indicator(
                actor=_user(request),
                indicator=indicator,
                version=form.cleaned_data["version"] or 0,
                **form.values(),
            )
        except VersionConflict as exc:
            current = exc.item
            assert isinstance(current, Indicator)
            indicator = current
            form = IndicatorForm(_again(request, current.version))
            form.is_valid()
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(
                request, _("%(item)s ist gespeichert.") % {"item": indicator.describe()}
            )
            return redirect(_url(ctx, "indicator_detail", indicator.pk))
    return _indicator_form_page(
        request,
        ctx,
        form,
        project=indicator.project,
        indicator=indicator,
        status=409 if _conflicted(form) else 400,
    )


@login_required
@require_POST
def indicator_delete(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    indicator = _indicator_or_404(ctx, pk)
    _require_edit(ctx)
    try:
        monitoring.delete_indicator(
            actor=_user(request), indicator=indicator, version=_version(request, indicator.version)
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "indicator_detail", indicator.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(item)s ist gelöscht; Sie können ihn 30 Tage lang wiederherstellen.")
            % {"item": indicator.describe()},
        )
    return redirect(_url(ctx, "monitoring_project", indicator.project_id))


@login_required
@require_POST
def indicator_restore(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    indicator = get_object_or_404(
        Indicator.all_objects,
        pk=pk,
        workspace=ctx.workspace,
        deleted_at__isnull=False,
        project__deleted_at__isnull=True,
    )
    _require_edit(ctx)
    try:
        monitoring.restore_indicator(actor=_user(request), indicator=indicator)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "monitoring_project", indicator.project_id))
    messages.success(request, _("%(item)s ist wiederhergestellt.") % {"item": indicator.describe()})
    return redirect(_url(ctx, "indicator_detail", indicator.pk))


# --------------------------------------------------------------------------- measurements


@login_required
@require_POST
def measurement_create(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """Record a measurement (core team, contributors, external partners)."""
    ctx = _context(request, municipality, workspace)
    indicator = _indicator_or_404(ctx, pk)
    _require_measure(ctx)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            measurement = monitoring.create_measurement(
                actor=_user(request), indicator=indicator, **form.values()
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(
                request, _("%(item)s ist gespeichert.") % {"item": measurement.describe()}
            )
            return redirect(_url(ctx, "indicator_detail", indicator.pk))
    return _indicator_page(request, ctx, indicator, form, status=400)


@login_required
def measurement_edit(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """Change a measurement; a stale form answers 409."""
    ctx = _context(request, municipality, workspace)
    measurement = _measurement_or_404(ctx, pk)
    _require_measure(ctx)
    status = 200
    if request.method == "POST":
        form = MeasurementForm(request.POST)
        if form.is_valid():
            try:
                monitoring.update_measurement(
                    actor=_user(request),
                    measurement=measurement,
                    version=form.cleaned_data["version"] or 0,
                    **form.values(),
                )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, Measurement)
                measurement = current
                form = MeasurementForm(_again(request, current.version))
                form.is_valid()
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_form_errors(form, exc)
            else:
                messages.success(
                    request, _("%(item)s ist gespeichert.") % {"item": measurement.describe()}
                )
                return redirect(_url(ctx, "indicator_detail", measurement.indicator_id))
        status = 409 if _conflicted(form) else 400
    else:
        form = MeasurementForm(initial=MeasurementForm.initial_for(measurement))
    return render(
        request,
        "strategy/monitoring/measurement_form.html",
        _extra(
            ctx,
            measurement=measurement,
            indicator=measurement.indicator,
            project=measurement.indicator.project,
            form=form,
            history=list(monitoring.history(measurement)[:50]),
        ),
        status=status,
    )


@login_required
@require_POST
def measurement_delete(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    measurement = _measurement_or_404(ctx, pk)
    _require_measure(ctx)
    try:
        monitoring.delete_measurement(
            actor=_user(request),
            measurement=measurement,
            version=_version(request, measurement.version),
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(item)s ist gelöscht; Sie können ihn 30 Tage lang wiederherstellen.")
            % {"item": measurement.describe()},
        )
    return redirect(_url(ctx, "indicator_detail", measurement.indicator_id))


@login_required
@require_POST
def measurement_restore(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    measurement = get_object_or_404(
        Measurement.all_objects.select_related("indicator"),
        pk=pk,
        workspace=ctx.workspace,
        deleted_at__isnull=False,
        indicator__deleted_at__isnull=True,
        indicator__project__deleted_at__isnull=True,
    )
    _require_measure(ctx)
    try:
        monitoring.restore_measurement(actor=_user(request), measurement=measurement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(item)s ist wiederhergestellt.") % {"item": measurement.describe()}
        )
    return redirect(_url(ctx, "indicator_detail", measurement.indicator_id))


# --------------------------------------------------------------------------- reports


def _report_choice(request: HttpRequest, ctx: Context) -> tuple[str, list[Project], list[str]]:
    """Audience and projects from ``?fuer=rat|foerdermittelgeber&projekt=…``; errors in
    German."""
    audience = monitoring_reports.AUDIENCE_SLUGS.get(
        request.GET.get("fuer", "rat"), monitoring_reports.COUNCIL
    )
    wanted = [int(v) for v in request.GET.getlist("projekt") if v.isdigit()]
    projects = list(monitoring.projects_of(ctx.workspace).filter(pk__in=wanted))
    errors = []
    if audience == monitoring_reports.FUNDER and not projects:
        errors.append(_("Bitte mindestens ein Projekt für den Bericht wählen."))
    return audience, projects, errors


@login_required
def monitoring_report(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The report on a page, with the choice of audience and projects and the downloads."""
    ctx = _context(request, municipality, workspace)
    audience, projects, errors = _report_choice(request, ctx)
    report = (
        None if errors else monitoring_reports.report_context(ctx.workspace, audience, projects)
    )
    query = request.GET.urlencode()
    return render(
        request,
        "strategy/monitoring/report.html",
        _extra(
            ctx,
            report=report,
            errors=errors,
            audience=audience,
            chosen={p.pk for p in projects},
            all_projects=list(monitoring.projects_of(ctx.workspace)),
            query=query,
            council=monitoring_reports.COUNCIL,
            funder=monitoring_reports.FUNDER,
        ),
        status=400 if errors and "fuer" in request.GET and request.GET.getlist("projekt") else 200,
    )


def _download(request: HttpRequest, municipality: str, workspace: str, kind: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    audience, projects, errors = _report_choice(request, ctx)
    if errors:
        return HttpResponse(" ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    context = monitoring_reports.report_context(ctx.workspace, audience, projects)
    if kind == "pdf":
        content = monitoring_reports.report_pdf(context)
        mime = "application/pdf"
    else:
        content = monitoring_reports.report_docx(context)
        mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = (
        f'attachment; filename="{monitoring_reports.filename(context, kind)}"'
    )
    return response


@login_required
def monitoring_report_pdf(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    return _download(request, municipality, workspace, "pdf")


@login_required
def monitoring_report_docx(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    return _download(request, municipality, workspace, "docx")
