"""``kompass strategy export --workspace SLUG --format docx|pdf|json --output FILE``.

Exports a workspace's strategy paper (DOCX, PDF; the current text or a frozen version:
``--document-version N`` here, ``--version N`` in ``kompass strategy export``) or the
whole workspace as JSON (see kompass.strategy.transfer). ``SLUG`` is the workspace's short
name; when several municipalities have a workspace of that name, write ``KOMMUNE/SLUG``.
Exit codes: 0 done, 1 error (message on stderr), 2 wrong arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kompass.strategy.models import DocumentVersion, Workspace

FORMATS = ("docx", "pdf", "json")


def find_workspace(reference: str) -> Workspace:
    """The workspace ``SLUG`` or ``KOMMUNE/SLUG``; CommandError (German) otherwise."""
    reference = reference.strip().strip("/")
    if "/" in reference:
        municipality, _sep, slug = reference.partition("/")
        found = Workspace.objects.filter(municipality__slug=municipality, slug=slug).first()
        if found is None:
            raise CommandError(f"Einen Arbeitsraum „{reference}“ gibt es nicht.")
        return found
    matches = list(
        Workspace.objects.filter(slug=reference).select_related("municipality").order_by("pk")
    )
    if not matches:
        raise CommandError(f"Einen Arbeitsraum „{reference}“ gibt es nicht.")
    if len(matches) > 1:
        names = ", ".join(f"{w.municipality.slug}/{w.slug}" for w in matches)
        raise CommandError(
            f"Mehrere Kommunen haben einen Arbeitsraum „{reference}“: {names}. "
            "Bitte als KOMMUNE/KURZNAME angeben, z. B. --workspace "
            f"{matches[0].municipality.slug}/{reference}."
        )
    return matches[0]


class Command(BaseCommand):
    help = (
        "Exportiert das Strategiepapier eines Arbeitsraums als DOCX oder PDF oder den ganzen "
        "Arbeitsraum als JSON-Datei."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workspace", required=True, help="Kurzname des Arbeitsraums oder KOMMUNE/KURZNAME"
        )
        parser.add_argument("--format", required=True, choices=FORMATS, help="docx, pdf oder json")
        parser.add_argument("--output", required=True, help="Zieldatei ('-' für stdout bei json)")
        parser.add_argument(
            "--document-version",
            dest="document_version",
            type=int,
            default=None,
            help="Nummer einer festgehaltenen Version des Strategiepapiers (nur docx/pdf)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kompass.strategy import document, document_export, transfer

        workspace = find_workspace(options["workspace"])
        kind = options["format"]
        verbose = options.get("verbosity", 1) >= 1
        output = options["output"]

        def progress(message: str) -> None:
            if verbose and output != "-":
                self.stdout.write(f"  {message}")

        if kind == "json":
            if verbose and output != "-":
                self.stdout.write(f"Exportiere {workspace.municipality.slug}/{workspace.slug} …")
            content = transfer.export_json(workspace, progress=progress)
        else:
            paper = document.current_document(workspace)
            if paper is None:
                raise CommandError(
                    f"Der Arbeitsraum „{workspace.slug}“ hat noch kein Strategiepapier."
                )
            version = None
            if options["document_version"] is not None:
                version = DocumentVersion.objects.filter(
                    document=paper, number=options["document_version"]
                ).first()
                if version is None:
                    raise CommandError(
                        f"Version {options['document_version']} des Strategiepapiers gibt es nicht."
                    )
            progress(f"Strategiepapier „{paper.title}“ als {kind.upper()} …")
            if kind == "pdf":
                content = document_export.document_pdf(paper, version)
            else:
                content = document_export.document_docx(paper, version)
        if output == "-":
            if kind != "json":
                raise CommandError("Nur JSON lässt sich nach stdout schreiben.")
            self.stdout.write(content.decode("utf-8"))
            return
        path = Path(output)
        if not path.parent.exists():
            raise CommandError(f"Das Verzeichnis {path.parent} gibt es nicht.")
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{path} lässt sich nicht schreiben: {exc.strerror}.") from None
        if verbose:
            self.stdout.write(f"Geschrieben: {path} ({len(content):,} Bytes)".replace(",", "."))
