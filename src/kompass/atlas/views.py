"""Atlas pages: profile list, profile, projects, cross-sectional analysis with CSV."""

from __future__ import annotations

import csv
import json
from collections import Counter
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kompass.atlas import exports, maps, search, selectors
from kompass.atlas.forms import ProfileFilterForm, ProjectFilterForm, SearchForm
from kompass.atlas.models import Edition, PracticeExample
from kompass.atlas.queries import edition_cross_section
from kompass.core.models import FieldOfAction, Land, SizeClass
from kompass.core.services import sources_of

SECTION_TITLES = [
    ("organisation", "Organisationsstruktur"),
    ("milestones", "Meilensteine"),
    ("goals", "Motivation und Ziele"),
    ("stakeholders", "Akteure und Beteiligung"),
    ("opportunities_challenges", "Chancen und Herausforderungen"),
    ("communication_networks", "Kommunikation und Netzwerke"),
    ("funding", "Wettbewerbe und Förderprogramme"),
]


def _no_edition_yet(request: HttpRequest) -> HttpResponse | None:
    """An explanatory page while no edition is loaded (a fresh database), instead of a 404."""
    if request.GET.get("ausgabe") or Edition.objects.exists():
        return None
    return render(request, "atlas/no_edition.html")


def profile_list(request: HttpRequest) -> HttpResponse:
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProfileFilterForm(request.GET or None)
    filters: dict[str, Any] = form.filters() if form.is_valid() else {}
    profiles = selectors.profiles(edition, **filters) if not form.errors else []
    return render(
        request,
        "atlas/profile_list.html",
        {"edition": edition, "form": form, "profiles": profiles},
        status=400 if form.errors else 200,
    )


def profile_detail(request: HttpRequest, slug: str) -> HttpResponse:
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    profile = get_object_or_404(
        selectors.profiles(edition).prefetch_related("units", "milestones", "funding__programme"),
        slug=slug,
    )
    sections = [
        (key, title, profile.sections[key])
        for key, title in SECTION_TITLES
        if key in profile.sections
    ]
    return render(
        request,
        "atlas/profile_detail.html",
        {
            "edition": edition,
            "profile": profile,
            "sections": sections,
            "projects": selectors.projects(edition).filter(profile=profile),
            "sources": sources_of(profile),
            "similar": selectors.similar_to(profile),
        },
    )


def project_list(request: HttpRequest) -> HttpResponse:
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProjectFilterForm(request.GET or None)
    field, primary = None, False
    if form.is_valid():
        field = form.cleaned_data["field"] or None
        primary = form.cleaned_data["primary"]
    projects = selectors.projects(edition, field=field, primary=primary) if not form.errors else []
    return render(
        request,
        "atlas/project_list.html",
        {"edition": edition, "form": form, "projects": projects},
        status=400 if form.errors else 200,
    )


COMPARE_MIN, COMPARE_MAX = 2, 4


def compare(request: HttpRequest) -> HttpResponse:
    """2–4 profiles side by side (``?k=aachen&k=leipzig``)."""
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    slugs = list(dict.fromkeys(request.GET.getlist("k")))
    error = ""
    if not COMPARE_MIN <= len(slugs) <= COMPARE_MAX:
        error = (
            f"Bitte {COMPARE_MIN} bis {COMPARE_MAX} Kommunen zum Vergleich auswählen "
            f"(ausgewählt: {len(slugs)})."
        )
    found = {
        p.slug: p
        for p in selectors.profiles(edition)
        .filter(slug__in=slugs)
        .prefetch_related("units", "funding__programme")
    }
    unknown = [slug for slug in slugs if slug not in found]
    if unknown and not error:
        error = "Unbekannte Kommune im Vergleich: " + ", ".join(unknown) + "."
    if error:
        return render(
            request,
            "atlas/compare.html",
            {"edition": edition, "error": error, "profiles": []},
            status=400,
        )
    profiles = [found[slug] for slug in slugs]
    fields = list(FieldOfAction.objects.all())
    by_field = {
        (p.pk, link.field.slug)
        for p in profiles
        for project in selectors.projects(edition).filter(profile=p)
        for link in project.field_links.all()
    }
    rows = [
        ("Land", [p.get_land_display() for p in profiles]),
        ("Einwohner", [p.population for p in profiles]),
        ("Fläche (km²)", [p.area_km2 for p in profiles]),
        ("Größenklasse", [p.municipality.size_class_label for p in profiles]),
        ("Chief Digital Officer", ["ja" if p.cdo else "–" for p in profiles]),
        ("Zuständige Stellen", [len(p.units.all()) for p in profiles]),
        ("Wettbewerbe und Förderprogramme", [len(p.funding.all()) for p in profiles]),
        ("Leuchtturmprojekte", [p.project_count for p in profiles]),
    ] + [
        (
            f"Projekte: {field.name}",
            ["✓" if (p.pk, field.slug) in by_field else "–" for p in profiles],
        )
        for field in fields
    ]
    return render(
        request,
        "atlas/compare.html",
        {"edition": edition, "profiles": profiles, "rows": rows},
    )


def _analysis_tables(request: HttpRequest) -> tuple[Any, list[dict[str, Any]]]:
    """The analysis as tables: (slug, German title, rows of (label, value, published))."""
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    result = edition_cross_section(edition)
    published = {k: f["value"] for k, f in selectors.published_figures(edition).items()}
    fields = {f.slug: f.name for f in FieldOfAction.objects.all()}
    sizes = dict(SizeClass.choices)
    lands = dict(Land.choices)

    def rows(counts: dict[str, int], labels: dict[str, Any], prefix: str | None) -> list[Any]:
        return [
            (str(labels[key]), value, published.get(f"{prefix}.{key}") if prefix else None)
            for key, value in counts.items()
        ]

    tables = [
        {
            "slug": "totals",
            "title": "Gesamtzahlen",
            "rows": [
                ("Steckbriefe", result["profiles_total"], published.get("profiles_total")),
                ("Leuchtturmprojekte", result["projects_total"], published.get("projects_total")),
                (
                    "Projekte mit mehreren Handlungsfeldern",
                    result["projects_with_multiple_fields"],
                    published.get("projects_with_multiple_fields"),
                ),
                ("Einwohner zusammen", result["population_total"], None),
                ("Fläche zusammen (km²)", result["area_km2_total"], None),
            ],
        },
        {
            "slug": "primary_field",
            "title": "Leuchtturmprojekte nach Hauptfeld",
            "rows": rows(result["projects_by_primary_field"], fields, "projects_by_primary_field"),
        },
        {
            "slug": "any_field",
            "title": "Leuchtturmprojekte nach allen genannten Handlungsfeldern",
            "rows": rows(result["projects_by_any_field"], fields, None),
        },
        {
            "slug": "size_class",
            "title": "Steckbriefe nach Größenklasse",
            "rows": rows(result["profiles_by_size_class"], sizes, None),
        },
        {
            "slug": "land",
            "title": "Steckbriefe nach Land",
            "rows": rows(result["profiles_by_land"], lands, None),
        },
    ]
    return edition, tables


def analysis(request: HttpRequest) -> HttpResponse:
    if empty := _no_edition_yet(request):
        return empty
    edition, tables = _analysis_tables(request)
    return render(request, "atlas/analysis.html", {"edition": edition, "tables": tables})


def analysis_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One analysis table as CSV; ``?excel=1`` gives semicolons and a BOM for German Excel."""
    edition, tables = _analysis_tables(request)
    chosen = next((t for t in tables if t["slug"] == table), None)
    if chosen is None:
        raise Http404
    excel = request.GET.get("excel") == "1"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="atlas-{edition.slug}-{chosen["slug"]}.csv"'
    )
    if excel:
        response.write("\ufeff")
    writer = csv.writer(response, delimiter=";" if excel else ",")
    writer.writerow(["Merkmal", "Wert aus den Daten", "Wert der Studie"])
    for label, value, published in chosen["rows"]:
        writer.writerow([label, value, "" if published is None else published])
    return response


def similarity_rule(request: HttpRequest) -> HttpResponse:
    """The rule behind "Ähnliche Kommunen", for users."""
    return render(request, "atlas/similarity_rule.html")


def practice_examples(request: HttpRequest) -> HttpResponse:
    """Practice examples from the other studies, filterable by field of action."""
    form = ProjectFilterForm(request.GET or None)
    examples = PracticeExample.objects.select_related("municipality").prefetch_related("fields")
    if form.is_valid() and form.cleaned_data["field"]:
        examples = examples.filter(fields__slug=form.cleaned_data["field"])
    elif form.errors:
        examples = examples.none()
    form.fields.pop("primary")
    return render(
        request,
        "atlas/practice_examples.html",
        {"form": form, "examples": examples},
        status=400 if form.errors else 200,
    )


def search_view(request: HttpRequest) -> HttpResponse:
    """Search over profiles, projects and practice examples with facets and snippets."""
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        filters = form.filters()
        results = search.search(
            data["q"],
            kind=data["art"] or None,
            land=filters["land"],
            size=filters["size_class"],
            field_slug=filters["field"],
            primary_only=data["primary"],
            cdo=filters["has_cdo"],
        )
    labels = search.facet_labels()
    facets = (
        [
            (
                name,
                title,
                [(labels[name].get(k, k), n) for k, n in results.facets[name].most_common()],
            )
            for name, title in [
                ("kind", "Art"),
                ("land", "Land"),
                ("size_class", "Größenklasse"),
                ("field", "Handlungsfeld"),
            ]
        ]
        if results
        else []
    )
    return render(
        request,
        "atlas/search.html",
        {"form": form, "results": results, "facets": facets, "kinds": labels["kind"]},
        status=400 if form.is_bound and form.errors else 200,
    )


def open_data(request: HttpRequest) -> HttpResponse:
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    return render(
        request,
        "atlas/open_data.html",
        {
            "edition": edition,
            "datasets": exports.DATASETS.values(),
            "licence": exports.LICENCE_NAME,
            "licence_uri": exports.LICENCE_URI,
        },
    )


def open_data_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    chosen = exports.DATASETS.get(dataset)
    if chosen is None or fmt not in exports.FORMATS:
        raise Http404
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    excel = fmt == "csv" and request.GET.get("excel") == "1"
    media = exports.FORMATS[fmt][0]
    response = HttpResponse(
        exports.render(chosen, edition, fmt, excel=excel),
        content_type=f"{media}; charset=utf-8" if fmt != "xlsx" else media,
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{chosen.slug}-{edition.slug}{"-excel" if excel else ""}.{fmt}"'
    )
    return response


def open_data_catalog(request: HttpRequest) -> HttpResponse:
    """DCAT-AP.de metadata (JSON-LD) for harvesting by open-data portals."""
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    catalog = exports.dcat_catalog(request.build_absolute_uri("/"), edition)
    return HttpResponse(
        json.dumps(catalog, ensure_ascii=False, indent=1), content_type="application/ld+json"
    )


def profile_map(request: HttpRequest) -> HttpResponse:
    """Map of the Länder coloured by the number of profiles, filterable like the list, with
    the same numbers as a table; works offline (bundled outline)."""
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProfileFilterForm(request.GET or None)
    filters: dict[str, Any] = form.filters() if form.is_valid() else {}
    counts = Counter(
        selectors.profiles(edition, **filters).values_list("land", flat=True)
        if not form.errors
        else []
    )
    view_box, outlines = maps.land_outlines()
    query = request.GET.copy()
    query.pop("land", None)
    lands = [
        {
            "code": code,
            "name": name,
            "count": counts.get(code, 0),
            "bucket": maps.bucket(counts.get(code, 0)),
            "path": outlines[code],
        }
        for code, name in Land.choices
    ]
    return render(
        request,
        "atlas/map.html",
        {
            "edition": edition,
            "form": form,
            "lands": lands,
            "view_box": view_box,
            "query": query.urlencode(),
            "total": sum(counts.values()),
            "attribution": maps.ATTRIBUTION,
        },
        status=400 if form.errors else 200,
    )
