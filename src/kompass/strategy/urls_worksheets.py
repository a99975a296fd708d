"""Pages of the workspace part "worksheets", relative to /strategie/<kommune>/<arbeitsraum>/.

Included by kompass.strategy.urls inside the strategy namespace.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_worksheets as views

urlpatterns: list[URLPattern] = [
    path("arbeitshilfen/", views.worksheet_list, name="worksheet_list"),
    path("arbeitshilfen/<slug:slug>/", views.worksheet_detail, name="worksheet_detail"),
    path("arbeitshilfen/<slug:slug>/neu/", views.entry_create, name="worksheet_entry_create"),
    path("arbeitshilfen/<slug:slug>/leer/", views.worksheet_blank, name="worksheet_blank"),
    path(
        "arbeitshilfen/<slug:slug>/leer.pdf", views.worksheet_blank_pdf, name="worksheet_blank_pdf"
    ),
    path("arbeitshilfen/<slug:slug>/<int:pk>/", views.entry_detail, name="worksheet_entry"),
    path(
        "arbeitshilfen/<slug:slug>/<int:pk>/bearbeiten/",
        views.entry_edit,
        name="worksheet_entry_edit",
    ),
    path(
        "arbeitshilfen/<slug:slug>/<int:pk>/loeschen/",
        views.entry_delete,
        name="worksheet_entry_delete",
    ),
    path(
        "arbeitshilfen/<slug:slug>/<int:pk>/wiederherstellen/",
        views.entry_restore,
        name="worksheet_entry_restore",
    ),
    path(
        "arbeitshilfen/fragebogen/<int:pk>/befragung/neu/",
        views.survey_create,
        name="survey_create",
    ),
    path("befragungen/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("befragungen/<int:pk>/beenden/", views.survey_close, name="survey_close"),
    path("befragungen/<int:pk>/wieder-oeffnen/", views.survey_reopen, name="survey_reopen"),
    path("befragungen/<int:pk>/uebernehmen/", views.survey_copy, name="survey_copy"),
    path(
        "befragungen/<int:pk>/personen/<int:rid>/neuer-link/",
        views.recipient_link,
        name="survey_recipient_link",
    ),
    path(
        "befragungen/<int:pk>/personen/<int:rid>/entfernen/",
        views.recipient_remove,
        name="survey_recipient_remove",
    ),
    path("befragung/<str:token>/", views.survey_answer, name="survey_answer"),
]
