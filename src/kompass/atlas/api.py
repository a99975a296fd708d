"""Read endpoints of the atlas (router owned by the atlas app)."""

from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.atlas import search, selectors
from kompass.atlas.models import Profile, Project
from kompass.atlas.queries import edition_cross_section
from kompass.core.api import LandCode, SizeClassSlug

router = Router(tags=["atlas"])

FieldSlug = Literal[FIELD_SLUGS]  # type: ignore[valid-type]


class ProfileListOut(Schema):
    slug: str
    name: str
    municipality: str = Field(alias="municipality.slug")
    land: str
    population: int | None
    area_km2: Decimal | None
    size_class: str | None = Field(alias="municipality.size_class")
    project_count: int
    has_cdo: bool = Field(alias="cdo")


class UnitOut(Schema):
    name: str
    kind: str
    reports_to: str
    since: str


class MilestoneOut(Schema):
    date: str
    event: str
    planned: bool


class FundingOut(Schema):
    programme: str = Field(alias="programme.name")
    level: str = Field(alias="programme.level")
    role: str
    year: str


class ProjectOut(Schema):
    slug: str
    title: str
    profile: str = Field(alias="profile.slug")
    municipality_name: str = Field(alias="profile.name")
    primary_field: str = Field(alias="primary_field.slug")
    fields: list[str]
    summary: str
    start: str
    partners: list[str]

    @staticmethod
    def resolve_fields(obj: Project) -> list[str]:
        return [link.field.slug for link in obj.field_links.all()]


class ProfileOut(ProfileListOut):
    edition: str = Field(alias="edition.slug")
    sections: dict[str, dict[str, object]]
    further_information: list[str]
    units: list[UnitOut]
    milestones: list[MilestoneOut]
    funding: list[FundingOut]
    projects: list[ProjectOut]

    @staticmethod
    def resolve_projects(obj: Profile) -> list[Project]:
        return list(selectors.projects(obj.edition).filter(profile=obj))


class AnalysisOut(Schema):
    edition: str
    profiles_total: int
    profiles_by_size_class: dict[str, int]
    profiles_by_land: dict[str, int]
    population_total: int
    area_km2_total: float
    projects_total: int
    projects_by_primary_field: dict[str, int]
    projects_by_any_field: dict[str, int]
    projects_with_multiple_fields: int
    published: dict[str, int | float | None]


@router.get("/atlas/profiles", response=list[ProfileListOut], auth=None, summary="Steckbriefe")
@paginate(LimitOffsetPagination)
def list_profiles(
    request: HttpRequest,
    edition: str = "",
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
    field: FieldSlug | None = None,
    has_cdo: bool | None = None,
) -> QuerySet[Profile]:
    """Profiles of an edition (default: the newest), filtered like the atlas list."""
    return selectors.profiles(
        selectors.edition_or_404(edition),
        land=land,
        size_class=size_class,
        field=field,
        has_cdo=has_cdo,
    )


@router.get("/atlas/profiles/{slug}", response=ProfileOut, auth=None, summary="Ein Steckbrief")
def get_profile(request: HttpRequest, slug: str, edition: str = "") -> Profile:
    queryset = selectors.profiles(selectors.edition_or_404(edition)).prefetch_related(
        "units", "milestones", "funding__programme"
    )
    return get_object_or_404(queryset.select_related("edition"), slug=slug)


@router.get("/atlas/projects", response=list[ProjectOut], auth=None, summary="Projekte")
@paginate(LimitOffsetPagination)
def list_projects(
    request: HttpRequest,
    edition: str = "",
    field: FieldSlug | None = None,
    primary: bool = False,
) -> QuerySet[Project]:
    """Lighthouse projects; with ``field``, those in that field: as the study's primary field
    (``primary=true``) or among all printed fields (``primary=false``)."""
    return selectors.projects(selectors.edition_or_404(edition), field=field, primary=primary)


@router.get("/atlas/analysis", response=AnalysisOut, auth=None, summary="Querschnittsanalyse")
def analysis(request: HttpRequest, edition: str = "") -> dict[str, object]:
    """The edition's cross-sectional figures, computed live from its data, with the values
    the study published (``published``, by the same keys; null where the study gives none)."""
    current = selectors.edition_or_404(edition)
    return {
        "edition": current.slug,
        **edition_cross_section(current),
        "published": {
            key: figure["value"] for key, figure in selectors.published_figures(current).items()
        },
    }


class SearchHitOut(Schema):
    kind: str
    title: str
    place: str
    land: str
    url: str
    score: float
    snippet_html: str


class SearchOut(Schema):
    items: list[SearchHitOut]
    count: int
    facets: dict[str, dict[str, int]]
    corrections: dict[str, list[str]]


@router.get("/atlas/search", response=SearchOut, auth=None, summary="Suche im Atlas")
def search_atlas(
    request: HttpRequest,
    q: str,
    kind: Literal["profile", "project", "example"] | None = None,
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
    field: FieldSlug | None = None,
    primary: bool = False,
    has_cdo: bool | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[assignment]
) -> dict[str, object]:
    """Ranked hits over profiles, projects and practice examples with German stemming, umlaut
    and hyphen tolerance and typo tolerance; ``snippet_html`` marks matches with ``<mark>``
    (all other text is escaped)."""
    results = search.search(
        q,
        kind=kind,
        land=land,
        size=size_class,
        field_slug=field,
        primary_only=primary,
        cdo=has_cdo,
        limit=limit,
    )
    return {
        "items": [
            {
                "kind": hit.entry.kind,
                "title": hit.entry.title,
                "place": hit.entry.place,
                "land": hit.entry.land,
                "url": hit.entry.url,
                "score": hit.score,
                "snippet_html": hit.snippet,
            }
            for hit in results.hits
        ],
        "count": results.total,
        "facets": {name: dict(counter) for name, counter in results.facets.items()},
        "corrections": results.corrections,
    }
