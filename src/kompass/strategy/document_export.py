"""The strategy paper as DOCX (python-docx, for further editing in the administration) and as
PDF (WeasyPrint, for the council), of the current text or of a frozen version.

Both walk the same structure (:func:`export_context`): title, facts (municipality, status,
version, date), the sections with their paragraphs, the table of projects in the projects
section, and the record of the council decisions. The PDF is A4, tagged (PDF/UA-1), German,
from our own HTML that loads nothing (as the Digitalcheck report, kompass.digitalcheck.reports).
"""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from weasyprint import CSS, HTML

from kompass.digitalcheck.reports import _field, _NoFetching, _set_language, _table
from kompass.strategy import document as service
from kompass.strategy.models import CouncilDecision, DocumentVersion, StrategyDocument
from kompass.strategy.models_document import split_paragraphs

TEMPLATE = "strategy/document/print.html"
AUTHOR = "Kommunalkompass"
LANGUAGE = "de-DE"

PRINT_CSS = """
@page { size: A4; margin: 22mm 20mm 24mm;
  @bottom-right { content: "Seite " counter(page) " von " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt;
  line-height: 1.45; color: #111; }
h1 { font-size: 20pt; color: #00395d; margin: 0 0 4mm; }
h2 { font-size: 13.5pt; color: #00395d; margin: 8mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; orphans: 3; widows: 3; white-space: pre-line; }
.masthead { font-size: 8.5pt; border-bottom: 1pt solid #00395d; padding-bottom: 2mm; }
dl.facts { display: grid; grid-template-columns: 40mm auto; gap: 1mm 4mm; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 2mm 0 4mm; }
th, td { border: 0.5pt solid #666; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
.empty { color: #444; font-style: italic; }
"""


def _datetime(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y") if value else "–"


def decision_lines(decision: CouncilDecision) -> list[tuple[str, str]]:
    """A decision as (label, value) pairs."""
    lines = [
        (_("Gremium"), decision.body),
        (_("Sitzung am"), decision.date.strftime("%d.%m.%Y")),
        (_("Ergebnis"), decision.get_outcome_display()),
    ]
    if decision.agenda_item:
        lines.append((_("Tagesordnungspunkt oder Drucksache"), decision.agenda_item))
    if decision.document_version is not None:
        lines.append((_("Beschlossene Fassung"), str(decision.document_version)))
    votes = [
        (label, value)
        for label, value in (
            (_("Ja"), decision.votes_for),
            (_("Nein"), decision.votes_against),
            (_("Enthaltungen"), decision.abstentions),
        )
        if value is not None
    ]
    if votes:
        lines.append((_("Abstimmung"), ", ".join(f"{label}: {value}" for label, value in votes)))
    if decision.note:
        lines.append((_("Anmerkung"), decision.note))
    return lines


def export_context(
    document: StrategyDocument, version: DocumentVersion | None = None
) -> dict[str, Any]:
    """Everything both formats show, as display-ready German strings."""
    workspace = document.workspace
    blocks = []
    for block in service.blocks_for_export(document, version):
        table = block.get("table")
        if version is None and block["key"] == "projects_measures":
            rows = service.project_rows(workspace)
            table = {"columns": service.PROJECT_COLUMNS, "rows": rows} if rows else None
        blocks.append(
            {
                "heading": block["heading"],
                "paragraphs": split_paragraphs(block["text"]),
                "table": table,
            }
        )
    all_decisions = service.decisions(document)
    if version is not None:
        all_decisions = [d for d in all_decisions if d.document_version_id == version.pk]
    facts = [
        (_("Kommune"), workspace.municipality.name),
        (_("Stand"), document.get_status_display()),
    ]
    if version is not None:
        facts.append(
            (
                _("Fassung"),
                _("Version %(n)s vom %(date)s")
                % {"n": version.number, "date": _datetime(version.created_at)},
            )
        )
        if version.note:
            facts.append((_("Anmerkung zur Fassung"), version.note))
    else:
        facts.append((_("Fassung"), _("aktueller Text vom %s") % _datetime(timezone.now())))
    title = version.title if version is not None else document.title
    return {
        "title": title,
        "subtitle": _("Strategiepapier · %(place)s · erstellt mit dem Kommunalkompass")
        % {"place": workspace.municipality.name},
        "facts": facts,
        "blocks": blocks,
        "decisions": [decision_lines(d) for d in all_decisions],
    }


def export_filename(document: StrategyDocument, version: DocumentVersion | None, ext: str) -> str:
    suffix = f"-version-{version.number}" if version is not None else ""
    return f"strategiepapier-{document.workspace.slug}{suffix}.{ext}"


def document_html(document: StrategyDocument, version: DocumentVersion | None = None) -> str:
    return render_to_string(TEMPLATE, export_context(document, version))


def document_pdf(document: StrategyDocument, version: DocumentVersion | None = None) -> bytes:
    """The paper as an A4 PDF/UA-1 (tagged, German, with title metadata)."""
    html = HTML(
        string=document_html(document, version), url_fetcher=_NoFetching(), base_url="about:blank"
    )
    pdf = html.write_pdf(stylesheets=[CSS(string=PRINT_CSS)], pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf


def document_docx(document: StrategyDocument, version: DocumentVersion | None = None) -> bytes:
    """The paper as a Word document: title, sections as "Heading 1", paragraphs, the project
    table, the decision record; A4 with page numbers; German language and metadata."""
    context = export_context(document, version)
    doc = Document()
    _set_language(doc)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    page = doc.sections[0]
    page.page_width, page.page_height = Mm(210), Mm(297)
    page.left_margin = page.right_margin = Mm(22)
    page.top_margin, page.bottom_margin = Mm(20), Mm(22)
    footer = page.footer.paragraphs[0]
    footer.text = context["title"] + " · " + _("Seite") + " "
    _field(footer, "PAGE")
    footer.add_run(" " + _("von") + " ")
    _field(footer, "NUMPAGES")
    footer.alignment = WD_ALIGN_PARAGRAPH.LEFT
    properties = doc.core_properties
    properties.title = context["title"]
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.language = LANGUAGE
    properties.subject = context["subtitle"]
    properties.comments = _("Erstellt mit dem Kommunalkompass")

    doc.add_heading(context["title"], level=0)
    doc.add_paragraph(context["subtitle"])
    _table(doc, [_("Angabe"), _("Wert")], context["facts"], widths=[45, 121])
    for block in context["blocks"]:
        doc.add_heading(block["heading"], level=1)
        if not block["paragraphs"] and not block["table"]:
            doc.add_paragraph(_("(Dieser Abschnitt ist noch leer.)"))
        for text in block["paragraphs"]:
            doc.add_paragraph(text)
        if block["table"]:
            _table(doc, block["table"]["columns"], block["table"]["rows"])
    doc.add_heading(_("Beschluss"), level=1)
    if not context["decisions"]:
        doc.add_paragraph(_("Ein Beschluss ist noch nicht festgehalten."))
    for lines in context["decisions"]:
        _table(doc, [_("Angabe"), _("Wert")], lines, widths=[45, 121])
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
