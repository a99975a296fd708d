"""Editorial review in real Chromium: a member proposes a change (with a script payload), an
editor reviews the diff and publishes it from the keyboard, and the history shows it; every
page is checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, Personas
from tests.test_browser import assert_accessible, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/konto/anmelden/" not in url)


def test_member_proposes_and_editor_publishes(
    page: Any, live_server: Any, personas: Personas
) -> None:
    from kompass.accounts.models import Membership
    from kompass.atlas.models import ChangeProposal, Profile
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")
    aachen = Profile.objects.get(slug="aachen")
    Membership.objects.create(user=personas.mia, municipality=aachen.municipality)
    problems = watch_console(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = live_server.url

    sign_in(page, base, personas.mia.email)
    page.goto(base + "/atlas/kommunen/aachen/")
    page.get_by_role("link", name="Änderung vorschlagen").click()
    assert page.locator("h1").inner_text() == "Änderung vorschlagen: Aachen"
    assert_accessible(page)
    page.get_by_label("Einwohnerzahl").fill("251000")
    page.get_by_label("Motivation und Ziele: Zusammenfassung").fill(
        "Aachen bietet alle Leistungen digital an.<script>alert('xss')</script>"
    )
    page.get_by_label("Begründung und Quelle der Änderung").fill("Ratsbeschluss vom Mai")
    page.get_by_role("button", name="Vorschlag einreichen").click()
    assert page.locator("h1").inner_text().startswith("Vorschlag ")
    notice = page.locator(".messages").inner_text()
    assert "HTML-Auszeichnungen und Skripte wurden entfernt" in notice
    assert page.locator(".diff ins").first.is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()

    sign_in(page, base, personas.erik.email)
    page.goto(base + "/atlas/vorschlaege/")
    assert_accessible(page)
    page.get_by_role("link", name="Vorschlag ").first.click()
    assert "251000" in page.locator(".diff").inner_text()
    assert_accessible(page)
    # Decide from the keyboard: focus the radio button, select it, submit with Enter.
    page.get_by_label("annehmen und veröffentlichen").focus()
    page.keyboard.press("Space")
    page.get_by_label("Begründung", exact=True).fill("geprüft")
    page.get_by_role("button", name="Entscheidung speichern").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Veröffentlicht als Version 2 von Aachen" in page.locator(".messages").inner_text()

    page.goto(base + "/atlas/kommunen/aachen/versionen/")
    assert page.get_by_role("link", name="Version 2").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Version 2").click()
    assert "Änderungen gegenüber Version 1" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(base + "/atlas/kommunen/aachen/")
    assert "Aachen bietet alle Leistungen digital an." in page.locator("main").inner_text()
    assert ChangeProposal.objects.get().status == "accepted"
    assert dialogs == [], "a script payload ran"
    assert problems == []
