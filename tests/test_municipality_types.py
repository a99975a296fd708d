"""The municipality-type rule (issue 4) checked against the 2017 study's published figures.

Every figure comes from ``000_f47b0d7ebee16adc.txt``; the line is named in a comment and in the
assertion message. The reference population is built to match the study's published margins
(stages, sizes, challenge rates) and assumptions where nothing is published, so passing these
tests shows that the rule is consistent with the study, not that it is the study's cluster
algorithm (docs/data/municipality_types.md).
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kompass.analysis import municipality_types as mt
from kompass.analysis.municipality_types import (
    TypeInput,
    assign_type,
    digital_score,
    reference_population,
    type_statistics,
)

DATA = Path(mt.__file__).resolve().parent.parent / "data" / "digitalcheck" / "types.yaml"
DOCUMENT = "000_f47b0d7ebee16adc.txt"
SEED = 2017
N = 20_000
#: Tolerances: a published share ±3 percentage points, a published mean ±0.2 score points.
SHARE_TOLERANCE = 3.0
SCORE_TOLERANCE = 0.2

Population = tuple[TypeInput, ...]


@pytest.fixture(scope="module")
def population() -> Population:
    return reference_population(SEED, N)


@pytest.fixture(scope="module")
def stats(population: Population) -> dict[str, mt.TypeStatistics]:
    return type_statistics(population)


@pytest.fixture(scope="module")
def by_type(population: Population) -> dict[str, list[TypeInput]]:
    groups: dict[str, list[TypeInput]] = {slug: [] for slug in mt.TYPE_SLUGS}
    for inp in population:
        groups[assign_type(inp).slug].append(inp)
    return groups


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def percent(part: int, whole: int) -> float:
    return 100.0 * part / whole


def named_share(group: list[TypeInput], challenge: str) -> float:
    return percent(sum(1 for m in group if challenge in m.challenges), len(group))


# --- The reference population against Abbildung 8 and the cluster descriptions ---------------


def test_type_shares_match_abbildung_8(stats: dict[str, mt.TypeStatistics]) -> None:
    # Abbildung 8, line 1316: 20 % / 15 % / 15 % / 23 % / 27 %
    for slug, published in mt.PUBLISHED_TYPE_SHARES.items():
        share = stats[slug]["share"]
        assert abs(share - published) <= SHARE_TOLERANCE, (
            f"{slug}: {share:.1f} % in the reference population, study {published} % "
            f"(000 line 1316, tolerance ±{SHARE_TOLERANCE} pp)"
        )


def test_mean_scores_match_abbildung_8(
    stats: dict[str, mt.TypeStatistics], population: Population
) -> None:
    # Abbildung 8, lines 1310-1314: 3.5 / 3.0 / 2.3 / 1.7 / 1.2
    for slug, published in mt.PUBLISHED_MEAN_SCORES.items():
        mean = stats[slug]["mean_score"]
        assert mean is not None and abs(mean - published) <= SCORE_TOLERANCE, (
            f"{slug}: mean score {mean} in the reference population, study {published} "
            f"(000 lines 1310-1314, tolerance ±{SCORE_TOLERANCE})"
        )
    # line 1330: overall mean 2.2 (printed with one decimal)
    scores = [digital_score(m) for m in population]
    overall = sum(s for s in scores if s is not None) / len(scores)
    assert round(overall, 1) == mt.PUBLISHED_OVERALL_MEAN_SCORE, (
        f"overall mean {overall:.3f} does not round to 2.2 (000 line 1330)"
    )


def test_pioneers_and_followers_are_small(stats: dict[str, mt.TypeStatistics]) -> None:
    # lines 1275-1279: pioneers have fewer than 20,000 inhabitants
    assert stats["small_digital_pioneers"]["below_20000"] == 100.0, (
        "pioneers must all have fewer than 20,000 inhabitants (000 lines 1275-1279)"
    )
    # lines 1361-1365: followers have up to 20,000 inhabitants
    assert stats["digital_followers"]["below_20000"] == 100.0, (
        "followers must all have up to 20,000 inhabitants (000 lines 1361-1365)"
    )


def test_ambitious_large_municipalities_have_started(
    stats: dict[str, mt.TypeStatistics], by_type: dict[str, list[TypeInput]]
) -> None:
    # lines 1303-1305 and 1335-1337: 96 % plan or implement a strategy
    started = stats["ambitious_large_municipalities"]["started"]
    assert started is not None and started >= 96.0, (
        f"only {started} % of ambitious large municipalities have started "
        "(000 lines 1303-1305, 1335-1337: 96 %)"
    )
    # the name and lines 1339-1343: large municipalities
    assert all(m.population >= 20_000 for m in by_type["ambitious_large_municipalities"]), (
        "an ambitious large municipality below 20,000 (000 lines 1297-1343)"
    )


def test_followers_three_quarters_started(stats: dict[str, mt.TypeStatistics]) -> None:
    # lines 1365-1369: about three quarters plan or implement a strategy
    started = stats["digital_followers"]["started"]
    assert started is not None and 70.0 <= started <= 80.0, (
        f"{started} % of followers have started; study: about three quarters "
        "(000 lines 1365-1369, accepted 70-80 %)"
    )


def test_laggards_mostly_without_plans(stats: dict[str, mt.TypeStatistics]) -> None:
    # lines 1389-1393: over half of the laggards plan no strategy yet
    without = stats["digital_laggards"]["no_strategy"]
    assert without is not None and without > 50.0, (
        f"{without} % of laggards without plans; study: over half (000 lines 1389-1393)"
    )


def test_refusers_rarely_started(stats: dict[str, mt.TypeStatistics]) -> None:
    # lines 1415-1419: only 13 % have started planning or implementing
    started = stats["digital_refusers"]["started"]
    assert started is not None and abs(started - 13.0) <= SHARE_TOLERANCE, (
        f"{started} % of refusers have started; study 13 % (000 lines 1415-1419, "
        f"tolerance ±{SHARE_TOLERANCE} pp)"
    )


def test_refusers_mostly_name_finances(by_type: dict[str, list[TypeInput]]) -> None:
    # lines 1421-1427: most refusers name the financial resources
    share = named_share(by_type["digital_refusers"], "finances")
    assert share > 50.0, f"{share:.1f} % of refusers name finances (000 lines 1421-1427)"


def test_laggards_and_refusers_mostly_small_and_medium(
    stats: dict[str, mt.TypeStatistics], population: Population
) -> None:
    # lines 1383-1387: laggards are mainly small and medium municipalities below 100,000
    laggards = stats["digital_laggards"]["below_100000"]
    assert laggards is not None and laggards >= 80.0, (
        f"{laggards} % of laggards below 100,000 (000 lines 1383-1387: 'vor allem')"
    )
    # lines 1407-1410 and 1441-1445: small and medium ones over-represented among refusers
    overall_small = percent(sum(1 for m in population if m.population < 20_000), len(population))
    overall_medium = percent(sum(1 for m in population if m.population < 100_000), len(population))
    refusers = stats["digital_refusers"]
    assert (refusers["below_20000"] or 0.0) > overall_small, (
        "small municipalities are not over-represented among refusers (000 lines 1441-1445)"
    )
    assert (refusers["below_100000"] or 0.0) > overall_medium, (
        "small and medium municipalities are not over-represented among refusers "
        "(000 lines 1407-1410)"
    )


def test_size_groups_match_published_shares(population: Population) -> None:
    large = [m for m in population if m.population >= 20_000]
    small = [m for m in population if m.population < 20_000]
    started_large = percent(sum(1 for m in large if m.strategy_stage != "none"), len(large))
    started_small = percent(sum(1 for m in small if m.strategy_stage != "none"), len(small))
    # lines 1445-1451: more than three quarters of those above 20,000 (read as: started)
    assert started_large > 75.0, (
        f"{started_large:.1f} % of municipalities from 20,000 have started "
        "(000 lines 1445-1451: more than three quarters)"
    )
    # lines 1451-1457: just under 55 % of those below 20,000
    assert 50.0 <= started_small < 55.0, (
        f"{started_small:.1f} % of municipalities below 20,000 have started "
        "(000 lines 1451-1457: 'knapp 55 Prozent')"
    )


def test_reference_population_matches_published_stages(population: Population) -> None:
    counts: Counter[str | None] = Counter(m.strategy_stage for m in population)
    # Abbildung 3 (lines 816-824), text lines 862-866 (17 %) and 1969-1973 (41 %)
    for stage, published in mt.PUBLISHED_STAGE_SHARES_2017.items():
        share = percent(counts[stage], len(population))
        assert abs(share - published) <= 0.5, (
            f"stage {stage}: {share:.2f} %, study {published} % (000 lines 799-824, 862-866, "
            "1969-1973)"
        )
    # lines 330-332: 59 % have, develop or plan a strategy
    started = percent(len(population) - counts["none"], len(population))
    assert abs(started - 59.0) <= 0.5, f"{started:.2f} % started, study 59 % (000 lines 330-332)"


def test_reference_population_challenge_rates(population: Population) -> None:
    def rate(challenge: str) -> float:
        return percent(sum(1 for m in population if challenge in m.challenges), len(population))

    # lines 1794-1798: 85 % see the ageing population as a challenge
    assert abs(rate("ageing") - 85.0) <= SHARE_TOLERANCE, (
        f"ageing {rate('ageing'):.1f} %, study 85 % (000 lines 1794-1798)"
    )
    # lines 1718-1722: over three quarters see health care as a challenge
    assert rate("health_care") > 75.0, (
        f"health care {rate('health_care'):.1f} %, study over 75 % (000 lines 1718-1722)"
    )
    # lines 1708-1710: about 40 % see traffic management as a challenge
    assert abs(rate("traffic") - 40.0) <= SHARE_TOLERANCE, (
        f"traffic {rate('traffic'):.1f} %, study about 40 % (000 lines 1708-1710)"
    )
    # Abbildung 10, lines 1724-1749 (pairing of numbers and bars inferred)
    for challenge, published in (
        ("administrative_processes", 86.0),
        ("citizen_services", 81.0),
        ("business_services", 68.0),
        ("participation", 62.0),
    ):
        assert abs(rate(challenge) - published) <= SHARE_TOLERANCE, (
            f"{challenge} {rate(challenge):.1f} %, Abbildung 10 {published} % "
            "(000 lines 1724-1749, inferred pairing)"
        )


def test_rule_read_challenges_characterise_their_types(
    population: Population, by_type: dict[str, list[TypeInput]]
) -> None:
    everyone = list(population)
    for slug, challenge, lines in (
        ("digital_followers", "traffic", "1369-1377"),
        ("digital_laggards", "finances", "1395-1399"),
        ("digital_laggards", "rural_exodus", "1399-1401"),
        ("digital_laggards", "digital_infrastructure", "1401-1403"),
        ("digital_refusers", "finances", "1421-1427"),
    ):
        inside = named_share(by_type[slug], challenge)
        assert inside > named_share(everyone, challenge), (
            f"{slug} should name {challenge} more often than all municipalities "
            f"(000 lines {lines}); {inside:.1f} %"
        )


def test_every_rule_fires_in_the_reference_population(population: Population) -> None:
    fired = Counter(assign_type(m).rule for m in population)
    expected = {
        "large_with_strategy",
        "financial_and_structural_pressure",
        "financial_pressure_without_strategy_work",
        "small_advanced",
        "small_with_strategy_work",
        "small_traffic_without_plan",
        "no_strategy",
    }
    assert set(fired) == expected, f"rules fired: {sorted(fired)}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_other_seeds_also_reproduce_abbildung_8(seed: int) -> None:
    stats = type_statistics(reference_population(seed, 5_000))
    for slug in mt.TYPE_SLUGS:
        # Abbildung 8, lines 1310-1316
        assert abs(stats[slug]["share"] - mt.PUBLISHED_TYPE_SHARES[slug]) <= SHARE_TOLERANCE, (
            f"seed {seed}, {slug}: share {stats[slug]['share']:.1f} % (000 line 1316)"
        )
        mean = stats[slug]["mean_score"]
        assert mean is not None
        assert abs(mean - mt.PUBLISHED_MEAN_SCORES[slug]) <= SCORE_TOLERANCE, (
            f"seed {seed}, {slug}: mean {mean:.2f} (000 lines 1310-1314)"
        )


# --- The reference population as a function ---------------------------------------------------


def test_reference_population_is_deterministic() -> None:
    assert reference_population(5, 500) == reference_population(5, 500)
    assert reference_population(5, 500) != reference_population(6, 500)
    generator = random.Random(5)  # noqa: S311 - a seeded simulation, not security
    assert reference_population(generator, 500) == reference_population(5, 500)
    assert len(reference_population(0, 1)) == 1


def test_reference_population_sizes_and_bands() -> None:
    population = reference_population(11, 1_000)
    for band in mt.SIZE_BANDS:
        inside = [m for m in population if band.lowest <= m.population <= band.highest]
        assert abs(len(inside) - band.share * 10) <= 1, (band.slug, len(inside))
    assert all(m.challenges <= set(mt.CHALLENGES) for m in population)


@pytest.mark.parametrize(
    ("seed", "n", "error"),
    [(1, 0, ValueError), (1, -5, ValueError), (1, 2.5, TypeError), ("x", 10, TypeError)],
)
def test_reference_population_rejects_bad_arguments(
    seed: Any, n: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        reference_population(seed, n)


# --- The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "stage", "challenges", "slug", "rule"),
    [
        (150_000, "implementing", set(), "ambitious_large_municipalities", "large_with_strategy"),
        (
            20_000,
            "planned",
            {"finances", "rural_exodus"},
            "ambitious_large_municipalities",
            "large_with_strategy",
        ),
        (
            8_000,
            "none",
            {"finances", "digital_infrastructure"},
            "digital_laggards",
            "financial_and_structural_pressure",
        ),
        (
            8_000,
            "in_progress",
            {"finances", "rural_exodus"},
            "digital_laggards",
            "financial_and_structural_pressure",
        ),
        (
            60_000,
            "none",
            {"finances", "rural_exodus"},
            "digital_laggards",
            "financial_and_structural_pressure",
        ),
        (
            8_000,
            "planned",
            {"finances", "ageing"},
            "digital_refusers",
            "financial_pressure_without_strategy_work",
        ),
        (
            8_000,
            "none",
            {"finances"},
            "digital_refusers",
            "financial_pressure_without_strategy_work",
        ),
        (8_000, "implementing", {"finances", "energy"}, "small_digital_pioneers", "small_advanced"),
        (
            19_999,
            "in_progress",
            {"ageing", "health_care"},
            "small_digital_pioneers",
            "small_advanced",
        ),
        (8_000, "implementing", {"traffic"}, "digital_followers", "small_with_strategy_work"),
        (8_000, "planned", set(), "digital_followers", "small_with_strategy_work"),
        (8_000, "none", {"traffic", "ageing"}, "digital_followers", "small_traffic_without_plan"),
        (8_000, "none", {"ageing"}, "digital_refusers", "no_strategy"),
        (60_000, "none", {"traffic"}, "digital_refusers", "no_strategy"),
    ],
)
def test_assign_type_rules(
    population: int, stage: mt.StrategyStage, challenges: set[str], slug: str, rule: str
) -> None:
    result = assign_type(TypeInput(population, stage, frozenset(challenges)))
    assert (result.slug, result.rule) == (slug, rule)
    assert result.name == mt.TYPE_NAMES[slug]
    assert not result.provisional
    assert result.likelihoods == ()


def test_reasons_explain_size_stage_and_challenges() -> None:
    result = assign_type(TypeInput(4_500, "planned", frozenset({"finances"})))
    assert result.reasons[0] == "Ihre Kommune hat unter 20.000 Einwohner (4.500)."
    assert result.reasons[1] == "Sie planen, eine Digitalisierungsstrategie zu erarbeiten."
    assert result.reasons[2].startswith("Sie nennen die Finanzlage als zentrale Herausforderung")
    assert "Verweigerern" in result.reasons[-1]

    large = assign_type(TypeInput(250_000, "implementing", frozenset({"integration"})))
    assert large.reasons[0] == "Ihre Kommune hat 20.000 oder mehr Einwohner (250.000)."
    assert large.reasons[1] == "Sie setzen bereits eine Digitalisierungsstrategie um."
    assert "die Integration" in large.reasons[2]

    laggard = assign_type(
        TypeInput(3_000, "none", frozenset({"finances", "rural_exodus", "digital_infrastructure"}))
    )
    assert "die Abwanderung und die digitale Infrastruktur" in laggard.reasons[2]
    assert laggard.reasons[1] == (
        "Sie haben keine Digitalisierungsstrategie und planen derzeit auch keine."
    )


def test_every_reason_is_a_german_sentence(population: Population) -> None:
    seen: set[str] = set()
    for inp in population[:2_000]:
        result = assign_type(inp)
        assert len(result.reasons) >= 3, result
        for reason in result.reasons:
            assert reason[0].isupper() and reason.endswith((".", "“.")), reason
            seen.add(reason)
    assert any("Follower" in reason for reason in seen)


def test_missing_stage_gives_the_most_likely_type_provisionally() -> None:
    small = assign_type(TypeInput(3_000, None))
    assert small.provisional and small.rule == "stage_missing"
    likelihood = dict(small.likelihoods)
    assert abs(sum(likelihood.values()) - 1.0) < 0.01
    assert small.slug == max(likelihood, key=lambda slug: likelihood[slug])
    # below 20,000: 37 of 81 have no strategy (STAGE_MASS_BY_SIZE) → refusers 45.7 %
    assert small.slug == "digital_refusers"
    assert likelihood["small_digital_pioneers"] == pytest.approx(28 / 81, abs=0.001)
    assert "keine Angabe" in small.reasons[1]

    large = assign_type(TypeInput(45_000, None, frozenset({"traffic"})))
    assert large.slug == "ambitious_large_municipalities"
    assert dict(large.likelihoods)["ambitious_large_municipalities"] == pytest.approx(15 / 19, 0.01)

    certain = assign_type(TypeInput(3_000, None, frozenset({"finances", "rural_exodus"})))
    assert certain.slug == "digital_laggards"
    assert certain.likelihoods == (("digital_laggards", 1.0),)
    assert "jeder mögliche Stand denselben Typ" in certain.reasons[2]


def test_size_threshold_is_20000() -> None:
    below = assign_type(TypeInput(19_999, "in_progress"))
    at = assign_type(TypeInput(20_000, "in_progress"))
    assert below.slug == "small_digital_pioneers"
    assert at.slug == "ambitious_large_municipalities"


def test_digital_score_scale(population: Population) -> None:
    assert [digital_score(TypeInput(1_000, s)) for s in mt.STRATEGY_STAGES] == [4, 3, 2, 1]
    assert digital_score(TypeInput(1_000, None)) is None
    scores = [digital_score(m) for m in population]
    mean = sum(s for s in scores if s is not None) / len(scores)
    expected = sum(
        mt.STAGE_SCORES[stage] * share / 100
        for stage, share in mt.PUBLISHED_STAGE_SHARES_2017.items()
    )
    # lines 816-824 and 1330: the published stage shares give 2.16 ≈ Ø 2.2
    assert mean == pytest.approx(expected, abs=0.01) and expected == pytest.approx(2.16)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"population": 5_000, "strategy_stage": "soon"}, ValueError, "Strategiestand"),
        ({"population": -1, "strategy_stage": None}, ValueError, "Einwohnerzahl"),
        ({"population": True, "strategy_stage": None}, TypeError, "Einwohnerzahl"),
        ({"population": 5_000.0, "strategy_stage": None}, TypeError, "Einwohnerzahl"),
        (
            {"population": 5_000, "strategy_stage": None, "challenges": frozenset({"wifi"})},
            ValueError,
            "„wifi“",
        ),
        (
            {"population": 5_000, "strategy_stage": None, "challenges": "traffic"},
            TypeError,
            "Herausforderungen",
        ),
    ],
)
def test_type_input_validation(
    kwargs: dict[str, Any], error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=re.escape(fragment)):
        TypeInput(**kwargs)


def test_type_input_accepts_other_iterables_and_no_answer() -> None:
    inp = TypeInput(5_000, "planned", ["traffic", "ageing"])  # type: ignore[arg-type]
    assert inp.challenges == frozenset({"traffic", "ageing"})
    # the questionnaire's "keine_angabe" (notes/questionnaire_schema.md)
    silent = TypeInput(5_000, "keine_angabe", "keine_angabe")  # type: ignore[arg-type]
    assert (silent.strategy_stage, silent.challenges) == (None, frozenset())
    assert assign_type(silent).provisional
    with pytest.raises(TypeError):
        assign_type(("not", "an", "input"))  # type: ignore[arg-type]


# --- The data file ----------------------------------------------------------------------------


def test_yaml_matches_the_module(data: dict[str, Any]) -> None:
    types = data["types"]
    assert [t["slug"] for t in types] == list(mt.TYPE_SLUGS)
    for entry in types:
        slug = entry["slug"]
        assert entry["name"] == mt.TYPE_NAMES[slug]
        assert entry["share_percent"] == mt.PUBLISHED_TYPE_SHARES[slug]
        assert entry["mean_score"] == mt.PUBLISHED_MEAN_SCORES[slug]
        assert tuple(entry["challenges"]) == mt.TYPE_CHALLENGES[slug]
        assert set(entry["challenges"]) <= set(mt.CHALLENGES)
    assert sum(t["share_percent"] for t in types) == 100
    assert data["score"]["scale"] == dict(mt.STAGE_SCORES)
    assert data["score"]["overall_mean"] == mt.PUBLISHED_OVERALL_MEAN_SCORE
    stages_2017 = data["strategy_stages"]["2017"]
    assert {s: stages_2017[s]["value"] for s in mt.STRATEGY_STAGES} == dict(
        mt.PUBLISHED_STAGE_SHARES_2017
    )
    rates = {item["slug"]: item for item in data["challenge_frequencies"]["items"]}
    assert set(rates) == set(mt.CHALLENGES)
    for slug, rate in mt.BASE_CHALLENGE_RATES.items():
        printed = rates[slug]["challenge"]
        if printed is not None and slug != "health_care":  # health care: "über drei Viertel"
            assert rate == printed / 100, slug


def walk(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every mapping in the file with its path."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        found.append((path, node))
        for key, value in node.items():
            found += walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += walk(value, f"{path}[{i}]")
    return found


def test_yaml_constraints_carry_lines_date_and_a_real_test(data: dict[str, Any]) -> None:
    constraints = [c for t in data["types"] for c in t["constraints"]]
    constraints += data["general_constraints"] + data["size_figures"]
    this_module = sys.modules[__name__]
    for constraint in constraints:
        assert constraint["date"] == "2017-09", constraint["key"]
        assert isinstance(constraint["lines"], list), constraint["key"]
        assert (
            constraint.get("test")
            or constraint.get("modelled") is False
            or (constraint["value"] is None)
        ), f"{constraint['key']}: neither tested nor marked as not modelled"
    for path, mapping in walk(data):
        if "test" in mapping:
            assert callable(getattr(this_module, mapping["test"], None)), (
                f"{path}: test {mapping['test']!r} does not exist"
            )


#: Words the study uses instead of a number.
NUMBER_WORDS = {20: ["Fünftel"], 50: ["Hälfte"], 75: ["drei Viertel"]}


def test_yaml_lines_hold_the_printed_values(data: dict[str, Any], seeds_dir: Path) -> None:
    lines = (seeds_dir / DOCUMENT).read_text(encoding="utf-8").splitlines()
    problems = []
    for path, mapping in walk(data):
        for key in ("lines", "share_lines", "mean_score_lines", "challenges_lines"):
            span = mapping.get(key)
            if span is None:
                continue
            if not (
                isinstance(span, list) and len(span) == 2 and 1 <= span[0] <= span[1] <= len(lines)
            ):
                problems.append(f"{path}.{key}: {span!r} is not a range in the study")
        value = mapping.get("value")
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and "lines" in mapping
            and not mapping.get("inferred")
            and not mapping.get("derived")
        ):
            start, end = mapping["lines"]
            text = " ".join(lines[start - 1 : end])
            candidates = [f"{value:g}".replace(".", ","), f"{value:,}".replace(",", ".")]
            candidates += NUMBER_WORDS.get(int(value), [])
            if not any(c in text for c in candidates):
                problems.append(f"{path}: {value} not printed in lines {start}-{end}")
    for item in data["challenge_frequencies"]["items"]:
        if item.get("inferred"):
            continue
        text = " ".join(lines[item["lines"][0] - 1 : item["lines"][1]])
        for key in ("challenge", "help"):
            value = item[key]
            words = [str(value), *NUMBER_WORDS.get(value, [])]
            if value is not None and not any(word in text for word in words):
                problems.append(f"{item['slug']}.{key}: {value} not in {item['lines']}")
    for entry in data["types"]:
        text = " ".join(lines[entry["share_lines"][0] - 1 : entry["share_lines"][1]])
        if f"{entry['share_percent']} %" not in text:
            problems.append(f"{entry['slug']}: share not in line {entry['share_lines']}")
        text = " ".join(lines[entry["mean_score_lines"][0] - 1 : entry["mean_score_lines"][1]])
        if f"{entry['mean_score']:.1f}".replace(".", ",") not in text:
            problems.append(f"{entry['slug']}: mean score not in {entry['mean_score_lines']}")
    assert problems == []


def test_yaml_descriptions_are_own_words(data: dict[str, Any], seeds_dir: Path) -> None:
    def words(text: str) -> list[str]:
        return re.sub(r"[^\wäöüß]+", " ", text.lower()).split()

    corpus = f" {' '.join(words((seeds_dir / DOCUMENT).read_text(encoding='utf-8')))} "
    texts = [t["description"] for t in data["types"]]
    texts += [m["statement"] for _, m in walk(data) if isinstance(m.get("statement"), str)]
    copied = []
    for text in texts:
        tokens = words(text)
        runs = (" ".join(tokens[i : i + 7]) for i in range(len(tokens) - 6))
        copied += [run for run in runs if f" {run} " in corpus]
    assert copied == [], "seven words in a row copied from the study"
