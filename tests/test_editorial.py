"""Editorial review of atlas profiles: proposals, diff, decisions, versions, conflicts,
sanitising, permissions and new editions, on the shipped 2019 edition."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from kompass.accounts.models import Membership
from kompass.atlas import editorial
from kompass.atlas.editorial import ConflictError, StaleError
from kompass.atlas.editorial_forms import ProfileDocumentForm
from kompass.atlas.models import (
    ChangeProposal,
    Edition,
    Profile,
    ProfileVersion,
    Project,
    ProposalComment,
)
from kompass.atlas.shipped import load_atlas_edition
from kompass.core.models import Source
from kompass.core.shipped import load_fields_of_action
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">klick</a>',
    "&lt;script&gt;alert(2)&lt;/script&gt;",
    "<svg onload=alert(3)>",
]


@pytest.fixture
def atlas(db: None) -> Edition:
    load_fields_of_action()
    load_atlas_edition("2019")
    return Edition.objects.get(slug="2019")


@pytest.fixture
def aachen(atlas: Edition, personas: Personas) -> Profile:
    """Aachen's profile; Mia (Musterstadt) is also a member of Aachen for these tests."""
    profile = Profile.objects.select_related("municipality").get(edition=atlas, slug="aachen")
    Membership.objects.create(
        user=personas.mia, municipality=profile.municipality, role=Membership.Role.MEMBER
    )
    return profile


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(profile: Profile, **changes: Any) -> dict[str, Any]:
    document = editorial.document_of(profile)
    return ProfileDocumentForm.data_for(
        document,
        **{"base_version": profile.version, "reason": "Neue Beschlusslage des Rats", **changes},
    )


def proposal_of(
    user: Any, profile: Profile, changes: dict[str, Any], reason: str = "Aktualisiert"
) -> ChangeProposal:
    document = editorial.document_of(profile)
    document.update(changes)
    return editorial.propose(
        user=user,
        profile=profile,
        document=document,
        reason=reason,
        base_version=profile.version,
    )


# --- Documents and forms ----------------------------------------------------------------------
def test_every_shipped_profile_survives_the_edit_form_unchanged(atlas: Edition) -> None:
    """The form is lossless: opening and sending the edit form without changes proposes
    nothing, for all 50 profiles (units, milestones, funding, lists, numbers)."""
    for profile in atlas.profiles.all():
        document = editorial.document_of(profile)
        form = ProfileDocumentForm(
            ProfileDocumentForm.data_for(document, base_version=1, reason="x"),
            document=document,
        )
        assert form.is_valid(), (profile.slug, form.errors)
        assert editorial.changed_paths(document, form.document()) == [], profile.slug


def test_line_fields_report_the_line_and_the_problem(aachen: Profile) -> None:
    data = form_data(
        aachen,
        units="Chief Digital Officer (CDO) | Chief Digital Officer\nDigitalbüro | Bürgermeisteramt",
        milestones="2019 | Ratsbeschluss\n19.03.2020 | Start",
        funding="Smart Cities | Galaxis | Gewinner | 2020",
        population="-5",
    )
    form = ProfileDocumentForm(data, document=editorial.document_of(aachen))
    assert not form.is_valid()
    assert "Zeile 2: unbekannte Art „Bürgermeisteramt“" in form.errors["units"][0]
    assert "Zeile 2: Datum „19.03.2020“" in form.errors["milestones"][0]
    assert "Zeile 1: unbekannte Ebene „Galaxis“" in form.errors["funding"][0]
    assert "population" in form.errors


def test_projects_are_edited_as_paragraphs(aachen: Profile) -> None:
    before = {p.title: p.slug for p in aachen.projects.all()}
    kept = aachen.projects.first()
    assert kept is not None
    text = (
        f"{kept.title} | Mobilität, Verwaltung | Verwaltung | 2020 | Stadtwerke; RWTH\n"
        "Neue Kurzbeschreibung.\n\n"
        "Smarte Parkplätze | Mobilität | | 2025-03\nSensoren melden freie Plätze."
    )
    data = form_data(aachen, projects=text)
    form = ProfileDocumentForm(data, document=editorial.document_of(aachen))
    assert form.is_valid(), form.errors
    document = form.document()
    assert document["projects"][1] == {
        "title": "Smarte Parkplätze",
        "fields": ["mobility"],
        "primary": "mobility",
        "start": "2025-03",
        "partners": [],
        "summary": "Sensoren melden freie Plätze.",
    }
    current = editorial.document_of(aachen)
    editorial._publish(aachen, current, document)
    projects = list(aachen.projects.order_by("position"))
    assert [p.title for p in projects] == [kept.title, "Smarte Parkplätze"]
    assert projects[0].slug == before[kept.title]  # kept row, slug and provenance
    assert projects[0].primary_field.slug == "administration"
    assert [link.field.slug for link in projects[0].field_links.all()] == [
        "mobility",
        "administration",
    ]
    assert projects[0].partners == ["Stadtwerke", "RWTH"]
    assert projects[1].slug == "smarte-parkplaetze"
    bad = form_data(aachen, projects="Ohne Text | Mobilität\n\nFalsch | Raumfahrt\nText")
    form = ProfileDocumentForm(bad, document=editorial.document_of(aachen))
    assert not form.is_valid()
    assert "Zeile 1: Unter dem Titel fehlt die Kurzbeschreibung." in form.errors["projects"][0]


def test_a_known_programme_keeps_its_level(aachen: Profile) -> None:
    known = aachen.funding.select_related("programme").first()
    assert known is not None
    other_level = "eu" if known.programme.level != "eu" else "land"
    data = form_data(aachen, funding=f"{known.programme.name} | {other_level} | Gewinner")
    form = ProfileDocumentForm(data, document=editorial.document_of(aachen))
    assert not form.is_valid()
    assert "bereits mit der Ebene" in form.errors["funding"][0]


# --- The workflow -----------------------------------------------------------------------------
def test_member_proposes_editor_accepts_and_a_version_is_published(
    aachen: Profile, personas: Personas
) -> None:
    mia, erik = signed_in(personas.mia), signed_in(personas.erik)
    page = mia.get("/atlas/kommunen/aachen/")
    assert "Änderung vorschlagen" in page.content.decode()
    response = mia.post(
        "/atlas/kommunen/aachen/vorschlagen/",
        form_data(
            aachen,
            population="250000",
            sections__goals__summary="Aachen will bis 2030 alle Leistungen digital anbieten.",
            milestones="2024-05 | Digitalstrategie fortgeschrieben\n2027 | Evaluation | geplant",
            units="Chief Digital Officer | Chief Digital Officer | Oberbürgermeisterin | 2018",
            funding="Modellprojekte Smart Cities | Bund | gefördert | 2021",
        ),
    )
    proposal = ChangeProposal.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{proposal.pk}/")
    assert proposal.status == "open" and proposal.base_version == 1
    # Nothing is published before the review.
    aachen.refresh_from_db()
    assert aachen.population != 250000

    detail = erik.get(f"/atlas/vorschlaege/{proposal.pk}/").content.decode()
    assert "<ins>" in detail and "<del>" in detail and "250000" in detail
    assert "Entscheidung der Redaktion" in detail
    erik.post(f"/atlas/vorschlaege/{proposal.pk}/kommentar/", {"text": "Quelle bitte nennen"})
    assert ProposalComment.objects.get().author == personas.erik
    response = erik.post(
        f"/atlas/vorschlaege/{proposal.pk}/entscheidung/",
        {"decision": "accept", "revision": proposal.revision, "note": "geprüft"},
    )
    assert response.status_code == 302
    aachen.refresh_from_db()
    assert aachen.version == 2 and aachen.population == 250000
    assert aachen.sections["goals"]["summary"].startswith("Aachen will bis 2030")
    assert aachen.sections["goals"]["edited_in_version"] == 2
    assert [m.date for m in aachen.milestones.all()] == ["2024-05", "2027"]
    assert aachen.milestones.get(date="2027").planned is True
    assert [(u.kind, u.reports_to, u.since) for u in aachen.units.all()] == [
        ("cdo", "Oberbürgermeisterin", "2018")
    ]
    assert [(f.programme.name, f.programme.level, f.role) for f in aachen.funding.all()] == [
        ("Modellprojekte Smart Cities", "federal", "funded")
    ]
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.published_version == 2
    versions = list(aachen.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].document["population"] != 250000  # the study's state is kept
    assert "population" in versions[1].changed and versions[1].published_by == personas.erik

    history = Client().get("/atlas/kommunen/aachen/versionen/").content.decode()
    assert "Version 2" in history and "Einwohnerzahl" in history
    assert "Erik Redaktion" not in history  # names only for editors and members
    assert "Erik Redaktion" in erik.get("/atlas/kommunen/aachen/versionen/").content.decode()
    version = Client().get("/atlas/kommunen/aachen/versionen/2/").content.decode()
    assert "Änderungen gegenüber Version 1" in version and "<ins>" in version


def test_published_change_is_found_by_search(
    aachen: Profile, personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    from kompass.atlas import search

    search.rebuild_index()
    assert search.search("Quantenverwaltung").total == 0
    proposal = proposal_of(
        personas.mia,
        aachen,
        {"sections.goals.summary": "Aachen erprobt die Quantenverwaltung."},
    )
    with django_capture_on_commit_callbacks(execute=True):
        editorial.accept(user=personas.erik, proposal=proposal, revision=proposal.revision)
    hits = search.search("Quantenverwaltung")
    assert [hit.entry.title for hit in hits.hits] == ["Aachen"]


def test_reject_needs_a_reason_and_ends_the_proposal(aachen: Profile, personas: Personas) -> None:
    proposal = proposal_of(personas.mia, aachen, {"notes": "Bitte prüfen"})
    erik = signed_in(personas.erik)
    url = f"/atlas/vorschlaege/{proposal.pk}/entscheidung/"
    response = erik.post(url, {"decision": "reject", "revision": 1, "note": ""})
    assert response.status_code == 400
    assert "Bitte begründen Sie die Ablehnung." in response.content.decode()
    erik.post(url, {"decision": "reject", "revision": 1, "note": "Keine Quelle"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected" and proposal.decision_note == "Keine Quelle"
    with pytest.raises(StaleError):
        editorial.accept(user=personas.erik, proposal=proposal, revision=1)
    aachen.refresh_from_db()
    assert aachen.version == 1 and aachen.notes != "Bitte prüfen"


def test_author_revises_and_withdraws(aachen: Profile, personas: Personas) -> None:
    mia = signed_in(personas.mia)
    proposal = proposal_of(personas.mia, aachen, {"notes": "erste Fassung"})
    data = form_data(aachen, notes="zweite Fassung", revision=1)
    response = mia.post(f"/atlas/vorschlaege/{proposal.pk}/bearbeiten/", data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.revision == 2 and proposal.document["notes"] == "zweite Fassung"
    # The editor decides on the revision they saw: an older one is refused.
    with pytest.raises(StaleError):
        editorial.accept(user=personas.erik, proposal=proposal, revision=1)
    mia.post(f"/atlas/vorschlaege/{proposal.pk}/zurueckziehen/")
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"  # kept, not deleted
    assert ChangeProposal.objects.filter(pk=proposal.pk).exists()


def test_editors_do_not_decide_their_own_proposals(aachen: Profile, personas: Personas) -> None:
    Membership.objects.create(user=personas.erik, municipality=aachen.municipality)
    proposal = proposal_of(personas.erik, aachen, {"notes": "eigene Änderung"})
    with pytest.raises(Exception, match="Vier-Augen-Prinzip"):
        editorial.accept(user=personas.erik, proposal=proposal, revision=1)
    page = signed_in(personas.erik).get(f"/atlas/vorschlaege/{proposal.pk}/").content.decode()
    assert "Entscheidung der Redaktion" not in page


# --- Concurrency ------------------------------------------------------------------------------
def test_changes_to_different_fields_are_merged(aachen: Profile, personas: Personas) -> None:
    first = proposal_of(personas.mia, aachen, {"population": 260000})
    second = proposal_of(personas.mia, aachen, {"notes": "Neue Anmerkung"})
    editorial.accept(user=personas.erik, proposal=first, revision=1)
    editorial.accept(user=personas.erik, proposal=second, revision=1)
    aachen.refresh_from_db()
    assert aachen.version == 3
    assert aachen.population == 260000 and aachen.notes == "Neue Anmerkung"
    assert aachen.versions.get(number=3).changed == ["notes"]


def test_conflicting_changes_are_refused_not_overwritten(
    aachen: Profile, personas: Personas
) -> None:
    first = proposal_of(personas.mia, aachen, {"population": 260000, "notes": "A"})
    second = proposal_of(personas.mia, aachen, {"population": 270000})
    editorial.accept(user=personas.erik, proposal=first, revision=1)
    with pytest.raises(ConflictError) as caught:
        editorial.accept(user=personas.erik, proposal=second, revision=1)
    assert caught.value.labels == ["Einwohnerzahl"]
    aachen.refresh_from_db()
    assert aachen.population == 260000 and aachen.version == 2
    second.refresh_from_db()
    assert second.status == "open"
    page = signed_in(personas.erik).get(f"/atlas/vorschlaege/{second.pk}/").content.decode()
    assert "Dieselben Felder wurden anders geändert:" in page and "Einwohnerzahl" in page
    response = signed_in(personas.erik).post(
        f"/atlas/vorschlaege/{second.pk}/entscheidung/",
        {"decision": "accept", "revision": 1},
    )
    assert response.status_code == 400 and "Nicht veröffentlicht" in response.content.decode()
    # The author brings the proposal up to date; then it can be published.
    editorial.revise(
        user=personas.mia,
        proposal=second,
        document={**editorial.document_of(aachen), "population": 270000},
        reason="neu",
        revision=1,
    )
    second.refresh_from_db()
    assert second.base_version == 2
    editorial.accept(user=personas.erik, proposal=second, revision=2)
    aachen.refresh_from_db()
    assert aachen.population == 270000 and aachen.notes == "A" and aachen.version == 3


def test_a_stale_edit_form_is_merged_and_shown_again(aachen: Profile, personas: Personas) -> None:
    mia = signed_in(personas.mia)
    stale = form_data(aachen, notes="Meine Anmerkung")  # loaded at version 1
    other = proposal_of(personas.mia, aachen, {"population": 280000})
    editorial.accept(user=personas.erik, proposal=other, revision=1)
    response = mia.post("/atlas/kommunen/aachen/vorschlagen/", stale)
    body = response.content.decode()
    assert response.status_code == 400
    assert "inzwischen geändert (jetzt Version 2" in body
    assert ChangeProposal.objects.filter(status="open").count() == 0
    assert 'name="base_version" value="2"' in body
    assert "280000" in body and "Meine Anmerkung" in body  # theirs and ours, merged


# --- Sanitising -------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_payloads_are_removed_everywhere(
    aachen: Profile, personas: Personas, payload: str
) -> None:
    mia = signed_in(personas.mia)
    response = mia.post(
        "/atlas/kommunen/aachen/vorschlagen/",
        form_data(
            aachen,
            sections__goals__summary=f"Ziele {payload} bleiben",
            sections__goals__items=f"Ziel A\n{payload}Ziel B",
            units=f"Digitalbüro{payload} | Stabsstelle",
            reason=f"Grund {payload}",
        ),
    )
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    stored = repr(proposal.document) + proposal.reason
    for needle in ("<script", "onerror", "javascript:", "<svg", "<img", "onload"):
        assert needle not in stored.lower()
    assert proposal.document["sections.goals.summary"].startswith("Ziele")
    editorial.comment(user=personas.mia, proposal=proposal, text=f"Kommentar {payload}")
    assert "<" not in ProposalComment.objects.get().text
    page = signed_in(personas.erik).get(f"/atlas/vorschlaege/{proposal.pk}/").content.decode()
    assert "<script>alert" not in page and "onerror=" not in page
    follow = mia.get(f"/atlas/vorschlaege/{proposal.pk}/").content.decode()
    assert "HTML-Auszeichnungen und Skripte wurden entfernt" in follow


def test_sanitise_keeps_plain_text() -> None:
    assert editorial.sanitise("a < b & c > d") == "a < b & c > d"
    assert editorial.sanitise("Straße „Nr. 5“") == "Straße „Nr. 5“"
    assert "<" not in editorial.sanitise("&amp;lt;script&amp;gt;x")


# --- Permissions ------------------------------------------------------------------------------
def test_outsiders_cannot_see_or_touch_proposals(aachen: Profile, personas: Personas) -> None:
    proposal = proposal_of(personas.mia, aachen, {"notes": "privat"})
    base = f"/atlas/vorschlaege/{proposal.pk}/"
    for user in (personas.ben, personas.clara):
        client = signed_in(user)
        assert client.get("/atlas/kommunen/aachen/vorschlagen/").status_code == 404
        assert client.get(base).status_code == 404
        assert client.get(base + "bearbeiten/").status_code == 404
        assert client.post(base + "kommentar/", {"text": "x"}).status_code == 404
        assert client.post(base + "zurueckziehen/").status_code == 404
        decide = {"decision": "accept", "revision": 1}
        assert client.post(base + "entscheidung/", decide).status_code == 404
        assert "privat" not in client.get("/atlas/vorschlaege/?status=alle").content.decode()
        assert client.get("/atlas/ausgaben/neu/").status_code == 404
    # A member may see and comment, but not decide.
    mia = signed_in(personas.mia)
    assert mia.get(base).status_code == 200
    assert mia.post(base + "entscheidung/", decide).status_code == 404
    anonymous = Client()
    for url in (base, "/atlas/kommunen/aachen/vorschlagen/", "/atlas/vorschlaege/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.comments.count() == 0
    assert "Änderung vorschlagen" not in Client().get("/atlas/kommunen/aachen/").content.decode()


# --- New profiles and editions ----------------------------------------------------------------
def test_member_proposes_a_new_profile(atlas: Edition, personas: Personas) -> None:
    mia = signed_in(personas.mia)
    choose = mia.get("/atlas/neu/").content.decode()
    assert "Steckbrief für Musterstadt vorschlagen" in choose
    data = ProfileDocumentForm.data_for(
        editorial.empty_document(),
        base_version=0,
        reason="Unsere Stadt",
        kommune="musterstadt",
        population="42318",
        sections__organisation__summary="Ein Digitalbüro steuert die Vorhaben.",
        units="Digitalbüro | Stabsstelle | Bürgermeister",
    )
    response = mia.post("/atlas/neu/", data)
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.is_new_profile
    assert signed_in(personas.ben).get("/atlas/neu/?kommune=musterstadt").status_code == 404
    profile = editorial.accept(user=personas.erik, proposal=proposal, revision=1)
    assert (profile.slug, profile.version, profile.population) == ("musterstadt", 1, 42318)
    assert profile.units.get().kind == "staff_unit"
    assert atlas.profiles.count() == 51
    assert Client().get("/atlas/kommunen/musterstadt/").status_code == 200
    assert "Steckbrief für Musterstadt" not in mia.get("/atlas/neu/").content.decode()


def test_new_edition_continues_the_last_one(aachen: Profile, personas: Personas) -> None:
    erik = signed_in(personas.erik)
    assert erik.get("/atlas/ausgaben/neu/").status_code == 200
    response = erik.post(
        "/atlas/ausgaben/neu/",
        {"slug": "2026", "title": "Smart-City-Atlas 2026", "reference_date": "01.11.2026"},
    )
    assert response.status_code == 302
    new = Edition.objects.get(slug="2026")
    old = Edition.objects.get(slug="2019")
    assert new.based_on == old and new.reference_date == dt.date(2026, 11, 1)
    assert new.profiles.count() == old.profiles.count() == 50
    assert Project.objects.filter(profile__edition=new).count() == 144
    copy = new.profiles.get(slug="aachen")
    assert copy.units.count() == aachen.units.count() > 0
    assert copy.versions.get().note.startswith("Übernommen aus der Ausgabe")
    assert Source.objects.filter(object_id=copy.pk, content_type__model="profile").exists()
    # Proposals now go to the new edition; the old one is closed and unchanged.
    proposal = proposal_of(personas.mia, copy, {"notes": "2026"})
    editorial.accept(user=personas.erik, proposal=proposal, revision=1)
    aachen.refresh_from_db()
    assert aachen.notes != "2026" and aachen.version == 1
    old_page = signed_in(personas.mia).get("/atlas/kommunen/aachen/?ausgabe=2019")
    assert "frühere Ausgabe" in old_page.content.decode()
    assert "Änderung vorschlagen" not in old_page.content.decode()
    again = erik.post(
        "/atlas/ausgaben/neu/", {"slug": "2026", "title": "X", "reference_date": "01.01.2027"}
    )
    assert again.status_code == 400 and "2026" in again.content.decode()
    assert Edition.objects.count() == 2


def test_new_edition_from_the_command_line(atlas: Edition) -> None:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command(
        "start_edition", "2027", "--titel", "Atlas 2027", "--stand", "2027-01-31", stdout=out
    )
    assert "50 Steckbriefe" in out.getvalue()
    assert Edition.objects.get(slug="2027").based_on == atlas
    with pytest.raises(CommandError, match="nur Kleinbuchstaben"):
        call_command("start_edition", "Neu 2028", "--titel", "X", "--stand", "2028-01-01")
    with pytest.raises(CommandError, match="kein Datum"):
        call_command("start_edition", "2028", "--titel", "X", "--stand", "31.01.2028")
    assert Edition.objects.count() == 2


# --- Single pages and PDF ---------------------------------------------------------------------
def test_profile_pdf_is_a_real_tagged_pdf(aachen: Profile) -> None:
    response = Client().get("/atlas/kommunen/aachen/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Aachen" in text and "Leuchtturmprojekte" in text
    assert "003_98a75a01d0173661.txt" in text
    assert reader.metadata and "Aachen" in (reader.metadata.title or "")
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    assert len(reader.pages) >= 2


def test_project_and_practice_example_pages(aachen: Profile) -> None:
    from kompass.atlas.practice import load_practice_examples

    project = aachen.projects.first()
    assert project is not None
    body = Client().get(f"/atlas/kommunen/aachen/projekte/{project.slug}/").content.decode()
    assert project.title in body and project.primary_field.name in body
    assert Client().get("/atlas/kommunen/aachen/projekte/gibt-es-nicht/").status_code == 404
    load_practice_examples()
    from kompass.atlas.models import PracticeExample

    example = PracticeExample.objects.first()
    assert example is not None
    body = Client().get(f"/atlas/praxisbeispiele/{example.slug}/").content.decode()
    assert example.title in body and example.document in body


def test_version_pages_of_an_unedited_profile(aachen: Profile) -> None:
    body = Client().get("/atlas/kommunen/aachen/versionen/").content.decode()
    assert "Version 1" in body
    assert Client().get("/atlas/kommunen/aachen/versionen/7/").status_code == 404
    assert ProfileVersion.objects.count() == 0
