"""Digitalcheck submissions: one municipality's (or one anonymous visitor's) answers to one
questionnaire version, with the stored evaluation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.analysis.size_classes import size_class
from kompass.core.models import Land, Municipality, SizeClass
from kompass.questionnaires.models import QuestionnaireVersion

#: How long a member's deleted check can be restored before it is removed for good.
RESTORE_DAYS = 30
#: An anonymous check still in draft and not saved for this many days is removed: nobody can
#: reach it without its private link, and a link unused for three months is taken as lost
#: (docs/digitalcheck.md, "Retention").
ABANDONED_DRAFT_DAYS = 90


def hash_token(token: str) -> str:
    """The stored form of a private link's token (SHA-256): a leaked database does not leak
    the links."""
    return hashlib.sha256(token.encode()).hexdigest()


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def alive(self) -> SubmissionQuerySet:
        """Not deleted."""
        return self.filter(deleted_at=None)

    def peers(self) -> SubmissionQuerySet:
        """The checks that count as peers (``is_peer``, kept by the services)."""
        return self.filter(is_peer=True)


class Submission(models.Model):
    """One Digitalcheck.

    Members' checks belong to their ``municipality`` (visible to its members only);
    anonymous checks have no municipality and are reached through a private link whose token
    is stored as ``token_hash`` only. ``population`` and ``land`` are given with the answers
    (from the municipality, or typed in). ``result`` is the evaluation
    (/work/notes/digitalcheck_result.md), computed again on every submit; ``overall_score``,
    ``level`` and ``size_class`` are copies of it as columns, so that lists and the peer
    benchmark read numbers instead of JSON. ``is_peer`` marks the checks that count as peers:
    submitted, released, not deleted, and for a municipality only its latest such check
    (services keep it up to date).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("abgeschlossen")

    questionnaire = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="digitalcheck_submissions",
        verbose_name=_("Fragebogenversion"),
    )
    answers = models.JSONField(_("Antworten"), default=dict, blank=True)
    population = models.PositiveIntegerField(_("Einwohnerzahl"))
    land = models.CharField(_("Land"), max_length=2, choices=Land.choices, blank=True)
    size_class = models.CharField(
        _("Größenklasse"), max_length=20, choices=SizeClass.choices, editable=False
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="digitalchecks",
        verbose_name=_("Kommune"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ausgefüllt von"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    released_for_comparison = models.BooleanField(_("für den Vergleich freigegeben"), default=False)
    is_peer = models.BooleanField(default=False, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    current_section = models.CharField(
        _("zuletzt bearbeiteter Abschnitt"), max_length=100, blank=True
    )
    result = models.JSONField(_("Auswertung"), null=True, blank=True)
    overall_score = models.FloatField(_("Gesamtwert"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("Reifegrad"), null=True, blank=True)
    created_at = models.DateTimeField(_("begonnen am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("zuletzt gespeichert"), auto_now=True)
    submitted_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("gelöscht am"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Digitalcheck")
        verbose_name_plural = _("Digitalchecks")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the peer benchmark: one size class's released scores
            models.Index(
                fields=["is_peer", "size_class", "overall_score"], name="digitalcheck_peers"
            ),
            models.Index(fields=["municipality", "-created_at"], name="digitalcheck_history"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(municipality__isnull=False) | models.Q(token_hash__isnull=False),
                name="digitalcheck_owner_or_token",
            )
        ]

    def __str__(self) -> str:
        owner = self.municipality.name if self.municipality else _("anonym")
        return f"Digitalcheck {owner} ({self.created_at:%d.%m.%Y})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.size_class = size_class(self.population) or ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "population" in update_fields:
            kwargs["update_fields"] = {*update_fields, "size_class"}
        super().save(*args, **kwargs)

    @property
    def is_anonymous(self) -> bool:
        return self.municipality_id is None

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def restorable_until(self) -> datetime | None:
        if self.deleted_at is None:
            return None
        return self.deleted_at + timedelta(days=RESTORE_DAYS)

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A private link's token (shown once, in the link) and its stored hash."""
        token = secrets.token_urlsafe(32)
        return token, hash_token(token)
