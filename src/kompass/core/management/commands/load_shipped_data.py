from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kompass.atlas.practice import load_practice_examples
from kompass.atlas.search import rebuild_index
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.shipped import load_fields_of_action
from kompass.progress import bar_callback


class Command(BaseCommand):
    help = (
        "Lädt die mitgelieferten Daten (Handlungsfelder mit Zuordnungen, Smart-City-Atlas 2019) "
        "oder aktualisiert sie."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        with tqdm(desc="Handlungsfelder", unit=" Einträge", disable=quiet, file=self.stderr) as bar:
            counts = load_fields_of_action(progress=bar_callback(bar))
        with tqdm(
            desc="Smart-City-Atlas", unit=" Steckbriefe", disable=quiet, file=self.stderr
        ) as bar:
            atlas = load_atlas_edition("2019", progress=bar_callback(bar))
        examples = load_practice_examples()
        indexed = rebuild_index()
        if not quiet:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{counts['fields']} Handlungsfelder, {counts['vocabularies']} Begriffssysteme "
                    f"mit {counts['terms']} Begriffen; Smart-City-Atlas 2019: "
                    f"{atlas['profiles']} Steckbriefe mit {atlas['projects']} Projekten; "
                    f"{examples} Praxisbeispiele geladen; Suchindex mit {indexed} Einträgen."
                )
            )
