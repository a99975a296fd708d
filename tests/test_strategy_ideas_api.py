"""API of fields of action, ideas and votes: the same services as the pages, 404 for
non-members, 403 for roles without the right, 409 on stale versions, 422 in German, and the
permission grid of every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from kompass.strategy import fields, ideas
from kompass.strategy.models import Activity, FieldOfAction, Idea, Vote
from tests.test_strategy_workspace import (
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api

pytestmark = pytest.mark.django_db
API = "/api/v1/strategy/workspaces"


def _field(team: Team) -> FieldOfAction:
    return fields.create_field(actor=team.anna, workspace=team.workspace, title="Mobilität")


def _idea(team: Team) -> Idea:
    return ideas.create_idea(actor=team.anna, workspace=team.workspace, title="Mitfahrbank")


def _open(team: Team) -> Any:
    existing = ideas.voting_round(team.workspace, 1)
    if existing is not None and existing.is_open:
        return existing
    return ideas.open_voting(actor=team.anna, workspace=team.workspace, round_number=1)


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


ALL = frozenset(MEMBERS)
EDIT = frozenset({"core_team", "contributor"})
CONTRIBUTE = frozenset({"core_team", "contributor", "external_partner"})
CORE = frozenset({"core_team"})


def w(team: Team) -> str:
    return f"{API}/{team.workspace.pk}"


def _deleted_field(api: Api, t: Team) -> Any:
    field = _field(t)
    fields.delete_field(actor=t.anna, field=field, version=1)
    return api.post(f"{w(t)}/fields/{field.pk}/restore", {})


def _deleted_idea(api: Api, t: Team) -> Any:
    idea = _idea(t)
    ideas.delete_idea(actor=t.anna, idea=idea, version=1)
    return api.post(f"{w(t)}/ideas/{idea.pk}/restore", {})


def _cast(api: Api, t: Team) -> Any:
    _open(t)
    return api.post(f"{w(t)}/ideas/{_idea(t).pk}/votes", {"actor_group": "business"})


def _tally(api: Api, t: Team) -> Any:
    _open(t)
    return _put(api, f"{w(t)}/ideas/{_idea(t).pk}/tally", {"actor_group": "science", "dots": 2})


def _workshop(api: Api, t: Team) -> Any:
    idea = _idea(t)
    voting = _open(t)
    return _put(
        api,
        f"{w(t)}/voting/1/workshop",
        {
            "version": voting.version,
            "workshop_participants": {"science": 2},
            "tallies": [{"idea": idea.pk, "actor_group": "science", "dots": 4}],
        },
    )


def _order(api: Api, t: Team) -> Any:
    a = _field(t)
    b = fields.create_field(actor=t.anna, workspace=t.workspace, title="Energie")
    return _put(
        api,
        f"{w(t)}/fields/order",
        {"fields": [{"id": b.pk, "version": 1}, {"id": a.pk, "version": 1}]},
    )


def _withdraw(api: Api, t: Team) -> Any:
    idea = _idea(t)
    _open(t)
    for user in (t.anna, t.carl, t.pia):
        ideas.cast_vote(actor=user, idea=idea, actor_group="science")
    return _delete(api, f"{w(t)}/ideas/{idea.pk}/votes")


CALLS = [
    Call("fields", lambda a, t: a.get(f"{w(t)}/fields"), ALL),
    Call("create field", lambda a, t: a.post(f"{w(t)}/fields", {"title": "Energie"}), EDIT, 201),
    Call("seed", lambda a, t: a.post(f"{w(t)}/fields/seed", {"terms": ["Kultur"]}), EDIT, 201),
    Call(
        "patch field",
        lambda a, t: a.patch(f"{w(t)}/fields/{_field(t).pk}", {"version": 1, "title": "X"}),
        EDIT,
    ),
    Call(
        "delete field",
        lambda a, t: _delete(a, f"{w(t)}/fields/{_field(t).pk}?version=1"),
        EDIT,
        204,
    ),
    Call("restore field", _deleted_field, EDIT),
    Call("order fields", _order, EDIT),
    Call("ideas", lambda a, t: a.get(f"{w(t)}/ideas?round=1"), ALL),
    Call("create idea", lambda a, t: a.post(f"{w(t)}/ideas", {"title": "App"}), CONTRIBUTE, 201),
    Call(
        "patch idea",
        lambda a, t: a.patch(f"{w(t)}/ideas/{_idea(t).pk}", {"version": 1, "goal": "Ziel"}),
        EDIT,
    ),
    Call(
        "delete idea", lambda a, t: _delete(a, f"{w(t)}/ideas/{_idea(t).pk}?version=1"), EDIT, 204
    ),
    Call("restore idea", _deleted_idea, EDIT),
    Call(
        "promote",
        lambda a, t: a.post(f"{w(t)}/ideas/{_idea(t).pk}/promote", {"version": 1}),
        EDIT,
        201,
    ),
    Call(
        "cast vote",
        _cast,
        CONTRIBUTE,
        201,
    ),
    Call("withdraw vote", _withdraw, CONTRIBUTE),
    Call(
        "tally",
        _tally,
        EDIT,
    ),
    Call("workshop", _workshop, EDIT),
    Call("results", lambda a, t: a.get(f"{w(t)}/voting/1"), ALL),
    Call("open voting", lambda a, t: a.post(f"{w(t)}/voting/1/open", {}), CORE),
    Call(
        "close voting",
        lambda a, t: a.post(f"{w(t)}/voting/1/close", {"version": _open(t).version}),
        CORE,
    ),
    Call(
        "participants",
        lambda a, t: _put(
            a,
            f"{w(t)}/voting/1/participants",
            {"version": _open(t).version, "workshop_participants": {"science": 3}},
        ),
        EDIT,
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
        assert response.status_code == 403, response.content
        assert "Rolle" in response.json()["detail"]


def test_fields_conflict_and_german_validation(team: Team) -> None:
    api = Api(team.anna)
    created = api.post(
        f"{w(team)}/fields",
        {"title": "Nord", "spatial_reference": "district", "atlas_fields": ["mobility"]},
    )
    assert created.status_code == 422
    assert "Stadtteil" in created.json()["errors"]["spatial_note"][0]
    seeded = api.post(f"{w(team)}/fields/seed", {"terms": ["Verwaltung", "Energie"]}).json()
    assert [f["atlas_fields"] for f in seeded] == [
        ["administration", "data_platform"],
        ["energy_environment"],
    ]
    first = seeded[0]
    ok = api.patch(f"{w(team)}/fields/{first['id']}", {"version": 1, "municipal_role": "networker"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(f"{w(team)}/fields/{first['id']}", {"version": 1, "title": "Verwaltung 2"})
    assert stale.status_code == 409
    assert stale.json()["changed_fields"] == ["municipal_role"]
    assert stale.json()["current_version"] == 2
    moved = api.patch(f"{w(team)}/fields/{first['id']}", {"version": 2, "position": "down"})
    assert moved.status_code == 200 and moved.json()["position"] == 2
    assert api.get(f"{w(team)}/fields/999999").status_code in (404, 405)
    assert api.patch(f"{w(team)}/fields/999999", {"version": 1}).status_code == 404


def test_ideas_votes_and_results_through_the_api(team: Team) -> None:
    api = Api(team.carl)
    field = _field(team)
    created = api.post(
        f"{w(team)}/ideas",
        {"title": "Leerstandskataster", "field_of_action": field.pk, "partners": ["Landkreis"]},
    )
    assert created.status_code == 201, created.content
    idea = created.json()
    assert idea["round"] == 1 and idea["status"] == "longlist"
    assert idea["field_of_action_title"] == "Mobilität"
    assert api.post(f"{w(team)}/ideas", {"title": " "}).json()["errors"]["title"] == [
        "Bitte der Idee einen Titel (Projekt) geben."
    ]
    closed = api.post(f"{w(team)}/ideas/{idea['id']}/votes", {"actor_group": "science"})
    assert closed.status_code == 422 and "nicht geöffnet" in closed.json()["detail"]
    assert Api(team.anna).post(f"{w(team)}/voting/1/open", {}).status_code == 200
    for expected in (1, 2, 3):
        mine = api.post(f"{w(team)}/ideas/{idea['id']}/votes", {"actor_group": "science"}).json()
        assert mine["used"] == expected
    fourth = api.post(f"{w(team)}/ideas/{idea['id']}/votes", {})
    assert fourth.status_code == 422 and "alle 3 Punkte" in fourth.json()["detail"]
    back = _delete(api, f"{w(team)}/ideas/{idea['id']}/votes").json()
    assert back == {
        "round": 1,
        "actor_group": "science",
        "used": 2,
        "remaining": 1,
        "idea_votes": 2,
    }
    listed = api.get(f"{w(team)}/ideas").json()
    assert listed[0]["votes"]["science"] == 2 and listed[0]["votes_total"] == 2
    results = api.get(f"{w(team)}/voting/1").json()
    assert results["state"] == "open" and results["total_dots"] == 2
    assert results["ideas"][0]["balanced"] == 2.0
    science = next(g for g in results["groups"] if g["actor_group"] == "science")
    assert science["dot_share"] == 1.0 and science["participants"] == 1
    promoted = api.post(f"{w(team)}/ideas/{idea['id']}/promote", {"version": 1}).json()
    assert promoted["status"] == "sketch"
    assert promoted["sketch"]["participants"] == ["Landkreis"]
    stale = api.patch(f"{w(team)}/ideas/{idea['id']}", {"version": 1, "goal": "x"})
    assert stale.status_code == 409 and "promoted_to" in stale.json()["changed_fields"]
    assert api.get(f"{w(team)}/voting/9").status_code == 404


def test_fields_are_reordered_with_the_versions_read(team: Team) -> None:
    api = Api(team.carl)
    a, b, c = (
        fields.create_field(actor=team.anna, workspace=team.workspace, title=t)
        for t in ("A", "B", "C")
    )
    url = f"{w(team)}/fields/order"
    ok = _put(
        api,
        url,
        {
            "fields": [
                {"id": c.pk, "version": 1},
                {"id": a.pk, "version": 1},
                {"id": b.pk, "version": 1},
            ]
        },
    )
    assert ok.status_code == 200, ok.content
    assert [(f["title"], f["position"], f["version"]) for f in ok.json()] == [
        ("C", 1, 2),
        ("A", 2, 2),
        ("B", 3, 2),
    ]
    assert [f["title"] for f in api.get(f"{w(team)}/fields").json()] == ["C", "A", "B"]
    # Someone renames B meanwhile: a reordering based on the old versions moves nothing.
    fields.update_field(actor=team.anna, field=b, version=2, title="B neu")
    stale = _put(
        api,
        url,
        {
            "fields": [
                {"id": a.pk, "version": 2},
                {"id": b.pk, "version": 2},
                {"id": c.pk, "version": 2},
            ]
        },
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 3
    assert stale.json()["changed_fields"] == ["title"]
    assert "B neu" in stale.json()["detail"]
    assert [f.title for f in FieldOfAction.objects.filter(workspace=team.workspace)] == [
        "C",
        "A",
        "B neu",
    ]
    assert FieldOfAction.objects.get(pk=a.pk).version == 2
    missing = _put(api, url, {"fields": [{"id": a.pk, "version": 2}]})
    assert missing.status_code == 422
    assert "genau einmal" in missing.json()["errors"]["order"][0]
    twice = _put(
        api,
        url,
        {
            "fields": [
                {"id": a.pk, "version": 2},
                {"id": a.pk, "version": 2},
                {"id": c.pk, "version": 2},
            ]
        },
    )
    assert twice.status_code == 422


def test_workshop_table_is_saved_all_or_nothing(team: Team) -> None:
    api = Api(team.carl)
    first = _idea(team)
    second = ideas.create_idea(actor=team.anna, workspace=team.workspace, title="Bürger-App")
    voting = _open(team)
    url = f"{w(team)}/voting/1/workshop"
    before = (Vote.objects.count(), Activity.objects.count())
    refused = _put(
        api,
        url,
        {
            "version": voting.version,
            "workshop_participants": {"science": 2, "business": 1},
            "tallies": [
                {"idea": first.pk, "actor_group": "science", "dots": 4},
                {"idea": second.pk, "actor_group": "business", "dots": -1},
                {"idea": second.pk, "actor_group": "nobody", "dots": 1},
                {"idea": 999999, "actor_group": "science", "dots": 1},
            ],
        },
    )
    assert refused.status_code == 422, refused.content
    errors = refused.json()["errors"]
    assert errors[f"tallies.{second.pk}.business"] == [
        "„Bürger-App“, Wirtschaft: bitte eine ganze Zahl ab 0 eingeben."
    ]
    assert "„Bürger-App“" in errors[f"tallies.{second.pk}.nobody"][0]
    assert "999999" in errors["tallies.999999.science"][0]
    assert f"tallies.{first.pk}.science" not in errors
    assert (Vote.objects.count(), Activity.objects.count()) == before
    assert ideas.voting_round(team.workspace, 1).workshop_participants == {}
    # Over the cap of three dots per participant: named at the cell, nothing written.
    capped = _put(
        api,
        url,
        {
            "version": voting.version,
            "workshop_participants": {"science": 1},
            "tallies": [
                {"idea": first.pk, "actor_group": "science", "dots": 2},
                {"idea": second.pk, "actor_group": "science", "dots": 2},
            ],
        },
    )
    assert capped.status_code == 422
    assert set(capped.json()["errors"]) == {
        f"tallies.{first.pk}.science",
        f"tallies.{second.pk}.science",
    }
    assert "höchstens 3 möglich" in capped.json()["errors"][f"tallies.{first.pk}.science"][0]
    assert (Vote.objects.count(), Activity.objects.count()) == before
    ok = _put(
        api,
        url,
        {
            "version": voting.version,
            "workshop_participants": {"science": 2, "business": 1},
            "tallies": [
                {"idea": first.pk, "actor_group": "science", "dots": 4},
                {"idea": second.pk, "actor_group": "business", "dots": 3},
            ],
        },
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["version"] == voting.version + 1
    assert {g["actor_group"]: (g["dots"], g["participants"]) for g in body["groups"]} == {
        "civil_society": (0, 0),
        "administration": (0, 0),
        "business": (3, 1),
        "science": (4, 2),
    }
    stale = _put(
        api,
        url,
        {
            "version": voting.version,
            "tallies": [{"idea": first.pk, "actor_group": "science", "dots": 1}],
        },
    )
    assert stale.status_code == 409 and stale.json()["changed_fields"] == ["workshop_participants"]
    assert Vote.objects.get(idea=first, actor_group="science").dots == 4
