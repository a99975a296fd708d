"""Strategy workspaces: the team, its invitations, its activity log and the process steps.

A :class:`Workspace` belongs to one municipality (a municipality may have several). People
take part as :class:`WorkspaceMember` with one of four roles; they join by
:class:`WorkspaceInvitation`. Every change is written to the :class:`Activity` log.

Everything the team works on inside a workspace is a :class:`WorkspaceItem`: versioned (a
client sends the version it read; an older one is refused as a conflict), attributable
(created/updated by whom, when), and soft-deletable for 30 days. The process steps
(:class:`StepState`) are the first such items; worksheets, ideas, risks, the portfolio,
monitoring and the strategy document will follow the same base (docs/strategy_workspace.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.accounts.models import hash_secret
from kompass.core.models import Municipality
from kompass.strategy.steps import STEP_CODES, step_info

#: How long a soft-deleted item can be restored before it is purged.
RESTORE_DAYS = 30


class Workspace(models.Model):
    """A team's working space for one strategy process of a municipality."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", _("Smart-City- oder Digitalstrategie")
        DISTRICT_ALLIANCE = "district_alliance", _("Interkommunaler Verbund oder Landkreis")
        OTHER = "other", _("Anderes Vorhaben")

    class EntryVariant(models.TextChoices):
        # Labels as in process.yaml (entry_variants); a test keeps them in step.
        STRATEGY_FIRST = "strategy_first", _("Strategie zuerst")
        PILOT_FIRST = "pilot_first", _("Pilotprojekte zuerst")
        MIXED = "mixed", _("Strategie mit begleitenden Projekten")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Kommune"),
        on_delete=models.PROTECT,
        related_name="strategy_workspaces",
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.STRATEGY)
    entry_variant = models.CharField(
        _("Einstieg"),
        max_length=20,
        choices=EntryVariant.choices,
        default=EntryVariant.STRATEGY_FIRST,
    )
    digitalcheck = models.ForeignKey(
        "digitalcheck.Submission",
        verbose_name=_("Ausgangslage (Digitalcheck)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workspaces",
        help_text=_("Der Digitalcheck, von dem die Bestandsanalyse ausgeht."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Arbeitsraum")
        verbose_name_plural = _("Arbeitsräume")
        ordering = ["municipality__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="strategy_workspace_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.municipality.name})"


class WorkspaceMember(models.Model):
    """A person's role in one workspace."""

    class Role(models.TextChoices):
        CORE_TEAM = "core_team", _("Kernteam")
        CONTRIBUTOR = "contributor", _("Mitwirkende")
        READER = "reader", _("Lesende")
        EXTERNAL_PARTNER = "external_partner", _("Externe Partner")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_memberships"
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("dabei seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mitglied des Arbeitsraums")
        verbose_name_plural = _("Mitglieder des Arbeitsraums")
        ordering = ["user__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"], name="strategy_member_unique_user"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class WorkspaceInvitation(models.Model):
    """An invitation by e-mail into a workspace. Only the token's SHA-256 hash is stored
    (decision 0001); the plain token travels in the e-mail's link only."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=20, choices=WorkspaceMember.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung in einen Arbeitsraum")
        verbose_name_plural = _("Einladungen in Arbeitsräume")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_open(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A random token and its hash."""
        token = secrets.token_urlsafe(32)
        return token, hash_secret(token)


class Activity(models.Model):
    """One line of a workspace's activity log, written by every service.

    ``target_type``/``target_id``/``target_version`` point at the workspace item a line is
    about and the version the change produced; ``changes`` maps changed field names to their
    (old, new) display values. Together they are the item's change history, which the
    conflict message uses to name the fields someone else changed.
    """

    class Verb(models.TextChoices):
        CREATED = "created", _("angelegt")
        UPDATED = "updated", _("geändert")
        DELETED = "deleted", _("gelöscht")
        RESTORED = "restored", _("wiederhergestellt")
        INVITED = "invited", _("eingeladen")
        INVITATION_REVOKED = "invitation_revoked", _("Einladung widerrufen")
        JOINED = "joined", _("beigetreten")
        ROLE_CHANGED = "role_changed", _("Rolle geändert")
        REMOVED = "removed", _("entfernt")
        LEFT = "left", _("ausgetreten")
        ROUND_STARTED = "round_started", _("neue Runde begonnen")
        COMBINED = "combined", _("zusammengelegt")
        SEPARATED = "separated", _("wieder getrennt")
        REVISION_STARTED = "revision_started", _("Überarbeitung begonnen")
        VOTED = "voted", _("Punkt gesetzt")
        VOTE_WITHDRAWN = "vote_withdrawn", _("Punkt zurückgenommen")
        PROMOTED = "promoted", _("zur Projektskizze ausgearbeitet")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    verb = models.CharField(_("Aktion"), max_length=30, choices=Verb.choices)
    object_description = models.CharField(_("Gegenstand"), max_length=300)
    details = models.TextField(_("Einzelheiten"), blank=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now)

    class Meta:
        verbose_name = _("Aktivität")
        verbose_name_plural = _("Aktivitäten")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-at"], name="strategy_activity_recent"),
            models.Index(
                fields=["target_type", "target_id", "target_version"],
                name="strategy_activity_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verb_display()}: {self.object_description}"


# --------------------------------------------------------------------------- workspace items


class LiveItemManager(models.Manager[Any]):
    """Items that are not (soft-)deleted. The default manager of every workspace item."""

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class WorkspaceItem(models.Model):
    """Abstract base of everything a team works on inside a workspace.

    - **versioned**: ``version`` starts at 1 and rises with every change; a write names the
      version it read and is refused when the row moved on (:mod:`kompass.strategy.items`);
    - **attributable**: created/updated by whom and when; every change is an :class:`Activity`;
    - **soft-deletable**: ``deleted_at`` hides the row from ``objects`` (``all_objects`` still
      sees it); it can be restored for :data:`RESTORE_DAYS` days, then it is purged.

    Subclasses set ``tracked_fields`` (field name → German label) and may override
    :meth:`describe` and :meth:`display_value`.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="%(class)s_set")
    version = models.PositiveIntegerField(_("Version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("geändert am"), default=timezone.now)
    deleted_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LiveItemManager()
    all_objects = models.Manager()  # noqa: DJ012 - a manager, not a field

    #: Field name → German label of the fields whose changes are logged and compared.
    tracked_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @classmethod
    def target_type(cls) -> str:
        """The key of this model in :class:`Activity` (``strategy.stepstate``)."""
        return cls._meta.label_lower

    def describe(self) -> str:
        """German description for the activity log and messages."""
        return f"{self._meta.verbose_name} {self.pk}"

    def display_value(self, field: str, value: Any) -> str:
        """A field value as German text for the log (choices as labels, dates as d.m.Y)."""
        if value is None or value == "" or value == []:
            return "–"
        model_field = self._meta.get_field(field)
        choices = getattr(model_field, "choices", None)
        if choices:
            return str(dict(choices).get(value, value))
        if isinstance(value, dt.date):
            return value.strftime("%d.%m.%Y")
        return str(value)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def restorable_until(self) -> dt.datetime | None:
        if self.deleted_at is None:
            return None
        return self.deleted_at + dt.timedelta(days=RESTORE_DAYS)


class StepState(WorkspaceItem):
    """Where a workspace stands in one step (or the special module), per round.

    Step 5 can run in several rounds and the special module gets a new round when the
    strategy is revised after the evaluation; all other steps have round 1 only.
    ``checklist`` holds the indexes of the step's results (``StepInfo.results``) that are
    done.
    """

    class State(models.TextChoices):
        OPEN = "open", _("offen")
        IN_PROGRESS = "in_progress", _("in Arbeit")
        DONE = "done", _("erledigt")
        SKIPPED = "skipped", _("übersprungen")

    code = models.CharField(
        _("Schritt"), max_length=2, choices=[(c, c) for c in STEP_CODES], db_index=True
    )
    round = models.PositiveSmallIntegerField(_("Runde"), default=1)
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.OPEN)
    owner = models.ForeignKey(
        WorkspaceMember,
        verbose_name=_("Verantwortlich"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("Fällig am"), null=True, blank=True)
    checklist = models.JSONField(_("Ergebnisse (Checkliste)"), default=list, blank=True)
    combined_with = models.CharField(_("Zusammengelegt mit"), max_length=2, blank=True)
    done_reason = models.TextField(_("Begründung für „erledigt“"), blank=True)
    note = models.TextField(_("Anlass"), blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "state": "Status",
        "owner": "Verantwortlich",
        "due_date": "Fällig am",
        "checklist": "Ergebnisse (Checkliste)",
        "done_reason": "Begründung für „erledigt“",
        "combined_with": "Zusammengelegt mit",
    }

    class Meta:
        verbose_name = _("Stand eines Arbeitsschritts")
        verbose_name_plural = _("Stand der Arbeitsschritte")
        ordering = ["workspace", "code", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code", "round"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_stepstate_unique_round",
            ),
            models.CheckConstraint(
                condition=Q(round__gte=1), name="strategy_stepstate_round_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    @property
    def info(self) -> Any:
        """The step's :class:`~kompass.strategy.steps.StepInfo` from the shipped process."""
        return step_info(self.code)

    def describe(self) -> str:
        label = self.info.full_label
        return f"{label}, Runde {self.round}" if self.round > 1 else label

    def display_value(self, field: str, value: Any) -> str:
        if field == "checklist":
            total = len(self.info.results)
            return f"{len(value or [])} von {total} abgehakt"
        if field == "owner":
            return str(value) if value is not None else "–"
        if field == "combined_with":
            return f"Schritt {value}" if value else "–"
        return super().display_value(field, value)

    @property
    def is_overdue(self) -> bool:
        """Due date passed and neither done nor skipped."""
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
            and self.state not in (self.State.DONE, self.State.SKIPPED)
        )

    @property
    def results_total(self) -> int:
        return len(self.info.results)

    @property
    def results_done(self) -> int:
        return len(self.checklist or [])

    @property
    def checklist_complete(self) -> bool:
        return self.results_done >= self.results_total

    @property
    def missing_results(self) -> list[str]:
        """Results of the step that are not ticked yet, in the guide's order."""
        done = set(self.checklist or [])
        return [text for index, text in enumerate(self.info.results) if index not in done]


# --------------------------------------------------------------------------- fields and projects


class FieldOfAction(WorkspaceItem):
    """A field of action (Handlungsfeld) of one workspace (step 4).

    Seeded from the fields of the guide's example impact matrix (``source_term``, vocabulary
    ``bbsr_impact_matrix`` in fields_of_action.yaml) or written by the team. ``atlas_fields``
    maps it to the atlas's ten fields (slugs of ARCHITECTURE.md) so that atlas projects and
    practice examples can be suggested for it. Type, spatial reference and the municipality's
    role follow step 4 of the guide (004 lines 2165-2177, 2226-2236).
    """

    class Kind(models.TextChoices):
        SECTORAL = "sectoral", _("sektoral")
        CROSS_CUTTING = "cross_cutting", _("querschnittsorientiert")

    class Spatial(models.TextChoices):
        CITY = "city", _("gesamtes Gemeindegebiet")
        DISTRICT = "district", _("Stadtteil oder Quartier")
        SUBAREA = "subarea", _("anderer Teilraum")

    class Responsibility(models.TextChoices):
        LEADING = "leading", _("zentrale und verantwortliche Rolle")
        IMPULSE = "impulse", _("Impulsgeberin")
        SUPPORT = "support", _("Unterstützerin")

    title = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.SECTORAL)
    spatial_reference = models.CharField(
        _("Raumbezug"), max_length=20, choices=Spatial.choices, default=Spatial.CITY
    )
    spatial_note = models.CharField(
        _("Teilraum"), max_length=200, blank=True, help_text=_("z. B. der Name des Quartiers")
    )
    municipal_role = models.CharField(
        _("Rolle der Kommune"),
        max_length=30,
        blank=True,
        help_text=_("Eine der Rollen der Kommune aus dem Kompass der Handreichung."),
    )
    responsibility = models.CharField(
        _("Verantwortung der Kommune"),
        max_length=20,
        choices=Responsibility.choices,
        blank=True,
    )
    atlas_fields = models.JSONField(_("Handlungsfelder des Atlas"), default=list, blank=True)
    source_term = models.CharField(_("Vorlage aus der Wirkungsmatrix"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    tracked_fields: ClassVar[dict[str, str]] = {
        "title": "Bezeichnung",
        "description": "Beschreibung",
        "kind": "Art",
        "spatial_reference": "Raumbezug",
        "spatial_note": "Teilraum",
        "municipal_role": "Rolle der Kommune",
        "responsibility": "Verantwortung der Kommune",
        "atlas_fields": "Handlungsfelder des Atlas",
        "position": "Reihenfolge",
    }

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["workspace", "position", "title"]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Handlungsfeld „{self.title}“"


class Project(WorkspaceItem):
    """A project of the workspace's portfolio, from the sketch (step 5) to its evaluation.

    ``sketch`` holds the answers of worksheet 6 (Projektskizze) as validated by
    :mod:`kompass.strategy.worksheet_forms`; the columns below are what the portfolio,
    roadmap, project matrix and monitoring filter and sort by.
    """

    class Status(models.TextChoices):
        SKETCH = "sketch", _("Skizze")
        RISK_ASSESSED = "risk_assessed", _("Risiken bewertet")
        DECIDED = "decided", _("beschlossen")
        IN_PREPARATION = "in_preparation", _("in Vorbereitung")
        PROTOTYPE = "prototype", _("Prototyp")
        IN_OPERATION = "in_operation", _("im Betrieb")
        EVALUATED = "evaluated", _("evaluiert")
        STOPPED = "stopped", _("gestoppt")

    class Horizon(models.TextChoices):
        # As the project matrix's "Realisierungshorizont" (worksheets.yaml).
        SHORT_TERM = "short_term", _("kurzfristig")
        MEDIUM_TERM = "medium_term", _("mittelfristig")
        LONG_TERM = "long_term", _("langfristig")

    class TrafficLight(models.TextChoices):
        RED = "red", _("rot")
        YELLOW = "yellow", _("gelb")
        GREEN = "green", _("grün")

    title = models.CharField(_("Projekttitel"), max_length=200)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        verbose_name=_("Handlungsfeld"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.SKETCH
    )
    summary = models.TextField(_("Kurzbeschreibung"), blank=True)
    sketch = models.JSONField(_("Projektskizze"), default=dict, blank=True)
    horizon = models.CharField(
        _("Realisierungshorizont"), max_length=20, choices=Horizon.choices, blank=True
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    budget = models.DecimalField(
        _("Budget (Euro)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_sources = models.JSONField(
        _("Finanzierungsquellen"),
        default=list,
        blank=True,
        help_text=_('Liste von {"name": …, "amount": "Euro oder leer"}.'),
    )
    responsible = models.ForeignKey(
        WorkspaceMember,
        verbose_name=_("Verantwortlich"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    municipal_role = models.CharField(_("Rolle der Kommune"), max_length=30, blank=True)
    depends_on = models.ManyToManyField(
        "self",
        verbose_name=_("hängt ab von"),
        symmetrical=False,
        blank=True,
        related_name="dependents",
    )
    traffic_light = models.CharField(
        _("Ampel"), max_length=10, choices=TrafficLight.choices, blank=True
    )
    traffic_light_rationale = models.TextField(_("Begründung der Ampel"), blank=True)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    tracked_fields: ClassVar[dict[str, str]] = {
        "title": "Projekttitel",
        "field_of_action": "Handlungsfeld",
        "status": "Status",
        "summary": "Kurzbeschreibung",
        "sketch": "Projektskizze",
        "horizon": "Realisierungshorizont",
        "start_date": "Beginn",
        "end_date": "Ende",
        "budget": "Budget (Euro)",
        "funding_sources": "Finanzierungsquellen",
        "responsible": "Verantwortlich",
        "municipal_role": "Rolle der Kommune",
        "traffic_light": "Ampel",
        "traffic_light_rationale": "Begründung der Ampel",
        "position": "Reihenfolge",
        "depends_on": "hängt ab von",
    }

    class Meta:
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        ordering = ["workspace", "position", "title"]
        indexes = [
            models.Index(fields=["workspace", "status"], name="strategy_project_status"),
            models.Index(fields=["workspace", "horizon"], name="strategy_project_horizon"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="strategy_project_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Projekt „{self.title}“"

    def display_value(self, field: str, value: Any) -> str:
        if field == "sketch":
            return f"{len([v for v in (value or {}).values() if v not in (None, '', [])])} Felder"
        if field == "funding_sources":
            return ", ".join(str(s.get("name", "")) for s in value or []) or "–"
        if field in ("field_of_action", "responsible"):
            return str(value) if value is not None else "–"
        return super().display_value(field, value)


# The models of the workspace's parts live in their own modules (one owner each) and are
# registered with the app by importing them here.
from kompass.strategy.models_document import *  # noqa: E402,F403
from kompass.strategy.models_ideas import *  # noqa: E402,F403
from kompass.strategy.models_monitoring import *  # noqa: E402,F403
from kompass.strategy.models_portfolio import *  # noqa: E402,F403
from kompass.strategy.models_risks import *  # noqa: E402,F403
from kompass.strategy.models_worksheets import *  # noqa: E402,F403
