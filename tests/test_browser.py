"""Browser journey in real headless Chromium: sign in as a persona, walk the navigation, use
the keyboard, and check every visited page with axe-core (WCAG 2.1 A/AA + best practices)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
axe = Axe()


def assert_accessible(page: Any) -> None:
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def watch_console(page: Any) -> list[str]:
    """Collect CSP violations, script errors and failed assets (stylesheets, scripts, images).

    Pages answered with 400/404 on purpose are documents and not counted; Chromium logs them
    as "Failed to load resource", so that console line is judged by the response instead.
    """
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_signed_in_journey_through_the_navigation(
    page: Any, live_server: Any, personas: Personas
) -> None:
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    problems = watch_console(page)
    base = live_server.url

    page.goto(base + "/")
    assert page.locator("h1").inner_text().startswith("Digitale Kommune")
    assert_accessible(page)

    # Keyboard: the first Tab reaches the skip link, Enter moves focus into the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhalt"

    page.get_by_role("link", name="Anmelden").click()
    assert page.locator("h1").inner_text() == "Anmelden"
    assert_accessible(page)
    # A wrong password shows the error in German, accessibly.
    page.get_by_label("E-Mail-Adresse").fill("anna@musterstadt.example")
    page.get_by_label("Passwort").fill("falsch")
    page.get_by_role("button", name="Anmelden").click()
    assert "nicht korrekt" in page.locator(".form-errors").inner_text()
    assert_accessible(page)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.keyboard.press("Enter")  # submit from the keyboard
    page.wait_for_url(base + "/konto/")
    assert page.locator("h1").inner_text() == "Mein Konto"
    assert_accessible(page)

    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    for label, heading in [
        ("Atlas", "Atlas"),
        ("Digitalcheck", "Digitalcheck"),
        ("Umfragen", "Umfragen"),
        ("Strategie", "Strategie"),
        ("KI-Kompass", "KI-Kompass"),
    ]:
        navigation.get_by_role("link", name=label).click()
        assert page.locator("h1").inner_text() == heading
        current = navigation.locator("[aria-current=page]")
        assert current.inner_text() == label
        assert_accessible(page)

    footer = page.get_by_role("navigation", name="Rechtliches")
    for label, heading in [
        ("Impressum", "Impressum"),
        ("Datenschutz", "Datenschutzerklärung"),
        ("Barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ]:
        footer.get_by_role("link", name=label).click()
        assert page.locator("h1").inner_text() == heading
        assert_accessible(page)

    page.get_by_role("link", name="Mein Konto").click()
    page.get_by_role("link", name="Mitglieder von Musterstadt").click()
    assert page.locator("h1").inner_text() == "Mitglieder von Musterstadt"
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_role("button", name="Einladung senden").click()
    assert "gültige E-Mail-Adresse" in page.locator(".errorlist").inner_text()
    assert_accessible(page)

    page.goto(base + "/")
    page.get_by_role("link", name="Zum Verzeichnis der Kommunen").click()
    assert page.locator("h1").inner_text() == "Kommunen"
    assert_accessible(page)
    page.get_by_label("Name oder Gemeindeschlüssel").fill("muster")
    page.get_by_label("Name oder Gemeindeschlüssel").press("Enter")
    assert page.get_by_role("status").inner_text() == "1 Kommune gefunden"
    page.get_by_role("link", name="Musterstadt").click()
    assert page.locator("h1").inner_text() == "Musterstadt"
    assert_accessible(page)

    page.goto(base + "/gibt-es-nicht/")
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"
    assert_accessible(page)

    page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("link", name="Anmelden").is_visible()
    assert problems == []


def test_outsider_sees_not_found_for_private_pages(
    page: Any, live_server: Any, personas: Personas
) -> None:
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("ben@beispieldorf.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(live_server.url + "/konto/")
    response = page.goto(live_server.url + "/kommunen/musterstadt/mitglieder/")
    assert response is not None and response.status == 404
    assert "mia@musterstadt.example" not in page.content()


def test_staff_invites_from_the_browser(page: Any, live_server: Any, personas: Personas) -> None:
    problems = watch_console(page)
    page.goto(live_server.url + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill("sven@betrieb.example")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="Personen zur Plattform einladen").click()
    assert page.locator("h1").inner_text() == "Zur Plattform einladen"
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse").fill("cdo@beispieldorf.example")
    page.get_by_label("Kommune (optional)").fill("beispieldorf")
    page.get_by_label("Rolle").select_option("admin")
    page.get_by_role("button", name="Einladung senden").click()
    assert "wurde verschickt" in page.get_by_role("status").first.inner_text()
    assert "cdo@beispieldorf.example" in page.locator("table").inner_text()
    assert_accessible(page)
    assert problems == []


def test_atlas_pages_from_the_keyboard_and_with_axe(page: Any, live_server: Any) -> None:
    from kompass.atlas.practice import load_practice_examples
    from kompass.atlas.search import rebuild_index
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")
    load_practice_examples()
    rebuild_index()
    problems = watch_console(page)
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Atlas").click()
    assert page.get_by_role("status").inner_text() == "50 Steckbriefe"
    assert_accessible(page)
    page.get_by_label("Land").select_option("SN")
    page.get_by_role("button", name="Filtern").press("Enter")
    assert page.get_by_role("status").inner_text() == "3 Steckbriefe"
    page.get_by_label("Dresden vergleichen").focus()
    page.keyboard.press("Space")
    page.get_by_label("Leipzig vergleichen").check()
    page.get_by_role("button", name="Auswahl vergleichen").click()
    assert page.locator("h1").inner_text() == "Kommunen im Vergleich"
    assert page.locator("thead th a").all_inner_texts() == ["Dresden", "Leipzig"]
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Leipzig", exact=True).click()
    assert page.locator("h1").inner_text() == "Leipzig"
    assert page.get_by_role("heading", name="Leuchtturmprojekte").is_visible()
    assert page.get_by_role("heading", name="Ähnliche Kommunen").is_visible()
    assert_accessible(page)
    subnav = page.get_by_role("navigation", name="Atlas")
    page.get_by_role("link", name="Alle Steckbriefe").click()
    subnav.get_by_role("link", name="Projekte").click()
    assert page.get_by_role("status").inner_text() == "144 Projekte"
    assert_accessible(page)
    subnav.get_by_role("link", name="Suche").click()
    page.get_by_label("Suchbegriff").fill("Mobilitaet")
    page.get_by_label("Suchbegriff").press("Enter")
    assert "Treffer für „Mobilitaet“" in page.get_by_role("status").inner_text()
    assert page.locator(".hits mark").first.inner_text().startswith("Mobilität")
    assert_accessible(page)
    subnav.get_by_role("link", name="Praxisbeispiele").click()
    assert page.locator("h1").inner_text() == "Praxisbeispiele"
    assert_accessible(page)
    subnav.get_by_role("link", name="Querschnittsanalyse").click()
    assert page.locator("h1").inner_text() == "Querschnittsanalyse"
    assert_accessible(page)
    subnav.get_by_role("link", name="Karte").click()
    assert page.locator("h1").inner_text() == "Karte der Steckbriefe"
    assert_accessible(page)
    page.get_by_role("link", name="Sachsen: 3 Steckbriefe").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("status").inner_text() == "3 Steckbriefe"
    subnav.get_by_role("link", name="Offene Daten").click()
    assert page.locator("h1").inner_text() == "Offene Daten"
    assert_accessible(page)
    subnav.get_by_role("link", name="Querschnittsanalyse").click()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="„Leuchtturmprojekte nach Hauptfeld“ als CSV", exact=True
        ).click()
    assert download.value.suggested_filename == "atlas-2019-primary_field.csv"
    assert problems == []
