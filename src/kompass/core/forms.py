from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.models import Land, MunicipalityKind, SizeClass


def land_field() -> forms.ChoiceField:
    """An optional filter by Land, shared by every list with that facet."""
    return forms.ChoiceField(
        label=_("Land"), required=False, choices=[("", _("alle Länder")), *Land.choices]
    )


def size_class_field() -> forms.ChoiceField:
    """An optional filter by BBSR size class."""
    return forms.ChoiceField(
        label=_("Größenklasse"),
        required=False,
        choices=[("", _("alle Größenklassen")), *SizeClass.choices],
    )


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name oder Gemeindeschlüssel"), required=False, max_length=100)
    land = land_field()
    size_class = size_class_field()
    kind = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle Arten")), *MunicipalityKind.choices]
    )
