"""The process steps as the workspace sees them: one :class:`StepInfo` per step code.

A workspace tracks the nine work steps ("1" … "9") and the special module ("SB") of the BBSR
guide. This module turns the shipped process (:mod:`kompass.strategy.process`, no Django) into
that flat view, so models, services, views and the API agree on codes, titles, cycles,
checklist items and the allowed loops and combinations.

Notes
-----
Rules taken from ``process.yaml`` (lines of shared/seeds/004_7b05438c2c859b61.txt):

- two cycles, strategy (1-4) and projects (5-9), and the special module SB (1536-1539; the
  assignment is reconstructed, docs/data/strategy_process.md);
- only 3+4 and 6+7 may be combined (1541-1545);
- only step 5 may be repeated in rounds (1545-1546);
- after the evaluation (step 9) the strategy is revised, i.e. the SB runs again (1548-1549).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kompass.strategy.process import GuidingQuestion, Method, load_all

SPECIAL_MODULE_CODE = "SB"
STEP_CODES: tuple[str, ...] = (*(str(n) for n in range(1, 10)), SPECIAL_MODULE_CODE)


@dataclass(frozen=True)
class StepInfo:
    """What the guide says about one step (or the special module), keyed by ``code``."""

    code: str
    title: str
    #: ``strategy``, ``projects`` or ``None`` for the special module.
    cycle: str | None
    goals: tuple[str, ...]
    guiding_questions: tuple[GuidingQuestion, ...]
    methods: tuple[Method, ...]
    #: The checklist: the step's "Ergebnisse" as short items (index = checklist position).
    results: tuple[str, ...]
    #: Worksheet titles (number, title), in the guide's order.
    worksheets: tuple[tuple[int, str], ...]
    combinable_with: tuple[str, ...]
    repeatable: bool
    #: True for the special module, which is revised after step 9.
    is_special_module: bool

    @property
    def label(self) -> str:
        """German short name: "Arbeitsschritt 3" or "Sonderbaustein"."""
        if self.is_special_module:
            return "Sonderbaustein"
        return f"Arbeitsschritt {self.code}"

    @property
    def full_label(self) -> str:
        """German name with title: "Arbeitsschritt 3 „Visionen und Ziele …“"."""
        return f"{self.label} „{self.title}“"


@cache
def step_catalogue() -> dict[str, StepInfo]:
    """Every step code with its :class:`StepInfo`, in process order (1 … 9, SB)."""
    data = load_all()
    process = data.process
    worksheet_titles = {w.slug: (w.number, w.title) for w in data.worksheets}
    result: dict[str, StepInfo] = {}
    for step in process.steps:
        result[str(step.number)] = StepInfo(
            code=str(step.number),
            title=step.title,
            cycle=step.cycle,
            goals=step.goals,
            guiding_questions=step.guiding_questions,
            methods=step.methods,
            results=tuple(r.text for r in step.results),
            worksheets=tuple(worksheet_titles[slug] for slug in step.worksheets),
            combinable_with=tuple(str(n) for n in step.combinable_with),
            repeatable=step.repeatable,
            is_special_module=False,
        )
    special = process.special_module
    result[SPECIAL_MODULE_CODE] = StepInfo(
        code=SPECIAL_MODULE_CODE,
        title=special.title,
        cycle=None,
        goals=special.goals,
        guiding_questions=special.guiding_questions,
        methods=(),
        results=tuple(r.text for r in special.results),
        worksheets=tuple(worksheet_titles[slug] for slug in special.worksheets),
        combinable_with=(),
        repeatable=False,
        is_special_module=True,
    )
    return result


def step_info(code: str) -> StepInfo:
    """The :class:`StepInfo` of ``code``; ``KeyError`` for an unknown code."""
    return step_catalogue()[code]


def cycle_codes() -> list[tuple[str, str, tuple[str, ...]]]:
    """The two cycles as (slug, German title, step codes), in the guide's order."""
    return [(c.slug, c.title, tuple(str(n) for n in c.steps)) for c in load_all().process.cycles]


def entry_codes(variant: str) -> tuple[str, ...]:
    """The step codes an entry variant (``strategy_first`` …) starts with."""
    for entry in load_all().process.entry_variants:
        if entry.slug == variant:
            return tuple(str(n) for n in entry.entry_steps)
    return ()


def entry_variant_labels() -> dict[str, tuple[str, str]]:
    """Entry variant slug → (German label, description) from ``process.yaml``."""
    return {v.slug: (v.label, v.description) for v in load_all().process.entry_variants}


def combination_pairs() -> tuple[tuple[str, str], ...]:
    """The pairs the guide allows to combine, e.g. (("3", "4"), ("6", "7"))."""
    return tuple((str(a), str(b)) for a, b in load_all().process.combinations)


def loop_description(kind: str) -> str:
    """The German description of the loop ``kind`` (``repeat``, ``revise_strategy`` …)."""
    for loop in load_all().process.loops:
        if loop.kind == kind:
            return loop.description
    return ""
