"""Digitalcheck pages: start, the wizard (drafts saved per section, validation at the item),
finishing, the result page, release, deletion and restore, history and comparison; and the
permission grid: members only, 404 for outsiders, login for anonymous visitors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from kompass.atlas.practice import load_practice_examples
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action
from kompass.digitalcheck import services
from kompass.digitalcheck.models import Submission
from tests.conftest import Personas
from tests.test_digitalcheck_scoring import EXAMPLE

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start_anonymous(client: Client, population: str = "4500", land: str = "BY") -> str:
    """Start an anonymous check; return the token of its private link."""
    response = client.post("/digitalcheck/anonym/", {"population": population, "land": land})
    assert response.status_code == 302
    match = re.fullmatch(r"/digitalcheck/check/([^/]+)/abschnitt/1/", response["Location"])
    assert match, response["Location"]
    return match[1]


def submitted_check(municipality: Any, answers: dict[str, Any] | None = None) -> Submission:
    submission, _ = services.start(municipality=municipality)
    return services.submit(submission, answers=EXAMPLE if answers is None else answers)


# --- Start page ----------------------------------------------------------------------------
def test_start_page_explains_and_offers_both_ways(client: Client, personas: Personas) -> None:
    body = client.get("/digitalcheck/").content.decode()
    assert "<h1>Digitalcheck</h1>" in body
    assert "15 Minuten" in body and "11 Abschnitte" in body
    assert 'href="/digitalcheck/" aria-current="page"' in body
    assert "Anonym starten" in body and "Check für" not in body
    member = signed_in(personas.mia).get("/digitalcheck/").content.decode()
    assert "Check für Musterstadt beginnen" in member
    assert "/digitalcheck/kommune/musterstadt/" in member
    assert "Check für Beispieldorf" not in member


def test_an_anonymous_check_is_linked_to_no_account(personas: Personas) -> None:
    client = signed_in(personas.clara)
    token = start_anonymous(client)
    submission = Submission.objects.get()
    assert submission.author is None and submission.municipality is None
    assert services.by_token(token) == submission
    assert list(services.visible_to(personas.clara)) == []


def test_anonymous_start_validates_the_population(client: Client) -> None:
    response = client.post("/digitalcheck/anonym/", {"population": "-5", "land": ""})
    assert response.status_code == 400
    assert "größer oder gleich 1" in response.content.decode()
    response = client.post("/digitalcheck/anonym/", {"population": "viele"})
    assert "ganze Zahl" in response.content.decode()
    assert not Submission.objects.exists()


# --- Wizard --------------------------------------------------------------------------------
def test_wizard_saves_each_section_as_a_draft(client: Client) -> None:
    token = start_anonymous(client)
    base = f"/digitalcheck/check/{token}/"
    page = client.get(base + "abschnitt/1/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Abschnitt 1 von 11: Strategie" in body
    assert '<progress max="11" value="1"' in body
    assert token in body  # the private link is shown to save
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"]
    response = client.post(
        base + "abschnitt/1/",
        {"strategy_stage": "in_progress", "strategy_alignment": "yes", "action": "next"},
    )
    assert response.status_code == 302 and response["Location"] == base + "abschnitt/2/"
    submission = Submission.objects.get()
    assert submission.answers == {"strategy_stage": "in_progress", "strategy_alignment": "yes"}
    assert submission.current_section == "strategy"
    # back and save keep the answers too
    response = client.post(base + "abschnitt/2/", {"digital_lead": "cdo", "action": "back"})
    assert response["Location"] == base + "abschnitt/1/"
    response = client.post(base + "abschnitt/2/", {"digital_unit": "unit", "action": "save"})
    assert response["Location"] == base + "abschnitt/2/"
    submission.refresh_from_db()
    assert submission.answers["digital_unit"] == "unit"
    assert "digital_lead" not in submission.answers  # replaced by the section's new answers
    # the last section leads to the overview
    response = client.post(base + "abschnitt/11/", {"self_rating_strategy": "3"})
    assert response["Location"] == base + "abschliessen/"
    assert client.get(base + "abschnitt/12/").status_code == 404


def test_wizard_shows_engine_errors_at_the_item(client: Client) -> None:
    token = start_anonymous(client)
    url = f"/digitalcheck/check/{token}/abschnitt/1/"
    client.post(url, {"strategy_stage": "none"})
    response = client.post(
        url, {"strategy_stage": "none", "strategy_anchoring": ["published"], "action": "next"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "wird nach Ihrer Antwort auf Frage „strategy_stage“ nicht gestellt" in body
    assert 'class="errorlist" id="id_strategy_anchoring_errors"' in body
    response = client.post(url, {"strategy_stage": "vielleicht"})
    assert "Unbekannte Option „vielleicht“" in response.content.decode()
    assert Submission.objects.get().answers == {"strategy_stage": "none"}


def test_finish_lists_open_required_items_and_submits(client: Client) -> None:
    token = start_anonymous(client)
    base = f"/digitalcheck/check/{token}/"
    overview = client.get(base + "abschliessen/").content.decode()
    assert "Vor dem Abschluss noch zu beantworten" in overview
    assert f'href="{base}abschnitt/1/"' in overview
    response = client.post(base + "abschliessen/", {"released": "on"})
    assert response.status_code == 400
    assert "Pflichtfrage" in response.content.decode()
    client.post(base + "abschnitt/1/", {"strategy_stage": "planned"})
    response = client.post(base + "abschliessen/", {"released": "on"})
    assert response["Location"] == f"/digitalcheck/ergebnis/{token}/"
    submission = Submission.objects.get()
    assert submission.is_submitted and submission.released_for_comparison
    # a submitted check is not edited any more: the wizard leads to the result
    again = client.get(base + "abschnitt/1/")
    assert again.status_code == 302 and again["Location"] == f"/digitalcheck/ergebnis/{token}/"


def test_a_draft_result_leads_back_to_the_wizard(client: Client) -> None:
    token = start_anonymous(client)
    client.post(f"/digitalcheck/check/{token}/abschnitt/3/", {"efile_stage": "partly"})
    response = client.get(f"/digitalcheck/ergebnis/{token}/")
    assert response["Location"] == f"/digitalcheck/check/{token}/abschnitt/3/"


# --- Result --------------------------------------------------------------------------------
def test_result_page_shows_level_type_peers_and_recommendations(client: Client) -> None:
    submission, token = services.start(population=42_318, land="SH")
    services.submit(submission, answers=EXAMPLE)
    response = client.get(f"/digitalcheck/ergebnis/{token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Stufe 3 von 5: Im Aufbau" in body
    assert "Gesamtwert 54,2 von 100 Punkten" in body
    assert "Ambitionierte Großkommunen" in body and "Warum dieser Typ" in body
    assert "Die Vergleichsgruppe (Mittelstädte) ist noch zu klein" in body
    assert "Lücke: Handlungsfelder (26,7 Punkte)" in body
    gap = body.split('id="luecke-fields"')[1].split('id="luecke-')[0]
    assert "<h4>Digitalisierung über das E-Government hinaus denken</h4>" in gap
    assert "Sie haben „" in body  # the barrier named in EXAMPLE adds a recommendation
    # the dimension chart has a table, figures have year, n and source
    assert 'data-chart="bereiche"' in body and 'id="analysis-charts"' in body
    assert '<th scope="row">Daten</th><td class="number">33,0</td>' in body
    assert "000_f47b0d7ebee16adc.txt, Z. 862–864" in body
    assert f'href="/strategie/neu/?digitalcheck={token}"' in body
    assert "Im Strategie-Arbeitsbereich öffnen" in body
    assert 'name="robots" content="noindex, nofollow"' in body


def test_result_page_shows_the_distribution_from_ten_peers(client: Client) -> None:
    for score in (5, 15, 25, 35, 45, 55, 65, 75, 85, 95):
        other, _ = services.start(population=30_000, land="SH")
        Submission.objects.filter(pk=other.pk).update(
            status="submitted", released_for_comparison=True, overall_score=score
        )
        other.refresh_from_db()
        services._refresh_peers(other)
    submission, token = services.start(population=42_318, land="SH")
    services.submit(submission, answers=EXAMPLE)
    body = client.get(f"/digitalcheck/ergebnis/{token}/").content.decode()
    assert "Vergleichsgruppe: Mittelstädte, 10 freigegebene Ergebnisse." in body
    assert "Ihr Gesamtwert liegt bei Perzentil 50" in body
    assert 'data-chart="vergleich"' in body
    assert "40 bis unter 60" in body


def test_result_links_atlas_projects_and_practice_examples_for_gaps(client: Client) -> None:
    load_fields_of_action()
    load_atlas_edition("2019")
    load_practice_examples()
    submission, token = services.start(population=42_318, land="SH")
    services.submit(submission, answers=EXAMPLE)
    body = client.get(f"/digitalcheck/ergebnis/{token}/").content.decode()
    section = body.split('id="luecke-data"')[1].split('id="luecke-')[0]
    assert "/atlas/kommunen/" in section and "Projekt im Smart-City-Atlas" in section
    assert "/atlas/projekte/?field=data_platform&amp;size_class=medium_town" in section
    assert "Praxisbeispiel" in body


def test_release_can_be_given_and_withdrawn(client: Client) -> None:
    submission, token = services.start(population=42_318, land="SH")
    services.submit(submission, answers=EXAMPLE)
    response = client.post(f"/digitalcheck/ergebnis/{token}/freigabe/", {"released": "on"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.released_for_comparison and submission.is_peer
    client.post(f"/digitalcheck/ergebnis/{token}/freigabe/", {})
    submission.refresh_from_db()
    assert not submission.released_for_comparison and not submission.is_peer
    assert client.get(f"/digitalcheck/ergebnis/{token}/freigabe/").status_code == 405


def test_anonymous_deletion_is_confirmed_and_complete(client: Client) -> None:
    token = start_anonymous(client)
    url = f"/digitalcheck/ergebnis/{token}/loeschen/"
    confirm = client.get(url)
    assert "vollständig und endgültig gelöscht" in confirm.content.decode()
    assert Submission.objects.exists()
    response = client.post(url, follow=True)
    assert "vollständig gelöscht" in response.content.decode()
    assert not Submission.objects.exists()
    assert client.get(f"/digitalcheck/ergebnis/{token}/").status_code == 404


def test_unknown_tokens_are_not_found(client: Client) -> None:
    for url in (
        "/digitalcheck/ergebnis/gibt-es-nicht/",
        "/digitalcheck/check/gibt-es-nicht/abschnitt/1/",
        "/digitalcheck/check/gibt-es-nicht/abschliessen/",
        "/digitalcheck/ergebnis/gibt-es-nicht/loeschen/",
    ):
        assert client.get(url).status_code == 404
    assert client.post("/digitalcheck/ergebnis/gibt-es-nicht/freigabe/").status_code == 404


# --- Members -------------------------------------------------------------------------------
def test_member_takes_a_check_and_sees_the_history(personas: Personas) -> None:
    mia = signed_in(personas.mia)
    response = mia.post("/digitalcheck/kommune/musterstadt/neu/")
    submission = Submission.objects.get()
    base = f"/digitalcheck/kommune/musterstadt/{submission.pk}/"
    assert response["Location"] == base + "abschnitt/1/"
    assert (submission.population, submission.land, submission.author) == (
        42_318,
        "SH",
        personas.mia,
    )
    mia.post(base + "abschnitt/1/", {"strategy_stage": "implementing"})
    # anna, another member, continues the same draft
    anna = signed_in(personas.anna)
    assert "Wir haben eine Strategie" in anna.get(base + "abschnitt/1/").content.decode()
    response = anna.post(base + "abschliessen/", {})
    assert response["Location"] == base
    result = anna.get(base).content.decode()
    assert "Ergebnis des Digitalchecks für Musterstadt" in result
    assert f'href="/strategie/neu/?digitalcheck={submission.pk}"' in result
    history = mia.get("/digitalcheck/kommune/musterstadt/").content.decode()
    assert "abgeschlossen am" in history and "Mia Mitglied" in history


def test_history_compares_two_dates(personas: Personas) -> None:
    first = submitted_check(personas.musterstadt)
    second = submitted_check(personas.musterstadt, dict(EXAMPLE, open_data="high"))
    mia = signed_in(personas.mia)
    history = mia.get("/digitalcheck/kommune/musterstadt/").content.decode()
    assert "Zwei Zeitpunkte vergleichen" in history and 'name="a"' in history
    response = mia.get(
        "/digitalcheck/kommune/musterstadt/vergleich/", {"a": first.pk, "b": second.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Daten</th>' in body
    assert "+33,3" in body  # data: (66 + 33 + 0) / 3 = 33.0 -> (66 + 33 + 100) / 3 = 66.3
    same = mia.get("/digitalcheck/kommune/musterstadt/vergleich/", {"a": first.pk, "b": first.pk})
    assert same.status_code == 400 and "zwei verschiedene" in same.content.decode()


def test_members_delete_and_restore(personas: Personas) -> None:
    check = submitted_check(personas.musterstadt)
    mia = signed_in(personas.mia)
    base = f"/digitalcheck/kommune/musterstadt/{check.pk}/"
    assert "30 Tage lang" in mia.get(base + "loeschen/").content.decode()
    response = mia.post(base + "loeschen/", follow=True)
    body = response.content.decode()
    assert "wiederherstellen" in body and "Gelöschte Checks" in body
    assert mia.get(base).status_code == 404
    mia.post(base + "wiederherstellen/")
    check.refresh_from_db()
    assert check.deleted_at is None
    assert mia.get(base).status_code == 200


def test_member_without_population_is_asked_for_it(personas: Personas) -> None:
    personas.musterstadt.population = None
    personas.musterstadt.save()
    mia = signed_in(personas.mia)
    form = mia.post("/digitalcheck/kommune/musterstadt/neu/")
    assert form.status_code == 200 and "keine Einwohnerzahl" in form.content.decode()
    assert not Submission.objects.exists()
    response = mia.post("/digitalcheck/kommune/musterstadt/neu/", {"population": "41000"})
    assert response.status_code == 302
    assert Submission.objects.get().population == 41_000


def test_outsiders_cannot_see_or_touch_checks(personas: Personas) -> None:
    """Grid: every member page and action × (ben of another municipality, clara without one)
    is a 404; anonymous visitors are sent to the login; nothing changes."""
    check = submitted_check(personas.musterstadt)
    draft, _ = services.start(municipality=personas.musterstadt)
    deleted = submitted_check(personas.musterstadt)
    services.delete(deleted)
    base = f"/digitalcheck/kommune/musterstadt/{check.pk}/"
    gets = [
        "/digitalcheck/kommune/musterstadt/",
        "/digitalcheck/kommune/musterstadt/vergleich/",
        base,
        base + "loeschen/",
        f"/digitalcheck/kommune/musterstadt/{draft.pk}/abschnitt/1/",
        f"/digitalcheck/kommune/musterstadt/{draft.pk}/abschliessen/",
        base + "bericht.pdf",
        base + "bericht.docx",
        "/digitalcheck/kommune/musterstadt/datensatz.xlsx",
        "/digitalcheck/kommune/musterstadt/datensatz.sav",
    ]
    posts = [
        "/digitalcheck/kommune/musterstadt/neu/",
        base + "freigabe/",
        base + "loeschen/",
        f"/digitalcheck/kommune/musterstadt/{deleted.pk}/wiederherstellen/",
        f"/digitalcheck/kommune/musterstadt/{draft.pk}/abschnitt/1/",
        f"/digitalcheck/kommune/musterstadt/{draft.pk}/abschliessen/",
    ]
    for user in (personas.ben, personas.clara, personas.sven, personas.mia):
        if user == personas.mia:  # a member, but the research dataset is for staff only
            assert signed_in(user).get("/digitalcheck/datensatz.csv").status_code == 404
            continue
        client = signed_in(user)
        for url in gets:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"released": "on"}).status_code == 404, (user, url)
        # ben's own municipality does not open Musterstadt's checks either
        assert client.get(f"/digitalcheck/kommune/beispieldorf/{check.pk}/").status_code == 404
    anonymous = Client()
    for url in gets:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"], url
    for url in posts:
        response = anonymous.post(url)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"], url
    check.refresh_from_db()
    deleted.refresh_from_db()
    assert not check.released_for_comparison and check.deleted_at is None
    assert deleted.deleted_at is not None
    assert Submission.objects.count() == 3
    assert Submission.objects.get(pk=draft.pk).answers == {}


def test_members_pages_of_their_own_municipality_work(personas: Personas) -> None:
    submitted_check(personas.beispieldorf)
    ben = signed_in(personas.ben)
    assert ben.get("/digitalcheck/kommune/beispieldorf/").status_code == 200
    assert "Musterstadt" not in ben.get("/digitalcheck/").content.decode()


def test_reports_and_datasets_open_as_real_files(personas: Personas, client: Client) -> None:
    """PDF and DOCX of a result; the municipality's checks as XLSX (with codebook), CSV and
    SPSS; all read back with the libraries that read those formats."""
    import csv
    import io
    import tempfile

    import docx
    import openpyxl
    import pyreadstat
    from pypdf import PdfReader

    check = submitted_check(personas.musterstadt)
    services.release(check, True)
    level = check.result["overall"]["level_title"]
    mia = signed_in(personas.mia)
    base = f"/digitalcheck/kommune/musterstadt/{check.pk}/"
    assert 'bericht.pdf"' in mia.get(base).content.decode()
    pdf = mia.get(base + "bericht.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert level in text and "Musterstadt" in text
    word = docx.Document(io.BytesIO(mia.get(base + "bericht.docx").content))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings and any("Empfehlungen" in h for h in headings)
    assert mia.get(base + "bericht.html").status_code == 404

    sheet = openpyxl.load_workbook(
        io.BytesIO(mia.get("/digitalcheck/kommune/musterstadt/datensatz.xlsx").content)
    )
    assert {"Daten", "Codebuch"} <= set(sheet.sheetnames)
    assert sheet["Daten"].max_row == 2  # header and the one submitted check
    excel = mia.get("/digitalcheck/kommune/musterstadt/datensatz.csv?excel=1").content
    assert excel.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and "strategy_stage" in rows[0]
    with tempfile.NamedTemporaryFile(suffix=".sav") as handle:
        handle.write(mia.get("/digitalcheck/kommune/musterstadt/datensatz.sav").content)
        handle.flush()
        frame, meta = pyreadstat.read_sav(handle.name)
    assert len(frame) == 1 and "strategy_stage" in meta.column_names
    assert meta.column_names_to_labels["strategy_stage"]

    # the research dataset (released checks of every municipality) is for platform staff
    staff = signed_in(personas.sven)
    released = staff.get("/digitalcheck/datensatz.csv")
    assert released.status_code == 200
    assert len(list(csv.reader(io.StringIO(released.content.decode())))) == 2
    assert staff.get("/digitalcheck/datensatz.exe").status_code == 404

    # anonymous checks: the report behind the private link
    token = start_anonymous(client)
    services.submit(services.by_token(token), answers=EXAMPLE)
    anonymous_pdf = client.get(f"/digitalcheck/ergebnis/{token}/bericht.pdf")
    assert anonymous_pdf.status_code == 200
    assert "Anonym" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(anonymous_pdf.content)).pages
    )
    assert client.get("/digitalcheck/ergebnis/falsch/bericht.pdf").status_code == 404
