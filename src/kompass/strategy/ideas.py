"""Ideas, dot voting and promotion to project sketches: step 5 of the guide.

Sources (shared/seeds/004_7b05438c2c859b61.txt): step 5 (lines 2250-2350) collects ideas per
field of action from step 4, structures them, draws up a long list and works the preferred ones
out as project sketches; projects of other municipalities may inspire them (lines 2256-2258,
the practice examples). Worksheet 5 "Ideen-Steckbriefe" (lines 3673-3751) gives the card
(field of action, project, idea, goal, partners) and the workshop's dot voting: every
participant has three dots (3691-3692), every actor group its own colour (3689-3691), the
groups' votes should be balanced (3692-3695), and every field should get about as many ideas
as the others (3697-3701). The rules are read from ``worksheets.yaml`` (``idea_cards.rules``).

Permissions (docs/strategy_ideas.md): every member reads; ``contribute`` (core team,
contributors, external partners) proposes ideas, edits and deletes *their own*, takes ideas
over from the atlas and votes online; ``edit_steps`` (core team, contributors) edits every
idea, changes its status, promotes it and records the workshop's paper dots; only the core
team opens and closes a voting round.

Errors as in :mod:`kompass.strategy.services`: ``PermissionDenied`` (403), ``ValidationError``
with German messages keyed by field (422 / form errors), ``VersionConflict`` (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.strategy import items
from kompass.strategy.items import record_activity
from kompass.strategy.models import (
    VOTES_PER_PARTICIPANT,
    Activity,
    ActorGroup,
    FieldOfAction,
    Idea,
    Project,
    StepState,
    Vote,
    VotingParticipant,
    VotingRound,
    Workspace,
    WorkspaceMember,
)
from kompass.strategy.permissions import Capabilities, capabilities
from kompass.strategy.process import load_all
from kompass.strategy.services import _require

Status = Idea.Status
Origin = Idea.Origin

#: Fields of an idea the forms and the API may set.
EDITABLE = ("field_of_action", "title", "idea", "goal", "partners", "round", "status")


# --------------------------------------------------------------------------- actor groups


@dataclass(frozen=True)
class GroupStyle:
    """How an actor group's dots look: a colour (contrast ≥ 3:1 on white), a shape and the
    name, so that the colour never carries the meaning alone."""

    value: str
    label: str
    colour: str
    symbol: str
    shape: str


#: Colours from a palette that stays distinguishable with the common colour-vision
#: deficiencies; every dot also shows the group's shape and (visually hidden) name.
GROUP_STYLES: dict[str, GroupStyle] = {
    style.value: style
    for style in (
        GroupStyle("civil_society", "Zivilgesellschaft", "#b35806", "●", "Kreis"),
        GroupStyle("administration", "Verwaltung", "#0072b2", "■", "Quadrat"),
        GroupStyle("business", "Wirtschaft", "#007a5e", "▲", "Dreieck"),
        GroupStyle("science", "Wissenschaft", "#7b3294", "◆", "Raute"),
    )
}


def voting_rules() -> dict[str, Any]:
    """The dot-voting rules of worksheet 5 as shipped (``worksheets.yaml``)."""
    return dict(load_all().worksheet("idea_cards").rules)


def worksheet_actor_groups() -> list[tuple[str, str]]:
    """The actor groups as the worksheet's votes table lists them."""
    votes = load_all().worksheet("idea_cards").field("votes")
    column = next(c for c in votes.columns if c.id == "actor_group")
    return [(o.value, o.label) for o in column.options]


# --------------------------------------------------------------------------- helpers


def _caps(actor: Any, workspace: Workspace) -> Capabilities:
    caps = capabilities(actor, workspace)
    if caps is None:
        raise PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))
    return caps


def _denied() -> PermissionDenied:
    return PermissionDenied(_("Ihre Rolle in diesem Arbeitsraum erlaubt diese Aktion nicht."))


def step5_rounds(workspace: Workspace) -> list[int]:
    """The live rounds of step 5 (ideas belong to one of them)."""
    return list(
        StepState.objects.filter(workspace=workspace, code="5")
        .order_by("round")
        .values_list("round", flat=True)
    )


def current_round(workspace: Workspace) -> int:
    rounds = step5_rounds(workspace)
    return rounds[-1] if rounds else 1


def may_edit(actor: Any, idea: Idea) -> bool:
    """Editors change every idea; other contributors (external partners) their own."""
    caps = capabilities(actor, idea.workspace)
    if caps is None or not caps.contribute:
        return False
    return caps.edit_steps or idea.created_by_id == getattr(actor, "pk", None)


def _clean_partners(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        raise ValidationError({"partners": [_("Bitte die Partner als Liste angeben.")]})
    partners = [" ".join(str(p).split()) for p in raw]
    partners = [p for p in partners if p]
    if any(len(p) > 200 for p in partners):
        raise ValidationError(
            {"partners": [_("Ein Eintrag unter „Mit wem?“ ist länger als 200 Zeichen.")]}
        )
    return list(dict.fromkeys(partners))


def _clean(
    workspace: Workspace, values: dict[str, Any], *, current: Idea | None = None
) -> dict[str, Any]:
    """Check and normalise idea values (German messages keyed by field)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    unknown = set(values) - set(EDITABLE)
    if unknown:
        errors.setdefault("__all__", []).append(
            _("Unbekannte Angaben: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if "title" in values or current is None:
        title = " ".join(str(values.get("title") or "").split())
        if not title:
            errors.setdefault("title", []).append(_("Bitte der Idee einen Titel (Projekt) geben."))
        elif len(title) > 200:
            errors.setdefault("title", []).append(_("Der Titel ist länger als 200 Zeichen."))
        cleaned["title"] = title
    for name in ("idea", "goal"):
        if name in values:
            cleaned[name] = str(values[name] or "").strip()
    if "partners" in values:
        try:
            cleaned["partners"] = _clean_partners(values["partners"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if "field_of_action" in values:
        chosen = values["field_of_action"]
        if chosen in (None, ""):
            cleaned["field_of_action"] = None
        else:
            pk = chosen.pk if isinstance(chosen, FieldOfAction) else chosen
            found = FieldOfAction.objects.filter(workspace=workspace, pk=pk).first()
            if found is None:
                errors.setdefault("field_of_action", []).append(
                    _("Dieses Handlungsfeld gibt es in diesem Arbeitsraum nicht.")
                )
            cleaned["field_of_action"] = found
    if "round" in values or current is None:
        raw = values.get("round") or current_round(workspace)
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number not in step5_rounds(workspace):
            errors.setdefault("round", []).append(
                _("Arbeitsschritt 5 hat keine Runde %(n)s.") % {"n": raw}
            )
        elif (
            current is not None
            and number != current.round
            and Vote.objects.filter(idea=current).exists()
        ):
            errors.setdefault("round", []).append(
                _(
                    "Die Idee hat in Runde %(n)s schon Klebepunkte und bleibt deshalb in dieser "
                    "Runde."
                )
                % {"n": current.round}
            )
        cleaned["round"] = number
    if "status" in values and values["status"] is not None:
        status = values["status"]
        old = current.status if current is not None else Status.LONGLIST
        problem = _status_problem(current, old, status)
        if problem:
            errors.setdefault("status", []).append(problem)
        cleaned["status"] = status
        if old == Status.PROMOTED and status != Status.PROMOTED:
            cleaned["promoted_to"] = None
    if errors:
        raise ValidationError(errors)
    return cleaned


#: Allowed status changes by editing (promotion has its own action).
TRANSITIONS: dict[str, set[str]] = {
    Status.LONGLIST: {Status.SHORTLIST, Status.DISCARDED},
    Status.SHORTLIST: {Status.LONGLIST, Status.DISCARDED},
    Status.DISCARDED: {Status.LONGLIST},
    Status.PROMOTED: {Status.SHORTLIST},
}


def _status_problem(current: Idea | None, old: str, new: str) -> str:
    labels = dict(Status.choices)
    if new not in labels:
        return _("Status „%(value)s“ gibt es nicht.") % {"value": new}
    if new == old:
        return ""
    if new == Status.PROMOTED:
        return _("Zur Projektskizze wird eine Idee mit „Zur Projektskizze ausarbeiten“.")
    if current is None:
        return (
            ""
            if new in (Status.LONGLIST, Status.SHORTLIST)
            else _("Neue Ideen beginnen in der Longlist oder vorausgewählt.")
        )
    if new not in TRANSITIONS.get(old, set()):
        return _("Von „%(old)s“ geht es nicht direkt zu „%(new)s“.") % {
            "old": labels[old],
            "new": labels[new],
        }
    if old == Status.PROMOTED and current.promoted_to_id is not None:
        live = Project.objects.filter(pk=current.promoted_to_id).exists()
        if live:
            return _(
                "Die Idee ist schon als Projektskizze ausgearbeitet. Erst wenn die Projektskizze "
                "gelöscht ist, kann sie wieder vorausgewählt werden."
            )
    return ""


# --------------------------------------------------------------------------- reading


def live_ideas(workspace: Workspace) -> QuerySet[Idea]:
    """The workspace's ideas with their field, author, project and total dots."""
    return (
        Idea.objects.filter(workspace=workspace)
        .select_related("field_of_action", "created_by", "promoted_to")
        .annotate(dot_total=Sum("votes__dots"))
    )


def deleted_ideas(workspace: Workspace) -> QuerySet[Idea]:
    return Idea.all_objects.filter(workspace=workspace, deleted_at__isnull=False).order_by(
        "-deleted_at"
    )


def idea_or_none(workspace: Workspace, pk: Any, *, deleted: bool = False) -> Idea | None:
    manager = Idea.all_objects if deleted else Idea.objects
    queryset = manager.filter(workspace=workspace, pk=pk).select_related(
        "field_of_action", "created_by", "promoted_to"
    )
    if deleted:
        queryset = queryset.filter(deleted_at__isnull=False)
    return queryset.first()


def linked_project(idea: Idea) -> Project | None:
    """The live project sketch an idea was promoted to (None when deleted or missing)."""
    if idea.promoted_to_id is None:
        return None
    return Project.objects.filter(pk=idea.promoted_to_id).first()


@dataclass
class FieldBalance:
    """How many ideas one field of action has in a round, against the average."""

    field: FieldOfAction | None
    count: int
    below_half: bool


def field_balance(workspace: Workspace, round_number: int | None = None) -> list[FieldBalance]:
    """Ideas per field of action (not counting discarded ones): the guide asks for about the
    same number of ideas in every field (lines 3697-3701). ``below_half`` marks fields with
    fewer than half the average."""
    ideas = Idea.objects.filter(workspace=workspace).exclude(status=Status.DISCARDED)
    if round_number is not None:
        ideas = ideas.filter(round=round_number)
    counts = dict(
        ideas.values_list("field_of_action")
        .annotate(n=Count("pk"))
        .values_list("field_of_action", "n")
    )
    fields = list(FieldOfAction.objects.filter(workspace=workspace))
    if not fields:
        return []
    average = Fraction(sum(counts.get(f.pk, 0) for f in fields), len(fields))
    rows = [
        FieldBalance(f, counts.get(f.pk, 0), Fraction(counts.get(f.pk, 0)) * 2 < average)
        for f in fields
    ]
    live = {f.pk for f in fields}
    orphaned = sum(n for pk, n in counts.items() if pk not in live)
    if orphaned:
        rows.append(FieldBalance(None, orphaned, False))
    return rows


# --------------------------------------------------------------------------- writing ideas


def create_idea(*, actor: Any, workspace: Workspace, **values: Any) -> Idea:
    """Propose an idea (contributors, external partners and the core team). Without a round
    it belongs to the latest round of step 5; it starts on the long list."""
    _require(actor, workspace, "contribute")
    wants_status = values.get("status") not in (None, "", Status.LONGLIST)
    if wants_status and not _caps(actor, workspace).edit_steps:
        raise _denied()
    values = {k: v for k, v in values.items() if not (k == "status" and v in (None, ""))}
    cleaned = _clean(workspace, values)
    return items.create_item(Idea(workspace=workspace, **cleaned), actor=actor)


def update_idea(
    *,
    actor: Any,
    idea: Idea,
    version: int,
    values: dict[str, Any] | None = None,
    **more: Any,
) -> Idea:
    """Change the sent values (``values`` – needed for the field ``idea`` – and keyword
    arguments) if ``version`` is current. Changing the status needs ``edit_steps``; others may
    change their own ideas only."""
    values = {**(values or {}), **more}
    workspace = idea.workspace
    caps = _caps(actor, workspace)
    if not may_edit(actor, idea):
        raise _denied()
    if "status" in values and values["status"] not in (None, idea.status) and not caps.edit_steps:
        raise _denied()
    cleaned = _clean(workspace, values, current=idea)
    return items.update_item(idea, actor=actor, version=version, values=cleaned)


def delete_idea(*, actor: Any, idea: Idea, version: int) -> Idea:
    """Move an idea to the bin for 30 days (its dots stay and count again once restored)."""
    if not may_edit(actor, idea):
        raise _denied()
    return items.soft_delete_item(idea, actor=actor, version=version)


def restore_idea(*, actor: Any, idea: Idea) -> Idea:
    if not may_edit(actor, idea):
        raise _denied()
    return items.restore_item(idea, actor=actor)


def sketch_from(idea: Idea) -> dict[str, Any]:
    """The answers of worksheet 6 (project_sketch) an idea fills in: title, idea, field of
    action (its title as text), objective (from the goal) and participants (from the
    partners). Keys as in worksheets.yaml."""
    sketch: dict[str, Any] = {"title": idea.title}
    if idea.idea:
        sketch["idea"] = idea.idea
    if idea.field_of_action is not None:
        sketch["field_of_action"] = idea.field_of_action.title
    if idea.goal:
        sketch["objective"] = idea.goal
    if idea.partners:
        sketch["participants"] = list(idea.partners)
    return sketch


def promote_idea(*, actor: Any, idea: Idea, version: int) -> Project:
    """Work an idea out as a project sketch: a new project (status "Skizze") prefilled from
    the card; the idea becomes "zur Projektskizze ausgearbeitet" and links to it. One
    transaction; both changes are logged."""
    _require(actor, idea.workspace, "edit_steps")
    with transaction.atomic():
        locked = items.lock(idea)
        items.check_writable(locked, version)
        if locked.status == Status.PROMOTED and linked_project(locked) is not None:
            raise ValidationError(
                {"status": [_("Diese Idee ist schon als Projektskizze ausgearbeitet.")]}
            )
        if locked.status == Status.DISCARDED:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "Zurückgestellte Ideen werden nicht ausgearbeitet. Holen Sie die "
                            "Idee zuerst in die Longlist zurück."
                        )
                    ]
                }
            )
        field_of_action = (
            FieldOfAction.objects.filter(pk=locked.field_of_action_id).first()
            if locked.field_of_action_id
            else None
        )
        locked.field_of_action = field_of_action
        project = items.create_item(
            Project(
                workspace=locked.workspace,
                title=locked.title,
                field_of_action=field_of_action,
                status=Project.Status.SKETCH,
                summary=locked.idea,
                sketch=sketch_from(locked),
            ),
            actor=actor,
            details=_("Aus der Idee „%(title)s“ ausgearbeitet.") % {"title": locked.title},
        )
        changes = items.apply_changes(locked, {"status": Status.PROMOTED, "promoted_to": project})
        items.save_changes(locked, actor=actor, changes=changes, verb=Activity.Verb.PROMOTED)
        return project


# --------------------------------------------------------------------------- the atlas


@dataclass
class Suggestion:
    """An atlas project or practice example that may be taken over as an idea."""

    kind: str  # Idea.Origin value
    ref: str
    title: str
    place: str
    summary: str
    url: str
    fields: list[str]
    shared: int = 0
    taken: bool = False

    @property
    def kind_label(self) -> str:
        return str(dict(Origin.choices)[self.kind])


def _project_suggestion(project: Any, edition_slug: str, shared: int = 0) -> Suggestion:
    from kompass.atlas.search import profile_url

    return Suggestion(
        kind=Origin.ATLAS_PROJECT,
        ref=str(project.pk),
        title=project.title,
        place=project.profile.name,
        summary=project.summary,
        url=f"{profile_url(project.profile.slug, edition_slug)}#project-{project.slug}",
        fields=[link.field.name for link in project.field_links.all()],
        shared=shared,
    )


def _example_suggestion(example: Any, shared: int = 0) -> Suggestion:
    return Suggestion(
        kind=Origin.PRACTICE_EXAMPLE,
        ref=example.slug,
        title=example.title,
        place=example.place,
        summary=example.summary,
        url=f"{reverse('atlas:practice_examples')}#{example.slug}",
        fields=[f.name for f in example.fields.all()],
        shared=shared,
    )


def _mark_taken(workspace: Workspace, suggestions: list[Suggestion]) -> list[Suggestion]:
    taken = set(
        Idea.objects.filter(workspace=workspace)
        .exclude(origin_kind=Origin.OWN)
        .values_list("origin_kind", "origin_ref")
    )
    for suggestion in suggestions:
        suggestion.taken = (suggestion.kind, suggestion.ref) in taken
    return suggestions


def suggestions(field_of_action: FieldOfAction, limit: int = 8) -> list[Suggestion]:
    """Projects of the newest atlas edition and practice examples that share at least one
    atlas field with ``field_of_action``, most shared fields first."""
    from kompass.atlas import selectors
    from kompass.atlas.models import Edition, PracticeExample, ProjectField

    slugs = list(field_of_action.atlas_fields or [])
    if not slugs:
        return []
    found: list[Suggestion] = []
    edition = Edition.objects.first()
    if edition is not None:
        shared_fields = Count(
            "field_links", filter=Q(field_links__field__slug__in=slugs), distinct=True
        )
        projects = (
            selectors.projects(edition)
            .filter(
                Exists(ProjectField.objects.filter(project=OuterRef("pk"), field__slug__in=slugs))
            )
            .annotate(shared=shared_fields)
            .order_by("-shared", "profile__name", "position", "pk")[:limit]
        )
        found += [_project_suggestion(p, edition.slug, p.shared) for p in projects]
    examples = (
        PracticeExample.objects.filter(fields__slug__in=slugs)
        .annotate(shared=Count("fields", filter=Q(fields__slug__in=slugs), distinct=True))
        .prefetch_related("fields")
        .order_by("-shared", "place", "title", "pk")
        .distinct()[:limit]
    )
    found += [_example_suggestion(e, e.shared) for e in examples]
    return _mark_taken(field_of_action.workspace, found)


def search_atlas(workspace: Workspace, text: str, limit: int = 10) -> list[Suggestion]:
    """Atlas projects and practice examples matching ``text`` (the atlas's own search)."""
    from kompass.atlas import selectors
    from kompass.atlas.models import PracticeExample
    from kompass.atlas.models import Project as AtlasProject

    text = text.strip()
    if not text:
        return []
    found: list[Suggestion] = []
    project_hits = selectors.faceted_search(text, kind="project", limit=limit).hits
    projects = (
        AtlasProject.objects.filter(pk__in=[h.entry.object_id for h in project_hits])
        .select_related("profile__edition")
        .prefetch_related("field_links__field")
        .in_bulk()
    )
    for hit in project_hits:
        project = projects.get(hit.entry.object_id)
        if project is not None:
            found.append(_project_suggestion(project, project.profile.edition.slug))
    example_hits = selectors.faceted_search(text, kind="example", limit=limit).hits
    examples = (
        PracticeExample.objects.filter(pk__in=[h.entry.object_id for h in example_hits])
        .prefetch_related("fields")
        .in_bulk()
    )
    for hit in example_hits:
        example = examples.get(hit.entry.object_id)
        if example is not None:
            found.append(_example_suggestion(example))
    return _mark_taken(workspace, found)


def _source(kind: str, ref: str) -> Suggestion:
    from kompass.atlas.models import PracticeExample
    from kompass.atlas.models import Project as AtlasProject

    if kind == Origin.ATLAS_PROJECT:
        project = (
            AtlasProject.objects.filter(pk=int(ref) if str(ref).isdigit() else -1)
            .select_related("profile__edition")
            .prefetch_related("field_links__field")
            .first()
        )
        if project is not None:
            return _project_suggestion(project, project.profile.edition.slug)
        raise ValidationError({"ref": [_("Dieses Projekt gibt es im Atlas nicht.")]})
    if kind == Origin.PRACTICE_EXAMPLE:
        example = PracticeExample.objects.filter(slug=ref).prefetch_related("fields").first()
        if example is not None:
            return _example_suggestion(example)
        raise ValidationError({"ref": [_("Dieses Praxisbeispiel gibt es nicht.")]})
    raise ValidationError(
        {"kind": [_("Übernehmen lassen sich Atlas-Projekte und Praxisbeispiele.")]}
    )


def take_over(
    *,
    actor: Any,
    workspace: Workspace,
    kind: str,
    ref: str,
    field_of_action: FieldOfAction | int | None = None,
    round: int | None = None,  # noqa: A002 - the idea's field
) -> Idea:
    """ "Als Idee übernehmen": a new idea from an atlas project or practice example, with its
    title, summary (as the idea) and partners, the origin (kind, id or slug, title with place,
    link) and the chosen field of action. Each source once per workspace."""
    _require(actor, workspace, "contribute")
    source = _source(kind, str(ref))
    if Idea.objects.filter(workspace=workspace, origin_kind=kind, origin_ref=source.ref).exists():
        raise ValidationError(
            {
                "ref": [
                    _("„%(title)s“ ist in diesem Arbeitsraum schon als Idee übernommen.")
                    % {"title": source.title}
                ]
            }
        )
    partners: list[str] = []
    if kind == Origin.ATLAS_PROJECT:
        from kompass.atlas.models import Project as AtlasProject

        partners = [str(p) for p in AtlasProject.objects.get(pk=int(source.ref)).partners or []]
    values: dict[str, Any] = {
        "title": source.title[:200],
        "idea": source.summary,
        "partners": partners,
        "field_of_action": field_of_action,
    }
    if round is not None:
        values["round"] = round
    cleaned = _clean(workspace, values)
    idea = Idea(
        workspace=workspace,
        origin_kind=kind,
        origin_ref=source.ref,
        origin_title=f"{source.place}: {source.title}"[:400],
        origin_url=source.url[:400],
        **cleaned,
    )
    return items.create_item(
        idea,
        actor=actor,
        details=_("Übernommen aus: %(kind)s „%(title)s“ (%(place)s).")
        % {"kind": source.kind_label, "title": source.title, "place": source.place},
    )


# --------------------------------------------------------------------------- voting


def voting_round(workspace: Workspace, round_number: int) -> VotingRound | None:
    return VotingRound.objects.filter(workspace=workspace, round=round_number).first()


def _require_core(actor: Any, workspace: Workspace) -> WorkspaceMember:
    member = _require(actor, workspace, "view")
    if member.role != WorkspaceMember.Role.CORE_TEAM:
        raise PermissionDenied(
            _("Ihre Rolle erlaubt das nicht: Abstimmungen öffnet und schließt das Kernteam.")
        )
    return member


def open_voting(*, actor: Any, workspace: Workspace, round_number: int) -> VotingRound:
    """Open the dot voting of a step-5 round (core team). Reopening a closed one is allowed."""
    _require_core(actor, workspace)
    if round_number not in step5_rounds(workspace):
        raise ValidationError(
            {"round": [_("Arbeitsschritt 5 hat keine Runde %(n)s.") % {"n": round_number}]}
        )
    existing = voting_round(workspace, round_number)
    if existing is None:
        try:
            with transaction.atomic():
                return items.create_item(
                    VotingRound(
                        workspace=workspace, round=round_number, state=VotingRound.State.OPEN
                    ),
                    actor=actor,
                    details=_("Die Abstimmung ist geöffnet."),
                )
        except IntegrityError:
            existing = voting_round(workspace, round_number)
            assert existing is not None
    if existing.is_open:
        raise ValidationError(
            {
                "round": [
                    _("Die Abstimmung der Runde %(n)s ist schon geöffnet.") % {"n": round_number}
                ]
            }
        )
    return items.update_item(
        existing, actor=actor, version=existing.version, values={"state": VotingRound.State.OPEN}
    )


def close_voting(*, actor: Any, voting: VotingRound, version: int) -> VotingRound:
    """Close the voting (core team): no more dots, the results stand."""
    _require_core(actor, voting.workspace)
    if not voting.is_open:
        raise ValidationError({"round": [_("Die Abstimmung ist schon geschlossen.")]})
    return items.update_item(
        voting, actor=actor, version=version, values={"state": VotingRound.State.CLOSED}
    )


def _open_round_locked(workspace: Workspace, round_number: int) -> VotingRound:
    """The round's voting, locked for the transaction; refused unless open."""
    voting = (
        VotingRound.objects.select_for_update()
        .filter(workspace=workspace, round=round_number)
        .first()
    )
    if voting is None or not voting.is_open:
        raise ValidationError(
            _("Die Abstimmung der Runde %(n)s ist nicht geöffnet.") % {"n": round_number}
        )
    return voting


def _check_group(group: str) -> None:
    if group not in ActorGroup.values:
        raise ValidationError(
            {"actor_group": [_("Akteursgruppe „%(value)s“ gibt es nicht.") % {"value": group}]}
        )


def participant(voting: VotingRound | None, member: WorkspaceMember) -> VotingParticipant | None:
    if voting is None:
        return None
    return VotingParticipant.objects.filter(voting_round=voting, member=member).first()


def choose_group(
    *, actor: Any, workspace: Workspace, round_number: int, actor_group: str
) -> VotingParticipant:
    """Choose one's actor group for the online voting of a round (once; changeable while one
    has no dots in the round)."""
    member = _require(actor, workspace, "contribute")
    _check_group(actor_group)
    with transaction.atomic():
        voting = _open_round_locked(workspace, round_number)
        return _set_group(actor, member, voting, actor_group)


def _set_group(
    actor: Any, member: WorkspaceMember, voting: VotingRound, actor_group: str
) -> VotingParticipant:
    current = VotingParticipant.objects.filter(voting_round=voting, member=member).first()
    if current is not None and current.actor_group == actor_group:
        return current
    labels = dict(ActorGroup.choices)
    if current is not None:
        if Vote.objects.filter(
            workspace=voting.workspace, round=voting.round, voter=member
        ).exists():
            raise ValidationError(
                {
                    "actor_group": [
                        _(
                            "Sie stimmen in dieser Runde schon für %(group)s ab. Nehmen Sie "
                            "zuerst Ihre Punkte zurück, um die Gruppe zu wechseln."
                        )
                        % {"group": labels[current.actor_group]}
                    ]
                }
            )
        current.actor_group = actor_group
        current.chosen_at = timezone.now()
        current.save(update_fields=["actor_group", "chosen_at"])
    else:
        current = VotingParticipant.objects.create(
            voting_round=voting, member=member, actor_group=actor_group
        )
    record_activity(
        workspace=voting.workspace,
        actor=actor,
        verb=Activity.Verb.UPDATED,
        object_description=voting.describe(),
        details=_("%(who)s stimmt für die Akteursgruppe %(group)s ab.")
        % {"who": actor, "group": labels[actor_group]},
    )
    return current


def _used_slots(voting: VotingRound, member: WorkspaceMember) -> set[int]:
    return set(
        Vote.objects.filter(
            workspace=voting.workspace, round=voting.round, voter=member
        ).values_list("slot", flat=True)
    )


def cast_vote(*, actor: Any, idea: Idea, actor_group: str | None = None) -> Vote:
    """Place one of the member's dots on ``idea`` (several on one idea are allowed).

    The dot carries the member's actor group for the round (chosen now with ``actor_group``
    if not yet). At most VOTES_PER_PARTICIPANT dots per member and round: the round's row is
    locked while counting, and the unique slot per voter is the database's own guard.
    """
    workspace = idea.workspace
    member = _require(actor, workspace, "contribute")
    if actor_group:
        _check_group(actor_group)
    with transaction.atomic():
        voting = _open_round_locked(workspace, idea.round)
        current = Idea.objects.filter(pk=idea.pk).first()
        if current is None:
            raise ValidationError(_("Diese Idee wurde gelöscht."))
        if current.status == Status.DISCARDED:
            raise ValidationError(_("Für zurückgestellte Ideen lassen sich keine Punkte vergeben."))
        chosen = VotingParticipant.objects.filter(voting_round=voting, member=member).first()
        if actor_group:
            chosen = _set_group(actor, member, voting, actor_group)
        if chosen is None:
            raise ValidationError(
                {"actor_group": [_("Bitte wählen Sie zuerst Ihre Akteursgruppe.")]}
            )
        free = sorted(set(range(1, VOTES_PER_PARTICIPANT + 1)) - _used_slots(voting, member))
        if not free:
            raise ValidationError(_all_used())
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    workspace=workspace,
                    idea=current,
                    round=voting.round,
                    actor_group=chosen.actor_group,
                    source=Vote.Source.ONLINE,
                    voter=member,
                    slot=free[0],
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            # Another request of the same person took the slot meanwhile.
            raise ValidationError(_all_used()) from exc
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.VOTED,
            object_description=_("Klebepunkt für %(idea)s") % {"idea": current.describe()},
            details=_("Akteursgruppe %(group)s, Punkt %(n)s von %(total)s.")
            % {
                "group": chosen.get_actor_group_display(),
                "n": len(_used_slots(voting, member)),
                "total": VOTES_PER_PARTICIPANT,
            },
        )
        return vote


def _all_used() -> str:
    return _(
        "Sie haben alle %(n)s Punkte dieser Runde vergeben. Nehmen Sie einen Punkt zurück, um "
        "ihn neu zu setzen."
    ) % {"n": VOTES_PER_PARTICIPANT}


def withdraw_vote(*, actor: Any, idea: Idea) -> None:
    """Take one of one's own dots back from ``idea`` while the voting is open."""
    workspace = idea.workspace
    member = _require(actor, workspace, "contribute")
    with transaction.atomic():
        voting = _open_round_locked(workspace, idea.round)
        vote = (
            Vote.objects.filter(idea=idea, voter=member, source=Vote.Source.ONLINE)
            .order_by("-slot")
            .first()
        )
        if vote is None:
            raise ValidationError(_("Sie haben auf diese Idee keinen Punkt gesetzt."))
        vote.delete()
        record_activity(
            workspace=workspace,
            actor=actor,
            verb=Activity.Verb.VOTE_WITHDRAWN,
            object_description=_("Klebepunkt für %(idea)s") % {"idea": idea.describe()},
            details=_("Zurückgenommen; noch %(n)s von %(total)s Punkten vergeben.")
            % {"n": len(_used_slots(voting, member)), "total": VOTES_PER_PARTICIPANT},
        )


def record_tally(*, actor: Any, idea: Idea, actor_group: str, dots: int) -> Vote | None:
    """Workshop mode: set the number of paper dots ``actor_group`` put on ``idea`` (0 removes
    them). Core team and contributors, while the voting is open. When the number of the
    group's workshop participants is known, its dots cannot exceed three per person."""
    workspace = idea.workspace
    _require(actor, workspace, "edit_steps")
    _check_group(actor_group)
    try:
        dots = int(dots)
    except (TypeError, ValueError):
        dots = -1
    if dots < 0 or dots > 10_000:
        raise ValidationError({"dots": [_("Bitte eine Zahl von Punkten ab 0 angeben.")]})
    with transaction.atomic():
        voting = _open_round_locked(workspace, idea.round)
        if not Idea.objects.filter(pk=idea.pk).exists():
            raise ValidationError(_("Diese Idee wurde gelöscht."))
        row = Vote.objects.filter(
            idea=idea, actor_group=actor_group, source=Vote.Source.WORKSHOP
        ).first()
        old = row.dots if row is not None else 0
        if old == dots:
            return row
        _check_workshop_cap(voting, actor_group, dots - old)
        return _write_tally(actor, voting, idea, actor_group, row, dots)


def _write_tally(
    actor: Any, voting: VotingRound, idea: Idea, actor_group: str, row: Vote | None, dots: int
) -> Vote | None:
    """Store the paper dots of one cell (inside the caller's transaction) and log it."""
    old = row.dots if row is not None else 0
    if dots == 0:
        if row is not None:
            row.delete()
        row = None
    elif row is None:
        row = Vote.objects.create(
            workspace=voting.workspace,
            idea=idea,
            round=voting.round,
            actor_group=actor_group,
            source=Vote.Source.WORKSHOP,
            dots=dots,
            recorded_by=actor,
        )
    else:
        row.dots = dots
        row.recorded_by = actor
        row.updated_at = timezone.now()
        row.save(update_fields=["dots", "recorded_by", "updated_at"])
    record_activity(
        workspace=voting.workspace,
        actor=actor,
        verb=Activity.Verb.UPDATED,
        object_description=_("Klebepunkte im Workshop für %(idea)s") % {"idea": idea.describe()},
        details=_("%(group)s: %(old)s → %(new)s")
        % {"group": dict(ActorGroup.choices)[actor_group], "old": old, "new": dots},
    )
    return row


def _whole_number(raw: Any) -> int | None:
    """A count of dots or people as sent by a form or the API; None unless a whole number
    from 0 to 10 000 (booleans and fractions are refused)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        number = int(raw.strip())
    elif isinstance(raw, str) and not raw.strip() or raw is None:
        number = 0
    else:
        return None
    return number if 0 <= number <= 10_000 else None


def tally_key(idea_pk: Any, actor_group: str) -> str:
    """The error key of one cell of the workshop table (``tallies.<idea>.<group>``)."""
    return f"tallies.{idea_pk}.{actor_group}"


def participants_key(actor_group: str) -> str:
    return f"workshop_participants.{actor_group}"


def record_workshop(
    *,
    actor: Any,
    workspace: Workspace,
    round_number: int,
    version: int,
    participants: dict[str, Any] | None,
    tallies: Iterable[tuple[Any, str, Any]],
) -> VotingRound:
    """Store the workshop's table "Klebepunkte" at once: the people per actor group
    (``participants``; None keeps them) and the paper dots of every sent cell
    (``tallies``: idea id, actor group, number; 0 removes them).

    All or nothing: every cell is checked first (a whole number from 0, an idea of the round,
    an actor group, at most three dots per workshop participant of the group with the new
    numbers); if any fails, nothing is written and the ``ValidationError`` names every failing
    cell with the idea and the group, keyed ``tallies.<idea>.<group>`` or
    ``workshop_participants.<group>``. ``version`` is the voting round's version the form was
    read at (``VersionConflict`` when the round changed since). One transaction; every
    changed cell is one activity line.
    """
    _require(actor, workspace, "edit_steps")
    labels = dict(ActorGroup.choices)
    errors: dict[str, list[str]] = {}
    new_people: dict[str, int] | None = None
    if participants is not None:
        new_people = {}
        for group, raw in participants.items():
            if group not in labels:
                errors.setdefault(participants_key(group), []).append(
                    _("Akteursgruppe „%(value)s“ gibt es nicht.") % {"value": group}
                )
                continue
            number = _whole_number(raw)
            if number is None:
                errors.setdefault(participants_key(group), []).append(
                    _("Teilnehmende %(group)s: bitte eine ganze Zahl ab 0 eingeben.")
                    % {"group": labels[group]}
                )
                continue
            if number:
                new_people[group] = number
    with transaction.atomic():
        voting = _open_round_locked(workspace, round_number)
        items.check_writable(voting, version)
        ideas = {i.pk: i for i in Idea.objects.filter(workspace=workspace, round=round_number)}
        rows = {
            (v.idea_id, v.actor_group): v
            for v in Vote.objects.select_for_update().filter(
                workspace=workspace, round=round_number, source=Vote.Source.WORKSHOP
            )
        }
        cells: dict[tuple[int, str], int] = {}
        for ref, group, raw in tallies:
            key = tally_key(ref, group)
            idea = ideas.get(ref) if isinstance(ref, int) else None
            if idea is None:
                errors.setdefault(key, []).append(
                    _("Idee %(ref)s gibt es in Runde %(n)s nicht (mehr).")
                    % {"ref": ref, "n": round_number}
                )
                continue
            if group not in labels:
                errors.setdefault(key, []).append(
                    _("„%(title)s“: Akteursgruppe „%(value)s“ gibt es nicht.")
                    % {"title": idea.title, "value": group}
                )
                continue
            number = _whole_number(raw)
            if number is None:
                errors.setdefault(key, []).append(
                    _("„%(title)s“, %(group)s: bitte eine ganze Zahl ab 0 eingeben.")
                    % {"title": idea.title, "group": labels[group]}
                )
                continue
            cells[(idea.pk, group)] = number
        people = new_people if new_people is not None else dict(voting.workshop_participants or {})
        for group in ActorGroup.values:
            allowed = int(people.get(group) or 0) * VOTES_PER_PARTICIPANT
            if not allowed:
                continue
            total = sum(
                cells.get((pk, group), rows[(pk, group)].dots if (pk, group) in rows else 0)
                for pk in ideas
            )
            if total <= allowed:
                continue
            message = _(
                "%(group)s hätte damit %(total)s Punkte, bei %(people)s Teilnehmenden sind "
                "höchstens %(max)s möglich (je %(n)s)."
            ) % {
                "group": labels[group],
                "total": total,
                "people": people[group],
                "max": allowed,
                "n": VOTES_PER_PARTICIPANT,
            }
            raised = [
                pk
                for (pk, g), dots in cells.items()
                if g == group and dots > (rows[(pk, g)].dots if (pk, g) in rows else 0)
            ]
            for pk in raised:
                errors.setdefault(tally_key(pk, group), []).append(
                    f"„{ideas[pk].title}“, {labels[group]}: {message}"
                )
            if not raised:
                errors.setdefault(participants_key(group), []).append(message)
        if errors:
            raise ValidationError(errors)
        if new_people is not None:
            ordered = {g: new_people[g] for g in ActorGroup.values if g in new_people}
            voting = items.update_item(
                voting, actor=actor, version=version, values={"workshop_participants": ordered}
            )
        for (pk, group), dots in cells.items():
            row = rows.get((pk, group))
            if (row.dots if row is not None else 0) != dots:
                _write_tally(actor, voting, ideas[pk], group, row, dots)
        return voting


def _workshop_dots(voting: VotingRound, actor_group: str) -> int:
    return int(
        Vote.objects.filter(
            workspace=voting.workspace,
            round=voting.round,
            actor_group=actor_group,
            source=Vote.Source.WORKSHOP,
            idea__deleted_at__isnull=True,
        ).aggregate(n=Sum("dots"))["n"]
        or 0
    )


def _check_workshop_cap(voting: VotingRound, actor_group: str, added: int) -> None:
    people = int((voting.workshop_participants or {}).get(actor_group) or 0)
    if people <= 0 or added <= 0:
        return
    total = _workshop_dots(voting, actor_group) + added
    if total > people * VOTES_PER_PARTICIPANT:
        raise ValidationError(
            {
                "dots": [
                    _(
                        "%(group)s hätte damit %(total)s Punkte, bei %(people)s Teilnehmenden "
                        "sind höchstens %(max)s möglich (je %(n)s)."
                    )
                    % {
                        "group": dict(ActorGroup.choices)[actor_group],
                        "total": total,
                        "people": people,
                        "max": people * VOTES_PER_PARTICIPANT,
                        "n": VOTES_PER_PARTICIPANT,
                    }
                ]
            }
        )


def set_workshop_participants(
    *, actor: Any, voting: VotingRound, version: int, counts: dict[str, Any]
) -> VotingRound:
    """Record how many people of each actor group took part in the workshop (for the
    balance across groups). Core team and contributors, while the voting is open."""
    _require(actor, voting.workspace, "edit_steps")
    cleaned: dict[str, int] = {}
    errors: list[str] = []
    labels = dict(ActorGroup.choices)
    for group, raw in counts.items():
        if group not in labels:
            errors.append(_("Akteursgruppe „%(value)s“ gibt es nicht.") % {"value": group})
            continue
        try:
            number = int(raw or 0)
        except (TypeError, ValueError):
            number = -1
        if number < 0:
            errors.append(_("%(group)s: bitte eine Zahl ab 0 angeben.") % {"group": labels[group]})
            continue
        if number:
            dots = _workshop_dots(voting, group)
            if dots > number * VOTES_PER_PARTICIPANT:
                errors.append(
                    _(
                        "%(group)s hat im Workshop schon %(dots)s Punkte vergeben, das sind mehr "
                        "als %(n)s je Person bei %(people)s Teilnehmenden."
                    )
                    % {
                        "group": labels[group],
                        "dots": dots,
                        "n": VOTES_PER_PARTICIPANT,
                        "people": number,
                    }
                )
            cleaned[group] = number
    if errors:
        raise ValidationError({"workshop_participants": errors})
    ordered = {g: cleaned[g] for g in ActorGroup.values if g in cleaned}
    with transaction.atomic():
        _open_round_locked(voting.workspace, voting.round)
        return items.update_item(
            voting, actor=actor, version=version, values={"workshop_participants": ordered}
        )


# --------------------------------------------------------------------------- results


@dataclass
class GroupResult:
    """One actor group in a round: its dots and people, their shares, and the weight one of
    its dots gets in the balanced score."""

    style: GroupStyle
    dots: int
    participants: int
    dot_share: Fraction | None
    participant_share: Fraction | None
    weight: Fraction | None

    @property
    def value(self) -> str:
        return self.style.value

    @property
    def dot_percent(self) -> float | None:
        return _percent(self.dot_share)

    @property
    def participant_percent(self) -> float | None:
        return _percent(self.participant_share)


@dataclass
class IdeaResult:
    idea: Idea
    by_group: dict[str, int]
    total: int
    balanced: Fraction
    rank: int = 0
    balanced_rank: int = 0
    dots: list[GroupStyle] = field(default_factory=list)

    @property
    def balanced_value(self) -> float:
        return round(float(self.balanced), 2)


@dataclass
class RoundResults:
    round: int
    voting: VotingRound | None
    groups: list[GroupResult]
    ideas: list[IdeaResult]
    total_dots: int
    total_participants: int
    active_groups: int

    @property
    def missing_groups(self) -> list[GroupStyle]:
        return [g.style for g in self.groups if g.dots == 0]


def _percent(share: Fraction | None) -> float | None:
    return None if share is None else round(float(share) * 100, 1)


def balance(
    by_idea: dict[int, dict[str, int]], participants: dict[str, int]
) -> tuple[list[GroupResult], dict[int, Fraction]]:
    """The balance rule (docs/strategy_ideas.md), on plain numbers.

    For each actor group g: ``dots_g`` (all its dots in the round) and ``participants_g``;
    shares of all dots and of all participants. The balanced score weights every group that
    voted equally: with T dots in all and A groups that voted, each dot of group g counts
    ``T / (A × dots_g)``, so every voting group contributes T / A points in all and the
    scores still add up to T. Groups without dots get no weight (nothing to scale).
    """
    totals = {g: 0 for g in ActorGroup.values}
    for counts in by_idea.values():
        for group, dots in counts.items():
            totals[group] += dots
    all_dots = sum(totals.values())
    all_people = sum(participants.get(g, 0) for g in ActorGroup.values)
    active = [g for g in ActorGroup.values if totals[g] > 0]
    weights = {g: Fraction(all_dots, len(active) * totals[g]) for g in active}
    groups = [
        GroupResult(
            style=GROUP_STYLES[g],
            dots=totals[g],
            participants=participants.get(g, 0),
            dot_share=Fraction(totals[g], all_dots) if all_dots else None,
            participant_share=Fraction(participants.get(g, 0), all_people) if all_people else None,
            weight=weights.get(g),
        )
        for g in ActorGroup.values
    ]
    scores = {
        pk: sum((Fraction(d) * weights[g] for g, d in counts.items() if d), Fraction(0))
        for pk, counts in by_idea.items()
    }
    return groups, scores


def _ranks(values: list[tuple[int, Any]]) -> dict[int, int]:
    """Competition ranks ("1, 2, 2, 4") of (key, value) pairs, highest value first."""
    ordered = sorted(values, key=lambda kv: kv[1], reverse=True)
    ranks: dict[int, int] = {}
    previous: Any = None
    for index, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = index
            previous = value
        ranks[key] = rank
    return ranks


def results(workspace: Workspace, round_number: int) -> RoundResults:
    """The long list of a round ranked by dots, dots per actor group per idea, the groups'
    shares of dots and participants, and the balanced score (deleted ideas do not count;
    discarded ones keep their dots but are listed last)."""
    voting = voting_round(workspace, round_number)
    ideas = list(
        Idea.objects.filter(workspace=workspace, round=round_number).select_related(
            "field_of_action", "promoted_to"
        )
    )
    by_idea: dict[int, dict[str, int]] = {i.pk: {} for i in ideas}
    rows = (
        Vote.objects.filter(workspace=workspace, round=round_number, idea__in=[i.pk for i in ideas])
        .values("idea", "actor_group")
        .annotate(n=Sum("dots"))
    )
    for row in rows:
        by_idea[row["idea"]][row["actor_group"]] = int(row["n"])
    people: dict[str, int] = (
        dict(
            VotingParticipant.objects.filter(voting_round=voting)
            .values_list("actor_group")
            .annotate(n=Count("pk"))
            .values_list("actor_group", "n")
        )
        if voting is not None
        else {}
    )
    for group, n in ((voting.workshop_participants or {}) if voting else {}).items():
        people[group] = people.get(group, 0) + int(n or 0)
    groups, scores = balance(by_idea, people)
    results_ = [
        IdeaResult(
            idea=i,
            by_group={g: by_idea[i.pk].get(g, 0) for g in ActorGroup.values},
            total=sum(by_idea[i.pk].values()),
            balanced=scores[i.pk],
            dots=[
                GROUP_STYLES[g] for g in ActorGroup.values for _n in range(by_idea[i.pk].get(g, 0))
            ],
        )
        for i in ideas
    ]
    rank = _ranks([(r.idea.pk, r.total) for r in results_])
    balanced_rank = _ranks([(r.idea.pk, r.balanced) for r in results_])
    for r in results_:
        r.rank = rank[r.idea.pk]
        r.balanced_rank = balanced_rank[r.idea.pk]
    results_.sort(
        key=lambda r: (
            r.idea.status == Status.DISCARDED,
            -r.total,
            -r.balanced,
            r.idea.title.lower(),
            r.idea.pk,
        )
    )
    return RoundResults(
        round=round_number,
        voting=voting,
        groups=groups,
        ideas=results_,
        total_dots=sum(g.dots for g in groups),
        total_participants=sum(g.participants for g in groups),
        active_groups=sum(1 for g in groups if g.dots),
    )


def my_dots(workspace: Workspace, member: WorkspaceMember, round_number: int) -> dict[int, int]:
    """Idea id → number of the member's own online dots in the round."""
    return dict(
        Vote.objects.filter(workspace=workspace, round=round_number, voter=member)
        .values_list("idea")
        .annotate(n=Count("pk"))
        .values_list("idea", "n")
    )


def totals_by_idea(ideas: Iterable[Idea]) -> dict[int, dict[str, int]]:
    """Idea id → actor group → dots, for the API's list."""
    ids = [i.pk for i in ideas]
    found: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for row in (
        Vote.objects.filter(idea__in=ids).values("idea", "actor_group").annotate(n=Sum("dots"))
    ):
        found[row["idea"]][row["actor_group"]] = int(row["n"])
    return found
