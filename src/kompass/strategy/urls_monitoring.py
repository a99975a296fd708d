"""Pages of the workspace part "monitoring", relative to /strategie/<kommune>/<arbeitsraum>/.

Included by kompass.strategy.urls inside the strategy namespace (docs/strategy_monitoring.md).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_monitoring as v

urlpatterns: list[URLPattern] = [
    path("monitoring/", v.monitoring_overview, name="monitoring"),
    path("monitoring/bericht/", v.monitoring_report, name="monitoring_report"),
    path("monitoring/bericht/pdf/", v.monitoring_report_pdf, name="monitoring_report_pdf"),
    path("monitoring/bericht/docx/", v.monitoring_report_docx, name="monitoring_report_docx"),
    path("monitoring/projekte/<int:pk>/", v.monitoring_project, name="monitoring_project"),
    path(
        "monitoring/projekte/<int:pk>/evaluationsplan/", v.monitoring_plan, name="monitoring_plan"
    ),
    path(
        "monitoring/projekte/<int:pk>/evaluationsplan/loeschen/",
        v.monitoring_plan_delete,
        name="monitoring_plan_delete",
    ),
    path(
        "monitoring/evaluationsplaene/<int:pk>/wiederherstellen/",
        v.monitoring_plan_restore,
        name="monitoring_plan_restore",
    ),
    path(
        "monitoring/projekte/<int:pk>/indikatoren/neu/",
        v.indicator_create,
        name="indicator_create",
    ),
    path("monitoring/indikatoren/<int:pk>/", v.indicator_detail, name="indicator_detail"),
    path("monitoring/indikatoren/<int:pk>/bearbeiten/", v.indicator_edit, name="indicator_edit"),
    path("monitoring/indikatoren/<int:pk>/loeschen/", v.indicator_delete, name="indicator_delete"),
    path(
        "monitoring/indikatoren/<int:pk>/wiederherstellen/",
        v.indicator_restore,
        name="indicator_restore",
    ),
    path(
        "monitoring/indikatoren/<int:pk>/messwerte/neu/",
        v.measurement_create,
        name="measurement_create",
    ),
    path("monitoring/messwerte/<int:pk>/", v.measurement_edit, name="measurement_edit"),
    path(
        "monitoring/messwerte/<int:pk>/loeschen/", v.measurement_delete, name="measurement_delete"
    ),
    path(
        "monitoring/messwerte/<int:pk>/wiederherstellen/",
        v.measurement_restore,
        name="measurement_restore",
    ),
]
