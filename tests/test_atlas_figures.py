"""Stored cross-sectional figures (kompass.atlas.queries.cross_section_figures): counted once,
served from one row, recounted after every change of the edition's data, and never silently
out of date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kompass.atlas.models import CrossSectionFigures, Edition, Profile, Project
from kompass.atlas.queries import (
    REFRESH_TIMEOUT,
    cross_section_figures,
    edition_cross_section,
    refresh_cross_section,
)
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.models import FieldOfAction
from kompass.core.shipped import load_fields_of_action


@pytest.fixture
def edition(db: None) -> Edition:
    load_fields_of_action()
    load_atlas_edition("2019")
    return Edition.objects.get(slug="2019")


def add_project(edition: Edition) -> Project:
    profile = Profile.objects.filter(edition=edition).order_by("slug").first()
    assert profile is not None
    return Project.objects.create(
        profile=profile,
        slug="neues-projekt",
        title="Neues Projekt",
        primary_field=FieldOfAction.objects.get(slug="health"),
        position=99,
    )


def test_counted_once_then_served_from_one_row(edition: Edition) -> None:
    first = cross_section_figures(edition)
    assert not first.stale
    assert first.data == edition_cross_section(edition)  # same values and types as fresh
    assert CrossSectionFigures.objects.get(edition=edition).data == first.data
    with CaptureQueriesContext(connection) as queries:
        again = cross_section_figures(edition)
    assert len(queries) == 1  # the stored row, no aggregation
    assert again.data == first.data and again.computed_at == first.computed_at


def test_a_change_is_counted_on_the_next_request(edition: Edition, client: Client) -> None:
    before = cross_section_figures(edition).data
    project = add_project(edition)
    assert CrossSectionFigures.objects.get(edition=edition).stale
    after = cross_section_figures(edition)
    assert not after.stale
    assert after.data["projects_total"] == before["projects_total"] + 1
    assert after.data["projects_by_primary_field"]["health"] == (
        before["projects_by_primary_field"]["health"] + 1
    )
    api = client.get("/api/v1/atlas/analysis?edition=2019").json()
    assert api["projects_total"] == before["projects_total"] + 1 and api["stale"] is False
    project.delete()
    assert CrossSectionFigures.objects.get(edition=edition).stale
    assert cross_section_figures(edition).data == before
    # a change of the profile itself, e.g. its population
    profile = Profile.objects.filter(edition=edition, population__isnull=False).first()
    assert profile is not None
    profile.population += 1000
    profile.save()
    assert cross_section_figures(edition).data["population_total"] == (
        before["population_total"] + 1000
    )


def test_while_another_request_recounts_the_old_figures_are_served_and_marked(
    edition: Edition, client: Client
) -> None:
    before = cross_section_figures(edition)
    add_project(edition)
    CrossSectionFigures.objects.filter(edition=edition).update(refreshing_since=timezone.now())
    served = cross_section_figures(edition)
    assert served.stale and served.data == before.data
    body = client.get("/atlas/analyse/").content.decode()
    assert "werden gerade neu berechnet" in body
    api = client.get("/api/v1/atlas/analysis?edition=2019").json()
    assert api["stale"] is True and api["projects_total"] == before.data["projects_total"]
    # a recount that never finished (the process died) is taken over after the timeout
    CrossSectionFigures.objects.filter(edition=edition).update(
        refreshing_since=timezone.now() - REFRESH_TIMEOUT - dt.timedelta(seconds=1)
    )
    taken_over = cross_section_figures(edition)
    assert not taken_over.stale
    assert taken_over.data["projects_total"] == before.data["projects_total"] + 1
    assert "werden gerade neu berechnet" not in client.get("/atlas/analyse/").content.decode()


def test_a_change_during_the_recount_keeps_the_figures_stale(edition: Edition) -> None:
    cross_section_figures(edition)
    # the data changed after the recount below started (its start is before this moment)
    CrossSectionFigures.objects.filter(edition=edition).update(
        stale=True, changed_at=timezone.now() + dt.timedelta(minutes=1)
    )
    assert refresh_cross_section(edition).stale
    assert CrossSectionFigures.objects.get(edition=edition).stale


def test_editions_are_counted_separately(edition: Edition) -> None:
    other = Edition.objects.create(
        slug="leer", title="Leer", reference_date=dt.date(2026, 1, 1), document="Test"
    )
    assert cross_section_figures(other).data["profiles_total"] == 0
    assert cross_section_figures(edition).data["profiles_total"] == 50
    add_project(edition)
    assert not CrossSectionFigures.objects.get(edition=other).stale
