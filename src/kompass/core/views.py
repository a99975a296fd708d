from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kompass.core.models import Municipality
from kompass.core.services import sources_of


def municipality_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public facts of a municipality from the official directory, with their sources."""
    municipality = get_object_or_404(Municipality.objects.select_related("district"), slug=slug)
    user = request.user
    is_member = user.is_authenticated and user.is_member_of(municipality)  # type: ignore[union-attr]
    return render(
        request,
        "core/municipality_detail.html",
        {
            "municipality": municipality,
            "sources": sources_of(municipality),
            "is_member": is_member,
        },
    )
