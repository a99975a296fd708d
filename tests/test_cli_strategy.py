"""``kompass strategy export|import``: in-process through kompass.cli.main, and once as a real
subprocess; German errors and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from kompass import cli
from kompass.strategy import document as paper_service
from kompass.strategy import services
from kompass.strategy.models import Workspace, WorkspaceMember
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - the fixture "team"

pytestmark = pytest.mark.django_db


def run(argv: list[str]) -> int:
    try:
        cli.main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_export_docx_pdf_and_json(team: Team, tmp_path: Path, capsys: Any) -> None:
    paper_service.create_document(actor=team.anna, workspace=team.workspace)
    docx = tmp_path / "paper.docx"
    argv = ["strategy", "export", "--workspace", "digitalstrategie-2030", "--format", "docx"]
    assert run([*argv, "--output", str(docx)]) == 0
    assert Document(io.BytesIO(docx.read_bytes())).paragraphs[0].text == "Digitalstrategie 2030"
    assert "Geschrieben:" in capsys.readouterr().out
    pdf = tmp_path / "paper.pdf"
    argv[-1] = "pdf"
    assert run([*argv, "--output", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    target = tmp_path / "ws.json"
    argv[-1] = "json"
    assert run([*argv, "--output", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Exportiere musterstadt/digitalstrategie-2030" in out and "step_states: 10" in out
    assert json.loads(target.read_text())["workspace"]["title"] == "Digitalstrategie 2030"


def test_export_errors_are_german_with_exit_codes(team: Team, tmp_path: Path, capsys: Any) -> None:
    out = str(tmp_path / "x.docx")
    base = ["strategy", "export", "--format", "docx", "--output", out]
    assert run([*base, "--workspace", "gibt-es-nicht"]) == 1
    assert "Fehler: Einen Arbeitsraum „gibt-es-nicht“ gibt es nicht." in capsys.readouterr().err
    assert run([*base, "--workspace", "digitalstrategie-2030"]) == 1
    assert "noch kein Strategiepapier" in capsys.readouterr().err
    assert run(["strategy", "export", "--workspace", "x", "--format", "odt", "--output", out]) == 2
    services.create_workspace(
        actor=team.personas.ben,
        municipality=team.personas.beispieldorf,
        title="Digitalstrategie 2030",
    )
    assert run([*base, "--workspace", "digitalstrategie-2030"]) == 1
    err = capsys.readouterr().err
    assert "musterstadt/digitalstrategie-2030, beispieldorf/digitalstrategie-2030" in err
    assert "KOMMUNE/KURZNAME" in err
    paper_service.create_document(actor=team.anna, workspace=team.workspace)
    assert run([*base, "--workspace", "musterstadt/digitalstrategie-2030"]) == 0
    assert run([*base, "--workspace", "musterstadt/digitalstrategie-2030", "--version", "3"]) == 1
    assert "Version 3 des Strategiepapiers gibt es nicht" in capsys.readouterr().err


def test_import_round_trip_and_errors(team: Team, tmp_path: Path, capsys: Any) -> None:
    target = tmp_path / "ws.json"
    export = ["strategy", "export", "--workspace", "digitalstrategie-2030", "--format", "json"]
    assert run([*export, "--output", str(target), "--quiet"]) == 0
    assert run(["strategy", "import", "--file", str(target), "--municipality", "beispieldorf"]) == 0
    out = capsys.readouterr().out
    assert "Angelegt: beispieldorf/digitalstrategie-2030" in out
    copy = Workspace.objects.get(municipality=team.personas.beispieldorf)
    assert WorkspaceMember.objects.get(workspace=copy, user=team.anna).role == "core_team"
    assert run(["strategy", "import", "--file", str(tmp_path / "fehlt.json")]) == 1
    assert "Die Datei" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    data = json.loads(target.read_text())
    data["items"]["step_states"][0]["state"] = "kaputt"
    broken.write_text(json.dumps(data))
    before = Workspace.objects.count()
    assert run(["strategy", "import", "--file", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "Nichts importiert" in err and "items.step_states[0].state" in err
    assert Workspace.objects.count() == before
    assert run(["strategy", "import", "--file", str(target), "--municipality", "nirgends"]) == 1
    assert "Eine Kommune „nirgends“ gibt es nicht." in capsys.readouterr().err


def test_help_lists_the_strategy_command(capsys: Any) -> None:
    assert run(["strategy", "--help"]) == 0
    out = capsys.readouterr().out
    assert "export" in out and "import" in out


@pytest.mark.django_db(transaction=True)
def test_subprocess_reports_an_unknown_workspace(tmp_path: Path) -> None:
    """Once as a real process against its own empty SQLite database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "KOMPASS_DATA_DIR": str(tmp_path),
        "DEBUG": "true",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "kompass.cli", "manage", "migrate", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stderr
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kompass.cli",
            "strategy",
            "export",
            "--workspace",
            "nix",
            "--format",
            "json",
            "--output",
            str(tmp_path / "x.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Fehler: Einen Arbeitsraum „nix“ gibt es nicht." in done.stderr
    assert not (tmp_path / "x.json").exists()
