"""URLs under /strategie/ (included without a namespace by kompass.urls).

The start page keeps the global name ``strategy`` that the main navigation and the home page
use; every page also has a name in the ``strategy`` namespace (``strategy:workspace_detail``
…). Workspace pages live at ``/strategie/<municipality>/<workspace>/``.
"""

from django.urls import include, path

from kompass.strategy import (
    urls_document,
    urls_ideas,
    urls_monitoring,
    urls_portfolio,
    urls_risks,
    urls_worksheets,
    views,
    views_document,
)

#: The pages of the workspace's parts, each under /strategie/<kommune>/<arbeitsraum>/.
PART_PATTERNS = [
    *urls_worksheets.urlpatterns,
    *urls_ideas.urlpatterns,
    *urls_portfolio.urlpatterns,
    *urls_risks.urlpatterns,
    *urls_monitoring.urlpatterns,
    *urls_document.urlpatterns,
]

workspace_patterns = [
    path("", views.workspace_list, name="workspace_list"),
    path("neu/", views.workspace_create, name="workspace_create"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("importieren/", views_document.transfer_import_global, name="workspace_import"),
    path("<slug:municipality>/<slug:workspace>/", views.workspace_detail, name="workspace_detail"),
    path(
        "<slug:municipality>/<slug:workspace>/strategie-ueberarbeiten/",
        views.strategy_revise,
        name="strategy_revise",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/",
        views.step_detail,
        name="step_detail",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/runde/<int:round_number>/",
        views.step_detail,
        name="step_round",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/neue-runde/",
        views.step_new_round,
        name="step_new_round",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/zusammenlegen/",
        views.step_combine,
        name="step_combine",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/trennen/",
        views.step_separate,
        name="step_separate",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/runde/<int:round_number>/"
        "loeschen/",
        views.round_delete,
        name="round_delete",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/schritte/<str:code>/geloescht/<int:pk>/"
        "wiederherstellen/",
        views.round_restore,
        name="round_restore",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/mitglieder/",
        views.member_list,
        name="member_list",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/mitglieder/<int:pk>/rolle/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/mitglieder/<int:pk>/entfernen/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/einladungen/<int:pk>/widerrufen/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "<slug:municipality>/<slug:workspace>/aktivitaet/",
        views.activity_list,
        name="activity_list",
    ),
    path("<slug:municipality>/<slug:workspace>/", include(PART_PATTERNS)),
]

urlpatterns = [
    # The main navigation and the home page link the module by the global name "strategy".
    path("", views.workspace_list, name="strategy"),
    path("", include((workspace_patterns, "strategy"))),
]
