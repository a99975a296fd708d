from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kompass.core.shipped import load_fields_of_action


class Command(BaseCommand):
    help = "Lädt die mitgelieferten Daten (Handlungsfelder und Zuordnungen) oder aktualisiert sie."

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        with tqdm(desc="Handlungsfelder", unit=" Einträge", disable=quiet, file=self.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            counts = load_fields_of_action(progress=progress)
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{counts['fields']} Handlungsfelder, {counts['vocabularies']} Begriffssysteme "
                    f"mit {counts['terms']} Begriffen geladen."
                )
            )
