"""Pages of the workspace part "ideas", relative to /strategie/<kommune>/<arbeitsraum>/.

Included by kompass.strategy.urls inside the strategy namespace: fields of action (step 4),
idea cards, taking ideas over from the atlas, and the dot voting (step 5).
"""

from __future__ import annotations

from django.urls import URLPattern, path

from kompass.strategy import views_ideas as views

urlpatterns: list[URLPattern] = [
    path("handlungsfelder/", views.field_list, name="field_list"),
    path("handlungsfelder/neu/", views.field_create, name="field_create"),
    path("handlungsfelder/vorlagen/", views.field_seed, name="field_seed"),
    path("handlungsfelder/<int:pk>/", views.field_detail, name="field_detail"),
    path("handlungsfelder/<int:pk>/bearbeiten/", views.field_edit, name="field_edit"),
    path("handlungsfelder/<int:pk>/loeschen/", views.field_delete, name="field_delete"),
    path("handlungsfelder/<int:pk>/verschieben/", views.field_move, name="field_move"),
    path(
        "handlungsfelder/geloescht/<int:pk>/wiederherstellen/",
        views.field_restore,
        name="field_restore",
    ),
    path("ideen/", views.idea_list, name="idea_list"),
    path("ideen/neu/", views.idea_create, name="idea_create"),
    path("ideen/uebernehmen/", views.idea_take_over, name="idea_take_over"),
    path("ideen/atlas/", views.atlas_search, name="idea_atlas_search"),
    path("ideen/<int:pk>/", views.idea_detail, name="idea_detail"),
    path("ideen/<int:pk>/bearbeiten/", views.idea_edit, name="idea_edit"),
    path("ideen/<int:pk>/loeschen/", views.idea_delete, name="idea_delete"),
    path("ideen/<int:pk>/projektskizze/", views.idea_promote, name="idea_promote"),
    path("ideen/<int:pk>/punkt/", views.vote_cast, name="vote_cast"),
    path("ideen/<int:pk>/punkt-zuruecknehmen/", views.vote_withdraw, name="vote_withdraw"),
    path("ideen/geloescht/<int:pk>/wiederherstellen/", views.idea_restore, name="idea_restore"),
    path("abstimmung/", views.voting, name="voting"),
    path("abstimmung/oeffnen/", views.voting_open, name="voting_open"),
    path("abstimmung/schliessen/", views.voting_close, name="voting_close"),
    path("abstimmung/gruppe/", views.voting_group, name="voting_group"),
    path("abstimmung/workshop/", views.workshop, name="workshop"),
]
