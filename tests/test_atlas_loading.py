"""The shipped Smart-City-Atlas 2019: loading, primary fields, and the study's published
countable figures recomputed from the data (one assertion per figure, citing its line)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import transaction

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.atlas.models import Edition, Profile, Project
from kompass.atlas.queries import edition_cross_section
from kompass.atlas.shipped import AtlasDataError, load_atlas_edition, primary_fields
from kompass.core.models import Source
from kompass.core.shipped import load_fields_of_action

FIGURES = (
    Path(__file__).resolve().parent.parent / "src/kompass/data/atlas/2019/published_figures.yaml"
)
FIELDS = list(FIELD_SLUGS)

#: How each published key is read from the product's cross-section.
RECOMPUTE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "profiles_total": lambda r: r["profiles_total"],
    "projects_total": lambda r: r["projects_total"],
    "profiles_by_size.medium_towns": lambda r: (
        r["profiles_total"] - r["profiles_by_size_class"]["large_city"]
    ),
    **{
        f"projects_by_primary_field.{slug}": (lambda r, s=slug: r["projects_by_primary_field"][s])
        for slug in FIELDS
    },
}


def published() -> list[dict[str, Any]]:
    figures = yaml.safe_load(FIGURES.read_text(encoding="utf-8"))["figures"]
    return [f for f in figures if f["key"] in RECOMPUTE and f["value"] is not None]


@pytest.fixture
def atlas(db: None) -> Edition:
    load_fields_of_action()
    load_atlas_edition("2019")
    return Edition.objects.get(slug="2019")


def test_every_recomputable_figure_is_published() -> None:
    assert {f["key"] for f in published()} == set(RECOMPUTE)


@pytest.fixture(scope="module")
def cross_section_2019(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    """The 2019 cross-section computed once for all figure tests, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_fields_of_action()
        load_atlas_edition("2019")
        result = dict(edition_cross_section(Edition.objects.get(slug="2019")))
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize("figure", published(), ids=lambda f: f["key"])
def test_published_figure_is_reproduced(
    cross_section_2019: dict[str, Any], figure: dict[str, Any]
) -> None:
    result = cross_section_2019
    start, end = figure["lines"]
    assert RECOMPUTE[figure["key"]](result) == figure["value"], (
        f"003_98a75a01d0173661.txt, lines {start}-{end}: {figure['statement']}"
    )


def test_edition_contents_and_provenance(atlas: Edition) -> None:
    assert atlas.profiles.count() == 50
    assert Project.objects.filter(profile__edition=atlas).count() == 144
    aachen = Profile.objects.get(edition=atlas, slug="aachen")
    assert aachen.population == 246_272
    assert aachen.municipality.name == "Aachen"
    assert aachen.sections["organisation"]["summary"]
    assert aachen.units.filter(kind="cdo").exists()
    project = aachen.projects.first()
    assert project is not None
    source = Source.objects.get(object_id=project.pk, content_type__model="project")
    assert source.document == "003_98a75a01d0173661.txt" and source.line_start
    land = Source.objects.get(object_id=aachen.pk, content_type__model="profile", attribute="land")
    assert land.inferred is True


def test_primary_field_follows_annex_not_first_label(atlas: Edition) -> None:
    """Stuttgart prints "Energie & Umwelt / Mobilität"; Annex A counts it under Mobilität."""
    project = Project.objects.get(profile__slug="stuttgart", title__startswith="Luftreinhaltung")
    assert project.primary_field.slug == "mobility"
    assert [link.field.slug for link in project.field_links.all()] == [
        "energy_environment",
        "mobility",
    ]


def test_loading_twice_changes_nothing(atlas: Edition) -> None:
    before = (Profile.objects.count(), Project.objects.count(), Source.objects.count())
    load_atlas_edition("2019")
    assert (Profile.objects.count(), Project.objects.count(), Source.objects.count()) == before


def test_annex_pairing_uses_the_best_overall_match() -> None:
    projects = {
        "Musterstadt": [
            {"title": "Bürgerportal"},
            {"title": "Smarte Sensoren – Messnetz für Luft und Lärm"},
        ]
    }
    annex = [
        {"city": "Musterstadt", "project": "Smarte Sensoren", "field": "energy_environment"},
        {"city": "Musterstadt", "project": "Buergerportal", "field": "administration"},
    ]
    assert primary_fields(annex, projects) == {
        ("Musterstadt", 0): "administration",
        ("Musterstadt", 1): "energy_environment",
    }


def test_annex_and_profiles_must_agree() -> None:
    projects = {"Musterstadt": [{"title": "Bürgerportal"}, {"title": "Sensoren"}]}
    annex = [{"city": "Musterstadt", "project": "Buergerportal", "field": "administration"}]
    with pytest.raises(AtlasDataError, match="Anhang A nennt für Musterstadt 1 Projekte"):
        primary_fields(annex, projects)
    annex = [{"city": "Irgendwo", "project": "X", "field": "society"}]
    with pytest.raises(AtlasDataError, match="Stadt „Irgendwo“ passt zu"):
        primary_fields(annex, projects)
