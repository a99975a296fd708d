"""Synthetic strategy workspaces for the benchmark (bench/strategy.py) and its tests.

:func:`generate` creates ONE workspace whose size is ``scale`` times a large real workspace
(:data:`SCALE_ONE`: 200 ideas, 50 projects, 500 risks, 2,000 measurements, ten fields of
action, with proportionate members, votes, milestones, assessments, indicators, evaluation
plans, worksheet entries and activity lines, and a strategy paper with its blocks).

The rows are test data, not user input, so the mass of them is written with ``bulk_create``.
They are nevertheless shaped exactly as the services would store them:

- every item has version 1, ``created_by``/``updated_by`` and its timestamps;
- the workspace itself, the fields of action, the published criteria weighting, the risk
  scale and the strategy paper are made by the services themselves
  (:func:`kompass.strategy.services.create_workspace`, :func:`kompass.strategy.fields.seed_fields`,
  :func:`kompass.strategy.portfolio.save_weights`, :func:`kompass.strategy.risks.current_scale`,
  :func:`kompass.strategy.document.create_document`), so they come with their activity lines;
- worksheet answers and project sketches pass the worksheet engine
  (:func:`kompass.strategy.worksheet_forms.clean_answers`) before they are stored;
- risks are scored under the workspace's current :class:`RiskScale` version, their score and
  band computed with :func:`kompass.strategy.risks.band_for`;
- assessments are made under the published *Fassung* of the criteria weighting;
- measurements lie between an indicator's baseline date and today (one per date);
- votes respect the three online dots per participant (slots 1-3) and one workshop tally
  per idea and actor group.

Not every bulk row gets an activity line (the services would write one each); one "angelegt"
line per project, idea, risk and indicator is written so that the log has the volume of a
busy workspace.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

__all__ = ["FIELDS_OF_ACTION", "SCALE_ONE", "STEPS", "Generated", "counts_for", "generate"]

#: A large real workspace (scale 1). Counts of the other rows follow from these.
SCALE_ONE: dict[str, int] = {
    "ideas": 200,
    "projects": 50,
    "risks": 500,
    "measurements": 2000,
    "members": 12,
    "worksheet_entries": 20,
}
#: Fields of action at any scale (a strategy has a handful to a dozen).
FIELDS_OF_ACTION = 10
INDICATORS_PER_PROJECT = 4
MILESTONES_PER_PROJECT = 4
#: Share of ideas with paper dots from the workshop (one tally per actor group).
WORKSHOP_SHARE = 0.2
#: Share of projects that depend on an earlier project.
DEPENDENCY_SHARE = 0.2
BATCH = 1000
#: The steps :func:`generate` reports to its ``progress`` callback, in order.
STEPS = (
    "workspace",
    "members",
    "fields",
    "projects",
    "dependencies",
    "milestones",
    "ideas",
    "votes",
    "assessments",
    "risks",
    "evaluation_plans",
    "indicators",
    "measurements",
    "worksheet_entries",
    "activity",
    "document_blocks",
)

_WORDS = [
    "Bürgerportal",
    "Daten",
    "Plattform",
    "Quartier",
    "Mobilität",
    "Sensorik",
    "Beteiligung",
    "Verwaltung",
    "Schule",
    "Energie",
    "Klima",
    "Wärme",
    "Parken",
    "Radverkehr",
    "Bibliothek",
    "Ehrenamt",
    "Gesundheit",
    "Pflege",
    "Tourismus",
    "Handel",
    "Breitband",
    "WLAN",
    "Open-Data",
    "Dashboard",
    "Leitstelle",
    "Bauhof",
    "Friedhof",
    "Wasser",
    "Abwasser",
    "Straßenbeleuchtung",
    "Laderaum",
    "Sharing",
    "Bus",
    "Rufbus",
    "Schulweg",
    "Jugend",
    "Senioren",
    "Kultur",
    "Museum",
    "Innenstadt",
    "Markt",
    "Gewerbe",
    "Förderung",
    "Antrag",
    "Termin",
    "Chatbot",
    "Formular",
    "Karte",
    "Geodaten",
    "Lärm",
    "Luft",
    "Hitze",
    "Starkregen",
    "Frühwarnung",
    "Baumkataster",
    "Grünflächen",
    "Müll",
    "Sperrmüll",
    "Recycling",
]
_PEOPLE = [
    "Anna Berger",
    "Ben Schulz",
    "Clara Wolf",
    "David Krüger",
    "Eva Hofmann",
    "Felix Braun",
    "Greta Lang",
    "Hannes Vogel",
    "Ida Roth",
    "Jonas Keller",
    "Kira Busch",
    "Lukas Frank",
    "Mara Scholz",
    "Nils Jung",
    "Olga Weiß",
    "Paul Haas",
    "Rita Stein",
    "Sven Graf",
    "Tina Kuhn",
    "Uwe Pohl",
]


@dataclass
class Generated:
    """What :func:`generate` made: the workspace, its URL path and the row counts."""

    workspace: Any
    path: str
    counts: dict[str, int] = field(default_factory=dict)
    user_email: str = ""


def counts_for(scale: float) -> dict[str, int]:
    """The target counts of the main rows at ``scale`` (at least one of each)."""
    counts = {name: max(1, round(value * scale)) for name, value in SCALE_ONE.items()}
    counts["members"] = max(4, counts["members"])
    counts["fields"] = FIELDS_OF_ACTION
    counts["indicators"] = counts["projects"] * INDICATORS_PER_PROJECT
    counts["milestones"] = counts["projects"] * MILESTONES_PER_PROJECT
    return counts


# --------------------------------------------------------------------------- text helpers


class _Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        return self.words(2, 4).capitalize()

    def sentence(self) -> str:
        return self.words(6, 14).capitalize() + "."

    def paragraph(self, sentences: int = 3) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def person(self) -> str:
        return self.rng.choice(_PEOPLE)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    days = max(0, (end - start).days)
    return start + dt.timedelta(days=rng.randint(0, days))


def answer_for(field_def: Any, text: _Text, today: dt.date) -> Any:
    """A plausible raw answer for one worksheet field (cleaned by clean_answers later)."""
    rng = text.rng
    kind = field_def.type
    if kind == "text":
        return text.title()
    if kind == "person":
        return text.person()
    if kind == "long_text":
        return text.paragraph(rng.randint(1, 3))
    if kind == "list":
        return [text.title() for _ in range(rng.randint(1, 4))]
    if kind == "choice":
        values = [o.value for o in field_def.options]
        if not values:
            return [] if field_def.multiple else ""
        if field_def.multiple:
            return rng.sample(values, rng.randint(1, min(3, len(values))))
        return rng.choice(values)
    if kind == "scale":
        return rng.randint(field_def.scale.min, field_def.scale.max)
    if kind == "date":
        return _date_between(rng, today - dt.timedelta(days=365), today + dt.timedelta(days=720))
    if kind == "number":
        return rng.randint(1, 250_000)
    if kind == "table":
        from kompass.strategy.worksheet_forms import ROW_KEY

        def row() -> dict[str, Any]:
            return {c.id: answer_for(c, text, today) for c in field_def.columns}

        if field_def.rows:
            return [{ROW_KEY: r.id, **row()} for r in field_def.rows]
        return [row() for _ in range(rng.randint(1, 4))]
    return None


def answers_for(worksheet: Any, text: _Text, today: dt.date, only: list[str] | None = None):
    """Answers of ``worksheet`` (only the fields ``only``) as the worksheet engine stores
    them: built per field type, then passed through clean_answers."""
    from kompass.strategy.worksheet_forms import clean_answers

    chosen = [f for f in worksheet.fields if only is None or f.id in only]
    raw = {f.id: answer_for(f, text, today) for f in chosen}
    return clean_answers(worksheet, raw, only=only)


# --------------------------------------------------------------------------- setup


def _municipality(slug: str | None) -> Any:
    from kompass.core.models import Municipality, MunicipalityKind

    if slug:
        found = Municipality.objects.filter(slug=slug).first()
        if found is None:
            raise ValueError(f"Eine Kommune „{slug}“ gibt es nicht.")
        return found
    found = Municipality.objects.filter(slug="benchstadt").first()
    if found is not None:
        return found
    return Municipality.objects.create(
        name="Benchstadt",
        slug="benchstadt",
        land="NW",
        kind=MunicipalityKind.KREISFREI_CITY,
        population=250_000,
    )


def _user(email: str | None, password: str | None) -> Any:
    from kompass.accounts.models import User

    email = (email or "kernteam@benchstadt.invalid").strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, name="Kernteam Benchmark")
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _unique_slug(municipality: Any, base: str) -> str:
    from kompass.strategy.models import Workspace

    slug, number = base, 1
    while Workspace.objects.filter(municipality=municipality, slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


# --------------------------------------------------------------------------- generate


def generate(
    scale: float,
    *,
    municipality: str | None = None,
    user: str | None = None,
    password: str | None = None,
    seed: int = 2026,
    progress: Callable[[str, int], None] | None = None,
) -> Generated:
    """Create one workspace of ``scale`` times a large real workspace (see module doc).

    ``user`` is the e-mail of the core-team member who creates everything (created when
    missing, with ``password`` or an unusable one); ``progress(step, rows)`` is called after
    every step with the rows it wrote.
    """
    from kompass.accounts.models import Membership, User
    from kompass.strategy import document, fields, items, portfolio, risks, services
    from kompass.strategy.models import (
        Activity,
        Project,
        StepState,
        WorkspaceMember,
    )
    from kompass.strategy.models_ideas import (
        VOTES_PER_PARTICIPANT,
        ActorGroup,
        Idea,
        Vote,
        VotingParticipant,
        VotingRound,
    )
    from kompass.strategy.models_monitoring import EvaluationPlan, Indicator, Measurement
    from kompass.strategy.models_portfolio import Assessment, Milestone
    from kompass.strategy.models_risks import Risk
    from kompass.strategy.models_worksheets import WorksheetEntry
    from kompass.strategy.process import load_all

    if scale <= 0:
        raise ValueError("scale must be greater than 0")
    rng = random.Random(seed)  # noqa: S311 - test data, not security
    text = _Text(rng)
    today = timezone.localdate()
    now = timezone.now()
    target = counts_for(scale)
    made: dict[str, int] = {}

    def step(name: str, rows: int) -> None:
        made[name] = made.get(name, 0) + rows
        if progress:
            progress(name, rows)

    place = _municipality(municipality)
    actor = _user(user, password)
    Membership.objects.get_or_create(user=actor, municipality=place)
    title = f"Benchmark-Arbeitsraum ×{scale:g}"
    workspace = services.create_workspace(
        actor=actor,
        municipality=place,
        title=title,
        slug=_unique_slug(place, f"benchmark-x{scale:g}".replace(".", "-")),
    )
    step("workspace", 1)
    stamp = {"created_by": actor, "updated_by": actor, "created_at": now, "updated_at": now}

    with transaction.atomic():
        # ---- members: the actor (core team) and people in every role
        others = target["members"] - 1
        roles = (
            [WorkspaceMember.Role.CORE_TEAM] * 3
            + [WorkspaceMember.Role.CONTRIBUTOR] * 5
            + [WorkspaceMember.Role.READER] * 2
            + [WorkspaceMember.Role.EXTERNAL_PARTNER] * 2
        )
        unusable = make_password(None)
        people = User.objects.bulk_create(
            [
                User(
                    email=f"person{index + 1}.{workspace.pk}@benchstadt.invalid",
                    name=f"{text.person()} ({index + 1})",
                    password=unusable,
                )
                for index in range(others)
            ],
            batch_size=BATCH,
        )
        people = list(
            User.objects.filter(email__in=[p.email for p in people]).order_by("email")
        )  # ids on every database
        WorkspaceMember.objects.bulk_create(
            [
                WorkspaceMember(workspace=workspace, user=p, role=roles[i % len(roles)])
                for i, p in enumerate(people)
            ],
            batch_size=BATCH,
        )
        members = list(WorkspaceMember.objects.filter(workspace=workspace).select_related("user"))
        editors = [
            m
            for m in members
            if m.role in (WorkspaceMember.Role.CORE_TEAM, WorkspaceMember.Role.CONTRIBUTOR)
        ]
        step("members", len(members))

        # ---- step states: where a workspace of this size stands
        StepState.objects.filter(workspace=workspace, code__in=["1", "2", "3", "4"]).update(
            state=StepState.State.DONE
        )
        StepState.objects.filter(workspace=workspace, code__in=["5", "6", "7"]).update(
            state=StepState.State.IN_PROGRESS
        )

        # ---- fields of action (the service: ten terms of the guide's impact matrix)
        terms = [t.term for t in fields.impact_matrix_terms()][:FIELDS_OF_ACTION]
        field_rows = fields.seed_fields(actor=actor, workspace=workspace, terms=terms)
        for index in range(len(field_rows), FIELDS_OF_ACTION):
            field_rows.append(
                fields.create_field(
                    actor=actor, workspace=workspace, title=f"Handlungsfeld {index + 1}"
                )
            )
        step("fields", len(field_rows))

        # ---- projects with sketches
        sketch_sheet = portfolio.sketch_worksheet()
        sketch_ids = portfolio.sketch_field_ids()
        roles_of_municipality = [slug for slug, _ in portfolio.municipal_roles()]
        statuses = [s for s in Project.Status.values]
        projects = []
        for index in range(target["projects"]):
            start = _date_between(
                rng, today - dt.timedelta(days=720), today + dt.timedelta(days=360)
            )
            budget = Decimal(rng.randint(5, 2000) * 1000)
            own = (budget * Decimal("0.4")).quantize(Decimal("0.01"))
            projects.append(
                Project(
                    workspace=workspace,
                    title=f"{text.title()} {index + 1}",
                    field_of_action=field_rows[index % len(field_rows)],
                    status=statuses[index % len(statuses)],
                    summary=text.paragraph(2),
                    sketch=answers_for(sketch_sheet, text, today, only=sketch_ids),
                    horizon=rng.choice(Project.Horizon.values),
                    start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(90, 1100)),
                    budget=budget,
                    funding_sources=[
                        {"name": "Eigenmittel", "amount": str(own)},
                        {"name": "Förderprogramm Smart Cities", "amount": str(budget - own)},
                    ],
                    responsible=rng.choice(editors),
                    municipal_role=rng.choice(roles_of_municipality),
                    traffic_light=rng.choice(["", *Project.TrafficLight.values]),
                    position=index + 1,
                    **stamp,
                )
            )
        Project.objects.bulk_create(projects, batch_size=BATCH)
        projects = list(Project.objects.filter(workspace=workspace).order_by("position"))
        through = Project.depends_on.through
        links = []
        for index, project in enumerate(projects[1:], start=1):
            if rng.random() < DEPENDENCY_SHARE:
                links.append(
                    through(
                        from_project_id=project.pk,
                        to_project_id=projects[rng.randrange(index)].pk,
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        step("projects", len(projects))
        step("dependencies", len(links))

        # ---- milestones
        kinds = Milestone.Kind.values
        milestones = []
        for project in projects:
            assert project.start_date is not None and project.end_date is not None
            for number in range(MILESTONES_PER_PROJECT):
                due = _date_between(rng, project.start_date, project.end_date)
                done = due < today and rng.random() < 0.7
                milestones.append(
                    Milestone(
                        workspace=workspace,
                        project=project,
                        title=f"{text.title()} ({number + 1})",
                        kind=kinds[number % len(kinds)],
                        due_date=due,
                        done=done,
                        done_on=due if done else None,
                        note=text.sentence() if rng.random() < 0.3 else "",
                        **stamp,
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=BATCH)
        step("milestones", len(milestones))

        # ---- ideas, a closed voting round and its dots
        statuses_idea = (
            [Idea.Status.LONGLIST] * 5 + [Idea.Status.SHORTLIST] * 2 + [Idea.Status.DISCARDED]
        )
        ideas = []
        for index in range(target["ideas"]):
            promoted = projects[index] if index < len(projects) else None
            ideas.append(
                Idea(
                    workspace=workspace,
                    field_of_action=field_rows[index % len(field_rows)],
                    title=promoted.title if promoted else f"{text.title()} {index + 1}",
                    idea=text.paragraph(2),
                    goal=text.sentence(),
                    partners=[text.title() for _ in range(rng.randint(0, 3))],
                    round=1,
                    status=Idea.Status.PROMOTED if promoted else rng.choice(statuses_idea),
                    promoted_to=promoted,
                    **stamp,
                )
            )
        Idea.objects.bulk_create(ideas, batch_size=BATCH)
        ideas = list(Idea.objects.filter(workspace=workspace).order_by("pk"))
        step("ideas", len(ideas))
        groups = ActorGroup.values
        voting = VotingRound(
            workspace=workspace,
            round=1,
            state=VotingRound.State.CLOSED,
            workshop_participants={g: rng.randint(3, 12) for g in groups},
        )
        items.create_item(voting, actor=actor)
        voters = [m for m in members if m.role != WorkspaceMember.Role.READER]
        VotingParticipant.objects.bulk_create(
            [
                VotingParticipant(voting_round=voting, member=m, actor_group=groups[i % 4])
                for i, m in enumerate(voters)
            ]
        )
        votes = []
        for index, member in enumerate(voters):
            for slot in range(1, VOTES_PER_PARTICIPANT + 1):
                votes.append(
                    Vote(
                        workspace=workspace,
                        idea=rng.choice(ideas),
                        round=1,
                        actor_group=groups[index % 4],
                        source=Vote.Source.ONLINE,
                        voter=member,
                        slot=slot,
                        recorded_by=member.user,
                    )
                )
        for idea in rng.sample(ideas, max(1, round(len(ideas) * WORKSHOP_SHARE))):
            for group in groups:
                votes.append(
                    Vote(
                        workspace=workspace,
                        idea=idea,
                        round=1,
                        actor_group=group,
                        source=Vote.Source.WORKSHOP,
                        dots=rng.randint(1, 6),
                        recorded_by=actor,
                    )
                )
        Vote.objects.bulk_create(votes, batch_size=BATCH)
        step("votes", len(votes))

        # ---- criteria weighting (published by the service) and assessments under it
        weights = {slug: rng.randint(1, 10) for slug in portfolio.default_weights()}
        weighting = portfolio.save_weights(
            actor=actor, workspace=workspace, weights=weights, publish=True
        )
        assessed_statuses = set(statuses) - {Project.Status.SKETCH}
        assessments = [
            Assessment(
                workspace=workspace,
                project=project,
                criterion=slug,
                score=rng.randint(portfolio.SCORE_MIN, portfolio.SCORE_MAX),
                weighting_number=weighting.number,
                **stamp,
            )
            for project in projects
            if project.status in assessed_statuses
            for slug in weights
        ]
        Assessment.objects.bulk_create(assessments, batch_size=BATCH)
        step("assessments", len(assessments))

        # ---- risks under the current scale (made by the service), band by band_for
        scale_row = risks.current_scale(workspace)
        category_slugs = [c.slug for c in risks.categories()]
        perspective = [v for v, _ in risks.options("perspective")]
        consequences = [v for v, _ in risks.options("consequence_types")]
        durations = [v for v, _ in risks.options("duration")]
        influence = [v for v, _ in risks.options("influence_level")]
        risk_rows = []
        for index in range(target["risks"]):
            probability = rng.randint(1, scale_row.probability_levels)
            damage = rng.randint(1, scale_row.damage_levels)
            own_owner = rng.random() < 0.6
            risk_rows.append(
                Risk(
                    workspace=workspace,
                    # about one in ten risks concerns the strategy as a whole
                    project=None if index % 10 == 9 else projects[index % len(projects)],
                    title=f"{text.title()} {index + 1}",
                    category=rng.choice(category_slugs),
                    description=text.paragraph(2),
                    example=text.sentence(),
                    perspective=rng.choice(perspective),
                    consequence_types=rng.sample(consequences, rng.randint(1, 2)),
                    probability=probability,
                    damage=damage,
                    scale_version=scale_row.version,
                    score=probability * damage,
                    band=risks.band_for(
                        probability, damage, scale_row.probability_levels, scale_row.damage_levels
                    ),
                    scope=rng.randint(1, 5),
                    duration=rng.choice(durations),
                    influence_level=rng.choice(influence),
                    mitigation=text.paragraph(1),
                    emergency_plan=text.sentence() if rng.random() < 0.5 else "",
                    owner=rng.choice(members) if own_owner else None,
                    owner_name="" if own_owner else text.person(),
                    **stamp,
                )
            )
        Risk.objects.bulk_create(risk_rows, batch_size=BATCH)
        step("risks", len(risk_rows))

        # ---- evaluation plans, indicators, measurements
        timings = [v for v, _ in EvaluationPlan._meta.get_field("timing").choices]
        EvaluationPlan.objects.bulk_create(
            [
                EvaluationPlan(
                    workspace=workspace,
                    project=project,
                    purpose=text.sentence(),
                    evaluator=text.person(),
                    execution=rng.choice(EvaluationPlan.Execution.values),
                    timing=rng.choice(timings),
                    data_sources=text.sentence(),
                    **stamp,
                )
                for project in projects
            ],
            batch_size=BATCH,
        )
        step("evaluation_plans", len(projects))
        levels = [v for v, _ in Indicator._meta.get_field("level").choices]
        dimensions = list(Indicator.dimension_labels())
        indicators = []
        for project in projects:
            for number in range(INDICATORS_PER_PROJECT):
                direction = rng.choice(Indicator.Direction.values)
                baseline = Decimal(rng.randint(10, 1000))
                change = Decimal(rng.randint(1, 500))
                baseline_date = today - dt.timedelta(days=rng.randint(400, 1500))
                indicators.append(
                    Indicator(
                        workspace=workspace,
                        project=project,
                        level=levels[number % len(levels)],
                        name=f"{text.title()} ({number + 1})",
                        unit=rng.choice(["Anzahl", "Prozent", "Euro", "Nutzende", "t CO2"]),
                        dimensions=rng.sample(dimensions, rng.randint(1, min(2, len(dimensions)))),
                        data_collection=text.sentence(),
                        baseline_value=baseline,
                        baseline_date=baseline_date,
                        target_value=baseline + change
                        if direction == Indicator.Direction.HIGHER
                        else max(Decimal(0), baseline - change),
                        target_date=today + dt.timedelta(days=rng.randint(200, 1200)),
                        direction=direction,
                        **stamp,
                    )
                )
        Indicator.objects.bulk_create(indicators, batch_size=BATCH)
        indicators = list(Indicator.objects.filter(workspace=workspace).order_by("pk"))
        step("indicators", len(indicators))
        measurements = []
        per_indicator, extra = divmod(target["measurements"], len(indicators))
        for index, indicator in enumerate(indicators):
            wanted = per_indicator + (1 if index < extra else 0)
            assert indicator.baseline_date is not None and indicator.baseline_value is not None
            span = (today - indicator.baseline_date).days
            days = sorted(rng.sample(range(1, span + 1), min(wanted, span)))
            for day in days:
                measurements.append(
                    Measurement(
                        workspace=workspace,
                        indicator=indicator,
                        date=indicator.baseline_date + dt.timedelta(days=day),
                        value=indicator.baseline_value + Decimal(rng.randint(-50, 400)),
                        note=text.sentence() if rng.random() < 0.1 else "",
                        **stamp,
                    )
                )
        Measurement.objects.bulk_create(measurements, batch_size=BATCH)
        step("measurements", len(measurements))

        # ---- worksheet entries of every worksheet
        sheets = list(load_all().worksheets)
        entries = [
            WorksheetEntry(
                workspace=workspace,
                worksheet=sheets[index % len(sheets)].slug,
                title=f"{sheets[index % len(sheets)].title}: {text.title()}",
                answers=answers_for(sheets[index % len(sheets)], text, today),
                **stamp,
            )
            for index in range(target["worksheet_entries"])
        ]
        WorksheetEntry.objects.bulk_create(entries, batch_size=BATCH)
        step("worksheet_entries", len(entries))

        # ---- activity lines: one "angelegt" per project, idea, risk and indicator
        lines = []
        for model, rows in (
            (Project, projects),
            (Idea, ideas),
            (Risk, list(Risk.objects.filter(workspace=workspace).only("pk", "title"))),
            (Indicator, indicators),
        ):
            for row in rows:
                lines.append(
                    Activity(
                        workspace=workspace,
                        actor=actor,
                        verb=Activity.Verb.CREATED,
                        object_description=model.describe(row)[:300],
                        target_type=model.target_type(),
                        target_id=row.pk,
                        target_version=1,
                        at=now,
                    )
                )
        Activity.objects.bulk_create(lines, batch_size=BATCH)
        step("activity", len(lines))

    # ---- the strategy paper, written from everything above by the document service
    paper = document.create_document(actor=actor, workspace=workspace)
    step("document_blocks", paper.blocks.count())

    path = f"/strategie/{place.slug}/{workspace.slug}/"
    return Generated(workspace=workspace, path=path, counts=made, user_email=actor.email)
