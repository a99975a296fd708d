"""The bin: every deleted item of every kind, newest deletion first, restorable for 30 days,
and the permission grid of its page and endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kompass.strategy import bin as bin_service
from kompass.strategy import document as paper_service
from kompass.strategy import items, services
from kompass.strategy.models import FieldOfAction, Project, StepState, StrategyDocument
from tests.test_strategy_workspace import (
    EDITORS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api
from tests.test_strategy_workspace_views import client_for

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030"


def deleted_project(team: Team, title: str = "Parken-App", *, days_ago: int = 0) -> Project:
    project = items.create_item(Project(workspace=team.workspace, title=title), actor=team.anna)
    items.soft_delete_item(project, actor=team.carl, version=1)
    if days_ago:
        Project.all_objects.filter(pk=project.pk).update(
            deleted_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    return Project.all_objects.get(pk=project.pk)


def test_bin_lists_every_kind_newest_first(team: Team) -> None:
    old = deleted_project(team, "Alt", days_ago=3)
    field = items.create_item(
        FieldOfAction(workspace=team.workspace, title="Energie"), actor=team.anna
    )
    items.soft_delete_item(field, actor=team.anna, version=1)
    items.create_item(Project(workspace=team.workspace, title="Lebt"), actor=team.anna)
    entries = bin_service.deleted_items(team.workspace)
    assert [e.description for e in entries] == ["Handlungsfeld „Energie“", "Projekt „Alt“"]
    assert [e.model for e in entries] == ["strategy.fieldofaction", "strategy.project"]
    assert entries[1].deleted_by == team.carl
    assert entries[1].restorable_until == old.deleted_at + dt.timedelta(days=30)
    assert all(e.restorable for e in entries)


def test_restore_brings_an_item_back_as_a_new_version(team: Team) -> None:
    project = deleted_project(team)
    restored = bin_service.restore(
        actor=team.carl, workspace=team.workspace, model="strategy.project", pk=project.pk
    )
    assert restored.deleted_at is None and restored.version == 3
    assert Project.objects.filter(pk=project.pk).exists()
    assert bin_service.deleted_items(team.workspace) == []
    with pytest.raises(Http404):
        bin_service.restore(
            actor=team.carl, workspace=team.workspace, model="strategy.project", pk=project.pk
        )


def test_after_30_days_nothing_is_restored(team: Team) -> None:
    project = deleted_project(team, days_ago=31)
    entry = bin_service.deleted_items(team.workspace)[0]
    assert entry.restorable is False
    with pytest.raises(ValidationError, match="vor mehr als 30 Tagen"):
        bin_service.restore(
            actor=team.anna, workspace=team.workspace, model="strategy.project", pk=project.pk
        )
    page = client_for(team.anna).get(f"{BASE}/papierkorb/").content.decode()
    assert "Frist abgelaufen" in page and "Projekt „Parken-App“ wiederherstellen" not in page


def test_readers_do_not_restore_and_other_workspaces_are_404(team: Team) -> None:
    project = deleted_project(team)
    with pytest.raises(PermissionDenied):
        bin_service.restore(
            actor=team.lea, workspace=team.workspace, model="strategy.project", pk=project.pk
        )
    other = services.create_workspace(
        actor=team.anna, municipality=team.personas.musterstadt, title="Anderer Raum"
    )
    with pytest.raises(Http404):
        bin_service.restore(
            actor=team.anna, workspace=other, model="strategy.project", pk=project.pk
        )
    with pytest.raises(Http404):
        bin_service.restore(actor=team.anna, workspace=team.workspace, model="auth.user", pk=1)


def test_a_document_is_not_restored_over_a_new_one(team: Team) -> None:
    first = paper_service.create_document(actor=team.anna, workspace=team.workspace)
    items.soft_delete_item(first, actor=team.anna, version=first.version)
    paper_service.create_document(actor=team.anna, workspace=team.workspace, title="Neu")
    with pytest.raises(ValidationError, match="gleichartigen Eintrag"):
        bin_service.restore(
            actor=team.anna,
            workspace=team.workspace,
            model="strategy.strategydocument",
            pk=first.pk,
        )
    assert StrategyDocument.objects.get(workspace=team.workspace).title == "Neu"


def test_rounds_keep_their_own_rule(team: Team) -> None:
    services.update_step(actor=team.anna, step=team.step("5"), version=1, state="skipped")
    second = services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    services.delete_round(actor=team.anna, step=second, version=1)
    services.start_new_round(actor=team.anna, workspace=team.workspace, code="5")
    with pytest.raises(ValidationError, match="gibt es inzwischen wieder"):
        bin_service.restore(
            actor=team.anna, workspace=team.workspace, model="strategy.stepstate", pk=second.pk
        )
    assert StepState.all_objects.get(pk=second.pk).deleted_at is not None


# --------------------------------------------------------------------------- grids


@pytest.mark.parametrize("who", PEOPLE)
def test_bin_page_grid(team: Team, who: str) -> None:
    deleted_project(team)
    response = client_for(team.user(who)).get(f"{BASE}/papierkorb/")
    if who == "anonymous":
        assert response.status_code == 302
    elif who in OUTSIDERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Projekt „Parken-App“" in body and "Carl Mitwirkend" in body
        assert ("Projekt „Parken-App“ wiederherstellen" in body) == (who in EDITORS)


@pytest.mark.parametrize("who", PEOPLE)
def test_restore_page_grid(team: Team, who: str) -> None:
    project = deleted_project(team)
    url = f"{BASE}/papierkorb/strategy.project/{project.pk}/wiederherstellen/"
    response = client_for(team.user(who)).post(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who in EDITORS:
        assert response.status_code == 302 and response["Location"] == f"{BASE}/papierkorb/"
    else:
        assert response.status_code == 403
    restored = Project.objects.filter(pk=project.pk).exists()
    assert restored == (who in EDITORS)


@pytest.mark.parametrize("who", PEOPLE)
def test_api_bin_grid(team: Team, who: str) -> None:
    project = deleted_project(team)
    api = Api(team.user(who))
    listing = api.get(f"/api/v1/strategy/workspaces/{team.workspace.pk}/bin")
    restore = api.post(
        f"/api/v1/strategy/workspaces/{team.workspace.pk}/bin/restore",
        {"model": "strategy.project", "id": project.pk},
    )
    if who == "anonymous":
        assert (listing.status_code, restore.status_code) == (401, 401)
    elif who in OUTSIDERS:
        assert (listing.status_code, restore.status_code) == (404, 404)
    else:
        assert listing.status_code == 200
        row: dict[str, Any] = listing.json()[0]
        assert row["model"] == "strategy.project" and row["deleted_by"] == "Carl Mitwirkend"
        assert row["restorable"] is True
        if who in EDITORS:
            assert restore.status_code == 200 and restore.json()["version"] == 3
        else:
            assert restore.status_code == 403


def test_api_restore_after_30_days_is_422(team: Team) -> None:
    project = deleted_project(team, days_ago=40)
    response = Api(team.anna).post(
        f"/api/v1/strategy/workspaces/{team.workspace.pk}/bin/restore",
        {"model": "strategy.project", "id": project.pk},
    )
    assert response.status_code == 422 and "30 Tagen" in response.json()["detail"]


def test_the_bin_restores_through_each_parts_own_rules(team: Team) -> None:
    """A milestone of a deleted project stays in the bin until its project is back (the
    portfolio's rule); scores of the project matrix are not offered at all."""
    import datetime as dt

    from kompass.strategy.models_portfolio import Assessment, Milestone

    project = items.create_item(
        Project(workspace=team.workspace, title="Sensoren"), actor=team.anna
    )
    milestone = items.create_item(
        Milestone(
            workspace=team.workspace, project=project, title="Start", due_date=dt.date(2027, 1, 1)
        ),
        actor=team.anna,
    )
    items.soft_delete_item(milestone, actor=team.anna, version=1)
    items.soft_delete_item(project, actor=team.anna, version=1)
    score = items.create_item(
        Assessment(
            workspace=team.workspace,
            project=project,
            criterion="acceptance",
            score=3,
            weighting_number=1,
        ),
        actor=team.anna,
    )
    items.soft_delete_item(score, actor=team.anna, version=1)

    listed = {e.model for e in bin_service.deleted_items(team.workspace)}
    assert listed == {"strategy.project", "strategy.milestone"}
    with pytest.raises(ValidationError):
        bin_service.restore(
            actor=team.anna, workspace=team.workspace, model="strategy.milestone", pk=milestone.pk
        )
    assert Milestone.all_objects.get(pk=milestone.pk).deleted_at is not None
    with pytest.raises(Http404):
        bin_service.restore(
            actor=team.anna, workspace=team.workspace, model="strategy.assessment", pk=score.pk
        )
    bin_service.restore(
        actor=team.anna, workspace=team.workspace, model="strategy.project", pk=project.pk
    )
    bin_service.restore(
        actor=team.anna, workspace=team.workspace, model="strategy.milestone", pk=milestone.pk
    )
    assert Milestone.objects.filter(pk=milestone.pk).exists()
