"""Schema of the workspace part "worksheets" (models_worksheets.py). Only its owner adds operations here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import kompass.strategy.models_worksheets


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0003_fields_and_projects"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SurveyRecipient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Name")),
                (
                    "actor_group",
                    models.CharField(blank=True, max_length=200, verbose_name="Akteursgruppe"),
                ),
                (
                    "email",
                    models.EmailField(blank=True, max_length=254, verbose_name="E-Mail-Adresse"),
                ),
                ("token_hash", models.CharField(max_length=64, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="hinzugefügt am"
                    ),
                ),
                (
                    "mailed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="Link verschickt am"),
                ),
            ],
            options={
                "verbose_name": "Befragte Person",
                "verbose_name_plural": "Befragte Personen",
                "ordering": ["survey", "name", "id"],
            },
        ),
        migrations.CreateModel(
            name="SurveyResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("answers", models.JSONField(blank=True, default=dict, verbose_name="Antworten")),
                (
                    "submitted_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="abgegeben am"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="geändert am"
                    ),
                ),
                (
                    "recipient",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="response",
                        to="strategy.surveyrecipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "Antwort einer Befragung",
                "verbose_name_plural": "Antworten von Befragungen",
            },
        ),
        migrations.CreateModel(
            name="WorksheetEntry",
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
                    "worksheet",
                    models.CharField(
                        choices=kompass.strategy.models_worksheets.worksheet_choices,
                        db_index=True,
                        max_length=40,
                        verbose_name="Arbeitshilfe",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="Titel")),
                (
                    "step_code",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("1", "1"),
                            ("2", "2"),
                            ("3", "3"),
                            ("4", "4"),
                            ("5", "5"),
                            ("6", "6"),
                            ("7", "7"),
                            ("8", "8"),
                            ("9", "9"),
                            ("SB", "SB"),
                        ],
                        help_text="Der Arbeitsschritt, zu dem dieser Eintrag gehört (optional).",
                        max_length=2,
                        verbose_name="Arbeitsschritt",
                    ),
                ),
                (
                    "round",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="Runde"),
                ),
                ("answers", models.JSONField(blank=True, default=dict, verbose_name="Antworten")),
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
                "verbose_name": "Eintrag einer Arbeitshilfe",
                "verbose_name_plural": "Einträge der Arbeitshilfen",
                "ordering": ["workspace", "worksheet", "-updated_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="WorksheetSurvey",
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
                ("title", models.CharField(max_length=200, verbose_name="Titel der Befragung")),
                (
                    "intro",
                    models.TextField(blank=True, verbose_name="Einleitung für die Befragten"),
                ),
                (
                    "questions",
                    models.JSONField(blank=True, default=list, verbose_name="Gestellte Fragen"),
                ),
                (
                    "closes_on",
                    models.DateField(blank=True, null=True, verbose_name="Antworten möglich bis"),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="beendet am"),
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
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="surveys",
                        to="strategy.worksheetentry",
                        verbose_name="Fragebogen des Teams",
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
                "verbose_name": "Online-Befragung",
                "verbose_name_plural": "Online-Befragungen",
                "ordering": ["workspace", "-created_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="surveyrecipient",
            name="survey",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="recipients",
                to="strategy.worksheetsurvey",
            ),
        ),
        migrations.AddIndex(
            model_name="worksheetentry",
            index=models.Index(fields=["workspace", "worksheet"], name="strategy_wsentry_sheet"),
        ),
        migrations.AddConstraint(
            model_name="worksheetentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("round__isnull", True), ("round__gte", 1), _connector="OR"),
                name="strategy_wsentry_round_positive",
            ),
        ),
    ]
