"""Digitalcheck submissions as a survey dataset: frame, CSV, XLSX and SPSS, read back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from kompass.digitalcheck.exports import (
    NO_ANSWER_CODE,
    NOT_ASKED,
    NOT_ASKED_CODE,
    spss_name,
    submissions_frame,
    to_csv,
    to_sav,
    to_xlsx,
    variables,
)
from kompass.questionnaires.definition import Questionnaire, load_definition

REPO = Path(__file__).resolve().parent.parent
DIGITALCHECK = REPO / "src" / "kompass" / "data" / "questionnaires" / "digitalcheck-v1.yaml"
SAMPLE = Path(__file__).parent / "data" / "questionnaires" / "sample-v1.yaml"
SPSS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@pytest.fixture(scope="module")
def definition() -> Questionnaire:
    return load_definition(DIGITALCHECK)


@pytest.fixture(scope="module")
def sample() -> Questionnaire:
    """The engine's test questionnaire: it has number, text and scale items."""
    return load_definition(SAMPLE)


def _rows() -> list[dict[str, Any]]:
    musterstadt = {
        "strategy_stage": "in_progress",
        "strategy_components": ["status_quo", "goals", "measures"],
        "strategy_alignment": "dont_know",
        "digital_lead": "it_department",
        "digital_budget": "keine_angabe",
        "funding_sources": ["land", "federal"],
        "online_services": "dont_know",
        "broadband_rating": 2,
        "public_wifi": "yes",
        "data_inventory": "low",
        "challenges": "keine_angabe",
    }
    return [
        {
            "id": 17,
            "created_at": "2026-11-22T10:00:00+01:00",
            "municipality": "Musterstadt",
            "ags": "05334002",
            "land": "NW",
            "population": 23000,
            "size_class": "medium_town",
            "status": "submitted",
            "answers": musterstadt,
            "scores": {"strategy": 40.5, "organisation": 26.0, "data": None},
            "level": 3,
            "type": "ambitious_large_municipalities",
        },
        {
            "id": 18,
            "created_at": "2026-11-23T08:30:00+00:00",
            "municipality": None,
            "ags": None,
            "land": None,
            "population": 4200,
            "size_class": "rural_municipality",
            "status": "draft",
            "answers": {"strategy_stage": "none", "public_wifi": "no"},
            "scores": {},
            "level": None,
            "type": None,
        },
    ]


@pytest.fixture
def frame(definition: Questionnaire) -> pd.DataFrame:
    return submissions_frame(definition, _rows())


def _sample_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": "a",
            "created_at": "2026-01-05T09:00:00+01:00",
            "municipality": "Beispieldorf",
            "ags": "09162000",
            "land": "BY",
            "population": 1800,
            "size_class": "rural_municipality",
            "status": "submitted",
            "answers": {
                "strategy_stage": "implementing",
                "strategy_published": "yes",
                "strategy_link": '=HYPERLINK("http://example.org")',
                "maturity": 4,
                "budget": "keine_angabe",
                "staff": 2.5,
                "remarks": "Erste Zeile;\nzweite Zeile, mit Komma",
            },
            "scores": {"strategy": 100.0, "resources": 75.0},
            "level": 5,
            "type": "small_digital_pioneers",
        },
        {
            "id": "b",
            "created_at": "2026-01-06T12:00:00+01:00",
            "municipality": None,
            "ags": None,
            "land": None,
            "population": None,
            "size_class": None,
            "status": "submitted",
            "answers": {"strategy_stage": "none", "maturity": 2, "remarks": "keine_angabe"},
            "scores": {"strategy": 0.0},
            "level": 1,
            "type": "digital_refusers",
        },
    ]


# --- Names and the frame ----------------------------------------------------------------------
def test_spss_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert spss_name("strategy_stage", taken) == "strategy_stage"
    assert spss_name("Strategy_Stage", taken) == "Strategy_Stage_2"  # SPSS ignores case
    assert spss_name("9lives", taken) == "v9lives"
    assert spss_name("all", taken) == "all_v"  # reserved word
    assert spss_name("ends_with_", taken) == "ends_with"
    long = "x" * 70
    first, second = spss_name(long, taken), spss_name(long, taken)
    assert len(first) == 64 and len(second) == 64 and first != second
    assert all(SPSS_NAME.match(name) for name in taken)


def test_every_column_name_is_a_valid_spss_name(definition: Questionnaire) -> None:
    names = [v.name for v in variables(definition)]
    assert all(SPSS_NAME.match(name) for name in names), names
    assert len({name.lower() for name in names}) == len(names)
    assert names[:8] == [
        "id",
        "created_at",
        "municipality",
        "ags",
        "land",
        "population",
        "size_class",
        "status",
    ]
    assert "strategy_components__responsibilities" in names
    assert names[-10:] == [
        "score_strategy",
        "score_organisation",
        "score_administration",
        "score_data",
        "score_skills",
        "score_infrastructure",
        "score_fields",
        "score_cooperation",
        "level",
        "type",
    ]


def test_names_that_clash_or_break_spss_rules_are_changed(sample: Questionnaire) -> None:
    data = sample.to_dict()
    first = data["sections"][0]["items"]
    first.insert(0, {"id": "all", "type": "yes_no", "text": "A?", "source": first[0]["source"]})
    first.insert(0, {"id": "status", "type": "yes_no", "text": "B?", "source": first[0]["source"]})
    first.insert(0, {"id": "9lives", "type": "yes_no", "text": "C?", "source": first[0]["source"]})
    names = [v.name for v in variables(load_definition(data))]
    assert {"status", "status_2", "all_v", "v9lives"} <= set(names)
    assert len({name.lower() for name in names}) == len(names)


def test_frame_codes_answers_by_type(frame: pd.DataFrame) -> None:
    first, second = frame.iloc[0], frame.iloc[1]
    assert list(frame["id"]) == ["17", "18"]
    assert str(first["created_at"]) == "2026-11-22 10:00:00+01:00"
    assert str(second["created_at"]) == "2026-11-23 09:30:00+01:00"  # Berlin time
    assert first["ags"] == "05334002"  # leading zero kept
    assert pd.isna(second["municipality"]) and pd.isna(second["land"])
    # single choice: categorical of the option values
    assert isinstance(frame["strategy_stage"].dtype, pd.CategoricalDtype)
    assert list(frame["strategy_stage"]) == ["in_progress", "none"]
    assert list(frame["strategy_stage"].cat.categories)[:4] == [
        "implementing",
        "in_progress",
        "planned",
        "none",
    ]
    assert first["online_services"] == "dont_know"
    # multiple choice: one 0/1 column per option; hidden by the skip logic: -8
    assert first["strategy_components__goals"] == 1
    assert first["strategy_components__monitoring"] == 0
    assert second["strategy_components__goals"] == NOT_ASKED_CODE
    assert second["strategy_anchoring__published"] == NOT_ASKED_CODE
    assert first["strategy_anchoring__published"] == NOT_ASKED_CODE  # only for "implementing"
    assert first["funding_sources__federal"] == 1 and first["funding_sources__eu"] == 0
    assert first["challenges__finances"] == NO_ANSWER_CODE  # "keine Angabe" as a whole
    assert pd.isna(second["funding_sources__land"])  # not answered (a draft)
    # yes/no: 1/0/8, "keine Angabe" -9, hidden -8
    assert first["public_wifi"] == 1 and second["public_wifi"] == 0
    assert first["strategy_alignment"] == 8
    assert second["strategy_alignment"] == NOT_ASKED_CODE
    assert first["digital_budget"] == NO_ANSWER_CODE
    assert second["strategy_stage"] != NOT_ASKED
    # scale
    assert first["broadband_rating"] == 2 and pd.isna(second["broadband_rating"])
    # scores, level, type
    assert first["score_strategy"] == 40.5 and pd.isna(first["score_data"])
    assert pd.isna(second["score_strategy"])
    assert first["level"] == 3 and pd.isna(second["level"])
    assert first["type"] == "ambitious_large_municipalities" and pd.isna(second["type"])
    assert first["size_class"] == "medium_town" and first["population"] == 23000


def test_frame_handles_numbers_and_texts(sample: Questionnaire) -> None:
    frame = submissions_frame(sample, _sample_rows())
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["budget"] == NO_ANSWER_CODE and str(frame["budget"].dtype) == "Int64"
    assert first["staff"] == 2.5 and str(frame["staff"].dtype) == "Float64"
    assert first["maturity"] == 4
    assert first["strategy_link"].startswith("=HYPERLINK")
    assert second["strategy_link"] == str(NOT_ASKED_CODE)  # hidden text item
    assert second["remarks"] == str(NO_ANSWER_CODE)
    assert second["budget"] == NOT_ASKED_CODE  # hidden: no strategy, maturity 2
    assert second["strategy_stage"] == "none"
    assert first["strategy_stage"] == "implementing"
    assert second["strategy_published"] == NOT_ASKED_CODE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answers": {"unknown_item": "x"}}, "Einreichung 17, Feld „unknown_item“: Unbekannte"),
        ({"answers": {"strategy_stage": "someday"}}, "Feld „strategy_stage“: Unbekannte Option"),
        ({"answers": {"broadband_rating": 9}}, "Feld „broadband_rating“: Der Wert 9 liegt über"),
        ({"scores": {"happiness": 3.0}}, "Feld „scores“: Unbekannte Dimension „happiness“"),
        ({"type": "digital_heroes"}, "Spalte „type“: unbekannter Wert „digital_heroes“"),
        ({"land": "XX"}, "Spalte „land“: unbekannter Wert „XX“"),
    ],
)
def test_frame_rejects_what_the_contract_does_not_allow(
    definition: Questionnaire, change: dict[str, Any], message: str
) -> None:
    row = {**_rows()[0], **change}
    with pytest.raises(ValueError, match=re.escape(message)):
        submissions_frame(definition, [row])


def test_an_empty_list_gives_the_columns(definition: Questionnaire, tmp_path: Path) -> None:
    frame = submissions_frame(definition, [])
    names = [v.name for v in variables(definition)]
    assert len(frame) == 0 and list(frame.columns) == names
    assert to_csv(frame).decode().splitlines() == [",".join(names)]
    workbook = load_workbook(io.BytesIO(to_xlsx(frame, definition)))
    assert workbook["Daten"].max_row == 1 and workbook["Codebuch"].max_row > len(names)
    data, meta = _read_sav(to_sav(frame, definition), tmp_path)
    assert len(data) == 0 and meta.column_names == names


# --- CSV --------------------------------------------------------------------------------------
def test_csv_plain(frame: pd.DataFrame) -> None:
    data = to_csv(frame)
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) == 2 and list(rows[0]) == list(frame.columns)
    first, second = rows
    assert first["municipality"] == "Musterstadt" and second["municipality"] == ""
    assert first["created_at"] == "2026-11-22T10:00:00+01:00"
    assert first["ags"] == "05334002"
    assert first["strategy_stage"] == "in_progress"
    assert first["strategy_components__goals"] == "1"
    assert second["strategy_components__goals"] == "-8"
    assert first["digital_budget"] == "-9" and first["strategy_alignment"] == "8"
    assert first["score_strategy"] == "40.5" and first["population"] == "23000"
    assert first["level"] == "3" and second["level"] == ""


def test_csv_for_german_excel(frame: pd.DataFrame, sample: Questionnaire) -> None:
    data = to_csv(frame, excel=True)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;created_at;municipality;ags;land;")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0]["score_strategy"] == "40,5" and rows[0]["score_organisation"] == "26,0"
    assert rows[0]["digital_budget"] == "-9"  # a code, not a formula
    sample_rows = list(
        csv.DictReader(
            io.StringIO(
                to_csv(submissions_frame(sample, _sample_rows()), excel=True).decode("utf-8-sig"),
                newline="",
            ),
            delimiter=";",
        )
    )
    assert sample_rows[0]["staff"] == "2,5"
    assert sample_rows[0]["strategy_link"] == '\'=HYPERLINK("http://example.org")'
    assert sample_rows[0]["remarks"] == "Erste Zeile;\nzweite Zeile, mit Komma"
    assert sample_rows[1]["remarks"] == "-9"


# --- XLSX -------------------------------------------------------------------------------------
def test_xlsx_has_data_and_codebook(frame: pd.DataFrame, definition: Questionnaire) -> None:
    workbook = load_workbook(io.BytesIO(to_xlsx(frame, definition)))
    assert workbook.sheetnames == ["Daten", "Codebuch"]
    data = workbook["Daten"]
    header = [cell.value for cell in data[1]]
    assert header == list(frame.columns)
    first = dict(zip(header, [cell.value for cell in data[2]], strict=True))
    second = dict(zip(header, [cell.value for cell in data[3]], strict=True))
    assert first["municipality"] == "Musterstadt" and second["municipality"] is None
    assert first["strategy_stage"] == "in_progress"
    assert first["score_strategy"] == 40.5 and first["population"] == 23000
    assert first["created_at"].strftime("%d.%m.%Y %H:%M") == "22.11.2026 10:00"
    assert second["strategy_components__goals"] == -8

    book = workbook["Codebuch"]
    rows = [[cell.value for cell in row] for row in book.iter_rows()]
    assert rows[0] == [
        "Variable",
        "Frage oder Beschreibung",
        "Typ",
        "Skalenniveau",
        "Wert in CSV/XLSX",
        "Code (SPSS)",
        "Bedeutung",
        "fehlender Wert",
        "Quelle",
    ]
    stage = [row for row in rows if row[0] == "strategy_stage"]
    assert stage[0][1] == "Wie weit ist Ihre Kommune mit einer Strategie für die Digitalisierung?"
    assert stage[0][2] == "Einfachauswahl" and stage[0][3] == "nominal"
    assert stage[0][4:7] == [
        "implementing",
        1,
        "Wir haben eine Strategie und setzen sie bereits um",
    ]
    assert stage[4][4:8] == ["keine_angabe", -9, "keine Angabe", "ja"]
    assert stage[0][8] == "000_f47b0d7ebee16adc.txt, Zeilen 779–806"
    option = [row for row in rows if row[0] == "funding_sources__eu"]
    assert option[0][1].endswith("– Aus Förderprogrammen der EU")
    assert [r[5] for r in option] == [1, 0, -9, -8]
    yes_no = {r[5]: (r[6], r[7]) for r in rows if r[0] == "public_wifi"}
    assert yes_no == {
        1: ("Ja", None),
        0: ("Nein", None),
        8: ("Weiß nicht", "ja"),
        -9: ("keine Angabe", "ja"),
        -8: ("nicht gestellt (Filterführung)", "ja"),
    }
    online = {r[4]: r[7] for r in rows if r[0] == "online_services"}
    assert online["dont_know"] == "ja" and online["most"] is None
    levels = {r[5]: r[6] for r in rows if r[0] == "level"}
    assert levels[3] == "Im Aufbau" and levels[5] == "Digital gestaltend"
    assert any(r[0] == "score_data" and r[3] == "metrisch" for r in rows)
    lands = {r[4]: (r[5], r[6]) for r in rows if r[0] == "land"}
    assert lands["NW"] == (5, "Nordrhein-Westfalen") and lands["SH"] == (1, "Schleswig-Holstein")


def test_xlsx_keeps_formulas_as_text(sample: Questionnaire) -> None:
    frame = submissions_frame(sample, _sample_rows())
    workbook = load_workbook(io.BytesIO(to_xlsx(frame, sample)))
    data = workbook["Daten"]
    header = [cell.value for cell in data[1]]
    cell = data.cell(row=2, column=header.index("strategy_link") + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.org")'


# --- SPSS -------------------------------------------------------------------------------------
def _read_sav(data: bytes, tmp_path: Path, **options: Any) -> tuple[pd.DataFrame, Any]:
    path = tmp_path / "export.sav"
    path.write_bytes(data)
    return pyreadstat.read_sav(str(path), **options)


def test_sav_round_trip(frame: pd.DataFrame, definition: Questionnaire, tmp_path: Path) -> None:
    data, meta = _read_sav(to_sav(frame, definition), tmp_path, user_missing=True)
    assert list(data.columns) == list(frame.columns)
    first, second = data.iloc[0], data.iloc[1]
    assert first["strategy_stage"] == 2 and second["strategy_stage"] == 4  # codes 1..k
    assert first["land"] == 5 and first["size_class"] == 3  # NW; medium town
    assert first["type"] == 2 and first["level"] == 3
    assert first["strategy_components__goals"] == 1
    assert second["strategy_components__goals"] == NOT_ASKED_CODE
    assert first["digital_budget"] == NO_ANSWER_CODE and first["strategy_alignment"] == 8
    assert first["score_strategy"] == pytest.approx(40.5)
    assert first["municipality"] == "Musterstadt" and first["ags"] == "05334002"
    assert str(first["created_at"]) == "2026-11-22 10:00:00"  # German local time

    labels = meta.column_names_to_labels
    assert labels["strategy_stage"] == (
        "Wie weit ist Ihre Kommune mit einer Strategie für die Digitalisierung?"
    )
    assert labels["funding_sources__eu"].endswith("– Aus Förderprogrammen der EU")
    assert labels["score_data"] == "Punkte im Bereich Daten (0–100)"
    values = meta.variable_value_labels
    assert values["strategy_stage"][2.0] == "Wir erarbeiten gerade eine Strategie"
    assert values["strategy_stage"][-9.0] == "keine Angabe"
    assert values["public_wifi"] == {
        1.0: "Ja",
        0.0: "Nein",
        8.0: "Weiß nicht",
        -9.0: "keine Angabe",
        -8.0: "nicht gestellt (Filterführung)",
    }
    assert values["broadband_rating"][1.0] == "sehr gut"
    assert values["land"][5.0] == "Nordrhein-Westfalen"
    assert values["type"][2.0] == "Ambitionierte Großkommunen"
    missing = {
        name: sorted(entry["lo"] for entry in ranges)
        for name, ranges in meta.missing_ranges.items()
    }
    assert missing["strategy_stage"] == [-9.0, -8.0]
    assert missing["public_wifi"] == [-9.0, -8.0, 8.0]
    assert missing["online_services"] == [-9.0, -8.0, 5.0]  # "Weiß nicht" is option 5
    assert missing["strategy_components__goals"] == [-9.0, -8.0]
    measures = meta.variable_measure
    assert measures["strategy_stage"] == "nominal"
    assert measures["broadband_rating"] == "ordinal"
    assert measures["score_strategy"] == "scale" and measures["population"] == "scale"
    assert measures["size_class"] == "ordinal"
    assert meta.file_label == "Digitalcheck für Kommunen, Version 1"

    plain, _meta = _read_sav(to_sav(frame, definition), tmp_path)  # SPSS's own view
    assert pd.isna(plain.iloc[0]["digital_budget"]) and pd.isna(plain.iloc[0]["strategy_alignment"])
    assert plain.iloc[0]["public_wifi"] == 1


def test_sav_numbers_texts_and_long_labels(sample: Questionnaire, tmp_path: Path) -> None:
    data = sample.to_dict()
    remarks = data["sections"][1]["items"][-1]
    remarks["text"] = "Möchten Sie ergänzen, " + "was Ihre Kommune " * 30 + "bewegt?"
    definition = load_definition(data)
    frame = submissions_frame(definition, _sample_rows())
    values, meta = _read_sav(to_sav(frame, definition), tmp_path, user_missing=True)
    assert values.iloc[0]["staff"] == pytest.approx(2.5)
    assert values.iloc[0]["budget"] == NO_ANSWER_CODE
    assert values.iloc[1]["remarks"] == "-9"
    assert values.iloc[0]["remarks"] == "Erste Zeile;\nzweite Zeile, mit Komma"
    assert values.iloc[0]["strategy_link"] == '=HYPERLINK("http://example.org")'
    label = meta.column_names_to_labels["remarks"]
    assert len(label.encode()) <= 256 and label.endswith("…")
    assert label.startswith("Möchten Sie ergänzen, was Ihre Kommune")
    assert meta.column_names_to_labels["budget"].endswith("(Euro)")
    assert [r["lo"] for r in meta.missing_ranges["remarks"]] == ["-9", "-8"]
    assert meta.variable_value_labels["maturity"][5.0] == "sehr stark"
    assert meta.variable_measure["staff"] == "scale"
    assert meta.original_variable_types["staff"] == "F12.2"
    assert meta.original_variable_types["budget"] == "F12.0"
