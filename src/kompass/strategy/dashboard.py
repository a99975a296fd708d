"""The dashboard's "Stand der Arbeit": one short summary per part of the workspace.

Every figure is one aggregate query (``GROUP BY`` in the database), so the dashboard costs
the same few queries whether a workspace holds ten ideas or ten thousand (bench/strategy.py
measures it at ten times a large real workspace). Reads only: the dashboard never creates
rows (e.g. it does not create the risk scale on first use as the risk pages do).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from kompass.strategy.models import FieldOfAction, Project, Workspace
from kompass.strategy.models_document import CouncilDecision, DocumentVersion, StrategyDocument
from kompass.strategy.models_ideas import Idea, Vote
from kompass.strategy.models_portfolio import Milestone
from kompass.strategy.models_risks import Risk, RiskBand, RiskScale
from kompass.strategy.models_worksheets import WorksheetEntry

#: How many upcoming milestones the dashboard lists.
UPCOMING_MILESTONES = 5


@dataclass(frozen=True)
class PartCount:
    """A labelled count, in the order the part defines its states."""

    key: str
    label: str
    count: int


@dataclass
class Summary:
    worksheet_entries: int = 0
    fields_of_action: int = 0
    ideas_total: int = 0
    ideas_by_status: list[PartCount] = field(default_factory=list)
    dots: int = 0
    projects_total: int = 0
    projects_by_status: list[PartCount] = field(default_factory=list)
    budget_total: Decimal | None = None
    milestones_overdue: int = 0
    milestones_upcoming: list[Any] = field(default_factory=list)
    risks_total: int = 0
    risks_by_band: list[PartCount] = field(default_factory=list)
    risks_to_rescore: int = 0
    risks_unscored: int = 0
    #: Projects with indicators per monitoring status (in the order of the status rule).
    monitoring: list[PartCount] = field(default_factory=list)
    document: Any = None
    document_versions: int = 0
    last_decision: Any = None


def _ordered(choices: Any, counts: dict[str, int]) -> list[PartCount]:
    return [PartCount(value, str(label), counts.get(value, 0)) for value, label in choices]


def _monitoring(workspace: Workspace) -> list[PartCount]:
    """Projects per monitoring status; empty when no project has an indicator yet."""
    from kompass.strategy import monitoring

    counts = monitoring.status_counts(workspace)
    if not any(counts.values()):
        return []
    return [PartCount(s, monitoring.status_label(s), counts.get(s, 0)) for s in monitoring.STATUSES]


def summary(workspace: Workspace, *, today: dt.date | None = None) -> Summary:
    """The figures of every part for ``workspace`` (live items only)."""
    today = today or timezone.localdate()
    result = Summary()
    result.worksheet_entries = WorksheetEntry.objects.filter(workspace=workspace).count()
    result.fields_of_action = FieldOfAction.objects.filter(workspace=workspace).count()

    idea_counts = dict(
        Idea.objects.filter(workspace=workspace)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    result.ideas_by_status = _ordered(Idea.Status.choices, idea_counts)
    result.ideas_total = sum(idea_counts.values())
    result.dots = (
        Vote.objects.filter(workspace=workspace, idea__deleted_at__isnull=True).aggregate(
            n=Sum("dots")
        )["n"]
        or 0
    )

    projects = Project.objects.filter(workspace=workspace)
    project_counts = dict(
        projects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    result.projects_by_status = _ordered(Project.Status.choices, project_counts)
    result.projects_total = sum(project_counts.values())
    result.budget_total = projects.exclude(status=Project.Status.STOPPED).aggregate(
        total=Sum("budget")
    )["total"]

    milestones = Milestone.objects.filter(
        workspace=workspace, done=False, project__deleted_at__isnull=True
    ).exclude(project__status=Project.Status.STOPPED)
    result.milestones_overdue = milestones.filter(due_date__lt=today).count()
    result.milestones_upcoming = list(
        milestones.filter(due_date__gte=today)
        .select_related("project")
        .order_by("due_date", "id")[:UPCOMING_MILESTONES]
    )

    scale = RiskScale.objects.filter(workspace=workspace).first()
    risks = Risk.objects.filter(workspace=workspace).filter(
        Q(project__isnull=True) | Q(project__deleted_at__isnull=True)
    )
    # Without a scale row nothing has been scored yet: the risk pages create it first.
    current_version = scale.version if scale is not None else 0
    scored = Q(probability__isnull=False)
    risk_figures = risks.aggregate(
        total=Count("id"),
        unscored=Count("id", filter=~scored),
        outdated=Count("id", filter=scored & ~Q(scale_version=current_version)),
    )
    result.risks_total = risk_figures["total"]
    result.risks_unscored = risk_figures["unscored"]
    result.risks_to_rescore = risk_figures["outdated"]
    band_counts: dict[str, int] = {}
    if scale is not None:
        band_counts = dict(
            risks.filter(scored, scale_version=current_version)
            .values_list("band")
            .annotate(n=Count("id"))
            .values_list("band", "n")
        )
    result.risks_by_band = _ordered(reversed(RiskBand.choices), band_counts)

    result.monitoring = _monitoring(workspace)

    result.document = StrategyDocument.objects.filter(workspace=workspace).first()
    if result.document is not None:
        result.document_versions = (
            DocumentVersion.objects.filter(document=result.document).aggregate(n=Max("number"))["n"]
            or 0
        )
        result.last_decision = (
            CouncilDecision.objects.filter(document=result.document)
            .order_by("-date", "-id")
            .first()
        )
    return result
