"""Atlas facets and pagination in real headless Chromium, from the keyboard, with axe-core on
every visited page: filter the profile list by a funding programme and an organisation form,
page through search results, narrow a search by a facet count."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.test_browser import assert_accessible, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Any, check: str, limit: int = 200) -> None:
    """Press Tab until the JavaScript expression ``check`` (about document.activeElement)
    holds; fails when ``limit`` presses do not get there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"Tab never reached: {check}")


def focused(element_id: str) -> str:
    return f"document.activeElement.id === {element_id!r}"


def focused_link(text: str) -> str:
    return (
        "document.activeElement.tagName === 'A' && "
        f"document.activeElement.textContent.trim() === {text!r}"
    )


@pytest.fixture
def atlas_index() -> None:
    from kompass.atlas.practice import load_practice_examples
    from kompass.atlas.search import rebuild_index
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")
    load_practice_examples()
    rebuild_index()


def test_filter_profiles_by_programme_and_organisation_form_from_the_keyboard(
    page: Any, live_server: Any, atlas_index: None
) -> None:
    problems = watch_console(page)
    page.goto(live_server.url + "/atlas/")
    status = page.get_by_role("status")
    assert status.inner_text() == "50 Steckbriefe"
    assert_accessible(page)

    # Tab into the programme choice and pick by typing, as a keyboard user does.
    tab_to(page, focused("id_programme"))
    page.keyboard.type("Digitale Zukunftskommune")
    assert page.get_by_label("Wettbewerb oder Förderprogramm").evaluate(
        "select => select.selectedOptions[0].textContent"
    ) == ("Digitale Zukunftskommune@bw (Land)")
    tab_to(page, focused("id_organisation"))
    page.keyboard.type("Stabsstelle")
    tab_to(page, "document.activeElement.textContent.trim() === 'Filtern'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"organisation=staff_unit"))
    assert status.inner_text() == "5 Steckbriefe"
    towns = page.locator("tbody tr td:first-child a").all_inner_texts()
    assert sorted(towns) == ["Heidelberg", "Konstanz", "Ludwigsburg", "Ravensburg", "Ulm"]
    # The chosen values stay selected after the page reloads.
    assert page.get_by_label("Organisationsform").input_value() == "staff_unit"
    assert_accessible(page)

    # An invalid value typed into the address bar: the German message at its field.
    response = page.goto(live_server.url + "/atlas/?programme_role=koenig")
    assert response.status == 400
    assert "koenig ist keine gültige Auswahl" in page.locator(".field-invalid").inner_text()
    assert_accessible(page)
    assert problems == []


def test_page_through_search_results_and_narrow_by_a_facet(
    page: Any, live_server: Any, atlas_index: None
) -> None:
    problems = watch_console(page)
    page.goto(live_server.url + "/atlas/suche/")
    tab_to(page, focused("id_q"))
    page.keyboard.type("Stadt")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Stadt"))
    total = int(re.match(r"(\d+) Treffer", page.get_by_role("status").inner_text())[1])  # type: ignore[index]
    pages = -(-total // 50)
    assert pages >= 3
    assert page.locator(".page-position").inner_text() == f"Seite 1 von {pages}"
    assert page.locator(".hits > li").count() == 50
    first_titles = page.locator(".hit-title").all_inner_texts()
    assert_accessible(page)

    # Page forward with the keyboard; the current page is announced as such.
    tab_to(page, focused_link("Nächste Seite"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"seite=2"))
    assert page.locator(".page-position").inner_text() == f"Seite 2 von {pages}"
    pagination = page.get_by_role("navigation", name="Seiten")
    current = pagination.locator('[aria-current="page"]')
    assert current.count() == 1
    assert current.get_attribute("href") == pagination.get_by_role(
        "link", name="Seite 2", exact=True
    ).get_attribute("href")
    assert not set(page.locator(".hit-title").all_inner_texts()) & set(first_titles)
    assert_accessible(page)

    # Jump to the last page by its number.
    tab_to(page, focused_link(f"Seite {pages}"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"seite={pages}"))
    assert page.locator(".hits > li").count() == total - 50 * (pages - 1)
    assert not pagination.get_by_role("link", name="Nächste Seite").count()

    # A facet count narrows the search: the organisation form "Chief Digital Officer".
    facet = page.get_by_role("complementary", name="Verteilung der Treffer")
    link = facet.get_by_role("link", name=re.compile(r"^Chief Digital Officer: \d+$"))
    expected = int(link.inner_text().rsplit(": ", 1)[1])
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"organisation=cdo"))
    assert page.get_by_role("status").inner_text().startswith(f"{expected} Treffer")
    assert "seite=" not in page.url  # a narrower search starts on its first page
    assert page.get_by_label("Organisationsform").input_value() == "cdo"
    assert_accessible(page)
    assert problems == []
