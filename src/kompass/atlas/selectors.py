"""Read-side helpers of the atlas shared by the HTML views and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from kompass.analysis.similarity import Similar, similar_profiles
from kompass.analysis.size_classes import size_class
from kompass.atlas.models import Edition, OrganisationUnit, Profile, Project, ProjectField
from kompass.atlas.shipped import ATLAS_DIR
from kompass.core.models import FieldOfAction, SizeClass


def edition_or_404(slug: str | None) -> Edition:
    """The edition ``slug``, or the newest one when ``slug`` is empty."""
    editions = Edition.objects.all()
    edition = editions.filter(slug=slug).first() if slug else editions.first()
    if edition is None:
        raise Http404("Keine solche Ausgabe des Atlas.")
    return edition


def profiles(
    edition: Edition,
    *,
    land: str | None = None,
    size_class: str | None = None,
    field: str | None = None,
    has_cdo: bool | None = None,
) -> QuerySet[Profile]:
    """Profiles of an edition with the list facets; annotated with ``project_count`` and
    ``cdo`` (a Chief Digital Officer is named)."""
    queryset = (
        edition.profiles.select_related("municipality")
        .annotate(
            project_count=Count("projects", distinct=True),
            cdo=Exists(
                OrganisationUnit.objects.filter(
                    profile=OuterRef("pk"), kind=OrganisationUnit.Kind.CDO
                )
            ),
        )
        .order_by("name")
    )
    if land:
        queryset = queryset.filter(land=land)
    if size_class:
        queryset = queryset.filter(municipality__size_class=size_class)
    if field:
        queryset = queryset.filter(projects__field_links__field__slug=field).distinct()
    if has_cdo is not None:
        queryset = queryset.filter(cdo=has_cdo)
    return queryset


def projects(
    edition: Edition, *, field: str | None = None, primary: bool = False
) -> QuerySet[Project]:
    """Projects of an edition, optionally in one field: as primary field or as any field."""
    queryset = (
        Project.objects.filter(profile__edition=edition)
        .select_related("profile", "primary_field")
        .prefetch_related(
            Prefetch("field_links", queryset=ProjectField.objects.select_related("field"))
        )
        .order_by("profile__name", "position")
    )
    if field:
        if primary:
            queryset = queryset.filter(primary_field__slug=field)
        else:
            queryset = queryset.filter(field_links__field__slug=field).distinct()
    return queryset


def profile_records(edition: Edition) -> list[dict[str, Any]]:
    """Every profile of an edition as a plain record for kompass.analysis.similarity."""
    records: dict[int, dict[str, Any]] = {
        pk: {
            "slug": slug,
            "land": land,
            "size_class": size_class(population),
            "fields": set(),
            "organisation": set(),
        }
        for pk, slug, land, population in edition.profiles.values_list(
            "pk", "slug", "land", "population"
        )
    }
    for profile_id, field in ProjectField.objects.filter(
        project__profile__edition=edition
    ).values_list("project__profile_id", "field__slug"):
        records[profile_id]["fields"].add(field)
    for profile_id, kind in OrganisationUnit.objects.filter(profile__edition=edition).values_list(
        "profile_id", "kind"
    ):
        if kind != OrganisationUnit.Kind.OTHER:
            records[profile_id]["organisation"].add(kind)
    return list(records.values())


def similar_to(profile: Profile, limit: int = 5) -> list[tuple[Profile, Similar]]:
    """The profiles of the same edition most like ``profile``, with the reasons."""
    records = profile_records(profile.edition)
    target = next(r for r in records if r["slug"] == profile.slug)
    labels = {f.slug: f.name for f in FieldOfAction.objects.all()}
    labels.update({str(k): str(v) for k, v in OrganisationUnit.Kind.choices})
    labels.update({str(k): str(v) for k, v in SizeClass.choices})
    ranked = similar_profiles(target, records, limit=limit, labels=labels)
    by_slug = {
        p.slug: p for p in profile.edition.profiles.filter(slug__in=[s.slug for s in ranked])
    }
    return [(by_slug[s.slug], s) for s in ranked]


def published_figures(edition: Edition) -> dict[str, dict[str, Any]]:
    """The figures the study itself publishes for this edition, by key (empty if none)."""
    path = Path(ATLAS_DIR) / edition.slug / "published_figures.yaml"
    if not path.exists():
        return {}
    figures = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
    return {figure["key"]: figure for figure in figures}
