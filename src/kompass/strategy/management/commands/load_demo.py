"""``kompass manage load_demo [--user EMAIL …] [--replace]``: the demo workspace "Musterstadt".

Loads the fictional example of ``kompass/data/strategy/demo_musterstadt.yaml`` through the
services of every part (:mod:`kompass.strategy.demo`), all or nothing, and prints what it
created per kind and the workspace's address. An existing demo workspace is refused unless
``--replace`` (then it is deleted for good and loaded again).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Lädt den Demo-Arbeitsraum „Musterstadt“ mit erfundenen Beispielinhalten zu allen "
        "Arbeitsschritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--user",
            action="append",
            default=[],
            metavar="EMAIL",
            help="E-Mail-Adresse eines bestehenden Kontos, das dem Kernteam der Demo beitritt "
            "(mehrfach möglich)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="einen vorhandenen Demo-Arbeitsraum endgültig löschen und neu laden",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kompass.strategy.demo import (
            COUNT_LABELS,
            DemoError,
            demo_counts,
            load_demo,
            workspace_path,
        )

        verbose = options.get("verbosity", 1) >= 2
        try:
            workspace = load_demo(
                users=options["user"],
                replace=options["replace"],
                stdout=self.stdout if verbose else None,
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        if options.get("verbosity", 1) == 0:
            return
        counts = demo_counts(workspace)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo-Arbeitsraum „{workspace.title}“ ({workspace.municipality.name}) geladen."
            )
        )
        width = max(len(label) for label in COUNT_LABELS.values())
        for key, label in COUNT_LABELS.items():
            self.stdout.write(f"  {label:<{width}}  {counts[key]:>4}")
        self.stdout.write(f"Adresse: {workspace_path(workspace)}")
        if not options["user"]:
            self.stdout.write(
                "Hinweis: Die Demo-Konten können sich nicht anmelden. Mit --user EMAIL wird "
                "ein bestehendes Konto Mitglied des Kernteams."
            )
