"""Pages of fields of action, ideas and dot voting: what they show, their forms, and the
permission grid of every page for every kind of person."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from kompass.strategy import fields, ideas
from kompass.strategy.models import Activity, FieldOfAction, Idea, Project, Vote
from tests.test_strategy_workspace import (
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


def _field(team: Team) -> FieldOfAction:
    return fields.create_field(
        actor=team.anna, workspace=team.workspace, title="Mobilität", atlas_fields=["mobility"]
    )


def _idea(team: Team, **values: Any) -> Idea:
    return ideas.create_idea(
        actor=team.anna, workspace=team.workspace, title="Mitfahrbank", **values
    )


def _open(team: Team) -> Any:
    existing = ideas.voting_round(team.workspace, 1)
    if existing is not None and existing.is_open:
        return existing
    return ideas.open_voting(actor=team.anna, workspace=team.workspace, round_number=1)


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]


ALL = frozenset(MEMBERS)
EDIT = frozenset({"core_team", "contributor"})
CONTRIBUTE = frozenset({"core_team", "contributor", "external_partner"})
CORE = frozenset({"core_team"})


def _deleted_field(team: Team) -> tuple[str, dict[str, Any]]:
    field = _field(team)
    fields.delete_field(actor=team.anna, field=field, version=1)
    return f"{BASE}/handlungsfelder/geloescht/{field.pk}/wiederherstellen/", {}


def _deleted_idea(team: Team) -> tuple[str, dict[str, Any]]:
    idea = _idea(team)
    ideas.delete_idea(actor=team.anna, idea=idea, version=1)
    return f"{BASE}/ideen/geloescht/{idea.pk}/wiederherstellen/", {}


def _cast(team: Team) -> tuple[str, dict[str, Any]]:
    idea = _idea(team)
    _open(team)
    return f"{BASE}/ideen/{idea.pk}/punkt/", {"actor_group": "science"}


def _withdraw(team: Team) -> tuple[str, dict[str, Any]]:
    idea = _idea(team)
    _open(team)
    for user in (team.anna, team.carl, team.pia):
        ideas.cast_vote(actor=user, idea=idea, actor_group="science")
    return f"{BASE}/ideen/{idea.pk}/punkt-zuruecknehmen/", {}


def _close(team: Team) -> tuple[str, dict[str, Any]]:
    voting = _open(team)
    return f"{BASE}/abstimmung/schliessen/", {"runde": 1, "version": voting.version}


def _workshop_post(team: Team) -> tuple[str, dict[str, Any]]:
    idea = _idea(team)
    voting = _open(team)
    return f"{BASE}/abstimmung/workshop/", {
        "runde": 1,
        "version": voting.version,
        "teilnehmende-business": "2",
        f"punkte-{idea.pk}-business": "4",
    }


ENDPOINTS = [
    Endpoint("field list", "get", lambda t: (f"{BASE}/handlungsfelder/", {}), ALL),
    Endpoint("field detail", "get", lambda t: (f"{BASE}/handlungsfelder/{_field(t).pk}/", {}), ALL),
    Endpoint("field create form", "get", lambda t: (f"{BASE}/handlungsfelder/neu/", {}), EDIT),
    Endpoint(
        "field create",
        "post",
        lambda t: (
            f"{BASE}/handlungsfelder/neu/",
            {"title": "Energie", "kind": "sectoral", "spatial_reference": "city"},
        ),
        EDIT,
    ),
    Endpoint(
        "field seed",
        "post",
        lambda t: (f"{BASE}/handlungsfelder/vorlagen/", {"terms": ["Kultur"]}),
        EDIT,
    ),
    Endpoint(
        "field edit form",
        "get",
        lambda t: (f"{BASE}/handlungsfelder/{_field(t).pk}/bearbeiten/", {}),
        EDIT,
    ),
    Endpoint(
        "field edit",
        "post",
        lambda t: (
            f"{BASE}/handlungsfelder/{_field(t).pk}/bearbeiten/",
            {"version": 1, "title": "Verkehr", "kind": "sectoral", "spatial_reference": "city"},
        ),
        EDIT,
    ),
    Endpoint(
        "field delete",
        "post",
        lambda t: (f"{BASE}/handlungsfelder/{_field(t).pk}/loeschen/", {"version": 1}),
        EDIT,
    ),
    Endpoint(
        "field move",
        "post",
        lambda t: (
            f"{BASE}/handlungsfelder/{_field(t).pk}/verschieben/",
            {"version": 1, "richtung": "down"},
        ),
        EDIT,
    ),
    Endpoint("field restore", "post", _deleted_field, EDIT),
    Endpoint("idea list", "get", lambda t: (f"{BASE}/ideen/?runde=1&status=longlist", {}), ALL),
    Endpoint("idea detail", "get", lambda t: (f"{BASE}/ideen/{_idea(t).pk}/", {}), ALL),
    Endpoint("idea create form", "get", lambda t: (f"{BASE}/ideen/neu/", {}), CONTRIBUTE),
    Endpoint(
        "idea create",
        "post",
        lambda t: (f"{BASE}/ideen/neu/", {"title": "Leerstandskataster", "round": 1}),
        CONTRIBUTE,
    ),
    Endpoint(
        "idea edit",
        "post",
        lambda t: (
            f"{BASE}/ideen/{_idea(t).pk}/bearbeiten/",
            {"version": 1, "title": "Neu", "round": 1},
        ),
        EDIT,  # partners only their own ideas
    ),
    Endpoint(
        "idea delete",
        "post",
        lambda t: (f"{BASE}/ideen/{_idea(t).pk}/loeschen/", {"version": 1}),
        EDIT,
    ),
    Endpoint("idea restore", "post", _deleted_idea, EDIT),
    Endpoint(
        "idea promote",
        "post",
        lambda t: (f"{BASE}/ideen/{_idea(t).pk}/projektskizze/", {"version": 1}),
        EDIT,
    ),
    Endpoint(
        "take over",
        "post",
        lambda t: (f"{BASE}/ideen/uebernehmen/", {"kind": "practice_example", "ref": "x"}),
        CONTRIBUTE,
    ),
    Endpoint("atlas search", "get", lambda t: (f"{BASE}/ideen/atlas/", {}), ALL),
    Endpoint("voting", "get", lambda t: (f"{BASE}/abstimmung/", {}), ALL),
    Endpoint(
        "voting presentation",
        "get",
        lambda t: (f"{BASE}/abstimmung/?ansicht=praesentation", {}),
        ALL,
    ),
    Endpoint("voting open", "post", lambda t: (f"{BASE}/abstimmung/oeffnen/", {"runde": 1}), CORE),
    Endpoint("voting close", "post", _close, CORE),
    Endpoint(
        "voting group",
        "post",
        lambda t: (_open(t) and f"{BASE}/abstimmung/gruppe/", {"actor_group": "business"}),
        CONTRIBUTE,
    ),
    Endpoint("vote cast", "post", _cast, CONTRIBUTE),
    Endpoint("vote withdraw", "post", _withdraw, CONTRIBUTE),
    Endpoint("workshop", "get", lambda t: (f"{BASE}/abstimmung/workshop/", {}), EDIT),
    Endpoint("workshop save", "post", _workshop_post, EDIT),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_permission_grid(team: Team, endpoint: Endpoint, who: str) -> None:
    url, data = endpoint.build(team)
    response = getattr(client_for(team.user(who)), endpoint.method)(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/?next=")
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert "Digitalstrategie 2030" not in body(response)
    elif who in endpoint.allowed:
        expected = 200 if endpoint.method == "get" else 302
        assert response.status_code == expected, body(response)[:3000]
    else:
        assert response.status_code == 403


def test_outsiders_and_readers_changed_nothing(team: Team) -> None:
    for endpoint in ENDPOINTS:
        if endpoint.method != "post":
            continue
        url, data = endpoint.build(team)
        before = (Activity.objects.count(), Vote.objects.count())
        for who in [*OUTSIDERS, "anonymous", "reader"]:
            client_for(team.user(who)).post(url, data)
        assert (Activity.objects.count(), Vote.objects.count()) == before, endpoint.name


# --------------------------------------------------------------------------- pages


def test_field_list_seeds_and_shows_counts(team: Team) -> None:
    client = client_for(team.anna)
    page = body(client.get(f"{BASE}/handlungsfelder/"))
    assert "Noch keine Handlungsfelder" in page
    assert "Handel, Innenstadt und Tourismus (im Atlas: Handel, Gesellschaft)" in page
    response = client.post(
        f"{BASE}/handlungsfelder/vorlagen/", {"terms": ["Mobilität", "Bildung"]}, follow=True
    )
    assert "2 Handlungsfelder aus der Wirkungsmatrix angelegt." in body(response)
    mobility = FieldOfAction.objects.get(title="Mobilität")
    _idea(team, field_of_action=mobility.pk)
    page = body(client.get(f"{BASE}/handlungsfelder/"))
    assert "2 Handlungsfelder" in page and "aus der Wirkungsmatrix" in page
    assert 'value="Mobilität"' not in page  # offered only once
    reader = body(client_for(team.lea).get(f"{BASE}/handlungsfelder/"))
    assert "vorlagen" not in reader and "verschieben" not in reader


def test_field_form_errors_are_german_and_linked(team: Team) -> None:
    response = client_for(team.carl).post(
        f"{BASE}/handlungsfelder/neu/",
        {"title": "Quartier Nord", "kind": "sectoral", "spatial_reference": "district"},
    )
    assert response.status_code == 400
    page = body(response)
    assert "Bitte angeben, welcher Stadtteil" in page
    # The message is linked to its input (the id as the shared form template names it).
    listed = re.search(r'<ul class="errorlist" id="(id_spatial_note_errors?)"', page)
    assert listed is not None
    described = re.search(r'<input[^>]*id="id_spatial_note"[^>]*>', page)
    assert described is not None and listed.group(1) in described.group(0), described


def test_stale_field_form_answers_409_with_the_message(team: Team) -> None:
    field = _field(team)
    fields.update_field(actor=team.carl, field=field, version=1, description="neu")
    response = client_for(team.anna).post(
        f"{BASE}/handlungsfelder/{field.pk}/bearbeiten/",
        {"version": 1, "title": "Verkehr", "kind": "sectoral", "spatial_reference": "city"},
    )
    assert response.status_code == 409
    page = body(response)
    assert "inzwischen geändert" in page and "Carl Mitwirkend" in page
    assert 'name="version" value="2"' in page
    assert FieldOfAction.objects.get(pk=field.pk).title == "Mobilität"


def test_idea_pages_group_by_field_and_promote(team: Team) -> None:
    field = _field(team)
    idea = _idea(team, field_of_action=field.pk, goal="Mobil ohne Auto", partners=["Landkreis"])
    _idea(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/ideen/"))
    assert "Mobilität" in page and "Ohne Handlungsfeld" in page and "2 Ideen" in page
    assert "Verteilung auf die Handlungsfelder" in page
    response = client.post(f"{BASE}/ideen/{idea.pk}/projektskizze/", {"version": 1}, follow=True)
    page = body(response)
    assert "Projektskizze „Mitfahrbank“" in page
    assert "zur Projektskizze ausgearbeitet" in page
    project = Project.objects.get()
    assert project.sketch["objective"] == "Mobil ohne Auto"
    filtered = body(client.get(f"{BASE}/ideen/?status=promoted"))
    assert "1 Idee" in filtered


def test_partner_edits_own_idea_but_sees_no_status_field(team: Team) -> None:
    client = client_for(team.pia)
    response = client.post(f"{BASE}/ideen/neu/", {"title": "Dorf-App", "round": 1})
    idea = Idea.objects.get(title="Dorf-App")
    assert response.status_code == 302 and idea.created_by == team.pia
    form = body(client.get(f"{BASE}/ideen/{idea.pk}/bearbeiten/"))
    assert 'name="status"' not in form
    response = client.post(
        f"{BASE}/ideen/{idea.pk}/bearbeiten/",
        {"version": 1, "title": "Dorf-App", "round": 1, "partners": "Verein\nKirche"},
    )
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).partners == ["Verein", "Kirche"]


def test_stale_idea_form_answers_409(team: Team) -> None:
    idea = _idea(team)
    ideas.update_idea(actor=team.carl, idea=idea, version=1, goal="x")
    response = client_for(team.anna).post(
        f"{BASE}/ideen/{idea.pk}/bearbeiten/", {"version": 1, "title": "Neu", "round": 1}
    )
    assert response.status_code == 409
    assert "inzwischen geändert" in body(response)


def test_voting_page_online_dots_and_presentation(team: Team) -> None:
    idea = _idea(team)
    client = client_for(team.anna)
    assert "noch nicht geöffnet" in body(client.get(f"{BASE}/abstimmung/"))
    client.post(f"{BASE}/abstimmung/oeffnen/", {"runde": 1})
    page = body(client.get(f"{BASE}/abstimmung/"))
    assert "Die Abstimmung ist geöffnet." in page and "Für welche Akteursgruppe" in page
    client.post(f"{BASE}/abstimmung/gruppe/", {"runde": 1, "actor_group": "civil_society"})
    for _n in range(2):
        client.post(f"{BASE}/ideen/{idea.pk}/punkt/")
    page = body(client.get(f"{BASE}/abstimmung/"))
    assert "Sie haben 2 von 3 Punkten vergeben." in page
    assert "Sie stimmen für Zivilgesellschaft ab." in page
    # each dot: colour class, shape and the group's name for screen readers
    assert page.count('class="dot dot-civil_society"') >= 2
    assert '<span class="visually-hidden">Zivilgesellschaft</span>' in page
    presentation = body(client.get(f"{BASE}/abstimmung/?ansicht=praesentation"))
    assert "voting presentation" in presentation and "Punkt setzen" not in presentation
    response = client.post(f"{BASE}/ideen/{idea.pk}/punkt-zuruecknehmen/", follow=True)
    assert "zurückgenommen" in body(response)
    assert Vote.objects.count() == 1


def test_workshop_form_records_paper_dots_and_participants(team: Team) -> None:
    idea = _idea(team)
    voting = _open(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/abstimmung/workshop/"))
    assert f'name="punkte-{idea.pk}-science"' in page
    response = client.post(
        f"{BASE}/abstimmung/workshop/",
        {
            "runde": 1,
            "version": voting.version,
            "teilnehmende-science": "1",
            f"punkte-{idea.pk}-science": "5",
        },
    )
    assert response.status_code == 400
    assert "höchstens 3 möglich" in body(response)
    assert not Vote.objects.exists()
    assert ideas.voting_round(team.workspace, 1).version == voting.version
    response = client.post(
        f"{BASE}/abstimmung/workshop/",
        {
            "runde": 1,
            "version": voting.version,
            "teilnehmende-science": "2",
            f"punkte-{idea.pk}-science": "5",
        },
    )
    assert response.status_code == 302
    outcome = ideas.results(team.workspace, 1)
    assert outcome.ideas[0].by_group["science"] == 5
    assert {g.value: g.participants for g in outcome.groups}["science"] == 2


def test_workshop_form_writes_nothing_when_one_cell_fails(team: Team) -> None:
    first = _idea(team)
    second = ideas.create_idea(actor=team.anna, workspace=team.workspace, title="Bürger-App")
    voting = _open(team)
    ideas.record_tally(actor=team.anna, idea=second, actor_group="business", dots=2)
    before = (
        list(Vote.objects.values_list("idea", "actor_group", "dots")),
        Activity.objects.count(),
    )
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/abstimmung/workshop/",
        {
            "runde": 1,
            "version": voting.version,
            "teilnehmende-science": "4",
            f"punkte-{first.pk}-science": "5",
            f"punkte-{first.pk}-civil_society": "1",
            f"punkte-{second.pk}-business": "zwei",
        },
    )
    assert response.status_code == 400
    page = body(response)
    # Nothing written: the valid cells and the participants neither.
    after = (
        list(Vote.objects.values_list("idea", "actor_group", "dots")),
        Activity.objects.count(),
    )
    assert after == before
    current = ideas.voting_round(team.workspace, 1)
    assert (current.version, current.workshop_participants) == (voting.version, {})
    # The input comes back as typed, the failing cell named and linked.
    assert "Nichts wurde gespeichert." in page
    assert f'id="punkte-{first.pk}-science" value="5"' in page
    assert 'id="teilnehmende-science" value="4"' in page
    cell = f"punkte-{second.pk}-business"
    assert f'id="{cell}" value="zwei"' in page
    assert f'aria-invalid="true" aria-describedby="{cell}-fehler"' in page
    assert (
        f'<p class="cell-error" id="{cell}-fehler">„Bürger-App“, Wirtschaft: bitte eine ganze '
        "Zahl ab 0 eingeben.</p>" in page
    )
    assert f'<a href="#{cell}">' in page
    assert page.count('aria-invalid="true"') == 1
    # Corrected, everything is saved at once.
    response = client.post(
        f"{BASE}/abstimmung/workshop/",
        {
            "runde": 1,
            "version": voting.version,
            "teilnehmende-science": "4",
            f"punkte-{first.pk}-science": "5",
            f"punkte-{first.pk}-civil_society": "1",
            f"punkte-{second.pk}-business": "3",
        },
    )
    assert response.status_code == 302
    assert sorted(Vote.objects.values_list("idea", "actor_group", "dots")) == sorted(
        [
            (first.pk, "science", 5),
            (first.pk, "civil_society", 1),
            (second.pk, "business", 3),
        ]
    )


def test_stale_workshop_form_answers_409_and_keeps_the_input(team: Team) -> None:
    idea = _idea(team)
    voting = _open(team)
    ideas.set_workshop_participants(
        actor=team.anna, voting=voting, version=voting.version, counts={"science": 1}
    )
    response = client_for(team.carl).post(
        f"{BASE}/abstimmung/workshop/",
        {
            "runde": 1,
            "version": voting.version,
            "teilnehmende-science": "2",
            f"punkte-{idea.pk}-science": "6",
        },
    )
    assert response.status_code == 409
    page = body(response)
    assert "inzwischen geändert" in page
    assert f'name="version" value="{voting.version + 1}"' in page
    assert 'value="6"' in page
    assert not Vote.objects.exists()
