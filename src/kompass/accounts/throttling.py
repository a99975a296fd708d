"""Login throttling helpers for django-axes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The e-mail address a login attempt is for, normalised as the login form does, so that
    failures and the lockout check count against the same key."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(value).strip().lower()
