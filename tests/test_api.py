"""The API: health, token authentication, and the OpenAPI contract (snapshot)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from kompass import __version__
from kompass.accounts.services import create_api_token, revoke_api_token
from tests.conftest import Personas

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


@pytest.mark.django_db
def test_health_reports_status_version_and_database(client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "database": {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor],
    }


@pytest.mark.django_db
def test_me_requires_a_valid_api_key(client: Client, personas: Personas) -> None:
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer kk_falsch").status_code == 401
    token, key = create_api_token(personas.anna, "Test")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json() == {
        "email": "anna@musterstadt.example",
        "name": "Anna Admin",
        "is_atlas_editor": False,
        "memberships": [
            {"municipality": "musterstadt", "municipality_name": "Musterstadt", "role": "admin"}
        ],
    }
    token.refresh_from_db()
    assert token.last_used_at is not None
    revoke_api_token(personas.anna, token.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_api_key_of_deactivated_user_is_refused(client: Client, personas: Personas) -> None:
    _, key = create_api_token(personas.ben, "Test")
    personas.ben.is_active = False
    personas.ben.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_docs_page_is_served_locally(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in body
    assert "cdn" not in body.lower()


def test_openapi_matches_snapshot(client: Client) -> None:
    """Catches accidental API changes. After an intended change, regenerate with
    KOMPASS_TEST_UPDATE_SNAPSHOTS=1 and review the diff."""
    schema = client.get("/api/v1/openapi.json").json()
    rendered = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("KOMPASS_TEST_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8")
    assert set(schema["paths"]) >= {"/api/v1/health", "/api/v1/me"}


def test_atlas_read_lists_are_paged_with_a_bounded_limit(client: Client) -> None:
    """Every atlas list answers {"items": [...], "count": n} and takes limit/offset; no limit
    asks for every row (docs/data/atlas_facets.md)."""
    schema = client.get("/api/v1/openapi.json").json()
    for path, most in [
        ("/api/v1/atlas/profiles", 500),
        ("/api/v1/atlas/projects", 500),
        ("/api/v1/atlas/programmes", 500),
        ("/api/v1/atlas/search", 100),
    ]:
        operation = schema["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert parameters["limit"]["schema"]["maximum"] == most, path
        assert parameters["offset"]["schema"]["minimum"] == 0, path
        response = operation["responses"]["200"]["content"]["application/json"]["schema"]
        reference = response["$ref"].rsplit("/", 1)[1]
        assert {"items", "count"} <= set(schema["components"]["schemas"][reference]["properties"])
    profiles = schema["paths"]["/api/v1/atlas/profiles"]["get"]["parameters"]
    assert {p["name"] for p in profiles} >= {
        "edition",
        "land",
        "size_class",
        "field",
        "primary",
        "programme",
        "programme_level",
        "programme_role",
        "organisation",
        "has_cdo",
    }


def test_schema_class_names_are_unique_across_the_apps() -> None:
    """django-ninja names OpenAPI components after the schema class: two apps with a class of
    the same name would silently share (and overwrite) one component."""
    import importlib
    import inspect

    from ninja import Schema

    owners: dict[str, list[str]] = {}
    for module_name in (
        "kompass.api.api",
        "kompass.core.api",
        "kompass.atlas.api",
        "kompass.digitalcheck.api",
        "kompass.strategy.api",
        "kompass.strategy.api_worksheets",
        "kompass.strategy.api_ideas",
        "kompass.strategy.api_portfolio",
        "kompass.strategy.api_risks",
        "kompass.strategy.api_monitoring",
        "kompass.strategy.api_document",
    ):
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls is not Schema and cls.__module__ == module_name:
                owners.setdefault(name, []).append(module_name)
    assert len(owners) > 20
    assert {name: found for name, found in owners.items() if len(found) > 1} == {}
