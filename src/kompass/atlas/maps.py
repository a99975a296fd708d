"""The bundled outline of the Länder (npm package @svg-maps/germany, CC BY 4.0), for maps
that work without internet access."""

from __future__ import annotations

from functools import cache
from xml.etree import ElementTree

from django.contrib.staticfiles import finders

SVG_FILE = "vendor/svg-maps-germany/germany.svg"
ATTRIBUTION = "Karte: svg-maps/germany von Victor Cazanave, Lizenz CC BY 4.0"
#: Upper bounds of the colour classes for counts per Land (0, 1, 2–3, 4–7, 8 and more).
BUCKETS = (0, 1, 3, 7)


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
