"""Forms of the editorial review: the profile document, comments, decisions, new editions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kompass.atlas import editorial
from kompass.atlas.editorial import FIELDS, Document, sanitise
from kompass.atlas.models import Edition

#: Textarea height and length limit per kind of field (the rest: 5 rows, 20,000 characters).
ROWS_AND_LIMITS = {
    "text": (4, editorial.MAX_TEXT),
    "projects": (14, 40 * editorial.MAX_TEXT),
}


class ProfileDocumentForm(forms.Form):
    """Every editable field of a profile, plus the reason and the version edited.

    Text is reduced to plain text (markup and scripts are removed); ``sanitised`` lists the
    labels of fields where that changed the input, so the page can say so."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, document: Document | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sanitised: list[str] = []
        document = document or editorial.empty_document()
        for field in FIELDS:
            name = _name(field.path)
            value = document.get(field.path)
            formfield: forms.Field
            if field.kind == "int":
                formfield = forms.IntegerField(min_value=0, max_value=100_000_000)
            elif field.kind == "decimal":
                formfield = forms.DecimalField(
                    min_value=0, max_digits=10, decimal_places=2, localize=True
                )
            elif field.kind == "groups":
                formfield = forms.MultipleChoiceField(
                    choices=editorial.STAKEHOLDER_GROUPS, widget=forms.CheckboxSelectMultiple
                )
            else:
                rows, limit = ROWS_AND_LIMITS.get(field.kind, (5, 4 * editorial.MAX_TEXT))
                formfield = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": rows}),
                    max_length=limit,
                    strip=False,
                )
                value = editorial.value_as_text(field, value)
            formfield.required = False
            formfield.label = field.label
            formfield.help_text = field.help
            formfield.initial = value
            self.fields[name] = formfield
        self.fields["reason"] = forms.CharField(
            label=_("Begründung und Quelle der Änderung"),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=2000,
            help_text=_("Für die Redaktion: Warum ändert sich etwas, und woher stammt es?"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for field in [*FIELDS, None]:
            name = _name(field.path) if field else "reason"
            value = cleaned.get(name)
            if not isinstance(value, str):
                continue
            safe = sanitise(value)
            if safe != value.replace("\r\n", "\n").strip():
                self.sanitised.append(field.label if field else "Begründung")
            if field is None:
                if not safe:
                    self.add_error(name, "Bitte eine Begründung ohne HTML angeben.")
                cleaned[name] = safe
                continue
            parser = editorial.PARSERS.get(field.kind)
            try:
                cleaned[name] = parser(value) if parser else safe
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    @staticmethod
    def data_for(document: Document, **extra: Any) -> dict[str, Any]:
        """Form data (as a browser would send it) showing ``document``."""
        data: dict[str, Any] = {}
        for field in FIELDS:
            value = document.get(field.path)
            if field.kind == "groups":
                data[_name(field.path)] = list(value or [])
            elif value is not None:
                data[_name(field.path)] = editorial.value_as_text(field, value)
        data.update(extra)
        return data

    def document(self) -> Document:
        """The valid form as a profile document."""
        doc: Document = {}
        for field in FIELDS:
            value = self.cleaned_data.get(_name(field.path))
            if field.kind == "decimal":
                value = None if value is None else str(value.quantize(editorial.CENT))
            elif field.kind == "groups":
                value = list(value or [])
            doc[field.path] = value
        return doc


def _name(path: str) -> str:
    return path.replace(".", "__")


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class DecisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("accept", _("annehmen und veröffentlichen")), ("reject", _("ablehnen"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Begründung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Bei einer Ablehnung erforderlich; die Einreichenden sehen sie."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "reject" and not sanitise(cleaned.get("note", "")):
            self.add_error("note", "Bitte begründen Sie die Ablehnung.")
        return cleaned


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["slug", "title", "reference_date"]
        labels = {
            "slug": _("Kurzname (für Adressen)"),
            "title": _("Titel"),
            "reference_date": _("Stand"),
        }
        help_texts = {
            "slug": _("Nur Kleinbuchstaben, Ziffern und Bindestriche, z. B. „2026“."),
            "reference_date": _("Datum im Format TT.MM.JJJJ."),
        }
        widgets = {"reference_date": forms.DateInput(format="%d.%m.%Y")}

    def clean_title(self) -> str:
        title = sanitise(self.cleaned_data["title"])
        if not title:
            raise ValidationError("Bitte einen Titel ohne HTML angeben.")
        return title
