"""Questionnaire definitions and answers: parsing, validation, skip logic, serialisation.

Pure Python (no Django import), so that analysis code, importers and the Django app share one
reading of the file format and answer contract described in ``docs/questionnaires.md``.

The three entry points for features that ask questions:

- :func:`load_definition` reads and checks one definition file (YAML text, a path, or the
  canonical mapping stored in the database) and returns a frozen :class:`Questionnaire`;
- :func:`validate_answers` checks an answers mapping ``{item_id: value}`` against it and returns
  the cleaned answers and every error at once;
- :meth:`Questionnaire.to_json` gives the definition as the API shows it.

German texts here are plain strings (no gettext: this module must not import Django); the form
layer in :mod:`kompass.questionnaires.forms` translates its own labels.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import nh3
import yaml

#: The answer "keine Angabe" (no statement); valid for every item type.
NO_ANSWER = "keine_angabe"
NO_ANSWER_LABEL = "keine Angabe"
ITEM_TYPES = ("single_choice", "multiple_choice", "scale", "number", "yes_no", "text")
CHOICE_TYPES = ("single_choice", "multiple_choice")
YES_NO_VALUES = ("yes", "no", "dont_know")
YES_NO_LABELS = {"yes": "Ja", "no": "Nein", "dont_know": "Weiß nicht"}
DEFAULT_MAX_LENGTH = 2000
REQUIRED_MESSAGE = "Bitte beantworten Sie diese Pflichtfrage (auch „keine Angabe“ ist möglich)."

SLUG_RE = re.compile(r"^[a-z0-9_-]+$")
ID_RE = re.compile(r"^[a-z0-9_]+$")

_TOP_KEYS = {
    "slug",
    "version",
    "title",
    "description",
    "estimated_minutes",
    "sources",
    "dimensions",
    "sections",
}
_SOURCE_DOC_KEYS = {"file", "date", "title", "note"}
_DIMENSION_KEYS = {"id", "title", "description"}
_SECTION_KEYS = {"id", "title", "description", "items"}
_ITEM_KEYS = {
    "id",
    "type",
    "text",
    "help",
    "required",
    "options",
    "exclusive",
    "max_choices",
    "scale",
    "number",
    "max_length",
    "show_if",
    "scoring",
    "source",
}
#: Keys allowed only for some item types (key -> types).
_TYPE_KEYS = {
    "options": CHOICE_TYPES,
    "exclusive": ("multiple_choice",),
    "max_choices": ("multiple_choice",),
    "scale": ("scale",),
    "number": ("number",),
    "max_length": ("text",),
}
_REQUIRED_TYPE_KEYS = {
    "single_choice": "options",
    "multiple_choice": "options",
    "scale": "scale",
    "number": "number",
}
_CONDITION_OPS = ("in", "equals", "gte", "lte")
_COMPOUND_OPS = ("all", "any")


# --- Errors -----------------------------------------------------------------------------------
class DefinitionError(ValueError):
    """A definition file breaks the contract. ``errors`` lists every problem found (German,
    each naming the item or section and the field); ``origin`` names the file."""

    def __init__(self, errors: Sequence[str], *, origin: str = "") -> None:
        self.errors = list(errors)
        self.origin = origin
        prefix = f"{origin}: " if origin else ""
        if len(self.errors) == 1:
            message = prefix + self.errors[0]
        else:
            lines = "\n".join(f"- {error}" for error in self.errors)
            message = f"{prefix}{len(self.errors)} Fehler in der Fragebogendatei:\n{lines}"
        super().__init__(message)


class AnswerError(NamedTuple):
    """One problem with one answer: the item's id and a German message."""

    item_id: str
    message: str


# --- The definition ---------------------------------------------------------------------------
Number = int | float


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Scale:
    """A rating scale from ``min`` to ``max`` (integers); ``labels`` name some points."""

    min: int
    max: int
    labels: tuple[tuple[int, str], ...] = ()

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)

    def label(self, point: int) -> str:
        return dict(self.labels).get(point, "")


@dataclass(frozen=True)
class NumberRange:
    """Bounds of a number item; ``integer`` demands whole numbers."""

    min: Number | None = None
    max: Number | None = None
    integer: bool = False
    unit: str = ""


@dataclass(frozen=True)
class SourceDocument:
    key: str
    file: str
    date: str = ""
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class SourceRef:
    """Where an item comes from: a document key of ``Questionnaire.sources`` and its lines."""

    doc: str
    lines: tuple[int, int]


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Condition:
    """Skip logic (``show_if``). A leaf compares one earlier item's answer (``op`` is ``in``,
    ``equals``, ``gte`` or ``lte``); ``all``/``any`` combine ``parts``.

    A leaf holds only for an item that is answered (not missing, not hidden, not
    ``keine_angabe`` unless ``keine_angabe`` is one of the listed values). For a
    multiple-choice item, ``in``/``equals`` hold when any chosen option is listed.
    """

    op: str
    item: str = ""
    values: tuple[str | Number, ...] = ()
    bound: Number | None = None
    parts: tuple[Condition, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every item the condition looks at, in order, once each."""
        if self.op in _COMPOUND_OPS:
            seen: dict[str, None] = {}
            for part in self.parts:
                seen.update(dict.fromkeys(part.item_ids))
            return tuple(seen)
        return (self.item,)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds for (cleaned, visible-only) ``answers``."""
        if self.op == "all":
            return all(part.holds(answers) for part in self.parts)
        if self.op == "any":
            return any(part.holds(answers) for part in self.parts)
        value = answers.get(self.item)
        if value is None:
            return False
        if self.op in ("in", "equals"):
            if isinstance(value, list):
                return any(_same(v, w) for v in value for w in self.values)
            return any(_same(value, w) for w in self.values)
        if not _is_number(value) or self.bound is None:
            return False
        return bool(value >= self.bound if self.op == "gte" else value <= self.bound)

    def to_dict(self) -> dict[str, Any]:
        if self.op in _COMPOUND_OPS:
            return {self.op: [part.to_dict() for part in self.parts]}
        if self.op == "in":
            return {"item": self.item, "in": list(self.values)}
        if self.op == "equals":
            return {"item": self.item, "equals": self.values[0]}
        return {"item": self.item, self.op: self.bound}


@dataclass(frozen=True)
class Item:
    """One question. ``section`` is the id of its section; ``max_length`` is set for text
    items only (default 2000)."""

    id: str
    type: str
    text: str
    section: str
    source: SourceRef
    help: str = ""
    required: bool = False
    options: tuple[Option, ...] = ()
    exclusive: tuple[str, ...] = ()
    max_choices: int | None = None
    scale: Scale | None = None
    number: NumberRange | None = None
    max_length: int | None = None
    show_if: Condition | None = None
    scoring: Mapping[str, Any] | None = field(default=None, hash=False)

    @property
    def option_values(self) -> tuple[str, ...]:
        """The allowed values of a choice or yes/no item (without ``keine_angabe``)."""
        if self.type == "yes_no":
            return YES_NO_VALUES
        return tuple(option.value for option in self.options)

    @property
    def choices(self) -> tuple[Option, ...]:
        """Options to show: the defined ones, or Ja/Nein/Weiß nicht for yes/no items."""
        if self.type == "yes_no":
            return tuple(Option(value, YES_NO_LABELS[value]) for value in YES_NO_VALUES)
        return self.options

    def to_dict(self) -> dict[str, Any]:
        """The canonical form (YAML shape, defaults left out)."""
        data: dict[str, Any] = {"id": self.id, "type": self.type, "text": self.text}
        if self.help:
            data["help"] = self.help
        if self.required:
            data["required"] = True
        if self.options:
            data["options"] = [{"value": o.value, "label": o.label} for o in self.options]
        if self.exclusive:
            data["exclusive"] = list(self.exclusive)
        if self.max_choices is not None:
            data["max_choices"] = self.max_choices
        if self.scale is not None:
            scale: dict[str, Any] = {"min": self.scale.min, "max": self.scale.max}
            if self.scale.labels:
                scale["labels"] = {str(point): label for point, label in self.scale.labels}
            data["scale"] = scale
        if self.number is not None:
            number: dict[str, Any] = {}
            if self.number.min is not None:
                number["min"] = self.number.min
            if self.number.max is not None:
                number["max"] = self.number.max
            if self.number.integer:
                number["integer"] = True
            if self.number.unit:
                number["unit"] = self.number.unit
            data["number"] = number
        if self.type == "text" and self.max_length != DEFAULT_MAX_LENGTH:
            data["max_length"] = self.max_length
        if self.show_if is not None:
            data["show_if"] = self.show_if.to_dict()
        if self.scoring is not None:
            data["scoring"] = _plain_json(self.scoring)
        data["source"] = {"doc": self.source.doc, "lines": list(self.source.lines)}
        return data


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class Questionnaire:
    """One immutable version of a questionnaire (one definition file)."""

    slug: str
    version: int
    title: str
    sections: tuple[Section, ...]
    sources: tuple[SourceDocument, ...]
    description: str = ""
    estimated_minutes: int | None = None
    dimensions: tuple[Dimension, ...] = ()

    @cached_property
    def items(self) -> tuple[Item, ...]:
        """Every item in order (sections in order, items in order)."""
        return tuple(item for section in self.sections for item in section.items)

    @cached_property
    def _by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        """The item ``item_id``; ``KeyError`` if there is none."""
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"Unbekannte Frage „{item_id}“.") from None

    def has_item(self, item_id: str) -> bool:
        return item_id in self._by_id

    def section(self, section_id: str) -> Section:
        """The section ``section_id``; ``KeyError`` if there is none."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"Unbekannter Abschnitt „{section_id}“.")

    def source(self, key: str) -> SourceDocument:
        for document in self.sources:
            if document.key == key:
                return document
        raise KeyError(f"Unbekannte Quelle „{key}“.")

    def visibility(self, answers: Mapping[str, Any]) -> dict[str, bool]:
        """Which items are asked, given (cleaned) ``answers``: ``{item_id: visible}``.

        Skip logic cascades: an answer to a hidden item counts as no answer, so items that
        depend on it are hidden as well.
        """
        shown: dict[str, Any] = {}
        result: dict[str, bool] = {}
        for item in self.items:
            visible = item.show_if is None or item.show_if.holds(shown)
            result[item.id] = visible
            if visible and item.id in answers:
                shown[item.id] = answers[item.id]
        return result

    def visible_items(self, answers: Mapping[str, Any]) -> list[Item]:
        """The items asked given (cleaned) ``answers``, in order."""
        visibility = self.visibility(answers)
        return [item for item in self.items if visibility[item.id]]

    def to_dict(self) -> dict[str, Any]:
        """The canonical form: the YAML structure as parsed, defaults left out. It is what the
        database stores, and :func:`load_definition` reads it back to an equal object."""
        data: dict[str, Any] = {"slug": self.slug, "version": self.version, "title": self.title}
        if self.description:
            data["description"] = self.description
        if self.estimated_minutes is not None:
            data["estimated_minutes"] = self.estimated_minutes
        data["sources"] = {
            doc.key: {
                key: value
                for key, value in (
                    ("file", doc.file),
                    ("date", doc.date),
                    ("title", doc.title),
                    ("note", doc.note),
                )
                if value
            }
            for doc in self.sources
        }
        if self.dimensions:
            data["dimensions"] = [
                {
                    "id": d.id,
                    "title": d.title,
                    **({"description": d.description} if d.description else {}),
                }
                for d in self.dimensions
            ]
        data["sections"] = [
            {
                "id": section.id,
                "title": section.title,
                **({"description": section.description} if section.description else {}),
                "items": [item.to_dict() for item in section.items],
            }
            for section in self.sections
        ]
        return data

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :meth:`to_dict`: unchanged by comments,
        formatting, key order or spelled-out defaults; changed by any change of content
        (texts, options, bounds, skip logic, scoring, sources)."""
        return hashlib.sha256(canonical_json(self.to_dict()).encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The definition as the API shows it (English keys, every item with the same keys)."""
        return {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "estimated_minutes": self.estimated_minutes,
            "content_hash": self.content_hash,
            "no_answer": NO_ANSWER,
            "sections": [
                {
                    "id": section.id,
                    "title": section.title,
                    "description": section.description,
                    "items": [item.id for item in section.items],
                }
                for section in self.sections
            ],
            "items": [self._item_json(item) for item in self.items],
            "dimensions": [
                {"id": d.id, "title": d.title, "description": d.description}
                for d in self.dimensions
            ],
            "sources": [
                {"key": d.key, "file": d.file, "date": d.date, "title": d.title}
                for d in self.sources
            ],
        }

    @staticmethod
    def _item_json(item: Item) -> dict[str, Any]:
        scale = None
        if item.scale is not None:
            scale = {
                "min": item.scale.min,
                "max": item.scale.max,
                "labels": {str(point): label for point, label in item.scale.labels},
            }
        number = None
        if item.number is not None:
            number = {
                "min": item.number.min,
                "max": item.number.max,
                "integer": item.number.integer,
                "unit": item.number.unit,
            }
        return {
            "id": item.id,
            "section": item.section,
            "type": item.type,
            "text": item.text,
            "help": item.help,
            "required": item.required,
            "options": [{"value": o.value, "label": o.label} for o in item.choices],
            "exclusive": list(item.exclusive),
            "max_choices": item.max_choices,
            "scale": scale,
            "number": number,
            "max_length": item.max_length,
            "show_if": item.show_if.to_dict() if item.show_if else None,
            "source": {"doc": item.source.doc, "lines": list(item.source.lines)},
        }


def canonical_json(data: Any) -> str:
    """Sorted keys, no spaces, UTF-8 characters kept: the text that is hashed."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- Loading ----------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML 1.2 style scalars: only true/false are booleans (``yes``/``no``/``on`` stay text,
    so ``equals: yes`` means the yes/no answer "yes"), dates stay text, and a key that occurs
    twice in one mapping is an error instead of silently replacing the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # unhashable; the base class reports it
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"Der Schlüssel „{key}“ kommt zweimal vor",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_definition(
    source: str | Path | Mapping[str, Any], *, origin: str | None = None
) -> Questionnaire:
    """Read and check one questionnaire definition.

    Parameters
    ----------
    source
        A :class:`~pathlib.Path` (or a string ending in ``.yaml``/``.yml`` without a line
        break) to read; YAML text; or an already parsed mapping such as
        :meth:`Questionnaire.to_dict` (what the database stores).
    origin
        Name used in error messages; defaults to the file name.

    Returns
    -------
    Questionnaire
        The frozen definition.

    Raises
    ------
    DefinitionError
        With every problem found, each in German naming the item (or section) and the field.
    """
    if isinstance(source, Mapping):
        return _Builder(origin or "Fragebogen").build(source)
    if isinstance(source, Path) or (
        "\n" not in source and source.strip().endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        origin = origin or path.name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise DefinitionError(["Die Datei gibt es nicht."], origin=origin) from None
        except UnicodeDecodeError:
            raise DefinitionError(
                ["Die Datei ist nicht in UTF-8 gespeichert."], origin=origin
            ) from None
    else:
        text = source
        origin = origin or "Fragebogen"
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (Zeile {mark.line + 1}, Spalte {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "unbekannter Fehler"
        raise DefinitionError([f"Kein gültiges YAML: {problem}{where}."], origin=origin) from None
    except yaml.YAMLError as exc:
        raise DefinitionError([f"Kein gültiges YAML: {exc}."], origin=origin) from None
    if not isinstance(data, Mapping):
        raise DefinitionError(
            ["Die Datei muss auf oberster Ebene Felder wie slug, version und sections enthalten."],
            origin=origin,
        )
    return _Builder(origin).build(data)


def _where_item(item_id: str) -> str:
    return f"Frage „{item_id}“"


class _Builder:
    """Checks a parsed definition and builds the dataclasses, collecting every error."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.errors: list[str] = []
        #: Ids of items with errors; conditions on them are not checked further.
        self.broken: set[str] = set()

    def error(self, where: str, key: str, problem: str) -> None:
        field_name = f"Feld „{key}“" if key else ""
        prefix = ", ".join(part for part in (where, field_name) if part)
        self.errors.append(f"{prefix}: {problem}" if prefix else problem)

    # Scalars -----------------------------------------------------------------------------
    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.error(where, key, "fehlt.")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(where, key, "muss ein nicht leerer Text sein.")
            return ""
        return value.strip()

    def integer(
        self, value: Any, where: str, key: str, *, minimum: int | None = None
    ) -> int | None:
        if not _is_int(value):
            self.error(where, key, f"muss eine ganze Zahl sein, nicht {_describe(value)}.")
            return None
        if minimum is not None and value < minimum:
            self.error(where, key, f"muss mindestens {minimum} sein, ist {value}.")
            return None
        return int(value)

    def unknown_keys(self, data: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(
                    where,
                    str(key),
                    f"ist unbekannt. Erlaubt: {', '.join(sorted(allowed))}.",
                )

    # The file ----------------------------------------------------------------------------
    def build(self, data: Mapping[str, Any]) -> Questionnaire:
        self.unknown_keys(data, _TOP_KEYS, "")
        slug = data.get("slug")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            self.error("", "slug", "muss aus Kleinbuchstaben, Ziffern, - und _ bestehen.")
            slug = ""
        version = None
        if data.get("version") is None:
            self.error("", "version", "fehlt.")
        else:
            version = self.integer(data["version"], "", "version", minimum=1)
        title = self.text(data, "title", "", required=True)
        description = self.text(data, "description", "", required=False)
        minutes = None
        if data.get("estimated_minutes") is not None:
            minutes = self.integer(data["estimated_minutes"], "", "estimated_minutes", minimum=1)
        sources = self.sources(data.get("sources"))
        dimensions = self.dimensions(data.get("dimensions"))
        sections = self.sections(
            data.get("sections"), {s.key for s in sources}, {d.id for d in dimensions}
        )
        if self.errors:
            raise DefinitionError(self.errors, origin=self.origin)
        assert version is not None  # guaranteed by the error check above
        return Questionnaire(
            slug=slug,
            version=version,
            title=title,
            description=description,
            estimated_minutes=minutes,
            sources=sources,
            dimensions=dimensions,
            sections=sections,
        )

    def sources(self, data: Any) -> tuple[SourceDocument, ...]:
        if not isinstance(data, Mapping) or not data:
            self.error(
                "",
                "sources",
                "fehlt oder ist leer: jede Frage zitiert ein Dokument aus dieser Liste.",
            )
            return ()
        documents = []
        for key, entry in data.items():
            if not isinstance(key, str):
                self.error(
                    f"Quelle {key}",
                    "",
                    f'der Schlüssel muss Text sein; setzen Sie ihn in Anführungszeichen ("{key}").',
                )
                continue
            where = f"Quelle „{key}“"
            if not isinstance(entry, Mapping):
                self.error(where, "", "muss die Felder file und date haben.")
                continue
            self.unknown_keys(entry, _SOURCE_DOC_KEYS, where)
            documents.append(
                SourceDocument(
                    key=key,
                    file=self.text(entry, "file", where, required=True),
                    date=_as_text(entry.get("date")),
                    title=self.text(entry, "title", where, required=False),
                    note=self.text(entry, "note", where, required=False),
                )
            )
        return tuple(documents)

    def dimensions(self, data: Any) -> tuple[Dimension, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            self.error("", "dimensions", "muss eine Liste sein.")
            return ()
        dimensions: list[Dimension] = []
        for number, entry in enumerate(data, start=1):
            where = f"Dimension Nr. {number}"
            if not isinstance(entry, Mapping):
                self.error(where, "", "muss die Felder id und title haben.")
                continue
            self.unknown_keys(entry, _DIMENSION_KEYS, where)
            dimension_id = entry.get("id")
            if not isinstance(dimension_id, str) or not ID_RE.match(dimension_id):
                self.error(where, "id", "muss aus Kleinbuchstaben, Ziffern und _ bestehen.")
                continue
            where = f"Dimension „{dimension_id}“"
            if any(d.id == dimension_id for d in dimensions):
                self.error(where, "id", "die Kennung kommt mehrfach vor.")
                continue
            dimensions.append(
                Dimension(
                    id=dimension_id,
                    title=self.text(entry, "title", where, required=True),
                    description=self.text(entry, "description", where, required=False),
                )
            )
        return tuple(dimensions)

    def sections(
        self, data: Any, source_keys: set[str], dimension_ids: set[str]
    ) -> tuple[Section, ...]:
        if not isinstance(data, list) or not data:
            self.error("", "sections", "fehlt oder ist leer.")
            return ()
        # Every item id of the file first, so that show_if can tell "later" from "unknown".
        all_ids: list[str] = []
        for section in data:
            if isinstance(section, Mapping) and isinstance(section.get("items"), list):
                all_ids += [str(i.get("id")) for i in section["items"] if isinstance(i, Mapping)]
        earlier: dict[str, Item] = {}
        section_ids: set[str] = set()
        sections = []
        for number, entry in enumerate(data, start=1):
            where = f"Abschnitt Nr. {number}"
            if not isinstance(entry, Mapping):
                self.error(where, "", "muss die Felder id, title und items haben.")
                continue
            section_id = entry.get("id")
            if not isinstance(section_id, str) or not ID_RE.match(section_id):
                self.error(where, "id", "muss aus Kleinbuchstaben, Ziffern und _ bestehen.")
                section_id = f"nr_{number}"
            else:
                where = f"Abschnitt „{section_id}“"
                if section_id in section_ids:
                    self.error(where, "id", "die Kennung kommt mehrfach vor.")
                section_ids.add(section_id)
            self.unknown_keys(entry, _SECTION_KEYS, where)
            title = self.text(entry, "title", where, required=True)
            description = self.text(entry, "description", where, required=False)
            raw_items = entry.get("items")
            if not isinstance(raw_items, list) or not raw_items:
                self.error(where, "items", "fehlt oder ist leer.")
                raw_items = []
            items = []
            for position, raw in enumerate(raw_items, start=1):
                item = self.item(
                    raw, position, section_id, where, earlier, all_ids, source_keys, dimension_ids
                )
                if item is not None:
                    items.append(item)
                    earlier[item.id] = item
            sections.append(
                Section(id=section_id, title=title, description=description, items=tuple(items))
            )
        return tuple(sections)

    # Items -------------------------------------------------------------------------------
    def item(
        self,
        data: Any,
        position: int,
        section_id: str,
        section_where: str,
        earlier: dict[str, Item],
        all_ids: list[str],
        source_keys: set[str],
        dimension_ids: set[str],
    ) -> Item | None:
        if not isinstance(data, Mapping):
            self.error(f"{section_where}, Frage Nr. {position}", "", "muss eine Zuordnung sein.")
            return None
        item_id = data.get("id")
        if not isinstance(item_id, str) or not ID_RE.match(item_id):
            self.error(
                f"{section_where}, Frage Nr. {position}",
                "id",
                "fehlt oder besteht nicht aus Kleinbuchstaben, Ziffern und _.",
            )
            return None
        where = _where_item(item_id)
        if item_id in earlier:
            self.error(
                where,
                "id",
                "die Kennung kommt mehrfach vor (zuerst in Abschnitt "
                f"„{earlier[item_id].section}“).",
            )
            return None
        self.unknown_keys(data, _ITEM_KEYS, where)
        count = len(self.errors)
        item_type = data.get("type")
        if item_type not in ITEM_TYPES:
            shown = item_type if item_type is not None else ""
            self.error(
                where,
                "type",
                f"unbekannter Typ „{shown}“. Erlaubt: {', '.join(ITEM_TYPES)}.",
            )
            item_type = None
        text = self.text(data, "text", where, required=True)
        help_text = self.text(data, "help", where, required=False)
        required = data.get("required", False)
        if not isinstance(required, bool):
            self.error(
                where, "required", f"muss true oder false sein, nicht {_describe(required)}."
            )
            required = False
        source = self.source_ref(data.get("source"), where, source_keys)
        scoring = data.get("scoring")
        if scoring is not None:
            scoring = self.scoring(scoring, where, dimension_ids)

        options: tuple[Option, ...] = ()
        exclusive: tuple[str, ...] = ()
        max_choices = None
        scale = None
        number = None
        max_length = None
        if item_type is not None:
            for key, types in _TYPE_KEYS.items():
                if key in data and item_type not in types:
                    self.error(
                        where,
                        key,
                        f"ist bei Typ {item_type} nicht erlaubt (nur bei {', '.join(types)}).",
                    )
            needed = _REQUIRED_TYPE_KEYS.get(item_type)
            if needed and needed not in data:
                self.error(where, needed, f"fehlt; Typ {item_type} braucht es.")
            if item_type in CHOICE_TYPES and "options" in data:
                options = self.options(data["options"], where)
            if item_type == "multiple_choice":
                values = {o.value for o in options}
                if "exclusive" in data:
                    exclusive = self.exclusive(data["exclusive"], where, values)
                if data.get("max_choices") is not None:
                    max_choices = self.integer(data["max_choices"], where, "max_choices", minimum=1)
                    if max_choices is not None and options and max_choices > len(options):
                        self.error(
                            where,
                            "max_choices",
                            f"ist {max_choices}, es gibt aber nur {len(options)} Optionen.",
                        )
            if item_type == "scale" and "scale" in data:
                scale = self.scale(data["scale"], where)
            if item_type == "number" and "number" in data:
                number = self.number(data["number"], where)
            if item_type == "text":
                max_length = DEFAULT_MAX_LENGTH
                if data.get("max_length") is not None:
                    max_length = self.integer(data["max_length"], where, "max_length", minimum=1)
        show_if = None
        if data.get("show_if") is not None:
            show_if = self.condition(data["show_if"], where, item_id, earlier, all_ids)
        if len(self.errors) > count or item_type is None or source is None:
            # A broken item is left out; its id still counts as "earlier" for the skip logic
            # of later items, whose conditions on it are not checked further.
            self.broken.add(item_id)
            earlier[item_id] = Item(
                id=item_id,
                type=item_type or "text",
                text=text,
                section=section_id,
                source=source or SourceRef("", (1, 1)),
            )
            return None
        return Item(
            id=item_id,
            type=item_type,
            text=text,
            section=section_id,
            source=source,
            help=help_text,
            required=required,
            options=options,
            exclusive=exclusive,
            max_choices=max_choices,
            scale=scale,
            number=number,
            max_length=max_length,
            show_if=show_if,
            scoring=scoring,
        )

    def source_ref(self, data: Any, where: str, source_keys: set[str]) -> SourceRef | None:
        if data is None:
            self.error(
                where,
                "source",
                "fehlt: jede Frage braucht eine Quelle ({doc: …, lines: [von, bis]}).",
            )
            return None
        if not isinstance(data, Mapping):
            self.error(where, "source", "muss die Felder doc und lines haben.")
            return None
        self.unknown_keys(data, {"doc", "lines"}, f"{where}, Quelle")
        doc = data.get("doc")
        if not isinstance(doc, str):
            self.error(
                where,
                "source.doc",
                f"muss der Schlüssel einer Quelle als Text sein, nicht {_describe(doc)}.",
            )
            return None
        if doc not in source_keys:
            known = ", ".join(sorted(source_keys)) or "keine"
            self.error(where, "source.doc", f"unbekannte Quelle „{doc}“. Bekannt: {known}.")
            return None
        lines = data.get("lines")
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(_is_int(n) for n in lines)
            or not 1 <= lines[0] <= lines[1]
        ):
            self.error(
                where, "source.lines", "muss [von, bis] mit ganzen Zahlen ab 1 und von ≤ bis sein."
            )
            return None
        return SourceRef(doc=doc, lines=(int(lines[0]), int(lines[1])))

    def scoring(self, data: Any, where: str, dimension_ids: set[str]) -> dict[str, Any] | None:
        if not isinstance(data, Mapping):
            self.error(where, "scoring", "muss eine Zuordnung sein.")
            return None
        try:
            plain = _plain_json(data)
        except TypeError:
            self.error(where, "scoring", "enthält Werte, die kein JSON sind.")
            return None
        dimension = plain.get("dimension")
        if dimension is not None and (
            not isinstance(dimension, str) or (dimension_ids and dimension not in dimension_ids)
        ):
            self.error(
                where,
                "scoring.dimension",
                f"unbekannte Dimension „{dimension}“. Bekannt: {', '.join(sorted(dimension_ids))}.",
            )
        return dict(plain)

    def options(self, data: Any, where: str) -> tuple[Option, ...]:
        if not isinstance(data, list) or len(data) < 2:
            self.error(where, "options", "muss eine Liste mit mindestens zwei Optionen sein.")
            return ()
        options: list[Option] = []
        for position, entry in enumerate(data, start=1):
            if not isinstance(entry, Mapping):
                self.error(where, "options", f"Option Nr. {position} braucht value und label.")
                continue
            self.unknown_keys(entry, {"value", "label"}, f"{where}, Option Nr. {position}")
            value = entry.get("value")
            if not isinstance(value, str) or not ID_RE.match(value):
                self.error(
                    where,
                    "options",
                    f"Option Nr. {position}: value muss Text aus Kleinbuchstaben, Ziffern und _ "
                    f"sein (Zahlen in Anführungszeichen), nicht {_describe(value)}.",
                )
                continue
            if value == NO_ANSWER:
                self.error(
                    where,
                    "options",
                    f"die Option „{NO_ANSWER}“ gibt es immer; sie darf nicht definiert werden.",
                )
                continue
            if any(o.value == value for o in options):
                self.error(where, "options", f"die Option „{value}“ kommt mehrfach vor.")
                continue
            label = entry.get("label")
            if not isinstance(label, str) or not label.strip():
                self.error(where, "options", f"Option „{value}“ braucht ein label (Text).")
                continue
            options.append(Option(value=value, label=label.strip()))
        return tuple(options)

    def exclusive(self, data: Any, where: str, values: set[str]) -> tuple[str, ...]:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            self.error(where, "exclusive", "muss eine Liste von Optionswerten sein.")
            return ()
        for value in data:
            if value not in values:
                self.error(
                    where,
                    "exclusive",
                    f"unbekannte Option „{value}“. Erlaubt: {', '.join(sorted(values))}.",
                )
        return tuple(dict.fromkeys(data))

    def scale(self, data: Any, where: str) -> Scale | None:
        if not isinstance(data, Mapping):
            self.error(where, "scale", "muss die Felder min und max haben.")
            return None
        self.unknown_keys(data, {"min", "max", "labels"}, f"{where}, Skala")
        low = self.integer(data.get("min"), where, "scale.min")
        high = self.integer(data.get("max"), where, "scale.max")
        if low is None or high is None:
            return None
        if low >= high:
            self.error(where, "scale", f"min ({low}) muss kleiner als max ({high}) sein.")
            return None
        labels: list[tuple[int, str]] = []
        raw = data.get("labels") or {}
        if not isinstance(raw, Mapping):
            self.error(where, "scale.labels", "muss eine Zuordnung Punkt: Text sein.")
            return None
        for key, label in raw.items():
            point = int(key) if isinstance(key, str) and re.fullmatch(r"-?\d+", key) else key
            if not _is_int(point) or not low <= point <= high:
                self.error(
                    where,
                    "scale.labels",
                    f"der Punkt „{key}“ liegt nicht auf der Skala von {low} bis {high}.",
                )
                continue
            if not isinstance(label, str) or not label.strip():
                self.error(where, "scale.labels", f"Punkt {point} braucht einen Text.")
                continue
            labels.append((int(point), label.strip()))
        return Scale(min=low, max=high, labels=tuple(sorted(labels)))

    def number(self, data: Any, where: str) -> NumberRange | None:
        if not isinstance(data, Mapping):
            self.error(where, "number", "muss eine Zuordnung (min, max, integer, unit) sein.")
            return None
        self.unknown_keys(data, {"min", "max", "integer", "unit"}, f"{where}, Zahl")
        integer = data.get("integer", False)
        if not isinstance(integer, bool):
            self.error(where, "number.integer", "muss true oder false sein.")
            return None
        bounds: dict[str, Number | None] = {}
        for key in ("min", "max"):
            value = data.get(key)
            if value is not None and (not _is_number(value) or not math.isfinite(value)):
                self.error(
                    where, f"number.{key}", f"muss eine Zahl sein, nicht {_describe(value)}."
                )
                return None
            if value is not None and integer and not float(value).is_integer():
                self.error(where, f"number.{key}", "muss bei integer: true eine ganze Zahl sein.")
                return None
            bounds[key] = value
        low, high = bounds["min"], bounds["max"]
        if low is not None and high is not None and low >= high:
            self.error(
                where, "number", f"min ({_fmt(low)}) muss kleiner als max ({_fmt(high)}) sein."
            )
            return None
        unit = data.get("unit", "")
        if not isinstance(unit, str):
            self.error(where, "number.unit", "muss Text sein.")
            return None
        return NumberRange(min=low, max=high, integer=integer, unit=unit.strip())

    # Skip logic --------------------------------------------------------------------------
    def condition(
        self,
        data: Any,
        where: str,
        item_id: str,
        earlier: dict[str, Item],
        all_ids: list[str],
    ) -> Condition | None:
        key = "show_if"
        if not isinstance(data, Mapping):
            self.error(
                where, key, "muss eine Bedingung sein (item mit in/equals/gte/lte, all, any)."
            )
            return None
        compound = [op for op in _COMPOUND_OPS if op in data]
        if compound:
            if len(data) != 1:
                self.error(where, key, "all bzw. any steht allein in einer Bedingung.")
                return None
            op = compound[0]
            parts_data = data[op]
            if not isinstance(parts_data, list) or not parts_data:
                self.error(where, key, f"{op} braucht eine nicht leere Liste von Bedingungen.")
                return None
            parts = [self.condition(p, where, item_id, earlier, all_ids) for p in parts_data]
            if any(p is None for p in parts):
                return None
            return Condition(op=op, parts=tuple(p for p in parts if p is not None))
        target = data.get("item")
        ops = [op for op in _CONDITION_OPS if op in data]
        extra = set(data) - {"item", *_CONDITION_OPS}
        if extra:
            self.error(
                where,
                key,
                f"unbekannte Angabe „{sorted(map(str, extra))[0]}“. Erlaubt: item, in, equals, "
                "gte, lte, all, any.",
            )
            return None
        if not isinstance(target, str):
            self.error(where, key, "nennt keine Frage (item).")
            return None
        if len(ops) != 1:
            self.error(
                where,
                key,
                "braucht genau eine der Angaben in, equals, gte, lte (mehrere mit all verbinden).",
            )
            return None
        op = ops[0]
        if target == item_id:
            self.error(where, key, "verweist auf die Frage selbst.")
            return None
        if target not in earlier:
            if target in all_ids:
                self.error(
                    where,
                    key,
                    f"verweist auf die spätere Frage „{target}“; Bedingungen dürfen sich nur auf "
                    "frühere Fragen beziehen.",
                )
            else:
                self.error(where, key, f"verweist auf die unbekannte Frage „{target}“.")
            return None
        referred = earlier[target]
        value = data[op]
        if target in self.broken:
            return None
        if referred.type == "text":
            self.error(
                where,
                key,
                f"Frage „{target}“ ist eine Freitextfrage; darauf kann keine Bedingung aufbauen.",
            )
            return None
        if op in ("gte", "lte"):
            if referred.type not in ("scale", "number"):
                self.error(
                    where,
                    key,
                    f"{op} geht nur bei Skalen- und Zahlenfragen, „{target}“ ist {referred.type}.",
                )
                return None
            if not _is_number(value):
                self.error(where, key, f"{op} braucht eine Zahl, nicht {_describe(value)}.")
                return None
            return Condition(op=op, item=target, bound=value)
        values = value if op == "in" else [value]
        if op == "in" and (not isinstance(value, list) or not value):
            self.error(where, key, "in braucht eine nicht leere Liste von Werten.")
            return None
        for candidate in values:
            problem = _condition_value_problem(referred, candidate)
            if problem:
                self.error(where, key, problem)
                return None
        return Condition(op=op, item=target, values=tuple(values))


def _condition_value_problem(referred: Item, value: Any) -> str:
    """Why ``value`` cannot be an answer of ``referred`` ("" if it can)."""
    if value == NO_ANSWER:
        return ""
    if referred.type in CHOICE_TYPES or referred.type == "yes_no":
        allowed = referred.option_values
        if not isinstance(value, str) or value not in allowed:
            return (
                f"unbekannte Option „{value}“ von Frage „{referred.id}“. "
                f"Erlaubt: {', '.join(allowed)}."
            )
        return ""
    if referred.type == "scale" and referred.scale is not None:
        if not _is_int(value) or not referred.scale.min <= value <= referred.scale.max:
            return (
                f"„{value}“ liegt nicht auf der Skala von Frage „{referred.id}“ "
                f"({referred.scale.min} bis {referred.scale.max})."
            )
        return ""
    if referred.type == "number" and not _is_number(value):
        return f"Frage „{referred.id}“ ist eine Zahlenfrage; „{value}“ ist keine Zahl."
    return ""


# --- Answers ----------------------------------------------------------------------------------
def validate_answers(
    questionnaire: Questionnaire, answers: Any, *, final: bool
) -> tuple[dict[str, Any], list[AnswerError]]:
    """Check answers ``{item_id: value}`` against the contract and clean them.

    Parameters
    ----------
    questionnaire
        The definition the answers belong to.
    answers
        The answers as received (JSON object). A missing key, ``None``, an empty string or an
        empty list mean "not answered yet". ``"keine_angabe"`` is valid for every item.
    final
        ``True`` for a final submission: visible items with ``required: true`` must then be
        answered (``"keine_angabe"`` counts). Drafts (``False``) may leave anything open.

    Returns
    -------
    tuple
        ``(cleaned, errors)``. ``cleaned`` holds the valid answers in item order: numbers as
        ``int`` (whole values) or ``float``, numeric strings converted, multiple-choice lists
        in option order without duplicates, texts as stripped plain text (markup removed).
        ``errors`` lists every :class:`AnswerError` ``(item_id, message)`` found, in item
        order; unknown items come first.

    Notes
    -----
    Skip logic is evaluated on the cleaned answers in item order, so an item that depends on a
    hidden item is hidden too. Answering a hidden item is an error, except when an item it
    depends on has an error itself (then the visibility is unknown and only the value is
    checked).
    """
    if not isinstance(answers, Mapping):
        return {}, [
            AnswerError(
                "", f"Die Antworten müssen ein JSON-Objekt sein, nicht {_describe(answers)}."
            )
        ]
    errors: list[AnswerError] = []
    for key in answers:
        if not isinstance(key, str) or not questionnaire.has_item(key):
            errors.append(AnswerError(str(key), f"Unbekannte Frage „{key}“."))
    cleaned: dict[str, Any] = {}
    failed: set[str] = set()
    for item in questionnaire.items:
        raw = answers.get(item.id)
        answered = not _is_empty(raw)
        visible = item.show_if is None or item.show_if.holds(cleaned)
        uncertain = item.show_if is not None and bool(failed & set(item.show_if.item_ids))
        if answered and not visible and not uncertain:
            failed.add(item.id)
            errors.append(AnswerError(item.id, hidden_message(questionnaire, item)))
            continue
        if not answered:
            if final and item.required and visible:
                failed.add(item.id)
                errors.append(AnswerError(item.id, REQUIRED_MESSAGE))
            continue
        value, problem = clean_answer(item, raw)
        if problem:
            failed.add(item.id)
            errors.append(AnswerError(item.id, problem))
        elif value is not None:
            cleaned[item.id] = value
    return cleaned, errors


def hidden_message(questionnaire: Questionnaire, item: Item) -> str:
    """ "Frage X wird nach Ihrer Antwort auf Frage Y nicht gestellt." for a hidden ``item``."""
    referred = item.show_if.item_ids if item.show_if else ()
    if not referred:
        return ""
    if len(referred) == 1:
        return (
            f"Frage „{item.id}“ wird nach Ihrer Antwort auf Frage „{referred[0]}“ nicht gestellt."
        )
    names = [f"„{item_id}“" for item_id in referred]
    joined = ", ".join(names[:-1]) + " und " + names[-1]
    return f"Frage „{item.id}“ wird nach Ihren Antworten auf die Fragen {joined} nicht gestellt."


def clean_answer(item: Item, value: Any) -> tuple[Any, str]:
    """One answer, cleaned, and "" — or ``None`` and a German message. ``None`` with no
    message means "not answered" (e.g. a text that is empty once markup is removed)."""
    if value == NO_ANSWER:
        return NO_ANSWER, ""
    if item.type in ("single_choice", "yes_no"):
        allowed = item.option_values
        if not isinstance(value, str):
            return None, f"Erwartet wird eine Option als Text, erhalten: {_describe(value)}."
        if value not in allowed:
            noun = "Antwort" if item.type == "yes_no" else "Option"
            return None, f"Unbekannte {noun} „{value}“. Erlaubt: {', '.join(allowed)}."
        return value, ""
    if item.type == "multiple_choice":
        return _clean_multiple(item, value)
    if item.type == "scale":
        assert item.scale is not None  # the definition guarantees it
        number, problem = _as_number(value)
        if problem:
            return None, problem
        assert number is not None
        if not float(number).is_integer():
            return None, f"Der Wert {_fmt(number)} ist keine ganze Zahl."
        return _in_bounds(int(number), item.scale.min, item.scale.max)
    if item.type == "number":
        assert item.number is not None
        number, problem = _as_number(value)
        if problem:
            return None, problem
        assert number is not None
        if item.number.integer and not float(number).is_integer():
            return None, f"Der Wert {_fmt(number)} ist keine ganze Zahl."
        if float(number).is_integer():
            number = int(number)
        return _in_bounds(number, item.number.min, item.number.max)
    # text
    if not isinstance(value, str):
        return None, f"Erwartet wird ein Text, erhalten: {_describe(value)}."
    text = plain_text(value)
    limit = item.max_length or DEFAULT_MAX_LENGTH
    if len(text) > limit:
        return None, f"Der Text ist {len(text)} Zeichen lang; erlaubt sind höchstens {limit}."
    return (text or None), ""


def _clean_multiple(item: Item, value: Any) -> tuple[Any, str]:
    if not isinstance(value, list):
        return None, f"Erwartet wird eine Liste von Optionen, erhalten: {_describe(value)}."
    for entry in value:
        if not isinstance(entry, str):
            return None, f"Erwartet werden Optionen als Text, erhalten: {_describe(entry)}."
    if value == [NO_ANSWER]:
        return NO_ANSWER, ""
    if NO_ANSWER in value:
        return None, "„keine Angabe“ lässt sich nicht mit anderen Optionen kombinieren."
    allowed = item.option_values
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return None, f"Unbekannte Option „{unknown[0]}“. Erlaubt: {', '.join(allowed)}."
    duplicates = sorted({v for v in value if value.count(v) > 1})
    if duplicates:
        return None, f"Die Option „{duplicates[0]}“ ist mehrfach gewählt."
    if len(value) > 1:
        for option in item.exclusive:
            if option in value:
                return None, f"Die Option „{option}“ lässt sich nicht mit anderen kombinieren."
    if item.max_choices is not None and len(value) > item.max_choices:
        return None, (
            f"Höchstens {item.max_choices} Optionen sind erlaubt, gewählt sind {len(value)}."
        )
    return [v for v in allowed if v in value], ""


def _as_number(value: Any) -> tuple[Number | None, str]:
    """A JSON number, or a numeric string ("12", "12.5", "12,5"), as int or float."""
    if isinstance(value, str):
        text = value.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            return None, f"Erwartet wird eine Zahl, erhalten: der Text „{value.strip()}“."
        number = float(text)
        return (int(number) if number.is_integer() and abs(number) < 2**53 else number), ""
    if not _is_number(value):
        return None, f"Erwartet wird eine Zahl, erhalten: {_describe(value)}."
    if not math.isfinite(value):
        return None, "Der Wert ist keine endliche Zahl."
    return value, ""


def _in_bounds(number: Number, low: Number | None, high: Number | None) -> tuple[Any, str]:
    if low is not None and number < low:
        return None, f"Der Wert {_fmt(number)} liegt unter dem Mindestwert {_fmt(low)}."
    if high is not None and number > high:
        return None, f"Der Wert {_fmt(number)} liegt über dem Höchstwert {_fmt(high)}."
    return number, ""


def plain_text(value: str) -> str:
    """Plain text from user input: markup and scripts removed (Ammonia via nh3), entities
    decoded, repeated until stable so that encoded payloads cannot survive; stripped."""
    text = value
    for _ in range(4):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text.replace("\r\n", "\n").strip()


# --- Helpers ----------------------------------------------------------------------------------
def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _same(answer: Any, expected: Any) -> bool:
    if _is_number(answer) and _is_number(expected):
        return bool(answer == expected)
    return type(answer) is type(expected) and answer == expected


def _fmt(number: Number) -> str:
    """German number for messages: 2,5 and 1000000 (no thousands separator)."""
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number)).replace(".", ",")


def _describe(value: Any) -> str:
    if value is None:
        return "nichts (null)"
    if isinstance(value, bool):
        return f"ein Wahrheitswert ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"eine Zahl ({_fmt(value)})"
    if isinstance(value, str):
        return f"ein Text („{value[:40]}“)"
    if isinstance(value, list | tuple):
        return "eine Liste"
    if isinstance(value, Mapping):
        return "ein Objekt"
    return type(value).__name__


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _plain_json(value: Any) -> Any:
    """``value`` as plain JSON data (dict/list/str/int/float/bool/None); ``TypeError`` if it
    is something else. Mapping keys become strings."""
    if isinstance(value, Mapping):
        return {str(key): _plain_json(entry) for key, entry in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(entry) for entry in value]
    if value is None or isinstance(value, str | int | float | bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise TypeError("not finite")
        return value
    raise TypeError(type(value).__name__)
