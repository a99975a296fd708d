from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompass.accounts import services
from kompass.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    PlatformInvitationForm,
)
from kompass.accounts.models import ApiToken, Invitation, Membership, User
from kompass.core.models import Municipality


def _municipality_for_member(request: HttpRequest, slug: str) -> Municipality:
    """The municipality if the signed-in user belongs to it (or is staff); 404 otherwise, so
    that outsiders cannot even tell which private pages exist."""
    municipality = get_object_or_404(Municipality, slug=slug)
    user = request.user
    assert isinstance(user, User)
    if not (user.is_staff or user.is_member_of(municipality)):
        raise Http404
    return municipality


def _accept_url_template(request: HttpRequest) -> str:
    """The absolute accept link with a ``{token}`` placeholder, for the invitation e-mail."""
    return request.build_absolute_uri(
        reverse("accounts:accept_invitation", args=["TOKEN"])
    ).replace("TOKEN", "{token}")


def _send_invitation(
    request: HttpRequest, form: InvitationForm, municipality: Municipality | None
) -> bool:
    """Invite from a valid form; on a refusal the reason lands on the form."""
    user = request.user
    assert isinstance(user, User)
    try:
        services.invite_user(
            invited_by=user,
            email=form.cleaned_data["email"],
            municipality=municipality,
            role=form.cleaned_data["role"],
            accept_url_template=_accept_url_template(request),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    messages.success(
        request,
        _("Die Einladung an %(email)s wurde verschickt.") % {"email": form.cleaned_data["email"]},
    )
    return True


@login_required
def invite_to_platform(request: HttpRequest) -> HttpResponse:
    """Staff invite anyone, into any municipality or none (404 for everyone else)."""
    user = request.user
    assert isinstance(user, User)
    if not user.is_staff:
        raise Http404
    form = PlatformInvitationForm(request.POST or None)
    sent = (
        request.method == "POST"
        and form.is_valid()
        and _send_invitation(request, form, form.cleaned_data["municipality"])
    )
    if sent:
        return redirect("accounts:invite_to_platform")
    return render(
        request,
        "accounts/platform_invitation.html",
        {
            "form": form,
            "invitations": Invitation.objects.filter(accepted_at=None, revoked_at=None)
            .select_related("municipality")
            .order_by("-created_at")[:50],
        },
        status=400 if form.errors else 200,
    )


@login_required
def account_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return _render_overview(request, user, ApiTokenForm())


def _render_overview(
    request: HttpRequest, user: User, token_form: ApiTokenForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/account_overview.html",
        {
            "memberships": user.memberships.select_related("municipality"),
            "tokens": user.api_tokens.filter(revoked_at=None),
            "token_form": token_form,
            "new_key": request.session.pop("new_api_key", None),
        },
        status=status,
    )


@login_required
@require_POST
def create_api_token(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_overview(request, user, form, status=400)
    key = services.create_api_token(user, form.cleaned_data["name"])[1]
    # Shown exactly once on the next page, then gone from the session.
    request.session["new_api_key"] = key
    messages.success(request, _("Der API-Schlüssel wurde erstellt."))
    return redirect("accounts:overview")


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    try:
        services.revoke_api_token(user, token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Der API-Schlüssel wurde widerrufen."))
    return redirect("accounts:overview")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    existing = User.objects.filter(email=invitation.email).first()
    if existing is not None:
        # Someone who already has an account joins after signing in as that account. Signed
        # in as another account, the login page would send them straight back here: say so.
        if request.user.is_authenticated and request.user.pk != existing.pk:
            return render(
                request,
                "accounts/invitation_other_account.html",
                {"invitation": invitation},
                status=403,
            )
        if not request.user.is_authenticated:
            messages.info(
                request,
                _(
                    "Für diese E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an, "
                    "um die Einladung anzunehmen."
                ),
            )
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if request.method == "POST":
            services.accept_invitation(invitation, name=existing.name, password=None)
            messages.success(request, _("Die Einladung wurde angenommen."))
            return redirect("accounts:overview")
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Willkommen! Ihr Konto ist eingerichtet."))
            return redirect("accounts:overview")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = _municipality_for_member(request, slug)
    user = request.user
    assert isinstance(user, User)
    can_manage = user.can_manage_members_of(municipality)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid() and _send_invitation(request, form, municipality):
            return redirect("accounts:member_list", slug=municipality.slug)
        status = 400
    return render(
        request,
        "accounts/member_list.html",
        {
            "municipality": municipality,
            "memberships": municipality.memberships.select_related("user").order_by(
                "user__name", "user__email"
            ),
            "invitations": [
                i
                for i in municipality.invitations.filter(accepted_at=None, revoked_at=None)
                if i.is_open
            ]
            if can_manage
            else [],
            "can_manage": can_manage,
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    municipality = _municipality_for_member(request, slug)
    membership = get_object_or_404(Membership, pk=membership_id, municipality=municipality)
    user = request.user
    assert isinstance(user, User)
    if not user.can_manage_members_of(municipality):
        raise Http404
    try:
        services.remove_member(actor=user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(person)s wurde entfernt.") % {"person": membership.user})
    return redirect("accounts:member_list", slug=municipality.slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    municipality = _municipality_for_member(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, municipality=municipality)
    user = request.user
    assert isinstance(user, User)
    if not user.can_manage_members_of(municipality):
        raise Http404
    services.revoke_invitation(actor=user, invitation=invitation)
    messages.success(
        request, _("Die Einladung an %(email)s wurde widerrufen.") % {"email": invitation.email}
    )
    return redirect("accounts:member_list", slug=municipality.slug)
