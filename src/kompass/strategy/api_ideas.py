"""API of the workspace part "ideas" under /api/v1/strategy/workspaces/{id}/… (mounted by
kompass.api.api next to kompass.strategy.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["strategy"])
