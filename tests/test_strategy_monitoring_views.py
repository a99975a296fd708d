"""Monitoring pages: overview with status as text, project page, plan/indicator/measurement
forms with German messages and 409 on conflicts, the indicator's chart (SVG) and table, the
reports (page, PDF, DOCX), and the permission grid of every page for every persona."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from kompass.strategy import monitoring
from kompass.strategy.models import Activity
from kompass.strategy.models_monitoring import EvaluationPlan, Indicator, Measurement
from tests.test_strategy_monitoring import (
    D0,
    D1,
    Demo,
    day,
    demo_fixture,  # noqa: F401 - the fixture "demo"
    docx_text,
    make_project,
    pdf_text,
)
from tests.test_strategy_workspace import (
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_views import body, client_for

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030/monitoring"

ALL = frozenset(MEMBERS)
EDIT = frozenset({"core_team", "contributor"})
MEASURE = frozenset({"core_team", "contributor", "external_partner"})


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    build: Callable[[Demo], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]
    #: Expected answer for allowed people (GET 200, POST 302 unless said otherwise).
    ok: int | None = None


def _deleted_indicator(d: Demo) -> tuple[str, dict[str, Any]]:
    monitoring.delete_indicator(actor=d.team.anna, indicator=d.downloads, version=1)
    return f"{BASE}/indikatoren/{d.downloads.pk}/wiederherstellen/", {}


def _deleted_measurement(d: Demo) -> tuple[str, dict[str, Any]]:
    m = Measurement.objects.get(indicator=d.riders)
    monitoring.delete_measurement(actor=d.team.anna, measurement=m, version=1)
    return f"{BASE}/messwerte/{m.pk}/wiederherstellen/", {}


def _deleted_plan(d: Demo) -> tuple[str, dict[str, Any]]:
    monitoring.delete_plan(actor=d.team.anna, plan=d.plan, version=1)
    return f"{BASE}/evaluationsplaene/{d.plan.pk}/wiederherstellen/", {}


def _measurement(d: Demo) -> int:
    return Measurement.objects.get(indicator=d.riders).pk


INDICATOR_POST = {
    "version": 1,
    "level": "output",
    "name": "Fahrgäste je Monat",
    "direction": "higher",
    "baseline_value": "100",
    "baseline_date": D0.isoformat(),
    "target_value": "250",
    "target_date": D1.isoformat(),
}

PAGES = [
    Page("overview", "get", lambda d: (f"{BASE}/", {}), ALL),
    Page("project", "get", lambda d: (f"{BASE}/projekte/{d.rufbus.pk}/", {}), ALL),
    Page(
        "plan form", "get", lambda d: (f"{BASE}/projekte/{d.rufbus.pk}/evaluationsplan/", {}), EDIT
    ),
    Page(
        "plan save",
        "post",
        lambda d: (
            f"{BASE}/projekte/{d.rufbus.pk}/evaluationsplan/",
            {"version": 1, "purpose": "Bericht an den Rat", "execution": "external"},
        ),
        EDIT,
    ),
    Page(
        "plan create",
        "post",
        lambda d: (f"{BASE}/projekte/{d.app.pk}/evaluationsplan/", {"timing": "ex_post"}),
        EDIT,
    ),
    Page(
        "plan delete",
        "post",
        lambda d: (f"{BASE}/projekte/{d.rufbus.pk}/evaluationsplan/loeschen/", {"version": 1}),
        EDIT,
    ),
    Page("plan restore", "post", _deleted_plan, EDIT),
    Page(
        "indicator form",
        "get",
        lambda d: (f"{BASE}/projekte/{d.rufbus.pk}/indikatoren/neu/", {}),
        EDIT,
    ),
    Page(
        "indicator create",
        "post",
        lambda d: (f"{BASE}/projekte/{d.rufbus.pk}/indikatoren/neu/", INDICATOR_POST),
        EDIT,
    ),
    Page("indicator", "get", lambda d: (f"{BASE}/indikatoren/{d.riders.pk}/", {}), ALL),
    Page(
        "indicator edit form",
        "get",
        lambda d: (f"{BASE}/indikatoren/{d.riders.pk}/bearbeiten/", {}),
        EDIT,
    ),
    Page(
        "indicator edit",
        "post",
        lambda d: (f"{BASE}/indikatoren/{d.riders.pk}/bearbeiten/", INDICATOR_POST),
        EDIT,
    ),
    Page(
        "indicator delete",
        "post",
        lambda d: (f"{BASE}/indikatoren/{d.riders.pk}/loeschen/", {"version": 1}),
        EDIT,
    ),
    Page("indicator restore", "post", _deleted_indicator, EDIT),
    Page(
        "measurement create",
        "post",
        lambda d: (
            f"{BASE}/indikatoren/{d.riders.pk}/messwerte/neu/",
            {"date": day(60).isoformat(), "value": "150,5", "note": "Zählung"},
        ),
        MEASURE,
    ),
    Page(
        "measurement form", "get", lambda d: (f"{BASE}/messwerte/{_measurement(d)}/", {}), MEASURE
    ),
    Page(
        "measurement edit",
        "post",
        lambda d: (
            f"{BASE}/messwerte/{_measurement(d)}/",
            {"version": 1, "date": day(50).isoformat(), "value": "146"},
        ),
        MEASURE,
    ),
    Page(
        "measurement delete",
        "post",
        lambda d: (f"{BASE}/messwerte/{_measurement(d)}/loeschen/", {"version": 1}),
        MEASURE,
    ),
    Page("measurement restore", "post", _deleted_measurement, MEASURE),
    Page("report", "get", lambda d: (f"{BASE}/bericht/", {}), ALL),
    Page(
        "report funder",
        "get",
        lambda d: (f"{BASE}/bericht/", {"fuer": "foerdermittelgeber", "projekt": d.rufbus.pk}),
        ALL,
    ),
    Page("report pdf", "get", lambda d: (f"{BASE}/bericht/pdf/", {}), ALL),
    Page("report docx", "get", lambda d: (f"{BASE}/bericht/docx/", {"fuer": "rat"}), ALL),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_permission_grid(demo: Demo, page: Page, who: str) -> None:
    url, data = page.build(demo)
    client = client_for(demo.team.user(who))
    before = Activity.objects.count()
    response = getattr(client, page.method)(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/?next=")
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert "Digitalstrategie 2030" not in body(response)
    elif who in page.allowed:
        expected = page.ok or (200 if page.method == "get" else 302)
        assert response.status_code == expected, body(response)[:3000]
        if page.method == "post":
            assert Activity.objects.count() > before
            assert Activity.objects.latest("at", "id").actor == demo.team.user(who)
    else:
        assert response.status_code == 403
    if who not in page.allowed:
        assert Activity.objects.count() == before


def test_unknown_and_foreign_ids_are_404(demo: Demo, team: Team) -> None:
    client = client_for(team.anna)
    for url in (
        f"{BASE}/projekte/999999/",
        f"{BASE}/indikatoren/999999/",
        f"{BASE}/messwerte/999999/",
        f"{BASE}/projekte/999999/evaluationsplan/",
    ):
        assert client.get(url).status_code == 404, url


# --------------------------------------------------------------------------- overview


def test_overview_names_every_status_in_words(demo: Demo) -> None:
    page = body(client_for(demo.team.lea).get(f"{BASE}/"))
    assert "<h1>Monitoring und Evaluation</h1>" in page
    assert 'aria-current="page">Monitoring</a>' in page  # the nav links the page by its name
    assert re.search(
        r"Mobilität: <span class=\"monitoring-status status-not_on_track\">"
        r"nicht auf Kurs</span>",
        page,
    )
    assert "ohne Handlungsfeld" in page
    assert "teilweise auf Kurs" in page and "keine Daten" in page
    assert "2 von 2 Indikatoren bewertet" in page
    assert "Bildung" not in page  # a field without projects is left out
    assert "mindestens 90 %" in page  # the rule is explained
    assert "Indikator anlegen" not in page


def test_project_page_groups_indicators_by_level(demo: Demo) -> None:
    page = body(client_for(demo.team.anna).get(f"{BASE}/projekte/{demo.rufbus.pk}/"))
    for text in (
        "Stabsstelle Digitalisierung",
        "projektbegleitend",
        "Indikatoren der Ebene Output",
        "Fahrgäste pro Monat",
        "100 Fahrgäste am 01.01.2024",
        "200 Fahrgäste bis 10.04.2024",
        "145 Fahrgäste (20.02.2024)",
        "45 % / 50 %",
        "Noch kein Indikator auf dieser Ebene.",
        "Indikator anlegen",
    ):
        assert text in page, text
    reader = body(client_for(demo.team.lea).get(f"{BASE}/projekte/{demo.rufbus.pk}/"))
    assert "Indikator anlegen" not in reader and "Evaluationsplan bearbeiten" not in reader


# --------------------------------------------------------------------------- indicator page


def test_indicator_page_has_an_accessible_chart_and_the_data_table(demo: Demo) -> None:
    page = body(client_for(demo.team.lea).get(f"{BASE}/indikatoren/{demo.riders.pk}/"))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="verlauf-diagramm-title verlauf-diagramm-desc"' in svg
    assert '<title id="verlauf-diagramm-title">Verlauf des Indikators „Fahrgäste pro Monat“' in svg
    assert "Ausgangswert 100 Fahrgäste am 01.01.2024" in svg  # in <desc>
    assert 'class="chart-baseline"' in svg and 'class="chart-target"' in svg
    assert 'class="chart-line"' in svg and svg.count("<circle") == 1
    assert "Zielwert 200 Fahrgäste" in svg
    table = page[
        page.index('id="messwerte"') : page.index("</table>", page.index('id="messwerte"'))
    ]
    for text in (
        "01.01.2024",
        "Ausgangswert (Zeitpunkt 0)",
        "20.02.2024",
        "145 Fahrgäste",
        "10.04.2024",
    ):
        assert text in table, text
    assert "auf Kurs" in page and "Fortschritt 45 % des Weges zum Ziel bei 50 %" in page
    assert "Messwert eintragen" not in page  # readers only read


def test_partner_records_a_measurement_in_german_notation(demo: Demo) -> None:
    client = client_for(demo.team.pia)
    url = f"{BASE}/indikatoren/{demo.riders.pk}/messwerte/neu/"
    response = client.post(url, {"date": day(70).isoformat(), "value": "1.170,5"})
    assert response.status_code == 302
    saved = Measurement.objects.get(indicator=demo.riders, date=day(70))
    assert saved.value == Decimal("1170.5") and saved.created_by == demo.team.pia
    page = body(client.get(f"{BASE}/indikatoren/{demo.riders.pk}/"))
    assert "1.170,5 Fahrgäste" in page and svg_points(page) == 2


def svg_points(page: str) -> int:
    return page[page.index("<svg") : page.index("</svg>")].count("<circle")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2023-12-31", "value": "120"}, "liegt vor der Basiserhebung (01.01.2024)"),
        ({"date": "2024-02-20", "value": "120"}, "gibt es schon einen Messwert"),
        ({"date": "2024-03-01", "value": "3.5"}, "Komma als Dezimaltrennzeichen"),
        ({"date": "2024-03-01", "value": ""}, "Bitte den gemessenen Wert angeben."),
        ({"date": "", "value": "12"}, "Bitte das Datum der Messung angeben."),
    ],
)
def test_measurement_errors_are_german_and_linked(
    demo: Demo, data: dict[str, str], message: str
) -> None:
    url = f"{BASE}/indikatoren/{demo.riders.pk}/messwerte/neu/"
    response = client_for(demo.team.carl).post(url, data)
    assert response.status_code == 400
    page = body(response)
    assert message in page
    assert 'aria-describedby="id_' in page and '_error"' in page
    assert Measurement.objects.filter(indicator=demo.riders).count() == 1


def test_indicator_form_refuses_a_target_equal_to_the_baseline(demo: Demo) -> None:
    url = f"{BASE}/projekte/{demo.app.pk}/indikatoren/neu/"
    response = client_for(demo.team.anna).post(url, {**INDICATOR_POST, "target_value": "100"})
    assert response.status_code == 400
    assert "Der Zielwert ist gleich dem Ausgangswert (100)" in body(response)
    assert 'id="id_target_value_error"' in body(response)


def test_indicator_create_edit_and_conflict(demo: Demo) -> None:
    anna, carl = client_for(demo.team.anna), client_for(demo.team.carl)
    response = anna.post(
        f"{BASE}/projekte/{demo.app.pk}/indikatoren/neu/",
        {**INDICATOR_POST, "dimensions": ["participation", "civic_learning"], "unit": "Personen"},
    )
    assert response.status_code == 302
    created = Indicator.objects.get(project=demo.app, name="Fahrgäste je Monat")
    assert created.dimensions == ["participation", "civic_learning"]
    assert response["Location"] == f"{BASE}/indikatoren/{created.pk}/"
    edit = f"{BASE}/indikatoren/{created.pk}/bearbeiten/"
    form = body(anna.get(edit))
    assert 'value="250"' in form and "<legend>Wirkungsdimensionen" in form
    assert carl.post(edit, {**INDICATOR_POST, "name": "Fahrgäste (Carl)"}).status_code == 302
    stale = anna.post(edit, {**INDICATOR_POST, "name": "Fahrgäste (Anna)", "target_value": "300"})
    assert stale.status_code == 409
    page = body(stale)
    assert "wurde inzwischen geändert (jetzt Version 2, Sie hatten Version 1 geladen)" in page
    assert "Carl Mitwirkend" in page and 'name="version" value="2"' in page
    assert "Fahrgäste (Anna)" in page  # the input is kept
    assert Indicator.objects.get(pk=created.pk).name == "Fahrgäste (Carl)"
    again = anna.post(edit, {**INDICATOR_POST, "version": 2, "name": "Fahrgäste (Anna)"})
    assert again.status_code == 302
    assert Indicator.objects.get(pk=created.pk).version == 3


def test_plan_and_measurement_conflicts_are_409(demo: Demo) -> None:
    plan_url = f"{BASE}/projekte/{demo.rufbus.pk}/evaluationsplan/"
    assert (
        client_for(demo.team.carl).post(plan_url, {"version": 1, "notes": "a"}).status_code == 302
    )
    response = client_for(demo.team.anna).post(plan_url, {"version": 1, "notes": "b"})
    assert response.status_code == 409 and "Anmerkungen" in body(response)
    assert EvaluationPlan.objects.get(pk=demo.plan.pk).notes == "a"
    m = Measurement.objects.get(indicator=demo.riders)
    url = f"{BASE}/messwerte/{m.pk}/"
    data = {"version": 1, "date": day(50).isoformat(), "value": "150"}
    assert client_for(demo.team.pia).post(url, data).status_code == 302
    response = client_for(demo.team.carl).post(url, {**data, "value": "160"})
    assert response.status_code == 409 and "Pia Partner" in body(response)


def test_delete_and_restore_from_the_pages(demo: Demo) -> None:
    client = client_for(demo.team.carl)
    response = client.post(f"{BASE}/indikatoren/{demo.downloads.pk}/loeschen/", {"version": 1})
    assert response.status_code == 302
    page = body(client.get(f"{BASE}/projekte/{demo.app.pk}/"))
    assert "Gelöscht (30 Tage wiederherstellbar)" in page and "„Downloads“ wiederherstellen" in page
    assert client.get(f"{BASE}/indikatoren/{demo.downloads.pk}/").status_code == 404
    client.post(f"{BASE}/indikatoren/{demo.downloads.pk}/wiederherstellen/")
    assert client.get(f"{BASE}/indikatoren/{demo.downloads.pk}/").status_code == 200
    stale = client.post(f"{BASE}/indikatoren/{demo.downloads.pk}/loeschen/", {"version": 1})
    assert stale.status_code == 302  # back to the indicator with the conflict message
    assert Indicator.objects.filter(pk=demo.downloads.pk).exists()


# --------------------------------------------------------------------------- reports


def test_report_page_for_the_council_and_downloads(demo: Demo) -> None:
    client = client_for(demo.team.lea)
    page = body(client.get(f"{BASE}/bericht/"))
    assert "Bericht für den Rat" in page and "Status je Handlungsfeld" in page
    assert "monitoring/bericht/pdf/?" in page and "monitoring/bericht/docx/?" in page
    docx = client.get(f"{BASE}/bericht/docx/", {"fuer": "rat"})
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="monitoring-bericht-rat.docx"' in docx["Content-Disposition"]
    text = docx_text(docx.content)
    assert "Mobilität" in text and "nicht auf Kurs" in text and "Digitalkurse" in text
    pdf = client.get(f"{BASE}/bericht/pdf/", {"fuer": "rat"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "Bericht für den Rat" in pdf_text(pdf.content)


def test_funder_report_needs_a_project_and_shows_only_those(demo: Demo) -> None:
    client = client_for(demo.team.anna)
    page = body(client.get(f"{BASE}/bericht/", {"fuer": "foerdermittelgeber"}))
    assert "Bitte mindestens ein Projekt für den Bericht wählen." in page
    response = client.get(f"{BASE}/bericht/pdf/", {"fuer": "foerdermittelgeber"})
    assert response.status_code == 400
    query = {"fuer": "foerdermittelgeber", "projekt": [demo.app.pk]}
    page = body(client.get(f"{BASE}/bericht/", query))
    assert "Bericht für Fördermittelgeber" in page and "Downloads" in page
    assert "<svg" in page and "Rufbus" not in page.split('class="report-preview"')[1]
    text = docx_text(client.get(f"{BASE}/bericht/docx/", query).content)
    assert "Mobilitätsapp" in text and "Downloads" in text and "Rufbus" not in text
    assert "Für dieses Projekt gibt es noch keinen Evaluationsplan." in text


def test_other_workspaces_projects_are_not_reported(demo: Demo, team: Team) -> None:
    from kompass.strategy import services

    other = services.create_workspace(
        actor=team.anna, municipality=team.personas.musterstadt, title="Anderer Raum"
    )
    other_demo_project = make_project(
        Team(other, team.personas, team.anna, team.carl, team.lea, team.pia), "Geheim"
    )
    query = {"fuer": "foerdermittelgeber", "projekt": [other_demo_project.pk]}
    page = body(client_for(team.anna).get(f"{BASE}/bericht/", query))
    assert "Geheim" not in page and "Bitte mindestens ein Projekt" in page
