"""The strategy document: assembly from the workspace's content, editing, versions, and the
council decision (special module SB of the BBSR guide, 004 lines 3116-3147).

Structure
---------
The guide gives two views of a strategy paper, both shipped in ``process.yaml``
(``strategy_paper``): the chapters many strategies follow (lines 3123-3132: how the strategy
came about and who took part, the municipality's position and principles, goals from step 3,
fields of action from step 4 and the added value expected, measures, project ideas and a
schedule from step 7) and the key components every digital strategy should contain (lines
1850-1910: goals and guidelines, organisation, fields of action, projects and measures,
funding, communication, monitoring and evaluation). :data:`SECTIONS` merges both in the order
of the chapters and adds the key components the chapters do not name; a test keeps every
chapter and every component covered.

Content
-------
:data:`SECTION_SOURCES` maps each section to builders that read the workspace. Each builder
returns paragraphs (plain text). Builders of parts that other modules provide (worksheet
entries, ideas, risks, monitoring indicators) look their model up with ``apps.get_model`` and
return nothing while it does not exist, so the document fills up as the workspace grows.

Editing
-------
Blocks are workspace items: every edit goes through :func:`kompass.strategy.items.update_item`
(version check, activity log, 30-day bin). "Neu aus dem Arbeitsraum übernehmen"
(:func:`refresh_document`) replaces the text of generated blocks only; edited blocks keep
their text and the page shows the new generated text next to it (:func:`block_views`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items
from kompass.strategy.items import record_activity
from kompass.strategy.models import (
    Activity,
    CouncilDecision,
    DocumentBlock,
    DocumentVersion,
    FieldOfAction,
    Project,
    StrategyDocument,
    Workspace,
    WorkspaceMember,
)
from kompass.strategy.process import load_all
from kompass.strategy.services import _require, role_label

Origin = DocumentBlock.Origin

#: Longest text of a block (about 60 pages of plain text).
MAX_TEXT = 200_000

# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Section:
    """One section of the strategy paper."""

    key: str
    title: str
    description: str
    #: Where the guide names it: "Kapitel …"/"Schlüsselkomponente …" with the lines.
    source_note: str
    #: The slugs in process.yaml: (typical chapter or None, key component or None).
    chapter: str | None
    component: str | None


#: (section key, typical chapter slug, key component slug) in the paper's order: the chapters
#: of lines 3123-3132, then the key components of lines 1850-1910 not covered by them.
_ORDER: tuple[tuple[str, str | None, str | None], ...] = (
    ("background", "background", None),
    ("goals_guidelines", "goals", "goals_guidelines"),
    ("fields_of_action", "fields_of_action", "fields_of_action"),
    ("projects_measures", "measures_timeline", "projects_measures"),
    ("organisation", None, "organisation"),
    ("funding", None, "funding"),
    ("communication", None, "communication"),
    ("monitoring_evaluation", None, "monitoring_evaluation"),
)


def _lines(source: Any) -> str:
    first, last = source.lines
    return f"Z. {first}" if first == last else f"Z. {first}-{last}"


def sections() -> list[Section]:
    """The sections of the paper, titled and described from ``process.yaml``."""
    paper = load_all().process.strategy_paper
    chapters = {e.slug: e for e in paper.typical_chapters}
    components = {e.slug: e for e in paper.key_components}
    result = []
    for key, chapter_slug, component_slug in _ORDER:
        chapter = chapters[chapter_slug] if chapter_slug else None
        component = components[component_slug] if component_slug else None
        # Printed titles (the key components) before our chapter names.
        title = component.title if component else chapter.title  # type: ignore[union-attr]
        descriptions = [e.description for e in (chapter, component) if e is not None]
        notes = []
        if chapter is not None:
            notes.append(f"Kapitel des Strategiepapiers ({_lines(chapter.source)})")
        if component is not None:
            notes.append(f"Schlüsselkomponente einer Digitalstrategie ({_lines(component.source)})")
        result.append(
            Section(
                key=key,
                title=title,
                description=" ".join(dict.fromkeys(descriptions)),
                source_note="Handreichung: " + "; ".join(notes),
                chapter=chapter_slug,
                component=component_slug,
            )
        )
    return result


def section(key: str) -> Section:
    for entry in sections():
        if entry.key == key:
            return entry
    raise KeyError(key)


# --------------------------------------------------------------------------- builders

Builder = Callable[[Workspace], list[str]]


def optional_model(name: str, app_label: str = "strategy") -> Any | None:
    """The model ``app_label.name`` if it exists, else None (parts built by other modules)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _first_model(*names: str) -> Any | None:
    for name in names:
        model = optional_model(name)
        if model is not None:
            return model
    return None


def _has_field(model: Any, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends
        return False
    return True


def _first_field(model: Any, *names: str) -> str | None:
    for name in names:
        if _has_field(model, name):
            return name
    return None


def _live(model: Any, workspace: Workspace) -> models.QuerySet[Any]:
    manager = model.objects
    if _has_field(model, "workspace"):
        return manager.filter(workspace=workspace)
    return manager.none()


def _money(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")
    return text.removesuffix(",00") + " Euro"


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _value_text(value: Any) -> str:
    """An answer of a worksheet as one line of text."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, dict):
        parts = [f"{k}: {_value_text(v)}" for k, v in value.items() if _value_text(v)]
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (_value_text(v) for v in value) if t)
    return str(value).strip()


def _option_labels(labels: dict[str, str] | None, value: Any) -> Any:
    """``value`` with option values replaced by their labels (lists element by element)."""
    if not labels:
        return value
    if isinstance(value, list):
        return [labels.get(v, v) if isinstance(v, str) else v for v in value]
    return labels.get(value, value) if isinstance(value, str) else value


def worksheet_paragraphs(slug: str, answers: dict[str, Any]) -> list[str]:
    """The answers of worksheet ``slug`` as paragraphs "Label: answer", in the worksheet's
    field order, using the labels and option labels of worksheets.yaml."""
    try:
        sheet = load_all().worksheet(slug)
    except KeyError:
        return []
    paragraphs = []
    for field in sheet.fields:
        value = answers.get(field.id)
        if field.options and value not in (None, "", []):
            labels = {o.value: o.label for o in field.options}
            value = (
                [labels.get(v, v) for v in value]
                if isinstance(value, list)
                else labels.get(value, value)
            )
        if field.type == "table" and isinstance(value, list | dict):
            rows = value.values() if isinstance(value, dict) else value
            columns = {c.id: c.label for c in field.columns}
            options = {c.id: {o.value: o.label for o in c.options} for c in field.columns}
            lines = []
            for row in rows:
                if isinstance(row, dict):
                    text = "; ".join(
                        f"{columns.get(k, k)}: {_value_text(_option_labels(options.get(k), v))}"
                        for k, v in row.items()
                        if _value_text(v)
                    )
                else:
                    text = _value_text(row)
                if text:
                    lines.append(f"– {text}")
            if lines:
                paragraphs.append(f"{field.label}:\n" + "\n".join(lines))
            continue
        text = _value_text(value)
        if text:
            paragraphs.append(f"{field.label}: {text}")
    return paragraphs


def worksheet_builder(slug: str) -> Builder:
    """A builder that writes the answers of every live entry of worksheet ``slug``."""

    def build(workspace: Workspace) -> list[str]:
        model = _first_model("WorksheetEntry", "Worksheet", "WorksheetAnswer")
        if model is None:
            return []
        slug_field = _first_field(model, "worksheet", "worksheet_slug", "slug")
        answers_field = _first_field(model, "answers", "data", "values", "content")
        if slug_field is None or answers_field is None:
            return []
        rows = _live(model, workspace).filter(**{slug_field: slug}).order_by("pk")
        paragraphs: list[str] = []
        for row in rows:
            answers = getattr(row, answers_field) or {}
            if isinstance(answers, dict):
                paragraphs.extend(worksheet_paragraphs(slug, answers))
        return paragraphs

    build.__name__ = f"worksheet_{slug}"
    return build


def build_process(workspace: Workspace) -> list[str]:
    """How the strategy came about: the process, the team by roles (numbers, no names)."""
    counts: dict[str, int] = {}
    for role in WorkspaceMember.objects.filter(workspace=workspace).values_list("role", flat=True):
        counts[role] = counts.get(role, 0) + 1
    team = ", ".join(
        f"{role_label(role)}: {counts[role]}"
        for role in WorkspaceMember.Role.values
        if counts.get(role)
    )
    return [
        _(
            "%(title)s ist im Arbeitsraum des Kommunalkompass nach dem Smart-City-Prozess der "
            "Handreichung entstanden (%(variant)s). Beteiligt waren %(team)s."
        )
        % {
            "title": workspace.title,
            "variant": workspace.get_entry_variant_display(),
            "team": team or "–",
        }
    ]


def build_fields_of_action(workspace: Workspace) -> list[str]:
    """Every field of action with its description, kind and spatial reference."""
    paragraphs = []
    for field in FieldOfAction.objects.filter(workspace=workspace).order_by("position", "title"):
        details = [field.get_kind_display(), field.get_spatial_reference_display()]
        if field.spatial_note:
            details.append(field.spatial_note)
        if field.responsibility:
            details.append(_("Rolle der Kommune: %s") % field.get_responsibility_display())
        text = f"{field.title} ({', '.join(details)})"
        if field.description:
            text += f": {field.description.strip()}"
        paragraphs.append(text)
    return paragraphs


def _projects(workspace: Workspace) -> models.QuerySet[Project]:
    return (
        Project.objects.filter(workspace=workspace)
        .select_related("field_of_action")
        .order_by("position", "title")
    )


def project_rows(workspace: Workspace) -> list[list[str]]:
    """The projects as table rows: title, field of action, status, horizon, period."""
    rows = []
    for project in _projects(workspace).exclude(status=Project.Status.STOPPED):
        period = " – ".join(d for d in (_date(project.start_date), _date(project.end_date)) if d)
        rows.append(
            [
                project.title,
                str(project.field_of_action or "–"),
                project.get_status_display(),
                project.get_horizon_display() if project.horizon else "–",
                period or "–",
            ]
        )
    return rows


PROJECT_COLUMNS = ["Projekt", "Handlungsfeld", "Status", "Realisierungshorizont", "Zeitraum"]


def build_projects(workspace: Workspace) -> list[str]:
    """Measures and projects with field of action, status and schedule (step 7)."""
    paragraphs = []
    for project in _projects(workspace).exclude(status=Project.Status.STOPPED):
        details = [project.get_status_display()]
        if project.field_of_action:
            details.insert(0, _("Handlungsfeld %s") % project.field_of_action.title)
        if project.horizon:
            details.append(project.get_horizon_display())
        period = " – ".join(d for d in (_date(project.start_date), _date(project.end_date)) if d)
        if period:
            details.append(period)
        text = f"{project.title} ({', '.join(details)})"
        if project.summary:
            text += f": {project.summary.strip()}"
        paragraphs.append(text)
    return paragraphs


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        return None


def build_funding(workspace: Workspace) -> list[str]:
    """Budgets and funding sources of the projects."""
    paragraphs = []
    total = Decimal(0)
    for project in _projects(workspace).exclude(status=Project.Status.STOPPED):
        parts = []
        if project.budget is not None:
            total += project.budget
            parts.append(_("Budget %s") % _money(project.budget))
        sources = [
            f"{s.get('name', '')}"
            + (f" ({_money(Decimal(str(s['amount'])))})" if s.get("amount") else "")
            for s in project.funding_sources or []
            if isinstance(s, dict) and s.get("name")
        ]
        if sources:
            parts.append(_("Finanzierung: %s") % ", ".join(sources))
        if parts:
            paragraphs.append(f"{project.title}: {'; '.join(parts)}")
    if total:
        paragraphs.append(_("Geplante Mittel insgesamt: %s") % _money(total))
    return paragraphs


def _live_projects_only(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows of live projects that are not stopped (rows without a project stay)."""
    return queryset.exclude(project__deleted_at__isnull=False).exclude(
        project__status=Project.Status.STOPPED
    )


def _choice_label(row: Any, name: str) -> str:
    value = getattr(row, name, "")
    if not value:
        return ""
    display = getattr(row, f"get_{name}_display", None)
    return str(display()) if callable(display) else str(value)


#: How many risks, milestones and indicators the paper lists one by one; the rest are counted
#: and stay in the workspace (docs/strategy_document.md, "Long lists"). A strategy paper for the
#: council names the main points; a workspace at ten times a large one has 5,000 risks.
PAPER_LIST_LIMIT = 40


def _more(total: int, shown: int) -> str:
    """The closing line of a shortened list, or nothing."""
    if total <= shown:
        return ""
    return "\n" + _("… und %(n)s weitere im Arbeitsraum.") % {"n": total - shown}


def build_risks(workspace: Workspace) -> list[str]:
    """The risk summary of the risk matrix (worksheet 7, step 6; guide lines 2405-2410 and
    2494-2499 ask for counter-measures and an emergency plan for high risks): every live risk,
    highest score first, with its project, kind, band and score, and the counter- and
    preventive measures (``mitigation``); emergency plan and abort criteria when given.
    Numbers per band open the summary."""
    model = _first_model("Risk")
    if model is None or not _has_field(model, "title"):
        return []
    rows = _live_projects_only(_live(model, workspace).select_related("project"))
    # Unscored risks last on every database (PostgreSQL sorts NULL first when descending).
    order: list[Any] = ["title", "pk"]
    if _has_field(model, "score"):
        order.insert(0, models.F("score").desc(nulls_last=True))
    lines = []
    bands: dict[str, int] = {}
    listed = 0
    for risk in rows.order_by(*order):
        title = str(risk.title or "").strip()
        if not title:
            continue
        listed += 1
        if listed > PAPER_LIST_LIMIT:
            band = _choice_label(risk, "band")
            if band:
                bands[band] = bands.get(band, 0) + 1
            continue
        details = []
        project = getattr(risk, "project", None)
        details.append(
            _("Projekt %s") % project.title if project is not None else _("gesamte Strategie")
        )
        category = str(getattr(risk, "category_label", "") or "")
        if category:
            details.append(category)
        band = _choice_label(risk, "band")
        if band:
            bands[band] = bands.get(band, 0) + 1
            score = getattr(risk, "score", None)
            details.append(
                _("Risikostufe %(band)s, Risikowert %(score)s") % {"band": band, "score": score}
                if score is not None
                else _("Risikostufe %s") % band
            )
        else:
            details.append(_("noch nicht bewertet"))
        line = f"– {title} ({'; '.join(details)})"
        for name, label in (
            ("mitigation", _("Gegenmaßnahmen")),
            ("emergency_plan", _("Notfallplan")),
            ("abort_criteria", _("Abbruchkriterien")),
        ):
            value = " ".join(str(getattr(risk, name, "") or "").split())
            if value:
                line += f"; {label}: {value}"
        lines.append(line)
    if not lines:
        return []
    summary = _("Risiken und Gegenmaßnahmen (%(n)s erfasst") % {"n": listed}
    if bands:
        field = model._meta.get_field("band")
        counts = [
            f"{str(label)}: {bands[str(label)]}"
            for _value, label in reversed(field.choices or [])
            if bands.get(str(label))
        ]
        summary += "; " + ", ".join(counts)
    return [summary + "):\n" + "\n".join(lines) + _more(listed, len(lines))]


def build_milestones(workspace: Workspace) -> list[str]:
    """The schedule of the roadmap (step 7; the roadmap fixes milestones, guide lines
    2560-2565; the chapter names the schedule, lines 3131-3132): the milestones of live
    projects by date, with kind and state."""
    model = _first_model("Milestone")
    if model is None or not _has_field(model, "due_date"):
        return []
    rows = _live_projects_only(_live(model, workspace).select_related("project"))
    total = rows.count()
    lines = []
    for milestone in rows.order_by("due_date", "title", "pk")[:PAPER_LIST_LIMIT]:
        kind = _choice_label(milestone, "kind")
        text = f"– {_date(milestone.due_date)}: {kind + ' ' if kind else ''}„{milestone.title}“"
        project = getattr(milestone, "project", None)
        if project is not None:
            text += f" ({project.title})"
        if getattr(milestone, "done", False):
            done_on = _date(getattr(milestone, "done_on", None))
            text += " – " + (_("erreicht am %s") % done_on if done_on else _("erreicht"))
        lines.append(text)
    if not lines:
        return []
    return [_("Zeitplan mit Meilensteinen:") + "\n" + "\n".join(lines) + _more(total, len(lines))]


def _german_number(value: Any) -> str:
    """A decimal in German notation without trailing zeros."""
    number = Decimal(str(value))
    text = f"{number.normalize():f}" if number != number.to_integral() else f"{int(number)}"
    return text.replace(".", ",")


def build_priorities(workspace: Workspace) -> list[str]:
    """The ranking of the project matrix (step 7, worksheet 9 with the weighted selection
    criteria, guide lines 2510 and 4053-4062; the roadmap prioritises, lines 2562-2563):
    projects with a complete, current assessment by rank."""
    if optional_model("Assessment") is None or optional_model("CriteriaWeighting") is None:
        return []
    try:
        from kompass.strategy import portfolio
    except ImportError:  # pragma: no cover - the portfolio part is not installed
        return []
    result = portfolio.matrix(workspace)
    lines = [
        f"{row.rank}. {row.project.title} ("
        + _("gewichteter Gesamtwert %s von 5") % _german_number(row.total)
        + ")"
        for row in result.rows
        if row.rank is not None and row.project.status != Project.Status.STOPPED
    ]
    if not lines:
        return []
    return [
        _("Rangfolge nach den gewichteten Auswahlkriterien (Fassung %(n)s der Gewichtung):")
        % {"n": result.number}
        + "\n"
        + "\n".join(lines)
    ]


def build_ideas(workspace: Workspace) -> list[str]:
    """The participation of the idea finding (step 5): how many ideas were collected, how
    many were pre-selected and how many were worked out into project sketches."""
    model = _first_model("Idea")
    if model is None:
        return []
    rows = _live(model, workspace)
    count = rows.count()
    if not count:
        return []
    text = _("In der Ideenfindung wurden %(n)s Projektideen gesammelt und gemeinsam bewertet.") % {
        "n": count
    }
    if _has_field(model, "status"):
        states = dict(rows.values_list("status").annotate(n=models.Count("pk")))
        shortlisted = states.get("shortlist", 0) + states.get("promoted", 0)
        if shortlisted:
            more = _("In der engeren Wahl: %(s)s; zu Projektskizzen ausgearbeitet: %(p)s.")
            text += " " + more % {"s": shortlisted, "p": states.get("promoted", 0)}
    return [text]


def build_indicators(workspace: Workspace) -> list[str]:
    """The indicators of the monitoring (step 9, worksheet 10 "Wirkungsmessung"): per project
    the indicator with its level of the impact chain, baseline, target and latest value (guide
    lines 3074-3100: indicators per level, a baseline before the start, repeated measurement)."""
    model = _first_model("Indicator")
    if model is None or not _has_field(model, "name"):
        return []
    rows = _live_projects_only(_live(model, workspace).select_related("project"))
    measurement = optional_model("Measurement")
    has_measurements = measurement is not None and _has_field(measurement, "indicator")
    if has_measurements:
        # The latest live measurement of every indicator in the same query (no query per
        # indicator: a large workspace has thousands).
        latest = measurement.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-pk")
        rows = rows.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
    total = rows.count()
    lines = []
    for indicator in rows.order_by("project__position", "project__title", "name", "pk")[
        :PAPER_LIST_LIMIT
    ]:
        details = []
        level = _choice_label(indicator, "level")
        if level:
            details.append(_("Wirkungsebene %s") % level)
        baseline = str(getattr(indicator, "baseline_text", "") or "–")
        target = str(getattr(indicator, "target_text", "") or "–")
        details.append(_("Ausgangswert %s") % baseline)
        details.append(_("Zielwert %s") % target)
        if has_measurements and indicator.latest_date is not None:
            details.append(
                _("zuletzt %(v)s am %(d)s")
                % {
                    "v": indicator.with_unit(indicator.latest_value),
                    "d": _date(indicator.latest_date),
                }
            )
        project = getattr(indicator, "project", None)
        prefix = f"{project.title}: " if project is not None else ""
        lines.append(f"– {prefix}{indicator.name} ({'; '.join(details)})")
    if not lines:
        return []
    return [_("Indikatoren des Monitorings:") + "\n" + "\n".join(lines) + _more(total, len(lines))]


def build_evaluation_plans(workspace: Workspace) -> list[str]:
    """How each project is evaluated (worksheet 10; guide lines 3056-3075: purpose, internal
    or external execution, timing): purpose, who, internal/external, when."""
    model = _first_model("EvaluationPlan")
    if model is None or not _has_field(model, "project"):
        return []
    rows = _live_projects_only(_live(model, workspace).select_related("project"))
    lines = []
    for plan in rows.order_by("project__position", "project__title", "pk"):
        details = []
        for name, label in (
            ("purpose", _("Zweck")),
            ("evaluator", _("durch")),
        ):
            value = " ".join(str(getattr(plan, name, "") or "").split())
            if value:
                details.append(f"{label}: {value}")
        for name in ("execution", "timing"):
            label = _choice_label(plan, name)
            if label:
                details.append(label)
        if details:
            lines.append(f"– {plan.project.title}: {'; '.join(details)}")
    if not lines:
        return []
    return [_("Evaluation der Projekte:") + "\n" + "\n".join(lines)]


#: Section key → builders whose paragraphs make the section's generated text.
SECTION_SOURCES: dict[str, list[Builder]] = {
    "background": [build_process, worksheet_builder("actor_mapping")],
    "goals_guidelines": [worksheet_builder("goal_mapping")],
    "fields_of_action": [build_fields_of_action],
    "projects_measures": [build_projects, build_priorities, build_milestones, build_risks],
    "organisation": [worksheet_builder("process_plan")],
    "funding": [build_funding],
    "communication": [build_ideas],
    "monitoring_evaluation": [
        build_indicators,
        build_evaluation_plans,
        worksheet_builder("impact_measurement"),
    ],
}


def generated_text(workspace: Workspace, key: str) -> str:
    """The text the workspace's content gives for section ``key`` now."""
    paragraphs: list[str] = []
    for builder in SECTION_SOURCES.get(key, []):
        paragraphs.extend(p.strip() for p in builder(workspace) if p and p.strip())
    return "\n\n".join(paragraphs)


def generated_texts(workspace: Workspace) -> dict[str, str]:
    return {entry.key: generated_text(workspace, entry.key) for entry in sections()}


# --------------------------------------------------------------------------- services


def current_document(workspace: Workspace) -> StrategyDocument | None:
    return StrategyDocument.objects.filter(workspace=workspace).first()


def live_blocks(document: StrategyDocument) -> list[DocumentBlock]:
    return list(DocumentBlock.objects.filter(document=document).order_by("position", "pk"))


def clean_text(text: str) -> str:
    """Plain text as stored: Unix line ends, no trailing spaces, at most two line breaks in a
    row, no control characters. Markup is kept as typed and escaped when shown."""
    text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    lines = [line.rstrip() for line in text.split("\n")]
    cleaned = "\n".join(lines).strip()
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    return cleaned


def create_document(*, actor: Any, workspace: Workspace, title: str = "") -> StrategyDocument:
    """Start the strategy paper: one block per section, filled from the workspace."""
    _require(actor, workspace, "edit_steps")
    title = " ".join((title or "").split()) or workspace.title
    if len(title) > 200:
        raise ValidationError({"title": _("Der Titel ist länger als 200 Zeichen.")})
    with transaction.atomic():
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        if StrategyDocument.objects.filter(workspace=workspace).exists():
            raise ValidationError(_("Dieser Arbeitsraum hat schon ein Strategiepapier."))
        document = items.create_item(
            StrategyDocument(workspace=workspace, title=title), actor=actor
        )
        texts = generated_texts(workspace)
        for position, entry in enumerate(sections()):
            items.create_item(
                DocumentBlock(
                    workspace=workspace,
                    document=document,
                    key=entry.key,
                    heading=entry.title,
                    text=texts[entry.key],
                    generated_text=texts[entry.key],
                    origin=Origin.GENERATED,
                    position=position,
                    source_note=entry.source_note,
                ),
                actor=actor,
            )
    return document


@dataclass(frozen=True)
class RefreshResult:
    updated: list[str]
    kept: list[str]
    added: list[str]


def refresh_document(*, actor: Any, document: StrategyDocument) -> RefreshResult:
    """ "Neu aus dem Arbeitsraum übernehmen": generated blocks get the current generated text
    (a new version each where it changed); edited blocks keep their text, the page shows the
    new generated text for comparison. Missing sections are added."""
    workspace = document.workspace
    _require(actor, workspace, "edit_steps")
    texts = generated_texts(workspace)
    updated: list[str] = []
    kept: list[str] = []
    added: list[str] = []
    with transaction.atomic():
        blocks = {b.key: b for b in live_blocks(document)}
        for position, entry in enumerate(sections()):
            block = blocks.get(entry.key)
            text = texts[entry.key]
            if block is None:
                items.create_item(
                    DocumentBlock(
                        workspace=workspace,
                        document=document,
                        key=entry.key,
                        heading=entry.title,
                        text=text,
                        generated_text=text,
                        position=position,
                        source_note=entry.source_note,
                    ),
                    actor=actor,
                )
                added.append(entry.title)
            elif block.origin == Origin.EDITED:
                if text != block.generated_text:
                    kept.append(block.heading)
            elif text != block.text:
                items.update_item(
                    block,
                    actor=actor,
                    version=block.version,
                    values={"text": text, "generated_text": text},
                    details=_("Neu aus dem Arbeitsraum übernommen."),
                )
                updated.append(block.heading)
    return RefreshResult(updated, kept, added)


def update_block(
    *,
    actor: Any,
    block: DocumentBlock,
    version: int,
    text: str | None = None,
    heading: str | None = None,
) -> DocumentBlock:
    """Edit a block (text and/or heading); refused with a conflict when the block moved on
    since ``version``. A changed text marks the block as edited."""
    _require(actor, block.workspace, "edit_steps")
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if heading is not None:
        heading = " ".join(heading.split())
        if not heading:
            errors["heading"] = _("Bitte eine Überschrift angeben.")
        elif len(heading) > 200:
            errors["heading"] = _("Die Überschrift ist länger als 200 Zeichen.")
        values["heading"] = heading
    if text is not None:
        text = clean_text(text)
        if len(text) > MAX_TEXT:
            errors["text"] = _("Der Text ist länger als %(n)s Zeichen.") % {"n": MAX_TEXT}
        values["text"] = text
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = items.lock(block)
        items.check_writable(locked, version)
        if "text" in values and values["text"] != locked.text:
            values["origin"] = Origin.EDITED
        changes = items.apply_changes(locked, values)
        if not changes:
            return locked
        return items.save_changes(locked, actor=actor, changes=changes)


def reset_block(*, actor: Any, block: DocumentBlock, version: int) -> DocumentBlock:
    """Replace an edited block's text by what the workspace gives now (back to generated)."""
    _require(actor, block.workspace, "edit_steps")
    text = generated_text(block.workspace, block.key)
    return items.update_item(
        block,
        actor=actor,
        version=version,
        values={"text": text, "generated_text": text, "origin": Origin.GENERATED},
        details=_("Text aus dem Arbeitsraum übernommen; die Bearbeitung wurde ersetzt."),
    )


@dataclass(frozen=True)
class BlockView:
    """A block as the document page shows it."""

    block: DocumentBlock
    #: The generated text now, when it differs from what the edited block was based on.
    newer_generated: str
    hint: str


def block_views(document: StrategyDocument) -> list[BlockView]:
    texts = generated_texts(document.workspace)
    descriptions = {s.key: s.description for s in sections()}
    views = []
    for block in live_blocks(document):
        now = texts.get(block.key, "")
        newer = (
            now
            if block.origin == Origin.EDITED and now != block.generated_text and now != block.text
            else ""
        )
        views.append(BlockView(block, newer, descriptions.get(block.key, "")))
    return views


def snapshot(document: StrategyDocument) -> list[dict[str, Any]]:
    """Every live block as plain data; the projects section carries the project table as it
    is now (so a frozen version keeps the table it was decided with)."""
    blocks = []
    for block in live_blocks(document):
        entry: dict[str, Any] = {
            "key": block.key,
            "heading": block.heading,
            "text": block.text,
            "origin": block.origin,
        }
        if block.key == "projects_measures":
            rows = project_rows(document.workspace)
            if rows:
                entry["table"] = {"columns": PROJECT_COLUMNS, "rows": rows}
        blocks.append(entry)
    return blocks


def freeze_version(*, actor: Any, document: StrategyDocument, note: str = "") -> DocumentVersion:
    """ "Version festhalten": an immutable snapshot of every block, numbered 1, 2, …"""
    workspace = document.workspace
    _require(actor, workspace, "edit_steps")
    note = " ".join((note or "").split())
    if len(note) > 300:
        raise ValidationError({"note": _("Die Anmerkung ist länger als 300 Zeichen.")})
    with transaction.atomic():
        StrategyDocument.all_objects.select_for_update().filter(pk=document.pk).first()
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = DocumentVersion.objects.create(
            workspace=workspace,
            document=document,
            number=number,
            title=document.title,
            blocks=snapshot(document),
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=timezone.now(),
        )
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.CREATED,
            object_description=_("Version %(n)s des Strategiepapiers „%(title)s“")
            % {"n": number, "title": document.title},
            details=note,
        )
    return version


@dataclass(frozen=True)
class BlockDiff:
    key: str
    heading: str
    state: str  # "same", "changed", "added", "removed"
    #: (kind, text): kind "same", "removed", "added" per paragraph.
    paragraphs: list[tuple[str, str]]


def _paragraphs(text: str) -> list[str]:
    from kompass.strategy.models_document import split_paragraphs

    return split_paragraphs(text)


def compare(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[BlockDiff]:
    """Per block: which paragraphs were removed and added between two snapshots."""
    before = {b["key"]: b for b in old}
    after = {b["key"]: b for b in new}
    keys = [b["key"] for b in new] + [k for k in before if k not in after]
    result = []
    for key in keys:
        a, b = before.get(key), after.get(key)
        heading = (b or a or {}).get("heading", key)
        if a is None:
            result.append(
                BlockDiff(key, heading, "added", [("added", p) for p in _paragraphs(b["text"])])  # type: ignore[index]
            )
            continue
        if b is None:
            result.append(
                BlockDiff(key, heading, "removed", [("removed", p) for p in _paragraphs(a["text"])])
            )
            continue
        pa, pb = _paragraphs(a["text"]), _paragraphs(b["text"])
        lines: list[tuple[str, str]] = []
        matcher = difflib.SequenceMatcher(a=pa, b=pb, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                lines.extend(("same", p) for p in pa[i1:i2])
            else:
                lines.extend(("removed", p) for p in pa[i1:i2])
                lines.extend(("added", p) for p in pb[j1:j2])
        same = pa == pb and a.get("heading") == b.get("heading")
        if a.get("heading") != b.get("heading"):
            lines.insert(0, ("removed", _("Überschrift: %s") % a.get("heading")))
            lines.insert(1, ("added", _("Überschrift: %s") % b.get("heading")))
        result.append(BlockDiff(key, heading, "same" if same else "changed", lines))
    return result


# --------------------------------------------------------------------------- council decision

DECISION_FIELDS = (
    "body",
    "date",
    "agenda_item",
    "outcome",
    "document_version",
    "votes_for",
    "votes_against",
    "abstentions",
    "note",
)


def _check_decision(document: StrategyDocument, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "body" in values:
        values["body"] = " ".join(str(values["body"] or "").split())
        if not values["body"]:
            errors["body"] = _("Bitte das Gremium angeben, z. B. „Stadtrat“.")
        elif len(values["body"]) > 200:
            errors["body"] = _("Das Gremium ist länger als 200 Zeichen.")
    if "date" in values and values["date"] is None:
        errors["date"] = _("Bitte das Datum der Sitzung angeben.")
    if "agenda_item" in values:
        values["agenda_item"] = " ".join(str(values["agenda_item"] or "").split())
        if len(values["agenda_item"]) > 100:
            errors["agenda_item"] = _("Die Angabe ist länger als 100 Zeichen.")
    if "outcome" in values and values["outcome"] not in CouncilDecision.Outcome.values:
        errors["outcome"] = _("Ergebnis „%(v)s“ gibt es nicht.") % {"v": values["outcome"]}
    version = values.get("document_version")
    if version is not None and version.document_id != document.pk:
        errors["document_version"] = _("Diese Version gehört nicht zu diesem Strategiepapier.")
    for name, label in (
        ("votes_for", _("Ja-Stimmen")),
        ("votes_against", _("Nein-Stimmen")),
        ("abstentions", _("Enthaltungen")),
    ):
        value = values.get(name)
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = _("%(label)s: bitte eine ganze Zahl ab 0.") % {"label": label}
    if "note" in values:
        values["note"] = clean_text(values["note"] or "")
    if errors:
        raise ValidationError(errors)
    return values


def _apply_outcome(actor: Any, decision: CouncilDecision) -> None:
    """An adopting decision marks the paper as adopted."""
    document = StrategyDocument.objects.get(pk=decision.document_id)
    status = StrategyDocument.Status.ADOPTED if decision.adopts else None
    if status and document.status != status:
        items.update_item(
            document,
            actor=actor,
            version=document.version,
            values={"status": status},
            details=_("Beschlossen: %s") % decision.describe(),
        )


def record_decision(
    *, actor: Any, document: StrategyDocument, values: dict[str, Any]
) -> CouncilDecision:
    """Record a council decision. Without a version, the current text is frozen as the
    version the body decided on."""
    workspace = document.workspace
    _require(actor, workspace, "edit_steps")
    values = {k: v for k, v in values.items() if k in DECISION_FIELDS}
    for required in ("body", "date", "outcome"):
        values.setdefault(required, None if required == "date" else "")
    values = _check_decision(document, values)
    with transaction.atomic():
        if values.get("document_version") is None:
            values["document_version"] = freeze_version(
                actor=actor,
                document=document,
                note=_("Vorlage für %(body)s am %(date)s")
                % {"body": values["body"], "date": _date(values["date"])},
            )
        decision = items.create_item(
            CouncilDecision(workspace=workspace, document=document, **values), actor=actor
        )
        _apply_outcome(actor, decision)
    return decision


def update_decision(
    *, actor: Any, decision: CouncilDecision, version: int, values: dict[str, Any]
) -> CouncilDecision:
    _require(actor, decision.workspace, "edit_steps")
    values = {k: v for k, v in values.items() if k in DECISION_FIELDS}
    values = _check_decision(decision.document, values)
    with transaction.atomic():
        updated = items.update_item(decision, actor=actor, version=version, values=values)
        _apply_outcome(actor, updated)
    return updated


def decisions(document: StrategyDocument) -> list[CouncilDecision]:
    return list(
        CouncilDecision.objects.filter(document=document)
        .select_related("document_version")
        .order_by("date", "pk")
    )


def blocks_for_export(
    document: StrategyDocument, version: DocumentVersion | None = None
) -> Iterable[dict[str, Any]]:
    """The blocks of the current text or of a frozen version."""
    return version.blocks if version is not None else snapshot(document)
