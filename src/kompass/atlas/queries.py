"""Querysets of the atlas turned into plain records for kompass.analysis."""

from __future__ import annotations

from kompass.analysis.atlas import CrossSection, cross_section
from kompass.analysis.size_classes import size_class
from kompass.atlas.models import Edition, Project
from kompass.core.models import FieldOfAction, Land, SizeClass


def edition_cross_section(edition: Edition) -> CrossSection:
    """The cross-sectional figures of one edition, computed from its current data."""
    profiles = list(edition.profiles.values("land", "population", "area_km2"))
    links: dict[int, list[str]] = {}
    for project_id, slug in Project.objects.filter(profile__edition=edition).values_list(
        "id", "field_links__field__slug"
    ):
        if slug:
            links.setdefault(project_id, []).append(slug)
    projects = [
        {"primary_field": primary, "fields": links.get(pk, [])}
        for pk, primary in Project.objects.filter(profile__edition=edition).values_list(
            "id", "primary_field__slug"
        )
    ]
    return cross_section(
        [
            {
                # The edition's own population decides, not a later directory import.
                "size_class": size_class(p["population"]),
                "land": p["land"],
                "population": p["population"],
                "area_km2": p["area_km2"],
            }
            for p in profiles
        ],
        projects,
        fields=list(FieldOfAction.objects.values_list("slug", flat=True)),
        size_classes=list(SizeClass.values),
        lands=list(Land.values),
    )
