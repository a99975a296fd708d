"""Municipality invariants: the size class derived in the database matches the analysis rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from kompass.analysis.size_classes import size_class
from kompass.core.models import Land, Municipality, MunicipalityKind, SizeClass


def make(
    population: int | None, kind: str = MunicipalityKind.TOWN, **extra: object
) -> Municipality:
    number = Municipality.objects.count() + 1
    return Municipality.objects.create(
        name=f"Ort {number}",
        slug=f"ort-{number}",
        land=Land.BY,
        kind=kind,
        population=population,
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (0, "rural_municipality"),
        (4_999, "rural_municipality"),
        (5_000, "small_town"),
        (19_999, "small_town"),
        (20_000, "medium_town"),
        (99_999, "medium_town"),
        (100_000, "large_city"),
        (3_700_000, "large_city"),
        (None, None),
    ],
)
def test_size_class_from_population(population: int | None, expected: str | None) -> None:
    municipality = make(population)
    municipality.refresh_from_db()
    assert municipality.size_class == expected
    assert size_class(population) == expected


@pytest.mark.django_db
def test_size_class_follows_population_changes_and_filters() -> None:
    municipality = make(19_000)
    municipality.population = 21_000
    municipality.save()
    assert Municipality.objects.filter(size_class=SizeClass.MEDIUM_TOWN).get() == municipality


@pytest.mark.django_db
def test_districts_have_no_size_class() -> None:
    district = make(250_000, kind=MunicipalityKind.DISTRICT)
    district.refresh_from_db()
    assert district.size_class is None


def test_size_class_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="negativ"):
        size_class(-1)
    with pytest.raises(TypeError):
        size_class(12.5)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_ags_must_have_five_or_eight_digits() -> None:
    with pytest.raises(IntegrityError):
        make(1000, ags="123")


@pytest.mark.django_db
def test_ags_validator_gives_a_german_message() -> None:
    municipality = Municipality(
        name="X", slug="x", land=Land.BY, kind=MunicipalityKind.TOWN, ags="12a45678"
    )
    with pytest.raises(ValidationError) as caught:
        municipality.full_clean()
    assert "Fünf oder acht Ziffern" in str(caught.value)
