from django.urls import path

from kompass.core import views

app_name = "core"

urlpatterns = [
    path("kommunen/", views.municipality_list, name="municipality_list"),
    path("kommunen/<slug:slug>/", views.municipality_detail, name="municipality_detail"),
]
