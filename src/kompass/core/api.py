"""Read endpoints for municipalities (router owned by the core app)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from kompass.core.models import Land, Municipality, MunicipalityKind, SizeClass

router = Router(tags=["municipalities"])

LandCode = Literal[tuple(Land.values)]  # type: ignore[valid-type]
SizeClassSlug = Literal[tuple(SizeClass.values)]  # type: ignore[valid-type]
KindSlug = Literal[tuple(MunicipalityKind.values)]  # type: ignore[valid-type]


class MunicipalityOut(Schema):
    slug: str
    name: str
    official_name: str
    ags: str | None
    land: str
    kind: str
    district: str | None
    population: int | None
    population_date: dt.date | None
    area_km2: Decimal | None
    latitude: Decimal | None
    longitude: Decimal | None
    size_class: str | None

    @staticmethod
    def resolve_district(obj: Municipality) -> str | None:
        return obj.district.slug if obj.district else None


@router.get(
    "/municipalities",
    response=list[MunicipalityOut],
    summary="Kommunen suchen und filtern",
    auth=None,
)
@paginate(LimitOffsetPagination)
def list_municipalities(
    request: HttpRequest,
    q: str = "",
    land: LandCode | None = None,
    size_class: SizeClassSlug | None = None,
    kind: KindSlug | None = None,
) -> QuerySet[Municipality]:
    """Municipalities from the official directory, by name or AGS prefix (`q`), Land,
    BBSR size class and kind; `{"items": [...], "count": n}`, paged with limit/offset."""
    return (
        Municipality.objects.select_related("district")
        .filtered(text=q, land=land, size_class=size_class, kind=kind)
        .order_by("name", "ags")
    )


@router.get("/municipalities/{slug}", response=MunicipalityOut, summary="Eine Kommune", auth=None)
def get_municipality(request: HttpRequest, slug: str) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("district"), slug=slug)
