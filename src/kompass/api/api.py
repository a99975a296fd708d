"""The one NinjaAPI at /api/v1/. Apps own their routers and add them here."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja import NinjaAPI, Router, Schema, Status

from kompass import __version__
from kompass.api.auth import api_key_auth
from kompass.atlas.api import router as atlas_router
from kompass.core.api import router as core_router
from kompass.digitalcheck.api import router as digitalcheck_router
from kompass.strategy.api import router as strategy_router
from kompass.strategy.api_document import router as strategy_document_router
from kompass.strategy.api_ideas import router as strategy_ideas_router
from kompass.strategy.api_monitoring import router as strategy_monitoring_router
from kompass.strategy.api_portfolio import router as strategy_portfolio_router
from kompass.strategy.api_risks import router as strategy_risks_router
from kompass.strategy.api_worksheets import router as strategy_worksheets_router

api = NinjaAPI(
    title="Kommunalkompass API",
    version="1",
    description=(
        "Offene Schnittstelle des Kommunalkompass. Lesende Endpunkte sind öffentlich; "
        "schreibende verlangen einen persönlichen API-Schlüssel (Bearer-Token)."
    ),
    urls_namespace="api",
    docs_url="/docs",
)

system = Router(tags=["system"])


class HealthOut(Schema):
    status: str
    version: str
    database: str


class ErrorOut(Schema):
    detail: str


class MembershipOut(Schema):
    municipality: str
    municipality_name: str
    role: str


class MeOut(Schema):
    email: str
    name: str
    is_atlas_editor: bool
    memberships: list[MembershipOut]


@system.get(
    "/health", response={200: HealthOut, 503: HealthOut}, summary="Betriebszustand", auth=None
)
def health(request: HttpRequest) -> Status[HealthOut]:
    """Whether the application and its database answer. Used by load balancers."""
    vendor = connection.vendor
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status = "ok"
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        status = "error"
    return Status(
        200 if status == "ok" else 503,
        HealthOut(status=status, version=__version__, database=vendor),
    )


@system.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    auth=api_key_auth,
    summary="Eigenes Konto (mit API-Schlüssel)",
)
def me(request: HttpRequest) -> MeOut:
    """The account behind the API key, with its memberships; proves the key works."""
    user = request.auth  # type: ignore[attr-defined]
    return MeOut(
        email=user.email,
        name=user.name,
        is_atlas_editor=user.is_atlas_editor,
        memberships=[
            MembershipOut(
                municipality=m.municipality.slug,
                municipality_name=m.municipality.name,
                role=m.role,
            )
            for m in user.memberships.select_related("municipality")
        ],
    )


api.add_router("/", system)
api.add_router("/", core_router)
api.add_router("/", atlas_router)
api.add_router("/strategy", strategy_router)
for part in (
    strategy_worksheets_router,
    strategy_ideas_router,
    strategy_portfolio_router,
    strategy_risks_router,
    strategy_monitoring_router,
    strategy_document_router,
):
    api.add_router("/strategy", part)
api.add_router("/digitalcheck", digitalcheck_router)
