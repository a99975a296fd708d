"""Bearer-token authentication for the API's write endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from kompass.accounts.services import user_for_api_key


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer kk_…`` with a personal API token (created under /konto/)."""

    openapi_description = "Persönlicher API-Schlüssel, erstellt unter /konto/."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_key(token)
        if user is not None:
            request.user = user
        return user


api_key_auth = ApiKeyAuth()
