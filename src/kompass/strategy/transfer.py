"""A whole workspace as one JSON file, and back (issue 5, data safety: "a whole workspace
exports to one JSON file and imports back without loss").

The file
--------
::

    {
      "format": "kommunalkompass-arbeitsraum", "format_version": 1,
      "exported_at": "…", "exported_by": "anna@…",
      "workspace": {title, slug, kind, entry_variant, municipality {slug, ags, name},
                    digitalcheck, created_by, created_at},
      "members": [{email, name, role, joined_at}],
      "invitations": [{email, role, invited_by, created_at, expires_at, accepted_at, …}],
      "sections": {"projects": {"model": "strategy.Project",
                                "references": {"field_of_action": "fields_of_action", …},
                                "users": ["created_by", …], "members": ["responsible"]}, …},
      "items": {"projects": [{"id": 7, "title": …, "field_of_action": 3, "depends_on": [5]}, …]},
      "activities": [{actor, verb, object_description, details, target_type, target_id,
                      target_version, changes, at}]
    }

Which rows belong to a workspace is found by model introspection, not by a list: every model
with a non-null foreign key to :class:`Workspace` (all workspace items and e.g. document
versions), and every model with a non-null foreign key to such a model (e.g. votes of an
idea). Every row is written, soft-deleted rows included. Foreign keys to rows of the same
workspace are written as the referenced row's ``id`` in the file and re-mapped on import;
many-to-many fields (``Project.depends_on``) as lists of ids; people as e-mail addresses
(members by the e-mail of their account).

Import
------
:func:`import_workspace` creates a *new* workspace (a free slug if the old one is taken) in one
transaction: any problem leaves nothing behind. Problems are German and name the place, e.g.
``items.projects[3].field_of_action: unbekannter Verweis (Nr. 17)``. People are matched by
e-mail address; members without an account here are left out (reported as warnings) and
references to them stay empty. Open invitations are imported as revoked, because their links
(tokens are never exported) cannot work any more.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kompass.accounts.models import User
from kompass.core.models import Municipality
from kompass.strategy.items import record_activity
from kompass.strategy.models import (
    Activity,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
)
from kompass.strategy.permissions import can_create_workspace
from kompass.strategy.services import _unique_slug

FORMAT = "kommunalkompass-arbeitsraum"
FORMAT_VERSION = 1
#: Models written in their own parts of the file.
SPECIAL_MODELS = (Workspace, WorkspaceMember, WorkspaceInvitation, Activity)
MAX_ERRORS = 20

Progress = Callable[[str], None]


class TransferError(Exception):
    """The file cannot be imported; ``errors`` lists every problem found (German)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors))


# --------------------------------------------------------------------------- the models


@dataclass(frozen=True)
class ContentModel:
    """A model whose rows belong to one workspace."""

    model: type[models.Model]
    section: str
    #: The foreign key that ties a row to its workspace or to its parent row.
    owner_field: str
    #: The parent model when ``owner_field`` does not point at the workspace.
    parent: type[models.Model] | None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _plural(snake: str) -> str:
    head, sep, tail = snake.partition("_of_")
    if sep:
        return _plural(head) + sep + tail
    if snake.endswith("y") and not snake.endswith(("ay", "ey", "oy")):
        return snake[:-1] + "ies"
    if snake.endswith(("s", "x", "ch", "sh")):
        return snake + "es"
    return snake + "s"


def _is_special(model: type[models.Model]) -> bool:
    return any(model is special for special in SPECIAL_MODELS)


def _required_fk_to(model: type[models.Model], targets: Iterable[Any]) -> models.Field | None:
    targets = list(targets)
    for model_field in model._meta.concrete_fields:
        if (
            isinstance(model_field, models.ForeignKey)
            and not model_field.null
            and any(model_field.related_model is t for t in targets)
        ):
            return model_field
    return None


def content_models() -> list[ContentModel]:
    """Every model whose rows belong to a workspace, parents before children and referenced
    models before those that reference them (as far as the references allow)."""
    candidates = [
        m
        for m in apps.get_models()
        if not _is_special(m) and not m._meta.auto_created and not m._meta.proxy
    ]
    owned: dict[type[models.Model], tuple[str, type[models.Model] | None]] = {}
    for model in candidates:
        fk = _required_fk_to(model, [Workspace])
        if fk is not None:
            owned[model] = (fk.name, None)
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in owned:
                continue
            fk = _required_fk_to(model, owned.keys())
            if fk is not None:
                owned[model] = (fk.name, fk.related_model)  # type: ignore[assignment]
                changed = True
    # Topological order over references between owned models.
    ordered: list[type[models.Model]] = []
    pending = sorted(owned, key=lambda m: m._meta.label)
    while pending:
        for model in pending:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model in owned and f.related_model is not model
            }
            if all(n in ordered for n in needs):
                break
        else:
            model = pending[0]  # a cycle: its remaining references are set afterwards
        ordered.append(model)
        pending.remove(model)
    names: dict[str, int] = {}
    for model in ordered:
        key = _plural(_snake(model.__name__))
        names[key] = names.get(key, 0) + 1
    result = []
    for model in ordered:
        key = _plural(_snake(model.__name__))
        if names[key] > 1:
            key = f"{model._meta.app_label}_{key}"
        owner_field, parent = owned[model]
        result.append(ContentModel(model, key, owner_field, parent))
    return result


def _kind(model_field: models.Field, content: dict[Any, ContentModel]) -> str:
    """How a relation is written: workspace, user, member, ref (same workspace), or pk."""
    target = model_field.related_model
    if target is Workspace:
        return "workspace"
    if target is User:
        return "user"
    if target is WorkspaceMember:
        return "member"
    if target in content:
        return "ref"
    return "pk"


# --------------------------------------------------------------------------- export


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    """A field value as JSON data (dates and decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def export_workspace(
    workspace: Workspace, *, actor: Any = None, progress: Progress | None = None
) -> dict[str, Any]:
    """The whole workspace as JSON data (see the module docstring)."""
    say = progress or (lambda _message: None)
    content = content_models()
    by_model = {c.model: c for c in content}
    emails = dict(User.objects.values_list("pk", "email"))
    members = {
        m.pk: m for m in WorkspaceMember.objects.filter(workspace=workspace).select_related("user")
    }

    def email(user_id: int | None) -> str | None:
        return emails.get(user_id) if user_id is not None else None

    def member_email(member_id: int | None) -> str | None:
        member = members.get(member_id) if member_id is not None else None
        return member.user.email if member is not None else None

    data: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "exported_by": getattr(actor, "email", None),
        "workspace": {
            "title": workspace.title,
            "slug": workspace.slug,
            "kind": workspace.kind,
            "entry_variant": workspace.entry_variant,
            "municipality": {
                "slug": workspace.municipality.slug,
                "ags": workspace.municipality.ags,
                "name": workspace.municipality.name,
            },
            "digitalcheck": workspace.digitalcheck_id,
            "created_by": email(workspace.created_by_id),
            "created_at": _stamp(workspace.created_at),
        },
        "members": [
            {
                "email": m.user.email,
                "name": m.user.name,
                "role": m.role,
                "joined_at": _stamp(m.joined_at),
            }
            for m in sorted(members.values(), key=lambda m: m.pk)
        ],
        "invitations": [
            {
                "email": i.email,
                "role": i.role,
                "invited_by": email(i.invited_by_id),
                "created_at": _stamp(i.created_at),
                "expires_at": _stamp(i.expires_at),
                "accepted_at": _stamp(i.accepted_at),
                "accepted_by": email(i.accepted_by_id),
                "revoked_at": _stamp(i.revoked_at),
            }
            for i in WorkspaceInvitation.objects.filter(workspace=workspace).order_by("pk")
        ],
        "sections": {},
        "items": {},
    }
    exported_pks: dict[type[models.Model], list[Any]] = {}
    for entry in content:
        model = entry.model
        manager = model._base_manager
        if entry.parent is None:
            rows = manager.filter(**{entry.owner_field: workspace})
        else:
            rows = manager.filter(**{f"{entry.owner_field}__in": exported_pks[entry.parent]})
        rows = rows.order_by("pk")
        schema: dict[str, Any] = {
            "model": model._meta.label,
            "references": {},
            "users": [],
            "members": [],
            "foreign": [],
            # Unique across the whole database (e.g. token hashes): re-issued on import
            # when the value is taken, as in a copy on the same server.
            "unique": [
                f.name
                for f in model._meta.concrete_fields
                if f.unique and not f.primary_key and not f.is_relation
            ],
        }
        relations = [f for f in model._meta.concrete_fields if f.is_relation]
        for f in relations:
            kind = _kind(f, by_model)
            if kind == "ref":
                schema["references"][f.name] = by_model[f.related_model].section
            elif kind == "user":
                schema["users"].append(f.name)
            elif kind == "member":
                schema["members"].append(f.name)
            elif kind == "pk":
                schema["foreign"].append(f.name)
        m2m = [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
        for f in m2m:
            if f.related_model in by_model:
                schema["references"][f.name] = by_model[f.related_model].section
            else:
                schema["foreign"].append(f.name)
        out = []
        pks = []
        for obj in rows.iterator() if not m2m else rows.prefetch_related(*[f.name for f in m2m]):
            pks.append(obj.pk)
            row: dict[str, Any] = {"id": obj.pk}
            for f in model._meta.concrete_fields:
                if f.primary_key:
                    continue
                value = getattr(obj, f.attname)
                if f.is_relation:
                    kind = _kind(f, by_model)
                    if kind == "workspace":
                        continue
                    if kind == "user":
                        value = email(value)
                    elif kind == "member":
                        value = member_email(value)
                    row[f.name] = value
                else:
                    row[f.name] = _plain(f.value_from_object(obj))
            for f in m2m:
                row[f.name] = sorted(related.pk for related in getattr(obj, f.name).all())
            out.append(row)
        exported_pks[model] = pks
        data["sections"][entry.section] = schema
        data["items"][entry.section] = out
        say(f"{entry.section}: {len(out)}")
    data["activities"] = [
        {
            "actor": email(line.actor_id),
            "verb": line.verb,
            "object_description": line.object_description,
            "details": line.details,
            "target_type": line.target_type,
            "target_id": line.target_id,
            "target_version": line.target_version,
            "changes": _plain(line.changes),
            "at": _stamp(line.at),
        }
        for line in Activity.objects.filter(workspace=workspace).order_by("pk").iterator()
    ]
    say(f"activities: {len(data['activities'])}")
    return data


def export_json(
    workspace: Workspace, *, actor: Any = None, progress: Progress | None = None
) -> bytes:
    """The export as UTF-8 JSON text (indented, umlauts as they are)."""
    data = export_workspace(workspace, actor=actor, progress=progress)
    return json.dumps(data, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder).encode("utf-8")


# --------------------------------------------------------------------------- import


def load(raw: bytes | str) -> dict[str, Any]:
    """Parse a file's content; TransferError with a German message if it is no export."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise TransferError([_("Die Datei ist nicht in UTF-8 geschrieben.")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransferError(
            [
                _("Die Datei ist kein gültiges JSON (Zeile %(line)s, Spalte %(col)s: %(msg)s).")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            ]
        ) from None
    if not isinstance(data, dict):
        raise TransferError([_("Die Datei enthält keinen exportierten Arbeitsraum.")])
    return data


@dataclass
class ImportResult:
    workspace: Workspace
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, place: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(f"{place}: {message}")

    def check(self) -> None:
        if self.items:
            raise TransferError(self.items)


def _parse_stamp(value: Any, place: str, errors: _Errors, *, required: bool = False) -> Any:
    if value in (None, ""):
        if required:
            errors.add(place, _("Angabe fehlt"))
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        errors.add(place, _("kein gültiger Zeitpunkt („%(v)s“)") % {"v": value})
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _municipality(data: dict[str, Any], given: Municipality | None, errors: _Errors) -> Any:
    if given is not None:
        return given
    info = data.get("workspace", {}).get("municipality") or {}
    if not isinstance(info, dict):
        errors.add("workspace.municipality", _("Angabe fehlt"))
        return None
    found = None
    if info.get("slug"):
        found = Municipality.objects.filter(slug=str(info["slug"])).first()
    if found is None and info.get("ags"):
        found = Municipality.objects.filter(ags=str(info["ags"])).first()
    if found is None:
        errors.add(
            "workspace.municipality",
            _("die Kommune „%(name)s“ gibt es hier nicht; bitte eine Kommune angeben.")
            % {"name": info.get("name") or info.get("slug") or info.get("ags") or "?"},
        )
    return found


def _list(data: dict[str, Any], key: str, errors: _Errors) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        errors.add(key, _("eine Liste erwartet"))
        return []
    return value


def import_workspace(
    data: dict[str, Any],
    *,
    actor: Any = None,
    municipality: Municipality | None = None,
    progress: Progress | None = None,
    core_team: Any = None,
) -> ImportResult:
    """Create a new workspace from an export (all or nothing).

    ``actor`` (the person importing; None on the command line) must be allowed to create
    workspaces for the municipality and joins the core team if the file does not make them a
    member. ``core_team`` (command line) is a person made a core-team member as well. Raises
    :class:`TransferError` listing the problems, PermissionDenied for others.
    """
    say = progress or (lambda _message: None)
    errors = _Errors()
    if data.get("format") != FORMAT:
        raise TransferError(
            [_("format: keine Exportdatei eines Arbeitsraums (erwartet „%s“).") % FORMAT]
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise TransferError(
            [
                _("format_version: Version %(v)s wird nicht unterstützt (nur %(ok)s).")
                % {"v": data.get("format_version"), "ok": FORMAT_VERSION}
            ]
        )
    info = data.get("workspace")
    if not isinstance(info, dict):
        raise TransferError([_("workspace: Angaben zum Arbeitsraum fehlen.")])
    place = _municipality(data, municipality, errors)
    errors.check()
    if actor is not None and not can_create_workspace(actor, place):
        raise PermissionDenied(
            _("Nur Mitglieder von %(place)s können dort Arbeitsräume anlegen.")
            % {"place": place.name}
        )
    # People by e-mail address.
    wanted: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str) and "@" in value:
            wanted.add(value.lower())

    collect(info.get("created_by"))
    members_in = _list(data, "members", errors)
    invitations_in = _list(data, "invitations", errors)
    activities_in = _list(data, "activities", errors)
    for row in members_in + invitations_in + activities_in:
        if isinstance(row, dict):
            for key in ("email", "invited_by", "accepted_by", "actor"):
                collect(row.get(key))
    sections = data.get("sections") or {}
    items_in = data.get("items") or {}
    if not isinstance(sections, dict) or not isinstance(items_in, dict):
        raise TransferError([_("items: Inhalte des Arbeitsraums fehlen.")])
    for name, rows in items_in.items():
        schema = sections.get(name) or {}
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict):
                for key in [*schema.get("users", []), *schema.get("members", [])]:
                    collect(row.get(key))
    users = {u.email.lower(): u for u in User.objects.filter(email__in=wanted)}
    for extra in (actor, core_team):
        if extra is not None:
            users.setdefault(extra.email.lower(), extra)
    missing_people: set[str] = set()

    def user(value: Any) -> Any:
        if value in (None, ""):
            return None
        found = users.get(str(value).lower())
        if found is None:
            missing_people.add(str(value))
        return found

    content = content_models()
    by_label = {c.model._meta.label: c for c in content}
    result_counts: dict[str, int] = {}
    try:
        with transaction.atomic():
            result = _import(
                data,
                info,
                place,
                actor,
                core_team,
                user,
                members_in,
                invitations_in,
                activities_in,
                sections,
                items_in,
                by_label,
                content,
                errors,
                result_counts,
                say,
            )
            errors.check()
    except IntegrityError as exc:  # pragma: no cover - the per-row savepoints name the place
        raise TransferError([_("Die Daten widersprechen sich: %s") % exc]) from None
    if missing_people:
        result.warnings.insert(
            0,
            _(
                "Zu diesen Adressen gibt es hier kein Konto; ihre Mitgliedschaft und Verweise "
                "auf sie bleiben leer: %(emails)s."
            )
            % {"emails": ", ".join(sorted(missing_people))},
        )
    result.counts = result_counts
    return result


def _import(  # noqa: C901, PLR0912, PLR0913, PLR0915 - one pass over the file, step by step
    data: dict[str, Any],
    info: dict[str, Any],
    place: Municipality,
    actor: Any,
    core_team: Any,
    user: Callable[[Any], Any],
    members_in: list[Any],
    invitations_in: list[Any],
    activities_in: list[Any],
    sections: dict[str, Any],
    items_in: dict[str, Any],
    by_label: dict[str, ContentModel],
    content: list[ContentModel],
    errors: _Errors,
    counts: dict[str, int],
    say: Progress,
) -> ImportResult:
    now = timezone.now()
    title = " ".join(str(info.get("title") or "").split())
    if not title:
        errors.add("workspace.title", _("Angabe fehlt"))
    kind = info.get("kind") or Workspace.Kind.STRATEGY
    if kind not in Workspace.Kind.values:
        errors.add("workspace.kind", _("Art „%(v)s“ gibt es nicht") % {"v": kind})
    variant = info.get("entry_variant") or Workspace.EntryVariant.STRATEGY_FIRST
    if variant not in Workspace.EntryVariant.values:
        errors.add("workspace.entry_variant", _("Einstieg „%(v)s“ gibt es nicht") % {"v": variant})
    errors.check()
    warnings: list[str] = []
    check = None
    if info.get("digitalcheck") is not None:
        from kompass.digitalcheck.models import Submission

        check = Submission.objects.filter(pk=info["digitalcheck"]).first()
        if check is None or check.municipality_id not in (None, place.pk):
            check = None
            warnings.append(
                _("Der verknüpfte Digitalcheck gibt es hier nicht; die Verknüpfung entfällt.")
            )
    slug = _unique_slug(place, str(info.get("slug") or "") or "arbeitsraum")
    workspace = Workspace.objects.create(
        municipality=place,
        title=title[:200],
        slug=slug,
        kind=kind,
        entry_variant=variant,
        digitalcheck=check,
        created_by=user(info.get("created_by")),
    )
    created_at = _parse_stamp(info.get("created_at"), "workspace.created_at", errors)
    if created_at is not None:
        Workspace.objects.filter(pk=workspace.pk).update(created_at=created_at)
        workspace.created_at = created_at
    if slug != info.get("slug"):
        warnings.append(
            _("Der Kurzname „%(old)s“ ist in %(place)s vergeben; der Arbeitsraum heißt „%(new)s“.")
            % {"old": info.get("slug"), "place": place.name, "new": slug}
        )

    # Members.
    member_by_email: dict[str, WorkspaceMember] = {}
    for index, row in enumerate(members_in):
        where = f"members[{index}]"
        if not isinstance(row, dict):
            errors.add(where, _("ein Objekt erwartet"))
            continue
        role = row.get("role")
        if role not in WorkspaceMember.Role.values:
            errors.add(f"{where}.role", _("Rolle „%(v)s“ gibt es nicht") % {"v": role})
            continue
        person = user(row.get("email"))
        if person is None:
            continue
        if person.email.lower() in member_by_email:
            errors.add(f"{where}.email", _("doppelt aufgeführt"))
            continue
        member = WorkspaceMember.objects.create(workspace=workspace, user=person, role=role)
        joined = _parse_stamp(row.get("joined_at"), f"{where}.joined_at", errors)
        if joined is not None:
            WorkspaceMember.objects.filter(pk=member.pk).update(joined_at=joined)
        member_by_email[person.email.lower()] = member
    for extra in (actor, core_team):
        if extra is None:
            continue
        existing = member_by_email.get(extra.email.lower())
        if existing is None:
            member_by_email[extra.email.lower()] = WorkspaceMember.objects.create(
                workspace=workspace, user=extra, role=WorkspaceMember.Role.CORE_TEAM
            )
            warnings.append(
                _("%(who)s gehört zum Kernteam des neuen Arbeitsraums.") % {"who": extra}
            )
        elif extra is core_team and existing.role != WorkspaceMember.Role.CORE_TEAM:
            existing.role = WorkspaceMember.Role.CORE_TEAM
            existing.save(update_fields=["role"])
            warnings.append(
                _("%(who)s gehört jetzt zum Kernteam des neuen Arbeitsraums.") % {"who": extra}
            )
    if not any(m.role == WorkspaceMember.Role.CORE_TEAM for m in member_by_email.values()):
        errors.add(
            "members",
            _(
                "niemand aus dem Kernteam hat hier ein Konto; bitte eine Person angeben, die den "
                "Arbeitsraum übernimmt."
            ),
        )
    counts["members"] = len(member_by_email)

    # Invitations (tokens are never exported: open ones are closed).
    for index, row in enumerate(invitations_in):
        where = f"invitations[{index}]"
        if not isinstance(row, dict):
            errors.add(where, _("ein Objekt erwartet"))
            continue
        if row.get("role") not in WorkspaceMember.Role.values:
            errors.add(f"{where}.role", _("Rolle „%(v)s“ gibt es nicht") % {"v": row.get("role")})
            continue
        revoked = _parse_stamp(row.get("revoked_at"), f"{where}.revoked_at", errors)
        accepted = _parse_stamp(row.get("accepted_at"), f"{where}.accepted_at", errors)
        if revoked is None and accepted is None:
            revoked = now
            warnings.append(
                _("Die offene Einladung an %(email)s gilt nicht mehr; bitte neu einladen.")
                % {"email": row.get("email")}
            )
        _token, token_hash = WorkspaceInvitation.new_token()
        invitation = WorkspaceInvitation.objects.create(
            workspace=workspace,
            email=str(row.get("email") or "")[:254],
            role=row["role"],
            token_hash=token_hash,
            invited_by=user(row.get("invited_by")),
            expires_at=_parse_stamp(row.get("expires_at"), f"{where}.expires_at", errors) or now,
            accepted_at=accepted,
            accepted_by=user(row.get("accepted_by")),
            revoked_at=revoked,
        )
        created = _parse_stamp(row.get("created_at"), f"{where}.created_at", errors)
        if created is not None:
            WorkspaceInvitation.objects.filter(pk=invitation.pk).update(created_at=created)
    counts["invitations"] = len(invitations_in)
    errors.check()

    # Content, in dependency order.
    mapping: dict[str, dict[Any, Any]] = {}
    section_of: dict[type[models.Model], str] = {}
    file_sections: dict[str, str] = {}  # model label → section name in the file
    for name, schema in sections.items():
        if isinstance(schema, dict) and schema.get("model"):
            file_sections[str(schema["model"])] = name
    for name in items_in:
        schema = sections.get(name)
        if not isinstance(schema, dict) or str(schema.get("model")) not in by_label:
            errors.add(
                f"items.{name}",
                _("unbekannte Art von Einträgen („%(m)s“)")
                % {"m": schema.get("model") if isinstance(schema, dict) else "?"},
            )
    errors.check()
    deferred: list[tuple[Any, Any, str, str, Any, str]] = []
    reissued: set[str] = set()
    m2m_later: list[tuple[Any, str, str, list[Any], str]] = []
    for entry in content:
        model = entry.model
        name = file_sections.get(model._meta.label)
        section_of[model] = name or entry.section
        mapping[model._meta.label] = {}
        if name is None:
            continue
        rows = items_in.get(name) or []
        if not isinstance(rows, list):
            errors.add(f"items.{name}", _("eine Liste erwartet"))
            continue
        fields = {f.name: f for f in model._meta.concrete_fields}
        m2m_fields = {
            f.name: f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created
        }
        unique_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.unique and not f.primary_key and not f.is_relation
        ]
        auto_stamps = [
            f.name
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for index, row in enumerate(rows):
            where = f"items.{name}[{index}]"
            if not isinstance(row, dict):
                errors.add(where, _("ein Objekt erwartet"))
                continue
            old_id = row.get("id")
            values: dict[str, Any] = {}
            later: list[tuple[str, str, Any, str]] = []
            for key, value in row.items():
                if key == "id" or key in m2m_fields:
                    continue
                model_field = fields.get(key)
                if model_field is None:
                    errors.add(f"{where}.{key}", _("unbekanntes Feld"))
                    continue
                if model_field.is_relation:
                    kind = _kind(model_field, {c.model: c for c in content})
                    if kind == "workspace":
                        continue
                    if kind == "user":
                        values[key] = user(value)
                        continue
                    if kind == "member":
                        values[key] = member_by_email.get(str(value).lower()) if value else None
                        continue
                    if kind == "ref":
                        if value is None:
                            values[key] = None
                            continue
                        target_label = model_field.related_model._meta.label
                        target_map = mapping.get(target_label)
                        if target_map is None or model_field.related_model is model:
                            # Not created yet (a self-reference or a cycle): set afterwards.
                            later.append((key, target_label, value, f"{where}.{key}"))
                            values[key] = None
                            continue
                        if value not in target_map:
                            errors.add(
                                f"{where}.{key}",
                                _("unbekannter Verweis (Nr. %(v)s)") % {"v": value},
                            )
                            continue
                        values[model_field.attname] = target_map[value]
                        continue
                    # A row outside the workspace (e.g. an atlas project): kept if it exists.
                    if (
                        value is not None
                        and not model_field.related_model._base_manager.filter(pk=value).exists()
                    ):
                        if model_field.null:
                            warnings.append(
                                _("%(where)s: Verweis auf einen hier unbekannten Eintrag entfällt.")
                                % {"where": f"{where}.{key}"}
                            )
                            value = None
                        else:
                            errors.add(
                                f"{where}.{key}",
                                _("unbekannter Verweis (Nr. %(v)s)") % {"v": value},
                            )
                            continue
                    values[model_field.attname] = value
                    continue
                try:
                    values[key] = model_field.to_python(value)
                except ValidationError as exc:
                    errors.add(f"{where}.{key}", " ".join(exc.messages))
                    continue
                if (
                    model_field.choices
                    and values[key] not in (None, "")
                    and values[key] not in {c[0] for c in model_field.flatchoices}
                ):
                    errors.add(f"{where}.{key}", _("Wert „%(v)s“ ist nicht erlaubt") % {"v": value})
            if errors.items:
                continue
            if entry.parent is None:
                values[entry.owner_field] = workspace
            for key in unique_fields:
                value = values.get(key)
                if value not in (None, "") and model._base_manager.filter(**{key: value}).exists():
                    if not isinstance(fields[key], models.CharField):
                        errors.add(
                            f"{where}.{key}", _("Wert „%(v)s“ ist schon vergeben") % {"v": value}
                        )
                        continue
                    values[key] = secrets.token_hex(32)[: fields[key].max_length or 64]
                    reissued.add(f"{name}.{key}")
            try:
                with transaction.atomic():
                    obj = model(**values)
                    obj.save(force_insert=True)
                    stamps = {k: values[k] for k in auto_stamps if values.get(k) is not None}
                    if stamps:
                        model._base_manager.filter(pk=obj.pk).update(**stamps)
            except (IntegrityError, ValueError, TypeError) as exc:
                errors.add(where, _("lässt sich nicht speichern (%(e)s)") % {"e": exc})
                continue
            mapping[model._meta.label][old_id] = obj.pk
            for key, f in m2m_fields.items():
                if key in row:
                    m2m_later.append(
                        (obj, key, f.related_model._meta.label, row[key] or [], f"{where}.{key}")
                    )
            deferred.extend((model, obj.pk, *item) for item in later)
        errors.check()
        counts[name] = len(rows)
        say(f"{name}: {len(rows)}")
    for model, pk, key, target_label, value, where in deferred:
        target = mapping.get(target_label, {}).get(value)
        if target is None:
            errors.add(where, _("unbekannter Verweis (Nr. %(v)s)") % {"v": value})
            continue
        model._base_manager.filter(pk=pk).update(**{model._meta.get_field(key).attname: target})
    for obj, key, target_label, values_list, where in m2m_later:
        targets = []
        for value in values_list:
            target = mapping.get(target_label, {}).get(value)
            if target is None:
                errors.add(where, _("unbekannter Verweis (Nr. %(v)s)") % {"v": value})
            targets.append(target)
        if not errors.items:
            getattr(obj, key).set(targets)
    errors.check()

    if reissued:
        warnings.append(
            _(
                "Diese eindeutigen Werte (etwa Zugangsschlüssel) waren hier schon vergeben und "
                "wurden neu erzeugt; alte Links damit gelten nicht: %(fields)s."
            )
            % {"fields": ", ".join(sorted(reissued))}
        )

    # The activity log, with its targets re-mapped.
    lines = []
    labels = {label.lower(): label for label in mapping}
    for index, row in enumerate(activities_in):
        where = f"activities[{index}]"
        if not isinstance(row, dict):
            errors.add(where, _("ein Objekt erwartet"))
            continue
        target_type = str(row.get("target_type") or "")
        target_id = row.get("target_id")
        if target_type and target_id is not None:
            target_id = mapping.get(labels.get(target_type, ""), {}).get(target_id)
        at = _parse_stamp(row.get("at"), f"{where}.at", errors, required=True)
        lines.append(
            Activity(
                workspace=workspace,
                actor=user(row.get("actor")),
                verb=str(row.get("verb") or "")[:30],
                object_description=str(row.get("object_description") or "")[:300],
                details=str(row.get("details") or ""),
                target_type=target_type[:100],
                target_id=target_id,
                target_version=row.get("target_version"),
                changes=row.get("changes") or {},
                at=at or now,
            )
        )
    errors.check()
    Activity.objects.bulk_create(lines)
    counts["activities"] = len(lines)
    say(f"activities: {len(lines)}")
    record_activity(
        workspace=workspace,
        actor=actor,
        verb=Activity.Verb.CREATED,
        object_description=_("Arbeitsraum „%(title)s“") % {"title": workspace.title},
        details=_("Aus einer Exportdatei übernommen (exportiert am %(at)s aus %(place)s/%(slug)s).")
        % {
            "at": str(data.get("exported_at") or "?")[:10],
            "place": (info.get("municipality") or {}).get("slug", "?"),
            "slug": info.get("slug", "?"),
        },
    )
    return ImportResult(workspace=workspace, warnings=warnings)
