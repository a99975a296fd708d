"""Search over profiles, projects and practice examples: one interface, two databases.

Text is prepared in Python (kompass.analysis.textsearch: umlaut folding, German stemming,
hyphenated compounds), so SQLite FTS5 and PostgreSQL full-text search only match prepared
terms and return the same records. Each query word matches as a prefix; a word without hits is
split into two known words (compounds) or replaced by the closest known words (typos).
Ranking and snippets are computed in Python from the matched records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Prefetch, QuerySet
from django.urls import reverse
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kompass.analysis.size_classes import size_class
from kompass.analysis.textsearch import MIN_PART, decompound, highlight, rank, term, terms, words
from kompass.atlas.models import (
    Edition,
    OrganisationUnit,
    PracticeExample,
    Profile,
    Project,
    ProjectField,
    SearchEntry,
)

#: A query: AND over groups; a group is an OR over alternatives; an alternative is an AND
#: over prefix terms.
Query = list[list[list[str]]]
MAX_QUERY_WORDS = 8
MAX_CANDIDATES = 2000
FUZZY_CHOICES = 3


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    snippet: str


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, Counter[str]] = field(default_factory=dict)
    corrections: dict[str, list[str]] = field(default_factory=dict)


# --- Index ------------------------------------------------------------------------------------
def _profile_text(profile: Profile) -> str:
    parts = [profile.name]
    for section in profile.sections.values():
        parts.append(str(section.get("summary", "")))
        for key in ("items", "formats", "opportunities", "challenges", "networks", "channels"):
            parts.extend(str(v) for v in section.get(key, []) if isinstance(v, str))
    parts.extend(unit.name for unit in profile.units.all())
    parts.extend(f.programme.name for f in profile.funding.all())
    return "\n".join(p for p in parts if p)


def rebuild_index() -> int:
    """Replace the search index with the current profiles, projects and examples."""
    entries: list[SearchEntry] = []
    profiles = Profile.objects.select_related("edition", "municipality").prefetch_related(
        Prefetch("units", queryset=OrganisationUnit.objects.all()),
        "funding__programme",
        Prefetch(
            "projects",
            queryset=Project.objects.prefetch_related(
                Prefetch("field_links", queryset=ProjectField.objects.select_related("field"))
            ).select_related("primary_field"),
        ),
    )
    for profile in profiles:
        has_cdo = any(u.kind == OrganisationUnit.Kind.CDO for u in profile.units.all())
        funding = " ".join(str(f.programme_id) for f in profile.funding.all())
        projects = list(profile.projects.all())
        common = {
            "edition": profile.edition.slug,
            "land": profile.land,
            "size_class": size_class(profile.population) or "",
            "has_cdo": has_cdo,
            "funding": funding,
            "place": profile.name,
        }
        text = _profile_text(profile)
        url = reverse("atlas:profile_detail", args=[profile.slug])
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.PROFILE,
                object_id=profile.pk,
                title=profile.name,
                url=f"{url}?ausgabe={profile.edition.slug}",
                text=text,
                title_terms=" ".join(terms(profile.name)),
                terms=" ".join(terms(text)),
                fields=" ".join(
                    sorted({link.field.slug for p in projects for link in p.field_links.all()})
                ),
                **common,
            )
        )
        for project in projects:
            text = f"{project.title}\n{project.summary}\n{' '.join(project.partners)}"
            entries.append(
                SearchEntry(
                    kind=SearchEntry.Kind.PROJECT,
                    object_id=project.pk,
                    title=project.title,
                    url=f"{url}?ausgabe={profile.edition.slug}#project-{project.slug}",
                    text=text,
                    title_terms=" ".join(terms(project.title)),
                    terms=" ".join(terms(f"{profile.name}\n{text}")),
                    fields=" ".join(link.field.slug for link in project.field_links.all()),
                    primary_field=project.primary_field.slug,
                    **common,
                )
            )
    for example in PracticeExample.objects.prefetch_related("fields"):
        text = f"{example.title}\n{example.summary}\n{' '.join(example.topics)}"
        entries.append(
            SearchEntry(
                kind=SearchEntry.Kind.EXAMPLE,
                object_id=example.pk,
                title=f"{example.place}: {example.title}",
                place=example.place,
                url=f"{reverse('atlas:practice_examples')}#{example.slug}",
                text=text,
                title_terms=" ".join(terms(f"{example.place} {example.title}")),
                terms=" ".join(terms(f"{example.place}\n{text}")),
                land=example.land,
                size_class=size_class(example.population) or "",
                fields=" ".join(f.slug for f in example.fields.all()),
            )
        )
    _add_compound_parts(entries)
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchEntry.objects.bulk_create(entries, batch_size=500)
    _vocabulary_cache.clear()
    return len(entries)


def _add_compound_parts(entries: list[SearchEntry]) -> None:
    """Index the parts of compounds too, so that "Plattform" finds "Datenplattform"."""
    known = {t for entry in entries for t in entry.terms.split()}
    for entry in entries:
        extra = [
            part
            for word in set(entry.terms.split())
            if len(word) >= 2 * MIN_PART
            for part in decompound(word, known)
            if part != word
        ]
        if extra:
            entry.terms = f"{entry.terms} {' '.join(extra)}"


# --- Query ------------------------------------------------------------------------------------
_vocabulary_cache: dict[tuple[int, int], set[str]] = {}


def vocabulary() -> set[str]:
    """All index terms (cached until the index changes)."""
    state = SearchEntry.objects.aggregate(count=Count("id"), last=Max("id"))
    stamp = (state["count"], state["last"] or 0)
    if stamp not in _vocabulary_cache:
        _vocabulary_cache.clear()
        known: set[str] = set()
        for chunk in SearchEntry.objects.values_list("terms", flat=True).iterator(chunk_size=2000):
            known.update(chunk.split())
        _vocabulary_cache[stamp] = known
    return _vocabulary_cache[stamp]


def _render(query: Query) -> str:
    if connection.vendor == "postgresql":
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(f"{t}:*" for t in alt) + ")" for alt in group) + ")"
            for group in query
        )
    return " AND ".join(
        "(" + " OR ".join("(" + " AND ".join(f'"{t}"*' for t in alt) + ")" for alt in group) + ")"
        for group in query
    )


def _matching_ids(query: Query) -> list[int]:
    expression = _render(query)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT id FROM atlas_searchentry "
                "WHERE to_tsvector('simple', terms) @@ to_tsquery('simple', %s) LIMIT %s",
                [expression, MAX_CANDIDATES],
            )
        else:
            cursor.execute(
                "SELECT rowid FROM atlas_searchentry_fts WHERE atlas_searchentry_fts MATCH %s "
                "LIMIT %s",
                [expression, MAX_CANDIDATES],
            )
        return [row[0] for row in cursor.fetchall()]


def parse(text: str) -> tuple[Query, dict[str, list[str]]]:
    """Turn user input into a query. A hyphenated compound ("Daten-Plattform") matches either
    joined or as its parts; a word without hits falls back to its compound parts, then to the
    closest known terms. Returns the query and the corrections made."""
    query: Query = []
    corrections: dict[str, list[str]] = {}
    known = vocabulary()
    for token in text.split()[:MAX_QUERY_WORDS]:
        parts = [term(w) for w in words(token)]
        if not parts:
            continue
        if len(parts) > 1:
            query.append([["".join(parts)], parts])
            continue
        word = parts[0]
        if _matching_ids([[[word]]]):
            query.append([[word]])
            continue
        pieces = decompound(word, known)
        if len(pieces) > 1 and _matching_ids([[pieces]]):
            query.append([pieces])
            continue
        close = [
            choice
            for choice, _score, _i in process.extract(
                word, known, scorer=Levenshtein.distance, limit=FUZZY_CHOICES
            )
            if Levenshtein.distance(word, choice) <= (1 if len(word) < 6 else 2)
        ]
        if close:
            corrections[word] = close
        query.append([[c] for c in close] or [[word]])
    return query, corrections


def search(
    text: str,
    *,
    kind: str | None = None,
    edition: str | None = None,
    land: str | None = None,
    size: str | None = None,
    field_slug: str | None = None,
    primary_only: bool = False,
    cdo: bool | None = None,
    programme: int | None = None,
    limit: int = 20,
) -> Results:
    """Search with facets; ``field_slug`` with ``primary_only`` filters on the primary field."""
    query, corrections = parse(text)
    if not query:
        return Results(query=text, hits=[], total=0)
    ids = _matching_ids(query)
    entries: QuerySet[SearchEntry] = SearchEntry.objects.filter(id__in=ids)
    facet_base = list(entries)
    filtered = [
        e
        for e in facet_base
        if (not kind or e.kind == kind)
        and (not edition or e.edition in ("", edition))
        and (not land or e.land == land)
        and (not size or e.size_class == size)
        and (
            not field_slug
            or (e.primary_field == field_slug if primary_only else field_slug in e.fields.split())
        )
        and (cdo is None or e.has_cdo == cdo)
        and (programme is None or str(programme) in e.funding.split())
    ]
    query_terms = [t for group in query for alt in group for t in alt]
    scored = sorted(
        ((rank(query_terms, e.title_terms.split(), e.terms.split()), e) for e in filtered),
        key=lambda pair: (-pair[0], pair[1].title, pair[1].kind, pair[1].object_id),
    )
    facets: dict[str, Counter[str]] = {
        "kind": Counter(e.kind for e in filtered),
        "land": Counter(e.land for e in filtered),
        "size_class": Counter(e.size_class for e in filtered if e.size_class),
        "field": Counter(f for e in filtered for f in e.fields.split()),
    }
    return Results(
        query=text,
        hits=[Hit(e, score, highlight(e.text, query_terms)) for score, e in scored[:limit]],
        total=len(filtered),
        facets=facets,
        corrections=corrections,
    )


def facet_labels() -> dict[str, Any]:
    from kompass.core.models import FieldOfAction, Land, SizeClass

    return {
        "kind": dict(SearchEntry.Kind.choices),
        "land": dict(Land.choices),
        "size_class": dict(SizeClass.choices),
        "field": {f.slug: f.name for f in FieldOfAction.objects.all()},
        "edition": {e.slug: e.title for e in Edition.objects.all()},
    }
