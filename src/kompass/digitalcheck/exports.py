"""Digitalcheck submissions as a survey dataset: a DataFrame, CSV, XLSX with codebook, SPSS.

One row per submission, one column per question (a multiple-choice question gets one 0/1
column per option), plus the submission's facts and its scores. The codes follow the usual
conventions of survey data, so that the survey engine, SPSS, R or Excel read the file alike:

=================  ==========================================================================
question type      column(s)
=================  ==========================================================================
single_choice      categorical of the option values; in SPSS the options are coded 1, 2, …
                   in questionnaire order, labelled with the option texts
multiple_choice    ``<item>__<option>``: 1 = chosen, 0 = not chosen
yes_no             1 = ja, 0 = nein, 8 = weiß nicht (declared missing in SPSS)
scale              the point of the scale (labelled where the questionnaire names it)
number             the number
text               the text
=================  ==========================================================================

Missing values carry a reason: ``-9`` (:data:`NO_ANSWER_CODE`) = "keine Angabe",
``-8`` (:data:`NOT_ASKED_CODE`) = not asked because of the skip logic, an empty cell = not
answered (a draft, or an optional question left open). In categorical columns the two reasons
appear as the values ``keine_angabe`` and ``nicht_gestellt``, in text columns as ``"-9"`` and
``"-8"``. The SPSS file declares them as user-missing values.

Column names are valid SPSS variable names (at most 64 characters, starting with a letter,
unique regardless of case, no reserved word): :func:`variables` derives them from the
definition, so the frame, the codebook and the SPSS file always agree.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pyreadstat
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kompass.analysis.digitalcheck import LEVELS
from kompass.analysis.municipality_types import TYPE_NAMES, TYPE_SLUGS
from kompass.core.models import Land, SizeClass
from kompass.questionnaires.definition import (
    NO_ANSWER,
    YES_NO_LABELS,
    Item,
    Questionnaire,
    clean_answer,
)

#: SPSS code and text value of "keine Angabe".
NO_ANSWER_CODE = -9
#: SPSS code of a question the skip logic did not ask.
NOT_ASKED_CODE = -8
#: The value of a categorical column for a question the skip logic did not ask.
NOT_ASKED = "nicht_gestellt"
#: Codes of yes/no questions.
YES_NO_CODES = {"yes": 1, "no": 0, "dont_know": 8}
#: Value that means "weiß nicht" in a choice question; declared missing like in yes/no items
#: (the scoring does not count it either, docs/data/digitalcheck.md).
DONT_KNOW = "dont_know"

#: Size classes from small to large (an ordinal variable).
SIZE_CLASS_ORDER = ("rural_municipality", "small_town", "medium_town", "large_city")
#: Reserved words that SPSS refuses as variable names.
SPSS_RESERVED = frozenset(
    {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
)
SPSS_NAME_BYTES = 64
SPSS_VARIABLE_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120
SPSS_FILE_LABEL_BYTES = 64
SPSS_NOTE_LINE_BYTES = 80
BERLIN = ZoneInfo("Europe/Berlin")

Code = int | float | str


@dataclass(frozen=True)
class Variable:
    """One column of the dataset with everything a codebook and SPSS need.

    Attributes
    ----------
    name
        Column name, a valid SPSS variable name.
    label
        German description: the question text (for an option column "question – option").
    kind
        ``single_choice``, ``option`` (a 0/1 column of a multiple-choice question),
        ``yes_no``, ``scale``, ``number``, ``text``, ``string``, ``datetime``, ``category``
        (a categorical fact such as the Land), ``integer``, ``score`` or ``level``.
    measure
        SPSS measurement level: ``nominal``, ``ordinal`` or ``scale``.
    item, option
        The question (and option) the column comes from; ``None`` for facts and scores.
    codes
        For categorical columns: ``(value in the frame, SPSS code)`` pairs.
    value_labels
        ``(code, German label)`` pairs, missing codes included.
    missing
        Codes declared as user-missing in SPSS.
    source
        Where the question comes from ("file, Zeilen a–b").
    spss_format
        SPSS print format (``F4.0``, ``F5.1`` …); ``""`` lets the writer choose.
    dtype
        The column's pandas dtype: ``category``, ``Int64``, ``Float64``, ``string`` or
        ``datetime``.
    dimension
        For score columns: the dimension id.
    """

    name: str
    label: str
    kind: str
    measure: str
    item: str | None = None
    option: str | None = None
    codes: tuple[tuple[str, int], ...] = ()
    value_labels: tuple[tuple[Code, str], ...] = ()
    missing: tuple[Code, ...] = ()
    source: str = ""
    spss_format: str = ""
    dtype: str = "Int64"
    dimension: str | None = None

    @property
    def categorical(self) -> bool:
        return bool(self.codes)


# --- Names ------------------------------------------------------------------------------------
def spss_name(wanted: str, taken: set[str]) -> str:
    """A valid SPSS variable name close to ``wanted`` that is not in ``taken`` (lower case).

    Notes
    -----
    SPSS names have at most 64 bytes, start with a letter, contain letters, digits, ``_``,
    ``.``, ``@``, ``#`` or ``$``, do not end with ``.`` or ``_`` and are no reserved word;
    SPSS compares them regardless of case. We keep ASCII letters, digits and ``_`` only.
    The chosen name is added to ``taken``.

    Examples
    --------
    >>> spss_name("1st_item_", set())
    'v1st_item'
    >>> taken = {"status"}
    >>> spss_name("status", taken), sorted(taken)
    ('status_2', ['status', 'status_2'])
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", wanted)
    if not name or not name[0].isalpha():
        name = "v" + name
    name = name[:SPSS_NAME_BYTES].rstrip("_") or "v"
    if name.lower() in SPSS_RESERVED:
        name = name + "_v"
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f"_{number}"
        candidate = name[: SPSS_NAME_BYTES - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes at a character boundary, with "…"."""
    if len(text.encode()) <= limit:
        return text
    ellipsis = "…"
    budget = limit - len(ellipsis.encode())
    cut = text.encode()[:budget].decode("utf-8", errors="ignore").rstrip()
    return cut + ellipsis


# --- Variables --------------------------------------------------------------------------------
def _missing_labels() -> tuple[tuple[Code, str], ...]:
    return (
        (NO_ANSWER_CODE, _("keine Angabe")),
        (NOT_ASKED_CODE, _("nicht gestellt (Filterführung)")),
    )


def _source_label(definition: Questionnaire, item: Item) -> str:
    try:
        file = definition.source(item.source.doc).file
    except KeyError:
        file = item.source.doc
    first, last = item.source.lines
    return _("%(file)s, Zeilen %(first)s–%(last)s") % {"file": file, "first": first, "last": last}


def _number_codes_fit(item: Item) -> bool:
    """Whether -9 and -8 lie outside the allowed range of a number item."""
    assert item.number is not None
    low = item.number.min
    return low is not None and low > NOT_ASKED_CODE


def _item_variables(definition: Questionnaire, item: Item, taken: set[str]) -> list[Variable]:
    source = _source_label(definition, item)
    missing_labels = _missing_labels()
    missing = (NO_ANSWER_CODE, NOT_ASKED_CODE)
    if item.type == "single_choice":
        codes = tuple((option.value, index) for index, option in enumerate(item.options, 1))
        labels = tuple((index, option.label) for index, option in enumerate(item.options, 1))
        dont_know = tuple(code for value, code in codes if value == DONT_KNOW)
        return [
            Variable(
                spss_name(item.id, taken),
                item.text,
                "single_choice",
                "nominal",
                item=item.id,
                codes=(*codes, (NO_ANSWER, NO_ANSWER_CODE), (NOT_ASKED, NOT_ASKED_CODE)),
                value_labels=labels + missing_labels,
                missing=missing + dont_know,
                source=source,
                spss_format="F3.0",
                dtype="category",
            )
        ]
    if item.type == "multiple_choice":
        return [
            Variable(
                spss_name(f"{item.id}__{option.value}", taken),
                f"{item.text} – {option.label}",
                "option",
                "nominal",
                item=item.id,
                option=option.value,
                value_labels=((1, _("gewählt")), (0, _("nicht gewählt")), *missing_labels),
                missing=missing,
                source=source,
                spss_format="F3.0",
            )
            for option in item.options
        ]
    if item.type == "yes_no":
        labels = tuple((YES_NO_CODES[value], YES_NO_LABELS[value]) for value in YES_NO_CODES)
        return [
            Variable(
                spss_name(item.id, taken),
                item.text,
                "yes_no",
                "nominal",
                item=item.id,
                value_labels=labels + missing_labels,
                missing=(*missing, YES_NO_CODES[DONT_KNOW]),
                source=source,
                spss_format="F3.0",
            )
        ]
    if item.type == "scale":
        assert item.scale is not None
        return [
            Variable(
                spss_name(item.id, taken),
                item.text,
                "scale",
                "ordinal",
                item=item.id,
                value_labels=tuple(item.scale.labels) + missing_labels,
                missing=missing,
                source=source,
                spss_format="F3.0",
            )
        ]
    if item.type == "number":
        assert item.number is not None
        unit = f" ({item.number.unit})" if item.number.unit else ""
        fits = _number_codes_fit(item)
        return [
            Variable(
                spss_name(item.id, taken),
                item.text + unit,
                "number",
                "scale",
                item=item.id,
                value_labels=missing_labels if fits else (),
                missing=missing if fits else (),
                source=source,
                spss_format="F12.0" if item.number.integer else "F12.2",
                dtype="Int64" if item.number.integer else "Float64",
            )
        ]
    return [
        Variable(
            spss_name(item.id, taken),
            item.text,
            "text",
            "nominal",
            item=item.id,
            value_labels=tuple((str(code), label) for code, label in missing_labels),
            missing=(str(NO_ANSWER_CODE), str(NOT_ASKED_CODE)),
            source=source,
            dtype="string",
        )
    ]


def variables(definition: Questionnaire) -> list[Variable]:
    """The columns of :func:`submissions_frame` for ``definition``, in order.

    Parameters
    ----------
    definition
        The questionnaire version the submissions answer.

    Returns
    -------
    list of Variable
        Facts of the submission (``id``, ``created_at``, ``municipality``, ``ags``, ``land``,
        ``population``, ``size_class``, ``status``), one or more columns per question in
        questionnaire order, ``score_<dimension>`` per dimension, ``level`` and ``type``.
    """
    taken: set[str] = set()

    def name(wanted: str) -> str:
        return spss_name(wanted, taken)

    lands = tuple((land.value, index) for index, land in enumerate(Land, 1))
    sizes = tuple((slug, index) for index, slug in enumerate(SIZE_CLASS_ORDER, 1))
    size_labels = dict(SizeClass.choices)
    result = [
        Variable(name("id"), _("Kennung der Einreichung"), "string", "nominal", dtype="string"),
        Variable(
            name("created_at"),
            _("Zeitpunkt der Einreichung"),
            "datetime",
            "scale",
            dtype="datetime",
        ),
        Variable(
            name("municipality"),
            _("Kommune (leer bei anonymer Teilnahme)"),
            "string",
            "nominal",
            dtype="string",
        ),
        Variable(
            name("ags"),
            _("Amtlicher Gemeindeschlüssel (AGS)"),
            "string",
            "nominal",
            dtype="string",
        ),
        Variable(
            name("land"),
            _("Land (Code = Landesnummer im AGS)"),
            "category",
            "nominal",
            codes=lands,
            value_labels=tuple((index, land.label) for index, land in enumerate(Land, 1)),
            spss_format="F3.0",
            dtype="category",
        ),
        Variable(name("population"), _("Einwohnerzahl"), "integer", "scale", spss_format="F10.0"),
        Variable(
            name("size_class"),
            _("Größenklasse nach Einwohnern (BBSR)"),
            "category",
            "ordinal",
            codes=sizes,
            value_labels=tuple((code, str(size_labels[slug])) for slug, code in sizes),
            spss_format="F3.0",
            dtype="category",
        ),
        Variable(name("status"), _("Status der Einreichung"), "string", "nominal", dtype="string"),
    ]
    for item in definition.items:
        result.extend(_item_variables(definition, item, taken))
    for dimension in definition.dimensions:
        result.append(
            Variable(
                name(f"score_{dimension.id}"),
                _("Punkte im Bereich %(title)s (0–100)") % {"title": dimension.title},
                "score",
                "scale",
                spss_format="F5.1",
                dtype="Float64",
                dimension=dimension.id,
            )
        )
    result.append(
        Variable(
            name("level"),
            _("Reifegrad (1–5)"),
            "level",
            "ordinal",
            value_labels=tuple((number, title) for number, title, _text in LEVELS),
            spss_format="F3.0",
        )
    )
    result.append(
        Variable(
            name("type"),
            _("Kommunentyp nach der Studie Stadt.Land.Digital 2017"),
            "category",
            "nominal",
            codes=tuple((slug, index) for index, slug in enumerate(TYPE_SLUGS, 1)),
            value_labels=tuple(
                (index, TYPE_NAMES[slug]) for index, slug in enumerate(TYPE_SLUGS, 1)
            ),
            spss_format="F3.0",
            dtype="category",
        )
    )
    return result


# --- The frame --------------------------------------------------------------------------------
def _row_error(row: Mapping[str, Any], field: str, problem: str) -> ValueError:
    return ValueError(
        _("Einreichung %(id)s, Feld „%(field)s“: %(problem)s")
        % {"id": row.get("id", "?"), "field": field, "problem": problem}
    )


def _timestamp(row: Mapping[str, Any]) -> pd.Timestamp | None:
    value = row.get("created_at")
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise _row_error(row, "created_at", _("kein Zeitpunkt (ISO 8601 erwartet).")) from error
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(BERLIN)
    return stamp.tz_convert(BERLIN)


def _item_cells(
    row: Mapping[str, Any], item: Item, columns: Sequence[Variable], visible: bool
) -> dict[str, Any]:
    """The cells of one question for one submission."""
    answers: Mapping[str, Any] = row.get("answers") or {}
    value = answers.get(item.id)
    if value is not None and value != NO_ANSWER:
        _cleaned, problem = clean_answer(item, value)
        if problem:
            raise _row_error(row, item.id, problem)
    if item.type == "multiple_choice":
        if not visible:
            return {c.name: NOT_ASKED_CODE for c in columns}
        if value is None:
            return {c.name: None for c in columns}
        if value == NO_ANSWER or value == [NO_ANSWER]:
            return {c.name: NO_ANSWER_CODE for c in columns}
        return {c.name: int(c.option in value) for c in columns}
    (column,) = columns
    if item.type == "single_choice":
        cell: Any = NOT_ASKED if not visible else value
    elif item.type == "text":
        if not visible:
            cell = str(NOT_ASKED_CODE)
        else:
            cell = str(NO_ANSWER_CODE) if value == NO_ANSWER else value
    elif not visible:
        cell = NOT_ASKED_CODE if column.missing or item.type != "number" else None
    elif value == NO_ANSWER:
        cell = NO_ANSWER_CODE if column.missing or item.type != "number" else None
    elif item.type == "yes_no" and value is not None:
        cell = YES_NO_CODES[value]
    else:
        cell = value
    return {column.name: cell}


def submissions_frame(definition: Questionnaire, rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The submissions of one questionnaire version as a survey dataset.

    Parameters
    ----------
    definition
        The questionnaire version the submissions answer.
    rows
        One mapping per submission: ``id``, ``created_at`` (ISO 8601 text or datetime),
        ``municipality`` (name or ``None``), ``ags`` (or ``None``), ``land`` (ISO code such as
        ``"NW"`` or ``None``), ``population``, ``size_class``, ``status``, ``answers``
        (``{item_id: value}`` as stored), ``scores`` (``{dimension: score or None}``),
        ``level`` (1-5 or ``None``) and ``type`` (type slug or ``None``).

    Returns
    -------
    pandas.DataFrame
        One row per submission, columns as :func:`variables` lists them: categorical
        columns for single-choice questions and the Land, size class and type; nullable
        integers for codes, scales and counts; floats for scores; text as strings;
        ``created_at`` as a time zone aware timestamp (Europe/Berlin). See the module
        docstring for the codes.

    Raises
    ------
    ValueError
        A German message naming the submission, the field and the problem, for an unknown
        question or dimension, an answer the questionnaire does not allow, an unknown Land,
        size class or type.
    """
    columns = variables(definition)
    by_item: dict[str, list[Variable]] = {}
    for variable in columns:
        if variable.item is not None:
            by_item.setdefault(variable.item, []).append(variable)
    scores = {v.dimension: v for v in columns if v.dimension is not None}
    level, type_ = columns[-2], columns[-1]
    records: list[dict[str, Any]] = []
    for row in rows:
        answers = row.get("answers") or {}
        if not isinstance(answers, Mapping):
            raise _row_error(row, "answers", _("Die Antworten müssen ein Objekt sein."))
        for key in answers:
            if not definition.has_item(key):
                raise _row_error(row, key, _("Unbekannte Frage „%(item)s“.") % {"item": key})
        # The facts come first, so their names are never changed by spss_name.
        record: dict[str, Any] = {
            "id": None if row.get("id") is None else str(row["id"]),
            "created_at": _timestamp(row),
            "municipality": row.get("municipality") or None,
            "ags": row.get("ags") or None,
            "land": row.get("land") or None,
            "population": row.get("population"),
            "size_class": row.get("size_class") or None,
            "status": row.get("status"),
        }
        visibility = definition.visibility(answers)
        for item in definition.items:
            record.update(_item_cells(row, item, by_item[item.id], visibility[item.id]))
        row_scores = row.get("scores") or {}
        for dimension in row_scores:
            if dimension not in scores:
                raise _row_error(
                    row, "scores", _("Unbekannte Dimension „%(id)s“.") % {"id": dimension}
                )
        for dimension, variable in scores.items():
            score = row_scores.get(dimension)
            record[variable.name] = None if score is None else float(score)
        record[level.name] = row.get("level")
        record[type_.name] = row.get("type") or None
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[v.name for v in columns])
    for variable in columns:
        frame[variable.name] = _typed(frame[variable.name], variable)
    return frame


def _typed(series: pd.Series, variable: Variable) -> pd.Series:
    """``series`` with the dtype ``variable`` asks for; unknown categories are an error."""
    if variable.dtype == "category":
        values = [value for value, _code in variable.codes]
        unknown = sorted({str(v) for v in series.dropna() if v not in values})
        if unknown:
            raise ValueError(
                _("Spalte „%(column)s“: unbekannter Wert „%(value)s“. Erlaubt: %(allowed)s.")
                % {"column": variable.name, "value": unknown[0], "allowed": ", ".join(values)}
            )
        return pd.Series(pd.Categorical(series, categories=values), index=series.index)
    if variable.dtype == "datetime":
        return pd.to_datetime(series, utc=True).dt.tz_convert(BERLIN)
    if variable.dtype == "string":
        return series.astype("string")
    return pd.to_numeric(series, errors="raise").astype(variable.dtype)


# --- Codebook ---------------------------------------------------------------------------------
def _kind_label(variable: Variable) -> str:
    return {
        "single_choice": _("Einfachauswahl"),
        "option": _("Mehrfachauswahl (eine Option)"),
        "yes_no": _("Ja/Nein"),
        "scale": _("Skala"),
        "number": _("Zahl"),
        "text": _("Freitext"),
        "string": _("Text"),
        "datetime": _("Zeitpunkt"),
        "category": _("Kategorie"),
        "integer": _("ganze Zahl"),
        "score": _("Punktwert"),
        "level": _("Reifegrad"),
    }.get(variable.kind, variable.kind)


def _measure_label(measure: str) -> str:
    return {"nominal": _("nominal"), "ordinal": _("ordinal"), "scale": _("metrisch")}.get(
        measure, measure
    )


def codebook(frame: pd.DataFrame, definition: Questionnaire) -> list[dict[str, Any]]:
    """The codebook of a :func:`submissions_frame`: one row per variable and value.

    Returns
    -------
    list of dict
        Keys ``variable``, ``label``, ``type``, ``measure``, ``value`` (as in CSV and XLSX),
        ``code`` (as in SPSS), ``value_label``, ``missing`` ("ja" for declared missing values)
        and ``source``. A variable without value labels has one row with empty value fields.
        Columns of ``frame`` unknown to the definition are listed with their name only.
    """
    known = {v.name: v for v in variables(definition)}
    rows: list[dict[str, Any]] = []
    for name in frame.columns:
        variable = known.get(str(name), Variable(str(name), "", "unknown", "nominal"))
        base = {
            "variable": variable.name,
            "label": variable.label,
            "type": _kind_label(variable),
            "measure": _measure_label(variable.measure),
            "source": variable.source,
        }
        by_code = {code: value for value, code in variable.codes}
        if not variable.value_labels:
            note = ""
            if variable.kind == "number" and not variable.missing:
                note = _("keine Angabe und nicht gestellt: leere Zelle")
            rows.append({**base, "value": "", "code": "", "value_label": note, "missing": ""})
        for code, label in variable.value_labels:
            value = by_code.get(code, code) if isinstance(code, int) else code
            rows.append(
                {
                    **base,
                    "value": value,
                    "code": code,
                    "value_label": label,
                    "missing": _("ja") if code in variable.missing else "",
                }
            )
    return rows


# --- Files ------------------------------------------------------------------------------------
_FORMULA_START = re.compile(r"^[=+@\t\r]|^-(?!\d+(?:[.,]\d+)?$)")


def _plain_cell(value: Any) -> Any:
    """A frame cell as a plain Python value for CSV/XLSX (``None`` for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _csv_text(value: Any, *, decimal: str, guard: bool) -> str:
    value = _plain_cell(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", decimal) if decimal != "." else text
    text = str(value)
    if guard and isinstance(value, str) and _FORMULA_START.match(text):
        return "'" + text  # keeps a free-text answer from running as an Excel formula
    return text


def to_csv(frame: pd.DataFrame, excel: bool = False) -> bytes:
    """The frame as CSV (UTF-8, comma, decimal point; one header row of variable names).

    ``excel=True`` writes what German Excel opens directly: semicolons, decimal commas, a
    byte order mark, CRLF line ends, and texts that Excel would run as a formula prefixed
    with an apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=";" if excel else ",",
        lineterminator="\r\n" if excel else "\n",
    )
    writer.writerow([str(name) for name in frame.columns])
    decimal = "," if excel else "."
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_text(value, decimal=decimal, guard=excel) for value in row])
    return (("\ufeff" if excel else "") + buffer.getvalue()).encode("utf-8")


def _excel_cell(value: Any) -> Any:
    value = _plain_cell(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(BERLIN).replace(tzinfo=None)
    return value


def _autosize(sheet: Any, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(8, min(60, width + 2))


def to_xlsx(frame: pd.DataFrame, definition: Questionnaire) -> bytes:
    """The frame as an Excel workbook: sheet "Daten" and sheet "Codebuch".

    "Daten" has one header row (variable names) and one row per submission; "Codebuch" one
    row per variable and value (:func:`codebook`) with German headings. Texts are always
    stored as text, never as formulas.
    """
    workbook = Workbook()
    data = workbook.active
    data.title = _("Daten")
    data.append([str(name) for name in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        data.append([_excel_cell(value) for value in row])
        for cell in data[data.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text answer, not a formula
            elif isinstance(cell.value, datetime):
                cell.number_format = "DD.MM.YYYY HH:MM"
    for cell in data[1]:
        cell.font = Font(bold=True)
    data.freeze_panes = "A2"
    data.auto_filter.ref = data.dimensions
    _autosize(data, [len(str(name)) for name in frame.columns])

    book = workbook.create_sheet(_("Codebuch"))
    headings = [
        ("variable", _("Variable")),
        ("label", _("Frage oder Beschreibung")),
        ("type", _("Typ")),
        ("measure", _("Skalenniveau")),
        ("value", _("Wert in CSV/XLSX")),
        ("code", _("Code (SPSS)")),
        ("value_label", _("Bedeutung")),
        ("missing", _("fehlender Wert")),
        ("source", _("Quelle")),
    ]
    book.append([heading for _key, heading in headings])
    for entry in codebook(frame, definition):
        book.append([entry[key] for key, _heading in headings])
        for cell in book[book.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for cell in book[1]:
        cell.font = Font(bold=True)
    book.freeze_panes = "A2"
    book.auto_filter.ref = book.dimensions
    _autosize(book, [14, 60, 16, 12, 18, 10, 40, 10, 30])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _spss_column(series: pd.Series, variable: Variable) -> pd.Series:
    if variable.categorical:
        codes = dict(variable.codes)
        return series.astype("object").map(lambda v: codes.get(v, math.nan)).astype("float64")
    if variable.kind == "datetime" or pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            return series.dt.tz_convert(BERLIN).dt.tz_localize(None)
        return series
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype("Float64").astype("float64")
    return series.astype("object").map(lambda v: "" if _plain_cell(v) is None else str(v))


def to_sav(frame: pd.DataFrame, definition: Questionnaire) -> bytes:
    """The frame as an SPSS ``.sav`` file (pyreadstat).

    Variable labels are the question texts (cut to SPSS's 256 bytes), value labels name every
    code (cut to 120 bytes), the codes -9, -8 and "weiß nicht" are declared user-missing, and
    each variable has its measurement level and print format. Categorical columns become
    their numeric codes; time stamps are written in German local time.
    """
    known = {v.name: v for v in variables(definition)}
    columns: dict[str, pd.Series] = {}
    labels: dict[str, str | None] = {}
    value_labels: dict[str, dict[Code, str]] = {}
    missing: dict[str, list[Code]] = {}
    measure: dict[str, str] = {}
    formats: dict[str, str] = {}
    for name in frame.columns:
        variable = known.get(str(name), Variable(str(name), "", "unknown", "nominal"))
        column = _spss_column(frame[name], variable)
        columns[str(name)] = column
        labels[str(name)] = _truncate(variable.label, SPSS_VARIABLE_LABEL_BYTES) or None
        if variable.value_labels and column.dtype == "float64":
            value_labels[str(name)] = {
                float(code): _truncate(label, SPSS_VALUE_LABEL_BYTES)
                for code, label in variable.value_labels
            }
        elif variable.value_labels:
            value_labels[str(name)] = {
                str(code): _truncate(label, SPSS_VALUE_LABEL_BYTES)
                for code, label in variable.value_labels
            }
        if variable.missing:
            missing[str(name)] = list(variable.missing)
        if variable.kind != "unknown":
            measure[str(name)] = variable.measure
        if variable.spss_format and column.dtype == "float64":
            formats[str(name)] = variable.spss_format
    spss = pd.DataFrame(columns, index=frame.index)
    title = f"{definition.title}, Version {definition.version}"
    notes = [  # SPSS keeps documents as lines of at most 80 bytes
        _truncate(_("Kommunalkompass: %(title)s") % {"title": title}, SPSS_NOTE_LINE_BYTES),
        _("Codes: -9 = keine Angabe, -8 = nicht gestellt (Filterführung),"),
        _("8 = weiß nicht (Ja/Nein-Fragen); leer = nicht beantwortet."),
    ]
    with tempfile.TemporaryDirectory(prefix="kompass-sav-") as directory:
        path = Path(directory) / "digitalcheck.sav"
        pyreadstat.write_sav(
            spss,
            str(path),
            file_label=_truncate(title, SPSS_FILE_LABEL_BYTES),
            column_labels=labels,
            note=notes,
            variable_value_labels=value_labels,  # type: ignore[arg-type]
            missing_ranges=missing,  # type: ignore[arg-type]
            variable_measure=measure,
            variable_format=formats,
        )
        return path.read_bytes()
