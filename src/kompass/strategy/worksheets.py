"""Use cases of the worksheets (Arbeitshilfen), shared by the pages and the API.

Every write goes through :mod:`kompass.strategy.items` (versioned, attributable, logged,
restorable for 30 days). Permissions (docs/strategy_worksheets.md):

- core team and contributors (``edit_steps``) create, change, delete and restore entries of
  every worksheet and run the online questionnaire;
- external partners (``contribute``) may also create and change entries of the worksheets
  that are filled together in workshops with people from outside the administration – the
  actor mapping (guide lines 3228-3243) and the idea cards (lines 3688-3695) – but not delete
  them;
- readers only read.

Errors as in :mod:`kompass.strategy.services`: ``PermissionDenied`` (403), ``ValidationError``
(message dict; answer errors under ``answers.<field id>``), ``VersionConflict`` (409).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.accounts.models import hash_secret
from kompass.strategy import items
from kompass.strategy.items import VersionConflict, record_activity
from kompass.strategy.models import (
    Activity,
    StepState,
    SurveyRecipient,
    SurveyResponse,
    WorksheetEntry,
    WorksheetSurvey,
    Workspace,
)
from kompass.strategy.permissions import capabilities
from kompass.strategy.process import Field, Worksheet, load_all
from kompass.strategy.steps import STEP_CODES
from kompass.strategy.worksheet_forms import clean_answers, empty_answers, field_label, is_empty

__all__ = [
    "CONTRIBUTION_WORKSHEETS",
    "DEDICATED_PAGES",
    "QUESTIONNAIRE",
    "VersionConflict",
]

#: Worksheets whose entries external partners may create and change (workshop material).
CONTRIBUTION_WORKSHEETS = frozenset({"actor_mapping", "idea_cards"})
#: The worksheet that can be sent out as an online questionnaire.
QUESTIONNAIRE = "digitalisation_questionnaire"
#: Worksheets with a dedicated part of the workspace (URL name in the ``strategy`` namespace).
DEDICATED_PAGES: dict[str, str] = {
    "idea_cards": "strategy:idea_list",
    "project_sketch": "strategy:portfolio",
    "risk_matrix": "strategy:risk_list",
    "project_matrix": "strategy:project_matrix",
    "impact_measurement": "strategy:monitoring",
}


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --------------------------------------------------------------------------- lookups


def worksheets() -> tuple[Worksheet, ...]:
    return load_all().worksheets


def get_worksheet(slug: str) -> Worksheet | None:
    try:
        return load_all().worksheet(slug)
    except KeyError:
        return None


def can_edit(caps: Any, worksheet: str) -> bool:
    """May a member with these capabilities create or change entries of ``worksheet``?"""
    if caps is None:
        return False
    return bool(caps.edit_steps or (caps.contribute and worksheet in CONTRIBUTION_WORKSHEETS))


def _require_edit(actor: Any, workspace: Workspace, worksheet: str) -> None:
    if not can_edit(capabilities(actor, workspace), worksheet):
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))


def _require(actor: Any, workspace: Workspace, capability: str) -> None:
    caps = capabilities(actor, workspace)
    if caps is None or not getattr(caps, capability):
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))


def entries(workspace: Workspace, worksheet: str | None = None) -> Any:
    rows = WorksheetEntry.objects.filter(workspace=workspace).select_related("updated_by")
    if worksheet is not None:
        rows = rows.filter(worksheet=worksheet)
    return rows.order_by("worksheet", "-updated_at", "-id")


def deleted_entries(workspace: Workspace) -> list[WorksheetEntry]:
    """Deleted entries that can still be restored, newest first."""
    cutoff = timezone.now() - dt.timedelta(days=30)
    return list(
        WorksheetEntry.all_objects.filter(
            workspace=workspace, deleted_at__isnull=False, deleted_at__gte=cutoff
        ).order_by("-deleted_at")
    )


def history(entry: WorksheetEntry) -> list[Activity]:
    """The entry's change history (newest first) from the activity log."""
    return list(
        Activity.objects.filter(target_type=entry.target_type(), target_id=entry.pk)
        .select_related("actor")
        .order_by("-at", "-id")
    )


# --------------------------------------------------------------------------- entries


def _prefixed(exc: ValidationError) -> dict[str, list[str]]:
    return {
        f"answers.{key}" if key != "__all__" else "answers": [str(m) for m in messages]
        for key, messages in exc.message_dict.items()
    }


def _clean_meta(
    workspace: Workspace,
    *,
    title: Any,
    step_code: Any,
    round_number: Any,
    errors: dict[str, list[str]],
) -> tuple[str, str, int | None]:
    text = " ".join(str(title or "").split())
    if not text:
        errors.setdefault("title", []).append(_("Bitte einen Titel angeben."))
    elif len(text) > 200:
        errors.setdefault("title", []).append(_("Der Titel ist länger als 200 Zeichen."))
    code = str(step_code or "").strip().upper()
    if code and code not in STEP_CODES:
        errors.setdefault("step_code", []).append(
            _("Arbeitsschritt „%(code)s“ gibt es nicht.") % {"code": step_code}
        )
        code = ""
    number: int | None = None
    if round_number not in (None, ""):
        try:
            number = int(round_number)
        except (TypeError, ValueError):
            number = 0
        if not code:
            errors.setdefault("round", []).append(
                _("Eine Runde gibt es nur zusammen mit einem Arbeitsschritt.")
            )
        elif (
            number < 1
            or not StepState.objects.filter(workspace=workspace, code=code, round=number).exists()
        ):
            errors.setdefault("round", []).append(
                _("Arbeitsschritt %(code)s hat keine Runde %(round)s.")
                % {"code": code, "round": round_number}
            )
    return text, code, number


def create_entry(
    *,
    actor: Any,
    workspace: Workspace,
    worksheet: str,
    title: str,
    answers: Mapping[str, Any] | None = None,
    step_code: str = "",
    round_number: int | None = None,
    details: str = "",
) -> WorksheetEntry:
    """A new entry of ``worksheet`` (missing answers are stored empty)."""
    sheet = get_worksheet(worksheet)
    if sheet is None:
        raise ValidationError(
            {"worksheet": _("Die Arbeitshilfe „%(slug)s“ gibt es nicht.") % {"slug": worksheet}}
        )
    _require_edit(actor, workspace, worksheet)
    errors: dict[str, list[str]] = {}
    text, code, number = _clean_meta(
        workspace, title=title, step_code=step_code, round_number=round_number, errors=errors
    )
    cleaned: dict[str, Any] = {}
    try:
        cleaned = clean_answers(sheet, answers or {})
    except ValidationError as exc:
        errors.update(_prefixed(exc))
    if errors:
        raise ValidationError(errors)
    entry = WorksheetEntry(
        workspace=workspace,
        worksheet=worksheet,
        title=text,
        step_code=code,
        round=number,
        answers={**empty_answers(sheet), **cleaned},
    )
    return items.create_item(entry, actor=actor, details=details)


def update_entry(
    *,
    actor: Any,
    entry: WorksheetEntry,
    version: int,
    title: Any = UNSET,
    step_code: Any = UNSET,
    round_number: Any = UNSET,
    answers: Any = UNSET,
    replace_answers: bool = True,
) -> WorksheetEntry:
    """Change what is given. ``answers`` replaces all answers (``replace_answers``) or only the
    fields it contains (the API's PATCH). Stale ``version`` → :class:`VersionConflict`."""
    _require_edit(actor, entry.workspace, entry.worksheet)
    sheet = entry.sheet
    errors: dict[str, list[str]] = {}
    new_code = entry.step_code if step_code is UNSET else step_code
    new_round = entry.round if round_number is UNSET else round_number
    if step_code is not UNSET and not step_code:
        new_round = None
    text, code, number = _clean_meta(
        entry.workspace,
        title=entry.title if title is UNSET else title,
        step_code=new_code,
        round_number=new_round,
        errors=errors,
    )
    values: dict[str, Any] = {}
    if title is not UNSET:
        values["title"] = text
    if step_code is not UNSET or round_number is not UNSET:
        values["step_code"] = code
        values["round"] = number
    if answers is not UNSET:
        if not isinstance(answers, Mapping):
            errors["answers"] = [_("Die Antworten müssen ein Objekt (Feld: Wert) sein.")]
        else:
            try:
                if replace_answers:
                    values["answers"] = {**empty_answers(sheet), **clean_answers(sheet, answers)}
                else:
                    partial = clean_answers(sheet, answers, only=list(answers))
                    values["answers"] = {**empty_answers(sheet), **entry.answers, **partial}
            except ValidationError as exc:
                errors.update(_prefixed(exc))
    if errors:
        raise ValidationError(errors)
    changed_questions = _changed_labels(sheet, entry.answers, values.get("answers"))
    details = ""
    if changed_questions:
        details = _("Geänderte Felder: %(fields)s") % {"fields": ", ".join(changed_questions)}
    return items.update_item(entry, actor=actor, version=version, values=values, details=details)


def _changed_labels(sheet: Worksheet, old: Mapping[str, Any], new: Any) -> list[str]:
    if new is None:
        return []
    return [
        field_label(f)
        for f in sheet.fields
        if (old or {}).get(f.id) != new.get(f.id)
        and not (is_empty((old or {}).get(f.id)) and is_empty(new.get(f.id)))
    ]


def delete_entry(*, actor: Any, entry: WorksheetEntry, version: int) -> WorksheetEntry:
    """Soft-delete (restorable for 30 days); core team and contributors only."""
    _require(actor, entry.workspace, "edit_steps")
    return items.soft_delete_item(entry, actor=actor, version=version)


def restore_entry(*, actor: Any, entry: WorksheetEntry) -> WorksheetEntry:
    _require(actor, entry.workspace, "edit_steps")
    return items.restore_item(entry, actor=actor)


# --------------------------------------------------------------------------- Digitalcheck

#: Which Digitalcheck items (digitalcheck-v1.yaml) fill which question of the
#: digitalisation questionnaire (worksheets.yaml). Questions without a match stay empty.
DIGITALCHECK_MAPPING: dict[str, tuple[str, ...]] = {
    "strategy_exists": (
        "strategy_stage",
        "strategy_components",
        "strategy_anchoring",
        "strategy_alignment",
    ),
    "citizen_channels": ("participation_offers", "outreach"),
    "standard_applications": ("efile_stage", "fim_use"),
    "optimisation_needs": ("challenges", "barriers", "support_wanted"),
    "digital_services": ("online_services", "eservice_components"),
    "coordination_office": ("digital_lead", "digital_unit", "reports_to_top"),
    "internal_it_topics": ("it_operations",),
    "it_skills_outside_it": ("training_offers", "training_share"),
    "broadband": ("broadband_rating", "fibre_involvement"),
    "lte_coverage": ("mobile_rating",),
    "open_wifi": ("public_wifi",),
    "data_domains": ("data_inventory",),
    "data_storage": ("data_central",),
    "data_reuse": ("open_data",),
    "data_platform": ("urban_data",),
    "key_projects": ("fields_addressed", "cross_sector_projects"),
    "project_leads": ("strategy_partners", "intermunicipal", "partner_network"),
    "further_projects": ("community_support", "citizen_skills"),
}

NO_ANSWER_LABEL = "keine Angabe"


def digitalcheck_date(submission: Any) -> str:
    when = submission.submitted_at or submission.updated_at
    return timezone.localtime(when).strftime("%d.%m.%Y") if when else ""


def digitalcheck_prefill(submission: Any) -> dict[str, str]:
    """Answers of the questionnaire pre-filled from a submitted Digitalcheck: for each mapped
    question a short text „Aus dem Digitalcheck vom 12.03.2026:“ with one line per
    Digitalcheck question and its answer (skipped: unanswered items and „keine Angabe“)."""
    result = getattr(submission, "result", None) or {}
    readable = {
        a.get("item_id"): a
        for a in result.get("answers", [])
        if isinstance(a, Mapping) and a.get("answer") not in (None, "", NO_ANSWER_LABEL)
    }
    heading = _("Aus dem Digitalcheck vom %(date)s:") % {"date": digitalcheck_date(submission)}
    prefill: dict[str, str] = {}
    for question, item_ids in DIGITALCHECK_MAPPING.items():
        lines = [
            f"– {readable[i]['question']} {readable[i]['answer']}"
            for i in item_ids
            if i in readable
        ]
        if lines:
            prefill[question] = "\n".join([heading, *lines])
    return prefill


# --------------------------------------------------------------------------- surveys


def questionnaire() -> Worksheet:
    return load_all().worksheet(QUESTIONNAIRE)


def _clean_questions(questions: Any, errors: dict[str, list[str]]) -> list[str]:
    known = [f.id for f in questionnaire().fields]
    if questions in (None, ""):
        return known
    chosen = [q for q in questions if q in known]
    unknown = [str(q) for q in questions if q not in known]
    if unknown:
        errors.setdefault("questions", []).append(
            _("Diese Fragen gibt es im Fragebogen nicht: %(ids)s.") % {"ids": ", ".join(unknown)}
        )
    if not chosen and not unknown:
        errors.setdefault("questions", []).append(_("Bitte mindestens eine Frage auswählen."))
    return [q for q in known if q in chosen]


def create_survey(
    *,
    actor: Any,
    entry: WorksheetEntry,
    title: str,
    intro: str = "",
    questions: list[str] | None = None,
    closes_on: dt.date | None = None,
) -> WorksheetSurvey:
    """An online survey of the questionnaire ``entry`` (core team and contributors)."""
    _require(actor, entry.workspace, "edit_steps")
    errors: dict[str, list[str]] = {}
    if entry.worksheet != QUESTIONNAIRE:
        errors.setdefault("entry", []).append(
            _("Nur der Fragebogen Digitalisierung lässt sich online verschicken.")
        )
    text = " ".join((title or "").split())
    if not text:
        errors.setdefault("title", []).append(_("Bitte einen Titel angeben."))
    elif len(text) > 200:
        errors.setdefault("title", []).append(_("Der Titel ist länger als 200 Zeichen."))
    chosen = _clean_questions(questions, errors)
    if closes_on is not None and closes_on < timezone.localdate():
        errors.setdefault("closes_on", []).append(_("Das Datum liegt in der Vergangenheit."))
    if errors:
        raise ValidationError(errors)
    survey = WorksheetSurvey(
        workspace=entry.workspace,
        entry=entry,
        title=text,
        intro=(intro or "").strip(),
        questions=chosen,
        closes_on=closes_on,
    )
    return items.create_item(survey, actor=actor)


def update_survey(
    *, actor: Any, survey: WorksheetSurvey, version: int, **values: Any
) -> WorksheetSurvey:
    """Change title, intro, questions, ``closes_on``; ``closed=True/False`` ends or reopens."""
    _require(actor, survey.workspace, "edit_steps")
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    if "title" in values:
        text = " ".join((values["title"] or "").split())
        if not text:
            errors.setdefault("title", []).append(_("Bitte einen Titel angeben."))
        changes["title"] = text[:200]
    if "intro" in values:
        changes["intro"] = (values["intro"] or "").strip()
    if "questions" in values:
        changes["questions"] = _clean_questions(values["questions"], errors)
    if "closes_on" in values:
        changes["closes_on"] = values["closes_on"]
    if "closed" in values:
        changes["closed_at"] = (survey.closed_at or timezone.now()) if values["closed"] else None
    if errors:
        raise ValidationError(errors)
    return items.update_item(survey, actor=actor, version=version, values=changes)


@dataclass
class NewRecipient:
    recipient: SurveyRecipient
    token: str
    mailed: bool


def add_recipients(
    *,
    actor: Any,
    survey: WorksheetSurvey,
    people: list[Mapping[str, str]],
    answer_url_template: str,
    send_mails: bool = True,
) -> list[NewRecipient]:
    """Add recipients (``name``, ``actor_group``, optional ``email``); each gets a personal
    link (``answer_url_template`` contains ``{token}``; only the hash is stored). With an
    e-mail address and ``send_mails`` the link is sent by e-mail."""
    _require(actor, survey.workspace, "edit_steps")
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[str, str, str]] = []
    for number, person in enumerate(people, start=1):
        name = " ".join(str(person.get("name", "")).split())
        group = " ".join(str(person.get("actor_group", "")).split())
        email = str(person.get("email", "") or "").strip().lower()
        if not name and not group and not email:
            continue
        if not name:
            errors.setdefault("recipients", []).append(
                _("Zeile %(n)s: Bitte einen Namen angeben.") % {"n": number}
            )
        if email and ("@" not in email or len(email) > 254 or " " in email):
            errors.setdefault("recipients", []).append(
                _("Zeile %(n)s, E-Mail-Adresse: „%(email)s“ ist keine gültige Adresse.")
                % {"n": number, "email": email}
            )
        cleaned.append((name[:200], group[:200], email))
    if not cleaned and not errors:
        errors["recipients"] = [_("Bitte mindestens eine Person angeben.")]
    if not survey.is_open:
        errors.setdefault("recipients", []).append(_("Die Befragung ist beendet."))
    if errors:
        raise ValidationError(errors)
    created: list[NewRecipient] = []
    with transaction.atomic():
        for name, group, email in cleaned:
            token, token_hash = SurveyRecipient.new_token()
            recipient = SurveyRecipient.objects.create(
                survey=survey, name=name, actor_group=group, email=email, token_hash=token_hash
            )
            created.append(NewRecipient(recipient, token, False))
        record_activity(
            workspace=survey.workspace,
            actor=actor,
            verb=Activity.Verb.UPDATED,
            object_description=survey.describe(),
            details=_("Befragte hinzugefügt: %(names)s")
            % {"names": ", ".join(n.recipient.name for n in created)},
        )
    if send_mails:
        for new in created:
            if new.recipient.email:
                _mail_link(actor, survey, new, answer_url_template)
    return created


def _mail_link(actor: Any, survey: WorksheetSurvey, new: NewRecipient, template: str) -> None:
    context = {
        "survey": survey,
        "recipient": new.recipient,
        "workspace": survey.workspace,
        "sender": actor,
        "answer_url": template.format(token=new.token),
    }
    send_mail(
        subject=render_to_string("strategy/worksheets/email_survey_subject.txt", context).strip(),
        message=render_to_string("strategy/worksheets/email_survey_body.txt", context),
        from_email=None,
        recipient_list=[new.recipient.email],
    )
    new.mailed = True
    SurveyRecipient.objects.filter(pk=new.recipient.pk).update(mailed_at=timezone.now())


def renew_link(
    *, actor: Any, recipient: SurveyRecipient, answer_url_template: str, send: bool = False
) -> NewRecipient:
    """A new personal link for ``recipient`` (the old one stops working)."""
    _require(actor, recipient.survey.workspace, "edit_steps")
    token, token_hash = SurveyRecipient.new_token()
    recipient.token_hash = token_hash
    recipient.save(update_fields=["token_hash"])
    record_activity(
        workspace=recipient.survey.workspace,
        actor=actor,
        verb=Activity.Verb.UPDATED,
        object_description=recipient.survey.describe(),
        details=_("Neuer Antwortlink für %(name)s") % {"name": recipient.name},
    )
    new = NewRecipient(recipient, token, False)
    if send and recipient.email:
        _mail_link(actor, recipient.survey, new, answer_url_template)
    return new


def remove_recipient(*, actor: Any, recipient: SurveyRecipient) -> None:
    """Remove a recipient and their answers (personal data; not restorable)."""
    survey = recipient.survey
    _require(actor, survey.workspace, "edit_steps")
    name = recipient.name
    recipient.delete()
    record_activity(
        workspace=survey.workspace,
        actor=actor,
        verb=Activity.Verb.UPDATED,
        object_description=survey.describe(),
        details=_("Befragte Person entfernt: %(name)s") % {"name": name},
    )


def recipient_by_token(token: str) -> SurveyRecipient | None:
    """The recipient of a personal link (any state of the survey), or None."""
    if not token or len(token) > 100:
        return None
    return (
        SurveyRecipient.objects.select_related("survey__workspace__municipality", "survey__entry")
        .filter(token_hash=hash_secret(token), survey__deleted_at__isnull=True)
        .first()
    )


def survey_fields(survey: WorksheetSurvey) -> list[Field]:
    chosen = set(survey.questions or [])
    return [f for f in questionnaire().fields if f.id in chosen]


def answer_survey(*, recipient: SurveyRecipient, answers: Mapping[str, Any]) -> SurveyResponse:
    """Store (or replace) the recipient's answers while the survey is open."""
    survey = recipient.survey
    if not survey.is_open:
        raise ValidationError(
            _("Die Befragung „%(title)s“ ist beendet; Antworten sind nicht mehr möglich.")
            % {"title": survey.title}
        )
    cleaned = clean_answers(questionnaire(), answers, only=survey.questions)
    now = timezone.now()
    with transaction.atomic():
        response, created = SurveyResponse.objects.select_for_update().get_or_create(
            recipient=recipient,
            defaults={"answers": cleaned, "submitted_at": now, "updated_at": now},
        )
        if not created:
            response.answers = cleaned
            response.updated_at = now
            response.save(update_fields=["answers", "updated_at"])
        record_activity(
            workspace=survey.workspace,
            actor=None,
            verb=Activity.Verb.UPDATED,
            object_description=survey.describe(),
            details=(
                _("Antwort von %(name)s eingegangen")
                if created
                else _("Antwort von %(name)s geändert")
            )
            % {"name": recipient.name},
        )
    return response


@dataclass
class QuestionResult:
    """The answers to one question, aggregated."""

    field: Field
    texts: list[tuple[str, str, Any]] = dc_field(default_factory=list)
    numbers: list[float] = dc_field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.numbers) if self.field.type in ("number", "scale") else len(self.texts)

    @property
    def stats(self) -> dict[str, float] | None:
        if not self.numbers:
            return None
        return {
            "n": len(self.numbers),
            "min": min(self.numbers),
            "mean": round(statistics.fmean(self.numbers), 2),
            "median": statistics.median(self.numbers),
            "max": max(self.numbers),
        }


@dataclass
class SurveyResults:
    survey: WorksheetSurvey
    recipients: int
    responses: int
    questions: list[QuestionResult]


def survey_results(survey: WorksheetSurvey) -> SurveyResults:
    """Answers per question: texts with name and group of the respondent; numbers with n,
    min, mean, median and max."""
    recipients = list(survey.recipients.select_related("response").order_by("name", "id"))
    results = [QuestionResult(f) for f in survey_fields(survey)]
    responses = 0
    for recipient in recipients:
        response = getattr(recipient, "response", None)
        if response is None:
            continue
        responses += 1
        for result in results:
            value = (response.answers or {}).get(result.field.id)
            if is_empty(value):
                continue
            if result.field.type in ("number", "scale"):
                result.numbers.append(value)
            result.texts.append((recipient.name, recipient.actor_group, value))
    return SurveyResults(survey, len(recipients), responses, results)


def _german(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def results_summary(results: SurveyResults) -> dict[str, Any]:
    """The aggregated answers as answers of the questionnaire: texts as one line per
    respondent („Name (Gruppe): …“), numbers as their median."""
    date = timezone.localdate().strftime("%d.%m.%Y")
    summary: dict[str, Any] = {}
    for result in results.questions:
        if not result.texts:
            continue
        if result.field.type in ("number", "scale"):
            stats = result.stats
            assert stats is not None
            median = stats["median"]
            summary[result.field.id] = int(median) if float(median).is_integer() else median
            continue
        heading = _("Aus der Befragung „%(title)s“ (%(n)s Antworten, Stand %(date)s):") % {
            "title": results.survey.title,
            "n": len(result.texts),
            "date": date,
        }
        lines = []
        for name, group, value in result.texts:
            who = f"{name} ({group})" if group else name
            text = "; ".join(value) if isinstance(value, list) else str(value)
            lines.append(f"– {who}: {' '.join(text.split())}")
        summary[result.field.id] = "\n".join([heading, *lines])
    return summary


def copy_results_to_entry(*, actor: Any, survey: WorksheetSurvey, version: int) -> WorksheetEntry:
    """Add the summary of the answers to the team's questionnaire entry: texts are appended
    below what the team wrote; a number is only set where the team has none."""
    entry = survey.entry
    _require(actor, entry.workspace, "edit_steps")
    summary = results_summary(survey_results(survey))
    if not summary:
        raise ValidationError(_("Es liegen noch keine Antworten vor."))
    sheet = entry.sheet
    answers = dict(entry.answers)
    for field_id, value in summary.items():
        field = sheet.field(field_id)
        current = answers.get(field_id)
        if field.type in ("number", "scale"):
            if current is None:
                answers[field_id] = value
        else:
            answers[field_id] = f"{current}\n\n{value}".strip() if current else value
    return update_entry(actor=actor, entry=entry, version=version, answers=answers)
