"""The builders of the strategy paper against the current models of the other parts: risks
(with band and counter-measures), roadmap milestones, the ranking of the project matrix, the
ideas of the participation, monitoring indicators (baseline, target, latest value) and the
evaluation plans. Each builder: content shows, deleted rows and stopped projects do not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kompass.strategy import document as service
from kompass.strategy import items, portfolio
from kompass.strategy.models import (
    EvaluationPlan,
    Idea,
    Indicator,
    Measurement,
    Milestone,
    Project,
    Risk,
)
from tests.test_strategy_document import add_content
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - the fixture "team"

pytestmark = pytest.mark.django_db


def stopped_project(team: Team) -> Project:
    return items.create_item(
        Project(workspace=team.workspace, title="Eingestellt", status=Project.Status.STOPPED),
        actor=team.anna,
    )


def create(row: Any, team: Team) -> Any:
    return items.create_item(row, actor=team.anna)


def test_risk_summary_has_band_score_and_counter_measures(team: Team) -> None:
    _field, project = add_content(team)
    workspace = team.workspace
    create(
        Risk(
            workspace=workspace,
            project=project,
            title="Datenschutzbedenken",
            category="technical",
            probability=5,
            damage=4,
            scale_version=1,
            score=20,
            band="high",
            mitigation="Datenschutzfolgenabschätzung vor dem Start",
            emergency_plan="Dienst abschalten",
        ),
        team,
    )
    create(
        Risk(
            workspace=workspace,
            title="Personalmangel",
            probability=1,
            damage=2,
            scale_version=1,
            score=2,
            band="low",
        ),
        team,
    )
    create(Risk(workspace=workspace, title="Noch offen"), team)
    gone = create(Risk(workspace=workspace, title="Gelöschtes Risiko"), team)
    items.soft_delete_item(gone, actor=team.anna, version=gone.version)
    create(Risk(workspace=workspace, project=stopped_project(team), title="Altes Risiko"), team)

    (text,) = service.build_risks(workspace)
    lines = text.split("\n")
    assert lines[0] == "Risiken und Gegenmaßnahmen (3 erfasst; hoch: 1, gering: 1):"
    assert (
        lines[1].startswith("– Datenschutzbedenken (Projekt Bürgerportal; Technische Risiken; ")
        and "Risikostufe hoch, Risikowert 20)" in lines[1]
    )
    assert "; Gegenmaßnahmen: Datenschutzfolgenabschätzung vor dem Start" in lines[1]
    assert "; Notfallplan: Dienst abschalten" in lines[1]
    assert lines[2] == "– Personalmangel (gesamte Strategie; Risikostufe gering, Risikowert 2)"
    assert lines[3] == "– Noch offen (gesamte Strategie; noch nicht bewertet)"
    assert "Gelöscht" not in text and "Altes Risiko" not in text
    document = service.create_document(actor=team.anna, workspace=workspace)
    block = document.blocks.get(key="projects_measures")
    assert "Gegenmaßnahmen: Datenschutzfolgenabschätzung" in block.text


def test_milestones_give_the_schedule_by_date(team: Team) -> None:
    _field, project = add_content(team)
    create(
        Milestone(
            workspace=team.workspace,
            project=project,
            title="Go-live",
            due_date=dt.date(2027, 9, 1),
        ),
        team,
    )
    create(
        Milestone(
            workspace=team.workspace,
            project=project,
            title="Ratsbeschluss",
            kind=Milestone.Kind.DECISION,
            due_date=dt.date(2027, 3, 15),
            done=True,
            done_on=dt.date(2027, 3, 16),
        ),
        team,
    )
    create(
        Milestone(
            workspace=team.workspace,
            project=stopped_project(team),
            title="Nie",
            due_date=dt.date(2027, 1, 1),
        ),
        team,
    )
    assert service.build_milestones(team.workspace) == [
        "Zeitplan mit Meilensteinen:\n"
        "– 15.03.2027: Beschluss „Ratsbeschluss“ (Bürgerportal) – erreicht am 16.03.2027\n"
        "– 01.09.2027: Meilenstein „Go-live“ (Bürgerportal)"
    ]


def test_priorities_follow_the_published_weighting(team: Team) -> None:
    _field, project = add_content(team)
    second = create(Project(workspace=team.workspace, title="Sensorik"), team)
    assert service.build_priorities(team.workspace) == []  # nothing weighted yet
    portfolio.save_weights(
        actor=team.anna,
        workspace=team.workspace,
        weights=portfolio.default_weights(),
        publish=True,
    )
    slugs = list(portfolio.default_weights())
    portfolio.score_project(
        actor=team.anna, project=project, weighting_number=1, scores=dict.fromkeys(slugs, 4)
    )
    portfolio.score_project(
        actor=team.anna, project=second, weighting_number=1, scores=dict.fromkeys(slugs, 5)
    )
    assert service.build_priorities(team.workspace) == [
        "Rangfolge nach den gewichteten Auswahlkriterien (Fassung 1 der Gewichtung):\n"
        "1. Sensorik (gewichteter Gesamtwert 5 von 5)\n"
        "2. Bürgerportal (gewichteter Gesamtwert 4 von 5)"
    ]


def test_ideas_count_the_participation(team: Team) -> None:
    for index, status in enumerate(["longlist", "shortlist", "promoted", "discarded"]):
        create(Idea(workspace=team.workspace, title=f"Idee {index}", status=status), team)
    assert service.build_ideas(team.workspace) == [
        "In der Ideenfindung wurden 4 Projektideen gesammelt und gemeinsam bewertet. "
        "In der engeren Wahl: 2; zu Projektskizzen ausgearbeitet: 1."
    ]


def test_indicators_show_baseline_target_and_latest_value(team: Team) -> None:
    _field, project = add_content(team)
    level = Indicator._meta.get_field("level").choices[0]
    indicator = create(
        Indicator(
            workspace=team.workspace,
            project=project,
            level=level[0],
            name="Online-Anträge",
            unit="Prozent",
            baseline_value=Decimal("12.5"),
            baseline_date=dt.date(2026, 1, 1),
            target_value=Decimal("60"),
            target_date=dt.date(2028, 12, 31),
        ),
        team,
    )
    create(
        Measurement(
            workspace=team.workspace,
            indicator=indicator,
            date=dt.date(2027, 6, 30),
            value=Decimal("30"),
        ),
        team,
    )
    create(
        Indicator(
            workspace=team.workspace,
            project=stopped_project(team),
            level=level[0],
            name="Verworfen",
        ),
        team,
    )
    (text,) = service.build_indicators(team.workspace)
    assert text == (
        "Indikatoren des Monitorings:\n"
        f"– Bürgerportal: Online-Anträge (Wirkungsebene {level[1]}; "
        "Ausgangswert 12,5 Prozent am 01.01.2026; Zielwert 60 Prozent bis 31.12.2028; "
        "zuletzt 30 Prozent am 30.06.2027)"
    )


def test_evaluation_plans_name_purpose_and_execution(team: Team) -> None:
    _field, project = add_content(team)
    create(
        EvaluationPlan(
            workspace=team.workspace,
            project=project,
            purpose="Nutzen belegen",
            evaluator="Hochschule",
            execution=EvaluationPlan.Execution.EXTERNAL,
        ),
        team,
    )
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    block = document.blocks.get(key="monitoring_evaluation")
    assert "– Bürgerportal: Zweck: Nutzen belegen; durch: Hochschule; extern" in block.text


def test_new_builders_return_nothing_while_their_part_is_missing(
    team: Team, monkeypatch: Any
) -> None:
    add_content(team)
    monkeypatch.setattr(service, "optional_model", lambda name, app_label="strategy": None)
    for builder in (
        service.build_milestones,
        service.build_priorities,
        service.build_evaluation_plans,
    ):
        assert builder(team.workspace) == [], builder.__name__


def test_worksheet_entries_fill_goals(team: Team) -> None:
    from kompass.strategy.models import WorksheetEntry
    from kompass.strategy.process import load_all

    sheet = load_all().worksheet("goal_mapping")
    field = next(f for f in sheet.fields if f.type in ("text", "long_text"))
    entry = create(
        WorksheetEntry(
            workspace=team.workspace,
            worksheet="goal_mapping",
            title="Ziele",
            answers={field.id: "Eine vernetzte Stadt"},
        ),
        team,
    )
    assert service.generated_text(team.workspace, "goals_guidelines") == (
        f"{field.label}: Eine vernetzte Stadt"
    )
    items.soft_delete_item(entry, actor=team.anna, version=entry.version)
    assert service.generated_text(team.workspace, "goals_guidelines") == ""


def test_long_lists_are_shortened_and_indicators_cost_no_query_each(team: Team) -> None:
    """The paper lists at most PAPER_LIST_LIMIT risks, milestones and indicators and counts
    the rest; band counts cover every risk; the latest measurement of every indicator comes
    from one query, however many indicators there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _field, project = add_content(team)
    limit = service.PAPER_LIST_LIMIT
    Risk.objects.bulk_create(
        Risk(
            workspace=team.workspace,
            project=project,
            title=f"Risiko {i:03}",
            probability=5,
            damage=5,
            score=25,
            band="high",
            scale_version=1,
        )
        for i in range(limit + 5)
    )
    (risks,) = service.build_risks(team.workspace)
    assert risks.count("\n– ") == limit
    assert f"({limit + 5} erfasst; hoch: {limit + 5})" in risks
    assert risks.endswith("… und 5 weitere im Arbeitsraum.")

    level = Indicator._meta.get_field("level").choices[0][0]

    def indicators(n: int) -> None:
        made = Indicator.objects.bulk_create(
            Indicator(workspace=team.workspace, project=project, level=level, name=f"I{i}")
            for i in range(n)
        )
        Measurement.objects.bulk_create(
            Measurement(workspace=team.workspace, indicator=m, date=dt.date(2027, 1, 1), value=1)
            for m in made
        )

    indicators(3)
    with CaptureQueriesContext(connection) as few:
        service.build_indicators(team.workspace)
    indicators(limit)
    with CaptureQueriesContext(connection) as many:
        (text,) = service.build_indicators(team.workspace)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert text.count("\n– ") == limit and text.endswith("… und 3 weitere im Arbeitsraum.")
    assert "zuletzt 1" in text
