"""Importer for the official municipality directory of the Federal Statistical Office.

Reads the public GV-ISys "Auszug" workbook (XLSX) that Destatis publishes quarterly: one row per
Land (Satzart 10), Regierungsbezirk (20), Region (30), Kreis (40), Gemeindeverband (50) and
Gemeinde (60), with the parts of the regional key in columns C to G, the name in H, area in I,
population in J, postal code in N and the geographic centre in O/P. The reference date is taken
from the title rows above the header ("… am 31.12.2023 …").

The import is all-or-nothing: every row is validated first, and any problem rejects the whole
file with German messages naming the row, the column and the problem. A re-import updates
municipalities by their AGS and never duplicates them; slugs, once given, stay stable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kompass.core.models import LAND_BY_AGS_PREFIX, Municipality, MunicipalityKind
from kompass.core.services import cite_many
from kompass.core.text import german_slug

# Column positions of the GV-ISys Auszug (0-based) and their German headings for messages.
COL_SATZART, COL_TKZ, COL_LAND, COL_RB, COL_KREIS, COL_VB, COL_GEM = range(7)
COL_NAME, COL_AREA, COL_POPULATION = 7, 8, 9
COL_POSTAL_CODE, COL_LONGITUDE, COL_LATITUDE = 13, 14, 15
COLUMN_LABELS = {
    COL_SATZART: "Satzart",
    COL_TKZ: "Textkennzeichen",
    COL_LAND: "Land",
    COL_RB: "RB",
    COL_KREIS: "Kreis",
    COL_VB: "VB",
    COL_GEM: "Gem",
    COL_NAME: "Gemeindename",
    COL_AREA: "Fläche km²",
    COL_POPULATION: "Bevölkerung insgesamt",
    COL_POSTAL_CODE: "Postleitzahl",
    COL_LONGITUDE: "Längengrad",
    COL_LATITUDE: "Breitengrad",
}

#: Textkennzeichen of Satzart 60 (Gemeinde) → our kind; 65/66 are areas without a
#: municipality (gemeindefreie Gebiete) and are not imported.
GEMEINDE_KINDS = {
    "60": MunicipalityKind.MUNICIPALITY,  # Markt
    "61": MunicipalityKind.KREISFREI_CITY,  # Kreisfreie Stadt
    "62": MunicipalityKind.KREISFREI_CITY,  # Stadtkreis (Baden-Württemberg)
    "63": MunicipalityKind.TOWN,  # Stadt
    "64": MunicipalityKind.MUNICIPALITY,  # Gemeinde
    "67": MunicipalityKind.TOWN,  # Große Kreisstadt
}
GEMEINDEFREI = {"65", "66"}
#: Textkennzeichen of Satzart 40 (Kreis) that are districts; 41/42 are kreisfreie Städte,
#: which the file lists again as a Gemeinde.
DISTRICT_TKZ = {"43", "44", "45"}
KREISFREI_TKZ = {"41", "42"}

MAX_REPORTED_ERRORS = 50
DATE_IN_TITLE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
# Germany's extent with a margin; catches swapped or misplaced coordinates.
LATITUDE_RANGE = (Decimal("47.0"), Decimal("55.2"))
LONGITUDE_RANGE = (Decimal("5.8"), Decimal("15.1"))


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Zeile {self.row}" if self.row else "Datei"
        if self.column:
            where += f", Spalte „{self.column}“"
        return f"{where}: {self.message}"


class DirectoryImportError(Exception):
    """The file was rejected; nothing was written."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        lines = [str(error) for error in errors]
        if self.total > len(errors):
            lines.append(f"… und {self.total - len(errors)} weitere Fehler.")
        super().__init__(
            "Die Datei wurde nicht importiert, es wurde nichts geändert:\n" + "\n".join(lines)
        )


@dataclass
class ParsedRow:
    row: int
    kind: str
    ags: str
    name: str
    official_name: str
    area_km2: Decimal | None
    population: int | None
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None
    district_ags: str | None


@dataclass
class ImportReport:
    document: str
    reference_date: dt.date
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        skipped = ", ".join(f"{what}: {count}" for what, count in self.skipped.items())
        return (
            f"{self.document} (Stand {self.reference_date:%d.%m.%Y}): "
            f"{self.created} neu, {self.updated} aktualisiert, {self.unchanged} unverändert"
            + (f"; übersprungen: {skipped}" if skipped else "")
            + "."
        )


Progress = Callable[[int, int], None]


def import_municipalities(
    source: str | Path | BinaryIO,
    *,
    document: str | None = None,
    reference_date: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate a GV-ISys Auszug workbook and upsert its districts and municipalities.

    ``reference_date`` overrides the date read from the title rows. ``progress`` is called
    with (done, total) while rows are written. Raises :class:`DirectoryImportError` with
    row-level German messages; in that case nothing is written.
    """
    if isinstance(source, str | Path):
        if not Path(source).is_file():
            raise DirectoryImportError([RowError(0, "", f"Die Datei {source} gibt es nicht.")])
        document = document or Path(source).name
    document = document or "upload.xlsx"
    rows, title_date = _read_rows(source)
    date = reference_date or title_date
    if date is None:
        raise DirectoryImportError(
            [
                RowError(
                    0,
                    "",
                    "Kein Stichtag gefunden: Die Titelzeilen nennen kein Datum (TT.MM.JJJJ). "
                    "Geben Sie den Stichtag mit --stichtag JJJJ-MM-TT an.",
                )
            ]
        )
    parsed, skipped, errors = _parse_rows(rows)
    if errors:
        raise DirectoryImportError(errors[:MAX_REPORTED_ERRORS], total=len(errors))
    if not parsed:
        raise DirectoryImportError([RowError(0, "", "Die Datei enthält keine Gemeinden.")])
    report = ImportReport(document=document, reference_date=date, skipped=skipped)
    with transaction.atomic():
        _write(parsed, report, progress)
    return report


def _read_rows(
    source: str | Path | BinaryIO,
) -> tuple[Iterator[tuple[int, tuple[Any, ...]]], dt.date | None]:
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise DirectoryImportError(
            [RowError(0, "", f"Die Datei ist keine lesbare XLSX-Arbeitsmappe ({exc}).")]
        ) from None
    sheet = next(
        (
            workbook[name]
            for name in workbook.sheetnames
            if "gemeinden" in name.lower() or "onlineprodukt" in name.lower()
        ),
        workbook.worksheets[0],
    )
    iterator = enumerate(sheet.iter_rows(values_only=True), start=1)
    title_date: dt.date | None = None
    for number, values in iterator:
        first = _heading(values[0]) if values else ""
        if first == "satzart":
            name_heading = _text(values[COL_NAME]) if len(values) > COL_NAME else ""
            if "name" not in _heading(name_heading):
                raise DirectoryImportError(
                    [
                        RowError(
                            number,
                            "H",
                            "Unerwartetes Tabellenlayout: In Spalte H wird der Gemeindename "
                            f"erwartet, gefunden wurde „{name_heading}“.",
                        )
                    ]
                )
            following = next(iterator, None)
            if following is None:
                return iterator, title_date
            _check_coordinate_headings(number, values, following[1])
            return itertools.chain([following], iterator), title_date
        for value in values:
            if title_date is None and isinstance(value, str) and (m := DATE_IN_TITLE.search(value)):
                with contextlib.suppress(ValueError):  # "31.02.2023" is no date
                    title_date = dt.date(int(m[3]), int(m[2]), int(m[1]))
    raise DirectoryImportError(
        [
            RowError(
                0,
                "",
                "Keine Kopfzeile mit „Satzart“ in Spalte A gefunden. Erwartet wird das "
                "GV-ISys-Auszug-Layout des Statistischen Bundesamts.",
            )
        ]
    )


def _parse_rows(
    rows: Iterator[tuple[int, tuple[Any, ...]]],
) -> tuple[list[ParsedRow], dict[str, int], list[RowError]]:
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    skipped: dict[str, int] = {}
    district_keys: set[str] = set()
    kreisfrei_keys: set[str] = set()
    seen_ags: dict[str, int] = {}
    for number, raw in rows:
        values = tuple(raw) + (None,) * (20 - len(raw))
        satzart = _text(values[COL_SATZART])
        if not satzart or not satzart.isdigit():
            # Header continuation rows, footnotes and blank rows carry no Satzart.
            continue
        if [_text(v) for v in values[:3]] == ["1", "2", "3"]:
            continue  # the row numbering the columns below the header
        if satzart not in {"10", "20", "30", "40", "50", "60"}:
            errors.append(RowError(number, "Satzart", f"Unbekannte Satzart „{satzart}“."))
            continue
        if satzart not in {"40", "60"}:
            continue
        problems: list[RowError] = []

        def fail(
            column: int, message: str, number: int = number, problems: list[RowError] = problems
        ) -> None:
            problems.append(RowError(number, COLUMN_LABELS[column], message))

        tkz = _text(values[COL_TKZ])
        land = _digits(values[COL_LAND], 2, COL_LAND, fail)
        rb = _digits(values[COL_RB], 1, COL_RB, fail)
        kreis = _digits(values[COL_KREIS], 2, COL_KREIS, fail)
        name_raw = _text(values[COL_NAME])
        if not name_raw:
            fail(COL_NAME, "Der Name fehlt.")
        if land and land not in LAND_BY_AGS_PREFIX:
            fail(COL_LAND, f"„{land}“ ist kein Landesschlüssel (01 bis 16).")
        if satzart == "40":
            if tkz in KREISFREI_TKZ:
                kreisfrei_keys.add(f"{land}{rb}{kreis}")
                continue
            if tkz not in DISTRICT_TKZ:
                fail(COL_TKZ, f"Unbekanntes Textkennzeichen „{tkz}“ für einen Kreis.")
            ags = f"{land}{rb}{kreis}"
            kind = MunicipalityKind.DISTRICT
            district_ags = None
        else:
            if tkz in GEMEINDEFREI:
                skipped["gemeindefreie Gebiete"] = skipped.get("gemeindefreie Gebiete", 0) + 1
                continue
            gem = _digits(values[COL_GEM], 3, COL_GEM, fail)
            if tkz not in GEMEINDE_KINDS:
                fail(COL_TKZ, f"Unbekanntes Textkennzeichen „{tkz}“ für eine Gemeinde.")
            kind = GEMEINDE_KINDS.get(tkz, MunicipalityKind.MUNICIPALITY)
            ags = f"{land}{rb}{kreis}{gem}"
            district_ags = None if kind == MunicipalityKind.KREISFREI_CITY else f"{land}{rb}{kreis}"
        area = _decimal(values[COL_AREA], COL_AREA, fail, places=2)
        population = _integer(values[COL_POPULATION], COL_POPULATION, fail)
        postal_code = _text(values[COL_POSTAL_CODE])
        if isinstance(values[COL_POSTAL_CODE], int | float):
            postal_code = f"{int(values[COL_POSTAL_CODE]):05d}"
        if postal_code and not re.fullmatch(r"\d{5}", postal_code):
            fail(COL_POSTAL_CODE, f"„{postal_code}“ ist keine fünfstellige Postleitzahl.")
        longitude, latitude = _coordinates(values, fail)
        if not problems and ags in seen_ags:
            fail(COL_GEM, f"Der Schlüssel {ags} steht schon in Zeile {seen_ags[ags]}.")
        if problems:
            errors.extend(problems)
            continue
        seen_ags[ags] = number
        if kind == MunicipalityKind.DISTRICT:
            district_keys.add(ags)
        name, _, _title = name_raw.partition(",")
        parsed.append(
            ParsedRow(
                row=number,
                kind=kind,
                ags=ags,
                name=name.strip(),
                official_name=name_raw,
                area_km2=area,
                population=population,
                postal_code=postal_code,
                latitude=latitude,
                longitude=longitude,
                district_ags=district_ags,
            )
        )
    for row in parsed:
        if row.district_ags and row.district_ags not in district_keys:
            if row.district_ags in kreisfrei_keys:
                errors.append(
                    RowError(
                        row.row,
                        "Textkennzeichen",
                        f"Der Kreis {row.district_ags} ist eine kreisfreie Stadt, die Gemeinde "
                        "ist aber nicht als kreisfreie Stadt (61/62) gekennzeichnet.",
                    )
                )
            elif not Municipality.objects.filter(
                ags=row.district_ags, kind=MunicipalityKind.DISTRICT
            ).exists():
                errors.append(
                    RowError(
                        row.row,
                        "Kreis",
                        f"Der Landkreis {row.district_ags} steht weder in der Datei noch in "
                        "der Datenbank.",
                    )
                )
    errors.sort(key=lambda error: error.row)
    return parsed, skipped, errors


def _write(parsed: list[ParsedRow], report: ImportReport, progress: Progress | None) -> None:
    existing = {m.ags: m for m in Municipality.objects.filter(ags__in=[r.ags for r in parsed])}
    taken_slugs = set(Municipality.objects.values_list("slug", flat=True))
    # Districts first, so that municipalities can point at them.
    ordered = sorted(parsed, key=lambda r: r.kind != MunicipalityKind.DISTRICT)
    districts: dict[str, Municipality] = {
        m.ags: m
        for m in Municipality.objects.filter(
            kind=MunicipalityKind.DISTRICT,
            ags__in={r.district_ags for r in parsed if r.district_ags},
        )
        if m.ags
    }
    fields = [
        "name",
        "official_name",
        "land",
        "kind",
        "district",
        "population",
        "population_date",
        "area_km2",
        "latitude",
        "longitude",
        "postal_code",
    ]
    unkeyed = {
        (m.name, m.land): m
        for m in Municipality.objects.filter(
            ags__isnull=True,
            kind__in=[MunicipalityKind.TOWN, MunicipalityKind.KREISFREI_CITY],
        )
    }
    cited: list[tuple[Municipality, int]] = []
    total = len(ordered)
    for done, row in enumerate(ordered, start=1):
        values = {
            "name": row.name,
            "official_name": row.official_name,
            "land": LAND_BY_AGS_PREFIX[row.ags[:2]],
            "kind": row.kind,
            "district": districts.get(row.district_ags) if row.district_ags else None,
            "population": row.population,
            "population_date": report.reference_date if row.population is not None else None,
            "area_km2": row.area_km2,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "postal_code": row.postal_code,
        }
        municipality = existing.get(row.ags)
        if municipality is None and row.kind != MunicipalityKind.DISTRICT:
            # A town known before without its key (e.g. from an atlas profile) gets it now.
            municipality = unkeyed.pop((row.name, values["land"]), None)
            if municipality is not None:
                municipality.ags = row.ags
                municipality.save(update_fields=["ags"])
        if municipality is None:
            municipality = Municipality(ags=row.ags, slug=_free_slug(row, taken_slugs), **values)
            municipality.save()
            taken_slugs.add(municipality.slug)
            report.created += 1
        else:
            changed = [name for name in fields if getattr(municipality, name) != values[name]]
            if changed:
                for name in changed:
                    setattr(municipality, name, values[name])
                municipality.save(update_fields=[*changed, "updated_at"])
                report.updated += 1
            else:
                report.unchanged += 1
        if row.kind == MunicipalityKind.DISTRICT:
            districts[row.ags] = municipality
        cited.append((municipality, row.row))
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    cite_many(cited, document=report.document, reference_date=report.reference_date)


def _free_slug(row: ParsedRow, taken: set[str]) -> str:
    base = german_slug(row.name) or row.ags
    if row.kind == MunicipalityKind.DISTRICT and not base.startswith(("landkreis-", "kreis-")):
        base = f"landkreis-{base}"
    return base if base not in taken else f"{base}-{row.ags}"


def _coordinates(
    values: tuple[Any, ...], fail: Callable[[int, str], None]
) -> tuple[Decimal | None, Decimal | None]:
    """Longitude and latitude of the geographic centre, in degrees (German decimal commas in
    the published file), both or neither, inside Germany's extent."""
    longitude = _decimal(values[COL_LONGITUDE], COL_LONGITUDE, fail, places=6)
    latitude = _decimal(values[COL_LATITUDE], COL_LATITUDE, fail, places=6)
    checks = [
        (COL_LONGITUDE, longitude, LONGITUDE_RANGE, "Längengrad", "Ost", LATITUDE_RANGE),
        (COL_LATITUDE, latitude, LATITUDE_RANGE, "Breitengrad", "Nord", LONGITUDE_RANGE),
    ]
    problem = False
    for column, number, (low, high), label, direction, other in checks:
        if number is None or low <= number <= high:
            continue
        problem = True
        message = (
            f"„{_text(values[column])}“ liegt nicht in Deutschland: erwartet wird ein {label} "
            f"zwischen {_german(low)} und {_german(high)} Grad {direction}."
        )
        if other[0] <= number <= other[1]:
            message += " Sind Längen- und Breitengrad vertauscht?"
        fail(column, message)
    empty = [_text(values[column]) == "" for column in (COL_LONGITUDE, COL_LATITUDE)]
    if not problem and empty[0] != empty[1]:
        given, missing = (
            (COL_LONGITUDE, COL_LATITUDE) if empty[1] else (COL_LATITUDE, COL_LONGITUDE)
        )
        fail(
            missing,
            f"Der {COLUMN_LABELS[missing]} fehlt, der {COLUMN_LABELS[given]} ist angegeben: "
            "Es werden beide oder keiner erwartet.",
        )
    if problem:
        return None, None
    return longitude, latitude


def _german(number: Decimal) -> str:
    """A decimal in German notation: Decimal("55.2") → "55,2"."""
    return str(number.normalize()).replace(".", ",")


def _check_coordinate_headings(
    number: int, header: tuple[Any, ...], below: tuple[Any, ...]
) -> None:
    """Reject a layout whose columns O and P are headed by something other than Längengrad
    and Breitengrad (the GV-ISys Auszug puts them in the row below "Geografische
    Mittelpunktkoordinaten"); unlabelled columns are accepted."""
    for column, letter, word in (
        (COL_LONGITUDE, "O", "Längengrad"),
        (COL_LATITUDE, "P", "Breitengrad"),
    ):
        found = " ".join(
            _text(row[column])
            for row in (header, below)
            if len(row) > column and _text(row[column])
        )
        if found and word.lower() not in _heading(found):
            raise DirectoryImportError(
                [
                    RowError(
                        number,
                        letter,
                        f"Unerwartetes Tabellenlayout: In Spalte {letter} wird der {word} "
                        f"erwartet, gefunden wurde „{found}“.",
                    )
                ]
            )


def _heading(value: Any) -> str:
    """A heading cell folded for comparison: "Satz-\nart" → "satzart"."""
    return re.sub(r"[\s\-]", "", _text(value)).lower()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _digits(value: Any, width: int, column: int, fail: Callable[[int, str], None]) -> str:
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit():
        text = text.zfill(width)
    if not re.fullmatch(rf"\d{{{width}}}", text):
        fail(column, f"„{text}“ ist kein {width}-stelliger Schlüsselteil.")
        return ""
    return text


def _decimal(
    value: Any, column: int, fail: Callable[[int, str], None], *, places: int
) -> Decimal | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = _text(value).replace(" ", "")
        if "," in text:  # German notation: 1.234,56
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            fail(column, f"„{_text(value)}“ ist keine Zahl.")
            return None
    if not number.is_finite():
        fail(column, f"„{_text(value)}“ ist keine Zahl.")
        return None
    if column == COL_AREA and number < 0:
        fail(column, f"Die Fläche darf nicht negativ sein ({number}).")
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _integer(value: Any, column: int, fail: Callable[[int, str], None]) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        fail(column, f"„{value}“ ist keine ganze Zahl.")
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value).replace(".", "").replace(" ", "")
        if not text.isdigit():
            fail(column, f"„{_text(value)}“ ist keine ganze Zahl.")
            return None
        number = int(text)
    if number < 0:
        fail(column, f"Die Einwohnerzahl darf nicht negativ sein ({number}).")
        return None
    return number
