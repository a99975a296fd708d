"""Search over the shipped atlas on the active database (the suite runs on SQLite and
PostgreSQL, so every expectation here holds on both)."""

from __future__ import annotations

import pytest
from django.test import Client

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
