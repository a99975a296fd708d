"""Cross-sectional figures of an atlas edition (the study's chapter 4), from plain records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypedDict


class CrossSection(TypedDict):
    profiles_total: int
    profiles_by_size_class: dict[str, int]
    profiles_by_land: dict[str, int]
    population_total: int
    area_km2_total: float
    projects_total: int
    projects_by_primary_field: dict[str, int]
    projects_by_any_field: dict[str, int]
    projects_with_multiple_fields: int


def _counts(values: Iterable[str | None], keys: Sequence[str]) -> dict[str, int]:
    counter = Counter(v for v in values if v is not None)
    unknown = set(counter) - set(keys)
    if unknown:
        raise ValueError(f"Unbekannte Schlüssel: {', '.join(sorted(unknown))}")
    return {key: counter.get(key, 0) for key in keys}


def cross_section(
    profiles: Sequence[Mapping[str, Any]],
    projects: Sequence[Mapping[str, Any]],
    *,
    fields: Sequence[str],
    size_classes: Sequence[str],
    lands: Sequence[str],
) -> CrossSection:
    """Count profiles and lighthouse projects the way the Smart-City-Atlas does.

    Parameters
    ----------
    profiles : sequence of mappings
        One per profile with ``size_class`` (slug or None), ``land`` (ISO code),
        ``population`` (int or None) and ``area_km2`` (number or None).
    projects : sequence of mappings
        One per project with ``primary_field`` (slug) and ``fields`` (every printed slug).
    fields, size_classes, lands : sequence of str
        The keys every count map carries, in this order (zero where nothing is counted).

    Returns
    -------
    CrossSection
        ``profiles_total``; ``profiles_by_size_class`` and ``profiles_by_land`` (counts);
        ``population_total`` and ``area_km2_total`` (sums over profiles with a value);
        ``projects_total``; ``projects_by_primary_field`` (each project once, under the field
        of its main aim); ``projects_by_any_field`` (each project under every printed field, so
        the counts add up to more than the total); ``projects_with_multiple_fields``.

    Notes
    -----
    The study counts every lighthouse project in exactly one field, the one that best
    represents its main aim, so that projects touching several fields are not counted several
    times (003_98a75a01d0173661.txt, lines 3614-3618); Annex A lists that assignment. The
    any-field count is the product's addition for comparison.

    Examples
    --------
    >>> result = cross_section(
    ...     [{"size_class": "large_city", "land": "NW", "population": 100, "area_km2": 1.5}],
    ...     [{"primary_field": "mobility", "fields": ["energy_environment", "mobility"]}],
    ...     fields=["mobility", "energy_environment"],
    ...     size_classes=["large_city", "medium_town"],
    ...     lands=["NW"],
    ... )
    >>> result["projects_by_primary_field"], result["projects_with_multiple_fields"]
    ({'mobility': 1, 'energy_environment': 0}, 1)
    """
    for project in projects:
        if project["primary_field"] not in project["fields"]:
            raise ValueError(
                "Das Hauptfeld eines Projekts muss unter seinen Handlungsfeldern stehen."
            )
    area = sum(
        (Decimal(str(p["area_km2"])) for p in profiles if p["area_km2"] is not None), Decimal(0)
    )
    return {
        "profiles_total": len(profiles),
        "profiles_by_size_class": _counts((p["size_class"] for p in profiles), size_classes),
        "profiles_by_land": _counts((p["land"] for p in profiles), lands),
        "population_total": sum(p["population"] for p in profiles if p["population"] is not None),
        "area_km2_total": float(area),
        "projects_total": len(projects),
        "projects_by_primary_field": _counts((p["primary_field"] for p in projects), fields),
        "projects_by_any_field": _counts(
            (field for p in projects for field in set(p["fields"])), fields
        ),
        "projects_with_multiple_fields": sum(1 for p in projects if len(set(p["fields"])) > 1),
    }
