"""Shared fixtures: the personas of STYLE.md, requirement switches, and the browser."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.gv_isys import SAMPLE

REPO = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("KOMPASS_TEST_SEEDS", REPO.parent / "shared" / "seeds"))
CHROMIUM = os.environ.get("KOMPASS_TEST_CHROMIUM", "/usr/bin/chromium")
POSTGRES_URL = os.environ.get(
    "KOMPASS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
#: Comma-separated things whose absence fails the run instead of skipping (CI sets
#: "browser,postgres,seeds"); KOMPASS_TEST_REQUIRE=all demands everything.
REQUIRED = {
    item.strip() for item in os.environ.get("KOMPASS_TEST_REQUIRE", "").split(",") if item.strip()
}
PASSWORD = "Kompass-Test-2026!"


def require(what: str, available: bool, reason: str) -> None:
    """Skip a test whose environment lacks ``what``, or fail if the run demands it."""
    if available:
        return
    if what in REQUIRED or "all" in REQUIRED:
        pytest.fail(f"{reason} (KOMPASS_TEST_REQUIRE verlangt '{what}')", pytrace=False)
    pytest.skip(f"{reason}; set KOMPASS_TEST_REQUIRE={what} to make this an error")


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def sample_directory() -> Path:
    """The committed GV-ISys sample workbook (fictional municipalities)."""
    return SAMPLE


@pytest.fixture
def seeds_dir() -> Path:
    require("seeds", SEEDS.is_dir(), f"the studies are not at {SEEDS}")
    return SEEDS


@dataclass
class Personas:
    musterstadt: Any
    beispieldorf: Any
    anna: Any  # admin of Musterstadt
    mia: Any  # member of Musterstadt
    ben: Any  # admin of Beispieldorf; must never see Musterstadt's private data
    clara: Any  # signed in, no municipality
    erik: Any  # atlas editor
    sven: Any  # platform staff


@pytest.fixture
def personas(db: None) -> Personas:
    """The fixed test personas (STYLE.md), defined once here."""
    from kompass.accounts.models import Membership, User
    from kompass.core.models import Land, Municipality, MunicipalityKind

    musterstadt = Municipality.objects.create(
        name="Musterstadt",
        slug="musterstadt",
        ags="01099001",
        land=Land.SH,
        kind=MunicipalityKind.TOWN,
        population=42_318,
    )
    beispieldorf = Municipality.objects.create(
        name="Beispieldorf",
        slug="beispieldorf",
        ags="01099002",
        land=Land.SH,
        kind=MunicipalityKind.MUNICIPALITY,
        population=2_315,
    )

    def user(email: str, name: str, **flags: bool) -> Any:
        return User.objects.create_user(email=email, password=PASSWORD, name=name, **flags)

    anna = user("anna@musterstadt.example", "Anna Admin")
    mia = user("mia@musterstadt.example", "Mia Mitglied")
    ben = user("ben@beispieldorf.example", "Ben Beispiel")
    clara = user("clara@example.org", "Clara Ohnekommune")
    erik = user("erik@redaktion.example", "Erik Redaktion", is_atlas_editor=True)
    sven = user("sven@betrieb.example", "Sven Betrieb", is_staff=True)
    Membership.objects.create(user=anna, municipality=musterstadt, role=Membership.Role.ADMIN)
    Membership.objects.create(user=mia, municipality=musterstadt, role=Membership.Role.MEMBER)
    Membership.objects.create(user=ben, municipality=beispieldorf, role=Membership.Role.ADMIN)
    return Personas(musterstadt, beispieldorf, anna, mia, ben, clara, erik, sven)


@pytest.fixture
def browser_executable() -> str:
    available = bool(shutil.which(CHROMIUM) or Path(CHROMIUM).exists())
    require("browser", available, f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def page(browser_executable: str) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium (never a downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_executable,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Playwright's sync API runs the test in its own greenlet context, so database
            # connections opened during the test are not the ones pytest-django closes before
            # dropping the test database.
            from django.db import connections

            connections.close_all()
