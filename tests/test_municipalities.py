"""The municipality directory: HTML list with search and filters, and the read API."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from kompass.core.importers import import_municipalities
from kompass.core.models import Land, Municipality, MunicipalityKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(sample_directory: Path) -> None:
    import_municipalities(sample_directory)


def names(response: object) -> list[str]:
    import re

    body = response.content.decode()  # type: ignore[attr-defined]
    return re.findall(r'<td><a href="/kommunen/[^/]+/">([^<]+)</a></td>', body)


def test_list_shows_every_municipality_alphabetically(client: Client, directory: None) -> None:
    response = client.get("/kommunen/")
    assert response.status_code == 200
    assert "8 Kommunen gefunden" in response.content.decode()
    assert names(response) == sorted(names(response))
    assert len(names(response)) == 8


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=muster", ["Musterkreis", "Musterstadt", "Musterstadt"]),
        ("q=01099", ["Beispieldorf", "Musterkreis", "Musterstadt", "Probehausen", "Vorbildingen"]),
        ("land=NI", ["Landkreis Probeland", "Musterstadt"]),
        ("size_class=small_town", ["Musterstadt", "Vorbildingen"]),
        ("kind=kreisfrei_city", ["Modellstadt"]),
        ("q=muster&land=SH&kind=town", ["Musterstadt"]),
    ],
)
def test_search_and_filters(
    client: Client, directory: None, query: str, expected: list[str]
) -> None:
    assert names(client.get(f"/kommunen/?{query}")) == expected


def test_invalid_filter_is_a_german_error(client: Client, directory: None) -> None:
    response = client.get("/kommunen/?land=XX")
    assert response.status_code == 400
    assert "XX ist keine gültige Auswahl." in response.content.decode()
    assert names(response) == []


def test_pagination_keeps_the_filters(client: Client) -> None:
    Municipality.objects.bulk_create(
        Municipality(
            name=f"Ort {i:03d}",
            slug=f"ort-{i:03d}",
            land=Land.BY,
            kind=MunicipalityKind.MUNICIPALITY,
        )
        for i in range(120)
    )
    first = client.get("/kommunen/?land=BY")
    body = first.content.decode()
    assert "Seite 1 von 3" in body
    assert 'href="?land=BY&amp;seite=2"' in body
    third = client.get("/kommunen/?land=BY&seite=3")
    assert names(third) == [f"Ort {i:03d}" for i in range(100, 120)]


def test_api_lists_with_filters_and_pagination(client: Client, directory: None) -> None:
    response = client.get("/api/v1/municipalities?land=SH&limit=2&offset=1")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 6
    assert [item["slug"] for item in data["items"]] == ["modellstadt", "landkreis-musterkreis"]
    response = client.get("/api/v1/municipalities?q=vorbild")
    (item,) = response.json()["items"]
    assert item == {
        "slug": "vorbildingen",
        "name": "Vorbildingen",
        "official_name": "Vorbildingen, Stadt",
        "ags": "01099004",
        "land": "SH",
        "kind": "town",
        "district": "landkreis-musterkreis",
        "population": 19999,
        "population_date": "2023-12-31",
        "area_km2": "44.20",
        "latitude": "54.045678",
        "longitude": "10.456789",
        "size_class": "small_town",
    }


def test_api_rejects_unknown_filter_values(client: Client) -> None:
    response = client.get("/api/v1/municipalities?size_class=metropolis")
    assert response.status_code == 422


def test_api_detail(client: Client, directory: None) -> None:
    assert client.get("/api/v1/municipalities/modellstadt").json()["size_class"] == "large_city"
    assert client.get("/api/v1/municipalities/atlantis").status_code == 404
