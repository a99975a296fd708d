"""Strategy workspace services: workspaces, members and roles, invitations, the activity log,
step states with conflict detection, rounds, combinations, the revision loop, and the
soft-delete base of every workspace item.

The fixtures here (``team``, ``Team``, ``PEOPLE``) are shared by the view, API and browser
tests of the workspace."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kompass.strategy import items, services
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    Activity,
    StepState,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
)
from kompass.strategy.process import load_process
from kompass.strategy.steps import STEP_CODES, step_info
from tests.conftest import PASSWORD, Personas
from tests.test_digitalcheck_views import submitted_check

Role = WorkspaceMember.Role
State = StepState.State
ACCEPT = "https://kompass.example/strategie/einladung/{token}/"

#: The grid's people: workspace roles, then outsiders (None = anonymous visitor).
PEOPLE = [
    "core_team",
    "contributor",
    "reader",
    "external_partner",
    "municipality_member",
    "other_municipality",
    "no_municipality",
    "anonymous",
]
MEMBERS = PEOPLE[:4]
EDITORS = {"core_team", "contributor"}
OUTSIDERS = {"municipality_member", "other_municipality", "no_municipality"}


@dataclass
class Team:
    """Musterstadt's workspace with one member per role, and the personas around it."""

    workspace: Workspace
    personas: Personas
    anna: Any  # core team (created the workspace)
    carl: Any  # contributor, member of Musterstadt
    lea: Any  # reader, member of Musterstadt
    pia: Any  # external partner, no municipality

    def user(self, who: str) -> Any:
        return {
            "core_team": self.anna,
            "contributor": self.carl,
            "reader": self.lea,
            "external_partner": self.pia,
            "municipality_member": self.personas.mia,
            "other_municipality": self.personas.ben,
            "no_municipality": self.personas.clara,
            "anonymous": None,
        }[who]

    def member(self, user: Any) -> WorkspaceMember:
        return WorkspaceMember.objects.get(workspace=self.workspace, user=user)

    def step(self, code: str) -> StepState:
        return services.current_step(self.workspace, code)


@pytest.fixture(name="team")
def team_fixture(personas: Personas) -> Team:
    from kompass.accounts.models import Membership, User

    def person(email: str, name: str) -> Any:
        return User.objects.create_user(email=email, password=PASSWORD, name=name)

    carl = person("carl@musterstadt.example", "Carl Mitwirkend")
    lea = person("lea@musterstadt.example", "Lea Lesend")
    pia = person("pia@beratung.example", "Pia Partner")
    Membership.objects.create(user=carl, municipality=personas.musterstadt)
    Membership.objects.create(user=lea, municipality=personas.musterstadt)
    workspace = services.create_workspace(
        actor=personas.anna, municipality=personas.musterstadt, title="Digitalstrategie 2030"
    )
    for user, role in [(carl, Role.CONTRIBUTOR), (lea, Role.READER), (pia, Role.EXTERNAL_PARTNER)]:
        WorkspaceMember.objects.create(workspace=workspace, user=user, role=role)
    return Team(workspace, personas, personas.anna, carl, lea, pia)


def token_from_mail(message: Any) -> str:
    match = re.search(r"/strategie/einladung/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


# --------------------------------------------------------------------------- workspaces


def test_create_workspace_makes_the_creator_core_team_and_opens_every_step(
    personas: Personas,
) -> None:
    check = submitted_check(personas.musterstadt)
    workspace = services.create_workspace(
        actor=personas.mia,
        municipality=personas.musterstadt,
        title="Smarte Region Nord",
        kind=Workspace.Kind.DISTRICT_ALLIANCE,
        entry_variant=Workspace.EntryVariant.PILOT_FIRST,
        digitalcheck=check,
    )
    assert workspace.slug == "smarte-region-nord"
    assert workspace.digitalcheck == check
    assert list(workspace.members.values_list("user__email", "role")) == [
        ("mia@musterstadt.example", "core_team")
    ]
    steps = StepState.objects.filter(workspace=workspace)
    assert sorted(steps.values_list("code", flat=True)) == sorted(STEP_CODES)
    assert set(steps.values_list("state", "round", "version")) == {("open", 1, 1)}
    line = Activity.objects.get(workspace=workspace)
    assert line.verb == "created" and line.actor == personas.mia
    assert "Pilotprojekte zuerst" in line.details


def test_several_workspaces_per_municipality_get_unique_slugs(personas: Personas) -> None:
    first = services.create_workspace(
        actor=personas.anna, municipality=personas.musterstadt, title="Digitalstrategie"
    )
    second = services.create_workspace(
        actor=personas.anna, municipality=personas.musterstadt, title="Digitalstrategie"
    )
    other = services.create_workspace(
        actor=personas.ben, municipality=personas.beispieldorf, title="Digitalstrategie"
    )
    assert (first.slug, second.slug, other.slug) == (
        "digitalstrategie",
        "digitalstrategie-2",
        "digitalstrategie",
    )
    with pytest.raises(ValidationError) as error:
        services.create_workspace(
            actor=personas.anna,
            municipality=personas.musterstadt,
            title="Noch eine",
            slug="digitalstrategie",
        )
    assert error.value.message_dict["slug"] == [
        "Der Kurzname „digitalstrategie“ ist in Musterstadt schon vergeben."
    ]


def test_only_members_of_the_municipality_create_workspaces(personas: Personas) -> None:
    for outsider in (personas.ben, personas.clara):
        with pytest.raises(PermissionDenied, match="Nur Mitglieder von Musterstadt"):
            services.create_workspace(
                actor=outsider, municipality=personas.musterstadt, title="Fremd"
            )
    assert not Workspace.objects.exists()


def test_create_workspace_validates_each_field_in_german(personas: Personas) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_workspace(
            actor=personas.anna,
            municipality=personas.musterstadt,
            title="   ",
            kind="village",
            entry_variant="later",
            slug="Mit Leerzeichen",
            digitalcheck=submitted_check(personas.beispieldorf),
        )
    messages = error.value.message_dict
    assert messages["title"] == ["Bitte einen Titel angeben."]
    assert messages["kind"] == ["Art „village“ gibt es nicht."]
    assert messages["entry_variant"] == ["Einstieg „later“ gibt es nicht."]
    assert "Kleinbuchstaben" in messages["slug"][0]
    assert messages["digitalcheck"] == ["Dieser Digitalcheck gehört zu einer anderen Kommune."]


def test_entry_variant_labels_are_those_of_the_process_file() -> None:
    shipped = {v.slug: v.label for v in load_process().entry_variants}
    assert {k: str(v) for k, v in Workspace.EntryVariant.choices} == shipped


# --------------------------------------------------------------------------- invitations


def test_invite_and_accept_with_an_existing_account(team: Team) -> None:
    mia = team.personas.mia
    invitation, token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email=" MIA@musterstadt.example ",
        role=Role.CONTRIBUTOR,
        accept_url_template=ACCEPT,
    )
    assert invitation.email == "mia@musterstadt.example"
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert mail.outbox[-1].to == ["mia@musterstadt.example"]
    assert "Digitalstrategie 2030" in mail.outbox[-1].subject
    assert token_from_mail(mail.outbox[-1]) == token
    assert "Melden Sie sich" in mail.outbox[-1].body
    found = services.find_open_invitation(token)
    assert found == invitation
    with pytest.raises(PermissionDenied, match="gilt für mia@musterstadt.example"):
        services.accept_invitation(invitation=found, user=team.personas.ben)
    member = services.accept_invitation(invitation=found, user=mia)
    assert member.role == Role.CONTRIBUTOR
    assert services.find_open_invitation(token) is None
    verbs = list(
        Activity.objects.filter(workspace=team.workspace).values_list("verb", flat=True)[:2]
    )
    assert verbs == ["joined", "invited"]


def test_invitation_of_a_newcomer_sets_up_the_account(team: Team) -> None:
    _invitation, token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="neu@partner.example",
        role=Role.EXTERNAL_PARTNER,
        accept_url_template=ACCEPT,
    )
    assert "richten Sie Ihr Konto ein" in mail.outbox[-1].body
    invitation = services.find_open_invitation(token)
    assert invitation is not None
    with pytest.raises(ValidationError):
        services.accept_invitation_with_new_account(
            invitation=invitation, name="Nora Neu", password="123"
        )
    user = services.accept_invitation_with_new_account(
        invitation=invitation, name="Nora Neu", password="Sicheres-Passwort-42"
    )
    assert user.check_password("Sicheres-Passwort-42")
    assert not user.memberships.exists()  # joins the workspace, not the municipality
    assert team.member(user).role == Role.EXTERNAL_PARTNER


def test_only_the_core_team_invites_and_members_are_not_invited_twice(team: Team) -> None:
    for user in (team.carl, team.lea, team.pia):
        with pytest.raises(PermissionDenied):
            services.invite(
                actor=user,
                workspace=team.workspace,
                email="x@example.org",
                role=Role.READER,
                accept_url_template=ACCEPT,
            )
    with pytest.raises(ValidationError) as error:
        services.invite(
            actor=team.anna,
            workspace=team.workspace,
            email="carl@musterstadt.example",
            role=Role.READER,
            accept_url_template=ACCEPT,
        )
    assert error.value.message_dict["email"] == [
        "carl@musterstadt.example ist bereits Mitglied dieses Arbeitsraums."
    ]


def test_a_new_invitation_replaces_the_open_one_and_expired_ones_do_not_work(team: Team) -> None:
    _first, old_token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="x@example.org",
        role=Role.READER,
        accept_url_template=ACCEPT,
    )
    second, new_token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="x@example.org",
        role=Role.CONTRIBUTOR,
        accept_url_template=ACCEPT,
    )
    assert services.find_open_invitation(old_token) is None
    assert services.find_open_invitation(new_token) == second
    WorkspaceInvitation.objects.filter(pk=second.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert services.find_open_invitation(new_token) is None


def test_revoke_invitation(team: Team) -> None:
    invitation, token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="x@example.org",
        role=Role.READER,
        accept_url_template=ACCEPT,
    )
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(actor=team.carl, invitation=invitation)
    services.revoke_invitation(actor=team.anna, invitation=invitation)
    assert services.find_open_invitation(token) is None
    assert Activity.objects.filter(verb="invitation_revoked").count() == 1


# --------------------------------------------------------------------------- roles


def test_core_team_changes_roles_and_the_last_core_member_stays(team: Team) -> None:
    carl = team.member(team.carl)
    with pytest.raises(PermissionDenied):
        services.change_role(actor=team.carl, member=carl, role=Role.CORE_TEAM)
    anna = team.member(team.anna)
    with pytest.raises(ValidationError) as error:
        services.change_role(actor=team.anna, member=anna, role=Role.READER)
    assert "letzte Mitglied des Kernteams" in error.value.messages[0]
    services.change_role(actor=team.anna, member=carl, role=Role.CORE_TEAM)
    services.change_role(actor=team.carl, member=anna, role=Role.READER)
    assert team.member(team.anna).role == Role.READER
    line = Activity.objects.filter(verb="role_changed").first()
    assert line is not None and line.details == "Kernteam → Lesende"


def test_remove_member_and_leave(team: Team) -> None:
    lea = team.member(team.lea)
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=team.carl, member=lea)
    services.remove_member(actor=team.anna, member=lea)
    assert not WorkspaceMember.objects.filter(user=team.lea).exists()
    services.remove_member(actor=team.pia, member=team.member(team.pia))  # leaving
    assert Activity.objects.filter(verb="left").get().object_description == "Pia Partner"
    with pytest.raises(ValidationError, match="letzte Mitglied des Kernteams"):
        services.remove_member(actor=team.anna, member=team.member(team.anna))


def test_removing_an_owner_frees_the_step_as_a_new_version(team: Team) -> None:
    step = team.step("2")
    services.update_step(
        actor=team.anna, step=step, version=1, owner=team.member(team.carl), state="in_progress"
    )
    services.remove_member(actor=team.anna, member=team.member(team.carl))
    step = team.step("2")
    assert step.owner is None and step.version == 3
    with pytest.raises(VersionConflict) as conflict:
        services.update_step(actor=team.anna, step=step, version=2, state="done", done_reason="x")
    assert conflict.value.labels == ["Verantwortlich"]


def test_readers_and_partners_cannot_be_made_responsible(team: Team) -> None:
    for user in (team.lea, team.pia):
        with pytest.raises(ValidationError) as error:
            services.update_step(
                actor=team.anna, step=team.step("1"), version=1, owner=team.member(user)
            )
        assert "kann keinen Arbeitsschritt verantworten" in error.value.message_dict["owner"][0]


# --------------------------------------------------------------------------- steps


def test_update_step_writes_a_version_and_an_activity(team: Team) -> None:
    step = team.step("1")
    updated = services.update_step(
        actor=team.carl,
        step=step,
        version=1,
        state="in_progress",
        owner=team.member(team.carl),
        due_date=dt.date(2027, 3, 31),
        checklist=[2, 0, 0],
    )
    assert updated.version == 2
    stored = team.step("1")
    assert (stored.state, stored.checklist, stored.due_date) == (
        "in_progress",
        [0, 2],
        dt.date(2027, 3, 31),
    )
    assert stored.updated_by == team.carl
    line = Activity.objects.filter(verb="updated").get()
    assert line.target_version == 2
    assert set(line.changes) == {"state", "owner", "due_date", "checklist"}
    assert "Status: offen → in Arbeit" in line.details
    assert f"2 von {len(step.info.results)} abgehakt" in line.details
    # Nothing changed: no new version, no log line.
    services.update_step(actor=team.carl, step=stored, version=2, state="in_progress")
    assert team.step("1").version == 2
    assert Activity.objects.filter(verb="updated").count() == 1


def test_readers_and_partners_cannot_update_steps(team: Team) -> None:
    for user in (team.lea, team.pia, team.personas.mia):
        with pytest.raises(PermissionDenied):
            services.update_step(actor=user, step=team.step("1"), version=1, state="in_progress")
    assert team.step("1").version == 1


def test_stale_version_is_refused_naming_the_fields_and_the_person(team: Team) -> None:
    step = team.step("1")
    services.update_step(
        actor=team.carl, step=step, version=1, state="in_progress", due_date=dt.date(2027, 1, 1)
    )
    services.update_step(actor=team.carl, step=step, version=2, checklist=[0])
    with pytest.raises(VersionConflict) as conflict:
        services.update_step(actor=team.anna, step=step, version=1, state="skipped")
    error = conflict.value
    assert error.fields == ["state", "due_date", "checklist"]
    assert error.current_version == 3
    assert error.message == (
        "Arbeitsschritt 1 „Die Bestandsanalyse“ wurde inzwischen geändert (jetzt Version 3, "
        "Sie hatten Version 1 geladen) von Carl Mitwirkend. Geändert wurden: Status, Fällig "
        "am, Ergebnisse (Checkliste). Ihre Änderungen wurden nicht gespeichert. Bitte prüfen "
        "Sie den aktuellen Stand und speichern Sie erneut."
    )
    assert team.step("1").state == "in_progress"
    # With the current version the same change goes through.
    services.update_step(actor=team.anna, step=step, version=3, state="skipped")
    assert team.step("1").state == "skipped"


def test_done_needs_every_result_or_a_reason(team: Team) -> None:
    step = team.step("1")
    total = len(step.info.results)
    assert total >= 2
    with pytest.raises(ValidationError) as error:
        services.update_step(actor=team.anna, step=step, version=1, state="done", checklist=[0])
    message = error.value.message_dict["state"][0]
    assert message.startswith("Arbeitsschritt 1: noch nicht abgehakt: „")
    assert f"„{step.info.results[1]}“" in message
    assert f"„{step.info.results[0]}“" not in message
    assert team.step("1").version == 1
    services.update_step(
        actor=team.anna,
        step=step,
        version=1,
        state="done",
        checklist=[0],
        done_reason="Rest im Ratsbeschluss vom Mai erledigt",
    )
    assert team.step("1").done_reason == "Rest im Ratsbeschluss vom Mai erledigt"
    services.update_step(actor=team.anna, step=step, version=2, state="in_progress")
    assert team.step("1").done_reason == ""  # the reason belongs to "erledigt" only
    services.update_step(
        actor=team.anna, step=step, version=3, state="done", checklist=list(range(total))
    )
    assert team.step("1").state == "done"


def test_checklist_numbers_are_checked_against_the_step(team: Team) -> None:
    step = team.step("2")
    total = len(step.info.results)
    with pytest.raises(ValidationError) as error:
        services.update_step(actor=team.anna, step=step, version=1, checklist=[total])
    assert error.value.message_dict["checklist"] == [
        f"Arbeitsschritt 2 hat {total} Ergebnisse (Nummern 0 bis {total - 1}); „{total}“ "
        "gehört nicht dazu."
    ]


def test_special_module_without_results_is_done_without_a_reason(team: Team) -> None:
    step = team.step("SB")
    assert step.info.results == ()
    services.update_step(actor=team.anna, step=step, version=1, state="done")
    assert team.step("SB").state == "done"


# --------------------------------------------------------------------------- rounds and loops


def test_only_step_five_repeats_and_only_after_the_round_is_closed(team: Team) -> None:
    repeatable = [code for code in STEP_CODES if step_info(code).repeatable]
    assert repeatable == ["5"]
    with pytest.raises(ValidationError, match="Arbeitsschritt 6 lässt sich nicht wiederholen"):
        services.start_new_round(actor=team.anna, workspace=team.workspace, code="6")
    with pytest.raises(ValidationError, match="Runde 1 ist noch offen"):
        services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    services.update_step(
        actor=team.anna, step=team.step("5"), version=1, state="done", done_reason="erste Runde"
    )
    second = services.start_new_round(actor=team.carl, workspace=team.workspace, code="5")
    assert (second.round, second.state, second.checklist) == (2, "in_progress", [])
    assert team.step("5") == second
    assert [s.round for s in services.step_rounds(team.workspace, "5")] == [1, 2]
    assert (
        Activity.objects.filter(verb="round_started").get().object_description.endswith("Runde 2")
    )
    with pytest.raises(PermissionDenied):
        services.start_new_round(actor=team.lea, workspace=team.workspace, code="5")


def test_revision_loop_reopens_the_special_module_in_a_new_round(team: Team) -> None:
    with pytest.raises(ValidationError, match="Arbeitsschritt 9 ist noch offen"):
        services.revise_strategy_after_evaluation(actor=team.anna, workspace=team.workspace)
    services.update_step(actor=team.anna, step=team.step("9"), version=1, state="in_progress")
    with pytest.raises(ValidationError, match="Sonderbaustein ist in Runde 1 noch offen"):
        services.revise_strategy_after_evaluation(actor=team.anna, workspace=team.workspace)
    services.update_step(actor=team.anna, step=team.step("SB"), version=1, state="done")
    revision = services.revise_strategy_after_evaluation(actor=team.carl, workspace=team.workspace)
    assert (revision.code, revision.round, revision.state) == ("SB", 2, "in_progress")
    assert "nach der Evaluation" in revision.note
    assert team.step("SB").round == 2
    assert Activity.objects.filter(verb="revision_started").count() == 1
    with pytest.raises(PermissionDenied):
        services.revise_strategy_after_evaluation(actor=team.pia, workspace=team.workspace)


@pytest.mark.parametrize(("code", "partner"), [("3", "4"), ("4", "3"), ("6", "7"), ("7", "6")])
def test_combinations_the_guide_allows(team: Team, code: str, partner: str) -> None:
    services.update_step(
        actor=team.anna,
        step=team.step(partner),
        version=1,
        state="in_progress",
        owner=team.member(team.carl),
    )
    first, second = services.combine_steps(
        actor=team.anna, workspace=team.workspace, code=code, version=1
    )
    assert (first.code, second.code) == (code, partner)
    a, b = team.step(code), team.step(partner)
    assert (a.combined_with, b.combined_with) == (partner, code)
    assert a.state == b.state == "in_progress"
    assert a.owner == b.owner == team.member(team.carl)
    # From now on a change to one is made to both.
    services.update_step(actor=team.carl, step=a, version=a.version, due_date=dt.date(2027, 6, 30))
    assert team.step(partner).due_date == dt.date(2027, 6, 30)
    services.separate_steps(actor=team.anna, workspace=team.workspace, code=partner)
    assert team.step(code).combined_with == team.step(partner).combined_with == ""


@pytest.mark.parametrize("code", ["1", "2", "5", "8", "9", "SB"])
def test_combinations_the_guide_does_not_allow(team: Team, code: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.combine_steps(actor=team.anna, workspace=team.workspace, code=code)
    message = error.value.messages[0]
    assert "erlaubt nur Arbeitsschritt 3 mit 4 und Arbeitsschritt 6 mit 7" in message


def test_combination_pairs_come_from_the_process_file() -> None:
    assert {tuple(map(str, pair)) for pair in load_process().combinations} == {
        ("3", "4"),
        ("6", "7"),
    }


def test_done_steps_are_not_combined_and_combined_done_needs_both_checklists(
    team: Team,
) -> None:
    services.update_step(
        actor=team.anna, step=team.step("7"), version=1, state="done", done_reason="schon da"
    )
    with pytest.raises(ValidationError, match="Arbeitsschritt 7 ist bereits erledigt"):
        services.combine_steps(actor=team.anna, workspace=team.workspace, code="6")
    services.combine_steps(actor=team.anna, workspace=team.workspace, code="3")
    three = team.step("3")
    with pytest.raises(ValidationError) as error:
        services.update_step(
            actor=team.anna,
            step=three,
            version=three.version,
            state="done",
            checklist=list(range(len(three.info.results))),
        )
    assert error.value.message_dict["state"][0].startswith("Arbeitsschritt 4: noch nicht")
    with pytest.raises(ValidationError, match="bereits mit Schritt 4 zusammengelegt"):
        services.combine_steps(actor=team.anna, workspace=team.workspace, code="3")


def test_combine_checks_the_version(team: Team) -> None:
    services.update_step(actor=team.anna, step=team.step("3"), version=1, state="in_progress")
    with pytest.raises(VersionConflict):
        services.combine_steps(actor=team.anna, workspace=team.workspace, code="3", version=1)
    assert team.step("3").combined_with == ""


# --------------------------------------------------------------------------- soft delete


def _second_round(team: Team) -> StepState:
    services.update_step(actor=team.anna, step=team.step("5"), version=1, state="skipped")
    return services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")


def test_a_round_is_soft_deleted_restored_and_purged_after_30_days(team: Team) -> None:
    second = _second_round(team)
    with pytest.raises(ValidationError, match="Nur die letzte Runde ab Runde 2"):
        services.delete_round(actor=team.anna, step=team.step("1"), version=1)
    deleted = services.delete_round(actor=team.carl, step=second, version=1)
    assert deleted.deleted_by == team.carl and deleted.version == 2
    assert team.step("5").round == 1  # the default manager hides deleted rows
    assert StepState.all_objects.filter(pk=second.pk).exists()
    assert [s.pk for s in services.deleted_rounds(team.workspace, "5")] == [second.pk]
    with pytest.raises(ValidationError, match="gelöscht und kann nicht mehr geändert"):
        services.update_step(actor=team.anna, step=second, version=2, state="done")
    restored = services.restore_round(actor=team.anna, step=deleted)
    assert restored.deleted_at is None and restored.version == 3
    assert team.step("5").round == 2
    verbs = list(
        Activity.objects.filter(target_id=second.pk, target_type="strategy.stepstate")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["round_started", "deleted", "restored"]

    services.delete_round(actor=team.anna, step=restored, version=3)
    gone = StepState.all_objects.get(pk=second.pk)
    assert gone.deleted_at is not None
    late = gone.deleted_at + dt.timedelta(days=31)
    with pytest.raises(ValidationError, match="vor mehr als 30 Tagen gelöscht"):
        items.restore_item(gone, actor=team.anna, now=late)
    early = items.purge_deleted_items(now=gone.deleted_at + dt.timedelta(days=29))
    assert early["strategy.StepState"] == 0 and sum(early.values()) == 0
    purged = items.purge_deleted_items(now=late)
    assert purged["strategy.StepState"] == 1 and sum(purged.values()) == 1
    assert not StepState.all_objects.filter(pk=second.pk).exists()


def test_a_deleted_round_is_not_restored_over_a_new_one(team: Team) -> None:
    second = _second_round(team)
    services.delete_round(actor=team.anna, step=second, version=1)
    replacement = services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    assert replacement.round == 2
    with pytest.raises(ValidationError, match="gibt es inzwischen wieder"):
        services.restore_round(actor=team.anna, step=StepState.all_objects.get(pk=second.pk))


def test_purge_command_reports_per_model(team: Team) -> None:
    from io import StringIO

    from django.core.management import call_command

    second = _second_round(team)
    services.delete_round(actor=team.anna, step=second, version=1)
    StepState.all_objects.filter(pk=second.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=31)
    )
    out = StringIO()
    call_command("purge_deleted_items", stdout=out)
    assert "strategy.StepState: 1" in out.getvalue()
    assert not StepState.all_objects.filter(pk=second.pk).exists()


def test_every_service_writes_the_activity_log(team: Team) -> None:
    before = Activity.objects.count()
    services.update_step(actor=team.anna, step=team.step("2"), version=1, state="in_progress")
    services.combine_steps(actor=team.anna, workspace=team.workspace, code="6")
    services.separate_steps(actor=team.anna, workspace=team.workspace, code="6")
    services.change_role(actor=team.anna, member=team.member(team.lea), role=Role.CONTRIBUTOR)
    invitation, _token = services.invite(
        actor=team.anna,
        workspace=team.workspace,
        email="y@example.org",
        role=Role.READER,
        accept_url_template=ACCEPT,
    )
    services.revoke_invitation(actor=team.anna, invitation=invitation)
    services.remove_member(actor=team.anna, member=team.member(team.pia))
    verbs = list(Activity.objects.order_by("id").values_list("verb", flat=True)[before:])
    assert verbs == [
        "updated",
        "combined",
        "combined",
        "separated",
        "separated",
        "role_changed",
        "invited",
        "invitation_revoked",
        "removed",
    ]
    assert set(Activity.objects.values_list("actor__email", flat=True)[: len(verbs)]) == {
        "anna@musterstadt.example"
    }
