"""Open-data exports of the atlas: profiles, projects and practice examples as CSV, XLSX, JSON,
with DCAT-AP.de metadata so that open-data portals can harvest them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from openpyxl import Workbook

from kompass.atlas import selectors
from kompass.atlas.models import Edition, PracticeExample

LICENCE_URI = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
FORMATS = {
    "csv": ("text/csv", "http://publications.europa.eu/resource/authority/file-type/CSV"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "http://publications.europa.eu/resource/authority/file-type/XLSX",
    ),
    "json": ("application/json", "http://publications.europa.eu/resource/authority/file-type/JSON"),
}


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: list[str]
    rows: Callable[[Edition], list[list[Any]]]


def _profile_rows(edition: Edition) -> list[list[Any]]:
    return [
        [
            p.slug,
            p.name,
            p.land,
            p.population,
            None if p.area_km2 is None else float(p.area_km2),
            p.municipality.size_class or "",
            p.project_count,
            p.cdo,
            edition.slug,
            str(edition.reference_date),
        ]
        for p in selectors.profiles(edition)
    ]


def _project_rows(edition: Edition) -> list[list[Any]]:
    return [
        [
            p.profile.slug,
            p.profile.name,
            p.title,
            p.primary_field.slug,
            " ".join(link.field.slug for link in p.field_links.all()),
            p.summary,
            edition.slug,
            str(edition.reference_date),
        ]
        for p in selectors.projects(edition)
    ]


def _example_rows(edition: Edition) -> list[list[Any]]:
    return [
        [
            e.slug,
            e.place,
            e.land,
            e.kind,
            e.population,
            e.title,
            e.year,
            " ".join(f.slug for f in e.fields.all()),
            e.summary,
            e.document,
            str(e.reference_date),
        ]
        for e in PracticeExample.objects.prefetch_related("fields").order_by("place", "title")
    ]


DATASETS = {
    d.slug: d
    for d in [
        Dataset(
            "steckbriefe",
            "Smart-City-Atlas: Steckbriefe",
            "Kommunen des Smart-City-Atlas mit Land, Einwohnern, Fläche, Größenklasse, Zahl der "
            "Leuchtturmprojekte und ob ein Chief Digital Officer benannt ist.",
            [
                "slug",
                "name",
                "land",
                "population",
                "area_km2",
                "size_class",
                "projects",
                "has_cdo",
                "edition",
                "reference_date",
            ],
            _profile_rows,
        ),
        Dataset(
            "projekte",
            "Smart-City-Atlas: Leuchtturmprojekte",
            "Leuchtturmprojekte mit Kommune, Hauptfeld nach der Zählweise der Studie, allen "
            "genannten Handlungsfeldern und einer Kurzbeschreibung in eigenen Worten.",
            [
                "profile",
                "municipality",
                "title",
                "primary_field",
                "fields",
                "summary",
                "edition",
                "reference_date",
            ],
            _project_rows,
        ),
        Dataset(
            "praxisbeispiele",
            "Praxisbeispiele aus Studien zur kommunalen Digitalisierung",
            "Kommunen und Verbünde, die weitere Studien als Beispiel beschreiben, mit Thema, "
            "Handlungsfeldern, Quelle und Stand.",
            [
                "slug",
                "place",
                "land",
                "kind",
                "population",
                "title",
                "year",
                "fields",
                "summary",
                "document",
                "reference_date",
            ],
            _example_rows,
        ),
    ]
}


def render(dataset: Dataset, edition: Edition, fmt: str, *, excel: bool = False) -> bytes:
    """The dataset in ``fmt`` (csv, xlsx, json); ``excel`` makes CSV semicolon-separated with a
    BOM for German Excel."""
    rows = dataset.rows(edition)
    if fmt == "json":
        return json.dumps(
            {
                "title": dataset.title,
                "licence": LICENCE_NAME,
                "licence_uri": LICENCE_URI,
                "edition": edition.slug,
                "items": [dict(zip(dataset.columns, row, strict=True)) for row in rows],
            },
            ensure_ascii=False,
            indent=1,
        ).encode()
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = dataset.slug[:31]
        sheet.append(dataset.columns)
        for row in rows:
            sheet.append(row)
        info = workbook.create_sheet("Lizenz")
        info.append([dataset.title])
        info.append([f"Lizenz: {LICENCE_NAME} ({LICENCE_URI})"])
        info.append([f"Ausgabe {edition.title}, Stand {edition.reference_date:%d.%m.%Y}"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";" if excel else ",")
    writer.writerow(dataset.columns)
    writer.writerows(rows)
    return (("\ufeff" if excel else "") + text.getvalue()).encode()


def dcat_catalog(base_url: str, edition: Edition) -> dict[str, Any]:
    """DCAT-AP.de catalogue (JSON-LD) describing every dataset and its distributions."""

    def url(name: str, *args: str) -> str:
        return base_url.rstrip("/") + reverse(name, args=args)

    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@id": url("atlas:open_data_catalog"),
        "@type": "dcat:Catalog",
        "dct:title": "Kommunalkompass – offene Daten des Atlas",
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "dcat:dataset": [
            {
                "@id": url("atlas:open_data") + f"#{dataset.slug}",
                "@type": "dcat:Dataset",
                "dct:title": dataset.title,
                "dct:description": dataset.description,
                "dct:issued": str(edition.reference_date),
                "dct:temporal": {"dcat:endDate": str(edition.reference_date)},
                "dct:license": {"@id": LICENCE_URI},
                "dcatde:licenseAttributionByText": "Kommunalkompass, nach den zitierten Studien",
                "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "Kommunalkompass"},
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"
                },
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": {"@id": url("atlas:open_data_file", dataset.slug, fmt)},
                        "dcat:downloadURL": {"@id": url("atlas:open_data_file", dataset.slug, fmt)},
                        "dcat:mediaType": media,
                        "dct:format": {"@id": format_uri},
                        "dct:license": {"@id": LICENCE_URI},
                    }
                    for fmt, (media, format_uri) in FORMATS.items()
                ],
            }
            for dataset in DATASETS.values()
        ],
    }
