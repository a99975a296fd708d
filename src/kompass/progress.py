"""Progress bars for long CLI commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tqdm import tqdm


def bar_callback(bar: tqdm[Any]) -> Callable[[int, int], None]:
    """A ``(done, total)`` progress callback, as services take it, that drives a tqdm bar."""

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return progress
