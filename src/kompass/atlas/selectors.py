"""Read-side helpers of the atlas shared by the HTML views and the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from kompass.analysis.similarity import Similar, similar_profiles
from kompass.analysis.size_classes import size_class
from kompass.atlas import profile_facets, search
from kompass.atlas.models import (
    Edition,
    FundingProgramme,
    OrganisationUnit,
    Profile,
    ProfileFunding,
    Project,
    ProjectField,
)
from kompass.atlas.shipped import ATLAS_DIR
from kompass.core.models import FieldOfAction, SizeClass
from kompass.core.yamlfiles import read_yaml


def edition_or_404(slug: str | None) -> Edition:
    """The edition ``slug``, or the newest one when ``slug`` is empty."""
    editions = Edition.objects.all()
    edition = editions.filter(slug=slug).first() if slug else editions.first()
    if edition is None:
        raise Http404("Keine solche Ausgabe des Atlas.")
    return edition


#: The organisation forms a profile can be filtered by: every unit kind except "other".
ORGANISATION_KINDS: list[str] = [
    str(kind) for kind in OrganisationUnit.Kind if kind != OrganisationUnit.Kind.OTHER
]


def _project_count() -> Coalesce:
    """The number of a profile's projects as a correlated subquery: computed for the rows
    shown (a page), not joined and grouped over the whole edition."""
    counted = (
        Project.objects.filter(profile=OuterRef("pk"))
        .order_by()
        .values("profile")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def profiles(
    edition: Edition,
    *,
    land: str | None = None,
    size_class: str | None = None,
    field: str | None = None,
    primary: bool = False,
    programme: int | None = None,
    programme_level: str | None = None,
    programme_role: str | None = None,
    organisation: str | None = None,
    has_cdo: bool | None = None,
) -> QuerySet[Profile]:
    """Profiles of an edition with the atlas facets, ordered by name (then slug, so that pages
    never overlap); annotated with ``project_count`` and ``cdo`` (a Chief Digital Officer is
    named).

    ``field`` keeps profiles with a project in that field of action: as the project's primary
    field when ``primary``, else among all its printed fields. ``programme``,
    ``programme_level`` and ``programme_role`` keep profiles with one funding entry that
    matches all of them (e.g. the winner of a Land programme). ``organisation`` keeps profiles
    that name a unit of that kind (``OrganisationUnit.Kind``); ``has_cdo`` is the older yes/no
    filter for the kind ``cdo``. Fields and organisation are the profile's stored bit sets
    (kompass.atlas.profile_facets), the size class that of the population the edition printed
    (``Profile.size_class``), funding an ``EXISTS`` condition: so counting a filtered list
    reads the profiles only, never every project of the edition.
    """
    org_bits = profile_facets.organisation_bits()
    cdo_bit = org_bits[OrganisationUnit.Kind.CDO]
    queryset = (
        edition.profiles.select_related("municipality")
        .alias(_cdo_bit=F("organisation_bits").bitand(cdo_bit))
        .annotate(
            project_count=_project_count(),
            cdo=Case(When(_cdo_bit=0, then=Value(False)), default=Value(True)),
        )
        .order_by("name", "slug")
    )
    if land:
        queryset = queryset.filter(land=land)
    if size_class:
        queryset = queryset.filter(size_class=size_class)
    if field:
        column = "primary_bits" if primary else "field_bits"
        queryset = profile_facets.has_bit(queryset, column, profile_facets.FIELD_BITS[field])
    if programme is not None or programme_level or programme_role:
        funding = ProfileFunding.objects.filter(profile=OuterRef("pk"))
        if programme is not None:
            funding = funding.filter(programme_id=programme)
        if programme_level:
            funding = funding.filter(programme__level=programme_level)
        if programme_role:
            funding = funding.filter(role=programme_role)
        queryset = queryset.filter(Exists(funding))
    if organisation:
        queryset = profile_facets.has_bit(queryset, "organisation_bits", org_bits[organisation])
    if has_cdo is not None:
        queryset = queryset.exclude(_cdo_bit=0) if has_cdo else queryset.filter(_cdo_bit=0)
    return queryset


def projects(
    edition: Edition,
    *,
    field: str | None = None,
    primary: bool = False,
    land: str | None = None,
    size_class: str | None = None,
) -> QuerySet[Project]:
    """Projects of an edition, ordered by municipality and printed order; optionally in one
    field (as primary field or as any field) and by the municipality's Land and size class."""
    queryset = (
        Project.objects.filter(profile__edition=edition)
        .select_related("profile", "primary_field")
        .prefetch_related(
            Prefetch("field_links", queryset=ProjectField.objects.select_related("field"))
        )
        .order_by("profile__name", "profile__slug", "position", "pk")
    )
    if field:
        if primary:
            queryset = queryset.filter(primary_field__slug=field)
        else:
            queryset = queryset.filter(
                Exists(ProjectField.objects.filter(project=OuterRef("pk"), field__slug=field))
            )
    if land:
        queryset = queryset.filter(profile__land=land)
    if size_class:
        queryset = queryset.filter(profile__size_class=size_class)
    return queryset


#: Lists count their rows exactly up to this many; beyond it they say "mehr als 10.000" and
#: page through the first ones (an edition of Germany's size has about 10,800 profiles, so
#: only synthetic editions many times that size reach it; docs/decisions/0007-atlas-at-scale.md).
LIST_COUNT_CAP = 10_000


def capped_count(queryset: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """The number of rows, counted by the database up to ``cap`` (``LIST_COUNT_CAP``), and
    whether there are more: ``COUNT(*)`` over a ``LIMIT cap + 1`` subquery, so the cost is
    bounded by the cap however large the edition."""
    cap = LIST_COUNT_CAP if cap is None else cap
    found = queryset.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


def rows(queryset: QuerySet[Any], start: int, stop: int) -> list[Any]:
    """Rows ``start:stop`` of an ordered queryset in two steps: the keys of the slice first
    (ordered, filtered, no annotations computed), then the annotated rows for those keys only.
    So a page costs its own ``project_count`` and ``cdo`` subqueries, not those of every row
    the database sorts past, whichever database and plan."""
    keys = list(queryset[start:stop].values_list("pk", flat=True))
    found = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    return [found[key] for key in keys]


def programmes(edition: Edition | None = None) -> QuerySet[FundingProgramme]:
    """The funding programmes and competitions named in ``edition`` (every edition when
    None), by name."""
    named = ProfileFunding.objects.filter(programme=OuterRef("pk"))
    if edition is not None:
        named = named.filter(profile__edition=edition)
    return FundingProgramme.objects.filter(Exists(named)).order_by("name")


def faceted_search(
    text: str,
    *,
    offset: int = 0,
    limit: int = 50,
    kind: str | None = None,
    edition: str | None = None,
    land: str | None = None,
    size_class: str | None = None,
    field: str | None = None,
    primary: bool = False,
    programme: int | None = None,
    programme_level: str | None = None,
    programme_role: str | None = None,
    organisation: str | None = None,
    has_cdo: bool | None = None,
) -> search.Results:
    """``search.search`` with the keyword names of ``profiles`` (so one form's ``filters()``
    serves the list, the map and the search): hits ``offset`` to ``offset + limit`` of the
    ranking, ``total`` and facet counts over all matches (exact up to
    ``search.MAX_COUNTED``; ``capped`` says there were more)."""
    return search.search(
        text,
        kind=kind,
        edition=edition,
        land=land,
        size=size_class,
        field_slug=field,
        primary_only=primary,
        cdo=has_cdo,
        programme=programme,
        programme_level=programme_level,
        programme_role=programme_role,
        organisation=organisation,
        offset=offset,
        limit=limit,
    )


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
    figures = read_yaml(path)["figures"]
    return {figure["key"]: figure for figure in figures}
