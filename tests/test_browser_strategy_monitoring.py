"""Monitoring in real Chromium: Anna (core team) opens the monitoring of her workspace, writes
the evaluation plan of a project, adds an indicator with baseline and target, records two
measurements from the keyboard, reads the status as text and the chart with its data table,
opens the council report and downloads it as PDF and DOCX (the DOCX opened with
python-docx). Every page visited is checked with axe-core."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import Personas
from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_core_team_plans_measures_and_reports(
    page: Any, live_server: Any, personas: Personas
) -> None:
    from docx import Document

    from kompass.strategy import items, services
    from kompass.strategy.models import Project
    from kompass.strategy.models_monitoring import EvaluationPlan, Indicator, Measurement

    workspace = services.create_workspace(
        actor=personas.anna, municipality=personas.musterstadt, title="Digitalstrategie 2030"
    )
    items.create_item(Project(workspace=workspace, title="Rufbus auf Abruf"), actor=personas.anna)
    problems = watch_console(page)
    base = live_server.url
    home = f"{base}/strategie/musterstadt/digitalstrategie-2030/"

    sign_in(page, base, personas.anna.email)
    page.goto(home)
    page.get_by_role("navigation", name="Arbeitsraum").get_by_role(
        "link", name="Monitoring"
    ).click()
    page.wait_for_url(home + "monitoring/")
    assert "Rufbus auf Abruf" in page.locator("main").inner_text()
    assert_accessible(page)

    # The project: no plan yet, no indicators.
    page.get_by_role("link", name="Rufbus auf Abruf").click()
    assert page.locator("h1").inner_text() == "Monitoring: Rufbus auf Abruf"
    assert "noch keinen Evaluationsplan" in page.locator("main").inner_text()
    assert_accessible(page)

    # Write the evaluation plan.
    page.get_by_role("link", name="Evaluationsplan anlegen").click()
    assert_accessible(page)
    page.get_by_label("Warum wird evaluiert?").fill("Prüfen, ob der Rufbus angenommen wird.")
    page.get_by_label("Wer evaluiert?").fill("Stabsstelle Digitalisierung")
    page.get_by_label("intern", exact=True).check()
    page.get_by_label("Datenquellen und Erhebung").fill("Fahrtenstatistik des Betreibers")
    page.get_by_role("button", name="Evaluationsplan speichern").click()
    page.wait_for_url(re.compile(r".*/monitoring/projekte/\d+/$"))
    main = page.locator("main").inner_text()
    assert "Stabsstelle Digitalisierung" in main and "intern" in main
    assert_accessible(page)

    # Add an indicator with baseline and target.
    page.get_by_role("link", name="Indikator anlegen").first.click()
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile(r"^Output")).check()
    page.get_by_role("textbox", name="Indikator", exact=True).fill("Fahrgäste pro Monat")
    page.get_by_label("Einheit").fill("Fahrgäste")
    page.get_by_label("höhere Werte sind besser").check()
    page.get_by_label("Ausgangswert").fill("1.200")
    page.get_by_label("Datum der Basiserhebung").fill("2024-01-01")
    page.get_by_label("Zielwert").fill("3.200")
    page.get_by_label("Zieldatum").fill("2026-12-31")
    page.get_by_role("button", name="Indikator anlegen").click()
    page.wait_for_url(re.compile(r".*/monitoring/indikatoren/\d+/$"))
    assert page.locator("h1").inner_text() == "Indikator „Fahrgäste pro Monat“"
    assert "keine Daten" in page.locator("dl.facts").inner_text()
    assert_accessible(page)

    # Two measurements from the keyboard: the value typed in German notation, Enter sends.
    # The date is filled: headless Chromium orders a date field's segments by the system
    # locale, not the page's, so typed digits would land in different segments.
    for iso, value in [("2024-07-01", "1.600"), ("2025-01-01", "2.100,5")]:
        page.get_by_label("Datum der Messung").fill(iso)
        page.get_by_role("textbox", name="Wert", exact=True).focus()
        page.keyboard.type(value)
        page.keyboard.press("Enter")
        day = f"{iso[8:]}.{iso[5:7]}.{iso[:4]}"
        expect(page.get_by_role("status")).to_contain_text(f"Messwert vom {day}")
        expect(page.get_by_role("status")).to_contain_text("ist gespeichert")
    assert_accessible(page)

    # Status as text: 900.5 of 2,000 (45 %) after 366 of 1,095 days (33 %) → on track.
    facts = page.locator("dl.facts").inner_text()
    assert "auf Kurs" in facts and "teilweise" not in facts and "nicht auf Kurs" not in facts
    assert "Fortschritt 45 %" in facts and "33 %" in facts
    # The chart with title and description, and its data table.
    chart = page.locator("svg[role=img]")
    assert chart.count() == 1
    assert "Fahrgäste pro Monat" in (chart.locator("title").first.text_content() or "")
    assert chart.locator("circle").count() == 2
    table = page.locator("table#messwerte").inner_text()
    for text in (
        "01.01.2024",
        "1.200 Fahrgäste",
        "01.07.2024",
        "1.600 Fahrgäste",
        "01.01.2025",
        "2.100,5 Fahrgäste",
        "31.12.2026",
        "3.200 Fahrgäste",
    ):
        assert text in table, text

    indicator = Indicator.objects.get()
    assert (indicator.baseline_value, indicator.target_value) == (1200, 3200)
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [1600, 2100.5]
    assert EvaluationPlan.objects.get().execution == "internal"

    # The overview and the council report show the project's status.
    page.get_by_role("navigation", name="Arbeitsraum").get_by_role(
        "link", name="Monitoring"
    ).click()
    page.wait_for_url(home + "monitoring/")
    assert "auf Kurs" in page.locator("main table").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Bericht für Rat oder Fördermittelgeber").click()
    page.get_by_label("Rat: Zusammenfassung aller Projekte").check()
    page.get_by_role("button", name="Bericht anzeigen").click()
    page.wait_for_url(re.compile(r".*/monitoring/bericht/\?fuer=rat"))
    assert page.get_by_role("heading", name="Bericht für den Rat").is_visible()
    assert "Rufbus auf Abruf" in page.locator(".report-preview").inner_text()
    assert_accessible(page)

    with page.expect_download() as pdf_info:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    pdf = pdf_info.value
    assert pdf.suggested_filename.endswith(".pdf")
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")

    with page.expect_download() as docx_info:
        page.get_by_role("link", name="Als Word-Datei (DOCX) herunterladen").click()
    download = docx_info.value
    assert download.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Bericht für den Rat" in text
    assert "Rufbus auf Abruf" in cells and "auf Kurs" in cells
    assert document.core_properties.language == "de-DE"
    assert problems == []
