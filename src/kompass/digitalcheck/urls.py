"""URLs of the Digitalcheck (German paths under /digitalcheck/). The names are global and
start with ``digitalcheck`` (the start page is ``digitalcheck``, as in the main navigation)."""

from django.urls import path

from kompass.digitalcheck import views

urlpatterns = [
    path("", views.start, name="digitalcheck"),
    path("anonym/", views.start_anonymous, name="digitalcheck_start_anonymous"),
    path("datensatz.<str:fmt>", views.peer_dataset, name="digitalcheck_peer_dataset"),
    # anonymous checks: private link
    path(
        "check/<str:token>/abschnitt/<int:number>/",
        views.anonymous_section,
        name="digitalcheck_anonymous_section",
    ),
    path(
        "check/<str:token>/abschliessen/",
        views.anonymous_finish,
        name="digitalcheck_anonymous_finish",
    ),
    path("ergebnis/<str:token>/", views.anonymous_result, name="digitalcheck_anonymous_result"),
    path(
        "ergebnis/<str:token>/freigabe/",
        views.anonymous_release,
        name="digitalcheck_anonymous_release",
    ),
    path(
        "ergebnis/<str:token>/bericht.<str:fmt>",
        views.anonymous_report,
        name="digitalcheck_anonymous_report",
    ),
    path(
        "ergebnis/<str:token>/loeschen/",
        views.anonymous_delete,
        name="digitalcheck_anonymous_delete",
    ),
    # members' checks
    path("kommune/<slug:slug>/", views.history, name="digitalcheck_history"),
    path("kommune/<slug:slug>/neu/", views.start_member, name="digitalcheck_start_member"),
    path("kommune/<slug:slug>/vergleich/", views.compare, name="digitalcheck_compare"),
    path(
        "kommune/<slug:slug>/datensatz.<str:fmt>",
        views.member_dataset,
        name="digitalcheck_member_dataset",
    ),
    path(
        "kommune/<slug:slug>/<int:pk>/bericht.<str:fmt>",
        views.member_report,
        name="digitalcheck_member_report",
    ),
    path("kommune/<slug:slug>/<int:pk>/", views.member_result, name="digitalcheck_member_result"),
    path(
        "kommune/<slug:slug>/<int:pk>/abschnitt/<int:number>/",
        views.member_section,
        name="digitalcheck_member_section",
    ),
    path(
        "kommune/<slug:slug>/<int:pk>/abschliessen/",
        views.member_finish,
        name="digitalcheck_member_finish",
    ),
    path(
        "kommune/<slug:slug>/<int:pk>/freigabe/",
        views.member_release,
        name="digitalcheck_member_release",
    ),
    path(
        "kommune/<slug:slug>/<int:pk>/loeschen/",
        views.member_delete,
        name="digitalcheck_member_delete",
    ),
    path(
        "kommune/<slug:slug>/<int:pk>/wiederherstellen/",
        views.member_restore,
        name="digitalcheck_member_restore",
    ),
]
