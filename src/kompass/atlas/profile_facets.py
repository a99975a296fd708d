"""The facets a profile is listed by, stored on the profile as bit sets (``field_bits``,
``primary_bits``, ``organisation_bits``), so that the atlas list filters one table instead of
joining every project and field of the edition (docs/decisions/0007-atlas-at-scale.md).

Whoever writes projects, their fields or organisation units calls :func:`refresh`: the
shipped-data loader, the editorial review when it publishes, the scale-data generator (which
computes the same bits itself). A new edition copies the bits with the profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, QuerySet

from kompass.analysis.vocabulary import FIELD_SLUGS

#: One bit per field of action (the ten slugs of ARCHITECTURE.md, in their order).
FIELD_BITS: dict[str, int] = {slug: 1 << index for index, slug in enumerate(FIELD_SLUGS)}


def organisation_bits() -> dict[str, int]:
    """One bit per organisation-unit kind (OrganisationUnit.Kind, in its order)."""
    from kompass.atlas.models import OrganisationUnit

    return {kind: 1 << index for index, kind in enumerate(OrganisationUnit.Kind.values)}


def bits_of(
    links: Iterable[tuple[int, str, bool]], units: Iterable[tuple[int, str]]
) -> dict[int, tuple[int, int, int]]:
    """``(field_bits, primary_bits, organisation_bits)`` per profile id from its project
    fields ``(profile_id, field_slug, is_primary)`` and unit kinds ``(profile_id, kind)``."""
    org = organisation_bits()
    found: dict[int, list[int]] = {}
    for profile_id, slug, primary in links:
        bits = found.setdefault(profile_id, [0, 0, 0])
        bits[0] |= FIELD_BITS[slug]
        if primary:
            bits[1] |= FIELD_BITS[slug]
    for profile_id, kind in units:
        found.setdefault(profile_id, [0, 0, 0])[2] |= org[kind]
    return {pk: (b[0], b[1], b[2]) for pk, b in found.items()}


def _chunks(ids: list[int], size: int = 5000) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def refresh(profiles: Iterable[Any]) -> None:
    """Recompute the stored facets of ``profiles`` (instances or ids) from their projects,
    project fields (primary = the project's primary field) and units."""
    from kompass.atlas.models import OrganisationUnit, Profile, Project, ProjectField

    ids = sorted({p if isinstance(p, int) else p.pk for p in profiles})
    for chunk in _chunks(ids):
        links = ProjectField.objects.filter(project__profile_id__in=chunk).values_list(
            "project__profile_id", "field__slug"
        )
        primaries = Project.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "primary_field__slug"
        )
        units = OrganisationUnit.objects.filter(profile_id__in=chunk).values_list(
            "profile_id", "kind"
        )
        computed = bits_of(
            [
                *((pk, slug, False) for pk, slug in links),
                *((pk, slug, True) for pk, slug in primaries if slug),
            ],
            units,
        )
        for pk in chunk:
            field, primary, org = computed.get(pk, (0, 0, 0))
            Profile.objects.filter(pk=pk).update(
                field_bits=field, primary_bits=primary, organisation_bits=org
            )


def has_bit(queryset: QuerySet[Any], column: str, bit: int) -> QuerySet[Any]:
    """Rows of ``queryset`` whose bit set ``column`` contains ``bit``."""
    return queryset.alias(**{f"_{column}_{bit}": F(column).bitand(bit)}).filter(
        **{f"_{column}_{bit}": bit}
    )
