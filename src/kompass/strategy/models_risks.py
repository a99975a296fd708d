"""Models of the strategy workspace: risks (see docs/strategy_workspace.md)."""

from __future__ import annotations

__all__: list[str] = []
