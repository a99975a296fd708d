from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kompass.core.forms import MunicipalityFilterForm
from kompass.core.models import Municipality
from kompass.core.services import sources_of

PAGE_SIZE = 50


def municipality_list(request: HttpRequest) -> HttpResponse:
    """The directory of municipalities: search by name or AGS, filter by Land, size, kind."""
    form = MunicipalityFilterForm(request.GET or None)
    queryset = Municipality.objects.select_related("district")
    if form.is_valid():
        queryset = queryset.filtered(
            text=form.cleaned_data["q"],
            land=form.cleaned_data["land"] or None,
            size_class=form.cleaned_data["size_class"] or None,
            kind=form.cleaned_data["kind"] or None,
        )
    elif form.is_bound:
        queryset = queryset.none()
    page = Paginator(queryset.order_by("name", "ags"), PAGE_SIZE).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "core/municipality_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


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
