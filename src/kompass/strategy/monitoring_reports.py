"""Monitoring reports for the council and for funders: HTML page, PDF (WeasyPrint) and DOCX
(python-docx), built the way :mod:`kompass.digitalcheck.reports` builds the Digitalcheck
report (docs/strategy_monitoring.md).

The guide names reporting to funders and to the municipality's political bodies as goals of
an evaluation (shared/seeds/004_7b05438c2c859b61.txt, lines 2690-2694). Two audiences:

- ``council`` (Rat): a summary of every project – status per project area (field of action)
  and per project, how many indicators are measured, the rule behind the status;
- ``funder`` (Fördermittelgeber): one project or a selection, each with its evaluation plan,
  its indicators (baseline, target, latest value, progress, status), every measurement and –
  in HTML and PDF – the chart over time.

:func:`report_context` turns the workspace's data into display-ready German strings; the HTML
template ``strategy/monitoring/_report_body.html`` and the DOCX builder walk the same
structure, so all three have the same sections in the same order. The PDF is A4, tagged
(PDF/UA-1), German, made from our own HTML that loads nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any, NoReturn

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from kompass.strategy import monitoring
from kompass.strategy.models import Project, Workspace
from kompass.strategy.models_monitoring import EvaluationPlan, format_decimal

COUNCIL = "council"
FUNDER = "funder"
AUDIENCES = {
    COUNCIL: "Bericht für den Rat",
    FUNDER: "Bericht für Fördermittelgeber",
}
#: URL words of the audiences (``?fuer=rat``).
AUDIENCE_SLUGS = {"rat": COUNCIL, "foerdermittelgeber": FUNDER}
PRINT_TEMPLATE = "strategy/monitoring/report_print.html"
REPORT_CSS = "kompass/css/report.css"
PAGE_CSS = "strategy/monitoring.css"
AUTHOR = "Kommunalkompass"
LANGUAGE = "de-DE"


def _d(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else "–"


def _plan_rows(plan: EvaluationPlan | None) -> list[tuple[str, str]]:
    if plan is None:
        return []
    labels = EvaluationPlan.tracked_fields
    return [
        (labels["purpose"], plan.purpose or "–"),
        (labels["evaluator"], plan.evaluator or "–"),
        (labels["execution"], plan.get_execution_display() or "–"),
        (labels["timing"], plan.get_timing_display() or "–"),
        (labels["data_sources"], plan.data_sources or "–"),
        (labels["notes"], plan.notes or "–"),
    ]


def _indicator(row: monitoring.IndicatorRow, with_chart: bool) -> dict[str, Any]:
    indicator, result = row.indicator, row.result
    dims = indicator.display_value("dimensions", indicator.dimensions)
    latest = result.latest
    if latest is None and row.measurements:
        latest = row.measurements[-1]
    return {
        "name": indicator.name,
        "level": indicator.get_level_display(),
        "unit": indicator.unit or "–",
        "dimensions": dims,
        "data_collection": indicator.data_collection or "–",
        "direction": indicator.get_direction_display(),
        "baseline": indicator.baseline_text,
        "target": indicator.target_text,
        "latest": f"{indicator.with_unit(latest.value)} ({_d(latest.date)})" if latest else "–",
        "progress": result.progress_percent,
        "elapsed": result.elapsed_percent,
        "status": result.status,
        "status_label": result.label,
        "reason": result.reason,
        "measurements": [
            (_d(m.date), indicator.with_unit(m.value), m.note or "") for m in row.measurements
        ],
        "chart": monitoring.chart(indicator, row.measurements) if with_chart else None,
        "chart_id": f"diagramm-{indicator.pk}",
    }


def _project(row: monitoring.ProjectRow, field_title: str, detailed: bool) -> dict[str, Any]:
    project = row.project
    counts = row.counts()
    return {
        "id": project.pk,
        "title": project.title,
        "field": field_title,
        "status": row.status,
        "status_label": row.label,
        "project_status": project.get_status_display(),
        "period": f"{_d(project.start_date)} – {_d(project.end_date)}"
        if project.start_date or project.end_date
        else "–",
        "indicators": len(row.indicators),
        "assessed": row.assessed,
        "summary": " · ".join(
            f"{counts[s]} {monitoring.STATUS_LABELS[s]}" for s in monitoring.STATUSES if counts[s]
        )
        or _("keine Indikatoren"),
        "plan": _plan_rows(row.plan) if detailed else [],
        "has_plan": row.plan is not None,
        "indicator_rows": [_indicator(i, detailed) for i in row.indicators] if detailed else [],
    }


def method() -> list[str]:
    """The status rule in words (the same as in docs/strategy_monitoring.md)."""
    return [
        _(
            "Status eines Indikators: Der Fortschritt ist der Anteil des Weges vom Ausgangswert "
            "zum Zielwert, den der letzte Messwert erreicht hat. Die verstrichene Zeit ist der "
            "Anteil der Zeit vom Datum der Basiserhebung bis zum Zieldatum, die beim letzten "
            "Messwert vergangen war (höchstens 100 %)."
        ),
        _(
            "„auf Kurs“: Ziel erreicht oder Fortschritt mindestens 90 % der verstrichenen Zeit; "
            "„teilweise auf Kurs“: mindestens 50 %; sonst „nicht auf Kurs“. „keine Daten“: "
            "Ausgangs- oder Zielwert fehlt oder es gibt noch keinen Messwert nach der "
            "Basiserhebung."
        ),
        _(
            "Status eines Projekts aus seinen Indikatoren und eines Handlungsfelds aus seinen "
            "Projekten: „auf Kurs“, wenn alle auf Kurs sind; „nicht auf Kurs“, wenn mindestens "
            "die Hälfte nicht auf Kurs ist; sonst „teilweise auf Kurs“. Einträge ohne Daten "
            "zählen nicht mit."
        ),
        _(
            "Grundlage: Arbeitsschritt 9 „Evaluation“ und die Arbeitshilfe Wirkungsmessung der "
            "BBSR-Handreichung „Die digitale Stadt gestalten“."
        ),
    ]


def report_context(
    workspace: Workspace,
    audience: str,
    projects: Sequence[Project] | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """The report as display-ready data.

    Parameters
    ----------
    workspace
        The workspace.
    audience
        ``council`` (every project, summary) or ``funder`` (the ``projects`` in detail).
    projects
        For ``funder``: the selected projects (live projects of the workspace).
    """
    today = today or timezone.localdate()
    detailed = audience == FUNDER
    chosen = list(projects) if detailed and projects is not None else None
    fields = monitoring.overview(workspace, chosen)
    counts = {s: 0 for s in monitoring.STATUSES}
    field_rows = []
    project_rows = []
    for group in fields:
        entries = [_project(p, group.title, detailed) for p in group.projects]
        project_rows.extend(entries)
        for entry in entries:
            counts[entry["status"]] += 1
        field_rows.append(
            {
                "title": group.title,
                "status": group.status,
                "status_label": group.label,
                "projects": entries,
            }
        )
    title = _(AUDIENCES[audience])
    subtitle = f"{workspace.title} · {workspace.municipality.name}"
    facts = [
        (_("Kommune"), workspace.municipality.name),
        (_("Arbeitsraum"), workspace.title),
        (_("Stand"), _d(today)),
        (_("Projekte im Bericht"), str(len(project_rows))),
    ]
    if detailed:
        facts.append((_("Ausgewählt"), ", ".join(p["title"] for p in project_rows) or "–"))
    return {
        "audience": audience,
        "title": title,
        "doc_title": f"{title} – {workspace.title}",
        "subtitle": subtitle,
        "facts": facts,
        "fields": field_rows,
        "projects": project_rows,
        "counts": [
            (monitoring.STATUS_LABELS[s], counts[s], s) for s in monitoring.STATUSES if counts[s]
        ],
        "detailed": detailed,
        "method": method(),
        "footer": _("Kommunalkompass · Monitoring · Stand %(date)s") % {"date": _d(today)},
    }


# --- HTML and PDF -----------------------------------------------------------------------------
class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"Externe Ressourcen sind im PDF nicht erlaubt: {url[:80]}")


def _read(path_name: str) -> str:
    path = finders.find(path_name)
    if not path:
        raise FileNotFoundError(path_name)
    with open(str(path), encoding="utf-8") as handle:
        return handle.read()


@cache
def _stylesheets() -> tuple[CSS, CSS]:
    """The report stylesheet of the platform, the page styles of the monitoring (status
    labels, chart) and our own page footer."""
    footer = '@page { @bottom-left { content: "Kommunalkompass · Monitoring und Evaluation"; } }'
    return CSS(string=_read(REPORT_CSS)), CSS(string=_read(PAGE_CSS) + "\n" + footer)


def report_html(context: dict[str, Any]) -> str:
    """The standalone HTML the PDF is printed from (no external resources)."""
    return render_to_string(PRINT_TEMPLATE, {**context, "report": context})


def report_pdf(context: dict[str, Any]) -> bytes:
    """The report as an A4 PDF/UA-1 (tagged, German, with title metadata)."""
    document = HTML(string=report_html(context), url_fetcher=_NoFetching(), base_url="about:blank")
    pdf = document.write_pdf(stylesheets=list(_stylesheets()), pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf


# --- DOCX -------------------------------------------------------------------------------------
def _set_language(document: Any) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), LANGUAGE)
    language.set(qn("w:eastAsia"), LANGUAGE)


def _table(document: Any, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> Any:
    """A table with a header row that repeats on every page."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = str(value)
    document.add_paragraph()
    return table


def report_docx(context: dict[str, Any]) -> bytes:
    """The report as a Word document: title, facts, status per project area and project, for
    funders every project's plan, indicators and measurements, and the method."""
    document = Document()
    _set_language(document)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.footer.paragraphs[0].text = context["footer"]
    properties = document.core_properties
    properties.title = context["doc_title"]
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.language = LANGUAGE
    properties.subject = context["subtitle"]

    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["subtitle"])
    _table(document, [_("Angabe"), _("Wert")], context["facts"])

    document.add_heading(_("Stand nach Handlungsfeldern"), level=1)
    if not context["fields"]:
        document.add_paragraph(_("Es gibt noch keine Projekte."))
    else:
        _table(
            document,
            [_("Handlungsfeld"), _("Status"), _("Projekte")],
            [(f["title"], f["status_label"], str(len(f["projects"]))) for f in context["fields"]],
        )
    document.add_heading(_("Stand der Projekte"), level=1)
    if context["projects"]:
        _table(
            document,
            [_("Projekt"), _("Handlungsfeld"), _("Status"), _("Indikatoren"), _("Einzelstatus")],
            [
                (
                    p["title"],
                    p["field"],
                    p["status_label"],
                    f"{p['assessed']} von {p['indicators']} bewertet",
                    p["summary"],
                )
                for p in context["projects"]
            ],
        )
    if context["detailed"]:
        for project in context["projects"]:
            document.add_heading(project["title"], level=1)
            document.add_paragraph(
                _("Handlungsfeld: %(field)s · Status: %(status)s · Projektstand: %(state)s")
                % {
                    "field": project["field"],
                    "status": project["status_label"],
                    "state": project["project_status"],
                }
            )
            document.add_heading(_("Evaluationsplan"), level=2)
            if project["plan"]:
                _table(document, [_("Frage"), _("Antwort")], project["plan"])
            else:
                document.add_paragraph(_("Für dieses Projekt gibt es noch keinen Evaluationsplan."))
            document.add_heading(_("Indikatoren"), level=2)
            if not project["indicator_rows"]:
                document.add_paragraph(_("Für dieses Projekt gibt es noch keine Indikatoren."))
            else:
                _table(
                    document,
                    [
                        _("Ebene"),
                        _("Indikator"),
                        _("Ausgangswert"),
                        _("Zielwert"),
                        _("Letzter Wert"),
                        _("Fortschritt"),
                        _("Status"),
                    ],
                    [
                        (
                            i["level"],
                            i["name"],
                            i["baseline"],
                            i["target"],
                            i["latest"],
                            i["progress"],
                            i["status_label"],
                        )
                        for i in project["indicator_rows"]
                    ],
                )
            for indicator in project["indicator_rows"]:
                document.add_heading(
                    _("Messwerte: %(name)s") % {"name": indicator["name"]}, level=3
                )
                if indicator["measurements"]:
                    _table(
                        document,
                        [_("Datum"), _("Wert"), _("Anmerkung")],
                        indicator["measurements"],
                    )
                else:
                    document.add_paragraph(_("Noch keine Messwerte."))
    document.add_heading(_("So wird der Status bestimmt"), level=1)
    for text in context["method"]:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(context: dict[str, Any], extension: str) -> str:
    kind = "rat" if context["audience"] == COUNCIL else "foerdermittelgeber"
    return f"monitoring-bericht-{kind}.{extension}"


__all__ = [
    "AUDIENCES",
    "AUDIENCE_SLUGS",
    "COUNCIL",
    "FUNDER",
    "format_decimal",
    "report_context",
    "report_docx",
    "report_html",
    "report_pdf",
]
