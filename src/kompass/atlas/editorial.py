"""Editorial review of atlas profiles.

A profile's editable content is a flat *document*: a dict from a field path
(``population``, ``sections.goals.summary``, ``units`` …) to a JSON value. Members propose a
new document, editors see the difference to the published one, comment, accept or reject.
Publishing writes the document back into the profile rows, raises ``Profile.version`` and keeps
the published document as a :class:`ProfileVersion`, so the history is complete.

Concurrency: a proposal remembers the version it was based on. If the profile moved on in
between, accepting merges field by field (three-way, as version control does); a field that both
sides changed differently is a conflict, and nothing is written. Every write checks the version
it read with a conditional UPDATE, so two editors cannot publish over each other.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import nh3
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kompass.atlas import profile_facets, search
from kompass.atlas.models import (
    PROFILE_SECTIONS,
    ChangeProposal,
    Edition,
    FundingProgramme,
    Milestone,
    OrganisationUnit,
    Profile,
    ProfileFunding,
    ProfileVersion,
    Project,
    ProjectField,
    ProposalComment,
)
from kompass.atlas.queries import mark_cross_section_stale
from kompass.core.models import FieldOfAction, Municipality, Source
from kompass.core.text import german_slug

Document = dict[str, Any]

STAKEHOLDER_GROUPS = [
    ("citizens", "Bürgerinnen und Bürger"),
    ("companies", "Unternehmen"),
    ("science", "Wissenschaft"),
    ("administration", "Verwaltung"),
    ("politics", "Politik"),
    ("civil_society", "Zivilgesellschaft"),
    ("municipal_companies", "kommunale Unternehmen"),
    ("other_municipalities", "andere Kommunen"),
    ("schools", "Schulen"),
    ("other", "Sonstige"),
]


@dataclass(frozen=True)
class DocumentField:
    """One editable field: its path in the document, German label, kind and help text."""

    path: str
    label: str
    kind: str  # int | decimal | text | lines | groups | units | milestones | funding
    help: str = ""


def _fields() -> list[DocumentField]:
    result = [
        DocumentField("population", "Einwohnerzahl", "int"),
        DocumentField("area_km2", "Fläche in km²", "decimal"),
    ]
    extra = {
        "organisation": [
            DocumentField(
                "units",
                "Zuständige Stellen",
                "units",
                "Eine Stelle je Zeile: Bezeichnung | Art | angebunden an | seit "
                "(Art z. B. „Chief Digital Officer“, „Stabsstelle“, „Amt oder Dienststelle“).",
            )
        ],
        "milestones": [
            DocumentField(
                "milestones",
                "Meilensteine",
                "milestones",
                "Ein Meilenstein je Zeile: Datum | Ereignis | geplant (optional). "
                "Datum als JJJJ, JJJJ-MM oder JJJJ-MM-TT.",
            )
        ],
        "goals": [DocumentField("sections.goals.items", "Ziele", "lines", "Ein Ziel je Zeile.")],
        "stakeholders": [
            DocumentField("sections.stakeholders.groups", "Beteiligte Gruppen", "groups"),
            DocumentField(
                "sections.stakeholders.formats",
                "Beteiligungsformate",
                "lines",
                "Ein Format je Zeile.",
            ),
        ],
        "opportunities_challenges": [
            DocumentField("sections.opportunities_challenges.opportunities", "Chancen", "lines"),
            DocumentField(
                "sections.opportunities_challenges.challenges", "Herausforderungen", "lines"
            ),
        ],
        "communication_networks": [
            DocumentField(
                "sections.communication_networks.networks", "Netzwerke und Partner", "lines"
            ),
            DocumentField(
                "sections.communication_networks.channels", "Kommunikationskanäle", "lines"
            ),
        ],
        "funding": [
            DocumentField(
                "funding",
                "Wettbewerbe und Förderprogramme",
                "funding",
                "Ein Eintrag je Zeile: Programm | Ebene (EU, Bund, Land, Sonstige) | Rolle "
                "(z. B. Gewinner, Finalist, Modellkommune, gefördert) | Jahr.",
            )
        ],
    }
    for key, title in PROFILE_SECTIONS:
        result.append(DocumentField(f"sections.{key}.summary", f"{title}: Zusammenfassung", "text"))
        result.extend(extra.get(key, []))
    result += [
        DocumentField(
            "projects",
            "Leuchtturmprojekte",
            "projects",
            "Je Projekt ein Absatz, Absätze durch eine Leerzeile getrennt. Erste Zeile: "
            "Titel | Handlungsfelder (mit Komma, wie genannt) | Hauptfeld | Beginn | Partner "
            "(mit Semikolon); darunter die Kurzbeschreibung. Ohne Angabe ist das erste "
            "Handlungsfeld das Hauptfeld.",
        ),
        DocumentField(
            "further_information",
            "Weiterführende Informationen",
            "lines",
            "Ein Eintrag je Zeile (z. B. Titel einer Website oder Strategie).",
        ),
        DocumentField("notes", "Anmerkungen", "text"),
    ]
    return result


FIELDS = _fields()
FIELDS_BY_PATH = {f.path: f for f in FIELDS}
UNIT_KINDS = {str(k): str(v) for k, v in OrganisationUnit.Kind.choices}
LEVELS = {str(k): str(v) for k, v in FundingProgramme.Level.choices}
ROLES = {str(k): str(v) for k, v in ProfileFunding.Role.choices}
GROUPS = dict(STAKEHOLDER_GROUPS)
DATE_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
MAX_TEXT = 5000
CENT = Decimal("0.01")
MAX_LINES = 100


class StaleError(Exception):
    """The profile or the proposal changed since the user loaded it."""


class ConflictError(Exception):
    """Both the proposal and the published profile changed the same fields."""

    def __init__(self, labels: list[str]) -> None:
        super().__init__(", ".join(labels))
        self.labels = labels


# --- Sanitising -------------------------------------------------------------------------------
def sanitise(value: str) -> str:
    """Plain text from user input: markup, scripts and event handlers are removed (Ammonia via
    nh3), entities decoded; repeated until stable so that encoded payloads cannot survive."""
    text = value
    for _ in range(4):
        cleaned = html.unescape(nh3.clean(text, tags=set()))
        if cleaned == text:
            break
        text = cleaned
    return text.replace("\r\n", "\n").strip()


# --- Documents --------------------------------------------------------------------------------
def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return "" if value is None else str(value)


def document_of(profile: Profile) -> Document:
    """The editable content of ``profile`` as a flat document."""
    sections = profile.sections or {}
    doc: Document = {}
    for field in FIELDS:
        if field.path == "population":
            doc[field.path] = profile.population
        elif field.path == "area_km2":
            doc[field.path] = None if profile.area_km2 is None else str(profile.area_km2)
        elif field.path == "units":
            doc[field.path] = [
                {"name": u.name, "kind": u.kind, "reports_to": u.reports_to, "since": u.since}
                for u in profile.units.all()
            ]
        elif field.path == "milestones":
            doc[field.path] = [
                {"date": m.date, "event": m.event, "planned": m.planned}
                for m in profile.milestones.all()
            ]
        elif field.path == "funding":
            doc[field.path] = [
                {
                    "programme": f.programme.name,
                    "level": f.programme.level,
                    "role": f.role,
                    "year": f.year,
                }
                for f in profile.funding.select_related("programme").order_by("pk")
            ]
        elif field.path == "projects":
            doc[field.path] = [
                {
                    "title": project.title,
                    "fields": [link.field.slug for link in project.field_links.all()],
                    "primary": project.primary_field.slug,
                    "start": project.start,
                    "partners": [_plain(p) for p in project.partners],
                    "summary": project.summary,
                }
                for project in profile.projects.select_related("primary_field").prefetch_related(
                    "field_links__field"
                )
            ]
        elif field.path.startswith("sections."):
            _, key, name = field.path.split(".")
            value = sections.get(key, {}).get(name)
            if field.kind == "text":
                doc[field.path] = _plain(value)
            else:
                doc[field.path] = [_plain(v) for v in value or []]
        elif field.path == "further_information":
            doc[field.path] = [_plain(v) for v in profile.further_information or []]
        else:
            doc[field.path] = getattr(profile, field.path) or ""
    return doc


def empty_document() -> Document:
    return {
        f.path: None if f.kind in ("int", "decimal") else "" if f.kind == "text" else []
        for f in FIELDS
    }


def changed_paths(before: Document, after: Document) -> list[str]:
    return [f.path for f in FIELDS if before.get(f.path) != after.get(f.path)]


def merge(base: Document, current: Document, proposed: Document) -> tuple[Document, list[str]]:
    """Three-way merge per field: the proposal's changes on top of the current document.
    Returns the merged document and the paths both sides changed differently."""
    merged: Document = {}
    conflicts: list[str] = []
    for field in FIELDS:
        b, c, p = (d.get(field.path) for d in (base, current, proposed))
        if p in (b, c):
            merged[field.path] = c
        elif c == b:
            merged[field.path] = p
        else:
            merged[field.path] = c
            conflicts.append(field.path)
    return merged, conflicts


# --- Text form of a value (form fields and diffs) ---------------------------------------------
def value_as_text(field: DocumentField, value: Any) -> str:
    if value is None:
        return ""
    if field.kind == "decimal":
        return str(value).replace(".", ",")
    if field.kind in ("int", "text"):
        return str(value)
    if field.kind == "lines":
        return "\n".join(value)
    if field.kind == "groups":
        return ", ".join(GROUPS.get(v, v) for v in value)
    if field.kind == "units":
        return "\n".join(
            _columns([u["name"], UNIT_KINDS.get(u["kind"], u["kind"]), u["reports_to"], u["since"]])
            for u in value
        )
    if field.kind == "milestones":
        return "\n".join(
            _columns([m["date"], m["event"], "geplant" if m["planned"] else ""]) for m in value
        )
    if field.kind == "projects":
        names = field_names()
        return "\n\n".join(
            _columns(
                [
                    p["title"],
                    ", ".join(names.get(f, f) for f in p["fields"]),
                    names.get(p["primary"], p["primary"]),
                    p["start"],
                    "; ".join(p["partners"]),
                ]
            )
            + "\n"
            + p["summary"]
            for p in value
        )
    if field.kind == "funding":
        return "\n".join(
            _columns(
                [
                    f["programme"],
                    LEVELS.get(f["level"], f["level"]),
                    ROLES.get(f["role"], f["role"]),
                    f["year"],
                ]
            )
            for f in value
        )
    raise ValueError(field.kind)


def _columns(values: list[str]) -> str:
    """One line of ``|``-separated columns; a ``|`` inside a value is written ``\\|``."""
    while values and not values[-1]:
        values = values[:-1]
    return " | ".join(v.replace("|", "\\|") for v in values)


# --- Parsing the line-based fields (German errors naming the line) ----------------------------
def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in sanitise(text).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Höchstens {MAX_LINES} Zeilen (eingegeben: {len(lines)}).")
    return lines


def _choice(value: str, options: dict[str, str], what: str, line: int) -> str:
    folded = value.strip().casefold()
    for key, label in options.items():
        if folded in (key.casefold(), label.casefold()):
            return key
    allowed = ", ".join(options.values())
    raise ValidationError(f"Zeile {line}: unbekannte {what} „{value}“. Erlaubt: {allowed}.")


def _split(line: str, number: int, minimum: int, maximum: int, layout: str) -> list[str]:
    parts = [p.strip().replace("\\|", "|") for p in re.split(r"(?<!\\)\|", line)]
    if not minimum <= len(parts) <= maximum or not parts[0]:
        raise ValidationError(f"Zeile {number}: erwartet wird „{layout}“, gefunden „{line}“.")
    return parts + [""] * (maximum - len(parts))


def parse_lines(text: str) -> list[str]:
    return _lines(text)


def parse_units(text: str) -> list[dict[str, str]]:
    units = []
    for number, line in enumerate(_lines(text), start=1):
        name, kind, reports_to, since = _split(
            line, number, 2, 4, "Bezeichnung | Art | angebunden an | seit"
        )
        if since and not DATE_RE.match(since):
            raise ValidationError(
                f"Zeile {number}: „seit“ muss ein Datum als JJJJ, JJJJ-MM oder JJJJ-MM-TT sein."
            )
        units.append(
            {
                "name": name[:300],
                "kind": _choice(kind, UNIT_KINDS, "Art", number),
                "reports_to": reports_to[:200],
                "since": since,
            }
        )
    return units


def parse_milestones(text: str) -> list[dict[str, Any]]:
    items = []
    for number, line in enumerate(_lines(text), start=1):
        date, event, planned = _split(line, number, 2, 3, "Datum | Ereignis | geplant")
        if not DATE_RE.match(date):
            raise ValidationError(
                f"Zeile {number}: Datum „{date}“ ist nicht JJJJ, JJJJ-MM oder JJJJ-MM-TT."
            )
        if not event:
            raise ValidationError(f"Zeile {number}: Das Ereignis fehlt.")
        if planned and planned.casefold() not in ("geplant", "ja"):
            raise ValidationError(
                f"Zeile {number}: dritte Spalte nur „geplant“ oder leer, nicht „{planned}“."
            )
        items.append({"date": date, "event": event, "planned": bool(planned)})
    return items


def parse_funding(text: str) -> list[dict[str, str]]:
    items = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(_lines(text), start=1):
        name, level, role, year = _split(line, number, 3, 4, "Programm | Ebene | Rolle | Jahr")
        if year and not re.fullmatch(r"\d{4}(/\d{4})?", year):
            raise ValidationError(f"Zeile {number}: Jahr „{year}“ ist keine Jahreszahl.")
        item = {
            "programme": name[:300],
            "level": _choice(level, LEVELS, "Ebene", number),
            "role": _choice(role, ROLES, "Rolle", number),
            "year": year,
        }
        known = FundingProgramme.objects.filter(name=item["programme"]).first()
        if known and known.level != item["level"]:
            raise ValidationError(
                f"Zeile {number}: „{known.name}“ ist bereits mit der Ebene "
                f"„{known.get_level_display()}“ erfasst."
            )
        if (item["programme"], item["role"]) in seen:
            raise ValidationError(f"Zeile {number}: Programm und Rolle stehen schon weiter oben.")
        seen.add((item["programme"], item["role"]))
        items.append(item)
    return items


def field_names() -> dict[str, str]:
    return dict(FieldOfAction.objects.values_list("slug", "name"))


def parse_projects(text: str) -> list[dict[str, Any]]:
    """Blocks separated by blank lines: a header line and the summary below it."""
    names = field_names()
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, raw in enumerate(sanitise(text).split("\n"), start=1):
        line = raw.strip()
        if line:
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    projects = []
    titles: set[str] = set()
    for block in (b for b in blocks if b):
        number, header = block[0]
        title, labels, primary, start, partners = _split(
            header, number, 2, 5, "Titel | Handlungsfelder | Hauptfeld | Beginn | Partner"
        )
        fields = [
            _choice(label, names, "Handlungsfeld", number)
            for label in (part.strip() for part in labels.split(","))
            if label
        ]
        if not fields:
            raise ValidationError(f"Zeile {number}: Mindestens ein Handlungsfeld angeben.")
        fields = list(dict.fromkeys(fields))
        main = _choice(primary, names, "Hauptfeld", number) if primary else fields[0]
        if main not in fields:
            raise ValidationError(
                f"Zeile {number}: Das Hauptfeld „{names[main]}“ muss unter den "
                "Handlungsfeldern stehen."
            )
        if start and not DATE_RE.match(start):
            raise ValidationError(
                f"Zeile {number}: „Beginn“ muss JJJJ, JJJJ-MM oder JJJJ-MM-TT sein."
            )
        summary = " ".join(line for _, line in block[1:])
        if not summary:
            raise ValidationError(f"Zeile {number}: Unter dem Titel fehlt die Kurzbeschreibung.")
        if title in titles:
            raise ValidationError(f"Zeile {number}: Das Projekt „{title}“ steht schon oben.")
        titles.add(title)
        projects.append(
            {
                "title": title[:300],
                "fields": fields,
                "primary": main,
                "start": start,
                "partners": [p.strip() for p in partners.split(";") if p.strip()],
                "summary": summary[:MAX_TEXT],
            }
        )
    if len(projects) > MAX_LINES:
        raise ValidationError(f"Höchstens {MAX_LINES} Projekte.")
    return projects


PARSERS: dict[str, Callable[[str], Any]] = {
    "lines": parse_lines,
    "units": parse_units,
    "milestones": parse_milestones,
    "funding": parse_funding,
    "projects": parse_projects,
}


# --- Diff -------------------------------------------------------------------------------------
@dataclass
class Change:
    path: str
    label: str
    segments: list[tuple[str, str]]  # (equal|insert|delete, text)


def diff(before: Document, after: Document) -> list[Change]:
    """The changed fields with word-level (text) or line-level (lists) differences."""
    changes = []
    for path in changed_paths(before, after):
        field = FIELDS_BY_PATH[path]
        old, new = value_as_text(field, before.get(path)), value_as_text(field, after.get(path))
        if field.kind == "text":
            a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
        else:
            a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
            a = [line if line.endswith("\n") else line + "\n" for line in a]
            b = [line if line.endswith("\n") else line + "\n" for line in b]
        segments: list[tuple[str, str]] = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                segments.append(("equal", "".join(a[i1:i2])))
                continue
            if op in ("delete", "replace"):
                segments.append(("delete", "".join(a[i1:i2])))
            if op in ("insert", "replace"):
                segments.append(("insert", "".join(b[j1:j2])))
        changes.append(Change(path, field.label, segments))
    return changes


# --- Permissions ------------------------------------------------------------------------------
def is_editor(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_atlas_editor or user.is_staff)
    )


def can_propose_for(user: Any, municipality: Municipality) -> bool:
    return bool(user.is_authenticated and user.is_member_of(municipality))


def can_view(user: Any, proposal: ChangeProposal) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        is_editor(user) or proposal.author_id == user.pk or user.is_member_of(proposal.municipality)
    )


def visible_proposals(user: Any) -> QuerySet[ChangeProposal]:
    """The proposals ``user`` may see: all for editors, their municipalities' for members."""
    proposals = ChangeProposal.objects.select_related(
        "municipality", "profile", "author", "edition"
    )
    if is_editor(user):
        return proposals
    if not user.is_authenticated:
        return proposals.none()
    return proposals.filter(Q(author=user) | Q(municipality__memberships__user=user)).distinct()


def proposable_municipalities(user: Any, edition: Edition) -> QuerySet[Municipality]:
    """The user's municipalities that have no profile in ``edition`` yet."""
    if not user.is_authenticated:
        return Municipality.objects.none()
    return (
        Municipality.objects.filter(memberships__user=user)
        .exclude(atlas_profiles__edition=edition)
        .order_by("name")
        .distinct()
    )


# --- Use cases --------------------------------------------------------------------------------
def _ensure_first_version(profile: Profile) -> None:
    """The state before the first reviewed change becomes a version too (e.g. the study's)."""
    if not profile.versions.exists():
        ProfileVersion.objects.create(
            profile=profile,
            number=profile.version,
            document=document_of(profile),
            note=f"Ausgangsstand der Ausgabe {profile.edition.title}",
        )


def propose(
    *,
    user: Any,
    document: Document,
    reason: str,
    base_version: int,
    profile: Profile | None = None,
    municipality: Municipality | None = None,
    edition: Edition | None = None,
) -> ChangeProposal:
    """A member proposes ``document`` for ``profile`` (or a new profile of ``municipality``
    in ``edition``). ``base_version`` is the version the member edited."""
    if profile is not None:
        municipality, edition = profile.municipality, profile.edition
    assert municipality is not None and edition is not None
    if not can_propose_for(user, municipality):
        raise PermissionDenied
    with transaction.atomic():
        if profile is not None:
            profile = Profile.objects.select_for_update().get(pk=profile.pk)
            if profile.version != base_version:
                raise StaleError(profile.version)
            _ensure_first_version(profile)
            base = document_of(profile)
        else:
            if Profile.objects.filter(edition=edition, municipality=municipality).exists():
                raise StaleError(0)
            base = empty_document()
        if not changed_paths(base, document):
            raise ValidationError("Der Vorschlag ändert nichts am Steckbrief.")
        return ChangeProposal.objects.create(
            edition=edition,
            municipality=municipality,
            profile=profile,
            base_version=base_version if profile else 0,
            base_document=base,
            document=document,
            reason=sanitise(reason),
            author=user,
        )


def revise(
    *, user: Any, proposal: ChangeProposal, document: Document, reason: str, revision: int
) -> ChangeProposal:
    """The author updates an open proposal; it is rebased onto the current version."""
    with transaction.atomic():
        proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.author_id != user.pk or proposal.status != ChangeProposal.Status.OPEN:
            raise PermissionDenied
        if proposal.revision != revision:
            raise StaleError(proposal.revision)
        if proposal.profile is not None:
            profile = Profile.objects.get(pk=proposal.profile_id)
            proposal.base_version = profile.version
            proposal.base_document = document_of(profile)
        if not changed_paths(proposal.base_document, document):
            raise ValidationError("Der Vorschlag ändert nichts am Steckbrief.")
        proposal.document = document
        proposal.reason = sanitise(reason)
        proposal.revision += 1
        proposal.save()
        return proposal


def comment(*, user: Any, proposal: ChangeProposal, text: str) -> ProposalComment:
    if not can_view(user, proposal):
        raise PermissionDenied
    cleaned = sanitise(text)
    if not cleaned:
        raise ValidationError("Der Kommentar ist leer (HTML wird entfernt).")
    return ProposalComment.objects.create(proposal=proposal, author=user, text=cleaned[:MAX_TEXT])


def _decide(user: Any, proposal: ChangeProposal, revision: int) -> ChangeProposal:
    if not is_editor(user):
        raise PermissionDenied
    locked = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.author_id == user.pk and not user.is_staff:
        raise ValidationError(
            "Eigene Vorschläge entscheidet eine andere Person der Redaktion (Vier-Augen-Prinzip)."
        )
    if locked.status != ChangeProposal.Status.OPEN:
        raise StaleError(locked.status)
    if locked.revision != revision:
        raise StaleError(locked.revision)
    return locked


def accept(*, user: Any, proposal: ChangeProposal, revision: int, note: str = "") -> Profile:
    """Publish the proposal as the next version of its profile (or as a new profile)."""
    with transaction.atomic():
        proposal = _decide(user, proposal, revision)
        if proposal.profile_id is None:
            profile = _create_profile(proposal)
            current, target = empty_document(), proposal.document
        else:
            profile = Profile.objects.select_for_update().get(pk=proposal.profile_id)
            current = document_of(profile)
            target = proposal.document
            if profile.version != proposal.base_version:
                target, conflicts = merge(proposal.base_document, current, proposal.document)
                if conflicts:
                    raise ConflictError([FIELDS_BY_PATH[p].label for p in conflicts])
        changed = changed_paths(current, target)
        number = _publish(profile, current, target)
        ProfileVersion.objects.create(
            profile=profile,
            number=number,
            document=document_of(profile),
            changed=changed,
            note=sanitise(note),
            proposal=proposal,
            author=proposal.author,
            published_by=user,
        )
        proposal.status = ChangeProposal.Status.ACCEPTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_note = sanitise(note)
        proposal.published_version = number
        proposal.profile = profile
        proposal.save()
        transaction.on_commit(lambda: search.update_index(profiles=[profile]))
    return profile


def reject(*, user: Any, proposal: ChangeProposal, revision: int, note: str) -> ChangeProposal:
    cleaned = sanitise(note)
    if not cleaned:
        raise ValidationError("Bitte begründen Sie die Ablehnung.")
    with transaction.atomic():
        proposal = _decide(user, proposal, revision)
        proposal.status = ChangeProposal.Status.REJECTED
        proposal.decided_by = user
        proposal.decided_at = timezone.now()
        proposal.decision_note = cleaned
        proposal.save()
    return proposal


def withdraw(*, user: Any, proposal: ChangeProposal) -> ChangeProposal:
    with transaction.atomic():
        proposal = ChangeProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.author_id != user.pk:
            raise PermissionDenied
        if proposal.status != ChangeProposal.Status.OPEN:
            raise StaleError(proposal.status)
        proposal.status = ChangeProposal.Status.WITHDRAWN
        proposal.decided_at = timezone.now()
        proposal.save()
    return proposal


def _create_profile(proposal: ChangeProposal) -> Profile:
    municipality, edition = proposal.municipality, proposal.edition
    if Profile.objects.filter(edition=edition, municipality=municipality).exists():
        raise StaleError(0)
    slug = municipality.slug
    if Profile.objects.filter(edition=edition, slug=slug).exists():
        slug = f"{slug}-{municipality.pk}"
    return Profile.objects.create(
        edition=edition,
        municipality=municipality,
        slug=slug,
        name=municipality.name,
        land=municipality.land,
        version=0,
    )


def _publish(profile: Profile, current: Document, target: Document) -> int:
    """Write ``target`` into the profile rows; returns the new version number."""
    number = profile.version + 1
    changed = set(changed_paths(current, target))
    sections = copy.deepcopy(profile.sections or {})
    for path in changed:
        value = target[path]
        if path == "population":
            profile.population = value
        elif path == "area_km2":
            profile.area_km2 = None if value is None else Decimal(value)
        elif path == "further_information":
            profile.further_information = value
        elif path == "notes":
            profile.notes = value
        elif path.startswith("sections."):
            _, key, name = path.split(".")
            section = sections.setdefault(key, {})
            section[name] = value
            if number > 1:
                section["edited_in_version"] = number
    profile.sections = sections
    if "units" in changed:
        profile.units.all().delete()
        OrganisationUnit.objects.bulk_create(
            OrganisationUnit(profile=profile, position=i, **unit)
            for i, unit in enumerate(target["units"])
        )
    if "milestones" in changed:
        profile.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(
                profile=profile,
                position=i,
                date=m["date"],
                year=int(m["date"][:4]),
                event=m["event"],
                planned=m["planned"],
            )
            for i, m in enumerate(target["milestones"])
        )
    if "funding" in changed:
        profile.funding.all().delete()
        for item in target["funding"]:
            programme, _ = FundingProgramme.objects.get_or_create(
                name=item["programme"], defaults={"level": item["level"]}
            )
            ProfileFunding.objects.create(
                profile=profile, programme=programme, role=item["role"], year=item["year"]
            )
    if "projects" in changed:
        _publish_projects(profile, target["projects"])
    updated = Profile.objects.filter(pk=profile.pk, version=profile.version).update(
        version=number,
        population=profile.population,
        area_km2=profile.area_km2,
        sections=profile.sections,
        further_information=profile.further_information,
        notes=profile.notes,
    )
    if updated != 1:
        raise StaleError(profile.version)
    profile.version = number
    profile_facets.refresh([profile])
    mark_cross_section_stale(profile.edition_id)
    return number


def _publish_projects(profile: Profile, items: list[dict[str, Any]]) -> None:
    """Projects are matched by title: a kept title keeps its row, slug and provenance; a new
    title is a new project; a title no longer listed is removed (its text stays in the
    version history)."""
    fields = {f.slug: f for f in FieldOfAction.objects.all()}
    existing = {p.title: p for p in profile.projects.all()}
    wanted = {item["title"] for item in items}
    for title, project in existing.items():
        if title not in wanted:
            project.delete()
    taken = {p.slug for t, p in existing.items() if t in wanted}
    for position, item in enumerate(items):
        project = existing.get(item["title"])
        if project is None:
            base = german_slug(item["title"])[:200] or "projekt"
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            project = Project(profile=profile, slug=slug, title=item["title"])
        project.summary = item["summary"]
        project.primary_field = fields[item["primary"]]
        project.start = item["start"]
        project.partners = item["partners"]
        project.position = position
        project.save()
        current = [link.field.slug for link in project.field_links.select_related("field")]
        if current != item["fields"]:
            project.field_links.all().delete()
            ProjectField.objects.bulk_create(
                ProjectField(project=project, field=fields[slug], position=i)
                for i, slug in enumerate(item["fields"])
            )


def history(profile: Profile) -> list[dict[str, Any]]:
    """Every version, newest first, with the changed field labels; a profile without reviewed
    changes has its original version only."""
    versions = list(profile.versions.select_related("author", "published_by", "proposal"))
    if not versions:
        return [{"number": profile.version, "version": None, "labels": [], "original": True}]
    return [
        {
            "number": v.number,
            "version": v,
            "labels": [FIELDS_BY_PATH[p].label for p in v.changed if p in FIELDS_BY_PATH],
            "original": v.proposal_id is None,
        }
        for v in versions
    ]


# --- New edition ------------------------------------------------------------------------------
def start_edition(
    *,
    user: Any | None,
    slug: str,
    title: str,
    reference_date: dt.date,
    source: Edition,
    progress: Callable[[int, int], None] | None = None,
) -> Edition:
    """A new edition continuing ``source``: every profile with its organisation, milestones,
    funding, projects and provenance is copied; each copy starts at version 1 and records
    where it came from. All or nothing. ``user`` None means the command line."""
    if user is not None and not is_editor(user):
        raise PermissionDenied
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,19}", slug):
        raise ValidationError(
            {"slug": f"„{slug}“: nur Kleinbuchstaben, Ziffern und Bindestriche, höchstens 20."}
        )
    title = sanitise(title)
    if not title:
        raise ValidationError({"title": "Bitte einen Titel angeben."})
    if Edition.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"Die Ausgabe „{slug}“ gibt es schon."})
    with transaction.atomic():
        edition = Edition.objects.create(
            slug=slug,
            title=title,
            reference_date=reference_date,
            population_date=source.population_date,
            area_date=source.area_date,
            document=source.document,
            based_on=source,
            created_at=timezone.now(),
        )
        profile_type = ContentType.objects.get_for_model(Profile)
        project_type = ContentType.objects.get_for_model(Project)
        copies: list[tuple[Profile, Profile]] = []
        total = source.profiles.count()
        for done, old in enumerate(source.profiles.all(), start=1):
            if progress:
                progress(done, total)
            new = copy.copy(old)
            new.pk = None
            new.edition = edition
            new.version = 1
            new.save(force_insert=True)
            copies.append((old, new))
            OrganisationUnit.objects.bulk_create(
                OrganisationUnit(
                    profile=new,
                    name=u.name,
                    kind=u.kind,
                    reports_to=u.reports_to,
                    since=u.since,
                    position=u.position,
                )
                for u in old.units.all()
            )
            Milestone.objects.bulk_create(
                Milestone(
                    profile=new,
                    date=m.date,
                    year=m.year,
                    event=m.event,
                    planned=m.planned,
                    position=m.position,
                )
                for m in old.milestones.all()
            )
            ProfileFunding.objects.bulk_create(
                ProfileFunding(profile=new, programme_id=f.programme_id, role=f.role, year=f.year)
                for f in old.funding.all()
            )
            _copy_sources(profile_type, old.pk, new.pk)
            for project in old.projects.prefetch_related("field_links"):
                links = list(project.field_links.all())
                old_pk = project.pk
                project.pk = None
                project.profile = new
                project.save(force_insert=True)
                ProjectField.objects.bulk_create(
                    ProjectField(project=project, field_id=link.field_id, position=link.position)
                    for link in links
                )
                _copy_sources(project_type, old_pk, project.pk)
        for old, new in copies:
            ProfileVersion.objects.create(
                profile=new,
                number=1,
                document=document_of(new),
                note=(f"Übernommen aus der Ausgabe {source.title}, dort Version {old.version}."),
                published_by=user,
            )
        transaction.on_commit(lambda: search.update_index(profiles=[n for _, n in copies]))
    return edition


def _copy_sources(content_type: ContentType, old_id: int, new_id: int) -> None:
    Source.objects.bulk_create(
        Source(
            content_type=content_type,
            object_id=new_id,
            attribute=s.attribute,
            document=s.document,
            line_start=s.line_start,
            line_end=s.line_end,
            reference_date=s.reference_date,
            inferred=s.inferred,
            note=s.note,
        )
        for s in Source.objects.filter(content_type=content_type, object_id=old_id)
    )
