from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.questionnaires.services import (
    QUESTIONNAIRE_DIR,
    QuestionnaireSyncError,
    sync_questionnaires,
)


class Command(BaseCommand):
    help = (
        "Speichert neue Fragebogenversionen aus den Definitionsdateien (<slug>-v<version>.yaml) "
        "und weist geänderte Dateien bereits gespeicherter Versionen zurück."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help=f"Verzeichnis der Dateien (Standard: {QUESTIONNAIRE_DIR})",
        )
        parser.add_argument("--database", default="default", help="Datenbank-Alias")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["directory"]
        if directory is not None and not directory.is_dir():
            raise CommandError(f"Das Verzeichnis {directory} gibt es nicht.")
        try:
            result = sync_questionnaires(directory, using=options["database"])
        except QuestionnaireSyncError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] >= 1:
            for version in result.created:
                self.stdout.write(f"Neu gespeichert: {version.slug} Version {version.version}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{len(result.created)} neue, {len(result.unchanged)} unveränderte "
                    "Fragebogenversionen."
                )
            )
