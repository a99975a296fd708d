from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kompass.questionnaires.models import QuestionnaireVersion


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    """Read only: versions come from the definition files (``sync_questionnaires``)."""

    list_display = ["slug", "version", "title", "created_at", "source_file"]
    list_filter = ["slug"]
    readonly_fields = [
        "slug",
        "version",
        "title",
        "content_hash",
        "definition",
        "source_file",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
