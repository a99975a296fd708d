"""The BBSR Smart-City process and its worksheets, as shipped data (no Django).

The guide "Die digitale Stadt gestalten" (BBSR, shared/seeds/004_7b05438c2c859b61.txt) proposes
two work cycles (strategy development, project implementation) with nine work steps
(Arbeitsschritte) plus a special module for writing and revising the strategy, and ten
worksheets (Arbeitshilfen) in its knowledge store. ``kompass/data/strategy/`` holds them as YAML
with provenance; this module loads them into frozen dataclasses, checks every reference and
renders the read-only API document. It imports no Django so that analysis code, the API and the
later workspace can share it.

Notes
-----
Rules checked on load (with the guide lines they come from; docs/data/strategy_process.md):

- nine steps numbered 1-9, each in cycle ``strategy`` or ``projects`` (lines 1536-1539);
- steps 3+4 and 6+7 may be combined, so ``combinable_with`` must be symmetric (1541-1545);
- step 5's idea finding may be repeated (1545-1546);
- the strategy can be revised after evaluation, step 9 (1548-1549);
- every step names the worksheets it uses and every worksheet the steps it supports, and both
  lists must agree (3168-3172: each step is supported by at least one worksheet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "strategy"
FIELDS_FILE = DATA_DIR.parent / "fields_of_action.yaml"
PROCESS_FILE = "process.yaml"
WORKSHEETS_FILE = "worksheets.yaml"
RISK_CATEGORIES_FILE = "risk_categories.yaml"
SELECTION_CRITERIA_FILE = "selection_criteria.yaml"

#: The only study these files cite.
SEED_FILE = "004_7b05438c2c859b61.txt"
STEP_NUMBERS: tuple[int, ...] = tuple(range(1, 10))
WORKSHEET_COUNT = 10
CYCLE_SLUGS: tuple[str, ...] = ("strategy", "projects")
FIELD_TYPES = frozenset(
    {"text", "long_text", "list", "table", "choice", "scale", "date", "person", "number"}
)
ORIGINS = frozenset({"template", "worksheet_text", "step_text", "platform"})
CATALOGUES = frozenset(
    {
        "risk_categories",
        "selection_criteria",
        "municipal_roles",
        "atlas_fields",
        "project_management_tools",
    }
)
LOOP_KINDS = frozenset({"repeat", "revise_strategy", "parallel_cycles"})
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


class StrategyDataError(ValueError):
    """The shipped strategy data break a rule; the message lists every problem, one a line."""


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Source:
    """A line range in the cited study (``sed -n 'A,Bp' FILE``)."""

    file: str
    lines: tuple[int, int]

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "lines": list(self.lines)}


@dataclass(frozen=True)
class Document:
    file: str
    title: str
    reference_date: dt.date
    source: Source
    note: str


@dataclass(frozen=True)
class Cycle:
    slug: str
    title: str
    description: str
    steps: tuple[int, ...]
    steps_inferred: bool
    source: Source
    note: str


@dataclass(frozen=True)
class GuidingQuestion:
    text: str
    group: str | None
    #: False when we phrased a statement of the guide as a question.
    printed: bool
    source: Source


@dataclass(frozen=True)
class Method:
    label: str
    worksheet: str | None
    source: Source


@dataclass(frozen=True)
class Result:
    """One checklist item of a step's "Ergebnisse"."""

    text: str
    source: Source


@dataclass(frozen=True)
class Element:
    """A titled part of a step: a sub-step, a model, a chapter, a municipal role."""

    slug: str | None
    title: str
    description: str
    source: Source
    step: int | None = None
    title_printed: bool = True


@dataclass(frozen=True)
class Step:
    number: int
    slug: str
    title: str
    title_printed: bool
    cycle: str
    combinable_with: tuple[int, ...]
    repeatable: bool
    goals: tuple[str, ...]
    guiding_questions: tuple[GuidingQuestion, ...]
    methods: tuple[Method, ...]
    results: tuple[Result, ...]
    worksheets: tuple[str, ...]
    substeps: tuple[Element, ...]
    models: tuple[Element, ...]
    vocabulary: str | None
    source: Source
    note: str


@dataclass(frozen=True)
class SpecialModule:
    code: str
    slug: str
    title: str
    follows_steps: tuple[int, ...]
    revised_after: tuple[int, ...]
    goals: tuple[str, ...]
    guiding_questions: tuple[GuidingQuestion, ...]
    results: tuple[Result, ...]
    worksheets: tuple[str, ...]
    source: Source
    note: str


@dataclass(frozen=True)
class EntryVariant:
    slug: str
    label: str
    description: str
    entry_steps: tuple[int, ...]
    source: Source


@dataclass(frozen=True)
class Loop:
    """``to_step`` None with kind ``revise_strategy`` means the special module."""

    kind: str
    from_step: int | None
    to_step: int | None
    description: str
    source: Source


@dataclass(frozen=True)
class StrategyPaper:
    key_components: tuple[Element, ...]
    typical_chapters: tuple[Element, ...]
    length_description: str
    length_source: Source


@dataclass(frozen=True)
class Process:
    document: Document
    cycles: tuple[Cycle, ...]
    steps: tuple[Step, ...]
    combinations: tuple[tuple[int, int], ...]
    loops: tuple[Loop, ...]
    entry_variants: tuple[EntryVariant, ...]
    special_module: SpecialModule
    strategy_paper: StrategyPaper
    municipal_roles: tuple[Element, ...]

    def step(self, number: int) -> Step:
        """The step with ``number`` (1-9); KeyError otherwise."""
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(number)


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class TableRow:
    id: str
    label: str
    group: str | None
    guiding_question: str | None
    source: Source | None


@dataclass(frozen=True)
class Field:
    """One field of a worksheet template; ``columns`` and ``rows`` only for tables.

    ``options`` of a field with a ``catalogue`` are filled from that catalogue on load.
    """

    id: str
    label: str
    #: True when ``label`` is printed in the guide as it stands (default for template fields).
    label_printed: bool
    type: str
    origin: str
    source: Source | None
    help: str
    section: str | None
    options: tuple[Option, ...]
    multiple: bool
    catalogue: str | None
    vocabulary: str | None
    scale: Scale | None
    unit: str | None
    columns: tuple[Field, ...]
    rows: tuple[TableRow, ...]
    example: Any
    note: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    source: Source
    title_printed: bool = True


@dataclass(frozen=True)
class Tool:
    slug: str
    name: str
    url: str
    description: str
    category: str | None
    source: Source


@dataclass(frozen=True)
class Worksheet:
    number: int
    slug: str
    title: str
    format: str
    purpose: str
    steps: tuple[int, ...]
    sections: tuple[Section, ...]
    fields: tuple[Field, ...]
    tools: tuple[Tool, ...]
    tool_categories: tuple[Option, ...]
    rules: Mapping[str, Any]
    source: Source
    note: str

    def field(self, field_id: str) -> Field:
        """The top-level field ``field_id``; KeyError otherwise."""
        for field in self.fields:
            if field.id == field_id:
                return field
        raise KeyError(field_id)


@dataclass(frozen=True)
class RiskCategory:
    slug: str
    title: str
    description: str
    examples: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Criterion:
    slug: str
    label: str
    group: str
    step: int | None
    help: str
    source: Source


@dataclass(frozen=True)
class CriterionGroup:
    slug: str
    title: str
    criteria: tuple[Criterion, ...]
    source: Source


@dataclass(frozen=True)
class SelectionCriteria:
    default_weight: float
    groups: tuple[CriterionGroup, ...]

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for group in self.groups for c in group.criteria)


@dataclass(frozen=True)
class StrategyData:
    """Everything in ``kompass/data/strategy/``, cross-checked."""

    process: Process
    worksheets: tuple[Worksheet, ...]
    risk_categories: tuple[RiskCategory, ...]
    selection_criteria: SelectionCriteria

    def worksheet(self, slug: str) -> Worksheet:
        """The worksheet ``slug``; KeyError otherwise."""
        for worksheet in self.worksheets:
            if worksheet.slug == slug:
                return worksheet
        raise KeyError(slug)


# --------------------------------------------------------------------------- reading helpers


class _Reader:
    """Collects problems as 'file, where: problem' instead of failing at the first one."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.file}, {where}: {message}")

    def mapping(self, raw: Any, where: str) -> Mapping[str, Any]:
        if isinstance(raw, Mapping):
            return raw
        self.fail(where, "Eintrag muss eine Zuordnung (Schlüssel: Wert) sein.")
        return {}

    def items(self, raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = raw.get(key, [])
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.fail(where, f"Feld '{key}' muss eine Liste sein.")
        return []

    def text(self, raw: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, f"Feld '{key}' fehlt oder ist leer.")
            return ""
        if not isinstance(value, str):
            self.fail(where, f"Feld '{key}' muss Text sein, nicht {type(value).__name__}.")
            return ""
        return " ".join(value.split())

    def optional_text(self, raw: Mapping[str, Any], key: str, where: str) -> str | None:
        return self.text(raw, key, where, required=False) or None

    def slug(self, raw: Mapping[str, Any], key: str, where: str) -> str:
        value = self.text(raw, key, where)
        if value and not SLUG.match(value):
            self.fail(where, f"Feld '{key}' = '{value}' ist kein gültiger Bezeichner [a-z0-9_].")
        return value

    def integer(self, raw: Mapping[str, Any], key: str, where: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"Feld '{key}' muss eine ganze Zahl sein, nicht {value!r}.")
            return None
        return value

    def flag(self, raw: Mapping[str, Any], key: str, where: str, default: bool = False) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.fail(where, f"Feld '{key}' muss true oder false sein, nicht {value!r}.")
            return default
        return value

    def numbers(self, raw: Mapping[str, Any], key: str, where: str) -> tuple[int, ...]:
        values = self.items(raw, key, where)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            self.fail(where, f"Feld '{key}' darf nur ganze Zahlen enthalten: {values!r}.")
            return ()
        return tuple(values)

    def texts(self, raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.items(raw, key, where)
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(where, f"Feld '{key}' darf nur nicht leere Texte enthalten.")
            return ()
        return tuple(" ".join(v.split()) for v in values)

    def source(self, raw: Any, where: str, required: bool = True) -> Source | None:
        if raw is None:
            if required:
                self.fail(where, "Quelle (source) fehlt.")
            return None
        entry = self.mapping(raw, f"{where}, source")
        file = entry.get("file")
        lines = entry.get("lines")
        if file != SEED_FILE:
            self.fail(where, f"Quelle muss {SEED_FILE} sein, nicht {file!r}.")
        if not (
            isinstance(lines, list)
            and len(lines) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in lines)
            and 1 <= lines[0] <= lines[1]
        ):
            self.fail(where, f"Zeilenangabe {lines!r} ist kein Bereich [von, bis] mit von <= bis.")
            return None
        return Source(file=str(file), lines=(lines[0], lines[1]))

    def required_source(self, raw: Any, where: str) -> Source:
        source = self.source(raw, where)
        return source if source is not None else Source(SEED_FILE, (1, 1))

    def finish(self) -> None:
        if self.problems:
            raise StrategyDataError("\n".join(self.problems))


def _read_yaml(path: Path) -> Mapping[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise StrategyDataError(
            f"{path.name}: Die Datei enthält keine Zuordnung auf oberster Ebene."
        )
    return data


def _unique(values: Iterable[Any], what: str, where: str, reader: _Reader) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            reader.fail(where, f"{what} '{value}' kommt mehrfach vor.")
        seen.add(value)


# --------------------------------------------------------------------------- process.yaml


def _questions(r: _Reader, raw: Mapping[str, Any], where: str) -> tuple[GuidingQuestion, ...]:
    questions = []
    for index, item in enumerate(r.items(raw, "guiding_questions", where)):
        here = f"{where}, Leitfrage {index + 1}"
        entry = r.mapping(item, here)
        questions.append(
            GuidingQuestion(
                text=r.text(entry, "text", here),
                group=r.optional_text(entry, "group", here),
                printed=r.flag(entry, "printed", here, default=True),
                source=r.required_source(entry.get("source"), here),
            )
        )
    return tuple(questions)


def _results(r: _Reader, raw: Mapping[str, Any], where: str) -> tuple[Result, ...]:
    results = []
    for index, item in enumerate(r.items(raw, "results", where)):
        here = f"{where}, Ergebnis {index + 1}"
        entry = r.mapping(item, here)
        results.append(
            Result(
                text=r.text(entry, "text", here),
                source=r.required_source(entry.get("source"), here),
            )
        )
    return tuple(results)


def _elements(r: _Reader, raw: Mapping[str, Any], key: str, where: str) -> tuple[Element, ...]:
    elements = []
    for index, item in enumerate(r.items(raw, key, where)):
        here = f"{where}, {key}[{index}]"
        entry = r.mapping(item, here)
        slug = entry.get("slug")
        elements.append(
            Element(
                slug=r.slug(entry, "slug", here) if slug is not None else None,
                title=r.text(entry, "title", here),
                description=r.text(entry, "description", here),
                source=r.required_source(entry.get("source"), here),
                step=r.integer(entry, "step", here),
                title_printed=r.flag(entry, "title_printed", here, default=True),
            )
        )
    return tuple(elements)


def _step(r: _Reader, raw: Any, index: int) -> Step:
    entry = r.mapping(raw, f"steps[{index}]")
    number = r.integer(entry, "number", f"steps[{index}]")
    where = f"Arbeitsschritt {number if number is not None else f'[{index}]'}"
    methods = []
    for m_index, item in enumerate(r.items(entry, "methods", where)):
        here = f"{where}, Methode {m_index + 1}"
        method = r.mapping(item, here)
        methods.append(
            Method(
                label=r.text(method, "label", here),
                worksheet=r.optional_text(method, "worksheet", here),
                source=r.required_source(method.get("source"), here),
            )
        )
    return Step(
        number=number if number is not None else 0,
        slug=r.slug(entry, "slug", where),
        title=r.text(entry, "title", where),
        title_printed=r.flag(entry, "title_printed", where, default=True),
        cycle=r.text(entry, "cycle", where),
        combinable_with=r.numbers(entry, "combinable_with", where),
        repeatable=r.flag(entry, "repeatable", where),
        goals=r.texts(entry, "goals", where),
        guiding_questions=_questions(r, entry, where),
        methods=tuple(methods),
        results=_results(r, entry, where),
        worksheets=r.texts(entry, "worksheets", where),
        substeps=_elements(r, entry, "substeps", where),
        models=_elements(r, entry, "models", where),
        vocabulary=r.optional_text(entry, "vocabulary", where),
        source=r.required_source(entry.get("source"), where),
        note=r.text(entry, "note", where, required=False),
    )


def parse_process(data: Mapping[str, Any]) -> Process:
    """Build the :class:`Process` from the content of ``process.yaml`` and check its own rules.

    Raises
    ------
    StrategyDataError
        Listing every problem (German, naming item, field and problem).
    """
    r = _Reader(PROCESS_FILE)
    doc = r.mapping(data.get("document"), "document")
    reference_date = doc.get("reference_date")
    try:
        parsed_date = dt.date.fromisoformat(str(reference_date))
    except ValueError:
        r.fail("document", f"reference_date {reference_date!r} ist kein Datum JJJJ-MM-TT.")
        parsed_date = dt.date(1, 1, 1)
    if doc.get("file") != SEED_FILE:
        r.fail("document", f"file muss {SEED_FILE} sein.")
    document = Document(
        file=str(doc.get("file")),
        title=r.text(doc, "title", "document"),
        reference_date=parsed_date,
        source=r.required_source(doc.get("reference_date_source"), "document"),
        note=r.text(doc, "note", "document", required=False),
    )

    cycles = []
    for index, item in enumerate(r.items(data, "cycles", "cycles")):
        entry = r.mapping(item, f"cycles[{index}]")
        where = f"Zyklus {entry.get('slug', index)}"
        cycles.append(
            Cycle(
                slug=r.slug(entry, "slug", where),
                title=r.text(entry, "title", where),
                description=r.text(entry, "description", where),
                steps=r.numbers(entry, "steps", where),
                steps_inferred=r.flag(entry, "steps_inferred", where),
                source=r.required_source(entry.get("source"), where),
                note=r.text(entry, "note", where, required=False),
            )
        )

    steps = tuple(
        _step(r, item, index) for index, item in enumerate(r.items(data, "steps", "steps"))
    )

    combinations = []
    for index, item in enumerate(r.items(data, "combinations", "combinations")):
        where = f"Kombination {index + 1}"
        entry = r.mapping(item, where)
        pair = r.numbers(entry, "steps", where)
        r.source(entry.get("source"), where)
        if len(pair) != 2 or pair[0] == pair[1]:
            r.fail(where, f"'steps' muss zwei verschiedene Schritte nennen, nicht {list(pair)}.")
            continue
        combinations.append((min(pair), max(pair)))

    loops = []
    for index, item in enumerate(r.items(data, "loops", "loops")):
        where = f"Schleife {index + 1}"
        entry = r.mapping(item, where)
        kind = r.text(entry, "kind", where)
        if kind and kind not in LOOP_KINDS:
            r.fail(
                where, f"kind '{kind}' ist unbekannt (erlaubt: {', '.join(sorted(LOOP_KINDS))})."
            )
        loops.append(
            Loop(
                kind=kind,
                from_step=r.integer(entry, "from_step", where),
                to_step=r.integer(entry, "to_step", where),
                description=r.text(entry, "description", where),
                source=r.required_source(entry.get("source"), where),
            )
        )

    variants = []
    for index, item in enumerate(r.items(data, "entry_variants", "entry_variants")):
        entry = r.mapping(item, f"entry_variants[{index}]")
        where = f"Einstiegsvariante {entry.get('slug', index)}"
        variants.append(
            EntryVariant(
                slug=r.slug(entry, "slug", where),
                label=r.text(entry, "label", where),
                description=r.text(entry, "description", where),
                entry_steps=r.numbers(entry, "entry_steps", where),
                source=r.required_source(entry.get("source"), where),
            )
        )

    sm = r.mapping(data.get("special_module"), "special_module")
    where = "Sonderbaustein"
    special = SpecialModule(
        code=r.text(sm, "code", where),
        slug=r.slug(sm, "slug", where),
        title=r.text(sm, "title", where),
        follows_steps=r.numbers(sm, "follows_steps", where),
        revised_after=r.numbers(sm, "revised_after", where),
        goals=r.texts(sm, "goals", where),
        guiding_questions=_questions(r, sm, where),
        results=_results(r, sm, where),
        worksheets=r.texts(sm, "worksheets", where),
        source=r.required_source(sm.get("source"), where),
        note=r.text(sm, "note", where, required=False),
    )

    sp = r.mapping(data.get("strategy_paper"), "strategy_paper")
    length = r.mapping(sp.get("length"), "strategy_paper, length")
    paper = StrategyPaper(
        key_components=_elements(r, sp, "key_components", "Strategiepapier"),
        typical_chapters=_elements(r, sp, "typical_chapters", "Strategiepapier"),
        length_description=r.text(length, "description", "Strategiepapier, length"),
        length_source=r.required_source(length.get("source"), "Strategiepapier, length"),
    )

    process = Process(
        document=document,
        cycles=tuple(cycles),
        steps=steps,
        combinations=tuple(combinations),
        loops=tuple(loops),
        entry_variants=tuple(variants),
        special_module=special,
        strategy_paper=paper,
        municipal_roles=_elements(r, data, "municipal_roles", "Rollen der Kommune"),
    )
    _check_process(r, process)
    r.finish()
    return process


def _check_process(r: _Reader, process: Process) -> None:
    numbers = [step.number for step in process.steps]
    if sorted(numbers) != list(STEP_NUMBERS):
        r.fail(
            "steps", f"Die Nummern müssen 1 bis 9 je genau einmal enthalten, gefunden {numbers}."
        )
    known = set(numbers)
    _unique((step.slug for step in process.steps), "Schritt-Bezeichner", "steps", r)

    cycle_slugs = [cycle.slug for cycle in process.cycles]
    if sorted(cycle_slugs) != sorted(CYCLE_SLUGS):
        r.fail("cycles", f"Erwartet die Zyklen {list(CYCLE_SLUGS)}, gefunden {cycle_slugs}.")
    for cycle in process.cycles:
        members = sorted(step.number for step in process.steps if step.cycle == cycle.slug)
        if sorted(cycle.steps) != members:
            r.fail(
                f"Zyklus {cycle.slug}",
                f"'steps' {list(cycle.steps)} passt nicht zu den Schritten mit diesem Zyklus "
                f"{members}.",
            )

    for step in process.steps:
        where = f"Arbeitsschritt {step.number}"
        if step.cycle not in cycle_slugs:
            r.fail(where, f"Zyklus '{step.cycle}' ist unbekannt.")
        for other in step.combinable_with:
            if other == step.number:
                r.fail(
                    where,
                    "Feld 'combinable_with': ein Schritt ist nicht mit sich selbst kombinierbar.",
                )
            elif other not in known:
                r.fail(where, f"Feld 'combinable_with': Schritt {other} gibt es nicht.")
            elif step.number not in process.step(other).combinable_with:
                r.fail(
                    where,
                    f"Feld 'combinable_with': Schritt {other} führt Schritt {step.number} nicht "
                    "als kombinierbar auf (muss gegenseitig sein).",
                )
        if not step.goals:
            r.fail(where, "Feld 'goals' ist leer.")
        if not step.results:
            r.fail(where, "Feld 'results' ist leer.")
        if not step.worksheets:
            r.fail(
                where, "Feld 'worksheets' ist leer; jeder Schritt hat mindestens eine Arbeitshilfe."
            )
        for method in step.methods:
            if method.worksheet is not None and method.worksheet not in step.worksheets:
                r.fail(
                    where,
                    f"Methode '{method.label}': Arbeitshilfe '{method.worksheet}' steht nicht in "
                    "'worksheets' des Schritts.",
                )

    pairs = {
        (min(step.number, other), max(step.number, other))
        for step in process.steps
        for other in step.combinable_with
    }
    if pairs != set(process.combinations):
        r.fail(
            "combinations",
            f"Die Paare {sorted(process.combinations)} weichen von 'combinable_with' der "
            f"Schritte ab {sorted(pairs)}.",
        )

    for index, loop in enumerate(process.loops):
        where = f"Schleife {index + 1}"
        for key, value in (("from_step", loop.from_step), ("to_step", loop.to_step)):
            if value is not None and value not in known:
                r.fail(where, f"Feld '{key}': Schritt {value} gibt es nicht.")
        if loop.kind == "repeat" and (
            loop.from_step not in known
            or loop.from_step != loop.to_step
            or not process.step(loop.from_step).repeatable
        ):
            r.fail(
                where,
                "Eine Wiederholung muss von einem wiederholbaren Schritt zu sich selbst führen.",
            )
        if loop.kind == "revise_strategy" and (loop.from_step != 9 or loop.to_step is not None):
            r.fail(where, "Die Überarbeitung der Strategie führt von Schritt 9 zum Sonderbaustein.")
    for step in process.steps:
        if step.repeatable and not any(
            loop.kind == "repeat" and loop.from_step == step.number for loop in process.loops
        ):
            r.fail(f"Arbeitsschritt {step.number}", "wiederholbar, aber ohne Schleife 'repeat'.")

    for variant in process.entry_variants:
        unknown = [n for n in variant.entry_steps if n not in known]
        if not variant.entry_steps or unknown:
            r.fail(
                f"Einstiegsvariante {variant.slug}",
                f"'entry_steps' ungültig: {list(variant.entry_steps)}.",
            )
    _unique((v.slug for v in process.entry_variants), "Einstiegsvariante", "entry_variants", r)

    special = process.special_module
    for key, values in (
        ("follows_steps", special.follows_steps),
        ("revised_after", special.revised_after),
    ):
        if not values or any(n not in known for n in values):
            r.fail("Sonderbaustein", f"Feld '{key}' nennt unbekannte Schritte: {list(values)}.")

    for element in (
        *process.strategy_paper.key_components,
        *process.strategy_paper.typical_chapters,
    ):
        if element.step is not None and element.step not in known:
            r.fail(f"Strategiepapier, {element.slug}", f"Schritt {element.step} gibt es nicht.")


# --------------------------------------------------------------------------- worksheets.yaml


def _options(r: _Reader, raw: Mapping[str, Any], key: str, where: str) -> tuple[Option, ...]:
    options = []
    for index, item in enumerate(r.items(raw, key, where)):
        here = f"{where}, Option {index + 1}"
        entry = r.mapping(item, here)
        options.append(
            Option(value=r.slug(entry, "value", here), label=r.text(entry, "label", here))
        )
    _unique((o.value for o in options), "Optionswert", where, r)
    return tuple(options)


def _field(r: _Reader, raw: Any, where: str, nested: bool = False) -> Field:
    entry = r.mapping(raw, where)
    field_id = r.slug(entry, "id", where)
    here = f"{where}, Feld '{field_id}'"
    field_type = r.text(entry, "type", here)
    origin = r.text(entry, "origin", here)
    if field_type and field_type not in FIELD_TYPES:
        r.fail(
            here, f"Typ '{field_type}' ist unbekannt (erlaubt: {', '.join(sorted(FIELD_TYPES))})."
        )
    if origin and origin not in ORIGINS:
        r.fail(here, f"origin '{origin}' ist unbekannt (erlaubt: {', '.join(sorted(ORIGINS))}).")
    source = r.source(entry.get("source"), here, required=origin != "platform")

    scale = None
    if "scale" in entry:
        spec = r.mapping(entry.get("scale"), f"{here}, scale")
        low, high = r.integer(spec, "min", here), r.integer(spec, "max", here)
        labels = r.mapping(spec.get("labels", {}), f"{here}, scale.labels")
        if low is None or high is None or low >= high:
            r.fail(here, f"Skala braucht ganze Zahlen min < max, nicht {low!r}..{high!r}.")
        else:
            scale = Scale(
                min=low, max=high, labels=tuple(sorted((int(k), str(v)) for k, v in labels.items()))
            )

    columns = tuple(
        _field(r, item, f"{here}, Spalte {index + 1}", nested=True)
        for index, item in enumerate(r.items(entry, "columns", here))
    )
    rows = []
    for index, item in enumerate(r.items(entry, "rows", here)):
        row_where = f"{here}, Zeile {index + 1}"
        row = r.mapping(item, row_where)
        rows.append(
            TableRow(
                id=r.slug(row, "id", row_where),
                label=r.text(row, "label", row_where),
                group=r.optional_text(row, "group", row_where),
                guiding_question=r.optional_text(row, "guiding_question", row_where),
                source=r.source(row.get("source"), row_where),
            )
        )
    field = Field(
        id=field_id,
        label=r.text(entry, "label", here),
        label_printed=r.flag(entry, "label_printed", here, default=origin == "template"),
        type=field_type,
        origin=origin,
        source=source,
        help=r.text(entry, "help", here, required=False),
        section=r.optional_text(entry, "section", here),
        options=_options(r, entry, "options", here),
        multiple=r.flag(entry, "multiple", here),
        catalogue=r.optional_text(entry, "catalogue", here),
        vocabulary=r.optional_text(entry, "vocabulary", here),
        scale=scale,
        unit=r.optional_text(entry, "unit", here),
        columns=columns,
        rows=tuple(rows),
        example=entry.get("example"),
        note=r.text(entry, "note", here, required=False),
    )
    _check_field(r, field, here, nested)
    return field


def _check_field(r: _Reader, field: Field, where: str, nested: bool) -> None:
    if field.type == "choice" and not field.options and field.catalogue is None:
        r.fail(where, "Auswahlfeld ohne 'options' und ohne 'catalogue'.")
    if field.type != "choice" and (field.options or field.catalogue or field.multiple):
        r.fail(where, "'options', 'catalogue' und 'multiple' gibt es nur bei Typ choice.")
    if field.options and field.catalogue:
        r.fail(where, "Entweder 'options' oder 'catalogue', nicht beides.")
    if field.catalogue is not None and field.catalogue not in CATALOGUES:
        r.fail(where, f"catalogue '{field.catalogue}' ist unbekannt.")
    if field.type == "scale" and field.scale is None:
        r.fail(where, "Skalenfeld ohne gültige 'scale'.")
    if field.type != "scale" and field.scale is not None:
        r.fail(where, "'scale' gibt es nur bei Typ scale.")
    if field.type == "table":
        if nested:
            r.fail(where, "Tabellen dürfen nicht in Tabellen stehen.")
        if not field.columns:
            r.fail(where, "Tabelle ohne Spalten ('columns').")
        _unique((c.id for c in field.columns), "Spalte", where, r)
        _unique((row.id for row in field.rows), "Zeile", where, r)
    elif field.columns or field.rows:
        r.fail(where, "'columns' und 'rows' gibt es nur bei Typ table.")
    if field.unit is not None and field.type != "number":
        r.fail(where, "'unit' gibt es nur bei Typ number.")


def parse_worksheets(data: Mapping[str, Any]) -> tuple[Worksheet, ...]:
    """Build the worksheets from the content of ``worksheets.yaml`` and check their own rules.

    Raises
    ------
    StrategyDataError
        Listing every problem (German, naming worksheet, field and problem).
    """
    r = _Reader(WORKSHEETS_FILE)
    worksheets = []
    for index, item in enumerate(r.items(data, "worksheets", "worksheets")):
        entry = r.mapping(item, f"worksheets[{index}]")
        number = r.integer(entry, "number", f"worksheets[{index}]")
        where = f"Arbeitshilfe {number} ({entry.get('slug')})"
        sections = []
        for s_index, raw_section in enumerate(r.items(entry, "sections", where)):
            here = f"{where}, Abschnitt {s_index + 1}"
            section = r.mapping(raw_section, here)
            sections.append(
                Section(
                    id=r.slug(section, "id", here),
                    title=r.text(section, "title", here),
                    source=r.required_source(section.get("source"), here),
                    title_printed=r.flag(section, "title_printed", here, default=True),
                )
            )
        fields = tuple(_field(r, raw, where) for raw in r.items(entry, "fields", where))
        tools = []
        for t_index, raw_tool in enumerate(r.items(entry, "tools", where)):
            here = f"{where}, Werkzeug {t_index + 1}"
            tool = r.mapping(raw_tool, here)
            tools.append(
                Tool(
                    slug=r.slug(tool, "slug", here),
                    name=r.text(tool, "name", here),
                    url=r.text(tool, "url", here),
                    description=r.text(tool, "description", here),
                    category=r.optional_text(tool, "category", here),
                    source=r.required_source(tool.get("source"), here),
                )
            )
        worksheet = Worksheet(
            number=number if number is not None else 0,
            slug=r.slug(entry, "slug", where),
            title=r.text(entry, "title", where),
            format=r.text(entry, "format", where),
            purpose=r.text(entry, "purpose", where),
            steps=r.numbers(entry, "steps", where),
            sections=tuple(sections),
            fields=fields,
            tools=tuple(tools),
            tool_categories=_options(r, entry, "tool_categories", where),
            rules=r.mapping(entry.get("rules", {}), f"{where}, rules"),
            source=r.required_source(entry.get("source"), where),
            note=r.text(entry, "note", where, required=False),
        )
        _check_worksheet(r, worksheet, where)
        worksheets.append(worksheet)

    numbers = [w.number for w in worksheets]
    if sorted(numbers) != list(range(1, WORKSHEET_COUNT + 1)):
        r.fail(
            "worksheets",
            f"Die Nummern müssen 1 bis 10 je genau einmal enthalten, gefunden {numbers}.",
        )
    _unique((w.slug for w in worksheets), "Arbeitshilfe", "worksheets", r)
    r.finish()
    return tuple(worksheets)


def _check_worksheet(r: _Reader, worksheet: Worksheet, where: str) -> None:
    if not worksheet.fields:
        r.fail(where, "Feld 'fields' ist leer; jede Arbeitshilfe hat mindestens ein Feld.")
    if not worksheet.steps:
        r.fail(
            where, "Feld 'steps' ist leer; jede Arbeitshilfe unterstützt mindestens einen Schritt."
        )
    for number in worksheet.steps:
        if number not in STEP_NUMBERS:
            r.fail(where, f"Feld 'steps': Arbeitsschritt {number} gibt es nicht (1-9).")
    _unique((f.id for f in worksheet.fields), "Feld", where, r)
    section_ids = {s.id for s in worksheet.sections}
    for field in worksheet.fields:
        if field.section is not None and field.section not in section_ids:
            r.fail(where, f"Feld '{field.id}': Abschnitt '{field.section}' gibt es nicht.")
    categories = {c.value for c in worksheet.tool_categories}
    for tool in worksheet.tools:
        if tool.category is not None and tool.category not in categories:
            r.fail(where, f"Werkzeug '{tool.slug}': Kategorie '{tool.category}' gibt es nicht.")


# --------------------------------------------------------------------------- catalogues


def parse_risk_categories(data: Mapping[str, Any]) -> tuple[RiskCategory, ...]:
    """The risk categories of the risk matrix (``risk_categories.yaml``)."""
    r = _Reader(RISK_CATEGORIES_FILE)
    categories = []
    for index, item in enumerate(r.items(data, "categories", "categories")):
        entry = r.mapping(item, f"categories[{index}]")
        where = f"Risikokategorie {entry.get('slug', index)}"
        categories.append(
            RiskCategory(
                slug=r.slug(entry, "slug", where),
                title=r.text(entry, "title", where),
                description=r.text(entry, "description", where),
                examples=r.texts(entry, "examples", where),
                source=r.required_source(entry.get("source"), where),
            )
        )
    if not categories:
        r.fail("categories", "Keine Risikokategorien.")
    _unique((c.slug for c in categories), "Risikokategorie", "categories", r)
    r.finish()
    return tuple(categories)


def parse_selection_criteria(data: Mapping[str, Any]) -> SelectionCriteria:
    """The project-selection criteria in their four groups (``selection_criteria.yaml``)."""
    r = _Reader(SELECTION_CRITERIA_FILE)
    weight = data.get("default_weight")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        r.fail("default_weight", f"muss eine positive Zahl sein, nicht {weight!r}.")
        weight = 1
    groups = []
    for index, item in enumerate(r.items(data, "groups", "groups")):
        entry = r.mapping(item, f"groups[{index}]")
        slug = r.slug(entry, "slug", f"groups[{index}]")
        where = f"Kriteriengruppe {slug}"
        criteria = []
        for c_index, raw in enumerate(r.items(entry, "criteria", where)):
            criterion = r.mapping(raw, f"{where}, Kriterium {c_index + 1}")
            here = f"{where}, Kriterium {criterion.get('slug', c_index + 1)}"
            step = r.integer(criterion, "step", here)
            if step is not None and step not in STEP_NUMBERS:
                r.fail(here, f"Feld 'step': Arbeitsschritt {step} gibt es nicht.")
            criteria.append(
                Criterion(
                    slug=r.slug(criterion, "slug", here),
                    label=r.text(criterion, "label", here),
                    group=slug,
                    step=step,
                    help=r.text(criterion, "help", here),
                    source=r.required_source(criterion.get("source"), here),
                )
            )
        if not criteria:
            r.fail(where, "Gruppe ohne Kriterien.")
        groups.append(
            CriterionGroup(
                slug=slug,
                title=r.text(entry, "title", where),
                criteria=tuple(criteria),
                source=r.required_source(entry.get("source"), where),
            )
        )
    result = SelectionCriteria(default_weight=float(weight), groups=tuple(groups))
    _unique((c.slug for c in result.criteria), "Kriterium", "groups", r)
    r.finish()
    return result


def _vocabularies(fields_file: Path) -> tuple[set[str], tuple[Option, ...]]:
    """Vocabulary slugs and the ten atlas fields from ``fields_of_action.yaml``."""
    data = _read_yaml(fields_file)
    vocabularies = {str(v["slug"]) for v in data.get("vocabularies", [])}
    fields = tuple(
        Option(value=str(f["slug"]), label=str(f["name"])) for f in data.get("fields", [])
    )
    return vocabularies, fields


# --------------------------------------------------------------------------- cross-checks


def check_references(
    process: Process,
    worksheets: tuple[Worksheet, ...],
    vocabularies: set[str],
) -> list[str]:
    """Problems between the files: steps and worksheets must name each other, vocabularies exist.

    Returns
    -------
    list of str
        German messages, empty when everything fits.
    """
    problems: list[str] = []
    by_slug = {w.slug: w for w in worksheets}
    for step in process.steps:
        for slug in step.worksheets:
            worksheet = by_slug.get(slug)
            if worksheet is None:
                problems.append(
                    f"{PROCESS_FILE}, Arbeitsschritt {step.number}, Feld 'worksheets': "
                    f"Arbeitshilfe '{slug}' ist unbekannt."
                )
            elif step.number not in worksheet.steps:
                problems.append(
                    f"{WORKSHEETS_FILE}, Arbeitshilfe {worksheet.number} ({slug}), Feld 'steps': "
                    f"Arbeitsschritt {step.number} nutzt sie, fehlt aber hier."
                )
        if step.vocabulary is not None and step.vocabulary not in vocabularies:
            problems.append(
                f"{PROCESS_FILE}, Arbeitsschritt {step.number}, Feld 'vocabulary': "
                f"'{step.vocabulary}' fehlt in fields_of_action.yaml."
            )
    for worksheet in worksheets:
        for number in worksheet.steps:
            if number in STEP_NUMBERS and worksheet.slug not in process.step(number).worksheets:
                problems.append(
                    f"{PROCESS_FILE}, Arbeitsschritt {number}, Feld 'worksheets': Arbeitshilfe "
                    f"'{worksheet.slug}' nennt diesen Schritt, fehlt aber hier."
                )
        for field in _all_fields(worksheet.fields):
            if field.vocabulary is not None and field.vocabulary not in vocabularies:
                problems.append(
                    f"{WORKSHEETS_FILE}, Arbeitshilfe {worksheet.number} ({worksheet.slug}), Feld "
                    f"'{field.id}': Vokabular '{field.vocabulary}' fehlt in fields_of_action.yaml."
                )
    return problems


def _all_fields(fields: Iterable[Field]) -> Iterable[Field]:
    for field in fields:
        yield field
        yield from field.columns


def _resolve(field: Field, catalogues: Mapping[str, tuple[Option, ...]]) -> Field:
    options = catalogues[field.catalogue] if field.catalogue is not None else field.options
    columns = tuple(_resolve(column, catalogues) for column in field.columns)
    return dataclasses.replace(field, options=options, columns=columns)


@cache
def load_all(directory: Path = DATA_DIR, fields_file: Path = FIELDS_FILE) -> StrategyData:
    """Load and cross-check all strategy files (cached per directory).

    Raises
    ------
    StrategyDataError
        When any file breaks a rule; the message lists every problem.
    """
    process = parse_process(_read_yaml(directory / PROCESS_FILE))
    worksheets = parse_worksheets(_read_yaml(directory / WORKSHEETS_FILE))
    risks = parse_risk_categories(_read_yaml(directory / RISK_CATEGORIES_FILE))
    criteria = parse_selection_criteria(_read_yaml(directory / SELECTION_CRITERIA_FILE))
    vocabularies, atlas_fields = _vocabularies(fields_file)
    problems = check_references(process, worksheets, vocabularies)
    if problems:
        raise StrategyDataError("\n".join(problems))
    catalogues: dict[str, tuple[Option, ...]] = {
        "risk_categories": tuple(Option(c.slug, c.title) for c in risks),
        "selection_criteria": tuple(Option(c.slug, c.label) for c in criteria.criteria),
        "municipal_roles": tuple(Option(str(e.slug), e.title) for e in process.municipal_roles),
        "atlas_fields": atlas_fields,
        "project_management_tools": tuple(
            Option(t.slug, t.name) for w in worksheets for t in w.tools
        ),
    }
    resolved = tuple(
        dataclasses.replace(w, fields=tuple(_resolve(f, catalogues) for f in w.fields))
        for w in worksheets
    )
    return StrategyData(
        process=process,
        worksheets=resolved,
        risk_categories=risks,
        selection_criteria=criteria,
    )


def load_process() -> Process:
    """The shipped, validated process (cached)."""
    return load_all().process


def load_worksheets() -> tuple[Worksheet, ...]:
    """The ten shipped, validated worksheets with catalogue options filled in (cached)."""
    return load_all().worksheets


def load_risk_categories() -> tuple[RiskCategory, ...]:
    """The five risk categories of the risk matrix (cached)."""
    return load_all().risk_categories


def load_selection_criteria() -> SelectionCriteria:
    """The project-selection criteria in four groups (cached)."""
    return load_all().selection_criteria


# --------------------------------------------------------------------------- API document


def _questions_json(questions: Iterable[GuidingQuestion]) -> list[dict[str, Any]]:
    return [{"group": q.group, "text": q.text, "printed": q.printed} for q in questions]


def process_json(data: StrategyData | None = None) -> dict[str, Any]:
    """The process as plain JSON for ``GET /api/v1/strategy/process`` (English keys).

    Steps carry number, German title, cycle, combinable steps, whether they repeat, goals,
    guiding questions, methods, results (checklist items), worksheet numbers and their source;
    worksheets carry number, title and the steps they support.
    """
    data = data or load_all()
    process = data.process
    number_of = {w.slug: w.number for w in data.worksheets}
    special = process.special_module
    return {
        "document": {
            "file": process.document.file,
            "title": process.document.title,
            "reference_date": process.document.reference_date.isoformat(),
        },
        "cycles": [
            {
                "slug": c.slug,
                "title": c.title,
                "description": c.description,
                "steps": list(c.steps),
                "steps_inferred": c.steps_inferred,
            }
            for c in process.cycles
        ],
        "steps": [
            {
                "number": s.number,
                "slug": s.slug,
                "title": s.title,
                "title_printed": s.title_printed,
                "cycle": s.cycle,
                "combinable_with": list(s.combinable_with),
                "repeatable": s.repeatable,
                "goals": list(s.goals),
                "guiding_questions": _questions_json(s.guiding_questions),
                "methods": [
                    {
                        "label": m.label,
                        "worksheet": number_of[m.worksheet] if m.worksheet else None,
                    }
                    for m in s.methods
                ],
                "results": [result.text for result in s.results],
                "worksheets": [number_of[slug] for slug in s.worksheets],
                "source": s.source.as_dict(),
            }
            for s in process.steps
        ],
        "special_module": {
            "code": special.code,
            "slug": special.slug,
            "title": special.title,
            "follows_steps": list(special.follows_steps),
            "revised_after": list(special.revised_after),
            "goals": list(special.goals),
            "guiding_questions": _questions_json(special.guiding_questions),
            "results": [result.text for result in special.results],
            "source": special.source.as_dict(),
        },
        "loops": [
            {
                "kind": loop.kind,
                "from_step": loop.from_step,
                "to_step": loop.to_step,
                "description": loop.description,
            }
            for loop in process.loops
        ],
        "entry_variants": [
            {
                "slug": v.slug,
                "label": v.label,
                "description": v.description,
                "entry_steps": list(v.entry_steps),
            }
            for v in process.entry_variants
        ],
        "worksheets": [
            {"number": w.number, "slug": w.slug, "title": w.title, "steps": list(w.steps)}
            for w in data.worksheets
        ],
    }
