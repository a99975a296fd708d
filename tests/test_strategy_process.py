"""The shipped BBSR process model (docs/data/strategy_process.md): its rules, its provenance in
the guide, the validation messages of kompass.strategy.process, and GET /api/v1/strategy/process."""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.strategy import process as strategy
from kompass.strategy.process import (
    SEED_FILE,
    StrategyDataError,
    check_references,
    load_all,
    parse_process,
    parse_worksheets,
    process_json,
)

FOLDER = strategy.DATA_DIR
FILES = sorted(FOLDER.glob("*.yaml"))
#: The files taken from the guide; the demo workspace (demo_*.yaml) is invented example
#: content with no source, but its texts must still be our own words (checked over FILES).
GUIDE_FILES = [path for path in FILES if not path.name.startswith("demo_")]
MODULE = Path(strategy.__file__)
#: Keys whose values are the guide's own labels (facts) and may repeat its wording.
LABEL_KEYS = {"title", "label", "name", "url", "file", "slug", "id", "value", "group"}


def raw(name: str) -> dict[str, Any]:
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))


@cache
def seed_lines(seeds: Path) -> list[str]:
    return (seeds / SEED_FILE).read_text(encoding="utf-8").splitlines()


def printed(seeds: Path, lines: list[int] | tuple[int, int]) -> str:
    """The cited lines as running text: hyphenation at line ends joined, footnote numbers
    after words and cross references like "(s. AS 3)" removed, whitespace collapsed."""
    start, end = lines
    text = "\n".join(seed_lines(seeds)[start - 1 : end])
    text = re.sub(r"(\w)-[ \t]*\n\s*([a-zäöüß])", r"\1\2", text)
    text = re.sub(r"(?<=[A-Za-zäöüß])\d{1,2}(?=[\s-])", "", text)
    text = re.sub(r"\s*\(s\. AS \d\)", "", text)
    text = " ".join(text.split())
    return text.replace("/ ", "/")


def sources(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``{file, lines}`` mapping in a YAML tree, with where it is."""
    if isinstance(node, dict):
        if set(node) == {"file", "lines"}:
            yield path, node
            return
        for key, value in node.items():
            yield from sources(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from sources(value, f"{path}[{index}]")


def texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string we wrote ourselves (descriptions, goals, questions, help, notes)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in LABEL_KEYS:
                yield from texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{index}]")
    elif isinstance(node, str):
        yield path, node


# --------------------------------------------------------------------------- the rules


def test_nine_steps_in_two_cycles() -> None:
    process = load_all().process
    assert [step.number for step in process.steps] == list(range(1, 10))
    assert [cycle.slug for cycle in process.cycles] == ["strategy", "projects"]
    by_cycle = {c.slug: list(c.steps) for c in process.cycles}
    assert by_cycle == {"strategy": [1, 2, 3, 4], "projects": [5, 6, 7, 8, 9]}
    assert all(step.cycle in by_cycle for step in process.steps)
    assert process.step(1).title == "Die Bestandsanalyse"
    assert process.step(9).title == "Evaluation durchführen"


def test_steps_three_four_and_six_seven_are_combinable_both_ways() -> None:
    process = load_all().process
    combinable = {step.number: set(step.combinable_with) for step in process.steps}
    assert combinable == {
        1: set(),
        2: set(),
        3: {4},
        4: {3},
        5: set(),
        6: {7},
        7: {6},
        8: set(),
        9: set(),
    }
    assert sorted(process.combinations) == [(3, 4), (6, 7)]


def test_only_step_five_repeats_and_evaluation_leads_back_to_the_strategy() -> None:
    process = load_all().process
    assert [step.number for step in process.steps if step.repeatable] == [5]
    kinds = {(loop.kind, loop.from_step, loop.to_step) for loop in process.loops}
    assert ("repeat", 5, 5) in kinds
    assert ("revise_strategy", 9, None) in kinds
    special = process.special_module
    assert (special.code, special.follows_steps, special.revised_after) == ("SB", (4, 5), (9,))
    assert special.title == "Smart-City-Strategie verfassen und überarbeiten"


def test_entry_variants_and_strategy_paper() -> None:
    process = load_all().process
    assert [v.slug for v in process.entry_variants] == ["strategy_first", "pilot_first", "mixed"]
    paper = process.strategy_paper
    assert len(paper.key_components) == 7
    assert paper.key_components[-1].title == "Monitoring und Evaluation"
    assert [c.step for c in paper.typical_chapters] == [None, 3, 4, 7]


def test_every_step_has_goals_questions_results_and_worksheets() -> None:
    for step in load_all().process.steps:
        assert step.goals, step.number
        assert step.guiding_questions, step.number
        assert step.results, step.number
        assert step.methods, step.number
        assert step.worksheets, step.number


def test_ten_worksheets_each_with_fields_and_steps_named_both_ways() -> None:
    data = load_all()
    assert [w.number for w in data.worksheets] == list(range(1, 11))
    for worksheet in data.worksheets:
        assert worksheet.fields, worksheet.slug
        assert worksheet.steps, worksheet.slug
        for number in worksheet.steps:
            assert worksheet.slug in data.process.step(number).worksheets
    for step in data.process.steps:
        for slug in step.worksheets:
            assert step.number in data.worksheet(slug).steps
    # The guide supports each of the nine steps with at least one worksheet (lines 3151-3152).
    assert {n for w in data.worksheets for n in w.steps} == set(range(1, 10))


def test_worksheet_templates_hold_what_the_guide_prints() -> None:
    data = load_all()
    questionnaire = data.worksheet("digitalisation_questionnaire")
    assert [s.title for s in questionnaire.sections][0] == "Allgemeines"
    assert len(questionnaire.sections) == 6
    assert {f.section for f in questionnaire.fields} == {s.id for s in questionnaire.sections}
    rings = data.worksheet("actor_mapping").field("actors").columns[2]
    assert [o.value for o in rings.options] == ["key", "extended", "peripheral"]
    sketch = data.worksheet("project_sketch")
    assert {"objective", "target_groups", "project_lead", "total_cost", "status"} <= {
        f.id for f in sketch.fields
    }
    matrix = data.worksheet("project_matrix").field("projects")
    light = next(c for c in matrix.columns if c.id == "traffic_light")
    assert [o.value for o in light.options] == ["red", "yellow", "green"]
    analysis = data.worksheet("impact_measurement").field("analysis")
    assert [row.id for row in analysis.rows] == ["input", "output", "outcome", "impact"]
    risks = data.worksheet("risk_matrix").field("risks")
    assert {"probability", "damage", "scope", "duration", "influence_level", "mitigation"} <= {
        c.id for c in risks.columns
    }
    assert {"emergency_plan", "abort_criteria", "owner"} <= {c.id for c in risks.columns}
    tools = data.worksheet("project_management_tools")
    assert len(tools.tools) == 13
    assert all(tool.category is None for tool in tools.tools)  # lost in the dump


def test_catalogue_fields_carry_the_catalogue_options() -> None:
    data = load_all()
    category = data.worksheet("risk_matrix").field("risks").columns[0]
    assert [o.value for o in category.options] == [c.slug for c in data.risk_categories]
    assert [c.slug for c in data.risk_categories] == [
        "administrative",
        "technical",
        "socio_political",
        "external",
        "data_protection_security",
    ]
    criteria = data.selection_criteria
    assert [g.title for g in criteria.groups] == [
        "Inhaltliche Kriterien und Wirkungspotenziale",
        "Ressourcen und Kompetenzen",
        "Relevanz für Zielgruppen",
        "Zeitliche Perspektive",
    ]
    criterion = data.worksheet("project_matrix").field("criteria").columns[0]
    assert len(criterion.options) == len(criteria.criteria) == 10
    atlas = data.worksheet("goal_mapping").field("fields_of_action").columns[2]
    assert tuple(o.value for o in atlas.options) == FIELD_SLUGS
    role = data.worksheet("project_sketch").field("municipal_role")
    assert len(role.options) == 5


def test_fields_of_action_come_from_the_impact_matrix_vocabulary() -> None:
    shipped = yaml.safe_load(strategy.FIELDS_FILE.read_text(encoding="utf-8"))
    matrix = next(v for v in shipped["vocabularies"] if v["slug"] == "bbsr_impact_matrix")
    assert len(matrix["terms"]) == 11
    data = load_all()
    assert data.process.step(4).vocabulary == "bbsr_impact_matrix"
    field = data.worksheet("goal_mapping").field("fields_of_action").columns[0]
    assert field.vocabulary == "bbsr_impact_matrix"


def test_reference_date_matches_the_practice_examples_of_the_same_guide() -> None:
    examples = FOLDER.parent / "practice_examples" / "004_7b05438c2c859b61.yaml"
    expected = yaml.safe_load(examples.read_text(encoding="utf-8"))["reference_date"]
    assert load_all().process.document.reference_date.isoformat() == expected


def test_process_module_imports_no_django() -> None:
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "django"]


# --------------------------------------------------------------------------- validation


def test_one_sided_combination_is_refused_in_german() -> None:
    data = raw("process.yaml")
    step4 = next(s for s in data["steps"] if s["number"] == 4)
    step4["combinable_with"] = []
    with pytest.raises(StrategyDataError) as error:
        parse_process(data)
    message = str(error.value)
    assert "Arbeitsschritt 3: Feld 'combinable_with': Schritt 4 führt Schritt 3 nicht" in message
    assert len(message.splitlines()) == 1


def test_duplicate_step_number_is_refused() -> None:
    data = raw("process.yaml")
    data["steps"][8]["number"] = 8
    with pytest.raises(StrategyDataError, match="Nummern müssen 1 bis 9 je genau einmal"):
        parse_process(data)


def test_repeatable_step_needs_its_loop() -> None:
    data = raw("process.yaml")
    data["loops"] = [loop for loop in data["loops"] if loop["kind"] != "repeat"]
    with pytest.raises(StrategyDataError, match="Arbeitsschritt 5.*wiederholbar"):
        parse_process(data)


def test_unknown_worksheet_of_a_step_is_named() -> None:
    data = raw("process.yaml")
    data["steps"][1]["worksheets"].append("fahrplan")
    process = parse_process(data)
    worksheets = parse_worksheets(raw("worksheets.yaml"))
    problems = check_references(process, worksheets, {"bbsr_impact_matrix"})
    assert problems == [
        "process.yaml, Arbeitsschritt 2, Feld 'worksheets': Arbeitshilfe 'fahrplan' ist unbekannt."
    ]


def test_worksheet_missing_a_step_that_uses_it_is_named() -> None:
    data = raw("worksheets.yaml")
    data["worksheets"][0]["steps"] = [1]  # actor mapping is also used in step 3
    problems = check_references(
        parse_process(raw("process.yaml")), parse_worksheets(data), {"bbsr_impact_matrix"}
    )
    assert problems == [
        "worksheets.yaml, Arbeitshilfe 1 (actor_mapping), Feld 'steps': Arbeitsschritt 3 "
        "nutzt sie, fehlt aber hier."
    ]


def test_unknown_vocabulary_is_named() -> None:
    problems = check_references(
        parse_process(raw("process.yaml")), parse_worksheets(raw("worksheets.yaml")), set()
    )
    assert any("Arbeitsschritt 4, Feld 'vocabulary'" in p for p in problems)
    assert any("Arbeitshilfe 4 (goal_mapping), Feld 'field'" in p for p in problems)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda w: w.update(fields=[]), "Arbeitshilfe 1 (actor_mapping): Feld 'fields' ist leer"),
        (lambda w: w.update(steps=[]), "Arbeitshilfe 1 (actor_mapping): Feld 'steps' ist leer"),
        (lambda w: w["fields"][0].update(options=[]), "Feld 'level': Auswahlfeld ohne 'options'"),
        (lambda w: w["fields"][0].update(type="radio"), "Feld 'level': Typ 'radio' ist unbekannt"),
        (
            lambda w: w["fields"][0]["source"].update(lines=[3220, 3212]),
            "Feld 'level': Zeilenangabe [3220, 3212]",
        ),
        (lambda w: w["fields"][2].update(origin=None), "Feld 'actor_groups': Feld 'origin' fehlt"),
    ],
)
def test_broken_worksheet_is_refused_with_item_field_and_problem(
    change: Any, expected: str
) -> None:
    data = raw("worksheets.yaml")
    change(data["worksheets"][0])
    with pytest.raises(StrategyDataError) as error:
        parse_worksheets(data)
    assert expected in str(error.value)


def test_platform_field_may_lack_a_source_but_a_guide_field_may_not() -> None:
    data = raw("worksheets.yaml")
    tools = copy.deepcopy(data["worksheets"][8]["fields"][0])
    assert tools["origin"] == "platform"
    tools.pop("source")
    data["worksheets"][8]["fields"][0] = tools
    parse_worksheets(data)  # accepted
    data["worksheets"][0]["fields"][0].pop("source")
    with pytest.raises(StrategyDataError, match="Feld 'level': Quelle \\(source\\) fehlt"):
        parse_worksheets(data)


# --------------------------------------------------------------------------- provenance


@pytest.mark.parametrize("path", GUIDE_FILES, ids=lambda p: p.name)
def test_every_source_is_a_range_inside_the_guide(path: Path, seeds_dir: Path) -> None:
    total = len(seed_lines(seeds_dir))
    found = list(sources(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert found
    bad = [
        (where, src)
        for where, src in found
        if src["file"] != SEED_FILE or not (1 <= src["lines"][0] <= src["lines"][1] <= total)
    ]
    assert bad == []


def test_cited_ranges_contain_the_printed_titles(seeds_dir: Path) -> None:
    data = load_all()
    process = data.process
    missing = []

    def check(what: str, title: str, lines: tuple[int, int]) -> None:
        if title not in printed(seeds_dir, lines):
            missing.append(f"{what}: '{title}' not in lines {lines}")

    for step in process.steps:
        if step.title_printed:
            check(f"step {step.number}", step.title, step.source.lines)
        for method in step.methods:
            check(f"step {step.number} method", method.label, method.source.lines)
        for element in (*step.models, *step.substeps):
            check(f"step {step.number}", element.title, element.source.lines)
    for basis in raw("process.yaml")["steps"][4]["title_basis"]:
        check("step 5 title basis", basis["text"], tuple(basis["source"]["lines"]))
    check("special module", process.special_module.title, process.special_module.source.lines)
    for element in (*process.strategy_paper.key_components, *process.municipal_roles):
        check("strategy paper/roles", element.title, element.source.lines)
    for cycle in process.cycles:
        check("cycle", cycle.title, cycle.source.lines)
    for worksheet in data.worksheets:
        check(f"worksheet {worksheet.number}", worksheet.title, worksheet.source.lines)
        for section in worksheet.sections:
            if section.title_printed:
                check(f"worksheet {worksheet.number}", section.title, section.source.lines)
        for field in worksheet.fields:
            for item in (field, *field.columns):
                if item.label_printed and item.source is not None:
                    check(f"worksheet {worksheet.number} {item.id}", item.label, item.source.lines)
        for tool in worksheet.tools:
            check("tool", tool.name, tool.source.lines)
    for category in data.risk_categories:
        check("risk category", category.title, category.source.lines)
    for group in data.selection_criteria.groups:
        check("criteria group", group.title, group.source.lines)
        for criterion in group.criteria:
            check("criterion", criterion.label, criterion.source.lines)
    assert missing == []


def test_cited_lines_state_the_process_rules(seeds_dir: Path) -> None:
    process = load_all().process
    combos = raw("process.yaml")["combinations"]
    for combo, expected in zip(combos, ["(AS 3 und 4)", "(AS 6 und 7)"], strict=True):
        assert expected in printed(seeds_dir, combo["source"]["lines"])
    repeat = raw("process.yaml")["steps"][4]["repeatable_source"]["lines"]
    assert "wiederholen, wie etwa der in Schritt 5" in printed(seeds_dir, repeat)
    revise = next(loop for loop in process.loops if loop.kind == "revise_strategy")
    assert "Evaluation (AS 9) kontinuierlich angepasst" in printed(seeds_dir, revise.source.lines)
    special = printed(seeds_dir, process.special_module.source.lines)
    assert "(AS 4)" in special and "(AS 5)" in special and "(AS 9)" in special
    assert "Sonderbaustein (SB)" in printed(seeds_dir, (1538, 1539))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_descriptions_are_our_own_words(path: Path, seeds_dir: Path) -> None:
    corpus = (
        " "
        + " ".join(re.sub(r"[^\wäöüß]+", " ", line.lower()) for line in seed_lines(seeds_dir))
        + " "
    )
    copies = []
    for where, text in texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
        words = re.sub(r"[^\wäöüß]+", " ", text.lower()).split()
        for i in range(len(words) - 7):
            run = " ".join(words[i : i + 8])
            if f" {run} " in corpus:
                copies.append(f"{where}: '{run}'")
                break
    assert copies == []


# --------------------------------------------------------------------------- API


@pytest.mark.django_db
def test_process_endpoint_returns_the_process_document(client: Client) -> None:
    """Public (no login) under /api/v1/strategy/process."""
    response = client.get("/api/v1/strategy/process")
    assert response.status_code == 200
    body = response.json()
    assert body == process_json()
    assert [s["number"] for s in body["steps"]] == list(range(1, 10))
    step3 = body["steps"][2]
    assert (step3["title"], step3["cycle"], step3["combinable_with"]) == (
        "Visionen und Ziele der Smart City definieren",
        "strategy",
        [4],
    )
    assert step3["worksheets"] == [4, 1]
    assert {"label": "Zielmapping", "worksheet": 4} in step3["methods"]
    assert body["steps"][4]["repeatable"] is True
    assert body["worksheets"][6] == {
        "number": 7,
        "slug": "risk_matrix",
        "title": "Risikomatrix",
        "steps": [6],
    }
    assert len(body["steps"]) == 9 and len(body["worksheets"]) == 10
    assert body["special_module"]["code"] == "SB"
    assert body["steps"][5]["combinable_with"] == [7]
