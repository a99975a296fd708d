"""Importing a workspace export without a workspace to start from: the API endpoint
POST /api/v1/strategy/workspaces/import and the page /strategie/importieren/. Both create a
new workspace of a municipality the importing person belongs to, all or nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kompass.strategy import transfer
from kompass.strategy.models import Project, Workspace, WorkspaceMember
from tests.test_strategy_transfer import _counts, _export
from tests.test_strategy_workspace import (
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api
from tests.test_strategy_workspace_views import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/strategy/workspaces/import"
PAGE = "/strategie/importieren/"

#: Who belongs to Musterstadt (may import there): the workspace's members of the
#: municipality and mia; pia, ben and clara do not.
MUSTERSTADT = {"core_team", "contributor", "reader", "municipality_member"}


def post_json(api: Api, data: Any, query: str = "?municipality=musterstadt") -> Any:
    body = data if isinstance(data, bytes) else json.dumps(data)
    return api.client.post(URL + query, body, content_type="application/json", **api.headers)


# --------------------------------------------------------------------------- API


@pytest.mark.parametrize("who", PEOPLE)
def test_api_import_grid(team: Team, who: str) -> None:
    raw = transfer.export_json(team.workspace)
    before = Workspace.objects.count()
    response = post_json(Api(team.user(who)), raw)
    if who == "anonymous":
        assert response.status_code == 401
    elif who in MUSTERSTADT:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["workspace"]["slug"] == "digitalstrategie-2030-2"
        # Whoever the file makes a member keeps that role; others join the core team.
        role = "core_team" if who == "municipality_member" else who
        assert body["workspace"]["my_role"] == role
        assert body["workspace"]["url"] == "/strategie/musterstadt/digitalstrategie-2030-2/"
    else:
        assert response.status_code == 403
        assert "Nur Mitglieder von Musterstadt" in response.json()["detail"]
    assert Workspace.objects.count() == before + (1 if who in MUSTERSTADT else 0)


def test_api_import_takes_a_multipart_file_and_reports_counts(team: Team) -> None:
    data = _export(team)
    upload = SimpleUploadedFile("a.json", json.dumps(data).encode(), "application/json")
    api = Api(team.carl)
    response = api.client.post(URL, {"file": upload, "municipality": "musterstadt"}, **api.headers)
    assert response.status_code == 201, response.content
    body = response.json()
    new = Workspace.objects.get(pk=body["workspace"]["id"])
    assert new.title == "Digitalstrategie 2030" and new.municipality.slug == "musterstadt"
    assert body["counts"]["projects"] == Project.all_objects.filter(workspace=new).count() > 0
    assert any("widerrufen" in w or "einladen" in w for w in body["warnings"]), body["warnings"]
    assert WorkspaceMember.objects.get(workspace=new, user=team.carl).role == "contributor"
    assert WorkspaceMember.objects.get(workspace=new, user=team.anna).role == "core_team"


def test_api_import_into_another_municipality_of_the_key_owner(team: Team) -> None:
    raw = transfer.export_json(team.workspace)
    ben = Api(team.personas.ben)
    # Without a municipality the file's (Musterstadt) is used: ben is no member there.
    assert post_json(ben, raw, query="").status_code == 403
    response = post_json(ben, raw, query="?municipality=01099002")  # AGS of Beispieldorf
    assert response.status_code == 201
    assert response.json()["workspace"]["municipality"] == "beispieldorf"


def test_api_import_refuses_a_broken_file_naming_the_place(team: Team) -> None:
    data = _export(team)
    data["items"]["projects"][1]["field_of_action"] = 777777
    data["items"]["projects"][0]["status"] = "fertig"
    before = _counts()
    response = post_json(Api(team.anna), data)
    assert response.status_code == 422
    errors = response.json()["errors"]["file"]
    assert "items.projects[1].field_of_action: unbekannter Verweis (Nr. 777777)" in errors
    assert "items.projects[0].status: Wert „fertig“ ist nicht erlaubt" in errors
    assert "2 Probleme" in response.json()["detail"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "query", "key", "message"),
    [
        (b"{kaputt", "?municipality=musterstadt", "file", "kein gültiges JSON"),
        (b"", "?municipality=musterstadt", "file", "Die Exportdatei fehlt."),
        (b"{}", "?municipality=nirgendwo", "municipality", "Eine Kommune „nirgendwo“"),
        (b'{"format": "x"}', "", "file", "format: keine Exportdatei"),
    ],
)
def test_api_import_explains_what_is_wrong(
    team: Team, body: bytes, query: str, key: str, message: str
) -> None:
    response = post_json(Api(team.anna), body, query=query)
    assert response.status_code == 422
    assert any(message in e for e in response.json()["errors"][key]), response.json()


def test_api_import_multipart_without_file(team: Team) -> None:
    api = Api(team.anna)
    response = api.client.post(URL, {"municipality": "musterstadt"}, **api.headers)
    assert response.status_code == 422
    assert "file" in response.json()["errors"]


# --------------------------------------------------------------------------- page


def upload(team: Team) -> SimpleUploadedFile:
    return SimpleUploadedFile("a.json", transfer.export_json(team.workspace), "application/json")


#: Members of any municipality see the page; pia and clara belong to none.
WITH_MUNICIPALITY = {*MUSTERSTADT, "other_municipality"}


@pytest.mark.parametrize("who", PEOPLE)
def test_import_page_grid(team: Team, who: str) -> None:
    response = client_for(team.user(who)).get(PAGE)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif who in WITH_MUNICIPALITY:
        assert response.status_code == 200
        html = response.content.decode()
        assert 'enctype="multipart/form-data"' in html
        own = "Beispieldorf" if who == "other_municipality" else "Musterstadt"
        other = "Musterstadt" if who == "other_municipality" else "Beispieldorf"
        assert f">{own}</option>" in html and f">{other}</option>" not in html
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", PEOPLE)
def test_import_page_post_grid(team: Team, who: str) -> None:
    before = Workspace.objects.count()
    musterstadt = team.personas.musterstadt
    response = client_for(team.user(who)).post(
        PAGE, {"municipality": musterstadt.pk, "file": upload(team)}
    )
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif who in MUSTERSTADT:
        assert response.status_code == 302
        assert response["Location"] == "/strategie/musterstadt/digitalstrategie-2030-2/"
    elif who == "other_municipality":
        # Musterstadt is not among ben's choices.
        assert response.status_code == 400
        assert 'id="id_municipality_error"' in response.content.decode()
    else:
        assert response.status_code == 403
    assert Workspace.objects.count() == before + (1 if who in MUSTERSTADT else 0)


def test_import_page_shows_every_problem_and_writes_nothing(team: Team) -> None:
    data = _export(team)
    data["items"]["projects"][0]["status"] = "fertig"
    before = _counts()
    response = Client()
    response.force_login(team.anna)
    answer = response.post(
        PAGE,
        {
            "municipality": team.personas.musterstadt.pk,
            "file": SimpleUploadedFile("a.json", json.dumps(data).encode(), "application/json"),
        },
    )
    assert answer.status_code == 400
    assert "items.projects[0].status: Wert „fertig“ ist nicht erlaubt" in answer.content.decode()
    assert _counts() == before


def test_import_page_has_its_url_name(team: Team) -> None:
    from django.urls import reverse

    assert reverse("strategy:workspace_import") == PAGE
