"""Digitalcheck scoring rules (kompass.analysis.digitalcheck, docs/data/digitalcheck.md) on the
shipped questionnaire, recommendations and reference figures: hand-computed dimension scores,
"keine Angabe" handling, level thresholds at their boundaries, recommendations tied to gaps,
self-ratings and the selection of reference figures."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kompass.analysis import digitalcheck as dc
from kompass.analysis.digitalcheck import DimensionScore
from kompass.questionnaires.definition import Item, Questionnaire, load_definition

DATA = Path(__file__).resolve().parent.parent / "src" / "kompass" / "data"

#: Hand-computed example: every dimension answered, some items "keine Angabe"/"Weiß nicht".
EXAMPLE: dict[str, Any] = {
    # strategy: (2*100 + 40 + 70 + 0) / 5 = 62.0
    "strategy_stage": "implementing",
    "strategy_components": ["goals", "measures", "timeline", "monitoring"],
    "strategy_anchoring": ["council_decision", "published"],
    "strategy_alignment": "no",
    # organisation: (2*100 + 60 + 100 + min(100, 130)) / 5 = 92.0; budget "Weiß nicht" left out
    "digital_lead": "cdo",
    "digital_unit": "working_group",
    "reports_to_top": "yes",
    "digital_budget": "dont_know",
    "funding_sources": ["own_budget", "land", "federal", "eu"],
    # administration: (2*66 + 50 + 40 + 50) / 5 = 54.4; online "dont_know" and redesign left out
    "efile_stage": "partly",
    "online_services": "dont_know",
    "eservice_components": ["service_search", "epayment", "chatbot"],
    "fim_use": "known",
    "process_kpis": "occasional",
    "process_redesign": "keine_angabe",
    # data: (66 + 33 + 0) / 3 = 33.0
    "data_inventory": "medium",
    "data_central": "low",
    "open_data": "none",
    "urban_data": "keine_angabe",
    # skills: (2*40 + 50 + min(100, 110)) / 4 = 57.5
    "training_offers": ["applications", "leadership"],
    "training_share": "from_20_to_30",
    "citizen_skills": ["library_adult_education", "volunteer_meetings", "hackathons"],
    # infrastructure: (80 + 40 + 80 + 0 + 100) / 5 = 60.0 (grade 2 -> 80, grade 4 -> 40)
    "broadband_rating": 2,
    "mobile_rating": 4,
    "fibre_involvement": ["funding", "other_municipalities"],
    "public_wifi": "no",
    "it_operations": "municipal_provider",
    # fields: (2*40 + 0) / 3 = 26.7; the empty community_support list counts as unanswered
    "fields_addressed": ["administration", "mobility", "education"],
    "cross_sector_projects": "no",
    "community_support": [],
    # cooperation: (50 + 2*50 + 100 + 40 + 0) / 6 = 48.3
    "strategy_partners": ["administration", "other_municipalities"],
    "intermunicipal": "exchange",
    "partner_network": "yes",
    "participation_offers": ["issue_reporting"],
    "outreach": ["none"],
    # not scored
    "challenges": ["ageing", "finances"],
    "barriers": ["lack_expertise"],
    "support_wanted": ["checklists"],
    "self_rating_strategy": 4,
    "self_rating_services": 5,
    "self_rating_staff": 2,
    "self_rating_civil_society": 3,
    "self_rating_infrastructure": 4,
}
EXPECTED = {
    "strategy": 62.0,
    "organisation": 92.0,
    "administration": 54.4,
    "data": 33.0,
    "skills": 57.5,
    "infrastructure": 60.0,
    "fields": 26.7,
    "cooperation": 48.3,
}


@cache
def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def definition() -> dict[str, Any]:
    return _load("questionnaires/digitalcheck-v1.yaml")  # type: ignore[no-any-return]


@cache
def questionnaire() -> Questionnaire:
    """The shipped file as the engine reads it (what the app passes to the analysis)."""
    return load_definition(DATA / "questionnaires" / "digitalcheck-v1.yaml")


def recommendations() -> dict[str, Any]:
    return _load("digitalcheck/recommendations.yaml")  # type: ignore[no-any-return]


def figures() -> dict[str, Any]:
    return _load("digitalcheck/reference_figures.yaml")  # type: ignore[no-any-return]


def scores_of(**values: float | None) -> dict[str, DimensionScore]:
    return {d: DimensionScore(d, d, v, 1, 1, v is None) for d, v in values.items()}


EIGHT = ("strategy", "organisation", "administration", "data")
EIGHT += ("skills", "infrastructure", "fields", "cooperation")


def uniform(value: float, **overrides: float | None) -> dict[str, DimensionScore]:
    values: dict[str, float | None] = dict.fromkeys(EIGHT, value)
    values.update(overrides)
    return scores_of(**values)


# ------------------------------------------------------------------------- dimension scores


def test_hand_computed_example_per_dimension() -> None:
    scores = dc.dimension_scores(definition(), EXAMPLE)
    assert list(scores) == list(EXPECTED)
    assert {d: s.score for d, s in scores.items()} == EXPECTED
    assert scores["organisation"].title == "Organisation und Verantwortung"


def test_counts_leave_out_keine_angabe_and_dont_know() -> None:
    scores = dc.dimension_scores(definition(), EXAMPLE)
    assert (scores["organisation"].answered, scores["organisation"].applicable) == (4, 5)
    assert (scores["administration"].answered, scores["administration"].applicable) == (4, 6)
    assert (scores["data"].answered, scores["data"].applicable) == (3, 4)
    assert (scores["fields"].answered, scores["fields"].applicable) == (2, 3)
    assert not any(s.insufficient for s in scores.values())


def test_keine_angabe_does_not_count_as_zero() -> None:
    answers = {"data_inventory": "high", "data_central": "high", "open_data": "keine_angabe"}
    assert dc.dimension_scores(definition(), answers)["data"].score == 100.0
    answers["open_data"] = "none"
    assert dc.dimension_scores(definition(), answers)["data"].score == pytest.approx(66.7)


def test_multiple_choice_keine_angabe_as_list() -> None:
    answers = {"training_offers": ["keine_angabe"], "training_share": "over_40"}
    answers["citizen_skills"] = ["none"]
    skills = dc.dimension_scores(definition(), answers)["skills"]
    assert (skills.answered, skills.applicable, skills.score) == (2, 3, 50.0)


def test_a_dimension_under_half_answered_has_no_score() -> None:
    # cooperation without a strategy: 4 applicable items; 2 answered is exactly half.
    answers: dict[str, Any] = {"strategy_stage": "none", "intermunicipal": "joint_projects"}
    answers["partner_network"] = "no"
    cooperation = dc.dimension_scores(definition(), answers)["cooperation"]
    assert (cooperation.answered, cooperation.applicable) == (2, 4)
    assert cooperation.score == pytest.approx((2 * 100 + 0) / 3, abs=0.05)
    assert not cooperation.insufficient
    answers["partner_network"] = "keine_angabe"
    cooperation = dc.dimension_scores(definition(), answers)["cooperation"]
    assert cooperation.score is None and cooperation.insufficient
    assert (cooperation.answered, cooperation.applicable) == (1, 4)


def test_nothing_answered_scores_nothing() -> None:
    scores = dc.dimension_scores(definition(), {})
    assert all(s.score is None and s.insufficient and s.answered == 0 for s in scores.values())
    assert dc.maturity_level(scores) is None


def test_hidden_items_are_not_applicable() -> None:
    without = dc.dimension_scores(definition(), {"strategy_stage": "none"})["strategy"]
    assert (without.answered, without.applicable, without.score) == (1, 1, 0.0)
    planned = dc.dimension_scores(definition(), {"strategy_stage": "planned"})["strategy"]
    assert planned.score == 33.0
    # an answer to a hidden item (anchoring is only asked when a strategy is implemented)
    answers = {"strategy_stage": "in_progress", "strategy_anchoring": ["council_decision"]}
    answers["strategy_alignment"] = "yes"
    strategy = dc.dimension_scores(definition(), answers)["strategy"]
    assert (strategy.answered, strategy.applicable) == (2, 3)
    assert strategy.score == pytest.approx((2 * 66 + 100) / 3, abs=0.05)


def test_weights_and_caps() -> None:
    answers = {"fields_addressed": ["administration", *["mobility", "energy_environment"]]}
    answers["cross_sector_projects"] = "yes"
    # (2*40 + 100) / 3 = 60.0
    assert dc.dimension_scores(definition(), answers)["fields"].score == 60.0
    every_field = [o.value for o in _item("fields_addressed").options[:-1]]
    assert dc.item_points(_item("fields_addressed"), every_field) == 100.0
    assert dc.item_points(_item("fields_addressed"), ["none"]) == 0.0


def _item(item_id: str) -> Item:
    return questionnaire().item(item_id)


@pytest.mark.parametrize(("grade", "points"), [(1, 100.0), (2, 80.0), (3, 60.0), (6, 0.0)])
def test_school_grades_score_in_reverse(grade: int, points: float) -> None:
    assert dc.item_points(_item("broadband_rating"), grade) == points


def test_invalid_answers_raise() -> None:
    with pytest.raises(ValueError, match="Unbekannte Frage „population“"):
        dc.dimension_scores(definition(), {"population": 5000})
    with pytest.raises(ValueError, match="unbekannte Option „maybe“"):
        dc.dimension_scores(definition(), {"strategy_stage": "maybe"})
    with pytest.raises(ValueError, match="außerhalb"):
        dc.dimension_scores(definition(), {"broadband_rating": 7})
    with pytest.raises(TypeError, match="Liste"):
        dc.dimension_scores(definition(), {"fields_addressed": "mobility"})
    with pytest.raises(ValueError, match="unbekannte Option „bikes“"):
        dc.dimension_scores(definition(), {"fields_addressed": ["bikes"]})


def test_input_is_not_mutated() -> None:
    answers = dict(EXAMPLE)
    before = repr(answers)
    dc.dimension_scores(definition(), answers)
    assert repr(answers) == before


def test_engine_definition_and_yaml_mapping_score_alike() -> None:
    from_engine = dc.dimension_scores(questionnaire(), EXAMPLE)
    assert from_engine == dc.dimension_scores(definition(), EXAMPLE)
    assert dc.as_questionnaire(questionnaire()) is questionnaire()
    with pytest.raises(TypeError, match="Questionnaire oder eine Zuordnung"):
        dc.as_questionnaire(["not", "a", "definition"])  # type: ignore[arg-type]


def test_skip_logic_is_the_engines() -> None:
    """The analysis reads show_if through the engine: same visibility as the forms and the
    answer checks, including the cascade and "keine Angabe" in list form."""
    for stage in ("implementing", "in_progress", "planned", "none", "keine_angabe", None):
        answers = {} if stage is None else {"strategy_stage": stage}
        assert dc.visible_items(questionnaire(), answers) == questionnaire().visibility(answers)
    listed = dc.visible_items(questionnaire(), {"strategy_stage": ["keine_angabe"]})
    assert listed == questionnaire().visibility({"strategy_stage": "keine_angabe"})
    assert not listed["strategy_components"]


def test_compound_when_conditions_use_the_engine() -> None:
    recs = {
        "recommendations": [
            {
                "id": "r",
                "title": "T",
                "text": "x",
                "dimensions": ["data"],
                "when": {
                    "all": [
                        {"item": "strategy_stage", "in": ["planned", "none"]},
                        {"any": [{"item": "broadband_rating", "gte": 4}, {"item": "x", "lte": 1}]},
                    ]
                },
                "sources": [],
            }
        ]
    }
    answers: dict[str, Any] = {"strategy_stage": "none", "broadband_rating": 5}
    assert [r.id for r in dc.recommendations_for(["data"], recs, answers=answers)] == ["r"]
    answers["broadband_rating"] = 3
    assert dc.recommendations_for(["data"], recs, answers=answers) == []
    with pytest.raises(ValueError, match="Unbekannte Bedingung"):
        bad = {"recommendations": [dict(recs["recommendations"][0], when={"item": "a"})]}
        dc.recommendations_for(["data"], bad, answers=answers)


# --------------------------------------------------------------------------- maturity level


def test_example_level() -> None:
    level = dc.maturity_level(dc.dimension_scores(definition(), EXAMPLE))
    assert level is not None
    # mean of the eight rounded scores: 433.9 / 8 = 54.2375
    assert (level.number, level.title, level.overall, level.capped_by) == (3, "Im Aufbau", 54.2, ())


@pytest.mark.parametrize(
    ("overall", "number"),
    [(0.0, 1), (19.9, 1), (20.0, 2), (39.9, 2), (40.0, 3), (59.9, 3), (60.0, 4), (79.9, 4)],
)
def test_level_thresholds(overall: float, number: int) -> None:
    level = dc.maturity_level(uniform(overall))
    assert level is not None and level.number == number
    assert level.title == dc.LEVELS[number - 1][1]


def test_level_five_from_eighty() -> None:
    level = dc.maturity_level(uniform(80.0))
    assert level is not None and (level.number, level.title) == (5, "Digital gestaltend")
    assert level.description == dc.LEVELS[4][2]


def test_weak_strategy_caps_at_level_three() -> None:
    level = dc.maturity_level(uniform(90.0, strategy=49.9))
    assert level is not None
    assert (level.number, level.capped_by) == (3, ("strategy",))
    level = dc.maturity_level(uniform(90.0, strategy=50.0))
    assert level is not None and level.number == 5


def test_unscored_organisation_caps_at_level_three() -> None:
    level = dc.maturity_level(uniform(90.0, organisation=None))
    assert level is not None and (level.number, level.capped_by) == (3, ("organisation",))


def test_any_gap_caps_level_five_at_four() -> None:
    level = dc.maturity_level(uniform(95.0, data=45.0))
    assert level is not None
    assert level.overall == pytest.approx(88.8)
    assert (level.number, level.capped_by) == (4, ("data",))
    level = dc.maturity_level(uniform(95.0, fields=None))
    assert level is not None and (level.number, level.capped_by) == (4, ("fields",))


def test_level_needs_half_of_the_dimensions() -> None:
    four = uniform(70.0, data=None, skills=None, fields=None, cooperation=None)
    assert dc.maturity_level(four) is not None
    three = uniform(70.0, data=None, skills=None, fields=None, cooperation=None, strategy=None)
    assert dc.maturity_level(three) is None


# ----------------------------------------------------------------------- strengths and gaps


def test_strengths_and_gaps_thresholds() -> None:
    result = dc.strengths_and_gaps(
        scores_of(strategy=75.0, data=74.9, skills=50.0, fields=49.9, cooperation=None, a=10.0)
    )
    assert result.strengths == ("strategy",)
    assert result.gaps == ("a", "fields")
    assert result.unscored == ("cooperation",)


def test_example_strengths_and_gaps() -> None:
    result = dc.strengths_and_gaps(dc.dimension_scores(definition(), EXAMPLE))
    assert result.strengths == ("organisation",)
    assert result.gaps == ("fields", "data", "cooperation")


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="Lückenschwelle"):
        dc.strengths_and_gaps(uniform(50.0), strength_threshold=40.0, gap_threshold=60.0)


# -------------------------------------------------------------------------- recommendations


def test_recommendations_follow_the_gaps_in_order() -> None:
    chosen = dc.recommendations_for(
        ("fields", "data", "cooperation"),
        recommendations(),
        answers=EXAMPLE,
        definition=definition(),
    )
    reasons = [(r.id, r.reason) for r in chosen]
    assert reasons[0] == ("integrate_fields", "gap:fields")
    assert reasons[1] == ("data_management", "gap:data")
    assert ("cooperate", "gap:cooperation") in reasons
    assert ("staff_skills", "barrier:lack_expertise") in reasons
    gap_reasons = [r.reason for r in chosen if r.reason.startswith("gap:")]
    assert gap_reasons == sorted(
        gap_reasons, key=["gap:fields", "gap:data", "gap:cooperation"].index
    )
    assert all(source[1] <= source[2] for r in chosen for source in r.sources)


def test_strategy_recommendations_depend_on_the_stage() -> None:
    def ids(stage: str) -> list[str]:
        chosen = dc.recommendations_for(
            ["strategy"], recommendations(), answers={"strategy_stage": stage}
        )
        return [r.id for r in chosen]

    assert ids("none")[:2] == ["strategy_start", "outside_expertise"]
    assert "strategy_complete" not in ids("none")
    assert ids("implementing") == ["strategy_complete", "strategy_anchor", "strategy_link"]
    assert ids("in_progress") == ["strategy_complete", "strategy_link"]


def test_no_gaps_no_barriers_no_recommendations() -> None:
    assert dc.recommendations_for([], recommendations(), answers={"barriers": ["none"]}) == []


def test_conditional_recommendations_need_answers() -> None:
    chosen = dc.recommendations_for(["strategy"], recommendations())
    assert chosen == []
    organisation = dc.recommendations_for(["organisation"], recommendations())
    assert [r.id for r in organisation] == ["responsibility", "digital_unit", "financing"]


def test_barriers_of_hidden_or_unanswered_items_do_not_trigger() -> None:
    chosen = dc.recommendations_for(
        ["data"], recommendations(), answers={"barriers": "keine_angabe"}
    )
    assert [r.id for r in chosen] == ["data_management"]


def test_recommendation_text_is_one_paragraph() -> None:
    chosen = dc.recommendations_for(["data"], recommendations())
    assert "\n" not in chosen[0].text and "  " not in chosen[0].text
    assert chosen[0].sources[0] == ("001", 699, 734)


# ----------------------------------------------------------------------------- self-ratings


def test_self_rating_comparison() -> None:
    scores = dc.dimension_scores(definition(), EXAMPLE)
    result = {
        c.item: (c.dimension, c.rating, c.measured, c.verdict)
        for c in dc.self_rating_comparison(definition(), EXAMPLE, scores)
    }
    assert result == {
        "self_rating_strategy": ("strategy", 4, 62.0, "consistent"),
        "self_rating_services": ("administration", 5, 54.4, "consistent"),
        "self_rating_staff": ("skills", 2, 57.5, "consistent"),
        "self_rating_civil_society": ("cooperation", 3, 48.3, "consistent"),
        "self_rating_infrastructure": ("infrastructure", 4, 60.0, "consistent"),
    }


def test_self_rating_over_and_under_estimated() -> None:
    answers = dict(EXAMPLE, self_rating_civil_society=4, self_rating_strategy=1)
    answers["strategy_components"] = [o.value for o in _item("strategy_components").options[:-1]]
    answers["strategy_alignment"] = "yes"
    scores = dc.dimension_scores(definition(), answers)
    assert scores["strategy"].score == pytest.approx((200 + 100 + 70 + 100) / 5)
    verdicts = {c.item: c.verdict for c in dc.self_rating_comparison(definition(), answers, scores)}
    assert verdicts["self_rating_civil_society"] == "overestimated"
    assert verdicts["self_rating_strategy"] == "underestimated"


def test_unanswered_self_ratings_are_left_out() -> None:
    answers = {"strategy_stage": "none", "self_rating_strategy": "keine_angabe"}
    scores = dc.dimension_scores(definition(), answers)
    assert dc.self_rating_comparison(definition(), answers, scores) == []


# ------------------------------------------------------------------------ reference figures


def ids(
    population: int | None,
    land: str | None = None,
    type_slug: str | None = None,
    body: str = "municipality",
) -> set[str]:
    chosen = dc.reference_figures_for(
        figures(), population=population, land=land, type_slug=type_slug, body=body
    )
    return {f["id"] for f in chosen}


def test_overall_figures_always_come() -> None:
    overall = {f["id"] for f in figures()["figures"] if f["group"]["kind"] == "all"}
    assert overall <= ids(None)
    assert ids(None) == overall
    assert "s001_strategy_has" in overall


@pytest.mark.parametrize(
    ("population", "present", "absent"),
    [
        (9_999, "s001_lt10k_strategy_has", "s001_10k_25k_strategy_has"),
        (10_000, "s001_10k_25k_strategy_has", "s001_lt10k_strategy_has"),
        (24_999, "s001_10k_25k_strategy_has", "s001_25k_50k_strategy_has"),
        (42_318, "s001_25k_50k_strategy_has", "s001_50k_100k_strategy_has"),
        (399_999, "s001_200k_400k_strategy_has", "s001_gt400k_strategy_has"),
        (3_600_000, "s001_gt400k_strategy_has", "s001_200k_400k_strategy_has"),
    ],
)
def test_size_class_selection(population: int, present: str, absent: str) -> None:
    chosen = ids(population)
    assert present in chosen
    assert absent not in chosen


def test_study_000_bound_of_twenty_thousand() -> None:
    assert "s000_small_in_phase" in ids(19_999)
    assert "s000_small_in_phase" not in ids(20_000)


def test_one_size_class_at_a_time() -> None:
    chosen = dc.reference_figures_for(figures(), population=2_315, land=None, type_slug=None)
    schemes = {f["group"]["label"] for f in chosen if f["group"]["kind"] == "size"}
    assert len(schemes) == 2  # study 001's class under 10,000 and study 000's under 20,000
    assert all(f["body"] != "district" for f in chosen)


def test_region_selection() -> None:
    assert {"s000_nielsen7_strategy", "s000_nielsen7_strategy_2015"} <= ids(None, land="SN")
    assert "s000_nielsen7_strategy" in ids(None, land="TH")
    assert "s000_nielsen7_strategy" not in ids(None, land="BY")
    assert "s000_nielsen7_strategy" not in ids(None)


def test_type_selection() -> None:
    chosen = ids(None, type_slug="digital_refusers")
    assert {"s000_type_share_digital_refusers", "s000_type_refusers_strategy"} <= chosen
    assert "s000_type_share_digital_followers" not in chosen
    assert not any(i.startswith("s000_type") for i in ids(None))


def test_districts_get_district_classes() -> None:
    chosen = ids(180_000, body="district")
    assert "s001_district_150k_250k_strategy_has" in chosen
    assert "s001_100k_200k_strategy_has" not in chosen
    assert "s001_district_150k_250k_strategy_has" not in ids(180_000)


def test_selection_keeps_file_order_and_does_not_copy() -> None:
    data = figures()
    chosen = dc.reference_figures_for(data["figures"], population=42_318, land="SH", type_slug=None)
    positions = [data["figures"].index(f) for f in chosen]
    assert positions == sorted(positions)
    assert chosen[0] is data["figures"][positions[0]]


def test_selection_validates_its_input() -> None:
    with pytest.raises(ValueError, match="Unbekanntes Land „Sachsen“"):
        dc.reference_figures_for(figures(), population=None, land="Sachsen", type_slug=None)
    with pytest.raises(ValueError, match="negativ"):
        dc.reference_figures_for(figures(), population=-1, land=None, type_slug=None)
    with pytest.raises(TypeError, match="ganze Zahl"):
        dc.reference_figures_for(figures(), population=True, land=None, type_slug=None)
    with pytest.raises(ValueError, match="body"):
        dc.reference_figures_for(figures(), population=1, land=None, type_slug=None, body="x")
