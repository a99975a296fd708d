"""The ``kompass`` command.

``kompass run``     migrate, collect static files, load the shipped data into an empty
                    database, then serve with gunicorn (production-grade, not runserver).
``kompass manage``  any Django management command, e.g. ``kompass manage createsuperuser``.
``kompass strategy export|import``
                    a strategy workspace's paper as DOCX/PDF or the whole workspace as JSON,
                    and a JSON export back as a new workspace (management commands
                    ``strategy_export`` and ``strategy_import``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from kompass import __version__


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kompass.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None


def prepare(*, verbosity: int = 1) -> None:
    """Everything ``run`` does before serving: checks, migrations, static files, shipped data."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", fail_level="ERROR")
    except SystemCheckError as exc:
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None
    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("collectstatic", interactive=False, verbosity=0)
    from kompass.core.shipped import database_is_empty

    if database_is_empty():
        call_command("load_shipped_data", verbosity=verbosity)


def run(args: argparse.Namespace) -> None:
    _setup_django()
    prepare()
    from django.conf import settings
    from django.db import connections

    from kompass.server import serve

    # Forked workers must not share the connections the preparation opened.
    connections.close_all()
    workers = args.workers or settings.CONFIG.workers
    serve(
        host=args.host, port=args.port, workers=workers, threads=settings.CONFIG["KOMPASS_THREADS"]
    )


def manage(argv: Sequence[str]) -> None:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kompass manage", *argv])


def strategy(args: argparse.Namespace) -> None:
    """``kompass strategy export|import``: the management commands with German errors on
    stderr and exit codes 0 (done), 1 (error), 2 (wrong arguments)."""
    _setup_django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if args.strategy_command == "export":
            options = {"workspace": args.workspace, "format": args.format, "output": args.output}
            if args.document_version is not None:
                options["document_version"] = args.document_version
            call_command("strategy_export", verbosity=args.verbosity, **options)
        else:
            call_command(
                "strategy_import",
                file=args.file,
                municipality=args.municipality,
                user=args.user,
                verbosity=args.verbosity,
            )
    except CommandError as exc:
        sys.stderr.write(f"Fehler: {exc}\n")
        raise SystemExit(1) from None


def _strategy_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "strategy",
        help="Strategiepapier exportieren (DOCX, PDF) oder Arbeitsräume als JSON übertragen.",
    )
    actions = parser.add_subparsers(dest="strategy_command", required=True, metavar="AKTION")
    export = actions.add_parser(
        "export", help="Strategiepapier als DOCX/PDF oder den ganzen Arbeitsraum als JSON."
    )
    export.add_argument(
        "--workspace", required=True, help="Kurzname des Arbeitsraums oder KOMMUNE/KURZNAME"
    )
    export.add_argument("--format", required=True, choices=["docx", "pdf", "json"])
    export.add_argument("--output", required=True, help="Zieldatei")
    export.add_argument(
        "--version",
        dest="document_version",
        type=int,
        default=None,
        help="Nummer einer festgehaltenen Version des Strategiepapiers (docx/pdf)",
    )
    export.add_argument("--quiet", dest="verbosity", action="store_const", const=0, default=1)
    imp = actions.add_parser("import", help="JSON-Export als neuen Arbeitsraum anlegen.")
    imp.add_argument("--file", required=True, help="Exportdatei")
    imp.add_argument("--municipality", default="", help="Kurzname oder AGS der Zielkommune")
    imp.add_argument("--user", default="", help="E-Mail einer Person für das Kernteam")
    imp.add_argument("--quiet", dest="verbosity", action="store_const", const=0, default=1)


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="kompass", description="Kommunalkompass: Plattform starten und verwalten."
    )
    parser.add_argument("--version", action="version", version=f"kompass {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    run_parser = commands.add_parser(
        "run", help="Datenbank migrieren, Daten laden und den Server starten."
    )
    run_parser.add_argument("--host", default="127.0.0.1", help="Adresse (Standard 127.0.0.1)")
    run_parser.add_argument("--port", type=int, default=8000, help="Port (Standard 8000)")
    run_parser.add_argument(
        "--workers", type=int, default=None, help="Server-Prozesse (Standard: KOMPASS_WORKERS)"
    )
    commands.add_parser(
        "manage",
        help="Einen Django-Verwaltungsbefehl ausführen, z. B. 'kompass manage migrate'.",
        add_help=False,
    )
    _strategy_parser(commands)
    if argv[:1] == ["manage"]:
        manage(argv[1:])
        return
    args = parser.parse_args(argv)
    if args.command == "run":
        run(args)
    elif args.command == "strategy":
        strategy(args)


if __name__ == "__main__":
    main()
