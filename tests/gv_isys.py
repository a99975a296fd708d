"""Writes workbooks in the layout of the Destatis GV-ISys "Auszug" (for tests).

The committed sample ``src/kompass/data/samples/gv-isys-auszug-beispiel.xlsx`` is made by
running this module: ``python -m tests.gv_isys``. Its municipalities are fictional (Kreis
codes 98 and 99 are not used by any real Kreis in Schleswig-Holstein or Niedersachsen), so the
sample never collides with a real directory imported later.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "kompass"
    / "data"
    / "samples"
    / "gv-isys-auszug-beispiel.xlsx"
)

TITLE = (
    "Alle politisch selbständigen Gemeinden mit ausgewählten Merkmalen am 31.12.2023 (4. Quartal)"
)
HEADER_TOP = [
    "Satz-art",
    "Text-kenn-zeichen",
    "Amtlicher Regionalschlüssel (ARS)",
    None,
    None,
    None,
    None,
    "Gemeindename",
    "Fläche km2 1)",
    "Bevölkerung 2)",
    None,
    None,
    None,
    "Post-leit-zahl 3)",
    "Geografische Mittelpunktkoordinaten 4)",
    None,
    "Reisegebiete",
    None,
    "Grad der Verstädterung",
    None,
]
HEADER_SUB = [
    None,
    None,
    "Land",
    "RB",
    "Kreis",
    "VB",
    "Gem",
    None,
    None,
    "insgesamt",
    "männlich",
    "weiblich",
    "je km2",
    None,
    "Längengrad",
    "Breitengrad",
    "Schlüssel",
    "Bezeichnung",
    "Schlüssel",
    "Bezeichnung",
]

Row = Sequence[Any]

# Satzart, TKZ, Land, RB, Kreis, VB, Gem, Name, Fläche, Bevölkerung, m, w, je km², PLZ, Länge,
# Breite. Numbers are stored as text with German decimal commas, as Destatis does; the
# geographic centres (columns O and P, WGS84 degrees) lie in Schleswig-Holstein and
# Niedersachsen like the fictional towns' keys.
SAMPLE_ROWS: list[Row] = [
    ["10", None, "01", None, None, None, None, "Schleswig-Holstein"],
    ["40", "41", "01", "0", "98", None, None, "Modellstadt, Stadt"],
    ["50", "50", "01", "0", "98", "0000", None, "Modellstadt, Stadt"],
    [
        "60",
        "61",
        "01",
        "0",
        "98",
        "0000",
        "000",
        "Modellstadt, Stadt",
        "118,35",
        104250,
        51200,
        53050,
        881,
        "24999",
        "9,812345",
        "54,312345",
    ],
    ["40", "44", "01", "0", "99", None, None, "Musterkreis"],
    ["50", "50", "01", "0", "99", "0001", None, "Musterstadt, Stadt"],
    [
        "60",
        "63",
        "01",
        "0",
        "99",
        "0001",
        "001",
        "Musterstadt, Stadt",
        "61,07",
        42318,
        20700,
        21618,
        693,
        "24990",
        "10,123456",
        "54,123456",
    ],
    ["50", "52", "01", "0", "99", "5999", None, "Amt Beispielland"],
    [
        "60",
        "64",
        "01",
        "0",
        "99",
        "5999",
        "002",
        "Beispieldorf",
        "18,40",
        2315,
        1150,
        1165,
        126,
        "24991",
        "10,234567",
        "54,023456",
    ],
    [
        "60",
        "64",
        "01",
        "0",
        "99",
        "5999",
        "003",
        "Probehausen",
        "7,95",
        812,
        401,
        411,
        102,
        "24992",
        "10,345678",
        "54,034567",
    ],
    [
        "60",
        "67",
        "01",
        "0",
        "99",
        "0004",
        "004",
        "Vorbildingen, Stadt",
        "44,20",
        19999,
        9900,
        10099,
        452,
        "24993",
        "10,456789",
        "54,045678",
    ],
    [
        "60",
        "66",
        "01",
        "0",
        "99",
        "9999",
        "005",
        "Forst Muster, gemfr. Gebiet",
        "3,10",
        None,
        None,
        None,
        None,
        None,
        "10,567890",
        "54,056789",
    ],
    ["10", None, "03", None, None, None, None, "Niedersachsen"],
    ["20", None, "03", "9", None, None, None, "Statistische Region Beispiel"],
    ["40", "44", "03", "9", "99", None, None, "Landkreis Probeland"],
    [
        "60",
        "63",
        "03",
        "9",
        "99",
        "0001",
        "001",
        "Musterstadt, Stadt",
        "35,50",
        5000,
        2450,
        2550,
        141,
        "49999",
        "8,123456",
        "52,123456",
    ],
]


def write_workbook(
    path: Path,
    rows: Sequence[Row] = SAMPLE_ROWS,
    *,
    title: str | None = TITLE,
    header: bool = True,
    header_sub: Row = HEADER_SUB,
    sheet_name: str = "Onlineprodukt_Gemeinden",
) -> Path:
    workbook = Workbook()
    info = workbook.active
    info.title = "Deckblatt"
    info.append(["Statistisches Bundesamt – Gemeindeverzeichnis (Beispieldatei, fiktive Orte)"])
    sheet = workbook.create_sheet(sheet_name)
    sheet.append(["Gemeindeverzeichnis-Informationssystem GV-ISys"])
    if title:
        sheet.append([title])
    sheet.append([])
    if header:
        sheet.append(HEADER_TOP)
        sheet.append(list(header_sub))
        sheet.append([str(n) for n in range(1, 21)])
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["1) Katasterfläche. 2) Bevölkerung auf Grundlage des Zensus 2022."])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(write_workbook(SAMPLE))
