"""Loads a shipped atlas edition (``kompass/data/atlas/<edition>/``) into the database."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from kompass.atlas import profile_facets
from kompass.atlas.models import (
    Edition,
    FundingProgramme,
    Milestone,
    OrganisationUnit,
    Profile,
    ProfileFunding,
    Project,
    ProjectField,
)
from kompass.core.models import FieldOfAction, Municipality, MunicipalityKind
from kompass.core.services import cite, municipality_from_study
from kompass.core.text import UMLAUTS, german_slug
from kompass.core.yamlfiles import read_yaml

ATLAS_DIR = Path(__file__).resolve().parent.parent / "data" / "atlas"

#: Facts of the shipped editions that are not per profile (document, dates, line).
EDITIONS = {
    "2019": {
        "title": "Smart-City-Atlas 2019",
        "document": "003_98a75a01d0173661.txt",
        "reference_date": dt.date(2019, 3, 1),  # "Stand März 2019", line 277
        "population_date": dt.date(2017, 12, 31),  # line 386
        "area_date": dt.date(2018, 12, 31),  # line 386
    }
}
SECTION_TABLES = {"units", "items", "programmes"}

Progress = Callable[[int, int], None]


class AtlasDataError(ValueError):
    """The shipped atlas data contradicts itself (e.g. an annex entry matches no project)."""


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.translate(UMLAUTS).casefold())


def _similarity(a: str, b: str) -> float:
    """How well an annex title matches a profile heading (folded): equal, one containing the
    other (the annex often shortens titles), or else difflib's ratio."""
    if a == b:
        return 2.0
    if a in b or b in a:
        return 1.0 + min(len(a), len(b)) / max(len(a), len(b))
    return difflib.SequenceMatcher(None, a, b).ratio()


def primary_fields(
    annex: list[dict[str, Any]], projects: dict[str, list[dict[str, Any]]]
) -> dict[tuple[str, int], str]:
    """Assign each annex entry to exactly one project of its city.

    ``projects`` maps a profile's name to its projects (with ``title``). Cities match when
    one folded name starts with the other ("Freiburg" ~ "Freiburg im Breisgau"). Within a
    city, entries and projects are paired so that the summed title similarity is highest
    (at most three projects per profile, so every pairing is tried). Returns
    ``{(profile name, project index): field slug}``; raises :class:`AtlasDataError` when a
    city is ambiguous or the counts of entries and projects differ.
    """
    folded_cities = {_fold(name): name for name in projects}
    by_city: dict[str, list[dict[str, Any]]] = {}
    for entry in annex:
        city = _fold(entry["city"])
        matches = [n for f, n in folded_cities.items() if f.startswith(city) or city.startswith(f)]
        if len(matches) != 1:
            raise AtlasDataError(f"Anhang A: Stadt „{entry['city']}“ passt zu {matches}.")
        by_city.setdefault(matches[0], []).append(entry)
    result: dict[tuple[str, int], str] = {}
    for name, items in projects.items():
        entries = by_city.get(name, [])
        if len(entries) != len(items):
            titles = "; ".join(p["title"] for p in items)
            raise AtlasDataError(
                f"Anhang A nennt für {name} {len(entries)} Projekte, der Steckbrief "
                f"{len(items)}: {titles}"
            )
        titles = [_fold(p["title"]) for p in items]
        best = max(
            itertools.permutations(range(len(items))),
            key=lambda order: sum(
                _similarity(_fold(entry["project"]), titles[index])
                for entry, index in zip(entries, order, strict=True)
            ),
        )
        for entry, index in zip(entries, best, strict=True):
            result[(name, index)] = entry["field"]
    return result


def _municipality(data: dict[str, Any], edition: dict[str, Any]) -> Municipality:
    """The core municipality of a profile (the study describes towns)."""
    return municipality_from_study(
        name=data["name"],
        land=data["land"],
        kind=MunicipalityKind.TOWN,
        slug=data["slug"],
        population=data.get("population"),
        population_date=edition["population_date"],
        area_km2=Decimal(str(data["area_km2"])) if data.get("area_km2") is not None else None,
        document=edition["document"],
        lines=tuple(data["population_lines"]) if data.get("population_lines") else None,
        reference_date=edition["population_date"],
        note="Aus dem Steckbrief des Smart-City-Atlas; das Land ist erschlossen.",
        inferred=bool(data.get("land_inferred")),
    )


def load_atlas_edition(slug: str = "2019", progress: Progress | None = None) -> dict[str, int]:
    """Create or replace the shipped edition ``slug`` with all its profiles and projects.

    All-or-nothing: a contradiction in the data raises :class:`AtlasDataError` and nothing is
    written.
    """
    meta = EDITIONS[slug]
    folder = ATLAS_DIR / slug
    files = sorted((folder / "profiles").glob("*.yaml"))
    profiles = [read_yaml(path) for path in files]
    annex = read_yaml(folder / "annex_a.yaml")["entries"]
    primary = primary_fields(annex, {p["name"]: p.get("projects", []) for p in profiles})
    fields = {f.slug: f for f in FieldOfAction.objects.all()}
    if len(fields) != 10:
        raise AtlasDataError("Zuerst die Handlungsfelder laden (load_shipped_data).")
    counts = {"profiles": 0, "projects": 0}
    with transaction.atomic():
        edition, _ = Edition.objects.update_or_create(
            slug=slug,
            defaults={k: v for k, v in meta.items()},
        )
        for done, data in enumerate(profiles, start=1):
            profile = _load_profile(edition, meta, data, primary, fields)
            counts["profiles"] += 1
            counts["projects"] += profile.projects.count()
            if progress:
                progress(done, len(profiles))
    return counts


def _load_profile(
    edition: Edition,
    meta: dict[str, Any],
    data: dict[str, Any],
    primary: dict[tuple[str, int], str],
    fields: dict[str, FieldOfAction],
) -> Profile:
    sections = {
        name: {key: value for key, value in section.items() if key not in SECTION_TABLES}
        for name, section in (data.get("sections") or {}).items()
    }
    profile, _ = Profile.objects.update_or_create(
        edition=edition,
        slug=data["slug"],
        defaults={
            "municipality": _municipality(data, meta),
            "name": data["name"],
            "land": data["land"],
            "population": data.get("population"),
            "area_km2": Decimal(str(data["area_km2"]))
            if data.get("area_km2") is not None
            else None,
            "sections": sections,
            "further_information": data.get("further_information", []),
            "notes": data.get("notes", "") or "",
        },
    )
    cite(
        profile,
        document=meta["document"],
        lines=tuple(data["lines"]),
        reference_date=meta["reference_date"],
    )
    cite(
        profile,
        attribute="land",
        document=meta["document"],
        lines=tuple(data["lines"]),
        reference_date=meta["reference_date"],
        inferred=bool(data.get("land_inferred")),
        note="Das Land steht nicht im Steckbrief." if data.get("land_inferred") else "",
    )
    for name, section in (data.get("sections") or {}).items():
        cite(
            profile,
            attribute=f"sections.{name}",
            document=meta["document"],
            lines=tuple(section["lines"]),
            reference_date=meta["reference_date"],
        )
    profile.units.all().delete()
    profile.milestones.all().delete()
    profile.funding.all().delete()
    profile.projects.all().delete()
    sections_data = data.get("sections") or {}
    OrganisationUnit.objects.bulk_create(
        OrganisationUnit(
            profile=profile,
            name=unit["name"],
            kind=unit["kind"],
            reports_to=unit.get("reports_to", "") or "",
            since=str(unit.get("since", "") or ""),
            position=position,
        )
        for position, unit in enumerate(sections_data.get("organisation", {}).get("units", []))
    )
    Milestone.objects.bulk_create(
        Milestone(
            profile=profile,
            date=str(item["date"]),
            year=int(str(item["date"])[:4]),
            event=item["event"],
            planned=bool(item.get("planned")),
            position=position,
        )
        for position, item in enumerate(sections_data.get("milestones", {}).get("items", []))
    )
    for programme in sections_data.get("funding", {}).get("programmes", []):
        record, _ = FundingProgramme.objects.get_or_create(
            name=programme["name"], defaults={"level": programme["level"]}
        )
        ProfileFunding.objects.get_or_create(
            profile=profile,
            programme=record,
            role=programme["role"],
            defaults={"year": str(programme.get("year", "") or "")},
        )
    taken: set[str] = set()
    for position, item in enumerate(data.get("projects", [])):
        slug = german_slug(item["title"])[:200] or f"projekt-{position + 1}"
        if slug in taken:
            slug = f"{slug}-{position + 1}"
        taken.add(slug)
        project = Project.objects.create(
            profile=profile,
            slug=slug,
            title=item["title"],
            summary=item["summary"],
            primary_field=fields[primary[(data["name"], position)]],
            start=str(item.get("start", "") or ""),
            partners=item.get("partners", []),
            position=position,
        )
        ProjectField.objects.bulk_create(
            ProjectField(project=project, field=fields[field], position=index)
            for index, field in enumerate(dict.fromkeys(item["fields"]))
        )
        cite(
            project,
            document=meta["document"],
            lines=tuple(item["lines"]),
            reference_date=meta["reference_date"],
        )
    profile_facets.refresh([profile])
    return profile
