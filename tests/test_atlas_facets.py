"""The atlas facets (Land, size class, field primary/any, funding programme, organisation form,
edition) and pagination on the profile list, project list, practice examples, search and API.

Every expected town and count below was read off the shipped files, not off the code under
test: src/kompass/data/atlas/2019/profiles/*.yaml (`sections.organisation.units[].kind`,
`sections.funding.programmes[]` with name, level and role, `projects[].fields`, `land`,
`population`) and annex_a.yaml (primary fields: security is Bonn and Paderborn, lines
459-466). Rules: docs/data/atlas_facets.md.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from kompass.atlas.models import Edition, FundingProgramme, Profile
from kompass.atlas.practice import load_practice_examples
from kompass.atlas.search import rebuild_index
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db

PROFILE_LINK = re.compile(r'<td><a href="/atlas/kommunen/[^/"?]+/[^"]*">([^<]+)</a></td>')
PROJECT_ROW = re.compile(r'<td><a href="/atlas/kommunen/([^/]+)/[^"]*#project-([^"]+)">')

CDO = {
    "Aachen", "Bergisch-Gladbach", "Bonn", "Darmstadt", "Düsseldorf", "Emden",
    "Freiburg im Breisgau", "Gelsenkirchen", "Gütersloh", "Hamburg", "Hannover", "Ingolstadt",
    "Jena", "Kaiserslautern", "Ludwigsburg", "München", "Münster", "Nürnberg", "Wolfsburg",
    "Wuppertal",
}  # fmt: skip
STAFF_UNIT = {
    "Chemnitz", "Coburg", "Duisburg", "Düsseldorf", "Gelsenkirchen", "Hamburg", "Heidelberg",
    "Jena", "Kaiserslautern", "Konstanz", "Köln", "Ludwigsburg", "Norderstedt",
    "Oldenburg (Oldb)", "Paderborn", "Ravensburg", "Rostock", "Ulm", "Wuppertal",
}  # fmt: skip
#: Every profile naming an EU-level competition or programme.
EU_FUNDED = {
    "Berlin", "Darmstadt", "Dortmund", "Dresden", "Gelsenkirchen", "Hamburg", "Heidelberg",
    "Köln", "Konstanz", "Leipzig", "München", "Nürnberg",
}  # fmt: skip
ZUKUNFTSKOMMUNE = "Digitale Zukunftskommune@bw"


@pytest.fixture
def atlas(db: None) -> None:
    load_fields_of_action()
    load_atlas_edition("2019")


@pytest.fixture
def index(atlas: None) -> None:
    load_practice_examples()
    rebuild_index()


def programme_id(name: str) -> int:
    return FundingProgramme.objects.get(name=name).pk


def names(client: Client, query: str) -> set[str]:
    response = client.get("/atlas/?" + query)
    assert response.status_code == 200, response.content.decode()[:2000]
    found = PROFILE_LINK.findall(response.content.decode())
    assert len(found) == len(set(found))
    return set(found)


def test_profile_list_organisation_form(client: Client, atlas: None) -> None:
    assert names(client, "organisation=cdo") == CDO
    assert names(client, "organisation=staff_unit") == STAFF_UNIT
    assert names(client, "organisation=cio") == {
        "Cottbus",
        "Dortmund",
        "Dresden",
        "Gütersloh",
        "Hannover",
    }
    assert names(client, "organisation=political_body") == {
        "Augsburg",
        "Gütersloh",
        "Soest",
        "Wolfsburg",
    }
    assert names(client, "organisation=advisory_board") == {
        "Augsburg",
        "Darmstadt",
        "Gütersloh",
        "Nürnberg",
        "Stuttgart",
    }
    assert len(names(client, "organisation=cross_departmental_group")) == 20
    body = client.get("/atlas/?organisation=political_body").content.decode()
    assert "4 Steckbriefe" in body
    # "Sonstiges" is no organisation form to filter by.
    assert client.get("/atlas/?organisation=other").status_code == 400


def test_old_cdo_links_keep_working(client: Client, atlas: None) -> None:
    assert names(client, "cdo=ja") == CDO
    without = names(client, "cdo=nein")
    assert len(without) == 30 and not without & CDO
    # The yes/no field appears only for such links; the form offers "Organisationsform".
    assert 'name="cdo"' in client.get("/atlas/?cdo=ja").content.decode()
    assert 'name="cdo"' not in client.get("/atlas/").content.decode()
    assert names(client, "cdo=nein&organisation=cio") == {"Cottbus", "Dortmund", "Dresden"}


def test_profile_list_funding_programme_level_and_role(client: Client, atlas: None) -> None:
    pk = programme_id(ZUKUNFTSKOMMUNE)
    assert names(client, f"programme={pk}") == {
        "Freiburg im Breisgau",
        "Heidelberg",
        "Karlsruhe",
        "Konstanz",
        "Ludwigsburg",
        "Ravensburg",
        "Ulm",
    }
    assert names(client, f"programme={pk}&programme_role=winner") == {
        "Freiburg im Breisgau",
        "Konstanz",
    }
    assert names(client, f"programme={pk}&programme_role=finalist") == set()
    assert names(client, "programme_level=eu") == EU_FUNDED
    # Level and role hold for one entry together: the winners of Land competitions.
    assert names(client, "programme_level=land&programme_role=winner") == {
        "Freiburg im Breisgau",
        "Konstanz",
        "Rostock",
    }
    saubere_luft = programme_id("Sofortprogramm Saubere Luft 2017-2020")
    assert names(client, f"programme={saubere_luft}&programme_role=funded") == {
        "Aachen",
        "Darmstadt",
        "Düsseldorf",
    }
    # The choice offers the programmes of the edition, with their level.
    body = client.get("/atlas/").content.decode()
    assert f'<option value="{pk}">Digitale Zukunftskommune@bw (Land)</option>' in body


def test_profile_facets_combine(client: Client, atlas: None) -> None:
    assert (
        names(client, "organisation=cdo&programme_level=eu")
        == CDO & EU_FUNDED
        == {
            "Darmstadt",
            "Gelsenkirchen",
            "Hamburg",
            "München",
            "Nürnberg",
        }
    )
    assert names(client, "size_class=medium_town&organisation=cdo") == {
        "Emden",
        "Gütersloh",
        "Kaiserslautern",
        "Ludwigsburg",
    }
    assert names(client, "land=SN&organisation=cio") == {"Dresden"}
    # Field of action as any printed field or as the study's primary field (Annex A).
    assert names(client, "field=security") == {"Bonn", "Kaiserslautern", "Paderborn"}
    assert names(client, "field=security&primary=on") == {"Bonn", "Paderborn"}


def test_edition_facet(client: Client, atlas: None) -> None:
    newer = Edition.objects.create(
        slug="2021", title="Testausgabe 2021", reference_date=dt.date(2021, 3, 1)
    )
    aachen = Profile.objects.get(slug="aachen")
    Profile.objects.create(
        edition=newer,
        municipality=aachen.municipality,
        slug="aachen",
        name="Aachen",
        land="NW",
        population=aachen.population,
    )
    # The newest edition is the default; ?ausgabe= chooses another.
    assert names(client, "") == {"Aachen"}
    assert len(names(client, "ausgabe=2019")) == 50
    body = client.get("/atlas/").content.decode()
    assert '<option value="2021" selected>Testausgabe 2021</option>' in body
    assert '<option value="2019">Smart-City-Atlas 2019</option>' in body
    # Programmes are offered per edition: the 2021 test edition names none.
    pk = programme_id(ZUKUNFTSKOMMUNE)
    assert f'<option value="{pk}">' not in body
    assert len(names(client, f"ausgabe=2019&programme={pk}")) == 7
    wrong = client.get(f"/atlas/?ausgabe=2021&programme={pk}")
    assert wrong.status_code == 400
    assert f"{pk} ist keine gültige Auswahl" in wrong.content.decode()
    # Projects follow the edition too; an unknown edition is a 404 as before.
    assert "144 Projekte" in client.get("/atlas/projekte/?ausgabe=2019").content.decode()
    assert "0 Projekte" in client.get("/atlas/projekte/").content.decode()
    assert client.get("/atlas/?ausgabe=1999").status_code == 404


def project_count(client: Client, query: str) -> int:
    body = client.get("/atlas/projekte/?" + query).content.decode()
    match = re.search(r'class="result-count">([\d.]+) Projekte?\b', body)
    assert match, body[:2000]
    return int(match[1].replace(".", ""))


def test_project_list_land_size_class_and_field(client: Client, atlas: None) -> None:
    assert project_count(client, "") == 144
    assert project_count(client, "land=SN") == 9  # Chemnitz, Dresden, Leipzig
    assert project_count(client, "land=BW") == 23
    assert project_count(client, "size_class=medium_town") == 36  # the 13 medium towns
    assert project_count(client, "size_class=small_town") == 0
    assert project_count(client, "land=NW&field=mobility") == 13
    assert project_count(client, "land=NW&field=mobility&primary=on") == 12
    assert project_count(client, "size_class=medium_town&field=administration&primary=on") == 8
    rows = PROJECT_ROW.findall(client.get("/atlas/projekte/?land=SN").content.decode())
    assert {profile for profile, _ in rows} == {"chemnitz", "dresden", "leipzig"}


def test_invalid_facet_values_are_german_form_errors(client: Client, atlas: None) -> None:
    for path, value in [
        ("/atlas/?organisation=mayor", "mayor"),
        ("/atlas/?programme=abc", "abc"),
        ("/atlas/?programme=999999", "999999"),
        ("/atlas/?programme_level=kommune", "kommune"),
        ("/atlas/?programme_role=king", "king"),
        ("/atlas/?size_class=huge", "huge"),
        ("/atlas/projekte/?land=XX", "XX"),
        ("/atlas/projekte/?size_class=huge", "huge"),
        ("/atlas/praxisbeispiele/?land=XX", "XX"),
    ]:
        response = client.get(path)
        assert response.status_code == 400, path
        body = response.content.decode()
        assert f"{value} ist keine gültige Auswahl" in body, path
        # The message sits in the invalid field's own box, below its label.
        assert 'class="field field-invalid"' in body
        assert 'role="status"' not in body  # no result count for an invalid filter


def test_pagination_of_the_project_list(client: Client, atlas: None) -> None:
    query = "size_class=large_city"  # 108 projects: pages of 50, 50 and 8
    pages = [client.get(f"/atlas/projekte/?{query}&seite={n}") for n in (1, 2, 3)]
    rows = [PROJECT_ROW.findall(page.content.decode()) for page in pages]
    assert [len(r) for r in rows] == [50, 50, 8]
    assert len({row for page in rows for row in page}) == 108  # no overlap, nothing lost
    assert (
        PROJECT_ROW.findall(client.get(f"/atlas/projekte/?{query}").content.decode()) == (rows[0])
    )
    second = pages[1].content.decode()
    assert '<p role="status" class="result-count">108 Projekte</p>' in second
    assert '<p class="help page-position">Seite 2 von 3</p>' in second
    nav = second.split('<nav class="pagination" aria-label="Seiten">')[1].split("</nav>")[0]
    # Links keep the filters; the current page is marked for assistive technology.
    assert '<a href="?size_class=large_city&amp;seite=1" rel="prev">Vorherige Seite</a>' in nav
    assert '<a href="?size_class=large_city&amp;seite=3" rel="next">Nächste Seite</a>' in nav
    assert (
        '<a href="?size_class=large_city&amp;seite=2" aria-current="page">'
        '<span class="visually-hidden">Seite </span>2</a>'
    ) in nav
    assert nav.count("aria-current") == 1
    # A page that does not exist is a 404 (documented in docs/data/atlas_facets.md).
    for page in ("4", "0", "-1", "zwei"):
        assert client.get(f"/atlas/projekte/?{query}&seite={page}").status_code == 404
    # One page of results needs no page navigation.
    assert 'class="pagination"' not in client.get("/atlas/projekte/?land=SN").content.decode()


def test_pagination_boundaries_of_profiles_and_examples(client: Client, index: None) -> None:
    # Exactly 50 profiles and 50 practice examples: one full page each, no page 2.
    body = client.get("/atlas/").content.decode()
    assert len(PROFILE_LINK.findall(body)) == 50
    assert "50 Steckbriefe" in body and 'class="pagination"' not in body
    assert client.get("/atlas/?seite=1").status_code == 200
    assert client.get("/atlas/?seite=2").status_code == 404
    assert client.get("/atlas/?organisation=cdo&seite=2").status_code == 404
    body = client.get("/atlas/praxisbeispiele/").content.decode()
    assert "50 Praxisbeispiele" in body
    assert body.count('<article class="card project"') == 50
    assert client.get("/atlas/praxisbeispiele/?seite=2").status_code == 404
    assert client.get("/atlas/praxisbeispiele/?field=health&seite=1").status_code == 200


def search_total(client: Client, query: str) -> int:
    response = client.get("/atlas/suche/?" + query)
    assert response.status_code == 200, response.content.decode()[:2000]
    match = re.search(r'class="result-count">([\d.]+) Treffer', response.content.decode())
    assert match
    return int(match[1].replace(".", ""))


def facet_links(body: str, title: str) -> dict[str, tuple[int, str]]:
    """label -> (count, href) of one facet of the search page."""
    section = body.split(f'<h2 class="facet-title">{title}</h2>')[1].split("</ul>")[0]
    return {
        label: (int(count), href.replace("&amp;", "&"))
        for href, label, count in re.findall(r'<a href="([^"]+)">([^<]+): (\d+)</a>', section)
    }


def test_search_facets_filter_and_count(client: Client, index: None) -> None:
    # Seven profiles name "Digitale Zukunftskommune@bw" (Ravensburg's spelling with a small
    # d is normalised in the data, see test_atlas_data.test_each_programme_has_one_name).
    pk = programme_id(ZUKUNFTSKOMMUNE)
    base = "q=Zukunftskommune&art=profile"
    body = client.get(f"/atlas/suche/?{base}").content.decode()
    titles = set(re.findall(r'<h2 class="hit-title"><a href="[^"]+">([^<]+)</a>', body))
    assert titles == {
        "Freiburg im Breisgau",
        "Heidelberg",
        "Karlsruhe",
        "Konstanz",
        "Ludwigsburg",
        "Ravensburg",
        "Ulm",
    }
    programmes = facet_links(body, "Wettbewerb oder Förderprogramm")
    count, href = programmes[ZUKUNFTSKOMMUNE]
    assert count == 7 and href == f"?{base}&programme={pk}"
    assert search_total(client, href[1:]) == 7
    assert search_total(client, f"{base}&programme={pk}&programme_role=winner") == 2
    organisation = facet_links(body, "Organisationsform")
    assert organisation["Chief Digital Officer"][0] == len(CDO & titles) == 2
    editions = facet_links(body, "Ausgabe")
    assert editions == {"Smart-City-Atlas 2019": (7, f"?{base}&ausgabe=2019")}
    # Every count of every facet equals the total of the search it links to.
    broad = client.get("/atlas/suche/?q=Digitalisierung").content.decode()
    for title in ["Art", "Land", "Wettbewerb oder Förderprogramm", "Organisationsform"]:
        for label, (count, href) in list(facet_links(broad, title).items())[:3]:
            assert search_total(client, href[1:]) == count, (title, label)
    # Organisation form and funding role filter the hits of projects by their profile;
    # practice examples have neither.
    assert search_total(client, "q=Digitalisierung&organisation=political_body&art=example") == 0


def test_search_pages_through_results(client: Client, index: None) -> None:
    total = search_total(client, "q=Stadt")
    assert total > 100
    pages = -(-total // 50)
    seen: list[str] = []
    for number in range(1, pages + 1):
        body = client.get(f"/atlas/suche/?q=Stadt&seite={number}").content.decode()
        hits = re.findall(r'<h2 class="hit-title"><a href="([^"]+)">', body)
        assert len(hits) == (50 if number < pages else total - 50 * (pages - 1))
        assert f'<ol class="hits" start="{50 * (number - 1) + 1}">' in body
        seen += hits
    assert len(set(seen)) == total
    assert client.get(f"/atlas/suche/?q=Stadt&seite={pages + 1}").status_code == 404
    body = client.get("/atlas/suche/?q=Stadt&land=NW&seite=1").content.decode()
    assert "land=NW&amp;seite=2" in body or search_total(client, "q=Stadt&land=NW") <= 50
    assert client.get("/atlas/suche/?q=Stadt&organisation=mayor").status_code == 400


# --- API --------------------------------------------------------------------------------------
def api(client: Client, path: str) -> dict[str, object]:
    response = client.get("/api/v1/atlas/" + path)
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    assert set(data) >= {"items", "count"}
    return data


def api_names(client: Client, query: str) -> set[str]:
    data = api(client, f"profiles?limit=500&{query}")
    items = data["items"]
    assert isinstance(items, list) and data["count"] == len(items)
    return {item["name"] for item in items}


def test_api_profiles_filter_as_the_facets(client: Client, atlas: None) -> None:
    pk = programme_id(ZUKUNFTSKOMMUNE)
    assert api_names(client, "edition=2019&organisation=cdo") == CDO
    assert api_names(client, "has_cdo=true") == CDO
    assert api_names(client, "organisation=political_body") == {
        "Augsburg",
        "Gütersloh",
        "Soest",
        "Wolfsburg",
    }
    assert api_names(client, "programme_level=eu") == EU_FUNDED
    assert api_names(client, f"programme={pk}&programme_role=winner") == {
        "Freiburg im Breisgau",
        "Konstanz",
    }
    assert api_names(client, "programme_level=land&programme_role=winner") == {
        "Freiburg im Breisgau",
        "Konstanz",
        "Rostock",
    }
    assert api_names(client, "field=security&primary=true") == {"Bonn", "Paderborn"}
    assert api_names(client, "field=security&primary=false") == {
        "Bonn",
        "Kaiserslautern",
        "Paderborn",
    }
    assert api_names(client, "size_class=medium_town&organisation=cdo") == {
        "Emden",
        "Gütersloh",
        "Kaiserslautern",
        "Ludwigsburg",
    }
    programmes = api(client, "programmes?edition=2019&limit=500")
    entry = {"id": pk, "name": ZUKUNFTSKOMMUNE, "level": "land"}
    assert entry in programmes["items"]  # type: ignore[operator]


def test_api_projects_filter_and_page(client: Client, atlas: None) -> None:
    assert api(client, "projects?land=SN")["count"] == 9
    assert api(client, "projects?size_class=medium_town")["count"] == 36
    assert api(client, "projects?land=NW&field=mobility&primary=true")["count"] == 12
    assert api(client, "projects?land=NW&field=mobility&primary=false")["count"] == 13
    first = api(client, "projects")
    assert first["count"] == 144 and len(first["items"]) == 50  # type: ignore[arg-type]
    last = api(client, "projects?limit=50&offset=100")
    assert last["count"] == 144 and len(last["items"]) == 44  # type: ignore[arg-type]
    everything = api(client, "projects?limit=500")["items"]
    assert [p["slug"] for p in everything[100:]] == [  # type: ignore[index]
        p["slug"]
        for p in last["items"]  # type: ignore[attr-defined]
    ]
    beyond = api(client, "projects?offset=144")
    assert beyond == {"items": [], "count": 144, "count_capped": False}


INVALID_API_VALUES = [
    ("profiles?edition=1999", "edition", "Unknown edition '1999'; known editions: 2019."),
    ("projects?edition=1999", "edition", "Unknown edition '1999'"),
    ("search?q=Stadt&edition=1999", "edition", "Unknown edition '1999'"),
    ("profiles?programme=999999", "programme", "Unknown programme id 999999"),
    ("search?q=Stadt&programme=999999", "programme", "Unknown programme id 999999"),
    ("profiles?programme=abc", "programme", "valid integer"),
    ("profiles?organisation=mayor", "organisation", "'cdo'"),
    ("profiles?organisation=other", "organisation", "'cdo'"),
    ("profiles?programme_level=kommune", "programme_level", "'eu'"),
    ("profiles?programme_role=king", "programme_role", "'winner'"),
    ("profiles?land=XX", "land", "'SN'"),
    ("projects?size_class=huge", "size_class", "'medium_town'"),
    ("projects?field=tourism", "field", "'mobility'"),
    ("projects?limit=0", "limit", "greater than or equal to 1"),
    ("projects?limit=501", "limit", "less than or equal to 500"),
    ("projects?offset=-1", "offset", "greater than or equal to 0"),
    ("search?q=Stadt&limit=101", "limit", "less than or equal to 100"),
    ("search?q=Stadt&offset=-5", "offset", "greater than or equal to 0"),
]


def test_api_rejects_invalid_values_with_422(client: Client, atlas: None) -> None:
    for path, parameter, message in INVALID_API_VALUES:
        response = client.get("/api/v1/atlas/" + path)
        assert response.status_code == 422, path
        errors = response.json()["detail"]
        assert [error["loc"][-1] for error in errors] == [parameter], path
        assert message in errors[0]["msg"], (path, errors)


def test_api_search_facets_and_paging(client: Client, index: None) -> None:
    pk = programme_id(ZUKUNFTSKOMMUNE)
    data = api(client, "search?q=Zukunftskommune&kind=profile")
    assert data["count"] == 7
    facets = data["facets"]
    assert isinstance(facets, dict)
    assert facets["programme"][str(pk)] == 7
    assert facets["edition"] == {"2019": 7}
    assert facets["organisation"]["cdo"] == 2  # Freiburg im Breisgau and Ludwigsburg
    narrowed = api(client, f"search?q=Zukunftskommune&kind=profile&programme={pk}")
    assert narrowed["count"] == 7
    winners = api(client, f"search?q=Zukunftskommune&programme={pk}&programme_role=winner")
    assert {item["place"] for item in winners["items"]} == {  # type: ignore[attr-defined]
        "Freiburg im Breisgau",
        "Konstanz",
    }
    cdo = api(client, "search?q=Zukunftskommune&kind=profile&organisation=cdo")
    assert {item["title"] for item in cdo["items"]} == {  # type: ignore[attr-defined]
        "Freiburg im Breisgau",
        "Ludwigsburg",
    }
    # limit/offset page through the ranked hits; facets count all of them.
    whole = api(client, "search?q=Stadt&limit=100")
    second = api(client, "search?q=Stadt&limit=20&offset=20")
    assert second["count"] == whole["count"]
    assert second["items"] == whole["items"][20:40]  # type: ignore[index]
    assert second["facets"] == whole["facets"]
    assert api(client, f"search?q=Stadt&offset={whole['count']}")["items"] == []


def test_map_takes_the_new_facets(client: Client, atlas: None) -> None:
    """The map (another view) shares ProfileFilterForm: the new facets filter it too."""
    body = client.get("/atlas/karte/?organisation=cdo&programme_level=eu").content.decode()
    rows = dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">(\d+)</td>', body))
    counts = {land: int(n) for land, n in rows.items() if int(n)}
    # Darmstadt (HE), Gelsenkirchen (NW), Hamburg (HH), München and Nürnberg (BY)
    assert counts == {"Hessen": 1, "Nordrhein-Westfalen": 1, "Hamburg": 1, "Bayern": 2}
    assert client.get("/atlas/karte/?organisation=mayor").status_code == 400


def test_search_links_an_example_to_its_page_of_the_list(client: Client, index: None) -> None:
    from kompass.atlas.models import PracticeExample

    PracticeExample.objects.create(
        slug="zzz-testort-quartiersapp",
        document="test.txt",
        reference_date=dt.date(2020, 1, 1),
        place="Zzz-Testort",
        land="SN",
        kind="town",
        title="Quartiersapp Zettelkasten",
        summary="Eine App für das Quartier.",
    )
    rebuild_index()
    # 51 examples: the new one sorts last and stands on page 2 of the list.
    body = client.get("/atlas/suche/?q=Zettelkasten").content.decode()
    assert 'href="/atlas/praxisbeispiele/?seite=2#zzz-testort-quartiersapp"' in body
    second = client.get("/atlas/praxisbeispiele/?seite=2").content.decode()
    assert second.count('<article class="card project"') == 1
    assert 'id="zzz-testort-quartiersapp"' in second
    # An example on page 1 keeps its plain link.
    brandis = PracticeExample.objects.get(place="Brandis", document="000_f47b0d7ebee16adc.txt")
    body = client.get("/atlas/suche/?q=Brandis&art=example").content.decode()
    assert f'href="/atlas/praxisbeispiele/#{brandis.slug}"' in body
