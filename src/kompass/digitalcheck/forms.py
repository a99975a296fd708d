"""Forms of the Digitalcheck pages around the questionnaire (the questions themselves are the
engine's ``QuestionnaireForm``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.core.models import Land
from kompass.digitalcheck.models import Submission
from kompass.digitalcheck.services import MAX_POPULATION

RELEASE_LABEL = _("Ergebnis anonym für den Vergleich freigeben")
RELEASE_HELP = _(
    "Freigegebene Checks bilden die Vergleichsgruppe für andere Kommunen derselben "
    "Größenklasse. Verwendet werden nur der Gesamtwert, die Größenklasse und das Land – nie "
    "die Antworten und nie der Name. Sie können die Freigabe jederzeit zurücknehmen."
)


class AnonymousStartForm(forms.Form):
    """What an anonymous check needs besides the answers: population and (optionally) Land."""

    population = forms.IntegerField(
        label=_("Einwohnerzahl Ihrer Kommune"),
        min_value=1,
        max_value=MAX_POPULATION,
        help_text=_("Eine ungefähre Zahl genügt; sie bestimmt die Größenklasse für den Vergleich."),
        error_messages={
            "required": _("Bitte geben Sie die Einwohnerzahl an."),
            "invalid": _("Bitte geben Sie die Einwohnerzahl als ganze Zahl an."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    land = forms.ChoiceField(
        label=_("Land (freiwillig)"),
        choices=[("", _("– keine Angabe –")), *Land.choices],
        required=False,
        help_text=_("Mit dem Land sehen Sie auch Vergleichswerte Ihrer Region."),
    )


class MemberStartForm(forms.Form):
    """A member's check takes population and Land from the municipality record; only a
    missing population is asked for."""

    population = forms.IntegerField(
        label=_("Einwohnerzahl"),
        min_value=1,
        max_value=MAX_POPULATION,
        required=False,
        help_text=_("Für Ihre Kommune ist keine Einwohnerzahl hinterlegt."),
    )

    def __init__(self, *args: Any, needs_population: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_population = needs_population
        if needs_population:
            self.fields["population"].required = True
        else:
            del self.fields["population"]


class ReleaseForm(forms.Form):
    released = forms.BooleanField(label=RELEASE_LABEL, help_text=RELEASE_HELP, required=False)


class CompareForm(forms.Form):
    """Two submitted checks of one municipality (``?a=…&b=…``)."""

    a = forms.TypedChoiceField(label=_("Früherer Check"), coerce=int)
    b = forms.TypedChoiceField(label=_("Späterer Check"), coerce=int)

    def __init__(self, *args: Any, checks: list[Submission], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (str(check.pk), _label(check))
            for check in sorted(checks, key=lambda c: (c.submitted_at, c.pk))
        ]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.by_pk = {check.pk: check for check in checks}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Bitte wählen Sie zwei verschiedene Checks."))
        return data


def _label(check: Submission) -> str:
    when = (
        timezone.localtime(check.submitted_at).strftime("%d.%m.%Y %H:%M")
        if check.submitted_at
        else "–"
    )
    score = "–" if check.overall_score is None else f"{check.overall_score:.1f}".replace(".", ",")
    return str(_("Check vom %(when)s (Gesamtwert %(score)s)") % {"when": when, "score": score})
