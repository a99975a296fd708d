"""The similarity rule of the atlas (kompass.analysis.similarity), computed by hand."""

from __future__ import annotations

import pytest

from kompass.analysis.similarity import jaccard, similar_profiles


def record(slug: str, size: str | None, land: str, fields: set[str], units: set[str]) -> dict:
    return {"slug": slug, "size_class": size, "land": land, "fields": fields, "organisation": units}


def test_scores_follow_the_documented_weights() -> None:
    target = record("t", "medium_town", "NW", {"mobility", "administration"}, {"cdo"})
    candidates = [
        target,
        record("same-all", "medium_town", "NW", {"mobility", "administration"}, {"cdo"}),
        # 3 (size) + 3 * 1/3 (fields) = 4.0
        record("size-and-one-field", "medium_town", "BY", {"mobility", "health"}, set()),
        # 1 (Land) + 2 * 1/2 (organisation) = 2.0
        record("land-and-org", "large_city", "NW", set(), {"cdo", "staff_unit"}),
        record("nothing", "large_city", "BY", {"health"}, {"company"}),
    ]
    ranked = similar_profiles(target, candidates, labels={"medium_town": "Mittelstadt"})
    assert [(s.slug, s.score) for s in ranked] == [
        ("same-all", 9.0),
        ("size-and-one-field", 4.0),
        ("land-and-org", 2.0),
    ]
    assert ranked[1].reasons == ("gleiche Größenklasse (Mittelstadt)", "Projekte in mobility")


def test_limit_and_ties() -> None:
    target = record("t", None, "NW", set(), set())
    candidates = [record(s, None, "NW", set(), set()) for s in ["c", "a", "b"]]
    assert [s.slug for s in similar_profiles(target, candidates, limit=2)] == ["a", "b"]
    with pytest.raises(ValueError, match="limit"):
        similar_profiles(target, candidates, limit=0)


def test_jaccard_of_empty_sets_is_zero() -> None:
    assert jaccard(set(), set()) == 0.0
