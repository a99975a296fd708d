"""Pages of the risk matrix (step 6; docs/strategy_risks.md) under
/strategie/<kommune>/<arbeitsraum>/risiken/.

Non-members get 404 (:func:`kompass.strategy.views._context`), members whose role does not
allow a change 403. The views parse forms, call :mod:`kompass.strategy.risks` and render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kompass.strategy import risks
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Project, WorkspaceMember
from kompass.strategy.models_risks import (
    RISK_SCALE_MAX_LEVELS,
    RISK_SCALE_MIN_LEVELS,
    Risk,
    RiskBand,
    RiskScale,
)
from kompass.strategy.views import Context, _add_form_errors, _base, _context, _user

# --------------------------------------------------------------------------- forms


def _level_choices(labels: list[str]) -> list[tuple[str, str]]:
    return [(str(i), f"{i} – {label}") for i, label in enumerate(labels, start=1)]


def _with_none(choices: list[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


def _col(column_id: str) -> Any:
    return risks.column(column_id)


class RiskForm(forms.Form):
    """Every column of the worksheet's risks table; labels and help come from
    worksheets.yaml. ``scored=False`` leaves out probability and damage (a risk due for
    re-scoring is scored on its own page)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label=gettext_lazy("Kurzbezeichnung"),
        max_length=200,
        help_text=gettext_lazy("Ein kurzer Name für Listen und die Risikomatrix."),
        error_messages={"required": gettext_lazy("Bitte eine Kurzbezeichnung angeben.")},
    )
    project = forms.ChoiceField(label=gettext_lazy("Bezug"), required=False)
    category = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    category_other = forms.CharField(
        label=gettext_lazy("Andere Art (falls keine der vorgeschlagenen passt)"),
        max_length=120,
        required=False,
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    example = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    perspective = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    consequence_types = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple
    )
    probability = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    damage = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    scope = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    duration = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    influence_level = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    related_risks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    mitigation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    emergency_plan = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    abort_criteria = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(required=False)
    owner_name = forms.CharField(
        label=gettext_lazy("oder: Person außerhalb des Arbeitsraums"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Name und Stelle, z. B. „Herr Beispiel, Ordnungsamt“."),
    )

    def __init__(
        self, *args: Any, ctx: Context, scale: RiskScale, scored: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        workspace = ctx.workspace
        for name in (
            "category",
            "description",
            "example",
            "perspective",
            "consequence_types",
            "probability",
            "damage",
            "scope",
            "duration",
            "influence_level",
            "related_risks",
            "mitigation",
            "emergency_plan",
            "abort_criteria",
            "owner",
        ):
            column = _col(name)
            self.fields[name].label = column.label
            if column.help:
                self.fields[name].help_text = column.help
        self.fields["project"].choices = [
            ("", _("Gesamte Strategie (übergeordnetes Risiko)")),
            *[(str(p.pk), p.title) for p in risks.projects_of(workspace)],
        ]
        self.fields["category"].choices = [
            *[(c.slug, c.title) for c in risks.categories()],
            (Risk.OTHER_CATEGORY, _("Andere Art")),
            ("", _("noch offen")),
        ]
        self.fields["category"].help_text = _(
            "Die Arten der Arbeitshilfe sind Vorschläge; Beispiele stehen unter dem Formular."
        )
        for name in ("perspective", "duration", "influence_level"):
            self.fields[name].choices = _with_none(risks.options(name), _("keine Angabe"))
        self.fields["consequence_types"].choices = risks.options("consequence_types")
        not_scored = _("noch nicht bewertet")
        self.fields["probability"].choices = _with_none(
            _level_choices(scale.probability_labels), not_scored
        )
        self.fields["damage"].choices = _with_none(_level_choices(scale.damage_labels), not_scored)
        self.fields["scope"].choices = _with_none(
            _level_choices(risks.scope_labels()), _("keine Angabe")
        )
        members = WorkspaceMember.objects.filter(workspace=workspace).select_related("user")
        self.fields["owner"].choices = [
            ("", _("– niemand aus dem Arbeitsraum –")),
            *[(str(m.pk), str(m.user)) for m in members.order_by("user__name", "user__email")],
        ]
        if not scored:
            del self.fields["probability"]
            del self.fields["damage"]

    @staticmethod
    def initial_for(risk: Risk) -> dict[str, Any]:
        return {
            "version": risk.version,
            "title": risk.title,
            "project": str(risk.project_id or ""),
            "category": risk.category,
            "category_other": risk.category_other,
            "description": risk.description,
            "example": risk.example,
            "perspective": risk.perspective,
            "consequence_types": list(risk.consequence_types or []),
            "probability": str(risk.probability or ""),
            "damage": str(risk.damage or ""),
            "scope": str(risk.scope or ""),
            "duration": risk.duration,
            "influence_level": risk.influence_level,
            "related_risks": risk.related_risks,
            "mitigation": risk.mitigation,
            "emergency_plan": risk.emergency_plan,
            "abort_criteria": risk.abort_criteria,
            "owner": str(risk.owner_id or ""),
            "owner_name": risk.owner_name,
        }

    def values(self) -> dict[str, Any]:
        """The cleaned data as service arguments."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return {name: value for name, value in data.items() if name in risks.EDITABLE}


class RescoreForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    probability = forms.ChoiceField(widget=forms.RadioSelect)
    damage = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, scale: RiskScale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["probability"].label = _col("probability").label
        self.fields["damage"].label = _col("damage").label
        self.fields["probability"].choices = _level_choices(scale.probability_labels)
        self.fields["damage"].choices = _level_choices(scale.damage_labels)
        self.fields["probability"].error_messages["required"] = _(
            "Bitte die Eintrittswahrscheinlichkeit nach der jetzigen Skala wählen."
        )
        self.fields["damage"].error_messages["required"] = _(
            "Bitte die Schadenshöhe nach der jetzigen Skala wählen."
        )


class ScaleForm(forms.Form):
    """Up to ten labels per scale; empty rows at the end mean fewer levels."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, affected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for prefix, what in (("p", _("Eintrittswahrscheinlichkeit")), ("d", _("Schadenshöhe"))):
            for level in range(1, RISK_SCALE_MAX_LEVELS + 1):
                self.fields[f"{prefix}_{level}"] = forms.CharField(
                    label=_("%(what)s, Stufe %(n)s") % {"what": what, "n": level},
                    required=False,
                    max_length=200,
                )
        self.fields["confirm"].label = _(
            "Ja, die Skala ändern. Die %(n)s bewerteten Risiken müssen danach neu bewertet werden."
        ) % {"n": affected}
        if not affected:
            del self.fields["confirm"]

    @staticmethod
    def initial_for(scale: RiskScale) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": scale.version}
        for prefix, labels in (("p", scale.probability_labels), ("d", scale.damage_labels)):
            for level, label in enumerate(labels, start=1):
                initial[f"{prefix}_{level}"] = label
        return initial

    def labels(self, prefix: str) -> list[str]:
        return [
            self.cleaned_data.get(f"{prefix}_{level}") or ""
            for level in range(1, RISK_SCALE_MAX_LEVELS + 1)
        ]

    def level_fields(self, prefix: str) -> list[Any]:
        return [self[f"{prefix}_{level}"] for level in range(1, RISK_SCALE_MAX_LEVELS + 1)]


# --------------------------------------------------------------------------- helpers


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _risk_or_404(ctx: Context, pk: int) -> Risk:
    risk = risks.visible_risks(ctx.workspace).filter(pk=pk).first()
    if risk is None:
        raise Http404
    return risk


def _conflicted(form: forms.Form) -> bool:
    return any("inzwischen geändert" in str(e) for e in form.non_field_errors())


def _again(request: HttpRequest, version: int) -> QueryDict:
    data = request.POST.copy()
    data["version"] = str(version)
    return data


def _filter_from(request: HttpRequest) -> risks.RiskFilter:
    get = request.GET
    sort = get.get("sortierung", risks.DEFAULT_SORT)
    return risks.RiskFilter(
        project=get.get("projekt", ""),
        category=get.get("kategorie", ""),
        band=get.get("stufe", "") if get.get("stufe", "") in RiskBand.values else "",
        owner=get.get("verantwortlich", ""),
        rescore=get.get("neu-bewerten") == "1",
        sort=sort if sort in risks.SORTS else risks.DEFAULT_SORT,
        probability=get.get("wahrscheinlichkeit", ""),
        damage=get.get("schaden", ""),
    )


def _band_labels() -> dict[str, str]:
    return {k: str(v) for k, v in RiskBand.choices}


# --------------------------------------------------------------------------- list


@login_required
def risk_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The risks: filter by project, category, band, owner and „neu bewerten“, sorted by
    score (default), title, category, project or last change. Risks scored under an older
    scale are listed apart with their old values and old labels."""
    ctx = _context(request, municipality, workspace)
    scale = risks.current_scale(ctx.workspace)
    chosen = _filter_from(request)
    versions = risks.scale_versions(ctx.workspace)
    current = [] if chosen.rescore else list(risks.filter_risks(ctx.workspace, scale, chosen))
    rescore_filter = risks.RiskFilter(**{**chosen.__dict__, "rescore": True, "band": ""})
    outdated = (
        []
        if chosen.band or chosen.probability or chosen.damage
        else [
            (r, risks.score_view(r, versions))
            for r in risks.filter_risks(ctx.workspace, scale, rescore_filter)
        ]
    )
    project = None
    problems: list[str] = []
    if chosen.project.isdigit():
        project = risks.projects_of(ctx.workspace).filter(pk=int(chosen.project)).first()
        if project is not None:
            problems = risks.assessment_problems(project, scale)
    members = WorkspaceMember.objects.filter(workspace=ctx.workspace).select_related("user")
    return render(
        request,
        "strategy/risks/risk_list.html",
        _base(
            ctx,
            scale=scale,
            chosen=chosen,
            current=[(r, risks.score_view(r, versions)) for r in current],
            outdated=outdated,
            projects=list(risks.projects_of(ctx.workspace)),
            categories=risks.categories(),
            bands=RiskBand.choices,
            members=members.order_by("user__name", "user__email"),
            sorts=[
                ("wert", _("Risikowert, höchster zuerst")),
                ("wert-aufsteigend", _("Risikowert, niedrigster zuerst")),
                ("titel", _("Kurzbezeichnung")),
                ("kategorie", _("Art der Risiken")),
                ("projekt", _("Projekt")),
                ("geaendert", _("zuletzt geändert")),
            ],
            strategy_level=risks.STRATEGY_LEVEL,
            project=project,
            problems=problems,
            deleted=risks.deleted_risks(ctx.workspace) if ctx.can.edit_steps else [],
            filtered=bool(
                chosen.project
                or chosen.category
                or chosen.band
                or chosen.owner
                or chosen.rescore
                or chosen.probability
                or chosen.damage
            ),
        ),
    )


# --------------------------------------------------------------------------- heat map


@login_required
def risk_heatmap(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Probability × damage as a table: the number of risks per cell (linked to the list),
    the band as text and colour, a legend; risks due for re-scoring counted apart."""
    ctx = _context(request, municipality, workspace)
    project = request.GET.get("projekt", "")
    heat = risks.heatmap(ctx.workspace, project)
    list_url = _url(ctx, "risk_list")
    rows = []
    for row in heat.rows:
        cells = []
        for cell in row.cells:
            query = {"wahrscheinlichkeit": cell.probability, "schaden": cell.damage}
            if project:
                query["projekt"] = project
            cells.append((cell, f"{list_url}?{urlencode(query)}"))
        rows.append((row, cells))
    project_title = ""
    if project == risks.STRATEGY_LEVEL:
        project_title = _("Gesamte Strategie")
    elif project.isdigit():
        found = risks.projects_of(ctx.workspace).filter(pk=int(project)).first()
        project_title = found.title if found else ""
    return render(
        request,
        "strategy/risks/risk_heatmap.html",
        _base(
            ctx,
            heat=heat,
            rows=rows,
            probability_labels=list(enumerate(heat.scale.probability_labels, start=1)),
            band_labels=_band_labels(),
            projects=list(risks.projects_of(ctx.workspace)),
            project=project,
            project_title=project_title,
            strategy_level=risks.STRATEGY_LEVEL,
            rescore_url=f"{list_url}?neu-bewerten=1",
        ),
    )


# --------------------------------------------------------------------------- create, edit


def _render_form(
    request: HttpRequest,
    ctx: Context,
    form: RiskForm,
    *,
    risk: Risk | None,
    scale: RiskScale,
    status: int = 200,
) -> HttpResponse:
    versions = risks.scale_versions(ctx.workspace)
    return render(
        request,
        "strategy/risks/risk_form.html",
        _base(
            ctx,
            form=form,
            groups=[
                (legend, [form[name] for name in names if name in form.fields])
                for legend, names in FORM_GROUPS
            ],
            readonly=_readonly(risk) if risk is not None else [],
            risk=risk,
            scale=scale,
            categories=risks.categories(),
            score=risks.score_view(risk, versions) if risk else None,
            outdated=risk is not None and risks.needs_rescore(risk, scale),
            history=list(risks.history(risk)[:50]) if risk else [],
            band_labels=_band_labels(),
            scope_labels=risks.scope_labels(),
        ),
        status=status,
    )


#: The form's groups (legend, fields), in the order of the worksheet's columns.
FORM_GROUPS: list[tuple[Any, tuple[str, ...]]] = [
    (gettext_lazy("Einordnung"), ("title", "project", "category", "category_other")),
    (
        gettext_lazy("Beschreibung"),
        ("description", "example", "perspective", "consequence_types", "related_risks"),
    ),
    (
        gettext_lazy("Bewertung"),
        ("probability", "damage", "scope", "duration", "influence_level"),
    ),
    (gettext_lazy("Umgang mit dem Risiko"), ("mitigation", "emergency_plan", "abort_criteria")),
    (gettext_lazy("Verantwortung"), ("owner", "owner_name")),
]


def _readonly(risk: Risk) -> list[tuple[str, str]]:
    """The risk's fields as (label, text) for members who only read."""
    rows = [(str(Risk.tracked_fields["title"]), risk.title)]
    rows.append((_("Art der Risiken"), risk.category_label))
    for name in (
        "description",
        "example",
        "perspective",
        "consequence_types",
        "scope",
        "duration",
        "influence_level",
        "related_risks",
        "mitigation",
        "emergency_plan",
        "abort_criteria",
    ):
        value: Any = getattr(risk, name)
        if name == "scope" and value:
            text = f"{value} – {risks.scope_labels()[value - 1]}"
        elif value in (None, "", []):
            text = ""
        else:
            text = risk.display_value(name, value)
        rows.append((str(risks.column(name).label), text))
    rows.append((str(risks.column("owner").label), risk.owner_label))
    return rows


@login_required
def risk_create(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """A new risk; ``?projekt=<id>`` preselects the project."""
    ctx = _context(request, municipality, workspace)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    scale = risks.current_scale(ctx.workspace)
    if request.method != "POST":
        form = RiskForm(ctx=ctx, scale=scale, initial={"project": request.GET.get("projekt", "")})
        return _render_form(request, ctx, form, risk=None, scale=scale)
    form = RiskForm(request.POST, ctx=ctx, scale=scale)
    if form.is_valid():
        try:
            risk = risks.create_risk(actor=_user(request), workspace=ctx.workspace, **form.values())
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("%(risk)s ist erfasst.") % {"risk": risk.describe()})
            return redirect(_url(ctx, "risk_detail", risk.pk))
    return _render_form(request, ctx, form, risk=None, scale=scale, status=400)


@login_required
def risk_detail(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """One risk: every field, its change history; the form for the core team and
    contributors. A stale form is refused (409) and shown again on the current version."""
    ctx = _context(request, municipality, workspace)
    risk = _risk_or_404(ctx, pk)
    scale = risks.current_scale(ctx.workspace)
    scored = not risks.needs_rescore(risk, scale)
    if request.method != "POST":
        form = RiskForm(ctx=ctx, scale=scale, scored=scored, initial=RiskForm.initial_for(risk))
        return _render_form(request, ctx, form, risk=risk, scale=scale)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = RiskForm(request.POST, ctx=ctx, scale=scale, scored=scored)
    if form.is_valid():
        try:
            risks.update_risk(
                actor=_user(request),
                risk=risk,
                version=form.cleaned_data["version"] or 0,
                **form.values(),
            )
        except VersionConflict as exc:
            current = exc.item
            assert isinstance(current, Risk)
            risk = current
            scored = not risks.needs_rescore(risk, scale)
            form = RiskForm(_again(request, current.version), ctx=ctx, scale=scale, scored=scored)
            form.is_valid()
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("%(risk)s ist gespeichert.") % {"risk": risk.describe()})
            return redirect(request.path)
    status = 409 if _conflicted(form) else 400
    return _render_form(request, ctx, form, risk=risk, scale=scale, status=status)


@login_required
@require_POST
def risk_delete(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    risk = _risk_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        version = int(request.POST.get("version") or risk.version)
    except ValueError:
        version = 0
    try:
        risks.delete_risk(actor=_user(request), risk=risk, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "risk_detail", risk.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "risk_list"))
    messages.success(
        request,
        _("%(risk)s ist gelöscht; Sie können es 30 Tage lang wiederherstellen.")
        % {"risk": risk.describe()},
    )
    return redirect(_url(ctx, "risk_list"))


@login_required
@require_POST
def risk_restore(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    risk = get_object_or_404(
        Risk.all_objects, pk=pk, workspace=ctx.workspace, deleted_at__isnull=False
    )
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        risks.restore_risk(actor=_user(request), risk=risk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "risk_list"))
    messages.success(request, _("%(risk)s ist wiederhergestellt.") % {"risk": risk.describe()})
    return redirect(_url(ctx, "risk_detail", risk.pk))


# --------------------------------------------------------------------------- re-score


@login_required
def risk_rescore(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Score a risk under the current scale. Shows the old values with the old labels and,
    on request (``?vorschlag=1``), pre-fills a proportional proposal – saved only when the
    person submits it."""
    ctx = _context(request, municipality, workspace)
    risk = _risk_or_404(ctx, pk)
    scale = risks.current_scale(ctx.workspace)
    status = 200
    proposal = risks.proposal(risk, scale)
    if request.method == "POST":
        if not ctx.can.edit_steps:
            raise PermissionDenied
        form = RescoreForm(request.POST, scale=scale)
        if form.is_valid():
            data = form.cleaned_data
            try:
                risks.rescore_risk(
                    actor=_user(request),
                    risk=risk,
                    version=data["version"],
                    probability=data["probability"],
                    damage=data["damage"],
                )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, Risk)
                risk = current
                form = RescoreForm(_again(request, current.version), scale=scale)
                form.is_valid()
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(risk)s ist nach der jetzigen Skala bewertet.") % {"risk": risk.describe()},
                )
                return redirect(_url(ctx, "risk_detail", risk.pk))
        status = 409 if _conflicted(form) else 400
    else:
        initial: dict[str, Any] = {"version": risk.version}
        if request.GET.get("vorschlag") == "1" and proposal is not None:
            initial.update(probability=str(proposal[0]), damage=str(proposal[1]))
        elif not risks.needs_rescore(risk, scale) and risk.is_scored:
            initial.update(probability=str(risk.probability), damage=str(risk.damage))
        form = RescoreForm(initial=initial, scale=scale)
    return render(
        request,
        "strategy/risks/risk_rescore.html",
        _base(
            ctx,
            risk=risk,
            scale=scale,
            form=form,
            score=risks.score_view(risk, risks.scale_versions(ctx.workspace)),
            outdated=risks.needs_rescore(risk, scale),
            proposal=(
                (
                    proposal[0],
                    scale.probability_labels[proposal[0] - 1],
                    proposal[1],
                    scale.damage_labels[proposal[1] - 1],
                )
                if proposal
                else None
            ),
            proposal_shown=request.GET.get("vorschlag") == "1",
        ),
        status=status,
    )


# --------------------------------------------------------------------------- scale


@login_required
def risk_scale(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The scales of probability and damage: 3-10 levels with a label each. Only the core
    team changes them; with scored risks the change must be confirmed."""
    ctx = _context(request, municipality, workspace)
    scale = risks.current_scale(ctx.workspace)
    affected = risks.scored_under(scale).count()
    may_change = risks.can_change_scale(ctx.member.role)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = ScaleForm(request.POST, affected=affected)
        if form.is_valid():
            try:
                saved = risks.change_scale(
                    actor=_user(request),
                    workspace=ctx.workspace,
                    version=form.cleaned_data["version"],
                    probability_labels=form.labels("p"),
                    damage_labels=form.labels("d"),
                    confirm=bool(form.cleaned_data.get("confirm")),
                )
            except VersionConflict as exc:
                current = exc.item
                assert isinstance(current, RiskScale)
                scale = current
                affected = risks.scored_under(scale).count()
                form = ScaleForm(_again(request, current.version), affected=affected)
                form.is_valid()
                form.add_error(None, exc.message)
            except ValidationError as exc:
                _scale_errors(form, exc)
            else:
                if saved.version != scale.version:
                    messages.success(
                        request,
                        _("Die Skala ist geändert (jetzt Version %(v)s).") % {"v": saved.version},
                    )
                else:
                    messages.info(request, _("Die Skala ist unverändert."))
                return redirect(request.path)
        status = 409 if _conflicted(form) else 400
    else:
        form = ScaleForm(initial=ScaleForm.initial_for(scale), affected=affected)
    versions = sorted(risks.scale_versions(ctx.workspace).values(), key=lambda v: -v.version)
    return render(
        request,
        "strategy/risks/risk_scale.html",
        _base(
            ctx,
            scale=scale,
            form=form,
            affected=affected,
            may_change=may_change,
            versions=versions,
            min_levels=RISK_SCALE_MIN_LEVELS,
            max_levels=RISK_SCALE_MAX_LEVELS,
            axes=[
                ("p", _col("probability").label, form.level_fields("p"), "probability_labels"),
                ("d", _col("damage").label, form.level_fields("d"), "damage_labels"),
            ],
            axis_errors={
                name: form.errors.get(name, []) for name in ("probability_labels", "damage_labels")
            },
        ),
        status=status,
    )


def _scale_errors(form: ScaleForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        if name == "confirm":
            if "confirm" not in form.fields:
                # Someone scored a risk meanwhile: ask for the confirmation now.
                form.fields["confirm"] = forms.BooleanField(
                    required=False,
                    label=_(
                        "Ja, die Skala ändern. Die bewerteten Risiken müssen danach neu "
                        "bewertet werden."
                    ),
                )
            form.add_error("confirm", errors)
        else:
            # Errors of a whole scale are shown at its fieldset (form.errors[name]).
            form.errors.setdefault(name, form.error_class()).extend(errors)


# --------------------------------------------------------------------------- projects


@login_required
@require_POST
def risk_assessment_complete(
    request: HttpRequest, municipality: str, workspace: str, project_pk: int
) -> HttpResponse:
    """„Risikobewertung abgeschlossen“: project status from „Skizze“ to „Risiken bewertet“."""
    ctx = _context(request, municipality, workspace)
    project = get_object_or_404(Project, pk=project_pk, workspace=ctx.workspace)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        version = int(request.POST.get("version") or project.version)
    except ValueError:
        version = 0
    try:
        risks.complete_assessment(actor=_user(request), project=project, version=version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Die Risikobewertung von %(project)s ist abgeschlossen; Status: Risiken bewertet.")
            % {"project": project.describe()},
        )
    return redirect(f"{_url(ctx, 'risk_list')}?{urlencode({'projekt': project.pk})}")
