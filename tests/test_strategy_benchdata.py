"""The benchmark's workspace generator (``kompass manage generate_workspace_data``,
kompass.strategy.benchdata): proportions, rows valid by the parts' own rules, pages that
render for the generated core-team member, and the command's output. No timings here: the
benchmark itself is bench/strategy.py."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from kompass.accounts.models import User
from kompass.strategy import benchdata, portfolio, risks
from kompass.strategy.models import (
    Activity,
    Assessment,
    CriteriaWeighting,
    DocumentBlock,
    EvaluationPlan,
    FieldOfAction,
    Idea,
    Indicator,
    Measurement,
    Milestone,
    Project,
    Risk,
    StrategyDocument,
    Vote,
    WorksheetEntry,
    Workspace,
    WorkspaceMember,
)
from kompass.strategy.models_ideas import VOTES_PER_PARTICIPANT
from kompass.strategy.process import load_all
from kompass.strategy.worksheet_forms import clean_answers
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

SCALE = 0.05
EMAIL = "bench@musterstadt.example"
#: The pages bench/strategy.py loads, and the other lists of the workspace.
PAGES = [
    "",
    "projekte/",
    "roadmap/",
    "risiken/matrix/",
    "monitoring/",
    "risiken/",
    "ideen/",
    "projektmatrix/",
    "strategiepapier/",
]


def generate(monkeypatch: pytest.MonkeyPatch, *args: str, password: str = "") -> str:
    monkeypatch.delenv("KOMPASS_BENCH_PASSWORD", raising=False)
    if password:
        monkeypatch.setenv("BENCH_PASSWORD", password)
    else:
        monkeypatch.delenv("BENCH_PASSWORD", raising=False)
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_workspace_data", "--scale", str(SCALE), *args, stdout=out, stderr=err)
    return out.getvalue()


@pytest.fixture
def generated(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> tuple[Workspace, str]:
    output = generate(
        monkeypatch, "--municipality", "musterstadt", "--user", EMAIL, password="Geheim-2026!"
    )
    return Workspace.objects.get(slug="benchmark-x0-05"), output


def test_counts_are_the_proportions_of_the_scale(generated: tuple[Workspace, str]) -> None:
    workspace, _ = generated
    want = benchdata.counts_for(SCALE)
    assert want["ideas"] == 10 and want["risks"] == 25 and want["measurements"] == 100
    assert Idea.objects.filter(workspace=workspace).count() == want["ideas"]
    assert Project.objects.filter(workspace=workspace).count() == want["projects"]
    assert Risk.objects.filter(workspace=workspace).count() == want["risks"]
    assert Measurement.objects.filter(workspace=workspace).count() == want["measurements"]
    assert FieldOfAction.objects.filter(workspace=workspace).count() == 10
    projects = want["projects"]
    assert Indicator.objects.filter(workspace=workspace).count() == 4 * projects
    assert Milestone.objects.filter(workspace=workspace).count() == 4 * projects
    assert EvaluationPlan.objects.filter(workspace=workspace).count() == projects
    assert WorkspaceMember.objects.filter(workspace=workspace).count() == want["members"]
    assert WorksheetEntry.objects.filter(workspace=workspace).count() == want["worksheet_entries"]
    assert Vote.objects.filter(workspace=workspace).exists()
    assert Activity.objects.filter(workspace=workspace).count() > want["ideas"] + want["risks"]
    document = StrategyDocument.objects.get(workspace=workspace)
    assert DocumentBlock.objects.filter(document=document).count() >= 5


def test_scale_one_is_a_large_real_workspace_and_ten_is_ten_times() -> None:
    one, ten = benchdata.counts_for(1), benchdata.counts_for(10)
    assert (one["ideas"], one["projects"], one["risks"], one["measurements"]) == (
        200,
        50,
        500,
        2000,
    )
    assert (ten["ideas"], ten["projects"], ten["risks"], ten["measurements"]) == (
        2000,
        500,
        5000,
        20000,
    )
    assert one["fields"] == ten["fields"] == 10


def test_items_are_version_one_and_attributed(generated: tuple[Workspace, str]) -> None:
    workspace, _ = generated
    user = User.objects.get(email=EMAIL)
    for model in (Project, Idea, Risk, Indicator, Measurement, Milestone, Assessment):
        rows = model.objects.filter(workspace=workspace)
        assert rows.exists(), model
        assert set(rows.values_list("version", flat=True)) == {1}, model
        assert set(rows.values_list("created_by", flat=True)) == {user.pk}, model


def test_sketches_and_worksheet_answers_pass_the_worksheet_engine(
    generated: tuple[Workspace, str],
) -> None:
    workspace, _ = generated
    sheet = portfolio.sketch_worksheet()
    for project in Project.objects.filter(workspace=workspace):
        assert project.sketch
        assert clean_answers(sheet, project.sketch, only=portfolio.sketch_field_ids()) == (
            project.sketch
        )
        errors: dict[str, list[str]] = {}
        assert portfolio.clean_funding_sources(project.funding_sources, errors)
        assert not errors
    sheets = {w.slug: w for w in load_all().worksheets}
    entries = list(WorksheetEntry.objects.filter(workspace=workspace))
    for entry in entries:
        assert clean_answers(sheets[entry.worksheet], entry.answers) == entry.answers


def test_risks_follow_the_band_rule_of_the_current_scale(generated: tuple[Workspace, str]) -> None:
    workspace, _ = generated
    scale = risks.current_scale(workspace)
    for risk in Risk.objects.filter(workspace=workspace):
        assert risk.scale_version == scale.version
        assert risk.score == risk.probability * risk.damage
        assert risk.band == risks.band_for(
            risk.probability, risk.damage, scale.probability_levels, scale.damage_levels
        )
        assert not (risk.owner_id and risk.owner_name)
        assert not risks.needs_rescore(risk, scale)


def test_assessments_are_made_under_the_published_weighting(
    generated: tuple[Workspace, str],
) -> None:
    workspace, _ = generated
    weighting = CriteriaWeighting.objects.get(workspace=workspace)
    assert weighting.is_published
    numbers = set(
        Assessment.objects.filter(workspace=workspace).values_list("weighting_number", flat=True)
    )
    assert numbers == {weighting.number}
    scores = Assessment.objects.filter(workspace=workspace).values_list("score", flat=True)
    assert all(portfolio.SCORE_MIN <= s <= portfolio.SCORE_MAX for s in scores)


def test_measurements_and_votes_keep_the_rules(generated: tuple[Workspace, str]) -> None:
    workspace, _ = generated
    today = timezone.localdate()
    for indicator in Indicator.objects.filter(workspace=workspace):
        assert indicator.baseline_date is not None and indicator.target_date is not None
        assert indicator.target_date > indicator.baseline_date
        if indicator.direction == Indicator.Direction.HIGHER:
            assert indicator.target_value > indicator.baseline_value
        else:
            assert indicator.target_value < indicator.baseline_value
        dates = list(indicator.measurements.values_list("date", flat=True))
        assert len(dates) == len(set(dates))
        assert all(indicator.baseline_date < d <= today for d in dates)
    online = Vote.objects.filter(workspace=workspace, source=Vote.Source.ONLINE)
    for voter in {v.voter_id for v in online}:
        slots = sorted(online.filter(voter=voter).values_list("slot", flat=True))
        assert slots == list(range(1, VOTES_PER_PARTICIPANT + 1))
    promoted = Idea.objects.filter(workspace=workspace, status=Idea.Status.PROMOTED)
    assert promoted.count() == Project.objects.filter(workspace=workspace).count()
    assert all(i.promoted_to_id is not None for i in promoted)


def test_pages_render_for_the_generated_user(generated: tuple[Workspace, str]) -> None:
    workspace, _ = generated
    client = Client()
    response = client.post("/konto/anmelden/", {"username": EMAIL, "password": "Geheim-2026!"})
    assert response.status_code == 302  # signed in through the form, as bench/strategy.py does
    base = f"/strategie/{workspace.municipality.slug}/{workspace.slug}/"
    for path in PAGES:
        response = client.get(base + path)
        assert response.status_code == 200, path
    project = Project.objects.filter(workspace=workspace).first()
    assert project is not None
    assert project.title in client.get(base + "projekte/").content.decode()


def test_output_names_the_workspace_and_the_login(generated: tuple[Workspace, str]) -> None:
    workspace, output = generated
    lines = output.strip().splitlines()
    assert lines[-1] == f"Arbeitsraum: /strategie/musterstadt/{workspace.slug}/"
    assert f"Kurzname: musterstadt/{workspace.slug}" in lines
    assert any(line.startswith("Anmelden: /konto/anmelden/ als " + EMAIL) for line in lines)
    member = WorkspaceMember.objects.get(workspace=workspace, user__email=EMAIL)
    assert member.role == WorkspaceMember.Role.CORE_TEAM


def test_without_options_it_makes_benchstadt_and_an_unusable_password(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = generate(monkeypatch)
    assert "Arbeitsraum: /strategie/benchstadt/benchmark-x0-05/" in output
    user = User.objects.get(email="kernteam@benchstadt.invalid")
    assert not user.has_usable_password()
    again = generate(monkeypatch)
    assert "Arbeitsraum: /strategie/benchstadt/benchmark-x0-05-2/" in again


def test_unknown_municipality_and_bad_scale_are_refused(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CommandError, match="nicht-da"):
        generate(monkeypatch, "--municipality", "nicht-da")
    with pytest.raises(CommandError):
        call_command("generate_workspace_data", "--scale", "0", stdout=io.StringIO())
    assert not Workspace.objects.exists()
