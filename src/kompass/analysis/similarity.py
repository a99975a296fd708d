"""Which atlas profiles resemble a given one, and why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Weights of the similarity rule (documented in docs/atlas_similarity.md).
WEIGHT_SIZE_CLASS = 3.0
WEIGHT_LAND = 1.0
WEIGHT_FIELDS = 3.0
WEIGHT_ORGANISATION = 2.0


@dataclass(frozen=True)
class Similar:
    slug: str
    score: float
    reasons: tuple[str, ...]


def jaccard(a: set[str], b: set[str]) -> float:
    """|A ∩ B| / |A ∪ B|, and 0 for two empty sets.

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def similar_profiles(
    target: Mapping[str, Any],
    candidates: Sequence[Mapping[str, Any]],
    *,
    limit: int = 5,
    labels: Mapping[str, str] | None = None,
) -> list[Similar]:
    """Rank ``candidates`` by similarity to ``target`` and say why.

    Parameters
    ----------
    target, candidates : mappings
        Each with ``slug``, ``size_class`` (slug or None), ``land``, ``fields`` (set of
        field-of-action slugs its projects address) and ``organisation`` (set of
        organisation-unit kinds, e.g. ``cdo``, ``staff_unit``).
    limit : int
        How many to return at most (those with a score above zero).
    labels : mapping, optional
        German names for field and unit-kind slugs used in the reasons.

    Returns
    -------
    list of Similar
        ``slug``, ``score`` (0 to 9) and German ``reasons``, best first; ties by slug.

    Notes
    -----
    score = 3·[same size class] + 1·[same Land] + 3·J(fields) + 2·J(organisation), where J is
    the Jaccard index. Size class and topic weigh most because a digital lead looks for towns
    of their size working on the same problems; the organisation form matters next (who is in
    charge), the Land least (shared Land programmes). The rule is ours; the studies give none.

    Examples
    --------
    >>> base = {"slug": "a", "size_class": "medium_town", "land": "NW",
    ...         "fields": {"mobility"}, "organisation": {"cdo"}}
    >>> other = dict(base, slug="b", land="BY")
    >>> [(s.slug, s.score) for s in similar_profiles(base, [base, other])]
    [('b', 8.0)]
    """
    if limit < 1:
        raise ValueError("limit muss mindestens 1 sein.")
    names = labels or {}
    ranked = []
    for candidate in candidates:
        if candidate["slug"] == target["slug"]:
            continue
        reasons = []
        score = 0.0
        if target["size_class"] and candidate["size_class"] == target["size_class"]:
            score += WEIGHT_SIZE_CLASS
            reasons.append(
                f"gleiche Größenklasse ({names.get(target['size_class'], target['size_class'])})"
            )
        if candidate["land"] == target["land"]:
            score += WEIGHT_LAND
            reasons.append("gleiches Land")
        shared_fields = set(target["fields"]) & set(candidate["fields"])
        if shared_fields:
            score += WEIGHT_FIELDS * jaccard(set(target["fields"]), set(candidate["fields"]))
            reasons.append(
                "Projekte in " + ", ".join(sorted(names.get(f, f) for f in shared_fields))
            )
        shared_units = set(target["organisation"]) & set(candidate["organisation"])
        if shared_units:
            score += WEIGHT_ORGANISATION * jaccard(
                set(target["organisation"]), set(candidate["organisation"])
            )
            reasons.append(
                "ähnliche Organisation: " + ", ".join(sorted(names.get(u, u) for u in shared_units))
            )
        if score > 0:
            ranked.append(Similar(candidate["slug"], round(score, 2), tuple(reasons)))
    ranked.sort(key=lambda s: (-s.score, s.slug))
    return ranked[:limit]
