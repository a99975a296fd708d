"""Pages of projects, portfolio, roadmap and project matrix (steps 5-8; docs/strategy_portfolio.md).

As every workspace page: non-members get 404, members whose role does not allow an action 403,
anonymous visitors the login page. Views parse, call :mod:`kompass.strategy.portfolio` (the
same services as the API) and render; a stale form answers 409 with the conflict message and
the form again, based on the current version, so that saving again is a deliberate overwrite.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kompass.strategy import portfolio
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    FieldOfAction,
    Milestone,
    Project,
    WorkspaceMember,
)
from kompass.strategy.permissions import EDITING_ROLES
from kompass.strategy.views import Context, _base, _context, _user

Status = Project.Status

# --------------------------------------------------------------------------- forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ProjectForm(forms.Form):
    """The portfolio fields of a project; the service checks the rules."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    title = forms.CharField(label=_lazy("Projekttitel"), max_length=200)
    summary = forms.CharField(
        label=_lazy("Kurzbeschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_of_action = forms.ModelChoiceField(
        label=_lazy("Handlungsfeld"),
        queryset=FieldOfAction.objects.none(),
        required=False,
        empty_label=_lazy("– keinem zugeordnet –"),
    )
    status = forms.ChoiceField(label=_lazy("Status"), choices=Status.choices)
    status_reason = forms.CharField(
        label=_lazy("Begründung der Statusänderung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy(
            "Nötig beim Stoppen, beim Wiederaufnehmen, bei einem Schritt zurück und wenn ein "
            "Status übersprungen wird (außer „Prototyp“)."
        ),
    )
    horizon = forms.ChoiceField(
        label=_lazy("Realisierungshorizont"),
        required=False,
        choices=[("", _lazy("– offen –")), *Project.Horizon.choices],
    )
    start_date = forms.DateField(label=_lazy("Beginn"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_lazy("Ende"), required=False, widget=DateInput())
    budget = forms.CharField(
        label=_lazy("Budget (Euro)"),
        required=False,
        max_length=30,
        help_text=_lazy("Gesamtkosten laut Projektskizze, z. B. 75.000 oder 75000,00."),
    )
    responsible = forms.ModelChoiceField(
        label=_lazy("Verantwortlich im Arbeitsraum"),
        queryset=WorkspaceMember.objects.none(),
        required=False,
        empty_label=_lazy("– niemand –"),
        help_text=_lazy("Nur Mitglieder des Kernteams und Mitwirkende."),
    )
    municipal_role = forms.ChoiceField(label=_lazy("Rolle der Kommune"), required=False)
    depends_on = forms.ModelMultipleChoiceField(
        label=_lazy("Hängt ab von"),
        queryset=Project.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, ctx: Context, project: Project | None = None, **kwargs: Any
    ) -> None:
        self.funding_rows = kwargs.pop("funding_rows", 3)
        super().__init__(*args, **kwargs)
        workspace = ctx.workspace
        foa = self.fields["field_of_action"]
        assert isinstance(foa, forms.ModelChoiceField)
        foa.queryset = FieldOfAction.objects.filter(workspace=workspace).order_by(
            "position", "title"
        )
        responsible = self.fields["responsible"]
        assert isinstance(responsible, forms.ModelChoiceField)
        responsible.queryset = (
            WorkspaceMember.objects.filter(workspace=workspace, role__in=EDITING_ROLES)
            .select_related("user")
            .order_by("user__name", "user__email")
        )
        responsible.label_from_instance = lambda m: f"{m.user} ({m.get_role_display()})"
        role = self.fields["municipal_role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [("", _("– offen –")), *portfolio.municipal_roles()]
        deps = self.fields["depends_on"]
        assert isinstance(deps, forms.ModelMultipleChoiceField)
        others = Project.objects.filter(workspace=workspace).order_by("position", "title")
        if project is not None:
            others = others.exclude(pk=project.pk)
        deps.queryset = others
        if not others.exists():
            deps.help_text = _("Es gibt noch keine anderen Projekte.")
        for i in range(self.funding_rows):
            self.fields[f"funding_name_{i}"] = forms.CharField(
                label=_("Finanzierungsquelle %(n)s: Name") % {"n": i + 1},
                required=False,
                max_length=200,
            )
            self.fields[f"funding_amount_{i}"] = forms.CharField(
                label=_("Finanzierungsquelle %(n)s: Betrag (Euro)") % {"n": i + 1},
                required=False,
                max_length=30,
            )
        self.funding_errors: list[str] = []

    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("funding_")]

    def funding_fields(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"funding_name_{i}"], self[f"funding_amount_{i}"])
            for i in range(self.funding_rows)
        ]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "field_of_action": data["field_of_action"],
            "status": data["status"],
            "horizon": data["horizon"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "budget": data["budget"],
            "responsible": data["responsible"],
            "municipal_role": data["municipal_role"],
            "funding_sources": [
                {"name": data[f"funding_name_{i}"], "amount": data[f"funding_amount_{i}"]}
                for i in range(self.funding_rows)
            ],
        }

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": project.version,
            "title": project.title,
            "summary": project.summary,
            "field_of_action": project.field_of_action_id,
            "status": project.status,
            "horizon": project.horizon,
            "start_date": project.start_date,
            "end_date": project.end_date,
            "budget": _amount_text(project.budget),
            "responsible": project.responsible_id,
            "municipal_role": project.municipal_role,
            "depends_on": [p.pk for p in portfolio.dependencies(project)],
        }
        for i, source in enumerate(project.funding_sources or []):
            initial[f"funding_name_{i}"] = source.get("name", "")
            initial[f"funding_amount_{i}"] = _amount_text(source.get("amount"))
        return initial


def _amount_text(value: Any) -> str:
    if value in (None, ""):
        return ""
    return str(value).replace(".", ",")


class MilestoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    title = forms.CharField(label=_lazy("Bezeichnung"), max_length=200)
    kind = forms.ChoiceField(
        label=_lazy("Art"), choices=Milestone.Kind.choices, initial=Milestone.Kind.MILESTONE
    )
    due_date = forms.DateField(label=_lazy("Termin"), widget=DateInput())
    done = forms.BooleanField(label=_lazy("erreicht"), required=False)
    done_on = forms.DateField(
        label=_lazy("erreicht am"),
        required=False,
        widget=DateInput(),
        help_text=_lazy("Ohne Angabe gilt der heutige Tag."),
    )
    note = forms.CharField(
        label=_lazy("Anmerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, Any]:
        return {
            "version": milestone.version,
            "title": milestone.title,
            "kind": milestone.kind,
            "due_date": milestone.due_date,
            "done": milestone.done,
            "done_on": milestone.done_on,
            "note": milestone.note,
        }


class WeightsForm(forms.Form):
    """One whole-number weight per criterion, grouped as the guide groups them."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    confirm = forms.BooleanField(
        label=_lazy(
            "Ja, die Gewichte ändern: bisherige Bewertungen werden als „neu bewerten“ markiert."
        ),
        required=False,
    )

    def __init__(self, *args: Any, weights: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in portfolio.criteria():
            self.fields[f"w_{criterion.slug}"] = forms.IntegerField(
                label=criterion.label,
                min_value=portfolio.WEIGHT_MIN,
                max_value=portfolio.WEIGHT_MAX,
                initial=weights.get(criterion.slug, 0),
                help_text=criterion.help,
            )

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [
            (group, [self[f"w_{c.slug}"] for c in group.criteria])
            for group in portfolio.criteria_groups()
        ]

    def weights(self) -> dict[str, int]:
        return {
            c.slug: self.cleaned_data[f"w_{c.slug}"]
            for c in portfolio.criteria()
            if self.cleaned_data.get(f"w_{c.slug}") is not None
        }


class ScoreForm(forms.Form):
    """Scores 1-5 (or none) per criterion, with the versions the scorer read."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, row: portfolio.MatrixRow, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = portfolio.score_labels()
        choices = [("", _("keine Bewertung"))] + [
            (str(n), f"{n} – {labels[n]}" if n in labels else str(n))
            for n in range(portfolio.SCORE_MIN, portfolio.SCORE_MAX + 1)
        ]
        for criterion in portfolio.criteria():
            current = row.scores.get(criterion.slug)
            self.fields[f"s_{criterion.slug}"] = forms.ChoiceField(
                label=criterion.label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=str(current.score) if current else "",
                help_text=criterion.help,
            )
            self.fields[f"v_{criterion.slug}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                initial=current.version if current else 0,
            )

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [
            (group, [self[f"s_{c.slug}"] for c in group.criteria])
            for group in portfolio.criteria_groups()
        ]

    def scores(self) -> dict[str, Any]:
        return {c.slug: self.cleaned_data[f"s_{c.slug}"] or None for c in portfolio.criteria()}

    def versions(self) -> dict[str, int]:
        return {
            c.slug: self.cleaned_data[f"v_{c.slug}"]
            for c in portfolio.criteria()
            if self.cleaned_data.get(f"v_{c.slug}") is not None
        }


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    traffic_light = forms.ChoiceField(
        label=_lazy("Ampel"),
        required=False,
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label=_lazy("Begründung"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Pflicht bei jeder Ampel: Warum verwerfen, speichern oder umsetzen?"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["traffic_light"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("noch keine Entscheidung")), *traffic_light_choices()]


def traffic_light_choices() -> list[tuple[str, str]]:
    """The traffic light as worksheet 8 words it ("Idee verwerfen (rot)" …)."""
    from kompass.strategy.process import load_all

    table = load_all().worksheet("project_matrix").field("projects")
    column = next(c for c in table.columns if c.id == "traffic_light")
    return [(o.value, o.label) for o in column.options]


# --------------------------------------------------------------------------- helpers


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for key, errors in exc.message_dict.items():
        if key in form.fields:
            form.add_error(key, errors)
        elif key == "funding_sources" and hasattr(form, "funding_errors"):
            form.funding_errors.extend(errors)
        elif key == "confirm" and "confirm" in form.fields:
            form.add_error("confirm", errors)
        elif key in ("weights", "scores"):
            form.add_error(None, errors)
        else:
            form.add_error(None, errors)


def _status(form: forms.Form) -> int:
    return 409 if getattr(form, "conflict", False) else 400


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _project_or_404(ctx: Context, pk: int) -> Project:
    return get_object_or_404(
        Project.objects.select_related("field_of_action", "responsible__user"),
        pk=pk,
        workspace=ctx.workspace,
    )


def _require_edit(ctx: Context) -> None:
    if not ctx.can.edit_steps:
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for text in warnings:
        messages.warning(request, text)


def _conflict(form: forms.Form, exc: VersionConflict) -> None:
    form.add_error(None, exc.message)
    form.conflict = True  # type: ignore[attr-defined]


def _rebase(request: HttpRequest, version: int) -> Any:
    data = request.POST.copy()
    data["version"] = str(version)
    return data


# --------------------------------------------------------------------------- portfolio


@login_required
def portfolio_page(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The portfolio: every project with status, field, horizon, responsible, budget and
    traffic light; filters; totals; deleted projects for editors."""
    ctx = _context(request, municipality, workspace)
    chosen = portfolio.PortfolioFilter.from_query(request.GET)
    rows = portfolio.projects(ctx.workspace, chosen)
    totals = portfolio.totals(rows)
    return render(
        request,
        "strategy/portfolio/portfolio.html",
        _base(
            ctx,
            rows=[
                {
                    "project": p,
                    "budget": portfolio.format_euro(p.budget) if p.budget is not None else "–",
                    "funding": portfolio.funding_summary(p),
                    "funded": portfolio.format_euro(portfolio.funding_summary(p).funded),
                }
                for p in rows
            ],
            totals=totals,
            total_budget=portfolio.format_euro(totals.budget),
            total_funded=portfolio.format_euro(totals.funded),
            chosen=chosen,
            statuses=Project.Status.choices,
            horizons=[*Project.Horizon.choices, ("none", _("ohne Horizont"))],
            lights=[*Project.TrafficLight.choices, ("none", _("ohne Ampel"))],
            fields=FieldOfAction.objects.filter(workspace=ctx.workspace).order_by(
                "position", "title"
            ),
            people=WorkspaceMember.objects.filter(workspace=ctx.workspace, role__in=EDITING_ROLES)
            .select_related("user")
            .order_by("user__name"),
            deleted=portfolio.deleted_projects(ctx.workspace) if ctx.can.edit_steps else [],
        ),
    )


def _render_form(
    request: HttpRequest,
    ctx: Context,
    form: ProjectForm,
    project: Project | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "strategy/portfolio/project_form.html",
        _base(ctx, form=form, project=project),
        status=status,
    )


def _funding_rows(request: HttpRequest, project: Project | None) -> int:
    existing = len(project.funding_sources or []) if project else 0
    posted = sum(1 for key in request.POST if key.startswith("funding_name_"))
    return max(3, existing + 2, posted)


@login_required
def project_create(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    _require_edit(ctx)
    rows = _funding_rows(request, None)
    if request.method != "POST":
        form = ProjectForm(ctx=ctx, funding_rows=rows, initial={"status": Status.SKETCH})
        return _render_form(request, ctx, form, None)
    form = ProjectForm(request.POST, ctx=ctx, funding_rows=rows)
    if form.is_valid():
        try:
            saved = portfolio.create_project(
                actor=_user(request),
                workspace=ctx.workspace,
                values=form.values(),
                depends_on=list(form.cleaned_data["depends_on"]),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(p)s ist angelegt.") % {"p": saved.project.describe()})
            _warn(request, saved.warnings)
            return redirect(_url(ctx, "project_detail", saved.project.pk))
    return _render_form(request, ctx, form, None, status=400)


@login_required
def project_detail(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """A project: the sketch with every field of worksheet 6, the portfolio fields, funding,
    milestones, dependencies, the matrix decision and the status history."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    worksheet = portfolio.sketch_worksheet()
    matrix, row = _matrix_row(ctx, project)
    return render(
        request,
        "strategy/portfolio/project_detail.html",
        _base(
            ctx,
            project=project,
            worksheet=worksheet,
            answers=_sketch_answers(project),
            funding=portfolio.funding_summary(project),
            funding_rows=[
                (s.get("name", ""), portfolio.format_euro(portfolio.parse_amount(s.get("amount"))))
                for s in project.funding_sources or []
            ],
            budget_text=portfolio.format_euro(project.budget),
            funded_text=portfolio.format_euro(portfolio.funding_summary(project).funded),
            milestones=portfolio.milestones(ctx.workspace, project),
            deleted_milestones=portfolio.deleted_milestones(project) if ctx.can.edit_steps else [],
            dependencies=portfolio.dependencies(project),
            dependents=portfolio.dependents(project),
            history=portfolio.status_history(project),
            row=row,
            matrix=matrix,
            risk_count=_risk_count(project),
            role_label=dict(portfolio.municipal_roles()).get(project.municipal_role, ""),
        ),
    )


def _matrix_row(ctx: Context, project: Project) -> tuple[portfolio.Matrix, portfolio.MatrixRow]:
    """The whole matrix (ranks are relative to all projects) and the project's row."""
    matrix = portfolio.matrix(ctx.workspace)
    row = next(r for r in matrix.rows if r.project.pk == project.pk)
    return matrix, row


def _risk_count(project: Project) -> int | None:
    try:
        from kompass.strategy.models import Risk  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - the risks part is optional
        return None
    return int(Risk.objects.filter(project=project).count())


def _sketch_answers(project: Project) -> dict[str, Any]:
    """Every field of worksheet 6 in the engine's shape: the stored sketch answers plus the
    fields kept as project columns or milestones (for ``strategy/worksheets/_answers.html``)."""
    answers = dict(project.sketch or {})
    answers["title"] = project.title
    answers["field_of_action"] = project.field_of_action.title if project.field_of_action else ""
    answers["municipal_role"] = project.municipal_role
    answers["total_cost"] = float(project.budget) if project.budget is not None else None
    answers["funding_source"] = "; ".join(
        f"{s.get('name', '')} ({portfolio.format_euro(portfolio.parse_amount(s.get('amount')))})"
        if s.get("amount") not in (None, "")
        else str(s.get("name", ""))
        for s in project.funding_sources or []
    )
    answers["milestones"] = [
        {"milestone": m.title, "due": m.due_date.isoformat()}
        for m in portfolio.milestones(project.workspace, project)
    ]
    for f in portfolio.sketch_worksheet().fields:
        answers.setdefault(f.id, None)
    return answers


@login_required
def project_edit(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    rows = _funding_rows(request, project)
    if request.method != "POST":
        form = ProjectForm(
            ctx=ctx,
            project=project,
            funding_rows=rows,
            initial=ProjectForm.initial_for(project),
        )
        return _render_form(request, ctx, form, project)
    form = ProjectForm(request.POST, ctx=ctx, project=project, funding_rows=rows)
    if form.is_valid():
        try:
            saved = portfolio.update_project(
                actor=_user(request),
                project=project,
                version=form.cleaned_data["version"] or 0,
                values=form.values(),
                status_reason=form.cleaned_data["status_reason"],
                depends_on=list(form.cleaned_data["depends_on"]),
            )
        except VersionConflict as exc:
            current = exc.item
            assert isinstance(current, Project)
            form = ProjectForm(
                _rebase(request, current.version), ctx=ctx, project=current, funding_rows=rows
            )
            form.is_valid()
            _conflict(form, exc)
            project = current
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(p)s ist gespeichert.") % {"p": saved.project.describe()})
            _warn(request, saved.warnings)
            return redirect(_url(ctx, "project_detail", project.pk))
    return _render_form(request, ctx, form, project, status=_status(form))


@login_required
def project_sketch(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """The sketch (worksheet 6) with the worksheet engine; the fields kept as project columns
    are edited on the project form."""
    from kompass.strategy.worksheet_forms import WorksheetForm

    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    worksheet = portfolio.sketch_worksheet()
    only = portfolio.sketch_field_ids()
    version = project.version
    status = 200
    conflict = ""
    if request.method == "POST":
        form = WorksheetForm(worksheet, data=request.POST, only=only, prefix="skizze")
        try:
            version = int(request.POST.get("version") or 0)
        except ValueError:
            version = 0
        if form.add_rows_requested:
            status = 200
        elif form.is_valid():
            try:
                portfolio.update_project(
                    actor=_user(request),
                    project=project,
                    version=version,
                    values={"sketch": form.cleaned_answers},
                )
            except VersionConflict as exc:
                conflict = exc.message
                current = exc.item
                assert isinstance(current, Project)
                project = current
                version = current.version
                status = 409
            except ValidationError as exc:
                form.add_error(None, exc.messages)
                status = 400
            else:
                messages.success(
                    request,
                    _("Die Projektskizze zu %(p)s ist gespeichert.") % {"p": project.describe()},
                )
                return redirect(_url(ctx, "project_detail", project.pk))
        else:
            status = 400
    else:
        form = WorksheetForm(worksheet, initial=project.sketch or {}, only=only, prefix="skizze")
    return render(
        request,
        "strategy/portfolio/project_sketch.html",
        _base(
            ctx,
            project=project,
            worksheet=worksheet,
            form=form,
            version=version,
            conflict=conflict,
            column_fields=[f for f in worksheet.fields if f.id in portfolio.SKETCH_COLUMNS],
        ),
        status=status,
    )


@login_required
@require_POST
def project_delete(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    try:
        version = int(request.POST.get("version") or project.version)
    except ValueError:
        version = project.version
    try:
        saved = portfolio.delete_project(actor=_user(request), project=project, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "project_detail", project.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "project_detail", project.pk))
    messages.success(
        request,
        _("%(p)s ist gelöscht; Sie können es 30 Tage lang wiederherstellen.")
        % {"p": saved.project.describe()},
    )
    _warn(request, saved.warnings)
    return redirect(_url(ctx, "portfolio"))


@login_required
@require_POST
def project_restore(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    project = get_object_or_404(
        Project.all_objects, pk=pk, workspace=ctx.workspace, deleted_at__isnull=False
    )
    _require_edit(ctx)
    try:
        saved = portfolio.restore_project(actor=_user(request), project=project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "portfolio"))
    messages.success(request, _("%(p)s ist wiederhergestellt.") % {"p": saved.project.describe()})
    _warn(request, saved.warnings)
    return redirect(_url(ctx, "project_detail", project.pk))


# --------------------------------------------------------------------------- milestones


def _render_milestone(
    request: HttpRequest,
    ctx: Context,
    form: MilestoneForm,
    project: Project,
    milestone: Milestone | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "strategy/portfolio/milestone_form.html",
        _base(ctx, form=form, project=project, milestone=milestone),
        status=status,
    )


@login_required
def milestone_create(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    if request.method != "POST":
        return _render_milestone(request, ctx, MilestoneForm(), project, None)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            milestone = portfolio.create_milestone(
                actor=_user(request), project=project, values=form.values()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(m)s ist angelegt.") % {"m": milestone.describe()})
            return redirect(_url(ctx, "project_detail", project.pk))
    return _render_milestone(request, ctx, form, project, None, status=400)


def _milestone_or_404(ctx: Context, pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("project"),
        pk=pk,
        workspace=ctx.workspace,
        project__deleted_at__isnull=True,
    )


@login_required
def milestone_edit(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    milestone = _milestone_or_404(ctx, pk)
    _require_edit(ctx)
    project = milestone.project
    if request.method != "POST":
        form = MilestoneForm(initial=MilestoneForm.initial_for(milestone))
        return _render_milestone(request, ctx, form, project, milestone)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            portfolio.update_milestone(
                actor=_user(request),
                milestone=milestone,
                version=form.cleaned_data["version"] or 0,
                values=form.values(),
            )
        except VersionConflict as exc:
            current = exc.item
            assert isinstance(current, Milestone)
            form = MilestoneForm(_rebase(request, current.version))
            form.is_valid()
            _conflict(form, exc)
            milestone = current
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(m)s ist gespeichert.") % {"m": milestone.describe()})
            return redirect(_url(ctx, "project_detail", project.pk))
    return _render_milestone(request, ctx, form, project, milestone, status=_status(form))


@login_required
@require_POST
def milestone_delete(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    milestone = _milestone_or_404(ctx, pk)
    _require_edit(ctx)
    try:
        version = int(request.POST.get("version") or milestone.version)
    except ValueError:
        version = milestone.version
    try:
        portfolio.delete_milestone(actor=_user(request), milestone=milestone, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(m)s ist gelöscht; Sie können ihn 30 Tage lang wiederherstellen.")
            % {"m": milestone.describe()},
        )
    return redirect(_url(ctx, "project_detail", milestone.project_id))


@login_required
@require_POST
def milestone_restore(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    milestone = get_object_or_404(
        Milestone.all_objects, pk=pk, workspace=ctx.workspace, deleted_at__isnull=False
    )
    _require_edit(ctx)
    try:
        portfolio.restore_milestone(actor=_user(request), milestone=milestone)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(m)s ist wiederhergestellt.") % {"m": milestone.describe()})
    if not Project.objects.filter(pk=milestone.project_id).exists():
        return redirect(_url(ctx, "portfolio"))
    return redirect(_url(ctx, "project_detail", milestone.project_id))


# --------------------------------------------------------------------------- roadmap


@login_required
def roadmap(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The roadmap: by horizon, by field of action × horizon, and on a time axis (an SVG
    figure backed by a table of the same dates)."""
    ctx = _context(request, municipality, workspace)
    return render(
        request,
        "strategy/portfolio/roadmap.html",
        _base(ctx, roadmap=portfolio.roadmap(ctx.workspace)),
    )


# --------------------------------------------------------------------------- project matrix


@login_required
def project_matrix(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The project matrix: the weights of the criteria in their four groups (set and published
    by the core team), scores, weighted totals, ranking and the traffic light per project.
    POST saves the weights (core team)."""
    ctx = _context(request, municipality, workspace)
    matrix = portfolio.matrix(ctx.workspace)
    row = matrix.weighting
    is_core = ctx.member.role == WorkspaceMember.Role.CORE_TEAM
    status = 200
    form: WeightsForm | None = None
    if request.method == "POST":
        if not is_core:
            raise PermissionDenied(_("Die Gewichte der Auswahlkriterien legt das Kernteam fest."))
        form = WeightsForm(request.POST, weights=matrix.weights)
        if form.is_valid():
            try:
                saved = portfolio.save_weights(
                    actor=_user(request),
                    workspace=ctx.workspace,
                    weights=form.weights(),
                    version=form.cleaned_data["version"],
                    publish=request.POST.get("aktion") == "veroeffentlichen",
                    confirm=form.cleaned_data["confirm"],
                )
            except VersionConflict as exc:
                current = exc.item
                form = WeightsForm(_rebase(request, current.version), weights=matrix.weights)
                form.is_valid()
                _conflict(form, exc)
            except ValidationError as exc:
                _add_errors(form, exc)
                if "confirm" in getattr(exc, "message_dict", {}):
                    form.needs_confirm = True  # type: ignore[attr-defined]
            else:
                if saved.is_published:
                    messages.success(
                        request,
                        _("Fassung %(n)s der Gewichte ist veröffentlicht und für alle sichtbar.")
                        % {"n": saved.number},
                    )
                else:
                    messages.success(request, _("Der Entwurf der Gewichte ist gespeichert."))
                return redirect(_url(ctx, "project_matrix"))
        status = _status(form)
    elif is_core:
        form = WeightsForm(
            initial={"version": row.version if row else None}, weights=matrix.weights
        )
    return render(
        request,
        "strategy/portfolio/project_matrix.html",
        _base(
            ctx,
            matrix=matrix,
            form=form,
            is_core=is_core,
            show_weights=matrix.published or is_core,
            groups=portfolio.criteria_groups(),
            history=list(reversed(row.history)) if row else [],
            score_labels=portfolio.score_labels(),
            scored=portfolio.current_scores_count(ctx.workspace, matrix.number)
            if matrix.published
            else 0,
            lights=dict(traffic_light_choices()),
        ),
        status=status,
    )


@login_required
def project_scores(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """Score one project on every criterion under the published weights."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    matrix = portfolio.matrix(ctx.workspace, rows=[project])
    row = matrix.rows[0]
    if not matrix.published:
        messages.error(
            request,
            _(
                "Die Gewichte der Auswahlkriterien sind noch nicht veröffentlicht. Bewertet wird "
                "erst, wenn das Kernteam sie festgelegt und bekannt gemacht hat."
            ),
        )
        return redirect(_url(ctx, "project_matrix"))
    status = 200
    if request.method == "POST":
        form = ScoreForm(request.POST, row=row)
        if form.is_valid():
            try:
                portfolio.score_project(
                    actor=_user(request),
                    project=project,
                    weighting_number=form.cleaned_data["number"],
                    scores=form.scores(),
                    versions=form.versions(),
                )
            except portfolio.WeightingChanged as exc:
                matrix = portfolio.matrix(ctx.workspace, rows=[project])
                row = matrix.rows[0]
                data = request.POST.copy()
                data["number"] = str(exc.current_number)
                form = ScoreForm(data, row=row)
                form.is_valid()
                form.add_error(None, exc.message)
                status = 409
            except VersionConflict as exc:
                project = Project.objects.get(pk=project.pk)
                matrix = portfolio.matrix(ctx.workspace, rows=[project])
                row = matrix.rows[0]
                form = ScoreForm(row=row, initial={"number": matrix.number})
                form.add_error(None, exc.message)
                status = 409
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("Die Bewertung von %(p)s ist gespeichert.") % {"p": project.describe()},
                )
                return redirect(_url(ctx, "project_matrix"))
        else:
            status = 400
    else:
        form = ScoreForm(row=row, initial={"number": matrix.number})
    return render(
        request,
        "strategy/portfolio/project_scores.html",
        _base(ctx, project=project, matrix=matrix, row=row, form=form),
        status=status,
    )


@login_required
def project_decision(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    """The traffic light of one project with its rationale."""
    ctx = _context(request, municipality, workspace)
    project = _project_or_404(ctx, pk)
    _require_edit(ctx)
    status = 200
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                portfolio.decide_traffic_light(
                    actor=_user(request),
                    project=project,
                    version=form.cleaned_data["version"],
                    traffic_light=form.cleaned_data["traffic_light"],
                    rationale=form.cleaned_data["rationale"],
                )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, Project)
                project = current
                form = DecisionForm(_rebase(request, current.version))
                form.is_valid()
                _conflict(form, exc)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, errors in exc.message_dict.items():
                        target = "rationale" if key == "traffic_light_rationale" else key
                        form.add_error(target if target in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Die Ampel für %(p)s ist gespeichert.") % {"p": project.describe()},
                )
                return redirect(_url(ctx, "project_matrix"))
        status = _status(form)
    else:
        form = DecisionForm(
            initial={
                "version": project.version,
                "traffic_light": project.traffic_light,
                "rationale": project.traffic_light_rationale,
            }
        )
    matrix, row = _matrix_row(ctx, project)
    return render(
        request,
        "strategy/portfolio/project_decision.html",
        _base(ctx, project=project, form=form, row=row, matrix=matrix),
        status=status,
    )
