"""The strategy paper in real Chromium: a core-team member with a field of action and a project
opens the paper, sees the generated blocks, edits one block from the keyboard, freezes a version,
records a council decision, downloads DOCX and PDF, and restores a deleted project from the bin.
Every page visited is checked with axe-core."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Personas
from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITED = "Musterstadt wird bis 2030 digital, offen und nah an den Menschen."


def test_core_team_writes_decides_exports_and_restores(
    page: Any, live_server: Any, personas: Personas
) -> None:
    from docx import Document

    from kompass.strategy import items, services
    from kompass.strategy.models import (
        CouncilDecision,
        DocumentBlock,
        DocumentVersion,
        FieldOfAction,
        Project,
        StrategyDocument,
    )

    workspace = services.create_workspace(
        actor=personas.anna, municipality=personas.musterstadt, title="Digitalstrategie 2030"
    )
    field = items.create_item(
        FieldOfAction(
            workspace=workspace,
            title="Digitale Verwaltung",
            description="Anträge online und ohne Medienbruch.",
        ),
        actor=personas.anna,
    )
    project = items.create_item(
        Project(
            workspace=workspace,
            title="Bürgerportal",
            field_of_action=field,
            summary="Ein Portal für alle Anträge.",
            start_date=dt.date(2027, 1, 1),
        ),
        actor=personas.anna,
    )
    problems = watch_console(page)
    base = live_server.url
    paper = base + "/strategie/musterstadt/digitalstrategie-2030/strategiepapier/"

    sign_in(page, base, personas.anna.email)
    page.goto(paper)
    assert page.locator("h1").inner_text() == "Strategiepapier"
    assert_accessible(page)

    # Create the paper from the keyboard; the generated blocks show the workspace's content.
    page.get_by_role("button", name="Strategiepapier anlegen").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#abschnitt-fields_of_action")
    assert page.locator("h1").inner_text() == "Digitalstrategie 2030"
    fields = page.locator("#abschnitt-fields_of_action").inner_text()
    assert "Digitale Verwaltung" in fields and "ohne Medienbruch" in fields
    projects = page.locator("#abschnitt-projects_measures").inner_text()
    assert "Bürgerportal (Handlungsfeld Digitale Verwaltung" in projects
    assert "aus dem Arbeitsraum übernommen" in projects
    assert_accessible(page)

    # Edit "Ziele und Leitlinien" with the keyboard.
    page.get_by_role("link", name="„Ziele und Leitlinien“ bearbeiten").click()
    assert page.locator("h1").inner_text() == "Abschnitt „Ziele und Leitlinien“ bearbeiten"
    assert_accessible(page)
    page.get_by_label("Text").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(EDITED)
    page.get_by_role("button", name="Abschnitt speichern").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(paper + "#abschnitt-goals_guidelines")
    goals = page.locator("#abschnitt-goals_guidelines").inner_text()
    assert EDITED in goals and "vom Team bearbeitet" in goals
    assert "ist gespeichert" in page.get_by_role("status").inner_text()
    assert_accessible(page)

    # Freeze a version.
    page.get_by_label("Anmerkung zur Version (optional)").fill("Entwurf für den Rat")
    page.get_by_role("button", name="Version festhalten").click()
    page.wait_for_url(paper + "versionen/")
    assert "Entwurf für den Rat" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zum Strategiepapier").click()

    # Record the council decision on version 1.
    page.get_by_role("link", name="Beschluss festhalten").click()
    assert page.locator("h1").inner_text() == "Beschluss festhalten"
    assert_accessible(page)
    page.get_by_label("Gremium").fill("Stadtrat")
    page.get_by_label("Sitzung am").fill("2027-05-12")
    page.get_by_label("Tagesordnungspunkt oder Drucksache").fill("TOP 7")
    page.get_by_label("beschlossen", exact=True).check()
    page.get_by_label("Beschlossene Fassung").select_option(
        label="Version 1 vom " + dt.date.today().strftime("%d.%m.%Y") + " (Entwurf für den Rat)"
    )
    page.get_by_label("Ja-Stimmen").fill("31")
    page.get_by_role("button", name="Beschluss speichern").click()
    page.wait_for_url(paper + "#beschluss")
    decision = page.locator("#beschluss").inner_text()
    assert "Stadtrat" in decision and "12.05.2027" in decision and "TOP 7" in decision
    assert "beschlossen" in page.locator(".lead").first.inner_text()
    assert_accessible(page)
    document = StrategyDocument.objects.get(workspace=workspace)
    assert document.status == "adopted"
    assert CouncilDecision.objects.get(document=document).document_version.number == 1
    assert DocumentVersion.objects.filter(document=document).count() == 1

    # Downloads: DOCX with the edited text, PDF.
    with page.expect_download() as info:
        page.get_by_role("link", name="Als Word-Datei (DOCX) herunterladen").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(download.path()).paragraphs)
    assert EDITED in text and "Ziele und Leitlinien" in text
    with page.expect_download() as info:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")

    # A deleted project comes back from the bin.
    project.refresh_from_db()
    items.soft_delete_item(project, actor=personas.anna, version=project.version)
    nav = page.get_by_role("navigation", name="Arbeitsraum")
    nav.get_by_role("link", name="Papierkorb").click()
    assert page.locator("h1").inner_text() == "Papierkorb von „Digitalstrategie 2030“"
    assert "1 gelöschter Eintrag" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Projekt „Bürgerportal“ wiederherstellen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    restored = page.get_by_role("status").filter(has_text="ist wiederhergestellt")
    assert restored.inner_text().startswith("Projekt „Bürgerportal“ ist wiederhergestellt")
    assert "0 gelöschte Einträge" in page.locator(".result-count").inner_text()
    assert_accessible(page)
    assert Project.objects.filter(pk=project.pk).exists()
    assert DocumentBlock.objects.get(document=document, key="goals_guidelines").text == EDITED
    assert problems == []
