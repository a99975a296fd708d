"""Pages of the workspace part "risks", relative to /strategie/<kommune>/<arbeitsraum>/.

Included by kompass.strategy.urls inside the strategy namespace (docs/strategy_risks.md).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_risks

urlpatterns: list[URLPattern] = [
    path("risiken/", views_risks.risk_list, name="risk_list"),
    path("risiken/matrix/", views_risks.risk_heatmap, name="risk_heatmap"),
    path("risiken/skala/", views_risks.risk_scale, name="risk_scale"),
    path("risiken/neu/", views_risks.risk_create, name="risk_create"),
    path("risiken/<int:pk>/", views_risks.risk_detail, name="risk_detail"),
    path("risiken/<int:pk>/loeschen/", views_risks.risk_delete, name="risk_delete"),
    path("risiken/<int:pk>/wiederherstellen/", views_risks.risk_restore, name="risk_restore"),
    path("risiken/<int:pk>/neu-bewerten/", views_risks.risk_rescore, name="risk_rescore"),
    path(
        "risiken/projekt/<int:project_pk>/abschliessen/",
        views_risks.risk_assessment_complete,
        name="risk_assessment_complete",
    ),
]
