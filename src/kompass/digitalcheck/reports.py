"""The Digitalcheck report as PDF (for the council) and DOCX (for editing in the administration).

Both documents are built from one evaluation result, the plain dict described in
``/work/notes/digitalcheck_result.md`` (``kompass.digitalcheck.services.evaluate``). Every text
in them comes from that dict or from the labels here; nothing is looked up again, so a
stored result renders the same report years later.

:func:`report_context` turns the result into display-ready German strings; the PDF template
``digitalcheck/report_print.html`` and the DOCX builder walk the same structure, so both
documents have the same sections in the same order:

title, facts, overall level, municipality type, scores per area (table with bars),
strengths and gaps, recommendations with sources, reference figures, peer comparison,
self-rating, the answers, and sources and method.

The PDF is A4, tagged (PDF/UA-1), German, with title metadata, made by WeasyPrint from our
own HTML that loads nothing: the stylesheet is read from the static files and every URL
fetch is refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from kompass.analysis.municipality_types import TYPE_NAMES
from kompass.core.models import Land

TEMPLATE = "digitalcheck/report_print.html"
REPORT_CSS = "kompass/css/report.css"
AUTHOR = "Kommunalkompass"
LANGUAGE = "de-DE"
BERLIN = ZoneInfo("Europe/Berlin")
_SLUG = re.compile(r"^[a-z0-9_]+$")


# --- German formatting ------------------------------------------------------------------------
def _decimal(value: float | int | None, digits: int = 1) -> str:
    """66.7 → "66,7"; whole numbers without decimals when ``digits`` is 0."""
    if value is None:
        return "–"
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


def _integer(value: int | float | None) -> str:
    """23000 → "23.000"."""
    if value is None:
        return "–"
    return f"{round(value):,}".replace(",", ".")


def _figure_number(value: float | int) -> str:
    return _integer(value) if float(value).is_integer() else _decimal(value)


def _date(value: str | datetime | None) -> str:
    if value is None:
        return "–"
    stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(BERLIN)
    return f"{stamp:%d.%m.%Y}"


def _range(lines: Sequence[int] | None) -> str:
    """[699, 734] → "699–734"; [320, 320] → "320"."""
    if not lines:
        return ""
    first, last = lines[0], lines[-1]
    return str(first) if first == last else f"{first}–{last}"


def _lines(lines: Sequence[int] | None) -> str:
    if not lines:
        return ""
    if lines[0] == lines[-1]:
        return _("Zeile %(line)s") % {"line": lines[0]}
    return _("Zeilen %(range)s") % {"range": _range(lines)}


def _source(source: Mapping[str, Any] | None) -> str:
    """ "001_d867eb3322f638cd.txt, Zeilen 699–734" """
    if not source:
        return "–"
    name = source.get("file") or source.get("doc") or ""
    lines = _lines(source.get("lines"))
    return f"{name}, {lines}" if lines else str(name)


def _bar_width(value: float | None) -> int:
    """A bar's length in whole percent (0-100): the class ``w-<n>`` of the bar."""
    return 0 if value is None else round(max(0.0, min(100.0, float(value))))


def _percent(value: float | int | None) -> str:
    return "–" if value is None else f"{_figure_number(value)} %"


# --- The report as display-ready data ----------------------------------------------------------
def _dimension_titles(result: Mapping[str, Any]) -> dict[str, str]:
    return {d["id"]: d.get("title") or d["id"] for d in result.get("dimensions") or []}


def _reason(reason: str | None, titles: Mapping[str, str]) -> str:
    """The reason of a recommendation; machine reasons ("gap:data") said in German."""
    if not reason:
        return ""
    kind, _sep, value = reason.partition(":")
    if kind == "gap" and value in titles:
        return _("Lücke im Bereich %(title)s") % {"title": titles[value]}
    if kind == "barrier" and _SLUG.match(value):
        return _("von Ihnen genannte Hürde")
    return reason


def _figure_value(figure: Mapping[str, Any]) -> str:
    value = figure.get("value")
    if value is None:
        return "–"
    unit = figure.get("unit")
    if unit == "percent":
        return _percent(value)
    if unit == "mean":
        return _("%(value)s (Mittelwert)") % {"value": _figure_number(value)}
    return f"{_figure_number(value)} {unit}" if unit else _figure_number(value)


def _overall(result: Mapping[str, Any], titles: Mapping[str, str]) -> dict[str, Any]:
    overall = result.get("overall") or {}
    level = overall.get("level")
    held = [titles.get(d, d) for d in overall.get("held_down_by") or []]
    return {
        "available": level is not None,
        "headline": (
            _("Stufe %(level)s von 5: %(title)s")
            % {"level": level, "title": overall.get("level_title") or ""}
            if level is not None
            else _("Keine Gesamteinschätzung")
        ),
        "score": (
            _("Gesamtwert: %(score)s von 100 Punkten") % {"score": _decimal(overall["score"])}
            if overall.get("score") is not None
            else ""
        ),
        "description": overall.get("level_description")
        or (
            ""
            if level is not None
            else _(
                "Für eine Gesamteinschätzung fehlen Antworten: Mindestens die Hälfte der "
                "Bereiche braucht einen Wert."
            )
        ),
        "held_down": (
            _(
                "Nach dem Gesamtwert allein wäre eine höhere Stufe möglich; gebremst wird sie "
                "durch: %(areas)s."
            )
            % {"areas": ", ".join(held)}
            if held
            else ""
        ),
    }


def _type(result: Mapping[str, Any]) -> dict[str, Any]:
    kind = result.get("type") or {}
    name = kind.get("name")
    likelihoods = kind.get("likelihoods") or {}
    rule = kind.get("rule") or ""
    return {
        "available": bool(name),
        "name": name or _("Nicht bestimmt"),
        "provisional": bool(kind.get("provisional")),
        "reasons": list(kind.get("reasons") or []),
        # A rule id such as "large_with_strategy" is for developers; a sentence is shown.
        "rule": "" if _SLUG.match(rule) else rule,
        "likelihoods": [
            {"name": TYPE_NAMES.get(slug, slug), "share": _percent(round(share * 100))}
            for slug, share in sorted(likelihoods.items(), key=lambda pair: -pair[1])
        ],
    }


def _dimensions(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    strengths = set(result.get("strengths") or [])
    gaps = set(result.get("gaps") or [])
    rows = []
    for dimension in result.get("dimensions") or []:
        score = dimension.get("score")
        rows.append(
            {
                "id": dimension["id"],
                "title": dimension.get("title") or dimension["id"],
                "score": _decimal(score) if score is not None else "–",
                "width": _bar_width(score),
                "answered": _("%(answered)s von %(items)s")
                % {"answered": dimension.get("answered", 0), "items": dimension.get("items", 0)},
                "flag": dimension.get("flag_label") or "",
                "gap": dimension["id"] in gaps,
                "verdict": (
                    _("Stärke")
                    if dimension["id"] in strengths
                    else _("Lücke")
                    if dimension["id"] in gaps
                    else ""
                ),
            }
        )
    return rows


def _recommendations(result: Mapping[str, Any], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    entries = []
    for entry in result.get("recommendations") or []:
        reason = _reason(entry.get("reason"), titles)
        areas = [titles.get(d, d) for d in entry.get("dimensions") or []]
        entries.append(
            {
                "title": entry.get("title") or "",
                "text": entry.get("text") or "",
                "reason": reason,
                # the areas only when the reason does not already name them all
                "areas": "" if all(a in reason for a in areas) else ", ".join(areas),
                "sources": [_source(source) for source in entry.get("sources") or []],
            }
        )
    return entries


def _figures(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": figure.get("label") or "",
            "value": _figure_value(figure),
            "group": figure.get("group_label") or "",
            "year": str(figure["year"]) if figure.get("year") else "–",
            "n": _integer(figure["n"]) if figure.get("n") is not None else _("nicht genannt"),
            "your_answer": figure.get("your_answer") or "–",
            "source": _source(figure.get("source")),
            "inferred": bool(figure.get("inferred")),
        }
        for figure in result.get("reference_figures") or []
    ]


def _peers(result: Mapping[str, Any]) -> dict[str, Any]:
    peers = result.get("peers")
    if not peers:
        return {
            "available": False,
            "note": _(
                "Für einen Vergleich mit anderen Kommunen im Kommunalkompass liegen noch nicht "
                "genug Ergebnisse vor."
            ),
            "histogram": [],
        }
    group = peers.get("group_label") or _("Vergleichsgruppe")
    n, minimum = peers.get("n") or 0, peers.get("min_group")
    if peers.get("percentile") is None:
        note = _(
            "Die Vergleichsgruppe „%(group)s“ umfasst bisher %(n)s Ergebnisse. Einen Vergleich "
            "zeigen wir erst ab %(min)s, damit er aussagekräftig ist und keine einzelne Kommune "
            "erkennbar wird."
        ) % {"group": group, "n": _integer(n), "min": _integer(minimum)}
        return {"available": False, "note": note, "histogram": []}
    lines = [
        _(
            "Vergleichsgruppe „%(group)s“ mit %(n)s Ergebnissen: Ihr Gesamtwert hat den "
            "Perzentilrang %(rank)s (0 = niedrigster, 100 = höchster Wert der Gruppe)."
        )
        % {"group": group, "n": _integer(n), "rank": _figure_number(peers["percentile"])}
    ]
    if peers.get("land_percentile") is not None:
        lines.append(
            _("Im eigenen Land (%(n)s Ergebnisse): Perzentilrang %(rank)s.")
            % {
                "n": _integer(peers.get("land_n") or 0),
                "rank": _figure_number(peers["land_percentile"]),
            }
        )
    elif peers.get("land_n") is not None:
        lines.append(
            _("Für einen Vergleich im eigenen Land gibt es noch zu wenige Ergebnisse (%(n)s).")
            % {"n": _integer(peers["land_n"])}
        )
    histogram = peers.get("histogram") or []
    largest = max((bar.get("count") or 0 for bar in histogram), default=0) or 1
    bars = []
    for index, bar in enumerate(histogram):
        bounds = {"low": _figure_number(bar["from"]), "high": _figure_number(bar["to"])}
        last = index == len(histogram) - 1  # the last class includes its upper bound
        bars.append(
            {
                "range": (_("%(low)s bis %(high)s") if last else _("%(low)s bis unter %(high)s"))
                % bounds,
                "count": _integer(bar.get("count") or 0),
                "width": _bar_width(100.0 * (bar.get("count") or 0) / largest),
                "you": bool(bar.get("you")),
            }
        )
    return {"available": True, "note": " ".join(lines), "histogram": bars}


def _self_rating(result: Mapping[str, Any]) -> dict[str, Any] | None:
    rating = result.get("self_rating")
    if not rating:
        return None
    return {
        "text": rating.get("text") or "",
        "facts": _("Ihre Einschätzung: %(rating)s von 5; gemessen: %(score)s von 100 Punkten.")
        % {"rating": rating.get("rating", "–"), "score": _decimal(rating.get("score"))},
    }


def _answers(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for answer in result.get("answers") or []:
        section = answer.get("section") or ""
        if not sections or sections[-1]["title"] != section:
            sections.append({"title": section, "rows": []})
        sections[-1]["rows"].append(
            {"question": answer.get("question") or "", "answer": answer.get("answer") or "–"}
        )
    return sections


def _cited_sources(result: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every study file the report cites (sorted by name) with its cited line ranges
    (sorted by first line, each once)."""
    cited: dict[str, set[tuple[int, int]]] = {}
    sources = [s for r in result.get("recommendations") or [] for s in r.get("sources") or []]
    sources += [f["source"] for f in result.get("reference_figures") or [] if f.get("source")]
    for source in sources:
        name = str(source.get("file") or source.get("doc") or "")
        ranges = cited.setdefault(name, set())
        lines = source.get("lines")
        if lines:
            ranges.add((int(lines[0]), int(lines[-1])))
    return [
        {"file": name, "lines": ", ".join(_range(pair) for pair in sorted(cited[name]))}
        for name in sorted(cited)
    ]


def report_context(result: Mapping[str, Any]) -> dict[str, Any]:
    """The report's content as display-ready German strings (shared by PDF and DOCX).

    Parameters
    ----------
    result
        The evaluation result (contract ``digitalcheck_result.md``).

    Returns
    -------
    dict
        ``title``, ``doc_title`` (metadata), ``subtitle``, ``facts`` (label/value pairs),
        ``overall``, ``type``, ``dimensions``, ``strengths``, ``gaps``, ``recommendations``,
        ``figures``, ``peers``, ``self_rating``, ``answer_sections``, ``sources``,
        ``method`` (paragraphs) and ``footer``.
    """
    questionnaire = result.get("questionnaire") or {}
    municipality = result.get("municipality") or {}
    titles = _dimension_titles(result)
    name = municipality.get("name")
    title = _("Digitalcheck: %(name)s") % {"name": name} if name else _("Anonymer Digitalcheck")
    date = _date(result.get("created_at"))
    version = questionnaire.get("version")
    questionnaire_label = _("%(title)s, Version %(version)s") % {
        "title": questionnaire.get("title") or _("Digitalcheck"),
        "version": version if version is not None else "–",
    }
    facts = [
        (_("Kommune"), name or _("anonym")),
        (_("Land"), _land_name(municipality.get("land"))),
        (_("Einwohner"), _integer(municipality.get("population"))),
        (_("Größenklasse"), municipality.get("size_class_label") or "–"),
        (_("Datum"), date),
        (_("Fragebogen"), questionnaire_label),
    ]
    return {
        "title": title,
        "doc_title": f"{title} – {date}",
        "subtitle": _("Ergebnisbericht · %(questionnaire)s · Stand %(date)s")
        % {"questionnaire": questionnaire_label, "date": date},
        "facts": facts,
        "overall": _overall(result, titles),
        "type": _type(result),
        "dimensions": _dimensions(result),
        "strengths": [titles.get(d, d) for d in result.get("strengths") or []],
        "gaps": [titles.get(d, d) for d in result.get("gaps") or []],
        "recommendations": _recommendations(result, titles),
        "figures": _figures(result),
        "figures_inferred": any(f.get("inferred") for f in result.get("reference_figures") or []),
        "peers": _peers(result),
        "self_rating": _self_rating(result),
        "answer_sections": _answers(result),
        "sources": _cited_sources(result),
        "method": _method(),
        "footer": _("Kommunalkompass · Digitalcheck · Selbstauskunft; Quellen und Methode am Ende"),
    }


def _land_name(code: str | None) -> str:
    if not code:
        return "–"
    return str(dict(Land.choices).get(code, code))


def _method() -> list[str]:
    return [
        _(
            "Dieser Bericht beruht auf einer Selbstauskunft der Kommune. Er zeigt, wo sie nach "
            "ihren eigenen Angaben steht, und ersetzt keine Prüfung vor Ort."
        ),
        _(
            "Jede Antwort bringt je nach Frage zwischen 0 und 100 Punkte. Für jeden Bereich "
            "bilden wir den gewichteten Durchschnitt der beantworteten Fragen. „Keine Angabe“ "
            "und „weiß nicht“ zählen dabei nicht mit, auch nicht als null Punkte. Ist weniger "
            "als die Hälfte der Fragen eines Bereichs beantwortet, weisen wir für ihn keinen "
            "Wert aus. Der Gesamtwert ist der Durchschnitt der Bereiche; aus ihm und aus "
            "Mindestwerten für Strategie und Organisation ergibt sich die Stufe von 1 bis 5."
        ),
        _(
            "Die Einordnung in einen Kommunentyp folgt einer nachvollziehbaren Regel, die die "
            "fünf Typen der Studie der Initiative Stadt.Land.Digital aus dem Jahr 2017 "
            "nachbildet. Vergleichswerte stammen aus veröffentlichten Studien; dabei stehen "
            "das Jahr der Erhebung und, soweit die Studie sie nennt, die Zahl der Befragten. "
            "Werte, die wir einer Abbildung selbst zugeordnet haben, sind gekennzeichnet."
        ),
        _(
            "Empfehlungen und Erläuterungen geben die Aussagen der Studien in eigenen Worten "
            "wieder. Jede Fundstelle nennt die Datei des Studientextes und die Zeilen, in denen "
            "die Aussage steht."
        ),
    ]


# --- PDF --------------------------------------------------------------------------------------
class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError(f"Externe Ressourcen sind im PDF nicht erlaubt: {url[:80]}")


@cache
def _stylesheets() -> tuple[CSS, CSS]:
    """The report stylesheet and the bar widths ``.w-0`` … ``.w-100`` (classes instead of
    inline styles, which the templates do not use)."""
    path = finders.find(REPORT_CSS)
    if not path:
        raise FileNotFoundError(REPORT_CSS)
    with open(str(path), encoding="utf-8") as handle:
        report = CSS(string=handle.read())
    widths = CSS(string="\n".join(f".w-{n} {{ width: {n}%; }}" for n in range(101)))
    return report, widths


def report_html(result: Mapping[str, Any]) -> str:
    """The report as the HTML the PDF is printed from (no external resources)."""
    return render_to_string(TEMPLATE, report_context(result))


def report_pdf(result: Mapping[str, Any]) -> bytes:
    """The report as an A4 PDF/UA-1 (tagged, German, with title metadata).

    Parameters
    ----------
    result
        The evaluation result (contract ``digitalcheck_result.md``).

    Returns
    -------
    bytes
        The PDF file.
    """
    document = HTML(string=report_html(result), url_fetcher=_NoFetching(), base_url="about:blank")
    pdf = document.write_pdf(stylesheets=list(_stylesheets()), pdf_variant="pdf/ua-1")
    assert isinstance(pdf, bytes)
    return pdf


# --- DOCX -------------------------------------------------------------------------------------
def _set_language(document: Any) -> None:
    """German as the language of every style (spell checking, screen readers)."""
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
    language.set(qn("w:bidi"), "ar-SA")


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _table(
    document: Any,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    widths: Sequence[float] | None = None,
) -> Any:
    """A table with one header row that repeats on every page."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, heading in zip(header.cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Mm(width)
    document.add_paragraph()
    return table


def _bullets(document: Any, items: Sequence[str]) -> None:
    for item in items:
        document.add_paragraph(item, style="List Bullet")


def report_docx(result: Mapping[str, Any]) -> bytes:
    """The report as a Word document with real headings, tables and German metadata.

    Parameters
    ----------
    result
        The evaluation result (contract ``digitalcheck_result.md``).

    Returns
    -------
    bytes
        The DOCX file: title in the "Title" style, sections as "Heading 1", recommendations
        and answer groups as "Heading 2" (so Word's navigation pane lists them), tables with
        a repeating header row, A4 pages with page numbers, core properties title, author
        "Kommunalkompass" and language de-DE.
    """
    context = report_context(result)
    document = Document()
    _set_language(document)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(22)
    footer = section.footer.paragraphs[0]
    footer.text = context["footer"] + " · " + _("Seite") + " "
    _field(footer, "PAGE")
    footer.add_run(" " + _("von") + " ")
    _field(footer, "NUMPAGES")
    footer.alignment = WD_ALIGN_PARAGRAPH.LEFT

    properties = document.core_properties
    properties.title = context["doc_title"]
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.language = LANGUAGE
    properties.subject = context["subtitle"]
    properties.keywords = _("Digitalcheck, Kommune, Digitalisierung")
    properties.comments = _("Erstellt mit dem Kommunalkompass")

    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["subtitle"])
    _table(document, [_("Angabe"), _("Wert")], context["facts"], widths=[45, 125])

    overall = context["overall"]
    document.add_heading(_("Gesamteinschätzung"), level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run(overall["headline"]).bold = True
    for text in (overall["score"], overall["description"], overall["held_down"]):
        if text:
            document.add_paragraph(text)

    kind = context["type"]
    document.add_heading(_("Kommunentyp"), level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run(kind["name"]).bold = True
    if kind["provisional"]:
        document.add_paragraph(_("Vorläufige Einordnung, weil Angaben zur Strategie fehlen."))
    _bullets(document, kind["reasons"])
    if kind["rule"]:
        document.add_paragraph(kind["rule"])
    if kind["likelihoods"]:
        _table(
            document,
            [_("Möglicher Typ"), _("Anteil")],
            [(entry["name"], entry["share"]) for entry in kind["likelihoods"]],
        )

    document.add_heading(_("Ergebnis nach Bereichen"), level=1)
    _table(
        document,
        [_("Bereich"), _("Punkte (0–100)"), _("beantwortet"), _("Einordnung"), _("Hinweis")],
        [
            (d["title"], d["score"], d["answered"], d["verdict"], d["flag"])
            for d in context["dimensions"]
        ],
        widths=[55, 25, 25, 25, 40],
    )

    document.add_heading(_("Stärken und Lücken"), level=1)
    document.add_heading(_("Stärken"), level=2)
    _bullets(document, context["strengths"] or [_("Keine Stärke ab 75 Punkten.")])
    document.add_heading(_("Lücken"), level=2)
    _bullets(document, context["gaps"] or [_("Keine Lücke unter 50 Punkten.")])

    document.add_heading(_("Empfehlungen"), level=1)
    if not context["recommendations"]:
        document.add_paragraph(_("Für dieses Ergebnis gibt es keine besonderen Empfehlungen."))
    for entry in context["recommendations"]:
        document.add_heading(entry["title"], level=2)
        document.add_paragraph(entry["text"])
        details = []
        if entry["reason"]:
            details.append(_("Warum: %(reason)s") % {"reason": entry["reason"]})
        if entry["areas"]:
            details.append(_("Bereiche: %(areas)s") % {"areas": entry["areas"]})
        if details:
            document.add_paragraph(" · ".join(details))
        if entry["sources"]:
            document.add_paragraph(
                _("Quellen: %(sources)s") % {"sources": "; ".join(entry["sources"])}
            )

    document.add_heading(_("Vergleichswerte aus Studien"), level=1)
    if context["figures"]:
        _table(
            document,
            [
                _("Kennzahl"),
                _("Wert"),
                _("Gruppe"),
                _("Jahr"),
                _("Befragte (n)"),
                _("Ihre Antwort"),
            ],
            [
                (
                    f["label"]
                    + (" *" if f["inferred"] else "")
                    + "\n"
                    + _("Quelle: %(source)s") % {"source": f["source"]},
                    f["value"],
                    f["group"],
                    f["year"],
                    f["n"],
                    f["your_answer"],
                )
                for f in context["figures"]
            ],
        )
        if context["figures_inferred"]:
            document.add_paragraph(
                _("* Wert von uns einer Abbildung der Studie zugeordnet (siehe Methode).")
            )
    else:
        document.add_paragraph(_("Für dieses Ergebnis liegen keine Vergleichswerte vor."))

    peers = context["peers"]
    document.add_heading(_("Vergleich mit ähnlichen Kommunen"), level=1)
    document.add_paragraph(peers["note"])
    if peers["histogram"]:
        _table(
            document,
            [_("Gesamtwert (Punkte)"), _("Anzahl Kommunen"), _("Ihr Ergebnis")],
            [
                (bar["range"], bar["count"], _("hier") if bar["you"] else "")
                for bar in peers["histogram"]
            ],
        )

    if context["self_rating"]:
        document.add_heading(_("Selbsteinschätzung"), level=1)
        document.add_paragraph(context["self_rating"]["text"])
        document.add_paragraph(context["self_rating"]["facts"])

    document.add_heading(_("Ihre Antworten"), level=1)
    for group in context["answer_sections"]:
        document.add_heading(group["title"] or _("Weitere Fragen"), level=2)
        _table(
            document,
            [_("Frage"), _("Antwort")],
            [(row["question"], row["answer"]) for row in group["rows"]],
            widths=[95, 75],
        )

    document.add_heading(_("Quellen und Methode"), level=1)
    for text in context["method"]:
        document.add_paragraph(text)
    if context["sources"]:
        document.add_heading(_("Zitierte Studientexte"), level=2)
        _bullets(
            document,
            [
                f"{s['file']}: {_('Zeilen')} {s['lines']}" if s["lines"] else s["file"]
                for s in context["sources"]
            ],
        )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
