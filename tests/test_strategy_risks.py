"""Risk matrix services (step 6): the configurable scale and what a change does to scored
risks, re-scoring, the band rule, validation, versioning, conflicts, delete/restore and
closing a project's risk assessment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kompass.strategy import items, risks
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import Activity, Project
from kompass.strategy.models_risks import Risk, RiskScale, RiskScaleVersion
from kompass.strategy.process import load_all
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = pytest.mark.django_db

FIVE = ["sehr gering", "gering", "mittel", "hoch", "sehr hoch"]
THREE = ["selten", "gelegentlich", "häufig"]


def make_project(team: Team, title: str = "Digitale Bürgerdienste", **extra: Any) -> Project:
    return items.create_item(
        Project(workspace=team.workspace, title=title, **extra), actor=team.anna
    )


def make_risk(team: Team, title: str = "Lock-in beim Anbieter", **values: Any) -> Risk:
    return risks.create_risk(actor=team.anna, workspace=team.workspace, title=title, **values)


def three_level_scale(team: Team, confirm: bool = True) -> RiskScale:
    scale = risks.current_scale(team.workspace)
    return risks.change_scale(
        actor=team.anna,
        workspace=team.workspace,
        version=scale.version,
        probability_labels=THREE,
        damage_labels=["klein", "spürbar", "schwer"],
        confirm=confirm,
    )


# --------------------------------------------------------------------------- the guide's data


def test_default_scale_is_the_templates_one_to_five_created_on_first_use(team: Team) -> None:
    assert not RiskScale.objects.exists()
    scale = risks.current_scale(team.workspace)
    template = load_all().worksheet("risk_matrix").field("risks")
    probability = next(c for c in template.columns if c.id == "probability")
    assert probability.scale is not None
    assert dict(probability.scale.labels) == {1: "sehr gering", 5: "sehr hoch"}
    assert scale.probability_labels == FIVE and scale.damage_labels == FIVE
    assert (scale.version, scale.probability_levels, scale.damage_levels) == (1, 5, 5)
    assert risks.current_scale(team.workspace).pk == scale.pk
    assert RiskScale.all_objects.count() == 1
    snapshot = RiskScaleVersion.objects.get(workspace=team.workspace)
    assert (snapshot.version, snapshot.probability_labels) == (1, FIVE)
    line = Activity.objects.get(target_type="strategy.riskscale")
    assert line.verb == "created" and line.actor is None


def test_choices_and_categories_come_from_the_shipped_worksheet() -> None:
    table = load_all().worksheet("risk_matrix").field("risks")
    for name in ("perspective", "duration", "influence_level"):
        column = next(c for c in table.columns if c.id == name)
        assert Risk._meta.get_field(name).choices == [(o.value, o.label) for o in column.options]
    assert risks.category_titles() == {c.slug: c.title for c in load_all().risk_categories}
    assert "technical" in risks.category_titles()
    assert risks.scope_labels() == FIVE


# --------------------------------------------------------------------------- band rule


@pytest.mark.parametrize(
    ("probability", "damage", "p_levels", "d_levels", "band"),
    [
        # 5 × 5 (maximum 25): high from 13 (2·s ≥ 25), low up to 5 (5·s ≤ 25).
        (1, 1, 5, 5, "low"),
        (1, 5, 5, 5, "low"),  # 5
        (2, 3, 5, 5, "medium"),  # 6
        (3, 4, 5, 5, "medium"),  # 12
        (3, 5, 5, 5, "high"),  # 15
        (5, 5, 5, 5, "high"),
        # 3 × 3 (maximum 9): high from 5, low only 1.
        (1, 1, 3, 3, "low"),
        (1, 2, 3, 3, "medium"),  # 2
        (2, 2, 3, 3, "medium"),  # 4
        (2, 3, 3, 3, "high"),  # 6
        # 10 × 10 (maximum 100): low up to 20, high from 50.
        (2, 10, 10, 10, "low"),  # 20
        (7, 7, 10, 10, "medium"),  # 49
        (5, 10, 10, 10, "high"),  # 50
        # 4 × 6 (maximum 24): low up to 4, high from 12.
        (1, 4, 4, 6, "low"),
        (2, 3, 4, 6, "medium"),
        (2, 6, 4, 6, "high"),
    ],
)
def test_band_rule(probability: int, damage: int, p_levels: int, d_levels: int, band: str) -> None:
    assert risks.band_for(probability, damage, p_levels, d_levels) == band


@pytest.mark.parametrize(
    ("value", "old", "new", "mapped"),
    [
        (1, 5, 3, 1),
        (2, 5, 3, 2),  # 1.5 rounds up
        (3, 5, 3, 2),
        (4, 5, 3, 3),  # 2.5 rounds up
        (5, 5, 3, 3),
        (2, 3, 5, 3),
        (3, 3, 5, 5),
        (4, 5, 10, 8),  # 1 + 3 · 9/4 = 7.75
    ],
)
def test_proportional_mapping(value: int, old: int, new: int, mapped: int) -> None:
    assert risks.map_level(value, old, new) == mapped


# --------------------------------------------------------------------------- creating


def test_create_risk_scores_under_the_current_scale_and_logs(team: Team) -> None:
    project = make_project(team)
    risk = make_risk(
        team,
        project=project.pk,
        category="external",
        description="Abhängigkeit von proprietärer Software",
        perspective="administration",
        consequence_types=["economic", "technical"],
        probability="3",
        damage=5,
        scope=4,
        duration="long_term",
        influence_level="national",
        mitigation="Offene Schnittstellen ausschreiben",
        emergency_plan="Ersatzanbieter vorhalten",
        abort_criteria="Kosten steigen um mehr als 30 %",
        owner=team.member(team.carl).pk,
    )
    assert (risk.probability, risk.damage, risk.score, risk.band) == (3, 5, 15, "high")
    assert risk.scale_version == 1 and risk.version == 1
    assert risk.project == project and risk.owner_label == "Carl Mitwirkend"
    # Options are stored in the worksheet's order, whatever order they were sent in.
    assert risk.consequence_types == ["technical", "economic"]
    assert risk.category_label == "Externe Risiken"
    line = Activity.objects.get(target_type="strategy.risk", target_id=risk.pk)
    assert (line.verb, line.actor, line.object_description) == (
        "created",
        team.anna,
        "Risiko „Lock-in beim Anbieter“",
    )


def test_create_risk_validates_every_field_in_german(team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        risks.create_risk(
            actor=team.anna,
            workspace=team.workspace,
            title="  ",
            category="weather",
            perspective="inside",
            consequence_types=["social", "cosmic"],
            probability=6,
            damage=2,
            scope=0,
            project=99999,
            owner=99999,
        )
    messages = error.value.message_dict
    assert messages["title"] == ["Bitte eine Kurzbezeichnung angeben."]
    assert messages["category"] == ["Die Art der Risiken „weather“ gibt es nicht."]
    assert messages["perspective"] == ["Perspektive „inside“ gibt es nicht."]
    assert messages["consequence_types"] == ["Art der Folgeeffekte „cosmic“ gibt es nicht."]
    assert messages["probability"] == [
        "Die Eintrittswahrscheinlichkeit muss zwischen 1 und 5 liegen, nicht 6."
    ]
    assert messages["scope"] == ["Der Wirkungsumfang muss zwischen 1 und 5 liegen, nicht 0."]
    assert messages["project"] == ["Projekt 99999 gibt es in diesem Arbeitsraum nicht."]
    assert messages["owner"] == ["Mitglied 99999 gehört nicht zu diesem Arbeitsraum."]
    assert not Risk.all_objects.exists()


def test_create_risk_rules_across_fields(team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        make_risk(
            team,
            category="other",
            probability=2,
            owner=team.member(team.lea).pk,
            owner_name="Herr Beispiel, Ordnungsamt",
        )
    messages = error.value.message_dict
    assert messages["category_other"] == ["Bei „Andere Art“ bitte die Art des Risikos benennen."]
    assert messages["damage"] == [
        "Bitte Eintrittswahrscheinlichkeit und Schadenshöhe zusammen bewerten."
    ]
    assert "nicht beides" in messages["owner_name"][0]
    risk = make_risk(team, category="other", category_other="Wetter", owner_name="Frau Extern")
    assert (risk.category_label, risk.owner_label, risk.score, risk.band) == (
        "Wetter",
        "Frau Extern",
        None,
        "",
    )


@pytest.mark.parametrize("who", ["reader", "external_partner"])
def test_readers_and_partners_do_not_write_risks(team: Team, who: str) -> None:
    risk = make_risk(team)
    user = team.user(who)
    with pytest.raises(PermissionDenied):
        risks.create_risk(actor=user, workspace=team.workspace, title="X")
    with pytest.raises(PermissionDenied):
        risks.update_risk(actor=user, risk=risk, version=1, title="Y")
    with pytest.raises(PermissionDenied):
        risks.delete_risk(actor=user, risk=risk, version=1)
    with pytest.raises(PermissionDenied):
        risks.rescore_risk(actor=user, risk=risk, version=1, probability=1, damage=1)
    assert Risk.objects.get().version == 1


def test_contributors_write_risks_but_only_the_core_team_changes_the_scale(team: Team) -> None:
    risk = risks.create_risk(actor=team.carl, workspace=team.workspace, title="Akzeptanz")
    risks.update_risk(actor=team.carl, risk=risk, version=1, probability=2, damage=2)
    scale = risks.current_scale(team.workspace)
    for who in ("contributor", "reader", "external_partner"):
        with pytest.raises(PermissionDenied, match="nur das Kernteam"):
            risks.change_scale(
                actor=team.user(who),
                workspace=team.workspace,
                version=1,
                probability_labels=THREE,
                damage_labels=THREE,
                confirm=True,
            )
    assert risks.current_scale(team.workspace).version == scale.version == 1


# --------------------------------------------------------------------------- scale changes


def test_scale_labels_are_validated(team: Team) -> None:
    scale = risks.current_scale(team.workspace)
    with pytest.raises(ValidationError) as error:
        risks.change_scale(
            actor=team.anna,
            workspace=team.workspace,
            version=scale.version,
            probability_labels=["a", "b"],
            damage_labels=["a", "", "c", "A", "x" * 61, *[str(i) for i in range(6)]],
        )
    messages = error.value.message_dict
    assert messages["probability_labels"] == [
        "Die Eintrittswahrscheinlichkeit braucht 3 bis 10 Stufen, nicht 2."
    ]
    assert messages["damage_labels"] == ["Die Schadenshöhe braucht 3 bis 10 Stufen, nicht 11."]
    with pytest.raises(ValidationError) as error:
        risks.change_scale(
            actor=team.anna,
            workspace=team.workspace,
            version=scale.version,
            probability_labels=["a", "", "c"],
            damage_labels=["a", "b", "A", "x" * 61, "", ""],
        )
    messages = error.value.message_dict
    assert messages["probability_labels"] == [
        "Die Eintrittswahrscheinlichkeit: Stufe 2 braucht eine Bezeichnung."
    ]
    assert messages["damage_labels"] == [
        "Die Schadenshöhe: Die Bezeichnung von Stufe 4 ist länger als 60 Zeichen.",
        "Die Schadenshöhe: Die Bezeichnung „A“ kommt mehrfach vor.",
    ]
    assert risks.current_scale(team.workspace).version == 1


def test_scale_change_without_scored_risks_needs_no_confirmation(team: Team) -> None:
    unscored = make_risk(team)
    changed = three_level_scale(team, confirm=False)
    assert changed.version == 2 and changed.probability_labels == THREE
    assert RiskScaleVersion.objects.filter(workspace=team.workspace).count() == 2
    assert not risks.needs_rescore(Risk.objects.get(pk=unscored.pk), changed)
    line = Activity.objects.filter(target_type="strategy.riskscale").first()
    assert line is not None and line.actor == team.anna
    assert "3 Stufen (selten, gelegentlich, häufig)" in line.details


def test_scale_change_with_scored_risks_needs_confirmation_and_flags_them(team: Team) -> None:
    scored = make_risk(team, probability=4, damage=5)
    other = make_risk(team, title="Datenschutz", probability=1, damage=1)
    unscored = make_risk(team, title="Offen")
    with pytest.raises(ValidationError) as error:
        three_level_scale(team, confirm=False)
    assert error.value.message_dict["confirm"] == [
        "Unter der jetzigen Skala sind 2 Risiken bewertet. Nach der Änderung müssen sie neu "
        "bewertet werden und zählen bis dahin nicht in der Risikomatrix. Bitte bestätigen Sie "
        "die Änderung ausdrücklich."
    ]
    assert risks.current_scale(team.workspace).version == 1
    assert risks.heatmap(team.workspace).total == 2

    scale = three_level_scale(team, confirm=True)
    assert scale.version == 2
    # Never converted: the old values stay, only the flag changes.
    for risk, values in ((scored, (4, 5, 20, "high", 1)), (other, (1, 1, 1, "low", 1))):
        fresh = Risk.objects.get(pk=risk.pk)
        assert (fresh.probability, fresh.damage, fresh.score, fresh.band) == values[:4]
        assert fresh.scale_version == values[4] and fresh.version == 1
        assert risks.needs_rescore(fresh, scale)
    assert not risks.needs_rescore(Risk.objects.get(pk=unscored.pk), scale)
    heat = risks.heatmap(team.workspace)
    assert (heat.total, heat.rescore, heat.unscored) == (0, 2, 1)
    assert heat.bands == {"low": 0, "medium": 0, "high": 0}
    assert len(heat.rows) == 3 and all(len(row.cells) == 3 for row in heat.rows)
    current = risks.filter_risks(team.workspace, scale, risks.RiskFilter())
    assert list(current) == [Risk.objects.get(pk=unscored.pk)]
    outdated = risks.filter_risks(team.workspace, scale, risks.RiskFilter(rescore=True))
    assert {r.pk for r in outdated} == {scored.pk, other.pk}
    assert not risks.filter_risks(team.workspace, scale, risks.RiskFilter(band="high")).exists()
    line = Activity.objects.filter(target_type="strategy.riskscale").first()
    assert line is not None and "2 Risiken müssen neu bewertet werden." in line.details


def test_old_values_are_shown_with_the_old_labels(team: Team) -> None:
    risk = make_risk(team, probability=4, damage=2)
    three_level_scale(team)
    view = risks.score_view(Risk.objects.get(pk=risk.pk), risks.scale_versions(team.workspace))
    assert view is not None
    assert (view.probability, view.probability_label, view.probability_levels) == (4, "hoch", 5)
    assert (view.damage, view.damage_label, view.scale_version) == (2, "gering", 1)


def test_unchanged_scale_is_no_new_version(team: Team) -> None:
    make_risk(team, probability=2, damage=2)
    scale = risks.current_scale(team.workspace)
    same = risks.change_scale(
        actor=team.anna,
        workspace=team.workspace,
        version=1,
        probability_labels=[*FIVE, "", ""],
        damage_labels=FIVE,
    )
    assert same.version == scale.version == 1


def test_stale_scale_change_is_a_conflict(team: Team) -> None:
    three_level_scale(team)
    with pytest.raises(VersionConflict) as error:
        risks.change_scale(
            actor=team.anna,
            workspace=team.workspace,
            version=1,
            probability_labels=FIVE,
            damage_labels=FIVE,
        )
    assert error.value.current_version == 2
    assert set(error.value.fields) == {"probability_labels", "damage_labels"}
    assert risks.current_scale(team.workspace).probability_labels == THREE


# --------------------------------------------------------------------------- re-scoring


def test_rescore_with_the_proposal_and_log(team: Team) -> None:
    risk = make_risk(team, probability=4, damage=2)
    scale = three_level_scale(team)
    risk = Risk.objects.get(pk=risk.pk)
    assert risks.proposal(risk, scale) == (3, 2)
    rescored = risks.rescore_risk(actor=team.carl, risk=risk, version=1, probability=3, damage=2)
    assert (rescored.probability, rescored.damage, rescored.score) == (3, 2, 6)
    assert rescored.scale_version == 2 and rescored.band == "high"  # 2·6 ≥ 9
    assert rescored.version == 2 and rescored.updated_by == team.carl
    assert not risks.needs_rescore(rescored, scale)
    assert risks.proposal(rescored, scale) is None
    heat = risks.heatmap(team.workspace)
    assert (heat.total, heat.rescore) == (1, 0)
    cell = next(c for row in heat.rows for c in row.cells if (c.probability, c.damage) == (3, 2))
    assert (cell.count, cell.risk_ids, cell.band) == (1, [risk.pk], "high")
    line = Activity.objects.filter(target_type="strategy.risk", target_id=risk.pk).first()
    assert line is not None
    assert line.details == (
        "Neu bewertet: 4 „hoch“ × 2 „gering“ (Skala Version 1) → "
        "3 „häufig“ × 2 „spürbar“ (Skala Version 2)."
    )


def test_rescore_needs_both_values_of_the_current_scale(team: Team) -> None:
    risk = make_risk(team, probability=5, damage=5)
    three_level_scale(team)
    with pytest.raises(ValidationError) as error:
        risks.rescore_risk(actor=team.anna, risk=risk, version=1, probability=5, damage=None)
    assert error.value.message_dict == {
        "damage": ["Bitte die Schadenshöhe nach der jetzigen Skala wählen."]
    }
    with pytest.raises(ValidationError) as error:
        risks.rescore_risk(actor=team.anna, risk=risk, version=1, probability=5, damage=3)
    assert error.value.message_dict == {
        "probability": ["Die Eintrittswahrscheinlichkeit muss zwischen 1 und 3 liegen, nicht 5."]
    }
    assert Risk.objects.get(pk=risk.pk).scale_version == 1


def test_editing_an_outdated_risk_keeps_old_values_but_refuses_new_ones(team: Team) -> None:
    risk = make_risk(team, probability=5, damage=4)
    three_level_scale(team)
    # The form of an outdated risk sends the old values back unchanged: not a re-score.
    edited = risks.update_risk(
        actor=team.anna, risk=risk, version=1, title="Neuer Titel", probability=5, damage=4
    )
    assert (edited.title, edited.probability, edited.scale_version, edited.version) == (
        "Neuer Titel",
        5,
        1,
        2,
    )
    with pytest.raises(ValidationError) as error:
        risks.update_risk(actor=team.anna, risk=edited, version=2, probability=2, damage=2)
    assert "Neu bewerten" in error.value.message_dict["probability"][0]
    assert Risk.objects.get(pk=risk.pk).probability == 5


# --------------------------------------------------------------------------- versions


def test_update_is_versioned_and_a_stale_version_is_a_conflict(team: Team) -> None:
    risk = make_risk(team, probability=1, damage=1)
    updated = risks.update_risk(
        actor=team.carl, risk=risk, version=1, title="Lock-in", probability=5, damage=5
    )
    assert (updated.version, updated.score, updated.band) == (2, 25, "high")
    line = Activity.objects.filter(target_type="strategy.risk", target_id=risk.pk).first()
    assert line is not None and line.actor == team.carl and line.target_version == 2
    assert line.changes["title"] == ["Lock-in beim Anbieter", "Lock-in"]
    assert line.changes["band"] == ["gering", "hoch"]
    with pytest.raises(VersionConflict) as error:
        risks.update_risk(actor=team.anna, risk=risk, version=1, mitigation="Verträge prüfen")
    assert "Kurzbezeichnung" in error.value.labels
    assert error.value.actors == ["Carl Mitwirkend"]
    assert "wurde inzwischen geändert" in error.value.message
    assert Risk.objects.get(pk=risk.pk).mitigation == ""
    # Nothing changed: no new version.
    same = risks.update_risk(actor=team.anna, risk=updated, version=2, title="Lock-in")
    assert same.version == 2


def test_clearing_the_score(team: Team) -> None:
    risk = make_risk(team, probability=2, damage=3)
    cleared = risks.update_risk(actor=team.anna, risk=risk, version=1, probability=None, damage="")
    assert (cleared.probability, cleared.score, cleared.band, cleared.scale_version) == (
        None,
        None,
        "",
        None,
    )


# --------------------------------------------------------------------------- delete, restore


def test_delete_and_restore_within_thirty_days(team: Team) -> None:
    risk = make_risk(team, probability=3, damage=3)
    risks.delete_risk(actor=team.carl, risk=risk, version=1)
    assert not risks.visible_risks(team.workspace).exists()
    assert risks.heatmap(team.workspace).total == 0
    assert [r.pk for r in risks.deleted_risks(team.workspace)] == [risk.pk]
    deleted = Risk.all_objects.get(pk=risk.pk)
    with pytest.raises(ValidationError, match="gelöscht"):
        risks.update_risk(actor=team.anna, risk=deleted, version=2, title="X")
    restored = risks.restore_risk(actor=team.anna, risk=deleted)
    assert restored.deleted_at is None and restored.version == 3
    assert risks.heatmap(team.workspace).total == 1
    verbs = list(
        Activity.objects.filter(target_type="strategy.risk", target_id=risk.pk)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "deleted", "restored"]


def test_restore_after_thirty_days_is_refused(team: Team) -> None:
    risk = make_risk(team)
    risks.delete_risk(actor=team.anna, risk=risk, version=1)
    Risk.all_objects.filter(pk=risk.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    assert risks.deleted_risks(team.workspace) == []
    with pytest.raises(ValidationError, match="vor mehr als 30 Tagen"):
        risks.restore_risk(actor=team.anna, risk=Risk.all_objects.get(pk=risk.pk))


def test_risks_of_a_deleted_project_are_hidden_and_restored_with_it(team: Team) -> None:
    project = make_project(team)
    risk = make_risk(team, project=project.pk, probability=2, damage=2)
    strategy_risk = make_risk(team, title="Übergeordnet", probability=2, damage=2)
    items.soft_delete_item(project, actor=team.anna, version=1)
    assert list(risks.visible_risks(team.workspace)) == [strategy_risk]
    risks_deleted = Risk.objects.get(pk=risk.pk)
    items.soft_delete_item(risks_deleted, actor=team.anna, version=1)
    with pytest.raises(ValidationError, match="Bitte zuerst Projekt „Digitale Bürgerdienste“"):
        risks.restore_risk(actor=team.anna, risk=Risk.all_objects.get(pk=risk.pk))


# --------------------------------------------------------------------------- filters


def test_filters_and_sorting(team: Team) -> None:
    project = make_project(team)
    a = make_risk(
        team, title="A", project=project.pk, category="technical", probability=5, damage=5
    )
    b = make_risk(
        team, title="B", category="external", probability=1, damage=2, owner_name="Extern"
    )
    c = make_risk(team, title="C", owner=team.member(team.carl).pk)
    scale = risks.current_scale(team.workspace)

    def titles(**chosen: Any) -> list[str]:
        found = risks.filter_risks(team.workspace, scale, risks.RiskFilter(**chosen))
        return [r.title for r in found]

    assert titles() == ["A", "B", "C"]  # highest score first, unscored last
    assert titles(sort="wert-aufsteigend") == ["B", "A", "C"]
    assert titles(sort="titel") == ["A", "B", "C"]
    assert titles(project=str(project.pk)) == ["A"]
    assert titles(project=risks.STRATEGY_LEVEL) == ["B", "C"]
    assert titles(category="external") == ["B"]
    assert titles(band="high") == ["A"] and titles(band="low") == ["B"]
    assert titles(owner="extern") == ["B"]
    assert titles(owner=str(team.member(team.carl).pk)) == ["C"]
    assert titles(owner="niemand") == ["A"]
    assert titles(probability="5", damage="5") == ["A"]
    assert titles(rescore=True) == []
    assert {a.pk, b.pk, c.pk} == {r.pk for r in risks.visible_risks(team.workspace)}


# --------------------------------------------------------------------------- projects


def test_closing_the_assessment_sets_the_project_status(team: Team) -> None:
    project = make_project(team)
    with pytest.raises(ValidationError) as error:
        risks.complete_assessment(actor=team.carl, project=project, version=1)
    assert error.value.message_dict["status"] == [
        "Für Projekt „Digitale Bürgerdienste“ ist noch kein Risiko erfasst."
    ]
    risk = make_risk(team, project=project.pk, probability=2, damage=4)
    open_one = make_risk(team, title="Noch offen", project=project.pk)
    with pytest.raises(ValidationError, match="Noch nicht bewertet: „Noch offen“"):
        risks.complete_assessment(actor=team.carl, project=project, version=1)
    risks.update_risk(actor=team.anna, risk=open_one, version=1, probability=1, damage=1)
    three_level_scale(team)
    with pytest.raises(ValidationError, match="neu zu bewerten: „Lock-in beim Anbieter“"):
        risks.complete_assessment(actor=team.carl, project=project, version=1)
    for each in Risk.objects.filter(project=project):
        risks.rescore_risk(
            actor=team.anna, risk=each, version=each.version, probability=1, damage=1
        )
    with pytest.raises(PermissionDenied):
        risks.complete_assessment(actor=team.lea, project=project, version=1)
    done = risks.complete_assessment(actor=team.carl, project=project, version=1)
    assert done.status == Project.Status.RISK_ASSESSED and done.version == 2
    line = Activity.objects.filter(target_type="strategy.project", target_id=project.pk).first()
    assert line is not None and line.actor == team.carl
    assert line.changes == {"status": ["Skizze", "Risiken bewertet"]}
    with pytest.raises(ValidationError, match="nur für Projekte im Status „Skizze“"):
        risks.complete_assessment(actor=team.carl, project=done, version=2)
    assert risk.pk


def test_closing_the_assessment_with_a_stale_project_version_is_a_conflict(team: Team) -> None:
    project = make_project(team)
    make_risk(team, project=project.pk, probability=1, damage=1)
    items.update_item(project, actor=team.anna, version=1, values={"summary": "Neu"})
    with pytest.raises(VersionConflict):
        risks.complete_assessment(actor=team.carl, project=project, version=1)
    assert Project.objects.get(pk=project.pk).status == Project.Status.SKETCH
