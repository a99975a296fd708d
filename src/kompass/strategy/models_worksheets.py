"""Models of the strategy workspace: worksheets (see docs/strategy_worksheets.md).

- :class:`WorksheetEntry`: one filled copy of one of the ten worksheets (Arbeitshilfen, guide
  lines 3148-3196), e.g. one actor mapping per project; its answers are JSON validated by
  :func:`kompass.strategy.worksheet_forms.clean_answers`.
- :class:`WorksheetSurvey`, :class:`SurveyRecipient`, :class:`SurveyResponse`: the
  digitalisation questionnaire (worksheet 2, lines 3309-3347) sent to actors online; every
  recipient answers through a personal link whose token is stored as a hash only.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.accounts.models import hash_secret
from kompass.strategy.models import WorkspaceItem
from kompass.strategy.process import load_worksheets
from kompass.strategy.steps import STEP_CODES

__all__ = ["SurveyRecipient", "SurveyResponse", "WorksheetEntry", "WorksheetSurvey"]


def worksheet_choices() -> list[tuple[str, str]]:
    return [(w.slug, f"{w.number} {w.title}") for w in load_worksheets()]


def _filled(answers: Any) -> int:
    from kompass.strategy.worksheet_forms import is_empty

    return sum(1 for value in (answers or {}).values() if not is_empty(value))


class WorksheetEntry(WorkspaceItem):
    """A filled worksheet of a workspace (several per worksheet are allowed)."""

    worksheet = models.CharField(
        _("Arbeitshilfe"), max_length=40, choices=worksheet_choices, db_index=True
    )
    title = models.CharField(_("Titel"), max_length=200)
    step_code = models.CharField(
        _("Arbeitsschritt"),
        max_length=2,
        blank=True,
        choices=[(c, c) for c in STEP_CODES],
        help_text=_("Der Arbeitsschritt, zu dem dieser Eintrag gehört (optional)."),
    )
    round = models.PositiveSmallIntegerField(_("Runde"), null=True, blank=True)
    answers = models.JSONField(_("Antworten"), default=dict, blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "title": "Titel",
        "step_code": "Arbeitsschritt",
        "round": "Runde",
        "answers": "Antworten",
    }

    class Meta:
        verbose_name = _("Eintrag einer Arbeitshilfe")
        verbose_name_plural = _("Einträge der Arbeitshilfen")
        ordering = ["workspace", "worksheet", "-updated_at", "id"]
        indexes = [
            models.Index(fields=["workspace", "worksheet"], name="strategy_wsentry_sheet"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(round__isnull=True) | Q(round__gte=1),
                name="strategy_wsentry_round_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def sheet(self) -> Any:
        """The :class:`~kompass.strategy.process.Worksheet` of this entry."""
        from kompass.strategy.process import load_all

        return load_all().worksheet(self.worksheet)

    def describe(self) -> str:
        return f"Arbeitshilfe „{self.sheet.title}“: „{self.title}“"

    def display_value(self, field: str, value: Any) -> str:
        if field == "answers":
            total = len(self.sheet.fields)
            return f"{_filled(value)} von {total} Feldern ausgefüllt"
        if field == "round":
            return str(value) if value else "–"
        if field == "step_code":
            return f"Schritt {value}" if value else "–"
        return super().display_value(field, value)


class WorksheetSurvey(WorkspaceItem):
    """An online round of the digitalisation questionnaire, based on a team's entry.

    ``questions`` are the ids of the questionnaire's fields that are asked (the guide lets
    the municipality pick the questions that fit, lines 3321-3327). ``closes_on`` ends the
    answering at the end of that day; ``closed_at`` ends it at once.
    """

    entry = models.ForeignKey(
        WorksheetEntry,
        verbose_name=_("Fragebogen des Teams"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    title = models.CharField(_("Titel der Befragung"), max_length=200)
    intro = models.TextField(_("Einleitung für die Befragten"), blank=True)
    questions = models.JSONField(_("Gestellte Fragen"), default=list, blank=True)
    closes_on = models.DateField(_("Antworten möglich bis"), null=True, blank=True)
    closed_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "title": "Titel der Befragung",
        "intro": "Einleitung für die Befragten",
        "questions": "Gestellte Fragen",
        "closes_on": "Antworten möglich bis",
        "closed_at": "beendet am",
    }

    class Meta:
        verbose_name = _("Online-Befragung")
        verbose_name_plural = _("Online-Befragungen")
        ordering = ["workspace", "-created_at", "id"]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Befragung „{self.title}“"

    def display_value(self, field: str, value: Any) -> str:
        if field == "questions":
            return f"{len(value or [])} Fragen"
        if field == "closed_at":
            return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"
        return super().display_value(field, value)

    @property
    def is_open(self) -> bool:
        """Answers are accepted: not ended, not past ``closes_on``, not deleted."""
        if self.closed_at is not None or self.deleted_at is not None:
            return False
        return self.closes_on is None or timezone.localdate() <= self.closes_on


class SurveyRecipient(models.Model):
    """A person asked in a survey, with a personal answer link (token stored as hash)."""

    survey = models.ForeignKey(WorksheetSurvey, on_delete=models.CASCADE, related_name="recipients")
    name = models.CharField(_("Name"), max_length=200)
    actor_group = models.CharField(_("Akteursgruppe"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("hinzugefügt am"), default=timezone.now)
    mailed_at = models.DateTimeField(_("Link verschickt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Befragte Person")
        verbose_name_plural = _("Befragte Personen")
        ordering = ["survey", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A random token and its hash (as for workspace invitations)."""
        token = secrets.token_urlsafe(32)
        return token, hash_secret(token)


class SurveyResponse(models.Model):
    """The answers of one recipient (one per token; editable while the survey is open)."""

    recipient = models.OneToOneField(
        SurveyRecipient, on_delete=models.CASCADE, related_name="response"
    )
    answers = models.JSONField(_("Antworten"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("abgegeben am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Antwort einer Befragung")
        verbose_name_plural = _("Antworten von Befragungen")

    def __str__(self) -> str:
        return f"{self.recipient}"
