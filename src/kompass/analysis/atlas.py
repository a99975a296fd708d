"""Cross-sectional figures of an atlas edition (the study's chapter 4), from aggregated counts.

The database does the counting: ``kompass.atlas.queries`` groups and counts with SQL
aggregates, so an edition of a million profiles never travels into Python row by row. This
module receives those counts (a few hundred numbers at most), validates them, derives the
figures the study reports (totals, organisation models, projects with several fields, ...)
and returns every map with every key of its vocabulary, in a fixed order, zero where nothing
is counted. The counting rules are documented in ``docs/data/atlas_analysis.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypedDict

#: The stakeholder groups a profile names (``sections.stakeholders.groups``), in display order.
STAKEHOLDER_GROUPS: tuple[str, ...] = (
    "citizens",
    "companies",
    "science",
    "administration",
    "politics",
    "civil_society",
    "municipal_companies",
    "other_municipalities",
    "schools",
    "other",
)

#: The three organisation models of the study (003_98a75a01d0173661.txt, line 3691) as the
#: organisation-unit kinds that realise them. ``department`` and ``office`` belong to none:
#: the profiles name long-standing line units (IT department, economic development) and new
#: digital offices with the same kinds, so they cannot tell a dedicated unit from an existing
#: one (docs/data/atlas_analysis.md).
ORGANISATION_MODELS: tuple[tuple[str, frozenset[str]], ...] = (
    ("person_role", frozenset({"cdo", "cio"})),
    ("dedicated_unit", frozenset({"staff_unit", "company"})),
    ("cross_sectional", frozenset({"steering_group", "cross_departmental_group"})),
)
ORGANISATION_MODEL_KEYS: tuple[str, ...] = (
    *(name for name, _ in ORGANISATION_MODELS),
    "all_three_models",
    "no_model",
)

#: Counts per profile (projects) and per project (fields) are grouped as 0, 1, 2, 3, 4 or more.
COUNT_BUCKET_TOP = 4


class ProfileGroup(TypedDict):
    """Profiles of one Land and size class with the same organisation models, and their sums."""

    land: str
    size_class: str | None
    person_role: bool
    dedicated_unit: bool
    cross_sectional: bool
    profiles: int
    population: int | None
    area_km2: Decimal | float | None


class ProgrammeCount(TypedDict):
    name: str
    level: str
    profiles: int


class AtlasCounts(TypedDict):
    """What the database counts for one edition (see kompass.atlas.queries)."""

    profile_groups: Sequence[ProfileGroup]
    profiles_by_project_count: Mapping[str, int]
    profiles_by_stakeholder_group: Mapping[str, int]
    profiles_by_unit_kind: Mapping[str, int]
    profiles_with_funding: int
    profiles_by_funding_level: Mapping[str, int]
    profiles_by_funding_role: Mapping[str, int]
    funding_programmes: Sequence[ProgrammeCount]
    profiles_with_milestones: int
    achieved_milestones_by_year: Mapping[int, int]
    planned_milestones_by_year: Mapping[int, int]
    profiles_by_first_milestone_year: Mapping[int, int]
    projects_by_primary_field: Mapping[str, int]
    projects_by_any_field: Mapping[str, int]
    projects_by_field_count: Mapping[str, int]
    projects_with_partners: int


class Vocabularies(TypedDict):
    """The keys every count map carries, in display order."""

    fields: Sequence[str]
    size_classes: Sequence[str]
    lands: Sequence[str]
    unit_kinds: Sequence[str]
    funding_levels: Sequence[str]
    funding_roles: Sequence[str]


class CrossSection(TypedDict):
    profiles_total: int
    profiles_by_size_class: dict[str, int]
    profiles_by_land: dict[str, int]
    lands_covered: int
    population_total: int
    area_km2_total: float
    profiles_by_project_count: dict[str, int]
    projects_total: int
    projects_by_primary_field: dict[str, int]
    projects_by_any_field: dict[str, int]
    projects_by_field_count: dict[str, int]
    projects_with_multiple_fields: int
    projects_with_partners: int
    profiles_by_unit_kind: dict[str, int]
    organisation_models: dict[str, int]
    profiles_by_stakeholder_group: dict[str, int]
    profiles_with_funding: int
    profiles_by_funding_level: dict[str, int]
    profiles_by_funding_role: dict[str, int]
    funding_programmes: list[ProgrammeCount]
    profiles_with_milestones: int
    milestones_by_year: dict[str, int]
    planned_milestones_by_year: dict[str, int]
    profiles_by_first_milestone_year: dict[str, int]


def count_buckets(top: int = COUNT_BUCKET_TOP) -> tuple[str, ...]:
    """The keys of a count distribution: ``"0"`` to ``top - 1`` and ``"<top>_or_more"``.

    >>> count_buckets(3)
    ('0', '1', '2', '3_or_more')
    """
    if top < 1:
        raise ValueError("Die oberste Klasse einer Verteilung muss mindestens 1 sein.")
    return (*(str(n) for n in range(top)), f"{top}_or_more")


def share(count: int, total: int) -> float | None:
    """``count`` as a percentage of ``total``, one decimal; None when there is no total.

    >>> share(13, 50), share(0, 0)
    (26.0, None)
    """
    if count < 0 or total < 0:
        raise ValueError("Anteile lassen sich nur aus Zahlen ab 0 berechnen.")
    if count > total:
        raise ValueError(f"Der Teil ({count}) ist größer als das Ganze ({total}).")
    return round(100 * count / total, 1) if total else None


def _filled(counts: Mapping[str, int], keys: Sequence[str], what: str) -> dict[str, int]:
    """``counts`` with every key of ``keys`` in that order; unknown keys are an error."""
    unknown = sorted(set(counts) - set(keys))
    if unknown:
        raise ValueError(f"{what}: unbekannte Schlüssel {', '.join(map(str, unknown))}.")
    negative = sorted(key for key, value in counts.items() if value < 0)
    if negative:
        raise ValueError(f"{what}: negative Anzahl bei {', '.join(negative)}.")
    return {key: int(counts.get(key, 0)) for key in keys}


def _summed(
    pairs: Iterable[tuple[str | None, int]], keys: Sequence[str], what: str
) -> dict[str, int]:
    totals: dict[str, int] = {}
    for key, count in pairs:
        if key is not None:
            totals[key] = totals.get(key, 0) + count
    return _filled(totals, keys, what)


def _years(counts: Mapping[int, int], span: range) -> dict[str, int]:
    """Counts per year for every year of ``span`` (gaps as zero), keyed by the year as text."""
    if any(value < 0 for value in counts.values()):
        raise ValueError("Meilensteine: negative Anzahl.")
    return {str(year): int(counts.get(year, 0)) for year in span}


def _span(*maps: Mapping[int, int]) -> range:
    years = [year for counts in maps for year, value in counts.items() if value]
    return range(min(years), max(years) + 1) if years else range(0)


def _model_flags(group: ProfileGroup) -> tuple[bool, bool, bool]:
    return (group["person_role"], group["dedicated_unit"], group["cross_sectional"])


def cross_section(counts: AtlasCounts, vocabularies: Vocabularies) -> CrossSection:
    """Derive the Smart-City-Atlas cross-section from counts the database has aggregated.

    Parameters
    ----------
    counts : AtlasCounts
        ``profile_groups``: one row per combination of Land, size class (slug or None when
        the population is unknown) and the three organisation models (booleans), with the
        number of ``profiles`` and the sums of ``population`` and ``area_km2`` (None when no
        profile of the group has a value). The other entries are counts keyed by slug:
        profiles per number of projects (keys of :func:`count_buckets`), per stakeholder group
        named, per organisation-unit kind, per funding level and role (each profile once per
        key); the most frequent funding programmes (name, level, profiles); profiles with any
        funding and with any milestone; milestones per year (achieved and planned separately)
        and profiles per year of their first achieved milestone; projects per primary field
        (each project once), per field named (each project once per field), per number of
        fields (keys of :func:`count_buckets`) and with named partners.
    vocabularies : Vocabularies
        The keys of the slug-keyed maps, in display order.

    Returns
    -------
    CrossSection
        ``profiles_total``, ``profiles_by_size_class``, ``profiles_by_land``, ``lands_covered``
        (Länder with at least one profile), ``population_total`` and ``area_km2_total`` (sums
        over profiles with a value), ``profiles_by_project_count``; ``projects_total``,
        ``projects_by_primary_field``, ``projects_by_any_field`` (adds up to more than the
        total), ``projects_by_field_count``, ``projects_with_multiple_fields``,
        ``projects_with_partners``; ``profiles_by_unit_kind``, ``organisation_models``
        (profiles per model of :data:`ORGANISATION_MODELS`, with all three, with none);
        ``profiles_by_stakeholder_group``; ``profiles_with_funding``,
        ``profiles_by_funding_level``, ``profiles_by_funding_role``, ``funding_programmes``
        (most frequent first, ties by name); ``profiles_with_milestones``,
        ``milestones_by_year``, ``planned_milestones_by_year`` and
        ``profiles_by_first_milestone_year`` (every year from the first to the last one
        counted, keyed by the year as text).

    Notes
    -----
    The study counts every lighthouse project in exactly one field, the one that best
    represents its main aim, so that projects touching several fields are not counted several
    times (003_98a75a01d0173661.txt, lines 3614-3618); Annex A lists that assignment. The
    any-field count is the product's addition for comparison. The organisation models follow
    the three models of lines 3691-3693; which unit kinds realise them is the product's rule
    (:data:`ORGANISATION_MODELS`).

    Examples
    --------
    >>> group = {"land": "NW", "size_class": "large_city", "person_role": True,
    ...          "dedicated_unit": False, "cross_sectional": True, "profiles": 2,
    ...          "population": 300, "area_km2": 1.5}
    >>> counts = {"profile_groups": [group], "profiles_by_project_count": {"1": 2},
    ...     "profiles_by_stakeholder_group": {"citizens": 2}, "profiles_by_unit_kind": {"cdo": 2},
    ...     "profiles_with_funding": 0, "profiles_by_funding_level": {},
    ...     "profiles_by_funding_role": {}, "funding_programmes": [],
    ...     "profiles_with_milestones": 1, "achieved_milestones_by_year": {2016: 1},
    ...     "planned_milestones_by_year": {2018: 1}, "profiles_by_first_milestone_year": {2016: 1},
    ...     "projects_by_primary_field": {"mobility": 2},
    ...     "projects_by_any_field": {"mobility": 2, "energy_environment": 1},
    ...     "projects_by_field_count": {"1": 1, "2": 1}, "projects_with_partners": 0}
    >>> vocabularies = {"fields": ["mobility", "energy_environment"], "lands": ["NW", "SN"],
    ...     "size_classes": ["large_city", "medium_town"], "unit_kinds": ["cdo", "cio"],
    ...     "funding_levels": ["eu"], "funding_roles": ["winner"]}
    >>> result = cross_section(counts, vocabularies)
    >>> result["projects_total"], result["projects_with_multiple_fields"], result["lands_covered"]
    (2, 1, 1)
    >>> list(result["organisation_models"].values())  # person, unit, cross, all three, none
    [2, 0, 2, 0, 0]
    >>> result["milestones_by_year"], result["planned_milestones_by_year"]
    ({'2016': 1, '2017': 0, '2018': 0}, {'2016': 0, '2017': 0, '2018': 1})
    """
    groups = counts["profile_groups"]
    if any(group["profiles"] < 0 for group in groups):
        raise ValueError("Steckbriefe: negative Anzahl in einer Gruppe.")
    profiles_total = sum(group["profiles"] for group in groups)
    by_land = _summed(
        ((g["land"], g["profiles"]) for g in groups), vocabularies["lands"], "Steckbriefe je Land"
    )
    models = dict.fromkeys(ORGANISATION_MODEL_KEYS, 0)
    for group in groups:
        flags = _model_flags(group)
        for (name, _), flag in zip(ORGANISATION_MODELS, flags, strict=True):
            models[name] += group["profiles"] if flag else 0
        if all(flags):
            models["all_three_models"] += group["profiles"]
        if not any(flags):
            models["no_model"] += group["profiles"]
    area = sum(
        (Decimal(str(g["area_km2"])) for g in groups if g["area_km2"] is not None), Decimal(0)
    )

    buckets = count_buckets()
    by_project_count = _filled(
        counts["profiles_by_project_count"], buckets, "Projekte je Steckbrief"
    )
    if sum(by_project_count.values()) != profiles_total:
        raise ValueError(
            "Projekte je Steckbrief: Die Verteilung zählt nicht jeden Steckbrief genau einmal."
        )
    by_primary = _filled(counts["projects_by_primary_field"], vocabularies["fields"], "Hauptfeld")
    projects_total = sum(by_primary.values())
    by_field_count = _filled(counts["projects_by_field_count"], buckets, "Felder je Projekt")
    if sum(by_field_count.values()) != projects_total:
        raise ValueError(
            "Felder je Projekt: Die Verteilung zählt nicht jedes Projekt genau einmal."
        )
    by_any = _filled(counts["projects_by_any_field"], vocabularies["fields"], "Handlungsfeld")
    for slug, count in by_primary.items():
        if count > by_any[slug]:
            raise ValueError(
                f"Handlungsfeld {slug}: mehr Projekte mit diesem Hauptfeld ({count}) als Projekte, "
                f"die es überhaupt nennen ({by_any[slug]})."
            )
    for what, value, total in [
        ("Projekte mit Partnern", counts["projects_with_partners"], projects_total),
        ("Steckbriefe mit Förderung", counts["profiles_with_funding"], profiles_total),
        ("Steckbriefe mit Meilensteinen", counts["profiles_with_milestones"], profiles_total),
    ]:
        if not 0 <= value <= total:
            raise ValueError(f"{what}: {value} liegt nicht zwischen 0 und {total}.")

    achieved = counts["achieved_milestones_by_year"]
    planned = counts["planned_milestones_by_year"]
    milestone_years = _span(achieved, planned)
    first_years = counts["profiles_by_first_milestone_year"]
    programmes = sorted(counts["funding_programmes"], key=lambda p: (-p["profiles"], p["name"]))
    return {
        "profiles_total": profiles_total,
        "profiles_by_size_class": _summed(
            ((g["size_class"], g["profiles"]) for g in groups),
            vocabularies["size_classes"],
            "Steckbriefe je Größenklasse",
        ),
        "profiles_by_land": by_land,
        "lands_covered": sum(1 for count in by_land.values() if count),
        "population_total": sum(g["population"] or 0 for g in groups),
        "area_km2_total": float(area),
        "profiles_by_project_count": by_project_count,
        "projects_total": projects_total,
        "projects_by_primary_field": by_primary,
        "projects_by_any_field": by_any,
        "projects_by_field_count": by_field_count,
        "projects_with_multiple_fields": sum(
            count for key, count in by_field_count.items() if key not in {"0", "1"}
        ),
        "projects_with_partners": counts["projects_with_partners"],
        "profiles_by_unit_kind": _filled(
            counts["profiles_by_unit_kind"], vocabularies["unit_kinds"], "Organisationseinheiten"
        ),
        "organisation_models": models,
        "profiles_by_stakeholder_group": _filled(
            counts["profiles_by_stakeholder_group"], STAKEHOLDER_GROUPS, "Akteursgruppen"
        ),
        "profiles_with_funding": counts["profiles_with_funding"],
        "profiles_by_funding_level": _filled(
            counts["profiles_by_funding_level"], vocabularies["funding_levels"], "Förderebenen"
        ),
        "profiles_by_funding_role": _filled(
            counts["profiles_by_funding_role"], vocabularies["funding_roles"], "Förderrollen"
        ),
        "funding_programmes": [
            {"name": p["name"], "level": p["level"], "profiles": p["profiles"]} for p in programmes
        ],
        "profiles_with_milestones": counts["profiles_with_milestones"],
        "milestones_by_year": _years(achieved, milestone_years),
        "planned_milestones_by_year": _years(planned, milestone_years),
        "profiles_by_first_milestone_year": _years(first_years, _span(first_years)),
    }
