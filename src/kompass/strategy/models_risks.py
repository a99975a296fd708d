"""Models of the strategy workspace: risks (step 6 „Risiken abschätzen“; docs/strategy_risks.md).

- :class:`RiskScale` – the workspace's scales for probability and damage (one live row per
  workspace): how many levels (3-10) and a German label per level. The guide asks for a
  standardised procedure so that risks stay comparable (004 lines 2442-2448) but prints no
  levels; the template's 1-5 (worksheets.yaml ``risk_matrix``) is the default. Its
  ``version`` rises with every change.
- :class:`RiskScaleVersion` – an unchangeable copy of every version of a workspace's scale, so
  that risks scored under an older scale can be shown with their old labels.
- :class:`Risk` – one row of the risk matrix (worksheet 7, 004 lines 3869-4052): every column
  of the template's risks table, the project it belongs to (``None``: the strategy as a whole,
  004 lines 2357-2366), the person who keeps an eye on it, and the scale version it was scored
  under. ``score`` (probability × damage) and ``band`` are derived by
  :mod:`kompass.strategy.risks` when a risk is scored.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.strategy.models import Project, Workspace, WorkspaceItem, WorkspaceMember
from kompass.strategy.process import load_all

__all__ = [
    "RISK_SCALE_MAX_LEVELS",
    "RISK_SCALE_MIN_LEVELS",
    "Risk",
    "RiskBand",
    "RiskScale",
    "RiskScaleVersion",
]

#: Bounds of the number of levels of a configurable scale.
RISK_SCALE_MIN_LEVELS = 3
RISK_SCALE_MAX_LEVELS = 10


def _column(column_id: str) -> Any:
    """A column of the risks table of worksheet 7 (risk_matrix) as shipped."""
    table = load_all().worksheet("risk_matrix").field("risks")
    for column in table.columns:
        if column.id == column_id:
            return column
    raise KeyError(column_id)


def _choices(column_id: str) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in _column(column_id).options]


class RiskBand(models.TextChoices):
    """The band of a scored risk (rule in :func:`kompass.strategy.risks.band_for`)."""

    LOW = "low", _("gering")
    MEDIUM = "medium", _("mittel")
    HIGH = "high", _("hoch")


class RiskScale(WorkspaceItem):
    """Probability and damage scales of one workspace (one live row per workspace).

    ``probability_labels`` and ``damage_labels`` hold one label per level, lowest first; the
    number of labels is the number of levels. Changing either gives a new ``version``; risks
    scored under an older version must be scored again (:mod:`kompass.strategy.risks`).
    """

    probability_labels = models.JSONField(_("Stufen der Eintrittswahrscheinlichkeit"))
    damage_labels = models.JSONField(_("Stufen der Schadenshöhe"))

    tracked_fields: ClassVar[dict[str, str]] = {
        "probability_labels": "Stufen der Eintrittswahrscheinlichkeit",
        "damage_labels": "Stufen der Schadenshöhe",
    }

    class Meta:
        verbose_name = _("Risikoskala")
        verbose_name_plural = _("Risikoskalen")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_riskscale_one_per_workspace",
            )
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return "Risikoskala"

    @property
    def probability_levels(self) -> int:
        return len(self.probability_labels or [])

    @property
    def damage_levels(self) -> int:
        return len(self.damage_labels or [])

    def display_value(self, field: str, value: Any) -> str:
        if field in ("probability_labels", "damage_labels"):
            labels = list(value or [])
            return f"{len(labels)} Stufen ({', '.join(map(str, labels))})"
        return super().display_value(field, value)


class RiskScaleVersion(models.Model):
    """What the scale of a workspace looked like in one version (written, never changed)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="risk_scale_versions"
    )
    version = models.PositiveIntegerField(_("Version"))
    probability_labels = models.JSONField(_("Stufen der Eintrittswahrscheinlichkeit"))
    damage_labels = models.JSONField(_("Stufen der Schadenshöhe"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("gültig ab"), default=timezone.now)

    class Meta:
        verbose_name = _("Fassung der Risikoskala")
        verbose_name_plural = _("Fassungen der Risikoskala")
        ordering = ["workspace", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "version"], name="strategy_riskscaleversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Risikoskala, Version {self.version}"

    @property
    def probability_levels(self) -> int:
        return len(self.probability_labels or [])

    @property
    def damage_levels(self) -> int:
        return len(self.damage_labels or [])


class Risk(WorkspaceItem):
    """One risk of the risk matrix (worksheet 7), of a project or of the whole strategy.

    ``category`` is a slug of risk_categories.yaml or ``other`` (then ``category_other``
    names it). ``probability`` and ``damage`` are levels of the workspace's
    :class:`RiskScale` in the version ``scale_version``; both are set or both empty.
    ``scope`` uses the template's fixed 1-5 scale. ``owner`` is a member, ``owner_name`` a
    person outside the workspace (at most one of the two).
    """

    OTHER_CATEGORY = "other"

    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="risks",
    )
    title = models.CharField(_("Kurzbezeichnung"), max_length=200)
    category = models.CharField(_("Art der Risiken"), max_length=40, blank=True)
    category_other = models.CharField(_("Andere Art"), max_length=120, blank=True)
    description = models.TextField(_("Beschreibung der Risiken"), blank=True)
    example = models.TextField(_("Beispiel"), blank=True)
    perspective = models.CharField(
        _("Perspektive"), max_length=20, choices=_choices("perspective"), blank=True
    )
    consequence_types = models.JSONField(_("Art der Folgeeffekte"), default=list, blank=True)
    probability = models.PositiveSmallIntegerField(
        _("Eintrittswahrscheinlichkeit"), null=True, blank=True
    )
    damage = models.PositiveSmallIntegerField(_("Schadenshöhe"), null=True, blank=True)
    scale_version = models.PositiveIntegerField(
        _("bewertet mit Skalenversion"), null=True, blank=True
    )
    score = models.PositiveSmallIntegerField(_("Risikowert"), null=True, blank=True)
    band = models.CharField(_("Risikostufe"), max_length=10, choices=RiskBand.choices, blank=True)
    scope = models.PositiveSmallIntegerField(_("Wirkungsumfang"), null=True, blank=True)
    duration = models.CharField(
        _("Zeitliche Dauer und Wirkungstiefe"),
        max_length=20,
        choices=_choices("duration"),
        blank=True,
    )
    influence_level = models.CharField(
        _("Ebene der Beeinflussbarkeit"),
        max_length=20,
        choices=_choices("influence_level"),
        blank=True,
    )
    related_risks = models.TextField(_("Zusammenhängende Risiken"), blank=True)
    mitigation = models.TextField(_("Gegen- und Vorbeugemaßnahmen"), blank=True)
    emergency_plan = models.TextField(_("Notfallplan"), blank=True)
    abort_criteria = models.TextField(_("Abbruchkriterien"), blank=True)
    owner = models.ForeignKey(
        WorkspaceMember,
        verbose_name=_("Verantwortliche Person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_name = models.CharField(
        _("Verantwortliche Person außerhalb des Arbeitsraums"), max_length=200, blank=True
    )

    tracked_fields: ClassVar[dict[str, str]] = {
        "project": "Projekt",
        "title": "Kurzbezeichnung",
        "category": "Art der Risiken",
        "category_other": "Andere Art",
        "description": "Beschreibung der Risiken",
        "example": "Beispiel",
        "perspective": "Perspektive",
        "consequence_types": "Art der Folgeeffekte",
        "probability": "Eintrittswahrscheinlichkeit",
        "damage": "Schadenshöhe",
        "scale_version": "bewertet mit Skalenversion",
        "score": "Risikowert",
        "band": "Risikostufe",
        "scope": "Wirkungsumfang",
        "duration": "Zeitliche Dauer und Wirkungstiefe",
        "influence_level": "Ebene der Beeinflussbarkeit",
        "related_risks": "Zusammenhängende Risiken",
        "mitigation": "Gegen- und Vorbeugemaßnahmen",
        "emergency_plan": "Notfallplan",
        "abort_criteria": "Abbruchkriterien",
        "owner": "Verantwortliche Person",
        "owner_name": "Verantwortliche Person außerhalb des Arbeitsraums",
    }

    class Meta:
        verbose_name = _("Risiko")
        verbose_name_plural = _("Risiken")
        ordering = ["workspace", "-score", "title"]
        indexes = [
            models.Index(fields=["workspace", "project"], name="strategy_risk_project"),
            models.Index(fields=["workspace", "band"], name="strategy_risk_band"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(probability__isnull=True) & Q(damage__isnull=True))
                | (
                    Q(probability__gte=1)
                    & Q(damage__gte=1)
                    & Q(probability__lte=10)
                    & Q(damage__lte=10)
                    & Q(scale_version__isnull=False)
                ),
                name="strategy_risk_scored_together",
            ),
            models.CheckConstraint(
                condition=Q(scope__isnull=True) | (Q(scope__gte=1) & Q(scope__lte=5)),
                name="strategy_risk_scope_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Risiko „{self.title}“"

    @property
    def is_scored(self) -> bool:
        return self.probability is not None and self.damage is not None

    @property
    def category_label(self) -> str:
        if self.category == self.OTHER_CATEGORY:
            return self.category_other or "Andere"
        titles = {c.slug: c.title for c in load_all().risk_categories}
        return titles.get(self.category, self.category)

    @property
    def owner_label(self) -> str:
        if self.owner_id is not None and self.owner is not None:
            return str(self.owner.user)
        return self.owner_name

    def display_value(self, field: str, value: Any) -> str:
        if field in ("project", "owner"):
            if value is None:
                return "Gesamte Strategie" if field == "project" else "–"
            return str(value.user) if field == "owner" else str(value)
        if field == "category" and value:
            if value == self.OTHER_CATEGORY:
                return "Andere"
            titles = {c.slug: c.title for c in load_all().risk_categories}
            return titles.get(value, value)
        if field == "consequence_types":
            labels = dict(_choices("consequence_types"))
            return ", ".join(labels.get(v, v) for v in value or []) or "–"
        return super().display_value(field, value)
