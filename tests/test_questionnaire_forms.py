"""Questionnaire forms: accessible rendering (legends, labels, help and errors linked), German
messages of validate_answers on their fields, answers → form → answers round trip, skip logic
without JavaScript (server) and with it (headless Chromium, axe-core)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils.datastructures import MultiValueDict

from kompass.questionnaires.definition import NO_ANSWER, Questionnaire, load_definition
from kompass.questionnaires.forms import QuestionnaireForm, answers_from_post, render_section

SAMPLE = Path(__file__).resolve().parent / "data" / "questionnaires" / "sample-v1.yaml"


@pytest.fixture(scope="module")
def sample() -> Questionnaire:
    return load_definition(SAMPLE)


class FormReader(HTMLParser):
    """What a browser would submit from rendered HTML (enabled controls only) plus the
    structure to check: fieldsets with legends, labels by ``for``, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.data: MultiValueDict[str, str] = MultiValueDict()
        self.elements: dict[str, dict[str, str]] = {}
        self.labels: dict[str, str] = {}
        self.legends: list[str] = []
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._in_legend = False
        self._legend: list[str] = []
        self._textarea: dict[str, str] | None = None
        self._textarea_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if "id" in attributes:
            self.elements[attributes["id"]] = {"tag": tag, **attributes}
        if tag == "label":
            self._label_for = attributes.get("for")
            self._label_text = []
        elif tag == "legend":
            self._in_legend, self._legend = True, []
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attributes:
                return
            value = attributes.get("value", "on" if kind == "checkbox" else "")
            self.data.appendlist(attributes["name"], value)
        elif tag == "textarea":
            self._textarea, self._textarea_text = attributes, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = " ".join("".join(self._label_text).split())
            self._label_for = None
        elif tag == "legend":
            self._in_legend = False
            self.legends.append(" ".join("".join(self._legend).split()))
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea_text)
            self.data.appendlist(self._textarea["name"], text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)
        if self._in_legend:
            self._legend.append(data)
        if self._textarea is not None:
            self._textarea_text.append(data)


def read(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def post(**values: Any) -> MultiValueDict[str, str]:
    data: MultiValueDict[str, str] = MultiValueDict()
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


# --- Rendering --------------------------------------------------------------------------------
def test_every_item_is_a_fieldset_with_its_question_as_legend(sample: Questionnaire) -> None:
    html = render_section(QuestionnaireForm(sample))
    page = read(html)
    for item in sample.items:
        fieldset = page.elements[f"id_{item.id}_frage"]
        assert fieldset["tag"] == "fieldset"
        assert fieldset["data-item"] == item.id and fieldset["data-type"] == item.type
        assert any(legend.startswith(item.text) for legend in page.legends), item.id
    assert "Wie weit ist Ihre Kommune mit einer Digitalisierungsstrategie? * (Pflichtfrage)" in (
        page.legends
    )
    assert html.count("<h2") == 2  # whole questionnaire: both sections
    assert '<script src="/static/kompass/js/questionnaire.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\s(on[a-z]+|style)=", html)


def test_every_input_has_a_label(sample: Questionnaire) -> None:
    page = read(render_section(QuestionnaireForm(sample)))
    inputs = [
        element for element in page.elements.values() if element["tag"] in ("input", "textarea")
    ]
    assert len(inputs) > 30
    for element in inputs:
        assert page.labels.get(element["id"]), element


def test_choice_labels_yes_no_scale_number_and_text(sample: Questionnaire) -> None:
    page = read(render_section(QuestionnaireForm(sample)))

    def labels(item_id: str) -> list[str]:
        return [
            text for key, text in page.labels.items() if re.fullmatch(rf"id_{item_id}_\d+", key)
        ]

    assert labels("strategy_published") == ["Ja", "Nein", "Weiß nicht", "keine Angabe"]
    assert labels("maturity") == ["1 – gar nicht", "2", "3", "4", "5 – sehr stark", "keine Angabe"]
    assert labels("challenges")[-1] == "keine Angabe"
    assert page.elements["id_strategy_stage_0"]["type"] == "radio"
    assert page.elements["id_maturity_0"]["type"] == "radio"
    assert page.elements["id_challenges_0"]["type"] == "checkbox"
    budget = page.elements["id_budget"]
    assert (budget["type"], budget["min"], budget["max"], budget["step"]) == (
        "number",
        "0",
        "1000000",
        "1",
    )
    assert page.elements["id_staff"]["step"] == "any"
    assert page.labels["id_budget"] == "Wert in Euro"
    assert page.labels["id_budget__keine_angabe"] == "keine Angabe"
    remarks = page.elements["id_remarks"]
    assert remarks["tag"] == "textarea" and remarks["maxlength"] == "200"
    assert page.labels["id_remarks"] == "Ihre Antwort"
    assert "required" not in budget  # no browser-side blocking of items that may be skipped


def test_help_text_is_linked_with_aria_describedby(sample: Questionnaire) -> None:
    page = read(render_section(QuestionnaireForm(sample)))
    assert page.elements["id_strategy_stage_frage"]["aria-describedby"] == (
        "id_strategy_stage_helptext"
    )
    help_text = page.elements["id_strategy_stage_helptext"]
    assert help_text["tag"] == "p" and help_text["class"] == "help"
    assert page.elements["id_remarks"]["aria-describedby"] == "id_remarks_helptext"
    assert "aria-describedby" not in page.elements["id_budget_frage"]


def test_skip_logic_is_in_data_attributes(sample: Questionnaire) -> None:
    form = QuestionnaireForm(sample, section="resources", answers={"strategy_stage": "in_progress"})
    page = read(render_section(form))
    budget = json.loads(page.elements["id_budget_frage"]["data-show-if"])
    assert budget == {
        "any": [
            {"item": "strategy_stage", "equals": "implementing"},
            {"item": "maturity", "gte": 4},
        ]
    }
    assert "data-show-if" not in page.elements["id_maturity_frage"]
    container = re.search(r'data-answers="([^"]*)"', render_section(form))
    assert container is not None
    assert json.loads(container[1].replace("&quot;", '"')) == {"strategy_stage": "in_progress"}


def test_items_not_asked_because_of_other_sections_are_left_out(sample: Questionnaire) -> None:
    planned = render_section(
        QuestionnaireForm(sample, section="resources", answers={"strategy_stage": "planned"})
    )
    implementing = render_section(
        QuestionnaireForm(sample, section="resources", answers={"strategy_stage": "implementing"})
    )
    assert "id_strategy_staff_frage" not in planned
    assert "id_strategy_staff_frage" in implementing
    assert "id_budget_frage" in planned  # may still be asked: depends on maturity here too
    assert "<h2" in planned and "Grundlagen" not in planned


# --- Errors on their fields -------------------------------------------------------------------
def test_errors_of_validate_answers_are_attached_to_their_fields(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample,
        section="resources",
        data=post(maturity="5", budget="5000000", staff="2"),
        answers={"strategy_stage": "planned"},
    )
    assert not form.is_valid()
    assert form.errors["budget"] == ["Der Wert 5000000 liegt über dem Höchstwert 1000000."]
    assert form.answers == {}
    html = render_section(form)
    page = read(html)
    errors = page.elements["id_budget_errors"]
    assert errors["class"] == "errorlist"
    assert page.elements["id_budget_frage"]["aria-describedby"] == "id_budget_errors"
    assert "field-invalid" in page.elements["id_budget_frage"]["class"]
    assert page.elements["id_budget"]["aria-describedby"] == "id_budget_errors"
    assert page.elements["id_budget"]["aria-invalid"] == "true"
    summary = page.elements["fragebogen-fehler"]
    assert summary["role"] == "alert"
    assert '<a href="#id_budget_frage">Wie hoch ist das jährliche Budget' in html
    assert "Bitte prüfen Sie eine Antwort." in html


def test_help_and_error_are_both_described(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample, section="resources", data=post(maturity="3", remarks="x" * 201)
    )
    assert not form.is_valid()
    page = read(render_section(form))
    assert page.elements["id_remarks"]["aria-describedby"] == (
        "id_remarks_helptext id_remarks_errors"
    )
    assert form.errors["remarks"] == ["Der Text ist 201 Zeichen lang; erlaubt sind höchstens 200."]


def test_unknown_option_from_a_tampered_post(sample: Questionnaire) -> None:
    form = QuestionnaireForm(sample, section="basics", data=post(strategy_stage="foo"))
    assert not form.is_valid()
    assert form.errors["strategy_stage"] == [
        "Unbekannte Option „foo“. Erlaubt: implementing, in_progress, planned, none."
    ]


def test_combined_exclusive_options(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample, section="basics", data=post(challenges=["finances", NO_ANSWER])
    )
    assert not form.is_valid()
    assert form.errors["challenges"] == [
        "„keine Angabe“ lässt sich nicht mit anderen Optionen kombinieren."
    ]


def test_number_and_no_answer_together_is_an_error(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample, section="resources", data=post(maturity="2", staff="3", staff__keine_angabe="on")
    )
    assert not form.is_valid()
    assert form.errors["staff"] == [
        "Bitte geben Sie entweder eine Antwort oder „keine Angabe“ an, nicht beides."
    ]


def test_required_items_only_when_final(sample: Questionnaire) -> None:
    draft = QuestionnaireForm(sample, section="resources", data=post(staff="3"))
    assert draft.is_valid(), draft.errors
    assert draft.answers == {"staff": 3}
    final = QuestionnaireForm(
        sample, section="resources", data=post(staff="3"), final=True, answers={}
    )
    assert not final.is_valid()
    assert list(final.errors) == ["maturity"]  # strategy_stage of "basics" is checked there
    assert final.errors["maturity"][0].startswith("Bitte beantworten Sie diese Pflichtfrage")


# --- Skip logic without JavaScript ------------------------------------------------------------
def test_answering_an_item_that_is_not_asked_is_rejected_with_a_hint(
    sample: Questionnaire,
) -> None:
    form = QuestionnaireForm(
        sample,
        section="basics",
        data=post(strategy_stage="planned", strategy_published="yes"),
    )
    assert not form.is_valid()
    assert form.errors["strategy_published"] == [
        "Frage „strategy_published“ wird nach Ihrer Antwort auf Frage „strategy_stage“ nicht "
        "gestellt. Bitte wählen Sie „keine Angabe“ oder ändern Sie die frühere Antwort."
    ]
    link = QuestionnaireForm(
        sample,
        section="basics",
        data=post(strategy_stage="in_progress", strategy_published="no", strategy_link="x"),
    )
    assert not link.is_valid()
    assert link.errors["strategy_link"][0].endswith(
        "Bitte leeren Sie das Feld oder ändern Sie die frühere Antwort."
    )


def test_no_answer_to_an_item_that_is_not_asked_is_dropped(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample,
        section="basics",
        data=post(strategy_stage="planned", strategy_published=NO_ANSWER),
    )
    assert form.is_valid(), form.errors
    assert form.answers == {"strategy_stage": "planned"}


def test_stale_answers_of_other_sections_are_dropped(sample: Questionnaire) -> None:
    stored = {
        "strategy_stage": "implementing",
        "strategy_published": "yes",
        "maturity": 2,
        "strategy_staff": "yes",
        "budget": 1000,
    }
    form = QuestionnaireForm(
        sample, section="basics", data=post(strategy_stage="planned"), answers=stored
    )
    assert form.is_valid(), form.errors
    assert form.answers == {"strategy_stage": "planned", "maturity": 2}
    assert sorted(form.dropped) == ["budget", "strategy_staff"]


def test_stored_answer_to_an_item_left_out_of_the_section_is_dropped(
    sample: Questionnaire,
) -> None:
    stored = {"strategy_stage": "planned", "strategy_staff": "yes", "maturity": 2}
    form = QuestionnaireForm(sample, section="resources", data=post(maturity="2"), answers=stored)
    assert "strategy_staff" not in form.fields
    assert form.is_valid(), form.errors
    assert form.answers == {"strategy_stage": "planned", "maturity": 2}
    assert form.dropped == ["strategy_staff"]


def test_invalid_stored_answers_of_other_sections_are_reported(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample, section="resources", data=post(maturity="2"), answers={"strategy_stage": "foo"}
    )
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Gespeicherte Antwort auf Frage „strategy_stage“: Unbekannte Option „foo“. Erlaubt: "
        "implementing, in_progress, planned, none."
    ]


# --- Round trip -------------------------------------------------------------------------------
ANSWERS = {
    "strategy_stage": "implementing",
    "strategy_published": "yes",
    "strategy_link": "Im Ratsinformationssystem\nunter Beschlüsse",
    "challenges": ["administrative_processes", "ageing"],
    "maturity": 3,
    "strategy_staff": NO_ANSWER,
    "budget": 120000,
    "staff": 2.5,
    "staff_plan": "dont_know",
    "remarks": NO_ANSWER,
}


def test_answers_round_trip_through_the_rendered_form(sample: Questionnaire) -> None:
    html = render_section(QuestionnaireForm(sample, answers=ANSWERS))
    submitted = read(html).data
    assert submitted.getlist("challenges") == ["administrative_processes", "ageing"]
    assert submitted["remarks__keine_angabe"] == "on"
    form, answers = answers_from_post(sample, submitted, answers=ANSWERS, final=True)
    assert form.errors == {}
    assert answers == ANSWERS
    assert answers is not None and isinstance(answers["budget"], int)


def test_section_by_section_round_trip(sample: Questionnaire) -> None:
    answers: dict[str, Any] = {}
    for section in sample.sections:
        expected = {k: v for k, v in ANSWERS.items() if sample.item(k).section == section.id}
        html = render_section(
            QuestionnaireForm(sample, section=section.id, answers={**answers, **expected})
        )
        form = QuestionnaireForm(
            sample, section=section.id, data=read(html).data, answers=answers, final=True
        )
        assert form.is_valid(), form.errors
        answers = form.answers
    assert answers == ANSWERS


def test_posted_form_values_become_typed_answers(sample: Questionnaire) -> None:
    form = QuestionnaireForm(
        sample,
        data=post(
            strategy_stage="none",
            challenges=["finances", "citizen_services"],
            maturity="4",
            budget="2500",
            staff="1.5",
            staff__keine_angabe="",
            remarks="  <em>Gut</em> so  ",
        ),
    )
    assert form.is_valid(), form.errors
    assert form.answers == {
        "strategy_stage": "none",
        "challenges": ["citizen_services", "finances"],
        "maturity": 4,
        "budget": 2500,
        "staff": 1.5,
        "remarks": "Gut so",
    }


def test_clearing_a_field_removes_its_stored_answer(sample: Questionnaire) -> None:
    stored = {"strategy_stage": "none", "maturity": 2, "staff": 4, "remarks": "alt"}
    form = QuestionnaireForm(
        sample, section="resources", data=post(maturity="2", staff="", remarks=""), answers=stored
    )
    assert form.is_valid(), form.errors
    assert form.answers == {"strategy_stage": "none", "maturity": 2}


# --- In the browser ---------------------------------------------------------------------------
PAGE = engines["django"].from_string(
    """{% load static %}<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Probefragebogen</title>
<link rel="stylesheet" href="{% static 'kompass/css/site.css' %}"></head>
<body><main class="container"><h1>Probefragebogen</h1>
<form method="post" class="form" novalidate>{% csrf_token %}{{ form }}
<button type="submit" class="button">Speichern</button></form>
{% if answers is not None %}<output id="answers">{{ answers }}</output>{% endif %}
</main></body></html>"""
)


def questionnaire_page(request: HttpRequest) -> HttpResponse:
    questionnaire = load_definition(SAMPLE)
    answers = None
    if request.method == "POST":
        form, answers = answers_from_post(questionnaire, request.POST)
    else:
        form = QuestionnaireForm(questionnaire)
    context = {"form": form, "answers": json.dumps(answers, sort_keys=True) if answers else None}
    return HttpResponse(PAGE.render(context, request))


urlpatterns = [path("fragebogen/", questionnaire_page)]


@pytest.mark.browser
@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_skip_logic_in_the_browser(page: Any, live_server: Any) -> None:
    from tests.test_browser import assert_accessible, watch_console

    problems = watch_console(page)
    page.goto(live_server.url + "/fragebogen/")
    published = page.locator("#id_strategy_published_frage")
    link = page.locator("#id_strategy_link_frage")
    budget = page.locator("#id_budget_frage")
    staff_plan = page.locator("#id_staff_plan_frage")
    assert published.is_hidden() and link.is_hidden() and budget.is_hidden()
    assert_accessible(page)

    page.get_by_label("Wir erarbeiten gerade eine Strategie").check()
    assert published.is_visible() and link.is_hidden()
    published.get_by_label("Ja", exact=True).check()
    assert link.is_visible()
    link.get_by_label("Ihre Antwort").fill("Amtsblatt")
    page.get_by_label("4", exact=True).check()
    assert budget.is_visible()  # any: maturity >= 4
    page.locator("#id_staff").fill("2")
    assert staff_plan.is_hidden()  # all: staff >= 1 but maturity > 3
    page.get_by_label("3", exact=True).check()
    assert staff_plan.is_visible() and budget.is_hidden()
    assert_accessible(page)

    # Changing the first answer hides the dependent items again (cascade) and disables them,
    # so their answers are not submitted.
    page.get_by_label("Wir planen eine Strategie").check()
    assert published.is_hidden() and link.is_hidden()
    assert page.locator("#id_strategy_link").is_disabled()
    page.get_by_role("button", name="Speichern").click()
    answers = json.loads(page.locator("#answers").inner_text())
    assert answers == {"maturity": 3, "staff": 2, "strategy_stage": "planned"}
    assert problems == []
