from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from kompass.core.models import (
    FieldOfAction,
    FieldOfActionMapping,
    Municipality,
    Source,
    Vocabulary,
)


class SourceInline(GenericTabularInline):
    model = Source
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "land", "kind", "population", "size_class"]
    list_filter = ["land", "kind", "size_class"]
    search_fields = ["name", "official_name", "ags"]
    readonly_fields = ["size_class"]
    autocomplete_fields = ["district"]
    inlines = [SourceInline]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    inlines = [SourceInline]


class MappingInline(admin.TabularInline):
    model = FieldOfActionMapping
    extra = 0


@admin.register(Vocabulary)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [MappingInline, SourceInline]
