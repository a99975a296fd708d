"""Pages of fields of action, ideas and dot voting (steps 4 and 5; docs/strategy_ideas.md).

As every workspace page: non-members get 404, members whose role does not allow an action 403,
anonymous visitors the login page. Views parse, call :mod:`kompass.strategy.fields` or
:mod:`kompass.strategy.ideas` (the same services as the API) and render; a stale form answers
409 with the conflict message and the form again, based on the current version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kompass.strategy import fields as field_services
from kompass.strategy import ideas as idea_services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    VOTES_PER_PARTICIPANT,
    ActorGroup,
    FieldOfAction,
    Idea,
    Project,
)
from kompass.strategy.views import Context, _base, _context, _user

# --------------------------------------------------------------------------- forms


class FieldForm(forms.Form):
    """A field of action (step 4)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    title = forms.CharField(label=_lazy("Bezeichnung"), max_length=200)
    description = forms.CharField(
        label=_lazy("Beschreibung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    kind = forms.ChoiceField(
        label=_lazy("Ausrichtung"),
        choices=FieldOfAction.Kind.choices,
        initial=FieldOfAction.Kind.SECTORAL,
        widget=forms.RadioSelect,
    )
    spatial_reference = forms.ChoiceField(
        label=_lazy("Raumbezug"),
        choices=FieldOfAction.Spatial.choices,
        initial=FieldOfAction.Spatial.CITY,
        widget=forms.RadioSelect,
    )
    spatial_note = forms.CharField(
        label=_lazy("Welcher Stadtteil oder Teilraum?"),
        max_length=200,
        required=False,
        help_text=_lazy("Nur bei „Stadtteil oder Quartier“ und „anderer Teilraum“."),
    )
    municipal_role = forms.ChoiceField(label=_lazy("Rolle der Kommune"), required=False)
    responsibility = forms.ChoiceField(
        label=_lazy("Verantwortung der Kommune"),
        required=False,
        choices=[("", _lazy("– noch offen –")), *FieldOfAction.Responsibility.choices],
    )
    atlas_fields = forms.MultipleChoiceField(
        label=_lazy("Handlungsfelder des Smart-City-Atlas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("Danach richten sich die Vorschläge aus dem Atlas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = self.fields["municipal_role"]
        assert isinstance(roles, forms.ChoiceField)
        roles.choices = [("", _("– noch offen –")), *field_services.municipal_roles()]
        atlas = self.fields["atlas_fields"]
        assert isinstance(atlas, forms.MultipleChoiceField)
        atlas.choices = list(field_services.atlas_fields())

    @staticmethod
    def initial_for(field: FieldOfAction) -> dict[str, Any]:
        return {name: getattr(field, name) for name in field_services.EDITABLE} | {
            "version": field.version
        }


class SeedForm(forms.Form):
    terms = forms.MultipleChoiceField(
        label=_lazy("Handlungsfelder der beispielhaften Wirkungsmatrix"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Bitte mindestens ein Handlungsfeld auswählen.")},
    )

    def __init__(self, *args: Any, terms: list[field_services.MatrixTerm], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["terms"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (
                t.term,
                _seed_label(t),
            )
            for t in terms
        ]


def _seed_label(term: field_services.MatrixTerm) -> str:
    names = ", ".join(field_services.atlas_field_names(term.atlas_fields)) or "–"
    return _("%(term)s (im Atlas: %(names)s)") % {"term": term.term, "names": names}


class IdeaForm(forms.Form):
    """An idea card (worksheet 5)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    title = forms.CharField(label=_lazy("Projekt"), max_length=200)
    field_of_action = forms.TypedChoiceField(
        label=_lazy("Handlungsfeld"), required=False, coerce=int, empty_value=None
    )
    idea = forms.CharField(
        label=_lazy("Idee"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    goal = forms.CharField(
        label=_lazy("Ziel"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    partners = forms.CharField(
        label=_lazy("Mit wem?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Partnerinnen und Partner für die Umsetzung, eine Angabe je Zeile."),
    )
    round = forms.TypedChoiceField(label=_lazy("Runde von Arbeitsschritt 5"), coerce=int)
    status = forms.ChoiceField(label=_lazy("Status"), required=False)

    def __init__(self, *args: Any, ctx: Context, idea: Idea | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = ctx.workspace
        field = self.fields["field_of_action"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("– noch keinem zugeordnet –"))] + [
            (f.pk, f.title) for f in FieldOfAction.objects.filter(workspace=workspace)
        ]
        rounds = self.fields["round"]
        assert isinstance(rounds, forms.TypedChoiceField)
        rounds.choices = [
            (n, _("Runde %(n)s") % {"n": n}) for n in idea_services.step5_rounds(workspace)
        ]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        current = idea.status if idea is not None else Idea.Status.LONGLIST
        allowed = {current} | idea_services.TRANSITIONS.get(current, set())
        if idea is None:
            allowed = {Idea.Status.LONGLIST, Idea.Status.SHORTLIST}
        status.choices = [(v, label) for v, label in Idea.Status.choices if v in allowed]
        if not ctx.can.edit_steps:
            del self.fields["status"]

    @staticmethod
    def initial_for(idea: Idea) -> dict[str, Any]:
        return {
            "version": idea.version,
            "title": idea.title,
            "field_of_action": idea.field_of_action_id,
            "idea": idea.idea,
            "goal": idea.goal,
            "partners": "\n".join(idea.partners or []),
            "round": idea.round,
            "status": idea.status,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if not data.get("status"):
            data.pop("status", None)
        return data


# --------------------------------------------------------------------------- helpers


def _url(ctx: Context, name: str, *args: Any) -> str:
    return reverse(
        f"strategy:{name}", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, *args]
    )


def _form_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _conflict(form: forms.Form, exc: VersionConflict, request: HttpRequest) -> forms.Form:
    """The user's input again, now based on the current version, with the message."""
    data = request.POST.copy()
    data["version"] = str(exc.current_version)
    again = type(form)(data, **getattr(form, "_init_kwargs", {}))
    again.is_valid()
    again.add_error(None, exc.message)
    return again


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _field_or_404(ctx: Context, pk: int, *, deleted: bool = False) -> FieldOfAction:
    found = field_services.field_or_none(ctx.workspace, pk, deleted=deleted)
    if found is None:
        raise Http404
    return found


def _idea_or_404(ctx: Context, pk: int, *, deleted: bool = False) -> Idea:
    found = idea_services.idea_or_none(ctx.workspace, pk, deleted=deleted)
    if found is None:
        raise Http404
    return found


def _round_param(request: HttpRequest, ctx: Context, name: str = "runde") -> int:
    rounds = idea_services.step5_rounds(ctx.workspace)
    raw = request.GET.get(name) or request.POST.get(name) or ""
    if raw.isdigit() and int(raw) in rounds:
        return int(raw)
    return rounds[-1] if rounds else 1


# --------------------------------------------------------------------------- fields of action


@login_required
def field_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Step 4: the workspace's fields of action with their ideas and projects; editors seed
    them from the impact matrix, add, order, delete and restore."""
    ctx = _context(request, municipality, workspace)
    unused = field_services.unused_matrix_terms(ctx.workspace)
    return render(
        request,
        "strategy/ideas/field_list.html",
        _base(
            ctx,
            fields=list(field_services.live_fields(ctx.workspace)),
            deleted=list(field_services.deleted_fields(ctx.workspace))
            if ctx.can.edit_steps
            else [],
            seed_form=SeedForm(terms=unused) if unused else None,
            role_labels=dict(field_services.municipal_roles()),
        ),
    )


@login_required
@require_POST
def field_seed(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = SeedForm(request.POST, terms=field_services.unused_matrix_terms(ctx.workspace))
    if form.is_valid():
        try:
            created = field_services.seed_fields(
                actor=_user(request), workspace=ctx.workspace, terms=form.cleaned_data["terms"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(n)s Handlungsfelder aus der Wirkungsmatrix angelegt.") % {"n": len(created)},
            )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("terms", [])))
    return redirect(_url(ctx, "field_list"))


def _render_field_form(
    request: HttpRequest, ctx: Context, form: FieldForm, field: FieldOfAction | None, status: int
) -> HttpResponse:
    return render(
        request,
        "strategy/ideas/field_form.html",
        _base(ctx, form=form, field=field),
        status=status,
    )


def _field_values(form: FieldForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in field_services.EDITABLE}


@login_required
def field_create(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            field = field_services.create_field(
                actor=_user(request), workspace=ctx.workspace, **_field_values(form)
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(f)s ist angelegt.") % {"f": field.describe()})
            return redirect(_url(ctx, "field_detail", field.pk))
    return _render_field_form(request, ctx, form, None, 400 if form.errors else 200)


@login_required
def field_detail(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """One field: its facts, ideas and projects, and atlas projects and practice examples that
    share its atlas fields ("als Idee übernehmen")."""
    ctx = _context(request, municipality, workspace)
    field = _field_or_404(ctx, pk)
    return render(
        request,
        "strategy/ideas/field_detail.html",
        _base(
            ctx,
            field=field,
            atlas_names=field_services.atlas_field_names(field.atlas_fields or []),
            role_label=field_services.municipal_role_label(field.municipal_role)
            if field.municipal_role
            else "",
            ideas=list(idea_services.live_ideas(ctx.workspace).filter(field_of_action=field)),
            projects=list(Project.objects.filter(field_of_action=field)),
            suggestions=idea_services.suggestions(field),
        ),
    )


@login_required
def field_edit(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    field = _field_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    if request.method != "POST":
        form = FieldForm(initial=FieldForm.initial_for(field))
        return _render_field_form(request, ctx, form, field, 200)
    form = FieldForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            field_services.update_field(
                actor=_user(request),
                field=field,
                version=form.cleaned_data["version"] or 0,
                **_field_values(form),
            )
        except VersionConflict as exc:
            form = _conflict(form, exc, request)  # type: ignore[assignment]
            field = exc.item  # type: ignore[assignment]
            status = 409
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(f)s ist gespeichert.") % {"f": field.describe()})
            return redirect(_url(ctx, "field_detail", field.pk))
    return _render_field_form(request, ctx, form, field, status)


@login_required
@require_POST
def field_delete(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    field = _field_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        field_services.delete_field(
            actor=_user(request), field=field, version=_version(request) or field.version
        )
    except (VersionConflict, ValidationError) as exc:
        messages.error(
            request, exc.message if isinstance(exc, VersionConflict) else " ".join(exc.messages)
        )
        return redirect(_url(ctx, "field_detail", field.pk))
    messages.success(
        request,
        _("%(f)s ist gelöscht; Sie können es 30 Tage lang wiederherstellen.")
        % {"f": field.describe()},
    )
    return redirect(_url(ctx, "field_list"))


@login_required
@require_POST
def field_restore(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    field = _field_or_404(ctx, pk, deleted=True)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        field_services.restore_field(actor=_user(request), field=field)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(f)s ist wiederhergestellt.") % {"f": field.describe()})
    return redirect(_url(ctx, "field_list"))


@login_required
@require_POST
def field_move(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    field = _field_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        field_services.move_field(
            actor=_user(request),
            field=field,
            version=_version(request) or field.version,
            direction=request.POST.get("richtung", ""),
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{_url(ctx, 'field_list')}#feld-{field.pk}")


# --------------------------------------------------------------------------- ideas


@login_required
def idea_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Idea cards grouped by field of action; filter by round (``?runde=``) and status
    (``?status=``); how many ideas each field has against the average."""
    ctx = _context(request, municipality, workspace)
    rounds = idea_services.step5_rounds(ctx.workspace)
    raw_round = request.GET.get("runde", "")
    round_number = int(raw_round) if raw_round.isdigit() and int(raw_round) in rounds else None
    status = request.GET.get("status", "")
    if status not in Idea.Status.values:
        status = ""
    ideas = idea_services.live_ideas(ctx.workspace)
    if round_number is not None:
        ideas = ideas.filter(round=round_number)
    if status:
        ideas = ideas.filter(status=status)
    fields = list(FieldOfAction.objects.filter(workspace=ctx.workspace))
    by_field: dict[int | None, list[Idea]] = {f.pk: [] for f in fields}
    for idea in ideas:
        key = idea.field_of_action_id if idea.field_of_action_id in by_field else None
        by_field.setdefault(key, []).append(idea)
    groups = [(f, by_field[f.pk]) for f in fields]
    if by_field.get(None):
        groups.append((None, by_field[None]))
    return render(
        request,
        "strategy/ideas/idea_list.html",
        _base(
            ctx,
            groups=groups,
            count=sum(len(v) for v in by_field.values()),
            rounds=rounds,
            round_number=round_number,
            status=status,
            statuses=Idea.Status.choices,
            balance=idea_services.field_balance(ctx.workspace, round_number),
            deleted=list(idea_services.deleted_ideas(ctx.workspace)) if ctx.can.contribute else [],
            user_id=request.user.pk,
        ),
    )


def _render_idea_form(
    request: HttpRequest, ctx: Context, form: IdeaForm, idea: Idea | None, status: int
) -> HttpResponse:
    return render(
        request,
        "strategy/ideas/idea_form.html",
        _base(ctx, form=form, idea=idea),
        status=status,
    )


@login_required
def idea_create(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if not ctx.can.contribute:
        raise PermissionDenied
    initial = {"round": idea_services.current_round(ctx.workspace)}
    preset = request.GET.get("handlungsfeld", "")
    if preset.isdigit():
        initial["field_of_action"] = int(preset)
    form = IdeaForm(request.POST or None, ctx=ctx, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            idea = idea_services.create_idea(
                actor=_user(request), workspace=ctx.workspace, **form.values()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(i)s ist angelegt.") % {"i": idea.describe()})
            return redirect(_url(ctx, "idea_detail", idea.pk))
    return _render_idea_form(request, ctx, form, None, 400 if form.errors else 200)


@login_required
def idea_detail(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    totals = idea_services.totals_by_idea([idea])[idea.pk]
    return render(
        request,
        "strategy/ideas/idea_detail.html",
        _base(
            ctx,
            idea=idea,
            project=idea_services.linked_project(idea),
            may_edit=idea_services.may_edit(request.user, idea),
            groups=[(idea_services.GROUP_STYLES[g], totals.get(g, 0)) for g in ActorGroup.values],
            total=sum(totals.values()),
        ),
    )


@login_required
def idea_edit(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    if not idea_services.may_edit(request.user, idea):
        raise PermissionDenied
    if request.method != "POST":
        form = IdeaForm(ctx=ctx, idea=idea, initial=IdeaForm.initial_for(idea))
        return _render_idea_form(request, ctx, form, idea, 200)
    form = IdeaForm(request.POST, ctx=ctx, idea=idea)
    status = 400
    if form.is_valid():
        try:
            idea_services.update_idea(
                actor=_user(request),
                idea=idea,
                version=form.cleaned_data["version"] or 0,
                values=form.values(),
            )
        except VersionConflict as exc:
            current = exc.item
            assert isinstance(current, Idea)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = IdeaForm(data, ctx=ctx, idea=current)
            form.is_valid()
            form.add_error(None, exc.message)
            idea = current
            status = 409
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("%(i)s ist gespeichert.") % {"i": idea.describe()})
            return redirect(_url(ctx, "idea_detail", idea.pk))
    return _render_idea_form(request, ctx, form, idea, status)


@login_required
@require_POST
def idea_delete(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    if not idea_services.may_edit(request.user, idea):
        raise PermissionDenied
    try:
        idea_services.delete_idea(
            actor=_user(request), idea=idea, version=_version(request) or idea.version
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
        return redirect(_url(ctx, "idea_detail", idea.pk))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "idea_detail", idea.pk))
    messages.success(
        request,
        _("%(i)s ist gelöscht; Sie können sie 30 Tage lang wiederherstellen.")
        % {"i": idea.describe()},
    )
    return redirect(_url(ctx, "idea_list"))


@login_required
@require_POST
def idea_restore(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk, deleted=True)
    if not idea_services.may_edit(request.user, idea):
        raise PermissionDenied
    try:
        idea_services.restore_idea(actor=_user(request), idea=idea)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(_url(ctx, "idea_list"))
    messages.success(request, _("%(i)s ist wiederhergestellt.") % {"i": idea.describe()})
    return redirect(_url(ctx, "idea_detail", idea.pk))


@login_required
@require_POST
def idea_promote(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        project = idea_services.promote_idea(
            actor=_user(request), idea=idea, version=_version(request) or idea.version
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Aus der Idee ist die Projektskizze „%(title)s“ geworden.")
            % {"title": project.title},
        )
    return redirect(_url(ctx, "idea_detail", idea.pk))


@login_required
@require_POST
def idea_take_over(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """ "Als Idee übernehmen" from the suggestions of a field or the atlas search."""
    ctx = _context(request, municipality, workspace)
    if not ctx.can.contribute:
        raise PermissionDenied
    back = request.POST.get("zurueck", "")
    if not back.startswith(_url(ctx, "field_list")) and not back.startswith(_url(ctx, "idea_list")):
        back = _url(ctx, "idea_list")
    field_pk = request.POST.get("field_of_action", "")
    try:
        idea = idea_services.take_over(
            actor=_user(request),
            workspace=ctx.workspace,
            kind=request.POST.get("kind", ""),
            ref=request.POST.get("ref", ""),
            field_of_action=int(field_pk) if field_pk.isdigit() else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        _("„%(title)s“ ist als Idee übernommen. Ergänzen Sie Ziel und Partner.")
        % {"title": idea.title},
    )
    return redirect(_url(ctx, "idea_detail", idea.pk))


@login_required
def atlas_search(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Search the atlas's projects and the practice examples to take ideas over."""
    ctx = _context(request, municipality, workspace)
    text = request.GET.get("q", "")[:200]
    field_pk = request.GET.get("handlungsfeld", "")
    return render(
        request,
        "strategy/ideas/atlas_search.html",
        _base(
            ctx,
            q=text,
            hits=idea_services.search_atlas(ctx.workspace, text) if text.strip() else None,
            fields=list(FieldOfAction.objects.filter(workspace=ctx.workspace)),
            field_pk=int(field_pk) if field_pk.isdigit() else None,
            back=request.get_full_path(),
        ),
    )


# --------------------------------------------------------------------------- voting


@login_required
def voting(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Dot voting of a round (``?runde=``): own dots and actor group, the long list ranked by
    dots with each group's dots, the balance across groups and the balanced score.
    ``?ansicht=praesentation`` shows the same large for a projector."""
    ctx = _context(request, municipality, workspace)
    round_number = _round_param(request, ctx)
    outcome = idea_services.results(ctx.workspace, round_number)
    chosen = idea_services.participant(outcome.voting, ctx.member)
    mine = idea_services.my_dots(ctx.workspace, ctx.member, round_number)
    return render(
        request,
        "strategy/ideas/voting.html",
        _base(
            ctx,
            round_number=round_number,
            rounds=idea_services.step5_rounds(ctx.workspace),
            results=outcome,
            chosen=chosen,
            mine=mine,
            used=sum(mine.values()),
            per_person=VOTES_PER_PARTICIPANT,
            styles=list(idea_services.GROUP_STYLES.values()),
            presentation=request.GET.get("ansicht") == "praesentation",
            is_core=ctx.member.role == ctx.member.Role.CORE_TEAM,
        ),
    )


def _voting_url(ctx: Context, round_number: int) -> str:
    return f"{_url(ctx, 'voting')}?runde={round_number}"


@login_required
@require_POST
def voting_open(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if ctx.member.role != ctx.member.Role.CORE_TEAM:
        raise PermissionDenied
    round_number = _round_param(request, ctx)
    try:
        idea_services.open_voting(
            actor=_user(request), workspace=ctx.workspace, round_number=round_number
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Die Abstimmung ist geöffnet."))
    return redirect(_voting_url(ctx, round_number))


@login_required
@require_POST
def voting_close(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if ctx.member.role != ctx.member.Role.CORE_TEAM:
        raise PermissionDenied
    round_number = _round_param(request, ctx)
    voting_round = idea_services.voting_round(ctx.workspace, round_number)
    if voting_round is None:
        raise Http404
    try:
        idea_services.close_voting(
            actor=_user(request),
            voting=voting_round,
            version=_version(request) or voting_round.version,
        )
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Die Abstimmung ist geschlossen."))
    return redirect(_voting_url(ctx, round_number))


@login_required
@require_POST
def voting_group(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if not ctx.can.contribute:
        raise PermissionDenied
    round_number = _round_param(request, ctx)
    try:
        chosen = idea_services.choose_group(
            actor=_user(request),
            workspace=ctx.workspace,
            round_number=round_number,
            actor_group=request.POST.get("actor_group", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Sie stimmen für %(group)s ab.") % {"group": chosen.get_actor_group_display()},
        )
    return redirect(_voting_url(ctx, round_number))


@login_required
@require_POST
def vote_cast(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    if not ctx.can.contribute:
        raise PermissionDenied
    try:
        idea_services.cast_vote(
            actor=_user(request), idea=idea, actor_group=request.POST.get("actor_group") or None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Ihr Punkt für „%(title)s“ ist gesetzt.") % {"title": idea.title}
        )
    return redirect(f"{_voting_url(ctx, idea.round)}#idee-{idea.pk}")


@login_required
@require_POST
def vote_withdraw(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    idea = _idea_or_404(ctx, pk)
    if not ctx.can.contribute:
        raise PermissionDenied
    try:
        idea_services.withdraw_vote(actor=_user(request), idea=idea)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Ihr Punkt für „%(title)s“ ist zurückgenommen.") % {"title": idea.title}
        )
    return redirect(f"{_voting_url(ctx, idea.round)}#idee-{idea.pk}")


@login_required
def workshop(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Workshop mode: the facilitator enters the paper dots per idea and actor group (the
    worksheet's table "Klebepunkte") and the number of participants per group.

    All or nothing (:func:`kompass.strategy.ideas.record_workshop`): when one cell fails,
    nothing is saved and the form comes back with the input as typed and a message at every
    failing cell naming the idea and the group (400; 409 when the round changed meanwhile)."""
    ctx = _context(request, municipality, workspace)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    round_number = _round_param(request, ctx)
    errors: dict[str, list[str]] = {}
    status = 200
    version: int | None = None
    if request.method == "POST":
        try:
            _save_workshop(request, ctx, round_number)
        except VersionConflict as exc:
            errors = {"__all__": [exc.message]}
            version = exc.current_version
            status = 409
        except ValidationError as exc:
            errors = (
                dict(exc.message_dict)
                if hasattr(exc, "error_dict")
                else {"__all__": list(exc.messages)}
            )
            status = 400
        else:
            messages.success(request, _("Die Klebepunkte des Workshops sind gespeichert."))
            return redirect(f"{_url(ctx, 'workshop')}?runde={round_number}")
    data = request.POST if request.method == "POST" else None
    outcome = idea_services.results(ctx.workspace, round_number)
    tallies = {
        (v.idea_id, v.actor_group): v.dots
        for v in idea_services.Vote.objects.filter(
            workspace=ctx.workspace, round=round_number, source="workshop"
        )
    }
    styles = list(idea_services.GROUP_STYLES.values())

    def cell(name: str, stored: int, key: str) -> WorkshopCell:
        value = data.get(name, str(stored)) if data is not None else str(stored)
        return WorkshopCell(name=name, value=value, errors=errors.get(key, []))

    rows = [
        (
            r,
            [
                (
                    style,
                    cell(
                        f"punkte-{r.idea.pk}-{style.value}",
                        tallies.get((r.idea.pk, style.value), 0),
                        idea_services.tally_key(r.idea.pk, style.value),
                    ),
                )
                for style in styles
            ],
        )
        for r in outcome.ideas
    ]
    people = (outcome.voting.workshop_participants or {}) if outcome.voting else {}
    people_cells = [
        (
            s,
            cell(
                f"teilnehmende-{s.value}",
                people.get(s.value, 0),
                idea_services.participants_key(s.value),
            ),
        )
        for s in styles
    ]
    listed = [(c.name, e) for _s, c in people_cells for e in c.errors] + [
        (c.name, e) for _r, cells in rows for _s, c in cells for e in c.errors
    ]
    shown = {e for _n, e in listed}
    general = [e for key, found in errors.items() for e in found if e not in shown]
    if outcome.voting is not None and version is None:
        version = outcome.voting.version
    return render(
        request,
        "strategy/ideas/workshop.html",
        _base(
            ctx,
            round_number=round_number,
            rounds=idea_services.step5_rounds(ctx.workspace),
            results=outcome,
            rows=rows,
            people=people_cells,
            styles=styles,
            cell_errors=listed,
            general_errors=general,
            has_errors=bool(errors),
            version=version,
        ),
        status=status,
    )


@dataclass(frozen=True)
class WorkshopCell:
    """One number input of the workshop form: its name (also its id), the value to show
    (as typed after a refused save) and its messages."""

    name: str
    value: str
    errors: list[str]

    @property
    def error_id(self) -> str:
        return f"{self.name}-fehler"


def _save_workshop(request: HttpRequest, ctx: Context, round_number: int) -> None:
    """Hand every cell of the form to the service, which writes all or nothing."""
    groups = ActorGroup.values
    participants = {g: request.POST.get(f"teilnehmende-{g}", "0") for g in groups}
    cells = [
        (pk, group, request.POST[f"punkte-{pk}-{group}"])
        for pk in Idea.objects.filter(workspace=ctx.workspace, round=round_number).values_list(
            "pk", flat=True
        )
        for group in groups
        if f"punkte-{pk}-{group}" in request.POST
    ]
    idea_services.record_workshop(
        actor=_user(request),
        workspace=ctx.workspace,
        round_number=round_number,
        version=_version(request) or 0,
        participants=participants,
        tallies=cells,
    )
