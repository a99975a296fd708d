"""The Digitalcheck's use cases (kompass.digitalcheck.services) on the real questionnaire and a
real database: the result contract, the lifecycle of a check (draft, submit, release, delete,
restore, purge), the peer benchmark and its minimum group, and who sees which checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kompass.analysis.benchmarks import MIN_GROUP
from kompass.digitalcheck import services
from kompass.digitalcheck.models import Submission, hash_token
from kompass.questionnaires.models import QuestionnaireVersion
from tests.conftest import Personas
from tests.test_digitalcheck_scoring import EXAMPLE, EXPECTED

pytestmark = pytest.mark.django_db

RESULT_KEYS = {
    "questionnaire",
    "municipality",
    "created_at",
    "dimensions",
    "overall",
    "type",
    "strengths",
    "gaps",
    "recommendations",
    "reference_figures",
    "peers",
    "answers",
    "self_rating",
}


def version() -> QuestionnaireVersion:
    return services.questionnaire_version()


def evaluate(answers: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("population", 42_318)
    kwargs.setdefault("land", "SH")
    return services.evaluate(version(), answers, **kwargs)


def peer(score: float, *, population: int = 42_318, land: str = "SH", **extra: Any) -> Submission:
    """A released, submitted anonymous check with a given overall score (no answers needed:
    the benchmark reads the score column only)."""
    fields: dict[str, Any] = {
        "questionnaire": version(),
        "population": population,
        "land": land,
        "token_hash": hash_token(f"peer-{Submission.objects.count()}-{score}"),
        "status": Submission.Status.SUBMITTED,
        "submitted_at": timezone.now(),
        "released_for_comparison": True,
        "overall_score": score,
    }
    submission = Submission.objects.create(**{**fields, **extra})
    services._refresh_peers(submission)
    return submission


# --- evaluate ------------------------------------------------------------------------------
def test_result_follows_the_contract() -> None:
    result = evaluate(EXAMPLE, municipality_name="Musterstadt")
    assert set(result) >= RESULT_KEYS
    assert result["questionnaire"] == {
        "slug": "digitalcheck",
        "version": 1,
        "title": "Digitalcheck für Kommunen",
    }
    assert result["municipality"] == {
        "name": "Musterstadt",
        "population": 42_318,
        "land": "SH",
        "land_label": "Schleswig-Holstein",
        "size_class": "medium_town",
        "size_class_label": "Mittelstadt",
    }
    assert {d["id"]: d["score"] for d in result["dimensions"]} == EXPECTED
    organisation = result["dimensions"][1]
    assert (organisation["answered"], organisation["items"], organisation["flag"]) == (4, 5, None)
    assert result["overall"]["score"] == 54.2
    assert (result["overall"]["level"], result["overall"]["level_title"]) == (3, "Im Aufbau")
    assert result["strengths"] == ["organisation"]
    assert result["gaps"] == ["fields", "data", "cooperation"]


def test_type_with_reasons() -> None:
    result = evaluate(EXAMPLE)
    kind = result["type"]
    # 42,318 inhabitants implementing a strategy: rule 1 (docs/data/municipality_types.md)
    assert (kind["slug"], kind["rule"], kind["provisional"]) == (
        "ambitious_large_municipalities",
        "large_with_strategy",
        False,
    )
    assert kind["name"] == "Ambitionierte Großkommunen"
    assert any("42.318" in reason for reason in kind["reasons"])
    assert kind["likelihoods"] is None
    assert kind["description"] and kind["share_percent"] == 15


def test_missing_stage_gives_a_provisional_type() -> None:
    kind = evaluate({"challenges": ["ageing"]}, population=4_500)["type"]
    assert kind["provisional"] is True and kind["rule"] == "stage_missing"
    assert kind["likelihoods"] and abs(sum(kind["likelihoods"].values()) - 1) < 0.01


def test_recommendations_are_tied_to_gaps_with_sources() -> None:
    recommendations = evaluate(EXAMPLE)["recommendations"]
    first = recommendations[0]
    assert (first["id"], first["reason_code"]) == ("integrate_fields", "gap:fields")
    assert first["reason"].startswith("Der Bereich „Handlungsfelder“ ist eine Lücke (26,7")
    assert first["sources"][0]["file"].endswith(".txt")
    barrier = next(r for r in recommendations if r["reason_code"] == "barrier:lack_expertise")
    assert "als Hürde genannt" in barrier["reason"]


def test_reference_figures_with_year_n_source_and_own_answer() -> None:
    figures = {f["id"]: f for f in evaluate(EXAMPLE)["reference_figures"]}
    has = figures["s000_strategy_has"]
    assert (has["value"], has["unit"], has["year"]) == (17, "percent", 2017)
    assert has["source"] == {"doc": "000", "file": "000_f47b0d7ebee16adc.txt", "lines": [862, 864]}
    assert has["your_answer"] == "Wir haben eine Strategie und setzen sie bereits um"
    assert has["your_answer_matches"] is True
    assert figures["s000_strategy_none"]["your_answer_matches"] is False
    # size class 25,000-50,000 of study 001 and the type's figures, no district classes
    assert "s001_25k_50k_strategy_has" in figures
    assert any(f["group_kind"] == "type" for f in figures.values())
    assert not any(i.startswith("s001_district") for i in figures)


def test_districts_get_district_figures() -> None:
    figures = evaluate({}, population=180_000, body="district")["reference_figures"]
    assert "s001_district_150k_250k_strategy_has" in {f["id"] for f in figures}


def test_readable_answers_and_self_rating() -> None:
    result = evaluate(EXAMPLE)
    answers = {a["item_id"]: a for a in result["answers"]}
    assert answers["strategy_stage"]["section"] == "Strategie"
    assert answers["broadband_rating"]["answer"] == "2 – gut"
    assert answers["process_redesign"]["answer"] == "keine Angabe"
    assert answers["fields_addressed"]["answer"] == "Verwaltung, Mobilität, Bildung"
    rating = result["self_rating"]
    assert rating["verdict"] == "consistent" and len(rating["items"]) == 5
    assert rating["rating"] == pytest.approx((4 + 5 + 2 + 3 + 4) / 5)


def test_nothing_answered_still_evaluates() -> None:
    result = evaluate({}, land=None)
    assert result["overall"] == {
        "score": None,
        "level": None,
        "level_title": None,
        "level_description": None,
        "held_down_by": [],
    }
    assert all(d["flag"] == "too_few_answers" for d in result["dimensions"])
    assert all(d["flag_label"] == "zu wenige Antworten" for d in result["dimensions"])
    assert result["self_rating"] is None and result["answers"] == []


def test_keine_angabe_is_valid_everywhere() -> None:
    answers = {item.id: "keine_angabe" for item in version().questionnaire.items}
    for hidden in ("strategy_components", "strategy_anchoring", "strategy_alignment"):
        answers.pop(hidden)  # not asked when the stage is "keine Angabe"
    answers.pop("strategy_partners")
    result = evaluate(answers)
    assert result["overall"]["score"] is None


@pytest.mark.parametrize(
    ("answers", "item_id", "message"),
    [
        ({"xyz": "a"}, "xyz", "Unbekannte Frage „xyz“."),
        ({"strategy_stage": "foo"}, "strategy_stage", "Unbekannte Option „foo“."),
        ({"broadband_rating": 7}, "broadband_rating", "über dem Höchstwert 6"),
        ({"fields_addressed": ["none", "mobility"]}, "fields_addressed", "„none“"),
        (
            {"strategy_stage": "none", "strategy_anchoring": ["published"]},
            "strategy_anchoring",
            "wird nach Ihrer Antwort auf Frage „strategy_stage“ nicht gestellt",
        ),
    ],
)
def test_invalid_answers_name_item_and_problem(
    answers: dict[str, Any], item_id: str, message: str
) -> None:
    with pytest.raises(services.InvalidAnswers) as caught:
        evaluate(answers)
    assert [e.item_id for e in caught.value.errors] == [item_id]
    assert message in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("population", "land", "item_id"),
    [(0, "SH", "population"), (20_000_000, None, "population"), ("viele", None, "population")],
)
def test_population_and_land_are_checked(population: Any, land: Any, item_id: str) -> None:
    with pytest.raises(services.InvalidAnswers) as caught:
        evaluate({}, population=population, land=land)
    assert caught.value.errors[0].item_id == item_id


def test_unknown_land_is_rejected_in_german() -> None:
    with pytest.raises(services.InvalidAnswers) as caught:
        evaluate({}, land="Sachsen")
    assert caught.value.errors == [
        ("land", caught.value.errors[0].message),
    ]
    assert "Unbekanntes Land „Sachsen“" in caught.value.errors[0].message


# --- Peers ---------------------------------------------------------------------------------
def test_below_the_minimum_group_nothing_is_shown() -> None:
    for score in range(MIN_GROUP - 1):
        peer(10.0 * score)
    peers = evaluate(EXAMPLE)["peers"]
    assert peers["n"] == MIN_GROUP - 1 and peers["min_group"] == MIN_GROUP == 10
    assert peers["percentile"] is None and peers["histogram"] == []
    assert peers["group_label"] == "Mittelstädte"


def test_percentile_and_histogram_of_released_peers() -> None:
    for score in (5, 15, 25, 35, 45, 55, 65, 75, 85, 95):
        peer(float(score))
    peer(99.0, released_for_comparison=False)  # not released: not a peer
    peer(99.0, population=150_000)  # another size class
    peers = evaluate(EXAMPLE)["peers"]  # overall 54.2
    assert peers["n"] == 10
    assert peers["percentile"] == 50.0
    assert [b["count"] for b in peers["histogram"]] == [2, 2, 2, 2, 2]
    assert [b["you"] for b in peers["histogram"]] == [False, False, True, False, False]
    assert peers["land_n"] == 10 and peers["land_percentile"] == 50.0


def test_land_figure_needs_its_own_minimum() -> None:
    for score in range(10):
        peer(float(score * 10), land="SH" if score < 4 else "NW")
    peers = services.peer_benchmark(50.0, 42_318, "SH")
    assert peers is not None
    assert peers["percentile"] == 55.0  # 5 below, 1 equal: (5 + 0.5) / 10
    assert (peers["land_n"], peers["land_percentile"]) == (4, None)


def test_a_municipality_counts_once_with_its_latest_released_check(personas: Personas) -> None:
    start = services.start
    older = services.submit(start(municipality=personas.musterstadt)[0], answers=EXAMPLE)
    newer = services.submit(start(municipality=personas.musterstadt)[0], answers=EXAMPLE)
    services.release(older, True)
    services.release(newer, True)
    older.refresh_from_db()
    assert (older.is_peer, newer.is_peer) == (False, True)
    services.delete(newer)
    older.refresh_from_db()
    assert older.is_peer  # the newest remaining released check takes over
    services.release(older, False)
    assert not Submission.objects.filter(is_peer=True).exists()


def test_own_check_is_not_its_own_peer(personas: Personas) -> None:
    for score in range(10):
        peer(float(score * 10))
    submission, _ = services.start(municipality=personas.musterstadt)
    services.save_draft(submission, EXAMPLE)
    services.submit(submission, released=True)
    result = services.result_of(submission)
    assert result is not None and result["peers"]["n"] == 10
    other = services.peer_benchmark(50.0, 42_318, "SH")
    assert other is not None and other["n"] == 11


def test_peer_query_reads_scores_not_models(django_assert_max_num_queries: Any) -> None:
    for score in range(30):
        peer(float(score))
    with django_assert_max_num_queries(1):
        peers = services.peer_benchmark(12.0, 42_318, "SH")
    assert peers is not None and peers["n"] == 30


# --- Lifecycle -----------------------------------------------------------------------------
def test_anonymous_check_from_start_to_deletion() -> None:
    submission, token = services.start(population=4_500, land="BY")
    assert (
        token
        and submission.token_hash == hash_token(token)
        and token not in str(Submission.objects.values_list().get())
    )
    assert services.by_token(token) == submission
    assert submission.size_class == "rural_municipality"
    services.save_draft(submission, {"strategy_stage": "planned"}, section="strategy")
    submission.refresh_from_db()
    assert (submission.answers, submission.current_section) == (
        {"strategy_stage": "planned"},
        "strategy",
    )
    services.submit(submission)
    submission.refresh_from_db()
    assert submission.is_submitted and submission.result is not None
    assert submission.overall_score is None  # one dimension answered: no overall score
    assert services.delete(submission) is True
    assert not Submission.objects.exists()
    assert services.by_token(token) is None


def test_submit_needs_required_items() -> None:
    submission, _ = services.start(population=4_500)
    with pytest.raises(services.InvalidAnswers) as caught:
        services.submit(submission)
    assert caught.value.errors[0].item_id == "strategy_stage"
    assert "Pflichtfrage" in caught.value.errors[0].message
    services.save_draft(submission, {"strategy_stage": "keine_angabe"})
    assert services.submit(submission).is_submitted


def test_submitted_checks_are_frozen() -> None:
    submission, _ = services.start(population=4_500)
    services.submit(submission, answers={"strategy_stage": "none"})
    with pytest.raises(services.DigitalcheckError, match="abgeschlossen"):
        services.save_draft(submission, {"strategy_stage": "planned"})
    with pytest.raises(services.DigitalcheckError, match="abgeschlossen"):
        services.submit(submission)


def test_submit_stores_score_level_and_result(personas: Personas) -> None:
    submission, token = services.start(municipality=personas.musterstadt, author=personas.mia)
    assert token is None and submission.token_hash is None
    assert (submission.population, submission.land) == (42_318, "SH")
    services.submit(submission, answers=EXAMPLE, released=True)
    submission.refresh_from_db()
    assert (submission.overall_score, submission.level) == (54.2, 3)
    assert submission.result["municipality"]["name"] == "Musterstadt"
    assert submission.released_for_comparison and submission.is_peer
    assert submission.author == personas.mia


def test_members_checks_are_soft_deleted_and_restorable(personas: Personas) -> None:
    submission, _ = services.start(municipality=personas.musterstadt)
    services.submit(submission, answers=EXAMPLE, released=True)
    assert services.delete(submission) is False
    submission.refresh_from_db()
    assert submission.deleted_at is not None and not submission.is_peer
    assert services.history(personas.musterstadt)["deleted"] == [submission]
    services.restore(submission)
    submission.refresh_from_db()
    assert submission.deleted_at is None and submission.is_peer


def test_restore_period_and_purge(personas: Personas) -> None:
    submission, _ = services.start(municipality=personas.musterstadt)
    long_ago = timezone.now() - timedelta(days=31)
    services.delete(submission, now=long_ago)
    with pytest.raises(services.DigitalcheckError, match="30 Tage"):
        services.restore(submission)
    recent, _ = services.start(municipality=personas.musterstadt)
    services.delete(recent)
    assert services.purge_deleted() == 1
    assert list(Submission.objects.all()) == [recent]


def test_abandoned_anonymous_drafts_are_purged_after_90_days(personas: Personas) -> None:
    """Only anonymous drafts untouched for 90 days go; submitted anonymous checks, members'
    drafts and recent drafts stay - also through the daily command."""
    from io import StringIO

    from django.core.management import call_command

    old = timezone.now() - timedelta(days=91)
    abandoned, _ = services.start(population=12_000)
    recent, _ = services.start(population=12_000)
    finished, _ = services.start(population=12_000)
    Submission.objects.filter(pk=finished.pk).update(status=Submission.Status.SUBMITTED)
    member_draft, _ = services.start(municipality=personas.musterstadt)
    Submission.objects.filter(pk__in=[abandoned.pk, finished.pk, member_draft.pk]).update(
        updated_at=old
    )
    Submission.objects.filter(pk=recent.pk).update(updated_at=old + timedelta(days=2))

    out = StringIO()
    call_command("purge_deleted_checks", stdout=out)

    assert "1 anonyme Entwürfe" in out.getvalue()
    assert set(Submission.objects.values_list("pk", flat=True)) == {
        recent.pk,
        finished.pk,
        member_draft.pk,
    }


def test_members_need_a_population(personas: Personas) -> None:
    personas.beispieldorf.population = None
    personas.beispieldorf.save()
    with pytest.raises(services.InvalidAnswers) as caught:
        services.start(municipality=personas.beispieldorf)
    assert caught.value.errors[0].item_id == "population"
    submission, _ = services.start(municipality=personas.beispieldorf, population=2_300)
    assert submission.population == 2_300


def test_only_members_see_a_municipalitys_checks(personas: Personas) -> None:
    mine, _ = services.start(municipality=personas.musterstadt)
    theirs, _ = services.start(municipality=personas.beispieldorf)
    anonymous, _ = services.start(population=1_000)
    assert list(services.visible_to(personas.mia)) == [mine]
    assert list(services.visible_to(personas.anna)) == [mine]
    assert list(services.visible_to(personas.ben)) == [theirs]
    assert list(services.visible_to(personas.clara)) == []
    assert list(services.visible_to(personas.sven)) == []  # staff included
    assert anonymous not in services.visible_to(personas.sven)


def test_compare_two_dates(personas: Personas) -> None:
    first, _ = services.start(municipality=personas.musterstadt)
    services.submit(first, answers=EXAMPLE)
    second, _ = services.start(municipality=personas.musterstadt)
    services.submit(second, answers=dict(EXAMPLE, open_data="high", urban_data="yes"))
    rows = {row["id"]: row for row in services.compare(first, second)}
    assert rows["data"]["first"] == 33.0
    assert rows["data"]["second"] == pytest.approx((66 + 33 + 100 + 100) / 4, abs=0.05)
    assert rows["data"]["difference"] == round(rows["data"]["second"] - 33.0, 1)
    assert rows["strategy"]["difference"] == 0.0
    assert rows["overall"]["first"] == 54.2 and rows["overall"]["difference"] > 0
