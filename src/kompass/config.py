"""Settings read from the environment, validated strictly.

Every setting the platform understands is declared once in ``SETTINGS`` below; `.env.example`
lists the same names (a test keeps the two in sync). A malformed value, or a ``KOMPASS_*``
variable that is not declared here (a typo such as ``KOMPASS_DATADIR``), stops the start with a
German message that names the variable, the value and what is allowed.

This module imports nothing from Django so that the CLI can validate before Django starts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The development secret key. Fine for tests and a local try-out, rejected by a system check
#: (``kompass.E001``) whenever DEBUG is off.
_DEV_KEY_TEXT = "django-insecure-kommunalkompass-nur-fuer-entwicklung-nicht-produktiv-nutzen"
DEV_SECRET_KEY = _DEV_KEY_TEXT  # noqa: S105 - public on purpose, refused in production

#: Variables with this prefix steer the test harness only and are not settings.
TEST_PREFIX = "KOMPASS_TEST_"

#: Values never echoed in an error message.
SECRET_SETTINGS = {"SECRET_KEY", "DATABASE_URL", "KOMPASS_EMAIL_URL"}

TRUE_WORDS = {"1", "true", "yes", "on", "ja"}
FALSE_WORDS = {"0", "false", "no", "off", "nein", ""}


class ConfigError(ValueError):
    """A setting in the environment is unknown or malformed."""


def parse_bool(value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("erlaubt sind true/false, 1/0, yes/no, on/off, ja/nein")


def parse_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_positive_int(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError("erwartet wird eine ganze Zahl") from None
    if number < 1:
        raise ValueError("erwartet wird eine ganze Zahl ab 1")
    return number


def parse_non_negative_int(value: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError("erwartet wird eine ganze Zahl") from None
    if number < 0:
        raise ValueError("erwartet wird eine ganze Zahl ab 0")
    return number


def parse_database_url(value: str) -> str:
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ValueError(
            "erwartet wird sqlite:///PFAD oder postgresql://BENUTZER@HOST:PORT/DATENBANK"
        )
    return value


EMAIL_SCHEMES = {"console", "smtp", "smtp+tls", "smtps"}


def parse_email_url(value: str) -> str:
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme not in EMAIL_SCHEMES:
        raise ValueError("erwartet wird console:// oder smtp[+tls|s]://BENUTZER:PASSWORT@HOST:PORT")
    return value


def parse_text(value: str) -> str:
    if not value.strip():
        raise ValueError("darf nicht leer sein")
    return value


def parse_secret_key(value: str) -> str:
    if len(value) < 50:
        raise ValueError("muss mindestens 50 Zeichen lang sein")
    return value


def parse_log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("erlaubt sind DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return level


TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")


def parse_tile_url(value: str) -> str:
    """A tile server address with exactly one host and the placeholders {z}, {x} and {y}.

    One host only (no ``{s}`` subdomains), because the map page allows exactly that origin in
    its Content-Security-Policy; no user name, password, quotes or blanks.
    """
    url = value.strip()
    missing = [p for p in TILE_PLACEHOLDERS if p not in url]
    if missing:
        raise ValueError("es fehlen die Platzhalter " + ", ".join(missing))
    others = sorted(set(re.findall(r"\{[^}]*\}", url)) - set(TILE_PLACEHOLDERS))
    if others:
        raise ValueError(
            "erlaubt sind nur die Platzhalter {z}, {x} und {y}, nicht "
            + ", ".join(others)
            + " (genau ein Host, keine Subdomains {s})"
        )
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?/[^\s'\";,\\]*", url):
        raise ValueError(
            "erwartet wird https://HOST[:PORT]/PFAD/{z}/{x}/{y}.png ohne Benutzername, "
            "Leerzeichen, Anführungszeichen, Komma oder Semikolon"
        )
    return url


def tile_origin(url: str) -> str:
    """The origin (scheme://host[:port]) of a tile URL accepted by :func:`parse_tile_url`.

    >>> tile_origin("https://kacheln.example.de:8443/osm/{z}/{x}/{y}.png")
    'https://kacheln.example.de:8443'
    """
    scheme, rest = url.split("://", 1)
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


@dataclass(frozen=True)
class Setting:
    parse: Callable[[str], Any]
    default: Any
    help: str


def _default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


SETTINGS: dict[str, Setting] = {
    "DEBUG": Setting(parse_bool, False, "Entwicklungsmodus mit Fehlerdetails; nie produktiv."),
    "SECRET_KEY": Setting(
        parse_secret_key, DEV_SECRET_KEY, "Geheimer Schlüssel, mindestens 50 Zeichen."
    ),
    "ALLOWED_HOSTS": Setting(
        parse_list, ["localhost", "127.0.0.1", "[::1]"], "Kommagetrennte Hostnamen."
    ),
    "DATABASE_URL": Setting(
        parse_database_url, None, "Datenbank; Standard: SQLite-Datei im Datenverzeichnis."
    ),
    "KOMPASS_DATA_DIR": Setting(
        parse_text, "./var", "Datenverzeichnis (SQLite-Datei, statische Dateien)."
    ),
    "KOMPASS_HTTPS": Setting(
        parse_bool,
        True,
        "Die Seite wird über HTTPS ausgeliefert: sichere Cookies, HSTS, Umleitung auf HTTPS.",
    ),
    "KOMPASS_HSTS_SECONDS": Setting(
        parse_non_negative_int, 31_536_000, "Dauer der HSTS-Anweisung in Sekunden."
    ),
    "KOMPASS_CSRF_TRUSTED_ORIGINS": Setting(
        parse_list, [], "Kommagetrennte Ursprünge (https://…) für CSRF hinter einem Proxy."
    ),
    "KOMPASS_WORKERS": Setting(
        parse_positive_int, None, "Anzahl der Server-Prozesse; Standard: 2 × Kerne + 1."
    ),
    "KOMPASS_THREADS": Setting(parse_positive_int, 4, "Threads je Server-Prozess."),
    "KOMPASS_EMAIL_URL": Setting(
        parse_email_url, "console://", "E-Mail-Versand: console:// oder smtp://user:pass@host:port."
    ),
    "KOMPASS_DEFAULT_FROM_EMAIL": Setting(
        parse_text, "Kommunalkompass <noreply@localhost>", "Absender der E-Mails."
    ),
    "KOMPASS_LOG_LEVEL": Setting(parse_log_level, "INFO", "Protokollstufe."),
    "KOMPASS_MAP_TILE_URL": Setting(
        parse_tile_url,
        None,
        "Optionaler Kachelserver für die interaktive Atlas-Karte, z. B. "
        "https://kacheln.example.de/{z}/{x}/{y}.png (genau ein Host, Platzhalter {z}, {x}, "
        "{y}). Ohne diese Einstellung lädt die Karte nichts von außen; nur die mitgelieferte "
        "Länderkarte wird gezeigt. Der Host wird nur auf der Kartenseite in der "
        "Content-Security-Policy (img-src) erlaubt.",
    ),
    "KOMPASS_MAP_TILE_ATTRIBUTION": Setting(
        parse_text,
        None,
        "Quellenangabe der Kacheln, wie sie der Anbieter verlangt, z. B. "
        "„© OpenStreetMap-Mitwirkende“; Pflicht, sobald KOMPASS_MAP_TILE_URL gesetzt ist.",
    ),
}


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def data_dir(self) -> Path:
        return Path(self.values["KOMPASS_DATA_DIR"]).resolve()

    @property
    def workers(self) -> int:
        configured = self.values["KOMPASS_WORKERS"]
        return int(configured) if configured is not None else _default_workers()


def load(environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate every setting; raise ConfigError listing every problem at once."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    unknown = sorted(
        name
        for name in env
        if name.startswith("KOMPASS_") and not name.startswith(TEST_PREFIX) and name not in SETTINGS
    )
    for name in unknown:
        problems.append(
            f"Unbekannte Einstellung {name}. Bekannt sind: "
            + ", ".join(n for n in SETTINGS if n.startswith("KOMPASS_"))
            + "."
        )
    values: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        raw = env.get(name)
        if raw is None:
            values[name] = setting.default
            continue
        try:
            values[name] = setting.parse(raw)
        except ValueError as exc:
            shown = "(verborgen)" if name in SECRET_SETTINGS else repr(raw)
            problems.append(f"Ungültiger Wert für {name}: {shown} ({exc}).")
    if values.get("KOMPASS_MAP_TILE_URL") and not values.get("KOMPASS_MAP_TILE_ATTRIBUTION"):
        problems.append(
            "KOMPASS_MAP_TILE_URL ist gesetzt, KOMPASS_MAP_TILE_ATTRIBUTION fehlt: Kachelserver "
            "verlangen eine Quellenangabe (z. B. „© OpenStreetMap-Mitwirkende“)."
        )
    if problems:
        raise ConfigError("Die Konfiguration ist fehlerhaft:\n- " + "\n- ".join(problems))
    return Config(values)
