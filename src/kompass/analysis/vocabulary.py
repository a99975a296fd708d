"""The project's fixed vocabularies (contracts in ARCHITECTURE.md), without Django."""

from __future__ import annotations

#: The atlas's ten fields of action (Handlungsfelder), in the platform's display order.
FIELD_SLUGS: tuple[str, ...] = (
    "administration",
    "mobility",
    "energy_environment",
    "data_platform",
    "it_infrastructure",
    "education",
    "society",
    "health",
    "retail",
    "security",
)
