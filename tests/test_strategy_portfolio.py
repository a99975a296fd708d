"""Portfolio services (kompass.strategy.portfolio): projects with status rules, funding,
dependencies without cycles, versions and conflicts, the bin, milestones, the weights of the
project matrix with publication and re-scoring, totals and ranks, and the roadmap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kompass.strategy import ideas, items, portfolio
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    Activity,
    Assessment,
    CriteriaWeighting,
    FieldOfAction,
    Idea,
    Milestone,
    Project,
)
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - the fixture "team"

pytestmark = pytest.mark.django_db
Status = Project.Status
CRITERIA = [
    "goal_alignment",
    "process_improvement",
    "feasibility_funding",
    "staff_qualification",
    "data_availability",
    "risk_assessment",
    "target_group_relevance",
    "acceptance",
    "communication",
    "durability",
]


def new(team: Team, title: str = "Smart Trampen", **values: Any) -> Project:
    return portfolio.create_project(
        actor=team.anna, workspace=team.workspace, values={"title": title, **values}
    ).project


def fresh(project: Project) -> Project:
    return Project.all_objects.get(pk=project.pk)


def field(team: Team, title: str = "Mobilität") -> FieldOfAction:
    return items.create_item(FieldOfAction(workspace=team.workspace, title=title), actor=team.anna)


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --------------------------------------------------------------------------- guide data


def test_criteria_come_in_the_four_groups_of_the_guide() -> None:
    groups = portfolio.criteria_groups()
    assert [g.title for g in groups] == [
        "Inhaltliche Kriterien und Wirkungspotenziale",
        "Ressourcen und Kompetenzen",
        "Relevanz für Zielgruppen",
        "Zeitliche Perspektive",
    ]
    assert [c.slug for c in portfolio.criteria()] == CRITERIA
    assert portfolio.default_weights() == dict.fromkeys(CRITERIA, 1)


def test_sketch_fields_are_the_worksheet_fields_minus_the_project_columns() -> None:
    worksheet = portfolio.sketch_worksheet()
    ids = [f.id for f in worksheet.fields]
    assert set(portfolio.SKETCH_COLUMNS) <= set(ids)
    assert portfolio.sketch_field_ids() == [i for i in ids if i not in portfolio.SKETCH_COLUMNS]
    assert "responsibilities" in portfolio.sketch_field_ids()


# --------------------------------------------------------------------------- create, update


def test_create_project_with_all_portfolio_fields(team: Team) -> None:
    foa = field(team)
    carl = team.member(team.carl)
    saved = portfolio.create_project(
        actor=team.anna,
        workspace=team.workspace,
        values={
            "title": "  Smart   Trampen ",
            "field_of_action": foa.pk,
            "horizon": "short_term",
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2027, 6, 30),
            "budget": "75.000",
            "funding_sources": [
                {"name": "Eigenmittel", "amount": "15.000,50"},
                {"name": "Förderung", "amount": 60000},
                {"name": "", "amount": ""},
            ],
            "responsible": carl,
            "municipal_role": "service_provider",
            "sketch": {"idea": "Mitfahrbänke mit App", "participants": ["IT-Dienstleister"]},
        },
    )
    project = fresh(saved.project)
    assert project.title == "Smart Trampen"
    assert project.version == 1
    assert project.field_of_action == foa
    assert project.budget == Decimal("75000.00")
    assert project.funding_sources == [
        {"name": "Eigenmittel", "amount": "15000.50"},
        {"name": "Förderung", "amount": "60000.00"},
    ]
    assert project.responsible == carl
    assert project.sketch["idea"] == "Mitfahrbänke mit App"
    assert project.sketch["participants"] == ["IT-Dienstleister"]
    # over budget by 0.50: a warning, not an error
    assert saved.warnings == [
        "Die Finanzierungsquellen (75.000,50 €) übersteigen das Budget (75.000,00 €) um "
        "0,50 €. Bitte prüfen Sie Budget und Beträge."
    ]
    line = Activity.objects.get(target_type="strategy.project", target_id=project.pk)
    assert line.verb == "created" and line.actor == team.anna


def test_create_validates_every_field_in_german(team: Team) -> None:
    with pytest.raises(ValidationError) as exc:
        portfolio.create_project(
            actor=team.anna,
            workspace=team.workspace,
            values={
                "title": "",
                "horizon": "someday",
                "start_date": dt.date(2027, 1, 1),
                "end_date": dt.date(2026, 1, 1),
                "budget": "-5",
                "funding_sources": [{"name": "", "amount": "10"}, {"name": "EU", "amount": "x"}],
                "responsible": team.member(team.lea),
                "municipal_role": "king",
                "field_of_action": 999999,
            },
        )
    errors = messages_of(exc)
    assert errors["title"] == ["Bitte einen Projekttitel angeben."]
    assert "someday" in errors["horizon"][0]
    assert errors["end_date"] == ["Das Ende (01.01.2026) liegt vor dem Beginn (01.01.2027)."]
    assert errors["budget"] == ["Das Budget darf nicht negativ sein."]
    assert errors["funding_sources"] == [
        "Finanzierungsquelle 1: Bitte einen Namen angeben (z. B. „Eigenmittel“).",
        "Finanzierungsquelle „EU“: „x“ ist kein Betrag in Euro.",
    ]
    assert errors["responsible"] == [
        "Lea Lesend hat die Rolle „Lesende“ und kann kein Projekt verantworten (nur Kernteam "
        "und Mitwirkende)."
    ]
    assert "king" in errors["municipal_role"][0]
    assert "999999" in errors["field_of_action"][0]
    assert not Project.objects.exists()


def test_negative_funding_amount_is_refused(team: Team) -> None:
    with pytest.raises(ValidationError) as exc:
        new(team, funding_sources=[{"name": "Land", "amount": "-1"}])
    assert messages_of(exc)["funding_sources"] == [
        "Der Betrag der Finanzierungsquelle „Land“ darf nicht negativ sein."
    ]


def test_funding_summary_under_and_without_budget(team: Team) -> None:
    project = new(team, budget="100", funding_sources=[{"name": "A", "amount": "40"}])
    summary = portfolio.funding_summary(project)
    assert (summary.funded, summary.difference, summary.over) == (
        Decimal("40.00"),
        Decimal("60.00"),
        False,
    )
    assert summary.text == "Von 100,00 € Budget sind 40,00 € finanziert; es fehlen 60,00 €."
    other = new(team, "Ohne Budget", funding_sources=[{"name": "B", "amount": None}])
    assert portfolio.funding_summary(other).unknown == 1
    assert not portfolio.funding_summary(other).over


def test_readers_and_partners_do_not_change_projects(team: Team) -> None:
    project = new(team)
    for user in (team.lea, team.pia):
        with pytest.raises(PermissionDenied):
            portfolio.create_project(actor=user, workspace=team.workspace, values={"title": "X"})
        with pytest.raises(PermissionDenied):
            portfolio.update_project(actor=user, project=project, version=1, values={"title": "Y"})
        with pytest.raises(PermissionDenied):
            portfolio.delete_project(actor=user, project=project, version=1)
    # contributors do
    portfolio.update_project(actor=team.carl, project=project, version=1, values={"title": "Y"})
    assert fresh(project).title == "Y"


def test_update_writes_a_version_and_logs_the_changes(team: Team) -> None:
    project = new(team)
    portfolio.update_project(
        actor=team.carl,
        project=project,
        version=1,
        values={"title": "Smart Trampen 2", "budget": "1000", "summary": "kurz"},
    )
    project = fresh(project)
    assert project.version == 2 and project.updated_by == team.carl
    line = Activity.objects.filter(target_id=project.pk, verb="updated").get()
    assert line.changes["title"] == ["Smart Trampen", "Smart Trampen 2"]
    assert line.target_version == 2
    # nothing changed: no new version
    portfolio.update_project(
        actor=team.carl, project=project, version=2, values={"title": "Smart Trampen 2"}
    )
    assert fresh(project).version == 2


def test_stale_version_is_refused_naming_fields_and_person(team: Team) -> None:
    project = new(team)
    portfolio.update_project(actor=team.carl, project=project, version=1, values={"budget": "5"})
    with pytest.raises(VersionConflict) as exc:
        portfolio.update_project(
            actor=team.anna, project=project, version=1, values={"title": "Neu"}
        )
    assert exc.value.fields == ["budget"]
    assert exc.value.current_version == 2
    assert "Carl Mitwirkend" in exc.value.message
    assert "Budget (Euro)" in exc.value.message
    assert fresh(project).title == "Smart Trampen"


# --------------------------------------------------------------------------- status rules


@pytest.mark.parametrize(
    ("old", "new_status", "needs"),
    [
        ("sketch", "risk_assessed", False),
        ("risk_assessed", "decided", False),
        ("in_preparation", "in_operation", False),  # the prototype is optional
        ("in_preparation", "prototype", False),
        ("sketch", "decided", True),  # risk assessment left out
        ("decided", "sketch", True),  # back
        ("evaluated", "in_operation", True),
        ("decided", "stopped", True),
        ("sketch", "stopped", True),
        ("stopped", "decided", True),
        ("decided", "decided", False),
    ],
)
def test_reason_rules(old: str, new_status: str, needs: bool) -> None:
    assert bool(portfolio.reason_required(old, new_status)) is needs


def test_status_change_without_needed_reason_is_refused_and_with_reason_logged(team: Team) -> None:
    project = new(team)
    with pytest.raises(ValidationError) as exc:
        portfolio.update_project(
            actor=team.anna, project=project, version=1, values={"status": "stopped"}
        )
    assert messages_of(exc)["status_reason"] == [
        "Ein Projekt wird nur mit Begründung gestoppt (z. B. welches Abbruchkriterium erfüllt ist)."
    ]
    with pytest.raises(ValidationError) as exc:
        portfolio.update_project(
            actor=team.anna, project=project, version=1, values={"status": "decided"}
        )
    assert "„Risiken bewertet“ übersprungen" in messages_of(exc)["status_reason"][0]
    portfolio.update_project(
        actor=team.anna,
        project=project,
        version=1,
        values={"status": "stopped"},
        status_reason="Fördermittel abgelehnt",
    )
    history = portfolio.status_history(fresh(project))
    assert len(history) == 1
    assert history[0].details == "Status: Skizze → gestoppt; Begründung: Fördermittel abgelehnt"
    # one step forward needs no reason
    other = new(team, "Zweites")
    portfolio.update_project(
        actor=team.anna, project=other, version=1, values={"status": "risk_assessed"}
    )
    assert fresh(other).status == "risk_assessed"


def test_projects_are_not_created_stopped(team: Team) -> None:
    with pytest.raises(ValidationError) as exc:
        new(team, status="stopped")
    assert "gestoppt" in messages_of(exc)["status"][0]
    assert new(team, "Läuft schon", status="in_operation").status == "in_operation"


def test_stopping_a_project_others_depend_on_warns(team: Team) -> None:
    base = new(team, "Datenplattform")
    app = new(team, "App")
    portfolio.set_dependencies(actor=team.anna, project=app, version=1, depends_on=[base.pk])
    saved = portfolio.update_project(
        actor=team.anna,
        project=base,
        version=1,
        values={"status": "stopped"},
        status_reason="zu teuer",
    )
    assert saved.warnings == ["Von diesem gestoppten Projekt hängen ab: App."]


# --------------------------------------------------------------------------- dependencies


def test_dependencies_are_versioned_and_cycles_are_named(team: Team) -> None:
    a, b, c = new(team, "A"), new(team, "B"), new(team, "C")
    portfolio.set_dependencies(actor=team.anna, project=a, version=1, depends_on=[b.pk])
    portfolio.set_dependencies(actor=team.anna, project=b, version=1, depends_on=[c])
    a = fresh(a)
    assert a.version == 2
    assert [p.title for p in portfolio.dependencies(a)] == ["B"]
    assert [p.title for p in portfolio.dependents(fresh(c))] == ["B"]
    line = Activity.objects.filter(target_id=a.pk, verb="updated").get()
    assert line.changes == {"depends_on": ["–", "B"]}
    with pytest.raises(ValidationError) as exc:
        portfolio.set_dependencies(actor=team.anna, project=c, version=1, depends_on=[a.pk])
    assert messages_of(exc)["depends_on"] == [
        "Das ergäbe eine zyklische Abhängigkeit: „C“ → „A“ → „B“ → „C“. Ein Projekt kann "
        "nicht – auch nicht über andere Projekte – von sich selbst abhängen."
    ]
    with pytest.raises(ValidationError) as exc:
        portfolio.set_dependencies(actor=team.anna, project=c, version=1, depends_on=[c.pk])
    assert messages_of(exc)["depends_on"] == ["Ein Projekt kann nicht von sich selbst abhängen."]
    assert portfolio.dependencies(fresh(c)) == []


def test_dependencies_stay_in_the_workspace_and_among_live_projects(team: Team) -> None:
    from kompass.strategy import services

    other_ws = services.create_workspace(
        actor=team.anna, municipality=team.personas.musterstadt, title="Anderes"
    )
    foreign = portfolio.create_project(
        actor=team.anna, workspace=other_ws, values={"title": "Fremd"}
    ).project
    a, gone = new(team, "A"), new(team, "Weg")
    portfolio.delete_project(actor=team.anna, project=gone, version=1)
    with pytest.raises(ValidationError) as exc:
        portfolio.set_dependencies(
            actor=team.anna, project=a, version=1, depends_on=[foreign.pk, gone.pk]
        )
    assert messages_of(exc)["depends_on"] == [
        f"Ein Projekt „{foreign.pk}“ gibt es in diesem Arbeitsraum nicht.",
        "Projekt „Weg“ ist gelöscht; davon kann kein Projekt abhängen.",
    ]


# --------------------------------------------------------------------------- bin


def test_delete_and_restore_within_30_days(team: Team) -> None:
    project = new(team)
    stone = portfolio.create_milestone(
        actor=team.anna, project=project, values={"title": "Start", "due_date": "2026-03-01"}
    )
    with pytest.raises(VersionConflict):
        portfolio.delete_project(actor=team.anna, project=project, version=7)
    portfolio.delete_project(actor=team.anna, project=project, version=1)
    assert not Project.objects.filter(pk=project.pk).exists()
    assert portfolio.milestones(team.workspace) == []
    assert portfolio.deleted_projects(team.workspace) == [fresh(project)]
    with pytest.raises(ValidationError):
        portfolio.update_project(actor=team.anna, project=project, version=2, values={"title": "x"})
    portfolio.restore_project(actor=team.anna, project=fresh(project))
    assert fresh(project).deleted_at is None and fresh(project).version == 3
    assert portfolio.milestones(team.workspace) == [stone]
    # after 30 days it cannot come back
    portfolio.delete_project(actor=team.anna, project=fresh(project), version=3)
    Project.all_objects.filter(pk=project.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31)
    )
    with pytest.raises(ValidationError) as exc:
        portfolio.restore_project(actor=team.anna, project=fresh(project))
    assert "mehr als 30 Tagen" in exc.value.messages[0]


# --------------------------------------------------------------------------- milestones


def test_milestones_rules_versions_and_restore(team: Team) -> None:
    project = new(team)
    with pytest.raises(ValidationError) as exc:
        portfolio.create_milestone(
            actor=team.anna, project=project, values={"title": "", "kind": "party"}
        )
    errors = messages_of(exc)
    assert errors["title"] == ["Bitte den Meilenstein benennen."]
    assert errors["due_date"] == ["Bitte einen Termin angeben."]
    assert errors["kind"] == ["Art „party“ gibt es nicht."]
    stone = portfolio.create_milestone(
        actor=team.carl,
        project=project,
        values={"title": "Ratsbeschluss", "kind": "decision", "due_date": dt.date(2026, 5, 1)},
    )
    assert stone.describe() == "Beschluss „Ratsbeschluss“"
    portfolio.update_milestone(actor=team.anna, milestone=stone, version=1, values={"done": True})
    stone = Milestone.objects.get(pk=stone.pk)
    assert stone.done and stone.done_on == timezone.localdate() and stone.version == 2
    with pytest.raises(VersionConflict) as conflict:
        portfolio.update_milestone(
            actor=team.carl, milestone=stone, version=1, values={"title": "x"}
        )
    assert "erreicht" in conflict.value.labels
    with pytest.raises(ValidationError) as exc:
        portfolio.update_milestone(
            actor=team.anna,
            milestone=stone,
            version=2,
            values={"done_on": timezone.localdate() + dt.timedelta(days=3)},
        )
    assert messages_of(exc)["done_on"] == ["„Erreicht am“ darf nicht in der Zukunft liegen."]
    with pytest.raises(PermissionDenied):
        portfolio.delete_milestone(actor=team.lea, milestone=stone, version=2)
    portfolio.delete_milestone(actor=team.anna, milestone=stone, version=2)
    portfolio.delete_project(actor=team.anna, project=project, version=1)
    with pytest.raises(ValidationError) as exc:
        portfolio.restore_milestone(actor=team.anna, milestone=Milestone.all_objects.get())
    assert "stellen Sie zuerst das Projekt wieder her" in exc.value.messages[0]
    portfolio.restore_project(actor=team.anna, project=fresh(project))
    portfolio.restore_milestone(actor=team.anna, milestone=Milestone.all_objects.get())
    assert Milestone.objects.count() == 1


# --------------------------------------------------------------------------- weights


def publish(team: Team, weights: dict[str, int] | None = None, **kw: Any) -> CriteriaWeighting:
    return portfolio.save_weights(
        actor=team.anna,
        workspace=team.workspace,
        weights=weights or {},
        publish=True,
        **kw,
    )


def test_only_the_core_team_sets_weights(team: Team) -> None:
    for user in (team.carl, team.lea, team.pia):
        with pytest.raises(PermissionDenied):
            portfolio.save_weights(actor=user, workspace=team.workspace, weights={})


def test_weights_are_validated(team: Team) -> None:
    with pytest.raises(ValidationError) as exc:
        portfolio.save_weights(
            actor=team.anna,
            workspace=team.workspace,
            weights={"goal_alignment": 11, "durability": 1.5, "beauty": 2},
        )
    assert messages_of(exc)["weights"] == [
        "Gewicht für „inhaltliche Verknüpfung mit Visionen und Zielen für die Smart City und "
        "Wahrscheinlichkeit der Zielerreichung“: 11 liegt nicht zwischen 0 und 10.",
        "Gewicht für „zeitliche Nachhaltigkeit des Projekts“: Bitte eine ganze Zahl von 0 bis 10 "
        "angeben.",
        "Ein Kriterium „beauty“ gibt es nicht.",
    ]
    with pytest.raises(ValidationError) as exc:
        portfolio.save_weights(
            actor=team.anna, workspace=team.workspace, weights=dict.fromkeys(CRITERIA, 0)
        )
    assert messages_of(exc)["weights"] == [
        "Mindestens ein Kriterium braucht ein Gewicht größer als 0."
    ]


def test_nobody_scores_before_publication(team: Team) -> None:
    project = new(team)
    portfolio.save_weights(actor=team.anna, workspace=team.workspace, weights={"durability": 3})
    row = portfolio.weighting(team.workspace)
    assert row is not None and row.number == 0 and not row.is_published
    assert row.weights["durability"] == 3 and row.weights["acceptance"] == 1
    with pytest.raises(ValidationError) as exc:
        portfolio.score_project(
            actor=team.anna, project=project, weighting_number=0, scores={"durability": 3}
        )
    assert "noch nicht veröffentlicht" in messages_of(exc)["weights"][0]
    published = publish(team, version=row.version)
    assert published.number == 1 and published.published_by == team.anna
    assert published.published_at is not None


def test_scores_totals_and_ranking_by_hand(team: Team) -> None:
    """Weights: goal_alignment 3, feasibility_funding 2, acceptance 1, all others 0.

    A: 5, 4, 3 → (15 + 8 + 3) / 6 = 26/6 = 4.33
    B: 2, 5, 5 → (6 + 10 + 5) / 6 = 21/6 = 3.50
    C: 5, 4, 3 → equal to A, shares rank 1
    D: only two criteria scored → no total, no rank
    """
    weights = dict.fromkeys(CRITERIA, 0) | {
        "goal_alignment": 3,
        "feasibility_funding": 2,
        "acceptance": 1,
    }
    publish(team, weights)
    a, b, c, d = (new(team, t) for t in "ABCD")
    for project, scores in (
        (a, (5, 4, 3)),
        (b, (2, 5, 5)),
        (c, (5, 4, 3)),
    ):
        portfolio.score_project(
            actor=team.carl,
            project=project,
            weighting_number=1,
            scores=dict(
                zip(["goal_alignment", "feasibility_funding", "acceptance"], scores, strict=True)
            ),
        )
    portfolio.score_project(
        actor=team.carl,
        project=d,
        weighting_number=1,
        scores={"goal_alignment": 1, "acceptance": 1, "durability": 5},
    )
    matrix = portfolio.matrix(team.workspace)
    by_title = {r.project.title: r for r in matrix.rows}
    assert by_title["A"].total_exact == Fraction(26, 6)
    assert by_title["A"].total == Decimal("4.33")
    assert by_title["B"].total == Decimal("3.50")
    assert (by_title["A"].rank, by_title["C"].rank, by_title["B"].rank) == (1, 1, 3)
    assert by_title["D"].total is None and by_title["D"].rank is None
    assert by_title["D"].missing == ["feasibility_funding"]
    assert [r.project.title for r in matrix.rows] == ["A", "C", "B", "D"]


def test_scores_are_checked(team: Team) -> None:
    publish(team)
    project = new(team)
    with pytest.raises(ValidationError) as exc:
        portfolio.score_project(
            actor=team.anna,
            project=project,
            weighting_number=1,
            scores={"durability": 6, "nothing": 1, "acceptance": True},
        )
    assert messages_of(exc)["scores"] == [
        "„zeitliche Nachhaltigkeit des Projekts“: Bitte eine Bewertung von 1 bis 5 wählen.",
        "Ein Kriterium „nothing“ gibt es nicht.",
        "„Akzeptanzpotenziale von Maßnahmen und Handlungsansätzen in Verwaltung und/oder "
        "Stadtgesellschaft“: Bitte eine Bewertung von 1 bis 5 wählen.",
    ]
    with pytest.raises(PermissionDenied):
        portfolio.score_project(
            actor=team.pia, project=project, weighting_number=1, scores={"durability": 3}
        )


def test_changing_published_weights_needs_confirmation_and_forces_a_rescore(team: Team) -> None:
    """Weights all 1: A scored 4 everywhere → total 4. Change goal_alignment to 3 (Fassung 2):
    A shows no total ("neu bewerten") until re-scored; re-scored with goal_alignment 1 and 4
    elsewhere: (3·1 + 9·4) / 12 = 39/12 = 3.25."""
    row = publish(team)
    a = new(team, "A")
    portfolio.score_project(
        actor=team.carl, project=a, weighting_number=1, scores=dict.fromkeys(CRITERIA, 4)
    )
    assert portfolio.matrix(team.workspace).rows[0].total == Decimal("4.00")
    with pytest.raises(ValidationError) as exc:
        portfolio.save_weights(
            actor=team.anna,
            workspace=team.workspace,
            weights={"goal_alignment": 3},
            version=row.version,
        )
    assert "Es gibt schon 10 Bewertungen nach Fassung 1" in messages_of(exc)["confirm"][0]
    assert portfolio.weighting(team.workspace).number == 1  # type: ignore[union-attr]
    row = portfolio.save_weights(
        actor=team.anna,
        workspace=team.workspace,
        weights={"goal_alignment": 3},
        version=row.version,
        confirm=True,
    )
    assert row.number == 2
    assert row.history[0]["number"] == 1 and row.history[0]["weights"]["goal_alignment"] == 1
    matrix = portfolio.matrix(team.workspace)
    assert matrix.rows[0].total is None
    assert matrix.rows[0].stale == CRITERIA
    assert matrix.rows[0].state_text.startswith("neu bewerten: inhaltliche Verknüpfung")
    # scoring under the old Fassung is refused: scales are never mixed
    with pytest.raises(portfolio.WeightingChanged) as changed:
        portfolio.score_project(
            actor=team.carl, project=a, weighting_number=1, scores={"goal_alignment": 1}
        )
    assert changed.value.current_number == 2
    assert "jetzt Fassung 2" in changed.value.message
    # a partial re-score still shows no total
    portfolio.score_project(
        actor=team.carl, project=a, weighting_number=2, scores={"goal_alignment": 1}
    )
    assert portfolio.matrix(team.workspace).rows[0].total is None
    portfolio.score_project(
        actor=team.carl,
        project=a,
        weighting_number=2,
        scores={slug: 4 for slug in CRITERIA if slug != "goal_alignment"},
    )
    assert portfolio.matrix(team.workspace).rows[0].total == Decimal("3.25")
    assert set(Assessment.objects.values_list("weighting_number", flat=True)) == {2}


def test_weights_change_without_scores_needs_no_confirmation(team: Team) -> None:
    row = publish(team)
    row = portfolio.save_weights(
        actor=team.anna, workspace=team.workspace, weights={"durability": 2}, version=row.version
    )
    assert row.number == 2
    # the same weights again: no new Fassung
    same = portfolio.save_weights(
        actor=team.anna, workspace=team.workspace, weights={"durability": 2}, version=row.version
    )
    assert same.number == 2 and same.version == row.version


def test_concurrent_scoring_of_the_same_criterion_is_a_conflict(team: Team) -> None:
    publish(team)
    project = new(team)
    portfolio.score_project(
        actor=team.carl,
        project=project,
        weighting_number=1,
        scores={"durability": 2},
        versions={"durability": 0},
    )
    with pytest.raises(VersionConflict) as exc:
        portfolio.score_project(
            actor=team.anna,
            project=project,
            weighting_number=1,
            scores={"durability": 5},
            versions={"durability": 0},
        )
    assert "Carl Mitwirkend" in exc.value.message and exc.value.current_version == 1
    assert Assessment.objects.get().score == 2
    # removing a score is a soft delete
    portfolio.score_project(
        actor=team.anna,
        project=project,
        weighting_number=1,
        scores={"durability": None},
        versions={"durability": 1},
    )
    assert not Assessment.objects.exists() and Assessment.all_objects.count() == 1


def test_traffic_light_needs_a_rationale(team: Team) -> None:
    project = new(team)
    with pytest.raises(ValidationError) as exc:
        portfolio.decide_traffic_light(
            actor=team.anna, project=project, version=1, traffic_light="green", rationale=" "
        )
    assert messages_of(exc)["traffic_light_rationale"] == [
        "Bitte begründen Sie die Ampel „grün“ für dieses Projekt."
    ]
    portfolio.decide_traffic_light(
        actor=team.carl,
        project=project,
        version=1,
        traffic_light="red",
        rationale="Doppelt zu Projekt X",
    )
    project = fresh(project)
    assert (project.traffic_light, project.traffic_light_rationale) == (
        "red",
        "Doppelt zu Projekt X",
    )
    portfolio.decide_traffic_light(
        actor=team.carl, project=project, version=2, traffic_light="", rationale="egal"
    )
    assert fresh(project).traffic_light_rationale == ""
    with pytest.raises(PermissionDenied):
        portfolio.decide_traffic_light(
            actor=team.lea, project=project, version=3, traffic_light="green", rationale="x"
        )


# --------------------------------------------------------------------------- roadmap, portfolio


def test_roadmap_by_horizon_field_and_time(team: Team) -> None:
    mob, edu = field(team, "Mobilität"), field(team, "Bildung")
    a = new(
        team,
        "A",
        horizon="short_term",
        field_of_action=mob,
        start_date=dt.date(2026, 3, 1),
        end_date=dt.date(2026, 9, 1),
    )
    b = new(team, "B", horizon="long_term", field_of_action=edu)
    new(team, "C")
    stopped = new(team, "Gestoppt", horizon="short_term")
    portfolio.update_project(
        actor=team.anna,
        project=stopped,
        version=1,
        values={"status": "stopped"},
        status_reason="x",
    )
    portfolio.create_milestone(
        actor=team.anna,
        project=b,
        values={
            "title": "Förderantrag",
            "kind": "funding_deadline",
            "due_date": dt.date(2027, 2, 1),
        },
    )
    road = portfolio.roadmap(team.workspace)
    assert [(v, [p.title for p in ps]) for v, _l, ps in road.horizons] == [
        ("short_term", ["A"]),
        ("medium_term", []),
        ("long_term", ["B"]),
        ("", ["C"]),
    ]
    grid = {
        (foa.title if foa else None): [[p.title for p in c] for c in cells]
        for foa, cells in road.grid
    }
    assert grid["Mobilität"] == [["A"], [], [], []]
    assert grid["Bildung"] == [[], [], ["B"], []]
    assert grid[None] == [[], [], [], ["C"]]
    assert (road.start, road.end) == (dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    assert [y for y, _x in road.years] == [2026, 2027]
    bars = {bar.project.title: bar for bar in road.bars}
    assert set(bars) == {"A", "B"}
    assert bars["A"].x < bars["B"].milestones[0][1]
    assert [m.title for m in road.milestones] == ["Förderantrag"]
    assert a.pk in [p.pk for p in portfolio.projects(team.workspace)]


def test_portfolio_filters_and_totals(team: Team) -> None:
    mob = field(team)
    carl = team.member(team.carl)
    new(
        team,
        "A",
        budget="100",
        field_of_action=mob,
        responsible=carl,
        funding_sources=[{"name": "x", "amount": "30"}],
    )
    new(team, "B", budget="50", horizon="long_term")
    new(team, "C")
    everything = portfolio.projects(team.workspace)
    totals = portfolio.totals(everything)
    assert (totals.count, totals.budget, totals.funded, totals.without_budget) == (
        3,
        Decimal("150.00"),
        Decimal("30.00"),
        1,
    )

    def titles(**query: Any) -> list[str]:
        return [
            p.title
            for p in portfolio.projects(team.workspace, portfolio.PortfolioFilter.from_query(query))
        ]

    assert titles(handlungsfeld=str(mob.pk)) == ["A"]
    assert titles(verantwortlich=str(carl.pk)) == ["A"]
    assert titles(horizont="long_term") == ["B"]
    assert titles(horizont="none") == ["A", "C"]
    assert titles(status="decided") == []
    assert titles(status="bogus") == ["A", "B", "C"]


def test_idea_promotion_creates_a_project_the_portfolio_shows(team: Team) -> None:
    idea = items.create_item(
        Idea(workspace=team.workspace, title="Mitfahrbank", idea="Bänke mit App", goal="Mobil"),
        actor=team.anna,
    )
    project = ideas.promote_idea(actor=team.anna, idea=idea, version=1)
    assert [p.pk for p in portfolio.projects(team.workspace)] == [project.pk]
    portfolio.update_project(
        actor=team.anna, project=project, version=1, values={"status": "risk_assessed"}
    )
