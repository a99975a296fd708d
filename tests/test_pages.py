"""Base UI: German pages in one layout, error pages, security headers and CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from kompass import views
from kompass.core.shipped import load_fields_of_action
from tests.conftest import Personas

TEMPLATES = Path(views.__file__).parent / "templates"
MODULE_PAGES = [
    ("digitalcheck", "/digitalcheck/", "Digitalcheck"),
    ("surveys", "/umfragen/", "Umfragen"),
    ("strategy", "/strategie/", "Strategie"),
    ("ki", "/ki-kompass/", "KI-Kompass"),
]


@pytest.mark.django_db
def test_home_page_is_german_and_links_every_module(client: Client) -> None:
    load_fields_of_action()
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="de">' in body
    assert "Zum Inhalt springen" in body
    for _, path, label in [("atlas", "/atlas/", "Atlas"), *MODULE_PAGES]:
        assert f'href="{path}"' in body
        assert label in body
    assert "Mobilität" in body  # the shipped fields of action
    assert "0 Kommunen sind erfasst." in body


#: Modules not built yet: their start page says so.
PLACEHOLDERS = [page for page in MODULE_PAGES if page[0] in {"surveys", "ki"}]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path", "label"), PLACEHOLDERS)
def test_module_placeholders(client: Client, name: str, path: str, label: str) -> None:
    assert reverse(name) == path
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{label}</h1>" in body
    assert "kommt bald" in body
    assert f'href="{path}" aria-current="page"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/impressum/", "Impressum"),
        ("/datenschutz/", "Datenschutzerklärung"),
        ("/barrierefreiheit/", "Erklärung zur Barrierefreiheit"),
    ],
)
def test_legal_pages(client: Client, path: str, heading: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_not_found_page_uses_the_layout(client: Client) -> None:
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Seite nicht gefunden" in body
    assert 'aria-label="Hauptnavigation"' in body


def test_server_error_page_renders_without_database() -> None:
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()


@pytest.mark.django_db
def test_permission_denied_page(client: Client) -> None:
    response = views.permission_denied(RequestFactory().get("/"))
    assert response.status_code == 403
    assert "Kein Zugriff" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_is_german() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@b.de", "password": "x"})
    assert response.status_code == 403
    assert "Formular abgelaufen" in response.content.decode()


@pytest.mark.django_db
def test_security_headers(client: Client) -> None:
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style() -> None:
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.name}: {match[0]}")
        for match in re.finditer(r"\s(on[a-z]+|style)=", text):
            offenders.append(f"{path.name}: {match[0].strip()}")
    assert offenders == []


@pytest.mark.django_db
def test_municipality_page_is_public_and_member_link_only_for_members(
    client: Client, personas: Personas
) -> None:
    url = personas.musterstadt.get_absolute_url()
    body = client.get(url).content.decode()
    assert "Mittelstadt" in body  # BBSR size class of 42,318 inhabitants
    assert "42.318" in body
    assert "Mitglieder verwalten" not in body
    client.force_login(personas.ben)
    assert "Mitglieder verwalten" not in client.get(url).content.decode()
    client.force_login(personas.mia)
    assert "Mitglieder verwalten" in client.get(url).content.decode()


def test_the_shared_form_template_links_each_error_to_its_field() -> None:
    """``_form.html`` gives the error list the id Django's widgets point at with
    ``aria-describedby`` (``<id>_error`` since Django 5.2), so screen readers announce it."""
    import re

    from django import forms
    from django.template.loader import render_to_string

    class Sample(forms.Form):
        title = forms.CharField(label="Titel", help_text="Kurz und klar.")

    form = Sample(data={})
    assert not form.is_valid()
    html = render_to_string("_form.html", {"form": form})
    described = re.search(r'<input[^>]*aria-describedby="([^"]+)"', html)
    assert described is not None
    error_list = re.search(r'<ul class="errorlist" id="([^"]+)"', html)
    assert error_list is not None
    assert error_list.group(1) in described.group(1).split()
