from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kompass.atlas import editorial, selectors
from kompass.progress import bar_callback


class Command(BaseCommand):
    help = (
        "Beginnt eine neue Ausgabe des Atlas als Fortschreibung der neuesten: alle Steckbriefe "
        "mit Projekten, Organisation, Meilensteinen, Förderungen und Quellen werden übernommen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Kurzname der neuen Ausgabe, z. B. 2026")
        parser.add_argument("--titel", required=True, help="Titel der neuen Ausgabe")
        parser.add_argument("--stand", required=True, help="Stand als JJJJ-MM-TT")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            reference_date = dt.date.fromisoformat(options["stand"])
        except ValueError as exc:
            raise CommandError(f"--stand: „{options['stand']}“ ist kein Datum JJJJ-MM-TT.") from exc
        source = selectors.edition_or_404(None)
        with tqdm(
            desc="Steckbriefe",
            unit=" Steckbriefe",
            disable=options["verbosity"] == 0,
            file=self.stderr,
        ) as bar:
            try:
                edition = editorial.start_edition(
                    user=None,
                    slug=options["slug"],
                    title=options["titel"],
                    reference_date=reference_date,
                    source=source,
                    progress=bar_callback(bar),
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Ausgabe {edition.title} angelegt: {edition.profiles.count()} Steckbriefe aus "
                f"{source.title} übernommen."
            )
        )
