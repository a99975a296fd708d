"""System check: the shipped questionnaire files are valid and correctly named, so that
``kompass run`` stops with a clear message before migrating (no database access here; a
changed file of a stored version is refused by ``sync_questionnaires`` after ``migrate``)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register("questionnaires")
def check_questionnaire_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from kompass.questionnaires import services

    _, problems = services.read_directory(services.QUESTIONNAIRE_DIR)
    return [
        Error(
            problem,
            hint="Siehe docs/questionnaires.md (Format und Versionen).",
            id="questionnaires.E001",
        )
        for problem in problems
    ]
