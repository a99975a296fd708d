"""The atlas map: projection of coordinates onto the bundled outline, points per municipality
with coordinates, filters, and the optional tile server with its Content-Security-Policy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client
from pytest_django.fixtures import Settings

from kompass import config
from kompass.atlas import maps

#: Northernmost, southernmost, westernmost and easternmost point of every Land in degrees
#: (latitude, latitude, longitude, longitude), as commonly published; None where the outline
#: draws islands differently (Helgoland, Schleswig-Holstein's west, is missing; Hamburg's
#: Scharhörn/Neuwerk are drawn with Niedersachsen and become its north). Measured against the
#: outline in docs/data/atlas_map.md.
LAND_EXTREMES: dict[str, tuple[float | None, float | None, float | None, float | None]] = {
    "BW": (49.7913, 47.5324, 7.5113, 10.4956),
    "BY": (50.5647, 47.2701, 8.9763, 13.8396),
    "BE": (52.6755, 52.3383, 13.0884, 13.7612),
    "BB": (53.5590, 51.3591, 11.2658, 14.7658),
    "HB": (53.6097, 53.0109, 8.4816, 8.9906),
    "HH": (53.7394, 53.3951, 9.7301, 10.3253),
    "HE": (51.6578, 49.3952, 7.7724, 10.2363),
    "MV": (54.6848, 53.1104, 10.5936, 14.4123),
    "NI": (None, 51.2951, 6.6545, 11.5981),
    "NW": (52.5314, 50.3226, 5.8663, 9.4617),
    "RP": (50.9424, 48.9667, 6.1123, 8.5081),
    "SL": (49.6393, 49.1121, 6.3569, 7.4047),
    "SN": (51.6849, 50.1713, 11.8723, 15.0419),
    "ST": (53.0417, 50.9379, 10.5607, 13.1866),
    "SH": (55.0581, 53.3598, None, 11.3133),
    "TH": (51.6490, 50.2042, 9.8770, 12.6539),
}

#: Capitals of the Länder (GeoNames, CC BY 4.0) and summits: (longitude, latitude), Land.
WELL_KNOWN = {
    "Kiel": ((10.13489, 54.32133), "SH"),
    "Hamburg": ((9.99302, 53.55073), "HH"),
    "Schwerin": ((11.41316, 53.62937), "MV"),
    "Bremen": ((8.80717, 53.07582), "HB"),
    "Hannover": ((9.73322, 52.37052), "NI"),
    "Berlin": ((13.41053, 52.52437), "BE"),
    "Potsdam": ((13.06566, 52.39886), "BB"),
    "Magdeburg": ((11.63189, 52.13129), "ST"),
    "Düsseldorf": ((6.77927, 51.22319), "NW"),
    "Erfurt": ((11.03536, 50.97734), "TH"),
    "Dresden": ((13.73832, 51.05089), "SN"),
    "Wiesbaden": ((8.24435, 50.08601), "HE"),
    "Mainz": ((8.28008, 49.98185), "RP"),
    "Saarbrücken": ((7.00982, 49.23262), "SL"),
    "Stuttgart": ((9.17702, 48.78232), "BW"),
    "München": ((11.57549, 48.13743), "BY"),
    "Brocken": ((10.6156, 51.7991), "ST"),
    "Wasserkuppe": ((9.9378, 50.4980), "HE"),
    "Feldberg (Schwarzwald)": ((8.0040, 47.8740), "BW"),
    "Zugspitze": ((10.9853, 47.4211), "BY"),
}

POINT = re.compile(
    r'<a href="([^"]+)" class="map-point" aria-label="([^"]+)">\s*'
    r'<circle cx="([\d.]+)" cy="([\d.]+)"'
)


def outlines() -> dict[str, list[maps.Ring]]:
    _, paths = maps.land_outlines()
    return {code: maps.rings(path) for code, path in paths.items()}


# --- Projection ------------------------------------------------------------------------------


def test_extreme_points_of_the_lander_land_on_their_outlines() -> None:
    """62 extreme points (58 of them not used by the calibration) lie within the tolerance."""
    project = maps.projection()
    checked = 0
    for land, (north, south, west, east) in LAND_EXTREMES.items():
        xs = [x for ring in outlines()[land] for x, _ in ring]
        ys = [y for ring in outlines()[land] for _, y in ring]
        # x depends on the longitude only and y on the latitude only: 10° and 51° are fillers.
        measured = [
            (north, project(10, north)[1] - min(ys) if north else 0),
            (south, project(10, south)[1] - max(ys) if south else 0),
            (west, project(west, 51)[0] - min(xs) if west else 0),
            (east, project(east, 51)[0] - max(xs) if east else 0),
        ]
        for value, error in measured:
            if value is not None:
                assert abs(error) <= maps.TOLERANCE, (land, value, error)
                checked += 1
    assert checked == 62  # 64 less the two islands the outline leaves out


@pytest.mark.parametrize(("name", "place"), WELL_KNOWN.items())
def test_well_known_places_fall_inside_their_own_land_only(
    name: str, place: tuple[tuple[float, float], str]
) -> None:
    (longitude, latitude), land = place
    point = maps.projection()(longitude, latitude)
    containing = [code for code, outline in outlines().items() if maps.inside(point, outline)]
    assert containing == [land], name


def test_mercator_not_a_plain_grid() -> None:
    """Halfway in latitude is not halfway down the drawing: the outline is Mercator."""
    project = maps.projection()
    _, top = project(10, maps.NORTH)
    _, bottom = project(10, maps.SOUTH)
    _, middle = project(10, (maps.NORTH + maps.SOUTH) / 2)
    assert middle - top > (bottom - top) / 2 + 10  # the southern half is drawn smaller


# --- Map page --------------------------------------------------------------------------------


@pytest.fixture
def atlas(db: None) -> None:
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")


#: GV-ISys rows for three atlas towns with their real keys, 2023 populations and centres.
DIRECTORY_ROWS = [
    ["40", "41", "14", "6", "12", None, None, "Dresden, Stadt"],
    ["60", "61", "14", "6", "12", "0000", "000", "Dresden, Stadt", "328,48", 566222, None,
     None, None, "01067", "13,738144", "51,049259"],
    ["40", "41", "14", "7", "13", None, None, "Leipzig, Stadt"],
    ["60", "61", "14", "7", "13", "0000", "000", "Leipzig, Stadt", "297,80", 616093, None,
     None, None, "04109", "12,373075", "51,340632"],
    ["40", "45", "05", "3", "34", None, None, "Städteregion Aachen"],
    ["60", "63", "05", "3", "34", "0002", "002", "Aachen, Stadt", "160,85", 252136, None,
     None, None, "52062", "6,083887", "50,776351"],
]  # fmt: skip


@pytest.fixture
def directory(atlas: None, tmp_path: Path) -> None:
    """The atlas towns Dresden, Leipzig and Aachen receive their key and centre on import."""
    from kompass.core.importers import import_municipalities
    from tests.gv_isys import write_workbook

    report = import_municipalities(write_workbook(tmp_path / "auszug.xlsx", DIRECTORY_ROWS))
    # The Städteregion is new; the three towns existed (from the atlas) and were completed.
    assert (report.created, report.updated) == (1, 3)


def points(body: str) -> dict[str, tuple[str, float, float]]:
    return {label: (url, float(x), float(y)) for url, label, x, y in POINT.findall(body)}


def test_shipped_data_shows_the_lander_only_and_says_why(client: Client, atlas: None) -> None:
    response = client.get("/atlas/karte/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="land bucket-') == 16  # the choropleth stays
    assert points(body) == {}
    assert "Für keine dieser Kommunen sind Koordinaten hinterlegt" in body
    assert "import_municipalities" in body
    assert body.count('<td colspan="2">ohne Koordinaten</td>') == 50
    assert 'id="tile-map"' not in body and "leaflet" not in body


def test_imported_centres_become_points_inside_their_land(client: Client, directory: None) -> None:
    body = client.get("/atlas/karte/").content.decode()
    found = points(body)
    assert set(found) == {
        "Steckbrief Aachen (Nordrhein-Westfalen)",
        "Steckbrief Dresden (Sachsen)",
        "Steckbrief Leipzig (Sachsen)",
    }
    url, x, y = found["Steckbrief Dresden (Sachsen)"]
    assert url == "/atlas/kommunen/dresden/"
    assert maps.inside((x, y), outlines()["SN"])
    _, x, y = found["Steckbrief Aachen (Nordrhein-Westfalen)"]
    assert maps.inside((x, y), outlines()["NW"])
    assert "3 von 50 Kommunen haben Koordinaten" in body
    # The data table lists every profile: coordinates in German notation, or none.
    row = re.search(r'<a href="/atlas/kommunen/dresden/">Dresden</a></th>(.*?)</tr>', body, re.S)
    assert row is not None
    assert re.findall(r'<td class="number">([^<]+)</td>', row.group(1)) == ["51,0493", "13,7381"]
    assert body.count('<td colspan="2">ohne Koordinaten</td>') == 47


FILTERED = [
    ("?land=SN", {"Dresden", "Leipzig"}),
    ("?land=NW", {"Aachen"}),
    ("?land=BY", set()),
    ("?size_class=large_city", {"Aachen", "Dresden", "Leipzig"}),
    ("?size_class=medium_town", set()),
    ("?land=SN&size_class=large_city", {"Dresden", "Leipzig"}),
]


def test_points_respect_the_filters(client: Client, directory: None) -> None:
    for query, expected in FILTERED:
        body = client.get("/atlas/karte/" + query).content.decode()
        names = {label.split(" ")[1] for label in points(body)}
        assert names == expected, query
        listed = set(
            re.findall(r'<th scope="row"><a href="/atlas/kommunen/[^"]+">([^<]+)</a>', body)
        )
        assert expected <= listed, query  # the table holds the same filtered profiles
    body = client.get("/atlas/karte/?land=SN").content.decode()
    listed = set(re.findall(r'<th scope="row"><a href="/atlas/kommunen/[^"]+">([^<]+)</a>', body))
    assert listed == {"Chemnitz", "Dresden", "Leipzig"}
    assert "2 von 3 Kommunen haben Koordinaten" in body


def test_invalid_filter_draws_no_points(client: Client, directory: None) -> None:
    response = client.get("/atlas/karte/?size_class=riesig")
    assert response.status_code == 400
    assert points(response.content.decode()) == {}


# --- Optional tile server --------------------------------------------------------------------


def directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def test_without_tile_server_nothing_is_loaded_from_outside(
    client: Client, directory: None
) -> None:
    response = client.get("/atlas/karte/")
    policy = directives(response)
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    body = response.content.decode()
    assert "vendor/leaflet" not in body and "tile-map-data" not in body


def test_tile_server_adds_leaflet_and_exactly_its_host_on_the_map_page(
    client: Client, directory: None, settings: Settings
) -> None:
    settings.MAP_TILE_URL = "https://kacheln.example.de/osm/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© OpenStreetMap-Mitwirkende"
    response = client.get("/atlas/karte/?land=SN")
    policy = directives(response)
    assert policy["img-src"] == ["'self'", "data:", "https://kacheln.example.de"]
    assert policy["connect-src"] == ["'self'"]  # Leaflet loads tiles as images only
    assert policy["script-src"] == ["'self'"]
    body = response.content.decode()
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in body
    assert '<script src="/static/kompass/js/map.js" defer></script>' in body
    data = re.search(r'<script id="tile-map-data" type="application/json">(.*?)</script>', body)
    assert data is not None
    tiles = json.loads(data.group(1))
    assert tiles["url"] == "https://kacheln.example.de/osm/{z}/{x}/{y}.png"
    assert [p["name"] for p in tiles["points"]] == ["Dresden", "Leipzig"]
    assert tiles["points"][0]["url"] == "/atlas/kommunen/dresden/"
    assert tiles["points"][0]["lat"] == pytest.approx(51.049259)
    # Other pages keep the strict policy.
    assert "kacheln.example.de" not in client.get("/atlas/")["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "nicht {s}"),
        ("https://tile.example.org/{z}/{x}.png", "es fehlen die Platzhalter {y}"),
        ("ftp://tile.example.org/{z}/{x}/{y}.png", "erwartet wird https://HOST"),
        ("https://user:pw@tile.example.org/{z}/{x}/{y}.png", "ohne Benutzername"),
        ("https://tile.example.org/{z}/{x}/{y}.png; script-src *", "Semikolon"),
    ],
)
def test_tile_url_setting_is_validated(value: str, fragment: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load({"KOMPASS_MAP_TILE_URL": value, "KOMPASS_MAP_TILE_ATTRIBUTION": "x"})
    assert "Ungültiger Wert für KOMPASS_MAP_TILE_URL" in str(caught.value)
    assert fragment in str(caught.value)


def test_tile_url_needs_an_attribution() -> None:
    url = "https://kacheln.example.de/{z}/{x}/{y}.png"
    with pytest.raises(config.ConfigError, match="KOMPASS_MAP_TILE_ATTRIBUTION fehlt"):
        config.load({"KOMPASS_MAP_TILE_URL": url})
    loaded = config.load({"KOMPASS_MAP_TILE_URL": url, "KOMPASS_MAP_TILE_ATTRIBUTION": "© x"})
    assert loaded["KOMPASS_MAP_TILE_URL"] == url
    assert config.tile_origin(url) == "https://kacheln.example.de"
    assert config.load({})["KOMPASS_MAP_TILE_URL"] is None
