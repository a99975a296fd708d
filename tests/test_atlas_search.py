"""Search over the shipped atlas on the active database (the suite runs on SQLite and
PostgreSQL, so every expectation here holds on both)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompass.analysis.textsearch import rank, score, term
from kompass.atlas import search as search_module
from kompass.atlas.models import (
    FundingProgramme,
    OrganisationUnit,
    PracticeExample,
    Profile,
    ProfileFunding,
    Project,
    SearchEntry,
    SearchTerm,
)
from kompass.atlas.practice import load_practice_examples
from kompass.atlas.search import rebuild_index, search
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(db: None) -> int:
    load_fields_of_action()
    load_atlas_edition("2019")
    load_practice_examples()
    return rebuild_index()


def titles(query: str, **filters: object) -> list[str]:
    return [hit.entry.title for hit in search(query, limit=500, **filters).hits]  # type: ignore[arg-type]


def test_normalisation_umlauts_stems_compounds_typos(index: int) -> None:
    expected = titles("Mobilität")
    assert len(expected) > 20
    assert titles("Mobilitaet") == titles("Mobilitat") == titles("MOBILITÄT") == expected
    assert titles("Straße") == titles("Strasse")
    # German stemming
    assert set(titles("Projekt")) == set(titles("Projekten"))
    assert "Digitaler Bürgerservice" in titles("Bürgerservices")
    # hyphens and compounds
    joined = set(titles("Datenplattform"))
    assert "Urbane Datenplattform" in joined
    assert joined <= set(titles("Daten-Plattform"))
    assert "Urbane Datenplattform" in titles("Plattform")  # part of a compound
    assert titles("EGovernment") and set(titles("EGovernment")) <= set(titles("E-Government"))
    # typos in names
    results = search("Ingolstatt")
    assert results.corrections == {"ingolstatt": ["ingolstadt"]}
    assert results.hits[0].entry.title == "Ingolstadt"
    assert search("Wupertal").hits[0].entry.title == "Wuppertal"


def test_ranking_snippets_facets_and_filters(index: int) -> None:
    hits = search("LoRaWAN").hits
    assert hits[0].entry.title.startswith("LoRaWAN") or "LoRaWAN" in hits[0].entry.title
    assert all("<mark>" in hit.snippet for hit in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert search("<script>alert(1)</script>").total == 0
    for hit in search("Bürgerbeteiligung").hits:
        assert "<script" not in hit.snippet
    # facets and filters
    everything = search("Mobilität", limit=500)
    projects = search("Mobilität", kind="project", limit=500)
    assert projects.total == everything.facets["kind"]["project"]
    assert all(h.entry.kind == "project" for h in projects.hits)
    primary = search("Mobilität", kind="project", field_slug="mobility", primary_only=True)
    any_field = search("Mobilität", kind="project", field_slug="mobility")
    assert 0 < primary.total <= any_field.total
    saxony = search("Digitalisierung", land="SN", limit=500)
    assert saxony.total > 0 and {h.entry.land for h in saxony.hits} == {"SN"}
    assert search("Digitalisierung", cdo=True).total < search("Digitalisierung").total


def test_search_page_and_api(client: Client, index: int) -> None:
    body = client.get("/atlas/suche/?q=Mobilitaet&art=project").content.decode()
    assert "Treffer für „Mobilitaet“" in body
    assert "<mark>Mobilität" in body
    assert client.get("/atlas/suche/?q=").status_code == 400
    data = client.get("/api/v1/atlas/search?q=Datenplattform&kind=project").json()
    assert data["count"] == len(data["items"]) > 0
    assert data["facets"]["kind"] == {"project": data["count"]}
    assert client.get("/api/v1/atlas/search?q=x&kind=banana").status_code == 422


# --- Same results on both databases -------------------------------------------------------------
SNAPSHOT = Path(__file__).parent / "snapshots" / "atlas_search.json"
#: The queries of the tests above, with the filters they use.
SNAPSHOT_QUERIES: list[tuple[str, dict[str, object]]] = [
    ("Mobilität", {}),
    ("Mobilitaet", {"kind": "project"}),
    ("Straße", {}),
    ("Projekten", {}),
    ("Bürgerservices", {}),
    ("Datenplattform", {}),
    ("Daten-Plattform", {}),
    ("Plattform", {}),
    ("E-Government", {}),
    ("Ingolstatt", {}),
    ("Wupertal", {}),
    ("LoRaWAN", {}),
    ("Bürgerbeteiligung", {}),
    ("Mobilität", {"kind": "project", "field_slug": "mobility", "primary_only": True}),
    ("Digitalisierung", {"land": "SN"}),
    ("Digitalisierung", {"cdo": True}),
]


def summary(results: search_module.Results) -> dict[str, object]:
    """Everything a search returns, with programmes by name (ids differ between runs)."""
    names = {str(pk): name for pk, name in FundingProgramme.objects.values_list("pk", "name")}
    facets = dict(results.facets)
    facets["programme"] = Counter({names[k]: n for k, n in facets["programme"].items()})
    return {
        "total": results.total,
        "capped": results.capped,
        "corrections": results.corrections,
        "facets": {name: dict(sorted(c.items())) for name, c in sorted(facets.items())},
        "hits": [[hit.entry.kind, hit.entry.title, hit.score, hit.snippet] for hit in results.hits],
    }


def test_results_identical_on_both_databases(index: int) -> None:
    """Every query gives the same hits, order, scores, snippets, totals and facets on SQLite
    and PostgreSQL: both suite runs compare against one snapshot. After a deliberate change,
    rerun with KOMPASS_TEST_UPDATE_SNAPSHOTS=1 (on either database) and review the diff."""
    rendered = json.dumps(
        {
            f"{text} {json.dumps(filters, sort_keys=True)}": summary(
                search_module.search(text, limit=50, **filters)  # type: ignore[arg-type]
            )
            for text, filters in SNAPSHOT_QUERIES
        },
        ensure_ascii=False,
        indent=1,
    )
    if os.environ.get("KOMPASS_TEST_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(rendered + "\n", encoding="utf-8")
    assert rendered + "\n" == SNAPSHOT.read_text(encoding="utf-8")


# --- Bounded work -------------------------------------------------------------------------------
def queries_of(call: Any) -> list[str]:
    """The statements ``call()`` sends, without transaction bookkeeping (savepoints and the
    planner setting of PostgreSQL)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL"))
    ]


def test_a_search_costs_a_fixed_number_of_queries(index: int) -> None:
    # vocabulary look-up, matches with scores, the page's entries
    assert len(queries_of(lambda: search_module.search("Mobilität Verwaltung"))) == 3
    assert len(queries_of(lambda: search_module.search("Daten-Plattform", land="BY"))) == 3
    # a typo: one more look-up among the terms that share its first two letters
    assert len(queries_of(lambda: search_module.search("Wupertal"))) == 4
    # no match at all: no page to load
    assert len(queries_of(lambda: search_module.search("Xylofonzzz"))) <= 3


def test_scores_computed_by_the_database_match_the_python_rule(index: int) -> None:
    for text in ("Mobilität", "Daten-Plattform", "Bürgerbeteiligung Verwaltung"):
        query, _ = search_module.parse(text)
        prefixes = list(dict.fromkeys(t for group in query for alt in group for t in alt))
        hits = search_module.search(text, limit=100).hits
        assert hits
        for hit in hits:
            assert hit.score == score(prefixes, hit.entry.title_terms, hit.entry.terms)
            assert hit.score == rank(
                prefixes, hit.entry.title_terms.split(), hit.entry.terms.split()
            )


def test_matches_beyond_the_cap_are_counted_as_more(
    index: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = search_module.search("Projekt", limit=1000)
    assert not everything.capped and everything.total > 30
    monkeypatch.setattr(search_module, "MAX_COUNTED", 30)
    capped = search_module.search("Projekt", limit=1000)
    assert capped.capped and capped.total == 30 == len(capped.hits)
    assert sum(capped.facets["kind"].values()) == 30
    assert capped.hits == sorted(capped.hits, key=lambda h: -h.score)


def test_pages_partition_the_ranking(index: int) -> None:
    whole = search_module.search("Digitalisierung", limit=60)
    pages = [search_module.search("Digitalisierung", offset=o, limit=20).hits for o in (0, 20, 40)]
    assert [h.entry.pk for page in pages for h in page] == [h.entry.pk for h in whole.hits]
    assert all(page for page in pages) and whole.total > 40
    assert search_module.search("Digitalisierung", offset=whole.total, limit=20).hits == []


def test_filters_are_index_terms(index: int) -> None:
    """Filters are answered by the full-text index: organisation, programme and edition."""
    cdo = search_module.search("Digitalisierung", organisation="cdo", limit=500)
    assert cdo.total > 0
    cdo_profiles = set(
        OrganisationUnit.objects.filter(kind="cdo").values_list("profile_id", flat=True)
    )
    assert {h.entry.profile_pk for h in cdo.hits} <= cdo_profiles
    assert cdo.facets["organisation"]["cdo"] == cdo.total
    funding = ProfileFunding.objects.select_related("programme").first()
    assert funding is not None
    narrowed = search_module.search(
        "Stadt",
        programme=funding.programme_id,
        programme_role=funding.role,
        programme_level=funding.programme.level,
        limit=500,
    )
    assert narrowed.total > 0
    assert all(str(funding.programme_id) in h.entry.funding.split() for h in narrowed.hits)
    assert (
        search_module.search("Stadt", edition="2019").total == search_module.search("Stadt").total
    )


# --- Incremental updates ------------------------------------------------------------------------
def entries() -> dict[tuple[str, int], dict[str, object]]:
    """Every entry by (kind, object id), its terms as a sorted list (the order of compound
    parts is not part of the contract)."""
    result = {}
    for entry in SearchEntry.objects.all():
        row = {c: getattr(entry, c) for c in search_module.COLUMNS}
        row["terms"] = sorted(entry.terms.split())
        row["id"] = entry.pk
        result[(entry.kind, entry.object_id)] = row
    return result


def vocabulary() -> dict[str, int]:
    return dict(SearchTerm.objects.values_list("term", "df"))


def recounted() -> dict[str, int]:
    """Document frequencies of the terms and filter tokens, counted from the entries."""
    counts: dict[str, int] = {}
    for terms, filters in SearchEntry.objects.values_list("terms", "filter_terms"):
        for found in set(terms.split()) | set(filters.split()):
            counts[found] = counts.get(found, 0) + 1
    return counts


def test_update_index_replaces_exactly_the_given_objects(index: int) -> None:
    before = entries()
    assert vocabulary() == recounted()
    profile = Profile.objects.get(edition__slug="2019", name="Ingolstadt")
    projects = list(profile.projects.order_by("position"))
    projects[0].summary = "Ein Quokkaregister für die Quokkazählung der Stadt."
    projects[0].save()
    removed = projects[-1].pk
    projects[-1].delete()
    added = Project.objects.create(
        profile=profile,
        slug="wombatportal",
        title="Wombatportal",
        summary="Ein Portal für Wombats.",
        primary_field=projects[0].primary_field,
        position=9,
    )
    example = PracticeExample.objects.order_by("pk").first()
    assert example is not None
    example.summary = "Ein Beispiel mit Numbatdaten."
    example.save()

    written = search_module.update_index(profiles=[profile], examples=[example])

    after = entries()
    # the profile, its remaining projects, the new one, the example
    assert written == 1 + (len(projects) - 1) + 1 + 1
    touched = {("profile", profile.pk), ("example", example.pk)}
    touched |= {("project", p.pk) for p in projects} | {("project", added.pk)}
    # every other entry is untouched, with its id
    assert {k: v for k, v in after.items() if k not in touched} == {
        k: v for k, v in before.items() if k not in touched and k != ("project", removed)
    }
    assert ("project", removed) not in after and ("project", added.pk) in after
    # replaced entries keep their place (id) in the index order
    assert after[("profile", profile.pk)]["id"] == before[("profile", profile.pk)]["id"]
    assert after[("project", projects[0].pk)]["id"] == before[("project", projects[0].pk)]["id"]
    # the vocabulary follows: new terms in, terms no entry has any more out
    words = vocabulary()
    assert words == recounted()
    assert {term("Quokkaregister"), term("Wombatportal"), term("Numbatdaten")} <= set(words)
    # found at once
    assert search_module.search("Quokkaregister").hits[0].entry.object_id == projects[0].pk
    assert search_module.search("Wombatportal").hits[0].entry.object_id == added.pk
    assert search_module.search("Numbatdaten").hits[0].entry.object_id == example.pk
    # and the same as a full rebuild
    updated_words = words
    search_module.rebuild_index()
    rebuilt = entries()
    strip = lambda rows: {k: {c: v for c, v in r.items() if c != "id"} for k, r in rows.items()}  # noqa: E731
    assert strip(rebuilt) == strip(after)
    assert vocabulary() == updated_words


def test_update_index_drops_deleted_objects(index: int) -> None:
    profile = Profile.objects.get(edition__slug="2019", name="Wuppertal")
    project_ids = list(profile.projects.values_list("pk", flat=True))
    pk = profile.pk
    profile.delete()
    assert search_module.update_index(profiles=[pk]) == 0
    assert not SearchEntry.objects.filter(kind="profile", object_id=pk).exists()
    assert not SearchEntry.objects.filter(kind="project", object_id__in=project_ids).exists()
    assert vocabulary() == recounted()
    hits = search_module.search("Wuppertal", limit=500).hits
    assert not any(h.entry.kind == "profile" and h.entry.object_id == pk for h in hits)
    assert search_module.update_index() == 0


@pytest.mark.parametrize(
    "text, filters",
    [
        ("Digitalisierung", {}),
        ("Digitalisierung", {"edition": "2019"}),
        ("Stadt", {}),
    ],
)
def test_head_then_rest_finds_what_the_whole_index_finds(
    index: int, monkeypatch: pytest.MonkeyPatch, text: str, filters: dict[str, Any]
) -> None:
    """PostgreSQL answers frequent words from the head of the index first (ids below
    HEAD_ENTRIES), then from the rest; the matches must be those of the whole index, in
    index order, whether the head holds enough of them or not. (SQLite has one plan.)"""
    analyse()  # the plan depends on the table's size as the database estimates it
    whole = search_module.search(text, limit=1000, **filters)
    assert whole.total > 20
    ids = sorted(SearchEntry.objects.values_list("id", flat=True))
    monkeypatch.setattr(search_module, "HEAD_SHARE", 0.0)  # always the head first
    for head in (ids[len(ids) // 2], ids[0], ids[-1] + 1):  # a split; all rest; all head
        monkeypatch.setattr(search_module, "HEAD_ENTRIES", head)
        for cap in (1000, 10):
            monkeypatch.setattr(search_module, "MAX_COUNTED", cap)
            split = search_module.search(text, limit=1000, **filters)
            expected = sorted(h.entry.pk for h in whole.hits)[:cap]
            assert sorted(h.entry.pk for h in split.hits) == expected, (head, cap)
            assert split.capped == (whole.total > cap)
        monkeypatch.setattr(search_module, "MAX_COUNTED", 1000)


def analyse() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE atlas_searchentry")


def test_the_vocabulary_counts_filter_tokens_for_the_estimate(index: int) -> None:
    analyse()
    bavaria = search_module.filter_token("land", "BY")
    counted = SearchTerm.objects.get(term=bavaria).df
    assert counted == SearchEntry.objects.filter(filter_terms__contains=bavaria).count() > 0
    alone = search_module._parse("Mobilität")
    with_filter = search_module._parse("Mobilität", [[bavaria]])
    assert with_filter.filters_counted
    if connection.vendor == "postgresql":  # the estimate uses the table size
        assert 0 < with_filter.estimate() < alone.estimate()
