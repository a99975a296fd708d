"""Practice examples from the other studies: loading, linking to municipalities, the page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kompass.atlas.models import PracticeExample
from kompass.atlas.practice import load_practice_examples
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.models import Municipality, Source
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def examples(db: None) -> int:
    load_fields_of_action()
    load_atlas_edition("2019")
    return load_practice_examples()


def test_examples_load_with_provenance_and_link_to_municipalities(examples: int) -> None:
    assert examples == PracticeExample.objects.count() >= 20
    documents = set(PracticeExample.objects.values_list("document", flat=True))
    assert documents >= {"000_f47b0d7ebee16adc.txt", "002_07e815d451bb110f.txt"}
    brandis = PracticeExample.objects.get(place="Brandis", document="000_f47b0d7ebee16adc.txt")
    assert brandis.population == 9675
    assert brandis.municipality is not None and brandis.municipality.size_class == "small_town"
    # Towns already in the atlas are linked, not duplicated.
    assert Municipality.objects.filter(name="Kaiserslautern").count() == 1
    # Regions have no municipality of their own.
    region = PracticeExample.objects.filter(kind="region").first()
    assert region is None or region.municipality is None
    source = Source.objects.get(
        content_type__model="practiceexample", object_id=brandis.pk, attribute=""
    )
    assert source.line_start and source.reference_date.year == 2017
    assert load_practice_examples() == examples  # idempotent
    assert PracticeExample.objects.count() == examples


def test_page_lists_and_filters(client: Client, examples: int) -> None:
    body = client.get("/atlas/praxisbeispiele/").content.decode()
    assert f"{examples} Praxisbeispiele" in body
    assert "Brandis" in body
    filtered = client.get("/atlas/praxisbeispiele/?field=health").content.decode()
    count = int(re.search(r"(\d+) Praxisbeispiel", filtered)[1])  # type: ignore[index]
    assert 0 < count < examples
    assert client.get("/atlas/praxisbeispiele/?field=tourism").status_code == 400
