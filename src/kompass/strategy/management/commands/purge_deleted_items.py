"""Remove workspace items deleted more than 30 days ago (run daily, e.g. from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kompass.strategy.items import purge_deleted_items


class Command(BaseCommand):
    help = (
        "Löscht Einträge der Strategie-Arbeitsräume endgültig, die vor über 30 Tagen "
        "gelöscht wurden."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in purge_deleted_items().items():
            self.stdout.write(f"{label}: {count}")
