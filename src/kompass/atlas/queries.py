"""Querysets of the atlas turned into aggregated counts for kompass.analysis.

Every count is made by the database (GROUP BY, COUNT, SUM, EXISTS): no query here loads the
rows of a profile, project or unit into Python, so the analysis costs a fixed number of
queries (about a dozen) whatever the size of the edition.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone

from kompass.analysis.atlas import (
    COUNT_BUCKET_TOP,
    ORGANISATION_MODELS,
    STAKEHOLDER_GROUPS,
    AtlasCounts,
    CrossSection,
    Vocabularies,
    count_buckets,
    cross_section,
)
from kompass.atlas import profile_facets
from kompass.atlas.models import (
    CrossSectionFigures,
    Edition,
    FundingProgramme,
    Milestone,
    OrganisationUnit,
    Profile,
    ProfileFunding,
    Project,
    ProjectField,
)
from kompass.core.models import FieldOfAction, Land, SizeClass

#: How many funding programmes the ranking lists.
PROGRAMME_RANKING_LENGTH = 10


def _distribution(queryset: QuerySet[Any], field: str, count: str = "pk") -> dict[str, int]:
    """How many rows of ``queryset`` (counted by the column ``count``) have 0, 1, ... or
    ``COUNT_BUCKET_TOP`` or more in the annotation ``field``, counted by the database in one
    pass."""
    keys = count_buckets()
    filters = [Q(**{field: n}) for n in range(COUNT_BUCKET_TOP)]
    filters.append(Q(**{f"{field}__gte": COUNT_BUCKET_TOP}))
    counts = queryset.aggregate(
        **{f"bucket_{i}": Count(count, filter=condition) for i, condition in enumerate(filters)}
    )
    return {key: counts[f"bucket_{i}"] for i, key in enumerate(keys)}


def _field_count_distribution(links: QuerySet[ProjectField], projects_total: int) -> dict[str, int]:
    """Projects by their number of fields, grouped over the links alone (a project without a
    link has none, so it is the difference to the total): one pass over the link table
    instead of a join of projects with their links."""
    per_project = links.values("project_id").annotate(field_count=Count("pk")).order_by()
    counts = _distribution(per_project, "field_count", "project_id")
    counts["0"] = projects_total - sum(counts.values())
    return counts


def _stakeholder_groups(profiles: QuerySet[Profile]) -> dict[str, int]:
    """Profiles per stakeholder group named. The groups are a JSON list of fixed slugs in
    ``sections``; the database groups the profiles by that list (a few hundred different lists
    at most, as the vocabulary has ten slugs), and each distinct list is read once here.
    Slugs outside the vocabulary are not counted."""
    lists = (
        profiles.values(groups=KeyTextTransform("groups", KeyTransform("stakeholders", "sections")))
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(STAKEHOLDER_GROUPS, 0)
    for row in lists:
        for slug in set(json.loads(row["groups"]) if row["groups"] else []) & set(counts):
            counts[slug] += row["n"]
    return counts


def _grouped(queryset: QuerySet[Any], key: str, count: str = "pk") -> dict[str, int]:
    """``{key value: number of distinct count values}`` via GROUP BY."""
    rows = queryset.values(key).annotate(n=Count(count, distinct=count != "pk")).order_by()
    return {row[key]: row["n"] for row in rows if row[key] is not None}


def edition_counts(edition: Edition) -> AtlasCounts:
    """The counts behind the cross-section of ``edition``, each made by the database."""
    profiles = Profile.objects.filter(edition=edition)
    projects = Project.objects.filter(profile__edition=edition)
    units = OrganisationUnit.objects.filter(profile__edition=edition)
    funding = ProfileFunding.objects.filter(profile__edition=edition)
    milestones = Milestone.objects.filter(profile__edition=edition)

    org_bits = profile_facets.organisation_bits()
    # An organisation model is realised when the profile names a unit of one of its kinds:
    # a bit test on the stored bit set, no subquery per profile.
    masks = {
        f"_{name}": F("organisation_bits").bitand(sum(org_bits[kind] for kind in kinds))
        for name, kinds in ORGANISATION_MODELS
    }
    groups = (
        profiles.alias(**masks)
        .values(
            "land",
            "size_class",
            **{
                name: Case(When(**{f"_{name}": 0}, then=Value(False)), default=Value(True))
                for name, _ in ORGANISATION_MODELS
            },
        )
        .annotate(profiles=Count("pk"), population=Sum("population"), area_km2=Sum("area_km2"))
        .order_by()
    )
    totals = profiles.aggregate(
        with_funding=Count(
            "pk", filter=Q(Exists(ProfileFunding.objects.filter(profile=OuterRef("pk"))))
        ),
        with_milestones=Count(
            "pk", filter=Q(Exists(Milestone.objects.filter(profile=OuterRef("pk"))))
        ),
    )
    first_year = Subquery(
        Milestone.objects.filter(profile=OuterRef("pk"), planned=False)
        .order_by("year")
        .values("year")[:1]
    )
    first_years = (
        profiles.values(first=first_year).annotate(n=Count("pk")).order_by().values("first", "n")
    )
    achieved: dict[int, int] = {}
    planned: dict[int, int] = {}
    for row in milestones.values("year", "planned").annotate(n=Count("pk")).order_by():
        (planned if row["planned"] else achieved)[row["year"]] = row["n"]
    by_primary = (
        projects.values("primary_field__slug")
        .annotate(n=Count("pk"), partnered=Count("pk", filter=~Q(partners=[])))
        .order_by()
    )
    projects_total = sum(row["n"] for row in by_primary)
    links = ProjectField.objects.filter(project__in=projects.values("pk"))
    slugs = dict(FieldOfAction.objects.values_list("pk", "slug"))
    programmes = (
        funding.values("programme__name", "programme__level")
        .annotate(n=Count("profile", distinct=True))
        .order_by("-n", "programme__name")[:PROGRAMME_RANKING_LENGTH]
    )
    return {
        "profile_groups": list(groups),
        "profiles_by_project_count": _distribution(
            profiles.annotate(project_count=Count("projects")), "project_count"
        ),
        "profiles_by_stakeholder_group": _stakeholder_groups(profiles),
        "profiles_by_unit_kind": _grouped(units, "kind", "profile"),
        "profiles_with_funding": totals["with_funding"],
        "profiles_by_funding_level": _grouped(funding, "programme__level", "profile"),
        "profiles_by_funding_role": _grouped(funding, "role", "profile"),
        "funding_programmes": [
            {"name": row["programme__name"], "level": row["programme__level"], "profiles": row["n"]}
            for row in programmes
        ],
        "profiles_with_milestones": totals["with_milestones"],
        "achieved_milestones_by_year": achieved,
        "planned_milestones_by_year": planned,
        "profiles_by_first_milestone_year": {
            row["first"]: row["n"] for row in first_years if row["first"] is not None
        },
        "projects_by_primary_field": {row["primary_field__slug"]: row["n"] for row in by_primary},
        "projects_by_any_field": {
            slugs[field]: n for field, n in _grouped(links, "field_id").items()
        },
        "projects_by_field_count": _field_count_distribution(links, projects_total),
        "projects_with_partners": sum(row["partnered"] for row in by_primary),
    }


def vocabularies() -> Vocabularies:
    """The keys of the cross-section's maps, in display order."""
    return {
        "fields": list(FieldOfAction.objects.values_list("slug", flat=True)),
        "size_classes": list(SizeClass.values),
        "lands": list(Land.values),
        "unit_kinds": list(OrganisationUnit.Kind.values),
        "funding_levels": list(FundingProgramme.Level.values),
        "funding_roles": list(ProfileFunding.Role.values),
    }


def edition_cross_section(edition: Edition) -> CrossSection:
    """The cross-sectional figures of one edition, computed from its current data."""
    return cross_section(edition_counts(edition), vocabularies())


#: How long a recomputation may run before another request may take it over (it crashed).
REFRESH_TIMEOUT = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Figures:
    """Stored cross-sectional figures: ``stale`` when the data changed since ``computed_at``
    and another request is recomputing them."""

    data: CrossSection
    computed_at: dt.datetime
    seconds: float
    stale: bool


def refresh_cross_section(edition: Edition) -> Figures:
    """Compute the edition's figures and store them. If the data change while this runs,
    the stored figures stay marked stale (``changed_at`` is later than the start)."""
    started = timezone.now()
    clock = time.perf_counter()
    # A JSON round trip, so that fresh and stored figures have the same types.
    data = json.loads(json.dumps(edition_cross_section(edition)))
    seconds = time.perf_counter() - clock
    CrossSectionFigures.objects.get_or_create(
        edition=edition, defaults={"data": data, "computed_at": started, "seconds": seconds}
    )
    CrossSectionFigures.objects.filter(edition=edition).update(
        data=data,
        computed_at=started,
        seconds=seconds,
        refreshing_since=None,
        stale=Case(When(changed_at__gte=started, then=Value(True)), default=Value(False)),
    )
    row = CrossSectionFigures.objects.get(edition=edition)
    return Figures(data, started, seconds, row.stale)


def cross_section_figures(edition: Edition) -> Figures:
    """The edition's cross-sectional figures: the stored ones while the data are unchanged;
    computed now when there are none, or when they are stale and no other request is
    already recomputing them; otherwise the stale ones (``stale`` tells the page to say so).
    """
    row = CrossSectionFigures.objects.filter(edition=edition).first()
    if row is not None and not row.stale:
        return Figures(row.data, row.computed_at, row.seconds, False)
    if row is not None:
        now = timezone.now()
        claimed = (
            CrossSectionFigures.objects.filter(pk=row.pk, stale=True)
            .filter(Q(refreshing_since=None) | Q(refreshing_since__lt=now - REFRESH_TIMEOUT))
            .update(refreshing_since=now)
        )
        if not claimed:
            return Figures(row.data, row.computed_at, row.seconds, True)
    return refresh_cross_section(edition)


def mark_cross_section_stale(edition_id: int | None) -> None:
    """Note that an edition's data changed (called on every save and delete of its profiles,
    projects, fields, units, funding and milestones)."""
    if edition_id is not None:
        CrossSectionFigures.objects.filter(edition_id=edition_id).update(
            stale=True, changed_at=timezone.now()
        )
