"""Loads the shipped practice examples (``kompass/data/practice_examples/*.yaml``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction

from kompass.atlas.models import PracticeExample
from kompass.core.models import FieldOfAction, Municipality, MunicipalityKind
from kompass.core.services import cite, municipality_from_study
from kompass.core.yamlfiles import read_yaml

FOLDER = Path(__file__).resolve().parent.parent / "data" / "practice_examples"
#: Kinds that are one municipality of the directory; regions and alliances are not.
MUNICIPAL_KINDS = {k.value for k in MunicipalityKind}


def _municipality(example: dict[str, Any], document: str) -> Municipality | None:
    if example["kind"] not in MUNICIPAL_KINDS:
        return None
    return municipality_from_study(
        name=example["municipality"],
        land=example["land"],
        kind=example["kind"],
        population=example.get("population"),
        population_date=_date(example.get("population_date")),
        document=document,
        lines=tuple(example.get("population_lines") or example["lines"]),
        note="Aus einem Praxisbeispiel der Studie; Art und Land sind teils erschlossen.",
        inferred=bool(example.get("land_inferred")),
    )


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def load_practice_examples(folder: Path = FOLDER) -> int:
    """Create or update every shipped practice example; returns how many there are."""
    fields = {f.slug: f for f in FieldOfAction.objects.all()}
    count = 0
    with transaction.atomic():
        for path in sorted(folder.glob("*.yaml")):
            data = read_yaml(path)
            reference_date = dt.date.fromisoformat(str(data["reference_date"]))
            for example in data["examples"]:
                record, _ = PracticeExample.objects.update_or_create(
                    slug=f"{path.stem[:3]}-{example['slug']}",
                    defaults={
                        "document": data["document"],
                        "reference_date": reference_date,
                        "municipality": _municipality(example, data["document"]),
                        "place": example["municipality"],
                        "land": example["land"],
                        "kind": example["kind"],
                        "population": example.get("population"),
                        "population_date": _date(example.get("population_date")),
                        "title": example["title"],
                        "year": int(example["year"]) if example.get("year") else None,
                        "summary": example["summary"].strip(),
                        "topics": example.get("topics", []),
                        "notes": (example.get("notes") or "").strip(),
                    },
                )
                record.fields.set([fields[slug] for slug in example["fields"]])
                cite(
                    record,
                    document=data["document"],
                    lines=tuple(example["lines"]),
                    reference_date=reference_date,
                )
                cite(
                    record,
                    attribute="land",
                    document=data["document"],
                    lines=tuple(example["lines"]),
                    reference_date=reference_date,
                    inferred=bool(example.get("land_inferred")),
                )
                count += 1
    return count
