"""Production configuration: `check --deploy` is clean, and the dev secret key is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "SECRET_KEY": "p" * 20 + "roduction-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "kompass.example.de",
    "DEBUG": "false",
    "KOMPASS_HTTPS": "true",
}


def manage(
    args: list[str], extra: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOMPASS_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    env["KOMPASS_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "kompass.cli", "manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production_configuration(tmp_path: Path) -> None:
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_development_secret_key_is_refused_without_debug(tmp_path: Path) -> None:
    extra = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage(["check"], extra, tmp_path)
    assert result.returncode != 0
    assert "kompass.E001" in result.stderr


def test_development_secret_key_is_accepted_with_debug(tmp_path: Path) -> None:
    result = manage(["check"], {"DEBUG": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr


def test_https_off_disables_secure_cookies_and_hsts(settings: object) -> None:
    # The test settings run with KOMPASS_HTTPS=false, as a local try-out does.
    from django.conf import settings as active

    assert active.SESSION_COOKIE_SECURE is False
    assert active.SECURE_HSTS_SECONDS == 0
    assert active.SECURE_SSL_REDIRECT is False
