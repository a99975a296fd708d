"""Models of the strategy workspace: worksheets (see docs/strategy_workspace.md)."""

from __future__ import annotations

__all__: list[str] = []
