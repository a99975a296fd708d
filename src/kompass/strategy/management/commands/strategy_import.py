"""``kompass strategy import --file FILE [--municipality SLUG] [--user EMAIL]``.

Creates a new workspace from a JSON export (kompass.strategy.transfer), all or nothing. The
municipality is the one named in the file unless ``--municipality`` (slug or AGS) is given;
``--user`` makes a person with an account here a core-team member (needed when nobody of the
file's core team has an account here). Exit codes: 0 done, 1 error, 2 wrong arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Legt aus einer JSON-Exportdatei einen neuen Arbeitsraum an (ganz oder gar nicht)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", required=True, help="Exportdatei ('-' für stdin)")
        parser.add_argument(
            "--municipality", default="", help="Kurzname oder AGS der Zielkommune (optional)"
        )
        parser.add_argument(
            "--user", default="", help="E-Mail-Adresse einer Person, die zum Kernteam gehört"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kompass.accounts.models import User
        from kompass.core.models import Municipality
        from kompass.strategy import transfer
        from kompass.strategy.models import WorkspaceMember

        source = options["file"]
        if source == "-":
            raw = sys.stdin.buffer.read()
        else:
            path = Path(source)
            if not path.is_file():
                raise CommandError(f"Die Datei {path} gibt es nicht.")
            raw = path.read_bytes()
        municipality = None
        key = options["municipality"].strip()
        if key:
            municipality = (
                Municipality.objects.filter(slug=key.lower()).first()
                or Municipality.objects.filter(ags=key).first()
            )
            if municipality is None:
                raise CommandError(f"Eine Kommune „{key}“ gibt es nicht.")
        user = None
        if options["user"].strip():
            user = User.objects.filter(email__iexact=options["user"].strip()).first()
            if user is None:
                raise CommandError(f"Ein Konto {options['user']} gibt es nicht.")
        verbose = options.get("verbosity", 1) >= 1

        def progress(message: str) -> None:
            if verbose:
                self.stdout.write(f"  {message}")

        try:
            data = transfer.load(raw)
            if verbose:
                self.stdout.write("Importiere …")
            result = transfer.import_workspace(
                data, actor=None, municipality=municipality, progress=progress, core_team=user
            )
        except transfer.TransferError as exc:
            raise CommandError(
                "Nichts importiert:\n" + "\n".join(f"- {e}" for e in exc.errors)
            ) from None
        workspace = result.workspace
        for warning in result.warnings:
            self.stderr.write(f"Hinweis: {warning}")
        members = WorkspaceMember.objects.filter(workspace=workspace).count()
        self.stdout.write(
            f"Angelegt: {workspace.municipality.slug}/{workspace.slug} „{workspace.title}“ "
            f"({members} Mitglieder, /strategie/{workspace.municipality.slug}/{workspace.slug}/)"
        )
