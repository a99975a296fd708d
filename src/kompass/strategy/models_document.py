"""Models of the strategy workspace: the strategy document (docs/strategy_document.md).

The special module "Smart-City-Strategie verfassen und überarbeiten" of the BBSR guide
(004 lines 3116-3147) brings the results of the earlier steps together in a strategy paper,
secures it politically, for instance by a council decision (lines 3136-3139), and revises it
after evaluations.

- :class:`StrategyDocument` – the paper of a workspace (one live per workspace): title and
  status (draft, adopted).
- :class:`DocumentBlock` – one section of the paper (the sections follow the structure of
  ``process.yaml`` ``strategy_paper``): heading and plain text, generated from the workspace's
  content or edited by the team.
- :class:`DocumentVersion` – an immutable snapshot of every block ("Version festhalten").
- :class:`CouncilDecision` – the record of a council's decision on a version of the paper.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.strategy.models import Workspace, WorkspaceItem

__all__ = ["CouncilDecision", "DocumentBlock", "DocumentVersion", "StrategyDocument"]


class StrategyDocument(WorkspaceItem):
    """The strategy paper of one workspace (at most one that is not deleted)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        ADOPTED = "adopted", _("beschlossen")

    title = models.CharField(_("Titel"), max_length=200)
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )

    tracked_fields: ClassVar[dict[str, str]] = {"title": "Titel", "status": "Stand"}

    class Meta:
        verbose_name = _("Strategiepapier")
        verbose_name_plural = _("Strategiepapiere")
        ordering = ["workspace", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_document_one_live",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def describe(self) -> str:
        return f"Strategiepapier „{self.title}“"


class DocumentBlock(WorkspaceItem):
    """One section of the strategy paper.

    ``key`` names the section of the paper's structure (``kompass.strategy.document.SECTIONS``).
    ``text`` is plain text; an empty line separates paragraphs. ``generated_text`` is what the
    workspace's content gave when the block was last filled from it, so that an edited block
    can be compared with what the workspace says now.
    """

    class Origin(models.TextChoices):
        GENERATED = "generated", _("aus dem Arbeitsraum übernommen")
        EDITED = "edited", _("vom Team bearbeitet")

    document = models.ForeignKey(
        StrategyDocument,
        verbose_name=_("Strategiepapier"),
        on_delete=models.CASCADE,
        related_name="blocks",
    )
    key = models.CharField(_("Abschnitt"), max_length=50)
    heading = models.CharField(_("Überschrift"), max_length=200)
    text = models.TextField(_("Text"), blank=True)
    generated_text = models.TextField(_("Text aus dem Arbeitsraum"), blank=True)
    origin = models.CharField(
        _("Herkunft"), max_length=20, choices=Origin.choices, default=Origin.GENERATED
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    source_note = models.CharField(_("Quelle"), max_length=500, blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "heading": "Überschrift",
        "text": "Text",
        "origin": "Herkunft",
        "position": "Reihenfolge",
    }

    class Meta:
        verbose_name = _("Abschnitt des Strategiepapiers")
        verbose_name_plural = _("Abschnitte des Strategiepapiers")
        ordering = ["document", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "key"],
                condition=Q(deleted_at__isnull=True),
                name="strategy_block_unique_key",
            )
        ]

    def __str__(self) -> str:
        return self.heading

    def describe(self) -> str:
        return f"Abschnitt „{self.heading}“ des Strategiepapiers"

    def display_value(self, field: str, value: Any) -> str:
        if field == "text":
            words = len(str(value or "").split())
            return f"{words} Wörter"
        return super().display_value(field, value)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


def split_paragraphs(text: str) -> list[str]:
    """Plain text → paragraphs (separated by empty lines; single line breaks kept)."""
    blocks = [part.strip() for part in str(text or "").replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


class DocumentVersion(models.Model):
    """A frozen state of the strategy paper: every block's heading and text as JSON.

    Never changed after it is written (the services only create versions)."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="document_versions"
    )
    document = models.ForeignKey(
        StrategyDocument,
        verbose_name=_("Strategiepapier"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=200)
    blocks = models.JSONField(_("Abschnitte"), default=list)
    note = models.CharField(_("Anmerkung"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("festgehalten am"), default=timezone.now)

    class Meta:
        verbose_name = _("Version des Strategiepapiers")
        verbose_name_plural = _("Versionen des Strategiepapiers")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="strategy_document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


class CouncilDecision(WorkspaceItem):
    """A political body's decision on the strategy paper (guide 004 lines 3136-3139: the
    strategy gains legitimacy e.g. through a council decision)."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("beschlossen")
        ADOPTED_WITH_CHANGES = "adopted_with_changes", _("mit Änderungen beschlossen")
        REJECTED = "rejected", _("abgelehnt")
        DEFERRED = "deferred", _("vertagt")

    document = models.ForeignKey(
        StrategyDocument,
        verbose_name=_("Strategiepapier"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    body = models.CharField(
        _("Gremium"), max_length=200, help_text=_("z. B. Stadtrat, Gemeinderat, Kreistag")
    )
    date = models.DateField(_("Sitzung am"))
    agenda_item = models.CharField(
        _("Tagesordnungspunkt oder Drucksache"), max_length=100, blank=True
    )
    outcome = models.CharField(_("Ergebnis"), max_length=30, choices=Outcome.choices)
    document_version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("beschlossene Fassung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    votes_for = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)

    tracked_fields: ClassVar[dict[str, str]] = {
        "body": "Gremium",
        "date": "Sitzung am",
        "agenda_item": "Tagesordnungspunkt oder Drucksache",
        "outcome": "Ergebnis",
        "document_version": "beschlossene Fassung",
        "votes_for": "Ja-Stimmen",
        "votes_against": "Nein-Stimmen",
        "abstentions": "Enthaltungen",
        "note": "Anmerkung",
    }

    class Meta:
        verbose_name = _("Beschluss zum Strategiepapier")
        verbose_name_plural = _("Beschlüsse zum Strategiepapier")
        ordering = ["document", "date", "pk"]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        return f"Beschluss des Gremiums „{self.body}“ vom {self.date:%d.%m.%Y}"

    def display_value(self, field: str, value: Any) -> str:
        if field == "document_version":
            return str(value) if value is not None else "–"
        return super().display_value(field, value)

    @property
    def adopts(self) -> bool:
        return self.outcome in (self.Outcome.ADOPTED, self.Outcome.ADOPTED_WITH_CHANGES)
