"""kompass.analysis.benchmarks: percentile rank and histogram against independent computations
(pandas for the rank, numpy.histogram for the counts), the minimum group, and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kompass.analysis.benchmarks import MIN_GROUP, histogram, percentile_rank

RNG = np.random.default_rng(2017)
SCORES = np.round(RNG.uniform(0, 100, 257), 1)


def pandas_percentile(scores: np.ndarray, value: float) -> float:
    """The "mean" percentile rank via pandas: the average of the strict and the weak rank."""
    series = pd.Series(scores)
    strict = (series < value).mean()
    weak = (series <= value).mean()
    return round(100 * (strict + weak) / 2, 1)


@pytest.mark.parametrize("value", [0.0, 12.3, SCORES[5], 50.0, SCORES[100], 99.9, 100.0])
def test_percentile_rank_matches_pandas(value: float) -> None:
    assert percentile_rank(SCORES, value) == pandas_percentile(SCORES, value)


def test_percentile_rank_hand_computed() -> None:
    scores = [10, 20, 20, 30, 40, 50, 60, 70, 80, 90]
    # below 20: one; equal: two -> (1 + 2/2) / 10 = 20 %
    assert percentile_rank(scores, 20) == 20.0
    assert percentile_rank(scores, 5) == 0.0
    assert percentile_rank(scores, 95) == 100.0
    assert percentile_rank(scores, 90) == 95.0


def test_percentile_rank_ignores_order_and_does_not_mutate() -> None:
    scores = list(SCORES)
    before = list(scores)
    assert percentile_rank(scores[::-1], 42.0) == percentile_rank(scores, 42.0)
    assert scores == before


def test_fewer_peers_than_the_minimum_give_nothing() -> None:
    nine = list(range(MIN_GROUP - 1))
    assert MIN_GROUP == 10
    assert percentile_rank(nine, 3) is None
    assert histogram(nine) is None
    assert percentile_rank([*nine, 9], 3) == 35.0
    assert percentile_rank([1, 2, 3], 2, minimum=3) == 50.0
    assert histogram([], minimum=1) is None


def test_histogram_matches_numpy() -> None:
    bars = histogram(SCORES)
    assert bars is not None
    counts, edges = np.histogram(SCORES, bins=5, range=(0, 100))
    assert [b["count"] for b in bars] == counts.tolist()
    assert [b["from"] for b in bars] == edges[:-1].tolist()
    assert [b["to"] for b in bars] == edges[1:].tolist()
    assert sum(b["count"] for b in bars) == len(SCORES)


def test_histogram_edges_and_the_marked_bin() -> None:
    scores = [0, 19.9, 20, 40, 59.99, 60, 80, 99, 100, 100]
    bars = histogram(scores, mark=100)
    assert bars is not None
    assert [b["count"] for b in bars] == [2, 1, 2, 1, 4]
    assert [b["you"] for b in bars] == [False, False, False, False, True]
    bars = histogram(scores, mark=20)
    assert bars is not None and [b["you"] for b in bars].index(True) == 1
    bars = histogram(scores)
    assert bars is not None and not any(b["you"] for b in bars)
    assert isinstance(bars[0]["from"], int)


def test_histogram_other_scales() -> None:
    bars = histogram([1, 2, 3, 4, 5] * 2, bins=4, lower=1, upper=5)
    assert bars is not None
    assert [(b["from"], b["to"], b["count"]) for b in bars] == [
        (1, 2, 2),
        (2, 3, 2),
        (3, 4, 2),
        (4, 5, 4),
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: percentile_rank([1, float("nan")] * 5, 1), ValueError, "fehlende"),
        (lambda: percentile_rank("12345", 1), TypeError, "kein Text"),
        (lambda: percentile_rank([[1, 2]] * 10, 1), ValueError, "einfache Liste"),
        (lambda: percentile_rank(list(range(10)), None), TypeError, "eigene Wert"),
        (lambda: percentile_rank(list(range(10)), 1, minimum=0), ValueError, "Mindestgröße"),
        (lambda: histogram(list(range(10)), bins=0), ValueError, "Klassen"),
        (lambda: histogram([*range(10), 120]), ValueError, "zwischen 0 und 100"),
        (lambda: histogram(list(range(10)), lower=5, upper=5), ValueError, "Untergrenze"),
        (lambda: histogram(list(range(10)), mark=float("inf")), TypeError, "markierte Wert"),
    ],
)
def test_inputs_are_checked_with_german_messages(call: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]
