"""Services of fields of action, ideas, dot voting, promotion and the atlas take-over
(kompass.strategy.fields, kompass.strategy.ideas). Pages: test_strategy_ideas_views.py,
API: test_strategy_ideas_api.py."""

from __future__ import annotations

import datetime as dt
import threading
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from kompass.strategy import fields, ideas, services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    VOTES_PER_PARTICIPANT,
    Activity,
    ActorGroup,
    FieldOfAction,
    Idea,
    Project,
    Vote,
    VotingRound,
)
from kompass.strategy.process import load_all
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - fixture "team"

pytestmark = pytest.mark.django_db


def make_field(team: Team, title: str = "Mobilität", **values: Any) -> FieldOfAction:
    return fields.create_field(actor=team.anna, workspace=team.workspace, title=title, **values)


def make_idea(team: Team, title: str = "Mitfahrbank-App", actor: Any = None, **values: Any) -> Idea:
    return ideas.create_idea(
        actor=actor or team.anna, workspace=team.workspace, title=title, **values
    )


def open_round(team: Team, round_number: int = 1) -> VotingRound:
    return ideas.open_voting(actor=team.anna, workspace=team.workspace, round_number=round_number)


# --------------------------------------------------------------------------- shipped rules


def test_rules_and_groups_come_from_the_worksheet() -> None:
    rules = load_all().worksheet("idea_cards").rules
    assert VOTES_PER_PARTICIPANT == rules["votes_per_participant"] == 3
    assert ideas.worksheet_actor_groups() == [(v, str(label)) for v, label in ActorGroup.choices]
    assert list(ideas.GROUP_STYLES) == list(ActorGroup.values)
    # colour plus a distinct shape for every group
    assert len({s.colour for s in ideas.GROUP_STYLES.values()}) == 4
    assert len({s.symbol for s in ideas.GROUP_STYLES.values()}) == 4


def test_impact_matrix_terms_and_atlas_fields_come_from_the_vocabulary() -> None:
    terms = {t.term: t for t in fields.impact_matrix_terms()}
    assert len(terms) == 11
    assert terms["Verwaltung"].atlas_fields == ("administration", "data_platform")
    assert terms["Handel, Innenstadt und Tourismus"].atlas_fields == ("retail", "society")
    assert [slug for slug, _ in fields.atlas_fields()][:2] == ["administration", "mobility"]
    assert len(fields.atlas_fields()) == 10
    assert ("networker", "Kommune als Netzwerkerin") in fields.municipal_roles()


# --------------------------------------------------------------------------- fields of action


def test_a_new_workspace_has_no_fields_and_seeding_maps_onto_the_atlas(team: Team) -> None:
    assert not FieldOfAction.objects.filter(workspace=team.workspace).exists()
    created = fields.seed_fields(
        actor=team.carl, workspace=team.workspace, terms=["Mobilität", "Verwaltung"]
    )
    # in the matrix's order, not the order of the request
    assert [f.title for f in created] == ["Verwaltung", "Mobilität"]
    verwaltung = created[0]
    assert verwaltung.source_term == "Verwaltung"
    assert verwaltung.atlas_fields == ["administration", "data_platform"]
    assert verwaltung.created_by == team.carl and verwaltung.version == 1
    assert [f.position for f in created] == [1, 2]
    line = Activity.objects.get(
        target_type="strategy.fieldofaction", target_id=verwaltung.pk, verb="created"
    )
    assert "Wirkungsmatrix" in line.details
    assert [t.term for t in fields.unused_matrix_terms(team.workspace)][:2] == [
        "Energie",
        "Gesundheit",
    ]


def test_seeding_refuses_duplicates_unknown_terms_and_readers(team: Team) -> None:
    fields.seed_fields(actor=team.anna, workspace=team.workspace, terms=["Energie"])
    with pytest.raises(ValidationError) as error:
        fields.seed_fields(actor=team.anna, workspace=team.workspace, terms=["Energie", "Kultur"])
    assert "„Energie“" in error.value.message_dict["terms"][0]
    assert "schon" in error.value.message_dict["terms"][0]
    with pytest.raises(ValidationError, match="nicht in der Wirkungsmatrix"):
        fields.seed_fields(actor=team.anna, workspace=team.workspace, terms=["Raumfahrt"])
    with pytest.raises(ValidationError, match="mindestens ein"):
        fields.seed_fields(actor=team.anna, workspace=team.workspace, terms=[])
    for user in (team.lea, team.pia, team.personas.mia):
        with pytest.raises(PermissionDenied):
            fields.seed_fields(actor=user, workspace=team.workspace, terms=["Kultur"])
    assert FieldOfAction.objects.filter(workspace=team.workspace).count() == 1


def test_field_validation_messages_are_german_and_per_field(team: Team) -> None:
    with pytest.raises(ValidationError) as error:
        fields.create_field(
            actor=team.anna,
            workspace=team.workspace,
            title=" ",
            spatial_reference="district",
            municipal_role="king",
            responsibility="boss",
            atlas_fields=["mobility", "space"],
        )
    errors = error.value.message_dict
    assert errors["title"] == ["Bitte eine Bezeichnung für das Handlungsfeld angeben."]
    assert "Stadtteil" in errors["spatial_note"][0]
    assert "„king“" in errors["municipal_role"][0]
    assert "„boss“" in errors["responsibility"][0]
    assert "space" in errors["atlas_fields"][0]


def test_create_field_with_district_role_and_atlas_fields(team: Team) -> None:
    field = make_field(
        team,
        "Bahnhofsquartier",
        kind="cross_cutting",
        spatial_reference="district",
        spatial_note="  Bahnhofsviertel ",
        municipal_role="networker",
        responsibility="impulse",
        atlas_fields=["society", "mobility", "mobility"],
    )
    assert field.spatial_note == "Bahnhofsviertel"
    assert field.atlas_fields == ["mobility", "society"]  # canonical order, no duplicates
    assert field.get_responsibility_display() == "Impulsgeberin"
    # the whole town needs no district: a leftover note is cleared
    field = fields.update_field(actor=team.anna, field=field, version=1, spatial_reference="city")
    assert field.spatial_note == "" and field.version == 2


def test_field_update_is_versioned_and_conflicts_name_the_fields(team: Team) -> None:
    field = make_field(team)
    fields.update_field(actor=team.carl, field=field, version=1, description="Verkehr")
    with pytest.raises(VersionConflict) as conflict:
        fields.update_field(actor=team.anna, field=field, version=1, title="Verkehr")
    assert conflict.value.fields == ["description"]
    assert "Carl Mitwirkend" in conflict.value.message
    assert "Beschreibung" in conflict.value.message
    assert FieldOfAction.objects.get(pk=field.pk).title == "Mobilität"
    with pytest.raises(PermissionDenied):
        fields.update_field(actor=team.pia, field=field, version=2, title="x")


def test_delete_and_restore_a_field_within_thirty_days(team: Team) -> None:
    field = make_field(team)
    idea = make_idea(team, field_of_action=field.pk)
    fields.delete_field(actor=team.anna, field=field, version=1)
    assert not FieldOfAction.objects.filter(pk=field.pk).exists()
    assert Idea.objects.get(pk=idea.pk).field_of_action_id == field.pk  # link kept
    deleted = fields.deleted_fields(team.workspace).get()
    restored = fields.restore_field(actor=team.carl, field=deleted)
    assert restored.deleted_at is None and restored.version == 3
    fields.delete_field(actor=team.anna, field=restored, version=3)
    old = FieldOfAction.all_objects.get(pk=field.pk)
    old.deleted_at = timezone.now() - dt.timedelta(days=31)
    old.save()
    with pytest.raises(ValidationError, match="mehr als 30 Tagen"):
        fields.restore_field(actor=team.anna, field=old)


def test_move_field_renumbers_and_versions_the_moved_ones(team: Team) -> None:
    a, b, c = (make_field(team, t) for t in ("A", "B", "C"))
    fields.move_field(actor=team.anna, field=c, version=1, direction="up")
    order = list(FieldOfAction.objects.filter(workspace=team.workspace))
    assert [f.title for f in order] == ["A", "C", "B"]
    assert {f.title: f.version for f in order} == {"A": 1, "C": 2, "B": 2}
    with pytest.raises(VersionConflict):
        fields.move_field(actor=team.anna, field=c, version=1, direction="up")
    fields.set_positions(actor=team.anna, workspace=team.workspace, order=[b.pk, a.pk, c.pk])
    assert [f.title for f in FieldOfAction.objects.filter(workspace=team.workspace)] == [
        "B",
        "A",
        "C",
    ]
    with pytest.raises(ValidationError, match="genau einmal"):
        fields.set_positions(actor=team.anna, workspace=team.workspace, order=[a.pk])


def test_field_list_counts_live_ideas_and_projects(team: Team) -> None:
    field = make_field(team)
    make_idea(team, "A", field_of_action=field.pk)
    gone = make_idea(team, "B", field_of_action=field.pk)
    ideas.delete_idea(actor=team.anna, idea=gone, version=1)
    ideas.promote_idea(
        actor=team.anna, idea=make_idea(team, "C", field_of_action=field.pk), version=1
    )
    row = fields.live_fields(team.workspace).get()
    assert (row.idea_count, row.project_count) == (2, 1)


# --------------------------------------------------------------------------- ideas


def test_create_idea_defaults_to_the_latest_round_and_the_long_list(team: Team) -> None:
    services.update_step(actor=team.anna, step=team.step("5"), version=1, state="skipped")
    services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    idea = make_idea(team, partners="Landkreis\n\n Ärztinnen und Ärzte \nLandkreis", actor=team.pia)
    assert idea.round == 2 and idea.status == Idea.Status.LONGLIST
    assert idea.partners == ["Landkreis", "Ärztinnen und Ärzte"]
    assert idea.origin_kind == "own" and idea.created_by == team.pia
    with pytest.raises(ValidationError) as error:
        make_idea(team, title="", round=7)
    assert error.value.message_dict["title"] == ["Bitte der Idee einen Titel (Projekt) geben."]
    assert error.value.message_dict["round"] == ["Arbeitsschritt 5 hat keine Runde 7."]
    with pytest.raises(PermissionDenied):
        make_idea(team, actor=team.lea)
    with pytest.raises(PermissionDenied):  # partners propose, they do not pre-select
        make_idea(team, actor=team.pia, status="shortlist")


def test_partners_edit_their_own_ideas_but_not_the_status(team: Team) -> None:
    own = make_idea(team, "Eigene", actor=team.pia)
    other = make_idea(team, "Fremde")
    own = ideas.update_idea(actor=team.pia, idea=own, version=1, goal="Mehr Teilhabe")
    assert own.version == 2
    with pytest.raises(PermissionDenied):
        ideas.update_idea(actor=team.pia, idea=own, version=2, status="shortlist")
    with pytest.raises(PermissionDenied):
        ideas.update_idea(actor=team.pia, idea=other, version=1, goal="x")
    with pytest.raises(PermissionDenied):
        ideas.delete_idea(actor=team.pia, idea=other, version=1)
    ideas.delete_idea(actor=team.pia, idea=own, version=2)
    restored = ideas.restore_idea(actor=team.pia, idea=Idea.all_objects.get(pk=own.pk))
    assert restored.version == 4
    with pytest.raises(PermissionDenied):
        ideas.update_idea(actor=team.lea, idea=other, version=1, goal="x")


def test_status_lifecycle(team: Team) -> None:
    idea = make_idea(team)
    idea = ideas.update_idea(actor=team.carl, idea=idea, version=1, status="shortlist")
    idea = ideas.update_idea(actor=team.carl, idea=idea, version=2, status="discarded")
    with pytest.raises(ValidationError, match="nicht direkt"):
        ideas.update_idea(actor=team.carl, idea=idea, version=3, status="shortlist")
    with pytest.raises(ValidationError, match="Zurückgestellte"):
        ideas.promote_idea(actor=team.anna, idea=idea, version=3)
    with pytest.raises(ValidationError, match="Projektskizze ausarbeiten"):
        ideas.update_idea(actor=team.carl, idea=idea, version=3, status="promoted")
    idea = ideas.update_idea(actor=team.carl, idea=idea, version=3, status="longlist")
    assert idea.status == "longlist" and idea.version == 4
    lines = Activity.objects.filter(target_id=idea.pk, target_type="strategy.idea", verb="updated")
    assert "Status: Longlist → vorausgewählt" in [line.details for line in lines]


def test_idea_conflict_is_detected(team: Team) -> None:
    idea = make_idea(team)
    ideas.update_idea(actor=team.carl, idea=idea, version=1, goal="A")
    with pytest.raises(VersionConflict) as conflict:
        ideas.update_idea(actor=team.anna, idea=idea, version=1, title="Neu")
    assert conflict.value.fields == ["goal"] and conflict.value.current_version == 2


def test_promotion_creates_a_prefilled_sketch_and_links_both_ways(team: Team) -> None:
    field = make_field(team, "Gesamtstadt verknüpfen")
    idea = make_idea(
        team,
        "Smart Trampen",
        field_of_action=field.pk,
        idea="Vernetzte Mitfahrbänke",
        goal="Mobilität auf dem Land",
        partners=["IT-Dienstleister", "Öffentlichkeitsarbeit"],
    )
    with pytest.raises(PermissionDenied):
        ideas.promote_idea(actor=team.pia, idea=idea, version=1)
    project = ideas.promote_idea(actor=team.carl, idea=idea, version=1)
    assert project.status == Project.Status.SKETCH and project.version == 1
    assert project.title == "Smart Trampen" and project.field_of_action == field
    assert project.created_by == team.carl
    assert project.sketch == {
        "title": "Smart Trampen",
        "idea": "Vernetzte Mitfahrbänke",
        "field_of_action": "Gesamtstadt verknüpfen",
        "objective": "Mobilität auf dem Land",
        "participants": ["IT-Dienstleister", "Öffentlichkeitsarbeit"],
    }
    worksheet_ids = {f.id for f in load_all().worksheet("project_sketch").fields}
    assert set(project.sketch) <= worksheet_ids
    idea = Idea.objects.get(pk=idea.pk)
    assert idea.status == "promoted" and idea.promoted_to == project and idea.version == 2
    assert list(project.source_ideas.all()) == [idea]
    assert Activity.objects.filter(target_type="strategy.project", target_id=project.pk).exists()
    with pytest.raises(ValidationError, match="schon als Projektskizze"):
        ideas.promote_idea(actor=team.anna, idea=idea, version=2)
    with pytest.raises(ValidationError, match="Erst wenn die Projektskizze"):
        ideas.update_idea(actor=team.anna, idea=idea, version=2, status="shortlist")
    # once the sketch is deleted the idea can go back to the shortlist
    project.deleted_at = timezone.now()
    project.save()
    idea = ideas.update_idea(actor=team.anna, idea=idea, version=2, status="shortlist")
    assert idea.promoted_to is None


def test_field_balance_marks_fields_far_below_average(team: Team) -> None:
    a, b, c = (make_field(team, t) for t in ("A", "B", "C"))
    for n in range(5):
        make_idea(team, f"a{n}", field_of_action=a.pk)
    make_idea(team, "b", field_of_action=b.pk)
    discarded = make_idea(team, "c", field_of_action=c.pk)
    ideas.update_idea(actor=team.anna, idea=discarded, version=1, status="discarded")
    rows = {r.field.title: (r.count, r.below_half) for r in ideas.field_balance(team.workspace)}
    # average 2: B (1) is not below half, C (0 live, discarded does not count) is
    assert rows == {"A": (5, False), "B": (1, False), "C": (0, True)}


# --------------------------------------------------------------------------- voting


def test_voting_opens_and_closes_by_the_core_team_only(team: Team) -> None:
    for user in (team.carl, team.lea, team.pia):
        with pytest.raises(PermissionDenied):
            ideas.open_voting(actor=user, workspace=team.workspace, round_number=1)
    with pytest.raises(ValidationError, match="keine Runde 2"):
        ideas.open_voting(actor=team.anna, workspace=team.workspace, round_number=2)
    voting = open_round(team)
    assert voting.is_open and voting.version == 1
    with pytest.raises(ValidationError, match="schon geöffnet"):
        open_round(team)
    with pytest.raises(PermissionDenied):
        ideas.close_voting(actor=team.carl, voting=voting, version=1)
    closed = ideas.close_voting(actor=team.anna, voting=voting, version=1)
    assert not closed.is_open and closed.version == 2
    reopened = open_round(team)
    assert reopened.is_open and reopened.version == 3
    changes = Activity.objects.filter(target_type="strategy.votinground").values_list(
        "details", flat=True
    )
    assert "Abstimmung: geöffnet → geschlossen" in list(changes)


def test_three_dots_per_participant_several_on_one_idea(team: Team) -> None:
    first, second = make_idea(team, "A"), make_idea(team, "B")
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        ideas.cast_vote(actor=team.carl, idea=first, actor_group="administration")
    open_round(team)
    with pytest.raises(ValidationError, match="Akteursgruppe"):
        ideas.cast_vote(actor=team.carl, idea=first)
    ideas.cast_vote(actor=team.carl, idea=first, actor_group="administration")
    ideas.cast_vote(actor=team.carl, idea=first)
    ideas.cast_vote(actor=team.carl, idea=second)
    with pytest.raises(ValidationError) as error:
        ideas.cast_vote(actor=team.carl, idea=second)
    assert "alle 3 Punkte" in error.value.messages[0]
    votes = Vote.objects.filter(voter=team.member(team.carl))
    assert sorted(v.slot for v in votes) == [1, 2, 3]
    assert {v.actor_group for v in votes} == {"administration"}
    # the group cannot change while dots are placed
    with pytest.raises(ValidationError, match="schon für Verwaltung"):
        ideas.choose_group(
            actor=team.carl, workspace=team.workspace, round_number=1, actor_group="science"
        )
    ideas.withdraw_vote(actor=team.carl, idea=first)
    assert ideas.my_dots(team.workspace, team.member(team.carl), 1) == {
        first.pk: 1,
        second.pk: 1,
    }
    ideas.cast_vote(actor=team.carl, idea=second)
    with pytest.raises(ValidationError, match="keinen Punkt"):
        ideas.withdraw_vote(actor=team.pia, idea=first)
    with pytest.raises(PermissionDenied):
        ideas.cast_vote(actor=team.lea, idea=first, actor_group="science")
    lines = Activity.objects.filter(object_description__startswith="Klebepunkt", actor=team.carl)
    assert lines.count() == 5  # 4 dots cast, 1 withdrawn: every dot is attributable


def test_withdrawing_and_casting_is_refused_once_closed(team: Team) -> None:
    idea = make_idea(team)
    voting = open_round(team)
    ideas.cast_vote(actor=team.pia, idea=idea, actor_group="business")
    ideas.close_voting(actor=team.anna, voting=voting, version=1)
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        ideas.withdraw_vote(actor=team.pia, idea=idea)
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        ideas.cast_vote(actor=team.pia, idea=idea)
    assert Vote.objects.count() == 1


def test_the_database_refuses_a_fourth_dot_even_after_a_stale_count(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests that both counted before either wrote: the unique slot refuses the
    second writer, so nobody ever has more than three dots."""
    idea = make_idea(team)
    open_round(team)
    for _n in range(3):
        ideas.cast_vote(actor=team.carl, idea=idea, actor_group="administration")
    monkeypatch.setattr(ideas, "_used_slots", lambda voting, member: set())
    with pytest.raises(ValidationError, match="alle 3 Punkte"):
        ideas.cast_vote(actor=team.carl, idea=idea)
    assert Vote.objects.filter(voter=team.member(team.carl)).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_dots_never_exceed_three(team: Team) -> None:
    """Six simultaneous requests of one person: exactly three dots are stored."""
    if connection.vendor != "postgresql":
        pytest.skip("Threads need a server database (SQLite serialises writers anyway).")
    idea = make_idea(team)
    open_round(team)
    ideas.choose_group(
        actor=team.carl, workspace=team.workspace, round_number=1, actor_group="science"
    )
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def vote() -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            ideas.cast_vote(actor=team.carl, idea=idea)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote) for _n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 3
    assert Vote.objects.filter(voter=team.member(team.carl)).count() == 3


def test_balance_by_a_hand_computed_example() -> None:
    """Idea A: 5 dots of civil society; idea B: 1 of civil society, 3 of the administration.
    T = 9 dots, A = 2 groups voted. Weights: civil society 9 / (2 × 6) = 3/4, administration
    9 / (2 × 3) = 3/2. Balanced: A = 5 × 3/4 = 3.75; B = 1 × 3/4 + 3 × 3/2 = 5.25 – the order
    flips. Participants 2 and 1: shares 2/3 and 1/3, the same as the dots."""
    groups, scores = ideas.balance(
        {1: {"civil_society": 5}, 2: {"civil_society": 1, "administration": 3}},
        {"civil_society": 2, "administration": 1},
    )
    assert scores == {1: Fraction(15, 4), 2: Fraction(21, 4)}
    assert sum(scores.values()) == 9
    by = {g.value: g for g in groups}
    assert (by["civil_society"].dots, by["administration"].dots) == (6, 3)
    assert by["civil_society"].weight == Fraction(3, 4)
    assert by["administration"].weight == Fraction(3, 2)
    assert by["business"].weight is None and by["business"].dot_share == 0
    assert by["civil_society"].dot_share == Fraction(2, 3)
    assert by["administration"].participant_share == Fraction(1, 3)
    assert by["civil_society"].dot_percent == 66.7
    empty_groups, empty_scores = ideas.balance({1: {}}, {})
    assert empty_scores == {1: 0}
    assert all(g.dot_share is None and g.participant_share is None for g in empty_groups)


def test_results_combine_online_and_workshop_dots(team: Team) -> None:
    a, b = make_idea(team, "A"), make_idea(team, "B")
    voting = open_round(team)
    # online: Carl (administration) 3 dots on B; Pia (civil society) 1 on A
    for _n in range(3):
        ideas.cast_vote(actor=team.carl, idea=b, actor_group="administration")
    ideas.cast_vote(actor=team.pia, idea=a, actor_group="civil_society")
    # workshop: one more civil-society participant, 3 paper dots on A; 1 on B
    voting = ideas.set_workshop_participants(
        actor=team.anna, voting=voting, version=1, counts={"civil_society": 1}
    )
    ideas.record_tally(actor=team.anna, idea=a, actor_group="civil_society", dots=2)
    ideas.record_tally(actor=team.anna, idea=a, actor_group="civil_society", dots=3)
    with pytest.raises(ValidationError, match="höchstens 3"):
        ideas.record_tally(actor=team.anna, idea=b, actor_group="civil_society", dots=1)
    with pytest.raises(PermissionDenied):
        ideas.record_tally(actor=team.pia, idea=b, actor_group="civil_society", dots=1)
    ideas.record_tally(actor=team.anna, idea=b, actor_group="business", dots=4)
    with pytest.raises(ValidationError, match="mehr als 3 je Person"):
        ideas.set_workshop_participants(
            actor=team.anna, voting=voting, version=2, counts={"business": 1}
        )
    ideas.record_tally(actor=team.anna, idea=b, actor_group="business", dots=0)
    outcome = ideas.results(team.workspace, 1)
    rows = {r.idea.title: r for r in outcome.ideas}
    assert rows["A"].by_group["civil_society"] == 4 and rows["A"].total == 4
    assert rows["B"].by_group["administration"] == 3 and rows["B"].total == 3
    assert [r.idea.title for r in outcome.ideas] == ["A", "B"]
    groups = {g.value: g for g in outcome.groups}
    assert groups["civil_society"].participants == 2  # Pia online + 1 in the workshop
    assert groups["administration"].participants == 1
    # 7 dots, 2 groups: civil society 7/8 per dot, administration 7/6 per dot
    assert rows["A"].balanced == Fraction(7, 2) and rows["B"].balanced == Fraction(7, 2)
    assert rows["A"].balanced_rank == rows["B"].balanced_rank == 1
    ideas.record_tally(actor=team.anna, idea=a, actor_group="civil_society", dots=0)
    assert not Vote.objects.filter(source="workshop").exists()
    assert Activity.objects.filter(details="Zivilgesellschaft: 3 → 0").exists()


def test_deleted_ideas_do_not_count_in_the_results(team: Team) -> None:
    a = make_idea(team, "A")
    open_round(team)
    ideas.cast_vote(actor=team.carl, idea=a, actor_group="science")
    ideas.delete_idea(actor=team.anna, idea=a, version=1)
    assert ideas.results(team.workspace, 1).total_dots == 0
    ideas.restore_idea(actor=team.anna, idea=Idea.all_objects.get(pk=a.pk))
    assert ideas.results(team.workspace, 1).total_dots == 1


# --------------------------------------------------------------------------- the atlas


@pytest.fixture
def atlas(team: Team) -> dict[str, Any]:
    """A small atlas: one edition, one profile with two projects, two practice examples."""
    from kompass.atlas.models import Edition, PracticeExample, Profile, ProjectField
    from kompass.atlas.models import Project as AtlasProject
    from kompass.atlas.search import rebuild_index
    from kompass.core.models import FieldOfAction as AtlasField
    from kompass.core.shipped import load_fields_of_action

    load_fields_of_action()
    by_slug = {f.slug: f for f in AtlasField.objects.all()}
    edition = Edition.objects.create(slug="2019", title="Atlas 2019", reference_date="2019-03-01")
    profile = Profile.objects.create(
        edition=edition,
        municipality=team.personas.beispieldorf,
        slug="beispieldorf",
        name="Beispieldorf",
        land="SH",
    )
    bench = AtlasProject.objects.create(
        profile=profile,
        slug="mitfahrbank",
        title="Digitale Mitfahrbank",
        summary="Bänke mit Anzeige verbinden Ortsteile.",
        primary_field=by_slug["mobility"],
        partners=["Verkehrsverbund"],
    )
    ProjectField.objects.create(project=bench, field=by_slug["mobility"], position=0)
    ProjectField.objects.create(project=bench, field=by_slug["society"], position=1)
    portal = AtlasProject.objects.create(
        profile=profile,
        slug="portal",
        title="Bürgerportal",
        summary="Anträge online stellen.",
        primary_field=by_slug["administration"],
        position=1,
    )
    ProjectField.objects.create(project=portal, field=by_slug["administration"], position=0)
    example = PracticeExample.objects.create(
        slug="rufbus-nord",
        document="004_7b05438c2c859b61.txt",
        reference_date="2022-01-01",
        place="Nordkreis",
        land="SH",
        kind="district",
        title="Rufbus mit Zwergpinguin-App",
        summary="Ein Rufbus für die Dörfer.",
    )
    example.fields.add(by_slug["mobility"])
    rebuild_index()
    return {"bench": bench, "portal": portal, "example": example}


def test_suggestions_share_the_fields_atlas_fields(team: Team, atlas: dict[str, Any]) -> None:
    field = make_field(team, "Mobilität", atlas_fields=["mobility", "society"])
    found = ideas.suggestions(field)
    assert [(s.kind, s.title, s.shared) for s in found] == [
        ("atlas_project", "Digitale Mitfahrbank", 2),
        ("practice_example", "Rufbus mit Zwergpinguin-App", 1),
    ]
    assert found[0].url.endswith("#project-mitfahrbank")
    assert ideas.suggestions(make_field(team, "Leer")) == []


def test_take_over_keeps_the_origin_and_refuses_twice(team: Team, atlas: dict[str, Any]) -> None:
    field = make_field(team, "Mobilität", atlas_fields=["mobility"])
    idea = ideas.take_over(
        actor=team.pia,
        workspace=team.workspace,
        kind="atlas_project",
        ref=str(atlas["bench"].pk),
        field_of_action=field.pk,
    )
    assert idea.title == "Digitale Mitfahrbank" and idea.field_of_action == field
    assert idea.idea == "Bänke mit Anzeige verbinden Ortsteile."
    assert idea.partners == ["Verkehrsverbund"]
    assert (idea.origin_kind, idea.origin_ref) == ("atlas_project", str(atlas["bench"].pk))
    assert idea.origin_title == "Beispieldorf: Digitale Mitfahrbank"
    assert "#project-mitfahrbank" in idea.origin_url
    assert (
        "Übernommen aus"
        in Activity.objects.get(
            target_type="strategy.idea", target_id=idea.pk, verb="created"
        ).details
    )
    with pytest.raises(ValidationError, match="schon als Idee übernommen"):
        ideas.take_over(
            actor=team.anna, workspace=team.workspace, kind="atlas_project", ref=atlas["bench"].pk
        )
    assert [s.taken for s in ideas.suggestions(field)] == [True, False]
    example = ideas.take_over(
        actor=team.anna, workspace=team.workspace, kind="practice_example", ref="rufbus-nord"
    )
    assert example.origin_ref == "rufbus-nord" and example.field_of_action is None
    assert example.origin_url.endswith("#rufbus-nord")
    with pytest.raises(ValidationError, match="gibt es nicht"):
        ideas.take_over(
            actor=team.anna, workspace=team.workspace, kind="practice_example", ref="nix"
        )
    with pytest.raises(PermissionDenied):
        ideas.take_over(
            actor=team.lea, workspace=team.workspace, kind="atlas_project", ref=atlas["portal"].pk
        )


def test_search_box_finds_projects_and_examples(team: Team, atlas: dict[str, Any]) -> None:
    found = ideas.search_atlas(team.workspace, "Zwergpinguin")
    assert [(s.kind, s.ref) for s in found] == [("practice_example", "rufbus-nord")]
    found = ideas.search_atlas(team.workspace, "Mitfahrbank")
    assert [s.title for s in found] == ["Digitale Mitfahrbank"]
    assert ideas.search_atlas(team.workspace, "  ") == []


# --------------------------------------------------------------------------- workshop table


def _state(team: Team) -> tuple[list[tuple[int, str, int]], int, Any]:
    voting = ideas.voting_round(team.workspace, 1)
    return (
        sorted(Vote.objects.values_list("idea", "actor_group", "dots")),
        Activity.objects.count(),
        (voting.version, voting.workshop_participants) if voting else None,
    )


def test_record_workshop_writes_nothing_when_one_cell_fails(team: Team) -> None:
    a, b = make_idea(team, "A"), make_idea(team, "B")
    voting = open_round(team)
    ideas.record_tally(actor=team.carl, idea=b, actor_group="science", dots=1)
    before = _state(team)
    with pytest.raises(ValidationError) as refused:
        ideas.record_workshop(
            actor=team.carl,
            workspace=team.workspace,
            round_number=1,
            version=voting.version,
            participants={"science": 3, "business": "x"},
            tallies=[(a.pk, "science", 2), (b.pk, "science", 0), (b.pk, "business", -2)],
        )
    assert refused.value.message_dict == {
        "workshop_participants.business": [
            "Teilnehmende Wirtschaft: bitte eine ganze Zahl ab 0 eingeben."
        ],
        f"tallies.{b.pk}.business": ["„B“, Wirtschaft: bitte eine ganze Zahl ab 0 eingeben."],
    }
    assert _state(team) == before
    # With the numbers right, all cells and the participants are written together.
    saved = ideas.record_workshop(
        actor=team.carl,
        workspace=team.workspace,
        round_number=1,
        version=voting.version,
        participants={"science": 3, "business": "1"},
        tallies=[(a.pk, "science", 2), (b.pk, "science", 0), (b.pk, "business", "2")],
    )
    assert saved.workshop_participants == {"business": 1, "science": 3}
    assert sorted(Vote.objects.values_list("idea", "actor_group", "dots")) == sorted(
        [(a.pk, "science", 2), (b.pk, "business", 2)]
    )
    assert Activity.objects.count() == before[1] + 4  # participants and three cells


def test_record_workshop_cap_uses_the_new_numbers_and_names_the_raised_cells(
    team: Team,
) -> None:
    a, b = make_idea(team, "A"), make_idea(team, "B")
    voting = open_round(team)
    before = _state(team)
    with pytest.raises(ValidationError) as refused:
        ideas.record_workshop(
            actor=team.carl,
            workspace=team.workspace,
            round_number=1,
            version=voting.version,
            participants={"civil_society": 1},
            tallies=[(a.pk, "civil_society", 2), (b.pk, "civil_society", 2), (a.pk, "science", 9)],
        )
    errors = refused.value.message_dict
    assert set(errors) == {f"tallies.{a.pk}.civil_society", f"tallies.{b.pk}.civil_society"}
    assert errors[f"tallies.{a.pk}.civil_society"][0].startswith("„A“, Zivilgesellschaft: ")
    assert "höchstens 3 möglich" in errors[f"tallies.{b.pk}.civil_society"][0]
    assert _state(team) == before


def test_record_workshop_rolls_back_a_failure_while_writing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_idea(team, "A"), make_idea(team, "B")
    voting = open_round(team)
    before = _state(team)
    write = ideas._write_tally
    calls: list[int] = []

    def failing(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("Datenbank weg")
        return write(*args)

    monkeypatch.setattr(ideas, "_write_tally", failing)
    with pytest.raises(RuntimeError):
        ideas.record_workshop(
            actor=team.carl,
            workspace=team.workspace,
            round_number=1,
            version=voting.version,
            participants={"science": 2},
            tallies=[(a.pk, "science", 1), (b.pk, "science", 1)],
        )
    assert len(calls) == 2
    assert _state(team) == before


def test_record_workshop_refuses_a_stale_form_and_a_closed_voting(team: Team) -> None:
    a = make_idea(team, "A")
    voting = open_round(team)
    ideas.set_workshop_participants(
        actor=team.anna, voting=voting, version=voting.version, counts={"science": 1}
    )
    with pytest.raises(VersionConflict):
        ideas.record_workshop(
            actor=team.carl,
            workspace=team.workspace,
            round_number=1,
            version=voting.version,
            participants=None,
            tallies=[(a.pk, "science", 1)],
        )
    current = ideas.voting_round(team.workspace, 1)
    ideas.close_voting(actor=team.anna, voting=current, version=current.version)
    with pytest.raises(ValidationError, match="nicht geöffnet"):
        ideas.record_workshop(
            actor=team.carl,
            workspace=team.workspace,
            round_number=1,
            version=current.version + 1,
            participants=None,
            tallies=[(a.pk, "science", 1)],
        )
    with pytest.raises(PermissionDenied):
        ideas.record_workshop(
            actor=team.pia,
            workspace=team.workspace,
            round_number=1,
            version=current.version + 1,
            participants=None,
            tallies=[],
        )
    assert not Vote.objects.exists()


def test_set_positions_with_versions_moves_nothing_when_one_changed(team: Team) -> None:
    a, b, c = (make_field(team, t) for t in ("A", "B", "C"))
    fields.update_field(actor=team.anna, field=c, version=1, title="C neu")
    with pytest.raises(VersionConflict) as stale:
        fields.set_positions(
            actor=team.carl,
            workspace=team.workspace,
            order=[c.pk, b.pk, a.pk],
            versions={a.pk: 1, b.pk: 1, c.pk: 1},
        )
    assert stale.value.fields == ["title"]
    assert [(f.title, f.version) for f in fields.live_fields(team.workspace)] == [
        ("A", 1),
        ("B", 1),
        ("C neu", 2),
    ]
    moved = fields.set_positions(
        actor=team.carl,
        workspace=team.workspace,
        order=[c.pk, b.pk, a.pk],
        versions={a.pk: 1, b.pk: 1, c.pk: 2},
    )
    assert [(f.title, f.position, f.version) for f in moved] == [
        ("C neu", 1, 3),
        ("B", 2, 1),
        ("A", 3, 2),
    ]
    assert [f.title for f in fields.live_fields(team.workspace)] == ["C neu", "B", "A"]
    with pytest.raises(PermissionDenied):
        fields.set_positions(actor=team.pia, workspace=team.workspace, order=[a.pk, b.pk, c.pk])


def test_votes_and_promotions_have_their_own_verbs_in_the_log(team: Team) -> None:
    """The activity log says "Punkt gesetzt", "Punkt zurückgenommen" and "zur Projektskizze
    ausgearbeitet" instead of the generic created/deleted/updated."""
    from kompass.strategy.models import Activity

    idea = make_idea(team, "Mitfahrbank")
    open_round(team)
    ideas.cast_vote(actor=team.carl, idea=idea, actor_group="administration")
    ideas.withdraw_vote(actor=team.carl, idea=idea)
    ideas.promote_idea(actor=team.anna, idea=Idea.objects.get(pk=idea.pk), version=1)
    verbs = list(
        Activity.objects.filter(workspace=team.workspace)
        .order_by("id")
        .values_list("verb", flat=True)
    )
    # the dot, its withdrawal, the new project sketch, the idea marked as promoted
    assert verbs[-4:] == ["voted", "vote_withdrawn", "created", "promoted"]
    labels = dict(Activity.Verb.choices)
    assert (labels["voted"], labels["vote_withdrawn"]) == ("Punkt gesetzt", "Punkt zurückgenommen")
