"""The strategy document: structure from process.yaml, assembly from the workspace's content,
refresh that keeps edits, versioned block edits with conflicts, frozen versions and their
comparison, the council decision, and the DOCX/PDF exports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from kompass.strategy import document as service
from kompass.strategy import document_export, items
from kompass.strategy.items import VersionConflict
from kompass.strategy.models import (
    Activity,
    CouncilDecision,
    DocumentBlock,
    FieldOfAction,
    Project,
    StrategyDocument,
)
from kompass.strategy.process import load_all
from tests.test_strategy_workspace import Team, team_fixture  # noqa: F401 - the fixture "team"

pytestmark = pytest.mark.django_db


def add_content(team: Team) -> tuple[FieldOfAction, Project]:
    field = items.create_item(
        FieldOfAction(
            workspace=team.workspace,
            title="Digitale Verwaltung",
            description="Verwaltungsleistungen online und medienbruchfrei.",
        ),
        actor=team.anna,
    )
    project = items.create_item(
        Project(
            workspace=team.workspace,
            title="Bürgerportal",
            field_of_action=field,
            summary="Ein Portal für alle Anträge.",
            horizon=Project.Horizon.SHORT_TERM,
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 12, 31),
            budget=Decimal("120000"),
            funding_sources=[{"name": "Förderprogramm Smart Cities", "amount": "80000"}],
        ),
        actor=team.anna,
    )
    return field, project


def block(document: StrategyDocument, key: str) -> DocumentBlock:
    return DocumentBlock.objects.get(document=document, key=key)


# --------------------------------------------------------------------------- structure


def test_sections_cover_every_chapter_and_key_component_of_the_guide() -> None:
    paper = load_all().process.strategy_paper
    sections = service.sections()
    assert {s.chapter for s in sections if s.chapter} == {e.slug for e in paper.typical_chapters}
    assert {s.component for s in sections if s.component} == {e.slug for e in paper.key_components}
    assert [s.key for s in sections][:4] == [
        "background",
        "goals_guidelines",
        "fields_of_action",
        "projects_measures",
    ]
    goals = service.section("goals_guidelines")
    assert goals.title == "Ziele und Leitlinien"
    assert "Z. 3129" in goals.source_note and "Z. 1856-1860" in goals.source_note
    assert set(service.SECTION_SOURCES) == {s.key for s in sections}


def test_builders_of_missing_parts_return_nothing(team: Team, monkeypatch: Any) -> None:
    monkeypatch.setattr(service, "optional_model", lambda name, app_label="strategy": None)
    for builder in (
        service.build_risks,
        service.build_ideas,
        service.build_indicators,
        service.worksheet_builder("goal_mapping"),
    ):
        assert builder(team.workspace) == [], builder.__name__
    assert service.optional_model("NoSuchModel") is None


def test_worksheet_answers_become_labelled_paragraphs() -> None:
    sheet = load_all().worksheet("goal_mapping")
    text_field = next(f for f in sheet.fields if f.type in ("text", "long_text"))
    paragraphs = service.worksheet_paragraphs(
        "goal_mapping", {text_field.id: "Eine lebenswerte, vernetzte Stadt", "unknown": "x"}
    )
    assert paragraphs == [f"{text_field.label}: Eine lebenswerte, vernetzte Stadt"]
    assert service.worksheet_paragraphs("no_such_sheet", {"a": 1}) == []


# --------------------------------------------------------------------------- assembly


def test_document_is_assembled_from_the_workspace(team: Team) -> None:
    add_content(team)
    document = service.create_document(actor=team.carl, workspace=team.workspace)
    assert document.title == "Digitalstrategie 2030"
    keys = list(
        DocumentBlock.objects.filter(document=document)
        .order_by("position")
        .values_list("key", flat=True)
    )
    assert keys == [s.key for s in service.sections()]
    fields = block(document, "fields_of_action")
    assert "Digitale Verwaltung (sektoral, gesamtes Gemeindegebiet)" in fields.text
    assert "medienbruchfrei" in fields.text
    projects = block(document, "projects_measures")
    assert "Bürgerportal (Handlungsfeld Digitale Verwaltung, Skizze, kurzfristig" in projects.text
    assert "01.01.2027 – 31.12.2027" in projects.text
    funding = block(document, "funding")
    assert "Budget 120.000 Euro" in funding.text
    assert "Förderprogramm Smart Cities (80.000 Euro)" in funding.text
    background = block(document, "background")
    assert "Kernteam: 1" in background.text and "Mitwirkende: 1" in background.text
    assert "anna@" not in background.text  # numbers, not names or addresses
    assert fields.origin == "generated" and fields.generated_text == fields.text
    assert Activity.objects.filter(
        workspace=team.workspace, object_description__startswith="Strategiepapier"
    ).exists()
    with pytest.raises(ValidationError, match="schon ein Strategiepapier"):
        service.create_document(actor=team.anna, workspace=team.workspace)


@pytest.mark.parametrize("who", ["reader", "external_partner"])
def test_only_editors_change_the_document(team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied):
        service.create_document(actor=team.user(who), workspace=team.workspace)
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    target = block(document, "goals_guidelines")
    with pytest.raises(PermissionDenied):
        service.update_block(actor=team.user(who), block=target, version=1, text="x")
    with pytest.raises(PermissionDenied):
        service.refresh_document(actor=team.user(who), document=document)
    with pytest.raises(PermissionDenied):
        service.freeze_version(actor=team.user(who), document=document)


def test_refresh_updates_generated_blocks_and_keeps_edits(team: Team) -> None:
    field, project = add_content(team)
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    edited = block(document, "fields_of_action")
    service.update_block(
        actor=team.carl,
        block=edited,
        version=1,
        text="Unsere eigenen Worte.\r\n\r\nZweiter Absatz.",
    )
    edited.refresh_from_db()
    assert edited.origin == "edited" and edited.version == 2
    assert edited.paragraphs == ["Unsere eigenen Worte.", "Zweiter Absatz."]
    items.update_item(
        field, actor=team.anna, version=field.version, values={"title": "Digitales Rathaus"}
    )
    items.update_item(
        project, actor=team.anna, version=project.version, values={"title": "Serviceportal"}
    )
    result = service.refresh_document(actor=team.anna, document=document)
    assert "Projekte und Maßnahmen" in result.updated
    assert result.kept == ["Strategische Entwicklungsbereiche und Handlungsfelder"]
    edited.refresh_from_db()
    assert edited.text == "Unsere eigenen Worte.\n\nZweiter Absatz."  # never overwritten
    projects = block(document, "projects_measures")
    assert "Serviceportal" in projects.text and "Bürgerportal" not in projects.text
    view = next(v for v in service.block_views(document) if v.block.key == "fields_of_action")
    assert "Digitales Rathaus" in view.newer_generated
    # A second refresh without new content changes nothing.
    versions = list(DocumentBlock.objects.values_list("version", flat=True))
    service.refresh_document(actor=team.anna, document=document)
    assert list(DocumentBlock.objects.values_list("version", flat=True)) == versions
    # Taking the workspace's text back makes the block generated again.
    service.reset_block(actor=team.anna, block=edited, version=edited.version)
    edited.refresh_from_db()
    assert edited.origin == "generated" and "Digitales Rathaus" in edited.text


def test_stale_block_edit_is_a_conflict_naming_the_field(team: Team) -> None:
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    target = block(document, "goals_guidelines")
    service.update_block(actor=team.carl, block=target, version=1, text="Erste Fassung")
    with pytest.raises(VersionConflict) as caught:
        service.update_block(actor=team.anna, block=target, version=1, text="Andere Fassung")
    assert "Text" in caught.value.labels and "Carl Mitwirkend" in caught.value.message
    target.refresh_from_db()
    assert target.text == "Erste Fassung"
    with pytest.raises(ValidationError) as invalid:
        service.update_block(actor=team.anna, block=target, version=2, heading="  ")
    assert "heading" in invalid.value.message_dict


def test_versions_are_frozen_numbered_and_compared(team: Team) -> None:
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    goals = block(document, "goals_guidelines")
    service.update_block(actor=team.anna, block=goals, version=1, text="Ziel A\n\nZiel B")
    first = service.freeze_version(actor=team.anna, document=document, note="Entwurf")
    goals.refresh_from_db()
    service.update_block(
        actor=team.carl, block=goals, version=goals.version, text="Ziel A\n\nZiel C"
    )
    second = service.freeze_version(actor=team.carl, document=document)
    assert (first.number, second.number) == (1, 2)
    assert first.note == "Entwurf" and first.created_by == team.anna
    frozen = {b["key"]: b["text"] for b in first.blocks}
    assert frozen["goals_guidelines"] == "Ziel A\n\nZiel B"  # later edits do not touch it
    diff = {d.key: d for d in service.compare(first.blocks, second.blocks)}
    assert diff["goals_guidelines"].state == "changed"
    assert diff["goals_guidelines"].paragraphs == [
        ("same", "Ziel A"),
        ("removed", "Ziel B"),
        ("added", "Ziel C"),
    ]
    assert diff["funding"].state == "same"
    only_new = service.compare([], second.blocks)
    assert {d.state for d in only_new} == {"added"}


def test_council_decision_freezes_a_version_and_adopts_the_paper(team: Team) -> None:
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    deferred = service.record_decision(
        actor=team.anna,
        document=document,
        values={"body": "Stadtrat", "date": dt.date(2027, 3, 1), "outcome": "deferred"},
    )
    document.refresh_from_db()
    assert document.status == "draft"
    assert deferred.document_version is not None and deferred.document_version.number == 1
    adopted = service.record_decision(
        actor=team.carl,
        document=document,
        values={
            "body": "Stadtrat",
            "date": dt.date(2027, 4, 5),
            "outcome": "adopted_with_changes",
            "agenda_item": "Drucksache 2027/041",
            "document_version": deferred.document_version,
            "votes_for": 31,
            "votes_against": 4,
            "abstentions": 2,
        },
    )
    document.refresh_from_db()
    assert document.status == "adopted"
    assert adopted.document_version == deferred.document_version
    with pytest.raises(ValidationError) as invalid:
        service.record_decision(
            actor=team.anna,
            document=document,
            values={"body": "", "date": None, "outcome": "maybe", "votes_for": -1},
        )
    assert set(invalid.value.message_dict) == {"body", "date", "outcome", "votes_for"}
    updated = service.update_decision(
        actor=team.anna, decision=adopted, version=1, values={"note": "Einstimmig im Ausschuss"}
    )
    assert updated.version == 2
    with pytest.raises(VersionConflict):
        service.update_decision(actor=team.carl, decision=adopted, version=1, values={"note": "x"})
    with pytest.raises(PermissionDenied):
        service.record_decision(actor=team.lea, document=document, values={})
    assert CouncilDecision.objects.count() == 2


# --------------------------------------------------------------------------- exports


def _paper(team: Team) -> StrategyDocument:
    add_content(team)
    document = service.create_document(actor=team.anna, workspace=team.workspace)
    goals = block(document, "goals_guidelines")
    service.update_block(
        actor=team.anna, block=goals, version=1, text="Musterstadt wird digital.\n\nFür alle."
    )
    service.record_decision(
        actor=team.anna,
        document=document,
        values={
            "body": "Stadtrat",
            "date": dt.date(2027, 4, 5),
            "outcome": "adopted",
            "agenda_item": "TOP 7",
        },
    )
    return document


def test_docx_has_headings_paragraphs_project_table_and_decision(team: Team) -> None:
    document = _paper(team)
    docx = Document(io.BytesIO(document_export.document_docx(document)))
    headings = [p.text for p in docx.paragraphs if p.style.name.startswith("Heading")]
    assert [s.title for s in service.sections()] + ["Beschluss"] == headings
    texts = [p.text for p in docx.paragraphs]
    assert "Musterstadt wird digital." in texts and "Für alle." in texts
    assert docx.core_properties.title == "Digitalstrategie 2030"
    assert docx.core_properties.language == "de-DE"
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in docx.tables]
    projects = next(t for t in tables if t[0][0] == "Projekt")
    assert projects[1][:3] == ["Bürgerportal", "Digitale Verwaltung", "Skizze"]
    decision = next(t for t in tables if ["Gremium", "Stadtrat"] in t)
    assert ["Ergebnis", "beschlossen"] in decision and [
        "Tagesordnungspunkt oder Drucksache",
        "TOP 7",
    ] in decision


def test_docx_of_a_frozen_version_keeps_its_text(team: Team) -> None:
    document = _paper(team)
    version = document.versions.get(number=1)
    goals = block(document, "goals_guidelines")
    service.update_block(actor=team.anna, block=goals, version=goals.version, text="Später.")
    frozen = Document(io.BytesIO(document_export.document_docx(document, version)))
    texts = [p.text for p in frozen.paragraphs]
    assert "Musterstadt wird digital." in texts and "Später." not in texts
    current = Document(io.BytesIO(document_export.document_docx(document)))
    assert "Später." in [p.text for p in current.paragraphs]


def test_pdf_is_a_pdf_with_the_text(team: Team) -> None:
    document = _paper(team)
    pdf = document_export.document_pdf(document)
    assert pdf.startswith(b"%PDF")
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Musterstadt wird digital." in text
    assert "Ziele und Leitlinien" in text and "Bürgerportal" in text and "Stadtrat" in text


def test_choices_inside_worksheet_tables_are_written_with_their_labels() -> None:
    """The actor mapping's ring is stored as ``key``/``extended``; the paper says
    „Ring: Kern…“ in the guide's words, not the stored value."""
    sheet = load_all().worksheet("actor_mapping")
    ring = next(c for c in sheet.field("actors").columns if c.id == "ring")
    labels = {o.value: o.label for o in ring.options}
    paragraphs = service.worksheet_paragraphs(
        "actor_mapping",
        {"actors": [{"name": "Stadtwerke", "ring": "key"}, {"name": "Beirat", "ring": "extended"}]},
    )
    assert len(paragraphs) == 1
    assert f"Ring: {labels['key']}" in paragraphs[0]
    assert f"Ring: {labels['extended']}" in paragraphs[0]
    assert "Ring: key" not in paragraphs[0]
