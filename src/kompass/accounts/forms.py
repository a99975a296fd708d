from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompass.accounts.models import Membership
from kompass.core.models import Municipality


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "E-Mail-Adresse oder Passwort sind nicht korrekt. Achten Sie auf Groß- und "
            "Kleinschreibung des Passworts."
        ),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    role = forms.ChoiceField(
        label=_("Rolle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class PlatformInvitationForm(InvitationForm):
    """Staff invite anyone, with or without a municipality."""

    municipality = forms.CharField(
        label=_("Kommune (optional)"),
        required=False,
        help_text=_(
            "Amtlicher Gemeindeschlüssel oder Kurzname aus der Adresse, z. B. „musterstadt“."
        ),
    )
    field_order = ["email", "municipality", "role"]

    def clean_municipality(self) -> Municipality | None:
        value = self.cleaned_data["municipality"].strip()
        if not value:
            return None
        found = Municipality.objects.filter(Q(ags=value) | Q(slug=value.lower())).first()
        if found is None:
            raise forms.ValidationError(
                _("Es gibt keine Kommune mit dem Schlüssel oder Kurznamen „%(value)s“."),
                params={"value": value},
            )
        return found


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Ihr Name"), max_length=150)
    password1 = forms.CharField(
        label=_("Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 10 Zeichen, nicht nur Ziffern, kein gängiges Passwort."),
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Die beiden Passwörter stimmen nicht überein."))
        elif first:
            from kompass.accounts.models import User

            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür der Schlüssel gedacht ist, z. B. „Import-Skript Kämmerei“."),
    )
