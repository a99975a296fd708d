"""Municipality types of the 2017 study: a transparent rule, a score and a reference population.

The study ``000_f47b0d7ebee16adc.txt`` (Initiative Stadt.Land.Digital, GfK telephone survey of
September 2017) sorts municipalities into five clusters built "statistically" from three
variables: size, stage of the digitalisation strategy and challenges (lines 512-524,
1249-1267). Its cluster algorithm, variable coding and data are not published, so the clusters
cannot be recomputed. This module replaces them by a small, ordered decision rule on the same
three variables (:func:`assign_type`) whose every step can be explained to a municipality in a
sentence, plus the score behind the study's Abbildung 8 (:func:`digital_score`).

:func:`reference_population` builds a synthetic population that matches what the study
publishes about stages, sizes and challenges (and fills the gaps with stated assumptions);
the tests apply the rule to it and check that the published type shares, mean scores and the
textual constraints come out. That shows the rule is *consistent* with the study, not that it
is the study's algorithm. ``docs/data/municipality_types.md`` says what is published, what is
inferred and what is assumed; ``src/kompass/data/digitalcheck/types.yaml`` holds the study's
figures with their lines.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypedDict, cast

StrategyStage = Literal["implementing", "in_progress", "planned", "none"]

#: The four answers to ``strategy_stage`` (docs: notes/questionnaire_schema.md), furthest first.
STRATEGY_STAGES: Final[tuple[StrategyStage, ...]] = (
    "implementing",
    "in_progress",
    "planned",
    "none",
)
#: The questionnaire's answer "keine Angabe" (notes/questionnaire_schema.md).
NO_ANSWER: Final[str] = "keine_angabe"
#: Stages in which a municipality has at least started (planning counts, lines 1415-1419).
STARTED_STAGES: Final[frozenset[str]] = frozenset({"implementing", "in_progress", "planned"})
#: Stages in which a strategy is being written or carried out.
ADVANCED_STAGES: Final[frozenset[str]] = frozenset({"implementing", "in_progress"})

#: The fifteen challenge slugs of the questionnaire item ``challenges`` (fixed contract).
CHALLENGES: Final[tuple[str, ...]] = (
    "administrative_processes",
    "citizen_services",
    "business_services",
    "participation",
    "education",
    "energy",
    "traffic",
    "health_care",
    "rural_exodus",
    "urban_growth",
    "integration",
    "social",
    "ageing",
    "digital_infrastructure",
    "finances",
)

#: German wording of each challenge inside a sentence of a reason.
CHALLENGE_PHRASES: Final[Mapping[str, str]] = {
    "administrative_processes": "zeitgemäße Verwaltungsabläufe",
    "citizen_services": "Verwaltungsleistungen für Bürgerinnen und Bürger",
    "business_services": "Verwaltungsleistungen für Unternehmen",
    "participation": "die Beteiligung der Bürgerschaft",
    "education": "die Bildung",
    "energy": "die Energieversorgung",
    "traffic": "den Verkehr",
    "health_care": "die medizinische und pflegerische Versorgung",
    "rural_exodus": "die Abwanderung",
    "urban_growth": "starken Zuzug",
    "integration": "die Integration",
    "social": "soziale Fragen",
    "ageing": "die älter werdende Bevölkerung",
    "digital_infrastructure": "die digitale Infrastruktur",
    "finances": "die Finanzlage",
}

#: The five type slugs (fixed) in the order of the study's Abbildung 8 (lines 1307-1328).
TYPE_SLUGS: Final[tuple[str, ...]] = (
    "small_digital_pioneers",
    "ambitious_large_municipalities",
    "digital_followers",
    "digital_laggards",
    "digital_refusers",
)
#: The study's German cluster names (lines 102-106, 1273-1405).
TYPE_NAMES: Final[Mapping[str, str]] = {
    "small_digital_pioneers": "Kleine digitale Vorreiter",
    "ambitious_large_municipalities": "Ambitionierte Großkommunen",
    "digital_followers": "Digitale Follower",
    "digital_laggards": "Digitale Nachzügler",
    "digital_refusers": "Digitale Verweigerer",
}
#: Published share of each type in percent of respondents (Abbildung 8, line 1316).
PUBLISHED_TYPE_SHARES: Final[Mapping[str, int]] = {
    "small_digital_pioneers": 20,
    "ambitious_large_municipalities": 15,
    "digital_followers": 15,
    "digital_laggards": 23,
    "digital_refusers": 27,
}
#: Published mean score of each type (Abbildung 8, lines 1310-1314) and overall (line 1330).
PUBLISHED_MEAN_SCORES: Final[Mapping[str, float]] = {
    "small_digital_pioneers": 3.5,
    "ambitious_large_municipalities": 3.0,
    "digital_followers": 2.3,
    "digital_laggards": 1.7,
    "digital_refusers": 1.2,
}
PUBLISHED_OVERALL_MEAN_SCORE: Final[float] = 2.2

#: Points of the score scale (inferred, see :func:`digital_score`).
STAGE_SCORES: Final[Mapping[str, int]] = {
    "implementing": 4,
    "in_progress": 3,
    "planned": 2,
    "none": 1,
}
#: Published 2017 shares of the four stages in percent (Abb. 3, lines 816-824; text 862-866,
#: 1969-1973).
PUBLISHED_STAGE_SHARES_2017: Final[Mapping[str, int]] = {
    "implementing": 17,
    "in_progress": 23,
    "planned": 19,
    "none": 41,
}

#: From this population on a municipality counts as "large" (lines 1445-1457 split at 20,000;
#: pioneers are below it, line 1277-1279; followers "bis zu 20.000", line 1363).
LARGE_FROM: Final[int] = 20_000

#: Challenges the rule reads. Finances: laggards (1397) and refusers (1425-1427).
FINANCIAL_CHALLENGE: Final[str] = "finances"
#: Structural problems that laggards name besides money (lines 1399-1403).
STRUCTURAL_CHALLENGES: Final[frozenset[str]] = frozenset({"rural_exodus", "digital_infrastructure"})
#: The challenge that sets followers apart from pioneers (lines 1369-1377).
FOLLOWER_CHALLENGE: Final[str] = "traffic"

#: Characteristic challenges per type as the cluster descriptions name them (for reasons only).
TYPE_CHALLENGES: Final[Mapping[str, tuple[str, ...]]] = {
    # lines 1287-1293: demographic change, health, digital infrastructure, energy
    "small_digital_pioneers": ("ageing", "health_care", "digital_infrastructure", "energy"),
    # lines 1343-1351: integration, digital infrastructure and all sectors
    "ambitious_large_municipalities": (
        "integration",
        "digital_infrastructure",
        "administrative_processes",
        "education",
        "health_care",
        "traffic",
        "energy",
    ),
    # lines 1369-1377: traffic infrastructure and digital infrastructure
    "digital_followers": ("traffic", "digital_infrastructure"),
    # lines 1395-1403: finances, demographic change, rural exodus, digital infrastructure
    "digital_laggards": ("finances", "ageing", "rural_exodus", "digital_infrastructure"),
    # lines 1421-1427: finances
    "digital_refusers": ("finances",),
}

#: Shares of the four stages per size group, in municipalities per 100 of the whole sample.
#: Derived, not published: they sum to the published 2017 stage shares (17/23/19/41), give
#: 54.3 % of the small ones at least a plan ("knapp 55 Prozent", lines 1451-1457) and 78.9 %
#: of the large ones ("mehr als drei Viertel", lines 1445-1451), and let the large ones with a
#: plan or strategy (15 per 100) have the ambitious type's mean score of 3.0 (line 1311).
STAGE_MASS_BY_SIZE: Final[Mapping[str, Mapping[str, float]]] = {
    "small": {"implementing": 14.0, "in_progress": 14.0, "planned": 16.0, "none": 37.0},
    "large": {"implementing": 3.0, "in_progress": 9.0, "planned": 3.0, "none": 4.0},
}

RuleId = Literal[
    "large_with_strategy",
    "financial_and_structural_pressure",
    "financial_pressure_without_strategy_work",
    "small_advanced",
    "small_with_strategy_work",
    "small_traffic_without_plan",
    "no_strategy",
    "stage_missing",
]


@dataclass(frozen=True)
class TypeInput:
    """What the rule needs to know about one municipality.

    Parameters
    ----------
    population : int
        Inhabitants (given alongside the questionnaire answers, not asked in it).
    strategy_stage : {"implementing", "in_progress", "planned", "none"} or None
        Answer to ``strategy_stage``; ``None`` for "keine Angabe" (the questionnaire's
        ``"keine_angabe"`` is accepted and stored as ``None``).
    challenges : frozenset of str
        Answer to ``challenges``: any of the fifteen slugs in :data:`CHALLENGES`. Another
        iterable of slugs is accepted and stored as a frozenset; ``"keine_angabe"`` is stored
        as the empty set.

    Raises
    ------
    TypeError, ValueError
        With a German message naming the field, when a value has the wrong type or is unknown.
    """

    population: int
    strategy_stage: StrategyStage | None
    challenges: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if isinstance(self.population, bool) or not isinstance(self.population, int):
            raise TypeError(
                f"Einwohnerzahl: {self.population!r} ist keine ganze Zahl. "
                "Bitte die Einwohnerzahl als ganze Zahl angeben."
            )
        if self.population < 0:
            raise ValueError(
                f"Einwohnerzahl: {self.population} ist negativ. "
                "Bitte eine Einwohnerzahl von 0 oder mehr angeben."
            )
        if self.strategy_stage == NO_ANSWER:
            object.__setattr__(self, "strategy_stage", None)
        if self.strategy_stage is not None and self.strategy_stage not in STRATEGY_STAGES:
            raise ValueError(
                f"Strategiestand: Unbekannte Option „{self.strategy_stage}“. "
                f"Erlaubt: {', '.join(STRATEGY_STAGES)} oder keine Angabe."
            )
        raw: object = self.challenges
        if raw == NO_ANSWER:
            raw = frozenset()
            object.__setattr__(self, "challenges", raw)
        if isinstance(raw, str | bytes) or not isinstance(raw, Iterable):
            raise TypeError(
                f"Herausforderungen: Bitte eine Menge von Herausforderungen angeben, nicht {raw!r}."
            )
        items = list(cast(Iterable[object], raw))
        unknown = sorted(str(item) for item in items if item not in CHALLENGES)
        if unknown:
            raise ValueError(
                "Herausforderungen: Unbekannte Option "
                + ", ".join(f"„{item}“" for item in unknown)
                + f". Erlaubt: {', '.join(CHALLENGES)}."
            )
        if not isinstance(raw, frozenset):
            object.__setattr__(self, "challenges", frozenset(cast(list[str], items)))


@dataclass(frozen=True)
class TypeAssignment:
    """The type of one municipality and why.

    Attributes
    ----------
    slug : str
        One of :data:`TYPE_SLUGS`.
    name : str
        The study's German name of the type.
    rule : str
        Id of the rule that decided (see :func:`assign_type`).
    reasons : tuple of str
        German sentences for the municipality: size, stage, the challenges that mattered, and
        what that means.
    provisional : bool
        True when the stage was not given and the type is only the most likely one.
    likelihoods : tuple of (str, float)
        Only when ``provisional``: each type that a stage would give, with the share (0-1) of
        municipalities of this size that are at such a stage, largest first.
    """

    slug: str
    name: str
    rule: RuleId
    reasons: tuple[str, ...]
    provisional: bool = False
    likelihoods: tuple[tuple[str, float], ...] = ()


def digital_score(inp: TypeInput) -> int | None:
    """Score of a municipality on the scale behind Abbildung 8: its strategy stage, 1 to 4.

    Parameters
    ----------
    inp : TypeInput
        The municipality.

    Returns
    -------
    int or None
        4 = implements a strategy, 3 = is writing one, 2 = plans one, 1 = has none and plans
        none; ``None`` when the stage is not given ("keine Angabe").

    Notes
    -----
    The study prints a mean per type (3.5 / 3.0 / 2.3 / 1.7 / 1.2, overall 2.2; lines
    1307-1330) but never says what is averaged. We *infer* that it is the stage on this 1-4
    scale: the published 2017 stage shares give
    ``0.17*4 + 0.23*3 + 0.19*2 + 0.41*1 = 2.16``, which rounds to the printed overall 2.2, and
    the refusers, of whom only 13 % have started (lines 1415-1419), average 1.2, close to the
    1.13-1.26 this scale allows them. The test suite checks that the reference population
    reproduces every type mean on this scale.

    Examples
    --------
    >>> digital_score(TypeInput(8_000, "in_progress"))
    3
    >>> digital_score(TypeInput(8_000, None)) is None
    True
    """
    if inp.strategy_stage is None:
        return None
    return STAGE_SCORES[inp.strategy_stage]


def _size_group(population: int) -> str:
    return "large" if population >= LARGE_FROM else "small"


def _decide(population: int, stage: str, challenges: frozenset[str]) -> tuple[str, RuleId]:
    """Rules 1-7 of :func:`assign_type` for a known stage: (type slug, rule id)."""
    large = population >= LARGE_FROM
    finances = FINANCIAL_CHALLENGE in challenges
    structural = bool(challenges & STRUCTURAL_CHALLENGES)
    traffic = FOLLOWER_CHALLENGE in challenges
    if large and stage in STARTED_STAGES:
        return "ambitious_large_municipalities", "large_with_strategy"
    if finances and structural:
        return "digital_laggards", "financial_and_structural_pressure"
    if finances and stage in ("planned", "none"):
        return "digital_refusers", "financial_pressure_without_strategy_work"
    if stage in ADVANCED_STAGES and not traffic:
        return "small_digital_pioneers", "small_advanced"
    if stage in STARTED_STAGES:
        return "digital_followers", "small_with_strategy_work"
    if not large and traffic:
        return "digital_followers", "small_traffic_without_plan"
    return "digital_refusers", "no_strategy"


def _german_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _enumerate(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " und " + phrases[-1]


def _named(challenges: frozenset[str], wanted: Iterable[str]) -> list[str]:
    return [CHALLENGE_PHRASES[slug] for slug in wanted if slug in challenges]


def _size_reason(population: int) -> str:
    if population >= LARGE_FROM:
        return f"Ihre Kommune hat 20.000 oder mehr Einwohner ({_german_int(population)})."
    return f"Ihre Kommune hat unter 20.000 Einwohner ({_german_int(population)})."


_STAGE_REASONS: Final[Mapping[str, str]] = {
    "implementing": "Sie setzen bereits eine Digitalisierungsstrategie um.",
    "in_progress": "Sie erarbeiten gerade eine Digitalisierungsstrategie.",
    "planned": "Sie planen, eine Digitalisierungsstrategie zu erarbeiten.",
    "none": "Sie haben keine Digitalisierungsstrategie und planen derzeit auch keine.",
}


def _challenge_reasons(
    rule: RuleId, stage: str, challenges: frozenset[str], large: bool
) -> list[str]:
    """The sentences about challenges and the conclusion for one rule."""
    reasons: list[str] = []
    if rule == "large_with_strategy":
        named = _named(challenges, TYPE_CHALLENGES["ambitious_large_municipalities"])
        if named:
            reasons.append(
                f"Sie nennen {_enumerate(named)} als zentrale "
                f"{'Herausforderungen' if len(named) > 1 else 'Herausforderung'} – Themen, die "
                "auch die ambitionierten Großkommunen der Studie beschäftigen."
            )
        reasons.append(
            "Größere Kommunen, die eine Strategie planen, erarbeiten oder umsetzen, bilden in "
            "der Studie die ambitionierten Großkommunen (rund 15 % der Befragten)."
        )
    elif rule == "financial_and_structural_pressure":
        structural = _named(challenges, ("rural_exodus", "digital_infrastructure"))
        reasons.append(
            "Sie nennen die Finanzlage als zentrale Herausforderung und dazu "
            f"{_enumerate(structural)}."
        )
        reasons.append(
            "Knappe Mittel zusammen mit Abwanderung oder Lücken in der digitalen Infrastruktur "
            "kennzeichnen in der Studie die digitalen Nachzügler; mehr als die Hälfte von "
            "ihnen plant noch keine Strategie."
        )
    elif rule == "financial_pressure_without_strategy_work":
        reasons.append(
            "Sie nennen die Finanzlage als zentrale Herausforderung, aber weder die "
            "Abwanderung noch die digitale Infrastruktur."
        )
        if stage == "planned":
            reasons.append(
                "Eine Strategie ist erst geplant, und die Finanzlage steht im Vordergrund: Das "
                "entspricht am ehesten den digitalen Verweigerern, von denen nur 13 % mit der "
                "Planung oder Umsetzung einer Strategie begonnen haben."
            )
        else:
            reasons.append(
                "Ohne Strategie und mit der Finanzlage als Hauptthema entspricht das dem Bild "
                "der digitalen Verweigerer, die vor allem die finanziellen Mittel als Problem "
                "nennen."
            )
    elif rule == "small_advanced":
        reasons.append("Den Verkehr nennen Sie nicht als zentrale Herausforderung.")
        named = _named(challenges, TYPE_CHALLENGES["small_digital_pioneers"])
        if named:
            reasons.append(
                f"Sie nennen {_enumerate(named)} – Themen, die auch die kleinen digitalen "
                "Vorreiter der Studie hervorheben."
            )
        reasons.append(
            "Kleine Kommunen, die schon an ihrer Strategie arbeiten oder sie umsetzen, zählen "
            "in der Studie zu den kleinen digitalen Vorreitern."
        )
    elif rule == "small_with_strategy_work" and stage in ADVANCED_STAGES:
        reasons.append(
            "Sie nennen den Verkehr als zentrale Herausforderung – das Thema, das neben der "
            "digitalen Infrastruktur die digitalen Follower besonders beschäftigt."
        )
        reasons.append(
            "Kleine Kommunen, die an einer Strategie arbeiten und den Verkehr in den "
            "Mittelpunkt stellen, ordnet die Regel den digitalen Followern zu."
        )
    elif rule == "small_with_strategy_work":
        reasons.append("Die Finanzlage nennen Sie nicht als zentrale Herausforderung.")
        if FOLLOWER_CHALLENGE in challenges:
            reasons.append(
                "Sie nennen den Verkehr – ein Thema, das die digitalen Follower besonders "
                "beschäftigt."
            )
        reasons.append(
            "Kleine Kommunen, die eine Strategie planen und nicht von der Finanzlage gebremst "
            "werden, ordnet die Regel den digitalen Followern zu: Etwa drei Viertel von ihnen "
            "planen eine Strategie oder setzen sie schon um."
        )
    elif rule == "small_traffic_without_plan":
        reasons.append(
            "Sie nennen den Verkehr als zentrale Herausforderung, die Finanzlage aber nicht."
        )
        reasons.append(
            "Das passt zu den digitalen Followern: Etwa ein Viertel von ihnen hat noch keine "
            "Strategie geplant, und ihr Hauptthema ist der Verkehr."
        )
    elif rule == "no_strategy":
        reasons.append(
            "Die Finanzlage nennen Sie nicht als zentrale Herausforderung."
            if large
            else "Weder die Finanzlage noch den Verkehr nennen Sie als zentrale Herausforderung."
        )
        reasons.append(
            "Ohne Strategie und ohne Plan dafür entspricht das am ehesten den digitalen "
            "Verweigerern, von denen nur 13 % mit einer Strategie begonnen haben."
        )
    return reasons


def _stage_weights(population: int) -> dict[str, float]:
    masses = STAGE_MASS_BY_SIZE[_size_group(population)]
    total = sum(masses.values())
    return {stage: masses[stage] / total for stage in STRATEGY_STAGES}


def assign_type(inp: TypeInput) -> TypeAssignment:
    """Assign a municipality to one of the study's five types by an ordered decision rule.

    Parameters
    ----------
    inp : TypeInput
        Population, strategy stage (or ``None``) and the challenges named.

    Returns
    -------
    TypeAssignment
        Type slug and German name, the id of the rule that fired, German reasons, and for a
        missing stage ``provisional=True`` with the likelihood of each possible type.

    Notes
    -----
    "Large" means 20,000 inhabitants or more; "finances", "structural" (rural exodus or
    digital infrastructure) and "traffic" mean that the challenge is named. The first rule
    that matches decides:

    1. ``large_with_strategy``: large and the stage is planned, in progress or implementing
       → ambitious large municipalities. The large types' 96 % planning or implementing
       (lines 1303-1305, 1335-1337); pioneers and followers are below 20,000 (1277, 1363), so
       a large municipality with a strategy fits no other type.
    2. ``financial_and_structural_pressure``: finances and a structural challenge → digital
       laggards, who name finances, demographic change, rural exodus and digital
       infrastructure (lines 1395-1403).
    3. ``financial_pressure_without_strategy_work``: finances, stage planned or none →
       digital refusers, who mostly name finances (lines 1421-1427).
    4. ``small_advanced``: stage in progress or implementing and traffic not named → small
       digital pioneers (highest mean score 3.5, line 1310; their challenges, 1287-1293, do
       not include traffic).
    5. ``small_with_strategy_work``: any other started stage → digital followers, three
       quarters of whom plan or implement a strategy and who name traffic (lines 1363-1377).
    6. ``small_traffic_without_plan``: small, stage none, traffic → digital followers (the
       quarter of followers without plans).
    7. ``no_strategy``: everything else (stage none) → digital refusers.

    With the stage missing, rules 1-7 are evaluated for each of the four stages, weighted by
    how common the stage is for the size group (:data:`STAGE_MASS_BY_SIZE`); the type with
    the largest weight is returned as ``provisional`` (rule ``stage_missing``), ties broken in
    the order of :data:`TYPE_SLUGS`.

    The rule is ours: the study built its clusters with an unpublished statistical method
    (lines 512-524). ``tests/test_municipality_types.py`` shows that the rule reproduces the
    published shares and means on a reference population; see
    ``docs/data/municipality_types.md`` for what that does and does not prove.

    Examples
    --------
    >>> a = assign_type(TypeInput(12_000, "implementing", frozenset({"ageing"})))
    >>> a.slug, a.rule
    ('small_digital_pioneers', 'small_advanced')
    >>> a.reasons[0]
    'Ihre Kommune hat unter 20.000 Einwohner (12.000).'
    >>> assign_type(TypeInput(4_000, "none", frozenset({"finances", "rural_exodus"}))).slug
    'digital_laggards'
    >>> assign_type(TypeInput(250_000, "planned")).slug
    'ambitious_large_municipalities'
    >>> missing = assign_type(TypeInput(60_000, None))
    >>> missing.slug, missing.provisional
    ('ambitious_large_municipalities', True)
    """
    if not isinstance(inp, TypeInput):
        raise TypeError("assign_type erwartet ein TypeInput mit Einwohnerzahl, Stand und Themen.")
    if inp.strategy_stage is not None:
        slug, rule = _decide(inp.population, inp.strategy_stage, inp.challenges)
        reasons = [
            _size_reason(inp.population),
            _STAGE_REASONS[inp.strategy_stage],
            *_challenge_reasons(
                rule, inp.strategy_stage, inp.challenges, inp.population >= LARGE_FROM
            ),
        ]
        return TypeAssignment(slug, TYPE_NAMES[slug], rule, tuple(reasons))

    likelihood = dict.fromkeys(TYPE_SLUGS, 0.0)
    for stage, weight in _stage_weights(inp.population).items():
        slug, _ = _decide(inp.population, stage, inp.challenges)
        likelihood[slug] += weight
    ranked = tuple(
        (slug, round(value, 3))
        for slug, value in sorted(
            likelihood.items(), key=lambda item: (-item[1], TYPE_SLUGS.index(item[0]))
        )
        if value > 0
    )
    best, best_value = ranked[0]
    size_word = "unter 20.000 Einwohnern" if inp.population < LARGE_FROM else "ab 20.000 Einwohnern"
    if len(ranked) == 1:
        verdict = (
            "Mit Ihren Herausforderungen ergibt jeder mögliche Stand denselben Typ: "
            f"„{TYPE_NAMES[best]}“."
        )
    else:
        verdict = (
            "Wir haben alle vier möglichen Stände durchgespielt und danach gewichtet, wie "
            f"häufig sie bei Kommunen {size_word} sind: Am wahrscheinlichsten ist der Typ "
            f"„{TYPE_NAMES[best]}“ (rund {round(best_value * 100)} %)."
        )
    reasons = [
        _size_reason(inp.population),
        "Zum Stand Ihrer Digitalisierungsstrategie haben Sie keine Angabe gemacht; die "
        "Zuordnung ist deshalb nur vorläufig.",
        verdict,
        "Wenn Sie den Stand Ihrer Strategie angeben, wird die Zuordnung eindeutig.",
    ]
    return TypeAssignment(best, TYPE_NAMES[best], "stage_missing", tuple(reasons), True, ranked)


# --- Reference population ------------------------------------------------------------------


@dataclass(frozen=True)
class SizeBand:
    """A population band of the reference population and its assumed share of the sample."""

    slug: str
    lowest: int
    highest: int
    share: float


#: Assumed size mix of the sample (the study does not publish one). The 81:19 split at 20,000
#: follows from the published stage shares (see :data:`STAGE_MASS_BY_SIZE`); the split within
#: each side is an assumption (BBSR size-class slugs of the architecture contract).
SIZE_BANDS: Final[tuple[SizeBand, ...]] = (
    SizeBand("rural_municipality", 500, 4_999, 40.0),
    SizeBand("small_town", 5_000, 19_999, 41.0),
    SizeBand("medium_town", 20_000, 99_999, 9.0),
    SizeBand("large_city", 100_000, 1_000_000, 10.0),
)

#: Challenge frequencies used for every municipality (0-1) unless the cell table overrides it.
#: Published: ageing 85 % (lines 1794-1798), health care "über drei Viertel" (1718-1722).
#: Inferred from the order of the numbers printed in Abbildung 10 (lines 1724-1749; the text
#: says help is seen by over 80 %, 1680-1684, so 95/95/89/88 are the help figures): the four
#: administrative challenges 86/81/68/62 %. Assumed (no figure survives): 50 % for education,
#: energy, urban growth, integration and social questions; rural exodus 40 % (the numbers
#: printed in Abbildung 11, lines 1822-1842, are all between 39 and 63 apart from ageing's 85,
#: but cannot be assigned to their bars).
BASE_CHALLENGE_RATES: Final[Mapping[str, float]] = {
    "administrative_processes": 0.86,
    "citizen_services": 0.81,
    "business_services": 0.68,
    "participation": 0.62,
    "education": 0.50,
    "energy": 0.50,
    "health_care": 0.78,
    "rural_exodus": 0.40,
    "urban_growth": 0.50,
    "integration": 0.50,
    "social": 0.50,
    "ageing": 0.85,
}

#: Assumed frequencies of the challenges the rule reads, per size group and stage. Only traffic
#: has a published overall figure ("rund 40 Prozent", lines 1708-1710); these rates give
#: 40.0 %. The differences between cells are the association the cluster descriptions imply
#: (finances named by laggards and refusers, traffic by followers and not by pioneers, digital
#: infrastructure by every type except the refusers); their sizes are calibrated, not read.
CELL_CHALLENGE_RATES: Final[Mapping[tuple[str, str], Mapping[str, float]]] = {
    ("small", "implementing"): {"finances": 0.12, "traffic": 0.18, "digital_infrastructure": 0.37},
    ("small", "in_progress"): {"finances": 0.30, "traffic": 0.18, "digital_infrastructure": 0.37},
    ("small", "planned"): {"finances": 0.58, "traffic": 0.50, "digital_infrastructure": 0.37},
    ("small", "none"): {"finances": 0.70, "traffic": 0.34, "digital_infrastructure": 0.15},
    ("large", "implementing"): {"finances": 0.30, "traffic": 0.75, "digital_infrastructure": 0.70},
    ("large", "in_progress"): {"finances": 0.30, "traffic": 0.75, "digital_infrastructure": 0.70},
    ("large", "planned"): {"finances": 0.30, "traffic": 0.75, "digital_infrastructure": 0.70},
    ("large", "none"): {"finances": 0.60, "traffic": 0.75, "digital_infrastructure": 0.25},
}


def _largest_remainder(weights: Sequence[float], n: int) -> list[int]:
    total = sum(weights)
    exact = [w * n / total for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def reference_population(seed: int | random.Random, n: int) -> tuple[TypeInput, ...]:
    """A synthetic population consistent with the study's published margins.

    Parameters
    ----------
    seed : int or random.Random
        Seed, or a generator to draw from (it advances; nothing else is changed).
    n : int
        Number of municipalities, at least 1.

    Returns
    -------
    tuple of TypeInput
        ``n`` municipalities in random (but for a given seed fixed) order.

    Notes
    -----
    Size band and stage are allocated by quota (largest remainder), so their shares are exact
    up to rounding: the bands of :data:`SIZE_BANDS` and, within the two size groups, the stage
    masses of :data:`STAGE_MASS_BY_SIZE` (overall 17/23/19/41 % as published for 2017, lines
    816-824). Populations are drawn log-uniformly inside their band. Each challenge is an
    independent draw with the rate of :data:`CELL_CHALLENGE_RATES` for the municipality's
    size group and stage, else :data:`BASE_CHALLENGE_RATES`. The type shares are not an input:
    they come out when :func:`assign_type` is applied.

    Examples
    --------
    >>> population = reference_population(7, 100)
    >>> len(population), sum(1 for m in population if m.population < 20_000)
    (100, 81)
    >>> sorted({m.strategy_stage for m in population}) == sorted(STRATEGY_STAGES)
    True
    """
    if isinstance(seed, random.Random):
        rng = seed
    elif isinstance(seed, int) and not isinstance(seed, bool):
        rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not security
    else:
        raise TypeError("seed muss eine ganze Zahl oder ein random.Random sein.")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("n muss eine ganze Zahl sein.")
    if n < 1:
        raise ValueError(f"n muss mindestens 1 sein, nicht {n}.")

    cells: list[tuple[SizeBand, StrategyStage]] = []
    weights: list[float] = []
    group_share = {
        group: sum(b.share for b in SIZE_BANDS if _size_group(b.lowest) == group)
        for group in STAGE_MASS_BY_SIZE
    }
    for band in SIZE_BANDS:
        group = _size_group(band.lowest)
        masses = STAGE_MASS_BY_SIZE[group]
        for stage in STRATEGY_STAGES:
            cells.append((band, stage))
            # the stage masses fix the group's size; the band shares only split it
            weights.append(band.share / group_share[group] * masses[stage])

    municipalities: list[TypeInput] = []
    for (band, stage), count in zip(cells, _largest_remainder(weights, n), strict=True):
        rates = {**BASE_CHALLENGE_RATES, **CELL_CHALLENGE_RATES[(_size_group(band.lowest), stage)]}
        for _ in range(count):
            log_population = rng.uniform(math.log(band.lowest), math.log(band.highest))
            population = min(band.highest, max(band.lowest, round(math.exp(log_population))))
            named = frozenset(slug for slug in CHALLENGES if rng.random() < rates[slug])
            municipalities.append(TypeInput(population, stage, named))
    rng.shuffle(municipalities)
    return tuple(municipalities)


class TypeStatistics(TypedDict):
    """Figures of one type in a population (shares in percent of the stated base)."""

    count: int
    share: float
    mean_score: float | None
    started: float | None
    no_strategy: float | None
    below_20000: float | None
    below_100000: float | None


def type_statistics(inputs: Iterable[TypeInput]) -> dict[str, TypeStatistics]:
    """Apply :func:`assign_type` and describe each type the way the study does.

    Parameters
    ----------
    inputs : iterable of TypeInput
        The municipalities; those without a stage get their provisional type and no score.

    Returns
    -------
    dict
        Per type slug (all five, in :data:`TYPE_SLUGS` order): ``count``; ``share`` of all
        municipalities (%); ``mean_score`` over those with a stage; ``started`` and
        ``no_strategy``: % of the type with a planned/in-progress/implementing stage and with
        stage none; ``below_20000`` and ``below_100000``: % of the type under that population.
        Figures over an empty base are ``None``.

    Examples
    --------
    >>> stats = type_statistics([TypeInput(3_000, "implementing"), TypeInput(50_000, "none")])
    >>> stats["small_digital_pioneers"]["share"], stats["digital_refusers"]["mean_score"]
    (50.0, 1.0)
    """
    members: dict[str, list[TypeInput]] = {slug: [] for slug in TYPE_SLUGS}
    for inp in inputs:
        members[assign_type(inp).slug].append(inp)
    total = sum(len(group) for group in members.values())

    def percent(part: int, base: int) -> float | None:
        return None if base == 0 else 100.0 * part / base

    result: dict[str, TypeStatistics] = {}
    for slug, group in members.items():
        scores = [s for s in (digital_score(m) for m in group) if s is not None]
        staged = [m for m in group if m.strategy_stage is not None]
        result[slug] = {
            "count": len(group),
            "share": percent(len(group), total) or 0.0,
            "mean_score": sum(scores) / len(scores) if scores else None,
            "started": percent(
                sum(1 for m in staged if m.strategy_stage in STARTED_STAGES), len(staged)
            ),
            "no_strategy": percent(
                sum(1 for m in staged if m.strategy_stage == "none"), len(staged)
            ),
            "below_20000": percent(sum(1 for m in group if m.population < 20_000), len(group)),
            "below_100000": percent(sum(1 for m in group if m.population < 100_000), len(group)),
        }
    return result
