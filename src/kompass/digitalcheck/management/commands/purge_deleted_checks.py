"""``kompass manage purge_deleted_checks``: remove members' Digitalchecks deleted more than
30 days ago and anonymous drafts not saved for 90 days (run daily, e.g. from cron or a
systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompass.digitalcheck.models import ABANDONED_DRAFT_DAYS, RESTORE_DAYS
from kompass.digitalcheck.services import purge_abandoned_drafts, purge_deleted


class Command(BaseCommand):
    help = (
        f"Entfernt gelöschte Digitalchecks nach Ablauf der {RESTORE_DAYS}-Tage-Frist und "
        f"anonyme Entwürfe, die {ABANDONED_DRAFT_DAYS} Tage nicht gespeichert wurden, endgültig."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_deleted()
        self.stdout.write(f"{count} gelöschte Digitalchecks endgültig entfernt.")
        abandoned = purge_abandoned_drafts()
        self.stdout.write(
            f"{abandoned} anonyme Entwürfe ohne Änderung seit {ABANDONED_DRAFT_DAYS} Tagen "
            "entfernt."
        )
