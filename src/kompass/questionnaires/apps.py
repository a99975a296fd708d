from __future__ import annotations

import sys
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QuestionnairesConfig(AppConfig):
    name = "kompass.questionnaires"
    label = "questionnaires"
    verbose_name = "Fragebögen"

    def ready(self) -> None:
        from kompass.questionnaires import checks  # noqa: F401  (registers the system check)

        post_migrate.connect(sync_after_migrate, sender=self)


def sync_after_migrate(sender: AppConfig, *, using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """Store the shipped questionnaire files after ``migrate`` (and after a test flush), so
    that ``kompass run`` and the tests have them. No-op without the table or the directory."""
    from django.core.management import CommandError
    from django.db import connections, router

    from kompass.questionnaires.models import QuestionnaireVersion
    from kompass.questionnaires.services import QuestionnaireSyncError, sync_questionnaires

    if not router.allow_migrate_model(using, QuestionnaireVersion):
        return
    connection = connections[using]
    if QuestionnaireVersion._meta.db_table not in connection.introspection.table_names():
        return  # migrated back to zero
    try:
        result = sync_questionnaires(using=using)
    except QuestionnaireSyncError as exc:
        # migrate prints a CommandError as a message, not as a traceback
        raise CommandError(str(exc)) from None
    if result.created and verbosity >= 1:
        names = ", ".join(f"{v.slug} v{v.version}" for v in result.created)
        stdout = kwargs.get("stdout") or sys.stdout
        stdout.write(f"  Fragebögen gespeichert: {names}\n")
