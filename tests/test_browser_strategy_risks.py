"""Risk matrix in real Chromium: a contributor records a risk from the keyboard, sees it in
the heat map table; the core team changes the scale with confirmation and the risk is
re-scored with the proposal. Every page is checked with axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_score_change_scale_and_rescore(page: Any, live_server: Any, team: Team) -> None:
    from kompass.strategy.models_risks import Risk

    problems = watch_console(page)
    base = live_server.url
    risks_url = f"{base}/strategie/musterstadt/digitalstrategie-2030/risiken/"

    sign_in(page, base, team.carl.email)
    page.goto(risks_url)
    assert page.locator("h1").inner_text() == "Risiken in „Digitalstrategie 2030“"
    assert_accessible(page)

    page.get_by_role("navigation", name="Risiken").get_by_role(
        "link", name="Risiko erfassen"
    ).click()
    assert_accessible(page)
    page.get_by_label("Kurzbezeichnung").fill("Anbieter geht insolvent")
    page.get_by_label("Externe Risiken").focus()
    page.keyboard.press("Space")
    page.get_by_role("group", name="Eintrittswahrscheinlichkeit").get_by_label("2 – gering").check()
    page.get_by_role("group", name="Schadenshöhe").get_by_label("5 – sehr hoch").check()
    page.get_by_role("button", name="Risiko erfassen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/risiken/neu/" not in url)
    assert "ist erfasst" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    page.get_by_role("navigation", name="Risiken").get_by_role("link", name="Risikomatrix").click()
    table = page.get_by_role("table")
    assert "Anzahl der Risiken je Feld" in table.locator("caption").inner_text()
    assert page.get_by_role("link", name="1 Risiko mit Eintrittswahrscheinlichkeit 2").count() == 1
    assert_accessible(page)

    # The core team changes the scale; the risk is scored, so a confirmation is needed.
    page.get_by_role("button", name="Abmelden").click()
    sign_in(page, base, team.anna.email)
    page.goto(risks_url + "skala/")
    assert_accessible(page)
    for level in (4, 5):
        page.get_by_label(f"Eintrittswahrscheinlichkeit, Stufe {level}").fill("")
    page.get_by_role("button", name="Skalen speichern").click()
    assert "Bitte bestätigen Sie die Änderung ausdrücklich." in page.content()
    assert_accessible(page)
    page.get_by_label("Ja, die Skala ändern.", exact=False).check()
    page.get_by_role("button", name="Skalen speichern").click()
    assert "Die Skala ist geändert (jetzt Version 2)." in page.get_by_role("status").inner_text()

    page.goto(risks_url)
    assert "Neu zu bewerten" in page.content()
    page.get_by_role("link", name="„Anbieter geht insolvent“ neu bewerten").click()
    assert_accessible(page)
    page.get_by_role("link", name="Vorschlag ins Formular übernehmen").click()
    page.get_by_role("button", name="Bewertung bestätigen").click()
    assert "nach der jetzigen Skala bewertet" in page.get_by_role("status").inner_text()
    risk = Risk.objects.get()
    assert (risk.probability, risk.damage, risk.scale_version) == (2, 5, 2)
    assert problems == []
