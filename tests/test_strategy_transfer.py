"""The whole workspace as one JSON file and back: a lossless round trip over every model that
exists, all-or-nothing imports with German errors naming the place, and the pages and API."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone

from kompass.strategy import document as paper_service
from kompass.strategy import items, services, transfer
from kompass.strategy.models import (
    FieldOfAction,
    Project,
    StepState,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
)
from tests.test_strategy_workspace import (
    MEMBERS,
    OUTSIDERS,
    PEOPLE,
    Team,
    team_fixture,  # noqa: F401 - the fixture "team"
)
from tests.test_strategy_workspace_api import Api
from tests.test_strategy_workspace_views import client_for

pytestmark = pytest.mark.django_db
BASE = "/strategie/musterstadt/digitalstrategie-2030"
ACCEPT = "https://kompass.example/strategie/einladung/{token}/"


def _filler(model_field: models.Field, index: int) -> Any:
    """A valid-looking value for a field of a model we do not know (another part's)."""
    if model_field.choices:
        return model_field.choices[0][0]
    if isinstance(model_field, models.JSONField):
        return {} if callable(model_field.default) and model_field.default() == {} else []
    if isinstance(model_field, models.BooleanField):
        return True
    if isinstance(model_field, models.DecimalField):
        return Decimal("1")
    if isinstance(model_field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(model_field, models.DateTimeField):
        return timezone.now()
    if isinstance(model_field, models.DateField):
        return dt.date(2027, 1, 1)
    if isinstance(model_field, models.CharField | models.TextField):
        return f"Beispiel {index}"[: model_field.max_length or 100]
    return None


def fill_unknown_models(team: Team) -> list[str]:
    """One row in each workspace model that the explicit setup left empty (best effort)."""
    filled = []
    for entry in transfer.content_models():
        model = entry.model
        manager = model._base_manager
        rows = (
            manager.filter(**{entry.owner_field: team.workspace})
            if entry.parent is None
            else manager.filter(**{f"{entry.owner_field}__workspace": team.workspace})
            if hasattr(entry.parent, "workspace")
            else manager.none()
        )
        if rows.exists():
            continue
        values: dict[str, Any] = {}
        for index, model_field in enumerate(model._meta.concrete_fields):
            if model_field.primary_key or model_field.has_default() or model_field.null:
                continue
            if model_field.is_relation:
                target = model_field.related_model
                if target is Workspace:
                    values[model_field.name] = team.workspace
                elif target is WorkspaceMember:
                    values[model_field.name] = team.member(team.anna)
                else:
                    related = (
                        target._base_manager.filter(workspace=team.workspace).first()
                        if any(f.name == "workspace" for f in target._meta.concrete_fields)
                        else target._base_manager.first()
                    )
                    values[model_field.name] = related
                continue
            values[model_field.name] = _filler(model_field, index)
        try:
            with transaction.atomic():
                model._base_manager.create(**values)
        except Exception:  # noqa: BLE001, S112 - best effort for models of other parts
            continue
        filled.append(model._meta.label)
    return filled


def rich_workspace(team: Team) -> None:
    """Data in every model of the workspace that this test knows, deleted rows included."""
    ws = team.workspace
    services.update_step(actor=team.anna, step=team.step("1"), version=1, state="in_progress")
    services.update_step(
        actor=team.anna, step=team.step("2"), version=1, owner=team.member(team.carl)
    )
    services.invite(
        actor=team.anna,
        workspace=ws,
        email="offen@example.org",
        role="reader",
        accept_url_template=ACCEPT,
    )
    first, _token = services.invite(
        actor=team.anna,
        workspace=ws,
        email="weg@example.org",
        role="reader",
        accept_url_template=ACCEPT,
    )
    services.revoke_invitation(actor=team.anna, invitation=first)
    field = items.create_item(
        FieldOfAction(workspace=ws, title="Mobilität", atlas_fields=["mobilitaet"]),
        actor=team.anna,
    )
    gone = items.create_item(FieldOfAction(workspace=ws, title="Alt"), actor=team.anna)
    items.soft_delete_item(gone, actor=team.carl, version=1)
    base = items.create_item(
        Project(
            workspace=ws,
            title="Datenplattform",
            field_of_action=field,
            budget=Decimal("1000.50"),
            responsible=team.member(team.carl),
            funding_sources=[{"name": "Land", "amount": "500"}],
        ),
        actor=team.anna,
    )
    app = items.create_item(
        Project(
            workspace=ws,
            title="Parken-App",
            field_of_action=gone,
            start_date=dt.date(2027, 2, 1),
            sketch={"goal": "Weniger Suchverkehr"},
        ),
        actor=team.carl,
    )
    app.depends_on.set([base])
    document = paper_service.create_document(actor=team.anna, workspace=ws)
    block = document.blocks.get(key="goals_guidelines")
    paper_service.update_block(actor=team.carl, block=block, version=1, text="Ziele: Äöü ß")
    paper_service.record_decision(
        actor=team.anna,
        document=document,
        values={
            "body": "Stadtrat",
            "date": dt.date(2027, 5, 1),
            "outcome": "adopted",
            "votes_for": 20,
        },
    )


def normalised(data: dict[str, Any], *, drop_last_activity: bool = False) -> dict[str, Any]:
    """The export with ids replaced by positions, so two exports compare equal apart from
    ids, the slug and the time of export."""
    data = copy.deepcopy(data)
    data.pop("exported_at")
    data.pop("exported_by")
    data["workspace"].pop("slug")
    positions: dict[str, dict[Any, int]] = {}
    labels: dict[str, str] = {}
    for name, rows in data["items"].items():
        positions[name] = {row["id"]: i for i, row in enumerate(rows)}
        labels[data["sections"][name]["model"].lower()] = name
    for name, rows in data["items"].items():
        refs = data["sections"][name]["references"]
        for row in rows:
            for key in data["sections"][name]["unique"]:  # re-issued tokens
                row[key] = bool(row[key])
            row["id"] = positions[name][row["id"]]
            for key, target in refs.items():
                if isinstance(row.get(key), list):
                    row[key] = sorted(positions[target][v] for v in row[key])
                elif row.get(key) is not None:
                    row[key] = positions[target][row[key]]
    if drop_last_activity:
        data["activities"] = data["activities"][:-1]
    for line in data["activities"]:
        name = labels.get(line["target_type"])
        if name and line["target_id"] is not None:
            line["target_id"] = positions[name].get(line["target_id"])
    return data


def test_round_trip_is_lossless(team: Team) -> None:
    rich_workspace(team)
    filled = fill_unknown_models(team)
    first = transfer.export_workspace(team.workspace, actor=team.anna)
    for name in (
        "step_states",
        "fields_of_action",
        "projects",
        "strategy_documents",
        "document_blocks",
        "document_versions",
        "council_decisions",
    ):
        assert first["items"].get(name), (name, sorted(first["items"]))
    deleted = [r for r in first["items"]["fields_of_action"] if r["deleted_at"]]
    assert deleted and deleted[0]["deleted_by"] == "carl@musterstadt.example"
    assert first["items"]["projects"][1]["depends_on"] == [first["items"]["projects"][0]["id"]]
    assert first["items"]["projects"][0]["responsible"] == "carl@musterstadt.example"
    result = transfer.import_workspace(
        transfer.load(transfer.export_json(team.workspace, actor=team.anna)), actor=team.anna
    )
    new = result.workspace
    assert new.pk != team.workspace.pk and new.slug == "digitalstrategie-2030-2"
    assert new.municipality == team.workspace.municipality
    second = transfer.export_workspace(new, actor=team.anna)
    # The open invitation was closed on import (its link cannot work any more).
    open_before = [i for i in first["invitations"] if not i["revoked_at"]]
    assert [i["email"] for i in open_before] == ["offen@example.org"]
    reopened = [i for i in second["invitations"] if i["email"] == "offen@example.org"]
    assert reopened[0]["revoked_at"] is not None
    open_before[0]["revoked_at"] = "closed on import"
    for data in (first, second):
        for invitation in data["invitations"]:
            invitation["revoked_at"] = bool(invitation["revoked_at"])
    assert normalised(second, drop_last_activity=True) == normalised(first), filled
    assert "Aus einer Exportdatei übernommen" in second["activities"][-1]["details"]
    # The copy is independent and complete.
    copied = Project.all_objects.get(workspace=new, title="Parken-App")
    assert copied.field_of_action.deleted_at is not None
    assert list(copied.depends_on.values_list("title", flat=True)) == ["Datenplattform"]
    assert copied.depends_on.get().workspace == new
    assert StepState.objects.get(workspace=new, code="2").owner.user == team.carl
    assert not any("Konto" in w for w in result.warnings)


def test_round_trip_through_the_file_keeps_umlauts(team: Team) -> None:
    rich_workspace(team)
    raw = transfer.export_json(team.workspace)
    assert "Ziele: Äöü ß".encode() in raw
    assert json.loads(raw)["format"] == transfer.FORMAT


def _export(team: Team) -> dict[str, Any]:
    rich_workspace(team)
    return transfer.export_workspace(team.workspace, actor=team.anna)


def _counts() -> tuple[int, int, int]:
    return Workspace.objects.count(), Project.all_objects.count(), WorkspaceMember.objects.count()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d["items"]["projects"][1].update(field_of_action=999999),
            "items.projects[1].field_of_action: unbekannter Verweis (Nr. 999999)",
        ),
        (
            lambda d: d["items"]["projects"][1].update(depends_on=[424242]),
            "items.projects[1].depends_on: unbekannter Verweis (Nr. 424242)",
        ),
        (
            lambda d: d["items"]["projects"][0].update(status="fertig"),
            "items.projects[0].status: Wert „fertig“ ist nicht erlaubt",
        ),
        (
            lambda d: d["items"]["projects"][0].update(start_date="kein Datum"),
            "items.projects[0].start_date:",
        ),
        (
            lambda d: d["items"]["projects"][0].update(colour="blau"),
            "items.projects[0].colour: unbekanntes Feld",
        ),
        (lambda d: d["members"][0].update(role="chef"), "members[0].role: Rolle „chef“"),
        (lambda d: d.update(format_version=99), "format_version: Version 99"),
        (lambda d: d.update(format="etwas"), "format: keine Exportdatei"),
        (
            lambda d: d["sections"]["projects"].update(model="strategy.Unbekannt"),
            "items.projects: unbekannte Art von Einträgen",
        ),
        (
            lambda d: d["workspace"]["municipality"].update(slug="nirgendwo", ags="0"),
            "workspace.municipality: die Kommune",
        ),
    ],
)
def test_a_broken_file_imports_nothing_and_names_the_place(
    team: Team, damage: Any, message: str
) -> None:
    data = _export(team)
    damage(data)
    before = _counts()
    with pytest.raises(transfer.TransferError) as caught:
        transfer.import_workspace(data, actor=team.anna)
    assert any(message in e for e in caught.value.errors), caught.value.errors
    assert _counts() == before


def test_import_needs_a_core_team_member_with_an_account(team: Team) -> None:
    data = _export(team)
    for member in data["members"]:
        member["email"] = member["email"].replace("@", "@unbekannt.")
    with pytest.raises(transfer.TransferError, match="niemand aus dem Kernteam"):
        transfer.import_workspace(data, actor=None)
    result = transfer.import_workspace(data, actor=None, core_team=team.lea)
    members = WorkspaceMember.objects.filter(workspace=result.workspace)
    assert [(m.user, m.role) for m in members] == [(team.lea, "core_team")]
    assert "kein Konto" in result.warnings[0]
    project = Project.all_objects.get(workspace=result.workspace, title="Datenplattform")
    # The membership's address is unknown here; the account of the creator still exists.
    assert project.responsible is None and project.created_by == team.anna


def test_import_into_another_municipality_needs_membership(team: Team) -> None:
    data = _export(team)
    with pytest.raises(PermissionDenied):
        transfer.import_workspace(data, actor=team.pia)
    result = transfer.import_workspace(
        data, actor=team.personas.ben, municipality=team.personas.beispieldorf
    )
    assert result.workspace.municipality == team.personas.beispieldorf
    assert result.workspace.slug == "digitalstrategie-2030"
    ben = WorkspaceMember.objects.get(workspace=result.workspace, user=team.personas.ben)
    assert ben.role == "core_team"


def test_load_refuses_what_is_not_json() -> None:
    with pytest.raises(transfer.TransferError, match="kein gültiges JSON .Zeile 1"):
        transfer.load(b"{kaputt")
    with pytest.raises(transfer.TransferError, match="UTF-8"):
        transfer.load(b"\xff\xfe")
    with pytest.raises(transfer.TransferError, match="keinen exportierten"):
        transfer.load(b"[1, 2]")


def test_content_models_cover_every_workspace_item() -> None:
    covered = {c.model for c in transfer.content_models()}
    assert set(items.item_models()) <= covered
    names = [c.section for c in transfer.content_models()]
    assert len(names) == len(set(names))
    assert transfer._plural("field_of_action") == "fields_of_action"
    assert WorkspaceInvitation not in covered


# --------------------------------------------------------------------------- pages and API

TRANSFER_PAGES = [
    ("transfer page", "get", f"{BASE}/austausch/"),
    ("json export", "get", f"{BASE}/austausch/arbeitsraum.json"),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(("name", "method", "url"), TRANSFER_PAGES, ids=lambda v: str(v))
def test_transfer_page_grid(team: Team, who: str, name: str, method: str, url: str) -> None:
    response = getattr(client_for(team.user(who)), method)(url)
    if who == "anonymous":
        assert response.status_code == 302
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who == "core_team":
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", PEOPLE)
def test_import_page_grid(team: Team, who: str) -> None:
    raw = transfer.export_json(team.workspace)
    upload = SimpleUploadedFile("a.json", raw, content_type="application/json")
    before = Workspace.objects.count()
    response = client_for(team.user(who)).post(f"{BASE}/austausch/importieren/", {"file": upload})
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who == "core_team":
        assert response.status_code == 302
        assert response["Location"] == "/strategie/musterstadt/digitalstrategie-2030-2/"
    else:
        assert response.status_code == 403
    assert Workspace.objects.count() == before + (1 if who == "core_team" else 0)


def test_import_page_shows_the_errors(team: Team) -> None:
    data = _export(team)
    data["items"]["projects"][1]["field_of_action"] = 123456
    upload = SimpleUploadedFile("a.json", json.dumps(data).encode(), "application/json")
    response = client_for(team.anna).post(f"{BASE}/austausch/importieren/", {"file": upload})
    assert response.status_code == 400
    assert "items.projects[1].field_of_action: unbekannter Verweis (Nr. 123456)" in (
        response.content.decode()
    )


def test_json_download_is_the_export(team: Team) -> None:
    rich_workspace(team)
    response = client_for(team.anna).get(f"{BASE}/austausch/arbeitsraum.json")
    data = json.loads(response.content)
    assert data["workspace"]["title"] == "Digitalstrategie 2030"
    assert data["exported_by"] == "anna@musterstadt.example"
    assert "arbeitsraum-musterstadt-digitalstrategie-2030-" in response["Content-Disposition"]


@pytest.mark.parametrize("who", PEOPLE)
def test_api_export_grid(team: Team, who: str) -> None:
    response = Api(team.user(who)).get(f"/api/v1/strategy/workspaces/{team.workspace.pk}/export")
    if who == "anonymous":
        assert response.status_code == 401
    elif who in OUTSIDERS:
        assert response.status_code == 404
    elif who == "core_team":
        assert response.status_code == 200
        assert json.loads(response.content)["format"] == transfer.FORMAT
    else:
        assert who in MEMBERS
        assert response.status_code == 403
