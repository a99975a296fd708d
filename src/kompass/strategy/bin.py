"""The workspace's bin ("Papierkorb"): every soft-deleted item of every workspace item model,
newest deletion first, restorable for :data:`~kompass.strategy.models.RESTORE_DAYS` days
(issue 5, data safety: "deleted items can be restored for 30 days").

The list is built by introspection (:func:`kompass.strategy.items.item_models`), so the items
of every part of the workspace appear here as soon as their model exists. Restoring goes
through :func:`kompass.strategy.items.restore_item` (a new version, logged); rounds of a step
keep their own rule (:func:`kompass.strategy.services.restore_round`). Items deleted more than
30 days ago are listed until the daily purge removes them, without a restore button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items, services
from kompass.strategy.models import Workspace, WorkspaceItem
from kompass.strategy.services import _require


@dataclass(frozen=True)
class BinEntry:
    """One deleted item as the bin shows it."""

    item: WorkspaceItem
    #: ``strategy.project`` (the key of the model in URLs and the API).
    model: str
    kind: str
    description: str
    deleted_at: dt.datetime
    deleted_by: Any
    restorable_until: dt.datetime
    restorable: bool


#: Items the bin does not list: they are never deleted by a person on their own but replaced by
#: their part's services (scores of the project matrix, the weighting, the risk scale), and
#: bringing one back alone would mix versions the parts keep apart.
NOT_IN_BIN = frozenset({"strategy.assessment", "strategy.criteriaweighting", "strategy.riskscale"})


def _restorers() -> dict[str, Callable[[Any, Any], Any]]:
    """Model label → the part's own restore service (its permission and consistency rules,
    e.g. a milestone only after its project, a measurement not onto a taken date)."""
    from kompass.strategy import fields, ideas, monitoring, portfolio, risks, worksheets

    return {
        "strategy.stepstate": lambda actor, item: services.restore_round(actor=actor, step=item),
        "strategy.fieldofaction": lambda actor, item: fields.restore_field(actor=actor, field=item),
        "strategy.idea": lambda actor, item: ideas.restore_idea(actor=actor, idea=item),
        "strategy.project": lambda actor, item: (
            portfolio.restore_project(actor=actor, project=item).project
        ),
        "strategy.milestone": lambda actor, item: portfolio.restore_milestone(
            actor=actor, milestone=item
        ),
        "strategy.risk": lambda actor, item: risks.restore_risk(actor=actor, risk=item),
        "strategy.evaluationplan": lambda actor, item: monitoring.restore_plan(
            actor=actor, plan=item
        ),
        "strategy.indicator": lambda actor, item: monitoring.restore_indicator(
            actor=actor, indicator=item
        ),
        "strategy.measurement": lambda actor, item: monitoring.restore_measurement(
            actor=actor, measurement=item
        ),
        "strategy.worksheetentry": lambda actor, item: worksheets.restore_entry(
            actor=actor, entry=item
        ),
    }


def _models() -> dict[str, Any]:
    return {
        model._meta.label_lower: model
        for model in items.item_models()
        if model._meta.label_lower not in NOT_IN_BIN
    }


def deleted_items(workspace: Workspace, *, now: dt.datetime | None = None) -> list[BinEntry]:
    """Every soft-deleted item of ``workspace``, most recently deleted first."""
    now = now or timezone.now()
    entries = []
    for label, model in _models().items():
        rows = (
            model.all_objects.filter(workspace=workspace, deleted_at__isnull=False)
            .select_related("deleted_by")
            .order_by("-deleted_at")
        )
        for item in rows:
            until = item.restorable_until
            entries.append(
                BinEntry(
                    item=item,
                    model=label,
                    kind=str(model._meta.verbose_name),
                    description=item.describe(),
                    deleted_at=item.deleted_at,
                    deleted_by=item.deleted_by,
                    restorable_until=until,
                    restorable=until >= now,
                )
            )
    entries.sort(key=lambda e: (e.deleted_at, e.model, e.item.pk), reverse=True)
    return entries


def find_deleted(workspace: Workspace, model: str, pk: int) -> WorkspaceItem:
    """The deleted item ``model``/``pk`` of ``workspace``; Http404 otherwise."""
    found = _models().get(model.lower())
    if found is None:
        raise Http404
    item = found.all_objects.filter(workspace=workspace, pk=pk, deleted_at__isnull=False).first()
    if item is None:
        raise Http404
    return item  # type: ignore[no-any-return]


def restore(*, actor: Any, workspace: Workspace, model: str, pk: int) -> WorkspaceItem:
    """Restore a deleted item (core team and contributors).

    Raises
    ------
    Http404
        When the workspace has no such deleted item.
    PermissionDenied
        For readers and external partners.
    ValidationError
        When the 30 days are over or an item of the same kind took its place meanwhile.
    """
    _require(actor, workspace, "edit_steps")
    item = find_deleted(workspace, model, pk)
    restorer = _restorers().get(item._meta.label_lower)
    try:
        with transaction.atomic():
            if restorer is not None:
                return restorer(actor, item)  # type: ignore[no-any-return]
            return items.restore_item(item, actor=actor)
    except IntegrityError:
        raise ValidationError(
            _(
                "%(item)s lässt sich nicht wiederherstellen, weil es inzwischen einen "
                "gleichartigen Eintrag gibt. Löschen Sie diesen zuerst."
            )
            % {"item": item.describe()}
        ) from None
