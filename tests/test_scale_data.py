"""The synthetic scale data of the benchmark (generate_scale_data) on the active database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kompass.atlas import profile_facets, search
from kompass.atlas.management.commands.generate_scale_data import (
    INDEX_ONLY_BASE,
    counts_at,
    generate,
)
from kompass.atlas.models import (
    Edition,
    OrganisationUnit,
    Profile,
    Project,
    ProjectField,
    SearchEntry,
    SearchTerm,
)
from kompass.core.models import Municipality
from kompass.core.shipped import load_fields_of_action

pytestmark = pytest.mark.django_db

SCALE = 0.01  # 108 municipalities, 1,000 projects


@pytest.fixture
def fields(db: None) -> None:
    load_fields_of_action()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Municipality,
            Edition,
            Profile,
            OrganisationUnit,
            Project,
            ProjectField,
            SearchEntry,
            SearchTerm,
        )
    }


def test_counts_at_scale() -> None:
    per_land, projects = counts_at(1)
    assert 10_700 < sum(per_land.values()) < 10_900 and projects == 100_000
    per_land, projects = counts_at(0.01)
    assert sum(per_land.values()) == 108 and projects == 1000
    assert sum(counts_at(100)[0].values()) == 100 * sum(counts_at(1)[0].values())
    with pytest.raises(ValueError, match="Maßstab"):
        counts_at(0)


def test_generates_the_requested_counts(fields: None) -> None:
    before = counts()
    result = generate(SCALE)
    after = counts()
    assert result.municipalities == 108 == after["Municipality"] - before["Municipality"]
    assert after["Profile"] - before["Profile"] == 108
    assert result.projects == 1000 == after["Project"] - before["Project"]
    assert after["SearchEntry"] - before["SearchEntry"] == 1108 == result.entries
    assert after["ProjectField"] - before["ProjectField"] >= 1000
    edition = Edition.objects.get(slug="synthetisch")
    assert edition.profiles.count() == 108
    # most municipalities are small, a few are large (as in Germany)
    sizes = result.size_classes
    assert sizes["rural_municipality"] > sizes.get("small_town", 0) > sizes.get("large_city", 0)
    # every project has its primary field among its printed fields, first
    for project in Project.objects.filter(profile__edition=edition)[:50]:
        assert project.field_links.first().field_id == project.primary_field_id  # type: ignore[union-attr]
    # the search finds a generated town by name, its profile first
    place = Profile.objects.filter(edition=edition).order_by("-population").first()
    assert place is not None
    hits = search.search(place.name, kind="profile", edition="synthetisch").hits
    assert place.pk in [h.entry.object_id for h in hits]


def test_generated_index_equals_a_rebuild(fields: None) -> None:
    """The generator prepares terms its own (fast) way; they must be exactly what the
    indexer makes of the same records, and the vocabulary must count them."""
    generate(SCALE, seed=7)

    def snapshot() -> dict[tuple[str, int], dict[str, object]]:
        rows = {}
        for entry in SearchEntry.objects.all():
            row = {c: getattr(entry, c) for c in search.COLUMNS}
            row["terms"] = sorted(entry.terms.split())
            rows[(entry.kind, entry.object_id)] = row
        return rows

    generated = snapshot()
    vocabulary = dict(SearchTerm.objects.values_list("term", "df"))
    search.rebuild_index()
    assert snapshot() == generated
    assert dict(SearchTerm.objects.values_list("term", "df")) == vocabulary
    # the stored list facets are what profile_facets computes from the written rows
    columns = ("pk", "field_bits", "primary_bits", "organisation_bits")
    stored = list(Profile.objects.order_by("pk").values_list(*columns))
    assert any(row[1] for row in stored) and any(row[3] for row in stored)
    profile_facets.refresh(Profile.objects.all())
    assert list(Profile.objects.order_by("pk").values_list(*columns)) == stored


def test_copies_are_what_the_indexer_makes_of_the_copied_records(fields: None) -> None:
    """Scale 10 and 100 are copies made by the database: every table grows by the number of
    copies, the copies have their own slugs (and no AGS) and their search entries and
    vocabulary are exactly those a rebuild of the index computes from the copied records."""
    before = counts()
    result = generate(0.005, seed=3, copies=3)
    after = counts()
    assert result.municipalities == 3 * 54 == after["Municipality"] - before["Municipality"]
    assert result.projects == 3 * 500 == after["Project"] - before["Project"]
    assert after["SearchEntry"] - before["SearchEntry"] == 3 * 554 == result.entries
    assert after["OrganisationUnit"] - before["OrganisationUnit"] > 0
    assert (after["ProjectField"] - before["ProjectField"]) % 3 == 0
    assert sum(result.size_classes.values()) == 3 * 54
    largest = Profile.objects.filter(edition__slug="synthetisch").order_by("-population", "id")
    original, *copies = list(largest[:3])
    assert [p.name for p in copies] == [original.name] * 2
    assert {p.slug for p in copies} == {f"{original.slug}-1", f"{original.slug}-2"}
    assert [p.municipality.ags for p in copies] == [None, None]
    assert original.projects.count() == copies[0].projects.count() > 0

    def snapshot() -> dict[tuple[str, int], dict[str, object]]:
        rows = {}
        for entry in SearchEntry.objects.all():
            row = {c: getattr(entry, c) for c in search.COLUMNS}
            row["terms"] = sorted(entry.terms.split())
            rows[(entry.kind, entry.object_id)] = row
        return rows

    generated = snapshot()
    vocabulary = dict(SearchTerm.objects.values_list("term", "df"))
    search.rebuild_index()
    assert snapshot() == generated
    assert dict(SearchTerm.objects.values_list("term", "df")) == vocabulary
    hits = search.search(original.name, kind="profile", edition="synthetisch").hits
    assert {original.pk, copies[0].pk, copies[1].pk} <= {h.entry.object_id for h in hits}


def test_all_or_nothing(fields: None) -> None:
    before = counts()
    calls = []

    def interrupted(done: int, total: int) -> None:
        calls.append(done)
        if done > total // 2:  # during the writing pass
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(SCALE, progress=interrupted)
    assert calls and counts() == before


def test_refuses_an_existing_edition_and_a_missing_setup(fields: None) -> None:
    generate(SCALE)
    before = counts()
    with pytest.raises(CommandError, match="„synthetisch“ gibt es schon"):
        generate(SCALE)
    assert counts() == before


def test_needs_the_fields_of_action(db: None) -> None:
    with pytest.raises(CommandError, match="Handlungsfelder"):
        generate(SCALE)


def test_index_only_writes_search_entries_only(fields: None) -> None:
    before = counts()
    result = generate(SCALE, index_only=True, edition="nur-index")
    after = counts()
    assert after["SearchEntry"] - before["SearchEntry"] == result.entries == 1108
    assert after["Municipality"] == before["Municipality"]
    assert after["Project"] == before["Project"]
    assert (
        SearchEntry.objects.filter(object_id__lt=INDEX_ONLY_BASE, edition="nur-index").count() == 0
    )
    assert search.search("Verwaltung", edition="nur-index").total > 0


def test_command(fields: None) -> None:
    out = StringIO()
    call_command(
        "generate_scale_data", "--scale", "0.01", "--seed", "3", stdout=out, stderr=StringIO()
    )
    assert "108 Kommunen" in out.getvalue() and "1000 Projekte" in out.getvalue()
    with pytest.raises(CommandError, match="größer als 0"):
        call_command("generate_scale_data", "--scale", "0", stdout=StringIO(), stderr=StringIO())
