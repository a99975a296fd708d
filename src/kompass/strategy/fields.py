"""Fields of action (Handlungsfelder) of a workspace: step 4 of the guide.

The guide (shared/seeds/004_7b05438c2c859b61.txt) has the municipality define its fields of
action in step 4 (lines 2165-2177): sectoral or cross-cutting, for the whole town or a part of
it (lines 2226-2236), and with the municipality in a central, impulse-giving or supporting role
(lines 2172-2175; the roles of the "Kompass", process.yaml ``municipal_roles``, lines 594-682).
A new workspace has none. The team seeds them from the fields of the guide's example impact
matrix (Abb. 12, lines 2839-2956; vocabulary ``bbsr_impact_matrix`` in fields_of_action.yaml,
each term already mapped onto the atlas's ten fields) or writes its own.

Every write goes through :mod:`kompass.strategy.items` (versioned, attributable, logged,
restorable for 30 days). Creating, changing, ordering, deleting and restoring need the
``edit_steps`` capability (core team and contributors); every member sees the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from kompass.core.yamlfiles import read_yaml
from kompass.strategy import items
from kompass.strategy.models import FieldOfAction, Workspace
from kompass.strategy.process import FIELDS_FILE, load_process
from kompass.strategy.services import _require

#: The vocabulary of fields_of_action.yaml the seeds come from.
IMPACT_MATRIX = "bbsr_impact_matrix"

#: Fields the forms and the API may set (besides ``position``, set by ordering).
EDITABLE = (
    "title",
    "description",
    "kind",
    "spatial_reference",
    "spatial_note",
    "municipal_role",
    "responsibility",
    "atlas_fields",
)


@dataclass(frozen=True)
class MatrixTerm:
    """A field of the guide's example impact matrix with its atlas fields."""

    term: str
    atlas_fields: tuple[str, ...]
    lines: tuple[int, int]


@cache
def atlas_fields() -> tuple[tuple[str, str], ...]:
    """The atlas's ten fields of action as (slug, German name), in the platform's order."""
    data = read_yaml(FIELDS_FILE)
    return tuple((str(f["slug"]), str(f["name"])) for f in data["fields"])


def atlas_field_names(slugs: list[str] | tuple[str, ...]) -> list[str]:
    names = dict(atlas_fields())
    return [names.get(s, s) for s in slugs]


@cache
def impact_matrix_terms() -> tuple[MatrixTerm, ...]:
    """The fields of the guide's example impact matrix (vocabulary ``bbsr_impact_matrix``)."""
    data = read_yaml(FIELDS_FILE)
    vocabulary = next(v for v in data["vocabularies"] if v["slug"] == IMPACT_MATRIX)
    return tuple(
        MatrixTerm(
            term=str(t["term"]),
            atlas_fields=tuple(str(f) for f in t.get("fields") or []),
            lines=(int(t["lines"][0]), int(t["lines"][1])),
        )
        for t in vocabulary["terms"]
    )


def municipal_roles() -> list[tuple[str, str]]:
    """The roles of the municipality (process.yaml ``municipal_roles``) as (slug, title)."""
    return [(str(r.slug), r.title) for r in load_process().municipal_roles]


def municipal_role_label(slug: str) -> str:
    return dict(municipal_roles()).get(slug, slug)


# --------------------------------------------------------------------------- reading


def live_fields(workspace: Workspace) -> QuerySet[FieldOfAction]:
    """The workspace's fields in their order, with the number of live ideas and projects.

    The order is explicit: Django leaves ``Meta.ordering`` out of queries with aggregates."""
    return (
        FieldOfAction.objects.filter(workspace=workspace)
        .annotate(
            idea_count=Count("ideas", filter=Q(ideas__deleted_at__isnull=True), distinct=True),
            project_count=Count(
                "projects", filter=Q(projects__deleted_at__isnull=True), distinct=True
            ),
        )
        .order_by("position", "title", "pk")
    )


def deleted_fields(workspace: Workspace) -> QuerySet[FieldOfAction]:
    """Deleted fields that can still be restored (newest first)."""
    return FieldOfAction.all_objects.filter(workspace=workspace, deleted_at__isnull=False).order_by(
        "-deleted_at"
    )


def field_or_none(workspace: Workspace, pk: Any, *, deleted: bool = False) -> FieldOfAction | None:
    manager = FieldOfAction.all_objects if deleted else FieldOfAction.objects
    queryset = manager.filter(workspace=workspace, pk=pk)
    if deleted:
        queryset = queryset.filter(deleted_at__isnull=False)
    return queryset.first()


# --------------------------------------------------------------------------- validation


def clean_values(values: dict[str, Any], *, current: FieldOfAction | None = None) -> dict[str, Any]:
    """Check and normalise the editable values; German messages keyed by field.

    ``current`` supplies the values not sent (for partial updates)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def value(name: str, default: Any = "") -> Any:
        if name in values:
            return values[name]
        return getattr(current, name) if current is not None else default

    if "title" in values or current is None:
        title = " ".join(str(values.get("title") or "").split())
        if not title:
            errors.setdefault("title", []).append(
                _("Bitte eine Bezeichnung für das Handlungsfeld angeben.")
            )
        elif len(title) > 200:
            errors.setdefault("title", []).append(_("Die Bezeichnung ist länger als 200 Zeichen."))
        cleaned["title"] = title
    if "description" in values:
        cleaned["description"] = str(values["description"] or "").strip()
    kind = value("kind", FieldOfAction.Kind.SECTORAL) or FieldOfAction.Kind.SECTORAL
    if kind not in FieldOfAction.Kind.values:
        errors.setdefault("kind", []).append(_("Art „%(value)s“ gibt es nicht.") % {"value": kind})
    elif "kind" in values or current is None:
        cleaned["kind"] = kind
    spatial = value("spatial_reference", FieldOfAction.Spatial.CITY) or FieldOfAction.Spatial.CITY
    note = " ".join(str(value("spatial_note") or "").split())
    if spatial not in FieldOfAction.Spatial.values:
        errors.setdefault("spatial_reference", []).append(
            _("Raumbezug „%(value)s“ gibt es nicht.") % {"value": spatial}
        )
    else:
        if spatial == FieldOfAction.Spatial.CITY:
            note = ""
        elif not note:
            errors.setdefault("spatial_note", []).append(
                _(
                    "Bitte angeben, welcher Stadtteil, welches Quartier oder welcher "
                    "Teilraum gemeint ist."
                )
            )
        elif len(note) > 200:
            errors.setdefault("spatial_note", []).append(
                _("Die Angabe zum Teilraum ist länger als 200 Zeichen.")
            )
        cleaned["spatial_reference"] = spatial
        cleaned["spatial_note"] = note
    if "municipal_role" in values:
        role = str(values["municipal_role"] or "")
        if role and role not in dict(municipal_roles()):
            errors.setdefault("municipal_role", []).append(
                _("Die Rolle „%(value)s“ gibt es im Kompass der Handreichung nicht.")
                % {"value": role}
            )
        cleaned["municipal_role"] = role
    if "responsibility" in values:
        responsibility = str(values["responsibility"] or "")
        if responsibility and responsibility not in FieldOfAction.Responsibility.values:
            errors.setdefault("responsibility", []).append(
                _("Verantwortung „%(value)s“ gibt es nicht.") % {"value": responsibility}
            )
        cleaned["responsibility"] = responsibility
    if "atlas_fields" in values:
        chosen = list(values["atlas_fields"] or [])
        known = [slug for slug, _name in atlas_fields()]
        unknown = [str(s) for s in chosen if s not in known]
        if unknown:
            errors.setdefault("atlas_fields", []).append(
                _("Diese Handlungsfelder kennt der Atlas nicht: %(values)s.")
                % {"values": ", ".join(unknown)}
            )
        cleaned["atlas_fields"] = [slug for slug in known if slug in chosen]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _next_position(workspace: Workspace) -> int:
    highest = FieldOfAction.objects.filter(workspace=workspace).aggregate(n=Max("position"))["n"]
    return (highest or 0) + 1


# --------------------------------------------------------------------------- writing


def create_field(*, actor: Any, workspace: Workspace, **values: Any) -> FieldOfAction:
    """A field written by the team (at the end of the order)."""
    _require(actor, workspace, "edit_steps")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unbekannte Angaben: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned = clean_values(values)
    with transaction.atomic():
        field = FieldOfAction(workspace=workspace, position=_next_position(workspace), **cleaned)
        return items.create_item(field, actor=actor)


def seed_fields(*, actor: Any, workspace: Workspace, terms: list[str]) -> list[FieldOfAction]:
    """Create one field per chosen term of the guide's example impact matrix, with its atlas
    fields and ``source_term`` (sectoral, whole town; the team adjusts them afterwards).

    Raises
    ------
    ValidationError
        No term chosen, an unknown term, or a term the workspace already has a field for.
    """
    _require(actor, workspace, "edit_steps")
    by_term = {t.term: t for t in impact_matrix_terms()}
    chosen = list(dict.fromkeys(t for t in terms if t))
    if not chosen:
        raise ValidationError(
            {"terms": [_("Bitte mindestens ein Handlungsfeld der Wirkungsmatrix auswählen.")]}
        )
    unknown = [t for t in chosen if t not in by_term]
    if unknown:
        raise ValidationError(
            {
                "terms": [
                    _("Diese Handlungsfelder stehen nicht in der Wirkungsmatrix: %(terms)s.")
                    % {"terms": ", ".join(f"„{t}“" for t in unknown)}
                ]
            }
        )
    with transaction.atomic():
        existing = set(
            FieldOfAction.objects.filter(workspace=workspace, source_term__in=chosen).values_list(
                "source_term", flat=True
            )
        )
        if existing:
            raise ValidationError(
                {
                    "terms": [
                        _("Diese Handlungsfelder gibt es im Arbeitsraum schon: %(terms)s.")
                        % {"terms": ", ".join(f"„{t}“" for t in sorted(existing))}
                    ]
                }
            )
        position = _next_position(workspace)
        created = []
        for offset, term in enumerate(t for t in by_term if t in chosen):
            created.append(
                items.create_item(
                    FieldOfAction(
                        workspace=workspace,
                        title=term,
                        source_term=term,
                        atlas_fields=list(by_term[term].atlas_fields),
                        position=position + offset,
                    ),
                    actor=actor,
                    details=_("Aus der beispielhaften Wirkungsmatrix der Handreichung übernommen."),
                )
            )
        return created


def unused_matrix_terms(workspace: Workspace) -> list[MatrixTerm]:
    """Matrix fields the workspace has no live field for yet."""
    used = set(
        FieldOfAction.objects.filter(workspace=workspace).values_list("source_term", flat=True)
    )
    return [t for t in impact_matrix_terms() if t.term not in used]


def update_field(*, actor: Any, field: FieldOfAction, version: int, **values: Any) -> FieldOfAction:
    """Change the sent values if ``version`` is current (VersionConflict otherwise)."""
    _require(actor, field.workspace, "edit_steps")
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unbekannte Angaben: %(names)s.") % {"names": ", ".join(unknown)})
    cleaned = clean_values(values, current=field)
    return items.update_item(field, actor=actor, version=version, values=cleaned)


def delete_field(*, actor: Any, field: FieldOfAction, version: int) -> FieldOfAction:
    """Move the field to the bin for 30 days. Its ideas and projects keep the link and show it
    again once the field is restored."""
    _require(actor, field.workspace, "edit_steps")
    return items.soft_delete_item(field, actor=actor, version=version)


def restore_field(*, actor: Any, field: FieldOfAction) -> FieldOfAction:
    _require(actor, field.workspace, "edit_steps")
    return items.restore_item(field, actor=actor)


def move_field(*, actor: Any, field: FieldOfAction, version: int, direction: str) -> FieldOfAction:
    """Move ``field`` one place up or down. The fields are renumbered 1 … n; every field whose
    position changes gets a new, logged version."""
    workspace = field.workspace
    _require(actor, workspace, "edit_steps")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Bitte „hoch“ oder „runter“ wählen.")})
    with transaction.atomic():
        locked = items.lock(field)
        items.check_writable(locked, version)
        ordered = list(
            FieldOfAction.objects.select_for_update()
            .filter(workspace=workspace)
            .order_by("position", "title", "pk")
        )
        index = next(i for i, f in enumerate(ordered) if f.pk == locked.pk)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(ordered):
            ordered[index], ordered[target] = ordered[target], ordered[index]
        moved = locked
        for position, item in enumerate(ordered, start=1):
            if item.position == position:
                continue
            changes = items.apply_changes(item, {"position": position})
            saved = items.save_changes(item, actor=actor, changes=changes)
            if saved.pk == locked.pk:
                moved = saved
        return moved


def set_positions(
    *,
    actor: Any,
    workspace: Workspace,
    order: list[int],
    versions: dict[int, int] | None = None,
) -> list[FieldOfAction]:
    """Put the live fields in the order of ``order`` (their ids; every live field once).

    ``versions`` (field id → the version the client read) makes the whole reordering refuse
    with ``VersionConflict`` if any field changed since; nothing is written then. Every
    field whose position changes gets a new, logged version (one transaction)."""
    _require(actor, workspace, "edit_steps")
    with transaction.atomic():
        fields = {
            f.pk: f for f in FieldOfAction.objects.select_for_update().filter(workspace=workspace)
        }
        if sorted(order) != sorted(fields) or len(set(order)) != len(order):
            raise ValidationError(
                {"order": [_("Bitte jedes Handlungsfeld des Arbeitsraums genau einmal nennen.")]}
            )
        if versions is not None:
            missing = [pk for pk in order if pk not in versions]
            if missing:
                raise ValidationError(
                    {"order": [_("Bitte zu jedem Handlungsfeld die gelesene Version angeben.")]}
                )
            for pk in order:
                if fields[pk].version != versions[pk]:
                    raise items.conflict(fields[pk], versions[pk])
        ordered = []
        for position, pk in enumerate(order, start=1):
            item = fields[pk]
            if item.position != position:
                changes = items.apply_changes(item, {"position": position})
                item = items.save_changes(item, actor=actor, changes=changes)
            ordered.append(item)
        return ordered
