"""Digitalcheck scoring: dimension scores, maturity level, strengths and gaps, recommendations,
self-rating comparison and the selection of the studies' reference figures.

The questionnaire is the engine's parsed definition (:class:`Questionnaire` from
:mod:`kompass.questionnaires.definition`, pure Python like this module); a plain mapping such as
``yaml.safe_load`` of ``data/questionnaires/digitalcheck-v1.yaml`` is accepted too and parsed
with the engine's :func:`load_definition`. Skip logic is the engine's
(:meth:`Questionnaire.visibility`, :meth:`Condition.holds`): one reading of ``show_if`` for the
forms, the answer checks and the scores. The recommendations and the reference figures come in
as parsed YAML mappings (``data/digitalcheck/recommendations.yaml`` and
``data/digitalcheck/reference_figures.yaml``); answers are the contract's ``{item_id: value}``.
No file access, no Django. The rules and why they are so: ``docs/data/digitalcheck.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kompass.questionnaires.definition import (
    NO_ANSWER,
    Condition,
    Item,
    Questionnaire,
    load_definition,
)

#: A questionnaire: the engine's parsed definition, or its YAML as a plain mapping.
Definition = Questionnaire | Mapping[str, Any]
#: "Weiß nicht": a yes/no value and an option value some items offer. Never scored.
DONT_KNOW = "dont_know"
#: Answers that count as "not answered" for scoring.
UNSCORED_VALUES = frozenset({NO_ANSWER, DONT_KNOW})
#: A multiple-choice item scores the sum of its chosen options' points, capped here.
MAX_POINTS = 100.0
#: Boundaries of the overall score for levels 2, 3, 4 and 5 (a level starts at its bound).
LEVEL_BOUNDS: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0)
#: Level 4 and above need these dimensions scored and at least at GATE_SCORE.
LEVEL_4_GATES: tuple[str, ...] = ("strategy", "organisation")
#: Minimum score of a gate dimension (level 4) and of every dimension (level 5).
GATE_SCORE = 50.0
#: Default thresholds of :func:`strengths_and_gaps`.
STRENGTH_THRESHOLD = 75.0
GAP_THRESHOLD = 50.0
#: Self-rating scale values that mean "gut" / "sehr gut" and "gar nicht gut" / "weniger gut".
SELF_RATING_HIGH = 4
SELF_RATING_LOW = 2
BODIES = ("all", "municipality", "district")
LANDS = frozenset(
    {"SH", "HH", "NI", "HB", "NW", "HE", "RP", "BW", "BY", "SL", "BE", "BB", "MV", "SN", "ST", "TH"}
)


@dataclass(frozen=True)
class DimensionScore:
    """The score of one dimension for one set of answers.

    Attributes
    ----------
    dimension, title
        Dimension id and German title from the questionnaire's ``dimensions``.
    score
        0-100, rounded to one decimal; ``None`` when ``insufficient``.
    answered
        Scored items of this dimension that were asked and answered with a value that scores.
    applicable
        Scored items of this dimension that were asked (shown by the skip logic).
    insufficient
        ``True`` when fewer than half of the applicable items are answered (or none applies):
        the score would say more about the blanks than about the municipality.
    """

    dimension: str
    title: str
    score: float | None
    answered: int
    applicable: int
    insufficient: bool


@dataclass(frozen=True)
class Level:
    """A maturity level (Reifegrad) with its German title and description.

    Attributes
    ----------
    number
        1 (Einstieg) to 5 (Digital gestaltend).
    title, description
        German text for the result page.
    overall
        Unweighted mean of the scored dimensions (one decimal) the level was derived from.
    capped_by
        Dimensions that held the level below what ``overall`` alone would give (empty when
        the level follows from the score).
    """

    number: int
    title: str
    description: str
    overall: float
    capped_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class StrengthsAndGaps:
    """Dimensions sorted into strengths (best first) and gaps (weakest first)."""

    strengths: tuple[str, ...]
    gaps: tuple[str, ...]
    unscored: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    """One recommendation chosen for a result, with why it was chosen.

    ``reason`` is ``"gap:<dimension>"`` or ``"barrier:<option>"``; ``sources`` are
    ``(doc, first_line, last_line)`` triples.
    """

    id: str
    title: str
    text: str
    dimensions: tuple[str, ...]
    reason: str
    sources: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class SelfRatingComparison:
    """A self-rating (1-5) beside the measured score of the dimension it rates.

    ``verdict`` is ``"overestimated"`` (rated gut/sehr gut, measured below the gap threshold),
    ``"underestimated"`` (rated gar nicht/weniger gut, measured at strength level) or
    ``"consistent"``.
    """

    item: str
    dimension: str
    rating: int
    measured: float
    verdict: str


#: (number, title, description) of the five levels; thresholds in LEVEL_BOUNDS.
LEVELS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "Einstieg",
        "Die Digitalisierung ist bisher kaum organisiert. Es gibt weder eine Strategie noch "
        "klare Zuständigkeiten, und digitale Angebote sind die Ausnahme. Ein guter erster "
        "Schritt ist, Verantwortung festzulegen und eine Bestandsaufnahme zu machen.",
    ),
    (
        2,
        "Erste Schritte",
        "Einzelne Vorhaben laufen, meist in der Verwaltung selbst. Sie hängen noch stark an "
        "einzelnen Personen und sind nicht in einen gemeinsamen Plan eingebettet.",
    ),
    (
        3,
        "Im Aufbau",
        "Wichtige Grundlagen sind gelegt oder in Arbeit: eine Strategie entsteht, "
        "Zuständigkeiten sind benannt, erste Online-Dienste und Projekte über die Verwaltung "
        "hinaus gibt es. Jetzt geht es darum, Lücken zu schließen und Tempo aufzunehmen.",
    ),
    (
        4,
        "Fortgeschritten",
        "Die Kommune verfolgt eine Strategie mit klarer Verantwortung, die Verwaltung arbeitet "
        "in weiten Teilen digital und Projekte reichen in mehrere Handlungsfelder. Einzelne "
        "Bereiche hinken noch hinterher.",
    ),
    (
        5,
        "Digital gestaltend",
        "Die Kommune gestaltet den digitalen Wandel aktiv und in allen Bereichen: mit "
        "beschlossener Strategie, eigener Organisation, digitalen Abläufen, genutzten Daten, "
        "geschulten Beschäftigten und Partnern vor Ort. Sie kann anderen als Vorbild dienen.",
    ),
)


# --------------------------------------------------------------------------- definition helpers


def as_questionnaire(definition: Definition) -> Questionnaire:
    """The engine's :class:`Questionnaire` for ``definition``.

    Parameters
    ----------
    definition
        A :class:`Questionnaire` (returned as is) or the definition file as a plain mapping
        (parsed and checked with :func:`kompass.questionnaires.definition.load_definition`).

    Returns
    -------
    Questionnaire
        The frozen definition.

    Raises
    ------
    ValueError
        (``DefinitionError``) when the mapping breaks the file format, with every problem in
        German.
    TypeError
        For anything else.
    """
    if isinstance(definition, Questionnaire):
        return definition
    if not isinstance(definition, Mapping):
        raise TypeError(
            "Die Fragebogendefinition muss ein Questionnaire oder eine Zuordnung sein, "
            f"nicht {type(definition).__name__}."
        )
    return load_definition(definition)


def _dimensions(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    if not questionnaire.dimensions:
        raise ValueError("Die Fragebogendefinition nennt keine Dimensionen (dimensions).")
    return [(d.id, d.title) for d in questionnaire.dimensions]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _normalise(value: Any) -> Any:
    """``["keine_angabe"]`` (as a multiple-choice answer) means ``"keine_angabe"``."""
    if isinstance(value, list) and value == [NO_ANSWER]:
        return NO_ANSWER
    return value


def _normalised(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key): _normalise(value) for key, value in answers.items()}


def visible_items(definition: Definition, answers: Mapping[str, Any]) -> dict[str, bool]:
    """Which items are asked given the answers: ``{item_id: shown}`` in questionnaire order.

    Notes
    -----
    The engine's rule (:meth:`Questionnaire.visibility`): a condition on an unanswered, hidden
    or "keine Angabe" item does not hold, and skip logic cascades (the answer to a hidden item
    counts as no answer). ``["keine_angabe"]`` counts as "keine Angabe".

    Examples
    --------
    >>> q = load_definition('''
    ... slug: demo
    ... version: 1
    ... title: Demo
    ... sources: {"000": {file: demo.txt}}
    ... sections:
    ... - id: main
    ...   title: Fragen
    ...   items:
    ...   - {id: a, type: yes_no, text: Frage A, source: {doc: "000", lines: [1, 1]}}
    ...   - {id: b, type: yes_no, text: Frage B, source: {doc: "000", lines: [1, 1]},
    ...      show_if: {item: a, equals: "yes"}}
    ...   - {id: c, type: yes_no, text: Frage C, source: {doc: "000", lines: [1, 1]},
    ...      show_if: {item: b, equals: "yes"}}
    ... ''')
    >>> visible_items(q, {"a": "no", "b": "yes"})
    {'a': True, 'b': False, 'c': False}
    """
    return as_questionnaire(definition).visibility(_normalised(answers))


def _condition(data: Mapping[str, Any]) -> Condition:
    """A recommendation's ``when`` (the ``show_if`` format) as the engine's :class:`Condition`,
    so that it is evaluated exactly like skip logic."""
    for op in ("all", "any"):
        if op in data:
            parts = data[op]
            if not isinstance(parts, list) or not parts:
                raise ValueError(f"Bedingung {dict(data)!r}: {op} braucht eine Liste.")
            return Condition(op=op, parts=tuple(_condition(part) for part in parts))
    item = data.get("item")
    ops = [op for op in ("in", "equals", "gte", "lte") if op in data]
    if not isinstance(item, str) or len(ops) != 1:
        raise ValueError(f"Unbekannte Bedingung {dict(data)!r}.")
    op = ops[0]
    value = data[op]
    if op == "in":
        if not isinstance(value, list) or not value:
            raise ValueError(f"Bedingung {dict(data)!r}: in braucht eine Liste.")
        return Condition(op=op, item=item, values=tuple(value))
    if op == "equals":
        return Condition(op=op, item=item, values=(value,))
    if not _is_number(value):
        raise ValueError(f"Bedingung {dict(data)!r}: {op} braucht eine Zahl.")
    return Condition(op=op, item=item, bound=value)


def scoring_problems(definition: Definition) -> list[str]:
    """Check the ``scoring`` metadata of a definition against this module's rules.

    Returns
    -------
    list of str
        One English message per problem (empty when the scoring is usable): unknown
        dimensions, points for unknown options, options without points, scale scoring on a
        non-scale item, a dimension without items.

    Examples
    --------
    >>> q = load_definition('''
    ... slug: demo
    ... version: 1
    ... title: Demo
    ... sources: {"000": {file: demo.txt}}
    ... dimensions: [{id: d, title: Daten}]
    ... sections:
    ... - id: main
    ...   title: Fragen
    ...   items:
    ...   - {id: q, type: yes_no, text: Frage, source: {doc: "000", lines: [1, 1]},
    ...      scoring: {dimension: d, points: {"yes": 1}}}
    ... ''')
    >>> scoring_problems(q)
    ["q: option 'no' has no points"]
    """
    questionnaire = as_questionnaire(definition)
    problems: list[str] = []
    dimension_ids = {d for d, _ in _dimensions(questionnaire)}
    used: set[str] = set()
    for item in questionnaire.items:
        item_id = item.id
        scoring = item.scoring
        if scoring is None:
            continue
        if "self_rating_of" in scoring:
            if item.type != "scale":
                problems.append(f"{item_id}: self_rating_of needs a scale item")
            if scoring["self_rating_of"] not in dimension_ids:
                problems.append(f"{item_id}: unknown dimension {scoring['self_rating_of']!r}")
            continue
        dimension = scoring.get("dimension")
        if dimension not in dimension_ids:
            problems.append(f"{item_id}: unknown dimension {dimension!r}")
            continue
        used.add(str(dimension))
        weight = scoring.get("weight", 1)
        if not _is_number(weight) or weight <= 0:
            problems.append(f"{item_id}: weight must be a positive number")
        kind = item.type
        if kind == "scale":
            if scoring.get("scale") not in ("linear", "reverse"):
                problems.append(f"{item_id}: scale items need scale: linear or reverse")
            continue
        points = scoring.get("points")
        if not isinstance(points, Mapping):
            problems.append(f"{item_id}: points missing")
            continue
        if kind in ("yes_no", "single_choice", "multiple_choice"):
            values = list(item.option_values)
        else:
            problems.append(f"{item_id}: type {kind!r} cannot be scored")
            continue
        for value in values:
            if value not in points and value != DONT_KNOW:
                problems.append(f"{item_id}: option {value!r} has no points")
        for value, point in points.items():
            if value not in values or value == DONT_KNOW:
                problems.append(f"{item_id}: points for unknown option {value!r}")
            elif not _is_number(point) or not 0 <= point <= MAX_POINTS:
                problems.append(f"{item_id}: points of {value!r} must lie in 0-100")
    problems += [f"dimension {d!r} has no scored item" for d in sorted(dimension_ids - used)]
    return problems


# --------------------------------------------------------------------------------------- scores


def item_points(item: Item, value: Any) -> float | None:
    """Points (0-100) of one answer to one scored item, or ``None`` if the answer does not score.

    Parameters
    ----------
    item
        The item of the questionnaire (with ``scoring.dimension``).
    value
        The answer; missing (``None``), ``keine_angabe``, ``dont_know`` and an empty
        multiple-choice list do not score.

    Returns
    -------
    float or None
        single_choice and yes_no: the option's points; multiple_choice: the sum of the chosen
        options' points, capped at 100; scale: linear between min (0) and max (100), reversed
        with ``scale: reverse`` (school grades, 1 = best).

    Raises
    ------
    ValueError
        For an item without scoring, an option the item does not know or a scale value
        outside its range.
    TypeError
        For a value of the wrong type.

    Examples
    --------
    >>> from kompass.questionnaires.definition import Scale, SourceRef
    >>> grade = Item(id="r", type="scale", text="Note?", section="s", source=SourceRef("000",
    ...              (1, 1)), scale=Scale(1, 6), scoring={"dimension": "d", "scale": "reverse"})
    >>> item_points(grade, 2)
    80.0
    """
    value = _normalise(value)
    if value is None or (isinstance(value, str) and value in UNSCORED_VALUES):
        return None
    scoring = item.scoring
    item_id = item.id
    if scoring is None:
        raise ValueError(f"Frage „{item_id}“ wird nicht bewertet (kein scoring).")
    kind = item.type
    if kind == "scale":
        if not _is_number(value):
            raise TypeError(f"Frage „{item_id}“: erwartet wird eine Zahl, erhalten {value!r}.")
        if item.scale is None:
            raise ValueError(f"Frage „{item_id}“: die Skala fehlt.")
        low, high = item.scale.min, item.scale.max
        if not low <= value <= high:
            raise ValueError(f"Frage „{item_id}“: {value} liegt außerhalb von {low} bis {high}.")
        share = (value - low) / (high - low)
        return float(round((1 - share if scoring.get("scale") == "reverse" else share) * 100, 6))
    points: Mapping[str, float] = scoring["points"]
    if kind == "multiple_choice":
        if not isinstance(value, list):
            raise TypeError(f"Frage „{item_id}“: erwartet wird eine Liste, erhalten {value!r}.")
        if not value:
            return None
        known = set(item.option_values)
        for chosen in value:
            if chosen not in known:
                raise ValueError(f"Frage „{item_id}“: unbekannte Option „{chosen}“.")
        if DONT_KNOW in value:
            return None
        return float(min(MAX_POINTS, sum(points.get(chosen, 0) for chosen in value)))
    if not isinstance(value, str):
        raise TypeError(f"Frage „{item_id}“: erwartet wird ein Text, erhalten {value!r}.")
    if value not in points:
        raise ValueError(f"Frage „{item_id}“: unbekannte Option „{value}“.")
    return float(points[value])


def dimension_scores(
    definition: Definition, answers: Mapping[str, Any]
) -> dict[str, DimensionScore]:
    """Score every dimension of a questionnaire for one set of answers.

    Parameters
    ----------
    definition
        The questionnaire (:class:`Questionnaire` or the parsed YAML) with ``dimensions`` and
        scored items.
    answers
        ``{item_id: value}`` as stored for a submission. Unknown item ids raise; answers to
        items the skip logic hides are ignored.

    Returns
    -------
    dict
        ``{dimension_id: DimensionScore}`` in the order of ``dimensions``; every dimension is
        present, unscored ones with ``score=None`` and ``insufficient=True``.

    Notes
    -----
    For dimension *d* with the shown scored items *I* and the answered subset *A ⊆ I*:

    ``score = Σ_{i∈A} w_i · p_i / Σ_{i∈A} w_i``

    with the item's weight ``w_i`` (``scoring.weight``, default 1) and points ``p_i`` from
    :func:`item_points`. ``keine_angabe``, ``dont_know`` and missing answers leave the item out
    of numerator and denominator. Hidden items (the engine's skip logic,
    :meth:`Questionnaire.visibility`) are not applicable. When ``|A| < |I| / 2`` the score is
    ``None`` and ``insufficient`` is set. The rule is ours (the studies give no score);
    docs/data/digitalcheck.md gives the reasons for the points and weights.

    Examples
    --------
    >>> q = load_definition('''
    ... slug: demo
    ... version: 1
    ... title: Demo
    ... sources: {"000": {file: demo.txt}}
    ... dimensions: [{id: s, title: Strategie}]
    ... sections:
    ... - id: main
    ...   title: Fragen
    ...   items:
    ...   - {id: a, type: yes_no, text: Frage A, source: {doc: "000", lines: [1, 1]},
    ...      scoring: {dimension: s, points: {"yes": 100, "no": 0}}}
    ...   - {id: b, type: yes_no, text: Frage B, source: {doc: "000", lines: [1, 1]},
    ...      scoring: {dimension: s, weight: 3, points: {"yes": 100, "no": 0}}}
    ... ''')
    >>> dimension_scores(q, {"a": "yes", "b": "no"})["s"].score
    25.0
    """
    questionnaire = as_questionnaire(definition)
    dimensions = _dimensions(questionnaire)
    unknown = [key for key in answers if not questionnaire.has_item(key)]
    if unknown:
        raise ValueError(f"Unbekannte Frage „{unknown[0]}“.")
    shown = questionnaire.visibility(_normalised(answers))
    sums: dict[str, list[float]] = {d: [0.0, 0.0] for d, _ in dimensions}
    counts: dict[str, list[int]] = {d: [0, 0] for d, _ in dimensions}
    for item in questionnaire.items:
        scoring = item.scoring or {}
        dimension = scoring.get("dimension")
        if dimension is None:
            continue
        if dimension not in sums:
            raise ValueError(f"Frage „{item.id}“: unbekannte Dimension „{dimension}“.")
        if not shown[item.id]:
            continue
        counts[dimension][1] += 1
        points = item_points(item, answers.get(item.id))
        if points is None:
            continue
        weight = float(scoring.get("weight", 1))
        counts[dimension][0] += 1
        sums[dimension][0] += weight * points
        sums[dimension][1] += weight
    result: dict[str, DimensionScore] = {}
    for dimension, title in dimensions:
        answered, applicable = counts[dimension]
        insufficient = applicable == 0 or answered * 2 < applicable
        score = None if insufficient else round(sums[dimension][0] / sums[dimension][1], 1)
        result[dimension] = DimensionScore(
            dimension, title, score, answered, applicable, insufficient
        )
    return result


def overall_score(scores: Mapping[str, DimensionScore]) -> float | None:
    """Unweighted mean of the scored dimensions; ``None`` if fewer than half are scored.

    Examples
    --------
    >>> s = {d: DimensionScore(d, d, v, 1, 1, v is None) for d, v in [("a", 40.0), ("b", None)]}
    >>> overall_score(s)
    40.0
    """
    if not scores:
        raise ValueError("Es gibt keine Dimensionen.")
    values = [s.score for s in scores.values() if s.score is not None]
    if len(values) < math.ceil(len(scores) / 2):
        return None
    return round(sum(values) / len(values), 1)


def maturity_level(scores: Mapping[str, DimensionScore]) -> Level | None:
    """The maturity level (Reifegrad, 1-5) for a set of dimension scores.

    Parameters
    ----------
    scores
        The result of :func:`dimension_scores` (all dimensions of the questionnaire).

    Returns
    -------
    Level or None
        ``None`` when fewer than half of the dimensions have a score.

    Notes
    -----
    The overall score (:func:`overall_score`) sets the level: below 20 level 1, from 20 level 2,
    from 40 level 3, from 60 level 4, from 80 level 5 (``LEVEL_BOUNDS``). Two gates cap it:

    - level 4 and 5 need ``strategy`` and ``organisation`` scored and at least 50: study 000
      makes a holistic strategy the defining feature (000, lines 676-700), and study 001 finds
      that well-positioned municipalities have or plan a strategy and fixed responsibilities
      (001, lines 1960-1964, recommendation 4 at 2107-2127);
    - level 5 needs every dimension scored and at least 50 (no gap left; 001's recommendation
      to treat digitalisation as a whole, lines 2129-2147).

    Examples
    --------
    >>> s = {d: DimensionScore(d, d, v, 1, 1, False) for d, v in
    ...      [("strategy", 40.0), ("organisation", 90.0), ("data", 90.0)]}
    >>> level = maturity_level(s)
    >>> level.number, level.capped_by
    (3, ('strategy',))
    """
    overall = overall_score(scores)
    if overall is None:
        return None
    number = 1 + sum(1 for bound in LEVEL_BOUNDS if overall >= bound)
    capped: list[str] = []
    if number >= 4:
        weak = [d for d in LEVEL_4_GATES if not _at_least(scores.get(d), GATE_SCORE)]
        if weak:
            number, capped = 3, weak
    if number == 5:
        weak = [d for d, s in scores.items() if not _at_least(s, GATE_SCORE)]
        if weak:
            number, capped = 4, weak
    _, title, description = LEVELS[number - 1]
    return Level(number, title, description, overall, tuple(capped))


def _at_least(score: DimensionScore | None, bound: float) -> bool:
    return score is not None and score.score is not None and score.score >= bound


def strengths_and_gaps(
    scores: Mapping[str, DimensionScore],
    *,
    strength_threshold: float = STRENGTH_THRESHOLD,
    gap_threshold: float = GAP_THRESHOLD,
) -> StrengthsAndGaps:
    """Sort dimensions into strengths and gaps.

    Parameters
    ----------
    scores
        The result of :func:`dimension_scores`.
    strength_threshold
        A dimension scoring at least this is a strength (default 75).
    gap_threshold
        A dimension scoring below this is a gap (default 50).

    Returns
    -------
    StrengthsAndGaps
        ``strengths`` best first, ``gaps`` weakest first (ties in questionnaire order),
        ``unscored`` the dimensions without a score. Scores in between are neither.

    Examples
    --------
    >>> s = {d: DimensionScore(d, d, v, 1, 1, v is None) for d, v in
    ...      [("a", 80.0), ("b", 20.0), ("c", 60.0), ("d", 10.0), ("e", None)]}
    >>> strengths_and_gaps(s)
    StrengthsAndGaps(strengths=('a',), gaps=('d', 'b'), unscored=('e',))
    """
    if not 0 <= gap_threshold <= strength_threshold <= MAX_POINTS:
        raise ValueError("Es muss gelten: 0 ≤ Lückenschwelle ≤ Stärkenschwelle ≤ 100.")
    order = {d: i for i, d in enumerate(scores)}
    scored = [(s.score, d) for d, s in scores.items() if s.score is not None]
    strengths = sorted(
        ((v, d) for v, d in scored if v >= strength_threshold), key=lambda p: (-p[0], order[p[1]])
    )
    gaps = sorted(
        ((v, d) for v, d in scored if v < gap_threshold), key=lambda p: (p[0], order[p[1]])
    )
    return StrengthsAndGaps(
        strengths=tuple(d for _, d in strengths),
        gaps=tuple(d for _, d in gaps),
        unscored=tuple(d for d, s in scores.items() if s.score is None),
    )


def recommendations_for(
    gaps: Sequence[str],
    recommendations: Mapping[str, Any],
    *,
    answers: Mapping[str, Any] | None = None,
    definition: Definition | None = None,
) -> list[Recommendation]:
    """Choose the recommendations for a result.

    Parameters
    ----------
    gaps
        Dimension ids, weakest first (``strengths_and_gaps(...).gaps``).
    recommendations
        The parsed ``recommendations.yaml``.
    answers
        The submission's answers, if known: they decide recommendations with a ``when``
        condition and add those triggered by a chosen ``barriers`` option.
    definition
        The questionnaire; when given, answers to items its skip logic hides are ignored in
        ``when`` conditions. A ``when`` is read like ``show_if`` and evaluated by the engine
        (:meth:`Condition.holds`).

    Returns
    -------
    list of Recommendation
        First, for each gap in order, the recommendations naming that dimension (file order);
        then those triggered by a chosen barrier. Each recommendation appears once, with the
        first reason that chose it.

    Notes
    -----
    A recommendation with ``when`` needs ``answers`` in which the condition holds; without
    answers it is left out, because it was written for a particular situation (e.g. "start a
    strategy" only fits a municipality without one).

    Examples
    --------
    >>> recs = {"recommendations": [
    ...     {"id": "r1", "title": "T1", "text": "x", "dimensions": ["data"], "sources": []},
    ...     {"id": "r2", "title": "T2", "text": "y", "dimensions": [], "barriers": ["b"],
    ...      "sources": []}]}
    >>> [r.id for r in recommendations_for(["data"], recs, answers={"barriers": ["b"]})]
    ['r1', 'r2']
    """
    entries = recommendations.get("recommendations")
    if not isinstance(entries, list):
        raise ValueError("Die Empfehlungen brauchen eine Liste recommendations.")
    shown_answers = _normalised(answers or {})
    if answers is not None and definition is not None:
        visible = as_questionnaire(definition).visibility(shown_answers)
        shown_answers = {k: v for k, v in shown_answers.items() if visible.get(k, False)}
    chosen: dict[str, Recommendation] = {}

    def applies(entry: Mapping[str, Any]) -> bool:
        when = entry.get("when")
        return when is None or (answers is not None and _condition(when).holds(shown_answers))

    for gap in gaps:
        for entry in entries:
            if entry["id"] not in chosen and gap in entry.get("dimensions", []) and applies(entry):
                chosen[entry["id"]] = _recommendation(entry, f"gap:{gap}")
    barriers = shown_answers.get("barriers")
    if isinstance(barriers, list):
        for entry in entries:
            hits = [b for b in entry.get("barriers", []) if b in barriers]
            if hits and entry["id"] not in chosen and applies(entry):
                chosen[entry["id"]] = _recommendation(entry, f"barrier:{hits[0]}")
    return list(chosen.values())


def _recommendation(entry: Mapping[str, Any], reason: str) -> Recommendation:
    sources = tuple(
        (str(s["doc"]), int(s["lines"][0]), int(s["lines"][1])) for s in entry.get("sources", [])
    )
    return Recommendation(
        id=str(entry["id"]),
        title=str(entry["title"]),
        text=" ".join(str(entry["text"]).split()),
        dimensions=tuple(entry.get("dimensions", [])),
        reason=reason,
        sources=sources,
    )


def self_rating_comparison(
    definition: Definition,
    answers: Mapping[str, Any],
    scores: Mapping[str, DimensionScore],
    *,
    strength_threshold: float = STRENGTH_THRESHOLD,
    gap_threshold: float = GAP_THRESHOLD,
) -> list[SelfRatingComparison]:
    """Set each answered self-rating beside the measured score of its dimension.

    Returns
    -------
    list of SelfRatingComparison
        One entry per self-rating item (``scoring.self_rating_of``) that is answered with a
        number and whose dimension has a score, in questionnaire order.

    Notes
    -----
    Study 001 compares self-ratings with the municipalities' actual answers and finds that
    those rating themselves well are not always as well placed (001, lines 1950-1958). We call
    a rating of 4-5 with a measured score below ``gap_threshold`` overestimated, a rating of
    1-2 with a score of at least ``strength_threshold`` underestimated.

    Examples
    --------
    >>> q = load_definition('''
    ... slug: demo
    ... version: 1
    ... title: Demo
    ... sources: {"000": {file: demo.txt}}
    ... dimensions: [{id: s, title: Strategie}]
    ... sections:
    ... - id: main
    ...   title: Fragen
    ...   items:
    ...   - {id: r, type: scale, scale: {min: 1, max: 5}, text: Wie gut,
    ...      source: {doc: "000", lines: [1, 1]}, scoring: {self_rating_of: s}}
    ... ''')
    >>> s = {"s": DimensionScore("s", "s", 30.0, 1, 1, False)}
    >>> self_rating_comparison(q, {"r": 5}, s)[0].verdict
    'overestimated'
    """
    result: list[SelfRatingComparison] = []
    for item in as_questionnaire(definition).items:
        dimension = (item.scoring or {}).get("self_rating_of")
        if dimension is None:
            continue
        rating = answers.get(item.id)
        measured = scores.get(dimension)
        if isinstance(rating, bool) or not isinstance(rating, int | float):
            continue
        if measured is None or measured.score is None:
            continue
        if rating >= SELF_RATING_HIGH and measured.score < gap_threshold:
            verdict = "overestimated"
        elif rating <= SELF_RATING_LOW and measured.score >= strength_threshold:
            verdict = "underestimated"
        else:
            verdict = "consistent"
        result.append(
            SelfRatingComparison(item.id, dimension, int(rating), measured.score, verdict)
        )
    return result


# ---------------------------------------------------------------------------- reference figures


def reference_figures_for(
    figures: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    population: int | None,
    land: str | None,
    type_slug: str | None,
    body: str = "municipality",
) -> list[Mapping[str, Any]]:
    """Select the reference figures that describe a municipality's peers.

    Parameters
    ----------
    figures
        The parsed ``reference_figures.yaml`` (or its ``figures`` list).
    population
        Inhabitants; size-class figures are chosen when it lies in ``[min, max)``. ``None``
        leaves size figures out.
    land
        ISO 3166-2:DE code of the Land (``"SN"``); region figures are chosen when it is among
        the figure's ``lands``. ``None`` leaves region figures out.
    type_slug
        The municipality type (cluster of study 000); ``None`` leaves type figures out.
    body
        ``"municipality"`` (Stadt/Gemeinde) or ``"district"`` (Kreis): figures for the other
        body are left out; figures for ``all`` always fit.

    Returns
    -------
    list of mapping
        The chosen figures, unchanged and in file order: every ``group.kind == "all"`` figure,
        plus the matching size, region and type figures.

    Notes
    -----
    Size groups keep the studies' own classes (001: seven for cities and municipalities,
    lines 384-392; three for districts, 394-398; 000: the 20,000 bound of lines 1451-1457).
    Bounds are read as half-open ranges; the studies write "10.000 bis 25.000" and do not say
    which class a town of exactly 25,000 belongs to.

    Examples
    --------
    >>> figs = [{"id": "a", "group": {"kind": "all"}, "body": "all"},
    ...         {"id": "b", "group": {"kind": "size", "min": 0, "max": 10000},
    ...          "body": "municipality"},
    ...         {"id": "c", "group": {"kind": "region", "lands": ["SN", "TH"]}, "body": "all"}]
    >>> [f["id"] for f in reference_figures_for(figs, population=9999, land="BY",
    ...                                          type_slug=None)]
    ['a', 'b']
    """
    if population is not None:
        if isinstance(population, bool) or not isinstance(population, int):
            raise TypeError("Die Einwohnerzahl muss eine ganze Zahl sein.")
        if population < 0:
            raise ValueError("Die Einwohnerzahl darf nicht negativ sein.")
    if land is not None and land not in LANDS:
        raise ValueError(f"Unbekanntes Land „{land}“. Erwartet wird ein Kürzel wie BY oder SN.")
    if body not in ("municipality", "district"):
        raise ValueError("body muss „municipality“ oder „district“ sein.")
    entries = figures.get("figures", []) if isinstance(figures, Mapping) else figures
    chosen: list[Mapping[str, Any]] = []
    for figure in entries:
        if figure.get("body", "all") not in ("all", body):
            continue
        group = figure.get("group") or {}
        kind = group.get("kind")
        if kind == "all":
            chosen.append(figure)
        elif kind == "size":
            if population is None:
                continue
            low, high = group.get("min") or 0, group.get("max")
            if low <= population and (high is None or population < high):
                chosen.append(figure)
        elif kind == "region":
            if land is not None and land in group.get("lands", []):
                chosen.append(figure)
        elif kind == "type":
            if type_slug is not None and group.get("type") == type_slug:
                chosen.append(figure)
        else:
            raise ValueError(f"Vergleichswert „{figure.get('id')}“: unbekannte Gruppe {kind!r}.")
    return chosen
