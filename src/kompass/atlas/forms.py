from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.forms import land_field, size_class_field
from kompass.core.models import FieldOfAction


def field_choices() -> list[tuple[str, str]]:
    return [(f.slug, f.name) for f in FieldOfAction.objects.all()]


class FieldChoiceMixin:
    """Fills the ``field`` choice from the database when the form is created."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("alle Handlungsfelder")), *field_choices()]


class ProfileFilterForm(FieldChoiceMixin, forms.Form):
    land = land_field()
    size_class = size_class_field()
    field = forms.ChoiceField(label=_("Handlungsfeld eines Projekts"), required=False)
    cdo = forms.ChoiceField(
        label=_("Chief Digital Officer"),
        required=False,
        choices=[("", _("egal")), ("ja", _("vorhanden")), ("nein", _("nicht genannt"))],
    )

    def filters(self) -> dict[str, Any]:
        """The valid form as keyword arguments of ``selectors.profiles``."""
        data = self.cleaned_data
        return {
            "land": data["land"] or None,
            "size_class": data["size_class"] or None,
            "field": data["field"] or None,
            "has_cdo": {"ja": True, "nein": False}.get(data["cdo"]),
        }


class ProjectFilterForm(FieldChoiceMixin, forms.Form):
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    primary = forms.BooleanField(
        label=_("nur als Hauptfeld (Zählweise der Studie)"), required=False
    )


class SearchForm(ProfileFilterForm):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200)
    art = forms.ChoiceField(
        label=_("Art"),
        required=False,
        choices=[
            ("", _("alles")),
            ("profile", _("Steckbriefe")),
            ("project", _("Projekte")),
            ("example", _("Praxisbeispiele")),
        ],
    )
    primary = forms.BooleanField(label=_("nur als Hauptfeld"), required=False)
    field_order = ["q", "art", "land", "size_class", "field", "primary", "cdo"]
