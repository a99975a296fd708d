"""Atlas pages and API on the shipped 2019 edition."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def atlas(db: None) -> None:
    load_fields_of_action()
    load_atlas_edition("2019")


def linked_names(body: str) -> list[str]:
    return re.findall(r'<td><a href="/atlas/kommunen/[^/]+/">([^<]+)</a></td>', body)


def test_profile_list_and_facets(client: Client, atlas: None) -> None:
    body = client.get("/atlas/").content.decode()
    assert "50 Steckbriefe" in body
    assert linked_names(body)[:3] == ["Aachen", "Augsburg", "Bad Hersfeld"]
    body = client.get("/atlas/?land=SN").content.decode()
    assert linked_names(body) == ["Chemnitz", "Dresden", "Leipzig"]
    body = client.get("/atlas/?size_class=medium_town").content.decode()
    assert "13 Steckbriefe" in body
    body = client.get("/atlas/?field=security").content.decode()
    assert "3 Steckbriefe" in body  # the three projects that name Sicherheit at all
    with_cdo = len(linked_names(client.get("/atlas/?cdo=ja").content.decode()))
    without = len(linked_names(client.get("/atlas/?cdo=nein").content.decode()))
    assert with_cdo + without == 50 and with_cdo > 0
    response = client.get("/atlas/?land=XX")
    assert response.status_code == 400
    assert "XX ist keine gültige Auswahl" in response.content.decode()


def test_profile_page_has_the_fixed_sections_and_projects(client: Client, atlas: None) -> None:
    response = client.get("/atlas/kommunen/aachen/")
    assert response.status_code == 200
    body = response.content.decode()
    headings = re.findall(r'<h2 id="section-[a-z_]+">([^<]+)</h2>', body)
    assert headings == [
        "Organisationsstruktur",
        "Meilensteine",
        "Motivation und Ziele",
        "Akteure und Beteiligung",
        "Chancen und Herausforderungen",
        "Kommunikation und Netzwerke",
        "Wettbewerbe und Förderprogramme",
    ]
    assert "246.272" in body and "Stand 31.12.2017" in body
    assert "Chief Digital Officer (CDO)" in body
    assert "Online-Bürgerservice/Portal" in body
    assert "003_98a75a01d0173661.txt, Z. 395–461" in body
    assert client.get("/atlas/kommunen/atlantis/").status_code == 404


def test_project_list_primary_versus_any_field(client: Client, atlas: None) -> None:
    primary = client.get("/atlas/projekte/?field=mobility&primary=on").content.decode()
    any_field = client.get("/atlas/projekte/?field=mobility").content.decode()
    assert "30 Projekte" in primary
    assert "37 Projekte" in any_field
    assert "Luftreinhaltung und Mobilität" in primary  # Stuttgart: primary is mobility


def test_analysis_page_and_csv(client: Client, atlas: None) -> None:
    body = client.get("/atlas/analyse/").content.decode()
    row = re.search(
        r'<th scope="row">Sicherheit</th><td class="number">(\d+)</td>'
        r'<td class="number">([^<]+)</td>',
        body,
    )
    assert row and row.groups() == ("2", "2")
    response = client.get("/atlas/analyse/primary_field.csv?excel=1")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Merkmal", "Wert aus den Daten", "Wert der Studie"]
    assert ["Verwaltung", "37", "37"] in rows
    plain = list(csv.reader(io.StringIO(client.get("/atlas/analyse/totals.csv").content.decode())))
    assert ["Leuchtturmprojekte", "144", "144"] in plain
    assert client.get("/atlas/analyse/unbekannt.csv").status_code == 404


def test_api_profiles_projects_and_analysis(client: Client, atlas: None) -> None:
    data = client.get("/api/v1/atlas/profiles?edition=2019&land=SN").json()
    assert data["count"] == 3
    assert [p["slug"] for p in data["items"]] == ["chemnitz", "dresden", "leipzig"]
    detail = client.get("/api/v1/atlas/profiles/aachen").json()
    assert detail["edition"] == "2019"
    assert detail["population"] == 246272
    assert {u["kind"] for u in detail["units"]} >= {"cdo"}
    assert len(detail["projects"]) == 3
    assert detail["projects"][0]["primary_field"] == "administration"
    assert client.get("/api/v1/atlas/profiles/atlantis").status_code == 404
    unknown = client.get("/api/v1/atlas/profiles?edition=1999")
    assert unknown.status_code == 422
    assert "Unknown edition '1999'; known editions: 2019." in unknown.content.decode()

    primary = client.get("/api/v1/atlas/projects?field=security&primary=true").json()
    any_field = client.get("/api/v1/atlas/projects?field=security&primary=false").json()
    assert (primary["count"], any_field["count"]) == (2, 3)
    assert client.get("/api/v1/atlas/projects?field=tourism").status_code == 422

    analysis = client.get("/api/v1/atlas/analysis?edition=2019").json()
    assert analysis["profiles_total"] == analysis["published"]["profiles_total"] == 50
    for slug, count in analysis["projects_by_primary_field"].items():
        assert analysis["published"][f"projects_by_primary_field.{slug}"] == count
    assert sum(analysis["projects_by_primary_field"].values()) == analysis["projects_total"]
    assert analysis["profiles_by_size_class"]["medium_town"] == 13


def test_pages_explain_an_empty_installation(client: Client) -> None:
    for path in ["/atlas/", "/atlas/projekte/", "/atlas/analyse/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert "noch keine Ausgabe des Atlas geladen" in response.content.decode()
    assert client.get("/atlas/?ausgabe=2019").status_code == 404


def test_compare_two_to_four_profiles(client: Client, atlas: None) -> None:
    response = client.get("/atlas/vergleich/?k=leipzig&k=dresden&k=chemnitz")
    assert response.status_code == 200
    body = response.content.decode()
    columns = re.findall(r'<th scope="col"><a href="/atlas/kommunen/[^/]+/">([^<]+)</a></th>', body)
    assert columns == ["Leipzig", "Dresden", "Chemnitz"]
    assert '<th scope="row">Einwohner</th><td>581.980</td>' in body
    for query, message in [
        ("?k=leipzig", "Bitte 2 bis 4 Kommunen zum Vergleich auswählen (ausgewählt: 1)."),
        ("?k=a&k=b&k=c&k=d&k=e", "(ausgewählt: 5)"),
        ("?k=leipzig&k=atlantis", "Unbekannte Kommune im Vergleich: atlantis."),
    ]:
        response = client.get("/atlas/vergleich/" + query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_similar_municipalities_with_reasons(client: Client, atlas: None) -> None:
    body = client.get("/atlas/kommunen/lemgo/").content.decode()
    section = body.split('id="similar-title"')[1].split("</section>")[0]
    items = re.findall(r'<li><a href="/atlas/kommunen/([^/]+)/">', section)
    assert 1 <= len(items) <= 5 and "lemgo" not in items
    assert "gleiche Größenklasse (Mittelstadt)" in section  # Lemgo is a medium town
    assert client.get("/atlas/aehnlichkeit/").status_code == 200


def test_map_colours_lands_filters_and_has_a_table(client: Client, atlas: None) -> None:
    response = client.get("/atlas/karte/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="land bucket-') == 16
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">(\d+)</td>', body))
    assert rows["Nordrhein-Westfalen"] == "15" and rows["Sachsen"] == "3"
    assert sum(int(n) for n in rows.values()) == 50
    assert 'aria-label="Nordrhein-Westfalen: 15 Steckbriefe"' in body
    assert "CC BY 4.0" in body  # attribution of the bundled outline
    filtered = client.get("/atlas/karte/?size_class=medium_town").content.decode()
    rows = dict(
        re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">(\d+)</td>', filtered)
    )
    assert sum(int(n) for n in rows.values()) == 13
    assert 'href="/atlas/?size_class=medium_town&amp;land=NW"' in filtered


def test_lists_count_up_to_a_cap(
    client: Client, atlas: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting is bounded (docs/decisions/0007-atlas-at-scale.md): beyond the cap the page
    says "mehr als" and pages through the first rows; the API says count_capped."""
    from kompass.atlas import selectors

    assert "50 Steckbriefe" in client.get("/atlas/").content.decode()
    api = client.get("/api/v1/atlas/profiles?edition=2019&limit=5").json()
    assert api["count"] == 50 and api["count_capped"] is False
    monkeypatch.setattr(selectors, "LIST_COUNT_CAP", 20)
    body = client.get("/atlas/").content.decode()
    assert "Mehr als 20 Steckbriefe" in body
    assert len(linked_names(body)) == 20
    assert client.get("/atlas/?seite=2").status_code == 404  # 20 rows: one page
    api = client.get("/api/v1/atlas/profiles?edition=2019&limit=5").json()
    assert api["count"] == 20 and api["count_capped"] is True and len(api["items"]) == 5
    projects = client.get("/atlas/projekte/").content.decode()
    assert "Mehr als 20 Projekte" in projects
