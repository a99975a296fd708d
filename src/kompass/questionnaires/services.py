"""Use cases of the questionnaire engine: store the shipped definition files as versions, find
the current version, read a stored version back.

A definition file is immutable once stored: ``sync_questionnaires`` refuses a file whose
content changed while its (slug, version) already exists. A changed question needs a new file
with the next version; answers stay attached to the version they were given for.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from kompass.questionnaires.definition import DefinitionError, Questionnaire, load_definition
from kompass.questionnaires.models import QuestionnaireVersion

#: The shipped definition files, ``<slug>-v<version>.yaml``.
QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "data" / "questionnaires"


class QuestionnaireSyncError(Exception):
    """Definition files that cannot be stored; the message (German) names every file and
    problem. Nothing is stored when this is raised."""


@dataclass
class SyncResult:
    created: list[QuestionnaireVersion] = field(default_factory=list)
    unchanged: list[QuestionnaireVersion] = field(default_factory=list)


def sync_questionnaires(directory: Path | None = None, *, using: str = "default") -> SyncResult:
    """Store every ``*.yaml`` definition of ``directory`` that is not stored yet.

    Parameters
    ----------
    directory
        Defaults to :data:`QUESTIONNAIRE_DIR`. A missing or empty directory stores nothing.
    using
        Database alias.

    Returns
    -------
    SyncResult
        The versions created now and those already stored with the same content.

    Raises
    ------
    QuestionnaireSyncError
        If any file is invalid, is misnamed, or changed the content of a stored version. All
        files are checked first; then nothing is stored (all or nothing).
    """
    directory = QUESTIONNAIRE_DIR if directory is None else Path(directory)
    result = SyncResult()
    if not directory.is_dir():
        return result
    loaded, problems = read_directory(directory)
    manager = QuestionnaireVersion.objects.using(using)
    for path, questionnaire in loaded:
        stored = manager.filter(slug=questionnaire.slug, version=questionnaire.version).first()
        if stored is not None and stored.content_hash != questionnaire.content_hash:
            problems.append(_changed_message(path, questionnaire, using))
    if problems:
        raise QuestionnaireSyncError("\n".join(problems))

    with transaction.atomic(using=using):
        for path, questionnaire in loaded:
            version, created = _store(path, questionnaire, using)
            (result.created if created else result.unchanged).append(version)
    return result


def read_directory(directory: Path) -> tuple[list[tuple[Path, Questionnaire]], list[str]]:
    """Every ``*.yaml`` definition of ``directory``, parsed: ``(loaded, problems)`` where
    ``problems`` are German messages naming the file (invalid content, wrong file name).
    No database access; a missing directory gives nothing."""
    loaded: list[tuple[Path, Questionnaire]] = []
    problems: list[str] = []
    if not directory.is_dir():
        return loaded, problems
    for path in sorted(directory.glob("*.yaml")):
        try:
            questionnaire = load_definition(path)
        except DefinitionError as exc:
            problems.append(str(exc))
            continue
        expected = f"{questionnaire.slug}-v{questionnaire.version}.yaml"
        if path.name != expected:
            problems.append(
                f"{path.name}: Der Dateiname passt nicht zu slug „{questionnaire.slug}“ und "
                f"version {questionnaire.version}; erwartet wird {expected}."
            )
            continue
        loaded.append((path, questionnaire))
    return loaded, problems


def _store(
    path: Path, questionnaire: Questionnaire, using: str
) -> tuple[QuestionnaireVersion, bool]:
    """Create the version, or return the stored one if its content is the same."""
    manager = QuestionnaireVersion.objects.using(using)
    existing = manager.filter(slug=questionnaire.slug, version=questionnaire.version).first()
    if existing is None:
        try:
            with transaction.atomic(using=using):
                created = manager.create(
                    slug=questionnaire.slug,
                    version=questionnaire.version,
                    title=questionnaire.title,
                    content_hash=questionnaire.content_hash,
                    definition=questionnaire.to_dict(),
                    source_file=path.name,
                )
            return created, True
        except IntegrityError:  # another process stored it at the same moment
            existing = manager.get(slug=questionnaire.slug, version=questionnaire.version)
    if existing.content_hash != questionnaire.content_hash:
        raise QuestionnaireSyncError(_changed_message(path, questionnaire, using))
    return existing, False


def _changed_message(path: Path, questionnaire: Questionnaire, using: str) -> str:
    latest = (
        QuestionnaireVersion.objects.using(using)
        .filter(slug=questionnaire.slug)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    following = max(latest or 0, questionnaire.version) + 1
    return (
        f"{path.name}: Der Fragebogen „{questionnaire.slug}“ Version {questionnaire.version} ist "
        "bereits mit anderem Inhalt gespeichert. Eine geänderte Frage braucht eine neue "
        "Version: Stellen Sie den bisherigen Inhalt dieser Datei wieder her und legen Sie die "
        f"Änderung als {questionnaire.slug}-v{following}.yaml mit version: {following} an."
    )


def current_version(slug: str, *, using: str = "default") -> QuestionnaireVersion:
    """The highest stored version of questionnaire ``slug``.

    Raises ``QuestionnaireVersion.DoesNotExist`` if none is stored.
    """
    version = (
        QuestionnaireVersion.objects.using(using).filter(slug=slug).order_by("-version").first()
    )
    if version is None:
        raise QuestionnaireVersion.DoesNotExist(f"Kein Fragebogen „{slug}“ gespeichert.")
    return version


def get_version(slug: str, version: int, *, using: str = "default") -> QuestionnaireVersion:
    """A stored version by slug and number (``QuestionnaireVersion.DoesNotExist`` if absent)."""
    return QuestionnaireVersion.objects.using(using).get(slug=slug, version=version)


_cache: dict[str, Questionnaire] = {}
_cache_lock = threading.Lock()


def get_definition(version: QuestionnaireVersion) -> Questionnaire:
    """The parsed definition of a stored version, read from the database (not the file, which
    may have been replaced by a newer version) and cached per content hash."""
    cached = _cache.get(version.content_hash)
    if cached is not None:
        return cached
    questionnaire = load_definition(
        version.definition, origin=f"{version.slug} Version {version.version} (Datenbank)"
    )
    with _cache_lock:
        _cache.setdefault(version.content_hash, questionnaire)
    return questionnaire
