"""Pages of the workspace part "portfolio", relative to /strategie/<kommune>/<arbeitsraum>/.

Included by kompass.strategy.urls inside the strategy namespace: projects and their sketches,
milestones, the portfolio, the roadmap and the project matrix (steps 5-8).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_portfolio as views

urlpatterns: list[URLPattern] = [
    path("projekte/", views.portfolio_page, name="portfolio"),
    path("projekte/neu/", views.project_create, name="project_create"),
    path("projekte/<int:pk>/", views.project_detail, name="project_detail"),
    path("projekte/<int:pk>/bearbeiten/", views.project_edit, name="project_edit"),
    path("projekte/<int:pk>/skizze/", views.project_sketch, name="project_sketch"),
    path("projekte/<int:pk>/loeschen/", views.project_delete, name="project_delete"),
    path(
        "projekte/geloescht/<int:pk>/wiederherstellen/",
        views.project_restore,
        name="project_restore",
    ),
    path("projekte/<int:pk>/meilensteine/neu/", views.milestone_create, name="milestone_create"),
    path("meilensteine/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("meilensteine/<int:pk>/loeschen/", views.milestone_delete, name="milestone_delete"),
    path(
        "meilensteine/geloescht/<int:pk>/wiederherstellen/",
        views.milestone_restore,
        name="milestone_restore",
    ),
    path("roadmap/", views.roadmap, name="roadmap"),
    path("projektmatrix/", views.project_matrix, name="project_matrix"),
    path("projektmatrix/<int:pk>/bewertung/", views.project_scores, name="project_scores"),
    path("projektmatrix/<int:pk>/ampel/", views.project_decision, name="project_decision"),
]
