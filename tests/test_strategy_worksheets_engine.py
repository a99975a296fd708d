"""The worksheet engine (kompass.strategy.worksheet_forms): every field type with good and bad
input, messages that name field, row and column, the form and its templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict

from kompass.strategy.process import load_all
from kompass.strategy.worksheet_forms import (
    ADD_ROW_NAME,
    EXTRA_ROWS,
    WorksheetForm,
    clean_answers,
    empty_answers,
)

SHEETS = load_all().worksheets


def sheet(slug: str) -> Any:
    return load_all().worksheet(slug)


def errors_of(worksheet: Any, data: dict[str, Any], **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        clean_answers(worksheet, data, **kwargs)
    return info.value.message_dict


@pytest.mark.parametrize("worksheet", SHEETS, ids=lambda w: w.slug)
def test_empty_answers_are_valid_and_complete(worksheet: Any) -> None:
    cleaned = clean_answers(worksheet, {})
    assert set(cleaned) == {f.id for f in worksheet.fields}
    assert cleaned == empty_answers(worksheet)
    assert clean_answers(worksheet, cleaned) == cleaned


def test_text_long_text_person() -> None:
    sketch = sheet("project_sketch")
    cleaned = clean_answers(
        sketch,
        {"title": "  Smarte   Laterne ", "idea": " Zeile 1\r\nZeile 2 ", "project_lead": "Anna"},
        only=["title", "idea", "project_lead"],
    )
    assert cleaned == {
        "title": "Smarte Laterne",
        "idea": "Zeile 1\nZeile 2",
        "project_lead": "Anna",
    }
    messages = errors_of(sketch, {"title": "x" * 501, "idea": {"a": 1}})
    assert messages["title"] == ["Projekttitel: Der Text ist länger als 500 Zeichen (501)."]
    assert messages["idea"] == ["Projektidee: Bitte Text eingeben."]


def test_list_from_list_or_lines() -> None:
    actors = sheet("actor_mapping")
    assert clean_answers(actors, {"actor_groups": ["Verwaltung", " ", "Wirtschaft"]})[
        "actor_groups"
    ] == ["Verwaltung", "Wirtschaft"]
    assert clean_answers(actors, {"actor_groups": "Verwaltung\n\nWissenschaft"})[
        "actor_groups"
    ] == ["Verwaltung", "Wissenschaft"]
    assert errors_of(actors, {"actor_groups": ["ok", {"x": 1}]})["actor_groups"] == [
        "Akteursgruppen: Eintrag 2 ist kein Text."
    ]
    assert errors_of(actors, {"actor_groups": 5})["actor_groups"] == [
        "Akteursgruppen: Bitte eine Liste von Texten angeben (ein Eintrag je Zeile)."
    ]


def test_choice_single_and_multiple() -> None:
    actors = sheet("actor_mapping")
    assert clean_answers(actors, {"level": "project"})["level"] == "project"
    assert errors_of(actors, {"level": "city"})["level"] == [
        "Ebene: „city“ ist keine erlaubte Auswahl."
    ]
    goals = sheet("goal_mapping")
    atlas = [o.value for o in goals.field("fields_of_action").columns[2].options]
    row = {"field": "Mobilität", "atlas_fields": [atlas[2], atlas[0], atlas[2]]}
    cleaned = clean_answers(goals, {"fields_of_action": [row]})
    assert cleaned["fields_of_action"][0]["atlas_fields"] == [atlas[0], atlas[2]]  # order, once
    messages = errors_of(goals, {"fields_of_action": [{}, {"atlas_fields": ["mond"]}]})
    assert messages["fields_of_action"] == [
        "Handlungsfelder, Zeile 2, Entsprechende Felder des Kommunalkompass: „mond“ ist keine "
        "erlaubte Auswahl."
    ]


def test_catalogue_options_are_resolved() -> None:
    risks = sheet("risk_matrix")
    category = risks.field("risks").columns[0]
    assert category.catalogue == "risk_categories"
    value = category.options[0].value
    assert clean_answers(risks, {"risks": [{"category": value}]})["risks"][0]["category"] == value


def test_scale() -> None:
    risks = sheet("risk_matrix")
    cleaned = clean_answers(risks, {"risks": [{"probability": "4", "damage": 5, "scope": 1.0}]})
    assert cleaned["risks"][0]["probability"] == 4
    assert cleaned["risks"][0]["damage"] == 5
    assert cleaned["risks"][0]["scope"] == 1
    messages = errors_of(risks, {"risks": [{"probability": 6}, {"damage": True}]})
    assert messages["risks"] == [
        "Risiken, Zeile 1, Eintrittswahrscheinlichkeit: 6 liegt nicht zwischen 1 und 5.",
        "Risiken, Zeile 2, Schadenshöhe: Bitte eine ganze Zahl von 1 bis 5 angeben.",
    ]


def test_date() -> None:
    plan = sheet("process_plan")
    cleaned = clean_answers(
        plan,
        {
            "period_start": "2026-01-15",
            "period_end": dt.date(2026, 12, 31),
            "cards": [{"label": "Wahl", "kind": "external_date", "start": "13.09.2026"}],
        },
    )
    assert cleaned["period_start"] == "2026-01-15"
    assert cleaned["period_end"] == "2026-12-31"
    assert cleaned["cards"][0]["start"] == "2026-09-13"
    messages = errors_of(plan, {"period_start": "2026-02-30", "cards": [{}, {}, {"end": "bald"}]})
    assert messages["period_start"][0].startswith("Beginn der Strategieentwicklung: „2026-02-30“")
    assert messages["cards"] == [
        "Karteikarten, Zeile 3, Ende: „bald“ ist kein gültiges Datum (JJJJ-MM-TT oder TT.MM.JJJJ)."
    ]


def test_number() -> None:
    sketch = sheet("project_sketch")
    only = ["total_cost"]
    assert clean_answers(sketch, {"total_cost": 1200}, only=only) == {"total_cost": 1200}
    assert clean_answers(sketch, {"total_cost": "1.234,50"}, only=only) == {"total_cost": 1234.5}
    assert clean_answers(sketch, {"total_cost": Decimal("10.00")}, only=only) == {"total_cost": 10}
    assert clean_answers(sketch, {"total_cost": "99.5"}, only=only) == {"total_cost": 99.5}
    assert clean_answers(sketch, {"total_cost": ""}, only=only) == {"total_cost": None}
    assert errors_of(sketch, {"total_cost": "viel"}, only=only)["total_cost"] == [
        "Gesamtkosten: „viel“ ist keine Zahl."
    ]
    assert errors_of(sketch, {"total_cost": float("nan")}, only=only)["total_cost"] == [
        "Gesamtkosten: Bitte eine endliche Zahl eingeben."
    ]
    assert errors_of(sketch, {"total_cost": False}, only=only)["total_cost"] == [
        "Gesamtkosten: Bitte eine Zahl eingeben."
    ]


def test_table_rows_named_by_number_and_column() -> None:
    actors = sheet("actor_mapping")
    data = {
        "actors": [
            {"name": "Stadtwerke", "ring": "key"},
            {"name": "", "group": "", "ring": ""},
            {"name": "Verein", "ring": "Mitte"},
            {"name": "Uni", "farbe": "blau"},
        ]
    }
    messages = errors_of(actors, data)["actors"]
    assert messages == [
        "Akteurinnen und Akteure, Zeile 3, Ring: „Mitte“ ist keine erlaubte Auswahl.",
        "Akteurinnen und Akteure, Zeile 4: Die Spalte „farbe“ gibt es nicht.",
    ]
    good = clean_answers(actors, {"actors": data["actors"][:2]})
    assert good["actors"] == [
        {"name": "Stadtwerke", "group": "", "ring": "key", "relation": ""}
    ]  # the empty row is dropped
    assert errors_of(actors, {"actors": "Stadtwerke"})["actors"] == [
        "Akteurinnen und Akteure: Bitte eine Liste von Zeilen angeben."
    ]
    assert errors_of(actors, {"actors": ["Stadtwerke"]})["actors"] == [
        "Akteurinnen und Akteure, Zeile 1: Eine Zeile muss ein Objekt sein."
    ]


def test_table_with_fixed_rows() -> None:
    impact = sheet("impact_measurement")
    fixed = [r.id for r in impact.field("analysis").rows]
    cleaned = clean_answers(impact, {"analysis": [{"row": "outcome", "indicators": ["Nutzende"]}]})
    assert [r["row"] for r in cleaned["analysis"]] == fixed
    assert cleaned["analysis"][fixed.index("outcome")]["indicators"] == ["Nutzende"]
    messages = errors_of(
        impact,
        {"analysis": [{"row": "wirkung"}, {"row": "input"}, {"row": "input", "dimensions": ["x"]}]},
    )["analysis"]
    assert (
        messages[0]
        == "I-O-O-I-Analyse, Zeile 1: Die Zeile „wirkung“ gibt es in dieser Tabelle nicht."
    )
    assert messages[1] == "I-O-O-I-Analyse, Zeile „Input“: Die Zeile kommt doppelt vor."


def test_unknown_keys_and_only() -> None:
    actors = sheet("actor_mapping")
    messages = errors_of(actors, {"farbe": "rot"})
    assert messages == {
        "farbe": ["Das Feld „farbe“ gibt es in der Arbeitshilfe „Akteursmapping“ nicht."]
    }
    assert clean_answers(actors, {"level": "strategy"}, only=["level"]) == {"level": "strategy"}
    assert errors_of(actors, {"relations": "x"}, only=["level"]) == {
        "relations": ["Beziehungen untereinander: Dieses Feld ist hier nicht vorgesehen."]
    }
    assert errors_of(actors, {}, only=["gibtsnicht"]) == {
        "gibtsnicht": ["Das Feld „gibtsnicht“ gibt es in der Arbeitshilfe „Akteursmapping“ nicht."]
    }
    assert errors_of(actors, ["level"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the form


def post(data: dict[str, Any]) -> MultiValueDict[str, Any]:
    result: MultiValueDict[str, Any] = MultiValueDict()
    for key, value in data.items():
        result.setlist(key, value if isinstance(value, list) else [value])
    return result


def test_form_cleans_like_the_engine_and_names_the_cell() -> None:
    actors = sheet("actor_mapping")
    form = WorksheetForm(
        actors,
        data=post(
            {
                "ah-level": "strategy",
                "ah-actor_groups": "Verwaltung\r\nWirtschaft\r\n",
                "ah-actors-zeilen": "3",
                "ah-actors-0-name": "Stadtwerke",
                "ah-actors-0-ring": "key",
                "ah-actors-2-name": "Verein",
                "ah-actors-2-ring": "Mitte",
            }
        ),
        prefix="ah",
    )
    assert not form.is_valid()
    assert form.errors["actors-2-ring"] == [
        "Akteurinnen und Akteure, Zeile 3, Ring: „Mitte“ ist keine erlaubte Auswahl."
    ]
    html = render_to_string("strategy/worksheets/_form_fields.html", {"form": form})
    assert 'aria-describedby="id_ah-actors-2-ring_error"' in html
    assert 'id="id_ah-actors-2-ring_error"' in html
    assert 'aria-invalid="true"' in html
    good = WorksheetForm(
        actors,
        data=post(
            {
                "ah-level": "strategy",
                "ah-actor_groups": "Verwaltung\r\nWirtschaft",
                "ah-actors-zeilen": "3",
                "ah-actors-0-name": "Stadtwerke",
                "ah-actors-0-ring": "key",
            }
        ),
        prefix="ah",
    )
    assert good.is_valid(), good.errors
    assert good.cleaned_answers == clean_answers(
        actors,
        {
            "level": "strategy",
            "actor_groups": ["Verwaltung", "Wirtschaft"],
            "actors": [{"name": "Stadtwerke", "ring": "key"}],
        },
    )


def test_add_rows_button_works_without_javascript() -> None:
    actors = sheet("actor_mapping")
    form = WorksheetForm(
        actors,
        data=post({"actors-zeilen": "3", "actors-0-name": "A", ADD_ROW_NAME: "actors"}),
    )
    assert form.is_valid()
    assert form.add_rows_requested == "actors"
    assert "actors-5-name" in form.fields and "actors-6-name" not in form.fields
    html = render_to_string("strategy/worksheets/_form_fields.html", {"form": form})
    assert f'name="{ADD_ROW_NAME}" value="actors"' in html
    assert html.count('class="worksheet-row"') == 3 + EXTRA_ROWS


def test_form_initial_shows_entries_plus_empty_rows() -> None:
    goals = sheet("goal_mapping")
    answers = clean_answers(
        goals,
        {
            "target_year": 2030,
            "vision_ideas": ["klimaneutral", "vernetzt"],
            "sub_goals": [{"strategic_goal": "A", "measures": ["m1", "m2"]}],
        },
    )
    form = WorksheetForm(goals, initial=answers)
    assert form["vision_ideas"].value() == "klimaneutral\nvernetzt"
    assert form["sub_goals-0-measures"].value() == "m1\nm2"
    assert "sub_goals-3-measures" in form.fields  # 1 filled + 3 empty rows
    assert "sub_goals-4-measures" not in form.fields
    html = render_to_string("strategy/worksheets/_form_fields.html", {"form": form})
    for section in goals.sections:
        assert f"<legend>{section.title}</legend>" in html


def test_form_only_restricts_fields() -> None:
    questionnaire = sheet("digitalisation_questionnaire")
    form = WorksheetForm(questionnaire, only=["broadband", "it_staff_count"])
    assert set(form.fields) == {"broadband", "it_staff_count"}
    bound = WorksheetForm(
        questionnaire, data=post({"it_staff_count": "12,5"}), only=["broadband", "it_staff_count"]
    )
    assert bound.is_valid()
    assert bound.cleaned_answers == {"broadband": "", "it_staff_count": 12.5}


@pytest.mark.parametrize("worksheet", SHEETS, ids=lambda w: w.slug)
def test_every_field_and_column_is_in_the_form_and_the_answers(worksheet: Any) -> None:
    form = WorksheetForm(worksheet)
    html = render_to_string("strategy/worksheets/_form_fields.html", {"form": form})
    answers = render_to_string(
        "strategy/worksheets/_answers.html",
        {"worksheet": worksheet, "answers": empty_answers(worksheet)},
    )
    from django.utils.html import escape

    for field in worksheet.fields:
        assert escape(field.label) in html, field.id
        assert escape(field.label) in answers, field.id
        for column in field.columns:
            assert escape(column.label) in html, (field.id, column.id)
            if field.type == "table":
                assert escape(column.label) in answers, (field.id, column.id)


def test_answers_template_shows_labels_not_values() -> None:
    risks = sheet("risk_matrix")
    category = risks.field("risks").columns[0].options[1]
    answers = clean_answers(
        risks,
        {
            "cost_volume": 25000,
            "risks": [
                {
                    "category": category.value,
                    "probability": 5,
                    "consequence_types": ["financial"]
                    if "financial" in [o.value for o in risks.field("risks").columns[4].options]
                    else [],
                }
            ],
        },
    )
    html = render_to_string(
        "strategy/worksheets/_answers.html", {"worksheet": risks, "answers": answers}
    )
    assert category.label in html
    assert "5 (sehr hoch)" in html
    assert "25.000" in html or "25000" in html
    plan = sheet("process_plan")
    html = render_to_string(
        "strategy/worksheets/_answers.html",
        {"worksheet": plan, "answers": clean_answers(plan, {"period_start": "2026-03-01"})},
    )
    assert "01.03.2026" in html
