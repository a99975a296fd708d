"""Validates the shipped practice examples (docs/data/practice_examples.md) against the
studies: keys, vocabularies, line ranges, printed numbers and our own words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.core.models import Land
from tests.test_atlas_data import check_keys, check_lines, check_strings

FOLDER = Path(__file__).resolve().parent.parent / "src" / "kompass" / "data" / "practice_examples"
FILES = sorted(FOLDER.glob("*.yaml"))
TOP = {"document", "reference_date", "reference_date_lines", "examples", "notes"}
EXAMPLE = {
    "slug",
    "municipality",
    "land",
    "land_inferred",
    "kind",
    "population",
    "population_lines",
    "population_date",
    "title",
    "year",
    "fields",
    "topics",
    "summary",
    "lines",
    "notes",
}
KINDS = {"municipality", "town", "kreisfrei_city", "district", "association", "region"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def own_words(text: Any, corpus: str) -> str | None:
    words = re.sub(r"[^\wäöüß]+", " ", str(text).lower()).split()
    for i in range(len(words) - 7):
        run = " ".join(words[i : i + 8])
        if f" {run} " in corpus:
            return run
    return None


def validate(path: Path, seeds: Path) -> list[str]:
    problems: list[str] = []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not check_keys(data, TOP, path.name, problems):
        return problems
    if f"{path.stem}.txt" != data.get("document"):
        problems.append("document must be the file named like this YAML file")
        return problems
    lines = (seeds / data["document"]).read_text(encoding="utf-8").splitlines()
    corpus = " " + " ".join(re.sub(r"[^\wäöüß]+", " ", line.lower()) for line in lines) + " "
    bounds = (1, len(lines))
    if not ISO_DATE.match(str(data.get("reference_date"))):
        problems.append(f"reference_date {data.get('reference_date')!r}")
    check_lines(data.get("reference_date_lines"), "reference_date_lines", bounds, problems)
    slugs: set[str] = set()
    for index, example in enumerate(data.get("examples") or []):
        where = f"examples[{index}] {example.get('slug')}"
        if not check_keys(example, EXAMPLE, where, problems):
            continue
        slug = str(example.get("slug"))
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or slug in slugs:
            problems.append(f"{where}: slug missing, malformed or repeated")
        slugs.add(slug)
        if example.get("land") not in Land.values:
            problems.append(f"{where}: land {example.get('land')!r}")
        if example.get("kind") not in KINDS:
            problems.append(f"{where}: kind {example.get('kind')!r}")
        fields = example.get("fields")
        if not isinstance(fields, list) or set(fields) - set(FIELD_SLUGS):
            problems.append(f"{where}: fields {fields!r}")
        check_strings(example.get("topics", []), f"{where}.topics", problems)
        if not str(example.get("title") or "").strip():
            problems.append(f"{where}: no title")
        check_lines(example.get("lines"), where, bounds, problems)
        if "year" in example and not re.fullmatch(r"\d{4}", str(example["year"])):
            problems.append(f"{where}: year {example['year']!r}")
        if "population" in example:
            check_lines(example.get("population_lines"), f"{where}.population", bounds, problems)
            start, end = example.get("population_lines") or (1, 1)
            printed = re.sub(r"[.\s]", "", " ".join(lines[start - 1 : end]))
            if str(example["population"]) not in printed:
                problems.append(f"{where}: population {example['population']} not printed there")
        if "population_date" in example and not ISO_DATE.match(str(example["population_date"])):
            problems.append(f"{where}: population_date {example['population_date']!r}")
        summary = example.get("summary")
        if not str(summary or "").strip():
            problems.append(f"{where}: no summary")
        elif copied := own_words(summary, corpus):
            problems.append(f"{where}: summary copies the study: '{copied}'")
    if not slugs:
        problems.append("no examples")
    return problems


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_practice_example_file(path: Path, seeds_dir: Path) -> None:
    assert validate(path, seeds_dir) == []
