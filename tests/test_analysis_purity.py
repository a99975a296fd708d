"""kompass.analysis stays free of Django (ARCHITECTURE.md), and its doctests hold."""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import kompass.analysis

ANALYSIS = Path(kompass.analysis.__file__).parent


def analysis_modules() -> list[str]:
    return [f"kompass.analysis.{info.name}" for info in pkgutil.iter_modules([str(ANALYSIS)])]


def test_no_module_imports_django() -> None:
    offenders = []
    for path in ANALYSIS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_importing_analysis_does_not_load_django() -> None:
    code = (
        "import sys, importlib;"
        + "".join(f"importlib.import_module('{m}');" for m in analysis_modules())
        + "print('django' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("module", analysis_modules())
def test_doctests(module: str) -> None:
    results = doctest.testmod(importlib.import_module(module))
    assert results.failed == 0
