from django.contrib import admin

from kompass.digitalcheck.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Operators see status and figures, not the answers (they belong to the municipality)."""

    list_display = ("pk", "municipality", "status", "size_class", "overall_score", "created_at")
    list_filter = ("status", "size_class", "released_for_comparison")
    fields = (
        "municipality",
        "status",
        "released_for_comparison",
        "population",
        "land",
        "overall_score",
        "level",
        "created_at",
        "submitted_at",
        "deleted_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
