"""Worksheet API (/api/v1/strategy/workspaces/{id}/worksheets…): the same services as the
pages, 404 for non-members, 403 for roles without the right, 409 on stale versions, 422 with
German messages naming row and column, and the permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kompass.accounts.services import create_api_token
from kompass.strategy import worksheets as services
from kompass.strategy.models import WorksheetEntry
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)

pytestmark = pytest.mark.django_db
API = "/api/v1/strategy/workspaces"
LINK = "http://testserver/x/{token}/"


class Api:
    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, key = create_api_token(user, "Test")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, **self.headers)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data, content_type="application/json", **self.headers)

    def patch(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.patch(url, data, content_type="application/json", **self.headers)

    def delete(self, url: str) -> Any:
        return self.client.delete(url, **self.headers)


def entry(team: Team, worksheet: str = "actor_mapping") -> WorksheetEntry:
    return services.create_entry(
        actor=team.anna,
        workspace=team.workspace,
        worksheet=worksheet,
        title="E",
        answers={"actors": [{"name": "Stadtwerke"}]} if worksheet == "actor_mapping" else {},
    )


def test_list_create_get_patch_delete_restore(team: Team) -> None:
    api = Api(team.carl)
    ws = team.workspace.pk
    listing = api.get(f"{API}/{ws}/worksheets").json()
    assert [w["number"] for w in listing] == list(range(1, 11))
    assert all(w["may_edit"] for w in listing)
    created = api.post(
        f"{API}/{ws}/worksheets/actor_mapping/entries",
        {
            "title": "Akteure",
            "step_code": "1",
            "answers": {"actors": [{"name": "Uni", "ring": "key"}]},
        },
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["version"] == 1 and data["answers"]["actors"][0]["ring"] == "key"
    assert data["created_by"] == "Carl Mitwirkend"
    url = f"{API}/{ws}/worksheet-entries/{data['id']}"
    assert api.get(url).json()["title"] == "Akteure"
    patched = api.patch(url, {"version": 1, "answers": {"relations": "eng"}})
    assert patched.status_code == 200
    assert patched.json()["answers"]["actors"][0]["name"] == "Uni"  # untouched
    assert patched.json()["answers"]["relations"] == "eng" and patched.json()["version"] == 2
    stale = api.patch(url, {"version": 1, "title": "alt"})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["changed_fields"] == ["answers"]
    assert "inzwischen geändert" in stale.json()["detail"]
    assert api.delete(url + "?version=1").status_code == 409
    assert api.delete(url + "?version=2").status_code == 204
    assert api.get(url).status_code == 404
    restored = api.post(url + "/restore", {})
    assert restored.status_code == 200 and restored.json()["version"] == 4


def test_422_names_row_and_column(team: Team) -> None:
    api = Api(team.anna)
    response = api.post(
        f"{API}/{team.workspace.pk}/worksheets/actor_mapping/entries",
        {"title": "A", "answers": {"actors": [{}, {}, {"ring": "Mitte"}], "farbe": 1}},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["answers.actors"] == [
        "Akteurinnen und Akteure, Zeile 3, Ring: „Mitte“ ist keine erlaubte Auswahl."
    ]
    assert errors["answers.farbe"] == [
        "Das Feld „farbe“ gibt es in der Arbeitshilfe „Akteursmapping“ nicht."
    ]
    assert (
        api.post(
            f"{API}/{team.workspace.pk}/worksheets/gibtsnicht/entries", {"title": "x"}
        ).status_code
        == 404
    )


def test_survey_results(team: Team) -> None:
    questionnaire = entry(team, "digitalisation_questionnaire")
    survey = services.create_survey(
        actor=team.anna, entry=questionnaire, title="B", questions=["it_staff_count"]
    )
    new = services.add_recipients(
        actor=team.anna,
        survey=survey,
        people=[{"name": "Ida", "actor_group": "IT"}],
        answer_url_template=LINK,
    )
    services.answer_survey(recipient=new[0].recipient, answers={"it_staff_count": 3})
    data = (
        Api(team.lea).get(f"{API}/{team.workspace.pk}/worksheet-surveys/{survey.pk}/results").json()
    )
    assert data["responses"] == 1
    question = data["questions"][0]
    assert question["stats"]["n"] == 1 and question["stats"]["mean"] == 3
    assert question["answers"] == [{"name": "Ida", "actor_group": "IT", "value": 3}]


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api, Team], Any]
    allowed: frozenset[str]
    ok: int = 200


ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CONTRIBUTE = frozenset({*EDITORS, "external_partner"})


def _survey(team: Team) -> int:
    return services.create_survey(
        actor=team.anna, entry=entry(team, "digitalisation_questionnaire"), title="B"
    ).pk


def _deleted(team: Team) -> int:
    e = entry(team)
    services.delete_entry(actor=team.anna, entry=e, version=1)
    return e.pk


CALLS = [
    Call("list", lambda a, t: a.get(f"{API}/{t.workspace.pk}/worksheets"), ALL),
    Call("get", lambda a, t: a.get(f"{API}/{t.workspace.pk}/worksheet-entries/{entry(t).pk}"), ALL),
    Call(
        "create actor mapping",
        lambda a, t: a.post(
            f"{API}/{t.workspace.pk}/worksheets/actor_mapping/entries", {"title": "x"}
        ),
        CONTRIBUTE,
        201,
    ),
    Call(
        "create risk matrix",
        lambda a, t: a.post(
            f"{API}/{t.workspace.pk}/worksheets/risk_matrix/entries", {"title": "x"}
        ),
        EDIT,
        201,
    ),
    Call(
        "patch",
        lambda a, t: a.patch(
            f"{API}/{t.workspace.pk}/worksheet-entries/{entry(t).pk}", {"version": 1, "title": "y"}
        ),
        CONTRIBUTE,
    ),
    Call(
        "delete",
        lambda a, t: a.delete(f"{API}/{t.workspace.pk}/worksheet-entries/{entry(t).pk}?version=1"),
        EDIT,
        204,
    ),
    Call(
        "restore",
        lambda a, t: a.post(f"{API}/{t.workspace.pk}/worksheet-entries/{_deleted(t)}/restore", {}),
        EDIT,
    ),
    Call(
        "survey results",
        lambda a, t: a.get(f"{API}/{t.workspace.pk}/worksheet-surveys/{_survey(t)}/results"),
        ALL,
    ),
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
        assert response.status_code == call.ok, response.content[:500]
    else:
        assert response.status_code == 403
