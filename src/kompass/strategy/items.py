"""Service helpers shared by every workspace item (:class:`~kompass.strategy.models.WorkspaceItem`).

- :func:`record_activity` writes one line of the activity log; every service calls it.
- :func:`create_item` saves a new item and logs it.
- :func:`update_item` changes fields if the caller's version is still current; otherwise it
  raises :class:`VersionConflict`, whose German message names the fields somebody else
  changed since that version (from the activity log) and who changed them.
- :func:`soft_delete_item` / :func:`restore_item` hide an item and bring it back within
  :data:`~kompass.strategy.models.RESTORE_DAYS` days; :func:`purge_deleted_items` removes it
  for good afterwards (``manage.py purge_deleted_items``, run daily).

Permission checks stay in the callers (:mod:`kompass.strategy.services`): these helpers only
know items, versions and the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy.models import RESTORE_DAYS, Activity, Workspace, WorkspaceItem

Item = TypeVar("Item", bound=WorkspaceItem)


class VersionConflict(Exception):
    """The item changed since the client read it; nothing was written.

    Attributes
    ----------
    item
        The item as it is now (current version).
    client_version
        The version the client had read.
    fields
        Names of the fields changed since then (English, for the API).
    labels
        The same fields as German labels.
    actors
        Who changed them.
    """

    def __init__(
        self,
        item: WorkspaceItem,
        client_version: int,
        fields: list[str],
        labels: list[str],
        actors: list[str],
    ) -> None:
        self.item = item
        self.client_version = client_version
        self.fields = fields
        self.labels = labels
        self.actors = actors
        super().__init__(self.message)

    @property
    def current_version(self) -> int:
        return self.item.version

    @property
    def message(self) -> str:
        text = _(
            "%(item)s wurde inzwischen geändert (jetzt Version %(current)s, Sie hatten "
            "Version %(mine)s geladen)"
        ) % {
            "item": self.item.describe(),
            "current": self.item.version,
            "mine": self.client_version,
        }
        if self.actors:
            text += _(" von %(who)s") % {"who": ", ".join(self.actors)}
        text += ". "
        if self.labels:
            text += _("Geändert wurden: %(fields)s. ") % {"fields": ", ".join(self.labels)}
        return text + _(
            "Ihre Änderungen wurden nicht gespeichert. Bitte prüfen Sie den aktuellen Stand "
            "und speichern Sie erneut."
        )


def record_activity(
    *,
    workspace: Workspace,
    actor: Any,
    verb: str,
    object_description: str,
    details: str = "",
    target: WorkspaceItem | None = None,
    changes: dict[str, list[str]] | None = None,
) -> Activity:
    """Write one line of ``workspace``'s activity log (``actor`` may be None for the system)."""
    return Activity.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_description=object_description[:300],
        details=details,
        target_type=target.target_type() if target is not None else "",
        target_id=target.pk if target is not None else None,
        target_version=target.version if target is not None else None,
        changes=changes or {},
    )


def _changes_details(item: WorkspaceItem, changes: dict[str, list[str]]) -> str:
    labels = type(item).tracked_fields
    return "; ".join(
        f"{labels.get(field, field)}: {old} → {new}" for field, (old, new) in changes.items()
    )


def create_item(item: Item, *, actor: Any, details: str = "") -> Item:
    """Save a new ``item`` (version 1) as created by ``actor`` and log it."""
    now = timezone.now()
    item.version = 1
    item.created_by = actor
    item.created_at = now
    item.updated_by = actor
    item.updated_at = now
    item.save()
    record_activity(
        workspace=item.workspace,
        actor=actor,
        verb=Activity.Verb.CREATED,
        object_description=item.describe(),
        details=details,
        target=item,
    )
    return item


def conflict(item: WorkspaceItem, client_version: int) -> VersionConflict:
    """The conflict for a write based on ``client_version`` of ``item`` (its current state):
    the fields changed since then and who changed them, read from the activity log."""
    lines = Activity.objects.filter(
        target_type=item.target_type(),
        target_id=item.pk,
        target_version__gt=client_version,
    ).select_related("actor")
    fields: list[str] = []
    actors: list[str] = []
    for line in lines.order_by("target_version", "id"):
        for field in line.changes or {}:
            if field not in fields:
                fields.append(field)
        if line.actor is not None and str(line.actor) not in actors:
            actors.append(str(line.actor))
    labels = [type(item).tracked_fields.get(field, field) for field in fields]
    return VersionConflict(item, client_version, fields, labels, actors)


def lock(item: Item) -> Item:
    """``item`` re-read and locked for the rest of the transaction (deleted rows included)."""
    model: Any = type(item)
    locked: Item = model.all_objects.select_for_update().get(pk=item.pk)
    return locked


def _same(item: WorkspaceItem, field: str, value: Any) -> bool:
    model_field = item._meta.get_field(field)
    if isinstance(model_field, models.ForeignKey):
        current_id = getattr(item, model_field.attname)
        new_id = value.pk if value is not None else None
        return bool(current_id == new_id)
    return bool(getattr(item, field) == value)


def apply_changes(item: Item, values: dict[str, Any]) -> dict[str, list[str]]:
    """Set ``values`` on a locked ``item`` and return the changes as display values."""
    changes: dict[str, list[str]] = {}
    for field, value in values.items():
        if _same(item, field, value):
            continue
        old = getattr(item, field)
        changes[field] = [item.display_value(field, old), item.display_value(field, value)]
        setattr(item, field, value)
    return changes


def save_changes(
    item: Item,
    *,
    actor: Any,
    changes: dict[str, list[str]],
    verb: str = Activity.Verb.UPDATED,
    details: str = "",
) -> Item:
    """Store a locked ``item`` whose fields were changed as the next version and log it.

    The write is conditional on the version read (a second guard next to the row lock, which
    SQLite does not have)."""
    model: Any = type(item)
    old_version = item.version
    item.version = old_version + 1
    item.updated_by = actor
    item.updated_at = timezone.now()
    values = {
        f.attname: getattr(item, f.attname) for f in item._meta.concrete_fields if not f.primary_key
    }
    written = model.all_objects.filter(pk=item.pk, version=old_version).update(**values)
    if written != 1:
        current = model.all_objects.get(pk=item.pk)
        raise conflict(current, old_version)
    record_activity(
        workspace=item.workspace,
        actor=actor,
        verb=verb,
        object_description=item.describe(),
        details=details or _changes_details(item, changes),
        target=item,
        changes=changes,
    )
    return item


def update_item(
    item: Item,
    *,
    actor: Any,
    version: int,
    values: dict[str, Any],
    verb: str = Activity.Verb.UPDATED,
    details: str = "",
) -> Item:
    """Change ``values`` of ``item`` if ``version`` is still its current version.

    Returns the item as stored (unchanged, without a new version, when nothing differs).

    Raises
    ------
    VersionConflict
        When the item moved on since ``version``; nothing is written.
    ValidationError
        When the item was deleted meanwhile.
    """
    with transaction.atomic():
        locked = lock(item)
        check_writable(locked, version)
        changes = apply_changes(locked, values)
        if not changes:
            return locked
        return save_changes(locked, actor=actor, changes=changes, verb=verb, details=details)


def check_writable(locked: WorkspaceItem, version: int) -> None:
    """Refuse writes to a deleted item or based on an old version."""
    if locked.deleted_at is not None:
        raise ValidationError(
            _("%(item)s wurde gelöscht und kann nicht mehr geändert werden.")
            % {"item": locked.describe()}
        )
    if locked.version != version:
        raise conflict(locked, version)


def soft_delete_item(item: Item, *, actor: Any, version: int) -> Item:
    """Hide ``item`` (restorable for 30 days) if ``version`` is current; logs "gelöscht"."""
    with transaction.atomic():
        locked = lock(item)
        check_writable(locked, version)
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor
        until = locked.restorable_until
        assert until is not None
        return save_changes(
            locked,
            actor=actor,
            changes={},
            verb=Activity.Verb.DELETED,
            details=_("Wiederherstellbar bis %(date)s.")
            % {"date": timezone.localtime(until).strftime("%d.%m.%Y")},
        )


def restore_item(item: Item, *, actor: Any, now: dt.datetime | None = None) -> Item:
    """Bring a soft-deleted ``item`` back within 30 days; logs "wiederhergestellt".

    Raises
    ------
    ValidationError
        When the item is not deleted or the 30 days are over.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock(item)
        until = locked.restorable_until
        if until is None:
            raise ValidationError(_("%(item)s ist nicht gelöscht.") % {"item": locked.describe()})
        if until < now:
            raise ValidationError(
                _(
                    "%(item)s wurde vor mehr als %(days)s Tagen gelöscht und lässt sich nicht "
                    "mehr wiederherstellen."
                )
                % {"item": locked.describe(), "days": RESTORE_DAYS}
            )
        locked.deleted_at = None
        locked.deleted_by = None
        return save_changes(
            locked, actor=actor, changes={}, verb=Activity.Verb.RESTORED, details=""
        )


def item_models() -> Iterable[type[WorkspaceItem]]:
    """Every concrete model built on :class:`WorkspaceItem`."""
    for model in apps.get_models():
        if issubclass(model, WorkspaceItem):
            yield model


def purge_deleted_items(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete for good every item soft-deleted more than 30 days ago.

    Returns
    -------
    dict
        Model label → number of rows removed.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=RESTORE_DAYS)
    removed: dict[str, int] = {}
    for model in item_models():
        manager: Any = model.all_objects  # type: ignore[attr-defined]
        count, _details = manager.filter(deleted_at__lt=cutoff).delete()
        removed[model._meta.label] = count
    return removed
