"""Stored questionnaire versions: one row per definition file, never changed once written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kompass.questionnaires.definition import Questionnaire


class QuestionnaireVersion(models.Model):
    """One immutable version of a questionnaire. Answers (Digitalcheck submissions, stocktakes,
    survey responses) point here, so their questions can always be read back, even after a
    newer version replaced the file. ``definition`` is the canonical form
    (:meth:`Questionnaire.to_dict`) and ``content_hash`` its SHA-256."""

    slug = models.SlugField(_("Kennung"), max_length=100)
    version = models.PositiveIntegerField(_("Version"))
    title = models.CharField(_("Titel"), max_length=300)
    content_hash = models.CharField(_("Prüfsumme des Inhalts"), max_length=64)
    definition = models.JSONField(_("Definition"))
    source_file = models.CharField(_("Datei"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("gespeichert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fragebogenversion")
        verbose_name_plural = _("Fragebogenversionen")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="questionnaire_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (Version {self.version})"

    @property
    def questionnaire(self) -> Questionnaire:
        """The parsed definition (cached per content hash)."""
        from kompass.questionnaires.services import get_definition

        return get_definition(self)
