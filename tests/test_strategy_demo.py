"""The demo workspace "Musterstadt" (``kompass manage load_demo``, kompass.strategy.demo).

Expected numbers and texts are read from the YAML file here, independently of the loader, so a
loader that drops or doubles something fails."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kompass.accounts.models import Membership, User
from kompass.core.models import Municipality
from kompass.strategy import demo, document, monitoring, portfolio, risks, services
from kompass.strategy.models import (
    Activity,
    CouncilDecision,
    DocumentBlock,
    Idea,
    Indicator,
    Measurement,
    Milestone,
    Project,
    Risk,
    StepState,
    VotingRound,
    WorksheetEntry,
    Workspace,
    WorkspaceItem,
    WorkspaceMember,
)
from kompass.strategy.steps import STEP_CODES
from tests.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db

DATA = demo.read_demo()
VIEWER = "demo-viewer@example.org"


def viewer() -> Any:
    return User.objects.create_user(email=VIEWER, password=PASSWORD, name="Vera Viewer")


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def the_workspace() -> Workspace:
    found = demo.find_demo_workspace()
    assert found is not None
    return found


def expected_counts(extra_members: int = 0) -> dict[str, int]:
    """What the YAML file describes, counted here by hand."""
    steps = DATA["steps"]
    projects = DATA["projects"]
    indicators = [i for entry in DATA["monitoring"] for i in entry["indicators"]]
    return {
        "members": len(DATA["members"]) + extra_members,
        "steps": len(STEP_CODES) + sum(int(s.get("rounds", 1)) - 1 for s in steps.values()),
        "worksheet_entries": len(DATA["worksheets"]),
        "fields_of_action": len(DATA["fields_of_action"]),
        "ideas": len(DATA["ideas"]),
        "voting_rounds": len(DATA["voting"]),
        "dots": sum(sum(i.get("votes", {}).values()) for i in DATA["ideas"]),
        "projects": len(projects),
        "milestones": sum(len(p.get("milestones", [])) for p in projects),
        "assessments": sum(len(p.get("scores", {})) for p in projects),
        "risks": len(DATA["risks"]),
        "evaluation_plans": sum(1 for entry in DATA["monitoring"] if entry.get("plan")),
        "indicators": len(indicators),
        "measurements": sum(len(i["measurements"]) for i in indicators),
        "document_blocks": len(document.sections()),
        "document_versions": 1,
        "council_decisions": 1,
    }


def snapshot() -> dict[str, Any]:
    """Everything a refused run must leave alone."""
    workspace = demo.find_demo_workspace()
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "municipalities": Municipality.objects.count(),
        "workspaces": list(Workspace.objects.values_list("pk", "slug")),
        "activities": Activity.objects.count(),
        "counts": demo.demo_counts(workspace) if workspace else None,
        "versions": sorted(Project.all_objects.values_list("pk", "version")),
    }


# --------------------------------------------------------------------------- loading


def test_command_loads_on_an_empty_database_without_shipped_data() -> None:
    assert not Municipality.objects.exists()
    viewer()
    out = load("--user", VIEWER)
    municipality = Municipality.objects.get()
    spec = DATA["municipality"]
    assert (municipality.name, municipality.ags, municipality.slug) == (
        spec["name"],
        spec["ags"],
        spec["slug"],
    )
    workspace = the_workspace()
    assert workspace.title == DATA["workspace"]["title"]
    assert workspace.entry_variant == DATA["workspace"]["entry_variant"]
    path = f"/strategie/{spec['slug']}/{DATA['workspace']['slug']}/"
    assert f"Adresse: {path}" in out
    counts = expected_counts(extra_members=1)
    for key, label in demo.COUNT_LABELS.items():
        if key in counts:
            assert f"  {label}" in out
            line = next(line for line in out.splitlines() if line.strip().startswith(label))
            assert line.split()[-1] == str(counts[key]), line
    # the viewer is core team; the demo's people have accounts that cannot sign in
    assert WorkspaceMember.objects.get(workspace=workspace, user__email=VIEWER).role == "core_team"
    for spec_member in DATA["members"]:
        member = WorkspaceMember.objects.get(workspace=workspace, user__email=spec_member["email"])
        assert member.role == spec_member["role"]
        assert member.user.name == spec_member["name"]
        assert not member.user.has_usable_password()


def test_counts_per_kind_match_the_yaml() -> None:
    workspace = demo.load_demo()
    counts = demo.demo_counts(workspace)
    assert {k: v for k, v in counts.items() if k != "activities"} == expected_counts()
    assert counts["activities"] > counts["projects"] + counts["risks"]


def test_every_step_has_the_state_from_the_yaml() -> None:
    today = timezone.localdate() - dt.timedelta(days=10)
    workspace = demo.load_demo(today=today)
    for code, spec in DATA["steps"].items():
        step = services.current_step(workspace, str(code))
        assert step.state == spec["state"], code
        assert step.round == int(spec.get("rounds", 1)), code
        assert step.due_date == today + dt.timedelta(days=spec["due"]), code
        if spec.get("checklist") == "all":
            assert step.checklist_complete, code
        else:
            assert step.checklist == list(spec.get("checklist", [])), code
        if spec.get("owner"):
            assert step.owner is not None and step.owner.user.email == spec["owner"], code
        if spec.get("combined_with"):
            partner = services.current_step(workspace, spec["combined_with"])
            assert step.combined_with == partner.code and partner.combined_with == str(code)
    first_round = StepState.objects.get(workspace=workspace, code="5", round=1)
    assert first_round.state == StepState.State.DONE
    # every step changed through the service: a version above 1 and log lines for it
    for step in StepState.objects.filter(workspace=workspace, round=1):
        assert step.version > 1
        assert Activity.objects.filter(target_type="strategy.stepstate", target_id=step.pk).exists()


def test_content_went_through_the_services() -> None:
    """Each item is logged as created, projects walked their statuses one step at a time,
    the matrix has a total for every project, measurements are not in the future."""
    today = timezone.localdate()
    workspace = demo.load_demo(today=today)
    for model in (WorksheetEntry, Idea, Project, Milestone, Risk, Indicator, Measurement):
        rows = list(model.objects.filter(workspace=workspace))
        assert rows
        for row in rows:
            assert isinstance(row, WorkspaceItem)
            assert Activity.objects.filter(
                target_type=model.target_type(), target_id=row.pk, verb=Activity.Verb.CREATED
            ).exists(), row
    by_title = {p.title: p for p in Project.objects.filter(workspace=workspace)}
    matrix = {row.project.pk: row for row in portfolio.matrix(workspace).rows}
    for spec in DATA["projects"]:
        project = by_title[spec["idea"]]
        assert project.status == spec["status"]
        assert project.traffic_light == spec["traffic_light"]
        assert project.budget == spec["budget"]
        assert matrix[project.pk].total is not None
        if spec["status"] != "sketch":
            history = [a.details for a in portfolio.status_history(project)]
            assert any("Risikobewertung abgeschlossen" in d for d in history)
        assert sorted(p.title for p in portfolio.dependencies(project)) == sorted(
            spec.get("depends_on", [])
        )
        idea = Idea.objects.get(workspace=workspace, title=spec["idea"])
        assert idea.status == Idea.Status.PROMOTED and idea.promoted_to_id == project.pk
    weighting = portfolio.weighting(workspace)
    assert weighting is not None and weighting.number == 1
    assert weighting.weights == DATA["project_matrix"]["weights"]
    assert max(Measurement.objects.filter(workspace=workspace).values_list("date", flat=True)) <= (
        today
    )
    for entry in DATA["monitoring"]:
        who = entry.get("measured_by", DATA["members"][0]["email"])
        measured = Measurement.objects.filter(indicator__project__title=entry["project"])
        assert measured and {m.created_by.email for m in measured} == {who}
    scale = risks.current_scale(workspace)
    assert all(not risks.needs_rescore(r, scale) for r in Risk.objects.filter(workspace=workspace))
    statuses = {row.project.title: row.status for row in monitoring.overview(workspace)[0].projects}
    assert statuses  # the overview has projects with a status
    votings = {v.round: v.state for v in VotingRound.objects.filter(workspace=workspace)}
    assert votings == {v["round"]: v["state"] for v in DATA["voting"]}
    block = DocumentBlock.objects.get(workspace=workspace, key="background")
    assert block.origin == DocumentBlock.Origin.EDITED
    assert block.text.startswith(DATA["document"]["edited_blocks"]["background"])
    decision = CouncilDecision.objects.get(workspace=workspace)
    spec = DATA["document"]["council_decision"]
    assert (decision.body, decision.outcome, decision.agenda_item) == (
        spec["body"],
        spec["outcome"],
        spec["agenda_item"],
    )
    assert decision.date == today + dt.timedelta(days=spec["days"])
    assert decision.document_version.number == 1


def test_command_works_after_the_shipped_data_load() -> None:
    """As after ``kompass run`` on an empty database: fields of action, the atlas, practice
    examples are there; the atlas suggestions of a field page then show up."""
    call_command("load_shipped_data", verbosity=0)
    before = Municipality.objects.count()
    user = viewer()
    load("--user", VIEWER)
    assert Municipality.objects.count() in (before, before + 1)
    workspace = the_workspace()
    assert demo.demo_counts(workspace)["projects"] == len(DATA["projects"])
    client = Client()
    client.force_login(user)
    base = demo.workspace_path(workspace)
    field = workspace.fieldofaction_set.get(title="Verwaltung")
    response = client.get(f"{base}handlungsfelder/{field.pk}/")
    assert response.status_code == 200
    assert "Verwaltung" in response.content.decode()


def test_an_existing_municipality_is_reused(personas: Personas) -> None:
    count = Municipality.objects.count()
    workspace = demo.load_demo(users=[personas.mia.email])
    assert Municipality.objects.count() == count
    assert workspace.municipality == personas.musterstadt
    # the demo's creator belongs to the municipality (needed to open a workspace)
    creator = DATA["members"][0]["email"]
    assert Membership.objects.filter(
        user__email=creator, municipality=personas.musterstadt
    ).exists()


# --------------------------------------------------------------------------- pages

TEXTS = {
    "workspace_detail": DATA["workspace"]["title"],
    "worksheet_list": DATA["worksheets"]["actor_mapping"]["title"],
    "field_list": DATA["fields_of_action"][-1]["title"],
    "idea_list": DATA["ideas"][7]["title"],
    # the latest round by default: round 2's ideas
    "voting": next(i["title"] for i in DATA["ideas"] if i.get("round") == 2),
    "portfolio": DATA["projects"][1]["idea"],
    "roadmap": DATA["projects"][2]["idea"],
    "project_matrix": DATA["projects"][0]["idea"],
    "risk_list": DATA["risks"][0]["title"],
    "risk_heatmap": DATA["risks"][0]["project"],
    "monitoring": DATA["monitoring"][1]["project"],
    "document": DATA["document"]["edited_blocks"]["background"][:60],
}


@pytest.fixture
def loaded() -> dict[str, Any]:
    user = viewer()
    outsider = User.objects.create_user(email="aussen@example.org", password=PASSWORD)
    load("--user", VIEWER)
    workspace = the_workspace()
    return {"user": user, "outsider": outsider, "workspace": workspace}


@pytest.mark.parametrize("name", list(TEXTS))
def test_main_pages_answer_for_a_user_member_and_404_for_outsiders(
    loaded: dict[str, Any], name: str
) -> None:
    workspace = loaded["workspace"]
    url = reverse(
        f"strategy:{name}",
        kwargs={"municipality": workspace.municipality.slug, "workspace": workspace.slug},
    )
    member = Client()
    member.force_login(loaded["user"])
    response = member.get(url)
    assert response.status_code == 200, url
    assert TEXTS[name] in response.content.decode(), (name, TEXTS[name])
    outsider = Client()
    outsider.force_login(loaded["outsider"])
    assert outsider.get(url).status_code == 404


def test_monitoring_and_voting_detail_pages(loaded: dict[str, Any]) -> None:
    workspace = loaded["workspace"]
    client = Client()
    client.force_login(loaded["user"])
    base = demo.workspace_path(workspace)
    indicator = Indicator.objects.filter(workspace=workspace).first()
    assert indicator is not None
    page = client.get(f"{base}monitoring/indikatoren/{indicator.pk}/")
    assert page.status_code == 200 and indicator.name in page.content.decode()
    first_round = client.get(f"{base}abstimmung/?runde=1")
    assert DATA["ideas"][0]["title"] in first_round.content.decode()


# --------------------------------------------------------------------------- again, replace


def test_second_run_without_replace_is_refused_and_changes_nothing() -> None:
    load()
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        load()
    message = str(raised.value)
    assert "gibt es schon" in message and "--replace" in message
    assert DATA["workspace"]["title"] in message
    assert snapshot() == before


def test_replace_deletes_the_old_demo_for_good_and_loads_again() -> None:
    viewer()
    load("--user", VIEWER)
    old = the_workspace()
    old_projects = list(Project.all_objects.filter(workspace=old).values_list("pk", flat=True))
    out = load("--replace", "--user", VIEWER)
    assert "Adresse:" in out
    new = the_workspace()
    assert new.pk != old.pk
    assert not Workspace.objects.filter(pk=old.pk).exists()
    assert not Project.all_objects.filter(pk__in=old_projects).exists()
    assert not Activity.objects.filter(workspace_id=old.pk).exists()
    assert Workspace.objects.count() == 1
    counts = demo.demo_counts(new)
    assert {k: v for k, v in counts.items() if k != "activities"} == expected_counts(1)
    # the demo accounts are reused, not doubled
    assert User.objects.filter(email__endswith=".example").count() == len(DATA["members"])


def test_unknown_user_is_refused_before_anything_is_written() -> None:
    with pytest.raises(CommandError, match="Kein Konto mit der E-Mail-Adresse niemand@x.example"):
        load("--user", "niemand@x.example")
    assert not Municipality.objects.exists()
    assert not User.objects.exists()
    assert not Workspace.objects.exists()


def test_a_failing_part_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing: a rule violation in a late part leaves no trace, not even the
    municipality or the demo accounts."""

    def refuse(**kwargs: Any) -> None:
        raise ValidationError({"date": ["Die Messung liegt in der Zukunft."]})

    monkeypatch.setattr(monitoring, "create_measurement", refuse)
    with pytest.raises(demo.DemoError, match=r"Monitoring\): date: Die Messung"):
        demo.load_demo()
    assert not Municipality.objects.exists()
    assert not User.objects.exists()
    assert not Workspace.objects.exists()
    assert not Activity.objects.exists()
