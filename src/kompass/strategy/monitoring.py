"""Monitoring and evaluation of a workspace's projects (step 9 „Evaluation“;
docs/strategy_monitoring.md).

The guide (shared/seeds/004_7b05438c2c859b61.txt) describes step 9 in lines 2675-2830 and
3054-3090: evaluation goals per project (why), who evaluates (internally or externally) and
who collects which data, the timing (ex-ante, accompanying, ex-post), indicators on the levels
input – output – outcome – impact with impact dimensions, a baseline at „Zeitpunkt 0“ and
repeated measurements at fixed points in time. Its example impact matrix (lines 2840-2920)
shows a status per project area of each field of action („nicht auf Zielerreichungskurs“,
„teilweise …“, „weitgehend …“); the rule below makes such a status computable.

Rules kept here (pages, reports and API call the same functions):

- **Status of an indicator** (:func:`indicator_status`), from its baseline ``B`` at date
  ``d0``, its target ``T`` at date ``d1`` and its latest measurement ``V`` at date ``d``
  (the latest one *after* ``d0``):

  - progress share ``p = (V − B) / (T − B)`` (1 = target reached; works for both
    directions because ``T − B`` carries the sign),
  - elapsed share ``e = (d − d0) / (d1 − d0)`` in days, at most 1,
  - **auf Kurs** when ``p ≥ 1`` or ``p ≥ 0,9 · e``; **teilweise auf Kurs** when
    ``p ≥ 0,5 · e``; otherwise **nicht auf Kurs**;
  - **keine Daten** when baseline or target (value or date) is missing or there is no
    measurement after the baseline date.

  Compared exactly with :class:`~decimal.Decimal` products (no division, no rounding).
- **Status of a project** (:func:`aggregate`) over its indicators that have a status:
  **auf Kurs** when all are on track, **nicht auf Kurs** when at least half are not on track,
  otherwise **teilweise auf Kurs**; **keine Daten** when none has a status.
- **Status of a project area** (a field of action; projects without one form the group
  „ohne Handlungsfeld“): the same rule over its projects' statuses.
- Plans and indicators are written by the core team and contributors (``edit_steps``);
  measurements also by external partners (``contribute``), who often collect or evaluate data
  from outside. Every member reads everything. Every write goes through
  :mod:`kompass.strategy.items` (versioned, attributable, logged, restorable for 30 days).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items
from kompass.strategy.models import Activity, FieldOfAction, Project, Workspace, WorkspaceMember
from kompass.strategy.models_monitoring import (
    VALUE_DIGITS,
    VALUE_PLACES,
    EvaluationPlan,
    Indicator,
    Measurement,
    format_decimal,
)
from kompass.strategy.process import load_all
from kompass.strategy.services import _require

# --------------------------------------------------------------------------- status

ON_TRACK = "on_track"
PARTLY = "partly"
NOT_ON_TRACK = "not_on_track"
NO_DATA = "no_data"

#: Status → German label (text, never colour alone).
STATUS_LABELS: dict[str, str] = {
    ON_TRACK: "auf Kurs",
    PARTLY: "teilweise auf Kurs",
    NOT_ON_TRACK: "nicht auf Kurs",
    NO_DATA: "keine Daten",
}
STATUSES = tuple(STATUS_LABELS)

#: Thresholds of the indicator rule as fractions of the elapsed time share.
ON_TRACK_SHARE = Decimal("0.9")
PARTLY_SHARE = Decimal("0.5")

#: Label of the group of projects without a field of action.
NO_FIELD = "ohne Handlungsfeld"

PLAN_FIELDS = ("purpose", "evaluator", "execution", "timing", "data_sources", "notes")
INDICATOR_FIELDS = (
    "level",
    "name",
    "unit",
    "dimensions",
    "data_collection",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "direction",
)
MEASUREMENT_FIELDS = ("date", "value", "note")


def status_label(status: str) -> str:
    return STATUS_LABELS[status]


@dataclass(frozen=True)
class IndicatorStatus:
    """The status of one indicator and the numbers it rests on."""

    status: str
    #: Latest measurement after the baseline date (None: no data).
    latest: Measurement | None = None
    #: Progress share p and elapsed share e (None when no status).
    progress: Decimal | None = None
    elapsed: Decimal | None = None
    #: Why there is no status (German), empty otherwise.
    reason: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def progress_percent(self) -> str:
        return _percent(self.progress)

    @property
    def elapsed_percent(self) -> str:
        return _percent(self.elapsed)


def _percent(share: Decimal | None) -> str:
    if share is None:
        return "–"
    value = (share * 100).quantize(Decimal(1))
    return f"{format_decimal(value)} %"


def indicator_status(
    indicator: Indicator, measurements: Iterable[Measurement] | None = None
) -> IndicatorStatus:
    """The status of ``indicator`` by the rule in the module docstring.

    Parameters
    ----------
    indicator
        The indicator with baseline, target and direction.
    measurements
        Its live measurements (read from the database when None).
    """
    b, d0 = indicator.baseline_value, indicator.baseline_date
    t, d1 = indicator.target_value, indicator.target_date
    if b is None or d0 is None:
        return IndicatorStatus(NO_DATA, reason=_("Es fehlt der Ausgangswert (Zeitpunkt 0)."))
    if t is None or d1 is None:
        return IndicatorStatus(NO_DATA, reason=_("Es fehlt der Zielwert mit Zieldatum."))
    if t == b or d1 <= d0:
        return IndicatorStatus(NO_DATA, reason=_("Ausgangs- und Zielwert passen nicht zusammen."))
    if measurements is None:
        measurements = Measurement.objects.filter(indicator=indicator)
    later = [m for m in measurements if m.date > d0]
    if not later:
        return IndicatorStatus(
            NO_DATA, reason=_("Nach der Basiserhebung gibt es noch keinen Messwert.")
        )
    latest = max(later, key=lambda m: m.date)
    span = abs(t - b)
    gain = (latest.value - b) if t > b else (b - latest.value)
    total_days = Decimal((d1 - d0).days)
    days = Decimal(min((latest.date - d0).days, (d1 - d0).days))
    progress = gain / span
    elapsed = days / total_days
    # Exact comparisons: p ≥ k·e  ⇔  gain · total_days ≥ k · span · days
    if gain >= span or gain * total_days >= ON_TRACK_SHARE * span * days:
        status = ON_TRACK
    elif gain * total_days >= PARTLY_SHARE * span * days:
        status = PARTLY
    else:
        status = NOT_ON_TRACK
    return IndicatorStatus(status, latest=latest, progress=progress, elapsed=elapsed)


def aggregate(statuses: Iterable[str]) -> str:
    """The status of a group (a project over its indicators, a project area over its
    projects): ``no_data`` entries are left out; all on track → on track; at least half not on
    track → not on track; otherwise partly; nothing left → no data."""
    known = [s for s in statuses if s != NO_DATA]
    if not known:
        return NO_DATA
    if all(s == ON_TRACK for s in known):
        return ON_TRACK
    if 2 * sum(1 for s in known if s == NOT_ON_TRACK) >= len(known):
        return NOT_ON_TRACK
    return PARTLY


# --------------------------------------------------------------------------- the guide's data


def worksheet() -> Any:
    """Worksheet 10 (impact_measurement) as shipped."""
    return load_all().worksheet("impact_measurement")


def levels() -> list[Any]:
    """The four levels of the impact chain (rows of the worksheet's analysis table) with
    label, group and guiding question."""
    return list(worksheet().field("analysis").rows)


def level_labels() -> dict[str, str]:
    return {row.id: row.label for row in levels()}


def level_order() -> dict[str, int]:
    return {row.id: index for index, row in enumerate(levels())}


def analysis_column(column_id: str) -> Any:
    for column in worksheet().field("analysis").columns:
        if column.id == column_id:
            return column
    raise KeyError(column_id)


def dimension_options() -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in analysis_column("dimensions").options]


def timing_options() -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in worksheet().field("evaluation_timing").options]


# --------------------------------------------------------------------------- queries


def projects_of(workspace: Workspace) -> QuerySet[Project]:
    return (
        Project.objects.filter(workspace=workspace)
        .select_related("field_of_action")
        .order_by("position", "title")
    )


def _live_measurements_prefetch() -> Prefetch:
    """Live measurements of an indicator, by date, as ``indicator.live``."""
    return Prefetch("measurements", queryset=Measurement.objects.order_by("date"), to_attr="live")


def indicators_of(workspace: Workspace, project: Project | None = None) -> QuerySet[Indicator]:
    """Live indicators of live projects, with their live measurements prefetched."""
    rows = Indicator.objects.filter(workspace=workspace, project__deleted_at__isnull=True)
    if project is not None:
        rows = rows.filter(project=project)
    return rows.select_related("project", "workspace__municipality").prefetch_related(
        _live_measurements_prefetch()
    )


#: Attributes that :func:`load_monitoring` sets on a project.
_INDICATORS_ATTR = "monitoring_indicators"
_PLANS_ATTR = "monitoring_plans"


def load_monitoring(workspace: Workspace, projects: Sequence[Project]) -> None:
    """Read the live indicators (each with its live measurements by date) and the live plan of
    every project in ``projects`` in bulk: three queries whatever the number of projects,
    indicators and measurements (no query per project or indicator). Projects already loaded
    are skipped. :func:`project_row` and :func:`plan_of` use what is loaded here."""
    wanted = [p for p in projects if not hasattr(p, _INDICATORS_ATTR)]
    if not wanted:
        return
    prefetch_related_objects(
        wanted,
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by().prefetch_related(_live_measurements_prefetch()),
            to_attr=_INDICATORS_ATTR,
        ),
        Prefetch("evaluation_plans", queryset=EvaluationPlan.objects.all(), to_attr=_PLANS_ATTR),
    )
    for project in wanted:
        if project.workspace_id == workspace.pk:
            # The caller's workspace (with its municipality) instead of one query per row.
            project.workspace = workspace
        for indicator in getattr(project, _INDICATORS_ATTR):
            indicator.workspace = project.workspace
        for plan in getattr(project, _PLANS_ATTR):
            plan.workspace = project.workspace


def sorted_indicators(rows: Iterable[Indicator]) -> list[Indicator]:
    order = level_order()
    return sorted(rows, key=lambda i: (order.get(i.level, 9), i.name.lower(), i.pk))


def live_measurements(indicator: Indicator) -> list[Measurement]:
    found = getattr(indicator, "live", None)
    if found is not None:
        return list(found)
    return list(Measurement.objects.filter(indicator=indicator).order_by("date"))


def plan_of(project: Project) -> EvaluationPlan | None:
    """The project's live plan (from :func:`load_monitoring` when loaded)."""
    loaded = getattr(project, _PLANS_ATTR, None)
    if loaded is not None:
        return loaded[0] if loaded else None
    return EvaluationPlan.objects.filter(project=project).first()


def find_indicator(workspace: Workspace, pk: int) -> Indicator | None:
    return indicators_of(workspace).filter(pk=pk).first()


def find_measurement(workspace: Workspace, pk: int) -> Measurement | None:
    return (
        Measurement.objects.filter(
            workspace=workspace,
            pk=pk,
            indicator__deleted_at__isnull=True,
            indicator__project__deleted_at__isnull=True,
        )
        .select_related("indicator__project")
        .first()
    )


def deleted_indicators(workspace: Workspace, project: Project) -> list[Indicator]:
    return list(
        Indicator.all_objects.filter(
            workspace=workspace, project=project, deleted_at__isnull=False
        ).order_by("-deleted_at")
    )


def deleted_measurements(workspace: Workspace, indicator: Indicator) -> list[Measurement]:
    return list(
        Measurement.all_objects.filter(
            workspace=workspace, indicator=indicator, deleted_at__isnull=False
        )
        .select_related("indicator")
        .order_by("-deleted_at")
    )


def deleted_plans(workspace: Workspace, project: Project) -> list[EvaluationPlan]:
    return list(
        EvaluationPlan.all_objects.filter(
            workspace=workspace, project=project, deleted_at__isnull=False
        )
        .select_related("project")
        .order_by("-deleted_at")
    )


def history(item: Any) -> QuerySet[Activity]:
    """The item's change history, newest first."""
    return Activity.objects.filter(
        target_type=item.target_type(), target_id=item.pk
    ).select_related("actor")


# --------------------------------------------------------------------------- overview


@dataclass
class IndicatorRow:
    indicator: Indicator
    result: IndicatorStatus
    measurements: list[Measurement]


@dataclass
class ProjectRow:
    project: Project
    status: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    plan: EvaluationPlan | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def assessed(self) -> int:
        return sum(1 for row in self.indicators if row.result.status != NO_DATA)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.indicators if r.result.status == s) for s in STATUSES}


@dataclass
class FieldRow:
    """A project area: a field of action (None: the projects without one)."""

    field: FieldOfAction | None
    status: str
    projects: list[ProjectRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.field.title if self.field is not None else NO_FIELD

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for p in self.projects if p.status == s) for s in STATUSES}


def project_row(project: Project, indicators: Iterable[Indicator] | None = None) -> ProjectRow:
    """A project with its plan, its indicators (impact-chain order) and their statuses.

    Without ``indicators`` the project's live indicators, measurements and plan are read in
    bulk (:func:`load_monitoring`; nothing more when already loaded)."""
    if indicators is None:
        load_monitoring(project.workspace, [project])
        indicators = getattr(project, _INDICATORS_ATTR)
    rows = []
    for indicator in sorted_indicators(indicators):
        measured = live_measurements(indicator)
        rows.append(IndicatorRow(indicator, indicator_status(indicator, measured), measured))
    return ProjectRow(
        project=project,
        status=aggregate(r.result.status for r in rows),
        indicators=rows,
        plan=plan_of(project),
    )


def project_rows(
    workspace: Workspace, projects: Sequence[Project] | None = None
) -> list[ProjectRow]:
    """:func:`project_row` of every project (default: the workspace's live projects, in the
    portfolio's order), read in bulk: a constant number of queries."""
    chosen = list(projects) if projects is not None else list(projects_of(workspace))
    load_monitoring(workspace, chosen)
    return [project_row(p, getattr(p, _INDICATORS_ATTR)) for p in chosen]


def overview(workspace: Workspace, projects: Sequence[Project] | None = None) -> list[FieldRow]:
    """Status per project area (field of action, in the workspace's order; „ohne
    Handlungsfeld“ last) and per project. Fields without projects are left out. A constant
    number of queries (:func:`load_monitoring`)."""
    groups: dict[int | None, list[ProjectRow]] = {}
    for row in project_rows(workspace, projects):
        project = row.project
        field_id = project.field_of_action_id
        if project.field_of_action is not None and project.field_of_action.is_deleted:
            field_id = None
        groups.setdefault(field_id, []).append(row)
    fields = {
        f.pk: f for f in FieldOfAction.objects.filter(workspace=workspace, pk__in=list(groups))
    }
    result = [
        FieldRow(fields[pk], aggregate(p.status for p in rows), rows)
        for pk, rows in groups.items()
        if pk is not None and pk in fields
    ]
    result.sort(key=lambda r: (r.field.position if r.field else 0, r.title.lower()))
    orphans = [p for pk, rows in groups.items() if pk is None or pk not in fields for p in rows]
    if orphans:
        result.append(FieldRow(None, aggregate(p.status for p in orphans), orphans))
    return result


def status_counts(workspace: Workspace) -> dict[str, int]:
    """Number of projects per status (``on_track``, ``partly``, ``not_on_track``,
    ``no_data``; every key present) over the workspace's live projects that have at least
    one live indicator – for the workspace dashboard. Same rule as :func:`overview`, read in
    bulk (a constant number of queries)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in project_rows(workspace):
        if row.indicators:
            counts[row.status] += 1
    return counts


# --------------------------------------------------------------------------- validation


def _errors() -> dict[str, list[str]]:
    return {}


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


#: German notation with thousands dots: „1.234“, „-12.345.678,5“.
_GERMAN_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def german_number(text: str) -> str | None:
    """A number typed on a German page as plain notation („1.234,5“ → „1234.5“, „3,5“ →
    „3.5“, „12“ → „12“). None when a dot is used as decimal separator („3.5“ is ambiguous on
    a German page and refused)."""
    text = text.strip().replace(" ", "").replace("\u202f", "")
    if _GERMAN_GROUPED.match(text):
        return text.replace(".", "").replace(",", ".")
    if "." in text:
        return None
    return text.replace(",", ".")


def parse_decimal(value: Any, label: str, errors: dict[str, list[str]], name: str) -> Any:
    """``value`` as Decimal; None when empty. Strings with a comma are read as German notation
    („1.234,5“), others as plain notation („1234.5“, the API's)."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        _add(errors, name, _("%(label)s: bitte eine Zahl angeben.") % {"label": label})
        return None
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            _add(
                errors,
                name,
                _("%(label)s: „%(value)s“ ist keine Zahl.") % {"label": label, "value": value},
            )
            return None
    if not number.is_finite():
        _add(errors, name, _("%(label)s: bitte eine Zahl angeben.") % {"label": label})
        return None
    limit = Decimal(10) ** (VALUE_DIGITS - VALUE_PLACES)
    if abs(number) >= limit:
        _add(errors, name, _("%(label)s: die Zahl ist zu groß.") % {"label": label})
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -VALUE_PLACES:
        _add(
            errors,
            name,
            _("%(label)s: höchstens %(n)s Nachkommastellen.") % {"label": label, "n": VALUE_PLACES},
        )
        return None
    return number


def _parse_date(value: Any, label: str, errors: dict[str, list[str]], name: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _add(
            errors,
            name,
            _("%(label)s: „%(value)s“ ist kein Datum (JJJJ-MM-TT).")
            % {"label": label, "value": value},
        )
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _clean_plan(values: dict[str, Any]) -> dict[str, Any]:
    errors = _errors()
    clean: dict[str, Any] = {}
    for name in PLAN_FIELDS:
        if name in values:
            clean[name] = _text(values[name])
    if len(clean.get("evaluator", "")) > 300:
        _add(errors, "evaluator", _("Wer evaluiert: höchstens 300 Zeichen."))
    execution = clean.get("execution", "")
    if execution and execution not in EvaluationPlan.Execution.values:
        _add(errors, "execution", _("Bitte „intern“ oder „extern“ wählen."))
    timing = clean.get("timing", "")
    if timing and timing not in dict(timing_options()):
        _add(
            errors,
            "timing",
            _("Zeitpunkt „%(value)s“ gibt es nicht; möglich sind %(options)s.")
            % {"value": timing, "options": ", ".join(label for _v, label in timing_options())},
        )
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_indicator(
    values: dict[str, Any], current: Indicator | None, workspace: Workspace
) -> dict[str, Any]:
    """Validated indicator values; checks the whole indicator as it would be stored."""
    errors = _errors()
    clean: dict[str, Any] = {}
    labels = Indicator.tracked_fields
    for name in ("name", "unit", "data_collection", "level", "direction"):
        if name in values:
            clean[name] = _text(values[name])
    if "dimensions" in values:
        raw = values["dimensions"] or []
        if isinstance(raw, str):
            raw = [raw]
        allowed = dict(dimension_options())
        unknown = [v for v in raw if v not in allowed]
        if unknown:
            _add(
                errors,
                "dimensions",
                _("Wirkungsdimension „%(value)s“ gibt es nicht.") % {"value": unknown[0]},
            )
        clean["dimensions"] = [v for v in allowed if v in raw]
    for name in ("baseline_value", "target_value"):
        if name in values:
            clean[name] = parse_decimal(values[name], labels[name], errors, name)
    for name in ("baseline_date", "target_date"):
        if name in values:
            clean[name] = _parse_date(values[name], labels[name], errors, name)
    if "project" in values:
        project = values["project"]
        if isinstance(project, int | str) and str(project).isdigit():
            project = Project.objects.filter(workspace=workspace, pk=int(project)).first()
        if not isinstance(project, Project) or project.workspace_id != workspace.pk:
            _add(errors, "project", _("Dieses Projekt gibt es in diesem Arbeitsraum nicht."))
        else:
            clean["project"] = project

    def value(name: str) -> Any:
        if name in clean:
            return clean[name]
        if name in values:  # invalid input: already reported
            return None
        return getattr(current, name) if current is not None else None

    name = value("name") or ""
    if not name:
        _add(errors, "name", _("Bitte den Indikator benennen, z. B. „Anzahl der Kurse“."))
    elif len(name) > 200:
        _add(errors, "name", _("Indikator: höchstens 200 Zeichen."))
    if len(value("unit") or "") > 60:
        _add(errors, "unit", _("Einheit: höchstens 60 Zeichen."))
    level = value("level") or ""
    if level not in level_labels():
        _add(
            errors,
            "level",
            _("Bitte eine Wirkungsebene wählen: %(options)s.")
            % {"options": ", ".join(level_labels().values())},
        )
    direction = value("direction") or Indicator.Direction.HIGHER
    if direction not in Indicator.Direction.values:
        _add(errors, "direction", _("Bitte wählen, ob höhere oder niedrigere Werte besser sind."))
    if "direction" in clean:
        clean["direction"] = direction
    if current is None and "project" not in clean and "project" not in errors:
        _add(errors, "project", _("Bitte ein Projekt wählen."))
    b, d0 = value("baseline_value"), value("baseline_date")
    t, d1 = value("target_value"), value("target_date")
    if (b is None) != (d0 is None) and "baseline_value" not in errors:
        if b is None:
            _add(errors, "baseline_value", _("Zum Datum der Basiserhebung fehlt der Ausgangswert."))
        elif "baseline_date" not in errors:
            _add(errors, "baseline_date", _("Zum Ausgangswert fehlt das Datum der Basiserhebung."))
    if (t is None) != (d1 is None) and "target_value" not in errors:
        if t is None:
            _add(errors, "target_value", _("Zum Zieldatum fehlt der Zielwert."))
        elif "target_date" not in errors:
            _add(errors, "target_date", _("Zum Zielwert fehlt das Zieldatum."))
    if b is not None and t is not None:
        if t == b:
            _add(
                errors,
                "target_value",
                _(
                    "Der Zielwert ist gleich dem Ausgangswert (%(value)s). Ein Ziel muss eine "
                    "Veränderung beschreiben."
                )
                % {"value": format_decimal(b)},
            )
        elif direction == Indicator.Direction.HIGHER and t < b:
            _add(
                errors,
                "target_value",
                _(
                    "Höhere Werte sind besser, der Zielwert (%(t)s) liegt aber unter dem "
                    "Ausgangswert (%(b)s). Bitte Zielwert oder Richtung ändern."
                )
                % {"t": format_decimal(t), "b": format_decimal(b)},
            )
        elif direction == Indicator.Direction.LOWER and t > b:
            _add(
                errors,
                "target_value",
                _(
                    "Niedrigere Werte sind besser, der Zielwert (%(t)s) liegt aber über dem "
                    "Ausgangswert (%(b)s). Bitte Zielwert oder Richtung ändern."
                )
                % {"t": format_decimal(t), "b": format_decimal(b)},
            )
    if d0 is not None and d1 is not None and d1 <= d0:
        _add(
            errors,
            "target_date",
            _("Das Zieldatum (%(d1)s) muss nach dem Datum der Basiserhebung (%(d0)s) liegen.")
            % {"d1": f"{d1:%d.%m.%Y}", "d0": f"{d0:%d.%m.%Y}"},
        )
    if current is not None and d0 is not None and "baseline_date" in clean:
        earliest = (
            Measurement.objects.filter(indicator=current, date__lt=d0).order_by("date").first()
        )
        if earliest is not None:
            _add(
                errors,
                "baseline_date",
                _(
                    "Es gibt einen Messwert vom %(date)s, also vor dem neuen Datum der "
                    "Basiserhebung (%(d0)s). Bitte zuerst diesen Messwert ändern oder löschen."
                )
                % {"date": f"{earliest.date:%d.%m.%Y}", "d0": f"{d0:%d.%m.%Y}"},
            )
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_measurement(
    values: dict[str, Any],
    indicator: Indicator,
    current: Measurement | None,
    today: dt.date | None,
) -> dict[str, Any]:
    errors = _errors()
    clean: dict[str, Any] = {}
    labels = Measurement.tracked_fields
    if "date" in values:
        clean["date"] = _parse_date(values["date"], labels["date"], errors, "date")
    if "value" in values:
        clean["value"] = parse_decimal(values["value"], labels["value"], errors, "value")
    if "note" in values:
        clean["note"] = _text(values["note"])
    date = clean.get("date") if "date" in values else (current.date if current else None)
    value = clean.get("value") if "value" in values else (current.value if current else None)
    if date is None and "date" not in errors:
        _add(errors, "date", _("Bitte das Datum der Messung angeben."))
    if value is None and "value" not in errors:
        _add(errors, "value", _("Bitte den gemessenen Wert angeben."))
    today = today or timezone.localdate()
    if date is not None:
        if indicator.baseline_date is not None and date < indicator.baseline_date:
            _add(
                errors,
                "date",
                _(
                    "Die Messung (%(date)s) liegt vor der Basiserhebung (%(d0)s). Messwerte "
                    "wiederholen die Erhebung zum Zeitpunkt 0, sie liegen also danach."
                )
                % {"date": f"{date:%d.%m.%Y}", "d0": f"{indicator.baseline_date:%d.%m.%Y}"},
            )
        elif date > today:
            _add(
                errors,
                "date",
                _("Das Datum der Messung (%(date)s) liegt in der Zukunft.")
                % {"date": f"{date:%d.%m.%Y}"},
            )
        else:
            taken = Measurement.objects.filter(indicator=indicator, date=date)
            if current is not None:
                taken = taken.exclude(pk=current.pk)
            if taken.exists():
                _add(
                    errors,
                    "date",
                    _(
                        "Für den %(date)s gibt es schon einen Messwert dieses Indikators. Bitte "
                        "diesen ändern."
                    )
                    % {"date": f"{date:%d.%m.%Y}"},
                )
    if errors:
        raise ValidationError(errors)
    return clean


def _taken_date(indicator: Indicator, date: dt.date) -> ValidationError:
    return ValidationError(
        {
            "date": [
                _("Für den %(date)s gibt es schon einen Messwert dieses Indikators.")
                % {"date": f"{date:%d.%m.%Y}"}
            ]
        }
    )


# --------------------------------------------------------------------------- permissions


def _require_edit(actor: Any, workspace: Workspace) -> WorkspaceMember:
    return _require(actor, workspace, "edit_steps")


def _require_measure(actor: Any, workspace: Workspace) -> WorkspaceMember:
    return _require(actor, workspace, "contribute")


def can_measure(role: str) -> bool:
    from kompass.strategy.permissions import Capabilities

    return Capabilities(role).contribute


# --------------------------------------------------------------------------- plans


def create_plan(*, actor: Any, project: Project, **values: Any) -> EvaluationPlan:
    """The project's evaluation plan (core team and contributors; one live plan per project)."""
    workspace = project.workspace
    _require_edit(actor, workspace)
    clean = _clean_plan(values)
    if EvaluationPlan.objects.filter(project=project).exists():
        raise ValidationError(
            _("Für %(project)s gibt es schon einen Evaluationsplan; bitte diesen ändern.")
            % {"project": project.describe()}
        )
    try:
        with transaction.atomic():
            return items.create_item(
                EvaluationPlan(workspace=workspace, project=project, **clean), actor=actor
            )
    except IntegrityError:
        raise ValidationError(
            _("Für %(project)s gibt es schon einen Evaluationsplan; bitte diesen ändern.")
            % {"project": project.describe()}
        ) from None


def update_plan(*, actor: Any, plan: EvaluationPlan, version: int, **values: Any) -> EvaluationPlan:
    _require_edit(actor, plan.workspace)
    clean = _clean_plan(values)
    return items.update_item(plan, actor=actor, version=version, values=clean)


def delete_plan(*, actor: Any, plan: EvaluationPlan, version: int) -> EvaluationPlan:
    _require_edit(actor, plan.workspace)
    return items.soft_delete_item(plan, actor=actor, version=version)


def restore_plan(*, actor: Any, plan: EvaluationPlan) -> EvaluationPlan:
    _require_edit(actor, plan.workspace)
    try:
        with transaction.atomic():
            return items.restore_item(plan, actor=actor)
    except IntegrityError:
        raise ValidationError(
            _(
                "%(item)s lässt sich nicht wiederherstellen, weil das Projekt inzwischen einen "
                "neuen Evaluationsplan hat. Löschen Sie diesen zuerst."
            )
            % {"item": plan.describe()}
        ) from None


# --------------------------------------------------------------------------- indicators


def create_indicator(*, actor: Any, workspace: Workspace, **values: Any) -> Indicator:
    """A new indicator of a project (core team and contributors)."""
    _require_edit(actor, workspace)
    values.setdefault("direction", Indicator.Direction.HIGHER)
    clean = _clean_indicator(values, None, workspace)
    return items.create_item(Indicator(workspace=workspace, **clean), actor=actor)


def update_indicator(*, actor: Any, indicator: Indicator, version: int, **values: Any) -> Indicator:
    """Change the values sent; a stale ``version`` raises VersionConflict. The project of an
    indicator does not change."""
    _require_edit(actor, indicator.workspace)
    values.pop("project", None)
    clean = _clean_indicator(values, indicator, indicator.workspace)
    return items.update_item(indicator, actor=actor, version=version, values=clean)


def delete_indicator(*, actor: Any, indicator: Indicator, version: int) -> Indicator:
    """Hide the indicator with its measurements (restorable for 30 days)."""
    _require_edit(actor, indicator.workspace)
    return items.soft_delete_item(indicator, actor=actor, version=version)


def restore_indicator(*, actor: Any, indicator: Indicator) -> Indicator:
    _require_edit(actor, indicator.workspace)
    return items.restore_item(indicator, actor=actor)


# --------------------------------------------------------------------------- measurements


def create_measurement(
    *, actor: Any, indicator: Indicator, today: dt.date | None = None, **values: Any
) -> Measurement:
    """A measurement of ``indicator`` (core team, contributors, external partners): on or after
    the baseline date, not in the future, one per date."""
    _require_measure(actor, indicator.workspace)
    values.setdefault("date", None)
    values.setdefault("value", None)
    clean = _clean_measurement(values, indicator, None, today)
    try:
        with transaction.atomic():
            return items.create_item(
                Measurement(workspace=indicator.workspace, indicator=indicator, **clean),
                actor=actor,
            )
    except IntegrityError:
        raise _taken_date(indicator, clean["date"]) from None


def update_measurement(
    *,
    actor: Any,
    measurement: Measurement,
    version: int,
    today: dt.date | None = None,
    **values: Any,
) -> Measurement:
    _require_measure(actor, measurement.workspace)
    clean = _clean_measurement(values, measurement.indicator, measurement, today)
    try:
        with transaction.atomic():
            return items.update_item(measurement, actor=actor, version=version, values=clean)
    except IntegrityError:
        raise _taken_date(measurement.indicator, clean["date"]) from None


def delete_measurement(*, actor: Any, measurement: Measurement, version: int) -> Measurement:
    _require_measure(actor, measurement.workspace)
    return items.soft_delete_item(measurement, actor=actor, version=version)


def restore_measurement(*, actor: Any, measurement: Measurement) -> Measurement:
    """Bring a measurement back (30 days), unless another one took its date meanwhile."""
    _require_measure(actor, measurement.workspace)
    try:
        with transaction.atomic():
            return items.restore_item(measurement, actor=actor)
    except IntegrityError:
        raise ValidationError(
            _(
                "%(item)s lässt sich nicht wiederherstellen, weil es für diesen Tag inzwischen "
                "einen anderen Messwert gibt. Löschen Sie diesen zuerst."
            )
            % {"item": measurement.describe()}
        ) from None


# --------------------------------------------------------------------------- chart


@dataclass(frozen=True)
class Chart:
    """A server-rendered line chart of one indicator (SVG coordinates, all in pixels)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    title: str
    description: str
    points: list[tuple[float, float, str]]
    polyline: str
    baseline_y: float | None
    target_y: float | None
    path: tuple[float, float, float, float] | None
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    baseline_label: str
    target_label: str
    empty: bool


def chart(indicator: Indicator, measurements: Sequence[Measurement]) -> Chart:
    """The indicator's values over time: measurements as points and line, baseline and target
    as horizontal lines, the planned path from baseline to target as a dashed line."""
    width, height = 640, 300
    left, right, top, bottom = 80, 620, 30, 250
    dates = [m.date for m in measurements]
    values = [m.value for m in measurements]
    b, d0 = indicator.baseline_value, indicator.baseline_date
    t, d1 = indicator.target_value, indicator.target_date
    if b is not None:
        values.append(b)
    if t is not None:
        values.append(t)
    if d0 is not None:
        dates.append(d0)
    if d1 is not None:
        dates.append(d1)
    unit = f" {indicator.unit}" if indicator.unit else ""
    title = _("Verlauf des Indikators „%(name)s“") % {"name": indicator.name}
    parts = [
        _("Ausgangswert %(b)s am %(d)s") % {"b": format_decimal(b) + unit, "d": f"{d0:%d.%m.%Y}"}
        if b is not None and d0 is not None
        else _("kein Ausgangswert"),
        _("Zielwert %(t)s bis %(d)s") % {"t": format_decimal(t) + unit, "d": f"{d1:%d.%m.%Y}"}
        if t is not None and d1 is not None
        else _("kein Zielwert"),
        _("%(n)s Messwerte") % {"n": len(measurements)},
    ]
    if measurements:
        last = measurements[-1]
        parts.append(
            _("zuletzt %(v)s am %(d)s")
            % {"v": format_decimal(last.value) + unit, "d": f"{last.date:%d.%m.%Y}"}
        )
    description = "; ".join(parts) + ". " + _("Die Werte stehen auch in der Tabelle.")
    if not values or not dates:
        return Chart(
            width, height, left, right, top, bottom, title, description, [], "", None, None,
            None, [], [], "", "", True,
        )  # fmt: skip
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = low - pad, high + pad
    first, last_date = min(dates), max(dates)
    days = max((last_date - first).days, 1)

    def x(date: dt.date) -> float:
        return round(left + (right - left) * (date - first).days / days, 1)

    def y(value: Decimal) -> float:
        return round(float(bottom - (bottom - top) * (value - low) / (high - low)), 1)

    points = [
        (x(m.date), y(m.value), f"{m.date:%d.%m.%Y}: {format_decimal(m.value)}{unit}")
        for m in measurements
    ]
    polyline = " ".join(f"{px},{py}" for px, py, _label in points)
    y_ticks = []
    for step in range(5):
        value = low + (high - low) * step / 4
        y_ticks.append((y(value), format_decimal(value.quantize(Decimal("0.01")))))
    x_ticks = [(x(first), f"{first:%d.%m.%Y}")]
    if last_date != first:
        x_ticks.append((x(last_date), f"{last_date:%d.%m.%Y}"))
    path = None
    if b is not None and d0 is not None and t is not None and d1 is not None:
        path = (x(d0), y(b), x(d1), y(t))
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        title=title,
        description=description,
        points=points,
        polyline=polyline,
        baseline_y=y(b) if b is not None else None,
        target_y=y(t) if t is not None else None,
        path=path,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        baseline_label=_("Ausgangswert %(v)s") % {"v": format_decimal(b) + unit}
        if b is not None
        else "",
        target_label=_("Zielwert %(v)s") % {"v": format_decimal(t) + unit} if t is not None else "",
        empty=False,
    )
