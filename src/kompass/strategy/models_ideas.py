"""Models of the strategy workspace: ideas and dot voting (step 5; docs/strategy_ideas.md).

- :class:`Idea` – an idea card (worksheet 5 "Ideen-Steckbriefe", guide 004 lines 3673-3751):
  field of action, project title, idea, goal, partners, the step-5 round it belongs to, its
  status on the way from the long list to a project sketch, and where it came from (own, an
  atlas project, a practice example).
- :class:`VotingRound` – the dot voting of one step-5 round: open or closed, and how many
  people of each actor group took part in the paper workshop.
- :class:`VotingParticipant` – a member's actor group for the online voting of one round.
- :class:`Vote` – dots on an idea: one row per online dot (``slot`` 1 … 3 per participant and
  round, so the database itself refuses a fourth dot), or one row per idea and actor group
  with the number of paper dots the facilitator counted in the workshop.

The rules come from ``worksheets.yaml`` (``idea_cards.rules``): three dots per participant
(lines 3691-3692), one colour per actor group (3689-3691), balance across the groups
(3692-3695) and about the same number of ideas per field of action (3697-3701).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.strategy.models import (
    FieldOfAction,
    Project,
    Workspace,
    WorkspaceItem,
    WorkspaceMember,
)
from kompass.strategy.process import load_all

__all__ = [
    "VOTES_PER_PARTICIPANT",
    "ActorGroup",
    "Idea",
    "Vote",
    "VotingParticipant",
    "VotingRound",
]

#: Dots per participant and round (worksheets.yaml idea_cards.rules; guide lines 3691-3692).
VOTES_PER_PARTICIPANT: int = int(load_all().worksheet("idea_cards").rules["votes_per_participant"])


class ActorGroup(models.TextChoices):
    """The actor groups of the workshop (the options of idea_cards ``votes.actor_group``; a
    test keeps them equal)."""

    CIVIL_SOCIETY = "civil_society", _("Zivilgesellschaft")
    ADMINISTRATION = "administration", _("Verwaltung")
    BUSINESS = "business", _("Wirtschaft")
    SCIENCE = "science", _("Wissenschaft")


class Idea(WorkspaceItem):
    """An idea card of one workspace (worksheet 5), collected per field of action.

    Lifecycle (``status``): every idea starts on the **long list**; the core team or
    contributors put it on the **shortlist** (pre-selected after the vote) or **discard** it
    (and may bring it back to the long list); **promoted** is set only by promoting the idea to
    a project sketch (:func:`kompass.strategy.ideas.promote_idea`), which links
    ``promoted_to``. A promoted idea goes back to the shortlist only when its project was
    deleted.
    """

    class Status(models.TextChoices):
        LONGLIST = "longlist", _("Longlist")
        SHORTLIST = "shortlist", _("vorausgewählt")
        PROMOTED = "promoted", _("zur Projektskizze ausgearbeitet")
        DISCARDED = "discarded", _("zurückgestellt")

    class Origin(models.TextChoices):
        OWN = "own", _("eigene Idee")
        ATLAS_PROJECT = "atlas_project", _("Projekt aus dem Smart-City-Atlas")
        PRACTICE_EXAMPLE = "practice_example", _("Praxisbeispiel")

    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    title = models.CharField(_("Projekt"), max_length=200)
    idea = models.TextField(_("Idee"), blank=True)
    goal = models.TextField(_("Ziel"), blank=True)
    partners = models.JSONField(_("Mit wem?"), default=list, blank=True)
    round = models.PositiveSmallIntegerField(_("Runde"), default=1)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.LONGLIST
    )
    origin_kind = models.CharField(
        _("Herkunft"), max_length=20, choices=Origin.choices, default=Origin.OWN
    )
    origin_ref = models.CharField(
        _("Kennung der Vorlage"),
        max_length=220,
        blank=True,
        help_text=_("Nummer des Atlas-Projekts oder Kurzname des Praxisbeispiels."),
    )
    origin_title = models.CharField(_("Titel der Vorlage"), max_length=400, blank=True)
    origin_url = models.CharField(_("Adresse der Vorlage"), max_length=400, blank=True)
    promoted_to = models.ForeignKey(
        Project,
        verbose_name=_("Projektskizze"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_ideas",
    )

    tracked_fields: ClassVar[dict[str, str]] = {
        "field_of_action": "Handlungsfeld",
        "title": "Projekt",
        "idea": "Idee",
        "goal": "Ziel",
        "partners": "Mit wem?",
        "round": "Runde",
        "status": "Status",
        "promoted_to": "Projektskizze",
    }

    class Meta:
        verbose_name = _("Idee")
        verbose_name_plural = _("Ideen")
        ordering = ["workspace", "round", "title", "pk"]
        indexes = [
            models.Index(fields=["workspace", "round", "status"], name="strategy_idea_round"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(round__gte=1), name="strategy_idea_round_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Idee „{self.title}“"

    def display_value(self, field: str, value: Any) -> str:
        if field == "partners":
            return ", ".join(str(p) for p in value or []) or "–"
        if field in ("field_of_action", "promoted_to"):
            return str(value) if value is not None else "–"
        return super().display_value(field, value)


class VotingRound(WorkspaceItem):
    """The dot voting of one step-5 round. The core team opens and closes it; while it is
    open members place their dots online and the facilitator records the workshop's paper
    dots. ``workshop_participants`` counts the people per actor group at the workshop (for
    the balance across groups)."""

    class State(models.TextChoices):
        OPEN = "open", _("geöffnet")
        CLOSED = "closed", _("geschlossen")

    round = models.PositiveSmallIntegerField(_("Runde"), default=1)
    state = models.CharField(_("Abstimmung"), max_length=10, choices=State.choices)
    workshop_participants = models.JSONField(
        _("Teilnehmende im Workshop"),
        default=dict,
        blank=True,
        help_text=_("Akteursgruppe → Zahl der Teilnehmenden."),
    )

    tracked_fields: ClassVar[dict[str, str]] = {
        "state": "Abstimmung",
        "workshop_participants": "Teilnehmende im Workshop",
    }

    class Meta:
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        ordering = ["workspace", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "round"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_votinground_unique_round",
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"Abstimmung über die Ideen der Runde {self.round}"

    def display_value(self, field: str, value: Any) -> str:
        if field == "workshop_participants":
            labels = dict(ActorGroup.choices)
            parts = [f"{labels.get(k, k)} {n}" for k, n in (value or {}).items() if n]
            return ", ".join(parts) or "–"
        return super().display_value(field, value)

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class VotingParticipant(models.Model):
    """The actor group a member votes for in one round (chosen once; changeable only while
    the member has no dots in that round)."""

    voting_round = models.ForeignKey(
        VotingRound, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        WorkspaceMember, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_group = models.CharField(_("Akteursgruppe"), max_length=20, choices=ActorGroup.choices)
    chosen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Teilnahme an einer Abstimmung")
        verbose_name_plural = _("Teilnahmen an Abstimmungen")
        constraints = [
            models.UniqueConstraint(
                fields=["voting_round", "member"],
                condition=Q(member__isnull=False),
                name="strategy_votingparticipant_unique_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_actor_group_display()}"


class Vote(models.Model):
    """Dots on an idea.

    ``online``: one row per dot of a member (``voter``) in slot 1 … VOTES_PER_PARTICIPANT of
    the round; the unique slot per voter and round is the database's guard against a fourth
    dot, whatever happens concurrently. ``workshop``: the paper dots of one actor group on one
    idea as counted by the facilitator (``dots``), one row per idea and group.
    """

    class Source(models.TextChoices):
        ONLINE = "online", _("online")
        WORKSHOP = "workshop", _("im Workshop")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="idea_votes")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField(_("Runde"))
    actor_group = models.CharField(_("Akteursgruppe"), max_length=20, choices=ActorGroup.choices)
    source = models.CharField(_("Art"), max_length=10, choices=Source.choices)
    voter = models.ForeignKey(
        WorkspaceMember,
        verbose_name=_("abgestimmt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    slot = models.PositiveSmallIntegerField(null=True, blank=True)
    dots = models.PositiveSmallIntegerField(_("Punkte"), default=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Klebepunkt")
        verbose_name_plural = _("Klebepunkte")
        ordering = ["workspace", "round", "idea", "pk"]
        indexes = [models.Index(fields=["workspace", "round"], name="strategy_vote_round")]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "round", "voter", "slot"],
                condition=Q(voter__isnull=False),
                name="strategy_vote_unique_slot",
            ),
            models.UniqueConstraint(
                fields=["idea", "actor_group"],
                condition=Q(source="workshop"),
                name="strategy_vote_unique_tally",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source="online", slot__gte=1, slot__lte=VOTES_PER_PARTICIPANT, dots=1)
                    | Q(source="workshop", slot__isnull=True, voter__isnull=True, dots__gte=1)
                ),
                name="strategy_vote_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea}: {self.dots} × {self.get_actor_group_display()}"
