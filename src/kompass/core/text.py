"""Text helpers for German names."""

from __future__ import annotations

from django.utils.text import slugify

UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def german_slug(text: str) -> str:
    """A URL slug that spells umlauts out: "Düsseldorf" → "duesseldorf" (not "dusseldorf")."""
    return slugify(text.translate(UMLAUTS))
