from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.core.models import FieldOfAction, Land, SizeClass


def field_choices() -> list[tuple[str, str]]:
    return [(f.slug, f.name) for f in FieldOfAction.objects.all()]


class ProfileFilterForm(forms.Form):
    land = forms.ChoiceField(
        label=_("Land"), required=False, choices=[("", _("alle Länder")), *Land.choices]
    )
    size_class = forms.ChoiceField(
        label=_("Größenklasse"),
        required=False,
        choices=[("", _("alle Größenklassen")), *SizeClass.choices],
    )
    field = forms.ChoiceField(label=_("Handlungsfeld eines Projekts"), required=False)
    cdo = forms.ChoiceField(
        label=_("Chief Digital Officer"),
        required=False,
        choices=[("", _("egal")), ("ja", _("vorhanden")), ("nein", _("nicht genannt"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["field"].choices = [("", _("alle Handlungsfelder")), *field_choices()]  # type: ignore[attr-defined]


class ProjectFilterForm(forms.Form):
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    primary = forms.BooleanField(
        label=_("nur als Hauptfeld (Zählweise der Studie)"), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["field"].choices = [("", _("alle Handlungsfelder")), *field_choices()]  # type: ignore[attr-defined]


class SearchForm(forms.Form):
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
    land = forms.ChoiceField(
        label=_("Land"), required=False, choices=[("", _("alle Länder")), *Land.choices]
    )
    size_class = forms.ChoiceField(
        label=_("Größenklasse"),
        required=False,
        choices=[("", _("alle Größenklassen")), *SizeClass.choices],
    )
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    primary = forms.BooleanField(label=_("nur als Hauptfeld"), required=False)
    cdo = forms.ChoiceField(
        label=_("Chief Digital Officer"),
        required=False,
        choices=[("", _("egal")), ("ja", _("vorhanden")), ("nein", _("nicht genannt"))],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["field"].choices = [("", _("alle Handlungsfelder")), *field_choices()]  # type: ignore[attr-defined]
