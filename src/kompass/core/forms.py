from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.models import Land, MunicipalityKind, SizeClass


class MunicipalityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name oder Gemeindeschlüssel"), required=False, max_length=100)
    land = forms.ChoiceField(
        label=_("Land"), required=False, choices=[("", _("alle Länder")), *Land.choices]
    )
    size_class = forms.ChoiceField(
        label=_("Größenklasse"),
        required=False,
        choices=[("", _("alle Größenklassen")), *SizeClass.choices],
    )
    kind = forms.ChoiceField(
        label=_("Art"), required=False, choices=[("", _("alle Arten")), *MunicipalityKind.choices]
    )
