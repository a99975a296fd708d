"""Use cases of the Digitalcheck, shared by the HTML views, the API, the tests and the
benchmark: evaluate answers, keep a check as a draft, submit, release for comparison, delete
and restore, and set a score beside its peers.

The evaluation follows the result contract (/work/notes/digitalcheck_result.md); the rules
behind it live in the pure modules ``kompass.analysis.digitalcheck`` (scores, level,
recommendations, reference figures), ``kompass.analysis.municipality_types`` (the type) and
``kompass.analysis.benchmarks`` (percentile and histogram). How it all fits together:
docs/digitalcheck.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kompass.analysis import digitalcheck as scoring
from kompass.analysis.benchmarks import MIN_GROUP, histogram, percentile_rank
from kompass.analysis.municipality_types import TypeInput, assign_type
from kompass.analysis.size_classes import size_class
from kompass.core.models import Land, Municipality, MunicipalityKind, SizeClass
from kompass.digitalcheck import content
from kompass.digitalcheck.models import (
    ABANDONED_DRAFT_DAYS,
    RESTORE_DAYS,
    Submission,
    hash_token,
)
from kompass.questionnaires.definition import (
    NO_ANSWER,
    NO_ANSWER_LABEL,
    AnswerError,
    Item,
    Questionnaire,
    validate_answers,
)
from kompass.questionnaires.models import QuestionnaireVersion
from kompass.questionnaires.services import current_version, get_definition

#: The questionnaire the Digitalcheck asks (``data/questionnaires/digitalcheck-v*.yaml``).
SLUG = "digitalcheck"
#: Largest population accepted (Berlin has about 3.9 million; this leaves room, catches typos).
MAX_POPULATION = 10_000_000
#: Peers of the same Land are shown separately once there are this many.
MIN_LAND_GROUP = MIN_GROUP
FLAG_LABELS = {"too_few_answers": "zu wenige Antworten"}
SIZE_CLASS_PLURALS = {
    "large_city": "Großstädte",
    "medium_town": "Mittelstädte",
    "small_town": "Kleinstädte",
    "rural_municipality": "Landgemeinden",
}
VERDICT_TEXTS = {
    "overestimated": (
        "Sie schätzen den Bereich „{title}“ als gut ein ({rating} von 5), Ihre Antworten "
        "ergeben aber nur {score} von 100 Punkten."
    ),
    "underestimated": (
        "Sie schätzen den Bereich „{title}“ eher schwach ein ({rating} von 5), Ihre Antworten "
        "ergeben aber {score} von 100 Punkten."
    ),
    "consistent": (
        "Ihre Einschätzung des Bereichs „{title}“ ({rating} von 5) passt zu Ihren Antworten "
        "({score} von 100 Punkten)."
    ),
}


class DigitalcheckError(ValueError):
    """A use case cannot be carried out; the message (German) says why and what to do."""


class InvalidAnswers(DigitalcheckError):
    """Answers (or population and Land given with them) that break the contract.

    ``errors`` lists every problem as ``(item_id, German message)``; population and Land use
    the ids ``population`` and ``land``.
    """

    def __init__(self, errors: Sequence[AnswerError]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        summary = (
            "Eine Antwort ist ungültig." if count == 1 else f"{count} Antworten sind ungültig."
        )
        details = "; ".join(f"{e.item_id or 'Antworten'}: {e.message}" for e in self.errors)
        super().__init__(f"{summary} {details}")


# --- Questionnaire ---------------------------------------------------------------------------
def questionnaire_version() -> QuestionnaireVersion:
    """The current (highest) stored version of the Digitalcheck: new checks use it."""
    return current_version(SLUG)


def _check_context(population: Any, land: Any) -> list[AnswerError]:
    errors = []
    if isinstance(population, bool) or not isinstance(population, int):
        errors.append(
            AnswerError(
                "population",
                "Bitte geben Sie die Einwohnerzahl als ganze Zahl an (zum Beispiel 23000).",
            )
        )
    elif not 1 <= population <= MAX_POPULATION:
        errors.append(
            AnswerError(
                "population",
                f"Die Einwohnerzahl {population} liegt außerhalb von 1 bis {MAX_POPULATION}.",
            )
        )
    if land not in (None, "") and land not in Land.values:
        errors.append(
            AnswerError(
                "land",
                f"Unbekanntes Land „{land}“. Erlaubt sind die Kürzel {', '.join(Land.values)}.",
            )
        )
    return errors


# --- Evaluation ------------------------------------------------------------------------------
def evaluate(
    definition_version: QuestionnaireVersion,
    answers: Mapping[str, Any],
    *,
    population: int,
    land: str | None,
    municipality_name: str | None = None,
    body: str = "municipality",
    peers: bool = True,
    exclude: int | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """Evaluate answers to the Digitalcheck; stores nothing.

    Parameters
    ----------
    definition_version
        The questionnaire version the answers belong to.
    answers
        ``{item_id: value}`` (questionnaire contract). Missing items are fine (the result says
        where too few answers were given); "keine_angabe" is valid everywhere.
    population, land
        Given with the answers: from the municipality record, or typed in. ``land`` is an ISO
        3166-2:DE code (``"NW"``) or ``None``.
    municipality_name
        Shown in the result; ``None`` for anonymous checks.
    body
        ``"municipality"`` or ``"district"`` (a Kreis): chooses the studies' reference figures.
    peers
        Whether to add the peer benchmark (a database read); ``False`` gives the bare
        evaluation.
    exclude
        A submission not to count among the peers (the one being evaluated).
    created_at
        The time stamp of the result (default: now).

    Returns
    -------
    dict
        The result contract (/work/notes/digitalcheck_result.md), plain JSON-able data.

    Raises
    ------
    InvalidAnswers
        With every problem: unknown items or options, values out of range, answers to
        questions the skip logic does not ask, a missing or impossible population, an
        unknown Land.
    """
    questionnaire = get_definition(definition_version)
    errors = _check_context(population, land)
    cleaned, answer_errors = validate_answers(questionnaire, answers, final=False)
    errors += answer_errors
    if errors:
        raise InvalidAnswers(errors)
    land = land or None
    scores = scoring.dimension_scores(questionnaire, cleaned)
    level = scoring.maturity_level(scores)
    sorted_dimensions = scoring.strengths_and_gaps(scores)
    chosen = scoring.recommendations_for(
        sorted_dimensions.gaps, content.recommendations(), answers=cleaned, definition=questionnaire
    )
    assignment = assign_type(
        TypeInput(
            population=population,
            strategy_stage=cleaned.get("strategy_stage"),
            challenges=cleaned.get("challenges", frozenset()),
        )
    )
    figures = scoring.reference_figures_for(
        content.reference_figures(),
        population=population,
        land=land,
        type_slug=assignment.slug,
        body=body,
    )
    comparisons = scoring.self_rating_comparison(questionnaire, cleaned, scores)
    overall = scoring.overall_score(scores)
    size = size_class(population)
    result: dict[str, Any] = {
        "questionnaire": {
            "slug": questionnaire.slug,
            "version": questionnaire.version,
            "title": questionnaire.title,
        },
        "municipality": {
            "name": municipality_name,
            "population": population,
            "land": land,
            "land_label": Land(land).label if land else None,
            "size_class": size,
            "size_class_label": str(SizeClass(size).label) if size else None,
        },
        "created_at": timezone.localtime(created_at or timezone.now()).isoformat(),
        "dimensions": [
            {
                "id": score.dimension,
                "title": score.title,
                "score": score.score,
                "answered": score.answered,
                "items": score.applicable,
                "flag": "too_few_answers" if score.insufficient else None,
                "flag_label": FLAG_LABELS["too_few_answers"] if score.insufficient else None,
            }
            for score in scores.values()
        ],
        "overall": {
            "score": overall,
            "level": level.number if level else None,
            "level_title": level.title if level else None,
            "level_description": level.description if level else None,
            "held_down_by": list(level.capped_by) if level else [],
        },
        "type": _type_result(assignment),
        "strengths": list(sorted_dimensions.strengths),
        "gaps": list(sorted_dimensions.gaps),
        "unscored": list(sorted_dimensions.unscored),
        "recommendations": [_recommendation(r, questionnaire, scores) for r in chosen],
        "reference_figures": [_figure(f, questionnaire, cleaned) for f in figures],
        "peers": None,
        "answers": readable_answers(questionnaire, cleaned),
        "self_rating": _self_rating(comparisons, scores),
    }
    if peers:
        result["peers"] = peer_benchmark(overall, population, land, exclude=exclude)
    return result


def _type_result(assignment: Any) -> dict[str, Any]:
    described = content.type_descriptions().get(assignment.slug, {})
    return {
        "slug": assignment.slug,
        "name": assignment.name,
        "reasons": list(assignment.reasons),
        "provisional": assignment.provisional,
        "rule": assignment.rule,
        "likelihoods": dict(assignment.likelihoods) if assignment.provisional else None,
        "description": " ".join(str(described.get("description", "")).split()) or None,
        "share_percent": described.get("share_percent"),
        "source": _type_source(),
    }


def _type_source() -> dict[str, Any]:
    source = content.type_source()
    return {"doc": "000", "file": source["file"], "lines": [1261, 1427], "date": source["date"]}


def _recommendation(
    chosen: scoring.Recommendation,
    questionnaire: Questionnaire,
    scores: Mapping[str, scoring.DimensionScore],
) -> dict[str, Any]:
    files = {key: doc["file"] for key, doc in content.recommendations()["sources"].items()}
    kind, _, value = chosen.reason.partition(":")
    if kind == "gap":
        dimension = scores[value]
        reason = (
            f"Der Bereich „{dimension.title}“ ist eine Lücke "
            f"({_german_number(dimension.score)} von 100 Punkten)."
        )
    else:
        label = _option_label(questionnaire, "barriers", value)
        reason = f"Sie haben „{label}“ als Hürde genannt."
    return {
        "id": chosen.id,
        "title": chosen.title,
        "text": chosen.text,
        "dimensions": list(chosen.dimensions),
        "reason": reason,
        "reason_code": chosen.reason,
        "sources": [
            {"doc": doc, "file": files.get(doc), "lines": [first, last]}
            for doc, first, last in chosen.sources
        ],
    }


def _figure(
    figure: Mapping[str, Any], questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> dict[str, Any]:
    files = {key: doc["file"] for key, doc in content.reference_figures()["sources"].items()}
    group = figure.get("group") or {}
    source = figure.get("source") or {}
    your_answer = None
    matches = None
    compares = figure.get("compares_to")
    if compares and questionnaire.has_item(compares["item"]) and compares["item"] in answers:
        item = questionnaire.item(compares["item"])
        value = answers[item.id]
        your_answer = answer_label(item, value)
        if value != NO_ANSWER:
            chosen = value if isinstance(value, list) else [value]
            matches = any(v in compares.get("values", []) for v in chosen)
    return {
        "id": figure["id"],
        "label": figure["label"],
        "value": figure["value"],
        "unit": figure["unit"],
        "qualifier": figure.get("qualifier"),
        "group_kind": group.get("kind"),
        "group_label": group.get("label") or "Alle Befragten der Studie",
        "base": figure.get("base"),
        "topic": figure.get("topic"),
        "year": figure.get("year"),
        "n": figure.get("n"),
        "source": {
            "doc": source.get("doc"),
            "file": files.get(source.get("doc")),
            "lines": list(source.get("lines") or []),
        },
        "inferred": bool(figure.get("inferred", False)),
        "note": figure.get("note"),
        "your_answer": your_answer,
        "your_answer_matches": matches,
    }


def _self_rating(
    comparisons: Sequence[scoring.SelfRatingComparison],
    scores: Mapping[str, scoring.DimensionScore],
) -> dict[str, Any] | None:
    """The self-ratings beside the measured scores: a summary (contract keys) and one entry
    per rated dimension (``items``)."""
    if not comparisons:
        return None
    items = []
    for comparison in comparisons:
        title = scores[comparison.dimension].title
        items.append(
            {
                "item_id": comparison.item,
                "dimension": comparison.dimension,
                "dimension_title": title,
                "rating": comparison.rating,
                "score": comparison.measured,
                "verdict": comparison.verdict,
                "text": VERDICT_TEXTS[comparison.verdict].format(
                    title=title,
                    rating=comparison.rating,
                    score=_german_number(comparison.measured),
                ),
            }
        )
    verdicts = {c.verdict for c in comparisons}
    over, under = "overestimated" in verdicts, "underestimated" in verdicts
    if over and under:
        verdict = "mixed"
        text = "Ihre Selbsteinschätzung weicht in manchen Bereichen nach oben, in anderen nach unten von Ihren Antworten ab."  # noqa: E501
    elif over:
        verdict = "overestimated"
        text = "Sie schätzen mindestens einen Bereich besser ein, als Ihre Antworten ihn zeigen."
    elif under:
        verdict = "underestimated"
        text = "Sie schätzen mindestens einen Bereich schwächer ein, als Ihre Antworten ihn zeigen."
    else:
        verdict = "consistent"
        text = "Ihre Selbsteinschätzung passt zu Ihren Antworten."
    return {
        "rating": round(sum(c.rating for c in comparisons) / len(comparisons), 1),
        "score": round(sum(c.measured for c in comparisons) / len(comparisons), 1),
        "verdict": verdict,
        "text": text,
        "items": items,
    }


# --- Readable answers ------------------------------------------------------------------------
def answer_label(item: Item, value: Any) -> str:
    """An answer as the questionnaire shows it: option labels, "4 – gut", "12 Stellen"."""
    if value == NO_ANSWER or value == [NO_ANSWER]:
        return NO_ANSWER_LABEL
    if item.type in ("single_choice", "multiple_choice", "yes_no"):
        labels = {option.value: option.label for option in item.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in values)
    if item.type == "scale" and item.scale is not None:
        label = item.scale.label(int(value))
        return f"{value} – {label}" if label else str(value)
    if item.type == "number":
        unit = item.number.unit if item.number else ""
        return f"{_german_number(value)} {unit}".strip()
    return str(value)


def readable_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Every answered item that is asked, in order, with its section, question and the answer
    in words."""
    visibility = questionnaire.visibility(answers)
    titles = {section.id: section.title for section in questionnaire.sections}
    return [
        {
            "section": titles[item.section],
            "item_id": item.id,
            "question": item.text,
            "answer": answer_label(item, answers[item.id]),
        }
        for item in questionnaire.items
        if visibility[item.id] and item.id in answers
    ]


def _option_label(questionnaire: Questionnaire, item_id: str, value: str) -> str:
    if not questionnaire.has_item(item_id):
        return value
    return {o.value: o.label for o in questionnaire.item(item_id).choices}.get(value, value)


def _german_number(value: float | int | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:.1f}".replace(".", ",")


# --- Peers -----------------------------------------------------------------------------------
def peer_benchmark(
    submission_or_score: Submission | float | None,
    population: int | None = None,
    land: str | None = None,
    *,
    exclude: int | None = None,
) -> dict[str, Any] | None:
    """Set an overall score beside the released checks of municipalities of the same size.

    Parameters
    ----------
    submission_or_score
        A submission (its overall score, population, Land; it does not count as its own
        peer) or an overall score (0-100; ``None`` when the check has none).
    population, land
        Needed with a score: the size class is that of ``population``; ``land`` adds the
        figures of the peers in the same Land where there are enough of them.
    exclude
        A submission not to count (the one being evaluated).

    Returns
    -------
    dict or None
        ``None`` without a population. Otherwise ``group_label`` (e.g. "Mittelstädte"),
        ``size_class``, ``n`` (peers in the size class), ``min_group``, ``percentile`` (the
        score's percentile rank among them, ``None`` below ``min_group`` peers or without a
        score), ``land``, ``land_label``, ``land_n``, ``land_percentile`` (the same within the
        Land, ``None`` below ``min_group``) and ``histogram`` (five bins of 20 points with the
        own bin marked; empty below ``min_group``).

    Notes
    -----
    Peers are the checks with ``is_peer``: submitted, released for comparison, not deleted,
    with an overall score, of the same questionnaire (any version), and per municipality only
    its latest such check (so a municipality that checks every year counts once). Only the
    scores and Länder are read (two columns, no model instances): the query stays cheap with
    tens of thousands of checks.
    """
    if isinstance(submission_or_score, Submission):
        submission = submission_or_score
        score = submission.overall_score
        population, land = submission.population, submission.land or None
        exclude = submission.pk
    else:
        score = submission_or_score
    size = size_class(population)
    if size is None:
        return None
    rows = Submission.objects.peers().filter(
        size_class=size, questionnaire__slug=SLUG, overall_score__isnull=False
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    pairs = list(rows.values_list("overall_score", "land"))
    scores = [value for value, _ in pairs]
    land_scores = [value for value, where in pairs if land and where == land]
    percentile = land_percentile = None
    if score is not None:
        percentile = percentile_rank(scores, score, minimum=MIN_GROUP)
        land_percentile = percentile_rank(land_scores, score, minimum=MIN_LAND_GROUP)
    bins = histogram(scores, mark=score, minimum=MIN_GROUP)
    return {
        "group_label": SIZE_CLASS_PLURALS[size],
        "size_class": size,
        "n": len(scores),
        "min_group": MIN_GROUP,
        "percentile": percentile,
        "land": land,
        "land_label": Land(land).label if land else None,
        "land_n": len(land_scores) if land else None,
        "land_percentile": land_percentile,
        "histogram": bins or [],
    }


def _refresh_peers(submission: Submission) -> None:
    """Keep ``is_peer`` true for exactly the checks that count as peers (see
    :func:`peer_benchmark`); called after every change of status, release or deletion."""
    counts = Q(
        status=Submission.Status.SUBMITTED,
        released_for_comparison=True,
        deleted_at=None,
        overall_score__isnull=False,
    )
    if submission.municipality_id is None:
        flag = Submission.objects.filter(counts, pk=submission.pk).exists()
        Submission.objects.filter(pk=submission.pk).update(is_peer=flag)
        submission.is_peer = flag
        return
    own = Submission.objects.filter(municipality_id=submission.municipality_id)
    latest = own.filter(counts).order_by("-submitted_at", "-pk").values_list("pk", flat=True)
    keep = latest.first()
    own.filter(is_peer=True).exclude(pk=keep).update(is_peer=False)
    if keep is not None:
        own.filter(pk=keep).update(is_peer=True)
    submission.is_peer = submission.pk == keep


# --- Lifecycle -------------------------------------------------------------------------------
def start(
    *,
    population: int | None = None,
    land: str | None = None,
    municipality: Municipality | None = None,
    author: Any = None,
    version: QuestionnaireVersion | None = None,
) -> tuple[Submission, str | None]:
    """Begin a check as a draft.

    A member's check (``municipality`` given) takes population and Land from the municipality
    (``population`` only fills in a missing record); an anonymous check needs ``population``
    (and may give ``land``) and gets a private token.

    Returns
    -------
    tuple
        The draft and, for an anonymous check, the token of its private link (shown once;
        only its hash is stored). ``None`` for members.

    Raises
    ------
    InvalidAnswers
        For a missing or impossible population or an unknown Land (ids ``population`` and
        ``land``).
    """
    if municipality is not None:
        population = municipality.population or population
        land = municipality.land
    errors = _check_context(population, land)
    if errors:
        raise InvalidAnswers(errors)
    assert isinstance(population, int)  # checked above
    token, token_hash = (None, None) if municipality else Submission.new_token()
    submission = Submission.objects.create(
        questionnaire=version or questionnaire_version(),
        population=population,
        land=land or "",
        municipality=municipality,
        author=author if getattr(author, "is_authenticated", False) else None,
        token_hash=token_hash,
    )
    return submission, token


def _editable(submission: Submission) -> None:
    if submission.deleted_at is not None:
        raise DigitalcheckError("Dieser Check ist gelöscht. Stellen Sie ihn zuerst wieder her.")
    if submission.is_submitted:
        raise DigitalcheckError(
            "Dieser Check ist abgeschlossen; seine Antworten bleiben, wie sie sind. Beginnen Sie "
            "für einen neuen Stand einen neuen Check."
        )


def save_draft(
    submission: Submission, answers: Mapping[str, Any], *, section: str | None = None
) -> Submission:
    """Store answers of a draft (every call replaces all answers; a wizard step passes the
    merged answers of all sections). ``section`` remembers where the user was.

    Raises
    ------
    InvalidAnswers
        If the answers break the contract (drafts may leave anything open).
    DigitalcheckError
        If the check is submitted or deleted.
    """
    _editable(submission)
    questionnaire = get_definition(submission.questionnaire)
    cleaned, errors = validate_answers(questionnaire, answers, final=False)
    if errors:
        raise InvalidAnswers(errors)
    submission.answers = cleaned
    fields = ["answers", "updated_at"]
    if section is not None:
        submission.current_section = section
        fields.append("current_section")
    submission.save(update_fields=fields)
    return submission


def _body(submission: Submission) -> str:
    municipality = submission.municipality
    if municipality is not None and municipality.kind == MunicipalityKind.DISTRICT:
        return "district"
    return "municipality"


def submit(
    submission: Submission,
    *,
    answers: Mapping[str, Any] | None = None,
    released: bool | None = None,
) -> Submission:
    """Finish a check: check the answers as a final submission, evaluate and store the
    result (with its overall score, level and size class as columns).

    Parameters
    ----------
    answers
        New answers to store first (the API sends them with the submission); default: the
        draft's.
    released
        Set ``released_for_comparison`` at the same time (``None`` keeps it).

    Raises
    ------
    InvalidAnswers
        If required items are unanswered (``keine_angabe`` counts as an answer) or answers
        break the contract.
    DigitalcheckError
        If the check is already submitted or deleted.
    """
    _editable(submission)
    questionnaire = get_definition(submission.questionnaire)
    given = submission.answers if answers is None else answers
    cleaned, errors = validate_answers(questionnaire, given, final=True)
    if errors:
        raise InvalidAnswers(errors)
    now = timezone.now()
    result = evaluate(
        submission.questionnaire,
        cleaned,
        population=submission.population,
        land=submission.land or None,
        municipality_name=submission.municipality.name if submission.municipality else None,
        body=_body(submission),
        exclude=submission.pk,
        created_at=now,
    )
    with transaction.atomic():
        submission.answers = cleaned
        submission.result = result
        submission.overall_score = result["overall"]["score"]
        submission.level = result["overall"]["level"]
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at = now
        if released is not None:
            submission.released_for_comparison = released
        submission.save()
        _refresh_peers(submission)
    return submission


def release(submission: Submission, released: bool) -> Submission:
    """Release a check for comparison (or withdraw the release). Released, submitted checks
    are peers of other municipalities of the same size class: only their overall score, size
    class and Land are used, never the answers or the name."""
    if submission.deleted_at is not None:
        raise DigitalcheckError("Dieser Check ist gelöscht. Stellen Sie ihn zuerst wieder her.")
    with transaction.atomic():
        submission.released_for_comparison = released
        submission.save(update_fields=["released_for_comparison", "updated_at"])
        _refresh_peers(submission)
    return submission


def delete(submission: Submission, *, now: datetime | None = None) -> bool:
    """Delete a check. An anonymous check is removed at once (data protection: nothing
    remains); a member's check is marked deleted, leaves the comparison and can be restored
    for :data:`~kompass.digitalcheck.models.RESTORE_DAYS` days, after which
    :func:`purge_deleted` removes it.

    Returns
    -------
    bool
        ``True`` if the row is gone, ``False`` if it was only marked.
    """
    if submission.is_anonymous:
        submission.delete()
        return True
    if submission.deleted_at is None:
        with transaction.atomic():
            submission.deleted_at = now or timezone.now()
            submission.save(update_fields=["deleted_at", "updated_at"])
            _refresh_peers(submission)
    return False


def restore(submission: Submission, *, now: datetime | None = None) -> Submission:
    """Undo the deletion of a member's check within the restore period.

    Raises
    ------
    DigitalcheckError
        When the period is over.
    """
    if submission.deleted_at is None:
        return submission
    until = submission.deleted_at + timedelta(days=RESTORE_DAYS)
    if (now or timezone.now()) > until:
        raise DigitalcheckError(
            f"Gelöschte Checks lassen sich {RESTORE_DAYS} Tage lang wiederherstellen; diese Frist "
            "ist abgelaufen."
        )
    with transaction.atomic():
        submission.deleted_at = None
        submission.save(update_fields=["deleted_at", "updated_at"])
        _refresh_peers(submission)
    return submission


def purge_deleted(*, now: datetime | None = None) -> int:
    """Remove for good the members' checks deleted more than ``RESTORE_DAYS`` days ago;
    returns how many. Run daily (``kompass manage purge_deleted_checks``)."""
    cutoff = (now or timezone.now()) - timedelta(days=RESTORE_DAYS)
    deleted, _ = Submission.objects.filter(deleted_at__lt=cutoff).delete()
    return deleted


def purge_abandoned_drafts(*, now: datetime | None = None) -> int:
    """Remove anonymous checks still in draft that nobody saved for ``ABANDONED_DRAFT_DAYS``
    days; returns how many. Submitted anonymous checks and members' drafts stay. Run daily
    with :func:`purge_deleted` (``kompass manage purge_deleted_checks``)."""
    cutoff = (now or timezone.now()) - timedelta(days=ABANDONED_DRAFT_DAYS)
    deleted, _ = Submission.objects.filter(
        municipality=None, status=Submission.Status.DRAFT, updated_at__lt=cutoff
    ).delete()
    return deleted


# --- Access ----------------------------------------------------------------------------------
def by_token(token: str) -> Submission | None:
    """The anonymous check behind a private link, or ``None``."""
    if not token or len(token) > 200:
        return None
    return Submission.objects.filter(token_hash=hash_token(token), municipality=None).first()


def visible_to(user: Any) -> Any:
    """The checks ``user`` may see: those of the municipalities they are a member of (deleted
    ones included; callers filter). Nobody else sees a municipality's checks, not even the
    platform staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Submission.objects.none()
    return Submission.objects.filter(municipality__memberships__user=user).select_related(
        "municipality", "questionnaire", "author"
    )


def member_municipalities(user: Any) -> list[Municipality]:
    """The municipalities ``user`` may take checks for, by name."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(Municipality.objects.filter(memberships__user=user).order_by("name"))


def history(municipality: Municipality) -> dict[str, list[Submission]]:
    """A municipality's checks for its history page: ``checks`` (not deleted, newest first)
    and ``deleted`` (restorable, most recently deleted first)."""
    rows = Submission.objects.filter(municipality=municipality).select_related(
        "author", "questionnaire"
    )
    cutoff = timezone.now() - timedelta(days=RESTORE_DAYS)
    return {
        "checks": list(rows.filter(deleted_at=None).order_by("-created_at", "-pk")),
        "deleted": list(rows.filter(deleted_at__gte=cutoff).order_by("-deleted_at")),
    }


def result_of(submission: Submission) -> dict[str, Any] | None:
    """The stored result of a submitted check with its peer benchmark computed now (peers
    come and go as others release their checks; the rest of the result stays as submitted)."""
    if submission.result is None:
        return None
    result = dict(submission.result)
    result["peers"] = peer_benchmark(submission)
    return result


def dataset_rows(submissions: Any) -> Iterator[dict[str, Any]]:
    """Submitted checks as rows for kompass.digitalcheck.exports.submissions_frame: facts,
    answers and the stored scores, level and type (no names of people, no tokens)."""
    for submission in submissions.select_related("municipality").order_by("submitted_at", "pk"):
        result = submission.result or {}
        municipality = submission.municipality
        yield {
            "id": submission.pk,
            "created_at": submission.submitted_at or submission.created_at,
            "municipality": municipality.name if municipality else None,
            "ags": municipality.ags if municipality else None,
            "land": submission.land or None,
            "population": submission.population,
            "size_class": submission.size_class or None,
            "status": submission.status,
            "answers": submission.answers,
            "scores": {d["id"]: d["score"] for d in result.get("dimensions", [])},
            "level": submission.level,
            "type": (result.get("type") or {}).get("slug"),
        }


def compare(first: Submission, second: Submission) -> list[dict[str, Any]]:
    """Dimension scores of two submitted checks side by side (questionnaire order of the
    later one; a dimension only one of them has gets ``None`` on the other side).

    Returns
    -------
    list of dict
        ``id``, ``title``, ``first``, ``second`` and ``difference`` (second − first, one
        decimal; ``None`` unless both are scored), plus a row ``overall``.
    """
    rows: list[dict[str, Any]] = []
    before = {d["id"]: d for d in (first.result or {}).get("dimensions", [])}
    after = {d["id"]: d for d in (second.result or {}).get("dimensions", [])}
    order = list(after) + [key for key in before if key not in after]
    for key in order:
        a = before.get(key, {}).get("score")
        b = after.get(key, {}).get("score")
        title = (after.get(key) or before.get(key) or {}).get("title", key)
        rows.append(
            {
                "id": key,
                "title": title,
                "first": a,
                "second": b,
                "difference": round(b - a, 1) if a is not None and b is not None else None,
            }
        )
    a, b = first.overall_score, second.overall_score
    rows.append(
        {
            "id": "overall",
            "title": "Gesamtwert",
            "first": a,
            "second": b,
            "difference": round(b - a, 1) if a is not None and b is not None else None,
        }
    )
    return rows
