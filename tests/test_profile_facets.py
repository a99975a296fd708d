"""The list facets stored on each profile (kompass.atlas.profile_facets) stay equal to what
its projects, fields and units say, through loading and editorial publishing."""

from __future__ import annotations

import importlib

import pytest

from kompass.atlas import editorial, profile_facets, selectors
from kompass.atlas.models import Edition, Profile
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action


@pytest.fixture
def edition(db: None) -> Edition:
    load_fields_of_action()
    load_atlas_edition("2019")
    return Edition.objects.get(slug="2019")


COLUMNS = ("slug", "field_bits", "primary_bits", "organisation_bits")


def stored() -> list[tuple[str, int, int, int]]:
    return list(Profile.objects.order_by("slug").values_list(*COLUMNS))


def test_bits_of() -> None:
    fields = profile_facets.FIELD_BITS
    org = profile_facets.organisation_bits()
    bits = profile_facets.bits_of(
        [(1, "mobility", True), (1, "health", False), (2, "health", False)],
        [(1, "cdo"), (3, "office")],
    )
    assert bits[1] == (fields["mobility"] | fields["health"], fields["mobility"], org["cdo"])
    assert bits[2] == (fields["health"], 0, 0)
    assert bits[3] == (0, 0, org["office"])
    assert len(set(fields.values())) == 10 and len(set(org.values())) == len(org)


def test_loaded_profiles_carry_their_facets(edition: Edition) -> None:
    loaded = stored()
    assert all(row[1] for row in loaded)  # every profile has projects with fields
    assert all(row[2] & row[1] == row[2] for row in loaded)  # primary fields are fields
    profile_facets.refresh(Profile.objects.all())
    assert stored() == loaded
    # the list filter by stored bits equals the filter through the projects
    for field in profile_facets.FIELD_BITS:
        by_bits = set(selectors.profiles(edition, field=field).values_list("slug", flat=True))
        through_projects = set(
            Profile.objects.filter(
                edition=edition, projects__field_links__field__slug=field
            ).values_list("slug", flat=True)
        )
        assert by_bits == through_projects, field
        primary = set(
            selectors.profiles(edition, field=field, primary=True).values_list("slug", flat=True)
        )
        assert primary == set(
            Profile.objects.filter(
                edition=edition, projects__primary_field__slug=field
            ).values_list("slug", flat=True)
        ), field


def test_publishing_updates_the_facets(edition: Edition) -> None:
    profile = Profile.objects.get(edition=edition, slug="aachen")
    document = editorial.document_of(profile)
    assert "security" not in selectors.profiles(edition, field="security").filter(
        slug="aachen"
    ).values_list("slug", flat=True)
    projects = document["projects"]
    projects[0] = {**projects[0], "primary": "security", "fields": ["security"]}
    document["units"] = [{"name": "Digitalbüro", "kind": "office", "reports_to": "", "since": ""}]
    profile_facets_before = Profile.objects.get(pk=profile.pk).organisation_bits
    editorial._publish(profile, editorial.document_of(profile), document)
    refreshed = Profile.objects.get(pk=profile.pk)
    assert refreshed.primary_bits & profile_facets.FIELD_BITS["security"]
    assert refreshed.organisation_bits == profile_facets.organisation_bits()["office"]
    assert refreshed.organisation_bits != profile_facets_before
    assert selectors.profiles(edition, field="security", primary=True).filter(pk=profile.pk)
    assert not selectors.profiles(edition, has_cdo=True).filter(pk=profile.pk).exists()


def test_migration_fills_the_same_bits_in_sql(edition: Edition) -> None:
    """Migration 0008 computes the bits of an existing installation in the database; the
    result equals what profile_facets computes in Python."""
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("kompass.atlas.migrations.0008_profile_facets")
    loaded = stored()
    Profile.objects.update(field_bits=0, primary_bits=0, organisation_bits=0)
    migration.fill_bits(None, SimpleNamespace(connection=connection))
    assert stored() == loaded
