"""The bundled outline of the Länder (npm package @svg-maps/germany, CC BY 4.0), for maps
that work without internet access, and the projection that places coordinates on it.

The outline is drawn in the Mercator projection. Its calibration takes Germany's four extreme
points to the four edges of the outline; docs/data/atlas_map.md gives the measurement: the
extreme points of the Länder land within 0.33 units (about 0.4 km) of their outlines, and
1,138 of 1,139 German towns of GeoNames fall inside their own Land.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.staticfiles import finders

from kompass.config import tile_origin

SVG_FILE = "vendor/svg-maps-germany/germany.svg"
ATTRIBUTION = "Karte: svg-maps/germany von Victor Cazanave, Lizenz CC BY 4.0"
#: Upper bounds of the colour classes for counts per Land (0, 1, 2–3, 4–7, 8 and more).
BUCKETS = (0, 1, 3, 7)

#: Germany's extreme points in degrees, the calibration of the outline: the northern tip of
#: Sylt (Ellenbogen, List), the Haldenwanger Eck (Oberstdorf), Isenbruch (Selfkant) and the
#: Neiße at Zentendorf (Neißeaue).
NORTH, SOUTH, WEST, EAST = 55.0581, 47.2701, 5.8663, 15.0419
#: Documented accuracy in units of the drawing (one unit is 1.0 to 1.2 km): the extreme points
#: of the Länder land within 0.33 units of their outlines (docs/data/atlas_map.md).
TOLERANCE = 0.5

Ring = list[tuple[float, float]]


@cache
def land_outlines() -> tuple[str, dict[str, str]]:
    """The SVG viewBox and the outline path of every Land, keyed by its ISO code."""
    path = finders.find(SVG_FILE)
    if not path:
        raise FileNotFoundError(f"{SVG_FILE} fehlt: Bitte `make setup` ausführen.")
    root = ElementTree.parse(str(path)).getroot()  # noqa: S314 - pinned package file, not input
    namespace = "{http://www.w3.org/2000/svg}"
    outlines = {
        element.attrib["id"].upper(): element.attrib["d"]
        for element in root.iter(f"{namespace}path")
    }
    return root.attrib["viewBox"], outlines


def bucket(count: int) -> int:
    """Colour class 0–4 of a count.

    >>> [bucket(n) for n in (0, 1, 2, 3, 4, 8)]
    [0, 1, 2, 2, 3, 4]
    """
    return next((index for index, upper in enumerate(BUCKETS) if count <= upper), len(BUCKETS))


def rings(path: str) -> list[Ring]:
    """The closed rings of an SVG path made of move-to, line-to and close commands.

    >>> rings("m 1,1 2,0 0,2 z m 10,0 1,1 z")
    [[(1.0, 1.0), (3.0, 1.0), (3.0, 3.0)], [(11.0, 1.0), (12.0, 2.0)]]
    """
    tokens = re.findall(r"[MmLlZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE]-?\d+)?", path)
    found: list[Ring] = []
    ring: Ring = []
    x = y = 0.0
    start = (0.0, 0.0)
    command = "M"
    index = 0
    while index < len(tokens):
        item = tokens[index]
        if item in "Zz":
            if ring:
                found.append(ring)
            ring = []
            x, y = start
            index += 1
            continue
        if item in "MmLl":
            command = item
            index += 1
            continue
        if command not in "MmLl":
            raise ValueError(f"Nicht unterstützter Pfadbefehl „{command}“ im Umriss.")
        a, b = float(item), float(tokens[index + 1])
        index += 2
        relative = command.islower()
        x, y = (x + a, y + b) if relative else (a, b)
        if command in "Mm":
            if ring:
                found.append(ring)
            ring = []
            start = (x, y)
            command = "l" if relative else "L"  # further pairs after a move are line-tos
        ring.append((x, y))
    if ring:
        found.append(ring)
    return found


def _mercator(latitude: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


@dataclass(frozen=True)
class Projection:
    """Mercator projection onto the outline's drawing units (x to the east, y to the south)."""

    left: float
    top: float
    x_per_radian: float
    y_per_unit: float

    def __call__(
        self, longitude: float | Decimal, latitude: float | Decimal
    ) -> tuple[float, float]:
        x = self.left + math.radians(float(longitude) - WEST) * self.x_per_radian
        y = self.top + (_mercator(NORTH) - _mercator(float(latitude))) * self.y_per_unit
        return x, y


@cache
def projection() -> Projection:
    """The calibrated projection: Germany's extreme points onto the outline's bounding box."""
    _, outlines = land_outlines()
    points = [point for path in outlines.values() for ring in rings(path) for point in ring]
    left, right = min(p[0] for p in points), max(p[0] for p in points)
    top, bottom = min(p[1] for p in points), max(p[1] for p in points)
    return Projection(
        left=left,
        top=top,
        x_per_radian=(right - left) / math.radians(EAST - WEST),
        y_per_unit=(bottom - top) / (_mercator(NORTH) - _mercator(SOUTH)),
    )


def inside(point: tuple[float, float], outline: list[Ring]) -> bool:
    """Whether a point of the drawing lies inside an outline (even-odd rule, as SVG fills).

    >>> inside((1.5, 1.5), rings("M 0,0 3,0 3,3 0,3 z"))
    True
    >>> inside((4, 1), rings("M 0,0 3,0 3,3 0,3 z"))
    False
    """
    x, y = point
    result = False
    for ring in outline:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                result = not result
    return result


@dataclass(frozen=True)
class Place:
    """A municipality on the map: ``x`` and ``y`` are drawing units ("" without coordinates)."""

    name: str
    land: str
    url: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    x: str = ""
    y: str = ""

    @property
    def located(self) -> bool:
        return bool(self.x)


def place(
    name: str, land: str, url: str, latitude: Decimal | None, longitude: Decimal | None
) -> Place:
    """A :class:`Place`, projected onto the outline when both coordinates are known."""
    if latitude is None or longitude is None:
        return Place(name, land, url)
    x, y = projection()(longitude, latitude)
    return Place(name, land, url, latitude, longitude, f"{x:.1f}", f"{y:.1f}")


def tile_layer(places: list[Place]) -> dict[str, Any] | None:
    """The interactive map's configuration (for ``json_script``) when a tile server is set
    (``KOMPASS_MAP_TILE_URL``), else None: then nothing is loaded from outside."""
    url: str | None = settings.MAP_TILE_URL
    if not url:
        return None
    return {
        "url": url,
        "origin": tile_origin(url),
        "attribution": settings.MAP_TILE_ATTRIBUTION or "",
        "points": [
            {"name": p.name, "url": p.url, "lat": float(p.latitude), "lon": float(p.longitude)}
            for p in places
            if p.latitude is not None and p.longitude is not None
        ],
    }
