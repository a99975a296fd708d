"""Atlas pages: profile list, profile, projects, cross-sectional analysis with CSV."""

from __future__ import annotations

import csv
import json
from collections import Counter
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from kompass.analysis.atlas import share
from kompass.atlas import exports, maps, search, selectors
from kompass.atlas.forms import (
    PracticeExampleFilterForm,
    ProfileFilterForm,
    ProjectFilterForm,
    SearchForm,
    organisation_choices,
)
from kompass.atlas.models import (
    Edition,
    FundingProgramme,
    OrganisationUnit,
    PracticeExample,
    ProfileFunding,
)
from kompass.atlas.queries import Figures, cross_section_figures
from kompass.core.models import FieldOfAction, Land, SizeClass


def _no_edition_yet(request: HttpRequest) -> HttpResponse | None:
    """An explanatory page while no edition is loaded (a fresh database), instead of a 404."""
    if request.GET.get("ausgabe") or Edition.objects.exists():
        return None
    return render(request, "atlas/no_edition.html")


PAGE_SIZE = 50

#: The search page shows this many values of a facet, the most frequent first.
FACET_VALUES = 12

#: The search page's facets: (facet, URL parameter that narrows to a value, German title).
SEARCH_FACETS = [
    ("kind", "art", "Art"),
    ("edition", "ausgabe", "Ausgabe"),
    ("land", "land", "Land"),
    ("size_class", "size_class", "Größenklasse"),
    ("field", "field", "Handlungsfeld"),
    ("programme", "programme", "Wettbewerb oder Förderprogramm"),
    ("organisation", "organisation", "Organisationsform"),
]


def _page_number(request: HttpRequest) -> int:
    """``?seite=N`` as a number; not a number or below 1 is a 404, no number is page 1."""
    try:
        number = int(request.GET.get("seite") or 1)
    except ValueError:
        number = 0
    if number < 1:
        raise Http404("Diese Seite gibt es nicht.")
    return number


def _page(request: HttpRequest, items: Any, *, total: int | None = None) -> dict[str, Any]:
    """Page ``?seite=N`` of ``items``, 50 a page, as the context of ``_pagination.html``
    (whose links keep every other parameter). A queryset is counted up to
    ``selectors.LIST_COUNT_CAP`` (``count_capped`` says there are more; the pages reach the
    first ones) and its page fetched by ``selectors.rows``; with ``total``, ``items`` already
    is the page (of a search) and ``total`` the number of rows. A page beyond the last is a
    404."""
    number = _page_number(request)
    capped = False
    if total is None and isinstance(items, QuerySet):
        total, capped = selectors.capped_count(items)
        queryset: QuerySet[Any] | None = items
    else:
        queryset = None
    paginator = Paginator(items if total is None else range(total), PAGE_SIZE)
    try:
        page = paginator.page(number)
    except EmptyPage as error:
        raise Http404("Diese Seite gibt es nicht.") from error
    start = (number - 1) * PAGE_SIZE
    if queryset is not None:
        page.object_list = selectors.rows(queryset, start, min(start + PAGE_SIZE, total or 0))
    elif total is not None:
        page.object_list = items
    query = request.GET.copy()
    query.pop("seite", None)
    return {
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(number, on_each_side=2, on_ends=1),
        "page_query": query.urlencode() + "&" if query else "",
        "count_capped": capped,
    }


def profile_list(request: HttpRequest) -> HttpResponse:
    """Profiles of an edition with the facets (docs/data/atlas_facets.md), 50 a page."""
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProfileFilterForm(request.GET or None, edition=edition)
    context: dict[str, Any] = {"edition": edition, "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "atlas/profile_list.html", context, status=400)
    profiles = selectors.profiles(edition, **(form.filters() if form.is_bound else {}))
    return render(request, "atlas/profile_list.html", {**context, **_page(request, profiles)})


def project_list(request: HttpRequest) -> HttpResponse:
    """Lighthouse projects by field (primary or any), Land, size class and edition."""
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProjectFilterForm(request.GET or None, edition=edition)
    context: dict[str, Any] = {"edition": edition, "form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "atlas/project_list.html", context, status=400)
    projects = selectors.projects(edition, **(form.filters() if form.is_bound else {}))
    return render(request, "atlas/project_list.html", {**context, **_page(request, projects)})


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


#: German labels of the slugs the analysis counts by that have no model choices.
ANALYSIS_LABELS: dict[str, dict[str, str]] = {
    "stakeholder_group": {
        "citizens": gettext_lazy("Bürgerinnen und Bürger"),
        "companies": gettext_lazy("Unternehmen"),
        "science": gettext_lazy("Wissenschaft"),
        "administration": gettext_lazy("Verwaltungsbeschäftigte"),
        "politics": gettext_lazy("Politik"),
        "civil_society": gettext_lazy("Zivilgesellschaft und Vereine"),
        "municipal_companies": gettext_lazy("Kommunale Unternehmen"),
        "other_municipalities": gettext_lazy("Andere Kommunen"),
        "schools": gettext_lazy("Schulen"),
        "other": gettext_lazy("Weitere Gruppen"),
    },
    "organisation_model": {
        "person_role": gettext_lazy("Personenrolle (CDO oder CIO)"),
        "dedicated_unit": gettext_lazy("Eigene Einheit (Stabsstelle oder Gesellschaft)"),
        "cross_sectional": gettext_lazy("Querschnittsstruktur (Lenkungs- oder Arbeitsgruppe)"),
        "all_three_models": gettext_lazy("Alle drei Modelle zugleich"),
        "no_model": gettext_lazy("Keines der drei Modelle"),
    },
    "project_count": {
        "0": gettext_lazy("ohne Projekt"),
        "1": gettext_lazy("1 Projekt"),
        "2": gettext_lazy("2 Projekte"),
        "3": gettext_lazy("3 Projekte"),
        "4_or_more": gettext_lazy("4 und mehr Projekte"),
    },
    "field_count": {
        "0": gettext_lazy("ohne Handlungsfeld"),
        "1": gettext_lazy("1 Handlungsfeld"),
        "2": gettext_lazy("2 Handlungsfelder"),
        "3": gettext_lazy("3 Handlungsfelder"),
        "4_or_more": gettext_lazy("4 und mehr Handlungsfelder"),
    },
    "agenda_status": {
        "formulated": gettext_lazy("Ausformuliert"),
        "in_development": gettext_lazy("In Entwicklung"),
        "not_planned": gettext_lazy("Noch nicht in Aussicht oder nicht vorgesehen"),
    },
}


def _analysis_table(
    slug: str,
    title: str,
    rows: list[tuple[str, str, list[Any], str | None]],
    figures: dict[str, dict[str, Any]],
    *,
    columns: list[str] | None = None,
    unit: str = "",
    share_of: int | None = None,
    chart: bool = True,
    vertical: bool = False,
    intro: str = "",
) -> dict[str, Any]:
    """One table of the analysis page. ``rows`` are (key, German label, values, key of the
    study's published figure or None); the study's value, statement and lines come from
    ``figures``. ``share_of`` adds a column with each value as a percentage of it."""
    table_rows = []
    notes = []
    for key, label, values, figure_key in rows:
        figure = figures.get(figure_key) if figure_key else None
        shares = [share(values[0], share_of)] if share_of is not None and values else []
        table_rows.append(
            {
                "key": key,
                "label": label,
                "values": values,
                "cells": [*values, *shares],
                "published": figure["value"] if figure else None,
            }
        )
        if figure:
            start, end = figure["lines"]
            notes.append(
                {
                    "label": label,
                    "lines": f"{start}–{end}" if end != start else str(start),
                    "statement": figure["statement"],
                    "notes": figure.get("notes", ""),
                }
            )
    columns = [gettext("Wert aus den Daten")] if columns is None else columns
    headers = [*columns, *([gettext("Anteil in %")] if share_of is not None else [])]
    published_column = bool(notes)
    table = {
        "slug": slug,
        "title": title,
        "intro": intro,
        "unit": unit,
        "columns": columns,
        "headers": headers,
        "rows": table_rows,
        "published_column": published_column,
        "notes": notes,
        "chart": None,
    }
    if chart:
        table["chart"] = {**_analysis_chart(table), "vertical": vertical}
    return table


def _analysis_chart(table: dict[str, Any]) -> dict[str, Any]:
    """The bar chart of a table (data for static/kompass/js/charts.js) with a German summary
    for screen readers; the study's values, where it publishes any, are a second series.
    Bars are horizontal (long German labels) except for years (time runs left to right)."""
    labels = [row["label"] for row in table["rows"]]
    series = [
        {"label": column, "data": [row["values"][i] for row in table["rows"]]}
        for i, column in enumerate(table["columns"])
    ]
    if table["published_column"]:
        series.append(
            {
                "label": gettext("Wert der Studie"),
                "data": [row["published"] for row in table["rows"]],
                "published": True,
            }
        )
    parts = []
    for entry in series:
        known = [
            (v, label) for v, label in zip(entry["data"], labels, strict=True) if v is not None
        ]
        if not known:
            continue
        high, low = max(known, key=lambda x: x[0]), min(known, key=lambda x: x[0])
        parts.append(
            gettext(
                "%(series)s: höchster Wert %(high_label)s mit %(high)s, niedrigster "
                "%(low_label)s mit %(low)s"
            )
            % {
                "series": entry["label"],
                "high_label": high[1],
                "high": number_format(high[0], force_grouping=True),
                "low_label": low[1],
                "low": number_format(low[0], force_grouping=True),
            }
        )
    sentences = [
        gettext("Balkendiagramm „%(title)s“ mit %(count)s Kategorien.")
        % {"title": table["title"], "count": len(labels)},
        *([f"{'; '.join(parts)}."] if parts else []),
        gettext("Alle Werte stehen in der Tabelle daneben."),
    ]
    summary = " ".join(sentences)
    return {"labels": labels, "series": series, "unit": table["unit"], "summary": summary}


def _analysis_tables(
    request: HttpRequest,
) -> tuple[Edition, list[dict[str, Any]], Figures]:
    """The analysis as chapters of tables for the page and the CSV downloads, from the stored
    figures; which study figure belongs to which row is documented in
    docs/data/atlas_analysis.md."""
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    stored = cross_section_figures(edition)
    result = stored.data
    figures = selectors.published_figures(edition)
    used: set[str] = set()

    def rows(
        counts: dict[str, int], labels: dict[str, Any], prefix: str | None = None
    ) -> list[tuple[str, str, list[Any], str | None]]:
        keys = [f"{prefix}.{key}" if prefix else None for key in counts]
        used.update(k for k in keys if k)
        return [
            (key, str(labels.get(key, key)), [value], figure)
            for (key, value), figure in zip(counts.items(), keys, strict=True)
        ]

    def study_rows(prefix: str, labels: dict[str, Any]) -> list[Any]:
        keys = [key for key in labels if f"{prefix}.{key}" in figures]
        used.update(f"{prefix}.{key}" for key in keys)
        return [(key, str(labels[key]), [], f"{prefix}.{key}") for key in keys]

    fields = {f.slug: f.name for f in FieldOfAction.objects.all()}
    labels = ANALYSIS_LABELS
    profiles_unit, projects_unit = gettext("Steckbriefe"), gettext("Projekte")
    total = result["profiles_total"]
    totals = [
        ("profiles_total", gettext("Steckbriefe"), "profiles_total"),
        ("lands_covered", gettext("Länder mit mindestens einem Steckbrief"), "lands_covered"),
        ("population_total", gettext("Einwohner zusammen"), None),
        ("area_km2_total", gettext("Fläche zusammen (km²)"), None),
        ("projects_total", gettext("Leuchtturmprojekte"), "projects_total"),
        (
            "projects_with_multiple_fields",
            gettext("Projekte mit mehreren Handlungsfeldern"),
            "projects_with_multiple_fields",
        ),
        ("projects_with_partners", gettext("Projekte mit genannten Partnern"), None),
        ("profiles_with_funding", gettext("Steckbriefe mit Wettbewerb oder Förderung"), None),
        ("profiles_with_milestones", gettext("Steckbriefe mit Meilensteinen"), None),
    ]
    used.update(key for _key, _label, key in totals if key)
    years = sorted(set(result["milestones_by_year"]) | set(result["planned_milestones_by_year"]))
    chapters: list[tuple[str, list[dict[str, Any]]]] = [
        (
            gettext("Stichprobe"),
            [
                _analysis_table(
                    "totals",
                    gettext("Gesamtzahlen"),
                    [(k, label, [result[k]], fig) for k, label, fig in totals],
                    figures,
                    chart=False,
                    intro=gettext("Gemischte Einheiten, deshalb ohne Diagramm."),
                ),
                _analysis_table(
                    "size_class",
                    gettext("Steckbriefe nach Größenklasse"),
                    rows(
                        result["profiles_by_size_class"],
                        dict(SizeClass.choices),
                        "profiles_by_size_class",
                    ),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                    intro=gettext(
                        "Nach der Einwohnerzahl, die die Ausgabe nennt. Die Studie "
                        "zählt als Mittelstädte alle unter 100.000 Einwohnern."
                    ),
                ),
                _analysis_table(
                    "land",
                    gettext("Steckbriefe nach Land"),
                    rows(result["profiles_by_land"], dict(Land.choices), "profiles_by_land"),
                    figures,
                    unit=profiles_unit,
                ),
                _analysis_table(
                    "project_count",
                    gettext("Steckbriefe nach Zahl ihrer Leuchtturmprojekte"),
                    rows(result["profiles_by_project_count"], labels["project_count"]),
                    figures,
                    unit=profiles_unit,
                ),
            ],
        ),
        (
            gettext("Handlungsfelder"),
            [
                _analysis_table(
                    "primary_field",
                    gettext("Leuchtturmprojekte nach Hauptfeld"),
                    rows(result["projects_by_primary_field"], fields, "projects_by_primary_field"),
                    figures,
                    unit=projects_unit,
                    intro=gettext(
                        "Zählweise der Studie: Jedes Projekt zählt genau einmal, und "
                        "zwar im Handlungsfeld seiner Hauptzielsetzung."
                    ),
                ),
                _analysis_table(
                    "any_field",
                    gettext("Leuchtturmprojekte nach allen genannten Handlungsfeldern"),
                    rows(result["projects_by_any_field"], fields, "projects_by_any_field"),
                    figures,
                    unit=projects_unit,
                    intro=gettext(
                        "Jedes Projekt zählt in jedem Feld, das sein Steckbrief nennt; "
                        "die Summe ist daher größer als die Zahl der Projekte."
                    ),
                ),
                _analysis_table(
                    "field_count",
                    gettext("Leuchtturmprojekte nach Zahl ihrer Handlungsfelder"),
                    rows(result["projects_by_field_count"], labels["field_count"]),
                    figures,
                    unit=projects_unit,
                ),
                _analysis_table(
                    "agenda_fields",
                    gettext("Handlungsfelder der Digitalen Agenden (nur Werte der Studie)"),
                    study_rows("agenda_fields", fields),
                    figures,
                    columns=[],
                    unit=gettext("Städte"),
                    intro=gettext(
                        "Welche Felder eine Stadt für ihre Agenda nannte, steht nicht "
                        "in den Steckbriefdaten; gezeigt werden die Zahlen der Studie."
                    ),
                ),
            ],
        ),
        (
            gettext("Institutionalisierung"),
            [
                _analysis_table(
                    "agenda_status",
                    gettext("Status der Digitalen Agenda (nur Werte der Studie)"),
                    study_rows("agenda_status", labels["agenda_status"]),
                    figures,
                    columns=[],
                    unit=gettext("Städte"),
                    intro=gettext(
                        "Die Steckbriefdaten haben kein Statusfeld; gezeigt werden "
                        "die Zahlen der Studie."
                    ),
                ),
                _analysis_table(
                    "unit_kind",
                    gettext("Steckbriefe nach Art der Organisationseinheit"),
                    rows(
                        result["profiles_by_unit_kind"],
                        dict(OrganisationUnit.Kind.choices),
                        "profiles_by_unit_kind",
                    ),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                    intro=gettext(
                        "Jeder Steckbrief zählt bei jeder Art, die er mindestens einmal nennt."
                    ),
                ),
                _analysis_table(
                    "organisation_models",
                    gettext("Steckbriefe nach Organisationsmodell"),
                    rows(
                        result["organisation_models"],
                        labels["organisation_model"],
                        "organisation_models",
                    ),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                    intro=gettext("Die drei Modelle der Studie; Mehrfachnennungen möglich."),
                ),
            ],
        ),
        (
            gettext("Beteiligung"),
            [
                _analysis_table(
                    "stakeholder_group",
                    gettext("Steckbriefe nach genannten Akteursgruppen"),
                    rows(
                        result["profiles_by_stakeholder_group"],
                        labels["stakeholder_group"],
                        "profiles_by_stakeholder_group",
                    ),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                    intro=gettext(
                        "Die Studie nennt hier keine Zahlen, nur Mengenangaben in "
                        "Worten; sie stehen unter der Tabelle."
                    ),
                ),
            ],
        ),
        (
            gettext("Wettbewerbe und Förderung"),
            [
                _analysis_table(
                    "funding_level",
                    gettext("Steckbriefe nach Ebene der Förderung"),
                    rows(result["profiles_by_funding_level"], dict(FundingProgramme.Level.choices)),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                ),
                _analysis_table(
                    "funding_role",
                    gettext("Steckbriefe nach Rolle in Wettbewerb oder Förderprogramm"),
                    rows(result["profiles_by_funding_role"], dict(ProfileFunding.Role.choices)),
                    figures,
                    unit=profiles_unit,
                    share_of=total,
                ),
                _analysis_table(
                    "funding_programme",
                    gettext("Häufigste Wettbewerbe und Förderprogramme"),
                    [
                        (str(i), p["name"], [p["profiles"]], None)
                        for i, p in enumerate(result["funding_programmes"], start=1)
                    ],
                    figures,
                    unit=profiles_unit,
                    intro=gettext(
                        "Programme mit den meisten Steckbriefen, so benannt, wie die "
                        "Steckbriefe sie nennen."
                    ),
                ),
            ],
        ),
        (
            gettext("Meilensteine"),
            [
                _analysis_table(
                    "milestone_year",
                    gettext("Meilensteine nach Jahr"),
                    [
                        (
                            year,
                            year,
                            [
                                result["milestones_by_year"].get(year, 0),
                                result["planned_milestones_by_year"].get(year, 0),
                            ],
                            None,
                        )
                        for year in years
                    ],
                    figures,
                    columns=[gettext("Erreicht"), gettext("Geplant")],
                    unit=gettext("Meilensteine"),
                    vertical=True,
                ),
                _analysis_table(
                    "first_milestone_year",
                    gettext("Steckbriefe nach Jahr ihres ersten erreichten Meilensteins"),
                    rows(result["profiles_by_first_milestone_year"], {}),
                    figures,
                    unit=profiles_unit,
                    vertical=True,
                ),
            ],
        ),
    ]
    others = [
        (key, figure["statement"], [], key)
        for key, figure in figures.items()
        if key not in used and figure["value"] is not None
    ]
    chapters.append(
        (
            gettext("Weitere Zahlen der Studie"),
            [
                _analysis_table(
                    "other_figures",
                    gettext("Weitere veröffentlichte Zahlen"),
                    others,
                    figures,
                    columns=[],
                    chart=False,
                    intro=gettext(
                        "Zahlen aus Methode und Querschnittsanalyse, die sich aus den "
                        "Steckbriefdaten nicht nachrechnen lassen."
                    ),
                )
            ],
        )
    )
    tables = [{**table, "chapter": title} for title, chapter in chapters for table in chapter]
    return edition, tables, stored


def analysis(request: HttpRequest) -> HttpResponse:
    """The cross-sectional analysis: each table with a chart (static/kompass/js/charts.js, an
    enhancement; the tables carry every value), CSV download and the study's values."""
    if empty := _no_edition_yet(request):
        return empty
    edition, tables, stored = _analysis_tables(request)
    chapters: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        chapters.setdefault(table["chapter"], []).append(table)
    charts = {t["slug"]: t["chart"] for t in tables if t["chart"]}
    return render(
        request,
        "atlas/analysis.html",
        {
            "edition": edition,
            "chapters": list(chapters.items()),
            "charts": charts,
            "stored": stored,
        },
    )


def analysis_csv(request: HttpRequest, table: str) -> HttpResponse:
    """One analysis table as CSV; ``?excel=1`` gives semicolons and a BOM for German Excel."""
    edition, tables, _ = _analysis_tables(request)
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
    study = [gettext("Wert der Studie")] if chosen["published_column"] else []
    writer.writerow([gettext("Merkmal"), *chosen["headers"], *study])

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        # German Excel reads a decimal comma; the plain CSV keeps the decimal point.
        return str(value).replace(".", ",") if excel and isinstance(value, float) else value

    for row in chosen["rows"]:
        published = [row["published"]] if chosen["published_column"] else []
        writer.writerow([row["label"], *(cell(v) for v in [*row["cells"], *published])])
    return response


def similarity_rule(request: HttpRequest) -> HttpResponse:
    """The rule behind "Ähnliche Kommunen", for users."""
    return render(request, "atlas/similarity_rule.html")


def practice_examples(request: HttpRequest) -> HttpResponse:
    """Practice examples from the other studies, filterable by Land and field of action."""
    form = PracticeExampleFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and not form.is_valid():
        return render(request, "atlas/practice_examples.html", context, status=400)
    examples = (
        PracticeExample.objects.select_related("municipality")
        .prefetch_related("fields", "sources")
        .order_by("place", "title", "pk")
    )
    if form.is_bound and form.cleaned_data["field"]:
        examples = examples.filter(fields__slug=form.cleaned_data["field"])
    if form.is_bound and form.cleaned_data["land"]:
        examples = examples.filter(land=form.cleaned_data["land"])
    return render(request, "atlas/practice_examples.html", {**context, **_page(request, examples)})


def search_view(request: HttpRequest) -> HttpResponse:
    """Search over profiles, projects and practice examples with the atlas facets, facet
    counts that link to the narrowed search, and 50 hits a page."""
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "results": None}
    if not form.is_valid():
        return render(request, "atlas/search.html", context, status=400 if form.is_bound else 200)
    data = form.cleaned_data
    number = _page_number(request)
    results = selectors.faceted_search(
        data["q"],
        kind=data["art"] or None,
        edition=data["ausgabe"] or None,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        **form.filters(),
    )
    labels = search.facet_labels()
    labels["organisation"] = dict(organisation_choices())
    labels["programme"] = {
        str(pk): name
        for pk, name in FundingProgramme.objects.filter(
            pk__in=[int(k) for k in results.facets.get("programme", {}) if k.isdigit()]
        ).values_list("pk", "name")
    }
    query = request.GET.copy()
    query.pop("seite", None)

    def narrowed(param: str, value: str) -> str:
        narrower = query.copy()
        narrower[param] = value
        return "?" + narrower.urlencode()

    facets = [
        (
            title,
            [
                (
                    labels[name].get(key, key),
                    count,
                    narrowed(param, key),
                    query.get(param) == key,
                )
                for key, count in results.facets[name].most_common(FACET_VALUES)
                if key in labels[name]
            ],
        )
        for name, param, title in SEARCH_FACETS
        if results.facets.get(name)
    ]
    context.update(
        results=results,
        query_text=data["q"],
        facets=facets,
        hits=_hit_links(results.hits),
        **_page(request, results.hits, total=results.total),
    )
    return render(request, "atlas/search.html", context)


def _hit_links(hits: list[search.Hit]) -> list[tuple[search.Hit, str]]:
    """Each hit with its link; a practice example beyond the first page of the (paged)
    example list links to the page that shows it (one COUNT per such hit)."""
    links = []
    for hit in hits:
        url = hit.entry.url
        if hit.entry.kind == "example":
            example = PracticeExample.objects.filter(pk=hit.entry.object_id).first()
            if example is not None:
                before = PracticeExample.objects.filter(
                    Q(place__lt=example.place)
                    | Q(place=example.place, title__lt=example.title)
                    | Q(place=example.place, title=example.title, pk__lt=example.pk)
                ).count()
                if before >= PAGE_SIZE:
                    path = reverse("atlas:practice_examples")
                    url = f"{path}?seite={before // PAGE_SIZE + 1}#{example.slug}"
        links.append((hit, url))
    return links


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
    """Map of the Länder coloured by the number of profiles, with a point for each profile
    whose municipality has coordinates; filterable like the list, the same numbers as tables.
    Works offline (bundled outline); a configured tile server adds an interactive map, and
    only then, and only here, its origin is allowed in the Content-Security-Policy."""
    if empty := _no_edition_yet(request):
        return empty
    edition = selectors.edition_or_404(request.GET.get("ausgabe"))
    form = ProfileFilterForm(request.GET or None, edition=edition)
    filters: dict[str, Any] = form.filters() if form.is_valid() else {}
    profiles = list(selectors.profiles(edition, **filters)) if not form.errors else []
    counts = Counter(profile.land for profile in profiles)
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
    edition_query = f"?ausgabe={edition.slug}" if request.GET.get("ausgabe") else ""
    places = [
        maps.place(
            profile.name,
            profile.get_land_display(),
            reverse("atlas:profile_detail", args=[profile.slug]) + edition_query,
            profile.municipality.latitude,
            profile.municipality.longitude,
        )
        for profile in profiles
    ]
    located = [p for p in places if p.located]
    tiles = maps.tile_layer(located)
    response = render(
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
            "places": places,
            "located": located,
            "tiles": tiles,
        },
        status=400 if form.errors else 200,
    )
    if tiles:
        # What csp.decorators.csp_update does, decided per request: exactly the tile origin.
        response._csp_update = {"img-src": [tiles["origin"]]}  # type: ignore[attr-defined]
    return response
