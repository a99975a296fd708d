from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kompass import __version__

#: The main navigation: (URL name, label). Modules not built yet show a "kommt bald" page.
NAVIGATION = [
    ("atlas:profile_list", "Atlas"),
    ("digitalcheck", "Digitalcheck"),
    ("surveys", "Umfragen"),
    ("strategy", "Strategie"),
    ("ki", "KI-Kompass"),
]


def site(request: HttpRequest) -> dict[str, Any]:
    return {"navigation": NAVIGATION, "version": __version__}
