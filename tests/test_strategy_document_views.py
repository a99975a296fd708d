"""Pages and API of the strategy document: the permission grid of every page and endpoint
for every kind of person, the conflict answer, and what the pages show."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from docx import Document

from kompass.strategy import document as service
from kompass.strategy.models import Activity, DocumentBlock
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api
from tests.test_strategy_workspace_views import client_for

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030"
API = "/api/v1/strategy/workspaces"
ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CORE = frozenset({"core_team"})


def paper(team: Team) -> Any:
    return service.create_document(actor=team.anna, workspace=team.workspace)


def goals(team: Team) -> DocumentBlock:
    return DocumentBlock.objects.get(workspace=team.workspace, key="goals_guidelines")


def decided(team: Team) -> Any:
    document = paper(team)
    return service.record_decision(
        actor=team.anna,
        document=document,
        values={"body": "Stadtrat", "date": dt.date(2027, 4, 5), "outcome": "adopted"},
    )


@dataclass(frozen=True)
class Page:
    name: str
    method: str
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]
    ok: int = 0  # 0: 200 for GET, 302 for POST


def _block_post(team: Team) -> tuple[str, dict[str, Any]]:
    paper(team)
    block = goals(team)
    return f"{BASE}/strategiepapier/abschnitte/{block.pk}/", {
        "version": 1,
        "heading": block.heading,
        "text": "Neu geschrieben",
    }


def _with_paper(url: str, data: dict[str, Any] | None = None) -> Callable[[Team], Any]:
    def build(team: Team) -> tuple[str, dict[str, Any]]:
        paper(team)
        return url, data or {}

    return build


def _version(team: Team) -> tuple[str, dict[str, Any]]:
    decided(team)
    return f"{BASE}/strategiepapier/versionen/1/", {}


def _decision_edit(team: Team) -> tuple[str, dict[str, Any]]:
    decision = decided(team)
    return f"{BASE}/strategiepapier/beschluss/{decision.pk}/", {
        "version": 1,
        "body": "Stadtrat",
        "date": "2027-04-05",
        "outcome": "adopted",
        "note": "korrigiert",
    }


def _reset(team: Team) -> tuple[str, dict[str, Any]]:
    paper(team)
    block = goals(team)
    service.update_block(actor=team.anna, block=block, version=1, text="Eigenes")
    return f"{BASE}/strategiepapier/abschnitte/{block.pk}/uebernehmen/", {"version": 2}


PAGES = [
    Page("document (empty)", "get", lambda t: (f"{BASE}/strategiepapier/", {}), ALL),
    Page("document", "get", _with_paper(f"{BASE}/strategiepapier/"), ALL),
    Page("create", "post", lambda t: (f"{BASE}/strategiepapier/anlegen/", {"title": "X"}), EDIT),
    Page("refresh", "post", _with_paper(f"{BASE}/strategiepapier/aktualisieren/"), EDIT),
    Page("block form", "get", lambda t: (_block_post(t)[0], {}), EDIT),
    Page("block edit", "post", _block_post, EDIT),
    Page("block reset", "post", _reset, EDIT),
    Page("versions", "get", _with_paper(f"{BASE}/strategiepapier/versionen/"), ALL),
    Page(
        "freeze",
        "post",
        _with_paper(f"{BASE}/strategiepapier/versionen/", {"note": "Entwurf"}),
        EDIT,
    ),
    Page("version", "get", _version, ALL),
    Page(
        "compare",
        "get",
        lambda t: (_version(t)[0].replace("versionen/1/", "versionen/vergleich/?von=1"), {}),
        ALL,
    ),
    Page("decision form", "get", _with_paper(f"{BASE}/strategiepapier/beschluss/"), EDIT),
    Page(
        "decision",
        "post",
        _with_paper(
            f"{BASE}/strategiepapier/beschluss/",
            {"body": "Stadtrat", "date": "2027-04-05", "outcome": "adopted"},
        ),
        EDIT,
    ),
    Page("decision edit", "post", _decision_edit, EDIT),
    Page("docx", "get", _with_paper(f"{BASE}/strategiepapier.docx"), ALL),
    Page("pdf", "get", _with_paper(f"{BASE}/strategiepapier.pdf"), ALL),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_permission_grid(team: Team, page: Page, who: str) -> None:
    url, data = page.build(team)
    response = getattr(client_for(team.user(who)), page.method)(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/?next=")
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert "Digitalstrategie 2030" not in response.content.decode(errors="replace")
    elif who in page.allowed:
        expected = page.ok or (200 if page.method == "get" else 302)
        assert response.status_code == expected, response.content[:2000]
    else:
        assert response.status_code == 403


def test_outsiders_and_readers_change_nothing(team: Team) -> None:
    for page in PAGES:
        if page.method != "post":
            continue
        url, data = page.build(team)
        before = Activity.objects.count()
        for who in [*OUTSIDERS, "anonymous", "reader", "external_partner"]:
            getattr(client_for(team.user(who)), page.method)(url, data)
        assert Activity.objects.count() == before, page.name
        DocumentBlock.all_objects.all().delete()
        from kompass.strategy.models import StrategyDocument

        StrategyDocument.all_objects.all().delete()


def test_document_page_shows_sections_edits_and_the_newer_text(team: Team) -> None:
    client = client_for(team.anna)
    start = client.get(f"{BASE}/strategiepapier/").content.decode()
    assert "Strategiepapier anlegen" in start and "Ziele und Leitlinien" in start
    client.post(f"{BASE}/strategiepapier/anlegen/", {"title": "Musterstadt digital"})
    block = goals(team)
    response = client.post(
        f"{BASE}/strategiepapier/abschnitte/{block.pk}/",
        {"version": 1, "heading": block.heading, "text": "<b>Fett</b> gemeint\n\nZweiter"},
    )
    assert response.status_code == 302
    form = client.get(f"{BASE}/strategiepapier/abschnitte/{block.pk}/").content.decode()
    assert "<h1>Abschnitt „Ziele und Leitlinien“ bearbeiten</h1>" in form
    assert "Version 2 · vom Team bearbeitet" in form
    page = client.get(f"{BASE}/strategiepapier/").content.decode()
    assert "<h1>Musterstadt digital</h1>" in page
    assert "&lt;b&gt;Fett&lt;/b&gt; gemeint" in page  # plain text, escaped
    assert "vom Team bearbeitet" in page
    assert 'href="/strategie/musterstadt/digitalstrategie-2030/strategiepapier.docx"' in page


def test_stale_block_form_answers_409_and_keeps_the_input(team: Team) -> None:
    paper(team)
    block = goals(team)
    service.update_block(actor=team.carl, block=block, version=1, text="Von Carl")
    response = client_for(team.anna).post(
        f"{BASE}/strategiepapier/abschnitte/{block.pk}/",
        {"version": 1, "heading": block.heading, "text": "Von Anna"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "inzwischen geändert" in body and "Carl Mitwirkend" in body
    assert "Von Anna" in body and 'name="version" value="2"' in body


def test_compare_page_marks_removed_and_added_paragraphs_in_words(team: Team) -> None:
    document = paper(team)
    block = goals(team)
    service.update_block(actor=team.anna, block=block, version=1, text="Alt")
    service.freeze_version(actor=team.anna, document=document)
    service.update_block(actor=team.anna, block=block, version=2, text="Neu")
    page = client_for(team.lea).get(
        f"{BASE}/strategiepapier/versionen/vergleich/?von=1&bis=aktuell"
    )
    body = page.content.decode()
    assert "<strong>entfernt:</strong> <del>Alt</del>" in body
    assert "<strong>neu:</strong> <ins>Neu</ins>" in body


def test_docx_download_of_a_version(team: Team) -> None:
    decided(team)
    response = client_for(team.lea).get(f"{BASE}/strategiepapier.docx?version=1")
    assert response.status_code == 200
    assert "strategiepapier-digitalstrategie-2030-version-1.docx" in response["Content-Disposition"]
    docx = Document(io.BytesIO(response.content))
    assert docx.paragraphs[0].text == "Digitalstrategie 2030"
    assert client_for(team.lea).get(f"{BASE}/strategiepapier.docx?version=9").status_code == 404


# --------------------------------------------------------------------------- API


@dataclass(frozen=True)
class Call:
    name: str
    send: Callable[[Api, Team], Any]
    allowed: frozenset[str]
    ok: int = 200


def _ws(team: Team) -> str:
    return f"{API}/{team.workspace.pk}"


def _api_with_paper(send: Callable[[Api, Team], Any]) -> Callable[[Api, Team], Any]:
    def call(api: Api, team: Team) -> Any:
        paper(team)
        return send(api, team)

    return call


def _api_patch_decision(api: Api, team: Team) -> Any:
    decision = decided(team)
    return api.patch(f"{_ws(team)}/document/decisions/{decision.pk}", {"version": 1, "note": "x"})


CALLS = [
    Call("get", _api_with_paper(lambda a, t: a.get(f"{_ws(t)}/document")), ALL),
    Call("create", lambda a, t: a.post(f"{_ws(t)}/document", {"title": "X"}), EDIT, 201),
    Call("refresh", _api_with_paper(lambda a, t: a.post(f"{_ws(t)}/document/refresh", {})), EDIT),
    Call(
        "patch block",
        _api_with_paper(
            lambda a, t: a.patch(
                f"{_ws(t)}/document/blocks/{goals(t).pk}", {"version": 1, "text": "Neu"}
            )
        ),
        EDIT,
    ),
    Call("versions", _api_with_paper(lambda a, t: a.get(f"{_ws(t)}/document/versions")), ALL),
    Call(
        "freeze",
        _api_with_paper(lambda a, t: a.post(f"{_ws(t)}/document/versions", {"note": "A"})),
        EDIT,
        201,
    ),
    Call(
        "version",
        lambda a, t: (decided(t), a.get(f"{_ws(t)}/document/versions/1"))[1],
        ALL,
    ),
    Call("decisions", _api_with_paper(lambda a, t: a.get(f"{_ws(t)}/document/decisions")), ALL),
    Call(
        "create decision",
        _api_with_paper(
            lambda a, t: a.post(
                f"{_ws(t)}/document/decisions",
                {"body": "Stadtrat", "date": "2027-04-05", "outcome": "adopted"},
            )
        ),
        EDIT,
        201,
    ),
    Call("patch decision", _api_patch_decision, EDIT),
    Call("docx", _api_with_paper(lambda a, t: a.get(f"{_ws(t)}/document.docx")), ALL),
    Call("pdf", _api_with_paper(lambda a, t: a.get(f"{_ws(t)}/document.pdf")), ALL),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("call", CALLS, ids=lambda c: c.name)
def test_api_permission_grid(team: Team, call: Call, who: str) -> None:
    response = call.send(Api(team.user(who)), team)
    if who == "anonymous":
        assert response.status_code == 401
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert response.json() == {"detail": "Arbeitsraum nicht gefunden."}
    elif who in call.allowed:
        assert response.status_code == call.ok, response.content[:1000]
    else:
        assert response.status_code == 403
        assert "Rolle" in response.json()["detail"]


def test_api_block_patch_conflict_and_validation(team: Team) -> None:
    paper(team)
    block = goals(team)
    api = Api(team.anna)
    ok = api.patch(f"{_ws(team)}/document/blocks/{block.pk}", {"version": 1, "text": "Eins"})
    assert ok.status_code == 200 and ok.json()["origin"] == "edited" and ok.json()["version"] == 2
    stale = Api(team.carl).patch(
        f"{_ws(team)}/document/blocks/{block.pk}", {"version": 1, "text": "Zwei"}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2 and stale.json()["changed_fields"] == [
        "text",
        "origin",
    ]
    empty = api.patch(f"{_ws(team)}/document/blocks/{block.pk}", {"version": 2, "heading": ""})
    assert empty.status_code == 422 and "heading" in empty.json()["errors"]
    document = api.get(f"{_ws(team)}/document").json()
    assert [b["key"] for b in document["blocks"]] == [s.key for s in service.sections()]


def test_api_decision_with_unknown_version_is_422(team: Team) -> None:
    paper(team)
    response = Api(team.anna).post(
        f"{_ws(team)}/document/decisions",
        {"body": "Stadtrat", "date": "2027-04-05", "outcome": "adopted", "document_version": 4},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"document_version": ["Version 4 gibt es nicht."]}


def test_api_without_document_is_404(team: Team) -> None:
    response = Api(team.anna).get(f"{_ws(team)}/document")
    assert response.status_code == 404
    assert "noch kein Strategiepapier" in response.json()["detail"]
