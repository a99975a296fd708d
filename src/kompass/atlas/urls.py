from django.urls import path

from kompass.atlas import editorial_views as review
from kompass.atlas import profile_views, views

app_name = "atlas"

urlpatterns = [
    path("", views.profile_list, name="profile_list"),
    path("kommunen/<slug:slug>/", profile_views.profile_detail, name="profile_detail"),
    path("kommunen/<slug:slug>/pdf/", profile_views.profile_pdf, name="profile_pdf"),
    path(
        "kommunen/<slug:slug>/projekte/<slug:project>/",
        profile_views.project_detail,
        name="project_detail",
    ),
    path(
        "praxisbeispiele/<slug:slug>/",
        profile_views.practice_example_detail,
        name="practice_example_detail",
    ),
    path("projekte/", views.project_list, name="project_list"),
    path("vergleich/", views.compare, name="compare"),
    path("suche/", views.search_view, name="search"),
    path("karte/", views.profile_map, name="map"),
    path("daten/", views.open_data, name="open_data"),
    path("daten/dcat.jsonld", views.open_data_catalog, name="open_data_catalog"),
    path("daten/<slug:dataset>.<str:fmt>", views.open_data_file, name="open_data_file"),
    path("praxisbeispiele/", views.practice_examples, name="practice_examples"),
    path("aehnlichkeit/", views.similarity_rule, name="similarity_rule"),
    path("analyse/", views.analysis, name="analysis"),
    path("analyse/<slug:table>.csv", views.analysis_csv, name="analysis_csv"),
    # Editorial review
    path("kommunen/<slug:slug>/vorschlagen/", review.propose_change, name="propose_change"),
    path("kommunen/<slug:slug>/versionen/", review.profile_history, name="profile_history"),
    path(
        "kommunen/<slug:slug>/versionen/<int:number>/",
        review.profile_version,
        name="profile_version",
    ),
    path("neu/", review.propose_new, name="propose_new"),
    path("vorschlaege/", review.proposal_list, name="proposal_list"),
    path("vorschlaege/<int:pk>/", review.proposal_detail, name="proposal_detail"),
    path("vorschlaege/<int:pk>/bearbeiten/", review.proposal_revise, name="proposal_revise"),
    path("vorschlaege/<int:pk>/kommentar/", review.proposal_comment, name="proposal_comment"),
    path("vorschlaege/<int:pk>/entscheidung/", review.proposal_decide, name="proposal_decide"),
    path("vorschlaege/<int:pk>/zurueckziehen/", review.proposal_withdraw, name="proposal_withdraw"),
    path("ausgaben/neu/", review.edition_new, name="edition_new"),
]
