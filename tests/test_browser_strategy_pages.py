"""axe-core over the pages of the worksheets and the portfolio part that have no journey test
of their own yet, each with content: the worksheet list, an actor mapping (form, entry,
projector view, blank print), the dashboard summary, the portfolio, a project with its sketch
form and milestone, the roadmap, the project matrix and the bin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BASE = "/strategie/musterstadt/digitalstrategie-2030"


def test_worksheet_and_portfolio_pages_are_accessible(
    page: Any, live_server: Any, team: Team
) -> None:
    from django.utils import timezone

    from kompass.strategy import items, worksheets
    from kompass.strategy.models import FieldOfAction, Project
    from kompass.strategy.models_portfolio import Milestone

    ws, anna = team.workspace, team.anna
    entry = worksheets.create_entry(
        actor=anna,
        workspace=ws,
        worksheet="actor_mapping",
        title="Akteure der Strategie",
        answers={
            "level": "strategy",
            "actor_groups": ["Verwaltung", "Wirtschaft"],
            "actors": [{"name": "Stadtwerke", "group": "Wirtschaft", "ring": "key"}],
        },
    )
    field = items.create_item(FieldOfAction(workspace=ws, title="Mobilität"), actor=anna)
    project = items.create_item(
        Project(workspace=ws, title="Sensorik", field_of_action=field, horizon="short_term"),
        actor=anna,
    )
    items.create_item(
        Milestone(
            workspace=ws,
            project=project,
            title="Start",
            due_date=timezone.localdate() + dt.timedelta(days=30),
        ),
        actor=anna,
    )
    deleted = items.create_item(Project(workspace=ws, title="Verworfen"), actor=anna)
    items.soft_delete_item(deleted, actor=anna, version=1)

    problems = watch_console(page)
    base = live_server.url + BASE
    sign_in(page, live_server.url, anna.email)
    pages = [
        ("/", "Stand der Arbeit"),
        ("/arbeitshilfen/", "Arbeitshilfen"),
        ("/arbeitshilfen/actor_mapping/", "Akteursmapping"),
        ("/arbeitshilfen/actor_mapping/neu/", "Akteursmapping"),
        (f"/arbeitshilfen/actor_mapping/{entry.pk}/", "Stadtwerke"),
        (f"/arbeitshilfen/actor_mapping/{entry.pk}/?ansicht=praesentation", "Stadtwerke"),
        ("/arbeitshilfen/actor_mapping/leer/", "Akteursmapping"),
        ("/projekte/", "Sensorik"),
        (f"/projekte/{project.pk}/", "Sensorik"),
        (f"/projekte/{project.pk}/skizze/", "Projektidee"),
        ("/roadmap/", "Start"),
        ("/projektmatrix/", "Sensorik"),
        ("/papierkorb/", "Verworfen"),
        ("/schritte/5/", "Arbeitshilfe 6"),
    ]
    for path, text in pages:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        assert text in page.locator("main").inner_text(), path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    assert problems == []
