"""Site-wide pages: home, legal pages, module placeholders and error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from kompass.core.models import FieldOfAction, Municipality

#: German name and a one-line purpose of each module, for the home page and placeholders.
MODULES = {
    "atlas": (
        "Atlas",
        "Steckbriefe und Projekte von Kommunen, Suche, Vergleich, Karte und Querschnittsanalyse.",
    ),
    "digitalcheck": (
        "Digitalcheck",
        "Selbsteinschätzung in 15 Minuten: Wo steht Ihre Kommune im Vergleich mit ähnlichen?",
    ),
    "surveys": (
        "Umfragen",
        "Befragungsdaten von Kommunen importieren, gewichten, auswerten und vergleichen.",
    ),
    "strategy": (
        "Strategie",
        "Der Smart-City-Prozess des BBSR als gemeinsamer Arbeitsraum, von der Bestandsaufnahme "
        "bis zum Monitoring.",
    ),
    "ki": (
        "KI-Kompass",
        "Anwendungsfälle, Modellprojekte und Anbieter künstlicher Intelligenz für Kommunen.",
    ),
}


#: URL names of modules that have their own pages already.
MODULE_URLS = {"atlas": "atlas:profile_list"}


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {
            "modules": [(MODULE_URLS.get(name, name), *MODULES[name]) for name in MODULES],
            "municipality_count": Municipality.objects.count(),
            "fields": FieldOfAction.objects.all(),
        },
    )


def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/imprint.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def coming_soon(request: HttpRequest, module: str) -> HttpResponse:
    title, purpose = MODULES[module]
    return render(
        request, "pages/coming_soon.html", {"module": module, "title": title, "purpose": purpose}
    )


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request, so no context processor touches the session or the
    # database: either may be what failed.
    body = loader.get_template("500.html").render({"plain": True, "navigation": []})
    return HttpResponseServerError(body)
