"""Models of the strategy workspace: portfolio, roadmap and project matrix
(docs/strategy_portfolio.md).

The projects themselves are :class:`~kompass.strategy.models.Project` (shared with the other
parts). This module adds

- :class:`Milestone` – a date in a project's plan (step 7 "Roadmap": milestones, 004 lines
  2557-2560; the sketch's "zeitliche Umsetzung und Meilensteine", 004 line 2334): a plain
  milestone, a decision of a council or committee, or a funding deadline;
- :class:`CriteriaWeighting` – the workspace's weights of the selection criteria of step 7
  (004 lines 2510-2536, ``selection_criteria.yaml``). The guide asks to fix the criteria
  beforehand and make them known (004 lines 2512-2513): nobody scores before the weights are
  published, and every change after publication is a new numbered *Fassung*;
- :class:`Assessment` – a project's score (1-5, worksheet 8's scale) on one criterion, made
  under one *Fassung* of the weights. Scores of an older *Fassung* must be given again before
  the project gets a total (scales are never mixed).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompass.strategy.models import Project, WorkspaceItem
from kompass.strategy.process import load_all

__all__ = ["SCORE_MAX", "SCORE_MIN", "Assessment", "CriteriaWeighting", "Milestone"]

#: The scale of worksheet 8's "Bewertung" column (worksheets.yaml project_matrix).
SCORE_MIN = 1
SCORE_MAX = 5


class Milestone(WorkspaceItem):
    """A dated step of a project on the roadmap."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", _("Meilenstein")
        DECISION = "decision", _("Beschluss")
        FUNDING_DEADLINE = "funding_deadline", _("Förderfrist")

    project = models.ForeignKey(
        Project, verbose_name=_("Projekt"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.MILESTONE)
    due_date = models.DateField(_("Termin"))
    done = models.BooleanField(_("erreicht"), default=False)
    done_on = models.DateField(_("erreicht am"), null=True, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "title": "Bezeichnung",
        "kind": "Art",
        "due_date": "Termin",
        "done": "erreicht",
        "done_on": "erreicht am",
        "note": "Anmerkung",
    }

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["due_date", "title"]
        indexes = [models.Index(fields=["workspace", "due_date"], name="strategy_milestone_due")]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"{self.get_kind_display()} „{self.title}“"

    def display_value(self, field: str, value: Any) -> str:
        if field == "done":
            return "ja" if value else "nein"
        return super().display_value(field, value)


class CriteriaWeighting(WorkspaceItem):
    """The weights of the selection criteria of one workspace (one live row per workspace).

    ``weights`` maps every criterion slug of ``selection_criteria.yaml`` to a whole number
    0-10 (0: the criterion does not count). ``number`` is the *Fassung*: 0 while the weights are
    a draft, 1 on publication, +1 with every published change. ``history`` keeps every
    published *Fassung* ``{"number", "weights", "published_at", "published_by"}``.
    """

    weights = models.JSONField(_("Gewichte"), default=dict)
    number = models.PositiveIntegerField(_("Fassung der Gewichtung"), default=0)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("veröffentlicht von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = models.JSONField(_("Frühere Fassungen"), default=list, blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "weights": "Gewichte",
        "number": "Fassung der Gewichtung",
        "published_at": "veröffentlicht am",
    }

    class Meta:
        verbose_name = _("Gewichtung der Auswahlkriterien")
        verbose_name_plural = _("Gewichtungen der Auswahlkriterien")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_weighting_one_per_workspace",
            )
        ]

    def __str__(self) -> str:
        return self.describe()

    @property
    def is_published(self) -> bool:
        return self.number > 0

    def describe(self) -> str:
        return "Gewichtung der Auswahlkriterien"

    def display_value(self, field: str, value: Any) -> str:
        if field == "weights":
            return ", ".join(f"{k}={v}" for k, v in sorted((value or {}).items())) or "–"
        if field == "published_at":
            return value.strftime("%d.%m.%Y %H:%M") if value else "–"
        return super().display_value(field, value)


class Assessment(WorkspaceItem):
    """A project's score on one selection criterion under one *Fassung* of the weights."""

    project = models.ForeignKey(
        Project, verbose_name=_("Projekt"), on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.CharField(_("Kriterium"), max_length=60)
    score = models.PositiveSmallIntegerField(_("Bewertung"))
    weighting_number = models.PositiveIntegerField(_("bewertet unter Fassung"))

    tracked_fields: ClassVar[dict[str, str]] = {
        "score": "Bewertung",
        "weighting_number": "bewertet unter Fassung",
    }

    class Meta:
        verbose_name = _("Bewertung nach einem Kriterium")
        verbose_name_plural = _("Bewertungen nach Kriterien")
        ordering = ["project", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "criterion"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_assessment_unique_criterion",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                name="strategy_assessment_score_range",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        labels = {c.slug: c.label for c in load_all().selection_criteria.criteria}
        label = labels.get(self.criterion, self.criterion)
        return f"Bewertung von „{self.project.title}“ nach „{label}“"
