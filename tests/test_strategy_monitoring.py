"""Monitoring and evaluation (step 9): the status rule with hand-computed cases, the services
(validation in German, versioning, conflicts, delete/restore), the chart and the reports
(HTML, DOCX opened with python-docx, PDF text read with pypdf).

``Demo`` and ``demo`` are shared with the view and API tests of the monitoring."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kompass.strategy import bin as workspace_bin
from kompass.strategy import items, monitoring, monitoring_reports
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Activity, FieldOfAction, Project
from kompass.strategy.models_monitoring import (
    EvaluationPlan,
    Indicator,
    Measurement,
    format_decimal,
)
from kompass.strategy.monitoring import NO_DATA, NOT_ON_TRACK, ON_TRACK, PARTLY
from kompass.strategy.process import load_all
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = pytest.mark.django_db

D0 = dt.date(2024, 1, 1)
#: 100 days after D0 (31 + 29 + 31 + 9), so that elapsed shares are round.
D1 = dt.date(2024, 4, 10)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


# --------------------------------------------------------------------------- the status rule


def unsaved(
    baseline: Any = "100",
    target: Any = "200",
    direction: str = "higher",
    d0: dt.date | None = D0,
    d1: dt.date | None = D1,
) -> Indicator:
    return Indicator(
        level="output",
        name="Kurse",
        baseline_value=None if baseline is None else Decimal(baseline),
        baseline_date=d0,
        target_value=None if target is None else Decimal(target),
        target_date=d1,
        direction=direction,
    )


def values(*pairs: tuple[int, str]) -> list[Measurement]:
    return [Measurement(date=day(n), value=Decimal(v)) for n, v in pairs]


@pytest.mark.parametrize(
    ("measured", "status", "progress", "elapsed"),
    [
        # Day 50 of 100: e = 0.5; on track from p = 0.45, partly from p = 0.25.
        ([(50, "145")], ON_TRACK, "0.45", "0.5"),
        ([(50, "144")], PARTLY, "0.44", "0.5"),
        ([(50, "125")], PARTLY, "0.25", "0.5"),
        ([(50, "124")], NOT_ON_TRACK, "0.24", "0.5"),
        ([(50, "90")], NOT_ON_TRACK, "-0.1", "0.5"),
        # Target reached early: on track whatever the time.
        ([(10, "200")], ON_TRACK, "1", "0.1"),
        ([(10, "230")], ON_TRACK, "1.3", "0.1"),
        # After the target date the elapsed share stays 1.
        ([(121, "190")], ON_TRACK, "0.9", "1"),
        ([(121, "189")], PARTLY, "0.89", "1"),
        ([(121, "149")], NOT_ON_TRACK, "0.49", "1"),
        # The latest measurement counts, not the best one.
        ([(20, "190"), (50, "120")], NOT_ON_TRACK, "0.2", "0.5"),
        # Day 25: e = 0.25, on track from p = 0.225 (gain 22.5).
        ([(25, "122.5")], ON_TRACK, "0.225", "0.25"),
        ([(25, "122.4")], PARTLY, "0.224", "0.25"),
    ],
)
def test_indicator_status_higher_is_better(
    measured: list[tuple[int, str]], status: str, progress: str, elapsed: str
) -> None:
    result = monitoring.indicator_status(unsaved(), values(*measured))
    assert result.status == status
    assert result.progress == Decimal(progress)
    assert result.elapsed == Decimal(elapsed)
    assert result.latest is not None and result.latest.date == max(day(n) for n, _v in measured)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("41", ON_TRACK),
        ("41.1", PARTLY),
        ("45", PARTLY),
        ("45.1", NOT_ON_TRACK),
        ("55", NOT_ON_TRACK),
    ],
)
def test_indicator_status_lower_is_better(value: str, status: str) -> None:
    # From 50 down to 30 (span 20); day 50: on track from a gain of 9, partly from 5.
    indicator = unsaved("50", "30", "lower")
    assert monitoring.indicator_status(indicator, values((50, value))).status == status


@pytest.mark.parametrize(
    ("indicator", "measured", "reason"),
    [
        (unsaved(baseline=None, d0=None), [(50, "150")], "Ausgangswert"),
        (unsaved(target=None, d1=None), [(50, "150")], "Zielwert"),
        (unsaved(), [], "noch keinen Messwert"),
        (unsaved(), [(0, "150")], "noch keinen Messwert"),  # only time zero itself
    ],
)
def test_indicator_without_data(
    indicator: Indicator, measured: list[tuple[int, str]], reason: str
) -> None:
    result = monitoring.indicator_status(indicator, values(*measured))
    assert result.status == NO_DATA
    assert result.label == "keine Daten"
    assert reason in result.reason
    assert result.progress is None and result.progress_percent == "–"


def test_percentages_are_written_in_german() -> None:
    result = monitoring.indicator_status(unsaved(), values((50, "145")))
    assert (result.progress_percent, result.elapsed_percent) == ("45 %", "50 %")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([ON_TRACK, ON_TRACK], ON_TRACK),
        ([ON_TRACK, PARTLY], PARTLY),
        ([ON_TRACK, NOT_ON_TRACK], NOT_ON_TRACK),  # half not on track
        ([ON_TRACK, ON_TRACK, NOT_ON_TRACK], PARTLY),
        ([NOT_ON_TRACK, NOT_ON_TRACK, ON_TRACK], NOT_ON_TRACK),
        ([PARTLY, PARTLY, PARTLY], PARTLY),
        ([ON_TRACK, NO_DATA, NO_DATA], ON_TRACK),  # no data does not count
        ([NO_DATA], NO_DATA),
        ([], NO_DATA),
    ],
)
def test_aggregate(statuses: list[str], expected: str) -> None:
    assert monitoring.aggregate(statuses) == expected


def test_labels_are_text() -> None:
    assert monitoring.STATUS_LABELS == {
        "on_track": "auf Kurs",
        "partly": "teilweise auf Kurs",
        "not_on_track": "nicht auf Kurs",
        "no_data": "keine Daten",
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [("1234.5", "1.234,5"), ("12.0000", "12"), ("-0.5", "-0,5"), ("1000000", "1.000.000")],
)
def test_format_decimal(value: str, text: str) -> None:
    assert format_decimal(Decimal(value)) == text


# --------------------------------------------------------------------------- the guide's data


def test_choices_come_from_worksheet_ten() -> None:
    sheet = load_all().worksheet("impact_measurement")
    rows = sheet.field("analysis").rows
    assert [r.id for r in rows] == ["input", "output", "outcome", "impact"]
    assert Indicator._meta.get_field("level").choices == [(r.id, r.label) for r in rows]
    timing = sheet.field("evaluation_timing").options
    assert EvaluationPlan._meta.get_field("timing").choices == [(o.value, o.label) for o in timing]
    dims = next(c for c in sheet.field("analysis").columns if c.id == "dimensions")
    assert monitoring.dimension_options() == [(o.value, o.label) for o in dims.options]


# --------------------------------------------------------------------------- fixtures


@dataclass
class Demo:
    """Two fields of action, three projects (one without a field) and their indicators."""

    team: Team
    mobility: FieldOfAction
    education: FieldOfAction
    rufbus: Project
    app: Project
    courses: Project
    riders: Indicator
    co2: Indicator
    downloads: Indicator
    plan: EvaluationPlan


def make_project(team: Team, title: str, field: FieldOfAction | None = None) -> Project:
    return items.create_item(
        Project(workspace=team.workspace, title=title, field_of_action=field), actor=team.anna
    )


def make_indicator(team: Team, project: Project, name: str, **extra: Any) -> Indicator:
    values: dict[str, Any] = {
        "level": "output",
        "baseline_value": "100",
        "baseline_date": D0,
        "target_value": "200",
        "target_date": D1,
        **extra,
    }
    return monitoring.create_indicator(
        actor=team.anna, workspace=team.workspace, project=project, name=name, **values
    )


def measure(team: Team, indicator: Indicator, n: int, value: str, who: Any = None) -> Measurement:
    return monitoring.create_measurement(
        actor=who or team.anna, indicator=indicator, date=day(n), value=value
    )


def build_demo(team: Team) -> Demo:
    mobility = items.create_item(
        FieldOfAction(workspace=team.workspace, title="Mobilität", position=1), actor=team.anna
    )
    education = items.create_item(
        FieldOfAction(workspace=team.workspace, title="Bildung", position=2), actor=team.anna
    )
    rufbus = make_project(team, "Rufbus", mobility)
    app = make_project(team, "Mobilitätsapp", mobility)
    courses = make_project(team, "Digitalkurse")
    riders = make_indicator(team, rufbus, "Fahrgäste pro Monat", unit="Fahrgäste")
    co2 = make_indicator(
        team,
        rufbus,
        "CO₂-Ausstoß",
        level="impact",
        unit="t",
        baseline_value="50",
        target_value="30",
        direction="lower",
        dimensions=["ecological"],
    )
    downloads = make_indicator(team, app, "Downloads", level="outcome")
    measure(team, riders, 50, "145")  # on track
    measure(team, co2, 50, "46")  # not on track
    measure(team, downloads, 50, "130")  # partly
    plan = monitoring.create_plan(
        actor=team.anna,
        project=rufbus,
        purpose="Zielerreichung prüfen und dem Rat berichten",
        evaluator="Stabsstelle Digitalisierung",
        execution="internal",
        timing="ongoing",
        data_sources="Fahrgastzählung des Betreibers",
    )
    return Demo(team, mobility, education, rufbus, app, courses, riders, co2, downloads, plan)


@pytest.fixture(name="demo")
def demo_fixture(team: Team) -> Demo:
    return build_demo(team)


# --------------------------------------------------------------------------- overview


def test_overview_per_field_and_project(demo: Demo) -> None:
    fields = monitoring.overview(demo.team.workspace)
    assert [(f.title, f.status) for f in fields] == [
        ("Mobilität", NOT_ON_TRACK),  # Rufbus not on track (1 of 2), app partly: 1 of 2 → not
        ("ohne Handlungsfeld", NO_DATA),
    ]
    mobility = fields[0]
    assert [(p.project.title, p.status) for p in mobility.projects] == [
        ("Mobilitätsapp", PARTLY),  # projects in the portfolio's order: position, title
        ("Rufbus", NOT_ON_TRACK),
    ]
    rufbus = mobility.projects[1]
    assert [r.indicator.name for r in rufbus.indicators] == ["Fahrgäste pro Monat", "CO₂-Ausstoß"]
    assert [r.result.status for r in rufbus.indicators] == [ON_TRACK, NOT_ON_TRACK]
    assert rufbus.plan is not None and rufbus.assessed == 2
    # Education has no project and is left out; Digitalkurse has no indicator.
    assert fields[1].projects[0].project.title == "Digitalkurse"


def test_field_status_follows_its_projects(demo: Demo) -> None:
    team = demo.team
    co2 = Measurement.objects.get(indicator=demo.co2)
    monitoring.update_measurement(actor=team.anna, measurement=co2, version=1, value="40")
    fields = {f.title: f for f in monitoring.overview(team.workspace)}
    assert fields["Mobilität"].projects[1].status == ON_TRACK
    assert fields["Mobilität"].status == PARTLY  # on track + partly


def test_deleted_projects_and_fields_leave_the_overview(demo: Demo) -> None:
    team = demo.team
    items.soft_delete_item(demo.app, actor=team.anna, version=demo.app.version)
    items.soft_delete_item(demo.mobility, actor=team.anna, version=demo.mobility.version)
    fields = monitoring.overview(team.workspace)
    assert [f.title for f in fields] == ["ohne Handlungsfeld"]
    assert {p.project.title for p in fields[0].projects} == {"Rufbus", "Digitalkurse"}
    assert monitoring.find_indicator(team.workspace, demo.downloads.pk) is None


# --------------------------------------------------------------------------- validation


def expect_errors(call: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def test_target_equal_to_baseline_is_refused_in_german(team: Team) -> None:
    project = make_project(team, "Rufbus")
    errors = expect_errors(lambda: make_indicator(team, project, "Fahrgäste", target_value="100"))
    assert "Der Zielwert ist gleich dem Ausgangswert (100)" in errors["target_value"][0]


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        ({"target_value": "80"}, "target_value", "Höhere Werte sind besser"),
        ({"direction": "lower"}, "target_value", "Niedrigere Werte sind besser"),
        ({"target_date": D0}, "target_date", "muss nach dem Datum der Basiserhebung"),
        ({"baseline_date": None}, "baseline_date", "fehlt das Datum der Basiserhebung"),
        ({"target_value": None}, "target_value", "Zum Zieldatum fehlt der Zielwert"),
        ({"level": "result"}, "level", "Bitte eine Wirkungsebene wählen"),
        ({"baseline_value": "viele"}, "baseline_value", "„viele“ ist keine Zahl"),
        ({"baseline_value": "1,23456"}, "baseline_value", "höchstens 4 Nachkommastellen"),
        ({"dimensions": ["happiness"]}, "dimensions", "„happiness“ gibt es nicht"),
        ({"baseline_date": "1.1.2024"}, "baseline_date", "ist kein Datum"),
    ],
)
def test_indicator_validation(team: Team, extra: dict[str, Any], field: str, text: str) -> None:
    project = make_project(team, "Rufbus")
    errors = expect_errors(lambda: make_indicator(team, project, "Fahrgäste", **extra))
    assert any(text in message for message in errors[field]), errors


def test_indicator_needs_a_name_and_a_project_of_the_workspace(team: Team) -> None:
    errors = expect_errors(
        lambda: monitoring.create_indicator(
            actor=team.anna, workspace=team.workspace, level="input", name=""
        )
    )
    assert "Bitte den Indikator benennen" in errors["name"][0]
    assert "Bitte ein Projekt wählen" in errors["project"][0]


def test_german_numbers_are_read(team: Team) -> None:
    project = make_project(team, "Rufbus")
    indicator = make_indicator(
        team, project, "Budget", baseline_value="1.234,5", target_value="2000.25"
    )
    assert indicator.baseline_value == Decimal("1234.5")
    assert indicator.target_value == Decimal("2000.25")
    assert indicator.baseline_text == "1.234,5 am 01.01.2024"


def test_measurement_before_baseline_in_the_future_or_twice_is_refused(team: Team) -> None:
    project = make_project(team, "Rufbus")
    indicator = make_indicator(team, project, "Fahrgäste")
    errors = expect_errors(lambda: measure(team, indicator, -1, "120"))
    assert "liegt vor der Basiserhebung (01.01.2024)" in errors["date"][0]
    future = timezone.localdate() + dt.timedelta(days=1)
    errors = expect_errors(
        lambda: monitoring.create_measurement(
            actor=team.anna, indicator=indicator, date=future, value="1"
        )
    )
    assert "in der Zukunft" in errors["date"][0]
    measure(team, indicator, 10, "120")
    errors = expect_errors(lambda: measure(team, indicator, 10, "125"))
    assert "gibt es schon einen Messwert" in errors["date"][0]
    errors = expect_errors(
        lambda: monitoring.create_measurement(actor=team.anna, indicator=indicator, date=day(11))
    )
    assert "Bitte den gemessenen Wert angeben" in errors["value"][0]


def test_baseline_date_cannot_pass_a_measurement(team: Team) -> None:
    project = make_project(team, "Rufbus")
    indicator = make_indicator(team, project, "Fahrgäste")
    measure(team, indicator, 10, "120")
    errors = expect_errors(
        lambda: monitoring.update_indicator(
            actor=team.anna, indicator=indicator, version=1, baseline_date=day(20)
        )
    )
    assert "Messwert vom 11.01.2024" in errors["baseline_date"][0]


def test_database_keeps_one_live_measurement_per_date(team: Team) -> None:
    project = make_project(team, "Rufbus")
    indicator = make_indicator(team, project, "Fahrgäste")
    measure(team, indicator, 10, "120")
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            workspace=team.workspace, indicator=indicator, date=day(10), value=Decimal(1)
        )


def test_one_plan_per_project(demo: Demo) -> None:
    with pytest.raises(ValidationError, match="gibt es schon einen Evaluationsplan"):
        monitoring.create_plan(actor=demo.team.anna, project=demo.rufbus)
    errors = expect_errors(
        lambda: monitoring.update_plan(
            actor=demo.team.anna, plan=demo.plan, version=1, execution="beides", timing="immer"
        )
    )
    assert "intern" in errors["execution"][0]
    assert "Zeitpunkt „immer“ gibt es nicht" in errors["timing"][0]


# --------------------------------------------------------------------------- permissions


def test_readers_change_nothing_and_partners_only_measure(demo: Demo) -> None:
    team = demo.team
    for who in (team.lea, team.pia):
        with pytest.raises(PermissionDenied):
            monitoring.create_indicator(
                actor=who, workspace=team.workspace, project=demo.app, name="x", level="input"
            )
        with pytest.raises(PermissionDenied):
            monitoring.update_plan(actor=who, plan=demo.plan, version=1, notes="x")
    with pytest.raises(PermissionDenied):
        measure(team, demo.riders, 60, "150", who=team.lea)
    partner = measure(team, demo.riders, 60, "150", who=team.pia)
    assert partner.created_by == team.pia
    contributor = measure(team, demo.riders, 61, "151", who=team.carl)
    assert contributor.created_by == team.carl


# --------------------------------------------------------------------------- versions


def test_update_writes_a_version_and_the_log(demo: Demo) -> None:
    team = demo.team
    updated = monitoring.update_indicator(
        actor=team.carl, indicator=demo.riders, version=1, target_value="250", unit="Personen"
    )
    assert updated.version == 2 and updated.updated_by == team.carl
    line = Activity.objects.filter(target_type="strategy.indicator", target_id=updated.pk).first()
    assert line is not None and line.verb == "updated" and line.actor == team.carl
    assert line.changes == {"unit": ["Fahrgäste", "Personen"], "target_value": ["200", "250"]}
    same = monitoring.update_indicator(
        actor=team.carl, indicator=updated, version=2, target_value="250,0"
    )
    assert same.version == 2  # nothing changed


def test_stale_version_is_a_conflict_naming_fields_and_person(demo: Demo) -> None:
    team = demo.team
    monitoring.update_indicator(actor=team.carl, indicator=demo.riders, version=1, name="Fahrten")
    with pytest.raises(VersionConflict) as info:
        monitoring.update_indicator(
            actor=team.anna, indicator=demo.riders, version=1, target_value="300"
        )
    assert info.value.fields == ["name"]
    assert "Carl Mitwirkend" in info.value.message
    assert "Geändert wurden: Indikator" in info.value.message
    assert Indicator.objects.get(pk=demo.riders.pk).target_value == Decimal("200")
    measurement = Measurement.objects.get(indicator=demo.riders)
    monitoring.update_measurement(actor=team.pia, measurement=measurement, version=1, value="150")
    with pytest.raises(VersionConflict) as info:
        monitoring.update_measurement(
            actor=team.anna, measurement=measurement, version=1, note="geschätzt"
        )
    assert info.value.fields == ["value"] and "Pia Partner" in info.value.message


def test_delete_and_restore_within_30_days(demo: Demo) -> None:
    team = demo.team
    measurement = Measurement.objects.get(indicator=demo.riders)
    monitoring.delete_measurement(actor=team.pia, measurement=measurement, version=1)
    assert monitoring.indicator_status(demo.riders).status == NO_DATA
    assert monitoring.find_measurement(team.workspace, measurement.pk) is None
    restored = monitoring.restore_measurement(actor=team.pia, measurement=measurement)
    assert restored.version == 3 and restored.deleted_at is None
    monitoring.delete_indicator(actor=team.carl, indicator=demo.riders, version=1)
    assert monitoring.find_indicator(team.workspace, demo.riders.pk) is None
    assert monitoring.find_measurement(team.workspace, measurement.pk) is None  # hidden with it
    monitoring.restore_indicator(actor=team.carl, indicator=demo.riders)
    assert monitoring.indicator_status(demo.riders).status == ON_TRACK
    verbs = list(
        Activity.objects.filter(target_type="strategy.measurement").values_list("verb", flat=True)
    )
    assert verbs.count("deleted") == 1 and verbs.count("restored") == 1


def test_restore_is_refused_after_30_days_or_when_the_date_is_taken(demo: Demo) -> None:
    team = demo.team
    measurement = Measurement.objects.get(indicator=demo.riders)
    monitoring.delete_measurement(actor=team.anna, measurement=measurement, version=1)
    replacement = measure(team, demo.riders, 50, "150")
    with pytest.raises(ValidationError, match="anderen Messwert"):
        monitoring.restore_measurement(actor=team.anna, measurement=measurement)
    monitoring.delete_measurement(actor=team.anna, measurement=replacement, version=1)
    Measurement.all_objects.filter(pk=measurement.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31)
    )
    measurement.refresh_from_db()
    with pytest.raises(ValidationError, match="vor mehr als 30 Tagen"):
        monitoring.restore_measurement(actor=team.anna, measurement=measurement)


def test_the_bin_restores_monitoring_items(demo: Demo) -> None:
    team = demo.team
    monitoring.delete_plan(actor=team.anna, plan=demo.plan, version=1)
    entries = workspace_bin.deleted_items(team.workspace)
    assert [e.model for e in entries] == ["strategy.evaluationplan"]
    assert entries[0].description == "Evaluationsplan von „Rufbus“"
    workspace_bin.restore(
        actor=team.anna, workspace=team.workspace, model="strategy.evaluationplan", pk=demo.plan.pk
    )
    assert monitoring.plan_of(demo.rufbus) is not None
    plan = monitoring.plan_of(demo.rufbus)
    assert plan is not None
    monitoring.delete_plan(actor=team.anna, plan=plan, version=plan.version)
    monitoring.create_plan(actor=team.anna, project=demo.rufbus, purpose="neu")
    with pytest.raises(ValidationError, match="neuen Evaluationsplan"):
        monitoring.restore_plan(actor=team.anna, plan=plan)


# --------------------------------------------------------------------------- chart


def test_chart_has_baseline_target_points_and_a_description(demo: Demo) -> None:
    measure(demo.team, demo.riders, 80, "170")
    measured = monitoring.live_measurements(demo.riders)
    chart = monitoring.chart(demo.riders, measured)
    assert not chart.empty
    assert len(chart.points) == 2
    # Values 100 … 200 padded by 10 each side: 90 at the bottom (250), 210 at the top (30).
    assert chart.baseline_y == pytest.approx(250 - 220 * 10 / 120, abs=0.1)
    assert chart.target_y == pytest.approx(250 - 220 * 110 / 120, abs=0.1)
    assert chart.points[0][0] == pytest.approx(80 + 540 * 50 / 100, abs=0.1)
    assert chart.path == (80.0, chart.baseline_y, 620.0, chart.target_y)
    assert "Ausgangswert 100 Fahrgäste am 01.01.2024" in chart.description
    assert "zuletzt 170 Fahrgäste am 21.03.2024" in chart.description
    assert chart.points[1][2] == "21.03.2024: 170 Fahrgäste"


def test_chart_without_values_is_empty() -> None:
    indicator = unsaved(baseline=None, target=None, d0=None, d1=None)
    assert monitoring.chart(indicator, []).empty


# --------------------------------------------------------------------------- reports


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_council_report_summarises_every_project(demo: Demo) -> None:
    context = monitoring_reports.report_context(
        demo.team.workspace, "council", today=dt.date(2024, 3, 1)
    )
    assert context["title"] == "Bericht für den Rat"
    assert [p["title"] for p in context["projects"]] == ["Mobilitätsapp", "Rufbus", "Digitalkurse"]
    assert [p["status_label"] for p in context["projects"]] == [
        "teilweise auf Kurs",
        "nicht auf Kurs",
        "keine Daten",
    ]
    assert context["projects"][1]["summary"] == "1 auf Kurs · 1 nicht auf Kurs"
    assert not context["detailed"] and context["projects"][0]["indicator_rows"] == []
    text = docx_text(monitoring_reports.report_docx(context))
    for expected in (
        "Bericht für den Rat",
        "Stand nach Handlungsfeldern",
        "Mobilität",
        "ohne Handlungsfeld",
        "Rufbus",
        "nicht auf Kurs",
        "2 von 2 bewertet",
        "01.03.2024",
        "So wird der Status bestimmt",
    ):
        assert expected in text, expected
    assert "Evaluationsplan" not in text  # the council gets the summary only


def test_funder_report_details_the_chosen_project(demo: Demo) -> None:
    context = monitoring_reports.report_context(demo.team.workspace, "funder", [demo.rufbus])
    assert [p["title"] for p in context["projects"]] == ["Rufbus"]
    rows = context["projects"][0]["indicator_rows"]
    assert [(i["name"], i["status_label"], i["progress"]) for i in rows] == [
        ("Fahrgäste pro Monat", "auf Kurs", "45 %"),
        ("CO₂-Ausstoß", "nicht auf Kurs", "20 %"),
    ]
    assert rows[0]["measurements"] == [("20.02.2024", "145 Fahrgäste", "")]
    content = monitoring_reports.report_docx(context)
    text = docx_text(content)
    for expected in (
        "Bericht für Fördermittelgeber",
        "Evaluationsplan",
        "Stabsstelle Digitalisierung",
        "projektbegleitend",
        "intern",
        "Fahrgäste pro Monat",
        "100 Fahrgäste am 01.01.2024",
        "200 Fahrgäste bis 10.04.2024",
        "Messwerte: CO₂-Ausstoß",
        "46 t",
    ):
        assert expected in text, expected
    assert "Mobilitätsapp" not in text
    from docx import Document

    properties = Document(io.BytesIO(content)).core_properties
    assert properties.title == "Bericht für Fördermittelgeber – Digitalstrategie 2030"
    assert properties.language == "de-DE"


def test_funder_report_as_pdf(demo: Demo) -> None:
    context = monitoring_reports.report_context(demo.team.workspace, "funder", [demo.rufbus])
    html = monitoring_reports.report_html(context)
    assert '<html lang="de">' in html and "<svg" in html and "<title" in html
    pdf = monitoring_reports.report_pdf(context)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for expected in ("Bericht für Fördermittelgeber", "Rufbus", "Stabsstelle", "auf Kurs"):
        assert expected in text, expected
    assert "Mobilitätsapp" not in text
