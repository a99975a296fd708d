"""The Digitalcheck's shipped content against its contract and the studies: the questionnaire
(docs/data/digitalcheck.md, /work/notes/questionnaire_schema.md), the recommendations and the
reference figures. Line ranges exist, printed numbers match, texts are our own words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from kompass.analysis import digitalcheck as dc
from kompass.analysis.vocabulary import FIELD_SLUGS

DATA = Path(__file__).resolve().parent.parent / "src" / "kompass" / "data"
QUESTIONNAIRE = DATA / "questionnaires" / "digitalcheck-v1.yaml"
RECOMMENDATIONS = DATA / "digitalcheck" / "recommendations.yaml"
FIGURES = DATA / "digitalcheck" / "reference_figures.yaml"
TYPES = DATA / "digitalcheck" / "types.yaml"
ID = re.compile(r"^[a-z0-9_]+$")
ITEM_TYPES = {"single_choice", "multiple_choice", "scale", "number", "yes_no", "text"}
ITEM_KEYS = {
    "id",
    "type",
    "text",
    "help",
    "required",
    "options",
    "exclusive",
    "max_choices",
    "scale",
    "number",
    "max_length",
    "show_if",
    "scoring",
    "source",
}
STRATEGY_STAGES = ["implementing", "in_progress", "planned", "none"]
CHALLENGES = [
    "administrative_processes",
    "citizen_services",
    "business_services",
    "participation",
    "education",
    "energy",
    "traffic",
    "health_care",
    "rural_exodus",
    "urban_growth",
    "integration",
    "social",
    "ageing",
    "digital_infrastructure",
    "finances",
]
FIGURE_KEYS = {
    "id",
    "label",
    "value",
    "unit",
    "qualifier",
    "group",
    "body",
    "year",
    "n",
    "n_lines",
    "base",
    "topic",
    "compares_to",
    "source",
    "inferred",
    "note",
}
FIGURE_REQUIRED = FIGURE_KEYS - {"qualifier", "n", "n_lines", "compares_to", "note"}
RECOMMENDATION_KEYS = {"id", "title", "text", "dimensions", "when", "barriers", "sources"}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def items(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in definition["sections"] for item in section["items"]]


@cache
def seed_lines(seeds: Path, name: str) -> list[str]:
    return (seeds / name).read_text(encoding="utf-8").splitlines()


@cache
def study_corpus(seeds: Path) -> str:
    words = []
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8").lower()
        words.append(re.sub(r"[^\wäöüß]+", " ", text))
    return " " + " ".join(words) + " "


def copied_run(text: str, corpus: str) -> str | None:
    """The first run of eight words that ``text`` shares with a study, if any."""
    words = re.sub(r"[^\wäöüß]+", " ", text.lower()).split()
    for i in range(len(words) - 7):
        run = " ".join(words[i : i + 8])
        if f" {run} " in corpus:
            return run
    return None


def check_source(
    ref: Any, sources: dict[str, Any], seeds: Path, where: str, problems: list[str]
) -> None:
    if not isinstance(ref, dict) or set(ref) != {"doc", "lines"}:
        problems.append(f"{where}: source must be {{doc, lines}}, got {ref!r}")
        return
    if ref["doc"] not in sources:
        problems.append(f"{where}: unknown document {ref['doc']!r}")
        return
    lines = ref["lines"]
    total = len(seed_lines(seeds, sources[ref["doc"]]["file"]))
    if not (
        isinstance(lines, list)
        and len(lines) == 2
        and all(isinstance(n, int) for n in lines)
        and 1 <= lines[0] <= lines[1] <= total
    ):
        problems.append(f"{where}: lines {lines!r} not a range within 1..{total}")


def german_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def printed_in(value: float, text: str) -> bool:
    """Whether ``value`` is printed (German notation) as a whole number in ``text``."""
    number = re.escape(german_number(value))
    return re.search(rf"(?<![\d,.]){number}(?![\d]|,\d)", text) is not None


# ------------------------------------------------------------------------------ questionnaire


def test_questionnaire_top_level_follows_the_contract() -> None:
    definition = load(QUESTIONNAIRE)
    assert definition["slug"] == "digitalcheck"
    assert definition["version"] == 1
    assert definition["estimated_minutes"] == 15
    assert QUESTIONNAIRE.name == f"{definition['slug']}-v{definition['version']}.yaml"
    assert set(definition) <= {
        "slug",
        "version",
        "title",
        "description",
        "estimated_minutes",
        "sources",
        "dimensions",
        "sections",
    }
    assert 35 <= len(items(definition)) <= 45


def test_items_follow_the_contract() -> None:
    definition = load(QUESTIONNAIRE)
    problems: list[str] = []
    seen: set[str] = set()
    section_ids = [section["id"] for section in definition["sections"]]
    assert len(section_ids) == len(set(section_ids))
    for item in items(definition):
        item_id = item.get("id", "?")
        where = f"item {item_id}"
        if set(item) - ITEM_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(item) - ITEM_KEYS)}")
        if not ID.match(str(item_id)) or item_id in seen:
            problems.append(f"{where}: id not unique or not [a-z0-9_]+")
        if item.get("type") not in ITEM_TYPES:
            problems.append(f"{where}: unknown type {item.get('type')!r}")
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            problems.append(f"{where}: missing text")
        values = [str(o["value"]) for o in item.get("options", [])]
        if item["type"] in ("single_choice", "multiple_choice"):
            if len(values) < 2 or len(values) != len(set(values)):
                problems.append(f"{where}: needs two or more distinct options")
            if not all(ID.match(v) for v in values):
                problems.append(f"{where}: option values must be [a-z0-9_]+")
            if dc.NO_ANSWER in values:
                problems.append(f"{where}: keine_angabe is implicit, not an option")
            for option in item["options"]:
                if set(option) != {"value", "label"} or not isinstance(option["label"], str):
                    problems.append(f"{where}: option {option!r} needs a text label")
        elif "options" in item:
            problems.append(f"{where}: options on a {item['type']} item")
        if not set(item.get("exclusive", [])) <= set(values):
            problems.append(f"{where}: exclusive options must be options")
        if item["type"] == "scale":
            scale = item.get("scale", {})
            if not (isinstance(scale.get("min"), int) and scale.get("max", 0) > scale["min"]):
                problems.append(f"{where}: scale needs integer min < max")
        condition = item.get("show_if")
        if condition is not None and condition.get("item") not in seen:
            problems.append(f"{where}: show_if must refer to an earlier item")
        seen.add(str(item_id))
    assert problems == []


def test_fixed_slugs_are_present() -> None:
    by_id = {item["id"]: item for item in items(load(QUESTIONNAIRE))}
    stage = by_id["strategy_stage"]
    assert stage["type"] == "single_choice"
    assert [o["value"] for o in stage["options"]] == STRATEGY_STAGES
    challenges = by_id["challenges"]
    assert challenges["type"] == "multiple_choice"
    assert [o["value"] for o in challenges["options"]] == CHALLENGES
    fields = by_id["fields_addressed"]
    assert [o["value"] for o in fields["options"]] == [*FIELD_SLUGS, "none"]
    assert fields["exclusive"] == ["none"]


def test_population_is_not_asked() -> None:
    texts = " ".join(item["text"].lower() for item in items(load(QUESTIONNAIRE)))
    assert "einwohner" not in texts


def test_skip_logic_hides_strategy_details_without_a_strategy() -> None:
    definition = load(QUESTIONNAIRE)
    hidden_without = {"strategy_components", "strategy_anchoring", "strategy_alignment"}
    for stage in ("planned", "none"):
        shown = dc.visible_items(definition, {"strategy_stage": stage})
        assert {i for i, v in shown.items() if not v} >= hidden_without
    shown = dc.visible_items(definition, {"strategy_stage": "in_progress"})
    assert shown["strategy_components"] and shown["strategy_alignment"]
    assert not shown["strategy_anchoring"]
    assert all(dc.visible_items(definition, {"strategy_stage": "implementing"}).values())


def test_every_item_cites_existing_lines(seeds_dir: Path) -> None:
    definition = load(QUESTIONNAIRE)
    sources = definition["sources"]
    for key, doc in sources.items():
        assert (seeds_dir / doc["file"]).is_file(), key
    problems: list[str] = []
    for item in items(definition):
        check_source(item.get("source"), sources, seeds_dir, f"item {item['id']}", problems)
    assert problems == []


def test_scoring_metadata_is_consistent() -> None:
    definition = load(QUESTIONNAIRE)
    assert dc.scoring_problems(definition) == []
    scored = {i["id"] for i in items(definition) if "dimension" in (i.get("scoring") or {})}
    unscored = {"challenges", "barriers", "support_wanted"}
    assert unscored.isdisjoint(scored)
    self_rated = [i for i in items(definition) if "self_rating_of" in (i.get("scoring") or {})]
    assert len(self_rated) == 5


def test_the_engine_accepts_the_file() -> None:
    definition = pytest.importorskip("kompass.questionnaires.definition")
    questionnaire = definition.load_definition(QUESTIONNAIRE)
    assert questionnaire.slug == "digitalcheck"
    assert len(questionnaire.items) == len(items(load(QUESTIONNAIRE)))


def questionnaire_texts() -> list[tuple[str, str]]:
    definition = load(QUESTIONNAIRE)
    texts = [("title", definition["title"]), ("description", definition["description"])]
    for section in definition["sections"]:
        texts.append((f"section {section['id']}", section.get("description", "")))
        for item in section["items"]:
            texts.append((f"item {item['id']}", item["text"] + " " + item.get("help", "")))
            for option in item.get("options", []):
                texts.append((f"item {item['id']} option {option['value']}", option["label"]))
    return texts


def test_texts_are_our_own_words(seeds_dir: Path) -> None:
    corpus = study_corpus(seeds_dir)
    texts = questionnaire_texts()
    for entry in load(RECOMMENDATIONS)["recommendations"]:
        texts.append((f"recommendation {entry['id']}", f"{entry['title']} {entry['text']}"))
    for figure in load(FIGURES)["figures"]:
        texts.append((f"figure {figure['id']}", f"{figure['label']} {figure.get('note', '')}"))
    for number, title, description in dc.LEVELS:
        texts.append((f"level {number}", f"{title} {description}"))
    copies = [(where, run) for where, text in texts if (run := copied_run(text, corpus))]
    assert copies == []


def test_own_words_check_catches_a_copy(seeds_dir: Path) -> None:
    line = seed_lines(seeds_dir, "000_f47b0d7ebee16adc.txt")[669]
    assert copied_run(line, study_corpus(seeds_dir)) is not None


# ---------------------------------------------------------------------------- recommendations


def test_recommendations_follow_their_format(seeds_dir: Path) -> None:
    data = load(RECOMMENDATIONS)
    definition = load(QUESTIONNAIRE)
    dimensions = {d["id"] for d in definition["dimensions"]}
    by_id = {item["id"]: item for item in items(definition)}
    barriers = {o["value"] for o in by_id["barriers"]["options"]} - {"none"}
    problems: list[str] = []
    ids = [entry["id"] for entry in data["recommendations"]]
    assert len(ids) == len(set(ids))
    for entry in data["recommendations"]:
        where = f"recommendation {entry['id']}"
        if set(entry) - RECOMMENDATION_KEYS or not {"id", "title", "text", "sources"} <= set(entry):
            problems.append(f"{where}: keys {sorted(entry)}")
        if not set(entry.get("dimensions", [])) <= dimensions:
            problems.append(f"{where}: unknown dimension")
        if not entry.get("dimensions") and not entry.get("barriers"):
            problems.append(f"{where}: tied to neither a dimension nor a barrier")
        if not set(entry.get("barriers", [])) <= barriers:
            problems.append(f"{where}: unknown barrier")
        when = entry.get("when")
        if when is not None:
            target = by_id.get(when.get("item"))
            listed = when.get("in", [when.get("equals")])
            if target is None or not set(listed) <= {o["value"] for o in target["options"]}:
                problems.append(f"{where}: when refers to an unknown item or option")
        if not entry["sources"]:
            problems.append(f"{where}: no source")
        for ref in entry["sources"]:
            check_source(ref, data["sources"], seeds_dir, where, problems)
    assert problems == []


@pytest.mark.parametrize("stage", STRATEGY_STAGES)
def test_every_gap_gets_a_recommendation(stage: str) -> None:
    recommendations = load(RECOMMENDATIONS)
    for dimension in (d["id"] for d in load(QUESTIONNAIRE)["dimensions"]):
        chosen = dc.recommendations_for(
            [dimension], recommendations, answers={"strategy_stage": stage}
        )
        assert chosen, (dimension, stage)
        assert all(dimension in r.dimensions for r in chosen)


def test_every_barrier_triggers_a_recommendation() -> None:
    recommendations = load(RECOMMENDATIONS)
    by_id = {item["id"]: item for item in items(load(QUESTIONNAIRE))}
    for option in by_id["barriers"]["options"]:
        if option["value"] == "none":
            continue
        chosen = dc.recommendations_for(
            [], recommendations, answers={"strategy_stage": "none", "barriers": [option["value"]]}
        )
        assert [r.reason for r in chosen][:1] == [f"barrier:{option['value']}"]


# -------------------------------------------------------------------------- reference figures


def test_reference_figures_follow_their_format(seeds_dir: Path) -> None:
    data = load(FIGURES)
    definition = load(QUESTIONNAIRE)
    by_id = {item["id"]: item for item in items(definition)}
    topics = {d["id"] for d in definition["dimensions"]} | {
        "challenges",
        "barriers",
        "support",
        "self_rating",
        "type",
    }
    problems: list[str] = []
    ids = [figure["id"] for figure in data["figures"]]
    assert len(ids) == len(set(ids))
    for figure in data["figures"]:
        where = f"figure {figure['id']}"
        keys = set(figure)
        if keys - FIGURE_KEYS or FIGURE_REQUIRED - keys:
            problems.append(f"{where}: keys {sorted(keys)}")
            continue
        if figure["unit"] not in ("percent", "mean") or not isinstance(
            figure["value"], int | float
        ):
            problems.append(f"{where}: value/unit")
        if figure["unit"] == "percent" and not 0 <= figure["value"] <= 100:
            problems.append(f"{where}: percent outside 0-100")
        if figure["body"] not in dc.BODIES or figure["year"] not in (2015, 2017, 2019):
            problems.append(f"{where}: body or year")
        if figure["topic"] not in topics or not isinstance(figure["inferred"], bool):
            problems.append(f"{where}: topic or inferred")
        group = figure["group"]
        if group["kind"] == "size":
            if group["scheme"] not in data["size_schemes"] or not (
                group["max"] is None or group["min"] < group["max"]
            ):
                problems.append(f"{where}: size group {group!r}")
        elif group["kind"] == "region":
            if not group["lands"] or not set(group["lands"]) <= dc.LANDS:
                problems.append(f"{where}: region lands {group!r}")
        elif group["kind"] == "type":
            if not ID.match(group["type"]):
                problems.append(f"{where}: type slug")
        elif group["kind"] != "all":
            problems.append(f"{where}: unknown group kind")
        if figure["inferred"] and not figure.get("note"):
            problems.append(f"{where}: inferred values need a note saying how")
        compares = figure.get("compares_to")
        if compares is not None:
            item = by_id.get(compares["item"])
            if item is None:
                problems.append(f"{where}: compares_to unknown item")
            elif item["type"] == "scale":
                low, high = item["scale"]["min"], item["scale"]["max"]
                if not all(low <= v <= high for v in compares["values"]):
                    problems.append(f"{where}: compares_to scale values")
            else:
                allowed = (
                    {"yes", "no"}
                    if item["type"] == "yes_no"
                    else {o["value"] for o in item["options"]}
                )
                if not set(compares["values"]) <= allowed:
                    problems.append(f"{where}: compares_to values {compares['values']}")
        check_source(figure["source"], data["sources"], seeds_dir, where, problems)
        if figure.get("n_lines"):
            check_source(
                {"doc": figure["source"]["doc"], "lines": figure["n_lines"]},
                data["sources"],
                seeds_dir,
                f"{where} n_lines",
                problems,
            )
    assert problems == []


def test_every_figure_value_is_printed_at_its_lines(seeds_dir: Path) -> None:
    data = load(FIGURES)
    problems: list[str] = []
    for figure in data["figures"]:
        lines = seed_lines(seeds_dir, data["sources"][figure["source"]["doc"]]["file"])
        first, last = figure["source"]["lines"]
        text = "\n".join(lines[first - 1 : last])
        value = figure["value"]
        if figure["inferred"] and figure["id"] == "s001_schools_satisfactory_or_better":
            parts = [38, 32, 5]
            if sum(parts) != value or not all(printed_in(p, text) for p in parts):
                problems.append(f"{figure['id']}: parts do not add up to {value}")
            continue
        if not printed_in(value, text):
            problems.append(f"{figure['id']}: {german_number(value)} not in lines {first}-{last}")
        if figure.get("n") is not None:
            first_n, last_n = figure["n_lines"]
            n_text = "\n".join(lines[first_n - 1 : last_n])
            if not re.search(rf"n\s*=\s*{figure['n']}\b", n_text):
                problems.append(f"{figure['id']}: n = {figure['n']} not at {figure['n_lines']}")
    assert problems == []


def test_value_check_rejects_a_wrong_number() -> None:
    assert printed_in(5.4, "Ja 5,4 % In Entwicklung")
    assert not printed_in(54, "Ja 5,4 % In Entwicklung")
    assert not printed_in(4, "Ja 5,4 % In Entwicklung")
    assert not printed_in(40, "liegt bei 400 Einwohnern")


def test_figures_cover_size_classes_regions_and_types() -> None:
    figures = load(FIGURES)["figures"]
    size_schemes = {f["group"]["scheme"] for f in figures if f["group"]["kind"] == "size"}
    assert size_schemes == {"000", "001", "001_districts"}
    bounds = sorted(
        (f["group"]["min"], f["group"]["max"] or 10**9)
        for f in figures
        if f["group"]["kind"] == "size" and f["group"]["scheme"] == "001"
    )
    classes = sorted(set(bounds))
    assert len(classes) == 7
    assert all(a[1] == b[0] for a, b in zip(classes, classes[1:], strict=False))
    assert any(f["group"]["kind"] == "region" for f in figures)
    assert {f["group"]["type"] for f in figures if f["group"]["kind"] == "type"} == {
        "small_digital_pioneers",
        "ambitious_large_municipalities",
        "digital_followers",
        "digital_laggards",
        "digital_refusers",
    }


def test_type_slugs_match_the_type_rule() -> None:
    types = pytest.importorskip("kompass.analysis.municipality_types")
    figures = load(FIGURES)["figures"]
    slugs = {f["group"]["type"] for f in figures if f["group"]["kind"] == "type"}
    assert slugs == set(types.TYPE_SLUGS)
    if TYPES.is_file():
        text = TYPES.read_text(encoding="utf-8")
        assert [slug for slug in sorted(slugs) if not re.search(rf"\b{slug}\b", text)] == []
