"""Settings from the environment: defaults, validation, and a clear failure at start."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kompass import config

REPO = Path(__file__).resolve().parent.parent


def test_defaults_without_environment() -> None:
    loaded = config.load({})
    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == config.DEV_SECRET_KEY
    assert loaded["DATABASE_URL"] is None
    assert loaded.data_dir == Path("./var").resolve()
    assert loaded["KOMPASS_HTTPS"] is True


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "ja", True),
        ("DEBUG", "off", False),
        ("ALLOWED_HOSTS", "a.example, b.example,", ["a.example", "b.example"]),
        ("KOMPASS_WORKERS", "3", 3),
        ("DATABASE_URL", "postgresql://u@h:5432/db", "postgresql://u@h:5432/db"),
    ],
)
def test_values_are_parsed(name: str, value: str, expected: object) -> None:
    assert config.load({name: value})[name] == expected


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("DEBUG", "vielleicht", "Ungültiger Wert für DEBUG: 'vielleicht'"),
        ("KOMPASS_WORKERS", "0", "ganze Zahl ab 1"),
        ("KOMPASS_WORKERS", "viele", "erwartet wird eine ganze Zahl"),
        ("DATABASE_URL", "mysql://x@y/z", "Ungültiger Wert für DATABASE_URL: (verborgen)"),
        ("SECRET_KEY", "kurz", "mindestens 50 Zeichen"),
        ("KOMPASS_DATADIR", "/tmp", "Unbekannte Einstellung KOMPASS_DATADIR"),
        ("KOMPASS_EMAIL_URL", "imap://x", "console://"),
    ],
)
def test_malformed_or_unknown_values_are_rejected(name: str, value: str, fragment: str) -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load({name: value})
    assert fragment in str(caught.value)


def test_secret_values_are_never_echoed() -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load({"SECRET_KEY": "geheim-aber-zu-kurz"})
    assert "geheim-aber-zu-kurz" not in str(caught.value)


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(config.ConfigError) as caught:
        config.load({"DEBUG": "x", "KOMPASS_THREADS": "-1", "KOMPASS_FOO": "1"})
    message = str(caught.value)
    assert message.count("\n- ") == 3


def test_test_harness_variables_are_not_settings() -> None:
    assert config.load({"KOMPASS_TEST_REQUIRE": "browser"})["DEBUG"] is False


def test_env_example_lists_every_setting() -> None:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert listed == set(config.SETTINGS)


def test_start_fails_with_a_clear_message() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOMPASS_", "DJANGO_"))}
    env["DEBUG"] = "vielleicht"
    result = subprocess.run(
        [sys.executable, "-m", "kompass.cli", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Ungültiger Wert für DEBUG: 'vielleicht'" in result.stderr
    assert "Traceback" not in result.stderr
