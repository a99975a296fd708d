"""Monitoring at scale: the overview, the project page, the status endpoints of the API and
the reports read plans, indicators and measurements in bulk, so the number of database
queries does not grow with the number of projects, indicators or measurements. Also
:func:`kompass.strategy.monitoring.status_counts` with a hand-made example.

These are query-count assertions (django.test.utils.CaptureQueriesContext), not timing ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kompass.strategy import items, monitoring, monitoring_reports
from kompass.strategy.models import FieldOfAction, Project
from kompass.strategy.models_monitoring import EvaluationPlan, Indicator, Measurement
from kompass.strategy.monitoring import NO_DATA, NOT_ON_TRACK, ON_TRACK, PARTLY
from tests.test_strategy_monitoring import D0, D1, day, make_indicator, make_project, measure
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"
from tests.test_strategy_workspace_api import Api
from tests.test_strategy_workspace_views import client_for

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030/monitoring"
API = "/api/v1/strategy/workspaces"


# --------------------------------------------------------------------------- bulk data


def grow(team: Team, projects: int, start: int = 0) -> list[Project]:
    """``projects`` more projects over two fields of action (every third without one), each
    with a plan, three indicators (one without baseline) and four measurements per measured
    indicator; a deleted indicator and a deleted measurement per project that must stay
    hidden. Written with bulk_create: the data are the subject here, not the services."""
    workspace = team.workspace
    fields = list(FieldOfAction.objects.filter(workspace=workspace, title__startswith="Feld "))
    if not fields:
        fields = FieldOfAction.objects.bulk_create(
            FieldOfAction(workspace=workspace, title=f"Feld {n}", position=n, created_by=team.anna)
            for n in (1, 2)
        )
    made = Project.objects.bulk_create(
        Project(
            workspace=workspace,
            title=f"Projekt {start + n:03d}",
            position=start + n,
            field_of_action=None if n % 3 == 2 else fields[n % 3],
            created_by=team.anna,
        )
        for n in range(projects)
    )
    EvaluationPlan.objects.bulk_create(
        EvaluationPlan(workspace=workspace, project=p, purpose="Wirkung prüfen", timing="ongoing")
        for p in made
    )
    now = timezone.now()
    indicators = []
    for p in made:
        for n, (level, baseline) in enumerate(
            [("output", "100"), ("outcome", "10"), ("impact", None)]
        ):
            indicators.append(
                Indicator(
                    workspace=workspace,
                    project=p,
                    level=level,
                    name=f"Indikator {n}",
                    baseline_value=None if baseline is None else Decimal(baseline),
                    baseline_date=None if baseline is None else D0,
                    target_value=Decimal(baseline or "0") * 2 if baseline else None,
                    target_date=D1 if baseline else None,
                )
            )
        indicators.append(
            Indicator(
                workspace=workspace,
                project=p,
                level="output",
                name="gelöscht",
                baseline_value=Decimal(1),
                baseline_date=D0,
                target_value=Decimal(2),
                target_date=D1,
                deleted_at=now,
            )
        )
    indicators = Indicator.objects.bulk_create(indicators)
    rows = []
    for indicator in indicators:
        if indicator.baseline_value is None:
            continue
        for k in range(1, 5):
            rows.append(
                Measurement(
                    workspace=workspace,
                    indicator=indicator,
                    date=day(20 * k),
                    value=indicator.baseline_value + k,
                )
            )
        rows.append(
            Measurement(
                workspace=workspace,
                indicator=indicator,
                date=day(95),
                value=Decimal(999),
                deleted_at=now,
            )
        )
    Measurement.objects.bulk_create(rows)
    return made


def count(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def _get(client: Any, url: str) -> Callable[[], Any]:
    def call() -> Any:
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    return call


# --------------------------------------------------------------------------- query counts


def test_query_count_does_not_grow_with_projects_indicators_and_measurements(team: Team) -> None:
    workspace = team.workspace
    first = grow(team, 3)
    client = client_for(team.anna)
    api = Api(team.anna)
    ws = f"{API}/{workspace.pk}"
    project = first[0]

    calls: dict[str, Callable[[], Any]] = {
        "overview()": lambda: monitoring.overview(workspace),
        "status_counts()": lambda: monitoring.status_counts(workspace),
        # A fresh project each time (what a request reads), with its workspace.
        "project_row()": lambda: monitoring.project_row(
            Project.objects.select_related("workspace").get(pk=project.pk)
        ),
        "page overview": _get(client, f"{BASE}/"),
        "page project": _get(client, f"{BASE}/projekte/{project.pk}/"),
        "page council report": _get(client, f"{BASE}/bericht/?fuer=rat"),
        "api status": lambda: _api_ok(api, f"{ws}/monitoring/status"),
        "api project": lambda: _api_ok(api, f"{ws}/monitoring/projects/{project.pk}"),
        "report council": lambda: monitoring_reports.report_context(
            workspace, monitoring_reports.COUNCIL
        ),
        "report funder": lambda: monitoring_reports.report_context(
            workspace,
            monitoring_reports.FUNDER,
            list(monitoring.projects_of(workspace).filter(title__startswith="Projekt")),
        ),
    }
    for call in calls.values():  # warm caches (sessions, worksheet data, content types)
        call()
    small = {name: count(call) for name, call in calls.items()}

    grow(team, 27, start=3)
    # The chosen project gets more indicators and measurements too.
    extra = make_indicator(team, project, "Noch einer")
    measure(team, extra, 30, "130")
    measure(team, extra, 60, "160")
    assert len(monitoring.projects_of(workspace)) == 30
    large = {name: count(call) for name, call in calls.items()}

    assert large == small, {n: (small[n], large[n]) for n in small if small[n] != large[n]}
    # And the counts are small constants, not one per project.
    assert max(small["overview()"], small["status_counts()"], small["project_row()"]) <= 6, small


def _api_ok(api: Api, url: str) -> Any:
    response = api.get(url)
    assert response.status_code == 200, url
    return response


def test_bulk_path_gives_the_same_result_as_single_reads(team: Team) -> None:
    """The prefetched rows hide deleted indicators/measurements like the single reads."""
    made = grow(team, 4)
    bulk = {p.project.pk: p for f in monitoring.overview(team.workspace) for p in f.projects}
    for project in made:
        fresh = Project.objects.get(pk=project.pk)
        single = monitoring.project_row(fresh)
        row = bulk[project.pk]
        assert row.status == single.status
        assert row.plan is not None and row.plan.pk == single.plan.pk  # type: ignore[union-attr]
        assert [r.indicator.pk for r in row.indicators] == [
            r.indicator.pk for r in single.indicators
        ]
        assert "gelöscht" not in {r.indicator.name for r in row.indicators}
        for r in row.indicators:
            assert Decimal(999) not in {m.value for m in r.measurements}
            expected = list(Measurement.objects.filter(indicator=r.indicator).order_by("date"))
            assert r.measurements == expected


# --------------------------------------------------------------------------- status_counts


def test_status_counts_by_hand(team: Team) -> None:
    """Five projects, hand-computed (baseline 100 → target 200 over 100 days, day 50):

    - A: 145 → auf Kurs                               → on track
    - B: 145 and 124 (not on track) → 1 of 2 failing  → not on track
    - C: 144 → teilweise                              → partly
    - D: indicator without a measurement              → no data
    - E: no indicator at all                          → not counted
    - F: on track, but the project is deleted         → not counted
    - G: its only indicator is deleted                → not counted
    """
    a, b, c, d, e, f, g = (make_project(team, t) for t in "ABCDEFG")
    measure(team, make_indicator(team, a, "a"), 50, "145")
    measure(team, make_indicator(team, b, "b1"), 50, "145")
    measure(team, make_indicator(team, b, "b2"), 50, "124")
    measure(team, make_indicator(team, c, "c"), 50, "144")
    make_indicator(team, d, "d")
    measure(team, make_indicator(team, f, "f"), 50, "145")
    items.soft_delete_item(f, actor=team.anna, version=f.version)
    gone = make_indicator(team, g, "g")
    monitoring.delete_indicator(actor=team.anna, indicator=gone, version=gone.version)
    assert e.pk  # E stays without indicators

    assert monitoring.status_counts(team.workspace) == {
        ON_TRACK: 1,
        PARTLY: 1,
        NOT_ON_TRACK: 1,
        NO_DATA: 1,
    }


def test_status_counts_of_an_empty_workspace(team: Team) -> None:
    assert monitoring.status_counts(team.workspace) == {
        ON_TRACK: 0,
        PARTLY: 0,
        NOT_ON_TRACK: 0,
        NO_DATA: 0,
    }


def test_status_counts_follow_new_measurements(team: Team) -> None:
    project = make_project(team, "Rufbus")
    indicator = make_indicator(team, project, "Fahrgäste")
    assert monitoring.status_counts(team.workspace)[NO_DATA] == 1
    measure(team, indicator, 50, "124")
    assert monitoring.status_counts(team.workspace) == {
        ON_TRACK: 0,
        PARTLY: 0,
        NOT_ON_TRACK: 1,
        NO_DATA: 0,
    }
    later = dt.date.today()
    assert later > D1  # the measurement after the target date counts as e = 1
    monitoring.create_measurement(actor=team.anna, indicator=indicator, date=later, value="200")
    assert monitoring.status_counts(team.workspace)[ON_TRACK] == 1
