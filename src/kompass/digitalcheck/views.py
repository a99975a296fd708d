"""Digitalcheck pages (German, under /digitalcheck/): start page, the questionnaire section by
section, finishing, the result, and for members the history and the comparison of two dates.

Two kinds of checks share the same pages through :class:`Check`:

- anonymous checks live behind a private link (``/digitalcheck/check/<token>/…`` while being
  filled in, ``/digitalcheck/ergebnis/<token>/`` for the result); whoever has the link may
  continue, read and delete it;
- members' checks live under their municipality (``/digitalcheck/kommune/<slug>/…``); only
  members of that municipality see them, everybody else gets 404 (anonymous visitors are sent
  to the login first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kompass.accounts.models import User
from kompass.analysis.benchmarks import MIN_GROUP
from kompass.analysis.municipality_types import TYPE_NAMES
from kompass.core.models import Municipality
from kompass.digitalcheck import exports, reports, services
from kompass.digitalcheck.examples import examples_for_gaps
from kompass.digitalcheck.forms import (
    AnonymousStartForm,
    CompareForm,
    MemberStartForm,
    ReleaseForm,
)
from kompass.digitalcheck.models import RESTORE_DAYS, Submission
from kompass.questionnaires.definition import REQUIRED_MESSAGE, Questionnaire, validate_answers
from kompass.questionnaires.forms import QuestionnaireForm
from kompass.questionnaires.services import get_definition

#: The strategy workspace's "new strategy" page (built later, issue of the workspace); it reads
#: ``?digitalcheck=<id or token>``.
STRATEGY_NEW_URL = "/strategie/neu/"


@dataclass
class Check:
    """A submission with the way it is addressed: by private token (anonymous) or by
    municipality and id (members)."""

    submission: Submission
    token: str | None = None

    @property
    def municipality(self) -> Municipality | None:
        return self.submission.municipality

    def url(self, name: str, **kwargs: Any) -> str:
        if self.token is not None:
            return reverse(f"digitalcheck_anonymous_{name}", kwargs={"token": self.token, **kwargs})
        municipality = self.submission.municipality
        assert municipality is not None
        return reverse(
            f"digitalcheck_member_{name}",
            kwargs={"slug": municipality.slug, "pk": self.submission.pk, **kwargs},
        )

    @property
    def reference(self) -> str:
        """What the strategy workspace gets: the token for anonymous checks, else the id."""
        return self.token if self.token is not None else str(self.submission.pk)


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages behind a private link: never cached, never indexed."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(wrapper)


def _anonymous(token: str) -> Check:
    submission = services.by_token(token)
    if submission is None:
        raise Http404(_("Diesen Check gibt es nicht (mehr)."))
    return Check(submission, token)


def _municipality(request: HttpRequest, slug: str) -> Municipality:
    """The municipality if the signed-in user is one of its members; 404 for everyone else,
    so that outsiders cannot even tell which checks exist."""
    municipality = get_object_or_404(Municipality, slug=slug)
    user = request.user
    assert isinstance(user, User)
    if not user.is_member_of(municipality):
        raise Http404
    return municipality


def _member(request: HttpRequest, slug: str, pk: int, *, deleted: bool = False) -> Check:
    municipality = _municipality(request, slug)
    rows = Submission.objects.filter(municipality=municipality)
    rows = rows.exclude(deleted_at=None) if deleted else rows.filter(deleted_at=None)
    submission = get_object_or_404(rows.select_related("municipality", "questionnaire"), pk=pk)
    return Check(submission)


# --- Start -----------------------------------------------------------------------------------
def start(request: HttpRequest) -> HttpResponse:
    """What the Digitalcheck is, and the ways to begin: anonymously or as a member."""
    version = services.questionnaire_version()
    questionnaire = get_definition(version)
    return render(
        request,
        "digitalcheck/start.html",
        {
            "questionnaire": questionnaire,
            "municipalities": services.member_municipalities(request.user),
            "form": AnonymousStartForm(),
            "min_group": MIN_GROUP,
            "restore_days": RESTORE_DAYS,
        },
    )


@private
def start_anonymous(request: HttpRequest) -> HttpResponse:
    """Population and Land, then the first section; the check gets its private link."""
    form = AnonymousStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # No author, even for a signed-in user: an anonymous check is linked to no account.
        submission, token = services.start(
            population=form.cleaned_data["population"], land=form.cleaned_data["land"] or None
        )
        assert token is not None
        messages.info(
            request,
            _(
                "Ihr Check ist angelegt. Er wird nach jedem Abschnitt gespeichert; über die "
                "Adresse dieser Seite können Sie später weitermachen."
            ),
        )
        return redirect(Check(submission, token).url("section", number=1))
    status = 400 if form.is_bound else 200
    return render(request, "digitalcheck/start_anonymous.html", {"form": form}, status=status)


@login_required
@require_POST
def start_member(request: HttpRequest, slug: str) -> HttpResponse:
    """A member begins a check for their municipality (population and Land from its
    record; asked for only if the record has no population)."""
    municipality = _municipality(request, slug)
    form = MemberStartForm(request.POST, needs_population=not municipality.population)
    if form.needs_population and not (
        request.POST.get("population") is not None and form.is_valid()
    ):
        return render(
            request,
            "digitalcheck/start_member.html",
            {"form": form, "municipality": municipality},
            status=400 if "population" in request.POST else 200,
        )
    population = form.cleaned_data.get("population") if form.needs_population else None
    submission, _token = services.start(
        municipality=municipality, population=population, author=request.user
    )
    return redirect(Check(submission).url("section", number=1))


# --- The questionnaire, section by section ---------------------------------------------------
def _section(request: HttpRequest, check: Check, number: int) -> HttpResponse:
    submission = check.submission
    if submission.is_submitted:
        return redirect(check.url("result"))
    questionnaire = get_definition(submission.questionnaire)
    total = len(questionnaire.sections)
    if not 1 <= number <= total:
        raise Http404
    section = questionnaire.sections[number - 1]
    if request.method == "POST":
        form = QuestionnaireForm(
            questionnaire, section=section.id, data=request.POST, answers=submission.answers
        )
        if form.is_valid():
            services.save_draft(submission, form.answers, section=section.id)
            if form.dropped:
                messages.info(
                    request,
                    _(
                        "Nach Ihren Antworten entfallen Fragen, die Sie schon beantwortet "
                        "hatten; diese Antworten wurden verworfen."
                    ),
                )
            action = request.POST.get("action")
            if action == "back":
                return redirect(check.url("section", number=max(1, number - 1)))
            if action == "save":
                messages.success(request, _("Ihre Antworten sind gespeichert."))
                return redirect(check.url("section", number=number))
            if number < total:
                return redirect(check.url("section", number=number + 1))
            return redirect(check.url("finish"))
        status = 400
    else:
        form = QuestionnaireForm(questionnaire, section=section.id, answers=submission.answers)
        status = 200
    return render(
        request,
        "digitalcheck/section.html",
        {
            **_context(check, questionnaire),
            "form": form,
            "section": section,
            "number": number,
            "total": total,
            "steps": _steps(check, questionnaire, number),
            "private_link": request.build_absolute_uri(check.url("section", number=1))
            if check.token
            else "",
        },
        status=status,
    )


def _steps(check: Check, questionnaire: Questionnaire, current: int) -> list[dict[str, Any]]:
    answers = check.submission.answers
    visibility = questionnaire.visibility(answers)
    steps = []
    for index, section in enumerate(questionnaire.sections, start=1):
        asked = [item for item in section.items if visibility[item.id]]
        steps.append(
            {
                "number": index,
                "title": section.title,
                "url": check.url("section", number=index),
                "current": index == current,
                "answered": sum(1 for item in asked if item.id in answers),
                "asked": len(asked),
            }
        )
    return steps


def _context(check: Check, questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "check": check,
        "submission": check.submission,
        "questionnaire": questionnaire,
        "urls": _urls(check),
    }


def _urls(check: Check) -> dict[str, str]:
    urls = {name: check.url(name) for name in ("finish", "result", "release", "delete")}
    urls["report_pdf"] = check.url("report", fmt="pdf")
    urls["report_docx"] = check.url("report", fmt="docx")
    municipality = check.municipality
    if municipality is not None:
        urls["history"] = reverse("digitalcheck_history", kwargs={"slug": municipality.slug})
    return urls


def _finish(request: HttpRequest, check: Check) -> HttpResponse:
    """An overview of what is answered, the release choice, and the button that finishes."""
    submission = check.submission
    if submission.is_submitted:
        return redirect(check.url("result"))
    questionnaire = get_definition(submission.questionnaire)
    form = ReleaseForm(
        request.POST if request.method == "POST" else None,
        initial={"released": submission.released_for_comparison},
    )
    errors: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.submit(submission, released=form.cleaned_data["released"])
        except services.InvalidAnswers as exc:
            errors = _located(check, questionnaire, exc.errors)
            status = 400
        else:
            messages.success(request, _("Ihr Check ist abgeschlossen und ausgewertet."))
            return redirect(check.url("result"))
    else:
        _cleaned, problems = validate_answers(questionnaire, submission.answers, final=True)
        errors = _located(check, questionnaire, problems)
    return render(
        request,
        "digitalcheck/finish.html",
        {
            **_context(check, questionnaire),
            "form": form,
            "errors": errors,
            "failed": status == 400,
            "steps": _steps(check, questionnaire, 0),
            "total": len(questionnaire.sections),
        },
        status=status,
    )


def _located(check: Check, questionnaire: Questionnaire, errors: Any) -> list[dict[str, Any]]:
    """Errors with the question and a link to its section."""
    numbers = {section.id: index for index, section in enumerate(questionnaire.sections, 1)}
    located = []
    for item_id, message in errors:
        if questionnaire.has_item(item_id):
            item = questionnaire.item(item_id)
            located.append(
                {
                    "question": item.text,
                    "message": message,
                    "required": message == REQUIRED_MESSAGE,
                    "url": check.url("section", number=numbers[item.section]),
                }
            )
        else:
            located.append({"question": item_id, "message": message, "url": ""})
    return located


# --- Result ----------------------------------------------------------------------------------
def _result(request: HttpRequest, check: Check) -> HttpResponse:
    submission = check.submission
    if not submission.is_submitted:
        questionnaire = get_definition(submission.questionnaire)
        ids = [section.id for section in questionnaire.sections]
        number = (
            ids.index(submission.current_section) + 1 if submission.current_section in ids else 1
        )
        return redirect(check.url("section", number=number))
    result = services.result_of(submission)
    assert result is not None
    dimensions = {d["id"]: d for d in result["dimensions"]}
    return render(
        request,
        "digitalcheck/result.html",
        {
            "check": check,
            "submission": submission,
            "urls": _urls(check),
            "result": result,
            "dimensions": dimensions,
            "gaps": [dimensions[g] for g in result["gaps"]],
            "strengths": [dimensions[s] for s in result["strengths"]],
            "held_down_by": [dimensions[d] for d in result["overall"]["held_down_by"]],
            "recommendations_by_gap": _recommendations_by_gap(result, dimensions),
            "barrier_recommendations": [
                r for r in result["recommendations"] if r["reason_code"].startswith("barrier:")
            ],
            "figure_groups": _figure_groups(result, dimensions),
            "charts": _charts(result),
            "chart_summary": chart_summary(result),
            "type_likelihoods": [
                (TYPE_NAMES.get(slug, slug), round(share * 100))
                for slug, share in (result["type"]["likelihoods"] or {}).items()
            ],
            "examples": examples_for_gaps(result["gaps"], result["municipality"]["size_class"]),
            "release_form": ReleaseForm(initial={"released": submission.released_for_comparison}),
            "strategy_url": f"{STRATEGY_NEW_URL}?digitalcheck={check.reference}",
            "private_link": request.build_absolute_uri(check.url("result")) if check.token else "",
            "restore_days": RESTORE_DAYS,
        },
    )


def _recommendations_by_gap(
    result: dict[str, Any], dimensions: dict[str, dict[str, Any]]
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    grouped = []
    for gap in result["gaps"]:
        chosen = [r for r in result["recommendations"] if r["reason_code"] == f"gap:{gap}"]
        grouped.append((dimensions[gap], chosen))
    return grouped


TOPIC_TITLES = {
    "challenges": "Herausforderungen",
    "barriers": "Hürden",
    "support": "Unterstützung",
    "self_rating": "Selbsteinschätzung",
    "type": "Kommunentypen",
}


def _figure_groups(
    result: dict[str, Any], dimensions: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Reference figures by topic (dimensions in questionnaire order, then the others); the
    figures that correspond to one of the own answers first."""
    order = list(dimensions) + list(TOPIC_TITLES)
    groups: dict[str, list[dict[str, Any]]] = {}
    for figure in result["reference_figures"]:
        groups.setdefault(figure.get("topic") or "other", []).append(figure)
    titled = []
    for topic in sorted(groups, key=lambda t: order.index(t) if t in order else len(order)):
        figures = sorted(groups[topic], key=lambda f: f["your_answer"] is None)
        title = dimensions.get(topic, {}).get("title") or TOPIC_TITLES.get(topic, _("Weitere"))
        titled.append({"topic": topic, "title": title, "figures": figures})
    return titled


def _charts(result: dict[str, Any]) -> dict[str, Any]:
    """Chart specifications for static/kompass/js/charts.js (the same tables are on the page)."""
    scored = [d for d in result["dimensions"]]
    charts: dict[str, Any] = {
        "bereiche": {
            "labels": [d["title"] for d in scored],
            "series": [{"label": _("Punkte (0 bis 100)"), "data": [d["score"] for d in scored]}],
            "unit": _("Punkte"),
            "vertical": False,
        }
    }
    peers = result.get("peers")
    if peers and peers["histogram"]:
        charts["vergleich"] = {
            "labels": [_bin_label(b) for b in peers["histogram"]],
            "series": [
                {"label": _("Anzahl Kommunen"), "data": [b["count"] for b in peers["histogram"]]}
            ],
            "unit": _("Kommunen"),
            "vertical": True,
        }
    return charts


def _bin_label(bin_: dict[str, Any]) -> str:
    label = f"{bin_['from']}–{bin_['to']}"
    return f"{label} ({_('Ihr Wert')})" if bin_["you"] else label


def chart_summary(result: dict[str, Any]) -> str:
    scored = [d for d in result["dimensions"] if d["score"] is not None]
    if not scored:
        return _("Punkte je Bereich: kein Bereich hat genug Antworten für einen Wert.")
    high = max(scored, key=lambda d: d["score"])
    low = min(scored, key=lambda d: d["score"])
    return _(
        "Punkte je Bereich von 0 bis 100: höchster Wert %(high)s mit %(high_score)s, "
        "niedrigster Wert %(low)s mit %(low_score)s. Alle Werte stehen in der Tabelle."
    ) % {
        "high": high["title"],
        "high_score": _number(high["score"]),
        "low": low["title"],
        "low_score": _number(low["score"]),
    }


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _release(request: HttpRequest, check: Check) -> HttpResponse:
    form = ReleaseForm(request.POST)
    form.is_valid()
    released = bool(form.cleaned_data.get("released"))
    services.release(check.submission, released)
    messages.success(
        request,
        _("Ihr Ergebnis ist für den Vergleich freigegeben.")
        if released
        else _("Ihr Ergebnis ist nicht mehr für den Vergleich freigegeben."),
    )
    return redirect(check.url("result"))


def _delete(request: HttpRequest, check: Check) -> HttpResponse:
    submission = check.submission
    if request.method == "POST":
        gone = services.delete(submission)
        if gone:
            messages.success(
                request, _("Ihr Check wurde vollständig gelöscht. Es sind keine Daten übrig.")
            )
            return redirect("digitalcheck")
        municipality = submission.municipality
        assert municipality is not None
        until = submission.restorable_until
        messages.success(
            request,
            _("Der Check wurde gelöscht. Sie können ihn bis zum %(date)s wiederherstellen.")
            % {"date": date_format(timezone.localtime(until), "j. F Y") if until else ""},
        )
        return redirect("digitalcheck_history", slug=municipality.slug)
    return render(
        request,
        "digitalcheck/delete.html",
        {
            "check": check,
            "submission": submission,
            "urls": _urls(check),
            "restore_days": RESTORE_DAYS,
        },
    )


# --- Anonymous checks (private link) ---------------------------------------------------------
@private
def anonymous_section(request: HttpRequest, token: str, number: int) -> HttpResponse:
    return _section(request, _anonymous(token), number)


@private
def anonymous_finish(request: HttpRequest, token: str) -> HttpResponse:
    return _finish(request, _anonymous(token))


@private
def anonymous_result(request: HttpRequest, token: str) -> HttpResponse:
    return _result(request, _anonymous(token))


@private
@require_POST
def anonymous_release(request: HttpRequest, token: str) -> HttpResponse:
    return _release(request, _anonymous(token))


@private
def anonymous_delete(request: HttpRequest, token: str) -> HttpResponse:
    return _delete(request, _anonymous(token))


# --- Members' checks -------------------------------------------------------------------------
@login_required
def member_section(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    return _section(request, _member(request, slug, pk), number)


@login_required
def member_finish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _finish(request, _member(request, slug, pk))


@login_required
def member_result(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _result(request, _member(request, slug, pk))


@login_required
@require_POST
def member_release(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _release(request, _member(request, slug, pk))


@login_required
def member_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _delete(request, _member(request, slug, pk))


@login_required
@require_POST
def member_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    check = _member(request, slug, pk, deleted=True)
    try:
        services.restore(check.submission)
    except services.DigitalcheckError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Der Check ist wiederhergestellt."))
    return redirect("digitalcheck_history", slug=slug)


@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """A municipality's checks, newest first, with the deleted ones that can be restored and
    the choice of two dates to compare."""
    municipality = _municipality(request, slug)
    checks = services.history(municipality)
    submitted = [c for c in checks["checks"] if c.is_submitted]
    compare_form = CompareForm(checks=submitted) if len(submitted) >= 2 else None
    if compare_form is not None and len(submitted) >= 2:
        ordered = sorted(submitted, key=lambda c: (c.submitted_at, c.pk))
        compare_form.initial = {"a": ordered[-2].pk, "b": ordered[-1].pk}
    return render(
        request,
        "digitalcheck/history.html",
        {
            "municipality": municipality,
            "checks": checks["checks"],
            "deleted": checks["deleted"],
            "compare_form": compare_form,
            "needs_population": not municipality.population,
            "start_form": MemberStartForm(needs_population=not municipality.population),
            "restore_days": RESTORE_DAYS,
        },
    )


@login_required
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    """Dimension scores of two submitted checks side by side with the difference."""
    municipality = _municipality(request, slug)
    submitted = [c for c in services.history(municipality)["checks"] if c.is_submitted]
    form = CompareForm(request.GET or None, checks=submitted)
    rows: list[dict[str, Any]] = []
    first = second = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            first = form.by_pk[form.cleaned_data["a"]]
            second = form.by_pk[form.cleaned_data["b"]]
            rows = services.compare(first, second)
        else:
            status = 400
    return render(
        request,
        "digitalcheck/compare.html",
        {
            "municipality": municipality,
            "form": form,
            "rows": rows,
            "first": first,
            "second": second,
            "enough": len(submitted) >= 2,
        },
        status=status,
    )


# --- Report and dataset downloads -------------------------------------------------------------
REPORT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DATASET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


def _report(check: Check, fmt: str) -> HttpResponse:
    """The result of a submitted check as PDF (for the council) or DOCX (to edit)."""
    if fmt not in REPORT_TYPES:
        raise Http404
    result = services.result_of(check.submission)
    if result is None:
        raise Http404(_("Der Check ist noch nicht abgeschlossen."))
    body = reports.report_pdf(result) if fmt == "pdf" else reports.report_docx(result)
    response = HttpResponse(body, content_type=REPORT_TYPES[fmt])
    day = (check.submission.submitted_at or check.submission.created_at).date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="digitalcheck-{day}.{fmt}"'
    return response


@private
def anonymous_report(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    return _report(_anonymous(token), fmt)


@login_required
def member_report(request: HttpRequest, slug: str, pk: int, fmt: str) -> HttpResponse:
    return _report(_member(request, slug, pk), fmt)


def _dataset(submissions: Any, fmt: str, name: str, excel: bool) -> HttpResponse:
    """Submitted checks as a survey dataset (docs/digitalcheck.md, "Dataset")."""
    if fmt not in DATASET_TYPES:
        raise Http404
    version = services.questionnaire_version()
    definition = get_definition(version)
    rows = services.dataset_rows(submissions.filter(questionnaire=version))
    frame = exports.submissions_frame(definition, rows)
    if fmt == "csv":
        body = exports.to_csv(frame, excel=excel)
    elif fmt == "xlsx":
        body = exports.to_xlsx(frame, definition)
    else:
        body = exports.to_sav(frame, definition)
    response = HttpResponse(body, content_type=DATASET_TYPES[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="digitalcheck-v{version.version}-{name}.{fmt}"'
    )
    return response


@login_required
def member_dataset(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Every submitted check of the municipality (its members only)."""
    municipality = _municipality(request, slug)
    submissions = Submission.objects.alive().filter(
        municipality=municipality, status=Submission.Status.SUBMITTED
    )
    return _dataset(submissions, fmt, municipality.slug, request.GET.get("excel") == "1")


@login_required
def peer_dataset(request: HttpRequest, fmt: str) -> HttpResponse:
    """The checks released for comparison, for research (platform staff only; no names of
    anonymous checks exist, members' checks carry their municipality)."""
    user = request.user
    if not getattr(user, "is_staff", False):
        raise Http404
    submissions = Submission.objects.alive().filter(
        released_for_comparison=True, status=Submission.Status.SUBMITTED
    )
    return _dataset(submissions, fmt, "freigegeben", request.GET.get("excel") == "1")
