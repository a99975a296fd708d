"""The demo workspace "Musterstadt" (``kompass manage load_demo``).

A new user should see a filled example of every step of the BBSR process ("Die digitale Stadt
gestalten", shared/seeds/004_7b05438c2c859b61.txt: the nine work steps and the special module,
lines 1530-1550; worksheets lines 3148-3196). The content is fictional and lives in
``kompass/data/strategy/demo_musterstadt.yaml``; this module loads it.

Everything inside the workspace is written through the **services of each part** – steps
(:mod:`kompass.strategy.services`), worksheets, fields of action, ideas and voting, portfolio,
risks, monitoring and the strategy paper – never by raw ORM writes of items. So versions,
the activity log and every validation rule are the real ones: if the demo data breaks a rule,
loading fails with that rule's German message. Only the things that have no service are
written directly: the municipality (when missing), the demo accounts (unusable passwords), the
creator's membership of the municipality (needed to open a workspace) and the memberships of
the people named with ``users`` (an activity line each, as when an invitation is accepted).

All of it happens in one transaction: loading fails as a whole or succeeds as a whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from kompass.accounts.models import Membership, User
from kompass.core.models import Land, Municipality, MunicipalityKind
from kompass.core.yamlfiles import read_yaml
from kompass.strategy import document as document_services
from kompass.strategy import fields as field_services
from kompass.strategy import ideas as idea_services
from kompass.strategy import monitoring as monitoring_services
from kompass.strategy import portfolio as portfolio_services
from kompass.strategy import risks as risk_services
from kompass.strategy import services
from kompass.strategy import worksheets as worksheet_services
from kompass.strategy.items import record_activity
from kompass.strategy.models import (
    Activity,
    Assessment,
    CouncilDecision,
    DocumentBlock,
    DocumentVersion,
    EvaluationPlan,
    FieldOfAction,
    Idea,
    Indicator,
    Measurement,
    Milestone,
    Project,
    Risk,
    StepState,
    Vote,
    VotingRound,
    WorksheetEntry,
    Workspace,
    WorkspaceMember,
)

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "strategy" / "demo_musterstadt.yaml"

Role = WorkspaceMember.Role
State = StepState.State

#: Kind of content → German label, in the order the command prints the counts.
COUNT_LABELS: dict[str, str] = {
    "members": "Mitglieder",
    "steps": "Arbeitsschritte (Runden)",
    "worksheet_entries": "Einträge in Arbeitshilfen",
    "fields_of_action": "Handlungsfelder",
    "ideas": "Ideen",
    "voting_rounds": "Abstimmungsrunden",
    "dots": "Klebepunkte",
    "projects": "Projekte",
    "milestones": "Meilensteine",
    "assessments": "Bewertungen in der Projektmatrix",
    "risks": "Risiken",
    "evaluation_plans": "Evaluationspläne",
    "indicators": "Indikatoren",
    "measurements": "Messwerte",
    "document_blocks": "Abschnitte des Strategiepapiers",
    "document_versions": "festgehaltene Fassungen",
    "council_decisions": "Beschlüsse",
    "activities": "Einträge im Aktivitätsprotokoll",
}


class DemoError(Exception):
    """Loading the demo was refused or failed; ``str(error)`` is a German message. Nothing
    was written."""


# --------------------------------------------------------------------------- reading


def read_demo(path: Path = DEMO_FILE) -> dict[str, Any]:
    """The demo content as parsed from the YAML file (a fresh copy)."""
    data: dict[str, Any] = read_yaml(path)
    return data


def find_municipality(data: Mapping[str, Any] | None = None) -> Municipality | None:
    """The demo's municipality, by AGS first, then by slug (None if neither exists)."""
    spec = (data or read_demo())["municipality"]
    return (
        Municipality.objects.filter(ags=spec["ags"]).first()
        or Municipality.objects.filter(slug=spec["slug"]).first()
    )


def find_demo_workspace(data: Mapping[str, Any] | None = None) -> Workspace | None:
    """The demo workspace if it was loaded (its municipality and slug), else None."""
    data = data or read_demo()
    municipality = find_municipality(data)
    if municipality is None:
        return None
    return Workspace.objects.filter(
        municipality=municipality, slug=data["workspace"]["slug"]
    ).first()


def workspace_path(workspace: Workspace) -> str:
    """The URL path of the workspace's dashboard."""
    return reverse(
        "strategy:workspace_detail",
        kwargs={"municipality": workspace.municipality.slug, "workspace": workspace.slug},
    )


def demo_counts(workspace: Workspace) -> dict[str, int]:
    """How much of each kind the workspace holds (live rows), keyed as :data:`COUNT_LABELS`."""

    def live(model: Any) -> int:
        return int(model.objects.filter(workspace=workspace).count())

    dots = Vote.objects.filter(idea__workspace=workspace).aggregate(n=Sum("dots"))["n"]
    return {
        "members": WorkspaceMember.objects.filter(workspace=workspace).count(),
        "steps": live(StepState),
        "worksheet_entries": live(WorksheetEntry),
        "fields_of_action": live(FieldOfAction),
        "ideas": live(Idea),
        "voting_rounds": live(VotingRound),
        "dots": int(dots or 0),
        "projects": live(Project),
        "milestones": live(Milestone),
        "assessments": live(Assessment),
        "risks": live(Risk),
        "evaluation_plans": live(EvaluationPlan),
        "indicators": live(Indicator),
        "measurements": live(Measurement),
        "document_blocks": live(DocumentBlock),
        "document_versions": DocumentVersion.objects.filter(workspace=workspace).count(),
        "council_decisions": live(CouncilDecision),
        "activities": Activity.objects.filter(workspace=workspace).count(),
    }


# --------------------------------------------------------------------------- helpers


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _days(today: dt.date, days: Any) -> dt.date | None:
    if days is None or days == "":
        return None
    return today + dt.timedelta(days=int(days))


def _with_dates(value: Any, today: dt.date) -> Any:
    """Worksheet answers with every ``{days: n}`` replaced by the ISO date."""
    if isinstance(value, Mapping):
        if set(value) == {"days"}:
            date = _days(today, value["days"])
            return date.isoformat() if date else ""
        return {key: _with_dates(item, today) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_dates(item, today) for item in value]
    return value


def _fail(where: str, exc: Exception) -> DemoError:
    """A German message naming the place in the demo file and the service's complaint."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            text = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
        else:
            text = " ".join(exc.messages)
    elif isinstance(exc, KeyError):
        text = f"„{exc.args[0]}“ ist unbekannt oder fehlt."
    else:
        text = str(exc)
    return DemoError(f"Die Demo-Daten passen nicht ({where}): {text}")


class _Loader:
    """One load of the demo content into ``workspace``; keeps the lookups between parts."""

    def __init__(
        self,
        data: Mapping[str, Any],
        workspace: Workspace,
        people: dict[str, User],
        today: dt.date,
        stdout: TextIO | None,
    ) -> None:
        self.data = data
        self.workspace = workspace
        self.people = people
        self.today = today
        self.stdout = stdout
        self.members = {
            m.user.email: m
            for m in WorkspaceMember.objects.filter(workspace=workspace).select_related("user")
        }
        core = [e for e in self.members if self.members[e].role == Role.CORE_TEAM]
        demo_core = [m["email"] for m in data["members"] if m["role"] == Role.CORE_TEAM]
        #: Who does most of the work: the demo's first core-team member.
        self.lead = people[demo_core[0]] if demo_core else people[core[0]]
        self.fields: dict[str, FieldOfAction] = {}
        self.ideas: dict[str, Idea] = {}
        self.projects: dict[str, Project] = {}

    def person(self, email: str | None, default: User | None = None) -> User:
        if not email:
            return default or self.lead
        return self.people[email]

    def member(self, email: str | None) -> WorkspaceMember | None:
        return self.members[email] if email else None

    # ------------------------------------------------------------------ steps

    def steps(self) -> None:
        """Combinations first, then earlier rounds, then checklists/owners/due dates, then
        states (a combined step is "done" only when both checklists are complete)."""
        spec: dict[str, Any] = {str(k): v for k, v in self.data.get("steps", {}).items()}
        actor = self.lead
        for code, entry in spec.items():
            if entry.get("combined_with"):
                services.combine_steps(actor=actor, workspace=self.workspace, code=code)
        for code, entry in spec.items():
            for _number in range(1, int(entry.get("rounds", 1))):
                step = services.current_step(self.workspace, code)
                services.update_step(
                    actor=actor,
                    step=step,
                    version=step.version,
                    owner=self.member(entry.get("owner")),
                    checklist=list(range(step.results_total)),
                    state=State.DONE,
                )
                services.start_new_round(actor=actor, workspace=self.workspace, code=code)
        for code, entry in spec.items():
            step = services.current_step(self.workspace, code)
            values: dict[str, Any] = {}
            checklist = entry.get("checklist")
            if checklist == "all":
                values["checklist"] = list(range(step.results_total))
            elif checklist:
                values["checklist"] = list(checklist)
            if "due" in entry:
                values["due_date"] = _days(self.today, entry["due"])
            if entry.get("owner"):
                values["owner"] = self.member(entry["owner"])
            if values:
                services.update_step(actor=actor, step=step, version=step.version, **values)
        for code, entry in spec.items():
            step = services.current_step(self.workspace, code)
            if entry.get("state") and entry["state"] != step.state:
                services.update_step(
                    actor=actor, step=step, version=step.version, state=entry["state"]
                )

    # ------------------------------------------------------------------ worksheets

    def worksheets(self) -> None:
        for slug, entry in self.data.get("worksheets", {}).items():
            worksheet_services.create_entry(
                actor=self.person(entry.get("by")),
                workspace=self.workspace,
                worksheet=slug,
                title=entry["title"],
                answers=_with_dates(entry.get("answers", {}), self.today),
                step_code=str(entry.get("step", "")),
            )

    # ------------------------------------------------------------------ fields of action

    def fields_of_action(self) -> None:
        """Seed the impact-matrix fields in one go, adjust them, then add the team's own."""
        entries = self.data.get("fields_of_action", [])
        actor = self.person(self.data.get("fields_by"), self.lead)
        terms = [e["term"] for e in entries if e.get("term")]
        seeded = {}
        if terms:
            seeded = {
                f.source_term: f
                for f in field_services.seed_fields(
                    actor=actor, workspace=self.workspace, terms=terms
                )
            }
        for entry in entries:
            values = {k: v for k, v in entry.items() if k not in ("term",)}
            if entry.get("term"):
                field = seeded[entry["term"]]
                values.pop("title", None)
                field = field_services.update_field(
                    actor=actor, field=field, version=field.version, **values
                )
            else:
                field = field_services.create_field(actor=actor, workspace=self.workspace, **values)
            self.fields[field.title] = field

    # ------------------------------------------------------------------ ideas and voting

    def ideas_and_voting(self) -> None:
        contributors = [
            self.people[m["email"]]
            for m in self.data["members"]
            if m["role"] in (Role.CORE_TEAM, Role.CONTRIBUTOR, Role.EXTERNAL_PARTNER)
        ] or [self.lead]
        for index, entry in enumerate(self.data.get("ideas", [])):
            field = self.fields[entry["field"]] if entry.get("field") else None
            idea = idea_services.create_idea(
                actor=self.person(entry.get("by"), contributors[index % len(contributors)]),
                workspace=self.workspace,
                field_of_action=field,
                title=entry["title"],
                idea=entry.get("idea", ""),
                goal=entry.get("goal", ""),
                partners=entry.get("partners", []),
                round=int(entry.get("round", 1)),
            )
            self.ideas[idea.title] = idea
        facilitator = self.person(self.data.get("voting_by"), self.lead)
        for spec in self.data.get("voting", []):
            number = int(spec["round"])
            voting = idea_services.open_voting(
                actor=self.lead, workspace=self.workspace, round_number=number
            )
            tallies = [
                (self.ideas[entry["title"]].pk, group, int(dots))
                for entry in self.data.get("ideas", [])
                if int(entry.get("round", 1)) == number
                for group, dots in (entry.get("votes") or {}).items()
            ]
            voting = idea_services.record_workshop(
                actor=facilitator,
                workspace=self.workspace,
                round_number=number,
                version=voting.version,
                participants=spec.get("workshop_participants"),
                tallies=tallies,
            )
            if spec.get("state") == VotingRound.State.CLOSED:
                current = idea_services.voting_round(self.workspace, number)
                assert current is not None
                idea_services.close_voting(actor=self.lead, voting=current, version=current.version)
        for entry in self.data.get("ideas", []):
            status = entry.get("status")
            if status and status != Idea.Status.LONGLIST:
                idea = Idea.objects.get(pk=self.ideas[entry["title"]].pk)
                self.ideas[idea.title] = idea_services.update_idea(
                    actor=self.lead, idea=idea, version=idea.version, status=status
                )

    # ------------------------------------------------------------------ projects

    def projects_promoted(self) -> None:
        """Promote the ideas to sketches and fill in the portfolio facts and dependencies."""
        entries = self.data.get("projects", [])
        for position, entry in enumerate(entries, start=1):
            idea = Idea.objects.get(pk=self.ideas[entry["idea"]].pk)
            project = idea_services.promote_idea(actor=self.lead, idea=idea, version=idea.version)
            values: dict[str, Any] = {"position": position}
            for key in ("horizon", "budget", "municipal_role"):
                if key in entry:
                    values[key] = entry[key]
            if "funding" in entry:
                values["funding_sources"] = entry["funding"]
            if "start" in entry:
                values["start_date"] = _days(self.today, entry["start"])
            if "end" in entry:
                values["end_date"] = _days(self.today, entry["end"])
            if entry.get("responsible"):
                values["responsible"] = self.member(entry["responsible"])
            saved = portfolio_services.update_project(
                actor=self.lead, project=project, version=project.version, values=values
            )
            self.projects[saved.project.title] = saved.project
        for entry in entries:
            if entry.get("depends_on"):
                project = self._fresh(entry["idea"])
                portfolio_services.set_dependencies(
                    actor=self.lead,
                    project=project,
                    version=project.version,
                    depends_on=[self.projects[title] for title in entry["depends_on"]],
                )

    def _fresh(self, title: str) -> Project:
        project = Project.objects.get(pk=self.projects[title].pk)
        self.projects[title] = project
        return project

    def milestones(self) -> None:
        real_today = timezone.localdate()
        for entry in self.data.get("projects", []):
            project = self._fresh(entry["idea"])
            for spec in entry.get("milestones", []):
                due = _days(self.today, spec["days"])
                done = bool(spec.get("done"))
                values: dict[str, Any] = {
                    "title": spec["title"],
                    "kind": spec.get("kind", Milestone.Kind.MILESTONE),
                    "due_date": due,
                    "done": done,
                }
                if done and due is not None and due <= real_today:
                    values["done_on"] = due
                portfolio_services.create_milestone(
                    actor=self.person(entry.get("responsible")), project=project, values=values
                )

    def project_statuses(self) -> None:
        """Walk each project forward from "Skizze" to its status, one step at a time: the risk
        assessment is closed by the risk part, the optional prototype is left out unless it is
        the goal (no reasons needed, docs/strategy_portfolio.md)."""
        order = list(portfolio_services.STATUS_ORDER)
        for entry in self.data.get("projects", []):
            goal = entry.get("status", Project.Status.SKETCH)
            project = self._fresh(entry["idea"])
            if order.index(goal) <= order.index(project.status):
                continue
            risk_services.complete_assessment(
                actor=self.lead, project=project, version=project.version
            )
            after_assessment = order.index(Project.Status.RISK_ASSESSED) + 1
            for status in order[after_assessment : order.index(goal) + 1]:
                if status in portfolio_services.OPTIONAL_STATUSES and status != goal:
                    continue
                project = self._fresh(entry["idea"])
                portfolio_services.update_project(
                    actor=self.lead,
                    project=project,
                    version=project.version,
                    values={"status": status},
                )

    def project_matrix(self) -> None:
        spec = self.data.get("project_matrix") or {}
        if spec.get("weights"):
            portfolio_services.save_weights(
                actor=self.lead, workspace=self.workspace, weights=spec["weights"], publish=True
            )
        weighting = portfolio_services.weighting(self.workspace)
        for entry in self.data.get("projects", []):
            if entry.get("scores") and weighting is not None:
                portfolio_services.score_project(
                    actor=self.lead,
                    project=self._fresh(entry["idea"]),
                    weighting_number=weighting.number,
                    scores=dict(entry["scores"]),
                )
            if entry.get("traffic_light"):
                project = self._fresh(entry["idea"])
                portfolio_services.decide_traffic_light(
                    actor=self.lead,
                    project=project,
                    version=project.version,
                    traffic_light=entry["traffic_light"],
                    rationale=entry.get("rationale", ""),
                )

    # ------------------------------------------------------------------ risks

    def risks(self) -> None:
        actor = self.person(self.data.get("risks_by"), self.lead)
        for entry in self.data.get("risks", []):
            values = {k: v for k, v in entry.items() if k not in ("project", "owner")}
            risk_services.create_risk(
                actor=actor,
                workspace=self.workspace,
                project=self._fresh(entry["project"]) if entry.get("project") else None,
                owner=self.member(entry.get("owner")),
                **values,
            )

    # ------------------------------------------------------------------ monitoring

    def monitoring(self) -> None:
        for entry in self.data.get("monitoring", []):
            project = self._fresh(entry["project"])
            if entry.get("plan"):
                monitoring_services.create_plan(actor=self.lead, project=project, **entry["plan"])
            measurer = self.person(entry.get("measured_by"), self.lead)
            for spec in entry.get("indicators", []):
                indicator = monitoring_services.create_indicator(
                    actor=self.lead,
                    workspace=self.workspace,
                    project=project,
                    level=spec["level"],
                    name=spec["name"],
                    unit=spec.get("unit", ""),
                    baseline_value=spec.get("baseline"),
                    baseline_date=_days(self.today, spec.get("baseline_days")),
                    target_value=spec.get("target"),
                    target_date=_days(self.today, spec.get("target_days")),
                    direction=spec.get("direction", "higher"),
                )
                for days, value in spec.get("measurements", []):
                    monitoring_services.create_measurement(
                        actor=measurer,
                        indicator=indicator,
                        today=self.today,
                        date=_days(self.today, days),
                        value=value,
                    )

    # ------------------------------------------------------------------ strategy paper

    def strategy_paper(self) -> None:
        """Last, so that the generated sections show everything loaded before."""
        spec = self.data.get("document")
        if not spec:
            return
        paper = document_services.create_document(
            actor=self.lead, workspace=self.workspace, title=spec.get("title", "")
        )
        blocks = {b.key: b for b in document_services.live_blocks(paper)}
        for key, own in (spec.get("edited_blocks") or {}).items():
            block = blocks[key]
            text = f"{own.strip()}\n\n{block.text}".strip()
            document_services.update_block(
                actor=self.lead, block=block, version=block.version, text=text
            )
        frozen = None
        if spec.get("frozen_version") is not None:
            frozen = document_services.freeze_version(
                actor=self.lead, document=paper, note=spec["frozen_version"].get("note", "")
            )
        decision = spec.get("council_decision")
        if decision:
            values = {k: v for k, v in decision.items() if k != "days"}
            values["date"] = _days(self.today, decision.get("days", 0))
            if frozen is not None:
                values["document_version"] = frozen
            document_services.record_decision(actor=self.lead, document=paper, values=values)


# --------------------------------------------------------------------------- accounts


def _municipality(spec: Mapping[str, Any]) -> Municipality:
    found = find_municipality({"municipality": spec})
    if found is not None:
        return found
    municipality = Municipality(
        name=spec["name"],
        slug=spec["slug"],
        ags=spec["ags"],
        land=Land(spec["land"]),
        kind=MunicipalityKind(spec.get("kind", MunicipalityKind.TOWN)),
        population=spec.get("population"),
    )
    municipality.full_clean()
    municipality.save()
    return municipality


def _demo_accounts(members: Iterable[Mapping[str, Any]]) -> dict[str, User]:
    """The demo people's accounts: existing ones are reused, new ones get no usable password
    (nobody can sign in as them)."""
    people: dict[str, User] = {}
    for spec in members:
        email = spec["email"].lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, name=spec.get("name", ""))
            user.set_unusable_password()
            user.save()
        people[email] = user
    return people


def _real_users(emails: Iterable[str]) -> list[User]:
    found: list[User] = []
    missing: list[str] = []
    for raw in emails:
        email = raw.strip()
        if not email:
            continue
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            missing.append(email)
        elif user not in found:
            found.append(user)
    if missing:
        raise DemoError(
            "Kein Konto mit der E-Mail-Adresse "
            + ", ".join(missing)
            + ". Legen Sie das Konto zuerst an (z. B. mit „kompass manage createsuperuser“) "
            "oder lassen Sie --user weg."
        )
    return found


def _join(workspace: Workspace, user: User, role: str, note: str) -> None:
    """``user`` becomes a member with ``role`` (one activity line, as when an invitation is
    accepted; a member with another role gets ``role``, logged as a role change)."""
    member, created = WorkspaceMember.objects.get_or_create(
        workspace=workspace, user=user, defaults={"role": role}
    )
    if created:
        record_activity(
            workspace=workspace,
            actor=user,
            verb=Activity.Verb.JOINED,
            object_description=str(user),
            details=f"Rolle: {member.get_role_display()} ({note})",
        )
    elif member.role != role:
        old = member.get_role_display()
        member.role = role
        member.save(update_fields=["role"])
        record_activity(
            workspace=workspace,
            actor=user,
            verb=Activity.Verb.ROLE_CHANGED,
            object_description=str(user),
            details=f"{old} → {member.get_role_display()} ({note})",
        )


# --------------------------------------------------------------------------- loading


def exists_message(workspace: Workspace) -> str:
    return (
        f"Den Demo-Arbeitsraum „{workspace.title}“ gibt es schon ({workspace_path(workspace)}). "
        "Es wurde nichts geändert. Mit --replace wird er endgültig gelöscht und neu geladen."
    )


def load_demo(
    *,
    users: list[str] | None = None,
    today: dt.date | None = None,
    stdout: TextIO | None = None,
    replace: bool = False,
    path: Path = DEMO_FILE,
) -> Workspace:
    """Load the demo workspace "Musterstadt" and return it.

    Parameters
    ----------
    users
        E-mail addresses of existing accounts that join the demo as core team, so that a real
        person can open it (the demo accounts cannot sign in).
    today
        The day the relative dates (``days``) count from; default: today.
    stdout
        Where progress lines go (none by default).
    replace
        Delete an existing demo workspace for good first. Without it an existing demo
        workspace is refused with :class:`DemoError`.

    Raises
    ------
    DemoError
        The demo exists (and ``replace`` is false), an e-mail in ``users`` has no account, or
        a part refused the data (the message names the place and the rule). Nothing is
        written then.
    """
    data = read_demo(path)
    today = today or timezone.localdate()
    with transaction.atomic():
        existing = find_demo_workspace(data)
        if existing is not None:
            if not replace:
                raise DemoError(exists_message(existing))
            _say(stdout, f"Lösche den bisherigen Demo-Arbeitsraum {workspace_path(existing)} …")
            existing.delete()
        real_users = _real_users(users or [])
        municipality = _municipality(data["municipality"])
        people = _demo_accounts(data["members"])
        creator_spec = next(m for m in data["members"] if m["role"] == Role.CORE_TEAM)
        creator = people[creator_spec["email"].lower()]
        Membership.objects.get_or_create(
            user=creator, municipality=municipality, defaults={"role": Membership.Role.MEMBER}
        )
        spec = data["workspace"]
        try:
            workspace = services.create_workspace(
                actor=creator,
                municipality=municipality,
                title=spec["title"],
                slug=spec["slug"],
                kind=spec.get("kind", Workspace.Kind.STRATEGY),
                entry_variant=spec.get("entry_variant", Workspace.EntryVariant.STRATEGY_FIRST),
            )
        except ValidationError as exc:
            raise _fail("workspace", exc) from exc
        for member in data["members"]:
            if people[member["email"].lower()] != creator:
                _join(workspace, people[member["email"].lower()], member["role"], "Demo")
        for user in real_users:
            _join(workspace, user, Role.CORE_TEAM, "zum Ansehen der Demo hinzugefügt")
        loader = _Loader(data, workspace, people, today, stdout)
        for label, part in (
            ("Arbeitsschritte", loader.steps),
            ("Arbeitshilfen", loader.worksheets),
            ("Handlungsfelder", loader.fields_of_action),
            ("Ideen und Abstimmung", loader.ideas_and_voting),
            ("Projekte", loader.projects_promoted),
            ("Meilensteine", loader.milestones),
            ("Risiken", loader.risks),
            ("Projektstatus", loader.project_statuses),
            ("Projektmatrix", loader.project_matrix),
            ("Monitoring", loader.monitoring),
            ("Strategiepapier", loader.strategy_paper),
        ):
            _say(stdout, f"{label} …")
            try:
                part()
            except (ValidationError, PermissionDenied, KeyError, ValueError) as exc:
                raise _fail(label, exc) from exc
    return workspace
