"""Filter forms of the atlas pages: one set of facets for the profile list, the map and the
search, a smaller one for projects and practice examples (rules: docs/data/atlas_facets.md)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.atlas import selectors
from kompass.atlas.models import Edition, FundingProgramme, OrganisationUnit, ProfileFunding
from kompass.core.forms import land_field, size_class_field
from kompass.core.models import FieldOfAction


def field_choices() -> list[tuple[str, str]]:
    return [(f.slug, f.name) for f in FieldOfAction.objects.all()]


def organisation_choices() -> list[tuple[str, str]]:
    """Every unit kind but "other", labelled by the kind."""
    labels = dict(OrganisationUnit.Kind.choices)
    return [(kind, str(labels[kind])) for kind in selectors.ORGANISATION_KINDS]


class FieldChoiceMixin:
    """Fills the ``field`` choice from the database when the form is created."""

    fields: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("alle Handlungsfelder")), *field_choices()]


class EditionChoiceMixin:
    """The ``ausgabe`` choice (today's ``?ausgabe=`` parameter) and the chosen edition.

    ``edition`` is the edition the page shows: passed in by the view, or else read from the
    data (an unknown slug is left to the view, which answers 404 as before). The newest
    edition is the default; ``all_editions_label`` adds an empty choice meaning every edition.
    """

    fields: dict[str, Any]
    data: Any
    all_editions_label: Any = None

    def __init__(self, *args: Any, edition: Edition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editions = list(Edition.objects.all())
        slug = self.data.get("ausgabe") if self.data else None
        if edition is None and slug:
            edition = next((e for e in editions if e.slug == slug), None)
        if edition is None and not self.all_editions_label and editions:
            edition = editions[0]
        self.edition = edition
        choices = [(e.slug, e.title) for e in editions]
        if self.all_editions_label:
            choices.insert(0, ("", self.all_editions_label))
        self.fields["ausgabe"].choices = choices
        if edition is not None:
            self.fields["ausgabe"].initial = edition.slug


class ProfileFilterForm(EditionChoiceMixin, FieldChoiceMixin, forms.Form):
    """The profile facets. ``filters()`` gives the keyword arguments of ``selectors.profiles``
    (the edition is ``form.edition``, not part of them)."""

    ausgabe = forms.ChoiceField(label=_("Ausgabe"), required=False)
    land = land_field()
    size_class = size_class_field()
    field = forms.ChoiceField(label=_("Handlungsfeld eines Projekts"), required=False)
    primary = forms.BooleanField(
        label=_("nur als Hauptfeld (Zählweise der Studie)"), required=False
    )
    programme = forms.TypedChoiceField(
        label=_("Wettbewerb oder Förderprogramm"), required=False, coerce=int, empty_value=None
    )
    programme_level = forms.ChoiceField(
        label=_("Ebene des Programms"),
        required=False,
        choices=[("", _("alle Ebenen")), *FundingProgramme.Level.choices],
    )
    programme_role = forms.ChoiceField(
        label=_("Rolle im Programm"),
        required=False,
        choices=[("", _("alle Rollen")), *ProfileFunding.Role.choices],
    )
    organisation = forms.ChoiceField(
        label=_("Organisationsform"),
        required=False,
        help_text=_("Der Steckbrief nennt eine solche Stelle oder ein solches Gremium."),
    )
    cdo = forms.ChoiceField(
        label=_("Chief Digital Officer"),
        required=False,
        choices=[("", _("egal")), ("ja", _("vorhanden")), ("nein", _("nicht genannt"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", _("alle Programme")),
            *[
                (p.pk, f"{p.name} ({p.get_level_display()})")
                for p in selectors.programmes(self.edition)
            ],
        ]
        self.fields["organisation"].choices = [
            ("", _("alle Organisationsformen")),
            *organisation_choices(),
        ]
        # "Organisationsform" supersedes the yes/no CDO filter; links with ?cdo=ja|nein keep
        # working and then show that field too.
        if not (self.data and self.data.get("cdo")):
            del self.fields["cdo"]

    def filters(self) -> dict[str, Any]:
        """The valid form as keyword arguments of ``selectors.profiles``."""
        data = self.cleaned_data
        return {
            "land": data["land"] or None,
            "size_class": data["size_class"] or None,
            "field": data["field"] or None,
            "primary": data["primary"],
            "programme": data["programme"],
            "programme_level": data["programme_level"] or None,
            "programme_role": data["programme_role"] or None,
            "organisation": data["organisation"] or None,
            "has_cdo": {"ja": True, "nein": False}.get(data.get("cdo", "")),
        }


class ProjectFilterForm(EditionChoiceMixin, FieldChoiceMixin, forms.Form):
    ausgabe = forms.ChoiceField(label=_("Ausgabe"), required=False)
    land = land_field()
    size_class = size_class_field()
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)
    primary = forms.BooleanField(
        label=_("nur als Hauptfeld (Zählweise der Studie)"), required=False
    )

    def filters(self) -> dict[str, Any]:
        """The valid form as keyword arguments of ``selectors.projects``."""
        data = self.cleaned_data
        return {
            "field": data["field"] or None,
            "primary": data["primary"],
            "land": data["land"] or None,
            "size_class": data["size_class"] or None,
        }


class PracticeExampleFilterForm(FieldChoiceMixin, forms.Form):
    land = land_field()
    field = forms.ChoiceField(label=_("Handlungsfeld"), required=False)


class SearchForm(ProfileFilterForm):
    all_editions_label = _("alle Ausgaben")

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
    field_order = [
        "q",
        "art",
        "ausgabe",
        "land",
        "size_class",
        "field",
        "primary",
        "programme",
        "programme_level",
        "programme_role",
        "organisation",
        "cdo",
    ]
