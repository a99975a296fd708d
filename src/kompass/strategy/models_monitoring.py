"""Models of the strategy workspace: monitoring and evaluation (step 9 „Evaluation“;
docs/strategy_monitoring.md).

The guide (shared/seeds/004_7b05438c2c859b61.txt) asks per project for clear evaluation goals
(why, lines 2675-2690 and 3054-3061), a decision on who evaluates – internally or externally –
and how data are collected (lines 3063-3072), the timing (ex-ante, accompanying, ex-post;
lines 2720-2730), indicators for the levels of the impact chain input – output – outcome –
impact with impact dimensions (lines 2745-2812) and a baseline at „Zeitpunkt 0“ that later
measurements repeat (lines 3074-3084). Worksheet 10 „Wirkungsmessung“ (``impact_measurement``
in worksheets.yaml, lines 4304-4498) is the template; its options are used here, not re-typed.

- :class:`EvaluationPlan` – one live plan per project.
- :class:`Indicator` – one indicator of a project on one level of the impact chain, with
  baseline (value and date, time zero), target (value and date) and the direction.
- :class:`Measurement` – one repeated measurement of an indicator (one live row per indicator
  and date).

The status rule (on track / partly / not on track / no data) lives in
:mod:`kompass.strategy.monitoring`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kompass.strategy.models import Project, WorkspaceItem
from kompass.strategy.process import load_all

__all__ = ["EvaluationPlan", "Indicator", "Measurement", "format_decimal"]

#: Digits of indicator values (baseline, target, measurements): up to 12 before, 4 after the
#: decimal separator.
VALUE_DIGITS = 16
VALUE_PLACES = 4


def _worksheet() -> Any:
    return load_all().worksheet("impact_measurement")


def _timing_choices() -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in _worksheet().field("evaluation_timing").options]


def _level_choices() -> list[tuple[str, str]]:
    return [(row.id, row.label) for row in _worksheet().field("analysis").rows]


def _dimension_labels() -> dict[str, str]:
    table = _worksheet().field("analysis")
    column = next(c for c in table.columns if c.id == "dimensions")
    return {o.value: o.label for o in column.options}


def format_decimal(value: Decimal | None) -> str:
    """A value in German notation without trailing zeros: Decimal("1234.5000") → "1.234,5"."""
    if value is None:
        return "–"
    normal = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    sign = normal.is_signed()
    text = f"{abs(normal):f}"
    whole, _sep, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    out = grouped + ("," + fraction if fraction else "")
    return ("-" if sign and normal != 0 else "") + out


class EvaluationPlan(WorkspaceItem):
    """How one project is evaluated (one live plan per project)."""

    class Execution(models.TextChoices):
        INTERNAL = "internal", _("intern")
        EXTERNAL = "external", _("extern")

    project = models.ForeignKey(
        Project,
        verbose_name=_("Projekt"),
        on_delete=models.CASCADE,
        related_name="evaluation_plans",
    )
    purpose = models.TextField(_("Warum wird evaluiert?"), blank=True)
    evaluator = models.CharField(_("Wer evaluiert?"), max_length=300, blank=True)
    execution = models.CharField(
        _("Durchführung"), max_length=20, choices=Execution.choices, blank=True
    )
    timing = models.CharField(
        _("Zeitpunkt der Evaluation"), max_length=20, choices=_timing_choices(), blank=True
    )
    data_sources = models.TextField(_("Datenquellen und Erhebung"), blank=True)
    notes = models.TextField(_("Anmerkungen"), blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "purpose": "Warum wird evaluiert?",
        "evaluator": "Wer evaluiert?",
        "execution": "Durchführung",
        "timing": "Zeitpunkt der Evaluation",
        "data_sources": "Datenquellen und Erhebung",
        "notes": "Anmerkungen",
    }

    class Meta:
        verbose_name = _("Evaluationsplan")
        verbose_name_plural = _("Evaluationspläne")
        ordering = ["workspace", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_evaluationplan_one_per_project",
            )
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"Evaluationsplan von „{self.project.title}“"


class Indicator(WorkspaceItem):
    """An indicator of a project on one level of the impact chain (worksheet 10)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("höhere Werte sind besser")
        LOWER = "lower", _("niedrigere Werte sind besser")

    project = models.ForeignKey(
        Project, verbose_name=_("Projekt"), on_delete=models.CASCADE, related_name="indicators"
    )
    level = models.CharField(_("Wirkungsebene"), max_length=10, choices=_level_choices())
    name = models.CharField(_("Indikator"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=60, blank=True)
    dimensions = models.JSONField(_("Wirkungsdimensionen"), default=list, blank=True)
    data_collection = models.TextField(_("Erhebungsweg"), blank=True)
    baseline_value = models.DecimalField(
        _("Ausgangswert"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        null=True,
        blank=True,
    )
    baseline_date = models.DateField(_("Datum der Basiserhebung"), null=True, blank=True)
    target_value = models.DecimalField(
        _("Zielwert"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES, null=True, blank=True
    )
    target_date = models.DateField(_("Zieldatum"), null=True, blank=True)
    direction = models.CharField(
        _("Richtung"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )

    tracked_fields: ClassVar[dict[str, str]] = {
        "level": "Wirkungsebene",
        "name": "Indikator",
        "unit": "Einheit",
        "dimensions": "Wirkungsdimensionen",
        "data_collection": "Erhebungsweg",
        "baseline_value": "Ausgangswert",
        "baseline_date": "Datum der Basiserhebung",
        "target_value": "Zielwert",
        "target_date": "Zieldatum",
        "direction": "Richtung",
    }

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["workspace", "project", "name"]
        indexes = [models.Index(fields=["workspace", "project"], name="strategy_indicator_project")]

    def __str__(self) -> str:
        return self.name

    def describe(self) -> str:
        return f"Indikator „{self.name}“"

    @staticmethod
    def dimension_labels() -> dict[str, str]:
        return _dimension_labels()

    def display_value(self, field: str, value: Any) -> str:
        if field == "dimensions":
            labels = _dimension_labels()
            return ", ".join(labels.get(v, v) for v in value or []) or "–"
        if field in ("baseline_value", "target_value"):
            return format_decimal(value)
        return super().display_value(field, value)

    def with_unit(self, value: Decimal | None) -> str:
        """``value`` in German notation with the unit (``–`` when empty)."""
        if value is None:
            return "–"
        return f"{format_decimal(value)} {self.unit}".strip()

    @property
    def baseline_text(self) -> str:
        """„12 Kurse am 01.01.2024“ or „–“."""
        if self.baseline_value is None:
            return "–"
        when = f" am {self.baseline_date:%d.%m.%Y}" if self.baseline_date else ""
        return self.with_unit(self.baseline_value) + when

    @property
    def target_text(self) -> str:
        """„30 Kurse bis 31.12.2026“ or „–“."""
        if self.target_value is None:
            return "–"
        when = f" bis {self.target_date:%d.%m.%Y}" if self.target_date else ""
        return self.with_unit(self.target_value) + when


class Measurement(WorkspaceItem):
    """One measurement of an indicator (repeated after the baseline)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("Indikator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    date = models.DateField(_("Datum"))
    value = models.DecimalField(_("Wert"), max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    note = models.TextField(_("Anmerkung"), blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "date": "Datum",
        "value": "Wert",
        "note": "Anmerkung",
    }

    class Meta:
        verbose_name = _("Messwert")
        verbose_name_plural = _("Messwerte")
        ordering = ["indicator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "date"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_measurement_one_per_date",
            )
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"Messwert vom {self.date:%d.%m.%Y} für „{self.indicator.name}“"

    @property
    def value_text(self) -> str:
        """The value in German notation with the indicator's unit."""
        return self.indicator.with_unit(self.value)

    def display_value(self, field: str, value: Any) -> str:
        if field == "value":
            return format_decimal(value)
        return super().display_value(field, value)
