"""System checks that guard a production start."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from kompass.config import DEV_SECRET_KEY


@register(Tags.security)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Refuse the development SECRET_KEY whenever DEBUG is off (on every start, not only
    with --deploy, so that `kompass run` cannot serve with a publicly known key)."""
    if not settings.DEBUG and settings.SECRET_KEY == DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY ist der öffentlich bekannte Entwicklungsschlüssel, DEBUG ist aus.",
                hint="Setzen Sie SECRET_KEY auf einen zufälligen Wert mit mindestens 50 Zeichen, "
                "z. B. mit: python3 -c 'import secrets; print(secrets.token_urlsafe(64))'. "
                "Zum lokalen Ausprobieren erzeugt `make run` einen solchen Schlüssel.",
                id="kompass.E001",
            )
        ]
    return []
