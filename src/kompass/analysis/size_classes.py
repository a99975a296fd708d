"""BBSR city and municipality types by population (Stadt- und Gemeindetypen)."""

from __future__ import annotations

#: (slug, lower bound inclusive), largest first. The slugs are a contract (ARCHITECTURE.md).
SIZE_CLASS_BOUNDS: tuple[tuple[str, int], ...] = (
    ("large_city", 100_000),
    ("medium_town", 20_000),
    ("small_town", 5_000),
    ("rural_municipality", 0),
)


def size_class(population: int | None) -> str | None:
    """Return the BBSR size-class slug for a population count.

    Parameters
    ----------
    population : int or None
        Inhabitants; ``None`` when unknown.

    Returns
    -------
    str or None
        ``large_city`` (>= 100,000), ``medium_town`` (20,000-99,999), ``small_town``
        (5,000-19,999) or ``rural_municipality`` (< 5,000); ``None`` when the population is
        unknown.

    Notes
    -----
    The bounds are the BBSR's population thresholds for its city and municipality types as
    fixed in the project's architecture contract.

    Examples
    --------
    >>> size_class(20_000)
    'medium_town'
    >>> size_class(19_999)
    'small_town'
    >>> size_class(None) is None
    True
    """
    if population is None:
        return None
    if isinstance(population, bool) or not isinstance(population, int):
        raise TypeError("Die Einwohnerzahl muss eine ganze Zahl sein.")
    if population < 0:
        raise ValueError("Die Einwohnerzahl darf nicht negativ sein.")
    for slug, lower in SIZE_CLASS_BOUNDS:
        if population >= lower:
            return slug
    raise AssertionError("unreachable: the last bound is 0")
