"""Worksheets of the strategy workspace: services (versions, conflicts, bin), pages (forms,
409, projector view, blank print HTML and PDF), the online questionnaire with its tokens, the
Digitalcheck prefill, and the permission grid of every page."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from kompass.strategy import worksheets as services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    Activity,
    SurveyRecipient,
    SurveyResponse,
    WorksheetEntry,
    WorksheetSurvey,
)
from kompass.strategy.process import load_all
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
BASE = "/strategie/musterstadt/digitalstrategie-2030"
LINK = "http://testserver" + BASE + "/befragung/{token}/"


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def body(response: Any) -> str:
    return str(response.content.decode())


def actor_entry(team: Team, **kwargs: Any) -> WorksheetEntry:
    return services.create_entry(
        actor=team.anna,
        workspace=team.workspace,
        worksheet="actor_mapping",
        title=kwargs.pop("title", "Akteure der Strategie"),
        answers=kwargs.pop("answers", {"level": "strategy", "actors": [{"name": "Stadtwerke"}]}),
        **kwargs,
    )


def questionnaire_entry(team: Team) -> WorksheetEntry:
    return services.create_entry(
        actor=team.anna,
        workspace=team.workspace,
        worksheet="digitalisation_questionnaire",
        title="Bestandsaufnahme",
        answers={"broadband": "Fast überall Glasfaser."},
    )


# --------------------------------------------------------------------------- services


def test_create_update_conflict_delete_restore(team: Team) -> None:
    entry = actor_entry(team, step_code="1", round_number=1)
    assert entry.version == 1 and entry.answers["actors"][0]["name"] == "Stadtwerke"
    assert set(entry.answers) == {f.id for f in load_all().worksheet("actor_mapping").fields}
    updated = services.update_entry(
        actor=team.carl,
        entry=entry,
        version=1,
        answers={"level": "strategy", "actors": [{"name": "Stadtwerke", "ring": "key"}]},
    )
    assert updated.version == 2 and updated.updated_by == team.carl
    line = Activity.objects.filter(target_id=entry.pk, verb="updated").get()
    assert "Akteurinnen und Akteure" in line.details and line.actor == team.carl
    with pytest.raises(VersionConflict) as info:
        services.update_entry(actor=team.anna, entry=entry, version=1, title="Neu")
    assert "jetzt Version 2, Sie hatten Version 1 geladen" in info.value.message
    assert "von Carl Mitwirkend" in info.value.message
    assert "Antworten" in info.value.message and info.value.fields == ["answers"]
    services.delete_entry(actor=team.anna, entry=updated, version=2)
    assert not WorksheetEntry.objects.filter(pk=entry.pk).exists()
    restored = services.restore_entry(
        actor=team.anna, entry=WorksheetEntry.all_objects.get(pk=entry.pk)
    )
    assert restored.version == 4 and restored.deleted_at is None


def test_restore_only_within_30_days(team: Team) -> None:
    entry = actor_entry(team)
    services.delete_entry(actor=team.anna, entry=entry, version=1)
    WorksheetEntry.all_objects.filter(pk=entry.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31)
    )
    with pytest.raises(ValidationError, match="mehr als 30 Tagen"):
        services.restore_entry(actor=team.anna, entry=WorksheetEntry.all_objects.get(pk=entry.pk))


def test_validation_names_fields_and_rows(team: Team) -> None:
    with pytest.raises(ValidationError) as info:
        services.create_entry(
            actor=team.anna,
            workspace=team.workspace,
            worksheet="actor_mapping",
            title=" ",
            step_code="7",
            round_number=3,
            answers={"actors": [{}, {}, {"ring": "nah"}]},
        )
    errors = info.value.message_dict
    assert errors["title"] == ["Bitte einen Titel angeben."]
    assert errors["round"] == ["Arbeitsschritt 7 hat keine Runde 3."]
    assert errors["answers.actors"] == [
        "Akteurinnen und Akteure, Zeile 3, Ring: „nah“ ist keine erlaubte Auswahl."
    ]
    with pytest.raises(ValidationError):
        services.create_entry(
            actor=team.anna, workspace=team.workspace, worksheet="gibt_es_nicht", title="x"
        )


def test_roles(team: Team) -> None:
    entry = actor_entry(team)
    # External partners contribute to the actor mapping (and the idea cards) …
    partner = services.create_entry(
        actor=team.pia, workspace=team.workspace, worksheet="actor_mapping", title="Von Pia"
    )
    services.update_entry(actor=team.pia, entry=entry, version=1, title="Ergänzt")
    # … but not to other worksheets, and they do not delete.
    with pytest.raises(PermissionDenied):
        services.create_entry(
            actor=team.pia, workspace=team.workspace, worksheet="risk_matrix", title="x"
        )
    with pytest.raises(PermissionDenied):
        services.delete_entry(actor=team.pia, entry=partner, version=1)
    for worksheet in ("actor_mapping", "risk_matrix"):
        with pytest.raises(PermissionDenied):
            services.create_entry(
                actor=team.lea, workspace=team.workspace, worksheet=worksheet, title="x"
            )


# --------------------------------------------------------------------------- pages


def test_list_shows_ten_worksheets_with_steps_and_entries(team: Team) -> None:
    actor_entry(team)
    page = body(client_for(team.lea).get(f"{BASE}/arbeitshilfen/"))
    for sheet in load_all().worksheets:
        assert f"Arbeitshilfe {sheet.number}: {sheet.title}" in page
        assert f"{BASE}/arbeitshilfen/{sheet.slug}/leer/" in page
    assert "Akteure der Strategie" in page
    assert "Arbeitsschritt 1" in page
    assert "Neuer Eintrag" not in page  # Lea reads only


def test_create_and_edit_through_the_form(team: Team) -> None:
    client = client_for(team.carl)
    url = f"{BASE}/arbeitshilfen/actor_mapping/neu/"
    assert client.get(url).status_code == 200
    data = {
        "eintrag-title": "Akteure Projekt Laterne",
        "eintrag-step_code": "3",
        "ah-level": "project",
        "ah-project": "Laterne",
        "ah-actor_groups": "Verwaltung\r\nWirtschaft",
        "ah-actors-zeilen": "3",
        "ah-actors-0-name": "Stadtwerke",
        "ah-actors-0-ring": "key",
    }
    more = client.post(url, {**data, "ah-zeilen_hinzufuegen": "actors"})
    assert more.status_code == 200 and "ah-actors-5-name" in body(more)
    assert not WorksheetEntry.objects.exists()
    bad = client.post(url, {**data, "ah-actors-1-name": "Verein", "ah-actors-1-ring": "fern"})
    assert bad.status_code == 400
    assert "Akteurinnen und Akteure, Zeile 2, Ring: „fern“ ist keine erlaubte Auswahl." in body(bad)
    response = client.post(url, data)
    entry = WorksheetEntry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/actor_mapping/{entry.pk}/"
    )
    assert entry.step_code == "3" and entry.answers["actors"][0]["ring"] == "key"
    assert entry.answers["actor_groups"] == ["Verwaltung", "Wirtschaft"]
    detail = body(client.get(response["Location"]))
    assert "Schlüsselakteurinnen und -akteure" in detail and "Stadtwerke" in detail
    edit = f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/bearbeiten/"
    form = body(client.get(edit))
    assert 'value="Stadtwerke"' in form
    ok = client.post(edit, {**data, "eintrag-version": "1", "ah-relations": "eng"})
    assert ok.status_code == 302
    assert WorksheetEntry.objects.get().version == 2


def test_stale_form_is_refused_with_409(team: Team) -> None:
    entry = actor_entry(team)
    services.update_entry(actor=team.carl, entry=entry, version=1, title="Von Carl")
    edit = f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/bearbeiten/"
    response = client_for(team.anna).post(
        edit, {"eintrag-title": "Von Anna", "eintrag-version": "1", "ah-actors-zeilen": "3"}
    )
    assert response.status_code == 409
    page = body(response)
    assert "wurde inzwischen geändert (jetzt Version 2, Sie hatten Version 1 geladen)" in page
    assert 'value="Von Anna"' in page and 'name="eintrag-version" value="2"' in page
    assert WorksheetEntry.objects.get().title == "Von Carl"


def test_projector_view_is_read_only_in_large_type(team: Team) -> None:
    entry = actor_entry(team)
    page = body(
        client_for(team.anna).get(
            f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/?ansicht=praesentation"
        )
    )
    assert "worksheet-entry presentation" in page
    assert "Stadtwerke" in page
    assert f"/{entry.pk}/bearbeiten/" not in page and "Eintrag löschen" not in page
    assert "Präsentationsansicht verlassen" in page


def test_delete_and_restore_pages(team: Team) -> None:
    entry = actor_entry(team)
    client = client_for(team.carl)
    response = client.post(
        f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/loeschen/", {"version": 1}
    )
    assert response.status_code == 302
    listing = body(client.get(f"{BASE}/arbeitshilfen/"))
    assert "Gelöschte Einträge" in listing and "wiederherstellen" in listing
    client.post(f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/wiederherstellen/")
    assert WorksheetEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("slug", [w.slug for w in load_all().worksheets])
def test_blank_print_has_every_field_and_column(team: Team, slug: str) -> None:
    from django.utils.html import escape

    sheet = load_all().worksheet(slug)
    page = body(client_for(team.lea).get(f"{BASE}/arbeitshilfen/{slug}/leer/"))
    for field in sheet.fields:
        assert escape(field.label) in page, field.id
        for column in field.columns:
            assert escape(column.label) in page, column.id
        for row in field.rows:
            assert escape(row.label) in page


def test_blank_pdf(team: Team) -> None:
    response = client_for(team.lea).get(f"{BASE}/arbeitshilfen/risk_matrix/leer.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for label in ("Risikomatrix", "Eintrittswahrscheinlichkeit", "Notfallplan", "Abbruchkriterien"):
        assert label in " ".join(text.split()), label


def test_dedicated_parts_are_linked_when_they_exist(team: Team) -> None:
    from django.urls import NoReverseMatch, reverse

    page = body(client_for(team.anna).get(f"{BASE}/arbeitshilfen/"))
    for slug, name in services.DEDICATED_PAGES.items():
        try:
            url = reverse(name, args=["musterstadt", "digitalstrategie-2030"])
        except NoReverseMatch:
            continue
        assert url in page, slug


# --------------------------------------------------------------------------- Digitalcheck


def test_digitalcheck_prefill(team: Team) -> None:
    check = submitted_check(team.personas.musterstadt)
    team.workspace.digitalcheck = check
    team.workspace.save()
    prefill = services.digitalcheck_prefill(check)
    date = timezone.localtime(check.submitted_at).strftime("%d.%m.%Y")
    assert prefill, "the example check answers mapped items"
    for field_id, text in prefill.items():
        assert field_id in services.DIGITALCHECK_MAPPING
        assert text.startswith(f"Aus dem Digitalcheck vom {date}:")
        assert "keine Angabe" not in text
    url = f"{BASE}/arbeitshilfen/digitalisation_questionnaire/neu/"
    client = client_for(team.anna)
    offer = body(client.get(url))
    assert "Antworten aus dem Digitalcheck vom" in offer and "?digitalcheck=1" in offer
    filled = body(client.get(url + "?digitalcheck=1"))
    assert f"aus dem Digitalcheck vom {date}" in filled
    first = next(iter(prefill.values())).splitlines()[1]
    from django.utils.html import escape

    assert escape(first) in filled


def test_mapping_names_real_items() -> None:
    import yaml

    from kompass.strategy.process import DATA_DIR

    raw = yaml.safe_load((DATA_DIR.parent / "questionnaires" / "digitalcheck-v1.yaml").read_text())
    items = {i["id"] for s in raw["sections"] for i in s["items"]}
    questions = {f.id for f in load_all().worksheet("digitalisation_questionnaire").fields}
    for question, item_ids in services.DIGITALCHECK_MAPPING.items():
        assert question in questions
        assert set(item_ids) <= items, item_ids


# --------------------------------------------------------------------------- survey


def make_survey(team: Team, **kwargs: Any) -> WorksheetSurvey:
    entry = questionnaire_entry(team)
    return services.create_survey(
        actor=team.anna,
        entry=entry,
        title="Befragung 2026",
        questions=kwargs.pop("questions", ["broadband", "it_staff_count", "key_projects"]),
        **kwargs,
    )


def test_survey_token_flow(team: Team) -> None:
    survey = make_survey(team)
    client = client_for(team.anna)
    response = client.post(
        f"{BASE}/befragungen/{survey.pk}/",
        {"people": "Ida IT; Verwaltung; ida@example.org\nOtto Ohne; Wirtschaft\n\n"},
    )
    assert response.status_code == 200
    links = re.findall(r"/befragung/([A-Za-z0-9_-]{20,})/", body(response))
    assert len(links) == 2
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ida@example.org"]
    assert links[0] in mail.outbox[0].body
    recipients = list(SurveyRecipient.objects.order_by("name"))
    assert all(links[0] not in r.token_hash and links[1] not in r.token_hash for r in recipients)
    # Ida answers without an account, twice (one response per token, editable).
    anonymous = Client()
    answer_url = f"{BASE}/befragung/{links[0]}/"
    page = anonymous.get(answer_url)
    assert page.status_code == 200 and "IT-Fachkräfte" in body(page)
    assert "Gibt es eine zentrale kommunale Datenplattform" not in body(page)  # not asked
    bad = anonymous.post(answer_url, {"antwort-it_staff_count": "viele"})
    assert bad.status_code == 400 and "„viele“ ist keine Zahl." in body(bad)
    assert (
        anonymous.post(
            answer_url, {"antwort-it_staff_count": "4", "antwort-broadband": "gut"}
        ).status_code
        == 200
    )
    assert (
        anonymous.post(
            answer_url, {"antwort-it_staff_count": "6", "antwort-broadband": "gut"}
        ).status_code
        == 200
    )
    assert SurveyResponse.objects.count() == 1
    anonymous.post(
        f"{BASE}/befragung/{links[1]}/",
        {"antwort-it_staff_count": "2", "antwort-key_projects": "Laterne"},
    )
    results = services.survey_results(survey)
    by_id = {q.field.id: q for q in results.questions}
    assert results.responses == 2
    assert by_id["it_staff_count"].stats == {"n": 2, "min": 2, "mean": 4, "median": 4.0, "max": 6}
    assert by_id["key_projects"].texts == [("Otto Ohne", "Wirtschaft", "Laterne")]
    page = body(client.get(f"{BASE}/befragungen/{survey.pk}/"))
    assert "Otto Ohne" in page and "Laterne" in page and "Mittelwert" in page
    # The team copies the summary into its entry.
    entry = survey.entry
    client.post(f"{BASE}/befragungen/{survey.pk}/uebernehmen/", {"version": entry.version})
    entry.refresh_from_db()
    assert entry.answers["broadband"].startswith("Fast überall Glasfaser.")
    assert "– Ida IT (Verwaltung): gut" in entry.answers["broadband"]
    assert entry.answers["it_staff_count"] == 4
    # Closed: no more answers.
    client.post(f"{BASE}/befragungen/{survey.pk}/beenden/", {"version": survey.version})
    closed = anonymous.post(answer_url, {"antwort-it_staff_count": "9"})
    assert closed.status_code == 410 and "beendet" in body(closed)
    assert SurveyResponse.objects.get(recipient__name="Ida IT").answers["it_staff_count"] == 6


def test_wrong_and_expired_tokens(team: Team) -> None:
    survey = make_survey(team, closes_on=timezone.localdate())
    created = services.add_recipients(
        actor=team.anna, survey=survey, people=[{"name": "Ida"}], answer_url_template=LINK
    )
    token = created[0].token
    anonymous = Client()
    assert anonymous.get(f"{BASE}/befragung/falsch/").status_code == 404
    assert anonymous.get(f"/strategie/musterstadt/anderer/befragung/{token}/").status_code == 404
    assert anonymous.get(f"{BASE}/befragung/{token}/").status_code == 200
    WorksheetSurvey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    expired = anonymous.post(f"{BASE}/befragung/{token}/", {"antwort-broadband": "x"})
    assert expired.status_code == 410
    assert not SurveyResponse.objects.exists()
    # A new link replaces the old one.
    new = services.renew_link(
        actor=team.anna, recipient=created[0].recipient, answer_url_template=LINK
    )
    assert anonymous.get(f"{BASE}/befragung/{token}/").status_code == 404
    assert anonymous.get(f"{BASE}/befragung/{new.token}/").status_code == 200


def test_survey_only_from_questionnaire_and_by_editors(team: Team) -> None:
    with pytest.raises(ValidationError, match="Nur der Fragebogen"):
        services.create_survey(actor=team.anna, entry=actor_entry(team), title="x")
    with pytest.raises(PermissionDenied):
        services.create_survey(actor=team.pia, entry=questionnaire_entry(team), title="x")
    with pytest.raises(ValidationError) as info:
        services.add_recipients(
            actor=team.anna,
            survey=make_survey(team),
            people=[{"name": "", "email": "x@example.org"}, {"name": "B", "email": "kaputt"}],
            answer_url_template=LINK,
        )
    assert info.value.messages == [
        "Zeile 1: Bitte einen Namen angeben.",
        "Zeile 2, E-Mail-Adresse: „kaputt“ ist keine gültige Adresse.",
    ]


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    build: Callable[[Team], tuple[str, dict[str, Any]]]
    allowed: frozenset[str]
    ok: int | None = None


ALL = frozenset(MEMBERS)
EDIT = frozenset(EDITORS)
CONTRIBUTE = frozenset({*EDITORS, "external_partner"})


def _entry_url(team: Team, suffix: str = "") -> str:
    entry = actor_entry(team)
    return f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/{suffix}"


def _risk_entry_url(team: Team, suffix: str = "") -> str:
    entry = services.create_entry(
        actor=team.anna, workspace=team.workspace, worksheet="risk_matrix", title="R"
    )
    return f"{BASE}/arbeitshilfen/risk_matrix/{entry.pk}/{suffix}"


def _deleted(team: Team) -> tuple[str, dict[str, Any]]:
    entry = actor_entry(team)
    services.delete_entry(actor=team.anna, entry=entry, version=1)
    return f"{BASE}/arbeitshilfen/actor_mapping/{entry.pk}/wiederherstellen/", {}


def _survey(team: Team, suffix: str = "") -> str:
    return f"{BASE}/befragungen/{make_survey(team).pk}/{suffix}"


def _recipient(team: Team, suffix: str) -> tuple[str, dict[str, Any]]:
    survey = make_survey(team)
    new = services.add_recipients(
        actor=team.anna, survey=survey, people=[{"name": "I"}], answer_url_template=LINK
    )
    return f"{BASE}/befragungen/{survey.pk}/personen/{new[0].recipient.pk}/{suffix}/", {}


ACTOR_FORM = {"eintrag-title": "T", "eintrag-version": "1", "ah-actors-zeilen": "3"}
ENDPOINTS = [
    Endpoint("list", "get", lambda t: (f"{BASE}/arbeitshilfen/", {}), ALL),
    Endpoint("worksheet", "get", lambda t: (f"{BASE}/arbeitshilfen/process_plan/", {}), ALL),
    Endpoint("entry", "get", lambda t: (_entry_url(t), {}), ALL),
    Endpoint("projector", "get", lambda t: (_entry_url(t) + "?ansicht=praesentation", {}), ALL),
    Endpoint("blank", "get", lambda t: (f"{BASE}/arbeitshilfen/goal_mapping/leer/", {}), ALL),
    Endpoint("blank pdf", "get", lambda t: (f"{BASE}/arbeitshilfen/idea_cards/leer.pdf", {}), ALL),
    Endpoint("new form", "get", lambda t: (f"{BASE}/arbeitshilfen/risk_matrix/neu/", {}), EDIT),
    Endpoint(
        "new actor form",
        "get",
        lambda t: (f"{BASE}/arbeitshilfen/actor_mapping/neu/", {}),
        CONTRIBUTE,
    ),
    Endpoint(
        "create",
        "post",
        lambda t: (f"{BASE}/arbeitshilfen/actor_mapping/neu/", ACTOR_FORM),
        CONTRIBUTE,
    ),
    Endpoint(
        "create risk",
        "post",
        lambda t: (
            f"{BASE}/arbeitshilfen/risk_matrix/neu/",
            {"eintrag-title": "R", "ah-risks-zeilen": "3"},
        ),
        EDIT,
    ),
    Endpoint("edit form", "get", lambda t: (_risk_entry_url(t, "bearbeiten/"), {}), EDIT),
    Endpoint("edit", "post", lambda t: (_entry_url(t, "bearbeiten/"), ACTOR_FORM), CONTRIBUTE),
    Endpoint("delete", "post", lambda t: (_entry_url(t, "loeschen/"), {"version": 1}), EDIT),
    Endpoint("restore", "post", _deleted, EDIT),
    Endpoint(
        "survey new",
        "get",
        lambda t: (
            f"{BASE}/arbeitshilfen/fragebogen/{questionnaire_entry(t).pk}/befragung/neu/",
            {},
        ),
        EDIT,
    ),
    Endpoint(
        "survey create",
        "post",
        lambda t: (
            f"{BASE}/arbeitshilfen/fragebogen/{questionnaire_entry(t).pk}/befragung/neu/",
            {"title": "B", "questions": ["broadband"]},
        ),
        EDIT,
    ),
    Endpoint("survey", "get", lambda t: (_survey(t), {}), ALL),
    Endpoint("add recipients", "post", lambda t: (_survey(t), {"people": "Ida"}), EDIT, ok=200),
    Endpoint("close survey", "post", lambda t: (_survey(t, "beenden/"), {"version": 1}), EDIT),
    Endpoint(
        "reopen survey", "post", lambda t: (_survey(t, "wieder-oeffnen/"), {"version": 1}), EDIT
    ),
    Endpoint("copy summary", "post", lambda t: (_survey(t, "uebernehmen/"), {}), EDIT),
    Endpoint("new link", "post", lambda t: _recipient(t, "neuer-link"), EDIT, ok=200),
    Endpoint("remove recipient", "post", lambda t: _recipient(t, "entfernen"), EDIT),
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
        expected = endpoint.ok or (200 if endpoint.method == "get" else 302)
        assert response.status_code == expected, body(response)[:3000]
    else:
        assert response.status_code == 403


def test_outsiders_changed_nothing(team: Team) -> None:
    for endpoint in ENDPOINTS:
        if endpoint.method != "post":
            continue
        url, data = endpoint.build(team)
        before = (
            Activity.objects.count(),
            WorksheetEntry.all_objects.count(),
            SurveyRecipient.objects.count(),
        )
        for who in [*OUTSIDERS, "anonymous", "reader"]:
            client_for(team.user(who)).post(url, data)
        after = (
            Activity.objects.count(),
            WorksheetEntry.all_objects.count(),
            SurveyRecipient.objects.count(),
        )
        assert after == before, endpoint.name
