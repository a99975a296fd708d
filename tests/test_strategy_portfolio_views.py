"""Portfolio pages: what they show, their forms (German errors, 409 on conflicts), and the
permission grid of every page for every kind of person."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kompass.strategy import items, portfolio
from kompass.strategy.models import FieldOfAction, Milestone, Project
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body(response: Any) -> str:
    return str(response.content.decode())


def new(team: Team, title: str = "Smart Trampen", **values: Any) -> Project:
    return portfolio.create_project(
        actor=team.anna, workspace=team.workspace, values={"title": title, **values}
    ).project


def publish(team: Team) -> None:
    portfolio.save_weights(actor=team.anna, workspace=team.workspace, weights={}, publish=True)


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]


def _project(team: Team) -> Project:
    return new(team)


def _milestone(team: Team) -> Milestone:
    return portfolio.create_milestone(
        actor=team.anna, project=_project(team), values={"title": "Start", "due_date": "2026-05-01"}
    )


def _deleted_project(team: Team) -> tuple[str, dict[str, Any]]:
    project = _project(team)
    portfolio.delete_project(actor=team.anna, project=project, version=1)
    return f"{BASE}/projekte/geloescht/{project.pk}/wiederherstellen/", {}


def _deleted_milestone(team: Team) -> tuple[str, dict[str, Any]]:
    stone = _milestone(team)
    portfolio.delete_milestone(actor=team.anna, milestone=stone, version=1)
    return f"{BASE}/meilensteine/geloescht/{stone.pk}/wiederherstellen/", {}


def _scores(team: Team) -> tuple[str, dict[str, Any]]:
    publish(team)
    return f"{BASE}/projektmatrix/{_project(team).pk}/bewertung/", {
        "number": 1,
        "s_durability": "4",
    }


def _scores_page(team: Team) -> tuple[str, dict[str, Any]]:
    publish(team)
    return f"{BASE}/projektmatrix/{_project(team).pk}/bewertung/", {}


ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CORE = frozenset({"core_team"})
ENDPOINTS = [
    Endpoint("portfolio", "get", lambda t: (f"{BASE}/projekte/", {}), ALL),
    Endpoint("roadmap", "get", lambda t: (f"{BASE}/roadmap/", {}), ALL),
    Endpoint("matrix", "get", lambda t: (f"{BASE}/projektmatrix/", {}), ALL),
    Endpoint("project detail", "get", lambda t: (f"{BASE}/projekte/{_project(t).pk}/", {}), ALL),
    Endpoint("create form", "get", lambda t: (f"{BASE}/projekte/neu/", {}), EDIT),
    Endpoint(
        "create",
        "post",
        lambda t: (f"{BASE}/projekte/neu/", {"title": "Neu", "status": "sketch"}),
        EDIT,
    ),
    Endpoint(
        "edit form", "get", lambda t: (f"{BASE}/projekte/{_project(t).pk}/bearbeiten/", {}), EDIT
    ),
    Endpoint(
        "edit",
        "post",
        lambda t: (
            f"{BASE}/projekte/{_project(t).pk}/bearbeiten/",
            {"version": 1, "title": "Anders", "status": "sketch"},
        ),
        EDIT,
    ),
    Endpoint(
        "sketch form", "get", lambda t: (f"{BASE}/projekte/{_project(t).pk}/skizze/", {}), EDIT
    ),
    Endpoint(
        "sketch",
        "post",
        lambda t: (
            f"{BASE}/projekte/{_project(t).pk}/skizze/",
            {"version": 1, "skizze-idea": "Bänke"},
        ),
        EDIT,
    ),
    Endpoint(
        "delete",
        "post",
        lambda t: (f"{BASE}/projekte/{_project(t).pk}/loeschen/", {"version": 1}),
        EDIT,
    ),
    Endpoint("restore", "post", _deleted_project, EDIT),
    Endpoint(
        "milestone form",
        "get",
        lambda t: (f"{BASE}/projekte/{_project(t).pk}/meilensteine/neu/", {}),
        EDIT,
    ),
    Endpoint(
        "milestone create",
        "post",
        lambda t: (
            f"{BASE}/projekte/{_project(t).pk}/meilensteine/neu/",
            {"title": "Start", "kind": "milestone", "due_date": "2026-05-01"},
        ),
        EDIT,
    ),
    Endpoint(
        "milestone edit",
        "post",
        lambda t: (
            f"{BASE}/meilensteine/{_milestone(t).pk}/",
            {"version": 1, "title": "Ende", "kind": "decision", "due_date": "2026-06-01"},
        ),
        EDIT,
    ),
    Endpoint(
        "milestone delete",
        "post",
        lambda t: (f"{BASE}/meilensteine/{_milestone(t).pk}/loeschen/", {"version": 1}),
        EDIT,
    ),
    Endpoint("milestone restore", "post", _deleted_milestone, EDIT),
    Endpoint(
        "weights",
        "post",
        lambda t: (
            f"{BASE}/projektmatrix/",
            {"aktion": "veroeffentlichen", **{f"w_{c.slug}": 1 for c in portfolio.criteria()}},
        ),
        CORE,
    ),
    Endpoint("scores page", "get", _scores_page, EDIT),
    Endpoint("scores", "post", _scores, EDIT),
    Endpoint(
        "decision page",
        "get",
        lambda t: (f"{BASE}/projektmatrix/{_project(t).pk}/ampel/", {}),
        EDIT,
    ),
    Endpoint(
        "decision",
        "post",
        lambda t: (
            f"{BASE}/projektmatrix/{_project(t).pk}/ampel/",
            {"version": 1, "traffic_light": "green", "rationale": "passt"},
        ),
        EDIT,
    ),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_permission_grid(team: Team, endpoint: Endpoint, who: str) -> None:
    url, data = endpoint.build(team)
    client = client_for(team.user(who))
    response = client.post(url, data) if endpoint.method == "post" else client.get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who in endpoint.allowed:
        assert response.status_code in (200, 302), body(response)[:3000]
        if response.status_code == 302:
            # a successful action, not a refusal sent back with a message
            follow = client.get(response["Location"])
            assert "erlaubt diese Aktion nicht" not in body(follow)
            assert "message-error" not in body(follow), body(follow)[:3000]
    else:
        assert response.status_code == 403


# --------------------------------------------------------------------------- behaviour


def test_portfolio_shows_table_filters_and_totals(team: Team) -> None:
    mob = items.create_item(
        FieldOfAction(workspace=team.workspace, title="Mobilität"), actor=team.anna
    )
    new(
        team,
        "Smart Trampen",
        field_of_action=mob,
        budget="75000",
        horizon="short_term",
        responsible=team.member(team.carl),
        funding_sources=[{"name": "EU", "amount": "80000"}],
    )
    new(team, "Datenplattform", budget="1000")
    page = body(client_for(team.lea).get(f"{BASE}/projekte/"))
    assert "Smart Trampen" in page and "Datenplattform" in page
    assert "76.000,00 €" in page  # total budget
    assert "über Budget" in page
    assert "kurzfristig" in page and "Carl Mitwirkend" in page
    assert "Neues Projekt" not in page  # readers do not create
    filtered = body(client_for(team.lea).get(f"{BASE}/projekte/?handlungsfeld={mob.pk}"))
    assert "Smart Trampen" in filtered and "Datenplattform" not in filtered
    assert "1 Projekt" in filtered


def test_create_project_with_funding_rows_and_german_errors(team: Team) -> None:
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/projekte/neu/",
        {
            "title": "",
            "status": "sketch",
            "budget": "-3",
            "funding_name_0": "",
            "funding_amount_0": "5",
        },
    )
    assert response.status_code == 400
    page = body(response)
    assert 'id="id_title_error"' in page
    response = client.post(
        f"{BASE}/projekte/neu/",
        {
            "title": "Neu",
            "status": "sketch",
            "budget": "-3",
            "funding_name_0": "",
            "funding_amount_0": "5",
        },
    )
    page = body(response)
    assert response.status_code == 400
    assert "Das Budget darf nicht negativ sein." in page
    assert 'id="id_budget_error"' in page
    assert 'aria-describedby="id_budget_helptext id_budget_error"' in page
    assert "Finanzierungsquelle 1: Bitte einen Namen angeben" in page
    response = client.post(
        f"{BASE}/projekte/neu/",
        {
            "title": "Neu",
            "status": "sketch",
            "budget": "100",
            "funding_name_0": "EU",
            "funding_amount_0": "150,5",
        },
        follow=True,
    )
    page = body(response)
    assert "Projekt „Neu“ ist angelegt." in page
    assert "übersteigen das Budget" in page
    project = Project.objects.get(title="Neu")
    assert project.funding_sources == [{"name": "EU", "amount": "150.50"}]


def test_edit_conflict_answers_409_and_keeps_the_input(team: Team) -> None:
    project = new(team)
    portfolio.update_project(actor=team.carl, project=project, version=1, values={"budget": "9"})
    response = client_for(team.anna).post(
        f"{BASE}/projekte/{project.pk}/bearbeiten/",
        {"version": 1, "title": "Mein Titel", "status": "sketch"},
    )
    assert response.status_code == 409
    page = body(response)
    assert "wurde inzwischen geändert" in page and "Carl Mitwirkend" in page
    assert 'value="Mein Titel"' in page
    assert 'name="version" value="2"' in page


def test_status_change_needs_reason_on_the_form(team: Team) -> None:
    project = new(team)
    client = client_for(team.anna)
    response = client.post(
        f"{BASE}/projekte/{project.pk}/bearbeiten/",
        {"version": 1, "title": project.title, "status": "stopped"},
    )
    assert response.status_code == 400
    assert "nur mit Begründung gestoppt" in body(response)
    response = client.post(
        f"{BASE}/projekte/{project.pk}/bearbeiten/",
        {"version": 1, "title": project.title, "status": "stopped", "status_reason": "zu teuer"},
        follow=True,
    )
    assert "Begründung: zu teuer" in body(response)


def test_dependency_cycle_is_named_on_the_form(team: Team) -> None:
    a, b = new(team, "A"), new(team, "B")
    portfolio.set_dependencies(actor=team.anna, project=a, version=1, depends_on=[b])
    response = client_for(team.anna).post(
        f"{BASE}/projekte/{b.pk}/bearbeiten/",
        {"version": 1, "title": "B", "status": "sketch", "depends_on": [a.pk]},
    )
    assert response.status_code == 400
    assert "zyklische Abhängigkeit: „B“ → „A“ → „B“" in body(response)


def test_detail_shows_every_sketch_field_and_links(team: Team) -> None:
    project = new(
        team,
        budget="75000",
        sketch={
            "idea": "Mitfahrbänke",
            "responsibilities": [{"who": "Amt 61", "responsibility": "lead"}],
        },
    )
    portfolio.create_milestone(
        actor=team.anna,
        project=project,
        values={"title": "App fertig", "due_date": dt.date(2026, 10, 1)},
    )
    page = body(client_for(team.pia).get(f"{BASE}/projekte/{project.pk}/"))
    for f in portfolio.sketch_worksheet().fields:
        assert f.label in page, f.label
    assert "Mitfahrbänke" in page and "Federführung" in page and "Amt 61" in page
    assert "App fertig" in page
    assert "75.000,00 €" in page
    assert f"{BASE}/risiken/?projekt={project.pk}" in page
    assert "Projektdaten bearbeiten" not in page  # partners do not edit


def test_sketch_form_saves_through_the_engine(team: Team) -> None:
    project = new(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/projekte/{project.pk}/skizze/"))
    assert "Zielsetzung (wozu?)" in page and 'name="skizze-title"' not in page
    response = client.post(
        f"{BASE}/projekte/{project.pk}/skizze/",
        {"version": 1, "skizze-idea": "Bänke", "skizze-participants": "Verein\nIT"},
    )
    assert response.status_code == 302
    project = Project.objects.get(pk=project.pk)
    assert project.sketch["idea"] == "Bänke"
    assert project.sketch["participants"] == ["Verein", "IT"]
    assert project.version == 2
    stale = client.post(
        f"{BASE}/projekte/{project.pk}/skizze/", {"version": 1, "skizze-idea": "Alt"}
    )
    assert stale.status_code == 409
    assert "wurde inzwischen geändert" in body(stale)


def test_milestone_pages(team: Team) -> None:
    project = new(team)
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/projekte/{project.pk}/meilensteine/neu/", {"title": "", "kind": "milestone"}
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/projekte/{project.pk}/meilensteine/neu/",
        {"title": "Förderantrag", "kind": "funding_deadline", "due_date": "2026-03-31"},
    )
    assert response.status_code == 302
    stone = Milestone.objects.get()
    assert stone.kind == "funding_deadline"
    stale = client.post(
        f"{BASE}/meilensteine/{stone.pk}/",
        {"version": 1, "title": "A", "kind": "milestone", "due_date": "2026-03-31"},
    )
    assert stale.status_code == 302
    conflict = client.post(
        f"{BASE}/meilensteine/{stone.pk}/",
        {"version": 1, "title": "B", "kind": "milestone", "due_date": "2026-03-31"},
    )
    assert conflict.status_code == 409


def test_matrix_weights_publish_and_confirm_on_the_page(team: Team) -> None:
    project = new(team)
    client = client_for(team.anna)
    page = body(client_for(team.lea).get(f"{BASE}/projektmatrix/"))
    assert "Noch nicht veröffentlicht." in page
    assert "Gewichte (Entwurf" not in page  # readers see no draft
    for group in portfolio.criteria_groups():
        assert group.title in page
    weights = {f"w_{c.slug}": 1 for c in portfolio.criteria()}
    response = client.post(f"{BASE}/projektmatrix/", {"aktion": "veroeffentlichen", **weights})
    assert response.status_code == 302
    portfolio.score_project(
        actor=team.carl,
        project=project,
        weighting_number=1,
        scores={c.slug: 3 for c in portfolio.criteria()},
    )
    page = body(client_for(team.lea).get(f"{BASE}/projektmatrix/"))
    assert "Es gilt Fassung 1" in page and "<strong>3,00</strong>" in page
    changed = {**weights, "w_durability": 5, "version": 1}
    response = client.post(f"{BASE}/projektmatrix/", {"aktion": "veroeffentlichen", **changed})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie die Änderung ausdrücklich." in body(response)
    response = client.post(
        f"{BASE}/projektmatrix/", {"aktion": "veroeffentlichen", "confirm": "on", **changed}
    )
    assert response.status_code == 302
    page = body(client_for(team.lea).get(f"{BASE}/projektmatrix/"))
    assert "neu bewerten" in page and "Es gilt Fassung 2" in page


def test_scores_page_refuses_an_old_fassung_with_409(team: Team) -> None:
    project = new(team)
    publish(team)
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/projektmatrix/{project.pk}/bewertung/",
        {"number": 1, "s_durability": "4", "v_durability": 0},
    )
    assert response.status_code == 302
    portfolio.save_weights(
        actor=team.anna, workspace=team.workspace, weights={"durability": 2}, confirm=True
    )
    response = client.post(
        f"{BASE}/projektmatrix/{project.pk}/bewertung/",
        {"number": 1, "s_durability": "5", "v_durability": 1},
    )
    assert response.status_code == 409
    assert "jetzt Fassung 2" in body(response)


def test_scores_page_before_publication_redirects(team: Team) -> None:
    project = new(team)
    response = client_for(team.carl).get(
        f"{BASE}/projektmatrix/{project.pk}/bewertung/", follow=True
    )
    assert "noch nicht veröffentlicht" in body(response)


def test_decision_needs_rationale(team: Team) -> None:
    project = new(team)
    response = client_for(team.carl).post(
        f"{BASE}/projektmatrix/{project.pk}/ampel/", {"version": 1, "traffic_light": "yellow"}
    )
    assert response.status_code == 400
    assert "Bitte begründen Sie die Ampel „gelb“" in body(response)


def test_roadmap_page_has_a_table_behind_the_figure(team: Team) -> None:
    project = new(
        team, horizon="medium_term", start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 12, 31)
    )
    portfolio.create_milestone(
        actor=team.anna,
        project=project,
        values={"title": "Ratsbeschluss", "kind": "decision", "due_date": dt.date(2026, 6, 1)},
    )
    page = body(client_for(team.lea).get(f"{BASE}/roadmap/"))
    assert 'role="img"' in page and '<table class="schedule">' in page
    assert "01.06.2026: Ratsbeschluss (Beschluss)" in page
    assert "mittelfristig" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert re.search(r'x1="\d+(\.\d+)?"', svg)
    assert not re.search(r'(x|x1|width|y|height)="\d+,\d', svg)  # never localised


def test_nav_links_the_part(team: Team) -> None:
    page = body(client_for(team.lea).get(f"{BASE}/"))
    for url in ("/projekte/", "/projektmatrix/", "/roadmap/"):
        assert f'href="{BASE}{url}"' in page
