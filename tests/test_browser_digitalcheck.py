"""Digitalcheck journeys in real headless Chromium: an anonymous check from the start page to
the result (answers given with the keyboard, skip logic in the browser), and a member's check
from the login to the history. Every visited page is checked with axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kompass.digitalcheck import services
from kompass.digitalcheck.models import Submission
from tests.conftest import PASSWORD, Personas
from tests.test_browser import assert_accessible, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A few answers per section: (item id, option label). Chosen with the keyboard.
ANSWERS: list[list[tuple[str, str]]] = [
    [
        ("strategy_stage", "Wir erarbeiten gerade eine Strategie"),
        ("strategy_components", "Festgelegte Ziele"),
    ],
    [("digital_lead", "Chief Digital Officer"), ("digital_unit", "Nein"), ("reports_to_top", "Ja")],
    [
        ("efile_stage", "In einzelnen Fachbereichen im Einsatz"),
        ("online_services", "Einzelne Leistungen"),
    ],
    [("data_inventory", "Kaum"), ("data_central", "Teilweise"), ("open_data", "keine Angabe")],
    [("training_share", "Unter 10 Prozent"), ("citizen_skills", "Volkshochschule")],
    [("broadband_rating", "2 – gut"), ("mobile_rating", "4 – ausreichend")],
    [("fields_addressed", "Verwaltung"), ("cross_sector_projects", "Nein")],
    [("intermunicipal", "Kaum oder gar nicht")],
    [
        ("challenges", "Verwaltungsleistungen für Bürgerinnen und Bürger"),
        ("barriers", "Es fehlt an Geld"),
    ],
    [("support_wanted", "Checklisten")],
    [("self_rating_strategy", "4 – gut")],
]


def choose(page: Any, item: str, label: str) -> None:
    """Select an option of an item with the keyboard: focus it, press Space."""
    question = page.locator(f'fieldset[data-item="{item}"]')
    option = question.get_by_label(label, exact=label in ("Ja", "Nein", "Verwaltung", "Kaum"))
    option.focus()
    page.keyboard.press("Space")
    assert option.is_checked(), (item, label)


def next_section(page: Any) -> None:
    """Save and go on with the keyboard (the first button is "Speichern und weiter")."""
    page.get_by_role("button", name=re.compile("^Speichern und (weiter|zur Übersicht)$")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def download_reports(page: Any) -> tuple[str, list[str]]:
    """Click the two report links as a user would; open the files that arrive: the PDF's
    text (pypdf) and the Word file's headings (python-docx)."""
    import docx
    from pypdf import PdfReader

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile("^Bericht als PDF")).click()
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(pdf_download.value.path())
    text = "".join(p.extract_text() for p in reader.pages)
    with page.expect_download() as docx_download:
        page.get_by_role("link", name=re.compile("^Bericht als Word-Datei")).click()
    assert docx_download.value.suggested_filename.endswith(".docx")
    document = docx.Document(docx_download.value.path())
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    return text, headings


def test_anonymous_check_from_start_to_result(page: Any, live_server: Any) -> None:
    problems = watch_console(page)
    page.goto(live_server.url + "/digitalcheck/")
    assert page.locator("h1").inner_text() == "Digitalcheck"
    assert "15 Minuten" in page.locator("main").inner_text()
    assert_accessible(page)

    page.get_by_label("Einwohnerzahl Ihrer Kommune").fill("23000")
    page.get_by_label("Land (freiwillig)").select_option("NW")
    page.get_by_label("Einwohnerzahl Ihrer Kommune").press("Enter")
    page.wait_for_url(re.compile(r"/digitalcheck/check/[^/]+/abschnitt/1/$"))
    token = page.url.split("/check/")[1].split("/")[0]
    assert "Abschnitt 1 von 11: Strategie" in page.locator("#fortschritt").inner_text()
    assert token in page.locator("code.secret").inner_text()
    assert_accessible(page)

    # skip logic in the browser: the strategy's components are asked only with a strategy
    components = page.locator('fieldset[data-item="strategy_components"]')
    choose(page, "strategy_stage", "Wir haben vor, eine Strategie zu erarbeiten")
    assert components.is_hidden()
    for number, answers in enumerate(ANSWERS, start=1):
        assert f"Abschnitt {number} von 11" in page.locator("#fortschritt").inner_text()
        for item, label in answers:
            choose(page, item, label)
        if number == 1:
            assert components.is_visible()
        if number in (1, 6, 11):
            assert_accessible(page)
        next_section(page)

    assert page.url.endswith(f"/check/{token}/abschliessen/")
    assert "Übersicht und Abschluss" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Check abschließen und auswerten").click()
    page.wait_for_url(f"{live_server.url}/digitalcheck/ergebnis/{token}/")

    main = page.locator("main")
    assert page.locator("h1").inner_text() == "Ergebnis Ihres Digitalchecks"
    assert re.search(r"Stufe \d von 5: ", main.inner_text())
    assert "Kommunentyp" in main.inner_text() and "Warum dieser Typ" in main.inner_text()
    assert "Vergleichsgruppe (Mittelstädte) ist noch zu klein" in main.inner_text()
    assert page.locator("article.recommendation").count() >= 3
    assert page.locator('.chart-box[data-chart="bereiche"] canvas').count() == 1
    strategy = page.get_by_role("link", name="Im Strategie-Arbeitsbereich öffnen")
    assert strategy.get_attribute("href") == f"/strategie/neu/?digitalcheck={token}"
    assert_accessible(page)
    level_title = Submission.objects.get().result["overall"]["level_title"]
    assert level_title and level_title in main.inner_text()
    pdf_text, docx_headings = download_reports(page)
    assert "Anonymer Digitalcheck" in pdf_text and level_title in pdf_text
    assert any("Empfehlungen" in heading for heading in docx_headings)

    # the reference figures open with the keyboard
    page.locator("details.analysis-notes summary").nth(1).focus()
    page.keyboard.press("Enter")
    assert page.locator("details.analysis-notes").nth(1).get_attribute("open") is not None

    # delete: confirmation, then nothing is left
    page.get_by_role("link", name="Diesen Check löschen").click()
    assert page.locator("h1").inner_text() == "Check löschen"
    assert_accessible(page)
    page.get_by_role("button", name="Ja, endgültig löschen").click()
    page.wait_for_url(live_server.url + "/digitalcheck/")
    assert "vollständig gelöscht" in page.get_by_role("status").inner_text()
    assert not Submission.objects.exists()
    assert problems == []


def test_member_takes_and_submits_a_check(page: Any, live_server: Any, personas: Personas) -> None:
    problems = watch_console(page)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("mia@musterstadt.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(live_server.url + "/konto/")

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Digitalcheck"
    ).click()
    assert_accessible(page)
    page.get_by_role("button", name="Check für Musterstadt beginnen").click()
    page.wait_for_url(re.compile(r"/digitalcheck/kommune/musterstadt/\d+/abschnitt/1/$"))
    assert page.locator("h1").inner_text() == "Digitalcheck für Musterstadt"
    assert page.locator("code.secret").count() == 0  # members need no private link
    assert_accessible(page)

    # an invalid combination is explained at the item
    choose(page, "strategy_stage", "Wir haben eine Strategie und setzen sie bereits um")
    choose(page, "strategy_components", "Keinen dieser Bausteine")
    choose(page, "strategy_components", "Festgelegte Ziele")
    next_section(page)
    error = page.locator('fieldset[data-item="strategy_components"] .errorlist')
    assert "lässt sich nicht mit anderen kombinieren" in error.inner_text()
    assert_accessible(page)
    none = page.locator('fieldset[data-item="strategy_components"]').get_by_label(
        "Keinen dieser Bausteine"
    )
    none.focus()
    page.keyboard.press("Space")  # uncheck it again
    assert not none.is_checked()
    next_section(page)
    assert "Abschnitt 2 von 11" in page.locator("#fortschritt").inner_text()
    choose(page, "digital_lead", "Chief Digital Officer")
    next_section(page)

    page.get_by_role("link", name="Übersicht und Abschluss").click()
    assert_accessible(page)
    release = page.get_by_label("Ergebnis anonym für den Vergleich freigeben")
    release.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Check abschließen und auswerten").click()
    page.wait_for_url(re.compile(r"/digitalcheck/kommune/musterstadt/\d+/$"))
    assert page.locator("h1").inner_text() == "Ergebnis des Digitalchecks für Musterstadt"
    assert "Ihr Check ist abgeschlossen und ausgewertet." in page.get_by_role("status").inner_text()
    assert_accessible(page)
    submission = Submission.objects.get()
    assert submission.is_submitted and submission.released_for_comparison
    pdf_text, docx_headings = download_reports(page)
    assert "Musterstadt" in pdf_text and "Strategie" in pdf_text
    assert docx_headings

    page.get_by_role("link", name="Alle Checks Ihrer Kommune").click()
    assert page.locator("h1").inner_text() == "Digitalchecks von Musterstadt"
    row = page.locator("tbody tr").first
    assert "abgeschlossen am" in row.inner_text() and "Mia Mitglied" in row.inner_text()
    assert_accessible(page)

    # a second, later check: compare the two dates, then delete and restore one
    later, _token = services.start(municipality=personas.musterstadt, author=personas.anna)
    services.submit(later, answers={"strategy_stage": "implementing", "digital_lead": "cdo"})
    page.reload()
    page.get_by_role("button", name="Vergleichen").click()
    assert page.locator("h1").inner_text() == "Digitalchecks von Musterstadt im Vergleich"
    strategy = page.locator("tbody tr", has=page.get_by_role("rowheader", name="Strategie"))
    assert strategy.locator("td").count() == 3
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zu den Checks").click()
    page.get_by_role("link", name=re.compile("^Ergebnis vom")).first.click()
    page.get_by_role("link", name="Diesen Check löschen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, löschen").click()
    assert "wiederherstellen" in page.get_by_role("status").inner_text()
    assert page.locator("#geloescht-title").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("wiederherstellen$")).click()
    assert "wiederhergestellt" in page.get_by_role("status").inner_text()
    assert Submission.objects.filter(deleted_at=None).count() == 2
    assert problems == []
