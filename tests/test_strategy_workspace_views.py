"""Strategy workspace pages: what they show, their forms, and the permission grid of every
page for every kind of person (members by role, outsiders, anonymous visitors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kompass.strategy import services
from kompass.strategy.models import Activity, StepState, Workspace, WorkspaceMember
from tests.conftest import Personas
from tests.test_digitalcheck_views import submitted_check
from tests.test_strategy_workspace import (
    EDITORS,
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
    token_from_mail,
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


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    #: Builds (url, data) for the team; may prepare the state the action needs.
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    #: Who gets the page or may do the action (everybody else who is a member gets 403).
    allowed: frozenset[str]


def _step_post(team: Team) -> tuple[str, dict[str, Any]]:
    return f"{BASE}/schritte/1/", {"version": 1, "state": "in_progress", "checklist": ["0"]}


def _second_round(team: Team) -> StepState:
    services.update_step(actor=team.anna, step=team.step("5"), version=1, state="skipped")
    return services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")


def _round_delete(team: Team) -> tuple[str, dict[str, Any]]:
    _second_round(team)
    return f"{BASE}/schritte/5/runde/2/loeschen/", {"version": 1}


def _round_restore(team: Team) -> tuple[str, dict[str, Any]]:
    second = _second_round(team)
    services.delete_round(actor=team.anna, step=second, version=1)
    return f"{BASE}/schritte/5/geloescht/{second.pk}/wiederherstellen/", {}


def _member_of(team: Team, user: Any) -> int:
    return team.member(user).pk


def _invitation(team: Team) -> tuple[str, dict[str, Any]]:
    invitation, _token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="x@example.org",
        role="reader",
        accept_url_template="http://testserver/strategie/einladung/{token}/",
    )
    return f"{BASE}/einladungen/{invitation.pk}/widerrufen/", {}


ALL_MEMBERS = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CORE = frozenset({"core_team"})
ENDPOINTS = [
    Endpoint("dashboard", "get", lambda t: (f"{BASE}/", {}), ALL_MEMBERS),
    Endpoint("presentation", "get", lambda t: (f"{BASE}/?ansicht=praesentation", {}), ALL_MEMBERS),
    Endpoint("step", "get", lambda t: (f"{BASE}/schritte/1/", {}), ALL_MEMBERS),
    Endpoint("step round", "get", lambda t: (f"{BASE}/schritte/SB/runde/1/", {}), ALL_MEMBERS),
    Endpoint("members", "get", lambda t: (f"{BASE}/mitglieder/", {}), ALL_MEMBERS),
    Endpoint("activity", "get", lambda t: (f"{BASE}/aktivitaet/", {}), ALL_MEMBERS),
    Endpoint("update step", "post", _step_post, EDIT),
    Endpoint("new round", "post", lambda t: (f"{BASE}/schritte/5/neue-runde/", {}), EDIT),
    Endpoint(
        "combine", "post", lambda t: (f"{BASE}/schritte/3/zusammenlegen/", {"version": 1}), EDIT
    ),
    Endpoint("separate", "post", lambda t: (f"{BASE}/schritte/3/trennen/", {}), EDIT),
    Endpoint("revise", "post", lambda t: (f"{BASE}/strategie-ueberarbeiten/", {}), EDIT),
    Endpoint("delete round", "post", _round_delete, EDIT),
    Endpoint("restore round", "post", _round_restore, EDIT),
    Endpoint(
        "invite",
        "post",
        lambda t: (f"{BASE}/mitglieder/", {"email": "neu@example.org", "role": "reader"}),
        CORE,
    ),
    Endpoint(
        "change role",
        "post",
        lambda t: (
            f"{BASE}/mitglieder/{_member_of(t, t.lea)}/rolle/",
            {f"m{_member_of(t, t.lea)}-role": "contributor"},
        ),
        CORE,
    ),
    Endpoint(
        "remove member",
        "post",
        lambda t: (f"{BASE}/mitglieder/{_member_of(t, t.lea)}/entfernen/", {}),
        # Lea (the reader) removing herself is leaving, which every member may do.
        frozenset({"core_team", "reader"}),
    ),
    Endpoint("revoke invitation", "post", _invitation, CORE),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_permission_grid(team: Team, endpoint: Endpoint, who: str) -> None:
    url, data = endpoint.build(team)
    client = client_for(team.user(who))
    response = getattr(client, endpoint.method)(url, data)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/?next=")
    elif who in OUTSIDERS:
        assert response.status_code == 404
        assert "Digitalstrategie 2030" not in body(response)
    elif who in endpoint.allowed:
        expected = 200 if endpoint.method == "get" else 302
        assert response.status_code == expected, body(response)[:2000]
    else:
        assert response.status_code == 403


def test_outsiders_changed_nothing(team: Team) -> None:
    """Every write of the grid, tried by outsiders and anonymous visitors, writes nothing."""
    for endpoint in ENDPOINTS:
        if endpoint.method != "post":
            continue
        url, data = endpoint.build(team)
        before = Activity.objects.count()
        for who in [*OUTSIDERS, "anonymous"]:
            client_for(team.user(who)).post(url, data)
        assert Activity.objects.count() == before, endpoint.name
    assert team.step("1").version == 1


def test_start_page_is_public_and_lists_only_own_workspaces(team: Team) -> None:
    anonymous = Client().get("/strategie/")
    assert anonymous.status_code == 200
    assert "Digitalstrategie 2030" not in body(anonymous)
    assert "Anmelden, um Ihre Arbeitsräume zu sehen" in body(anonymous)
    assert "Die Bestandsanalyse" in body(anonymous)  # the public process overview
    for who in MEMBERS:
        page = client_for(team.user(who)).get("/strategie/")
        assert "Digitalstrategie 2030" in body(page), who
    for who in OUTSIDERS:
        page = client_for(team.user(who)).get("/strategie/")
        assert "Digitalstrategie 2030" not in body(page), who
    mia = client_for(team.personas.mia).get("/strategie/")
    assert "Arbeitsraum anlegen" in body(mia)
    clara = client_for(team.personas.clara).get("/strategie/")
    assert "Arbeitsraum anlegen" not in body(clara)


def test_start_page_replaces_the_placeholder_under_the_navigation_name(team: Team) -> None:
    from django.urls import reverse

    assert reverse("strategy") == reverse("strategy:workspace_list") == "/strategie/"
    page = body(client_for(team.anna).get("/strategie/"))
    assert "<h1>Strategie</h1>" in page
    assert 'href="/strategie/" aria-current="page"' in page
    assert "kommt bald" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("core_team", 200),
        ("contributor", 200),
        ("reader", 200),
        ("external_partner", 403),  # Pia belongs to no municipality
        ("municipality_member", 200),
        ("other_municipality", 200),
        ("no_municipality", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_create_form(team: Team, who: str, status: int) -> None:
    response = client_for(team.user(who)).get("/strategie/neu/")
    assert response.status_code == status


# --------------------------------------------------------------------------- create


def test_create_form_prefills_the_digitalcheck_link_and_creates(personas: Personas) -> None:
    check = submitted_check(personas.musterstadt)
    client = client_for(personas.mia)
    form = client.get(f"/strategie/neu/?digitalcheck={check.pk}")
    assert f'name="digitalcheck" value="{check.pk}"' in body(form)
    assert "Ausgangslage aus dem Digitalcheck" in body(form)
    assert "Strategie zuerst" in body(form) and "Pilotprojekte zuerst" in body(form)
    response = client.post(
        "/strategie/neu/",
        {
            "municipality": personas.musterstadt.pk,
            "title": "Smarte Region Nord",
            "kind": "district_alliance",
            "entry_variant": "mixed",
            "slug": "",
            "digitalcheck": str(check.pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/strategie/musterstadt/smarte-region-nord/"
    workspace = Workspace.objects.get()
    assert (workspace.kind, workspace.entry_variant, workspace.digitalcheck) == (
        "district_alliance",
        "mixed",
        check,
    )
    dashboard = body(client.get(response["Location"]))
    assert "Ausgangslage aus dem Digitalcheck" in dashboard
    assert check.result["overall"]["level_title"] in dashboard
    # a check of another municipality cannot be linked, not even by its number
    other = submitted_check(personas.beispieldorf)
    refused = client.post(
        "/strategie/neu/",
        {
            "municipality": personas.musterstadt.pk,
            "title": "Fremder Check",
            "kind": "strategy",
            "entry_variant": "mixed",
            "digitalcheck": str(other.pk),
        },
    )
    assert refused.status_code == 400
    assert "gibt es nicht oder Sie sehen ihn nicht" in body(refused)
    assert Workspace.objects.count() == 1
    dashboard = client.get(response["Location"])
    assert "Strategie mit begleitenden Projekten" in body(dashboard)


def test_create_form_offers_only_own_municipalities_and_reports_errors(
    personas: Personas,
) -> None:
    client = client_for(personas.mia)
    response = client.post(
        "/strategie/neu/",
        {
            "municipality": personas.beispieldorf.pk,
            "title": "",
            "kind": "strategy",
            "entry_variant": "strategy_first",
        },
    )
    assert response.status_code == 400
    text = body(response)
    assert "Bitte eine gültige Auswahl treffen" in text
    assert "Dieses Feld ist zwingend erforderlich" in text
    assert not Workspace.objects.exists()
    services.create_workspace(
        actor=personas.mia, municipality=personas.musterstadt, title="A", slug="eins"
    )
    duplicate = client.post(
        "/strategie/neu/",
        {
            "municipality": personas.musterstadt.pk,
            "title": "B",
            "kind": "strategy",
            "entry_variant": "strategy_first",
            "slug": "eins",
        },
    )
    assert duplicate.status_code == 400
    assert "Der Kurzname „eins“ ist in Musterstadt schon vergeben." in body(duplicate)


# --------------------------------------------------------------------------- dashboard


def test_dashboard_shows_both_cycles_the_special_module_and_the_loop(team: Team) -> None:
    step = team.step("1")
    services.update_step(
        actor=team.anna,
        step=step,
        version=1,
        state="in_progress",
        owner=team.member(team.carl),
        due_date=dt.date(2027, 3, 31),
        checklist=[0, 1],
    )
    services.combine_steps(actor=team.anna, workspace=team.workspace, code="3")
    page = body(client_for(team.lea).get(f"{BASE}/"))
    assert "Zyklus Strategieentwicklung" in page and "Zyklus Projektumsetzung" in page
    assert page.index("Zyklus Strategieentwicklung") < page.index("Zyklus Projektumsetzung")
    assert "Sonderbaustein" in page and "Smart-City-Strategie verfassen" in page
    total = len(step.info.results)
    assert f"2 von {total} abgehakt" in page
    assert f'<progress class="bar" max="{total}" value="2"' in page
    assert "Carl Mitwirkend" in page and "31.03.2027" in page and "in Arbeit" in page
    assert "Evaluation → Strategie überarbeiten" in page
    assert "zusammengelegt mit Schritt 4" in page
    assert "Einstieg: Strategie zuerst" in page
    # A reader sees no action buttons.
    assert "Strategie nach der Evaluation überarbeiten</button>" not in page
    core = body(client_for(team.anna).get(f"{BASE}/"))
    assert "Strategie nach der Evaluation überarbeiten</button>" in core


def test_presentation_view_is_the_dashboard_in_large_type(team: Team) -> None:
    page = body(client_for(team.anna).get(f"{BASE}/?ansicht=praesentation"))
    assert 'class="dashboard presentation"' in page
    assert "Zur normalen Ansicht" in page
    assert "Zyklus Projektumsetzung" in page


def test_overdue_steps_are_marked(team: Team) -> None:
    services.update_step(
        actor=team.anna, step=team.step("2"), version=1, due_date=dt.date(2020, 1, 1)
    )
    page = body(client_for(team.anna).get(f"{BASE}/"))
    assert '01.01.2020 <strong class="overdue">überfällig</strong>' in page


# --------------------------------------------------------------------------- step page


def test_step_page_shows_the_guide_and_the_form(team: Team) -> None:
    page = body(client_for(team.carl).get(f"{BASE}/schritte/1/"))
    info = team.step("1").info
    assert "Arbeitsschritt 1: Die Bestandsanalyse" in page
    assert info.goals[0] in page
    assert info.guiding_questions[0].text in page
    assert "Akteursmapping" in page and "Arbeitshilfe 1" in page
    for index, text in enumerate(info.results):
        assert f'value="{index}"' in page and text in page
    assert 'name="version" value="1"' in page
    reader = body(client_for(team.lea).get(f"{BASE}/schritte/1/"))
    assert "Stand speichern" not in reader
    assert f"offen: {info.results[0]}" in reader


def test_step_form_saves_and_logs(team: Team) -> None:
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/schritte/1/",
        {
            "version": 1,
            "state": "in_progress",
            "owner": team.member(team.carl).pk,
            "due_date": "2027-03-31",
            "checklist": ["0", "2"],
            "done_reason": "",
        },
    )
    assert response.status_code == 302
    step = team.step("1")
    assert (step.state, step.checklist, step.version) == ("in_progress", [0, 2], 2)
    log = body(client.get(f"{BASE}/aktivitaet/"))
    assert "Carl Mitwirkend" in log and "Status: offen → in Arbeit" in log


def test_stale_step_form_is_refused_and_shown_again_with_the_new_version(team: Team) -> None:
    services.update_step(actor=team.carl, step=team.step("1"), version=1, state="in_progress")
    response = client_for(team.anna).post(
        f"{BASE}/schritte/1/", {"version": 1, "state": "skipped", "checklist": ["1"]}
    )
    assert response.status_code == 409
    page = body(response)
    assert "wurde inzwischen geändert (jetzt Version 2, Sie hatten Version 1 geladen)" in page
    assert "von Carl Mitwirkend" in page and "Geändert wurden: Status." in page
    assert 'name="version" value="2"' in page  # saving again overwrites deliberately
    assert '<option value="skipped" selected>' in page  # the user's input is kept
    assert team.step("1").state == "in_progress"


def test_done_without_all_results_needs_a_reason_in_the_form(team: Team) -> None:
    response = client_for(team.anna).post(
        f"{BASE}/schritte/2/", {"version": 1, "state": "done", "checklist": ["0"]}
    )
    assert response.status_code == 400
    assert "Arbeitsschritt 2: noch nicht abgehakt" in body(response)
    assert team.step("2").state == "open"


def test_step_actions_from_the_page(team: Team) -> None:
    client = client_for(team.anna)
    refused = client.post(f"{BASE}/schritte/5/neue-runde/", follow=True)
    assert "Runde 1 ist noch offen" in body(refused)
    services.update_step(
        actor=team.anna, step=team.step("5"), version=1, state="done", done_reason="Ideen gesammelt"
    )
    started = client.post(f"{BASE}/schritte/5/neue-runde/", follow=True)
    assert "Arbeitsschritt 5 „Ideen und Projektskizzen entwickeln“, Runde 2 hat begonnen" in body(
        started
    )
    assert "Runde 1 (erledigt)" in body(started) and "Runde 2 (in Arbeit)" in body(started)
    combined = client.post(f"{BASE}/schritte/6/zusammenlegen/", {"version": 1}, follow=True)
    assert "Arbeitsschritt 6 und Arbeitsschritt 7 sind zusammengelegt" in body(combined)
    assert "Wieder von Schritt 7 trennen" in body(combined)
    refused = client.post(f"{BASE}/schritte/8/zusammenlegen/", follow=True)
    assert "erlaubt nur Arbeitsschritt 3 mit 4" in body(refused)
    first_round = client.get(f"{BASE}/schritte/5/runde/1/")
    assert first_round.status_code == 200
    assert "Neue Runde beginnen" not in body(first_round)  # actions on the latest round only
    assert client.get(f"{BASE}/schritte/5/runde/3/").status_code == 404
    assert client.get(f"{BASE}/schritte/10/").status_code == 404


def test_revision_loop_from_the_dashboard(team: Team) -> None:
    services.update_step(actor=team.anna, step=team.step("9"), version=1, state="in_progress")
    services.update_step(actor=team.anna, step=team.step("SB"), version=1, state="done")
    response = client_for(team.carl).post(f"{BASE}/strategie-ueberarbeiten/", follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/schritte/SB/"
    page = body(response)
    assert "Sonderbaustein, Runde 2" in page
    assert "Überarbeitung der Strategie nach der Evaluation" in page
    dashboard = body(client_for(team.carl).get(f"{BASE}/"))
    assert "Bisher 2 Runden." in dashboard


# --------------------------------------------------------------------------- members


def test_members_page_shows_emails_to_the_core_team_only(team: Team) -> None:
    core = body(client_for(team.anna).get(f"{BASE}/mitglieder/"))
    assert "lea@musterstadt.example" in core and "Person einladen" in core
    for user in (team.carl, team.lea, team.pia):
        page = body(client_for(user).get(f"{BASE}/mitglieder/"))
        assert "Lea Lesend" in page
        assert "lea@musterstadt.example" not in page
        assert "Person einladen" not in page
        assert "Arbeitsraum verlassen" in page


def test_invite_change_role_remove_and_leave_from_the_members_page(team: Team) -> None:
    client = client_for(team.anna)
    invalid = client.post(f"{BASE}/mitglieder/", {"email": "kein-mail", "role": "reader"})
    assert invalid.status_code == 400
    assert "gültige E-Mail-Adresse" in body(invalid)
    again = client.post(
        f"{BASE}/mitglieder/", {"email": "carl@musterstadt.example", "role": "reader"}
    )
    assert "bereits Mitglied dieses Arbeitsraums" in body(again)
    sent = client.post(
        f"{BASE}/mitglieder/",
        {"email": "mia@musterstadt.example", "role": "contributor"},
        follow=True,
    )
    assert "Die Einladung an mia@musterstadt.example wurde verschickt." in body(sent)
    assert "Einladung an mia@musterstadt.example widerrufen" in body(sent)
    lea = team.member(team.lea)
    changed = client.post(
        f"{BASE}/mitglieder/{lea.pk}/rolle/", {f"m{lea.pk}-role": "contributor"}, follow=True
    )
    assert "Lea Lesend hat jetzt die Rolle „Mitwirkende“." in body(changed)
    anna = team.member(team.anna)
    last = client.post(
        f"{BASE}/mitglieder/{anna.pk}/rolle/", {f"m{anna.pk}-role": "reader"}, follow=True
    )
    assert "letzte Mitglied des Kernteams" in body(last)
    leaving = client.post(f"{BASE}/mitglieder/{anna.pk}/entfernen/", follow=True)
    assert "letzte Mitglied des Kernteams" in body(leaving)
    removed = client.post(f"{BASE}/mitglieder/{lea.pk}/entfernen/", follow=True)
    assert "Lea Lesend wurde entfernt." in body(removed)
    pia = client_for(team.pia)
    left = pia.post(f"{BASE}/mitglieder/{team.member(team.pia).pk}/entfernen/", follow=True)
    assert left.redirect_chain[-1][0] == "/strategie/"
    assert pia.get(f"{BASE}/").status_code == 404


# --------------------------------------------------------------------------- invitations


def _invite(team: Team, email: str, role: str = "contributor") -> str:
    client_for(team.anna).post(f"{BASE}/mitglieder/", {"email": email, "role": role})
    return token_from_mail(mail.outbox[-1])


def test_invitation_for_an_existing_account_asks_to_sign_in_then_joins(team: Team) -> None:
    token = _invite(team, "mia@musterstadt.example")
    url = f"/strategie/einladung/{token}/"
    assert mail.outbox[-1].body.count(f"http://testserver{url}") == 1
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/konto/anmelden/?next={url}"
    wrong = client_for(team.personas.ben).get(url)
    assert wrong.status_code == 403
    assert "Die Einladung gilt nur für mia@musterstadt.example" in body(wrong)
    mia = client_for(team.personas.mia)
    assert mia.get(f"{BASE}/").status_code == 404
    page = mia.get(url)
    assert "Einladung annehmen" in body(page) and "Mitwirkende" in body(page)
    joined = mia.post(url)
    assert joined.status_code == 302 and joined["Location"] == f"{BASE}/"
    assert mia.get(f"{BASE}/").status_code == 200
    assert team.member(team.personas.mia).role == "contributor"
    assert Client().get(url).status_code == 404  # used


def test_invitation_for_a_newcomer_sets_up_the_account_and_joins(team: Team) -> None:
    token = _invite(team, "nora@partner.example", role="external_partner")
    url = f"/strategie/einladung/{token}/"
    client = Client()
    form = client.get(url)
    assert "Konto einrichten und beitreten" in body(form)
    weak = client.post(url, {"name": "Nora Neu", "password1": "12345", "password2": "12345"})
    assert weak.status_code == 400
    done = client.post(
        url,
        {
            "name": "Nora Neu",
            "password1": "Sicheres-Passwort-42",
            "password2": "Sicheres-Passwort-42",
        },
    )
    assert done.status_code == 302 and done["Location"] == f"{BASE}/"
    assert client.get(f"{BASE}/").status_code == 200  # signed in and a member
    member = WorkspaceMember.objects.get(user__email="nora@partner.example")
    assert member.role == "external_partner"
    # Signed in as someone else, a newcomer's link is not taken over.
    token = _invite(team, "otto@partner.example")
    other = client_for(team.personas.clara).get(f"/strategie/einladung/{token}/")
    assert other.status_code == 403


def test_unknown_invitation_token_is_not_found() -> None:
    response = Client().get("/strategie/einladung/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Einladung ungültig" in body(response)


# --------------------------------------------------------------------------- activity


def test_activity_log_is_paged(team: Team) -> None:
    for number in range(60):
        Activity.objects.create(
            workspace=team.workspace,
            actor=team.anna,
            verb="updated",
            object_description=f"Eintrag {number}",
        )
    client = client_for(team.lea)
    first = body(client.get(f"{BASE}/aktivitaet/"))
    assert "61 Einträge" in first  # 60 and the workspace's "angelegt"
    assert "<td>Eintrag 59</td>" in first and "<td>Eintrag 10</td>" in first
    assert "<td>Eintrag 9</td>" not in first
    second = body(client.get(f"{BASE}/aktivitaet/?seite=2"))
    assert "Arbeitsraum „Digitalstrategie 2030“" in second
    assert client.get(f"{BASE}/aktivitaet/?seite=3").status_code == 404
    assert client.get(f"{BASE}/aktivitaet/?seite=x").status_code == 404


def test_invitees_addresses_in_the_log_are_for_the_core_team_only(team: Team) -> None:
    _invite(team, "geheim@partner.example")
    core = body(client_for(team.anna).get(f"{BASE}/aktivitaet/"))
    assert "Einladung an geheim@partner.example" in core
    for user in (team.carl, team.lea, team.pia):
        page = body(client_for(user).get(f"{BASE}/aktivitaet/"))
        assert "geheim@partner.example" not in page
        assert "Einladung einer Person" in page


def test_step_pages_link_their_worksheets_and_the_pages_where_the_work_happens(
    team: Team,
) -> None:
    client = client_for(team.anna)
    step_one = body(client.get(f"{BASE}/schritte/1/"))
    assert f'href="{BASE}/arbeitshilfen/digitalisation_questionnaire/"' in step_one
    assert f'href="{BASE}/arbeitshilfen/actor_mapping/"' in step_one
    step_six = body(client.get(f"{BASE}/schritte/6/"))
    assert f'href="{BASE}/arbeitshilfen/risk_matrix/"' in step_six
    assert f'href="{BASE}/risiken/"' in step_six
    assert f'href="{BASE}/arbeitshilfen/actor_mapping/"' not in step_six
    special = body(client.get(f"{BASE}/schritte/SB/"))
    assert f'href="{BASE}/strategiepapier/"' in special


def test_dashboard_sums_up_every_part(team: Team) -> None:
    """ "Stand der Arbeit": counts per part from aggregate queries; stopped projects leave the
    budget, outdated risk scores are counted apart, not in a band."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from kompass.strategy import items, risks
    from kompass.strategy.models import FieldOfAction, Project
    from kompass.strategy.models_ideas import Idea
    from kompass.strategy.models_portfolio import Milestone
    from kompass.strategy.models_risks import Risk

    ws, anna = team.workspace, team.anna
    today = timezone.localdate()
    field = items.create_item(FieldOfAction(workspace=ws, title="Mobilität"), actor=anna)
    for title in ("Parken", "Radwege", "Busse"):
        items.create_item(Idea(workspace=ws, title=title, field_of_action=field), actor=anna)
    running = items.create_item(
        Project(workspace=ws, title="Sensorik", status="prototype", budget=Decimal("1000")),
        actor=anna,
    )
    items.create_item(
        Project(workspace=ws, title="Alt", status="stopped", budget=Decimal("9999")), actor=anna
    )
    items.create_item(
        Milestone(
            workspace=ws, project=running, title="Verspätet", due_date=today - dt.timedelta(1)
        ),
        actor=anna,
    )
    items.create_item(
        Milestone(workspace=ws, project=running, title="Start", due_date=today + dt.timedelta(9)),
        actor=anna,
    )
    scale = risks.current_scale(ws)
    items.create_item(
        Risk(
            workspace=ws,
            title="Hoch",
            probability=5,
            damage=5,
            score=25,
            band="high",
            scale_version=scale.version,
        ),
        actor=anna,
    )
    items.create_item(
        Risk(
            workspace=ws,
            title="Veraltet",
            probability=2,
            damage=2,
            score=4,
            band="low",
            scale_version=scale.version + 7,
        ),
        actor=anna,
    )

    page = body(client_for(team.lea).get(f"{BASE}/"))

    summary = page[page.index('id="stand-der-arbeit"') :]
    assert "3 Ideen" in summary and "1 Handlungsfeld" in summary and "Longlist: 3" in summary
    assert "2 Projekte" in summary and "Prototyp: 1" in summary and "gestoppt: 1" in summary
    assert "Budget ohne gestoppte Projekte: 1.000 €" in summary
    assert "1 Meilenstein ist überfällig." in summary
    assert f"{(today + dt.timedelta(9)).strftime('%d.%m.%Y')}: Start (Sensorik)" in summary
    assert "Stufe hoch: 1" in summary and "Stufe gering: 0" in summary
    assert "neu zu bewerten: 1" in summary
    assert "Noch nicht begonnen." in summary
    assert 'id="stand-monitoring"' not in summary  # no indicator yet, no monitoring panel

    from kompass.strategy import monitoring

    monitoring.create_indicator(
        actor=anna,
        workspace=ws,
        project=running.pk,
        level="output",
        name="Sensoren in Betrieb",
        baseline_value="0",
        baseline_date=today - dt.timedelta(100),
        target_value="10",
        target_date=today + dt.timedelta(100),
        direction="higher",
    )
    summary = body(client_for(team.lea).get(f"{BASE}/"))
    panel = summary[summary.index('id="stand-monitoring"') :]
    assert "keine Daten: 1" in panel and "auf Kurs: 0" in panel
