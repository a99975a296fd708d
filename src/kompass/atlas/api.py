"""Read endpoints of the atlas (router owned by the atlas app). Lists are paged with
``limit``/``offset`` as ``{"items": [...], "count": n}``; the filters are the facets of the
atlas pages (docs/data/atlas_facets.md), and an invalid value is a 422 naming the parameter."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, get_type_hints

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import create_model

from kompass.analysis.atlas import CrossSection
from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.atlas import selectors
from kompass.atlas.models import (
    Edition,
    FundingProgramme,
    Profile,
    ProfileFunding,
    Project,
)
from kompass.atlas.queries import cross_section_figures
from kompass.core.api import LandCode, SizeClassSlug

router = Router(tags=["atlas"])

FieldSlug = Literal[FIELD_SLUGS]  # type: ignore[valid-type]
OrganisationKind = Literal[tuple(selectors.ORGANISATION_KINDS)]  # type: ignore[valid-type]
ProgrammeLevel = Literal[tuple(FundingProgramme.Level.values)]  # type: ignore[valid-type]
ProgrammeRole = Literal[tuple(ProfileFunding.Role.values)]  # type: ignore[valid-type]
MAX_LIMIT = 500


class AtlasPagination(LimitOffsetPagination):
    """``limit`` (1–500, default 50) and ``offset``; a larger limit is a 422, never a
    request for every row. ``count`` is exact up to 10,000 (``selectors.LIST_COUNT_CAP``);
    beyond it ``count`` is 10,000 and ``count_capped`` is true."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Einträge je Seite (1–500)")
        offset: int = Field(0, ge=0, description="Anzahl übersprungener Einträge")

    class Output(LimitOffsetPagination.Output):
        count_capped: bool = Field(
            False, description="more rows than count (count is exact up to 10,000)"
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        count, capped = selectors.capped_count(queryset)
        return {
            "items": selectors.rows(queryset, offset, min(offset + limit, count)),
            "count": count,
            "count_capped": capped,
        }


def _invalid(parameter: str, message: str) -> ValidationError:
    return ValidationError([{"type": "value_error", "loc": ["query", parameter], "msg": message}])


def _edition(slug: str) -> Edition:
    """The edition ``slug`` (the newest when empty); an unknown slug is a 422."""
    if not slug:
        return selectors.edition_or_404(None)
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        known = ", ".join(Edition.objects.values_list("slug", flat=True)) or "none"
        raise _invalid("edition", f"Unknown edition '{slug}'; known editions: {known}.")
    return edition


def _programme(programme: int | None) -> int | None:
    if programme is not None and not FundingProgramme.objects.filter(pk=programme).exists():
        raise _invalid(
            "programme",
            f"Unknown programme id {programme}; the ids are listed at /api/v1/atlas/programmes.",
        )
    return programme


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


class ProgrammeCountOut(Schema):
    name: str
    level: str
    profiles: int


class _AnalysisHead(Schema):
    edition: str
    computed_at: datetime = Field(description="when the figures were counted")
    stale: bool = Field(
        description="the data changed since computed_at and the figures are being recounted"
    )


def _cross_section_fields() -> dict[str, Any]:
    """The fields of kompass.analysis.atlas.CrossSection, so that the API cannot drift from
    what the analysis computes; the programme ranking gets its documented schema."""
    hints: dict[str, Any] = get_type_hints(CrossSection)
    hints["funding_programmes"] = list[ProgrammeCountOut]
    return {name: (hint, ...) for name, hint in hints.items()}


AnalysisOut = create_model(
    "AnalysisOut",
    __base__=_AnalysisHead,
    __doc__=(
        "The cross-section of an edition (docs/data/atlas_analysis.md). Maps are keyed by slug\n"
        "and carry every key of their vocabulary; count distributions are keyed ``0`` to ``3`` "
        "and\n``4_or_more``; years are keyed by the year, every year from the first to the last."
    ),
    **_cross_section_fields(),
    published=(dict[str, int | float | None], ...),
)


@router.get("/atlas/profiles", response=list[ProfileListOut], auth=None, summary="Steckbriefe")
@paginate(AtlasPagination)
def list_profiles(
    request: HttpRequest,
    edition: str = "",
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
    field: FieldSlug | None = None,
    primary: bool = False,
    programme: int | None = None,
    programme_level: ProgrammeLevel | None = None,
    programme_role: ProgrammeRole | None = None,
    organisation: OrganisationKind | None = None,
    has_cdo: bool | None = None,
) -> QuerySet[Profile]:
    """Profiles of an edition (default: the newest), filtered like the atlas list: ``field``
    keeps profiles with a project in that field (as its primary field with ``primary=true``);
    ``programme`` (an id from ``/atlas/programmes``), ``programme_level`` and
    ``programme_role`` must hold for one funding entry together; ``organisation`` keeps
    profiles that name a unit of that kind (``has_cdo`` is the older yes/no form of
    ``organisation=cdo``)."""
    return selectors.profiles(
        _edition(edition),
        land=land,
        size_class=size_class,
        field=field,
        primary=primary,
        programme=_programme(programme),
        programme_level=programme_level,
        programme_role=programme_role,
        organisation=organisation,
        has_cdo=has_cdo,
    )


@router.get("/atlas/profiles/{slug}", response=ProfileOut, auth=None, summary="Ein Steckbrief")
def get_profile(request: HttpRequest, slug: str, edition: str = "") -> Profile:
    queryset = selectors.profiles(selectors.edition_or_404(edition)).prefetch_related(
        "units", "milestones", "funding__programme"
    )
    return get_object_or_404(queryset.select_related("edition"), slug=slug)


@router.get("/atlas/projects", response=list[ProjectOut], auth=None, summary="Projekte")
@paginate(AtlasPagination)
def list_projects(
    request: HttpRequest,
    edition: str = "",
    field: FieldSlug | None = None,
    primary: bool = False,
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
) -> QuerySet[Project]:
    """Lighthouse projects of an edition (default: the newest); with ``field``, those in that
    field: as the study's primary field (``primary=true``) or among all printed fields
    (``primary=false``); ``land`` and ``size_class`` are those of the municipality."""
    return selectors.projects(
        _edition(edition), field=field, primary=primary, land=land, size_class=size_class
    )


class ProgrammeOut(Schema):
    id: int
    name: str
    level: str


@router.get(
    "/atlas/programmes",
    response=list[ProgrammeOut],
    auth=None,
    summary="Wettbewerbe und Förderprogramme",
)
@paginate(AtlasPagination)
def list_programmes(request: HttpRequest, edition: str = "") -> QuerySet[FundingProgramme]:
    """The competitions and funding programmes named in an edition (default: the newest),
    by name; ``id`` is the value of the ``programme`` filter."""
    return selectors.programmes(_edition(edition))


@router.get("/atlas/analysis", response=AnalysisOut, auth=None, summary="Querschnittsanalyse")
def analysis(request: HttpRequest, edition: str = "") -> dict[str, object]:
    """The edition's cross-sectional figures, counted live by the database from its data,
    with the values the study published (``published``: the response's key, dotted with the
    slug for map entries, e.g. ``projects_by_primary_field.mobility``; null where the study
    states the figure without a number). Figures the study states that the data cannot
    reproduce keep their own keys (e.g. ``agenda_fields.mobility``). The figures are stored
    and recounted after each change of the edition's data: ``computed_at`` says when,
    ``stale`` that a recount is under way and the figures predate the latest change."""
    current = selectors.edition_or_404(edition)
    stored = cross_section_figures(current)
    return {
        "edition": current.slug,
        "computed_at": stored.computed_at,
        "stale": stored.stale,
        **stored.data,
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
    edition: str = "",
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
    field: FieldSlug | None = None,
    primary: bool = False,
    programme: int | None = None,
    programme_level: ProgrammeLevel | None = None,
    programme_role: ProgrammeRole | None = None,
    organisation: OrganisationKind | None = None,
    has_cdo: bool | None = None,
    limit: int = Query(20, ge=1, le=100),  # type: ignore[assignment]
    offset: int = Query(0, ge=0),  # type: ignore[assignment]
) -> dict[str, Any]:
    """Ranked hits over profiles, projects and practice examples with German stemming, umlaut
    and hyphen tolerance and typo tolerance; ``snippet_html`` marks matches with ``<mark>``
    (all other text is escaped). Filters as ``/atlas/profiles`` plus ``kind``; ``edition``
    empty searches every edition (practice examples belong to none and always match it).
    ``facets`` counts all hits (not only this page) by ``kind``, ``land``, ``size_class``,
    ``field``, ``edition``, ``programme`` (id) and ``organisation``; counts and paging are exact
    up to 1,000 matches; beyond that ``count`` stays at 1,000 although there are more."""
    if edition:
        _edition(edition)
    results = selectors.faceted_search(
        q,
        offset=offset,
        limit=limit,
        kind=kind,
        edition=edition or None,
        land=land,
        size_class=size_class,
        field=field,
        primary=primary,
        programme=_programme(programme),
        programme_level=programme_level,
        programme_role=programme_role,
        organisation=organisation,
        has_cdo=has_cdo,
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
