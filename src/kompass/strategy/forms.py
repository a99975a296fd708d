"""Forms of the strategy workspace pages (German labels; the services validate the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kompass.core.models import Municipality
from kompass.strategy.models import StepState, Workspace, WorkspaceMember
from kompass.strategy.permissions import EDITING_ROLES
from kompass.strategy.steps import entry_variant_labels


class WorkspaceForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Kommune"),
        queryset=Municipality.objects.none(),
        empty_label=None,
        help_text=_("Kommunen, in denen Sie Mitglied sind."),
    )
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("z. B. „Digitalstrategie 2030“ oder „Smarte Region Nord“."),
    )
    kind = forms.ChoiceField(
        label=_("Art des Vorhabens"),
        choices=Workspace.Kind.choices,
        initial=Workspace.Kind.STRATEGY,
    )
    entry_variant = forms.ChoiceField(
        label=_("Einstieg in den Prozess"),
        choices=Workspace.EntryVariant.choices,
        initial=Workspace.EntryVariant.STRATEGY_FIRST,
        widget=forms.RadioSelect,
    )
    slug = forms.SlugField(
        label=_("Kurzname in der Adresse (optional)"),
        max_length=80,
        required=False,
        help_text=_("Ohne Angabe aus dem Titel gebildet, z. B. „digitalstrategie-2030“."),
    )
    #: The number or private-link token of the Digitalcheck to start from (set by the
    #: result page's button; resolved by services.digitalcheck_for).
    digitalcheck = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = municipalities
        descriptions = entry_variant_labels()
        self.fields["entry_variant"].help_text = " ".join(
            f"{label}: {descriptions[value][1]}"
            for value, label in Workspace.EntryVariant.choices
            if value in descriptions
        )


class StepForm(forms.Form):
    """State, owner, due date, checklist and reason of one step round, with its version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    state = forms.ChoiceField(label=_("Status"), choices=StepState.State.choices)
    owner = forms.ModelChoiceField(
        label=_("Verantwortlich"),
        queryset=WorkspaceMember.objects.none(),
        required=False,
        empty_label=_("– niemand –"),
    )
    due_date = forms.DateField(
        label=_("Fällig am"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    checklist = forms.TypedMultipleChoiceField(
        label=_("Ergebnisse"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    done_reason = forms.CharField(
        label=_("Begründung, falls „erledigt“ ohne alle Ergebnisse"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, step: StepState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = (
            WorkspaceMember.objects.filter(workspace=step.workspace, role__in=EDITING_ROLES)
            .select_related("user")
            .order_by("user__name", "user__email")
        )
        owner.label_from_instance = lambda m: f"{m.user} ({m.get_role_display()})"
        checklist = self.fields["checklist"]
        assert isinstance(checklist, forms.TypedMultipleChoiceField)
        checklist.choices = list(enumerate(step.info.results))
        if not step.info.results:
            checklist.help_text = _("Für diesen Schritt nennt die Handreichung keine Ergebnisse.")

    @staticmethod
    def initial_for(step: StepState) -> dict[str, Any]:
        return {
            "version": step.version,
            "state": step.state,
            "owner": step.owner_id,
            "due_date": step.due_date,
            "checklist": list(step.checklist or []),
            "done_reason": step.done_reason,
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=WorkspaceMember.Role.choices,
        initial=WorkspaceMember.Role.CONTRIBUTOR,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rolle"), choices=WorkspaceMember.Role.choices)


class VersionForm(forms.Form):
    """Hidden version of the step an action button refers to."""

    version = forms.IntegerField(min_value=1, required=False)
