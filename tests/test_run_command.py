"""`kompass run` on a fresh data directory: migrates, loads the shipped data and serves the
German home page, the health endpoint and static files with the production server."""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, free_port, postgres_reachable, require


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    require("postgres", postgres_reachable(), f"no PostgreSQL at {POSTGRES_URL}")
    import psycopg

    name = f"kompass_run_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_run_serves_home_health_and_static(database_url: str | None, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KOMPASS_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        KOMPASS_HTTPS="false",
        KOMPASS_DATA_DIR=str(tmp_path),
        KOMPASS_WORKERS="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kompass.cli", "run", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                status, body, _ = fetch(f"{base}/api/v1/health")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.5)
        assert status == 200
        health = json.loads(body)
        assert health["status"] == "ok"
        assert health["database"] == ("postgresql" if database_url else "sqlite")

        status, home, headers = fetch(f"{base}/")
        assert status == 200
        assert "Digitale Kommune" in home
        assert "Die zehn Handlungsfelder" in home  # shipped data loaded into the empty db
        assert "gunicorn" in headers.get("Server", "")  # not Django's development server

        css = re.search(r'href="(/static/kompass/css/site\.[0-9a-f]+\.css)"', home)
        assert css, "stylesheet with a hashed name"
        status, text, headers = fetch(base + css[1])
        assert status == 200
        assert "--brand" in text
        assert "max-age=315360000" in headers.get("Cache-Control", "")
        status, _, _ = fetch(f"{base}/static/vendor/htmx/" + "htmx.min.js")
        assert status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    output = (tmp_path / "server.log").read_text()
    assert "Handlungsfelder" in output  # the progress bar of the shipped-data load
    assert "Listening at" in output
