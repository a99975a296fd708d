"""Schema of the workspace part "monitoring" (models_monitoring.py). Only its owner adds operations here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("strategy", "0007_risks")]

    operations = [
        migrations.CreateModel(
            name="Indicator",
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
                    "level",
                    models.CharField(
                        choices=[
                            ("input", "Input"),
                            ("output", "Output"),
                            ("outcome", "Outcome"),
                            ("impact", "Impact"),
                        ],
                        max_length=10,
                        verbose_name="Wirkungsebene",
                    ),
                ),
                ("name", models.CharField(max_length=200, verbose_name="Indikator")),
                ("unit", models.CharField(blank=True, max_length=60, verbose_name="Einheit")),
                (
                    "dimensions",
                    models.JSONField(blank=True, default=list, verbose_name="Wirkungsdimensionen"),
                ),
                ("data_collection", models.TextField(blank=True, verbose_name="Erhebungsweg")),
                (
                    "baseline_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=16,
                        null=True,
                        verbose_name="Ausgangswert",
                    ),
                ),
                (
                    "baseline_date",
                    models.DateField(blank=True, null=True, verbose_name="Datum der Basiserhebung"),
                ),
                (
                    "target_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=4,
                        max_digits=16,
                        null=True,
                        verbose_name="Zielwert",
                    ),
                ),
                ("target_date", models.DateField(blank=True, null=True, verbose_name="Zieldatum")),
                (
                    "direction",
                    models.CharField(
                        choices=[
                            ("higher", "höhere Werte sind besser"),
                            ("lower", "niedrigere Werte sind besser"),
                        ],
                        default="higher",
                        max_length=10,
                        verbose_name="Richtung",
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
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="indicators",
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
                "verbose_name": "Indikator",
                "verbose_name_plural": "Indikatoren",
                "ordering": ["workspace", "project", "name"],
            },
        ),
        migrations.CreateModel(
            name="Measurement",
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
                ("date", models.DateField(verbose_name="Datum")),
                (
                    "value",
                    models.DecimalField(decimal_places=4, max_digits=16, verbose_name="Wert"),
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
                    "indicator",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="measurements",
                        to="strategy.indicator",
                        verbose_name="Indikator",
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
                "verbose_name": "Messwert",
                "verbose_name_plural": "Messwerte",
                "ordering": ["indicator", "date"],
            },
        ),
        migrations.CreateModel(
            name="EvaluationPlan",
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
                ("purpose", models.TextField(blank=True, verbose_name="Warum wird evaluiert?")),
                (
                    "evaluator",
                    models.CharField(blank=True, max_length=300, verbose_name="Wer evaluiert?"),
                ),
                (
                    "execution",
                    models.CharField(
                        blank=True,
                        choices=[("internal", "intern"), ("external", "extern")],
                        max_length=20,
                        verbose_name="Durchführung",
                    ),
                ),
                (
                    "timing",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("ex_ante", "im Vorfeld (ex-ante)"),
                            ("ongoing", "projektbegleitend"),
                            ("ex_post", "nach Abschluss (ex-post)"),
                        ],
                        max_length=20,
                        verbose_name="Zeitpunkt der Evaluation",
                    ),
                ),
                (
                    "data_sources",
                    models.TextField(blank=True, verbose_name="Datenquellen und Erhebung"),
                ),
                ("notes", models.TextField(blank=True, verbose_name="Anmerkungen")),
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
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluation_plans",
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
                "verbose_name": "Evaluationsplan",
                "verbose_name_plural": "Evaluationspläne",
                "ordering": ["workspace", "project"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("deleted_at__isnull", True)),
                        fields=("project",),
                        name="strategy_evaluationplan_one_per_project",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="indicator",
            index=models.Index(fields=["workspace", "project"], name="strategy_indicator_project"),
        ),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deleted_at__isnull", True)),
                fields=("indicator", "date"),
                name="strategy_measurement_one_per_date",
            ),
        ),
    ]
