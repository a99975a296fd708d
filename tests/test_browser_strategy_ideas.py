"""Fields of action, ideas and dot voting in real Chromium (docs/strategy_ideas.md): the core
team seeds two fields from the guide's impact matrix, writes two ideas from the keyboard,
takes an atlas project over, opens the voting and places its three dots from the keyboard; a
contributor votes too; the long list shows the ranking with each actor group's dots and the
balance, the projector view renders, and an idea becomes a project sketch. axe-core checks
every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_browser import assert_accessible, watch_console
from tests.test_browser_review import sign_in
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def atlas(db: None) -> None:
    """The shipped atlas (2019 edition) for the suggestions of a field of action."""
    from kompass.atlas.shipped import load_atlas_edition
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    load_atlas_edition("2019")


def press_button(page: Any, name: str) -> None:
    """Focus a button and press Enter, as a keyboard user does, and wait for the next page."""
    page.get_by_role("button", name=name, exact=True).first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_fields_ideas_voting_and_promotion(
    page: Any, live_server: Any, team: Team, atlas: None
) -> None:
    from kompass.strategy.models import FieldOfAction, Idea, Project, Vote

    problems = watch_console(page)
    base = live_server.url
    space = f"{base}/strategie/musterstadt/digitalstrategie-2030"
    nav = page.get_by_role("navigation", name="Arbeitsraum")

    # Step 4: two fields from the impact matrix.
    sign_in(page, base, team.anna.email)
    page.goto(f"{space}/handlungsfelder/")
    assert page.locator("h1").inner_text() == "Handlungsfelder von „Digitalstrategie 2030“"
    assert_accessible(page)
    for term in ("Mobilität", "Energie"):
        box = page.get_by_role("checkbox", name=f"{term} (im Atlas:", exact=False)
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    press_button(page, "Ausgewählte Handlungsfelder anlegen")
    assert "2 Handlungsfelder aus der Wirkungsmatrix angelegt." in (
        page.get_by_role("status").inner_text()
    )
    table = page.locator("table.field-table")
    assert "2 Handlungsfelder" in table.locator("caption").inner_text()
    assert_accessible(page)
    mobility = FieldOfAction.objects.get(title="Mobilität")

    # Two ideas from the keyboard.
    for title, goal in (
        ("Mitfahrbank mit App", "Dörfer ohne Bus erreichen"),
        ("Energiedaten-Portal", "Verbrauch der Liegenschaften zeigen"),
    ):
        nav.get_by_role("link", name="Ideen").click()
        page.get_by_role("link", name="Neue Idee", exact=True).click()
        assert page.locator("h1").inner_text() == "Neue Idee"
        assert_accessible(page)
        page.get_by_label("Projekt").focus()
        page.keyboard.type(title)
        page.get_by_label("Handlungsfeld").select_option(
            label="Mobilität" if "Mitfahr" in title else "Energie"
        )
        page.get_by_label("Ziel").focus()
        page.keyboard.type(goal)
        press_button(page, "Speichern")
        assert page.locator("h1").inner_text() == f"Idee „{title}“"
    assert_accessible(page)

    # An atlas project of the field "Mobilität" taken over as an idea.
    page.goto(f"{space}/handlungsfelder/{mobility.pk}/")
    assert_accessible(page)
    take_over = page.get_by_role("button", name="als Idee übernehmen", exact=False).first
    suggestion_title = take_over.inner_text().split("“")[0].lstrip("„")
    take_over.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "ist als Idee übernommen" in page.get_by_role("status").inner_text()
    taken = Idea.objects.get(origin_kind="atlas_project")
    assert taken.title == suggestion_title and taken.field_of_action_id == mobility.pk
    assert_accessible(page)

    # The core team opens the voting and places its three dots from the keyboard.
    nav.get_by_role("link", name="Abstimmung").click()
    assert "noch nicht geöffnet" in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
    press_button(page, "Abstimmung öffnen")
    page.get_by_role("radio", name="Verwaltung").focus()
    page.keyboard.press("Space")
    press_button(page, "Akteursgruppe wählen")
    assert "Sie stimmen für Verwaltung ab." in page.get_by_role("status").first.inner_text()
    for title in ("Mitfahrbank mit App", "Mitfahrbank mit App", "Energiedaten-Portal"):
        press_button(page, f"Punkt setzen für „{title}“")
    assert "Sie haben 3 von 3 Punkten vergeben." in page.locator(".my-votes").inner_text()
    assert page.get_by_role("button", name="Punkt setzen", exact=False).count() == 0
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()

    # A contributor votes for civil society.
    sign_in(page, base, team.carl.email)
    page.goto(f"{space}/abstimmung/")
    page.get_by_role("radio", name="Zivilgesellschaft").focus()
    page.keyboard.press("Space")
    press_button(page, "Akteursgruppe wählen")
    press_button(page, "Punkt setzen für „Energiedaten-Portal“")
    press_button(page, f"Punkt setzen für „{taken.title}“")
    assert Vote.objects.count() == 5
    assert_accessible(page)

    # The long list: ranked by dots, with each group's dots, and the balance.
    rows = page.locator("table.results tbody tr")
    first, second = rows.nth(0), rows.nth(1)
    # Two dots each: the tie is broken by the balanced score (administration voted more).
    assert "Energiedaten-Portal" in first.locator("th").inner_text()
    assert "Mitfahrbank mit App" in second.locator("th").inner_text()
    cells = lambda row: [c.strip() for c in row.locator("td").all_inner_texts()]  # noqa: E731
    # Rank, dots, civil society, administration, business, science, sum, balanced.
    assert cells(first)[0] == "1" and cells(first)[2:7] == ["1", "1", "0", "0", "2"]
    assert cells(second)[0] == "1" and cells(second)[2:7] == ["0", "2", "0", "0", "2"]
    # 5 dots, 2 groups: administration 3 dots (weight 5/6), civil society 2 (weight 5/4).
    assert cells(first)[7].startswith("2,08") and cells(second)[7].startswith("1,67")
    balance = page.locator("table.balance-table")
    administration = balance.locator("tbody tr", has_text="Verwaltung")
    assert [c.strip() for c in administration.locator("td").all_inner_texts()] == [
        "3",
        "60,0 %",
        "1",
        "50,0 %",
        "0,83",
    ]
    assert "Wirtschaft, Wissenschaft" in page.locator("#ausgewogenheit ~ p.help").inner_text()

    # The projector view.
    page.get_by_role("link", name="Abstimmung in der Präsentationsansicht").click()
    assert page.locator(".voting.presentation").is_visible()
    assert page.get_by_role("button", name="Punkt setzen", exact=False).count() == 0
    assert page.locator("table.results tbody tr").count() == 3
    assert_accessible(page)
    page.get_by_role("button", name="Abmelden").click()

    # The core team works the leading idea out as a project sketch.
    sign_in(page, base, team.anna.email)
    page.goto(f"{space}/abstimmung/")
    page.get_by_role("link", name="Mitfahrbank mit App").click()
    assert_accessible(page)
    press_button(page, "Zur Projektskizze ausarbeiten")
    assert "Projektskizze „Mitfahrbank mit App“" in page.get_by_role("status").inner_text()
    assert "zur Projektskizze ausgearbeitet" in page.locator("dl.facts").inner_text()
    assert_accessible(page)
    project = Project.objects.get()
    assert (project.status, project.sketch["objective"]) == ("sketch", "Dörfer ohne Bus erreichen")
    assert Idea.objects.get(title="Mitfahrbank mit App").promoted_to_id == project.pk
    assert problems == []
