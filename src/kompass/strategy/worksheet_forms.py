"""Forms for the ten worksheets (Arbeitshilfen) of the BBSR guide, built from the shipped data.

Every :class:`~kompass.strategy.process.Worksheet` of ``process.load_all().worksheets`` names its
fields with a type (text, long_text, list, table, choice, scale, date, person, number; guide
lines 3148-3196 introduce the worksheets). This module turns them into

- :func:`clean_answers`: validation and normalisation of the answers as JSON (what a
  :class:`~kompass.strategy.models_worksheets.WorksheetEntry` or a project sketch stores),
  with German messages that name the field and, in tables, the row and the column;
- :class:`WorksheetForm`: a plain Django form for the same fields (tables as repeated rows
  with an "add rows" submit button that works without JavaScript, lists as one line each);
- the templates ``strategy/worksheets/_form_fields.html`` (renders a form) and
  ``strategy/worksheets/_answers.html`` (read-only answers; context ``worksheet``, ``answers``).

Stored shape of the answers (one key per top-level field, every field present):

=========== ====================================================================
type        value
=========== ====================================================================
text        ``str`` (``""`` when empty); also ``person`` and ``long_text``
list        ``list[str]`` without empty entries
choice      ``str`` option value (``""``) or, with ``multiple``, ``list[str]``
scale       ``int`` between the scale's bounds or ``None``
date        ISO date ``"2025-03-31"`` or ``None``
number      ``int`` or ``float`` or ``None``
table       ``list`` of row dicts keyed by column id; rows that are completely empty
            are dropped; tables with fixed rows keep every fixed row in the template's
            order and carry its id under :data:`ROW_KEY`
=========== ====================================================================
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kompass.strategy.process import Field, Worksheet

__all__ = [
    "ADD_ROW_NAME",
    "EXTRA_ROWS",
    "ROW_KEY",
    "WorksheetForm",
    "clean_answers",
    "empty_answers",
    "empty_value",
    "field_label",
    "is_empty",
]

#: Key of the fixed row's id in a row of a table with fixed rows (impact measurement).
ROW_KEY = "row"
#: Name of the submit button that asks for more rows (its value is the table's field id).
ADD_ROW_NAME = "zeilen_hinzufuegen"
#: Empty rows offered below the filled ones; the "add rows" button adds as many again.
EXTRA_ROWS = 3
#: Upper bounds that keep a single answer within reason.
MAX_TEXT = 500
MAX_LONG_TEXT = 20_000
MAX_LIST_ITEMS = 200
MAX_ROWS = 300

_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


# --------------------------------------------------------------------------- helpers


def field_label(field: Field) -> str:
    """The field's label for messages (long questions shortened at a word boundary)."""
    label = field.label
    if len(label) <= 90:
        return label
    return label[:87].rsplit(" ", 1)[0] + " …"


def empty_value(field: Field) -> Any:
    """The stored value of an unanswered field."""
    if field.type in ("text", "long_text", "person"):
        return ""
    if field.type == "choice":
        return [] if field.multiple else ""
    if field.type in ("list", "table"):
        if field.type == "table" and field.rows:
            return [_empty_fixed_row(field, row.id) for row in field.rows]
        return []
    return None


def _empty_fixed_row(field: Field, row_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {ROW_KEY: row_id}
    row.update({column.id: empty_value(column) for column in field.columns})
    return row


def empty_answers(worksheet: Worksheet) -> dict[str, Any]:
    """Answers with every field empty (a blank worksheet)."""
    return {f.id: empty_value(f) for f in worksheet.fields}


def is_empty(value: Any) -> bool:
    """True for an unanswered value (also a table whose rows are all empty)."""
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return all(
            all(is_empty(cell) for key, cell in row.items() if key != ROW_KEY) for row in value
        )
    return False


class _Problem(Exception):
    """One invalid value; the message says what is wrong, the caller says where."""


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise _Problem("Bitte Text eingeben.")
    text = str(value).replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise _Problem(f"Der Text ist länger als {limit} Zeichen ({len(text)}).")
    return text


def _list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise _Problem("Bitte eine Liste von Texten angeben (ein Eintrag je Zeile).")
    items: list[str] = []
    for index, item in enumerate(value, start=1):
        if item is None:
            continue
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise _Problem(f"Eintrag {index} ist kein Text.")
        text = " ".join(str(item).split())
        if len(text) > MAX_TEXT:
            raise _Problem(f"Eintrag {index} ist länger als {MAX_TEXT} Zeichen.")
        if text:
            items.append(text)
    if len(items) > MAX_LIST_ITEMS:
        raise _Problem(f"Höchstens {MAX_LIST_ITEMS} Einträge.")
    return items


def _choice(field: Field, value: Any) -> Any:
    allowed = {option.value: option.label for option in field.options}
    if field.multiple:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise _Problem("Bitte eine Liste von Auswahlwerten angeben.")
        chosen: list[str] = []
        for item in value:
            if item in (None, ""):
                continue
            if not isinstance(item, str) or item not in allowed:
                raise _Problem(f"„{item}“ ist keine erlaubte Auswahl.")
            if item not in chosen:
                chosen.append(item)
        order = list(allowed)
        return sorted(chosen, key=order.index)
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or value not in allowed:
        raise _Problem(f"„{value}“ ist keine erlaubte Auswahl.")
    return value


def _number(value: Any) -> int | float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Problem("Bitte eine Zahl eingeben.")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _Problem("Bitte eine endliche Zahl eingeben.")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u202f", "").replace("€", "")
        if "," in text:
            # German notation: 1.234,5 → 1234.5
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise _Problem(f"„{value}“ ist keine Zahl.") from None
    else:
        raise _Problem("Bitte eine Zahl eingeben.")
    if not number.is_finite():
        raise _Problem(f"„{value}“ ist keine Zahl.")
    if abs(number) >= Decimal(10) ** 15:
        raise _Problem("Die Zahl ist zu groß.")
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _scale(field: Field, value: Any) -> int | None:
    if value is None or value == "":
        return None
    scale = field.scale
    assert scale is not None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Problem(f"Bitte eine ganze Zahl von {scale.min} bis {scale.max} angeben.")
    if not scale.min <= value <= scale.max:
        raise _Problem(f"{value} liegt nicht zwischen {scale.min} und {scale.max}.")
    return value


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise _Problem("Bitte ein Datum angeben (JJJJ-MM-TT).")
    text = value.strip()
    match = _GERMAN_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise _Problem(f"„{value}“ ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ).") from None


def _value(field: Field, value: Any) -> Any:
    """One non-table value cleaned for ``field``; raises :class:`_Problem`."""
    kind = field.type
    if kind in ("text", "person"):
        text = _text(value, MAX_TEXT)
        return " ".join(text.split())
    if kind == "long_text":
        return _text(value, MAX_LONG_TEXT)
    if kind == "list":
        return _list(value)
    if kind == "choice":
        return _choice(field, value)
    if kind == "scale":
        return _scale(field, value)
    if kind == "date":
        return _date(value)
    if kind == "number":
        return _number(value)
    raise _Problem(f"Feldtyp {kind} wird nicht unterstützt.")  # pragma: no cover


@dataclass
class _Errors:
    """Messages by top-level field and, for the form, by (field, row index, column)."""

    by_field: dict[str, list[str]] = dc_field(default_factory=dict)
    by_cell: dict[tuple[str, int | None, str | None], list[str]] = dc_field(default_factory=dict)

    def add(self, field_id: str, message: str, row: int | None = None, col: str | None = None):
        self.by_field.setdefault(field_id, []).append(message)
        self.by_cell.setdefault((field_id, row, col), []).append(message)


def _row_name(field: Field, index: int, row_id: str | None) -> str:
    if row_id is not None:
        for row in field.rows:
            if row.id == row_id:
                return f"Zeile „{row.label}“"
    return f"Zeile {index + 1}"


def _table(field: Field, value: Any, errors: _Errors) -> list[dict[str, Any]]:
    label = field_label(field)
    if value is None or value == "":
        value = []
    if not isinstance(value, (list, tuple)):
        errors.add(field.id, f"{label}: Bitte eine Liste von Zeilen angeben.")
        return empty_value(field)
    if len(value) > MAX_ROWS:
        errors.add(field.id, f"{label}: Höchstens {MAX_ROWS} Zeilen.")
        return empty_value(field)
    columns = {column.id: column for column in field.columns}
    fixed = {row.id: row for row in field.rows}
    cleaned: list[dict[str, Any]] = []
    by_row: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(value):
        if raw is None:
            continue
        if not isinstance(raw, Mapping):
            errors.add(
                field.id, f"{label}, Zeile {index + 1}: Eine Zeile muss ein Objekt sein.", index
            )
            continue
        row_id: str | None = None
        if fixed:
            row_id = raw.get(ROW_KEY)
            if row_id is None and index < len(field.rows):
                row_id = field.rows[index].id
            if row_id not in fixed:
                errors.add(
                    field.id,
                    f"{label}, Zeile {index + 1}: "
                    f"Die Zeile „{row_id}“ gibt es in dieser Tabelle nicht.",
                    index,
                )
                continue
            if row_id in by_row:
                errors.add(
                    field.id,
                    f"{label}, {_row_name(field, index, row_id)}: Die Zeile kommt doppelt vor.",
                    index,
                )
                continue
        where = f"{label}, {_row_name(field, index, row_id)}"
        unknown = [k for k in raw if k not in columns and not (fixed and k == ROW_KEY)]
        for key in unknown:
            errors.add(field.id, f"{where}: Die Spalte „{key}“ gibt es nicht.", index)
        row: dict[str, Any] = {}
        for column in field.columns:
            try:
                row[column.id] = _value(column, raw.get(column.id))
            except _Problem as exc:
                errors.add(field.id, f"{where}, {column.label}: {exc}", index, column.id)
                row[column.id] = empty_value(column)
        if fixed:
            assert row_id is not None
            by_row[row_id] = {ROW_KEY: row_id, **row}
        elif not all(is_empty(cell) for cell in row.values()):
            cleaned.append(row)
    if fixed:
        return [by_row.get(row.id) or _empty_fixed_row(field, row.id) for row in field.rows]
    return cleaned


def _clean(
    worksheet: Worksheet, data: Mapping[str, Any], only: Iterable[str] | None
) -> tuple[dict[str, Any], _Errors]:
    errors = _Errors()
    known = {f.id: f for f in worksheet.fields}
    if only is None:
        selected = list(known)
    else:
        selected = []
        for field_id in only:
            if field_id not in known:
                errors.add(
                    field_id,
                    f"Das Feld „{field_id}“ gibt es in der Arbeitshilfe „{worksheet.title}“ nicht.",
                )
            elif field_id not in selected:
                selected.append(field_id)
    if not isinstance(data, Mapping):
        errors.add("__all__", "Die Antworten müssen ein Objekt (Feld: Wert) sein.")
        return {}, errors
    for key in data:
        if only is not None and key not in known and key in errors.by_field:
            continue  # already named as an unknown field of ``only``
        if key not in known:
            errors.add(
                str(key),
                f"Das Feld „{key}“ gibt es in der Arbeitshilfe „{worksheet.title}“ nicht.",
            )
        elif key not in selected:
            errors.add(
                str(key), f"{field_label(known[key])}: Dieses Feld ist hier nicht vorgesehen."
            )
    answers: dict[str, Any] = {}
    for field_id in selected:
        field = known[field_id]
        value = data.get(field_id)
        if field.type == "table":
            answers[field_id] = _table(field, value, errors)
            continue
        try:
            answers[field_id] = _value(field, value)
        except _Problem as exc:
            errors.add(field_id, f"{field_label(field)}: {exc}")
            answers[field_id] = empty_value(field)
    return answers, errors


def clean_answers(
    worksheet: Worksheet, data: Mapping[str, Any], *, only: Iterable[str] | None = None
) -> dict[str, Any]:
    """Validate and normalise the JSON answers ``data`` of ``worksheet``.

    Parameters
    ----------
    worksheet
        A worksheet of ``kompass.strategy.process.load_all().worksheets``.
    data
        Field id → value. Keys that are not fields of the worksheet (or not in ``only``) are
        refused; missing and empty values are allowed.
    only
        Restrict the answers to these top-level field ids (e.g. the part of the project sketch
        that is not stored in model columns).

    Returns
    -------
    dict
        Every selected field with its normalised value (see the module's table).

    Raises
    ------
    ValidationError
        With a dict field id → German messages, each naming the field's label and, in tables,
        the row and the column („Akteurinnen und Akteure, Zeile 3, Ring: „x“ ist keine erlaubte
        Auswahl.“).
    """
    answers, errors = _clean(worksheet, data, only)
    if errors.by_field:
        raise ValidationError(errors.by_field)
    return answers


# --------------------------------------------------------------------------- the form


class _Choices(forms.Field):
    """Several choices as a list; the engine checks them (so messages name row and column)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value]


class _ListText(forms.CharField):
    """A list as a textarea, one entry per line."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(str(v) for v in value)
        return value


def _choices(field: Field, *, blank: bool) -> list[tuple[str, str]]:
    choices = [(o.value, o.label) for o in field.options]
    return [("", "– bitte wählen –"), *choices] if blank else choices


def _scale_choices(field: Field) -> list[tuple[str, str]]:
    scale = field.scale
    assert scale is not None
    labels = dict(scale.labels)
    choices = [("", "– bitte wählen –")]
    for value in range(scale.min, scale.max + 1):
        text = f"{value} – {labels[value]}" if value in labels else str(value)
        choices.append((str(value), text))
    return choices


def _form_field(field: Field, *, in_table: bool) -> forms.Field:
    """The Django field of one worksheet field (or table cell); checks are the engine's."""
    common: dict[str, Any] = {
        "required": False,
        "label": field.label,
        "help_text": "" if in_table else field.help,
    }
    if field.type == "long_text":
        rows = 2 if in_table else 4
        return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), strip=False, **common)
    if field.type == "list":
        rows = 2 if in_table else 4
        if not in_table:
            common["help_text"] = " ".join(filter(None, [field.help, "Ein Eintrag je Zeile."]))
        return _ListText(widget=forms.Textarea(attrs={"rows": rows}), strip=False, **common)
    if field.type == "choice":
        if field.multiple:
            return _Choices(
                widget=forms.CheckboxSelectMultiple(choices=_choices(field, blank=False)), **common
            )
        return forms.CharField(widget=forms.Select(choices=_choices(field, blank=True)), **common)
    if field.type == "scale":
        return forms.CharField(widget=forms.Select(choices=_scale_choices(field)), **common)
    if field.type == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if field.type == "number":
        attrs = {"inputmode": "decimal", "size": 12}
        if field.unit:
            common["label"] = f"{field.label} ({field.unit})"
        return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    attrs = {"autocomplete": "name"} if field.type == "person" else {}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


@dataclass
class TableRowLayout:
    """One row of a table in the form: its number or fixed label and its cells."""

    number: int
    label: str
    group: str | None
    fixed_id: str | None
    cells: list[Any]


@dataclass
class ItemLayout:
    """A field or a table of the form, in the template's order."""

    field: Field
    bound: Any = None
    rows: list[TableRowLayout] = dc_field(default_factory=list)
    count_field: Any = None

    @property
    def is_table(self) -> bool:
        return self.field.type == "table"


@dataclass
class SectionLayout:
    id: str | None
    title: str
    items: list[ItemLayout]


class WorksheetForm(forms.Form):
    """A form with every field of ``worksheet`` (or only the fields in ``only``).

    Tables are rows of cells named ``<field>-<row>-<column>`` plus a hidden row count
    ``<field>-zeilen``; a submit button named :data:`ADD_ROW_NAME` with the table's id as value
    asks for :data:`EXTRA_ROWS` more rows (``add_rows_requested``; the view then shows the
    form again without saving). Lists are textareas with one entry per line.

    After :meth:`is_valid`, :attr:`cleaned_answers` is what :func:`clean_answers` returns for
    the posted values; its messages are attached to the cell or field they concern.
    """

    def __init__(
        self,
        worksheet: Worksheet,
        *,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
        only: Iterable[str] | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data=data, prefix=prefix)
        self.worksheet = worksheet
        known = [f.id for f in worksheet.fields]
        wanted = list(only) if only is not None else known
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise ValueError(f"Unknown fields of {worksheet.slug}: {unknown}")
        self.only = [f for f in known if f in wanted]
        self.cleaned_answers: dict[str, Any] = {}
        self.add_rows_requested: str | None = None
        answers = dict(initial or {})
        if data is not None:
            self.add_rows_requested = self._raw(ADD_ROW_NAME) or None
        self._row_counts: dict[str, int] = {}
        for field in self.fields_spec:
            if field.type != "table":
                self.fields[field.id] = _form_field(field, in_table=False)
                if field.id in answers:
                    self.initial[field.id] = self._initial_value(field, answers[field.id])
                continue
            count = self._row_count(field, answers.get(field.id))
            self._row_counts[field.id] = count
            self.fields[f"{field.id}-zeilen"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=count
            )
            rows = answers.get(field.id) or []
            if field.rows:
                by_id = {r.get(ROW_KEY): r for r in rows if isinstance(r, Mapping)}
                rows = [by_id.get(row.id, {}) for row in field.rows]
            for index in range(count):
                for column in field.columns:
                    name = self.cell_name(field, index, column)
                    form_field = _form_field(column, in_table=True)
                    form_field.label = column.label
                    self.fields[name] = form_field
                    if index < len(rows) and isinstance(rows[index], Mapping):
                        value = rows[index].get(column.id)
                        if value not in (None, "", []):
                            self.initial[name] = self._initial_value(column, value)

    # ----------------------------------------------------------------- structure

    @property
    def fields_spec(self) -> list[Field]:
        return [f for f in self.worksheet.fields if f.id in self.only]

    @staticmethod
    def cell_name(field: Field, index: int, column: Field) -> str:
        return f"{field.id}-{index}-{column.id}"

    @property
    def add_row_name(self) -> str:
        """Name of the "add rows" submit button (with the form's prefix)."""
        return self.add_prefix(ADD_ROW_NAME)

    def _raw(self, name: str) -> Any:
        assert self.data is not None
        return self.data.get(self.add_prefix(name))

    def _initial_value(self, field: Field, value: Any) -> Any:
        if field.type == "list" and isinstance(value, list):
            return "\n".join(str(v) for v in value)
        if field.type in ("number", "scale") and value is not None:
            return str(value).replace(".", ",") if field.type == "number" else str(value)
        return value

    def _row_count(self, field: Field, rows: Any) -> int:
        if field.rows:
            return len(field.rows)
        count = len(rows) + EXTRA_ROWS if isinstance(rows, list) else EXTRA_ROWS
        if self.is_bound:
            try:
                posted = int(self._raw(f"{field.id}-zeilen") or 0)
            except (TypeError, ValueError):
                posted = 0
            count = max(1, min(posted, MAX_ROWS)) if posted else EXTRA_ROWS
            if self.add_rows_requested == field.id:
                count = min(count + EXTRA_ROWS, MAX_ROWS)
        return count

    def layout(self) -> list[SectionLayout]:
        """Sections (fields without section first) with their fields and table rows."""
        sections = [SectionLayout(None, "", [])]
        by_section: dict[str | None, SectionLayout] = {None: sections[0]}
        for section in self.worksheet.sections:
            layout = SectionLayout(section.id, section.title, [])
            sections.append(layout)
            by_section[section.id] = layout
        for field in self.fields_spec:
            item = ItemLayout(field)
            if field.type == "table":
                item.count_field = self[f"{field.id}-zeilen"]
                for index in range(self._row_counts[field.id]):
                    fixed = field.rows[index] if field.rows else None
                    item.rows.append(
                        TableRowLayout(
                            number=index + 1,
                            label=fixed.label if fixed else f"Zeile {index + 1}",
                            group=fixed.group if fixed else None,
                            fixed_id=fixed.id if fixed else None,
                            cells=[self[self.cell_name(field, index, c)] for c in field.columns],
                        )
                    )
            else:
                item.bound = self[field.id]
            by_section.get(field.section, sections[0]).items.append(item)
        return [s for s in sections if s.items]

    # ----------------------------------------------------------------- cleaning

    def raw_answers(self) -> dict[str, Any]:
        """The posted values as the engine's input (table rows in posted order, empty kept)."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for field in self.fields_spec:
            if field.type != "table":
                answers[field.id] = data.get(field.id)
                continue
            rows = []
            for index in range(self._row_counts[field.id]):
                row: dict[str, Any] = {
                    c.id: data.get(self.cell_name(field, index, c)) for c in field.columns
                }
                if field.rows:
                    row[ROW_KEY] = field.rows[index].id
                rows.append(row)
            answers[field.id] = rows
        return answers

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        answers, errors = _clean(self.worksheet, self.raw_answers(), self.only)
        for (field_id, row, col), messages in errors.by_cell.items():
            field = next((f for f in self.fields_spec if f.id == field_id), None)
            if field is None:
                for message in messages:
                    self.add_error(None, message)
                continue
            if field.type == "table" and row is not None and col is not None:
                column = next(c for c in field.columns if c.id == col)
                name = self.cell_name(field, row, column)
            elif field.type == "table":
                for message in messages:
                    self.add_error(None, message)
                continue
            else:
                name = field_id
            for message in messages:
                self.add_error(name, message)
        self.cleaned_answers = answers if not errors.by_field else {}
        return data if data is not None else {}

    def error_summary(self) -> list[tuple[str, str]]:
        """(element id, message) of every error, for a list of links above the form."""
        summary: list[tuple[str, str]] = []
        if not self.is_bound:
            return summary
        for name, messages in self.errors.items():
            if name == "__all__":
                continue
            target = self[name].auto_id if name in self.fields else ""
            summary.extend((target, str(m)) for m in messages)
        return summary
