"""The atlas analysis page in real headless Chromium: every chart is drawn by Chart.js next to
its table, without console or Content-Security-Policy errors, accessible (axe-core), usable
from the keyboard, without animation for people who ask for less motion, and complete without
JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import assert_accessible, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Records CSP violations in the page itself (Chromium also logs them to the console).
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""

CHARTS = """
() => Array.from(document.querySelectorAll("[data-chart]")).map((box) => {
  const canvas = box.querySelector("canvas");
  const chart = canvas ? window.Chart.getChart(canvas) : undefined;
  const rect = canvas ? canvas.getBoundingClientRect() : {width: 0, height: 0};
  return {
    slug: box.dataset.chart,
    role: canvas && canvas.getAttribute("role"),
    label: canvas && canvas.getAttribute("aria-label"),
    drawn: Boolean(chart),
    type: chart ? chart.config.type : null,
    datasets: chart ? chart.data.datasets.map((d) => d.label) : [],
    animation: chart ? chart.options.animation : null,
    width: rect.width,
    height: rect.height,
    table: Boolean(box.parentElement.querySelector("table")),
  };
})
"""


@pytest.fixture
def atlas(db: None) -> None:
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")


def open_analysis(page: Any, live_server: Any) -> list[dict[str, Any]]:
    page.add_init_script(CSP_PROBE)
    page.goto(live_server.url + "/atlas/analyse/")
    expected = page.locator("[data-chart]").count()
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-chart] canvas').length === n", arg=expected
    )
    charts: list[dict[str, Any]] = page.evaluate(CHARTS)
    return charts


def test_every_chart_is_drawn_next_to_its_table(page: Any, live_server: Any, atlas: None) -> None:
    problems = watch_console(page)
    charts = open_analysis(page, live_server)

    slugs = [chart["slug"] for chart in charts]
    assert {"primary_field", "stakeholder_group", "milestone_year", "agenda_fields"} <= set(slugs)
    assert "totals" not in slugs  # mixed units: table only
    for chart in charts:
        assert chart["drawn"] and chart["type"] == "bar", chart
        assert chart["role"] == "img" and chart["label"].startswith("Balkendiagramm „"), chart
        assert chart["width"] > 100 and chart["height"] > 100, chart
        assert chart["table"], chart
    by_slug = {chart["slug"]: chart for chart in charts}
    # The study's values are a second series where it publishes any.
    assert by_slug["primary_field"]["datasets"] == ["Wert aus den Daten", "Wert der Studie"]
    assert by_slug["land"]["datasets"] == ["Wert aus den Daten"]
    assert by_slug["milestone_year"]["datasets"] == ["Erreicht", "Geplant"]
    assert by_slug["agenda_fields"]["datasets"] == ["Wert der Studie"]

    # Every table is there, one per section, and the totals come without a chart.
    assert (
        page.locator("section.analysis-table table").count()
        == page.locator("section.analysis-table").count()
    )
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []
    assert_accessible(page)


def test_csv_links_are_reachable_and_work_from_the_keyboard(
    page: Any, live_server: Any, atlas: None
) -> None:
    problems = watch_console(page)
    open_analysis(page, live_server)
    csv_links = page.locator("a[href*='.csv']")
    wanted = set(csv_links.evaluate_all("links => links.map(link => link.href)"))
    assert len(wanted) == 2 * page.locator("section.analysis-table").count()

    reached: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        href = page.evaluate("document.activeElement.href || ''")
        if href in wanted:
            reached.add(href)
        if reached == wanted:
            break
    assert reached == wanted

    link = page.get_by_role("link", name="„Leuchtturmprojekte nach Hauptfeld“ als CSV für Excel")
    link.focus()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == "atlas-2019-primary_field.csv"
    text = open(download.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert text.startswith("\ufeffMerkmal;Wert aus den Daten;Wert der Studie")
    assert "Verwaltung;37;37" in text
    assert problems == []


def test_no_animation_when_less_motion_is_asked_for(
    page: Any, live_server: Any, atlas: None
) -> None:
    page.emulate_media(reduced_motion="reduce")
    charts = open_analysis(page, live_server)
    assert charts and all(chart["animation"] is False for chart in charts)


def test_page_is_complete_without_javascript(page: Any, live_server: Any, atlas: None) -> None:
    context = page.context.browser.new_context(locale="de-DE", java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(live_server.url + "/atlas/analyse/")
        assert plain.locator("canvas").count() == 0
        assert plain.locator("section.analysis-table table").count() >= 15
        row = plain.locator("#tabelle-primary_field tr", has_text="Mobilität")
        assert row.locator("td").all_inner_texts() == ["30", "30"]
        assert (
            plain.get_by_role("link", name="„Steckbriefe nach Land“ als CSV", exact=True).count()
            == 1
        )
    finally:
        context.close()
