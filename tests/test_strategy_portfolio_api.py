"""Portfolio API (/api/v1/strategy/workspaces/{id}/projects …): the same services as the pages,
404 for non-members, 403 for roles without the right, 409 on conflicts, 422 in German, and the
permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kompass.strategy import portfolio
from kompass.strategy.models import Project
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api

pytestmark = pytest.mark.django_db
API = "/api/v1/strategy/workspaces"


class Api2(Api):
    def put(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.put(url, data, content_type="application/json", **self.headers)

    def delete(self, url: str) -> Any:
        return self.client.delete(url, **self.headers)


def new(team: Team, title: str = "Smart Trampen", **values: Any) -> Project:
    return portfolio.create_project(
        actor=team.anna, workspace=team.workspace, values={"title": title, **values}
    ).project


def _milestone(team: Team) -> Any:
    return portfolio.create_milestone(
        actor=team.anna, project=new(team), values={"title": "M", "due_date": "2026-01-01"}
    )


def _publish(team: Team) -> None:
    portfolio.save_weights(actor=team.anna, workspace=team.workspace, weights={}, publish=True)


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api2, Team], Any]
    allowed: frozenset[str]
    ok: int = 200


def base(t: Team) -> str:
    return f"{API}/{t.workspace.pk}"


def _restore(api: Api2, t: Team) -> Any:
    project = new(t)
    portfolio.delete_project(actor=t.anna, project=project, version=1)
    return api.post(f"{base(t)}/projects/{project.pk}/restore", {})


def _restore_milestone(api: Api2, t: Team) -> Any:
    stone = _milestone(t)
    portfolio.delete_milestone(actor=t.anna, milestone=stone, version=1)
    return api.post(f"{base(t)}/milestones/{stone.pk}/restore", {})


def _score(api: Api2, t: Team) -> Any:
    _publish(t)
    return api.put(
        f"{base(t)}/projects/{new(t).pk}/assessments",
        {"weighting_number": 1, "scores": {"durability": 4}},
    )


ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CALLS = [
    Call("list", lambda api, t: api.get(f"{base(t)}/projects"), ALL),
    Call("get", lambda api, t: api.get(f"{base(t)}/projects/{new(t).pk}"), ALL),
    Call("create", lambda api, t: api.post(f"{base(t)}/projects", {"title": "X"}), EDIT, 201),
    Call(
        "patch",
        lambda api, t: api.patch(f"{base(t)}/projects/{new(t).pk}", {"version": 1, "title": "Y"}),
        EDIT,
    ),
    Call(
        "dependencies",
        lambda api, t: api.put(
            f"{base(t)}/projects/{new(t).pk}/dependencies",
            {"version": 1, "depends_on": [new(t, "B").pk]},
        ),
        EDIT,
    ),
    Call(
        "delete",
        lambda api, t: api.delete(f"{base(t)}/projects/{new(t).pk}?version=1"),
        EDIT,
    ),
    Call("restore", _restore, EDIT),
    Call("milestones", lambda api, t: api.get(f"{base(t)}/milestones"), ALL),
    Call(
        "milestone create",
        lambda api, t: api.post(
            f"{base(t)}/projects/{new(t).pk}/milestones", {"title": "M", "due_date": "2026-02-01"}
        ),
        EDIT,
        201,
    ),
    Call(
        "milestone patch",
        lambda api, t: api.patch(
            f"{base(t)}/milestones/{_milestone(t).pk}", {"version": 1, "done": True}
        ),
        EDIT,
    ),
    Call(
        "milestone delete",
        lambda api, t: api.delete(f"{base(t)}/milestones/{_milestone(t).pk}?version=1"),
        EDIT,
    ),
    Call("milestone restore", _restore_milestone, EDIT),
    Call("weighting", lambda api, t: api.get(f"{base(t)}/project-matrix/weighting"), ALL),
    Call(
        "weighting put",
        lambda api, t: api.put(
            f"{base(t)}/project-matrix/weighting", {"weights": {"durability": 2}, "publish": True}
        ),
        frozenset({"core_team"}),
    ),
    Call("matrix", lambda api, t: api.get(f"{base(t)}/project-matrix"), ALL),
    Call("assessments", _score, EDIT),
    Call(
        "traffic light",
        lambda api, t: api.put(
            f"{base(t)}/projects/{new(t).pk}/traffic-light",
            {"version": 1, "traffic_light": "green", "rationale": "gut"},
        ),
        EDIT,
    ),
    Call("roadmap", lambda api, t: api.get(f"{base(t)}/roadmap"), ALL),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_permission_grid(team: Team, call: Call, who: str) -> None:
    response = call.send(Api2(team.user(who)), team)
    if who == "anonymous":
        assert response.status_code == 401
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert response.json() == {"detail": "Arbeitsraum nicht gefunden."}
    elif who in call.allowed:
        assert response.status_code == call.ok, response.content
    else:
        assert response.status_code == 403
        assert "Rolle" in response.json()["detail"]


def test_project_life_cycle_over_the_api(team: Team) -> None:
    api = Api2(team.carl)
    created = api.post(
        f"{base(team)}/projects",
        {
            "title": "Smart Trampen",
            "budget": "100",
            "funding_sources": [{"name": "EU", "amount": "120"}],
            "sketch": {"idea": "Bänke"},
            "responsible": team.member(team.carl).pk,
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["version"] == 1 and data["sketch"]["idea"] == "Bänke"
    assert float(data["funding_total"]) == 120
    assert "übersteigen das Budget" in data["warnings"][0]
    pid = data["id"]
    refused = api.patch(f"{base(team)}/projects/{pid}", {"version": 1, "status": "stopped"})
    assert refused.status_code == 422
    assert "status_reason" in refused.json()["errors"]
    ok = api.patch(
        f"{base(team)}/projects/{pid}",
        {"version": 1, "status": "stopped", "status_reason": "kein Geld", "budget": None},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "stopped"
    assert ok.json()["budget"] is None and ok.json()["version"] == 2
    stale = Api2(team.anna).patch(f"{base(team)}/projects/{pid}", {"version": 1, "title": "X"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert set(stale.json()["changed_fields"]) == {"status", "budget"}
    bad = api.post(f"{base(team)}/projects", {"title": "", "horizon": "short_term"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["title"] == ["Bitte einen Projekttitel angeben."]
    # cycle
    other = api.post(f"{base(team)}/projects", {"title": "B", "depends_on": [pid]}).json()
    cycle = api.put(
        f"{base(team)}/projects/{pid}/dependencies", {"version": 2, "depends_on": [other["id"]]}
    )
    assert cycle.status_code == 422
    assert (
        "zyklische Abhängigkeit: „Smart Trampen“ → „B“ → „Smart Trampen“" in cycle.json()["detail"]
    )
    # bin
    gone = api.delete(f"{base(team)}/projects/{pid}?version=2")
    assert gone.status_code == 200 and gone.json()["deleted_at"]
    assert api.get(f"{base(team)}/projects/{pid}").status_code == 404
    assert [p["title"] for p in api.get(f"{base(team)}/projects").json()] == ["B"]
    back = api.post(f"{base(team)}/projects/{pid}/restore", {})
    assert back.status_code == 200 and back.json()["deleted_at"] is None
    filtered = api.get(f"{base(team)}/projects?status=stopped").json()
    assert [p["id"] for p in filtered] == [pid]


def test_weights_and_scores_over_the_api(team: Team) -> None:
    project = new(team)
    core, carl = Api2(team.anna), Api2(team.carl)
    draft = core.put(f"{base(team)}/project-matrix/weighting", {"weights": {"durability": 3}})
    assert draft.status_code == 200 and draft.json()["published"] is False
    hidden = carl.get(f"{base(team)}/project-matrix/weighting").json()
    assert all(c["weight"] is None for c in hidden["criteria"])
    early = carl.put(
        f"{base(team)}/projects/{project.pk}/assessments",
        {"weighting_number": 0, "scores": {"durability": 3}},
    )
    assert early.status_code == 422
    published = core.put(
        f"{base(team)}/project-matrix/weighting",
        {"weights": {}, "publish": True, "version": draft.json()["version"]},
    ).json()
    assert published["number"] == 1
    weights = {
        c["slug"]: c["weight"]
        for c in carl.get(f"{base(team)}/project-matrix/weighting").json()["criteria"]
    }
    assert weights["durability"] == 3 and weights["acceptance"] == 1
    # all criteria 2, durability 5: (9·1·2 + 3·5) / 12 = 33/12 = 2.75
    scores = {slug: 2 for slug in weights} | {"durability": 5}
    row = carl.put(
        f"{base(team)}/projects/{project.pk}/assessments",
        {"weighting_number": 1, "scores": scores},
    )
    assert row.status_code == 200, row.content
    assert float(row.json()["total"]) == 2.75 and row.json()["rank"] == 1
    change = core.put(
        f"{base(team)}/project-matrix/weighting",
        {"weights": {"durability": 1}, "version": published["version"]},
    )
    assert change.status_code == 422 and "confirm" in change.json()["errors"]
    change = core.put(
        f"{base(team)}/project-matrix/weighting",
        {"weights": {"durability": 1}, "version": published["version"], "confirm": True},
    )
    assert change.json()["number"] == 2
    matrix = carl.get(f"{base(team)}/project-matrix").json()
    assert matrix["rows"][0]["total"] is None
    assert len(matrix["rows"][0]["stale"]) == 10
    old = carl.put(
        f"{base(team)}/projects/{project.pk}/assessments",
        {"weighting_number": 1, "scores": scores},
    )
    assert old.status_code == 409 and old.json()["current_version"] == 2
    again = carl.put(
        f"{base(team)}/projects/{project.pk}/assessments",
        {"weighting_number": 2, "scores": scores},
    )
    # weights all 1 now: (9·2 + 5) / 10 = 2.3
    assert float(again.json()["total"]) == 2.3
    light = carl.put(
        f"{base(team)}/projects/{project.pk}/traffic-light",
        {"version": 1, "traffic_light": "green"},
    )
    assert light.status_code == 422
    assert "traffic_light_rationale" in light.json()["errors"]


def test_milestones_and_roadmap_over_the_api(team: Team) -> None:
    project = new(team, horizon="short_term")
    api = Api2(team.carl)
    made = api.post(
        f"{base(team)}/projects/{project.pk}/milestones",
        {"title": "Beschluss", "kind": "decision", "due_date": "2026-04-01"},
    )
    assert made.status_code == 201
    mid = made.json()["id"]
    assert (
        api.patch(f"{base(team)}/milestones/{mid}", {"version": 1, "title": "B2"}).json()["version"]
        == 2
    )
    assert (
        api.patch(f"{base(team)}/milestones/{mid}", {"version": 1, "title": "B3"}).status_code
        == 409
    )
    road = api.get(f"{base(team)}/roadmap").json()
    assert [p["title"] for p in road["horizons"]["short_term"]] == ["Smart Trampen"]
    assert road["horizons"]["none"] == []
    assert road["milestones"][0]["title"] == "B2"
    assert road["fields"] == [
        {
            "field_of_action": None,
            "title": "ohne Handlungsfeld",
            "by_horizon": {
                "short_term": [project.pk],
                "medium_term": [],
                "long_term": [],
                "none": [],
            },
        }
    ]
    detail = api.get(f"{base(team)}/projects/{project.pk}").json()
    assert [m["title"] for m in detail["milestones"]] == ["B2"]
