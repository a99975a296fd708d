"""Schema of the workspace part "document" (models_document.py). Only its owner adds operations here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0008_monitoring"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StrategyDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="Version")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="angelegt am"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="geändert am"
                    ),
                ),
                (
                    "deleted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="gelöscht am"),
                ),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Entwurf"), ("adopted", "beschlossen")],
                        default="draft",
                        max_length=20,
                        verbose_name="Stand",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)s_set",
                        to="strategy.workspace",
                    ),
                ),
            ],
            options={
                "verbose_name": "Strategiepapier",
                "verbose_name_plural": "Strategiepapiere",
                "ordering": ["workspace", "created_at"],
            },
        ),
        migrations.CreateModel(
            name="DocumentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(verbose_name="Nummer")),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                ("blocks", models.JSONField(default=list, verbose_name="Abschnitte")),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="Anmerkung")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="festgehalten am"
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="document_versions",
                        to="strategy.workspace",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="strategy.strategydocument",
                        verbose_name="Strategiepapier",
                    ),
                ),
            ],
            options={
                "verbose_name": "Version des Strategiepapiers",
                "verbose_name_plural": "Versionen des Strategiepapiers",
                "ordering": ["document", "number"],
            },
        ),
        migrations.CreateModel(
            name="DocumentBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="Version")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="angelegt am"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="geändert am"
                    ),
                ),
                (
                    "deleted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="gelöscht am"),
                ),
                ("key", models.CharField(max_length=50, verbose_name="Abschnitt")),
                ("heading", models.CharField(max_length=200, verbose_name="Überschrift")),
                ("text", models.TextField(blank=True, verbose_name="Text")),
                (
                    "generated_text",
                    models.TextField(blank=True, verbose_name="Text aus dem Arbeitsraum"),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("generated", "aus dem Arbeitsraum übernommen"),
                            ("edited", "vom Team bearbeitet"),
                        ],
                        default="generated",
                        max_length=20,
                        verbose_name="Herkunft",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="Reihenfolge"),
                ),
                (
                    "source_note",
                    models.CharField(blank=True, max_length=500, verbose_name="Quelle"),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)s_set",
                        to="strategy.workspace",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="blocks",
                        to="strategy.strategydocument",
                        verbose_name="Strategiepapier",
                    ),
                ),
            ],
            options={
                "verbose_name": "Abschnitt des Strategiepapiers",
                "verbose_name_plural": "Abschnitte des Strategiepapiers",
                "ordering": ["document", "position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="CouncilDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="Version")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="angelegt am"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="geändert am"
                    ),
                ),
                (
                    "deleted_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="gelöscht am"),
                ),
                (
                    "body",
                    models.CharField(
                        help_text="z. B. Stadtrat, Gemeinderat, Kreistag",
                        max_length=200,
                        verbose_name="Gremium",
                    ),
                ),
                ("date", models.DateField(verbose_name="Sitzung am")),
                (
                    "agenda_item",
                    models.CharField(
                        blank=True,
                        max_length=100,
                        verbose_name="Tagesordnungspunkt oder Drucksache",
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("adopted", "beschlossen"),
                            ("adopted_with_changes", "mit Änderungen beschlossen"),
                            ("rejected", "abgelehnt"),
                            ("deferred", "vertagt"),
                        ],
                        max_length=30,
                        verbose_name="Ergebnis",
                    ),
                ),
                (
                    "votes_for",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="Ja-Stimmen"),
                ),
                (
                    "votes_against",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="Nein-Stimmen"),
                ),
                (
                    "abstentions",
                    models.PositiveIntegerField(blank=True, null=True, verbose_name="Enthaltungen"),
                ),
                ("note", models.TextField(blank=True, verbose_name="Anmerkung")),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "deleted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="%(class)s_set",
                        to="strategy.workspace",
                    ),
                ),
                (
                    "document_version",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="decisions",
                        to="strategy.documentversion",
                        verbose_name="beschlossene Fassung",
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decisions",
                        to="strategy.strategydocument",
                        verbose_name="Strategiepapier",
                    ),
                ),
            ],
            options={
                "verbose_name": "Beschluss zum Strategiepapier",
                "verbose_name_plural": "Beschlüsse zum Strategiepapier",
                "ordering": ["document", "date", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="strategydocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=("workspace",),
                name="strategy_document_one_live",
            ),
        ),
        migrations.AddConstraint(
            model_name="documentversion",
            constraint=models.UniqueConstraint(
                fields=("document", "number"), name="strategy_document_version_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="documentblock",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=("document", "key"),
                name="strategy_block_unique_key",
            ),
        ),
    ]
