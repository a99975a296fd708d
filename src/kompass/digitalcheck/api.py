"""API of the Digitalcheck (router owned by the digitalcheck app, mounted at
``/api/v1/digitalcheck``): the questionnaire, an evaluation that stores nothing, and the
checks of one's own municipality (personal API key).

Invalid answers are a 422 listing every problem as ``{"item_id", "message"}`` (German
messages of the questionnaire engine; population and Land use the ids ``population`` and
``land``). Another municipality's checks are a 404, exactly like checks that do not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from kompass.accounts.models import User
from kompass.api.auth import api_key_auth
from kompass.core.models import Municipality
from kompass.digitalcheck import services
from kompass.digitalcheck.models import Submission
from kompass.questionnaires.services import get_definition

router = Router(tags=["digitalcheck"])
MAX_LIMIT = 200


# --- Schemas: questionnaire ----------------------------------------------------------------------
class QuestionOptionOut(Schema):
    value: str
    label: str


class QuestionScaleOut(Schema):
    min: int
    max: int
    labels: dict[str, str]


class QuestionNumberOut(Schema):
    min: float | None
    max: float | None
    integer: bool
    unit: str


class QuestionSourceOut(Schema):
    doc: str
    lines: list[int]


class QuestionItemOut(Schema):
    id: str
    section: str
    type: Literal["single_choice", "multiple_choice", "scale", "number", "yes_no", "text"]
    text: str
    help: str
    required: bool
    options: list[QuestionOptionOut]
    exclusive: list[str]
    max_choices: int | None
    scale: QuestionScaleOut | None
    number: QuestionNumberOut | None
    max_length: int | None
    show_if: dict[str, Any] | None = Field(
        description="Skip logic: {item, in|equals|gte|lte} or {all|any: [...]}"
    )
    source: QuestionSourceOut


class QuestionnaireSectionOut(Schema):
    id: str
    title: str
    description: str
    items: list[str]


class QuestionnaireDimensionOut(Schema):
    id: str
    title: str
    description: str


class QuestionnaireDocumentOut(Schema):
    key: str
    file: str
    date: str
    title: str


class DigitalcheckQuestionnaireOut(Schema):
    slug: str
    version: int
    title: str
    description: str
    estimated_minutes: int | None
    content_hash: str
    no_answer: str = Field(description='The answer "keine Angabe", valid for every item')
    sections: list[QuestionnaireSectionOut]
    items: list[QuestionItemOut]
    dimensions: list[QuestionnaireDimensionOut]
    sources: list[QuestionnaireDocumentOut]


# --- Schemas: result (/work/notes/digitalcheck_result.md) ----------------------------------------
class ResultQuestionnaireOut(Schema):
    slug: str
    version: int
    title: str


class ResultMunicipalityOut(Schema):
    name: str | None
    population: int
    land: str | None
    land_label: str | None
    size_class: str | None
    size_class_label: str | None


class ResultDimensionOut(Schema):
    id: str
    title: str
    score: float | None
    answered: int
    items: int = Field(description="Scored items of the dimension that were asked")
    flag: Literal["too_few_answers"] | None
    flag_label: str | None


class ResultOverallOut(Schema):
    score: float | None
    level: int | None
    level_title: str | None
    level_description: str | None
    held_down_by: list[str]


class ResultSourceOut(Schema):
    doc: str | None
    file: str | None
    lines: list[int]


class ResultTypeSourceOut(ResultSourceOut):
    date: str


class ResultTypeOut(Schema):
    slug: str | None
    name: str | None
    reasons: list[str]
    provisional: bool
    rule: str
    likelihoods: dict[str, float] | None
    description: str | None
    share_percent: int | None
    source: ResultTypeSourceOut


class ResultRecommendationOut(Schema):
    id: str
    title: str
    text: str
    dimensions: list[str]
    reason: str
    reason_code: str = Field(description="gap:<dimension> or barrier:<option>")
    sources: list[ResultSourceOut]


class ResultFigureOut(Schema):
    id: str
    label: str
    value: float
    unit: str
    qualifier: str | None
    group_kind: str | None
    group_label: str
    base: str | None
    topic: str | None
    year: int | None
    n: int | None
    source: ResultSourceOut
    inferred: bool
    note: str | None
    your_answer: str | None
    your_answer_matches: bool | None


class ResultHistogramBinOut(Schema):
    from_: int | float = Field(alias="from")
    to: int | float
    count: int
    you: bool


class ResultPeersOut(Schema):
    group_label: str
    size_class: str
    n: int
    min_group: int
    percentile: float | None
    land: str | None
    land_label: str | None
    land_n: int | None
    land_percentile: float | None
    histogram: list[ResultHistogramBinOut]


class ResultAnswerOut(Schema):
    section: str
    item_id: str
    question: str
    answer: str


class ResultSelfRatingItemOut(Schema):
    item_id: str
    dimension: str
    dimension_title: str
    rating: int
    score: float
    verdict: str
    text: str


class ResultSelfRatingOut(Schema):
    rating: float
    score: float
    verdict: Literal["overestimated", "underestimated", "consistent", "mixed"]
    text: str
    items: list[ResultSelfRatingItemOut]


class DigitalcheckResultOut(Schema):
    questionnaire: ResultQuestionnaireOut
    municipality: ResultMunicipalityOut
    created_at: str
    dimensions: list[ResultDimensionOut]
    overall: ResultOverallOut
    type: ResultTypeOut
    strengths: list[str]
    gaps: list[str]
    unscored: list[str]
    recommendations: list[ResultRecommendationOut]
    reference_figures: list[ResultFigureOut]
    peers: ResultPeersOut | None
    answers: list[ResultAnswerOut]
    self_rating: ResultSelfRatingOut | None


# --- Schemas: requests and errors ----------------------------------------------------------------
class DigitalcheckEvaluateIn(Schema):
    answers: dict[str, Any] = Field(description="{item_id: value}; see GET …/questionnaire")
    population: int = Field(description="Inhabitants (1 to 10,000,000)")
    land: str | None = Field(None, description="ISO 3166-2:DE code of the Land, e.g. NW")


class DigitalcheckAnswerErrorOut(Schema):
    item_id: str
    message: str


class DigitalcheckInvalidAnswersOut(Schema):
    detail: str
    errors: list[DigitalcheckAnswerErrorOut]


class DigitalcheckErrorOut(Schema):
    detail: str


class DigitalcheckSubmissionIn(Schema):
    municipality: str = Field(description="Slug of a municipality you are a member of")
    answers: dict[str, Any] = Field(default_factory=dict)
    status: Literal["draft", "submitted"] = "draft"
    released_for_comparison: bool = False


class DigitalcheckSubmissionQuestionnaireOut(Schema):
    slug: str
    version: int


class DigitalcheckSubmissionSummaryOut(Schema):
    id: int
    municipality: str
    municipality_name: str
    status: Literal["draft", "submitted"]
    released_for_comparison: bool
    questionnaire: DigitalcheckSubmissionQuestionnaireOut
    population: int
    land: str | None
    size_class: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    overall_score: float | None
    level: int | None


class DigitalcheckSubmissionOut(DigitalcheckSubmissionSummaryOut):
    answers: dict[str, Any]
    result: DigitalcheckResultOut | None = Field(
        description="The stored evaluation (submitted checks), with the peer benchmark as of now"
    )


class DigitalcheckSubmissionListOut(Schema):
    items: list[DigitalcheckSubmissionSummaryOut]
    count: int


def _summary_out(submission: Submission) -> dict[str, Any]:
    municipality = submission.municipality
    assert municipality is not None
    return {
        "id": submission.pk,
        "municipality": municipality.slug,
        "municipality_name": municipality.name,
        "status": submission.status,
        "released_for_comparison": submission.released_for_comparison,
        "questionnaire": {
            "slug": submission.questionnaire.slug,
            "version": submission.questionnaire.version,
        },
        "population": submission.population,
        "land": submission.land or None,
        "size_class": submission.size_class or None,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "submitted_at": submission.submitted_at,
        "overall_score": submission.overall_score,
        "level": submission.level,
    }


def _submission_out(submission: Submission) -> dict[str, Any]:
    return {
        **_summary_out(submission),
        "answers": submission.answers,
        "result": services.result_of(submission),
    }


def _invalid(exc: services.InvalidAnswers) -> Status[DigitalcheckInvalidAnswersOut]:
    return Status(
        422,
        DigitalcheckInvalidAnswersOut(
            detail=_summary(len(exc.errors)),
            errors=[
                DigitalcheckAnswerErrorOut(item_id=e.item_id, message=e.message) for e in exc.errors
            ],
        ),
    )


def _summary(count: int) -> str:
    return "Eine Antwort ist ungültig." if count == 1 else f"{count} Antworten sind ungültig."


def _user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _member_municipality(user: User, slug: str) -> Municipality:
    municipality = get_object_or_404(Municipality, slug=slug)
    if not user.is_member_of(municipality):
        raise Http404
    return municipality


# --- Endpoints ---------------------------------------------------------------------------------
@router.get(
    "/questionnaire",
    response=DigitalcheckQuestionnaireOut,
    auth=None,
    summary="Fragebogen (aktuelle Version)",
)
def get_questionnaire(request: HttpRequest) -> dict[str, Any]:
    """The current version of the Digitalcheck questionnaire: sections, items with ids,
    types, options, bounds and skip logic (``show_if``), dimensions and cited documents."""
    return get_definition(services.questionnaire_version()).to_json()


@router.post(
    "/evaluate",
    response={200: DigitalcheckResultOut, 422: DigitalcheckInvalidAnswersOut},
    auth=None,
    summary="Antworten auswerten (speichert nichts)",
    by_alias=True,
)
def evaluate(request: HttpRequest, payload: DigitalcheckEvaluateIn) -> Any:
    """Evaluate answers with the current questionnaire version and return the result
    (dimension scores, level, type with reasons, strengths and gaps, recommendations,
    reference figures, peer benchmark, readable answers, self-rating). Nothing is stored.
    Unanswered items are fine; ``"keine_angabe"`` is valid for every item."""
    try:
        return services.evaluate(
            services.questionnaire_version(),
            payload.answers,
            population=payload.population,
            land=payload.land,
        )
    except services.InvalidAnswers as exc:
        return _invalid(exc)


@router.post(
    "/submissions",
    response={
        201: DigitalcheckSubmissionOut,
        401: DigitalcheckErrorOut,
        404: DigitalcheckErrorOut,
        422: DigitalcheckInvalidAnswersOut,
    },
    auth=api_key_auth,
    summary="Check der eigenen Kommune speichern",
    by_alias=True,
)
def create_submission(request: HttpRequest, payload: DigitalcheckSubmissionIn) -> Any:
    """Store a check for a municipality you are a member of (404 for any other), as a draft
    or submitted (then evaluated, and required items must be answered). Population and Land
    come from the municipality record. Nothing is stored when the answers are invalid."""
    user = _user(request)
    municipality = _member_municipality(user, payload.municipality)
    try:
        with transaction.atomic():
            submission, _token = services.start(municipality=municipality, author=user)
            if payload.status == "submitted":
                services.submit(
                    submission,
                    answers=payload.answers,
                    released=payload.released_for_comparison,
                )
            else:
                services.save_draft(submission, payload.answers)
                if payload.released_for_comparison:
                    services.release(submission, True)
    except services.InvalidAnswers as exc:
        return _invalid(exc)
    return Status(201, _submission_out(submission))


@router.get(
    "/submissions",
    response={
        200: DigitalcheckSubmissionListOut,
        401: DigitalcheckErrorOut,
        404: DigitalcheckErrorOut,
    },
    auth=api_key_auth,
    summary="Checks der eigenen Kommunen",
)
def list_submissions(
    request: HttpRequest,
    municipality: str = "",
    limit: int = Query(50, ge=1, le=MAX_LIMIT),  # type: ignore[assignment]
    offset: int = Query(0, ge=0),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The checks of the municipalities you are a member of (deleted ones left out), newest
    first, as ``{"items": [...], "count": n}`` paged with ``limit`` (1-200) and ``offset``;
    ``municipality`` (slug) narrows to one of them, any other slug is a 404. Answers and
    results: ``GET /submissions/{id}``."""
    user = _user(request)
    rows = services.visible_to(user).filter(deleted_at=None)
    if municipality:
        rows = rows.filter(municipality=_member_municipality(user, municipality))
    rows = rows.order_by("-created_at", "-pk")
    return {
        "items": [_summary_out(s) for s in rows[offset : offset + limit]],
        "count": rows.count(),
    }


@router.get(
    "/submissions/{submission_id}",
    response={200: DigitalcheckSubmissionOut, 401: DigitalcheckErrorOut, 404: DigitalcheckErrorOut},
    auth=api_key_auth,
    summary="Ein Check der eigenen Kommune",
    by_alias=True,
)
def get_submission(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    """One check of a municipality you are a member of (404 for any other)."""
    rows = services.visible_to(_user(request)).filter(deleted_at=None)
    return _submission_out(get_object_or_404(rows, pk=submission_id))
