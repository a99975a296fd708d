"""Use cases of the core app that write rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from kompass.core.models import Municipality, MunicipalityKind, Source
from kompass.core.text import german_slug


def cite(
    record: models.Model,
    *,
    document: str,
    lines: tuple[int, int] | None = None,
    reference_date: dt.date | None = None,
    attribute: str = "",
    inferred: bool = False,
    note: str = "",
) -> Source:
    """Attach (or update) the provenance of ``record`` from ``document``."""
    source, _ = Source.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        attribute=attribute,
        document=document,
        defaults={
            "line_start": lines[0] if lines else None,
            "line_end": lines[1] if lines else None,
            "reference_date": reference_date,
            "inferred": inferred,
            "note": note,
        },
    )
    return source


def sources_of(record: models.Model) -> models.QuerySet[Source]:
    """The provenance recorded for ``record``, oldest document first."""
    return Source.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).order_by("reference_date", "document", "attribute")


def cite_many(
    records: Iterable[tuple[models.Model, int]],
    *,
    document: str,
    reference_date: dt.date | None,
) -> int:
    """Attach one provenance row per record (``(record, line)`` pairs) in bulk; re-citing the
    same document updates the line and date instead of adding a row."""
    rows = []
    content_types: dict[type[models.Model], ContentType] = {}
    for record, line in records:
        model = type(record)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            Source(
                content_type=content_types[model],
                object_id=record.pk,
                attribute="",
                document=document,
                line_start=line,
                line_end=line,
                reference_date=reference_date,
            )
        )
    Source.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "attribute", "document"],
        update_fields=["line_start", "line_end", "reference_date"],
    )
    return len(rows)


TOWN_KINDS = {MunicipalityKind.TOWN, MunicipalityKind.KREISFREI_CITY}


def municipality_from_study(
    *,
    name: str,
    land: str,
    kind: str,
    document: str,
    lines: tuple[int, int] | None,
    slug: str | None = None,
    population: int | None = None,
    population_date: dt.date | None = None,
    area_km2: Decimal | None = None,
    reference_date: dt.date | None = None,
    inferred: bool = False,
    note: str = "",
) -> Municipality:
    """The municipality a study describes: the existing one (by slug, else by name and Land
    among the same kind, towns and kreisfreie Städte counting as one kind), else a new one
    with the study's figures and its provenance. Figures of an existing record are kept."""
    kinds = TOWN_KINDS if kind in TOWN_KINDS else {kind}
    found = (Municipality.objects.filter(slug=slug).first() if slug else None) or (
        Municipality.objects.filter(name=name, land=land, kind__in=kinds).first()
    )
    if found:
        return found
    base = slug or german_slug(name)
    if Municipality.objects.filter(slug=base).exists():
        base = f"{base}-{land.lower()}"
    municipality = Municipality.objects.create(
        name=name,
        slug=base,
        land=land,
        kind=kind,
        population=population,
        population_date=population_date if population is not None else None,
        area_km2=area_km2,
    )
    cite(
        municipality,
        document=document,
        lines=lines,
        reference_date=reference_date,
        note=note,
        inferred=inferred,
    )
    return municipality
