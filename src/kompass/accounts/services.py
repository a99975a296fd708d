"""Account use cases, shared by the HTML views, the API and the CLI."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.accounts.models import ApiToken, Invitation, Membership, User, hash_secret
from kompass.core.models import Municipality


def invite_user(
    *,
    invited_by: User,
    email: str,
    municipality: Municipality | None,
    role: str = Membership.Role.MEMBER,
    accept_url_template: str,
) -> tuple[Invitation, str]:
    """Invite ``email`` to sign up and, if given, to join ``municipality`` with ``role``.

    Only staff may invite without a municipality; only the municipality's admins (and staff)
    may invite into it. ``accept_url_template`` contains ``{token}``. Returns the invitation
    and the plain token (sent by e-mail, never stored).
    """
    if municipality is None:
        if not invited_by.is_staff:
            raise PermissionDenied(_("Nur der Plattformbetrieb darf ohne Kommune einladen."))
    elif not invited_by.can_manage_members_of(municipality):
        raise PermissionDenied(_("Nur die kommunale Administration darf einladen."))
    email = email.strip().lower()
    if (
        municipality
        and Membership.objects.filter(municipality=municipality, user__email=email).exists()
    ):
        raise ValidationError(
            {
                "email": _("%(email)s ist bereits Mitglied von %(place)s.")
                % {"email": email, "place": municipality.name}
            }
        )
    token, token_hash = Invitation.new_token()
    with transaction.atomic():
        Invitation.objects.filter(
            email=email, municipality=municipality, accepted_at=None, revoked_at=None
        ).update(revoked_at=timezone.now())
        invitation = Invitation.objects.create(
            email=email,
            municipality=municipality,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
    context = {
        "invitation": invitation,
        "inviter": invited_by,
        "accept_url": accept_url_template.format(token=token),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    send_mail(
        subject=render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return invitation, token


def find_open_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("municipality")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    return invitation if invitation and invitation.is_open else None


def accept_invitation(invitation: Invitation, *, name: str, password: str | None) -> User:
    """Create the account (or reuse an existing one) and the membership; close the invitation.

    ``password`` is required for a new account and ignored for an existing one (that person
    signs in with their own password).
    """
    if not invitation.is_open:
        raise ValidationError(_("Die Einladung ist abgelaufen oder wurde bereits verwendet."))
    with transaction.atomic():
        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            if not password:
                raise ValidationError({"password1": _("Bitte ein Passwort wählen.")})
            user = User(email=invitation.email, name=name.strip())
            validate_password(password, user)
            user.set_password(password)
            user.save()
        if invitation.municipality:
            Membership.objects.update_or_create(
                user=user,
                municipality=invitation.municipality,
                defaults={"role": invitation.role},
            )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return user


def revoke_invitation(*, actor: User, invitation: Invitation) -> None:
    if invitation.municipality is None:
        if not actor.is_staff:
            raise PermissionDenied
    elif not actor.can_manage_members_of(invitation.municipality):
        raise PermissionDenied
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def remove_member(*, actor: User, membership: Membership) -> None:
    """Remove a membership; the last admin of a municipality cannot be removed."""
    if not actor.can_manage_members_of(membership.municipality):
        raise PermissionDenied
    if membership.role == Membership.Role.ADMIN:
        admins = Membership.objects.filter(
            municipality=membership.municipality, role=Membership.Role.ADMIN
        ).count()
        if admins <= 1:
            raise ValidationError(
                _(
                    "Die letzte Administratorin bzw. der letzte Administrator kann nicht entfernt "
                    "werden. Ernennen Sie zuerst eine weitere Person."
                )
            )
    membership.delete()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the plain key is returned once and never stored."""
    key, key_hash, hint = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name.strip(), key_hash=key_hash, key_hint=hint)
    return token, key


def revoke_api_token(user: User, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise ApiToken.DoesNotExist


def user_for_api_key(key: str) -> User | None:
    """The active user owning a live API token with this key, or None."""
    if not key.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
