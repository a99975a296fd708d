from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kompass.core.importers import DirectoryImportError, import_municipalities
from kompass.progress import bar_callback


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--stichtag: „{value}“ ist kein Datum der Form JJJJ-MM-TT.") from None


class Command(BaseCommand):
    help = (
        "Importiert das Gemeindeverzeichnis des Statistischen Bundesamts (GV-ISys-Auszug, XLSX). "
        "Ein erneuter Import aktualisiert bestehende Kommunen anhand des AGS."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Pfad zur XLSX-Datei")
        parser.add_argument(
            "--stichtag",
            type=_date,
            default=None,
            help="Stichtag der Einwohnerzahlen (JJJJ-MM-TT), falls die Datei keinen nennt",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        with tqdm(desc="Kommunen", unit=" Zeilen", disable=quiet, file=self.stderr) as bar:
            try:
                report = import_municipalities(
                    options["file"],
                    reference_date=options["stichtag"],
                    progress=bar_callback(bar),
                )
            except DirectoryImportError as exc:
                raise CommandError(str(exc)) from None
            except FileNotFoundError:
                raise CommandError(f"Die Datei {options['file']} gibt es nicht.") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
