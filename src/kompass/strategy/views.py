"""Pages of the strategy workspace under /strategie/.

Every page of a workspace answers 404 to everybody who is not a member of it (members of the
same municipality and platform staff included), so outsiders cannot tell that it exists.
Members whose role does not allow an action get 403. Views only parse, call a service from
:mod:`kompass.strategy.services` and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompass.accounts.forms import AcceptInvitationForm
from kompass.accounts.models import User
from kompass.core.models import Municipality
from kompass.strategy import dashboard, services
from kompass.strategy.forms import InviteForm, RoleForm, StepForm, VersionForm, WorkspaceForm
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Activity, StepState, Workspace, WorkspaceMember
from kompass.strategy.permissions import Capabilities
from kompass.strategy.process import load_worksheets
from kompass.strategy.steps import (
    SPECIAL_MODULE_CODE,
    STEP_CODES,
    cycle_codes,
    entry_codes,
    entry_variant_labels,
    loop_description,
    step_catalogue,
    step_info,
)

ACTIVITY_PAGE_SIZE = 50


@dataclass(frozen=True)
class Context:
    """The workspace of a request and the signed-in member's place in it."""

    workspace: Workspace
    member: WorkspaceMember
    can: Capabilities


def _context(request: HttpRequest, municipality: str, workspace: str) -> Context:
    """The workspace if the signed-in user is a member; 404 for everybody else."""
    found = get_object_or_404(
        Workspace.objects.select_related("municipality"),
        municipality__slug=municipality,
        slug=workspace,
    )
    member = WorkspaceMember.objects.filter(workspace=found, user=request.user).first()
    if member is None or not request.user.is_active:
        raise Http404
    return Context(found, member, Capabilities(member.role))


def _base(ctx: Context, **extra: Any) -> dict[str, Any]:
    return {"workspace": ctx.workspace, "member": ctx.member, "can": ctx.can, **extra}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _step_or_404(workspace: Workspace, code: str, round_number: int | None) -> StepState:
    if code not in STEP_CODES:
        raise Http404
    steps = StepState.objects.filter(workspace=workspace, code=code).select_related("owner__user")
    step = (
        steps.filter(round=round_number).first()
        if round_number is not None
        else steps.order_by("-round").first()
    )
    if step is None:
        raise Http404
    return step


def _error_message(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _step_url(ctx: Context, code: str) -> str:
    return reverse(
        "strategy:step_detail", args=[ctx.workspace.municipality.slug, ctx.workspace.slug, code]
    )


# --------------------------------------------------------------------------- list, create


def workspace_list(request: HttpRequest) -> HttpResponse:
    """Start page of the module: the signed-in user's workspaces; for visitors, what the
    workspace is and a sign-in link (the process itself is public)."""
    user = request.user
    memberships: list[WorkspaceMember] = []
    if user.is_authenticated and user.is_active:
        memberships = list(
            WorkspaceMember.objects.filter(user=user)
            .select_related("workspace__municipality")
            .order_by("workspace__municipality__name", "workspace__title")
        )
    return render(
        request,
        "strategy/workspace_list.html",
        {
            "memberships": memberships,
            "can_create": user.is_authenticated and user.memberships.exists(),
            "steps": list(step_catalogue().values()),
            "cycles": cycle_codes(),
        },
    )


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    """Open a workspace for one of the user's municipalities; ``?digitalcheck=<id>`` links a
    Digitalcheck result."""
    user = _user(request)
    municipalities = Municipality.objects.filter(memberships__user=user).order_by("name")
    if not municipalities.exists():
        raise PermissionDenied(
            _("Arbeitsräume legen Mitglieder einer Kommune an; Sie gehören keiner Kommune an.")
        )
    reference = request.GET.get("digitalcheck", "")
    form = WorkspaceForm(
        request.POST or None, municipalities=municipalities, initial={"digitalcheck": reference}
    )
    check = services.digitalcheck_for(user, form["digitalcheck"].value() or "")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["digitalcheck"] and check is None:
            form.add_error(None, _("Diesen Digitalcheck gibt es nicht oder Sie sehen ihn nicht."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workspace = services.create_workspace(
                actor=user,
                municipality=data["municipality"],
                title=data["title"],
                kind=data["kind"],
                entry_variant=data["entry_variant"],
                slug=data["slug"] or "",
                digitalcheck=check,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Der Arbeitsraum „%(title)s“ ist angelegt. Sie gehören zum Kernteam.")
                % {"title": workspace.title},
            )
            return redirect(
                "strategy:workspace_detail", workspace.municipality.slug, workspace.slug
            )
    return render(
        request,
        "strategy/workspace_form.html",
        {"form": form, "check": check},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class StepCard:
    """One step on the dashboard: its latest round and what the guide says."""

    info: Any
    step: StepState
    rounds: int
    is_entry: bool
    url: str


def _cards(ctx: Context) -> dict[str, StepCard]:
    workspace = ctx.workspace
    rounds: dict[str, int] = {}
    latest: dict[str, StepState] = {}
    for step in (
        StepState.objects.filter(workspace=workspace)
        .select_related("owner__user")
        .order_by("code", "round")
    ):
        rounds[step.code] = rounds.get(step.code, 0) + 1
        latest[step.code] = step
    entry = set(entry_codes(workspace.entry_variant))
    return {
        code: StepCard(
            info=step_info(code),
            step=latest[code],
            rounds=rounds[code],
            is_entry=code in entry,
            url=_step_url(ctx, code),
        )
        for code in STEP_CODES
        if code in latest
    }


@login_required
def workspace_detail(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The dashboard: both cycles side by side with every step's state, owner, due date and
    checklist progress, the special module and the loops. ``?ansicht=praesentation`` shows the
    same in large type for a projector."""
    ctx = _context(request, municipality, workspace)
    cards = _cards(ctx)
    cycles = [
        {
            "slug": slug,
            "title": title,
            "cards": [cards[c] for c in codes if c in cards],
            "progress": services.progress([cards[c].step for c in codes if c in cards]),
        }
        for slug, title, codes in cycle_codes()
    ]
    labels = entry_variant_labels()
    variant = ctx.workspace.entry_variant
    presentation = request.GET.get("ansicht") == "praesentation"
    return render(
        request,
        "strategy/workspace_detail.html",
        _base(
            ctx,
            cycles=cycles,
            special=cards.get(SPECIAL_MODULE_CODE),
            overall=services.progress([c.step for c in cards.values()]),
            entry_label=labels.get(variant, ("", ""))[0],
            entry_description=labels.get(variant, ("", ""))[1],
            entry_steps=entry_codes(variant),
            revise_description=loop_description("revise_strategy"),
            repeat_description=loop_description("repeat"),
            parallel_description=loop_description("parallel_cycles"),
            presentation=presentation,
            work=dashboard.summary(ctx.workspace),
        ),
    )


# --------------------------------------------------------------------------- steps


#: The workspace pages where a step's work is done (URL name, link text), per step code.
STEP_PART_PAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "1": (("worksheet_list", "Bestandsanalyse mit dem Fragebogen Digitalisierung"),),
    "3": (("worksheet_list", "Vision und Ziele im Zielmapping festhalten"),),
    "4": (("field_list", "Handlungsfelder des Arbeitsraums"),),
    "5": (
        ("idea_list", "Ideen sammeln"),
        ("voting", "Mit Klebepunkten abstimmen"),
        ("portfolio", "Projektskizzen"),
    ),
    "6": (("risk_list", "Risikomatrix"),),
    "7": (("project_matrix", "Projektmatrix"), ("portfolio", "Projekte und Ampel")),
    "8": (("roadmap", "Roadmap und Meilensteine"), ("portfolio", "Projekte umsetzen")),
    "9": (("monitoring", "Monitoring und Wirkungsmessung"),),
    "SB": (("document", "Strategiepapier schreiben"),),
}


def _part_pages(ctx: Context, code: str) -> list[tuple[str, str]]:
    """(url, text) of the part pages for step ``code`` that exist."""
    args = [ctx.workspace.municipality.slug, ctx.workspace.slug]
    pages = []
    for name, text in STEP_PART_PAGES.get(code, ()):
        try:
            pages.append((reverse(f"strategy:{name}", args=args), text))
        except NoReverseMatch:
            continue
    return pages


def _render_step(
    request: HttpRequest, ctx: Context, step: StepState, form: StepForm, status: int = 200
) -> HttpResponse:
    rounds = services.step_rounds(ctx.workspace, step.code)
    partner = None
    if step.info.combinable_with:
        partner = step_info(step.info.combinable_with[0])
    latest = rounds[-1] if rounds else step
    all_worksheets = load_worksheets()
    worksheets = {w.slug: (w.number, w.title) for w in all_worksheets}
    step_number = int(step.code) if step.code.isdigit() else None
    args = [ctx.workspace.municipality.slug, ctx.workspace.slug]
    worksheet_links = [
        (w.number, w.title, reverse("strategy:worksheet_detail", args=[*args, w.slug]))
        for w in all_worksheets
        if step_number in w.steps
        or (step_number is None and (w.number, w.title) in step.info.worksheets)
    ]
    done = set(step.checklist or [])
    return render(
        request,
        "strategy/step_detail.html",
        _base(
            ctx,
            step=step,
            info=step.info,
            form=form,
            rounds=rounds,
            is_latest=step.pk == latest.pk,
            partner=partner,
            methods=[
                (m.label, worksheets.get(m.worksheet) if m.worksheet else None)
                for m in step.info.methods
            ],
            checklist_items=[(i in done, text) for i, text in enumerate(step.info.results)],
            worksheet_links=worksheet_links,
            part_pages=_part_pages(ctx, step.code),
            has_actions=bool(
                partner
                or step.info.repeatable
                or step.info.code == "9"
                or step.info.is_special_module
                or step.round > 1
            ),
            deleted_rounds=services.deleted_rounds(ctx.workspace, step.code)
            if ctx.can.edit_steps
            else [],
            revise_description=loop_description("revise_strategy"),
            repeat_description=loop_description("repeat"),
        ),
        status=status,
    )


@login_required
def step_detail(
    request: HttpRequest,
    municipality: str,
    workspace: str,
    code: str,
    round_number: int | None = None,
) -> HttpResponse:
    """A step (latest round, or ``round_number``): goals, guiding questions, methods,
    worksheets, and the form for state, owner, due date and checklist. A stale form is
    refused and shown again with the other person's changes named."""
    ctx = _context(request, municipality, workspace)
    step = _step_or_404(ctx.workspace, code, round_number)
    if request.method != "POST":
        form = StepForm(initial=StepForm.initial_for(step), step=step)
        return _render_step(request, ctx, step, form)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = StepForm(request.POST, step=step)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_step(
                actor=_user(request),
                step=step,
                version=data["version"],
                state=data["state"],
                owner=data["owner"],
                due_date=data["due_date"],
                checklist=data["checklist"],
                done_reason=data["done_reason"],
            )
        except VersionConflict as exc:
            # Keep the user's input but base it on the current version: saving again is a
            # deliberate decision to overwrite.
            current = exc.item
            assert isinstance(current, StepState)
            data_again = request.POST.copy()
            data_again["version"] = str(current.version)
            form = StepForm(data_again, step=current)
            form.is_valid()
            form.add_error(None, exc.message)
            step = current
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("%(step)s ist gespeichert.") % {"step": step.describe()})
            return redirect(request.path)
    return _render_step(request, ctx, step, form, status=409 if _conflicted(form) else 400)


def _conflicted(form: StepForm) -> bool:
    return any("inzwischen geändert" in str(e) for e in form.non_field_errors())


def _step_action(
    request: HttpRequest, municipality: str, workspace: str, code: str, action: str
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    if code not in STEP_CODES:
        raise Http404
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    user = _user(request)
    target = code
    try:
        if action == "new_round":
            step = services.start_new_round(actor=user, workspace=ctx.workspace, code=code)
            messages.success(request, _("%(step)s hat begonnen.") % {"step": step.describe()})
        elif action == "combine":
            first, second = services.combine_steps(
                actor=user, workspace=ctx.workspace, code=code, version=version
            )
            messages.success(
                request,
                _(
                    "%(a)s und %(b)s sind zusammengelegt: Status, Verantwortung und Termin gelten "
                    "für beide."
                )
                % {"a": first.info.label, "b": second.info.label},
            )
        elif action == "separate":
            first, second = services.separate_steps(
                actor=user, workspace=ctx.workspace, code=code, version=version
            )
            messages.success(
                request,
                _("%(a)s und %(b)s laufen wieder getrennt.")
                % {"a": first.info.label, "b": second.info.label},
            )
        elif action == "revise":
            step = services.revise_strategy_after_evaluation(actor=user, workspace=ctx.workspace)
            target = step.code
            messages.success(
                request,
                _("Die Überarbeitung der Strategie hat begonnen (Sonderbaustein, Runde %(round)s).")
                % {"round": step.round},
            )
        else:  # pragma: no cover - the URLs name the actions
            raise Http404
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        _error_message(request, exc)
    return redirect(_step_url(ctx, target))


@login_required
@require_POST
def step_new_round(
    request: HttpRequest, municipality: str, workspace: str, code: str
) -> HttpResponse:
    return _step_action(request, municipality, workspace, code, "new_round")


@login_required
@require_POST
def step_combine(
    request: HttpRequest, municipality: str, workspace: str, code: str
) -> HttpResponse:
    return _step_action(request, municipality, workspace, code, "combine")


@login_required
@require_POST
def step_separate(
    request: HttpRequest, municipality: str, workspace: str, code: str
) -> HttpResponse:
    return _step_action(request, municipality, workspace, code, "separate")


@login_required
@require_POST
def strategy_revise(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The loop from the evaluation back to the special module."""
    return _step_action(request, municipality, workspace, "9", "revise")


@login_required
@require_POST
def round_delete(
    request: HttpRequest, municipality: str, workspace: str, code: str, round_number: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    step = _step_or_404(ctx.workspace, code, round_number)
    if not ctx.can.edit_steps:
        raise PermissionDenied
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.delete_round(actor=_user(request), step=step, version=version or step.version)
    except VersionConflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(
            request,
            _("%(step)s ist gelöscht; Sie können sie 30 Tage lang wiederherstellen.")
            % {"step": step.describe()},
        )
    return redirect(_step_url(ctx, code))


@login_required
@require_POST
def round_restore(
    request: HttpRequest, municipality: str, workspace: str, code: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    step = get_object_or_404(
        StepState.all_objects, pk=pk, workspace=ctx.workspace, code=code, deleted_at__isnull=False
    )
    if not ctx.can.edit_steps:
        raise PermissionDenied
    try:
        services.restore_round(actor=_user(request), step=step)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(request, _("%(step)s ist wiederhergestellt.") % {"step": step.describe()})
    return redirect(_step_url(ctx, code))


# --------------------------------------------------------------------------- members


def _accept_url_template(request: HttpRequest) -> str:
    return request.build_absolute_uri(
        reverse("strategy:invitation_accept", args=["TOKEN"])
    ).replace("TOKEN", "{token}")


@login_required
def member_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """Members and their roles; the core team invites, changes roles and removes here."""
    ctx = _context(request, municipality, workspace)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not ctx.can.manage_members:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invite(
                    actor=_user(request),
                    workspace=ctx.workspace,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    accept_url_template=_accept_url_template(request),
                )
            except ValidationError as exc:
                _add_form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Die Einladung an %(email)s wurde verschickt.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect(request.path)
        status = 400
    members = list(
        ctx.workspace.members.select_related("user").order_by("user__name", "user__email")
    )
    invitations = (
        [
            i
            for i in ctx.workspace.invitations.filter(accepted_at=None, revoked_at=None)
            if i.is_open
        ]
        if ctx.can.manage_members
        else []
    )
    return render(
        request,
        "strategy/member_list.html",
        _base(
            ctx,
            members=[(m, RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")) for m in members],
            invitations=invitations,
            form=form,
        ),
        status=status,
    )


def _add_form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_POST
def member_role(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    member = get_object_or_404(WorkspaceMember, pk=pk, workspace=ctx.workspace)
    if not ctx.can.manage_members:
        raise PermissionDenied
    form = RoleForm(request.POST, prefix=f"m{member.pk}")
    if not form.is_valid():
        messages.error(request, _("Bitte eine der angebotenen Rollen wählen."))
    else:
        try:
            changed = services.change_role(
                actor=_user(request), member=member, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            _error_message(request, exc)
        else:
            messages.success(
                request,
                _("%(person)s hat jetzt die Rolle „%(role)s“.")
                % {"person": changed, "role": changed.get_role_display()},
            )
    return redirect("strategy:member_list", municipality, workspace)


@login_required
@require_POST
def member_remove(request: HttpRequest, municipality: str, workspace: str, pk: int) -> HttpResponse:
    """Remove a member (core team) or leave the workspace (one's own membership)."""
    ctx = _context(request, municipality, workspace)
    member = get_object_or_404(WorkspaceMember, pk=pk, workspace=ctx.workspace)
    leaving = member.pk == ctx.member.pk
    if not leaving and not ctx.can.manage_members:
        raise PermissionDenied
    try:
        services.remove_member(actor=_user(request), member=member)
    except ValidationError as exc:
        _error_message(request, exc)
        return redirect("strategy:member_list", municipality, workspace)
    if leaving:
        messages.success(
            request,
            _("Sie haben den Arbeitsraum „%(title)s“ verlassen.") % {"title": ctx.workspace.title},
        )
        return redirect("strategy:workspace_list")
    messages.success(request, _("%(person)s wurde entfernt.") % {"person": member})
    return redirect("strategy:member_list", municipality, workspace)


@login_required
@require_POST
def invitation_revoke(
    request: HttpRequest, municipality: str, workspace: str, pk: int
) -> HttpResponse:
    ctx = _context(request, municipality, workspace)
    invitation = get_object_or_404(ctx.workspace.invitations, pk=pk)
    if not ctx.can.manage_members:
        raise PermissionDenied
    try:
        services.revoke_invitation(actor=_user(request), invitation=invitation)
    except ValidationError as exc:
        _error_message(request, exc)
    else:
        messages.success(
            request,
            _("Die Einladung an %(email)s wurde widerrufen.") % {"email": invitation.email},
        )
    return redirect("strategy:member_list", municipality, workspace)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the invitation e-mail. With an account: sign in as that address, then
    join; without: set up the account here (name, password), then join."""
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    workspace = invitation.workspace
    existing = User.objects.filter(email=invitation.email).first()
    context: dict[str, Any] = {"invitation": invitation, "workspace": workspace}
    if existing is not None:
        if not request.user.is_authenticated:
            messages.info(
                request,
                _(
                    "Bitte melden Sie sich als %(email)s an, um die Einladung in den "
                    "Arbeitsraum anzunehmen."
                )
                % {"email": invitation.email},
            )
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if request.user.pk != existing.pk:
            context["wrong_account"] = True
            return render(request, "strategy/invitation_accept.html", context, status=403)
        if request.method == "POST":
            services.accept_invitation(invitation=invitation, user=existing)
            messages.success(
                request,
                _("Willkommen im Arbeitsraum „%(title)s“.") % {"title": workspace.title},
            )
            return redirect(
                "strategy:workspace_detail", workspace.municipality.slug, workspace.slug
            )
        return render(request, "strategy/invitation_accept.html", context)
    if request.user.is_authenticated:
        context["wrong_account"] = True
        return render(request, "strategy/invitation_accept.html", context, status=403)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation_with_new_account(
                invitation=invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _(
                    "Willkommen! Ihr Konto ist eingerichtet und Sie gehören zum Arbeitsraum "
                    "„%(title)s“."
                )
                % {"title": workspace.title},
            )
            return redirect(
                "strategy:workspace_detail", workspace.municipality.slug, workspace.slug
            )
    context["form"] = form
    return render(
        request,
        "strategy/invitation_accept.html",
        context,
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- activity


@login_required
def activity_list(request: HttpRequest, municipality: str, workspace: str) -> HttpResponse:
    """The workspace's activity log, newest first, 50 a page (``?seite=N``)."""
    ctx = _context(request, municipality, workspace)
    try:
        number = int(request.GET.get("seite") or 1)
    except ValueError:
        number = 0
    if number < 1:
        raise Http404
    paginator = Paginator(
        Activity.objects.filter(workspace=ctx.workspace).select_related("actor"),
        ACTIVITY_PAGE_SIZE,
    )
    try:
        page = paginator.page(number)
    except EmptyPage as exc:
        raise Http404 from exc
    if not ctx.can.see_emails:
        # E-mail addresses of invitees are for the core team only, as on the members page.
        for line in page.object_list:
            if line.verb in (Activity.Verb.INVITED, Activity.Verb.INVITATION_REVOKED):
                line.object_description = _("Einladung einer Person")
    return render(
        request,
        "strategy/activity_list.html",
        _base(
            ctx,
            page_obj=page,
            page_range=paginator.get_elided_page_range(number, on_each_side=2, on_ends=1),
            page_query="",
        ),
    )
