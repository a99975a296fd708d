"""Risk matrix API (/api/v1/strategy/workspaces/{id}/risk…): the same services as the pages,
404 for non-members, 403 for roles without the right, 409 on conflicts, 422 with German
messages, the scale change with confirmation, and the permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kompass.strategy import risks
from kompass.strategy.models import Activity, Project
from kompass.strategy.models_risks import Risk
from tests.test_strategy_risks import THREE, make_project, make_risk, three_level_scale
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import API, Api

pytestmark = pytest.mark.django_db


def ws(team: Team) -> str:
    return f"{API}/{team.workspace.pk}"


def _delete(api: Api, url: str) -> Any:
    return api.client.delete(url, **api.headers)


def _put(api: Api, url: str, data: dict[str, Any]) -> Any:
    return api.client.put(url, data, content_type="application/json", **api.headers)


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api, Team], Any]
    allowed: frozenset[str]
    ok: int = 200


def _risk(team: Team) -> Risk:
    return make_risk(team, probability=2, damage=2)


def _restore(api: Api, team: Team) -> Any:
    risk = _risk(team)
    risks.delete_risk(actor=team.anna, risk=risk, version=1)
    return api.post(f"{ws(team)}/risks/{risk.pk}/restore", {})


def _complete(api: Api, team: Team) -> Any:
    project = make_project(team)
    make_risk(team, project=project.pk, probability=1, damage=1)
    return api.post(f"{ws(team)}/risk-assessments/{project.pk}", {"version": 1})


SCALE = {"version": 1, "probability_labels": THREE, "damage_labels": THREE, "confirm": True}
ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CORE = frozenset({"core_team"})
CALLS = [
    Call("scale", lambda api, t: api.get(f"{ws(t)}/risk-scale"), ALL),
    Call(
        "change scale",
        lambda api, t: _put(api, f"{ws(t)}/risk-scale", SCALE),
        frozenset({"core_team"}),
    ),
    Call("list", lambda api, t: api.get(f"{ws(t)}/risks?band=high&needs_rescore=false"), ALL),
    Call("heat map", lambda api, t: api.get(f"{ws(t)}/risk-heatmap"), ALL),
    Call("detail", lambda api, t: api.get(f"{ws(t)}/risks/{_risk(t).pk}"), ALL),
    Call("proposal", lambda api, t: api.get(f"{ws(t)}/risks/{_risk(t).pk}/rescore"), ALL),
    Call("create", lambda api, t: api.post(f"{ws(t)}/risks", {"title": "Neu"}), EDIT, 201),
    Call(
        "patch",
        lambda api, t: api.patch(f"{ws(t)}/risks/{_risk(t).pk}", {"version": 1, "title": "X"}),
        EDIT,
    ),
    Call(
        "delete",
        lambda api, t: _delete(api, f"{ws(t)}/risks/{_risk(t).pk}?version=1"),
        EDIT,
    ),
    Call("restore", _restore, EDIT),
    Call(
        "rescore",
        lambda api, t: api.post(
            f"{ws(t)}/risks/{_risk(t).pk}/rescore", {"version": 1, "probability": 3, "damage": 3}
        ),
        EDIT,
    ),
    Call("complete assessment", _complete, EDIT),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_permission_grid(team: Team, call: Call, who: str) -> None:
    response = call.send(Api(team.user(who)), team)
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


def test_outsiders_and_readers_write_nothing(team: Team) -> None:
    callers = [*OUTSIDERS, "anonymous", "reader", "external_partner"]
    for call in CALLS:
        for who in callers:
            call.send(Api(team.user(who)), team)
    users = [team.user(who) for who in callers if who != "anonymous"]
    # The calls' fixtures are made by Anna; nothing may carry a caller's name.
    assert not Activity.objects.filter(actor__in=users).exists()
    assert not Risk.all_objects.filter(title="Neu").exists()
    assert not Risk.all_objects.exclude(title="Lock-in beim Anbieter").exists()
    assert risks.current_scale(team.workspace).version == 1


# --------------------------------------------------------------------------- behaviour


def test_create_read_patch_and_conflict(team: Team) -> None:
    project = make_project(team)
    api = Api(team.carl)
    created = api.post(
        f"{ws(team)}/risks",
        {
            "title": "Insolvenz",
            "project": project.pk,
            "category": "external",
            "probability": 2,
            "damage": 5,
            "consequence_types": ["economic"],
            "owner": team.member(team.lea).pk,
        },
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["score"], data["band"], data["needs_rescore"]) == (10, "medium", False)
    assert data["scored"]["probability_label"] == "gering"
    assert data["category_label"] == "Externe Risiken"
    assert data["owner"] == {"member_id": team.member(team.lea).pk, "name": "Lea Lesend"}
    assert data["project_title"] == "Digitale Bürgerdienste" and data["version"] == 1
    url = f"{ws(team)}/risks/{data['id']}"
    assert Api(team.lea).get(url).json()["title"] == "Insolvenz"
    patched = api.patch(url, {"version": 1, "damage": 1, "owner": None, "owner_name": "Extern"})
    assert patched.status_code == 200
    assert patched.json()["band"] == "low" and patched.json()["version"] == 2
    assert patched.json()["owner"] == {"member_id": None, "name": "Extern"}
    stale = Api(team.anna).patch(url, {"version": 1, "title": "Überholt"})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2
    assert set(body["changed_fields"]) >= {"damage", "owner", "owner_name"}
    assert "Carl Mitwirkend" in body["detail"]


def test_validation_errors_are_german_per_field(team: Team) -> None:
    response = Api(team.anna).post(
        f"{ws(team)}/risks", {"title": "", "probability": 9, "damage": 1, "category": "x"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["title"] == ["Bitte eine Kurzbezeichnung angeben."]
    assert errors["probability"] == [
        "Die Eintrittswahrscheinlichkeit muss zwischen 1 und 5 liegen, nicht 9."
    ]
    assert errors["category"] == ["Die Art der Risiken „x“ gibt es nicht."]
    assert Api(team.anna).get(f"{ws(team)}/risks/999999").status_code == 404


def test_scale_change_needs_confirmation_then_flags_and_rescore(team: Team) -> None:
    risk = make_risk(team, probability=4, damage=2)
    api = Api(team.anna)
    scale = api.get(f"{ws(team)}/risk-scale").json()
    assert scale["version"] == 1 and scale["probability"]["levels"] == 5
    assert scale["probability"]["labels"][0] == {"value": 1, "label": "sehr gering"}
    assert scale["scored_risks"] == 1
    refused = _put(api, f"{ws(team)}/risk-scale", {**SCALE, "confirm": False})
    assert refused.status_code == 422
    assert "Bitte bestätigen Sie die Änderung" in refused.json()["errors"]["confirm"][0]
    changed = _put(api, f"{ws(team)}/risk-scale", SCALE)
    assert changed.status_code == 200
    assert (changed.json()["version"], changed.json()["needs_rescore"]) == (2, 1)
    stale = _put(api, f"{ws(team)}/risk-scale", SCALE)
    assert stale.status_code == 409

    listed = api.get(f"{ws(team)}/risks").json()
    assert len(listed) == 1
    item = listed[0]
    assert (item["needs_rescore"], item["score"], item["band"]) == (True, None, None)
    assert item["scored"]["probability"] == 4 and item["scored"]["probability_label"] == "hoch"
    assert api.get(f"{ws(team)}/risks?needs_rescore=false").json() == []
    heat = api.get(f"{ws(team)}/risk-heatmap").json()
    assert (heat["total"], heat["needs_rescore"], len(heat["cells"])) == (0, 1, 9)

    url = f"{ws(team)}/risks/{risk.pk}"
    refused_patch = api.patch(url, {"version": 1, "probability": 1, "damage": 1})
    assert refused_patch.status_code == 422
    proposal = api.get(f"{url}/rescore").json()
    assert proposal["needs_rescore"] is True
    assert proposal["proposal"] == {
        "probability": 3,
        "probability_label": "häufig",
        "damage": 2,
        "damage_label": "gelegentlich",
    }
    assert Risk.objects.get(pk=risk.pk).scale_version == 1  # the proposal saved nothing
    rescored = api.post(f"{url}/rescore", {"version": 1, "probability": 3, "damage": 2})
    assert rescored.status_code == 200
    assert (rescored.json()["needs_rescore"], rescored.json()["band"]) == (False, "high")
    heat = api.get(f"{ws(team)}/risk-heatmap").json()
    cell = next(c for c in heat["cells"] if (c["probability"], c["damage"]) == (3, 2))
    assert (cell["count"], cell["risk_ids"], cell["band_label"]) == (1, [risk.pk], "hoch")
    assert heat["bands"] == {"low": 0, "medium": 0, "high": 1}


def test_list_filters_and_sort(team: Team) -> None:
    project = make_project(team)
    make_risk(team, title="A", project=project.pk, probability=5, damage=5)
    make_risk(team, title="B", category="technical", probability=1, damage=1, owner_name="X")
    make_risk(team, title="C")
    api = Api(team.lea)

    def titles(query: str) -> list[str]:
        response = api.get(f"{ws(team)}/risks{query}")
        assert response.status_code == 200, response.content
        return [r["title"] for r in response.json()]

    assert titles("") == ["A", "B", "C"]
    assert titles("?sort=title") == ["A", "B", "C"]
    assert titles("?sort=score_asc") == ["B", "A", "C"]
    assert titles(f"?project={project.pk}") == ["A"]
    assert titles("?project=strategy") == ["B", "C"]
    assert titles("?category=technical") == ["B"]
    assert titles("?band=high") == ["A"]
    assert titles("?owner=external") == ["B"]
    assert titles("?owner=none") == ["A", "C"]
    assert titles("?needs_rescore=true") == []
    assert api.get(f"{ws(team)}/risks?band=extreme").status_code == 422


def test_delete_restore_and_complete_assessment(team: Team) -> None:
    project = make_project(team)
    risk = make_risk(team, project=project.pk, probability=1, damage=1)
    api = Api(team.carl)
    url = f"{ws(team)}/risks/{risk.pk}"
    assert _delete(api, f"{url}?version=5").status_code == 409
    deleted = _delete(api, f"{url}?version=1")
    assert deleted.status_code == 200 and deleted.json()["version"] == 2
    assert api.get(url).status_code == 404
    refused = api.post(f"{ws(team)}/risk-assessments/{project.pk}", {"version": 1})
    assert refused.status_code == 422
    assert "noch kein Risiko erfasst" in refused.json()["detail"]
    restored = api.post(f"{url}/restore", {})
    assert restored.status_code == 200 and restored.json()["version"] == 3
    assert api.post(f"{url}/restore", {}).status_code == 422
    done = api.post(f"{ws(team)}/risk-assessments/{project.pk}", {"version": 1})
    assert done.status_code == 200
    assert done.json() == {
        "id": project.pk,
        "title": "Digitale Bürgerdienste",
        "status": "risk_assessed",
        "status_label": "Risiken bewertet",
        "version": 2,
    }
    assert Project.objects.get(pk=project.pk).status == "risk_assessed"
    again = api.post(f"{ws(team)}/risk-assessments/{project.pk}", {"version": 2})
    assert again.status_code == 422
    assert "nur für Projekte im Status „Skizze“" in again.json()["detail"]


def test_other_workspaces_risks_are_not_found(team: Team) -> None:
    from kompass.strategy import services

    other = services.create_workspace(
        actor=team.anna, municipality=team.personas.musterstadt, title="Zweiter Raum"
    )
    foreign = risks.create_risk(actor=team.anna, workspace=other, title="Fremd")
    api = Api(team.carl)
    assert api.get(f"{ws(team)}/risks/{foreign.pk}").status_code == 404
    assert api.patch(f"{ws(team)}/risks/{foreign.pk}", {"version": 1}).status_code == 404
    assert Api(team.anna).get(f"{ws(team)}/risks/{foreign.pk}").status_code == 404
    three_level_scale(team)
    assert Api(team.anna).get(f"{API}/{other.pk}/risk-scale").json()["version"] == 1
