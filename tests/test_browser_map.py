"""The atlas map in real headless Chromium: points reachable and followable by keyboard, axe
clean, nothing loaded from outside; with a tile server configured (a tiny one on loopback,
serving one generated PNG) the interactive Leaflet map renders its tiles and markers."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from tests.test_atlas_map import DIRECTORY_ROWS
from tests.test_browser import assert_accessible, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_requests(page: Any) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def png_tile(size: int = 256, rgb: tuple[int, int, int] = (214, 228, 240)) -> bytes:
    """A plain one-colour PNG, made here so that the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class TileServer:
    """Serves the same PNG for /tiles/{z}/{x}/{y}.png on 127.0.0.1 and counts the requests."""

    def __init__(self) -> None:
        tile = png_tile()
        served: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                if not re.fullmatch(r"/tiles/\d+/\d+/\d+\.png", self.path):
                    self.send_error(404)
                    return
                served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.served = served
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tiles/{{z}}/{{x}}/{{y}}.png"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> TileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def located_atlas(tmp_path: Path) -> None:
    """The 2019 atlas with Dresden, Leipzig and Aachen located by a GV-ISys import."""
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.importers import import_municipalities
    from kompass.core.shipped import load_fields_of_action
    from tests.gv_isys import write_workbook

    load_fields_of_action()
    load_atlas_edition("2019")
    import_municipalities(write_workbook(tmp_path / "auszug.xlsx", DIRECTORY_ROWS))


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    with TileServer() as server:
        yield server


def focused_label(page: Any) -> str:
    return str(page.evaluate("document.activeElement.getAttribute('aria-label') || ''"))


def test_points_by_keyboard_offline(page: Any, live_server: Any, located_atlas: None) -> None:
    problems = watch_console(page)
    requested = watch_requests(page)
    page.goto(live_server.url + "/atlas/karte/")
    assert page.locator("h1").inner_text() == "Karte der Steckbriefe"
    assert page.locator("a.map-point").count() == 3
    assert "3 von 50 Kommunen haben Koordinaten" in page.locator("#map-coverage").inner_text()
    assert page.locator("#tile-map").count() == 0
    assert_accessible(page)

    # Tab from the filter button through the Länder to the first point, then to the next.
    page.get_by_role("button", name="Filtern").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused_label(page).startswith("Steckbrief "):
            break
    assert focused_label(page) == "Steckbrief Aachen (Nordrhein-Westfalen)"
    page.keyboard.press("Tab")
    assert focused_label(page) == "Steckbrief Dresden (Sachsen)"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/atlas/kommunen/dresden/")
    assert page.locator("h1").inner_text() == "Dresden"

    # Filtering keeps the points of the filtered profiles only.
    page.goto(live_server.url + "/atlas/karte/")
    page.get_by_label("Land", exact=True).select_option("NW")
    page.get_by_role("button", name="Filtern").press("Enter")
    page.wait_for_url(re.compile(r".*land=NW.*"))
    labels = page.locator("a.map-point").evaluate_all(
        "links => links.map(link => link.getAttribute('aria-label'))"
    )
    assert labels == ["Steckbrief Aachen (Nordrhein-Westfalen)"]
    assert_accessible(page)
    assert problems == []
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_tile_server_shows_the_interactive_map(
    page: Any,
    live_server: Any,
    located_atlas: None,
    tile_server: TileServer,
    settings: Settings,
) -> None:
    settings.MAP_TILE_URL = tile_server.url
    settings.MAP_TILE_ATTRIBUTION = "Testkacheln <lokal>"
    problems = watch_console(page)
    requested = watch_requests(page)
    page.goto(live_server.url + "/atlas/karte/")
    page.wait_for_selector("#tile-map[data-ready=true]")
    page.wait_for_function(
        "document.querySelectorAll('#tile-map img.leaflet-tile-loaded').length > 0"
    )
    assert tile_server.served, "no tile was requested from the tile server"
    assert page.locator("#tile-map .leaflet-marker-icon").count() == 3
    page.wait_for_function(
        "[...document.querySelectorAll('#tile-map .leaflet-marker-icon')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    icon = page.locator("#tile-map .leaflet-marker-icon").first.get_attribute("src")
    assert icon == "/static/vendor/leaflet/images/marker-icon.png"
    # The attribution is shown as text, not interpreted as markup.
    assert "Testkacheln <lokal>" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator("a.map-point").count() == 3  # the offline map stays
    assert_accessible(page)

    # Keyboard: a marker is a tab stop; Enter opens its popup and focuses the profile link.
    marker = page.get_by_role("button", name="Steckbrief Leipzig")
    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    link.wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Steckbrief Leipzig"
    assert_accessible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/atlas/kommunen/leipzig/")
    assert page.locator("h1").inner_text() == "Leipzig"

    assert problems == []
    tile_origin = tile_server.url.split("/tiles/")[0]
    assert all(url.startswith((live_server.url, tile_origin)) for url in requested), requested
