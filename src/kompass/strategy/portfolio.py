"""Projects, portfolio, roadmap and project matrix: steps 5 to 8 of the guide.

Sources (shared/seeds/004_7b05438c2c859b61.txt):

- step 5 works the preferred ideas out as project sketches with type of measure, field of
  action, goal, target groups, money and staff, technical resources and data, location,
  responsibility in the administration, partners, timing and milestones (lines 2320-2334);
  worksheet 6 "Projektskizze" (lines 3752-3868) is the template (``project_sketch`` in
  worksheets.yaml), including the responsibilities lead/processing/participation/informed
  (lines 3764-3768);
- step 6 assesses the risks of every sketch and asks for criteria to stop a project early
  (lines 2420-2425) – hence "gestoppt" needs a reason;
- step 7 fixes selection criteria in four groups *beforehand* and makes them known (lines
  2510-2536), selects and prioritises, and draws up a roadmap with short-, medium- and long-term
  measures per field of action and milestones that shows how projects depend on each other
  (lines 2553-2570); worksheet 8 "Projektmatrix" (lines 4053-4099) adds the traffic light
  "Idee verwerfen (rot), Idee speichern (gelb), avisierte Umsetzung (grün)" (lines 4076-4077);
- step 8 prepares and implements, often with a prototype that is *not* yet a product (lines
  2613-2660) – hence "Prototyp" is an optional status;
- step 9 evaluates (lines 2671-2700).

Permissions: every member reads. Core team and contributors (``edit_steps``) create and change
projects, milestones, scores and traffic lights; only the core team sets and publishes the
weights of the criteria (they are the rules every score follows). Errors as in
:mod:`kompass.strategy.services`: ``PermissionDenied`` (403), ``ValidationError`` with German
messages keyed by field (422 / form errors), ``VersionConflict`` (409) and
:class:`WeightingChanged` (409: the weights changed while someone was scoring).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    RESTORE_DAYS,
    Activity,
    Assessment,
    CriteriaWeighting,
    FieldOfAction,
    Milestone,
    Project,
    Workspace,
    WorkspaceMember,
)
from kompass.strategy.models_portfolio import SCORE_MAX, SCORE_MIN
from kompass.strategy.permissions import EDITING_ROLES
from kompass.strategy.process import load_all
from kompass.strategy.services import UNSET, _require

__all__ = ["UNSET", "VersionConflict", "WeightingChanged"]

Status = Project.Status
Horizon = Project.Horizon
Light = Project.TrafficLight
Role = WorkspaceMember.Role

#: The life cycle of a project in its usual order; "gestoppt" stands outside.
STATUS_ORDER: tuple[str, ...] = (
    Status.SKETCH,
    Status.RISK_ASSESSED,
    Status.DECIDED,
    Status.IN_PREPARATION,
    Status.PROTOTYPE,
    Status.IN_OPERATION,
    Status.EVALUATED,
)
#: Statuses that may be left out without a reason (a prototype is a possibility, not a must:
#: 004 lines 2640-2660).
OPTIONAL_STATUSES = frozenset({Status.PROTOTYPE})

#: Fields of the sketch (worksheet 6) that are kept as columns of the project (or as
#: milestones) rather than in ``Project.sketch``: the portfolio filters and sums them.
SKETCH_COLUMNS: dict[str, str] = {
    "title": "title",
    "field_of_action": "field_of_action",
    "municipal_role": "municipal_role",
    "total_cost": "budget",
    "funding_source": "funding_sources",
    "milestones": "milestones",
}
SKETCH_WORKSHEET = "project_sketch"

#: Bounds of a criterion's weight.
WEIGHT_MIN = 0
WEIGHT_MAX = 10

#: Fields the forms and the API may set through :func:`create_project` / :func:`update_project`.
EDITABLE = (
    "title",
    "field_of_action",
    "status",
    "summary",
    "sketch",
    "horizon",
    "start_date",
    "end_date",
    "budget",
    "funding_sources",
    "responsible",
    "municipal_role",
    "traffic_light",
    "traffic_light_rationale",
    "position",
)


class WeightingChanged(Exception):
    """Scores were sent for a *Fassung* of the weights that is no longer the current one."""

    def __init__(self, weighting: CriteriaWeighting, sent: int) -> None:
        self.weighting = weighting
        self.sent = sent
        super().__init__(self.message)

    @property
    def current_number(self) -> int:
        return self.weighting.number

    @property
    def message(self) -> str:
        return _(
            "Die Gewichte der Auswahlkriterien wurden inzwischen geändert (jetzt Fassung "
            "%(current)s, Ihre Bewertung bezog sich auf Fassung %(sent)s). Ihre Bewertung wurde "
            "nicht gespeichert. Bitte sehen Sie sich die neuen Gewichte an und bewerten Sie "
            "erneut."
        ) % {"current": self.weighting.number, "sent": self.sent}


# --------------------------------------------------------------------------- guide data


def sketch_worksheet() -> Any:
    """Worksheet 6 "Projektskizze" as shipped."""
    return load_all().worksheet(SKETCH_WORKSHEET)


def sketch_field_ids() -> list[str]:
    """The sketch fields stored in ``Project.sketch`` (all but :data:`SKETCH_COLUMNS`)."""
    return [f.id for f in sketch_worksheet().fields if f.id not in SKETCH_COLUMNS]


def municipal_roles() -> list[tuple[str, str]]:
    """The roles of the municipality (process.yaml), as (slug, title)."""
    return [(str(r.slug), r.title) for r in load_all().process.municipal_roles]


def criteria_groups() -> Any:
    """The selection criteria in their four groups (selection_criteria.yaml)."""
    return load_all().selection_criteria.groups


def criteria() -> list[Any]:
    return list(load_all().selection_criteria.criteria)


def criterion_labels() -> dict[str, str]:
    return {c.slug: c.label for c in criteria()}


def default_weights() -> dict[str, int]:
    """Every criterion with the shipped default weight (1: the guide names no weights)."""
    weight = int(load_all().selection_criteria.default_weight)
    return {c.slug: weight for c in criteria()}


def score_labels() -> dict[int, str]:
    """The labels of the scale of worksheet 8's "Bewertung" column (1 and 5 are labelled)."""
    table = load_all().worksheet("project_matrix").field("assessments")
    column = next(c for c in table.columns if c.id == "score")
    return dict(column.scale.labels) if column.scale else {}


# --------------------------------------------------------------------------- helpers


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _single_line(value: Any) -> str:
    return " ".join(str(value or "").split())


def _text(value: Any) -> str:
    return str(value or "").strip()


def parse_amount(value: Any) -> Decimal | None:
    """A sum of money from a number or a German or English string ("1.234,50", "1234.5",
    "75.000 €"); None for empty input. Raises ValueError when it is no amount."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).replace("€", "").replace("EUR", "").replace(" ", "").replace("\xa0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3):
        # "75.000" is seventy-five thousand in German notation.
        text = text.replace(".", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not amount.is_finite():
        raise ValueError(value)
    return amount


def format_euro(amount: Decimal | None) -> str:
    """1234.5 → "1.234,50 €"."""
    if amount is None:
        return "–"
    text = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def _money(amount: Decimal, key: str, label: str, errors: dict[str, list[str]]) -> Decimal | None:
    if amount < 0:
        _add(errors, key, _("%(label)s darf nicht negativ sein.") % {"label": label})
        return None
    quantized = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if quantized >= Decimal("1000000000000"):
        _add(errors, key, _("%(label)s ist zu groß.") % {"label": label})
        return None
    return quantized


def clean_funding_sources(value: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """``[{"name", "amount"}]`` with a name each and non-negative amounts (string with two
    decimals, or None when unknown). Rows without name and amount are dropped."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        _add(
            errors,
            "funding_sources",
            _("Die Finanzierungsquellen müssen eine Liste aus Name und Betrag sein."),
        )
        return []
    cleaned: list[dict[str, Any]] = []
    for number, row in enumerate(value, start=1):
        if not isinstance(row, dict):
            _add(
                errors,
                "funding_sources",
                _("Finanzierungsquelle %(n)s: Bitte Name und Betrag angeben.") % {"n": number},
            )
            continue
        name = _single_line(row.get("name"))
        raw = row.get("amount")
        if not name and raw in (None, ""):
            continue
        if not name:
            _add(
                errors,
                "funding_sources",
                _("Finanzierungsquelle %(n)s: Bitte einen Namen angeben (z. B. „Eigenmittel“).")
                % {"n": number},
            )
            continue
        if len(name) > 200:
            _add(
                errors,
                "funding_sources",
                _("Finanzierungsquelle %(n)s: Der Name ist länger als 200 Zeichen.")
                % {"n": number},
            )
            continue
        try:
            amount = parse_amount(raw)
        except ValueError:
            _add(
                errors,
                "funding_sources",
                _("Finanzierungsquelle „%(name)s“: „%(value)s“ ist kein Betrag in Euro.")
                % {"name": name, "value": raw},
            )
            continue
        if amount is not None:
            amount = _money(
                amount,
                "funding_sources",
                _("Der Betrag der Finanzierungsquelle „%(name)s“") % {"name": name},
                errors,
            )
            if amount is None:
                continue
        cleaned.append({"name": name, "amount": str(amount) if amount is not None else None})
    return cleaned


@dataclass(frozen=True)
class FundingSummary:
    """Budget against the sum of the funding sources (a warning, never an error)."""

    budget: Decimal | None
    funded: Decimal
    unknown: int

    @property
    def difference(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.funded

    @property
    def over(self) -> bool:
        return self.budget is not None and self.funded > self.budget

    @property
    def warning(self) -> str:
        if not self.over:
            return ""
        assert self.budget is not None
        return _(
            "Die Finanzierungsquellen (%(funded)s) übersteigen das Budget (%(budget)s) um "
            "%(over)s. Bitte prüfen Sie Budget und Beträge."
        ) % {
            "funded": format_euro(self.funded),
            "budget": format_euro(self.budget),
            "over": format_euro(self.funded - self.budget),
        }

    @property
    def text(self) -> str:
        if self.budget is None:
            return _("Finanzierung gesamt %(funded)s; kein Budget angegeben.") % {
                "funded": format_euro(self.funded)
            }
        if self.over:
            return self.warning
        gap = self.budget - self.funded
        if gap == 0:
            return _("Das Budget von %(budget)s ist vollständig finanziert.") % {
                "budget": format_euro(self.budget)
            }
        return _("Von %(budget)s Budget sind %(funded)s finanziert; es fehlen %(gap)s.") % {
            "budget": format_euro(self.budget),
            "funded": format_euro(self.funded),
            "gap": format_euro(gap),
        }


def funding_summary(project: Project) -> FundingSummary:
    funded = Decimal(0)
    unknown = 0
    for source in project.funding_sources or []:
        amount = source.get("amount") if isinstance(source, dict) else None
        if amount in (None, ""):
            unknown += 1
            continue
        try:
            funded += Decimal(str(amount))
        except InvalidOperation:
            unknown += 1
    budget = Decimal(project.budget) if project.budget is not None else None
    return FundingSummary(budget=budget, funded=funded, unknown=unknown)


# --------------------------------------------------------------------------- status rules


def status_label(value: str) -> str:
    return str(dict(Status.choices).get(value, value))


def reason_required(old: str, new: str) -> str:
    """Why the change ``old`` → ``new`` needs a reason (German), or "" when it does not.

    Rules (docs/strategy_portfolio.md): one step forward in :data:`STATUS_ORDER` needs none,
    and neither does leaving out the optional prototype. Leaving out another status, going
    back, stopping and resuming a stopped project need a reason.
    """
    if old == new:
        return ""
    if new == Status.STOPPED:
        return _(
            "Ein Projekt wird nur mit Begründung gestoppt (z. B. welches Abbruchkriterium "
            "erfüllt ist)."
        )
    if old == Status.STOPPED:
        return _("Ein gestopptes Projekt wird nur mit Begründung wieder aufgenommen.")
    start, end = STATUS_ORDER.index(old), STATUS_ORDER.index(new)
    if end < start:
        return _("Der Schritt zurück von „%(old)s“ zu „%(new)s“ braucht eine Begründung.") % {
            "old": status_label(old),
            "new": status_label(new),
        }
    skipped = [s for s in STATUS_ORDER[start + 1 : end] if s not in OPTIONAL_STATUSES]
    if skipped:
        return _(
            "Von „%(old)s“ zu „%(new)s“ wird %(skipped)s übersprungen; das braucht eine Begründung."
        ) % {
            "old": status_label(old),
            "new": status_label(new),
            "skipped": ", ".join(f"„{status_label(s)}“" for s in skipped),
        }
    return ""


# --------------------------------------------------------------------------- cleaning


def _resolve_field(workspace: Workspace, value: Any, errors: dict[str, list[str]]) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, FieldOfAction):
        found: FieldOfAction | None = value
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = -1
        found = FieldOfAction.objects.filter(pk=pk).first()
    if found is None or found.workspace_id != workspace.pk or found.deleted_at is not None:
        _add(
            errors,
            "field_of_action",
            _("Das Handlungsfeld „%(value)s“ gibt es in diesem Arbeitsraum nicht.")
            % {"value": value},
        )
        return None
    return found


def _resolve_responsible(workspace: Workspace, value: Any, errors: dict[str, list[str]]) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, WorkspaceMember):
        member: WorkspaceMember | None = value
    else:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = -1
        member = WorkspaceMember.objects.select_related("user").filter(pk=pk).first()
    if member is None or member.workspace_id != workspace.pk:
        _add(
            errors,
            "responsible",
            _("Mitglied „%(value)s“ gehört nicht zu diesem Arbeitsraum.") % {"value": value},
        )
        return None
    if member.role not in EDITING_ROLES:
        _add(
            errors,
            "responsible",
            _(
                "%(person)s hat die Rolle „%(role)s“ und kann kein Projekt verantworten (nur "
                "Kernteam und Mitwirkende)."
            )
            % {"person": member, "role": member.get_role_display()},
        )
        return None
    return member


def _clean_sketch(value: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """The sketch answers validated by the worksheet engine (fields of worksheet 6 that are
    not project columns)."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        _add(errors, "sketch", _("Die Projektskizze muss aus Feldern und Antworten bestehen."))
        return {}
    columns = sorted(set(value) & set(SKETCH_COLUMNS))
    if columns:
        _add(
            errors,
            "sketch",
            _(
                "Diese Angaben der Skizze werden als Projektdaten gepflegt, nicht in der "
                "Skizze: %(fields)s."
            )
            % {"fields": ", ".join(columns)},
        )
        return {}
    from kompass.strategy.worksheet_forms import clean_answers

    try:
        cleaned = clean_answers(sketch_worksheet(), value, only=sketch_field_ids())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for key, messages in exc.message_dict.items():
                for message in messages:
                    _add(errors, "sketch", f"{key}: {message}" if key != "__all__" else message)
        else:
            for message in exc.messages:
                _add(errors, "sketch", message)
        return {}
    return dict(cleaned)


def _clean_date(value: Any, key: str, label: str, errors: dict[str, list[str]]) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        _add(errors, key, _("%(label)s: Bitte ein Datum angeben (TT.MM.JJJJ).") % {"label": label})
        return None


def _clean_values(
    workspace: Workspace, values: dict[str, Any], current: Project | None
) -> dict[str, Any]:
    """Validated project values (only the keys given); ValidationError with every problem."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            {"__all__": [_("Unbekannte Felder: %(f)s.") % {"f": ", ".join(sorted(unknown))}]}
        )
    if "title" in values:
        title = _single_line(values["title"])
        if not title:
            _add(errors, "title", _("Bitte einen Projekttitel angeben."))
        elif len(title) > 200:
            _add(errors, "title", _("Der Projekttitel ist länger als 200 Zeichen."))
        cleaned["title"] = title
    if "field_of_action" in values:
        cleaned["field_of_action"] = _resolve_field(workspace, values["field_of_action"], errors)
    if "status" in values:
        if values["status"] not in Status.values:
            _add(errors, "status", _("Status „%(v)s“ gibt es nicht.") % {"v": values["status"]})
        cleaned["status"] = values["status"]
    if "summary" in values:
        cleaned["summary"] = _text(values["summary"])
    if "sketch" in values:
        cleaned["sketch"] = _clean_sketch(values["sketch"], errors)
    if "horizon" in values:
        horizon = values["horizon"] or ""
        if horizon and horizon not in Horizon.values:
            _add(
                errors,
                "horizon",
                _("Realisierungshorizont „%(v)s“ gibt es nicht (kurz-, mittel- oder langfristig).")
                % {"v": horizon},
            )
        cleaned["horizon"] = horizon
    for key, label in (("start_date", _("Beginn")), ("end_date", _("Ende"))):
        if key in values:
            cleaned[key] = _clean_date(values[key], key, label, errors)
    start = cleaned.get("start_date", current.start_date if current else None)
    end = cleaned.get("end_date", current.end_date if current else None)
    if start and end and end < start and "start_date" not in errors and "end_date" not in errors:
        _add(
            errors,
            "end_date",
            _("Das Ende (%(end)s) liegt vor dem Beginn (%(start)s).")
            % {"end": end.strftime("%d.%m.%Y"), "start": start.strftime("%d.%m.%Y")},
        )
    if "budget" in values:
        try:
            amount = parse_amount(values["budget"])
        except ValueError:
            _add(errors, "budget", _("„%(v)s“ ist kein Betrag in Euro.") % {"v": values["budget"]})
            amount = None
        else:
            if amount is not None:
                amount = _money(amount, "budget", _("Das Budget"), errors)
        cleaned["budget"] = amount
    if "funding_sources" in values:
        cleaned["funding_sources"] = clean_funding_sources(values["funding_sources"], errors)
    if "responsible" in values:
        cleaned["responsible"] = _resolve_responsible(workspace, values["responsible"], errors)
    if "municipal_role" in values:
        role = values["municipal_role"] or ""
        if role and role not in dict(municipal_roles()):
            _add(
                errors,
                "municipal_role",
                _("Eine Rolle der Kommune „%(v)s“ gibt es nicht.") % {"v": role},
            )
        cleaned["municipal_role"] = role
    if "traffic_light" in values or "traffic_light_rationale" in values:
        light = values.get("traffic_light", current.traffic_light if current else "") or ""
        rationale = _text(
            values.get(
                "traffic_light_rationale", current.traffic_light_rationale if current else ""
            )
        )
        if light and light not in Light.values:
            _add(
                errors,
                "traffic_light",
                _("Ampel „%(v)s“ gibt es nicht (rot, gelb oder grün).") % {"v": light},
            )
        elif light and not rationale:
            _add(
                errors,
                "traffic_light_rationale",
                _("Bitte begründen Sie die Ampel „%(light)s“ für dieses Projekt.")
                % {"light": dict(Light.choices)[light]},
            )
        elif not light and rationale and "traffic_light" in values:
            rationale = ""
        cleaned["traffic_light"] = light
        cleaned["traffic_light_rationale"] = rationale if light else ""
    if "position" in values:
        try:
            position = int(values["position"] or 0)
            if position < 0:
                raise ValueError
        except (TypeError, ValueError):
            _add(errors, "position", _("Die Reihenfolge ist eine ganze Zahl ab 0."))
            position = 0
        cleaned["position"] = position
    if errors:
        raise ValidationError(errors)
    return cleaned


# --------------------------------------------------------------------------- dependencies


def _graph(workspace: Workspace) -> dict[int, set[int]]:
    """project id → ids it depends on, over every project of the workspace."""
    through = Project.depends_on.through
    graph: dict[int, set[int]] = defaultdict(set)
    for source, target in through.objects.filter(from_project__workspace=workspace).values_list(
        "from_project_id", "to_project_id"
    ):
        graph[source].add(target)
    return graph


def _path(graph: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path start → … → goal along the edges, or None."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        for nxt in sorted(graph.get(node, ()), reverse=True):
            if nxt not in seen:
                stack.append((nxt, [*path, nxt]))
    return None


def _clean_dependencies(project: Project, value: Iterable[Any]) -> list[Project]:
    """The projects ``project`` may depend on: live, same workspace, not itself, no cycle."""
    wanted: list[Project] = []
    errors: list[str] = []
    for entry in value or []:
        if isinstance(entry, Project):
            other: Project | None = entry
        else:
            try:
                pk = int(entry)
            except (TypeError, ValueError):
                pk = -1
            other = Project.all_objects.filter(pk=pk).first()
        if other is None or other.workspace_id != project.workspace_id:
            errors.append(
                _("Ein Projekt „%(v)s“ gibt es in diesem Arbeitsraum nicht.") % {"v": entry}
            )
            continue
        if other.deleted_at is not None:
            errors.append(
                _("%(p)s ist gelöscht; davon kann kein Projekt abhängen.") % {"p": other.describe()}
            )
            continue
        if other.pk == project.pk:
            errors.append(_("Ein Projekt kann nicht von sich selbst abhängen."))
            continue
        if other.pk not in {p.pk for p in wanted}:
            wanted.append(other)
    if errors:
        raise ValidationError({"depends_on": errors})
    graph = _graph(project.workspace)
    graph[project.pk] = {p.pk for p in wanted}
    titles = dict(
        Project.all_objects.filter(workspace=project.workspace).values_list("pk", "title")
    )
    for other in wanted:
        path = _path(graph, other.pk, project.pk)
        if path is not None:
            cycle = [project.pk, *path]
            raise ValidationError(
                {
                    "depends_on": [
                        _(
                            "Das ergäbe eine zyklische Abhängigkeit: %(cycle)s. Ein Projekt kann "
                            "nicht – auch nicht über andere Projekte – von sich selbst abhängen."
                        )
                        % {"cycle": " → ".join(f"„{titles[pk]}“" for pk in cycle)}
                    ]
                }
            )
    return sorted(wanted, key=lambda p: (p.position, p.title, p.pk))


def _names(projects: Iterable[Project]) -> str:
    return ", ".join(sorted(p.title for p in projects)) or "–"


def dependencies(project: Project) -> list[Project]:
    """Live projects ``project`` depends on."""
    return list(project.depends_on.filter(deleted_at__isnull=True).order_by("position", "title"))


def dependents(project: Project) -> list[Project]:
    """Live projects that depend on ``project``."""
    return list(project.dependents.filter(deleted_at__isnull=True).order_by("position", "title"))


# --------------------------------------------------------------------------- projects


@dataclass
class Saved:
    """A project as stored, and warnings for the user (never errors)."""

    project: Project
    warnings: list[str] = field(default_factory=list)


def _warnings(project: Project) -> list[str]:
    warnings = []
    summary = funding_summary(project)
    if summary.over:
        warnings.append(summary.warning)
    if project.status == Status.STOPPED:
        waiting = dependents(project)
        if waiting:
            warnings.append(
                _("Von diesem gestoppten Projekt hängen ab: %(names)s.")
                % {"names": _names(waiting)}
            )
    return warnings


def create_project(
    *,
    actor: Any,
    workspace: Workspace,
    values: dict[str, Any],
    depends_on: Iterable[Any] = (),
    details: str = "",
) -> Saved:
    """Create a project (core team and contributors). ``values`` as in :data:`EDITABLE`.

    A new project may start in any status but "gestoppt" (projects begun before the workspace
    existed are recorded where they stand).
    """
    _require(actor, workspace, "edit_steps")
    values = dict(values)
    values.setdefault("title", "")
    cleaned = _clean_values(workspace, values, None)
    if cleaned.get("status") == Status.STOPPED:
        raise ValidationError(
            {"status": [_("Ein neues Projekt kann nicht als „gestoppt“ angelegt werden.")]}
        )
    with transaction.atomic():
        project = Project(workspace=workspace, **cleaned)
        project.pk = None
        wanted: list[Project] = []
        if depends_on:
            # Validated against a saved row below; a new project cannot be part of a cycle.
            probe = Project(workspace=workspace, pk=0)
            wanted = _clean_dependencies(probe, depends_on)
        items.create_item(project, actor=actor, details=details)
        if wanted:
            project.depends_on.set(wanted)
    return Saved(project, _warnings(project))


def update_project(
    *,
    actor: Any,
    project: Project,
    version: int,
    values: dict[str, Any] | None = None,
    status_reason: str = "",
    depends_on: Any = UNSET,
) -> Saved:
    """Change a project (core team and contributors) if ``version`` is still current.

    Only the keys of ``values`` change. A status change that :func:`reason_required` names
    needs ``status_reason``; the reason is written to the activity log with the change. A
    traffic light needs a rationale. ``depends_on`` (projects or ids) replaces the dependencies
    and counts as a change of the project (a new version). Over-budget funding is a warning.
    """
    _require(actor, project.workspace, "edit_steps")
    values = dict(values or {})
    reason = _text(status_reason)
    with transaction.atomic():
        locked = items.lock(project)
        items.check_writable(locked, version)
        cleaned = _clean_values(locked.workspace, values, locked)
        new_status = cleaned.get("status", locked.status)
        needed = reason_required(locked.status, new_status)
        if needed and not reason:
            raise ValidationError({"status_reason": [needed]})
        changes = items.apply_changes(locked, cleaned)
        wanted: list[Project] | None = None
        if depends_on is not UNSET:
            wanted = _clean_dependencies(locked, depends_on or [])
            before = dependencies(locked)
            if {p.pk for p in before} != {p.pk for p in wanted}:
                changes["depends_on"] = [_names(before), _names(wanted)]
            else:
                wanted = None
        if not changes:
            return Saved(locked, _warnings(locked))
        labels = {**Project.tracked_fields, "depends_on": "hängt ab von"}
        details = "; ".join(
            f"{labels.get(f, f)}: {old} → {new}" for f, (old, new) in changes.items()
        )
        if "status" in changes and reason:
            details += "; " + _("Begründung: %(reason)s") % {"reason": reason}
        items.save_changes(locked, actor=actor, changes=changes, details=details)
        if wanted is not None:
            locked.depends_on.set(wanted)
    return Saved(locked, _warnings(locked))


def set_dependencies(*, actor: Any, project: Project, version: int, depends_on: Any) -> Saved:
    """Replace the projects ``project`` depends on (a new version of the project)."""
    return update_project(actor=actor, project=project, version=version, depends_on=depends_on)


def decide_traffic_light(
    *, actor: Any, project: Project, version: int, traffic_light: str, rationale: str
) -> Saved:
    """The project matrix's decision: red (drop the idea), yellow (keep it), green (planned
    for implementation), always with a rationale; "" clears it."""
    return update_project(
        actor=actor,
        project=project,
        version=version,
        values={"traffic_light": traffic_light, "traffic_light_rationale": rationale},
    )


def delete_project(*, actor: Any, project: Project, version: int) -> Saved:
    """Move a project to the bin (restorable for 30 days). Its milestones and scores stay with
    it; projects depending on it are named as a warning."""
    _require(actor, project.workspace, "edit_steps")
    waiting = dependents(project)
    deleted = items.soft_delete_item(project, actor=actor, version=version)
    warnings = []
    if waiting:
        warnings.append(
            _("Von „%(title)s“ hingen ab: %(names)s.")
            % {"title": deleted.title, "names": _names(waiting)}
        )
    return Saved(deleted, warnings)


def restore_project(*, actor: Any, project: Project) -> Saved:
    """Bring a deleted project back within 30 days (with its milestones and scores)."""
    _require(actor, project.workspace, "edit_steps")
    restored = items.restore_item(project, actor=actor)
    return Saved(restored, _warnings(restored))


def deleted_projects(workspace: Workspace) -> list[Project]:
    """Deleted projects that can still be restored, newest deletion first."""
    cutoff = timezone.now() - dt.timedelta(days=RESTORE_DAYS)
    return list(
        Project.all_objects.filter(workspace=workspace, deleted_at__gte=cutoff).order_by(
            "-deleted_at"
        )
    )


def status_history(project: Project) -> list[Activity]:
    """The activity lines that changed the project's status (with their reasons), newest
    first."""
    lines = Activity.objects.filter(
        target_type=Project.target_type(), target_id=project.pk
    ).select_related("actor")
    return [line for line in lines if "status" in (line.changes or {})]


# --------------------------------------------------------------------------- portfolio


@dataclass
class PortfolioFilter:
    status: str = ""
    field_of_action: int | None = None
    horizon: str = ""
    responsible: int | None = None
    traffic_light: str = ""

    @classmethod
    def from_query(cls, query: Any) -> PortfolioFilter:
        def number(key: str) -> int | None:
            value = str(query.get(key) or "")
            return int(value) if value.isdigit() else None

        status = str(query.get("status") or "")
        horizon = str(query.get("horizont") or query.get("horizon") or "")
        light = str(query.get("ampel") or query.get("traffic_light") or "")
        return cls(
            status=status if status in Status.values else "",
            field_of_action=number("handlungsfeld") or number("field_of_action"),
            horizon=horizon if horizon in [*Horizon.values, "none"] else "",
            responsible=number("verantwortlich") or number("responsible"),
            traffic_light=light if light in [*Light.values, "none"] else "",
        )

    @property
    def active(self) -> bool:
        return bool(
            self.status
            or self.field_of_action
            or self.horizon
            or self.responsible
            or self.traffic_light
        )


def projects(workspace: Workspace, filters: PortfolioFilter | None = None) -> list[Project]:
    """Live projects of the workspace, filtered, in portfolio order."""
    query = Project.objects.filter(workspace=workspace).select_related(
        "field_of_action", "responsible__user"
    )
    f = filters or PortfolioFilter()
    if f.status:
        query = query.filter(status=f.status)
    if f.field_of_action:
        query = query.filter(field_of_action_id=f.field_of_action)
    if f.horizon:
        query = query.filter(horizon="" if f.horizon == "none" else f.horizon)
    if f.responsible:
        query = query.filter(responsible_id=f.responsible)
    if f.traffic_light:
        query = query.filter(traffic_light="" if f.traffic_light == "none" else f.traffic_light)
    return list(query.order_by("position", "title", "pk"))


@dataclass(frozen=True)
class Totals:
    count: int
    budget: Decimal
    funded: Decimal
    without_budget: int
    by_status: list[tuple[str, str, int]]

    @property
    def over(self) -> bool:
        return self.funded > self.budget


def totals(rows: list[Project]) -> Totals:
    budget = sum((Decimal(p.budget) for p in rows if p.budget is not None), Decimal(0))
    funded = sum((funding_summary(p).funded for p in rows), Decimal(0))
    counts: dict[str, int] = defaultdict(int)
    for p in rows:
        counts[p.status] += 1
    return Totals(
        count=len(rows),
        budget=budget,
        funded=funded,
        without_budget=sum(1 for p in rows if p.budget is None),
        by_status=[(value, str(label), counts[value]) for value, label in Status.choices],
    )


# --------------------------------------------------------------------------- milestones


MILESTONE_FIELDS = ("title", "kind", "due_date", "done", "done_on", "note")


def _clean_milestone(values: dict[str, Any], current: Milestone | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(values) - set(MILESTONE_FIELDS)
    if unknown:
        raise ValidationError(
            {"__all__": [_("Unbekannte Felder: %(f)s.") % {"f": ", ".join(sorted(unknown))}]}
        )
    if "title" in values:
        title = _single_line(values["title"])
        if not title:
            _add(errors, "title", _("Bitte den Meilenstein benennen."))
        elif len(title) > 200:
            _add(errors, "title", _("Die Bezeichnung ist länger als 200 Zeichen."))
        cleaned["title"] = title
    if "kind" in values:
        kind = values["kind"] or Milestone.Kind.MILESTONE
        if kind not in Milestone.Kind.values:
            _add(errors, "kind", _("Art „%(v)s“ gibt es nicht.") % {"v": kind})
        cleaned["kind"] = kind
    if "due_date" in values:
        due = _clean_date(values["due_date"], "due_date", _("Termin"), errors)
        if due is None and "due_date" not in errors:
            _add(errors, "due_date", _("Bitte einen Termin angeben."))
        cleaned["due_date"] = due
    if "note" in values:
        cleaned["note"] = _text(values["note"])
    done = bool(values["done"]) if "done" in values else (current.done if current else False)
    if "done" in values:
        cleaned["done"] = done
    if "done_on" in values or "done" in values:
        done_on = (
            _clean_date(values.get("done_on"), "done_on", _("erreicht am"), errors)
            if "done_on" in values
            else (current.done_on if current else None)
        )
        if not done:
            done_on = None
        elif done_on is None:
            done_on = timezone.localdate()
        elif done_on > timezone.localdate():
            _add(errors, "done_on", _("„Erreicht am“ darf nicht in der Zukunft liegen."))
        cleaned["done_on"] = done_on
    if errors:
        raise ValidationError(errors)
    return cleaned


def create_milestone(*, actor: Any, project: Project, values: dict[str, Any]) -> Milestone:
    """A milestone, decision or funding deadline of a live project (core team and
    contributors)."""
    _require(actor, project.workspace, "edit_steps")
    if project.deleted_at is not None:
        raise ValidationError(
            _("%(p)s ist gelöscht; stellen Sie es zuerst wieder her.") % {"p": project.describe()}
        )
    values = {"title": "", "due_date": None, **values}
    cleaned = _clean_milestone(values, None)
    milestone = Milestone(workspace=project.workspace, project=project, **cleaned)
    return items.create_item(
        milestone, actor=actor, details=_("zu %(p)s") % {"p": project.describe()}
    )


def update_milestone(
    *, actor: Any, milestone: Milestone, version: int, values: dict[str, Any]
) -> Milestone:
    _require(actor, milestone.workspace, "edit_steps")
    with transaction.atomic():
        locked = items.lock(milestone)
        items.check_writable(locked, version)
        cleaned = _clean_milestone(values, locked)
        changes = items.apply_changes(locked, cleaned)
        if changes:
            items.save_changes(locked, actor=actor, changes=changes)
    return locked


def delete_milestone(*, actor: Any, milestone: Milestone, version: int) -> Milestone:
    _require(actor, milestone.workspace, "edit_steps")
    return items.soft_delete_item(milestone, actor=actor, version=version)


def restore_milestone(*, actor: Any, milestone: Milestone) -> Milestone:
    """Restore a deleted milestone within 30 days, unless its project is deleted."""
    _require(actor, milestone.workspace, "edit_steps")
    project = Project.all_objects.get(pk=milestone.project_id)
    if project.deleted_at is not None:
        raise ValidationError(
            _("%(p)s ist gelöscht; stellen Sie zuerst das Projekt wieder her.")
            % {"p": project.describe()}
        )
    return items.restore_item(milestone, actor=actor)


def milestones(workspace: Workspace, project: Project | None = None) -> list[Milestone]:
    """Live milestones of live projects, by date."""
    query = Milestone.objects.filter(
        workspace=workspace, project__deleted_at__isnull=True
    ).select_related("project")
    if project is not None:
        query = query.filter(project=project)
    return list(query.order_by("due_date", "title", "pk"))


def deleted_milestones(project: Project) -> list[Milestone]:
    cutoff = timezone.now() - dt.timedelta(days=RESTORE_DAYS)
    return list(
        Milestone.all_objects.filter(project=project, deleted_at__gte=cutoff).order_by(
            "-deleted_at"
        )
    )


# --------------------------------------------------------------------------- weights


def weighting(workspace: Workspace) -> CriteriaWeighting | None:
    """The workspace's weights (draft or published), or None before anybody set them."""
    return CriteriaWeighting.objects.filter(workspace=workspace).first()


def _is_core(actor: Any, workspace: Workspace) -> WorkspaceMember:
    member = _require(actor, workspace, "view")
    if member.role != Role.CORE_TEAM:
        raise PermissionDenied(
            _(
                "Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht: die Gewichte der "
                "Auswahlkriterien legt das Kernteam fest."
            )
        )
    return member


def clean_weights(value: Any, base: dict[str, int]) -> dict[str, int]:
    """``base`` with the weights of ``value`` (criterion slug → whole number 0-10)."""
    if not isinstance(value, dict):
        raise ValidationError({"weights": [_("Die Gewichte müssen je Kriterium eine Zahl sein.")]})
    labels = criterion_labels()
    errors: list[str] = []
    weights = {slug: base.get(slug, 0) for slug in labels}
    for slug, raw in value.items():
        if slug not in labels:
            errors.append(_("Ein Kriterium „%(v)s“ gibt es nicht.") % {"v": slug})
            continue
        try:
            if isinstance(raw, bool):
                raise ValueError
            number = Decimal(str(raw).strip().replace(",", "."))
            if number != number.to_integral_value():
                raise ValueError
            weight = int(number)
        except (ValueError, InvalidOperation):
            errors.append(
                _("Gewicht für „%(c)s“: Bitte eine ganze Zahl von %(lo)s bis %(hi)s angeben.")
                % {"c": labels[slug], "lo": WEIGHT_MIN, "hi": WEIGHT_MAX}
            )
            continue
        if not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            errors.append(
                _("Gewicht für „%(c)s“: %(v)s liegt nicht zwischen %(lo)s und %(hi)s.")
                % {"c": labels[slug], "v": weight, "lo": WEIGHT_MIN, "hi": WEIGHT_MAX}
            )
            continue
        weights[slug] = weight
    if not errors and not any(weights.values()):
        errors.append(_("Mindestens ein Kriterium braucht ein Gewicht größer als 0."))
    if errors:
        raise ValidationError({"weights": errors})
    return weights


def current_scores_count(workspace: Workspace, number: int) -> int:
    """Live scores of live projects made under *Fassung* ``number``."""
    return Assessment.objects.filter(
        workspace=workspace, weighting_number=number, project__deleted_at__isnull=True
    ).count()


def save_weights(
    *,
    actor: Any,
    workspace: Workspace,
    weights: dict[str, Any],
    version: int | None = None,
    publish: bool = False,
    confirm: bool = False,
) -> CriteriaWeighting:
    """Set the weights of the selection criteria (core team only).

    - Before publication the weights are a draft (``number`` 0) that only the core team sees;
      ``publish`` makes them *Fassung* 1, shown to all, and opens the scoring.
    - After publication every change is published at once as the next *Fassung*. If scores
      exist under the current *Fassung*, the change needs ``confirm``: those scores are then
      marked "neu bewerten" and their projects get no total until they are scored again.
    - ``version`` is the item version the client read (None only when no weights exist yet).
    """
    _is_core(actor, workspace)
    with transaction.atomic():
        current = weighting(workspace)
        if current is None:
            cleaned = clean_weights(weights, default_weights())
            row = CriteriaWeighting(workspace=workspace, weights=cleaned)
            if publish:
                _publish(row, actor)
            items.create_item(
                row,
                actor=actor,
                details=_("Fassung %(n)s veröffentlicht.") % {"n": row.number}
                if publish
                else _("Entwurf"),
            )
            return row
        locked = items.lock(current)
        if version is None:
            version = locked.version
        items.check_writable(locked, version)
        cleaned = clean_weights(weights, locked.weights or default_weights())
        changed = cleaned != locked.weights
        if locked.is_published:
            if not changed:
                return locked
            scored = current_scores_count(workspace, locked.number)
            if scored and not confirm:
                raise ValidationError(
                    {
                        "confirm": [
                            _(
                                "Es gibt schon %(count)s Bewertungen nach Fassung %(n)s der "
                                "Gewichte. Wenn Sie die Gewichte ändern, gilt Fassung "
                                "%(next)s: Die bisherigen Bewertungen werden als „neu "
                                "bewerten“ markiert, und die Projekte erhalten erst nach der "
                                "neuen Bewertung wieder eine Gesamtpunktzahl. Bitte bestätigen "
                                "Sie die Änderung ausdrücklich."
                            )
                            % {"count": scored, "n": locked.number, "next": locked.number + 1}
                        ]
                    },
                    code="confirm_required",
                )
            values = {"weights": cleaned}
            preview = CriteriaWeighting(number=locked.number)
            _publish(preview, actor)
            values.update(
                number=preview.number,
                published_at=preview.published_at,
                published_by=actor,
                history=[*locked.history, _history_entry(locked)],
            )
            details = _(
                "Fassung %(n)s veröffentlicht; Bewertungen der Fassung %(old)s sind neu "
                "vorzunehmen."
            ) % {"n": preview.number, "old": locked.number}
        else:
            values = {"weights": cleaned}
            details = ""
            if publish:
                preview = CriteriaWeighting(number=0)
                _publish(preview, actor)
                values.update(
                    number=preview.number, published_at=preview.published_at, published_by=actor
                )
                details = _("Fassung 1 veröffentlicht.")
            elif not changed:
                return locked
        changes = items.apply_changes(locked, values)
        # ``published_by`` and ``history`` follow the number; they are not compared on their own.
        changes.pop("published_by", None)
        changes.pop("history", None)
        items.save_changes(
            locked,
            actor=actor,
            changes=changes,
            details=details
            or "; ".join(
                f"{CriteriaWeighting.tracked_fields.get(f, f)}: {o} → {n}"
                for f, (o, n) in changes.items()
            ),
        )
    return locked


def _publish(row: CriteriaWeighting, actor: Any) -> None:
    row.number = row.number + 1
    row.published_at = timezone.now()
    row.published_by = actor


def _history_entry(row: CriteriaWeighting) -> dict[str, Any]:
    return {
        "number": row.number,
        "weights": dict(row.weights),
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "published_by": str(row.published_by) if row.published_by_id else None,
    }


# --------------------------------------------------------------------------- scores


def _published(workspace: Workspace) -> CriteriaWeighting:
    row = weighting(workspace)
    if row is None or not row.is_published:
        raise ValidationError(
            {
                "weights": [
                    _(
                        "Die Gewichte der Auswahlkriterien sind noch nicht veröffentlicht. "
                        "Bewertet wird erst, wenn das Kernteam sie festgelegt und bekannt "
                        "gemacht hat."
                    )
                ]
            }
        )
    return row


def score_project(
    *,
    actor: Any,
    project: Project,
    weighting_number: int,
    scores: dict[str, Any],
    versions: dict[str, int] | None = None,
) -> list[Assessment]:
    """Score ``project`` on criteria (core team and contributors): criterion slug → 1-5, or
    None to remove a score.

    ``weighting_number`` is the *Fassung* of the weights the scorer saw; if the weights changed
    since, :class:`WeightingChanged` is raised and nothing is stored. ``versions`` (criterion →
    version of the score the client read, 0 for "none yet") detects concurrent scoring of the
    same criterion (:class:`~kompass.strategy.items.VersionConflict`). Every score sent is
    stored under the current *Fassung* – sending an unchanged score again re-confirms it.
    """
    workspace = project.workspace
    _require(actor, workspace, "edit_steps")
    if project.deleted_at is not None:
        raise ValidationError(_("%(p)s ist gelöscht.") % {"p": project.describe()})
    if not isinstance(scores, dict):
        raise ValidationError({"scores": [_("Die Bewertung muss je Kriterium eine Zahl sein.")]})
    labels = criterion_labels()
    errors: list[str] = []
    cleaned: dict[str, int | None] = {}
    for slug, raw in scores.items():
        if slug not in labels:
            errors.append(_("Ein Kriterium „%(v)s“ gibt es nicht.") % {"v": slug})
            continue
        if raw in (None, ""):
            cleaned[slug] = None
            continue
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = int(str(raw))
        except ValueError:
            value = -1
        if not SCORE_MIN <= value <= SCORE_MAX:
            errors.append(
                _("„%(c)s“: Bitte eine Bewertung von %(lo)s bis %(hi)s wählen.")
                % {"c": labels[slug], "lo": SCORE_MIN, "hi": SCORE_MAX}
            )
            continue
        cleaned[slug] = value
    if errors:
        raise ValidationError({"scores": errors})
    with transaction.atomic():
        row = _published(workspace)
        row = items.lock(row)
        if weighting_number != row.number:
            raise WeightingChanged(row, weighting_number)
        existing = {
            a.criterion: a for a in Assessment.objects.select_for_update().filter(project=project)
        }
        stored: list[Assessment] = []
        for slug, value in cleaned.items():
            current = existing.get(slug)
            expected = (versions or {}).get(slug)
            if expected is not None:
                if current is None and expected != 0:
                    gone = (
                        Assessment.all_objects.filter(project=project, criterion=slug)
                        .order_by("-updated_at")
                        .first()
                    )
                    if gone is not None:
                        raise items.conflict(gone, expected)
                if current is not None and current.version != expected:
                    raise items.conflict(current, expected)
            if value is None:
                if current is not None:
                    items.soft_delete_item(current, actor=actor, version=current.version)
                continue
            if current is None:
                current = items.create_item(
                    Assessment(
                        workspace=workspace,
                        project=project,
                        criterion=slug,
                        score=value,
                        weighting_number=row.number,
                    ),
                    actor=actor,
                    details=_("Bewertung %(v)s (Fassung %(n)s)") % {"v": value, "n": row.number},
                )
            else:
                changes = items.apply_changes(
                    current, {"score": value, "weighting_number": row.number}
                )
                if changes:
                    items.save_changes(current, actor=actor, changes=changes)
            stored.append(current)
    return stored


# --------------------------------------------------------------------------- matrix


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass
class MatrixRow:
    """One project in the matrix with its scores and (when complete and current) its total."""

    project: Project
    scores: dict[str, Assessment]
    stale: list[str]
    missing: list[str]
    total_exact: Fraction | None
    rank: int | None = None
    #: (criterion slug, score or None, stale) in the order of the criteria, for tables.
    cells: list[tuple[str, int | None, bool]] = field(default_factory=list)

    @property
    def total(self) -> Decimal | None:
        return _round(self.total_exact) if self.total_exact is not None else None

    @property
    def needs_rescore(self) -> bool:
        return bool(self.stale)

    @property
    def state_text(self) -> str:
        labels = criterion_labels()
        if self.stale:
            return _("neu bewerten: %(c)s") % {"c": ", ".join(labels[s] for s in self.stale)}
        if self.missing:
            return _("noch offen: %(n)s Kriterien") % {"n": len(self.missing)}
        return ""


@dataclass
class Matrix:
    weighting: CriteriaWeighting | None
    weights: dict[str, int]
    rows: list[MatrixRow]

    @property
    def published(self) -> bool:
        return self.weighting is not None and self.weighting.is_published

    @property
    def number(self) -> int:
        return self.weighting.number if self.weighting is not None else 0

    @property
    def weight_sum(self) -> int:
        return sum(self.weights.values())

    @property
    def weight_groups(self) -> list[tuple[Any, list[tuple[Any, int]]]]:
        """(group, [(criterion, weight)]) in the guide's order."""
        return [
            (group, [(c, self.weights.get(c.slug, 0)) for c in group.criteria])
            for group in criteria_groups()
        ]

    @property
    def stale_rows(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.stale]


def project_total(
    weights: dict[str, int], number: int, scores: dict[str, Assessment]
) -> tuple[Fraction | None, list[str], list[str]]:
    """(total, stale criteria, missing criteria) of one project.

    The total is the weighted mean of the scores, Σ weight × score / Σ weight over the criteria
    with a weight above 0, on the 1-5 scale. It exists only when every weighted criterion is
    scored and no score of the project stems from an older *Fassung*.
    """
    stale = sorted(slug for slug, a in scores.items() if a.weighting_number != number)
    weighted = [slug for slug, w in weights.items() if w > 0]
    missing = [slug for slug in weighted if slug not in scores]
    if stale or missing or not weighted or number == 0:
        return None, stale, missing
    total = Fraction(
        sum(weights[s] * scores[s].score for s in weighted), sum(weights[s] for s in weighted)
    )
    return total, stale, missing


def matrix(workspace: Workspace, rows: list[Project] | None = None) -> Matrix:
    """Every live project with its scores, totals and rank (best first; equal totals share a
    rank, projects without a total come last without one)."""
    row = weighting(workspace)
    weights = dict(row.weights) if row is not None else default_weights()
    number = row.number if row is not None else 0
    order = [c.slug for c in criteria()]
    if rows is None:
        rows = list(
            Project.objects.filter(workspace=workspace)
            .select_related("field_of_action", "responsible__user")
            .prefetch_related(
                Prefetch("assessments", queryset=Assessment.objects.order_by("criterion"))
            )
            .order_by("position", "title", "pk")
        )
    result: list[MatrixRow] = []
    for project in rows:
        scores = {a.criterion: a for a in project.assessments.all() if a.criterion in weights}
        total, stale, missing = project_total(weights, number, scores)
        stale.sort(key=order.index)
        cells = [
            (
                slug,
                scores[slug].score if slug in scores else None,
                slug in scores and scores[slug].weighting_number != number,
            )
            for slug in order
        ]
        result.append(MatrixRow(project, scores, stale, missing, total, cells=cells))
    ranked = sorted(
        (r for r in result if r.total_exact is not None),
        key=lambda r: r.total_exact or 0,
        reverse=True,
    )
    previous: Fraction | None = None
    rank = 0
    for position, r in enumerate(ranked, start=1):
        if r.total_exact != previous:
            rank = position
            previous = r.total_exact
        r.rank = rank
    result.sort(key=lambda r: (r.rank is None, r.rank or 0, r.project.position, r.project.title))
    return Matrix(row, weights, result)


# --------------------------------------------------------------------------- roadmap


HORIZONS: list[tuple[str, str]] = [(v, str(label)) for v, label in Horizon.choices]

#: Geometry of the time axis (SVG user units): labels on the left, then the axis.
AXIS_LEFT = 230
AXIS_WIDTH = 750
ROW_HEIGHT = 32
AXIS_TOP = 30


@dataclass
class TimelineBar:
    project: Project
    start: dt.date | None
    end: dt.date | None
    x: float
    width: float
    y: int
    milestones: list[tuple[Milestone, float]]

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def bar_y(self) -> int:
        return self.y + 4


@dataclass
class Roadmap:
    horizons: list[tuple[str, str, list[Project]]]
    grid: list[tuple[FieldOfAction | None, list[list[Project]]]]
    columns: list[tuple[str, str]]
    milestones: list[Milestone]
    bars: list[TimelineBar]
    years: list[tuple[int, float]]
    start: dt.date | None
    end: dt.date | None

    @property
    def height(self) -> int:
        return AXIS_TOP + ROW_HEIGHT * len(self.bars) + 10

    @property
    def axis_left(self) -> int:
        return AXIS_LEFT

    @property
    def axis_right(self) -> int:
        return AXIS_LEFT + AXIS_WIDTH


def roadmap(workspace: Workspace) -> Roadmap:
    """The roadmap of step 7 (004 lines 2553-2570): live projects that are not stopped, by
    horizon (short, medium, long term, then "ohne Horizont"), by field of action × horizon,
    and on a time axis from their start and end dates and milestones (whole years)."""
    rows = [p for p in projects(workspace) if p.status != Status.STOPPED]
    columns = [*HORIZONS, ("", _("ohne Horizont"))]
    by_horizon = [(v, label, [p for p in rows if p.horizon == v]) for v, label in columns]
    fields = list(FieldOfAction.objects.filter(workspace=workspace).order_by("position", "title"))
    grid: list[tuple[FieldOfAction | None, list[list[Project]]]] = []
    for foa in [*fields, None]:
        cells = [
            [
                p
                for p in rows
                if p.horizon == v and (p.field_of_action_id == (foa.pk if foa else None))
            ]
            for v, _label in columns
        ]
        if foa is not None or any(cells):
            grid.append((foa, cells))
    stones = [m for m in milestones(workspace) if m.project.status != Status.STOPPED]
    per_project: dict[int, list[Milestone]] = defaultdict(list)
    for m in stones:
        per_project[m.project_id].append(m)
    dates: list[dt.date] = [m.due_date for m in stones]
    for p in rows:
        dates.extend(d for d in (p.start_date, p.end_date) if d)
    if not dates:
        return Roadmap(by_horizon, grid, columns, stones, [], [], None, None)
    start = dt.date(min(dates).year, 1, 1)
    end = dt.date(max(dates).year + 1, 1, 1)
    span = (end - start).days

    def x(day: dt.date) -> float:
        return round(AXIS_LEFT + AXIS_WIDTH * (day - start).days / span, 1)

    bars = []
    for p in rows:
        own = per_project.get(p.pk, [])
        if not (p.start_date or p.end_date or own):
            continue
        first = p.start_date or p.end_date
        last = p.end_date or p.start_date
        left = x(first) if first else float(AXIS_LEFT)
        width = round(max(x(last) - left, 4.0), 1) if first and last else 0.0
        bars.append(
            TimelineBar(
                p,
                p.start_date,
                p.end_date,
                left,
                width,
                AXIS_TOP + ROW_HEIGHT * len(bars),
                [(m, x(m.due_date)) for m in own],
            )
        )
    years = [(year, x(dt.date(year, 1, 1))) for year in range(start.year, end.year)]
    return Roadmap(by_horizon, grid, columns, stones, bars, years, start, end)
