"""Sign-in, throttling, password reset, invitations, membership management and API keys."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kompass.accounts.models import ApiToken, Invitation, Membership, User
from tests.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def login(client: Client, email: str, password: str = PASSWORD) -> object:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_and_logout(client: Client, personas: Personas) -> None:
    response = login(client, "ANNA@musterstadt.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:overview")
    page = client.get(reverse("accounts:overview"))
    assert "Musterstadt" in page.content.decode()
    assert client.get(reverse("accounts:logout")).status_code == 405  # only POST logs out
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:overview")).status_code == 302


def test_wrong_password_gives_a_german_message(client: Client, personas: Personas) -> None:
    response = login(client, "anna@musterstadt.example", "falsch")
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort sind nicht korrekt" in response.content.decode()


def test_login_is_throttled_after_five_failures(client: Client, personas: Personas) -> None:
    for _ in range(4):
        assert login(client, "anna@musterstadt.example", "falsch").status_code == 200
    assert login(client, "Anna@Musterstadt.example", "falsch").status_code == 429
    response = login(client, "anna@musterstadt.example")  # even the right password
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    # Another account from the same address is not locked.
    assert login(client, "ben@beispieldorf.example").status_code == 302


def test_password_reset_by_email(client: Client, personas: Personas) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "mia@musterstadt.example"})
    (message,) = mail.outbox
    assert message.subject == "Kommunalkompass: Passwort zurücksetzen"
    link = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", message.body)
    assert link
    form_page = client.get(link[1], follow=True)
    assert "Neues Passwort festlegen" in form_page.content.decode()
    new = "Ganz-neues-Passwort-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert User.objects.get(email="mia@musterstadt.example").check_password(new)


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(
    client: Client, personas: Personas
) -> None:
    response = client.post(
        reverse("accounts:password_reset"), {"email": "niemand@example.org"}, follow=True
    )
    assert "Wenn es zu dieser Adresse ein Konto gibt" in response.content.decode()
    assert mail.outbox == []


def invite(client: Client, personas: Personas, email: str, role: str = "member") -> object:
    client.force_login(personas.anna)
    return client.post(
        reverse("accounts:member_list", args=["musterstadt"]), {"email": email, "role": role}
    )


def accept_link(message: mail.EmailMessage) -> str:
    found = re.search(r"http://testserver(/konto/einladung/\S+/)", message.body)
    assert found, message.body
    return found[1]


def test_signup_only_by_invitation(client: Client, personas: Personas) -> None:
    response = invite(client, personas, "neu@musterstadt.example")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Musterstadt" in message.subject
    link = accept_link(message)
    client.logout()
    page = client.get(link)
    assert "Sie sind eingeladen, Musterstadt als Mitglied beizutreten" in page.content.decode()
    response = client.post(
        link,
        {
            "name": "Nora Neu",
            "password1": "Sicheres-Passwort-1",
            "password2": "Sicheres-Passwort-1",
        },
    )
    assert response.status_code == 302
    nora = User.objects.get(email="neu@musterstadt.example")
    assert nora.name == "Nora Neu"
    assert nora.role_in(personas.musterstadt) == Membership.Role.MEMBER
    # The link works once only.
    assert client.get(link).status_code == 404


def test_invitation_form_validates(client: Client, personas: Personas) -> None:
    invite(client, personas, "neu@musterstadt.example")
    link = accept_link(mail.outbox[0])
    client.logout()
    response = client.post(link, {"name": "", "password1": "123", "password2": "456"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in body
    assert "Die beiden Passwörter stimmen nicht überein." in body
    response = client.post(
        link, {"name": "N", "password1": "12345678901", "password2": "12345678901"}
    )
    assert "Dieses Passwort ist komplett numerisch." in response.content.decode()
    assert not User.objects.filter(email="neu@musterstadt.example").exists()


def test_expired_or_revoked_invitation_is_refused(client: Client, personas: Personas) -> None:
    invite(client, personas, "spaet@musterstadt.example")
    link = accept_link(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 404
    assert "Einladung ungültig" in response.content.decode()


def test_existing_account_joins_after_signing_in(client: Client, personas: Personas) -> None:
    invite(client, personas, "clara@example.org", role="admin")
    link = accept_link(mail.outbox[0])
    client.logout()
    assert client.get(link)["Location"].startswith(reverse("accounts:login"))
    client.force_login(personas.clara)
    assert client.post(link).status_code == 302
    assert personas.clara.role_in(personas.musterstadt) == Membership.Role.ADMIN


def test_signed_in_as_another_account_the_link_says_so(client: Client, personas: Personas) -> None:
    """Signed in as someone else, the invitation page used to send the visitor to the login
    page, which sent them straight back (a loop). Now it explains and offers to sign out."""
    invite(client, personas, "clara@example.org")
    link = accept_link(mail.outbox[0])
    client.force_login(personas.ben)
    response = client.get(link)
    assert response.status_code == 403
    body = response.content.decode()
    assert "Sie sind als ben@beispieldorf.example angemeldet" in body
    assert "clara@example.org" in body and reverse("accounts:logout") in body
    assert client.post(link).status_code == 403
    assert personas.clara.role_in(personas.musterstadt) is None


def test_duplicate_member_cannot_be_invited(client: Client, personas: Personas) -> None:
    response = invite(client, personas, "mia@musterstadt.example")
    assert response.status_code == 400
    assert "ist bereits Mitglied von Musterstadt" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("persona", "status", "sees_form"),
    [
        ("anna", 200, True),
        ("sven", 200, True),
        ("mia", 200, False),
        ("ben", 404, False),
        ("clara", 404, False),
        ("erik", 404, False),
    ],
)
def test_member_list_permissions(
    client: Client, personas: Personas, persona: str, status: int, sees_form: bool
) -> None:
    client.force_login(getattr(personas, persona))
    response = client.get(reverse("accounts:member_list", args=["musterstadt"]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "mia@musterstadt.example" in body
        assert ("Einladung senden" in body) is sees_form


def test_member_list_requires_login(client: Client, personas: Personas) -> None:
    response = client.get(reverse("accounts:member_list", args=["musterstadt"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["mia", "ben", "clara"])
def test_outsiders_and_members_cannot_invite_or_remove(
    client: Client, personas: Personas, persona: str
) -> None:
    client.force_login(getattr(personas, persona))
    url = reverse("accounts:member_list", args=["musterstadt"])
    assert client.post(url, {"email": "x@example.org", "role": "admin"}).status_code == 404
    anna_membership = personas.anna.memberships.get()
    remove = reverse("accounts:remove_member", args=["musterstadt", anna_membership.pk])
    assert client.post(remove).status_code == 404
    assert Membership.objects.filter(pk=anna_membership.pk).exists()
    assert Invitation.objects.count() == 0


def test_admin_removes_member_but_not_the_last_admin(client: Client, personas: Personas) -> None:
    client.force_login(personas.anna)
    mia = personas.mia.memberships.get()
    client.post(reverse("accounts:remove_member", args=["musterstadt", mia.pk]))
    assert not Membership.objects.filter(pk=mia.pk).exists()
    anna = personas.anna.memberships.get()
    response = client.post(
        reverse("accounts:remove_member", args=["musterstadt", anna.pk]), follow=True
    )
    assert "Die letzte Administratorin" in response.content.decode()
    assert Membership.objects.filter(pk=anna.pk).exists()


def test_admin_revokes_invitation(client: Client, personas: Personas) -> None:
    invite(client, personas, "weg@musterstadt.example")
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:revoke_invitation", args=["musterstadt", invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(accept_link(mail.outbox[0])).status_code == 404


def test_membership_of_other_municipality_cannot_be_removed_via_own(
    client: Client, personas: Personas
) -> None:
    """ben is admin of Beispieldorf; a Musterstadt membership id under his slug is 404."""
    client.force_login(personas.ben)
    mia = personas.mia.memberships.get()
    response = client.post(reverse("accounts:remove_member", args=["beispieldorf", mia.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=mia.pk).exists()


def test_api_key_is_shown_once_and_can_be_revoked(client: Client, personas: Personas) -> None:
    client.force_login(personas.clara)
    client.post(reverse("accounts:create_api_token"), {"name": "Skript"})
    page = client.get(reverse("accounts:overview")).content.decode()
    key = re.search(r'id="new-api-key">(kk_[^<]+)<', page)
    assert key
    token = ApiToken.objects.get(user=personas.clara)
    assert key[1] not in (token.key_hash, token.key_hint)
    assert key[1] not in client.get(reverse("accounts:overview")).content.decode()
    # Another user cannot revoke it.
    client.force_login(personas.ben)
    response = client.post(reverse("accounts:revoke_api_token", args=[token.pk]))
    assert response.status_code == 404
    client.force_login(personas.clara)
    client.post(reverse("accounts:revoke_api_token", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_api_key_form_validates(client: Client, personas: Personas) -> None:
    client.force_login(personas.clara)
    response = client.post(reverse("accounts:create_api_token"), {"name": ""})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


def test_account_pages_require_login(client: Client) -> None:
    for name in ["accounts:overview"]:
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("accounts:create_api_token"), {"name": "x"}).status_code == 302


@pytest.mark.parametrize(("persona", "status"), [("sven", 200), ("anna", 404), ("clara", 404)])
def test_platform_invitation_is_for_staff_only(
    client: Client, personas: Personas, persona: str, status: int
) -> None:
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("accounts:invite_to_platform")).status_code == status
    client.post(
        reverse("accounts:invite_to_platform"), {"email": "x@example.org", "role": "member"}
    )
    assert Invitation.objects.count() == (1 if persona == "sven" else 0)


def test_staff_invites_without_or_with_a_municipality(client: Client, personas: Personas) -> None:
    client.force_login(personas.sven)
    url = reverse("accounts:invite_to_platform")
    client.post(url, {"email": "forscherin@uni.example", "municipality": "", "role": "member"})
    client.post(
        url, {"email": "cdo@beispieldorf.example", "municipality": "01099002", "role": "admin"}
    )
    response = client.post(
        url, {"email": "z@example.org", "municipality": "atlantis", "role": "member"}
    )
    assert response.status_code == 400
    assert "keine Kommune mit dem Schlüssel oder Kurznamen „atlantis“" in response.content.decode()
    assert len(mail.outbox) == 2
    client.logout()
    researcher_link = accept_link(mail.outbox[0])
    client.post(
        researcher_link,
        {"name": "F", "password1": "Lange-Passphrase-9", "password2": "Lange-Passphrase-9"},
    )
    assert User.objects.get(email="forscherin@uni.example").memberships.count() == 0
    cdo_link = accept_link(mail.outbox[1])
    client.post(
        cdo_link,
        {"name": "C", "password1": "Lange-Passphrase-9", "password2": "Lange-Passphrase-9"},
    )
    cdo = User.objects.get(email="cdo@beispieldorf.example")
    assert cdo.role_in(personas.beispieldorf) == Membership.Role.ADMIN


def test_invitation_needs_staff_without_municipality(personas: Personas) -> None:
    from django.core.exceptions import PermissionDenied

    from kompass.accounts.services import invite_user

    with pytest.raises(PermissionDenied):
        invite_user(
            invited_by=personas.anna,
            email="x@example.org",
            municipality=None,
            accept_url_template="{token}",
        )
    with pytest.raises(PermissionDenied):
        invite_user(
            invited_by=personas.ben,
            email="x@example.org",
            municipality=personas.musterstadt,
            accept_url_template="{token}",
        )
