"""Schema of the workspace part "risks" (models_risks.py). Only its owner adds operations here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("strategy", "0006_portfolio")]

    operations = [
        migrations.CreateModel(
            name="Risk",
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
                ("title", models.CharField(max_length=200, verbose_name="Kurzbezeichnung")),
                (
                    "category",
                    models.CharField(blank=True, max_length=40, verbose_name="Art der Risiken"),
                ),
                (
                    "category_other",
                    models.CharField(blank=True, max_length=120, verbose_name="Andere Art"),
                ),
                (
                    "description",
                    models.TextField(blank=True, verbose_name="Beschreibung der Risiken"),
                ),
                ("example", models.TextField(blank=True, verbose_name="Beispiel")),
                (
                    "perspective",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("administration", "Verwaltungssicht"),
                            ("external", "externe Sicht"),
                        ],
                        max_length=20,
                        verbose_name="Perspektive",
                    ),
                ),
                (
                    "consequence_types",
                    models.JSONField(blank=True, default=list, verbose_name="Art der Folgeeffekte"),
                ),
                (
                    "probability",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="Eintrittswahrscheinlichkeit"
                    ),
                ),
                (
                    "damage",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="Schadenshöhe"
                    ),
                ),
                (
                    "scale_version",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="bewertet mit Skalenversion"
                    ),
                ),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="Risikowert"
                    ),
                ),
                (
                    "band",
                    models.CharField(
                        blank=True,
                        choices=[("low", "gering"), ("medium", "mittel"), ("high", "hoch")],
                        max_length=10,
                        verbose_name="Risikostufe",
                    ),
                ),
                (
                    "scope",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="Wirkungsumfang"
                    ),
                ),
                (
                    "duration",
                    models.CharField(
                        blank=True,
                        choices=[("short_term", "Kurzzeit"), ("long_term", "Langzeit")],
                        max_length=20,
                        verbose_name="Zeitliche Dauer und Wirkungstiefe",
                    ),
                ),
                (
                    "influence_level",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("local", "lokal"),
                            ("regional", "regional"),
                            ("national", "national"),
                            ("global", "global"),
                        ],
                        max_length=20,
                        verbose_name="Ebene der Beeinflussbarkeit",
                    ),
                ),
                (
                    "related_risks",
                    models.TextField(blank=True, verbose_name="Zusammenhängende Risiken"),
                ),
                (
                    "mitigation",
                    models.TextField(blank=True, verbose_name="Gegen- und Vorbeugemaßnahmen"),
                ),
                ("emergency_plan", models.TextField(blank=True, verbose_name="Notfallplan")),
                ("abort_criteria", models.TextField(blank=True, verbose_name="Abbruchkriterien")),
                (
                    "owner_name",
                    models.CharField(
                        blank=True,
                        max_length=200,
                        verbose_name="Verantwortliche Person außerhalb des Arbeitsraums",
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
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="strategy.workspacemember",
                        verbose_name="Verantwortliche Person",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="risks",
                        to="strategy.project",
                        verbose_name="Projekt",
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
                "verbose_name": "Risiko",
                "verbose_name_plural": "Risiken",
                "ordering": ["workspace", "-score", "title"],
                "indexes": [
                    models.Index(fields=["workspace", "project"], name="strategy_risk_project"),
                    models.Index(fields=["workspace", "band"], name="strategy_risk_band"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("probability__isnull", True), ("damage__isnull", True)),
                            models.Q(
                                ("probability__gte", 1),
                                ("damage__gte", 1),
                                ("probability__lte", 10),
                                ("damage__lte", 10),
                                ("scale_version__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="strategy_risk_scored_together",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("scope__isnull", True),
                            models.Q(("scope__gte", 1), ("scope__lte", 5)),
                            _connector="OR",
                        ),
                        name="strategy_risk_scope_range",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="RiskScale",
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
                    "probability_labels",
                    models.JSONField(verbose_name="Stufen der Eintrittswahrscheinlichkeit"),
                ),
                ("damage_labels", models.JSONField(verbose_name="Stufen der Schadenshöhe")),
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
                "verbose_name": "Risikoskala",
                "verbose_name_plural": "Risikoskalen",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("deleted_at__isnull", True)),
                        fields=("workspace",),
                        name="strategy_riskscale_one_per_workspace",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RiskScaleVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="Version")),
                (
                    "probability_labels",
                    models.JSONField(verbose_name="Stufen der Eintrittswahrscheinlichkeit"),
                ),
                ("damage_labels", models.JSONField(verbose_name="Stufen der Schadenshöhe")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="gültig ab"
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
                        related_name="risk_scale_versions",
                        to="strategy.workspace",
                    ),
                ),
            ],
            options={
                "verbose_name": "Fassung der Risikoskala",
                "verbose_name_plural": "Fassungen der Risikoskala",
                "ordering": ["workspace", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("workspace", "version"), name="strategy_riskscaleversion_unique"
                    )
                ],
            },
        ),
    ]
