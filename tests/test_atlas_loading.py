"""The shipped Smart-City-Atlas 2019: loading, primary fields, and the cross-sectional analysis:
the study's published countable figures recomputed from the data (one test per figure, citing
its line), every other figure checked against an independent count over the shipped files, the
pure function's validation, the database doing the counting, and the API, page and CSV."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kompass.analysis.atlas import (
    ORGANISATION_MODELS,
    STAKEHOLDER_GROUPS,
    count_buckets,
    cross_section,
    share,
)
from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.atlas.models import Edition, Profile, Project
from kompass.atlas.queries import edition_counts, edition_cross_section, vocabularies
from kompass.atlas.shipped import AtlasDataError, load_atlas_edition, primary_fields
from kompass.core.models import Source
from kompass.core.shipped import load_fields_of_action

ATLAS = Path(__file__).resolve().parent.parent / "src/kompass/data/atlas/2019"
FIGURES = ATLAS / "published_figures.yaml"
FIELDS = list(FIELD_SLUGS)

#: How each published key with a value is read from the product's cross-section.
RECOMPUTE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "profiles_total": lambda r: r["profiles_total"],
    "projects_total": lambda r: r["projects_total"],
    "lands_covered": lambda r: r["lands_covered"],
    # The study's "Mittelstädte" are all towns under 100,000 (line 316), so: all but the large.
    "profiles_by_size_class.medium_town": lambda r: (
        r["profiles_total"] - r["profiles_by_size_class"]["large_city"]
    ),
    **{
        f"projects_by_primary_field.{slug}": (lambda r, s=slug: r["projects_by_primary_field"][s])
        for slug in FIELDS
    },
}


def figures() -> list[dict[str, Any]]:
    return yaml.safe_load(FIGURES.read_text(encoding="utf-8"))["figures"]


def published() -> list[dict[str, Any]]:
    return [f for f in figures() if f["key"] in RECOMPUTE and f["value"] is not None]


def dotted(result: dict[str, Any], key: str) -> Any:
    """``result["a"]["b"]`` for the key ``a.b``; KeyError when the response has no such key."""
    head, _, tail = key.partition(".")
    value = result[head]
    return value[tail] if tail else value


@pytest.fixture
def atlas(db: None) -> Edition:
    load_fields_of_action()
    load_atlas_edition("2019")
    return Edition.objects.get(slug="2019")


def test_every_computable_figure_with_a_value_is_recomputed() -> None:
    computable = {f["key"] for f in figures() if f["computable"] and f["value"] is not None}
    assert computable == set(RECOMPUTE)
    assert {f["key"] for f in published()} == set(RECOMPUTE)


#: Tests of the module-wide cross-section still need the mark: pytest-django only creates the
#: test database when a collected test asks for it.
uses_database = pytest.mark.django_db


@pytest.fixture(scope="module")
def cross_section_2019(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    """The 2019 cross-section computed once for all figure tests, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_fields_of_action()
        load_atlas_edition("2019")
        result = dict(edition_cross_section(Edition.objects.get(slug="2019")))
        transaction.set_rollback(True)
    return result


@uses_database
@pytest.mark.parametrize("figure", published(), ids=lambda f: f["key"])
def test_published_figure_is_reproduced(
    cross_section_2019: dict[str, Any], figure: dict[str, Any]
) -> None:
    result = cross_section_2019
    start, end = figure["lines"]
    assert RECOMPUTE[figure["key"]](result) == figure["value"], (
        f"003_98a75a01d0173661.txt, lines {start}-{end}: {figure['statement']}"
    )


@uses_database
@pytest.mark.parametrize(
    "figure",
    [f for f in figures() if f["computable"] and f["value"] is None],
    ids=lambda f: f["key"],
)
def test_figure_stated_without_a_number_is_counted_by_the_product(
    cross_section_2019: dict[str, Any], figure: dict[str, Any]
) -> None:
    """Where the study states a computable figure only in words (or lost it in a chart), the
    product's count stands under the same key, so the page can show both side by side."""
    start, end = figure["lines"]
    value = dotted(cross_section_2019, figure["key"])
    whole = cross_section_2019["profiles_total" if figure["unit"] == "cities" else "projects_total"]
    assert isinstance(value, int) and 0 <= value <= whole, (
        f"003_98a75a01d0173661.txt, lines {start}-{end}: {figure['statement']}"
    )


@uses_database
def test_rankings_of_the_lighthouse_projects(cross_section_2019: dict[str, Any]) -> None:
    ranked = sorted(
        cross_section_2019["projects_by_primary_field"].items(), key=lambda item: -item[1]
    )
    # Line 3606: administration and mobility are the most frequent fields of the projects.
    assert [slug for slug, _ in ranked[:2]] == ["administration", "mobility"]
    # Line 3608: retail, health and security have the fewest; security is last with two.
    assert {slug for slug, _ in ranked[-3:]} == {"retail", "health", "security"}
    assert ranked[-1] == ("security", 2)


@uses_database
def test_projects_count_more_often_under_any_field_than_under_the_primary_one(
    cross_section_2019: dict[str, Any],
) -> None:
    """Lines 3614-3616: counting every printed field would show more projects per field;
    mobility and energy & environment gain most (intelligent traffic control example)."""
    primary = cross_section_2019["projects_by_primary_field"]
    any_field = cross_section_2019["projects_by_any_field"]
    assert all(any_field[slug] >= primary[slug] for slug in FIELDS)
    assert sum(any_field.values()) > cross_section_2019["projects_total"]
    assert cross_section_2019["projects_with_multiple_fields"] > 0
    gains = {slug: any_field[slug] - primary[slug] for slug in FIELDS}
    assert max(gains, key=lambda slug: gains[slug]) == "mobility"


# --- every figure of the cross-section against an independent count of the shipped files ----


def shipped_profiles() -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ATLAS / "profiles").glob("*.yaml"))
    ]


def bucket(n: int) -> str:
    return str(n) if n < 4 else "4_or_more"


def independent_count() -> dict[str, Any]:
    """The cross-section counted in plain Python over the YAML files, without the database."""
    profiles = shipped_profiles()
    units = [
        {u["kind"] for u in p.get("sections", {}).get("organisation", {}).get("units", [])}
        for p in profiles
    ]
    groups = [
        set(p.get("sections", {}).get("stakeholders", {}).get("groups", [])) for p in profiles
    ]
    programmes = [p.get("sections", {}).get("funding", {}).get("programmes", []) for p in profiles]
    level_of: dict[str, str] = {}  # the loader keeps the level of a programme's first mention
    for entries in programmes:
        for entry in entries:
            level_of.setdefault(entry["name"], entry["level"])
    milestones = [p.get("sections", {}).get("milestones", {}).get("items", []) for p in profiles]
    projects = [project for p in profiles for project in p.get("projects", [])]
    achieved = Counter(int(str(m["date"])[:4]) for ms in milestones for m in ms if not m["planned"])
    planned = Counter(int(str(m["date"])[:4]) for ms in milestones for m in ms if m["planned"])
    first = Counter(
        min(int(str(m["date"])[:4]) for m in ms if not m["planned"])
        for ms in milestones
        if any(not m["planned"] for m in ms)
    )
    model_sets = dict(ORGANISATION_MODELS)
    has = {name: [bool(kinds & model_sets[name]) for kinds in units] for name in model_sets}
    by_programme = Counter(name for entries in programmes for name in {e["name"] for e in entries})
    return {
        "profiles_total": len(profiles),
        "population_total": sum(p.get("population") or 0 for p in profiles),
        "area_km2_total": float(sum(Decimal(str(p.get("area_km2") or 0)) for p in profiles)),
        "profiles_by_land": Counter(p["land"] for p in profiles),
        "lands_covered": len({p["land"] for p in profiles}),
        "profiles_by_project_count": Counter(bucket(len(p.get("projects", []))) for p in profiles),
        "projects_total": len(projects),
        "projects_by_any_field": Counter(f for pr in projects for f in set(pr["fields"])),
        "projects_by_field_count": Counter(bucket(len(set(pr["fields"]))) for pr in projects),
        "projects_with_multiple_fields": sum(len(set(pr["fields"])) > 1 for pr in projects),
        "projects_with_partners": sum(bool(pr.get("partners")) for pr in projects),
        "profiles_by_unit_kind": Counter(kind for kinds in units for kind in kinds),
        "organisation_models": {
            **{name: sum(flags) for name, flags in has.items()},
            "all_three_models": sum(all(f) for f in zip(*has.values(), strict=True)),
            "no_model": sum(not any(f) for f in zip(*has.values(), strict=True)),
        },
        "profiles_by_stakeholder_group": Counter(g for gs in groups for g in gs),
        "profiles_with_funding": sum(bool(entries) for entries in programmes),
        "profiles_by_funding_level": Counter(
            level for entries in programmes for level in {level_of[e["name"]] for e in entries}
        ),
        "profiles_by_funding_role": Counter(
            role for entries in programmes for role in {e["role"] for e in entries}
        ),
        "top_programme_counts": sorted(by_programme.values(), reverse=True)[:10],
        "profiles_with_milestones": sum(bool(ms) for ms in milestones),
        "milestones_by_year": achieved,
        "planned_milestones_by_year": planned,
        "profiles_by_first_milestone_year": first,
    }


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {key: value for key, value in counts.items() if value}


@uses_database
def test_cross_section_matches_an_independent_count_of_the_shipped_files(
    cross_section_2019: dict[str, Any],
) -> None:
    ours = cross_section_2019
    expected = independent_count()
    for key, value in expected.items():
        if key == "top_programme_counts":
            assert [p["profiles"] for p in ours["funding_programmes"]] == value
        elif key.endswith("_year"):
            assert nonzero(ours[key]) == {str(year): n for year, n in value.items()}, key
        elif isinstance(value, Counter):
            assert nonzero(ours[key]) == dict(value), key
        else:
            assert ours[key] == value, key
    assert set(ours["profiles_by_stakeholder_group"]) == set(STAKEHOLDER_GROUPS)
    assert list(ours["projects_by_field_count"]) == list(count_buckets())


def test_the_database_counts_and_the_number_of_queries_is_fixed(atlas: Edition) -> None:
    """Every query that reads atlas rows aggregates (COUNT/SUM/EXISTS in GROUP BY) instead of
    loading the rows, so the analysis scales with the database, not with Python."""
    with CaptureQueriesContext(connection) as queries:
        edition_counts(atlas)
    atlas_queries = [q["sql"] for q in queries.captured_queries if '"atlas_' in q["sql"]]
    assert 0 < len(atlas_queries) <= 14
    for sql in atlas_queries:
        assert re.search(r"\b(COUNT|SUM)\(", sql), sql
    # The same number of queries for twice the data: the count does not grow with the rows.
    for i in range(5):
        clone = Profile.objects.create(
            edition=atlas,
            municipality=_municipality(i),
            slug=f"kopie-{i}",
            name=f"Kopie {i}",
            land="SN",
            population=4_000 + i,
            sections={"stakeholders": {"groups": ["schools"]}},
        )
        Project.objects.create(
            profile=clone, slug="p", title="P", summary="S", primary_field_id=_field("health")
        ).field_links.create(field_id=_field("health"))
    with CaptureQueriesContext(connection) as again:
        result = cross_section(edition_counts(atlas), vocabularies())
    assert len([q for q in again.captured_queries if '"atlas_' in q["sql"]]) == len(atlas_queries)
    assert result["profiles_by_size_class"]["rural_municipality"] == 5
    assert result["profiles_by_stakeholder_group"]["schools"] == 5
    assert result["projects_by_primary_field"]["health"] == 3 + 5


def _municipality(i: int) -> Any:
    from kompass.core.models import Land, Municipality, MunicipalityKind

    return Municipality.objects.create(
        name=f"Kopiestadt {i}",
        slug=f"kopiestadt-{i}",
        ags=f"1409900{i}",
        land=Land.SN,
        kind=MunicipalityKind.TOWN,
        population=4_000 + i,
    )


def _field(slug: str) -> int:
    from kompass.core.models import FieldOfAction

    return FieldOfAction.objects.get(slug=slug).pk


# --- the pure function: validation -------------------------------------------------------------


def counts(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "profile_groups": [
            {
                "land": "NW",
                "size_class": "large_city",
                "person_role": True,
                "dedicated_unit": True,
                "cross_sectional": True,
                "profiles": 2,
                "population": 200_000,
                "area_km2": Decimal("10.25"),
            },
            {
                "land": "SN",
                "size_class": None,
                "person_role": False,
                "dedicated_unit": False,
                "cross_sectional": False,
                "profiles": 1,
                "population": None,
                "area_km2": None,
            },
        ],
        "profiles_by_project_count": {"1": 2, "2": 1},
        "profiles_by_stakeholder_group": {"citizens": 3},
        "profiles_by_unit_kind": {"cdo": 2},
        "profiles_with_funding": 1,
        "profiles_by_funding_level": {"eu": 1},
        "profiles_by_funding_role": {"winner": 1},
        "funding_programmes": [
            {"name": "B", "level": "eu", "profiles": 1},
            {"name": "A", "level": "eu", "profiles": 1},
            {"name": "C", "level": "eu", "profiles": 2},
        ],
        "profiles_with_milestones": 0,
        "achieved_milestones_by_year": {},
        "planned_milestones_by_year": {},
        "profiles_by_first_milestone_year": {},
        "projects_by_primary_field": {"mobility": 4},
        "projects_by_any_field": {"mobility": 4, "security": 1},
        "projects_by_field_count": {"1": 3, "2": 1},
        "projects_with_partners": 1,
    }
    base.update(changes)
    return base


VOCABULARIES = {
    "fields": ["mobility", "security"],
    "size_classes": ["large_city", "medium_town"],
    "lands": ["NW", "SN", "BY"],
    "unit_kinds": ["cdo", "cio"],
    "funding_levels": ["eu", "land"],
    "funding_roles": ["winner"],
}


def test_cross_section_from_hand_made_counts() -> None:
    result = cross_section(counts(), VOCABULARIES)  # type: ignore[arg-type]
    assert result["profiles_total"] == 3
    assert result["profiles_by_size_class"] == {"large_city": 2, "medium_town": 0}
    assert result["profiles_by_land"] == {"NW": 2, "SN": 1, "BY": 0}
    assert result["lands_covered"] == 2
    assert (result["population_total"], result["area_km2_total"]) == (200_000, 10.25)
    assert result["projects_total"] == 4
    assert result["projects_with_multiple_fields"] == 1
    assert result["organisation_models"] == {
        "person_role": 2,
        "dedicated_unit": 2,
        "cross_sectional": 2,
        "all_three_models": 2,
        "no_model": 1,
    }
    assert [p["name"] for p in result["funding_programmes"]] == ["C", "A", "B"]
    assert result["milestones_by_year"] == {}
    assert (share(1, 3), share(0, 0)) == (33.3, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"profiles_by_unit_kind": {"ceo": 1}}, "Organisationseinheiten: unbekannte Schlüssel ceo"),
        ({"projects_by_primary_field": {"mobility": -1}}, "Hauptfeld: negative Anzahl"),
        ({"profiles_by_project_count": {"1": 1}}, "nicht jeden Steckbrief genau einmal"),
        ({"projects_by_field_count": {"1": 4, "2": 1}}, "nicht jedes Projekt genau einmal"),
        (
            {"projects_by_any_field": {"mobility": 3, "security": 1}},
            "Handlungsfeld mobility: mehr Projekte mit diesem Hauptfeld",
        ),
        ({"projects_with_partners": 9}, "Projekte mit Partnern: 9 liegt nicht zwischen 0 und 4"),
    ],
)
def test_cross_section_rejects_inconsistent_counts(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cross_section(counts(**changes), VOCABULARIES)  # type: ignore[arg-type]


def test_share_rejects_a_part_larger_than_the_whole() -> None:
    with pytest.raises(ValueError, match=r"Der Teil \(4\) ist größer als das Ganze \(3\)"):
        share(4, 3)


# --- API, page and CSV ---------------------------------------------------------------------


def test_api_returns_every_figure_with_slug_keys(client: Client, atlas: Edition) -> None:
    data = client.get("/api/v1/atlas/analysis?edition=2019").json()
    assert data["edition"] == "2019"
    assert data["lands_covered"] == data["published"]["lands_covered"] == 16
    assert list(data["projects_by_primary_field"]) == list(
        vocabularies()["fields"]
    )  # every field, in display order
    assert data["profiles_by_unit_kind"]["cdo"] > 0
    assert set(data["organisation_models"]) == {
        "person_role",
        "dedicated_unit",
        "cross_sectional",
        "all_three_models",
        "no_model",
    }
    assert set(data["profiles_by_stakeholder_group"]) == set(STAKEHOLDER_GROUPS)
    assert set(data["profiles_by_funding_level"]) == {"eu", "federal", "land", "other"}
    assert data["funding_programmes"][0] == {
        "name": "Digitale Stadt",
        "level": "other",
        "profiles": 12,
    }
    assert data["milestones_by_year"]["2018"] > 0
    assert data["planned_milestones_by_year"]["2019"] > 0
    assert data["published"]["agenda_fields.mobility"] == 45  # the study only, no data
    assert data["published"]["organisation_models.person_role"] is None
    assert client.get("/api/v1/atlas/analysis?edition=1999").status_code == 404


NEW_TABLES = {
    "size_class": ["Mittelstadt", "13", "26,0", "13"],
    "land": ["Sachsen", "3"],
    "project_count": ["3 Projekte", "45"],
    "field_count": ["2 Handlungsfelder", "16"],
    "agenda_fields": ["Mobilität", "45"],
    "agenda_status": ["Ausformuliert", "19"],
    "unit_kind": ["Chief Digital Officer", "20", "40,0"],
    "organisation_models": ["Alle drei Modelle zugleich", "6", "12,0", ""],
    "stakeholder_group": ["Bürgerinnen und Bürger", "48", "96,0", ""],
    "funding_level": ["EU", "12", "24,0"],
    "funding_role": ["Gewinner", "10", "20,0"],
    "funding_programme": ["Digitale Stadt", "12"],
    "milestone_year": ["2019", "7", "29"],
    "first_milestone_year": ["2016", "12"],
    "other_figures": ["Im Partnerworkshop ausgewählte Kandidatenstädte der Studie.", "53"],
}


def test_csv_of_each_table(client: Client, atlas: Edition) -> None:
    """Every table of the page downloads as CSV (here the Excel variant: semicolons, BOM,
    decimal comma), with the same columns in every row; one test loads the edition once."""
    for table, row in NEW_TABLES.items():
        response = client.get(f"/atlas/analyse/{table}.csv?ausgabe=2019&excel=1")
        assert response.status_code == 200, table
        assert f'filename="atlas-2019-{table}.csv"' in response["Content-Disposition"]
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff"), table
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert rows[0][0] == "Merkmal", table
        assert all(len(r) == len(rows[0]) for r in rows), table
        assert row in rows, (table, rows)


def test_csv_headers_say_what_each_column_is(client: Client, atlas: Edition) -> None:
    def header(table: str) -> list[str]:
        body = client.get(f"/atlas/analyse/{table}.csv").content.decode()
        return next(csv.reader(io.StringIO(body)))

    assert header("milestone_year") == ["Merkmal", "Erreicht", "Geplant"]
    assert header("stakeholder_group") == [
        "Merkmal",
        "Wert aus den Daten",
        "Anteil in %",
        "Wert der Studie",
    ]
    assert header("agenda_fields") == ["Merkmal", "Wert der Studie"]
    assert header("land") == ["Merkmal", "Wert aus den Daten"]


def test_page_shows_chapters_tables_charts_and_the_study(client: Client, atlas: Edition) -> None:
    body = client.get("/atlas/analyse/").content.decode()
    chapters = re.findall(r'<h2 id="kapitel-\d+">([^<]+)</h2>', body)
    assert chapters == [
        "Stichprobe",
        "Handlungsfelder",
        "Institutionalisierung",
        "Beteiligung",
        "Wettbewerbe und Förderung",
        "Meilensteine",
        "Weitere Zahlen der Studie",
    ]
    # Ours next to the study's: 16 Länder (line 340), Mobilität 30 (line 3628).
    assert (
        '<th scope="row">Länder mit mindestens einem Steckbrief</th>'
        '<td class="number">16</td><td class="number">16</td>'
    ) in body
    assert (
        '<th scope="row">Mobilität</th><td class="number">30</td><td class="number">30</td>' in body
    )
    # A chart placeholder with its German summary for each chartable table, data as JSON.
    assert 'data-chart="primary_field"' in body
    assert 'data-chart-label="Balkendiagramm „Leuchtturmprojekte nach Hauptfeld“' in body
    assert 'data-chart="totals"' not in body  # mixed units: table only
    assert '<script id="analysis-charts" type="application/json">' in body
    assert "vendor/chart.js/chart.umd.min.js" in body and "kompass/js/charts.js" in body
    assert "003_98a75a01d0173661.txt, Z. 3628" in body  # where the study says it


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
