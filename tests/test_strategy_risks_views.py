"""Risk matrix pages: list with filters, heat map table, forms (create, edit with conflict,
re-score, scale with confirmation), and the permission grid of every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

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

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030/risiken"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body(response: Any) -> str:
    return str(response.content.decode())


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]


def _risk(team: Team) -> Risk:
    return make_risk(team, probability=2, damage=2)


def _deleted(team: Team) -> tuple[str, dict[str, Any]]:
    risk = _risk(team)
    risks.delete_risk(actor=team.anna, risk=risk, version=1)
    return f"{BASE}/{risk.pk}/wiederherstellen/", {}


def _complete(team: Team) -> tuple[str, dict[str, Any]]:
    project = make_project(team)
    make_risk(team, project=project.pk, probability=1, damage=1)
    return f"{BASE}/projekt/{project.pk}/abschliessen/", {"version": 1}


def _scale_post(team: Team) -> tuple[str, dict[str, Any]]:
    data = {f"p_{i}": label for i, label in enumerate(THREE, start=1)}
    data |= {f"d_{i}": label for i, label in enumerate(THREE, start=1)}
    return f"{BASE}/skala/", {"version": 1, **data}


ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CORE = frozenset({"core_team"})
ENDPOINTS = [
    Endpoint("list", "get", lambda t: (f"{BASE}/", {}), ALL),
    Endpoint("list filtered", "get", lambda t: (f"{BASE}/?stufe=high&neu-bewerten=1", {}), ALL),
    Endpoint("heat map", "get", lambda t: (f"{BASE}/matrix/", {}), ALL),
    Endpoint("scale", "get", lambda t: (f"{BASE}/skala/", {}), ALL),
    Endpoint("detail", "get", lambda t: (f"{BASE}/{_risk(t).pk}/", {}), ALL),
    Endpoint("rescore page", "get", lambda t: (f"{BASE}/{_risk(t).pk}/neu-bewerten/", {}), ALL),
    Endpoint("create form", "get", lambda t: (f"{BASE}/neu/", {}), EDIT),
    Endpoint("create", "post", lambda t: (f"{BASE}/neu/", {"title": "Neu"}), EDIT),
    Endpoint(
        "edit", "post", lambda t: (f"{BASE}/{_risk(t).pk}/", {"version": 1, "title": "X"}), EDIT
    ),
    Endpoint(
        "rescore",
        "post",
        lambda t: (
            f"{BASE}/{_risk(t).pk}/neu-bewerten/",
            {"version": 1, "probability": "3", "damage": "3"},
        ),
        EDIT,
    ),
    Endpoint("delete", "post", lambda t: (f"{BASE}/{_risk(t).pk}/loeschen/", {"version": 1}), EDIT),
    Endpoint("restore", "post", _deleted, EDIT),
    Endpoint("complete assessment", "post", _complete, EDIT),
    Endpoint("change scale", "post", _scale_post, CORE),
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
        before = Activity.objects.count()
        for who in [*OUTSIDERS, "anonymous", "reader", "external_partner"]:
            client_for(team.user(who)).post(url, data)
        assert Activity.objects.count() == before, endpoint.name


def test_navigation_links_the_risk_list(team: Team) -> None:
    page = body(client_for(team.anna).get("/strategie/musterstadt/digitalstrategie-2030/"))
    assert f'href="{BASE}/"' in page


# --------------------------------------------------------------------------- heat map


def _cells(page: str) -> dict[tuple[int, int], tuple[str, str]]:
    """(probability, damage) → (count, band label) read from the heat map table."""
    table = page.split('<table class="heatmap">', 1)[1].split("</table>", 1)[0]
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(\d+) – [^<]*</th>(.*?)</tr>", table, re.S):
        damage, cells = int(row[0]), row[1]
        for probability, cell in enumerate(re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S), 1):
            count = re.search(r'class="cell-count">(\d+)<', cell)
            band = re.search(r'class="cell-band">([^<]+)<', cell)
            assert count and band
            found[(probability, damage)] = (count.group(1), band.group(1))
    return found


def test_heat_map_counts_per_cell_with_links_and_band_text(team: Team) -> None:
    project = make_project(team)
    make_risk(team, title="A", probability=3, damage=4)
    make_risk(team, title="B", probability=3, damage=4, project=project.pk)
    make_risk(team, title="C", probability=1, damage=1)
    make_risk(team, title="Offen")
    page = body(client_for(team.lea).get(f"{BASE}/matrix/"))
    cells = _cells(page)
    assert len(cells) == 25
    assert cells[(3, 4)] == ("2", "mittel")  # 12 of 25
    assert cells[(1, 1)] == ("1", "gering")
    assert cells[(5, 5)] == ("0", "hoch")
    assert sum(int(count) for count, _band in cells.values()) == 3
    assert f'href="{BASE}/?wahrscheinlichkeit=3&amp;schaden=4"' in page
    assert "<caption>" in page and 'scope="col">1 – sehr gering</th>' in page
    assert "1 Risiko ist noch nicht bewertet." in page
    assert "Legende" in page
    only_project = _cells(body(client_for(team.lea).get(f"{BASE}/matrix/?projekt={project.pk}")))
    assert only_project[(3, 4)] == ("1", "mittel")
    listed = body(client_for(team.lea).get(f"{BASE}/?wahrscheinlichkeit=3&schaden=4"))
    assert ">A</a>" in listed and ">B</a>" in listed and ">C</a>" not in listed


def test_heat_map_leaves_out_risks_due_for_rescoring(team: Team) -> None:
    make_risk(team, title="Alt", probability=5, damage=5)
    three_level_scale(team)
    page = body(client_for(team.anna).get(f"{BASE}/matrix/"))
    cells = _cells(page)
    assert len(cells) == 9 and all(count == "0" for count, _band in cells.values())
    assert "1 Risiko wurde mit einer früheren Fassung der Skalen bewertet" in page
    assert f"{BASE}/?neu-bewerten=1" in page


# --------------------------------------------------------------------------- list


def test_list_shows_outdated_risks_apart_with_old_labels(team: Team) -> None:
    make_risk(team, title="Alt", probability=4, damage=2)
    three_level_scale(team)
    make_risk(team, title="Neu", probability=3, damage=3)
    page = body(client_for(team.lea).get(f"{BASE}/"))
    current, outdated = page.split('id="neu-bewerten"', 1)
    assert ">Neu</a>" in current and ">Alt</a>" not in current
    assert "3 – häufig" in current and "hoch" in current
    assert (
        ">Alt</a>" in outdated and "4 von 5 – hoch" in outdated and "2 von 5 – gering" in outdated
    )
    assert "neu bewerten" in outdated
    # Readers see no re-score link.
    assert "„Alt“ neu bewerten" not in outdated
    assert "„Alt“ neu bewerten" in body(client_for(team.carl).get(f"{BASE}/"))
    only = body(client_for(team.lea).get(f"{BASE}/?neu-bewerten=1"))
    assert ">Neu</a>" not in only and ">Alt</a>" in only


def test_list_filters_and_sorts(team: Team) -> None:
    make_risk(team, title="Technik", category="technical", probability=5, damage=5)
    make_risk(team, title="Extern", category="external", probability=1, damage=2)
    client = client_for(team.lea)
    page = body(client.get(f"{BASE}/?kategorie=technical"))
    assert ">Technik</a>" in page and ">Extern</a>" not in page
    page = body(client.get(f"{BASE}/?sortierung=wert-aufsteigend"))
    assert page.index(">Extern</a>") < page.index(">Technik</a>")
    page = body(client.get(f"{BASE}/?stufe=low"))
    assert ">Extern</a>" in page and ">Technik</a>" not in page


def test_project_assessment_from_the_list(team: Team) -> None:
    project = make_project(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/?projekt={project.pk}"))
    assert "noch kein Risiko erfasst" in page and "Risikobewertung abgeschlossen" not in page
    make_risk(team, project=project.pk, probability=2, damage=2)
    page = body(client.get(f"{BASE}/?projekt={project.pk}"))
    assert "Risikobewertung abgeschlossen</button>" in page
    response = client.post(f"{BASE}/projekt/{project.pk}/abschliessen/", {"version": 1})
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).status == "risk_assessed"
    again = client.post(f"{BASE}/projekt/{project.pk}/abschliessen/", {"version": 2}, follow=True)
    assert "nur für Projekte im Status „Skizze“" in body(again)


# --------------------------------------------------------------------------- forms


def test_create_form_shows_categories_with_examples_and_saves(team: Team) -> None:
    project = make_project(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/neu/?projekt={project.pk}"))
    assert "Datenschutz- und Datensicherheitsrisiken" in page
    assert "Lock-in-Effekte durch externe Anbieter führen zu Handlungsunfähigkeit" in page
    assert "<legend>Eintrittswahrscheinlichkeit</legend>" in page
    assert f'<option value="{project.pk}" selected>' in page
    response = client.post(
        f"{BASE}/neu/",
        {
            "title": "Insolvenz des Anbieters",
            "project": str(project.pk),
            "category": "external",
            "probability": "2",
            "damage": "5",
            "consequence_types": ["economic"],
            "owner_name": "Frau Beispiel, Kämmerei",
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}/{risk.pk}/"
    assert (risk.score, risk.band, risk.project, risk.created_by) == (
        10,
        "medium",
        project,
        team.carl,
    )


def test_create_form_errors_are_german_and_linked(team: Team) -> None:
    response = client_for(team.anna).post(
        f"{BASE}/neu/", {"title": "", "probability": "3", "category": "other"}
    )
    assert response.status_code == 400
    page = body(response)
    assert "Bitte eine Kurzbezeichnung angeben." in page
    assert 'id="id_title_error"' in page
    assert 'aria-describedby="id_title_helptext id_title_error"' in page
    response = client_for(team.anna).post(
        f"{BASE}/neu/", {"title": "X", "probability": "3", "category": "other"}
    )
    page = body(response)
    assert "Bitte Eintrittswahrscheinlichkeit und Schadenshöhe zusammen bewerten." in page
    assert "Bei „Andere Art“ bitte die Art des Risikos benennen." in page
    assert not Risk.objects.exists()


def test_stale_edit_form_is_refused_with_409_and_shown_again(team: Team) -> None:
    risk = make_risk(team, probability=2, damage=2)
    risks.update_risk(actor=team.carl, risk=risk, version=1, mitigation="Verträge prüfen")
    response = client_for(team.anna).post(
        f"{BASE}/{risk.pk}/",
        {"version": "1", "title": "Meine Fassung", "probability": "2", "damage": "2"},
    )
    assert response.status_code == 409
    page = body(response)
    assert "wurde inzwischen geändert" in page and "Carl Mitwirkend" in page
    assert 'value="Meine Fassung"' in page and 'name="version" value="2"' in page
    assert Risk.objects.get(pk=risk.pk).title == "Lock-in beim Anbieter"


def test_reader_sees_the_risk_without_a_form(team: Team) -> None:
    risk = make_risk(team, probability=2, damage=2, mitigation="Offene Standards", scope=3)
    page = body(client_for(team.lea).get(f"{BASE}/{risk.pk}/"))
    assert "Offene Standards" in page and "3 – mittel" in page
    assert "Risiko speichern" not in page and "löschen" not in page


def test_outdated_risk_form_has_no_score_fields_and_keeps_the_score(team: Team) -> None:
    risk = make_risk(team, probability=5, damage=5)
    three_level_scale(team)
    client = client_for(team.anna)
    page = body(client.get(f"{BASE}/{risk.pk}/"))
    assert 'name="probability"' not in page and "Jetzt neu bewerten" in page
    response = client.post(f"{BASE}/{risk.pk}/", {"version": "1", "title": "Umbenannt"})
    assert response.status_code == 302
    fresh = Risk.objects.get(pk=risk.pk)
    assert (fresh.title, fresh.probability, fresh.scale_version) == ("Umbenannt", 5, 1)


def test_rescore_page_with_proposal_and_confirmation(team: Team) -> None:
    risk = make_risk(team, probability=4, damage=2)
    three_level_scale(team)
    client = client_for(team.carl)
    page = body(client.get(f"{BASE}/{risk.pk}/neu-bewerten/"))
    assert "4 von 5 – hoch" in page and "Eintrittswahrscheinlichkeit 3 – häufig" in page
    assert "checked" not in page  # nothing chosen until the proposal is asked for
    page = body(client.get(f"{BASE}/{risk.pk}/neu-bewerten/?vorschlag=1"))
    assert re.search(r'value="3"[^>]*checked', page)
    assert Risk.objects.get(pk=risk.pk).scale_version == 1  # the proposal saved nothing
    missing = client.post(f"{BASE}/{risk.pk}/neu-bewerten/", {"version": "1", "probability": "3"})
    assert missing.status_code == 400
    assert "Bitte die Schadenshöhe nach der jetzigen Skala wählen." in body(missing)
    response = client.post(
        f"{BASE}/{risk.pk}/neu-bewerten/", {"version": "1", "probability": "3", "damage": "2"}
    )
    assert response.status_code == 302
    fresh = Risk.objects.get(pk=risk.pk)
    assert (fresh.probability, fresh.damage, fresh.scale_version) == (3, 2, 2)


def test_scale_page_asks_for_confirmation_when_risks_are_scored(team: Team) -> None:
    make_risk(team, probability=2, damage=2)
    client = client_for(team.anna)
    page = body(client.get(f"{BASE}/skala/"))
    assert "1 Risiko ist nach dieser Fassung bewertet." in page
    assert 'name="confirm"' in page
    url, data = _scale_post(team)
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Bitte bestätigen Sie die Änderung ausdrücklich." in body(refused)
    assert risks.current_scale(team.workspace).version == 1
    done = client.post(url, {**data, "confirm": "on"})
    assert done.status_code == 302
    assert risks.current_scale(team.workspace).probability_labels == THREE
    page = body(client.get(f"{BASE}/skala/"))
    assert "Jetzt gilt Version 2." in page and "selten, gelegentlich, häufig" in page


def test_scale_page_reports_label_errors(team: Team) -> None:
    client = client_for(team.anna)
    response = client.post(f"{BASE}/skala/", {"version": 1, "p_1": "a", "p_2": "b", "d_1": "x"})
    assert response.status_code == 400
    page = body(response)
    assert "Die Eintrittswahrscheinlichkeit braucht 3 bis 10 Stufen, nicht 2." in page
    assert 'id="fehler-p"' in page


def test_delete_and_restore_from_the_pages(team: Team) -> None:
    risk = make_risk(team)
    client = client_for(team.carl)
    response = client.post(f"{BASE}/{risk.pk}/loeschen/", {"version": 1}, follow=True)
    assert "30 Tage lang wiederherstellen" in body(response)
    assert client.get(f"{BASE}/{risk.pk}/").status_code == 404
    page = body(client.get(f"{BASE}/"))
    assert "„Lock-in beim Anbieter“ wiederherstellen" in page
    assert "wiederherstellen" not in body(client_for(team.lea).get(f"{BASE}/"))
    client.post(f"{BASE}/{risk.pk}/wiederherstellen/")
    assert Risk.objects.filter(pk=risk.pk).exists()
