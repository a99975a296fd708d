"""Strategy workspace API (/api/v1/strategy/workspaces…): the same services as the pages,
a personal API key, 404 for non-members, 403 for roles without the right, 409 on conflicts,
and the permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kompass.accounts.services import create_api_token
from kompass.strategy import services
from kompass.strategy.models import Workspace
from tests.conftest import Personas
from tests.test_digitalcheck_views import submitted_check
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


class Api:
    """A test client that sends the persona's API key (none for anonymous)."""

    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, key = create_api_token(user, "Test")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, **self.headers)

    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data, content_type="application/json", **self.headers)

    def patch(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.patch(url, data, content_type="application/json", **self.headers)


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api, Team], Any]
    allowed: frozenset[str]
    ok: int = 200


CALLS = [
    Call("detail", lambda api, t: api.get(f"{API}/{t.workspace.pk}"), frozenset(MEMBERS)),
    Call("steps", lambda api, t: api.get(f"{API}/{t.workspace.pk}/steps"), frozenset(MEMBERS)),
    Call("members", lambda api, t: api.get(f"{API}/{t.workspace.pk}/members"), frozenset(MEMBERS)),
    Call(
        "patch step",
        lambda api, t: api.patch(
            f"{API}/{t.workspace.pk}/steps/1", {"version": 1, "state": "in_progress"}
        ),
        frozenset(EDITORS),
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
        assert response.status_code == call.ok, response.content
    else:
        assert response.status_code == 403
        assert "Rolle" in response.json()["detail"]


@pytest.mark.parametrize("who", PEOPLE)
def test_list_shows_own_workspaces_only(team: Team, who: str) -> None:
    response = Api(team.user(who)).get(API)
    if who == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    titles = [w["title"] for w in response.json()]
    assert titles == (["Digitalstrategie 2030"] if who in MEMBERS else [])


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("core_team", 201),
        ("contributor", 201),  # Carl is a member of Musterstadt
        ("reader", 201),
        ("external_partner", 403),
        ("municipality_member", 201),
        ("other_municipality", 403),
        ("no_municipality", 403),
        ("anonymous", 401),
    ],
)
def test_who_creates_workspaces_for_musterstadt(team: Team, who: str, status: int) -> None:
    response = Api(team.user(who)).post(API, {"municipality": "musterstadt", "title": "Neu"})
    assert response.status_code == status, response.content
    if status == 403:
        assert response.json() == {
            "detail": "Nur Mitglieder von Musterstadt können dort Arbeitsräume anlegen."
        }


# --------------------------------------------------------------------------- behaviour


def test_create_and_read_a_workspace(personas: Personas) -> None:
    check = submitted_check(personas.musterstadt)
    foreign = submitted_check(personas.beispieldorf)
    api = Api(personas.mia)
    refused = api.post(
        API,
        {"municipality": "musterstadt", "title": "X", "digitalcheck_submission_id": foreign.pk},
    )
    assert refused.status_code == 422
    assert "digitalcheck_submission_id" in refused.json()["errors"]
    created = api.post(
        API,
        {
            "municipality": "01099001",  # by AGS
            "title": "Smarte Region Nord",
            "kind": "district_alliance",
            "entry_variant": "pilot_first",
            "digitalcheck_submission_id": check.pk,
        },
    )
    assert created.status_code == 201
    data = created.json()
    assert data["slug"] == "smarte-region-nord"
    assert data["my_role"] == "core_team"
    assert data["entry_variant_label"] == "Pilotprojekte zuerst"
    assert data["url"] == "/strategie/musterstadt/smarte-region-nord/"
    detail = api.get(f"{API}/{data['id']}").json()
    assert detail["members"] == 1
    assert detail["progress"]["done"] == 0 and detail["progress"]["total"] > 30
    assert detail["digitalcheck_submission_id"] == check.pk
    steps = api.get(f"{API}/{data['id']}/steps").json()
    assert [s["code"] for s in steps] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "SB"]
    assert steps[0]["title"] == "Die Bestandsanalyse" and steps[0]["cycle"] == "strategy"
    assert steps[-1]["cycle"] is None and steps[-1]["checklist"] == []
    assert {s["version"] for s in steps} == {1}


def test_create_reports_german_validation_errors(personas: Personas) -> None:
    api = Api(personas.anna)
    unknown = api.post(API, {"municipality": "nirgendwo", "title": "X"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"municipality": ["Eine Kommune „nirgendwo“ gibt es nicht."]}
    empty = api.post(API, {"municipality": "musterstadt", "title": " "})
    assert empty.status_code == 422
    assert empty.json()["errors"] == {"title": ["Bitte einen Titel angeben."]}
    wrong_kind = api.post(API, {"municipality": "musterstadt", "title": "X", "kind": "dorf"})
    assert wrong_kind.status_code == 422
    assert not Workspace.objects.exists()


def test_patch_changes_only_the_fields_sent(team: Team) -> None:
    api = Api(team.carl)
    url = f"{API}/{team.workspace.pk}/steps/1"
    carl = team.member(team.carl).pk
    first = api.patch(
        url, {"version": 1, "state": "in_progress", "owner": carl, "due_date": "2027-03-31"}
    )
    assert first.status_code == 200
    data = first.json()
    assert data["owner"] == {"member_id": carl, "name": "Carl Mitwirkend"}
    assert data["version"] == 2 and data["due_date"] == "2027-03-31"
    second = api.patch(url, {"version": 2, "checklist": [0, 1]}).json()
    assert second["state"] == "in_progress" and second["owner"]["member_id"] == carl
    assert [item["done"] for item in second["checklist"]][:3] == [True, True, False]
    assert second["results_done"] == 2
    cleared = api.patch(url, {"version": 3, "owner": None, "due_date": None}).json()
    assert cleared["owner"] is None and cleared["due_date"] is None


def test_patch_with_an_old_version_is_a_409_naming_the_fields(team: Team) -> None:
    url = f"{API}/{team.workspace.pk}/steps/1"
    assert Api(team.carl).patch(url, {"version": 1, "checklist": [0]}).status_code == 200
    response = Api(team.anna).patch(url, {"version": 1, "state": "skipped"})
    assert response.status_code == 409
    data = response.json()
    assert data["current_version"] == 2
    assert data["changed_fields"] == ["checklist"]
    assert "Geändert wurden: Ergebnisse (Checkliste)." in data["detail"]
    assert "von Carl Mitwirkend" in data["detail"]
    assert team.step("1").state == "open"


def test_patch_validates_in_german(team: Team) -> None:
    api = Api(team.anna)
    url = f"{API}/{team.workspace.pk}/steps/2"
    done = api.patch(url, {"version": 1, "state": "done"})
    assert done.status_code == 422
    assert done.json()["errors"]["state"][0].startswith("Arbeitsschritt 2: noch nicht abgehakt")
    reason = api.patch(url, {"version": 1, "state": "done", "done_reason": "extern erledigt"})
    assert reason.status_code == 200 and reason.json()["done_reason"] == "extern erledigt"
    reader = team.member(team.lea).pk
    owner = api.patch(url, {"version": 2, "owner": reader})
    assert owner.status_code == 422
    assert "kann keinen Arbeitsschritt verantworten" in owner.json()["errors"]["owner"][0]
    stranger = api.patch(url, {"version": 2, "owner": 999999})
    assert stranger.status_code == 422
    assert api.patch(url, {"version": 2, "checklist": [99]}).status_code == 422
    assert api.patch(url, {"version": 2, "state": None}).status_code == 422
    assert api.patch(url, {"version": 2, "state": "fertig"}).status_code == 422
    assert api.patch(f"{API}/{team.workspace.pk}/steps/10", {"version": 1}).status_code == 404


def test_patch_addresses_rounds(team: Team) -> None:
    services.update_step(
        actor=team.anna, step=team.step("5"), version=1, state="done", done_reason="erste Runde"
    )
    services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    api = Api(team.anna)
    latest = api.patch(f"{API}/{team.workspace.pk}/steps/5", {"version": 1, "checklist": [0]})
    assert latest.status_code == 200 and latest.json()["round"] == 2
    first = api.patch(
        f"{API}/{team.workspace.pk}/steps/5?round=1", {"version": 2, "state": "in_progress"}
    )
    assert first.status_code == 200 and first.json()["round"] == 1
    missing = api.patch(f"{API}/{team.workspace.pk}/steps/5?round=9", {"version": 1})
    assert missing.status_code == 404


def test_members_endpoint_shows_emails_to_the_core_team_only(team: Team) -> None:
    core = Api(team.anna).get(f"{API}/{team.workspace.pk}/members").json()
    assert {m["email"] for m in core} >= {"lea@musterstadt.example", "pia@beratung.example"}
    assert {m["role"] for m in core} == {
        "core_team",
        "contributor",
        "reader",
        "external_partner",
    }
    reader = Api(team.lea).get(f"{API}/{team.workspace.pk}/members").json()
    assert {m["email"] for m in reader} == {None}


def test_unknown_workspace_is_a_404(personas: Personas) -> None:
    assert Api(personas.anna).get(f"{API}/999999").status_code == 404


def test_process_endpoint_stays_public() -> None:
    response = Client().get("/api/v1/strategy/process")
    assert response.status_code == 200
    assert len(response.json()["steps"]) == 9


def test_openapi_components_of_the_strategy_schemas_are_their_own() -> None:
    """django-ninja names components after the schema class; a class of the same name in
    another app silently replaces ours in /api/v1/openapi.json. Every strategy schema must be
    described by its own fields."""
    import inspect

    from ninja import Schema

    from kompass.strategy import api as strategy_api

    components = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    wrong = []
    for name, cls in inspect.getmembers(strategy_api, inspect.isclass):
        if not issubclass(cls, Schema) or cls is Schema or cls.__module__ != strategy_api.__name__:
            continue
        if name in components and set(components[name]["properties"]) != set(cls.model_fields):
            wrong.append(name)
    assert wrong == []
