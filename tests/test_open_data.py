"""Open-data downloads of the atlas, opened in their real formats, and DCAT-AP.de metadata."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from kompass.atlas.practice import load_practice_examples
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def atlas(db: None) -> None:
    load_fields_of_action()
    load_atlas_edition("2019")
    load_practice_examples()


def test_downloads_in_every_format(client: Client, atlas: None) -> None:
    page = client.get("/atlas/daten/").content.decode()
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in page

    response = client.get("/atlas/daten/projekte.csv")
    assert response["Content-Disposition"] == 'attachment; filename="projekte-2019.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 144
    stuttgart = next(r for r in rows if r["title"].startswith("Luftreinhaltung"))
    assert (stuttgart["primary_field"], stuttgart["fields"]) == (
        "mobility",
        "energy_environment mobility",
    )

    excel = client.get("/atlas/daten/steckbriefe.csv?excel=1").content.decode()
    assert excel.startswith("\ufeffslug;name;land;population")
    assert "aachen;Aachen;NW;246272" in excel

    workbook = load_workbook(io.BytesIO(client.get("/atlas/daten/steckbriefe.xlsx").content))
    sheet = workbook["steckbriefe"]
    assert [c.value for c in sheet[1]][:3] == ["slug", "name", "land"]
    assert sheet.max_row == 51
    assert "Datenlizenz" in workbook["Lizenz"]["A2"].value

    data = json.loads(client.get("/atlas/daten/praxisbeispiele.json").content)
    assert data["licence_uri"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert len(data["items"]) >= 20
    assert {"place", "summary", "document"} <= set(data["items"][0])

    assert client.get("/atlas/daten/unbekannt.csv").status_code == 404
    assert client.get("/atlas/daten/projekte.pdf").status_code == 404


def test_dcat_catalog_lists_reachable_distributions(client: Client, atlas: None) -> None:
    response = client.get("/atlas/daten/dcat.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    catalog = json.loads(response.content)
    assert catalog["@type"] == "dcat:Catalog"
    datasets = catalog["dcat:dataset"]
    assert [d["dct:title"] for d in datasets] == [
        "Smart-City-Atlas: Steckbriefe",
        "Smart-City-Atlas: Leuchtturmprojekte",
        "Praxisbeispiele aus Studien zur kommunalen Digitalisierung",
    ]
    for dataset in datasets:
        assert dataset["dct:license"]["@id"].startswith("http://dcat-ap.de/def/licenses/")
        assert len(dataset["dcat:distribution"]) == 3
        for distribution in dataset["dcat:distribution"]:
            url = distribution["dcat:downloadURL"]["@id"].removeprefix("http://testserver")
            assert client.get(url).status_code == 200
