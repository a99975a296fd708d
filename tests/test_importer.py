"""The Destatis GV-ISys importer: real XLSX files, upserts by AGS, all-or-nothing errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kompass.core.importers import DirectoryImportError, import_municipalities
from kompass.core.models import Municipality, MunicipalityKind, Source
from kompass.core.services import sources_of
from tests.gv_isys import SAMPLE_ROWS, write_workbook

pytestmark = pytest.mark.django_db


def test_sample_is_imported_with_kinds_districts_and_provenance(sample_directory: Path) -> None:
    report = import_municipalities(sample_directory)
    assert (report.created, report.updated, report.unchanged) == (8, 0, 0)
    assert report.skipped == {"gemeindefreie Gebiete": 1}
    assert report.reference_date == dt.date(2023, 12, 31)

    musterstadt = Municipality.objects.get(ags="01099001")
    assert musterstadt.name == "Musterstadt"
    assert musterstadt.official_name == "Musterstadt, Stadt"
    assert musterstadt.kind == MunicipalityKind.TOWN
    assert musterstadt.land == "SH"
    assert musterstadt.population == 42_318
    assert musterstadt.population_date == dt.date(2023, 12, 31)
    assert musterstadt.area_km2 == Decimal("61.07")
    assert musterstadt.latitude == Decimal("54.123456")
    assert musterstadt.longitude == Decimal("10.123456")
    assert musterstadt.postal_code == "24990"
    assert musterstadt.size_class == "medium_town"
    assert musterstadt.district is not None and musterstadt.district.ags == "01099"
    assert musterstadt.district.kind == MunicipalityKind.DISTRICT

    modellstadt = Municipality.objects.get(ags="01098000")
    assert modellstadt.kind == MunicipalityKind.KREISFREI_CITY
    assert modellstadt.district is None
    assert Municipality.objects.get(ags="01099004").kind == MunicipalityKind.TOWN  # Gr. Kreisstadt
    assert not Municipality.objects.filter(name__startswith="Forst").exists()

    (source,) = sources_of(musterstadt)
    assert source.document == sample_directory.name
    assert source.line_start == source.line_end == 13  # the row in the sheet
    assert source.reference_date == dt.date(2023, 12, 31)


def test_same_name_gets_distinct_stable_slugs(sample_directory: Path) -> None:
    import_municipalities(sample_directory)
    assert Municipality.objects.get(ags="01099001").slug == "musterstadt"
    assert Municipality.objects.get(ags="03999001").slug == "musterstadt-03999001"
    assert Municipality.objects.get(ags="03999").slug == "landkreis-probeland"
    assert Municipality.objects.get(ags="01099").slug == "landkreis-musterkreis"


def test_reimport_updates_and_never_duplicates(sample_directory: Path, tmp_path: Path) -> None:
    import_municipalities(sample_directory)
    rows = [list(row) for row in SAMPLE_ROWS]
    musterstadt = next(
        row for row in rows if row[0] == "60" and row[2] == "01" and row[7] == "Musterstadt, Stadt"
    )
    musterstadt[9] = 43_001
    newer = write_workbook(
        tmp_path / "auszug-2024.xlsx",
        rows,
        title="Alle politisch selbständigen Gemeinden am 31.12.2024",
    )
    report = import_municipalities(newer)
    assert (report.created, report.updated) == (0, 6)  # the six with inhabitants: new date
    assert Municipality.objects.count() == 8
    municipality = Municipality.objects.get(ags="01099001")
    assert municipality.population == 43_001
    assert municipality.population_date == dt.date(2024, 12, 31)
    assert municipality.slug == "musterstadt"
    assert {s.document for s in sources_of(municipality)} == {
        sample_directory.name,
        "auszug-2024.xlsx",
    }
    again = import_municipalities(newer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 8)
    assert Source.objects.filter(document="auszug-2024.xlsx").count() == 8


def test_malformed_file_is_rejected_whole_with_row_level_errors(
    sample_directory: Path, tmp_path: Path
) -> None:
    import_municipalities(sample_directory)
    before = list(Municipality.objects.values_list("ags", "population").order_by("ags"))
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[3][9] = 999_999  # a valid change that must not land
    rows[6][9] = "viele"  # Musterstadt: population not a number
    rows[8][15] = "99,1"  # Beispieldorf: latitude outside Germany
    rows[9][2] = "17"  # Probehausen: no such Land
    bad = write_workbook(tmp_path / "kaputt.xlsx", rows)
    with pytest.raises(DirectoryImportError) as caught:
        import_municipalities(bad)
    messages = [str(error) for error in caught.value.errors]
    assert messages == [
        "Zeile 13, Spalte „Bevölkerung insgesamt“: „viele“ ist keine ganze Zahl.",
        "Zeile 15, Spalte „Breitengrad“: „99,1“ liegt nicht in Deutschland: erwartet wird ein "
        "Breitengrad zwischen 47 und 55,2 Grad Nord.",
        "Zeile 16, Spalte „Land“: „17“ ist kein Landesschlüssel (01 bis 16).",
    ]
    assert "nichts geändert" in str(caught.value)
    after = list(Municipality.objects.values_list("ags", "population").order_by("ags"))
    assert after == before


def test_duplicate_keys_and_unknown_district_are_errors(tmp_path: Path) -> None:
    rows = [list(row) for row in SAMPLE_ROWS]
    rows.append(list(rows[6]))  # Musterstadt twice
    rows.append(["60", "64", "01", "0", "97", "0001", "001", "Irgendwo", "1", 10])
    path = write_workbook(tmp_path / "doppelt.xlsx", rows)
    with pytest.raises(DirectoryImportError) as caught:
        import_municipalities(path)
    text = str(caught.value)
    assert "Der Schlüssel 01099001 steht schon in Zeile 13." in text
    assert "Der Landkreis 01097 steht weder in der Datei noch in der Datenbank." in text
    assert Municipality.objects.count() == 0


def test_missing_reference_date_needs_the_option(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "ohne-datum.xlsx", title=None)
    with pytest.raises(DirectoryImportError, match="Kein Stichtag gefunden"):
        import_municipalities(path)
    report = import_municipalities(path, reference_date=dt.date(2022, 6, 30))
    assert report.reference_date == dt.date(2022, 6, 30)
    assert Municipality.objects.get(ags="01099001").population_date == dt.date(2022, 6, 30)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"AGS;Name\n01001000;Flensburg\n", "keine lesbare XLSX-Arbeitsmappe"),
        (None, "Keine Kopfzeile mit „Satzart“"),
    ],
)
def test_files_of_another_shape_are_rejected(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "andere.xlsx"
    if content is None:
        write_workbook(path, header=False)
    else:
        path.write_bytes(content)
    with pytest.raises(DirectoryImportError, match=message):
        import_municipalities(path)


def test_command_reports_success_and_errors(
    sample_directory: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_municipalities", str(sample_directory))
    assert "8 neu, 0 aktualisiert, 0 unverändert" in capsys.readouterr().out
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("import_municipalities", str(tmp_path / "fehlt.xlsx"))
    with pytest.raises(CommandError, match="kein Datum"):
        call_command("import_municipalities", str(sample_directory), "--stichtag", "31.12.2023")


def test_town_known_without_key_is_completed_not_duplicated(sample_directory: Path) -> None:
    """A town that came from an atlas profile (no AGS) receives its key on import."""
    known = Municipality.objects.create(
        name="Vorbildingen", slug="vorbildingen-atlas", land="SH", kind=MunicipalityKind.TOWN
    )
    report = import_municipalities(sample_directory)
    assert report.created == 7
    known.refresh_from_db()
    assert known.ags == "01099004"
    assert known.slug == "vorbildingen-atlas"
    assert known.population == 19_999
    assert Municipality.objects.filter(name="Vorbildingen").count() == 1


def test_coordinates_are_read_with_german_decimal_commas(
    sample_directory: Path, tmp_path: Path
) -> None:
    import_municipalities(sample_directory)
    located = dict(
        Municipality.objects.exclude(kind=MunicipalityKind.DISTRICT).values_list("ags", "longitude")
    )
    assert located == {
        "01098000": Decimal("9.812345"),
        "01099001": Decimal("10.123456"),
        "01099002": Decimal("10.234567"),
        "01099003": Decimal("10.345678"),
        "01099004": Decimal("10.456789"),
        "03999001": Decimal("8.123456"),
    }
    assert Municipality.objects.get(ags="03999001").latitude == Decimal("52.123456")
    # Kreis rows carry no centre in the Auszug.
    assert not Municipality.objects.filter(
        kind=MunicipalityKind.DISTRICT, latitude__isnull=False
    ).exists()

    # Cells typed as numbers, decimal points and a later change are read too; a re-import
    # with new coordinates updates them.
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[6][14], rows[6][15] = 10.5, "54.25"
    report = import_municipalities(write_workbook(tmp_path / "neu.xlsx", rows))
    assert report.updated == 1 and report.unchanged == 7
    musterstadt = Municipality.objects.get(ags="01099001")
    assert (musterstadt.longitude, musterstadt.latitude) == (Decimal("10.5"), Decimal("54.25"))


@pytest.mark.parametrize(
    ("longitude", "latitude", "messages"),
    [
        ("zehn", "54,1", ["Zeile 13, Spalte „Längengrad“: „zehn“ ist keine Zahl."]),
        (
            "-10,1",
            "54,1",
            [
                "Zeile 13, Spalte „Längengrad“: „-10,1“ liegt nicht in Deutschland: erwartet "
                "wird ein Längengrad zwischen 5,8 und 15,1 Grad Ost."
            ],
        ),
        (
            "54,1",
            "10,1",
            [
                "Zeile 13, Spalte „Längengrad“: „54,1“ liegt nicht in Deutschland: erwartet "
                "wird ein Längengrad zwischen 5,8 und 15,1 Grad Ost. Sind Längen- und "
                "Breitengrad vertauscht?",
                "Zeile 13, Spalte „Breitengrad“: „10,1“ liegt nicht in Deutschland: erwartet "
                "wird ein Breitengrad zwischen 47 und 55,2 Grad Nord. Sind Längen- und "
                "Breitengrad vertauscht?",
            ],
        ),
        (
            "10,1",
            None,
            [
                "Zeile 13, Spalte „Breitengrad“: Der Breitengrad fehlt, der Längengrad ist "
                "angegeben: Es werden beide oder keiner erwartet."
            ],
        ),
    ],
)
def test_bad_coordinates_name_row_and_column_and_nothing_is_written(
    tmp_path: Path, longitude: str | None, latitude: str | None, messages: list[str]
) -> None:
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[6][14], rows[6][15] = longitude, latitude  # Musterstadt, sheet row 13
    with pytest.raises(DirectoryImportError) as caught:
        import_municipalities(write_workbook(tmp_path / "koordinaten.xlsx", rows))
    assert [str(error) for error in caught.value.errors] == messages
    assert Municipality.objects.count() == 0


def test_columns_o_and_p_must_be_the_coordinates(tmp_path: Path) -> None:
    """A layout whose columns O/P are something else is refused, not read as coordinates."""
    from tests.gv_isys import HEADER_SUB

    header = list(HEADER_SUB)
    header[14], header[15] = "Schlüssel", "Bezeichnung"
    path = write_workbook(tmp_path / "anders.xlsx", header_sub=header)
    with pytest.raises(DirectoryImportError) as caught:
        import_municipalities(path)
    assert str(caught.value.errors[0]) == (
        "Zeile 4, Spalte „O“: Unerwartetes Tabellenlayout: In Spalte O wird der Längengrad "
        "erwartet, gefunden wurde „Geografische Mittelpunktkoordinaten 4) Schlüssel“."
    )
    assert Municipality.objects.count() == 0
