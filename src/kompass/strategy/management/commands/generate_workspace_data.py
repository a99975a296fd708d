"""``kompass manage generate_workspace_data --scale N [--municipality SLUG] [--user EMAIL]``.

Creates one strategy workspace of N times a large real workspace (scale 1: 200 ideas,
50 projects, 500 risks, 2,000 measurements; see :mod:`kompass.strategy.benchdata`) for the
benchmark ``bench/strategy.py``. Test data: the rows are written in bulk, but shaped as the
services store them.

``--user EMAIL`` makes that account the workspace's creator (core team); it is created when
missing, with the password from the environment variable ``KOMPASS_BENCH_PASSWORD`` or
``BENCH_PASSWORD`` (or an unusable password when neither is set; see
:data:`PASSWORD_VARIABLES`). Without ``--user`` the creator is
``kernteam@benchstadt.invalid``. Without ``--municipality`` the workspace belongs to
"Benchstadt" (created when missing).

The last lines of the output name the workspace (``Arbeitsraum: /strategie/…/``, ``Kurzname:
KOMMUNE/SLUG``) and how to sign in without an existing session.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

#: Where the password of ``--user`` comes from. ``KOMPASS_BENCH_PASSWORD`` is the name the
#: issue asks for, but kompass.config refuses unknown ``KOMPASS_*`` variables at start-up
#: until it lists it; ``BENCH_PASSWORD`` works meanwhile.
PASSWORD_VARIABLES = ("KOMPASS_BENCH_PASSWORD", "BENCH_PASSWORD")
PASSWORD_VARIABLE = "BENCH_PASSWORD"  # noqa: S105 - a variable name


def _scale(value: str) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError("scale must be greater than 0")
    return number


class Command(BaseCommand):
    help = (
        "Legt einen Arbeitsraum mit Testdaten an: das N-fache eines großen echten Arbeitsraums "
        "(N = 1: 200 Ideen, 50 Projekte, 500 Risiken, 2.000 Messwerte)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=_scale, required=True, help="Größe, z. B. 1 oder 10")
        parser.add_argument("--municipality", default="", help="Kurzname der Kommune")
        parser.add_argument("--user", default="", help="E-Mail der Person für das Kernteam")
        parser.add_argument("--seed", type=int, default=2026, help="Startwert des Zufalls")

    def handle(self, *args: Any, **options: Any) -> None:
        from kompass.strategy import benchdata

        password = next((os.environ[n] for n in PASSWORD_VARIABLES if os.environ.get(n)), None)
        started = time.monotonic()
        with tqdm(
            total=len(benchdata.STEPS),
            desc="Arbeitsraum",
            unit=" Schritte",
            disable=options["verbosity"] == 0,
            file=self.stderr,
        ) as bar:

            def progress(step: str, rows: int) -> None:
                bar.set_postfix_str(f"{step}: {rows:,}")
                bar.update(1)

            try:
                result = benchdata.generate(
                    options["scale"],
                    municipality=options["municipality"] or None,
                    user=options["user"] or None,
                    password=password,
                    seed=options["seed"],
                    progress=progress,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        workspace = result.workspace
        counts = ", ".join(f"{name} {count:,}" for name, count in result.counts.items())
        self.stdout.write(f"Angelegt in {seconds:.1f} s: {counts}")
        self.stdout.write(f"Kurzname: {workspace.municipality.slug}/{workspace.slug}")
        login = (
            f"mit dem Passwort aus {PASSWORD_VARIABLE}"
            if password
            else f"Passwort nicht gesetzt ({PASSWORD_VARIABLE} leer): "
            "Anmeldung nur über eine Sitzung, z. B. kompass manage shell"
        )
        self.stdout.write(f"Anmelden: /konto/anmelden/ als {result.user_email} ({login})")
        self.stdout.write(self.style.SUCCESS(f"Arbeitsraum: {result.path}"))
