"""Benchmarks against peers: where one score stands in a group of scores.

Used by the Digitalcheck to set a municipality's overall score beside the released checks of
municipalities of the same size class (``kompass.digitalcheck.services.peer_benchmark``), but
free of Django and of the questionnaire: scores in, figures out.

A benchmark over a group smaller than its minimum returns ``None`` instead of a figure: with a
handful of peers a percentile says more about who happened to take part than about the
municipality (STYLE.md, "a benchmark over fewer peers than its minimum returns no figure").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypedDict

import numpy as np
import numpy.typing as npt

#: Smallest group that gets a benchmark. Ten is our choice: below it one municipality moves a
#: percentile by ten points or more, and a five-bin histogram has about two entries a bin.
MIN_GROUP = 10

#: One bar of a histogram: ``from`` (inclusive) to ``to`` (exclusive, the last bar inclusive),
#: the number of scores in it and whether the marked score falls into it.
HistogramBin = TypedDict("HistogramBin", {"from": float, "to": float, "count": int, "you": bool})


def _scores(scores: Sequence[float] | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if isinstance(scores, str | bytes):
        raise TypeError("Die Vergleichswerte müssen eine Folge von Zahlen sein, kein Text.")
    try:
        values = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("Die Vergleichswerte müssen Zahlen sein.") from None
    if values.ndim != 1:
        raise ValueError("Die Vergleichswerte müssen eine einfache Liste von Zahlen sein.")
    if not np.all(np.isfinite(values)):
        raise ValueError(
            "Die Vergleichswerte enthalten fehlende oder unendliche Werte; bitte vorher entfernen."
        )
    return values


def _minimum(minimum: int) -> int:
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ValueError("Die Mindestgröße der Vergleichsgruppe muss eine ganze Zahl ab 1 sein.")
    return minimum


def _value(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TypeError(f"{name} muss eine endliche Zahl sein, nicht {value!r}.")
    return float(value)


def percentile_rank(
    scores: Sequence[float] | npt.NDArray[np.float64],
    value: float,
    *,
    minimum: int = MIN_GROUP,
) -> float | None:
    """Percentile rank of ``value`` in a group of ``scores``.

    Parameters
    ----------
    scores
        The peers' scores (finite numbers; the scored unit itself should not be among them).
    value
        The score to place.
    minimum
        Smallest group size that gets a figure (default :data:`MIN_GROUP`, 10).

    Returns
    -------
    float or None
        The share of peers scoring below ``value`` plus half the share scoring exactly
        ``value``, in percent (0-100), rounded to one decimal; ``None`` when there are fewer
        than ``minimum`` scores.

    Notes
    -----
    With *n* scores, *b* of them below ``value`` and *e* equal to it,

    ``PR = 100 · (b + e / 2) / n``

    the "mean" definition of the percentile rank (the average of the strict "below" and the
    weak "at or below" definitions; ``scipy.stats.percentileofscore(kind="mean")``). Ties count
    half, so a group in which everybody scores the same places everybody at 50, and the rank
    does not depend on the order of the scores.

    Examples
    --------
    >>> percentile_rank([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 55)
    50.0
    >>> percentile_rank([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 30)
    25.0
    >>> percentile_rank([40.0] * 12, 40.0)
    50.0
    >>> percentile_rank([10, 20, 30], 25) is None
    True
    """
    values = _scores(scores)
    needed = _minimum(minimum)
    target = _value(value, "Der eigene Wert")
    if values.size < needed:
        return None
    below = int(np.count_nonzero(values < target))
    equal = int(np.count_nonzero(values == target))
    return round(100.0 * (below + equal / 2) / values.size, 1)


def histogram(
    scores: Sequence[float] | npt.NDArray[np.float64],
    *,
    bins: int = 5,
    lower: float = 0.0,
    upper: float = 100.0,
    mark: float | None = None,
    minimum: int = MIN_GROUP,
) -> list[HistogramBin] | None:
    """Counts of ``scores`` in equal bins from ``lower`` to ``upper``.

    Parameters
    ----------
    scores
        The peers' scores; every score must lie within ``[lower, upper]``.
    bins
        Number of bins of equal width (default 5: 0-20, 20-40, … for scores from 0 to 100).
    lower, upper
        Range of the scale.
    mark
        A score (usually one's own) whose bin gets ``you = True``; ``None`` marks none.
    minimum
        Smallest group size that gets a histogram (default :data:`MIN_GROUP`, 10).

    Returns
    -------
    list of HistogramBin or None
        One entry per bin, lowest first: ``from`` and ``to`` (whole numbers where the edges
        are whole), ``count`` and ``you``. The counts add up to ``len(scores)``. ``None`` when
        there are fewer than ``minimum`` scores.

    Notes
    -----
    Bins are half-open, ``[from, to)``, except the last, which includes ``upper`` (the rule of
    ``numpy.histogram``), so that a score of 100 is counted. A marked score on an inner edge
    belongs to the upper bin, like any other score.

    Examples
    --------
    >>> bars = histogram([5, 15, 25, 35, 45, 55, 65, 75, 85, 100], mark=62.5)
    >>> [(b["from"], b["to"], b["count"]) for b in bars]
    [(0, 20, 2), (20, 40, 2), (40, 60, 2), (60, 80, 2), (80, 100, 2)]
    >>> [b["you"] for b in bars]
    [False, False, False, True, False]
    >>> histogram([50, 60], minimum=10) is None
    True
    """
    values = _scores(scores)
    needed = _minimum(minimum)
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError("Die Zahl der Klassen (bins) muss eine ganze Zahl ab 1 sein.")
    low = _value(lower, "Die Untergrenze")
    high = _value(upper, "Die Obergrenze")
    if not low < high:
        raise ValueError("Die Untergrenze muss kleiner als die Obergrenze sein.")
    if values.size and (values.min() < low or values.max() > high):
        raise ValueError(
            f"Alle Vergleichswerte müssen zwischen {low:g} und {high:g} liegen; "
            f"gefunden: {values.min():g} bis {values.max():g}."
        )
    marked = None if mark is None else _value(mark, "Der markierte Wert")
    if values.size < needed:
        return None
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    result: list[HistogramBin] = []
    for index, count in enumerate(counts):
        start, stop = float(edges[index]), float(edges[index + 1])
        last = index == bins - 1
        you = (
            marked is not None and start <= marked and (marked < stop or (last and marked <= stop))
        )
        result.append(
            {"from": _tidy(start), "to": _tidy(stop), "count": int(count), "you": bool(you)}
        )
    return result


def _tidy(edge: float) -> float:
    """Whole edges as ``int`` (0, 20, …) so that labels read "0–20", not "0.0–20.0"."""
    return int(edge) if float(edge).is_integer() else round(edge, 6)
