"""Read endpoint of the strategy workspace: the BBSR Smart-City process (router owned by the
strategy package, mounted at ``/api/v1/strategy``). Public: the process is shipped data from a
published guide, nothing municipal."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from kompass.strategy.process import process_json

router = Router(tags=["strategy"])


class SourceOut(Schema):
    file: str
    lines: list[int]


class DocumentOut(Schema):
    file: str
    title: str
    reference_date: str


class CycleOut(Schema):
    slug: Literal["strategy", "projects"]
    title: str
    description: str
    steps: list[int]
    steps_inferred: bool


class GuidingQuestionOut(Schema):
    group: str | None
    text: str
    printed: bool


class MethodOut(Schema):
    label: str
    worksheet: int | None


class StepOut(Schema):
    number: int
    slug: str
    title: str
    title_printed: bool
    cycle: Literal["strategy", "projects"]
    combinable_with: list[int]
    repeatable: bool
    goals: list[str]
    guiding_questions: list[GuidingQuestionOut]
    methods: list[MethodOut]
    results: list[str]
    worksheets: list[int]
    source: SourceOut


class SpecialModuleOut(Schema):
    code: str
    slug: str
    title: str
    follows_steps: list[int]
    revised_after: list[int]
    goals: list[str]
    guiding_questions: list[GuidingQuestionOut]
    results: list[str]
    source: SourceOut


class LoopOut(Schema):
    kind: Literal["repeat", "revise_strategy", "parallel_cycles"]
    from_step: int | None
    to_step: int | None
    description: str


class EntryVariantOut(Schema):
    slug: str
    label: str
    description: str
    entry_steps: list[int]


class WorksheetSummaryOut(Schema):
    number: int
    slug: str
    title: str
    steps: list[int]


class ProcessOut(Schema):
    document: DocumentOut
    cycles: list[CycleOut]
    steps: list[StepOut]
    special_module: SpecialModuleOut
    loops: list[LoopOut]
    entry_variants: list[EntryVariantOut]
    worksheets: list[WorksheetSummaryOut]


@router.get(
    "/process",
    response=ProcessOut,
    summary="Smart-City-Prozess: Arbeitsschritte, Zyklen und Arbeitshilfen",
    auth=None,
)
def get_process(request: HttpRequest) -> dict[str, object]:
    """The nine work steps of the BBSR guide in two cycles (``strategy``, ``projects``), the
    special module for writing and revising the strategy, entry variants, loops and the ten
    worksheets with the steps they support. German texts; every step cites its lines in the
    guide (``source``). Steps with ``title_printed: false`` carry a reconstructed title."""
    return process_json()
