"""Shipped datasets (``kompass/data/``), derived from the studies, with provenance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.core.models import FieldOfAction, FieldOfActionMapping, Vocabulary
from kompass.core.services import cite
from kompass.core.yamlfiles import read_yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FIELDS_FILE = DATA_DIR / "fields_of_action.yaml"

Progress = Callable[[int, int], None]


def database_is_empty() -> bool:
    """True before the first load: no field of action exists yet."""
    return not FieldOfAction.objects.exists()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _lines(value: Any) -> tuple[int, int] | None:
    if not value:
        return None
    start, end = value
    return int(start), int(end)


def load_fields_of_action(
    path: Path = FIELDS_FILE, progress: Progress | None = None
) -> dict[str, int]:
    """Create or update the ten fields of action and the vocabularies mapped onto them.

    Idempotent: loading twice changes nothing; terms dropped from the file are removed.
    """
    data = read_yaml(path)
    fields = data["fields"]
    if [entry["slug"] for entry in fields] != list(FIELD_SLUGS):
        raise ValueError(f"{path.name}: die zehn Handlungsfelder weichen vom Vertrag ab.")
    vocabularies = data.get("vocabularies", [])
    total = len(fields) + sum(len(v["terms"]) for v in vocabularies)
    done = 0
    counts = {"fields": 0, "vocabularies": 0, "terms": 0}
    with transaction.atomic():
        by_slug: dict[str, FieldOfAction] = {}
        for position, entry in enumerate(fields):
            field, _ = FieldOfAction.objects.update_or_create(
                slug=entry["slug"],
                defaults={
                    "name": entry["name"],
                    "description": entry.get("description", "").strip(),
                    "position": position,
                },
            )
            by_slug[field.slug] = field
            _cite(field, entry.get("source"))
            counts["fields"] += 1
            done += 1
            if progress:
                progress(done, total)
        for entry in vocabularies:
            vocabulary, _ = Vocabulary.objects.update_or_create(
                slug=entry["slug"], defaults={"name": entry["name"]}
            )
            _cite(vocabulary, entry.get("source"))
            counts["vocabularies"] += 1
            kept = []
            for position, term in enumerate(entry["terms"]):
                unknown = set(term.get("fields", [])) - set(by_slug)
                if unknown:
                    raise ValueError(
                        f"{path.name}: Begriff „{term['term']}“ in {entry['slug']} nennt "
                        f"unbekannte Handlungsfelder: {', '.join(sorted(unknown))}"
                    )
                mapping, _ = FieldOfActionMapping.objects.update_or_create(
                    vocabulary=vocabulary,
                    term=term["term"],
                    defaults={
                        "position": position,
                        "inferred": bool(term.get("inferred", True)),
                        "note": term.get("note", "") or "",
                    },
                )
                mapping.fields.set([by_slug[slug] for slug in term.get("fields", [])])
                source = entry.get("source") or {}
                _cite(
                    mapping,
                    {
                        "document": source.get("document", ""),
                        "lines": term.get("lines"),
                        "reference_date": source.get("reference_date"),
                        "note": term.get("note", ""),
                    },
                    inferred=bool(term.get("inferred", True)),
                )
                kept.append(mapping.pk)
                counts["terms"] += 1
                done += 1
                if progress:
                    progress(done, total)
            vocabulary.terms.exclude(pk__in=kept).delete()
    return counts


def _cite(record: Any, source: dict[str, Any] | None, *, inferred: bool = False) -> None:
    if not source or not source.get("document"):
        return
    cite(
        record,
        document=source["document"],
        lines=_lines(source.get("lines")),
        reference_date=_date(source.get("reference_date")),
        inferred=inferred,
        note=source.get("note", "") or "",
    )
