"""The Digitalcheck's shipped content besides the questionnaire: recommendations, reference
figures and the type descriptions (``src/kompass/data/digitalcheck/``, documented in
docs/data/digitalcheck.md and docs/data/municipality_types.md).

Each file is parsed once per process and file version and shared: callers must not change what
they get (the evaluation only reads it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kompass.core.yamlfiles import read_yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "digitalcheck"


@lru_cache(maxsize=16)
def _read(path: str, mtime_ns: int) -> Any:
    return read_yaml(path)


def _load(name: str) -> Any:
    path = DATA_DIR / name
    return _read(str(path), path.stat().st_mtime_ns)


def recommendations() -> dict[str, Any]:
    """``recommendations.yaml``: ``sources`` and ``recommendations``."""
    data: dict[str, Any] = _load("recommendations.yaml")
    return data


def reference_figures() -> dict[str, Any]:
    """``reference_figures.yaml``: ``sources``, ``size_schemes``, ``left_out``, ``figures``."""
    data: dict[str, Any] = _load("reference_figures.yaml")
    return data


def type_descriptions() -> dict[str, dict[str, Any]]:
    """The five types of study 000 from ``types.yaml``, by slug (name, description, share)."""
    return {entry["slug"]: entry for entry in _load("types.yaml")["types"]}


def type_source() -> dict[str, Any]:
    """The study behind the types (file, date, title) from ``types.yaml``."""
    source: dict[str, Any] = _load("types.yaml")["source"]
    return source
