"""Questionnaire engine: definition files (contract checks with German messages), answers
(every item type and error kind, skip logic, drafts and final submissions), content hash and
the stored versions (sync, refusal of changed files, new versions, old versions still read)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal

from kompass.questionnaires import services
from kompass.questionnaires.checks import check_questionnaire_files
from kompass.questionnaires.definition import (
    NO_ANSWER,
    REQUIRED_MESSAGE,
    AnswerError,
    DefinitionError,
    Questionnaire,
    load_definition,
    validate_answers,
)
from kompass.questionnaires.models import QuestionnaireVersion
from kompass.questionnaires.services import (
    QuestionnaireSyncError,
    current_version,
    get_definition,
    get_version,
    sync_questionnaires,
)

FIXTURES = Path(__file__).resolve().parent / "data" / "questionnaires"
SAMPLE = FIXTURES / "sample-v1.yaml"
SAMPLE_V2 = FIXTURES / "sample-v2.yaml"


@pytest.fixture(scope="module")
def sample() -> Questionnaire:
    return load_definition(SAMPLE)


def sample_dict() -> dict[str, Any]:
    return copy.deepcopy(load_definition(SAMPLE).to_dict())


def item_of(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    for section in data["sections"]:
        for item in section["items"]:
            if item["id"] == item_id:
                return item  # type: ignore[no-any-return]
    raise KeyError(item_id)


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_definition(data, origin="probe-v1.yaml")
    return caught.value.errors


# --- Definition files -------------------------------------------------------------------------
def test_fixture_loads_with_every_item_type_and_skip_logic(sample: Questionnaire) -> None:
    assert sample.slug == "sample" and sample.version == 1
    assert {item.type for item in sample.items} == {
        "single_choice",
        "multiple_choice",
        "scale",
        "number",
        "yes_no",
        "text",
    }
    assert [item.id for item in sample.items][:3] == [
        "strategy_stage",
        "strategy_published",
        "strategy_link",
    ]
    assert sample.item("budget").number is not None
    assert sample.item("budget").number.unit == "Euro"
    assert sample.item("maturity").scale is not None
    assert sample.item("maturity").scale.label(5) == "sehr stark"
    assert sample.item("remarks").max_length == 200
    assert sample.item("strategy_link").max_length == 2000
    assert sample.item("budget").section == "resources"
    ops = {item.show_if.op for item in sample.items if item.show_if}
    assert ops == {"in", "equals", "any", "all"}
    with pytest.raises(KeyError, match="Unbekannte Frage „nope“"):
        sample.item("nope")


def test_yes_and_no_in_yaml_stay_text() -> None:
    """YAML 1.1 reads bare yes/no as booleans; the loader keeps them as the yes/no answers."""
    questionnaire = load_definition(SAMPLE.read_text(encoding="utf-8"))
    condition = questionnaire.item("strategy_link").show_if
    assert condition is not None and condition.values == ("yes",)


Mutation = Callable[[dict[str, Any]], None]


def _set(item_id: str, key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        item_of(data, item_id)[key] = value

    return mutate


def _drop(item_id: str, key: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del item_of(data, item_id)[key]

    return mutate


def _duplicate_item(data: dict[str, Any]) -> None:
    data["sections"][1]["items"].append(copy.deepcopy(item_of(data, "strategy_stage")))


def _duplicate_section(data: dict[str, Any]) -> None:
    data["sections"][1]["id"] = "basics"


def _top(key: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[key] = value

    return mutate


INVALID_DEFINITIONS = [
    (
        _set("maturity", "type", "slider"),
        "Frage „maturity“, Feld „type“: unbekannter Typ „slider“. Erlaubt: single_choice, "
        "multiple_choice, scale, number, yes_no, text.",
    ),
    (
        _duplicate_item,
        "Frage „strategy_stage“, Feld „id“: die Kennung kommt mehrfach vor (zuerst in "
        "Abschnitt „basics“).",
    ),
    (_duplicate_section, "Abschnitt „basics“, Feld „id“: die Kennung kommt mehrfach vor."),
    (
        _set("strategy_published", "show_if", {"item": "remarks", "equals": "x"}),
        "Frage „strategy_published“, Feld „show_if“: verweist auf die spätere Frage „remarks“",
    ),
    (
        _set("strategy_published", "show_if", {"item": "strategy_plan", "equals": "x"}),
        "Frage „strategy_published“, Feld „show_if“: verweist auf die unbekannte Frage "
        "„strategy_plan“.",
    ),
    (
        _set("strategy_published", "show_if", {"item": "strategy_published", "equals": "yes"}),
        "Frage „strategy_published“, Feld „show_if“: verweist auf die Frage selbst.",
    ),
    (
        _set("strategy_published", "show_if", {"item": "strategy_stage", "in": ["maybe"]}),
        "Frage „strategy_published“, Feld „show_if“: unbekannte Option „maybe“ von Frage "
        "„strategy_stage“. Erlaubt: implementing, in_progress, planned, none.",
    ),
    (
        _set("strategy_link", "show_if", {"item": "strategy_published", "equals": True}),
        "Frage „strategy_link“, Feld „show_if“: unbekannte Option „True“ von Frage "
        "„strategy_published“. Erlaubt: yes, no, dont_know.",
    ),
    (
        _set("budget", "show_if", {"item": "maturity", "equals": 9}),
        "Frage „budget“, Feld „show_if“: „9“ liegt nicht auf der Skala von Frage „maturity“",
    ),
    (
        _set("budget", "show_if", {"item": "strategy_stage", "gte": 2}),
        "Frage „budget“, Feld „show_if“: gte geht nur bei Skalen- und Zahlenfragen",
    ),
    (
        _set("budget", "show_if", {"item": "strategy_link", "equals": "x"}),
        "Frage „budget“, Feld „show_if“: Frage „strategy_link“ ist eine Freitextfrage",
    ),
    (
        _set("budget", "show_if", {"item": "maturity", "gte": 2, "lte": 4}),
        "Frage „budget“, Feld „show_if“: braucht genau eine der Angaben in, equals, gte, lte",
    ),
    (
        _set("budget", "show_if", {"all": []}),
        "Frage „budget“, Feld „show_if“: all braucht eine nicht leere Liste von Bedingungen.",
    ),
    (
        _set("maturity", "scale", {"min": 5, "max": 5}),
        "Frage „maturity“, Feld „scale“: min (5) muss kleiner als max (5) sein.",
    ),
    (
        _set("maturity", "scale", {"min": 1, "max": 5, "labels": {"7": "zu viel"}}),
        "Frage „maturity“, Feld „scale.labels“: der Punkt „7“ liegt nicht auf der Skala von 1 "
        "bis 5.",
    ),
    (
        _set("budget", "number", {"min": 10, "max": 1}),
        "Frage „budget“, Feld „number“: min (10) muss kleiner als max (1) sein.",
    ),
    (
        _set("budget", "number", {"min": 0.5, "integer": True}),
        "Frage „budget“, Feld „number.min“: muss bei integer: true eine ganze Zahl sein.",
    ),
    (
        _drop("remarks", "source"),
        "Frage „remarks“, Feld „source“: fehlt: jede Frage braucht eine Quelle",
    ),
    (
        _set("remarks", "source", {"doc": "009", "lines": [1, 2]}),
        "Frage „remarks“, Feld „source.doc“: unbekannte Quelle „009“. Bekannt: 000, 001.",
    ),
    (
        _set("remarks", "source", {"doc": "001", "lines": [9, 2]}),
        "Frage „remarks“, Feld „source.lines“: muss [von, bis]",
    ),
    (
        _set("staff", "options", [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]),
        "Frage „staff“, Feld „options“: ist bei Typ number nicht erlaubt (nur bei "
        "single_choice, multiple_choice).",
    ),
    (
        _set("strategy_stage", "max_choices", 2),
        "Frage „strategy_stage“, Feld „max_choices“: ist bei Typ single_choice nicht erlaubt",
    ),
    (
        _set("remarks", "scale", {"min": 1, "max": 3}),
        "Frage „remarks“, Feld „scale“: ist bei Typ text nicht erlaubt (nur bei scale).",
    ),
    (
        _drop("strategy_stage", "options"),
        "Frage „strategy_stage“, Feld „options“: fehlt; Typ single_choice braucht es.",
    ),
    (_drop("maturity", "scale"), "Frage „maturity“, Feld „scale“: fehlt; Typ scale braucht es."),
    (
        _set(
            "strategy_stage",
            "options",
            [{"value": "a", "label": "A"}, {"value": "a", "label": "Noch mal A"}],
        ),
        "Frage „strategy_stage“, Feld „options“: die Option „a“ kommt mehrfach vor.",
    ),
    (
        _set(
            "strategy_stage",
            "options",
            [{"value": "a", "label": "A"}, {"value": NO_ANSWER, "label": "Nichts"}],
        ),
        "Frage „strategy_stage“, Feld „options“: die Option „keine_angabe“ gibt es immer",
    ),
    (
        _set(
            "strategy_stage", "options", [{"value": 1, "label": "A"}, {"value": "b", "label": "B"}]
        ),
        "Frage „strategy_stage“, Feld „options“: Option Nr. 1: value muss Text",
    ),
    (
        _set("challenges", "exclusive", ["nothing"]),
        "Frage „challenges“, Feld „exclusive“: unbekannte Option „nothing“.",
    ),
    (
        _set("challenges", "max_choices", 9),
        "Frage „challenges“, Feld „max_choices“: ist 9, es gibt aber nur 5 Optionen.",
    ),
    (
        _set("remarks", "max_length", 0),
        "Frage „remarks“, Feld „max_length“: muss mindestens 1 sein, ist 0.",
    ),
    (_set("remarks", "required", "ja"), "Frage „remarks“, Feld „required“: muss true oder false"),
    (_set("remarks", "hlep", "Tippfehler"), "Frage „remarks“, Feld „hlep“: ist unbekannt."),
    (_set("remarks", "text", "  "), "Frage „remarks“, Feld „text“: muss ein nicht leerer Text"),
    (
        _set("maturity", "scoring", {"dimension": "budget"}),
        "Frage „maturity“, Feld „scoring.dimension“: unbekannte Dimension „budget“.",
    ),
    (_top("slug", "Digital Check"), "Feld „slug“: muss aus Kleinbuchstaben"),
    (_top("version", 0), "Feld „version“: muss mindestens 1 sein, ist 0."),
    (_top("version", "1"), "Feld „version“: muss eine ganze Zahl sein"),
    (_top("sections", []), "Feld „sections“: fehlt oder ist leer."),
    (_top("sources", {}), "Feld „sources“: fehlt oder ist leer"),
    (_top("autor", "x"), "Feld „autor“: ist unbekannt."),
]


@pytest.mark.parametrize(("mutate", "expected"), INVALID_DEFINITIONS)
def test_invalid_definition_names_item_and_field(mutate: Mutation, expected: str) -> None:
    data = sample_dict()
    mutate(data)
    errors = errors_of(data)
    assert any(expected in error for error in errors), errors


def test_every_error_of_a_file_is_reported_at_once_with_the_file_name() -> None:
    data = sample_dict()
    item_of(data, "maturity")["type"] = "slider"
    del item_of(data, "remarks")["source"]
    item_of(data, "budget")["number"] = {"min": 3, "max": 1}
    with pytest.raises(DefinitionError) as caught:
        load_definition(data, origin="probe-v1.yaml")
    assert len(caught.value.errors) == 3
    message = str(caught.value)
    assert message.startswith("probe-v1.yaml: 3 Fehler in der Fragebogendatei:")
    assert "„maturity“" in message and "„remarks“" in message and "„budget“" in message


def test_yaml_syntax_errors_and_duplicate_keys_give_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken-v1.yaml"
    broken.write_text("slug: broken\nversion: [1\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"broken-v1.yaml: Kein gültiges YAML: .*Zeile 3"):
        load_definition(broken)
    twice = SAMPLE.read_text(encoding="utf-8").replace("version: 1\n", "version: 1\nversion: 2\n")
    with pytest.raises(
        DefinitionError, match=r"Der Schlüssel „version“ kommt zweimal vor.*Zeile 5"
    ):
        load_definition(twice)
    with pytest.raises(DefinitionError, match="Die Datei gibt es nicht"):
        load_definition(tmp_path / "missing-v1.yaml")


def test_unquoted_source_key_asks_for_quotes() -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace('  "001": {', "  1: {")
    with pytest.raises(DefinitionError) as caught:
        load_definition(text)
    assert any("Quelle 1: der Schlüssel muss Text sein" in e for e in caught.value.errors)


def test_a_condition_on_a_multiple_choice_item_holds_for_any_chosen_option() -> None:
    data = sample_dict()
    item_of(data, "remarks")["show_if"] = {"item": "challenges", "in": ["finances", "ageing"]}
    questionnaire = load_definition(data)
    asked = {item.id for item in questionnaire.visible_items({"challenges": ["ageing"]})}
    assert "remarks" in asked
    asked = {item.id for item in questionnaire.visible_items({"challenges": ["citizen_services"]})}
    assert "remarks" not in asked


# --- Content hash -----------------------------------------------------------------------------
def test_hash_ignores_formatting_comments_order_and_spelled_out_defaults(
    sample: Questionnaire,
) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    reformatted = "# another comment\n" + text.replace(
        "        required: true\n", "        required: true   # Pflicht\n"
    ).replace(
        "      - id: remarks\n        type: text\n",
        "      - type: text\n        id: remarks\n        required: false\n",
    ).replace(
        "      - id: strategy_link\n        type: text\n",
        "      - id: strategy_link\n        type: text\n        max_length: 2000\n",
    )
    assert reformatted != text
    again = load_definition(reformatted)
    assert again == sample
    assert again.content_hash == sample.content_hash
    assert len(sample.content_hash) == 64
    assert load_definition(str(SAMPLE)).content_hash == sample.content_hash


@pytest.mark.parametrize(
    ("item_id", "key", "value"),
    [
        ("maturity", "text", "Wie fest ist die Digitalisierung verankert?"),
        ("strategy_stage", "scoring", {"dimension": "strategy", "points": {"implementing": 90}}),
        ("budget", "number", {"min": 0, "max": 2000000, "integer": True, "unit": "Euro"}),
        ("strategy_published", "show_if", {"item": "strategy_stage", "equals": "implementing"}),
        ("remarks", "source", {"doc": "001", "lines": [50, 52]}),
    ],
)
def test_any_change_of_content_changes_the_hash(
    sample: Questionnaire, item_id: str, key: str, value: Any
) -> None:
    data = sample_dict()
    item_of(data, item_id)[key] = value
    assert load_definition(data).content_hash != sample.content_hash


def test_hash_is_the_same_in_a_fresh_interpreter(sample: Questionnaire) -> None:
    code = (
        "from kompass.questionnaires.definition import load_definition;"
        f"print(load_definition({str(SAMPLE)!r}).content_hash)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert output == sample.content_hash


def test_canonical_form_round_trips(sample: Questionnaire) -> None:
    data = sample.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert load_definition(data) == sample
    assert "required" not in item_of(data, "budget")  # defaults are left out
    assert item_of(data, "maturity")["scale"]["labels"] == {"1": "gar nicht", "5": "sehr stark"}


def test_definition_module_does_not_import_django() -> None:
    code = (
        "import sys; import kompass.questionnaires.definition;"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert output == "False"


# --- API serialisation ------------------------------------------------------------------------
def test_to_json_lists_items_with_types_options_bounds_and_skip_logic(
    sample: Questionnaire,
) -> None:
    data = json.loads(json.dumps(sample.to_json(), ensure_ascii=False))
    assert data["slug"] == "sample" and data["version"] == 1
    assert data["content_hash"] == sample.content_hash
    assert data["no_answer"] == NO_ANSWER
    assert data["sections"][0]["items"] == [
        "strategy_stage",
        "strategy_published",
        "strategy_link",
        "challenges",
    ]
    items = {item["id"]: item for item in data["items"]}
    assert [o["value"] for o in items["strategy_stage"]["options"]] == [
        "implementing",
        "in_progress",
        "planned",
        "none",
    ]
    assert [o["label"] for o in items["strategy_published"]["options"]] == [
        "Ja",
        "Nein",
        "Weiß nicht",
    ]
    assert items["strategy_published"]["show_if"] == {
        "item": "strategy_stage",
        "in": ["implementing", "in_progress"],
    }
    assert items["budget"]["number"] == {"min": 0, "max": 1000000, "integer": True, "unit": "Euro"}
    assert items["budget"]["show_if"]["any"][1] == {"item": "maturity", "gte": 4}
    assert items["budget"]["section"] == "resources"
    assert items["maturity"]["scale"] == {
        "min": 1,
        "max": 5,
        "labels": {"1": "gar nicht", "5": "sehr stark"},
    }
    assert items["challenges"]["exclusive"] == ["none"]
    assert items["challenges"]["max_choices"] == 3
    assert items["remarks"]["max_length"] == 200
    assert items["strategy_stage"]["required"] is True
    assert items["strategy_stage"]["source"] == {"doc": "000", "lines": [779, 800]}
    assert set(items["budget"]) == set(items["strategy_stage"])  # same keys for every item
    assert "scoring" not in items["strategy_stage"]


# --- Answers ----------------------------------------------------------------------------------
def test_valid_answers_are_cleaned(sample: Questionnaire) -> None:
    cleaned, errors = validate_answers(
        sample,
        {
            "strategy_stage": "implementing",
            "strategy_published": "yes",
            "strategy_link": "  <b>Ratsinfo</b> unter www.example.org<script>alert(1)</script> ",
            "challenges": ["finances", "administrative_processes"],
            "maturity": "3",
            "strategy_staff": "dont_know",
            "budget": 250000.0,
            "staff": "2,5",
            "staff_plan": "no",
            "remarks": "Danke &amp; tschüss",
        },
        final=True,
    )
    assert errors == []
    assert cleaned == {
        "strategy_stage": "implementing",
        "strategy_published": "yes",
        "strategy_link": "Ratsinfo unter www.example.org",
        "challenges": ["administrative_processes", "finances"],
        "maturity": 3,
        "strategy_staff": "dont_know",
        "budget": 250000,
        "staff": 2.5,
        "staff_plan": "no",
        "remarks": "Danke & tschüss",
    }
    assert isinstance(cleaned["budget"], int) and isinstance(cleaned["maturity"], int)
    assert list(cleaned) == [item.id for item in sample.items]  # item order


def test_no_answer_is_valid_for_every_item_type(sample: Questionnaire) -> None:
    answers = {item.id: NO_ANSWER for item in sample.items if item.show_if is None}
    assert {sample.item(i).type for i in answers} == {
        "single_choice",
        "multiple_choice",
        "scale",
        "number",
        "text",
    }
    answers["strategy_stage"] = "implementing"
    answers["strategy_published"] = NO_ANSWER  # yes_no
    cleaned, errors = validate_answers(sample, answers, final=True)
    assert errors == []
    assert cleaned["strategy_published"] == NO_ANSWER
    assert cleaned["challenges"] == NO_ANSWER
    only, errors = validate_answers(sample, {"challenges": [NO_ANSWER]}, final=False)
    assert errors == [] and only == {"challenges": NO_ANSWER}


INVALID_ANSWERS = [
    ({"xyz": 1}, AnswerError("xyz", "Unbekannte Frage „xyz“.")),
    (
        {"strategy_stage": "foo"},
        AnswerError(
            "strategy_stage",
            "Unbekannte Option „foo“. Erlaubt: implementing, in_progress, planned, none.",
        ),
    ),
    (
        {"strategy_stage": ["planned"]},
        AnswerError("strategy_stage", "Erwartet wird eine Option als Text, erhalten: eine Liste."),
    ),
    (
        {"strategy_stage": "implementing", "strategy_published": "vielleicht"},
        AnswerError(
            "strategy_published", "Unbekannte Antwort „vielleicht“. Erlaubt: yes, no, dont_know."
        ),
    ),
    (
        {"strategy_stage": "implementing", "strategy_published": True},
        AnswerError(
            "strategy_published",
            "Erwartet wird eine Option als Text, erhalten: ein Wahrheitswert (true).",
        ),
    ),
    (
        {"challenges": "finances"},
        AnswerError(
            "challenges",
            "Erwartet wird eine Liste von Optionen, erhalten: ein Text („finances“).",
        ),
    ),
    (
        {"challenges": ["finances", 3]},
        AnswerError("challenges", "Erwartet werden Optionen als Text, erhalten: eine Zahl (3)."),
    ),
    (
        {"challenges": ["finances", "weather"]},
        AnswerError(
            "challenges",
            "Unbekannte Option „weather“. Erlaubt: administrative_processes, citizen_services, "
            "finances, ageing, none.",
        ),
    ),
    (
        {"challenges": ["none", "finances"]},
        AnswerError("challenges", "Die Option „none“ lässt sich nicht mit anderen kombinieren."),
    ),
    (
        {"challenges": [NO_ANSWER, "finances"]},
        AnswerError(
            "challenges", "„keine Angabe“ lässt sich nicht mit anderen Optionen kombinieren."
        ),
    ),
    (
        {"challenges": ["finances", "finances"]},
        AnswerError("challenges", "Die Option „finances“ ist mehrfach gewählt."),
    ),
    (
        {"challenges": ["finances", "ageing", "citizen_services", "administrative_processes"]},
        AnswerError("challenges", "Höchstens 3 Optionen sind erlaubt, gewählt sind 4."),
    ),
    ({"maturity": 6}, AnswerError("maturity", "Der Wert 6 liegt über dem Höchstwert 5.")),
    ({"maturity": 0}, AnswerError("maturity", "Der Wert 0 liegt unter dem Mindestwert 1.")),
    ({"maturity": 2.5}, AnswerError("maturity", "Der Wert 2,5 ist keine ganze Zahl.")),
    (
        {"maturity": "viel"},
        AnswerError("maturity", "Erwartet wird eine Zahl, erhalten: der Text „viel“."),
    ),
    (
        {"maturity": 5, "budget": 5000000},
        AnswerError("budget", "Der Wert 5000000 liegt über dem Höchstwert 1000000."),
    ),
    (
        {"maturity": 5, "budget": -1},
        AnswerError("budget", "Der Wert -1 liegt unter dem Mindestwert 0."),
    ),
    (
        {"maturity": 5, "budget": 10.5},
        AnswerError("budget", "Der Wert 10,5 ist keine ganze Zahl."),
    ),
    (
        {"staff": False},
        AnswerError("staff", "Erwartet wird eine Zahl, erhalten: ein Wahrheitswert (false)."),
    ),
    ({"staff": float("nan")}, AnswerError("staff", "Der Wert ist keine endliche Zahl.")),
    (
        {"remarks": {"text": "x"}},
        AnswerError("remarks", "Erwartet wird ein Text, erhalten: ein Objekt."),
    ),
    (
        {"remarks": "x" * 201},
        AnswerError("remarks", "Der Text ist 201 Zeichen lang; erlaubt sind höchstens 200."),
    ),
    (
        {"strategy_stage": "planned", "strategy_published": "yes"},
        AnswerError(
            "strategy_published",
            "Frage „strategy_published“ wird nach Ihrer Antwort auf Frage „strategy_stage“ "
            "nicht gestellt.",
        ),
    ),
    (
        {"strategy_stage": "planned", "maturity": 2, "budget": 100},
        AnswerError(
            "budget",
            "Frage „budget“ wird nach Ihren Antworten auf die Fragen „strategy_stage“ und "
            "„maturity“ nicht gestellt.",
        ),
    ),
]


@pytest.mark.parametrize(("answers", "expected"), INVALID_ANSWERS)
def test_each_kind_of_invalid_answer(
    sample: Questionnaire, answers: dict[str, Any], expected: AnswerError
) -> None:
    cleaned, errors = validate_answers(sample, answers, final=False)
    assert errors == [expected]
    assert expected.item_id not in cleaned
    # Errors are plain (item_id, message) tuples, as the contract says.
    assert tuple(errors[0]) == (expected.item_id, expected.message)


def test_all_errors_come_at_once(sample: Questionnaire) -> None:
    cleaned, errors = validate_answers(
        sample,
        {"xyz": 1, "strategy_stage": "foo", "maturity": 9, "staff": 3, "remarks": "ok"},
        final=True,
    )
    assert [e.item_id for e in errors] == ["xyz", "strategy_stage", "maturity"]
    assert cleaned == {"staff": 3, "remarks": "ok"}


def test_answers_must_be_an_object(sample: Questionnaire) -> None:
    assert validate_answers(sample, ["strategy_stage"], final=False) == (
        {},
        [AnswerError("", "Die Antworten müssen ein JSON-Objekt sein, nicht eine Liste.")],
    )


def test_required_items_only_for_final_submissions(sample: Questionnaire) -> None:
    cleaned, errors = validate_answers(sample, {"staff": 1}, final=False)
    assert errors == [] and cleaned == {"staff": 1}
    _, errors = validate_answers(sample, {"staff": 1}, final=True)
    assert errors == [
        AnswerError("strategy_stage", REQUIRED_MESSAGE),
        AnswerError("maturity", REQUIRED_MESSAGE),
    ]
    _, errors = validate_answers(
        sample, {"strategy_stage": NO_ANSWER, "maturity": NO_ANSWER}, final=True
    )
    assert errors == []
    # None, "" and [] mean "not answered".
    _, errors = validate_answers(
        sample, {"strategy_stage": None, "maturity": " ", "challenges": []}, final=True
    )
    assert [e.item_id for e in errors] == ["strategy_stage", "maturity"]


def test_a_required_item_that_is_not_asked_is_not_required() -> None:
    data = sample_dict()
    item_of(data, "strategy_published")["required"] = True
    questionnaire = load_definition(data)
    base = {"maturity": 3}
    _, errors = validate_answers(questionnaire, {**base, "strategy_stage": "none"}, final=True)
    assert errors == []
    _, errors = validate_answers(
        questionnaire, {**base, "strategy_stage": "in_progress"}, final=True
    )
    assert errors == [AnswerError("strategy_published", REQUIRED_MESSAGE)]


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ({}, set()),
        ({"strategy_stage": "planned"}, set()),
        ({"strategy_stage": NO_ANSWER}, set()),
        ({"strategy_stage": "in_progress"}, {"strategy_published"}),
        ({"strategy_stage": "in_progress", "strategy_published": "no"}, {"strategy_published"}),
        (
            {"strategy_stage": "in_progress", "strategy_published": "yes"},
            {"strategy_published", "strategy_link"},
        ),
        (
            # cascade: the answer "yes" to a question that is not asked counts as no answer
            {"strategy_stage": "planned", "strategy_published": "yes"},
            set(),
        ),
        (
            {"strategy_stage": "implementing"},
            {"strategy_published", "strategy_staff", "budget"},
        ),
        ({"strategy_stage": "planned", "maturity": 4}, {"budget"}),
        ({"strategy_stage": "planned", "maturity": 3}, set()),
        ({"maturity": 3, "staff": 1}, {"staff_plan"}),
        ({"maturity": 3, "staff": 0.5}, set()),
        ({"maturity": 4, "staff": 2}, {"budget"}),
        ({"maturity": NO_ANSWER, "staff": 2}, set()),
    ],
)
def test_skip_logic_including_compound_conditions(
    sample: Questionnaire, answers: dict[str, Any], asked: set[str]
) -> None:
    conditional = {item.id for item in sample.items if item.show_if is not None}
    visible = {item.id for item in sample.visible_items(answers)}
    assert visible & conditional == asked
    assert visible - conditional == {item.id for item in sample.items if item.show_if is None}


def test_skip_logic_in_validation_uses_cleaned_values(sample: Questionnaire) -> None:
    """A numeric string counts as the number for gte/lte (answers from HTML forms)."""
    cleaned, errors = validate_answers(
        sample, {"maturity": "3", "staff": "1,5", "staff_plan": "yes"}, final=False
    )
    assert errors == []
    assert cleaned["staff_plan"] == "yes"


def test_an_invalid_answer_does_not_also_report_dependent_items_as_hidden(
    sample: Questionnaire,
) -> None:
    _, errors = validate_answers(
        sample, {"strategy_stage": "foo", "strategy_published": "yes"}, final=False
    )
    assert [e.item_id for e in errors] == ["strategy_stage"]


def test_no_answer_to_a_hidden_item_is_still_an_answer(sample: Questionnaire) -> None:
    _, errors = validate_answers(
        sample, {"strategy_stage": "none", "strategy_published": NO_ANSWER}, final=False
    )
    assert [e.item_id for e in errors] == ["strategy_published"]


# --- Stored versions --------------------------------------------------------------------------
@pytest.fixture
def directory(tmp_path: Path) -> Path:
    target = tmp_path / "questionnaires"
    target.mkdir()
    shutil.copy(SAMPLE, target)
    return target


def stored(slug: str = "sample") -> list[int]:
    return list(
        QuestionnaireVersion.objects.filter(slug=slug)
        .order_by("version")
        .values_list("version", flat=True)
    )


@pytest.mark.django_db
def test_sync_stores_each_file_once(directory: Path, sample: Questionnaire) -> None:
    result = sync_questionnaires(directory)
    assert [(v.slug, v.version) for v in result.created] == [("sample", 1)]
    version = QuestionnaireVersion.objects.get(slug="sample", version=1)
    assert version.content_hash == sample.content_hash
    assert version.title == "Probefragebogen"
    assert version.source_file == "sample-v1.yaml"
    assert version.definition == sample.to_dict()
    again = sync_questionnaires(directory)
    assert again.created == [] and [v.pk for v in again.unchanged] == [version.pk]
    assert stored() == [1]


@pytest.mark.django_db
def test_sync_without_directory_or_files_does_nothing(tmp_path: Path) -> None:
    before = QuestionnaireVersion.objects.count()
    assert sync_questionnaires(tmp_path / "absent").created == []
    assert sync_questionnaires(tmp_path).created == []
    assert QuestionnaireVersion.objects.count() == before


@pytest.mark.django_db
def test_a_changed_file_with_the_same_version_is_refused(directory: Path) -> None:
    sync_questionnaires(directory)
    changed = directory / "sample-v1.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Wie stark", "Wie fest"), encoding="utf-8"
    )
    with pytest.raises(QuestionnaireSyncError) as caught:
        sync_questionnaires(directory)
    message = str(caught.value)
    assert message.startswith("sample-v1.yaml: Der Fragebogen „sample“ Version 1 ist bereits")
    assert "Eine geänderte Frage braucht eine neue Version" in message
    assert "sample-v2.yaml" in message
    stored_text = get_definition(get_version("sample", 1)).item("maturity").text
    assert stored_text.startswith("Wie stark")


@pytest.mark.django_db
def test_refusal_stores_nothing_of_the_same_run(directory: Path) -> None:
    sync_questionnaires(directory)
    changed = directory / "sample-v1.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Wie stark", "Wie fest"), encoding="utf-8"
    )
    shutil.copy(SAMPLE_V2, directory)
    with pytest.raises(QuestionnaireSyncError):
        sync_questionnaires(directory)
    assert stored() == [1]


@pytest.mark.django_db
def test_a_new_version_is_added_and_old_answers_still_resolve(directory: Path) -> None:
    sync_questionnaires(directory)
    old = current_version("sample")
    assert old.version == 1
    answers_point_to = old.pk  # what a submission would store

    # The file is replaced by version 2 (the reworded question).
    (directory / "sample-v1.yaml").unlink()
    shutil.copy(SAMPLE_V2, directory)
    result = sync_questionnaires(directory)
    assert [v.version for v in result.created] == [2]
    assert stored() == [1, 2]
    assert current_version("sample").version == 2
    assert current_version("sample").questionnaire.item("maturity").text.startswith("Wie fest")

    old_again = QuestionnaireVersion.objects.get(pk=answers_point_to)
    questionnaire = get_definition(old_again)
    assert questionnaire.version == 1
    assert questionnaire.item("maturity").text.startswith("Wie stark")
    assert questionnaire.content_hash == old_again.content_hash
    assert validate_answers(questionnaire, {"maturity": 2}, final=False)[1] == []


@pytest.mark.django_db
def test_definitions_are_cached_per_content_hash(directory: Path) -> None:
    sync_questionnaires(directory)
    first = get_definition(get_version("sample", 1))
    second = get_definition(QuestionnaireVersion.objects.get(slug="sample", version=1))
    assert first is second
    assert first == load_definition(SAMPLE)


@pytest.mark.django_db
def test_current_version_of_an_unknown_questionnaire() -> None:
    with pytest.raises(QuestionnaireVersion.DoesNotExist, match="Kein Fragebogen „nichts“"):
        current_version("nichts")


@pytest.mark.django_db
def test_misnamed_and_invalid_files_are_refused_with_their_names(directory: Path) -> None:
    shutil.copy(SAMPLE_V2, directory / "sample-v3.yaml")
    (directory / "broken-v1.yaml").write_text(
        SAMPLE.read_text(encoding="utf-8")
        .replace("slug: sample", "slug: broken")
        .replace("type: scale", "type: slider"),
        encoding="utf-8",
    )
    with pytest.raises(QuestionnaireSyncError) as caught:
        sync_questionnaires(directory)
    message = str(caught.value)
    assert "broken-v1.yaml: Frage „maturity“, Feld „type“: unbekannter Typ „slider“" in message
    assert (
        "sample-v3.yaml: Der Dateiname passt nicht zu slug „sample“ und version 2; erwartet "
        "wird sample-v2.yaml." in message
    )
    assert stored() == [] and stored("broken") == []


@pytest.mark.django_db
def test_management_command(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("sync_questionnaires", directory=directory)
    output = capsys.readouterr().out
    assert "Neu gespeichert: sample Version 1" in output
    assert "1 neue, 0 unveränderte Fragebogenversionen." in output
    changed = directory / "sample-v1.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Probefragebogen", "Anderer Titel"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Eine geänderte Frage braucht eine neue Version"):
        call_command("sync_questionnaires", directory=directory)
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("sync_questionnaires", directory=directory / "absent")


@pytest.mark.django_db
def test_post_migrate_stores_the_shipped_files(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "QUESTIONNAIRE_DIR", directory)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert stored() == [1]
    monkeypatch.setattr(services, "QUESTIONNAIRE_DIR", directory / "absent")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # no error
    assert stored() == [1]
    changed = directory / "sample-v1.yaml"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Wie stark", "Wie fest"), encoding="utf-8"
    )
    monkeypatch.setattr(services, "QUESTIONNAIRE_DIR", directory)
    with pytest.raises(CommandError, match="sample-v1.yaml: Der Fragebogen „sample“ Version 1"):
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_system_check_reports_broken_files(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "QUESTIONNAIRE_DIR", directory)
    assert check_questionnaire_files() == []
    shutil.copy(SAMPLE_V2, directory / "sample-v7.yaml")
    messages = check_questionnaire_files()
    assert [m.id for m in messages] == ["questionnaires.E001"]
    assert messages[0].msg.startswith("sample-v7.yaml: Der Dateiname passt nicht")
    assert any(m.id == "questionnaires.E001" for m in run_checks(tags=["questionnaires"]))


@pytest.mark.django_db
def test_shipped_files_are_stored_after_migrate() -> None:
    """Whatever src/kompass/data/questionnaires/ holds is in the test database (migrate ran
    the post_migrate hook), each file with the hash of its content."""
    files = sorted(services.QUESTIONNAIRE_DIR.glob("*.yaml"))
    for path in files:
        questionnaire = load_definition(path)
        version = get_version(questionnaire.slug, questionnaire.version)
        assert version.content_hash == questionnaire.content_hash, path.name
