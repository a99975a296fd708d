from django.contrib import admin
from django.urls import include, path

from kompass import views
from kompass.api.api import api

handler400 = "kompass.views.bad_request"
handler403 = "kompass.views.permission_denied"
handler404 = "kompass.views.page_not_found"
handler500 = "kompass.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    # Module start pages; each module's issue replaces its placeholder with real URLs.
    path("atlas/", include("kompass.atlas.urls")),
    path("digitalcheck/", include("kompass.digitalcheck.urls")),
    path("umfragen/", views.coming_soon, {"module": "surveys"}, name="surveys"),
    path("strategie/", include("kompass.strategy.urls")),
    path("ki-kompass/", views.coming_soon, {"module": "ki"}, name="ki"),
    path("", include("kompass.accounts.urls")),
    path("", include("kompass.core.urls")),
    path("api/v1/", api.urls),
    path("verwaltung/", admin.site.urls),
]
