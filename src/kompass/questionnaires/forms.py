"""HTML forms for questionnaires: one Django form per section (or for all items), rendered by
``questionnaires/_section.html`` and checked by :func:`definition.validate_answers`.

Use in a view::

    form = QuestionnaireForm(questionnaire, section="strategy", data=request.POST or None,
                             answers=submission.answers)
    if request.method == "POST" and form.is_valid():
        submission.answers = form.answers          # every answer, this section's replaced
    ...
    {{ form }}                                     # inside <form method="post">…</form>

Every item is a fieldset whose legend is the question; help and errors are linked with
``aria-describedby``. Skip logic is progressive enhancement: item containers carry their
``show_if`` as ``data-show-if`` and ``kompass/js/questionnaire.js`` hides and disables items
that are not asked. Without JavaScript every item of the section is shown; answering one that
is not asked is rejected with a message saying why (``keine Angabe`` there is simply dropped).
Items hidden by answers of *other* sections are not rendered at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template import loader
from django.utils.translation import gettext_lazy as _

from kompass.questionnaires.definition import (
    NO_ANSWER,
    REQUIRED_MESSAGE,
    Item,
    Questionnaire,
    Section,
    hidden_message,
    validate_answers,
)

NO_ANSWER_SUFFIX = "__keine_angabe"
YES_NO_FORM_LABELS = {"yes": _("Ja"), "no": _("Nein"), "dont_know": _("Weiß nicht")}
NO_ANSWER_FORM_LABEL = _("keine Angabe")


class SiteTemplatesRenderer(DjangoTemplates):
    """Django's form renderer, but ``questionnaires/…`` templates come from the site's
    template directories (``src/kompass/templates``), which the default renderer does not
    search; widgets keep Django's built-in templates."""

    def get_template(self, template_name: str) -> Any:
        if template_name.startswith("questionnaires/"):
            return loader.get_template(template_name)
        return super().get_template(template_name)


class AnswerChoiceField(forms.ChoiceField):
    """Radios whose values are checked by ``validate_answers`` (one place for messages)."""

    def valid_value(self, value: Any) -> bool:
        return True


class AnswerMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


@dataclass
class ItemBlock:
    """What the template needs for one item."""

    item: Item
    field: BoundField
    no_answer: BoundField | None
    kind: str  # "choice" (radios/checkboxes), "scale", "number" or "text"
    show_if: str  # JSON of the condition, "" if always asked
    anchor: str
    help_id: str
    error_id: str
    errors: list[str]
    input_label: str

    @property
    def described_by(self) -> str:
        ids = []
        if self.item.help:
            ids.append(self.help_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)


class QuestionnaireForm(forms.Form):
    """The items of one section (``section``) or of the whole questionnaire.

    Parameters
    ----------
    questionnaire
        The definition.
    section
        Id of the section to show; ``None`` for every item.
    data
        The POST data, or ``None`` for an unbound form.
    answers
        The answers stored so far (all sections). They fill the form and decide which items of
        other sections are asked; after ``is_valid()``, :attr:`answers` is this mapping with
        the section's answers replaced.
    final
        Whether required items of the form must be answered (a final submission).

    Attributes
    ----------
    answers
        After a successful ``is_valid()``: the cleaned answers of the whole questionnaire.
    dropped
        Item ids whose stored answers were discarded because the new answers mean that those
        questions are no longer asked (a view may tell the user).
    """

    template_name = "questionnaires/_section.html"
    default_renderer = SiteTemplatesRenderer
    use_required_attribute = False

    def __init__(
        self,
        questionnaire: Questionnaire,
        *,
        section: str | None = None,
        data: Mapping[str, Any] | None = None,
        answers: Mapping[str, Any] | None = None,
        final: bool = False,
        prefix: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.questionnaire = questionnaire
        self.sections: tuple[Section, ...] = (
            (questionnaire.section(section),) if section else questionnaire.sections
        )
        self.final = final
        self.stored = dict(answers or {})
        self.section_ids = {item.id for s in self.sections for item in s.items}
        outside = {k: v for k, v in self.stored.items() if k not in self.section_ids}
        visibility = questionnaire.visibility(outside)
        #: Items shown: those whose skip logic can change here or that are asked anyway.
        self.items = [
            item
            for s in self.sections
            for item in s.items
            if item.show_if is None
            or visibility[item.id]
            or any(ref in self.section_ids for ref in item.show_if.item_ids)
        ]
        self.outside = outside
        super().__init__(data=data, initial=self._initial(), prefix=prefix, **kwargs)
        for item in self.items:
            self.fields.update(_item_fields(item))
        self.answers: dict[str, Any] = {}
        self.dropped: list[str] = []

    # Filling ------------------------------------------------------------------------------
    def _initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for item in self.items:
            if item.id not in self.stored:
                continue
            value = self.stored[item.id]
            if item.type == "multiple_choice":
                initial[item.id] = [value] if value == NO_ANSWER else list(value)
            elif item.type in ("number", "text") and value == NO_ANSWER:
                initial[item.id + NO_ANSWER_SUFFIX] = True
            else:
                initial[item.id] = str(value)
        return initial

    # Checking -----------------------------------------------------------------------------
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        submitted: dict[str, Any] = {}
        for item in self.items:
            value = self._submitted(item, data)
            if value is not None:
                submitted[item.id] = value
        merged = {**self.outside, **submitted}
        # Which items are asked given these answers: stale answers to items that are no longer
        # asked are dropped (other sections), as is "keine Angabe" for such items here.
        first, _ignored = validate_answers(self.questionnaire, merged, final=False)
        visibility = self.questionnaire.visibility(first)
        for item_id in list(merged):
            if item_id in visibility and not visibility[item_id]:
                if item_id not in self.section_ids:
                    self.dropped.append(item_id)
                    del merged[item_id]
                elif merged[item_id] == NO_ANSWER:
                    del merged[item_id]
        cleaned, errors = validate_answers(self.questionnaire, merged, final=self.final)
        shown = {item.id for item in self.items}
        self.dropped += [
            item_id
            for item_id in self.stored
            if item_id in self.section_ids and item_id not in shown
        ]
        for item_id, message in errors:
            if item_id in shown:
                item = self.questionnaire.item(item_id)
                if item.show_if and message == hidden_message(self.questionnaire, item):
                    message = f"{message} {_hidden_hint(item)}"
                self.add_error(item_id, message)
            elif message != REQUIRED_MESSAGE:
                # A stored answer of another section that no longer fits (e.g. of another
                # version); required items of other sections are checked with those.
                self.add_error(
                    None,
                    _("Gespeicherte Antwort auf Frage „%(item)s“: %(message)s")
                    % {"item": item_id, "message": message},
                )
        if not self.errors:
            self.answers = cleaned
        return data

    def _submitted(self, item: Item, data: Mapping[str, Any]) -> Any:
        """The raw answer of ``item`` as ``validate_answers`` takes it (``None``: none)."""
        value = data.get(item.id)
        if item.type in ("number", "text"):
            no_answer = bool(data.get(item.id + NO_ANSWER_SUFFIX))
            filled = isinstance(value, str) and value.strip() != ""
            if no_answer and filled:
                self.add_error(
                    item.id,
                    _(
                        "Bitte geben Sie entweder eine Antwort oder „keine Angabe“ an, "
                        "nicht beides."
                    ),
                )
                return None
            if no_answer:
                return NO_ANSWER
            return value if filled else None
        if item.type == "multiple_choice":
            return list(value) if value else None
        return value or None

    # Rendering ----------------------------------------------------------------------------
    def blocks(self, section: Section | None = None) -> list[ItemBlock]:
        """The items (of ``section``, or all shown) ready for the template."""
        result = []
        for item in self.items:
            if section is not None and item.section != section.id:
                continue
            field = self[item.id]
            no_answer = (
                self[item.id + NO_ANSWER_SUFFIX] if item.type in ("number", "text") else None
            )
            kind = {"number": "number", "text": "text", "scale": "scale"}.get(item.type, "choice")
            auto_id = field.auto_id or f"id_{field.html_name}"
            block = ItemBlock(
                item=item,
                field=field,
                no_answer=no_answer,
                kind=kind,
                show_if=json.dumps(item.show_if.to_dict(), ensure_ascii=False)
                if item.show_if
                else "",
                anchor=f"{auto_id}_frage",
                help_id=f"{auto_id}_helptext",
                error_id=f"{auto_id}_errors",
                errors=list(field.errors),
                input_label=_input_label(item),
            )
            if kind in ("number", "text") and block.described_by:
                field.field.widget.attrs["aria-describedby"] = block.described_by
            result.append(block)
        return result

    def section_blocks(self) -> list[tuple[Section, list[ItemBlock]]]:
        """Sections with their shown items (sections without any are left out)."""
        groups = [(section, self.blocks(section)) for section in self.sections]
        return [(section, blocks) for section, blocks in groups if blocks]

    @property
    def context_json(self) -> str:
        """Answers of other sections, for the skip logic in the browser."""
        return json.dumps(self.outside, ensure_ascii=False)

    @property
    def error_count(self) -> int:
        return sum(len(errors) for name, errors in self.errors.items() if name != "__all__")


def _item_fields(item: Item) -> dict[str, forms.Field]:
    common: dict[str, Any] = {"label": item.text, "help_text": item.help, "required": False}
    no_answer = (NO_ANSWER, NO_ANSWER_FORM_LABEL)
    if item.type == "single_choice":
        choices = [(o.value, o.label) for o in item.options]
        return {
            item.id: AnswerChoiceField(
                choices=[*choices, no_answer], widget=forms.RadioSelect, **common
            )
        }
    if item.type == "yes_no":
        choices = [(v, label) for v, label in YES_NO_FORM_LABELS.items()]
        return {
            item.id: AnswerChoiceField(
                choices=[*choices, no_answer], widget=forms.RadioSelect, **common
            )
        }
    if item.type == "scale":
        assert item.scale is not None
        choices = []
        for point in item.scale.points:
            label = item.scale.label(point)
            choices.append((str(point), f"{point} – {label}" if label else str(point)))
        return {
            item.id: AnswerChoiceField(
                choices=[*choices, no_answer],
                widget=forms.RadioSelect,
                **common,
            )
        }
    if item.type == "multiple_choice":
        choices = [(o.value, o.label) for o in item.options]
        return {
            item.id: AnswerMultipleChoiceField(
                choices=[*choices, no_answer], widget=forms.CheckboxSelectMultiple, **common
            )
        }
    companion = forms.BooleanField(label=NO_ANSWER_FORM_LABEL, required=False)
    if item.type == "number":
        assert item.number is not None
        attrs: dict[str, Any] = {
            "step": "1" if item.number.integer else "any",
            "inputmode": "numeric" if item.number.integer else "decimal",
        }
        if item.number.min is not None:
            attrs["min"] = item.number.min
        if item.number.max is not None:
            attrs["max"] = item.number.max
        field: forms.Field = forms.CharField(widget=forms.NumberInput(attrs=attrs), **common)
    else:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4, "maxlength": item.max_length}),
            strip=False,
            **common,
        )
    return {item.id: field, item.id + NO_ANSWER_SUFFIX: companion}


def _input_label(item: Item) -> str:
    if item.type == "number" and item.number is not None and item.number.unit:
        return str(_("Wert in %(unit)s") % {"unit": item.number.unit})
    if item.type == "number":
        return str(_("Wert"))
    return str(_("Ihre Antwort"))


def _hidden_hint(item: Item) -> str:
    if item.type in ("number", "text"):
        return str(_("Bitte leeren Sie das Feld oder ändern Sie die frühere Antwort."))
    if item.type == "multiple_choice":
        return str(_("Bitte heben Sie die Auswahl auf oder ändern Sie die frühere Antwort."))
    return str(_("Bitte wählen Sie „keine Angabe“ oder ändern Sie die frühere Antwort."))


def render_section(form: QuestionnaireForm, request: HttpRequest | None = None) -> str:
    """The HTML of the form's items (what ``{{ form }}`` gives in a template)."""
    return loader.render_to_string(form.template_name, {"form": form}, request=request)


def answers_from_post(
    questionnaire: Questionnaire,
    data: Mapping[str, Any],
    *,
    section: str | None = None,
    answers: Mapping[str, Any] | None = None,
    final: bool = False,
) -> tuple[QuestionnaireForm, dict[str, Any] | None]:
    """Bind, check and return ``(form, answers)``; ``answers`` is ``None`` when the form has
    errors (render ``form`` again then)."""
    form = QuestionnaireForm(
        questionnaire, section=section, data=data, answers=answers, final=final
    )
    return form, (form.answers if form.is_valid() else None)
