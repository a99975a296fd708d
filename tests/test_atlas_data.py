"""Validates the shipped atlas 2019 data against its format (docs/data/atlas_2019.md) and
against the study: line ranges exist, printed numbers match, texts are our own words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.core.models import Land

ATLAS = Path(__file__).resolve().parent.parent / "src" / "kompass" / "data" / "atlas" / "2019"
DOCUMENT = "003_98a75a01d0173661.txt"
PROFILES = sorted((ATLAS / "profiles").glob("*.yaml"))
FIELDS = set(FIELD_SLUGS)
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
SECTION_KEYS = {
    "organisation": {"summary", "lines", "units"},
    "milestones": {"summary", "lines", "items"},
    "goals": {"summary", "lines", "items"},
    "stakeholders": {"summary", "lines", "groups", "formats"},
    "opportunities_challenges": {"summary", "lines", "opportunities", "challenges"},
    "communication_networks": {"summary", "lines", "networks", "channels"},
    "funding": {"summary", "lines", "programmes"},
}
TOP_KEYS = {
    "slug",
    "name",
    "land",
    "land_inferred",
    "lines",
    "population",
    "population_lines",
    "area_km2",
    "area_lines",
    "sections",
    "further_information",
    "projects",
    "notes",
}
UNIT_KEYS = {"name", "kind", "reports_to", "since", "lines"}
UNIT_KINDS = {
    "cdo",
    "cio",
    "staff_unit",
    "department",
    "office",
    "company",
    "steering_group",
    "cross_departmental_group",
    "advisory_board",
    "political_body",
    "other",
}
MILESTONE_KEYS = {"date", "event", "planned", "lines"}
GROUPS = {
    "citizens",
    "companies",
    "science",
    "administration",
    "politics",
    "civil_society",
    "municipal_companies",
    "other_municipalities",
    "schools",
    "other",
}
PROGRAMME_KEYS = {"name", "level", "role", "year", "lines"}
LEVELS = {"eu", "federal", "land", "other"}
ROLES = {"winner", "finalist", "model_municipality", "funded", "participant", "applicant"}
PROJECT_KEYS = {"title", "fields_printed", "fields", "summary", "lines", "start", "partners"}


@cache
def document_lines(seeds: Path) -> list[str]:
    return (seeds / DOCUMENT).read_text(encoding="utf-8").splitlines()


@cache
def study_word_runs(seeds: Path) -> str:
    return " ".join(re.sub(r"[^\wäöüß]+", " ", line.lower()) for line in document_lines(seeds))


def check_lines(value: Any, where: str, bounds: tuple[int, int], problems: list[str]) -> None:
    if not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) for v in value)
        and bounds[0] <= value[0] <= value[1] <= bounds[1]
    ):
        problems.append(f"{where}: lines {value!r} not a range within {bounds}")


def check_own_words(text: Any, where: str, seeds: Path, problems: list[str]) -> None:
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: missing text")
        return
    words = re.sub(r"[^\wäöüß]+", " ", text.lower()).split()
    corpus = study_word_runs(seeds)
    for i in range(len(words) - 7):
        run = " ".join(words[i : i + 8])
        if f" {run} " in f" {corpus} ":
            problems.append(f"{where}: copies the study: '{run}'")
            return


def check_keys(item: Any, allowed: set[str], where: str, problems: list[str]) -> bool:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping")
        return False
    extra = set(item) - allowed
    if extra:
        problems.append(f"{where}: unknown keys {sorted(extra)}")
    return True


def check_strings(value: Any, where: str, problems: list[str]) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: expected a list of texts")


def validate_profile(path: Path, seeds: Path) -> list[str]:
    problems: list[str] = []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = document_lines(seeds)
    if not check_keys(data, TOP_KEYS, path.name, problems):
        return problems
    if data.get("slug") != path.stem:
        problems.append(f"slug {data.get('slug')!r} differs from the file name")
    if data.get("land") not in Land.values:
        problems.append(f"land {data.get('land')!r} is no ISO code of a Land")
    check_lines(data.get("lines"), "lines", (1, len(lines)), problems)
    bounds = tuple(data["lines"]) if not problems else (1, len(lines))
    heading = lines[bounds[0] - 1] if bounds[0] >= 1 else ""
    if data.get("name") and data["name"] not in heading:
        problems.append(f"name {data['name']!r} not in the first line {heading!r}")
    for key, label in [("population", "Einwohner"), ("area_km2", "Fläche")]:
        if key not in data:
            continue
        check_lines(data.get(f"{key.split('_')[0]}_lines"), f"{key} lines", bounds, problems)
        start, end = data.get(f"{key.split('_')[0]}_lines") or (0, 0)
        printed = " ".join(lines[start - 1 : end])
        number = data[key]
        shown = f"{number:,}".replace(",", ".") if isinstance(number, int) else str(number)
        if label not in printed or shown.replace(".", ",") not in printed.replace(".", ","):
            problems.append(f"{key} {number!r} is not what lines {start}-{end} print")
    for name, section in (data.get("sections") or {}).items():
        where = f"sections.{name}"
        if name not in SECTION_KEYS:
            problems.append(f"{where}: unknown section")
            continue
        if not check_keys(section, SECTION_KEYS[name], where, problems):
            continue
        check_lines(section.get("lines"), where, bounds, problems)
        check_own_words(section.get("summary"), where, seeds, problems)
        for unit in section.get("units", []):
            if check_keys(unit, UNIT_KEYS, f"{where}.units", problems):
                if unit.get("kind") not in UNIT_KINDS:
                    problems.append(f"{where}.units: kind {unit.get('kind')!r}")
                if "since" in unit and not DATE.match(str(unit["since"])):
                    problems.append(f"{where}.units: since {unit['since']!r}")
                check_lines(unit.get("lines"), f"{where}.units", bounds, problems)
        if name == "milestones":
            for item in section.get("items", []):
                if check_keys(item, MILESTONE_KEYS, f"{where}.items", problems):
                    if not DATE.match(str(item.get("date"))):
                        problems.append(f"{where}.items: date {item.get('date')!r}")
                    check_own_words(item.get("event"), f"{where}.items", seeds, problems)
                    check_lines(item.get("lines"), f"{where}.items", bounds, problems)
        if name == "goals":
            check_strings(section.get("items", []), f"{where}.items", problems)
        for key in ("items", "opportunities", "challenges", "formats"):
            for phrase in section.get(key, []):
                if isinstance(phrase, str):
                    check_own_words(phrase, f"{where}.{key}", seeds, problems)
        if name == "stakeholders":
            unknown = set(section.get("groups", [])) - GROUPS
            if unknown:
                problems.append(f"{where}: unknown groups {sorted(unknown)}")
            check_strings(section.get("formats", []), f"{where}.formats", problems)
        for key in ("opportunities", "challenges", "networks", "channels"):
            if key in section:
                check_strings(section[key], f"{where}.{key}", problems)
        for programme in section.get("programmes", []):
            if check_keys(programme, PROGRAMME_KEYS, f"{where}.programmes", problems):
                if programme.get("level") not in LEVELS:
                    problems.append(f"{where}.programmes: level {programme.get('level')!r}")
                if programme.get("role") not in ROLES:
                    problems.append(f"{where}.programmes: role {programme.get('role')!r}")
                check_lines(programme.get("lines"), f"{where}.programmes", bounds, problems)
    check_strings(data.get("further_information", []), "further_information", problems)
    projects = data.get("projects") or []
    if not 1 <= len(projects) <= 3:
        problems.append(f"{len(projects)} projects; each profile has one to three")
    for index, project in enumerate(projects):
        where = f"projects[{index}]"
        if not check_keys(project, PROJECT_KEYS, where, problems):
            continue
        if not project.get("title"):
            problems.append(f"{where}: no title")
        fields = project.get("fields") or []
        if not fields or set(fields) - FIELDS:
            problems.append(f"{where}: fields {fields!r}")
        if len(fields) != len(project.get("fields_printed") or []):
            problems.append(f"{where}: fields and fields_printed differ in length")
        check_lines(project.get("lines"), where, bounds, problems)
        check_own_words(project.get("summary"), where, seeds, problems)
        start, _ = project.get("lines") or (1, 1)
        heading = lines[start - 1] if 1 <= start <= len(lines) else ""
        if project.get("title") and project["title"] not in heading:
            problems.append(f"{where}: title not in its first line {heading!r}")
    return problems


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_profile_file(path: Path, seeds_dir: Path) -> None:
    assert validate_profile(path, seeds_dir) == []


ANNEX = [p for p in [ATLAS / "annex_a.yaml"] if p.exists()]
FIGURES = [p for p in [ATLAS / "published_figures.yaml"] if p.exists()]


@pytest.mark.parametrize("path", ANNEX, ids=["annex_a"] * len(ANNEX))
def test_annex_a(path: Path, seeds_dir: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = document_lines(seeds_dir)
    problems: list[str] = []
    for index, entry in enumerate(data["entries"]):
        where = f"entries[{index}]"
        check_keys(entry, {"field", "city", "project", "lines"}, where, problems)
        if entry.get("field") not in FIELDS:
            problems.append(f"{where}: field {entry.get('field')!r}")
        check_lines(entry.get("lines"), where, (3820, len(lines)), problems)
    assert problems == []


@pytest.mark.parametrize("path", FIGURES, ids=["published_figures"] * len(FIGURES))
def test_published_figures(path: Path, seeds_dir: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = document_lines(seeds_dir)
    problems: list[str] = []
    keys = set()
    allowed = {"key", "value", "unit", "statement", "lines", "computable", "notes"}
    for index, figure in enumerate(data["figures"]):
        where = f"figures[{index}] {figure.get('key')}"
        check_keys(figure, allowed, where, problems)
        if figure.get("key") in keys:
            problems.append(f"{where}: duplicate key")
        keys.add(figure.get("key"))
        if figure.get("unit") not in {"projects", "cities", "percent", "inhabitants", "km2"}:
            problems.append(f"{where}: unit {figure.get('unit')!r}")
        if not isinstance(figure.get("value"), int | float | None):
            problems.append(f"{where}: value {figure.get('value')!r}")
        check_lines(figure.get("lines"), where, (1, len(lines)), problems)
        check_own_words(figure.get("statement"), where, seeds_dir, problems)
    assert problems == []


def programme_key(name: str) -> str:
    """A programme name without case, quotes, the organiser's prefix and a year suffix: two
    names with the same key are spellings of one programme."""
    key = re.sub(r"[»«„“\"]", "", name.lower()).replace("bitkom-wettbewerb", "")
    key = re.sub(r"\(bitkom-wettbewerb\)|\bwettbewerb\b|\b20\d\d\b", "", key)
    return re.sub(r"\s+", " ", key).strip(" -")


def test_each_programme_has_one_name() -> None:
    """The ranking of funding programmes counts by name, so one programme spelled two ways
    ("Digitale Stadt", "Bitkom-Wettbewerb »Digitale Stadt«") would be split in two."""
    names: dict[str, set[str]] = {}
    for path in PROFILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        funding = data.get("sections", {}).get("funding", {})
        for programme in funding.get("programmes", []):
            names.setdefault(programme_key(programme["name"]), set()).add(programme["name"])
    assert names, "no funding programmes found"
    assert "digitale stadt" in names
    variants = {key: sorted(found) for key, found in names.items() if len(found) > 1}
    assert not variants, f"one programme, several spellings: {variants}"
