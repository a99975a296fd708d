"""Risks of a workspace: the risk matrix of step 6 „Risiken abschätzen“ (docs/strategy_risks.md).

The guide (shared/seeds/004_7b05438c2c859b61.txt) asks the municipality to assess risks of the
strategy as a whole and of each project (lines 2355-2366), to rate them by probability and
damage in a standardised, comparable way – a risk matrix (lines 2442-2455) – and to classify
them by how far they can be influenced (lines 2439-2441), by scope and duration (lines
2469-2471), with an emergency plan for serious risks (lines 2436-2439, 2498-2499) and abort
criteria (lines 2429-2434). Worksheet 7 (lines 3869-4052) is the template; its categories
are in risk_categories.yaml.

Rules kept here (pages and API call the same functions):

- **Scale.** Every workspace has one :class:`RiskScale` (created with the template's 1-5 on
  first use). Only the core team changes it. When risks are scored under the current scale,
  a change needs ``confirm=True``; it never touches the risks. A risk scored under an older
  version is *due for re-scoring*: it is left out of the heat map, the bands and the counts
  and shown separately with its old values and old labels until someone scores it again
  (:func:`rescore_risk`). :func:`proposal` offers a proportional mapping the person must
  confirm by submitting it.
- **Band** (:func:`band_for`): ``score = probability × damage``, ``maximum = levels of
  probability × levels of damage``; **hoch** when ``score ≥ maximum / 2``, **gering** when
  ``score ≤ maximum / 5``, otherwise **mittel** (integer arithmetic, so no rounding).
- Every write goes through :mod:`kompass.strategy.items` (versioned, attributable, logged,
  restorable for 30 days). Risks are written by the core team and contributors
  (``edit_steps``); every member reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items
from kompass.strategy.models import Activity, Project, Workspace, WorkspaceMember
from kompass.strategy.models_risks import (
    RISK_SCALE_MAX_LEVELS,
    RISK_SCALE_MIN_LEVELS,
    Risk,
    RiskBand,
    RiskScale,
    RiskScaleVersion,
)
from kompass.strategy.permissions import capabilities
from kompass.strategy.process import Field, RiskCategory, load_all
from kompass.strategy.services import _require

#: Longest label of a scale level.
LABEL_MAX_LENGTH = 60

#: Filter value of ``project`` for the risks of the strategy as a whole.
STRATEGY_LEVEL = "strategie"

#: Words for the levels between the template's printed ends (the guide prints only
#: "sehr gering" and "sehr hoch" for 1 and 5; the middle is the platform's wording).
_MIDDLE_LABELS = {2: "gering", 3: "mittel", 4: "hoch"}

#: Fields of a risk that forms and API may set (``probability``/``damage`` score it).
EDITABLE = (
    "project",
    "title",
    "category",
    "category_other",
    "description",
    "example",
    "perspective",
    "consequence_types",
    "probability",
    "damage",
    "scope",
    "duration",
    "influence_level",
    "related_risks",
    "mitigation",
    "emergency_plan",
    "abort_criteria",
    "owner",
    "owner_name",
)

#: Sort keys of the risk list → order_by terms.
SORTS: dict[str, tuple[Any, ...]] = {
    "wert": (F("score").desc(nulls_last=True), "title"),
    "wert-aufsteigend": (F("score").asc(nulls_last=True), "title"),
    "titel": ("title",),
    "kategorie": ("category", "category_other", "title"),
    "projekt": (F("project__title").asc(nulls_first=True), "title"),
    "geaendert": ("-updated_at", "title"),
}
DEFAULT_SORT = "wert"


# --------------------------------------------------------------------------- the guide's data


def worksheet() -> Any:
    """Worksheet 7 (risk matrix) as shipped."""
    return load_all().worksheet("risk_matrix")


def column(column_id: str) -> Field:
    """A column of the worksheet's risks table (labels, options, help)."""
    table: Field = worksheet().field("risks")
    for col in table.columns:
        if col.id == column_id:
            return col
    raise KeyError(column_id)


def categories() -> tuple[RiskCategory, ...]:
    """The guide's risk categories with descriptions and examples (risk_categories.yaml)."""
    return load_all().risk_categories


def category_titles() -> dict[str, str]:
    return {c.slug: c.title for c in categories()}


def options(column_id: str) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in column(column_id).options]


def template_labels(column_id: str) -> list[str]:
    """The template's levels of a scale column: its printed labels, the platform's words in
    between."""
    scale = column(column_id).scale
    assert scale is not None
    printed = dict(scale.labels)
    return [
        printed.get(level) or _MIDDLE_LABELS.get(level, str(level))
        for level in range(scale.min, scale.max + 1)
    ]


def scope_labels() -> list[str]:
    """The fixed 1-5 scale of the scope (Wirkungsumfang) as in the template."""
    return template_labels("scope")


# --------------------------------------------------------------------------- permissions


def _require_edit(actor: Any, workspace: Workspace) -> WorkspaceMember:
    return _require(actor, workspace, "edit_steps")


def _require_core(actor: Any, workspace: Workspace) -> WorkspaceMember:
    caps = capabilities(actor, workspace)
    if caps is None or caps.role != WorkspaceMember.Role.CORE_TEAM:
        raise PermissionDenied(
            _(
                "Ihre Rolle in diesem Arbeitsraum erlaubt das nicht: Die Skalen der "
                "Risikobewertung ändert nur das Kernteam."
            )
        )
    return WorkspaceMember.objects.get(workspace=workspace, user=actor)


def can_change_scale(role: str) -> bool:
    return role == WorkspaceMember.Role.CORE_TEAM


# --------------------------------------------------------------------------- bands


def band_for(probability: int, damage: int, probability_levels: int, damage_levels: int) -> str:
    """The band of a scored risk relative to the scale it was scored under.

    ``score = probability × damage``, ``maximum = probability_levels × damage_levels``:
    ``high`` when ``2 × score ≥ maximum``, ``low`` when ``5 × score ≤ maximum``, else
    ``medium``. On the template's 5 × 5 scale: 1-5 gering, 6-12 mittel, 15-25 hoch.
    """
    score = probability * damage
    maximum = probability_levels * damage_levels
    if 2 * score >= maximum:
        return RiskBand.HIGH
    if 5 * score <= maximum:
        return RiskBand.LOW
    return RiskBand.MEDIUM


def map_level(value: int, old_levels: int, new_levels: int) -> int:
    """``value`` of a scale with ``old_levels`` mapped proportionally onto ``new_levels``
    (lowest onto lowest, highest onto highest, halves rounded up). Only a proposal."""
    if old_levels <= 1:
        return 1
    numerator = (value - 1) * (new_levels - 1)
    denominator = old_levels - 1
    mapped = 1 + (2 * numerator + denominator) // (2 * denominator)
    return max(1, min(new_levels, mapped))


# --------------------------------------------------------------------------- scale


def current_scale(workspace: Workspace) -> RiskScale:
    """The workspace's scale; created with the template's 1-5 on first use."""
    scale = RiskScale.objects.filter(workspace=workspace).first()
    if scale is not None:
        return scale
    try:
        with transaction.atomic():
            scale = items.create_item(
                RiskScale(
                    workspace=workspace,
                    probability_labels=template_labels("probability"),
                    damage_labels=template_labels("damage"),
                ),
                actor=None,
                details=_("Vorgabe der Arbeitshilfe Risikomatrix: Stufen 1 bis 5."),
            )
            _snapshot(scale, None)
    except IntegrityError:
        scale = RiskScale.objects.get(workspace=workspace)
    return scale


def _snapshot(scale: RiskScale, actor: Any) -> RiskScaleVersion:
    return RiskScaleVersion.objects.create(
        workspace=scale.workspace,
        version=scale.version,
        probability_labels=list(scale.probability_labels),
        damage_labels=list(scale.damage_labels),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def scale_versions(workspace: Workspace) -> dict[int, RiskScaleVersion]:
    """Every version the workspace's scale had, by number."""
    return {v.version: v for v in RiskScaleVersion.objects.filter(workspace=workspace)}


def _clean_labels(raw: Any, name: str, what: str, errors: dict[str, list[str]]) -> list[str]:
    if not isinstance(raw, list | tuple):
        errors.setdefault(name, []).append(_("Bitte die Stufen als Liste angeben."))
        return []
    labels = [" ".join(str(label or "").split()) for label in raw]
    # Empty trailing rows of the form mean "fewer levels".
    while labels and not labels[-1]:
        labels.pop()
    if not RISK_SCALE_MIN_LEVELS <= len(labels) <= RISK_SCALE_MAX_LEVELS:
        errors.setdefault(name, []).append(
            _("%(what)s braucht %(min)s bis %(max)s Stufen, nicht %(n)s.")
            % {
                "what": what,
                "min": RISK_SCALE_MIN_LEVELS,
                "max": RISK_SCALE_MAX_LEVELS,
                "n": len(labels),
            }
        )
        return labels
    for index, label in enumerate(labels, start=1):
        if not label:
            errors.setdefault(name, []).append(
                _("%(what)s: Stufe %(n)s braucht eine Bezeichnung.") % {"what": what, "n": index}
            )
        elif len(label) > LABEL_MAX_LENGTH:
            errors.setdefault(name, []).append(
                _("%(what)s: Die Bezeichnung von Stufe %(n)s ist länger als %(max)s Zeichen.")
                % {"what": what, "n": index, "max": LABEL_MAX_LENGTH}
            )
    seen: set[str] = set()
    for label in labels:
        if label and label.casefold() in seen:
            errors.setdefault(name, []).append(
                _("%(what)s: Die Bezeichnung „%(label)s“ kommt mehrfach vor.")
                % {"what": what, "label": label}
            )
        seen.add(label.casefold())
    return labels


def scored_under(scale: RiskScale) -> QuerySet[Risk]:
    """Live risks scored under the scale's current version."""
    return visible_risks(scale.workspace).filter(scale_version=scale.version, score__isnull=False)


def change_scale(
    *,
    actor: Any,
    workspace: Workspace,
    version: int,
    probability_labels: Any,
    damage_labels: Any,
    confirm: bool = False,
) -> RiskScale:
    """Change the number of levels and their labels (core team only).

    Raises
    ------
    ValidationError
        Invalid labels (keyed ``probability_labels`` / ``damage_labels``), or risks are scored
        under the current scale and ``confirm`` is not set (keyed ``confirm``, with the number
        of risks that will need re-scoring). Nothing is written then.
    VersionConflict
        The scale changed since ``version``.
    """
    _require_core(actor, workspace)
    errors: dict[str, list[str]] = {}
    probability = _clean_labels(
        probability_labels, "probability_labels", _("Die Eintrittswahrscheinlichkeit"), errors
    )
    damage = _clean_labels(damage_labels, "damage_labels", _("Die Schadenshöhe"), errors)
    if errors:
        raise ValidationError(errors)
    scale = current_scale(workspace)
    with transaction.atomic():
        locked = items.lock(scale)
        items.check_writable(locked, version)
        if locked.probability_labels == probability and locked.damage_labels == damage:
            return locked
        affected = scored_under(locked).count()
        if affected and not confirm:
            raise ValidationError({"confirm": [confirmation_message(affected)]})
        changes = items.apply_changes(
            locked, {"probability_labels": probability, "damage_labels": damage}
        )
        details = "; ".join(
            f"{RiskScale.tracked_fields[name]}: {old} → {new}"
            for name, (old, new) in changes.items()
        )
        if affected:
            details += " " + _("%(n)s Risiken müssen neu bewertet werden.") % {"n": affected}
        saved = items.save_changes(locked, actor=actor, changes=changes, details=details)
        _snapshot(saved, actor)
    return saved


def confirmation_message(affected: int) -> str:
    return (
        _(
            "Unter der jetzigen Skala ist %(n)s Risiko bewertet. Nach der Änderung muss es neu "
            "bewertet werden und zählt bis dahin nicht in der Risikomatrix. Bitte bestätigen "
            "Sie die Änderung ausdrücklich."
        )
        if affected == 1
        else _(
            "Unter der jetzigen Skala sind %(n)s Risiken bewertet. Nach der Änderung müssen sie "
            "neu bewertet werden und zählen bis dahin nicht in der Risikomatrix. Bitte "
            "bestätigen Sie die Änderung ausdrücklich."
        )
    ) % {"n": affected}


# --------------------------------------------------------------------------- reading risks


def visible_risks(workspace: Workspace) -> QuerySet[Risk]:
    """Live risks of the workspace whose project (if any) is not deleted."""
    return (
        Risk.objects.filter(workspace=workspace)
        .filter(Q(project__isnull=True) | Q(project__deleted_at__isnull=True))
        .select_related("project", "owner__user")
    )


def needs_rescore(risk: Risk, scale: RiskScale) -> bool:
    """Scored under an older version of the scale (never converted silently)."""
    return risk.is_scored and risk.scale_version != scale.version


def projects_of(workspace: Workspace) -> QuerySet[Project]:
    return Project.objects.filter(workspace=workspace).order_by("position", "title")


@dataclass
class RiskFilter:
    """The list's filters: ``project`` is "" (all), :data:`STRATEGY_LEVEL` or a project id;
    ``owner`` a member id, ``extern`` (a person outside) or ``niemand``."""

    project: str = ""
    category: str = ""
    band: str = ""
    owner: str = ""
    #: True: only risks due for re-scoring; False: only the others; None: both.
    rescore: bool | None = False
    sort: str = DEFAULT_SORT
    #: A cell of the heat map: levels of the current scale (as text, "" for any).
    probability: str = ""
    damage: str = ""


def filter_risks(workspace: Workspace, scale: RiskScale, chosen: RiskFilter) -> QuerySet[Risk]:
    """The risks matching ``chosen``; with ``rescore`` only those due for re-scoring, else
    only those scored under the current scale or not scored yet (never both mixed)."""
    risks = visible_risks(workspace)
    if chosen.project == STRATEGY_LEVEL:
        risks = risks.filter(project__isnull=True)
    elif chosen.project.isdigit():
        risks = risks.filter(project_id=int(chosen.project))
    if chosen.category:
        risks = risks.filter(category=chosen.category)
    if chosen.owner == "extern":
        risks = risks.filter(owner__isnull=True).exclude(owner_name="")
    elif chosen.owner == "niemand":
        risks = risks.filter(owner__isnull=True, owner_name="")
    elif chosen.owner.isdigit():
        risks = risks.filter(owner_id=int(chosen.owner))
    outdated = Q(score__isnull=False) & ~Q(scale_version=scale.version)
    if chosen.rescore is True:
        if chosen.band or chosen.probability or chosen.damage:
            return risks.none()
        risks = risks.filter(outdated)
    elif chosen.rescore is False or chosen.band or chosen.probability or chosen.damage:
        # Bands and cells belong to the current scale: outdated risks never match them.
        risks = risks.exclude(outdated)
    if chosen.band:
        risks = risks.filter(band=chosen.band)
    if chosen.probability.isdigit():
        risks = risks.filter(probability=int(chosen.probability))
    if chosen.damage.isdigit():
        risks = risks.filter(damage=int(chosen.damage))
    return risks.order_by(*SORTS.get(chosen.sort, SORTS[DEFAULT_SORT]))


def deleted_risks(workspace: Workspace) -> list[Risk]:
    """Deleted risks that can still be restored, newest first."""
    found = (
        Risk.all_objects.filter(workspace=workspace, deleted_at__isnull=False)
        .select_related("project", "deleted_by")
        .order_by("-deleted_at")
    )
    now = timezone.now()
    return [r for r in found if r.restorable_until is not None and r.restorable_until >= now]


@dataclass
class ScoreView:
    """A risk's probability and damage with the labels of the scale it was scored under."""

    probability: int
    probability_label: str
    probability_levels: int
    damage: int
    damage_label: str
    damage_levels: int
    scale_version: int


def score_view(risk: Risk, versions: dict[int, RiskScaleVersion]) -> ScoreView | None:
    """What the risk's values meant when it was scored (None when not scored)."""
    if not risk.is_scored or risk.scale_version is None:
        return None
    assert risk.probability is not None and risk.damage is not None
    snapshot = versions.get(risk.scale_version)
    p_labels = list(snapshot.probability_labels) if snapshot else []
    d_labels = list(snapshot.damage_labels) if snapshot else []

    def label(labels: list[str], value: int) -> str:
        return labels[value - 1] if 0 < value <= len(labels) else "–"

    return ScoreView(
        probability=risk.probability,
        probability_label=label(p_labels, risk.probability),
        probability_levels=len(p_labels),
        damage=risk.damage,
        damage_label=label(d_labels, risk.damage),
        damage_levels=len(d_labels),
        scale_version=risk.scale_version,
    )


def proposal(risk: Risk, scale: RiskScale) -> tuple[int, int] | None:
    """A proportional mapping of the risk's old values onto the current scale (only for risks
    due for re-scoring; the person must confirm it)."""
    if not needs_rescore(risk, scale):
        return None
    old = scale_versions(risk.workspace).get(risk.scale_version or 0)
    if old is None:
        return None
    assert risk.probability is not None and risk.damage is not None
    return (
        map_level(risk.probability, old.probability_levels, scale.probability_levels),
        map_level(risk.damage, old.damage_levels, scale.damage_levels),
    )


# --------------------------------------------------------------------------- writing risks


def _text(raw: Any) -> str:
    return str(raw or "").strip()


def _clean_choice(
    raw: Any, name: str, allowed: Iterable[str], label: str, errors: dict[str, list[str]]
) -> str:
    value = _text(raw)
    if value and value not in set(allowed):
        errors.setdefault(name, []).append(
            _("%(label)s „%(value)s“ gibt es nicht.") % {"label": label, "value": value}
        )
    return value


def _clean_level(raw: Any, levels: int, label: str, errors: dict[str, list[str]], name: str) -> Any:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("%(label)s muss eine Zahl sein.") % {"label": label})
        return None
    if not 1 <= value <= levels:
        errors.setdefault(name, []).append(
            _("%(label)s muss zwischen 1 und %(max)s liegen, nicht %(value)s.")
            % {"label": label, "max": levels, "value": value}
        )
        return None
    return value


def _clean_values(
    workspace: Workspace, values: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Validate the sent fields except probability/damage (German messages per field)."""
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in EDITABLE:
            raise ValueError(f"unknown field {name}")
        if name in ("probability", "damage"):
            continue
        if name == "title":
            title = " ".join(_text(raw).split())
            if not title:
                errors.setdefault(name, []).append(_("Bitte eine Kurzbezeichnung angeben."))
            elif len(title) > 200:
                errors.setdefault(name, []).append(
                    _("Die Kurzbezeichnung ist länger als 200 Zeichen.")
                )
            clean[name] = title
        elif name == "category":
            clean[name] = _clean_choice(
                raw,
                name,
                [*category_titles(), Risk.OTHER_CATEGORY],
                _("Die Art der Risiken"),
                errors,
            )
        elif name in ("category_other", "owner_name"):
            text = " ".join(_text(raw).split())
            limit = 120 if name == "category_other" else 200
            if len(text) > limit:
                errors.setdefault(name, []).append(_("Höchstens %(n)s Zeichen.") % {"n": limit})
            clean[name] = text
        elif name in ("perspective", "duration", "influence_level"):
            clean[name] = _clean_choice(
                raw, name, dict(options(name)), str(column(name).label), errors
            )
        elif name == "consequence_types":
            allowed = [value for value, _label in options("consequence_types")]
            chosen = [str(v) for v in (raw or [])]
            for value in chosen:
                if value not in allowed:
                    errors.setdefault(name, []).append(
                        _("Art der Folgeeffekte „%(value)s“ gibt es nicht.") % {"value": value}
                    )
            clean[name] = [v for v in allowed if v in chosen]
        elif name == "scope":
            clean[name] = _clean_level(
                raw, len(scope_labels()), _("Der Wirkungsumfang"), errors, name
            )
        elif name == "project":
            clean[name] = _clean_project(workspace, raw, errors)
        elif name == "owner":
            clean[name] = _clean_owner(workspace, raw, errors)
        else:
            clean[name] = _text(raw)
    return clean


def _clean_project(workspace: Workspace, raw: Any, errors: dict[str, list[str]]) -> Project | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, Project):
        if raw.workspace_id == workspace.pk and raw.deleted_at is None:
            return raw
        raw = raw.pk
    project = (
        Project.objects.filter(workspace=workspace, pk=raw).first() if str(raw).isdigit() else None
    )
    if project is None:
        errors.setdefault("project", []).append(
            _("Projekt %(id)s gibt es in diesem Arbeitsraum nicht.") % {"id": raw}
        )
    return project


def _clean_owner(
    workspace: Workspace, raw: Any, errors: dict[str, list[str]]
) -> WorkspaceMember | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, WorkspaceMember):
        if raw.workspace_id == workspace.pk:
            return raw
        raw = raw.pk
    member = (
        WorkspaceMember.objects.filter(workspace=workspace, pk=raw).select_related("user").first()
        if str(raw).isdigit()
        else None
    )
    if member is None:
        errors.setdefault("owner", []).append(
            _("Mitglied %(id)s gehört nicht zu diesem Arbeitsraum.") % {"id": raw}
        )
    return member


def _check_combination(merged: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Rules across fields, on the risk as it would be stored."""
    if merged.get("category") == Risk.OTHER_CATEGORY and not merged.get("category_other"):
        errors.setdefault("category_other", []).append(
            _("Bei „Andere Art“ bitte die Art des Risikos benennen.")
        )
    if merged.get("owner") is not None and merged.get("owner_name"):
        errors.setdefault("owner_name", []).append(
            _(
                "Bitte entweder ein Mitglied oder eine Person außerhalb des Arbeitsraums als "
                "verantwortlich angeben, nicht beides."
            )
        )


def _score_values(probability: int | None, damage: int | None, scale: RiskScale) -> dict[str, Any]:
    if probability is None or damage is None:
        return {
            "probability": None,
            "damage": None,
            "scale_version": None,
            "score": None,
            "band": "",
        }
    return {
        "probability": probability,
        "damage": damage,
        "scale_version": scale.version,
        "score": probability * damage,
        "band": band_for(probability, damage, scale.probability_levels, scale.damage_levels),
    }


def _clean_score(
    raw_probability: Any, raw_damage: Any, scale: RiskScale, errors: dict[str, list[str]]
) -> tuple[int | None, int | None]:
    probability = _clean_level(
        raw_probability,
        scale.probability_levels,
        _("Die Eintrittswahrscheinlichkeit"),
        errors,
        "probability",
    )
    damage = _clean_level(raw_damage, scale.damage_levels, _("Die Schadenshöhe"), errors, "damage")
    if "probability" in errors or "damage" in errors:
        return None, None
    if (probability is None) != (damage is None):
        missing = "damage" if damage is None else "probability"
        errors.setdefault(missing, []).append(
            _("Bitte Eintrittswahrscheinlichkeit und Schadenshöhe zusammen bewerten.")
        )
        return None, None
    return probability, damage


def create_risk(*, actor: Any, workspace: Workspace, **values: Any) -> Risk:
    """A new risk (core team and contributors). ``probability`` and ``damage`` are levels of
    the current scale; both or neither."""
    _require_edit(actor, workspace)
    scale = current_scale(workspace)
    errors: dict[str, list[str]] = {}
    values.setdefault("title", "")
    clean = _clean_values(workspace, values, errors)
    probability, damage = _clean_score(
        values.get("probability"), values.get("damage"), scale, errors
    )
    _check_combination(clean, errors)
    if errors:
        raise ValidationError(errors)
    if clean.get("category") != Risk.OTHER_CATEGORY:
        clean["category_other"] = ""
    risk = Risk(workspace=workspace, **clean, **_score_values(probability, damage, scale))
    return items.create_item(risk, actor=actor)


def update_risk(*, actor: Any, risk: Risk, version: int, **values: Any) -> Risk:
    """Change the sent fields of ``risk`` if ``version`` is current.

    ``probability``/``damage`` score the risk under the current scale. A risk scored under an
    older scale keeps its old values until it is re-scored (:func:`rescore_risk`): sending
    them unchanged is ignored, sending other values is refused.
    """
    workspace = risk.workspace
    _require_edit(actor, workspace)
    errors: dict[str, list[str]] = {}
    clean = _clean_values(workspace, values, errors)
    scale = current_scale(workspace)
    with transaction.atomic():
        locked = items.lock(risk)
        items.check_writable(locked, version)
        if "probability" in values or "damage" in values:
            raw_p = values.get("probability", locked.probability)
            raw_d = values.get("damage", locked.damage)
            if needs_rescore(locked, scale):
                same = _as_int(raw_p) == locked.probability and _as_int(raw_d) == locked.damage
                if not same:
                    errors.setdefault("probability", []).append(
                        _(
                            "%(risk)s wurde mit einer früheren Fassung der Skala bewertet. Bitte "
                            "über „Neu bewerten“ nach der jetzigen Skala bewerten."
                        )
                        % {"risk": locked.describe()}
                    )
            else:
                probability, damage = _clean_score(raw_p, raw_d, scale, errors)
                if not errors.get("probability") and not errors.get("damage"):
                    clean.update(_score_values(probability, damage, scale))
        merged = {
            name: getattr(locked, name)
            for name in ("category", "category_other", "owner", "owner_name")
        }
        merged.update(clean)
        _check_combination(merged, errors)
        if errors:
            raise ValidationError(errors)
        if merged.get("category") != Risk.OTHER_CATEGORY and locked.category_other:
            clean["category_other"] = ""
        changes = items.apply_changes(locked, clean)
        if not changes:
            return locked
        return items.save_changes(locked, actor=actor, changes=changes)


def _as_int(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def rescore_risk(*, actor: Any, risk: Risk, version: int, probability: Any, damage: Any) -> Risk:
    """Score ``risk`` under the current scale (the way out of "neu bewerten"). Both values are
    required; a proposal from :func:`proposal` counts only once it is sent here."""
    workspace = risk.workspace
    _require_edit(actor, workspace)
    scale = current_scale(workspace)
    errors: dict[str, list[str]] = {}
    for name, raw, label in (
        ("probability", probability, _("die Eintrittswahrscheinlichkeit")),
        ("damage", damage, _("die Schadenshöhe")),
    ):
        if raw is None or raw == "":
            errors.setdefault(name, []).append(
                _("Bitte %(label)s nach der jetzigen Skala wählen.") % {"label": label}
            )
    new_p, new_d = (None, None)
    if not errors:
        new_p, new_d = _clean_score(probability, damage, scale, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = items.lock(risk)
        items.check_writable(locked, version)
        before = score_view(locked, scale_versions(workspace))
        values = _score_values(new_p, new_d, scale)
        changes = items.apply_changes(locked, values)
        if not changes:
            return locked
        assert new_p is not None and new_d is not None
        after = (
            f"{new_p} „{scale.probability_labels[new_p - 1]}“ × "
            f"{new_d} „{scale.damage_labels[new_d - 1]}“ (Skala Version {scale.version})"
        )
        if before is not None:
            details = _("Neu bewertet: %(old)s → %(new)s.") % {
                "old": f"{before.probability} „{before.probability_label}“ × "
                f"{before.damage} „{before.damage_label}“ (Skala Version {before.scale_version})",
                "new": after,
            }
        else:
            details = _("Bewertet: %(new)s.") % {"new": after}
        return items.save_changes(locked, actor=actor, changes=changes, details=details)


def delete_risk(*, actor: Any, risk: Risk, version: int) -> Risk:
    """Hide ``risk`` (restorable for 30 days)."""
    _require_edit(actor, risk.workspace)
    return items.soft_delete_item(risk, actor=actor, version=version)


def restore_risk(*, actor: Any, risk: Risk) -> Risk:
    """Bring a deleted risk back within 30 days (not while its project is deleted)."""
    _require_edit(actor, risk.workspace)
    if risk.project_id is not None:
        project = Project.all_objects.get(pk=risk.project_id)
        if project.deleted_at is not None:
            raise ValidationError(
                _("Bitte zuerst %(project)s wiederherstellen.") % {"project": project.describe()}
            )
    return items.restore_item(risk, actor=actor)


# --------------------------------------------------------------------------- heat map


@dataclass
class HeatCell:
    probability: int
    damage: int
    count: int
    band: str
    band_label: str
    risk_ids: list[int] = field(default_factory=list)


@dataclass
class HeatRow:
    damage: int
    label: str
    cells: list[HeatCell]


@dataclass
class HeatMap:
    """Counts per probability × damage cell, current scale only; rows from the highest
    damage down (as a risk matrix is usually drawn)."""

    scale: RiskScale
    rows: list[HeatRow]
    bands: dict[str, int]
    total: int
    unscored: int
    rescore: int


def heatmap(workspace: Workspace, project: str = "") -> HeatMap:
    """The heat map of the risks scored under the current scale (``project`` as in
    :class:`RiskFilter`). Risks due for re-scoring and unscored ones are only counted apart."""
    scale = current_scale(workspace)
    current = filter_risks(workspace, scale, RiskFilter(project=project))
    outdated = filter_risks(workspace, scale, RiskFilter(project=project, rescore=True))
    cells: dict[tuple[int, int], list[int]] = {}
    unscored = 0
    for risk in current.select_related(None).only("pk", "probability", "damage", "score"):
        if risk.probability is None or risk.damage is None:
            unscored += 1
            continue
        cells.setdefault((risk.probability, risk.damage), []).append(risk.pk)
    labels = dict(RiskBand.choices)
    bands = {band: 0 for band in RiskBand.values}
    rows = []
    for damage in range(scale.damage_levels, 0, -1):
        row = []
        for probability in range(1, scale.probability_levels + 1):
            ids = cells.get((probability, damage), [])
            band = band_for(probability, damage, scale.probability_levels, scale.damage_levels)
            bands[band] += len(ids)
            row.append(
                HeatCell(probability, damage, len(ids), band, str(labels[band]), sorted(ids))
            )
        rows.append(HeatRow(damage, scale.damage_labels[damage - 1], row))
    return HeatMap(
        scale=scale,
        rows=rows,
        bands=bands,
        total=sum(bands.values()),
        unscored=unscored,
        rescore=outdated.count(),
    )


# --------------------------------------------------------------------------- projects


def assessment_problems(project: Project, scale: RiskScale) -> list[str]:
    """Why the risk assessment of ``project`` cannot be closed yet (empty: it can)."""
    risks = list(visible_risks(project.workspace).filter(project=project))
    problems = []
    if project.status != Project.Status.SKETCH:
        problems.append(
            _(
                "%(project)s hat den Status „%(status)s“; die Risikobewertung lässt sich nur "
                "für Projekte im Status „Skizze“ abschließen."
            )
            % {"project": project.describe(), "status": project.get_status_display()}
        )
    if not risks:
        problems.append(
            _("Für %(project)s ist noch kein Risiko erfasst.") % {"project": project.describe()}
        )
    unscored = [r for r in risks if not r.is_scored]
    if unscored:
        problems.append(
            _("Noch nicht bewertet: %(risks)s.")
            % {"risks": ", ".join(f"„{r.title}“" for r in unscored)}
        )
    outdated = [r for r in risks if needs_rescore(r, scale)]
    if outdated:
        problems.append(
            _("Nach der geänderten Skala neu zu bewerten: %(risks)s.")
            % {"risks": ", ".join(f"„{r.title}“" for r in outdated)}
        )
    return problems


def complete_assessment(*, actor: Any, project: Project, version: int) -> Project:
    """„Risikobewertung abgeschlossen“: sets the project's status from „Skizze“ to „Risiken
    bewertet“ – only when it has risks and every one is scored under the current scale."""
    _require_edit(actor, project.workspace)
    problems = assessment_problems(project, current_scale(project.workspace))
    if problems:
        raise ValidationError({"status": problems})
    return items.update_item(
        project,
        actor=actor,
        version=version,
        values={"status": Project.Status.RISK_ASSESSED},
        details=_("Risikobewertung abgeschlossen; Status: Skizze → Risiken bewertet"),
    )


def history(risk: Risk) -> QuerySet[Activity]:
    """The risk's change history (its lines in the activity log), newest first."""
    return Activity.objects.filter(
        target_type=Risk.target_type(), target_id=risk.pk
    ).select_related("actor")
