from django.urls import path

from kompass.atlas import views

app_name = "atlas"

urlpatterns = [
    path("", views.profile_list, name="profile_list"),
    path("kommunen/<slug:slug>/", views.profile_detail, name="profile_detail"),
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
]
