"""Single-record pages of the atlas: profile (also as PDF), project, practice example."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse

from kompass.atlas import editorial, printing, selectors
from kompass.atlas.models import PROFILE_SECTIONS, PracticeExample, Profile
from kompass.core.services import sources_of


def _profile_context(request: HttpRequest, slug: str) -> dict[str, Any]:
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    profile: Profile = get_object_or_404(
        selectors.profiles(edition).prefetch_related("units", "milestones", "funding__programme"),
        slug=slug,
    )
    newest = selectors.edition_or_404(None)
    return {
        "edition": edition,
        "profile": profile,
        "sections": [
            (key, title, profile.sections[key])
            for key, title in PROFILE_SECTIONS
            if key in profile.sections
        ],
        "projects": selectors.projects(edition).filter(profile=profile),
        "sources": sources_of(profile),
        "can_propose": edition.pk == newest.pk
        and editorial.can_propose_for(request.user, profile.municipality),
        "is_newest": edition.pk == newest.pk,
        "stakeholder_groups": [
            editorial.GROUPS.get(group, group)
            for group in profile.sections.get("stakeholders", {}).get("groups", [])
        ],
    }


def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    context = _profile_context(request, slug)
    context["similar"] = selectors.similar_to(context["profile"])
    return render(request, "atlas/profile_detail.html", context)


def profile_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The profile as a PDF (A4, tagged, with the sources), e.g. for a council meeting."""
    context = _profile_context(request, slug)
    context["absolute_url"] = request.build_absolute_uri(
        reverse("atlas:profile_detail", args=[slug]) + f"?ausgabe={context['edition'].slug}"
    )
    html = render_to_string("atlas/profile_print.html", context, request=request)
    profile = context["profile"]
    response = HttpResponse(printing.pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="steckbrief-{profile.slug}-{context["edition"].slug}.pdf"'
    )
    return response


def project_detail(request: HttpRequest, slug: str, project: str) -> HttpResponse:
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    item = get_object_or_404(
        selectors.projects(edition).select_related("profile__municipality"),
        profile__slug=slug,
        slug=project,
    )
    return render(
        request,
        "atlas/project_detail.html",
        {
            "edition": edition,
            "project": item,
            "profile": item.profile,
            "sources": sources_of(item),
            "related": selectors.projects(edition)
            .filter(primary_field=item.primary_field)
            .exclude(pk=item.pk)[:5],
        },
    )


def practice_example_detail(request: HttpRequest, slug: str) -> HttpResponse:
    example = get_object_or_404(
        PracticeExample.objects.select_related("municipality").prefetch_related("fields"),
        slug=slug,
    )
    return render(
        request,
        "atlas/practice_example_detail.html",
        {"example": example, "sources": sources_of(example)},
    )
