"""Strategy workspace in real Chromium: Anna opens a workspace, invites a colleague as a
contributor, ticks step 1's results and sees the progress on the dashboard; the colleague
accepts the invitation. Forms are operated from the keyboard; every page is checked with
axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Personas
from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_core_team_opens_a_workspace_invites_and_tracks_progress(
    page: Any, live_server: Any, personas: Personas
) -> None:
    from django.core import mail

    from kompass.strategy.models import StepState, WorkspaceMember
    from kompass.strategy.steps import step_info

    problems = watch_console(page)
    base = live_server.url
    results = step_info("1").results

    sign_in(page, base, personas.anna.email)
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Strategie"
    ).click()
    assert page.locator("h1").inner_text() == "Strategie"
    assert_accessible(page)

    # Create the workspace from the keyboard.
    page.get_by_role("link", name="Arbeitsraum anlegen").click()
    assert page.locator("h1").inner_text() == "Arbeitsraum anlegen"
    assert_accessible(page)
    page.get_by_label("Titel").focus()
    page.keyboard.type("Digitalstrategie 2030")
    page.get_by_label("Pilotprojekte zuerst").focus()
    page.keyboard.press("Space")
    assert page.get_by_label("Pilotprojekte zuerst").is_checked()
    page.get_by_role("button", name="Arbeitsraum anlegen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/strategie/musterstadt/digitalstrategie-2030/")
    assert page.locator("h1").inner_text() == "Digitalstrategie 2030"
    assert "Sie gehören zum Kernteam" in page.get_by_role("status").inner_text()
    assert "Einstieg: Pilotprojekte zuerst" in page.locator(".overview").inner_text()
    assert_accessible(page)

    # Invite Mia as a contributor.
    page.get_by_role("navigation", name="Arbeitsraum").get_by_role(
        "link", name="Mitglieder"
    ).click()
    assert page.locator("h1").inner_text() == "Mitglieder von „Digitalstrategie 2030“"
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse").fill("mia@musterstadt.example")
    page.get_by_role("combobox", name="Rolle", exact=True).select_option("contributor")
    page.get_by_label("E-Mail-Adresse").press("Enter")
    assert "Die Einladung an mia@musterstadt.example wurde verschickt." in (
        page.get_by_role("status").inner_text()
    )
    assert "mia@musterstadt.example" in page.locator("table").last.inner_text()
    assert_accessible(page)

    # Step 1: tick two results with the keyboard, set "in Arbeit", save with Enter.
    page.get_by_role("navigation", name="Arbeitsraum").get_by_role("link", name="Übersicht").click()
    page.get_by_role("link", name=re.compile("Arbeitsschritt 1 Die Bestandsanalyse")).click()
    assert page.locator("h1").inner_text() == "Arbeitsschritt 1: Die Bestandsanalyse"
    assert_accessible(page)
    for text in results[:2]:
        page.get_by_label(text, exact=True).focus()
        page.keyboard.press("Space")
        assert page.get_by_label(text, exact=True).is_checked()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Stand speichern").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "ist gespeichert" in page.get_by_role("status").inner_text()
    assert page.get_by_label(results[0], exact=True).is_checked()
    assert_accessible(page)
    # "erledigt" without all results is refused, accessibly.
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Stand speichern").click()
    assert "noch nicht abgehakt" in page.locator(".errorlist").first.inner_text()
    assert_accessible(page)
    step = StepState.objects.get(code="1")
    assert (step.state, step.checklist, step.version) == ("in_progress", [0, 1], 2)

    # The dashboard shows the progress.
    page.get_by_role("link", name="Zurück zur Übersicht „Digitalstrategie 2030“").click()
    card = page.locator(".step-card").first
    assert f"2 von {len(results)} abgehakt" in card.inner_text()
    assert "in Arbeit" in card.inner_text()
    assert card.locator("progress").get_attribute("value") == "2"
    assert "Ergebnissen abgehakt" in page.locator(".overview").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Präsentationsansicht").click()
    assert page.locator(".presentation").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zur normalen Ansicht").click()
    page.get_by_role("link", name="Aktivität").click()
    assert "Status: offen → in Arbeit" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()

    # Mia follows the link from the e-mail, signs in and joins.
    link = re.search(r"http://\S+/strategie/einladung/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    assert page.locator("h1").inner_text() == "Anmelden"
    page.get_by_label("E-Mail-Adresse").fill(personas.mia.email)
    page.get_by_label("Passwort").fill("Kompass-Test-2026!")
    page.get_by_label("Passwort").press("Enter")
    page.wait_for_url(link.group(0))
    assert page.locator("h1").inner_text() == "Einladung in einen Arbeitsraum"
    assert_accessible(page)
    page.get_by_role("button", name="Einladung annehmen").click()
    page.wait_for_url(base + "/strategie/musterstadt/digitalstrategie-2030/")
    assert "Ihre Rolle: Mitwirkende" in page.locator("main").inner_text()
    assert WorkspaceMember.objects.get(user=personas.mia).role == "contributor"
    assert_accessible(page)
    assert problems == []
