"""The Digitalcheck report as PDF and DOCX: opened again and read, never compared as bytes."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from kompass.digitalcheck.reports import report_context, report_docx, report_html, report_pdf

RESULT = Path(__file__).parent / "data" / "digitalcheck" / "result.json"


@pytest.fixture
def result() -> dict[str, Any]:
    """A realistic evaluation result (Musterstadt, 23,000 inhabitants, NW), computed with the
    shipped questionnaire, recommendations and reference figures."""
    return json.loads(RESULT.read_text(encoding="utf-8"))


@pytest.fixture
def anonymous(result: dict[str, Any]) -> dict[str, Any]:
    """The same result without a municipality, without a level, with a provisional type, a
    dimension with too few answers and a peer group that is too small."""
    data = copy.deepcopy(result)
    data["municipality"] = {
        "name": None,
        "population": 8000,
        "land": None,
        "size_class": "small_town",
        "size_class_label": "Kleinstadt",
    }
    data["overall"] = {
        "score": None,
        "level": None,
        "level_title": None,
        "level_description": None,
        "held_down_by": [],
    }
    data["dimensions"][3].update(
        score=None, answered=1, items=4, flag="too_few_answers", flag_label="zu wenige Antworten"
    )
    data["gaps"].remove("data")
    data["type"] = {
        "slug": "digital_laggards",
        "name": "Digitale Nachzügler",
        "reasons": ["Ohne Angabe zur Strategie ist die Einordnung nur vorläufig."],
        "provisional": True,
        "rule": "stage_missing",
        "likelihoods": {"digital_laggards": 0.6, "small_digital_pioneers": 0.4},
    }
    data["peers"] = {
        "group_label": "Kleinstädte",
        "n": 4,
        "min_group": 10,
        "percentile": None,
        "land_percentile": None,
        "land_n": None,
        "histogram": [],
    }
    data["self_rating"] = None
    return data


def _pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, " ".join(text.split())


def _structure_tags(reader: PdfReader) -> set[str]:
    tags: set[str] = set()

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                tags.add(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return tags


# --- PDF --------------------------------------------------------------------------------------
def test_pdf_has_the_report_contents(result: dict[str, Any]) -> None:
    reader, text = _pdf_text(report_pdf(result))
    assert len(reader.pages) >= 1
    assert "Digitalcheck: Musterstadt" in text
    assert "Stufe 3 von 5: Im Aufbau" in text and "41,8 von 100 Punkten" in text
    assert "Ambitionierte Großkommunen" in text  # type
    assert "Ihre Kommune hat 20.000 oder mehr Einwohner (23.000)." in text  # a reason
    assert "Nordrhein-Westfalen" in text and "23.000" in text and "Version 1" in text
    assert "22.11.2026" in text
    # dimension table: title, score with decimal comma, answered and verdict
    assert "Daten 11,0 3 von 4 Lücke" in text
    assert "Infrastruktur 90,0 5 von 5 Stärke" in text
    # a recommendation with its reason and its sources (file and lines)
    assert "Die eigenen Daten kennen, bündeln und öffnen" in text
    assert "Warum: Lücke im Bereich Daten" in text
    assert "Quellen: 001_d867eb3322f638cd.txt, Zeilen 699–734; 002_07e815d451bb110f.txt" in text
    # reference figures: value, year, n, source
    assert "Setzen Datenmanagementsysteme (DMS) ein" in text and "54 %" in text
    assert "381" in text and "2019" in text
    assert "Zeilen 643–646" in text
    assert "* Wert von uns einer Abbildung der Studie zugeordnet" in text
    # peers, self-rating, answers, method and footer
    assert "Perzentilrang 38" in text and "noch zu wenige Ergebnisse (6)" in text
    assert "40 bis unter 60" in text
    assert "Selbsteinschätzung" in text and "56,0 von 100 Punkten" in text
    assert "Wie weit ist Ihre Kommune mit einer Strategie für die Digitalisierung?" in text
    assert "Wir erarbeiten gerade eine Strategie" in text
    assert "Quellen und Methode" in text and "Selbstauskunft" in text
    assert "Seite 1 von" in text


def test_pdf_is_tagged_german_and_titled(result: dict[str, Any]) -> None:
    reader, _text = _pdf_text(report_pdf(result))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged for screen readers
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith("de")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata is not None
    assert reader.metadata.title == "Digitalcheck: Musterstadt – 22.11.2026"
    assert reader.metadata.author == "Kommunalkompass"
    tags = _structure_tags(reader)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption", "/L"} <= tags
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points


def test_pdf_of_an_anonymous_result_says_what_is_missing(anonymous: dict[str, Any]) -> None:
    reader, text = _pdf_text(report_pdf(anonymous))
    assert reader.metadata is not None
    assert (reader.metadata.title or "").startswith("Anonymer Digitalcheck")
    assert "Anonymer Digitalcheck" in text and "anonym" in text
    assert "Keine Gesamteinschätzung" in text
    assert "Daten – 1 von 4 zu wenige Antworten" in text
    assert "Vorläufige Einordnung" in text
    assert "Digitale Nachzügler 60 %" in text and "Kleine digitale Vorreiter 40 %" in text
    assert "stage_missing" not in text  # a rule id is not for readers
    assert "umfasst bisher 4 Ergebnisse" in text and "erst ab 10" in text
    assert "Musterstadt" not in text


def test_user_text_is_printed_not_interpreted(result: dict[str, Any]) -> None:
    result["answers"].append(
        {
            "section": "Anmerkungen",
            "item_id": "remarks",
            "question": "Möchten Sie noch etwas ergänzen?",
            "answer": '<img src="http://example.org/x.png"> <b>fett</b>',
        }
    )
    html = report_html(result)
    assert "<img" not in html and "&lt;img" in html
    assert "<script" not in html and "<link" not in html  # the PDF loads nothing
    _reader, text = _pdf_text(report_pdf(result))
    assert '<img src="http://example.org/x.png"> <b>fett</b>' in text


def test_bars_are_drawn_from_the_scores(result: dict[str, Any]) -> None:
    html = report_html(result)
    assert 'class="bar w-11 gap"' in html  # Daten, 11,0 points, a gap
    assert 'class="bar w-90"' in html  # Infrastruktur
    assert "style=" not in html  # no inline styles (CSP and the template test)
    context = report_context(result)
    peers = context["peers"]["histogram"]
    assert [bar["width"] for bar in peers] == [18, 65, 100, 53, 12]
    assert [bar["you"] for bar in peers] == [False, False, True, False, False]
    assert peers[-1]["range"] == "80 bis 100" and peers[0]["range"] == "0 bis unter 20"


def test_machine_reasons_are_said_in_german(result: dict[str, Any]) -> None:
    result["recommendations"][0]["reason"] = "gap:data"
    result["recommendations"][1]["reason"] = "barrier:lack_expertise"
    entries = report_context(result)["recommendations"]
    assert entries[0]["reason"] == "Lücke im Bereich Daten"
    assert entries[1]["reason"] == "von Ihnen genannte Hürde"


def test_cited_sources_are_listed_once_and_in_order(result: dict[str, Any]) -> None:
    sources = report_context(result)["sources"]
    files = [s["file"] for s in sources]
    assert files == sorted(files) and len(files) == len(set(files)) == 4
    first = sources[1]
    assert first["file"] == "001_d867eb3322f638cd.txt"
    assert first["lines"].startswith("540–558, 596–600, 596–616, 643–646")


# --- DOCX -------------------------------------------------------------------------------------
def _table_rows(table: Any) -> Iterator[list[str]]:
    for row in table.rows:
        yield [cell.text for cell in row.cells]


def test_docx_has_headings_tables_and_properties(result: dict[str, Any]) -> None:
    document = Document(io.BytesIO(report_docx(result)))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == "Digitalcheck: Musterstadt"
    level1 = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert level1 == [
        "Gesamteinschätzung",
        "Kommunentyp",
        "Ergebnis nach Bereichen",
        "Stärken und Lücken",
        "Empfehlungen",
        "Vergleichswerte aus Studien",
        "Vergleich mit ähnlichen Kommunen",
        "Selbsteinschätzung",
        "Ihre Antworten",
        "Quellen und Methode",
    ]
    level2 = [p.text for p in paragraphs if p.style.name == "Heading 2"]
    assert "Die eigenen Daten kennen, bündeln und öffnen" in level2
    assert "Organisation und Verantwortung" in level2  # a group of answers
    texts = [p.text for p in paragraphs]
    assert "Stufe 3 von 5: Im Aufbau" in texts
    assert any(t.startswith("Quellen: 001_d867eb3322f638cd.txt, Zeilen 699–734") for t in texts)

    tables = {rows[0][0]: rows for rows in (list(_table_rows(t)) for t in document.tables)}
    scores = tables["Bereich"]
    assert scores[0] == ["Bereich", "Punkte (0–100)", "beantwortet", "Einordnung", "Hinweis"]
    assert ["Daten", "11,0", "3 von 4", "Lücke", ""] in scores
    assert ["Infrastruktur", "90,0", "5 von 5", "Stärke", ""] in scores
    figures = tables["Kennzahl"]
    dms = next(row for row in figures if row[0].startswith("Setzen Datenmanagementsysteme"))
    assert dms[1:5] == ["54 %", "alle Befragten", "2019", "381"]
    assert "001_d867eb3322f638cd.txt, Zeilen 643–646" in dms[0]
    assert ["40 bis unter 60", "17", "hier"] in tables["Gesamtwert (Punkte)"]
    assert ["Land", "Nordrhein-Westfalen"] in tables["Angabe"]
    # header rows repeat on every page
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None

    properties = document.core_properties
    assert properties.title == "Digitalcheck: Musterstadt – 22.11.2026"
    assert properties.author == "Kommunalkompass"
    assert properties.language == "de-DE"
    language = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert language.get(qn("w:val")) == "de-DE"
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)  # A4, stored in twips
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_docx_of_an_anonymous_result(anonymous: dict[str, Any]) -> None:
    document = Document(io.BytesIO(report_docx(anonymous)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Anonymer Digitalcheck"
    assert document.core_properties.title.startswith("Anonymer Digitalcheck")
    assert "Keine Gesamteinschätzung" in texts
    assert any("umfasst bisher 4 Ergebnisse" in t for t in texts)
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    rows = [[c.text for c in row.cells] for row in tables["Bereich"].rows]
    assert ["Daten", "–", "1 von 4", "", "zu wenige Antworten"] in rows
    likely = [[c.text for c in row.cells] for row in tables["Möglicher Typ"].rows]
    assert likely[1:] == [["Digitale Nachzügler", "60 %"], ["Kleine digitale Vorreiter", "40 %"]]
    assert "Selbsteinschätzung" not in [
        p.text for p in document.paragraphs if p.style.name == "Heading 1"
    ]
