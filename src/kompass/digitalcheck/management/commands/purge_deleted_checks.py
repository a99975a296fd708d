"""``kompass manage purge_deleted_checks``: remove members' Digitalchecks deleted more than
30 days ago (run daily, e.g. from cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompass.digitalcheck.models import RESTORE_DAYS
from kompass.digitalcheck.services import purge_deleted


class Command(BaseCommand):
    help = f"Entfernt gelöschte Digitalchecks nach Ablauf der {RESTORE_DAYS}-Tage-Frist endgültig."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_deleted()
        self.stdout.write(f"{count} gelöschte Digitalchecks endgültig entfernt.")
