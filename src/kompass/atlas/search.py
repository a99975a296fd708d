"""Search over profiles, projects and practice examples: one interface, two databases.

Text is prepared in Python (kompass.analysis.textsearch: umlaut folding, German stemming,
hyphenated compounds), so SQLite FTS5 and PostgreSQL full-text search only match prepared
terms and return the same records. The design is recorded in
docs/decisions/0005-search-at-scale.md; in short:

- The vocabulary (``SearchTerm``: every index term with its document frequency) is a table
  kept in step by the indexer. A query word matches as a prefix: it is expanded to its
  ``MAX_EXPANSIONS`` most frequent known terms in one query, so the full-text index only
  matches exact terms. A word without such terms is split into two known words (compounds),
  else replaced by the closest known terms (typos, looked up among the terms that share its
  first two letters).
- Filters are index terms too (``SearchEntry.filter_terms``), so the full-text index answers
  "Mobilität in Bayern, nur Projekte" as one AND query on both databases.
- Every search reads at most ``MAX_COUNTED + 1`` matching rows, the first ones in the index's
  order (insertion order: the indexer writes large municipalities first). Up to that many,
  total and facets are exact and every match is ranked; beyond it ``Results.capped`` is set,
  ``total`` is ``MAX_COUNTED`` ("mehr als") and facets count the rows read.
- Ranking and snippets are computed in Python from those rows; only the requested page is
  loaded as model instances.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kompass.analysis.size_classes import size_class
from kompass.analysis.textsearch import (
    MIN_PART,
    decompound,
    decompound_candidates,
    highlight,
    term,
    terms,
    words,
)
from kompass.atlas.models import (
    PROFILE_SECTIONS,
    Edition,
    OrganisationUnit,
    PracticeExample,
    Profile,
    ProfileFunding,
    Project,
    ProjectField,
    SearchEntry,
    SearchTerm,
)

#: A query: AND over groups; a group is an OR over alternatives; an alternative is an AND
#: over terms, each of which matches every indexed term it is a prefix of.
Query = list[list[list[str]]]
MAX_QUERY_WORDS = 8
#: Matches read per search: total, facets and ranking are exact up to this many.
MAX_COUNTED = 1000
#: Known terms one query word (a prefix) expands to, the most frequent first.
MAX_EXPANSIONS = 8
#: PostgreSQL: entries with an id below HEAD_ENTRIES have a second, partial GIN index (the
#: "head" of the index order: the largest municipalities, written first). A query expected to
#: match at least HEAD_SHARE of all entries is answered from the head first; only when the
#: head holds fewer than MAX_COUNTED matches is the rest read (see _matches and
#: docs/decisions/0005-search-at-scale.md, "The head of the index"). Migration 0009 creates
#: the index with this bound; change both together.
HEAD_ENTRIES = 262_144
#: Expected matches in the head at this share: HEAD_ENTRIES * HEAD_SHARE = 2 * MAX_COUNTED.
HEAD_SHARE = 2 * MAX_COUNTED / HEAD_ENTRIES
HEAD_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS atlas_searchentry_head ON atlas_searchentry USING GIN (tsv) "
    f"WHERE id < {HEAD_ENTRIES:d}"
)
#: Shorter query words match only the identical term, not as a prefix.
MIN_PREFIX = 3
#: Shorter words are not corrected (too many neighbours).
MIN_TYPO_LENGTH = 4
FUZZY_CHOICES = 3
#: Rows per batch when the index is written.
WRITE_BATCH = 5000

#: The columns the indexer writes, in COPY order.
COLUMNS = (
    "kind",
    "object_id",
    "edition",
    "title",
    "place",
    "url",
    "text",
    "title_terms",
    "terms",
    "land",
    "size_class",
    "fields",
    "primary_field",
    "has_cdo",
    "funding",
    "organisation",
    "filter_terms",
    "profile_pk",
)
Row = dict[str, Any]
_NOT_TOKEN = re.compile(r"[^0-9a-z]")


@dataclass
class Hit:
    entry: SearchEntry
    score: float
    snippet: str


@dataclass
class Results:
    """One page of ranked hits. ``total`` and ``facets`` count every match, unless
    ``capped``: then more than ``MAX_COUNTED`` records match, ``total`` is ``MAX_COUNTED``
    and the facets count the first ``MAX_COUNTED`` matches in index order."""

    query: str
    hits: list[Hit]
    total: int
    facets: dict[str, Counter[str]] = field(default_factory=dict)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    capped: bool = False


# --- Index rows -------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def filter_token(name: str, value: object) -> str:
    """The index token of one filter value, e.g. ``00flandby``. It starts with digits, so no
    query word can produce it, and it is one token for both FTS5 and PostgreSQL."""
    return "00f" + name + _NOT_TOKEN.sub("", str(value).lower())


def funding_token(programme: int | None, level: str | None, role: str | None) -> str:
    """The token of a funding filter: a programme, level and role (any may be left out)."""
    parts = [f"p{programme}" if programme is not None else "", f"l{level or ''}"]
    parts.append(f"r{role or ''}")
    return filter_token("fund", "".join(p for p in parts if len(p) > 1))


def filter_terms_of(
    *,
    kind: str,
    edition: str,
    land: str,
    size: str,
    fields: Sequence[str],
    primary_field: str,
    has_cdo: bool,
    organisation: Iterable[str],
    funding: Iterable[tuple[int, str, str]],
) -> str:
    tokens = [filter_token("kind", kind), filter_token("ed", edition or "none")]
    tokens.append(filter_token("land", land))
    if size:
        tokens.append(filter_token("size", size))
    tokens += [filter_token("field", slug) for slug in fields]
    if primary_field:
        tokens.append(filter_token("primary", primary_field))
    tokens.append(filter_token("cdo", int(has_cdo)))
    tokens += [filter_token("org", unit) for unit in organisation]
    for programme, level, role in funding:
        for with_programme in (programme, None):
            for with_level in (level, None):
                for with_role in (role, None):
                    if with_programme is not None or with_level or with_role:
                        tokens.append(funding_token(with_programme, with_level, with_role))
    return " ".join(dict.fromkeys(tokens))


def entry_row(
    *,
    kind: str,
    object_id: int,
    title: str,
    url: str,
    text: str,
    title_text: str,
    body_text: str,
    land: str,
    place: str = "",
    edition: str = "",
    size: str = "",
    fields: Sequence[str] = (),
    primary_field: str = "",
    has_cdo: bool = False,
    organisation: Iterable[str] = (),
    funding: Sequence[tuple[int, str, str]] = (),
    profile_pk: int | None = None,
    title_terms: Sequence[str] | None = None,
    body_terms: Sequence[str] | None = None,
) -> Row:
    """One index row; ``terms`` still lacks the compound parts (see CompoundParts).
    ``title_terms`` and ``body_terms``, when given, must be ``terms(title_text)`` and
    ``terms(body_text)`` computed by the caller (the scale-data generator does)."""
    units = sorted(set(organisation) - {OrganisationUnit.Kind.OTHER.value})
    return {
        "kind": kind,
        "object_id": object_id,
        "edition": edition,
        "title": title[:300],
        "place": place[:200],
        "url": url,
        "text": text,
        "title_terms": " ".join(terms(title_text) if title_terms is None else title_terms),
        "terms": " ".join(terms(body_text) if body_terms is None else body_terms),
        "land": land,
        "size_class": size,
        "fields": " ".join(fields),
        "primary_field": primary_field,
        "has_cdo": has_cdo,
        "funding": " ".join(str(p) for p in sorted({p for p, _, _ in funding})),
        "organisation": " ".join(units),
        "filter_terms": filter_terms_of(
            kind=kind,
            edition=edition,
            land=land,
            size=size,
            fields=fields,
            primary_field=primary_field,
            has_cdo=has_cdo,
            organisation=units,
            funding=funding,
        ),
        "profile_pk": profile_pk,
    }


class CompoundParts:
    """Adds the parts of compounds to a row's terms, so that "Plattform" finds
    "Datenplattform". ``known`` are the terms a part must be one of."""

    def __init__(self, known: set[str]) -> None:
        self.known = known
        self._cache: dict[str, list[str]] = {}

    def parts(self, word: str) -> list[str]:
        if len(word) < 2 * MIN_PART:
            return []
        if word not in self._cache:
            self._cache[word] = [p for p in decompound(word, self.known) if p != word]
        return self._cache[word]

    def extend(self, row: Row) -> Row:
        extra = [part for word in dict.fromkeys(row["terms"].split()) for part in self.parts(word)]
        if extra:
            row["terms"] = f"{row['terms']} {' '.join(extra)}"
        return row


def profile_url(slug: str, edition: str) -> str:
    return f"{reverse('atlas:profile_detail', args=[slug])}?ausgabe={edition}"


def profile_text(
    name: str, sections: dict[str, Any], units: Iterable[str], programmes: Iterable[str]
) -> str:
    parts = [name]
    # The sections' display order, not the stored one (jsonb reorders keys on PostgreSQL).
    order = {key: index for index, (key, _title) in enumerate(PROFILE_SECTIONS)}
    for key in sorted(sections, key=lambda k: (order.get(k, len(order)), k)):
        section = sections[key]
        if not isinstance(section, dict):
            continue
        parts.append(str(section.get("summary", "")))
        for key in ("items", "formats", "opportunities", "challenges", "networks", "channels"):
            parts.extend(str(v) for v in section.get(key, []) if isinstance(v, str))
    parts.extend(units)
    parts.extend(programmes)
    return "\n".join(p for p in parts if p)


def project_text(title: str, summary: str, partners: Iterable[str]) -> str:
    return f"{title}\n{summary}\n{' '.join(partners)}"


def _profiles() -> Any:
    return Profile.objects.select_related("edition").prefetch_related(
        Prefetch("units", queryset=OrganisationUnit.objects.order_by("position")),
        Prefetch("funding", queryset=ProfileFunding.objects.select_related("programme")),
        Prefetch(
            "projects",
            queryset=Project.objects.order_by("position", "pk")
            .select_related("primary_field")
            .prefetch_related(
                Prefetch("field_links", queryset=ProjectField.objects.select_related("field"))
            ),
        ),
    )


def _profile_rows(profile: Profile) -> Iterator[Row]:
    units = list(profile.units.all())
    funding = [(f.programme_id, f.programme.level, f.role) for f in profile.funding.all()]
    projects = list(profile.projects.all())
    common: dict[str, Any] = {
        "edition": profile.edition.slug,
        "land": profile.land,
        "size": size_class(profile.population) or "",
        "has_cdo": any(u.kind == OrganisationUnit.Kind.CDO for u in units),
        "organisation": [u.kind for u in units],
        "funding": funding,
        "place": profile.name,
        "profile_pk": profile.pk,
    }
    text = profile_text(
        profile.name,
        profile.sections,
        [u.name for u in units],
        [f.programme.name for f in profile.funding.all()],
    )
    url = profile_url(profile.slug, profile.edition.slug)
    yield entry_row(
        kind=SearchEntry.Kind.PROFILE,
        object_id=profile.pk,
        title=profile.name,
        url=url,
        text=text,
        title_text=profile.name,
        body_text=text,
        fields=sorted({link.field.slug for p in projects for link in p.field_links.all()}),
        **common,
    )
    for project in projects:
        text = project_text(project.title, project.summary, project.partners)
        yield entry_row(
            kind=SearchEntry.Kind.PROJECT,
            object_id=project.pk,
            title=project.title,
            url=f"{url}#project-{project.slug}",
            text=text,
            title_text=project.title,
            body_text=f"{profile.name}\n{text}",
            fields=[link.field.slug for link in project.field_links.all()],
            primary_field=project.primary_field.slug,
            **common,
        )


def _example_row(example: PracticeExample) -> Row:
    text = f"{example.title}\n{example.summary}\n{' '.join(example.topics)}"
    return entry_row(
        kind=SearchEntry.Kind.EXAMPLE,
        object_id=example.pk,
        title=f"{example.place}: {example.title}",
        place=example.place,
        url=f"{reverse('atlas:practice_examples')}#{example.slug}",
        text=text,
        title_text=f"{example.place} {example.title}",
        body_text=f"{example.place}\n{text}",
        land=example.land,
        size=size_class(example.population) or "",
        fields=[f.slug for f in example.fields.all()],
    )


def _all_rows() -> Iterator[Row]:
    """Every row in index order: profiles by population (largest first), each followed by
    its projects, then the practice examples."""
    profiles = _profiles().order_by("-population", "name", "pk")
    for profile in profiles.iterator(chunk_size=500):
        yield from _profile_rows(profile)
    for example in PracticeExample.objects.prefetch_related("fields").order_by("pk"):
        yield _example_row(example)


# --- Writing ------------------------------------------------------------------------------------
def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_entries(rows: Iterable[Row]) -> int:
    """Append rows to the index in bulk (PostgreSQL COPY, SQLite executemany); returns how
    many. Runs in the caller's transaction."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY atlas_searchentry ({', '.join(COLUMNS)}) FROM STDIN"
            # Each batch is read before its COPY starts: ``rows`` may query the database,
            # which is impossible while a COPY is in progress on the same connection.
            for batch in _batches(rows, WRITE_BATCH):
                with cursor.cursor.copy(statement) as copy:
                    for row in batch:
                        copy.write_row([row[c] for c in COLUMNS])
                count += len(batch)
            return count
        statement = (
            f"INSERT INTO atlas_searchentry ({', '.join(COLUMNS)}) "  # noqa: S608 - names are constants, values are parameters
            f"VALUES ({', '.join('?' for _ in COLUMNS)})"
        )
        raw = cursor.cursor
        for batch in _batches(rows, WRITE_BATCH):
            raw.executemany(statement, [tuple(row[c] for c in COLUMNS) for row in batch])
            count += len(batch)
    return count


def merge_vocabulary(delta: Counter[str]) -> None:
    """Add ``delta`` to the document frequencies (negative values remove); terms that no
    entry contains any more are deleted. Runs in the caller's transaction."""
    added = [(t, n) for t, n in delta.items() if n > 0]
    removed = [(-n, -n, t) for t, n in delta.items() if n < 0]
    upsert = (
        "INSERT INTO atlas_searchterm (term, df) VALUES (%s, %s) "
        "ON CONFLICT (term) DO UPDATE SET df = atlas_searchterm.df + excluded.df"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(added) > WRITE_BATCH:
            cursor.execute(
                "CREATE TEMPORARY TABLE atlas_searchterm_delta (term text, df integer) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY atlas_searchterm_delta (term, df) FROM STDIN") as copy:
                for row in added:
                    copy.write_row(row)
            cursor.execute(
                "INSERT INTO atlas_searchterm (term, df) SELECT term, df "
                "FROM atlas_searchterm_delta ON CONFLICT (term) "
                "DO UPDATE SET df = atlas_searchterm.df + excluded.df"
            )
            cursor.execute("DROP TABLE atlas_searchterm_delta")
        else:
            for batch in _batches(added, WRITE_BATCH):
                cursor.executemany(upsert, batch)
        if removed:
            for batch in _batches(removed, WRITE_BATCH):
                cursor.executemany(
                    "UPDATE atlas_searchterm SET df = CASE WHEN df > %s THEN df - %s ELSE 0 END "
                    "WHERE term = %s",
                    batch,
                )
            cursor.execute("DELETE FROM atlas_searchterm WHERE df = 0")


def row_tokens(terms: str, filter_terms: str) -> set[str]:
    """What the vocabulary counts of one entry: its terms and its filter tokens (the search
    estimates how many entries a filter keeps from the filter tokens' frequencies)."""
    return set(terms.split()) | set(filter_terms.split())


def document_frequencies(rows: Iterable[Row]) -> Counter[str]:
    df: Counter[str] = Counter()
    for row in rows:
        df.update(row_tokens(row["terms"], row["filter_terms"]))
    return df


def rebuild_index() -> int:
    """Replace the search index and its vocabulary with the current profiles, projects and
    examples; returns the number of entries. Reads the database twice (the first pass
    collects the terms that compound parts may be), so memory stays bounded."""
    known: set[str] = set()
    for row in _all_rows():
        known.update(row["terms"].split())
    compounds = CompoundParts(known)
    df: Counter[str] = Counter()

    def rows() -> Iterator[Row]:
        for row in _all_rows():
            compounds.extend(row)
            df.update(row_tokens(row["terms"], row["filter_terms"]))
            yield row

    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Ids start at 1 again, so the rebuilt index begins with the head (HEAD_ENTRIES).
                cursor.execute("TRUNCATE atlas_searchentry, atlas_searchterm RESTART IDENTITY")
            else:
                cursor.execute("DELETE FROM atlas_searchentry")
                cursor.execute("DELETE FROM atlas_searchterm")
        count = insert_entries(rows())
        merge_vocabulary(df)
    return count


def update_index(
    *,
    profiles: Iterable[Profile | int] = (),
    examples: Iterable[PracticeExample | int] = (),
) -> int:
    """Replace the entries of the given profiles (with their projects) and practice
    examples, and keep the vocabulary in step; objects that no longer exist lose their
    entries. Entries that stay keep their place in the index order. Returns the number of
    entries written. Cost: a few queries, proportional to the given objects only."""
    profile_ids = {p if isinstance(p, int) else p.pk for p in profiles}
    example_ids = {e if isinstance(e, int) else e.pk for e in examples}
    if not profile_ids and not example_ids:
        return 0
    new_rows = [
        row for profile in _profiles().filter(pk__in=profile_ids) for row in _profile_rows(profile)
    ]
    new_rows += [
        _example_row(example)
        for example in PracticeExample.objects.prefetch_related("fields").filter(pk__in=example_ids)
    ]
    with transaction.atomic():
        old = list(
            SearchEntry.objects.filter(
                Q(kind=SearchEntry.Kind.PROFILE, object_id__in=profile_ids)
                | Q(kind=SearchEntry.Kind.PROJECT, profile_pk__in=profile_ids)
                | Q(kind=SearchEntry.Kind.EXAMPLE, object_id__in=example_ids)
            ).values_list("id", "kind", "object_id", "terms", "filter_terms")
        )
        delta: Counter[str] = Counter()
        for *_, old_terms, old_filters in old:
            delta.subtract(row_tokens(old_terms, old_filters))
        base = {t for row in new_rows for t in row["terms"].split()}
        compounds = CompoundParts(_known_terms(base, delta) | base)
        for row in new_rows:
            compounds.extend(row)
            delta.update(row_tokens(row["terms"], row["filter_terms"]))
        old_ids = {(kind, object_id): pk for pk, kind, object_id, *_ in old}
        replaced = [
            SearchEntry(id=old_ids.pop((row["kind"], row["object_id"])), **row)
            for row in new_rows
            if (row["kind"], row["object_id"]) in old_ids
        ]
        kept = {(e.kind, e.object_id) for e in replaced}
        SearchEntry.objects.filter(id__in=list(old_ids.values())).delete()
        SearchEntry.objects.bulk_update(replaced, list(COLUMNS), batch_size=200)
        insert_entries(r for r in new_rows if (r["kind"], r["object_id"]) not in kept)
        merge_vocabulary(delta)
    return len(new_rows)


def _known_terms(candidates_of: set[str], delta: Counter[str]) -> set[str]:
    """Of the terms compound parts of ``candidates_of`` could be, those the vocabulary holds
    after removing the replaced entries (``delta``)."""
    wanted: set[str] = set()
    for word in candidates_of:
        if len(word) >= 2 * MIN_PART:
            wanted |= decompound_candidates(word)
    found: dict[str, int] = {}
    for batch in _batches(sorted(wanted), 500):
        found.update(SearchTerm.objects.filter(term__in=batch).values_list("term", "df"))
    return {t for t, n in found.items() if n + delta.get(t, 0) > 0}


# --- Query ------------------------------------------------------------------------------------
@dataclass
class _Parsed:
    query: Query
    corrections: dict[str, list[str]]
    #: Each query term with the exact index terms it matches.
    expansions: dict[str, list[str]]
    #: Document frequency of every index term looked up.
    frequency: dict[str, int] = field(default_factory=dict)
    #: PostgreSQL's estimate of the number of entries (0 on SQLite).
    entries: int = 0
    #: The filters as AND over OR-groups of filter tokens (``_Filters.groups``).
    filter_groups: list[list[str]] = field(default_factory=list)
    #: Whether the vocabulary counts filter tokens (an index written before it did not).
    filters_counted: bool = False

    def estimate(self) -> float:
        """How many entries are expected to match: the vocabulary's frequencies, summed over
        alternatives (OR) and multiplied as shares over the ANDed parts and filters
        (independence). A filter whose tokens the vocabulary does not count keeps all."""
        total = max(self.entries, 1)

        def share(term: str) -> float:
            found = sum(self.frequency.get(t, 0) for t in self.expansions.get(term, []))
            return min(1.0, found / total)

        expected = float(total)
        for group in self.query:
            either = 0.0
            for alt in group:
                both = 1.0
                for t in alt:
                    both *= share(t)
                either += both
            expected *= min(1.0, either)
        if self.filters_counted:
            for tokens in self.filter_groups:
                expected *= min(1.0, sum(self.frequency.get(t, 0) for t in tokens) / total)
        return expected


def _lookup(
    prefixes: Sequence[str], exact: Sequence[str]
) -> tuple[dict[str, list[str]], dict[str, int], int]:
    """One query: the known terms each prefix expands to, which of ``exact`` are known, with
    their document frequencies, and (PostgreSQL) the estimated number of entries."""
    postgres = connection.vendor == "postgresql"
    parts: list[str] = []
    params: list[Any] = []
    for index, prefix in enumerate(prefixes):
        if len(prefix) < MIN_PREFIX:
            condition, value = "term = %s", prefix
        elif postgres:
            condition, value = "term LIKE %s", prefix + "%"
        else:
            condition, value = "term GLOB %s", prefix + "*"
        parts.append(
            f"SELECT {index} AS q, term, df FROM (SELECT term, df FROM atlas_searchterm "  # noqa: S608 - names are constants, values are parameters
            f"WHERE {condition} ORDER BY df DESC, term LIMIT {MAX_EXPANSIONS}) AS s{index}"
        )
        params.append(value)
    if exact:
        marks = ", ".join("%s" for _ in exact)
        parts.append(f"SELECT -1 AS q, term, df FROM atlas_searchterm WHERE term IN ({marks})")  # noqa: S608 - names are constants, values are parameters
        params.extend(exact)
    expansions: dict[str, list[str]] = {p: [] for p in prefixes}
    known: dict[str, int] = {}
    if not parts:
        return expansions, known, 0
    if postgres:
        parts.append(
            "SELECT -2 AS q, '' AS term, GREATEST(reltuples, 0)::bigint AS df FROM pg_class "
            "WHERE oid = 'atlas_searchentry'::regclass"
        )
    entries = 0
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = sorted(cursor.fetchall(), key=lambda r: (r[0], -r[2], r[1]))
    for index, found, df in rows:
        if index == -2:
            entries = int(df)
            continue
        known[found] = int(df)
        if index >= 0:
            expansions[prefixes[index]].append(found)
    return expansions, known, entries


def _close_terms(word: str) -> dict[str, int]:
    """Known terms within a small edit distance of ``word`` that share its first two letters,
    the closest and then the most frequent first, with their document frequencies."""
    if len(word) < MIN_TYPO_LENGTH:
        return {}
    limit = 1 if len(word) < 6 else 2
    operator, pattern = (
        ("LIKE", word[:2] + "%") if connection.vendor == "postgresql" else ("GLOB", word[:2] + "*")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, df FROM atlas_searchterm WHERE term {operator} %s "  # noqa: S608 - names are constants, values are parameters
            "AND length(term) BETWEEN %s AND %s",
            [pattern, len(word) - limit, len(word) + limit],
        )
        frequency = dict(cursor.fetchall())
    matches = process.extract(
        word, list(frequency), scorer=Levenshtein.distance, score_cutoff=limit, limit=None
    )
    ranked = sorted(matches, key=lambda m: (m[1], -frequency[m[0]], m[0]))
    return {choice: frequency[choice] for choice, _distance, _index in ranked[:FUZZY_CHOICES]}


#: Filter tokens every entry has one of: if the vocabulary holds none, it counts no filters.
_KIND_TOKENS = [f"00fkind{kind}" for kind in ("profile", "project", "example")]


def _parse(text: str, filter_groups: Sequence[Sequence[str]] = ()) -> _Parsed:
    tokens: list[list[str]] = []
    for token in text.split()[:MAX_QUERY_WORDS]:
        parts = [t for t in (term(w) for w in words(token)) if t]
        if len(parts) > 1:
            tokens.append([term("".join(words(token))), *parts])
        elif parts:
            tokens.append(parts)
    prefixes: list[str] = list(dict.fromkeys(t for parts in tokens for t in parts))
    candidates: set[str] = set()
    for parts in tokens:
        if len(parts) == 1 and len(parts[0]) >= 2 * MIN_PART:
            candidates |= decompound_candidates(parts[0])
    wanted = {t for group in filter_groups for t in group} | set(_KIND_TOKENS)
    expansions, frequency, entries = _lookup(prefixes, sorted(candidates | wanted))
    filters_counted = any(t in frequency for t in _KIND_TOKENS)
    known = {t for t in frequency if t not in wanted}
    query: Query = []
    corrections: dict[str, list[str]] = {}
    for parts in tokens:
        if len(parts) > 1:
            query.append([[parts[0]], parts[1:]])  # joined, or all parts
            continue
        word = parts[0]
        if expansions[word]:
            query.append([[word]])
            continue
        pieces = decompound(word, known)
        if len(pieces) > 1 and _exists(pieces):
            expansions.update({p: [p] for p in pieces})
            query.append([pieces])
            continue
        close = _close_terms(word)
        if close:
            corrections[word] = list(close)
            expansions.update({c: [c] for c in close})
            frequency.update(close)
        query.append([[c] for c in close] or [[word]])
    return _Parsed(
        query,
        corrections,
        expansions,
        frequency,
        entries,
        [list(group) for group in filter_groups],
        filters_counted,
    )


def parse(text: str) -> tuple[Query, dict[str, list[str]]]:
    """Turn user input into a query. A hyphenated compound ("Daten-Plattform") matches either
    joined or as its parts; a word without hits falls back to its compound parts, then to the
    closest known terms. Returns the query and the corrections made."""
    parsed = _parse(text)
    return parsed.query, parsed.corrections


@dataclass(frozen=True)
class _Filters:
    kind: str | None = None
    edition: str | None = None
    land: str | None = None
    size: str | None = None
    field_slug: str | None = None
    primary_only: bool = False
    cdo: bool | None = None
    programme: int | None = None
    programme_level: str | None = None
    programme_role: str | None = None
    organisation: str | None = None

    def groups(self) -> list[list[str]]:
        """AND over OR-groups of filter tokens."""
        groups: list[list[str]] = []
        if self.kind:
            groups.append([filter_token("kind", self.kind)])
        if self.edition:
            groups.append([filter_token("ed", self.edition), filter_token("ed", "none")])
        if self.land:
            groups.append([filter_token("land", self.land)])
        if self.size:
            groups.append([filter_token("size", self.size)])
        if self.field_slug:
            name = "primary" if self.primary_only else "field"
            groups.append([filter_token(name, self.field_slug)])
        if self.cdo is not None:
            groups.append([filter_token("cdo", int(self.cdo))])
        if self.organisation:
            groups.append([filter_token("org", self.organisation)])
        if self.programme is not None or self.programme_level or self.programme_role:
            groups.append(
                [funding_token(self.programme, self.programme_level, self.programme_role)]
            )
        return groups


def _render(groups: list[list[list[list[str]]]]) -> str:
    """The database's syntax for: AND over groups, OR over a group's alternatives, AND over
    an alternative's term sets, OR over the exact terms of a set."""
    if connection.vendor == "postgresql":
        quote, and_, or_ = "'{}'", " & ", " | "
    else:
        quote, and_, or_ = '"{}"', " AND ", " OR "

    def term_set(found: list[str]) -> str:
        return "(" + or_.join(quote.format(t) for t in found) + ")"

    def alternative(sets: list[list[str]]) -> str:
        return "(" + and_.join(term_set(found) for found in sets) + ")"

    return and_.join("(" + or_.join(alternative(sets) for sets in group) + ")" for group in groups)


def _expression(parsed: _Parsed, filters: _Filters) -> str | None:
    """The full-text expression, or None when some query word can match nothing."""
    groups: list[list[list[list[str]]]] = []
    for group in parsed.query:
        alternatives = [
            [sorted(set(parsed.expansions.get(t, []))) for t in alt]
            for alt in group
            if all(parsed.expansions.get(t) for t in alt)
        ]
        if not alternatives:
            return None
        groups.append(alternatives)
    groups += [[[tokens]] for tokens in filters.groups()]
    return _render(groups)


_MATCH_COLUMNS = (
    "id",
    "kind",
    "object_id",
    "title",
    "land",
    "size_class",
    "fields",
    "edition",
    "funding",
    "organisation",
)


#: A matching row: the columns of _MATCH_COLUMNS, in order, then the score.
_Match = tuple[int, str, int, str, str, str, str, str, str, str, float]
_ID, _KIND, _OBJECT_ID, _TITLE, _LAND, _SIZE, _FIELDS, _EDITION, _FUNDING, _ORG = range(10)
_SCORE = 10


def _score_sql(query_terms: Sequence[str], prefix: str) -> tuple[str, list[str]]:
    """kompass.analysis.textsearch.score as an SQL expression (same value on both
    databases): a term in the title counts 3, each occurrence in the body 1, at most 3. An
    occurrence is a term starting with the query term: " q" found in " " + terms."""
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    parts: list[str] = []
    params: list[str] = []
    title = f"(' ' || {prefix}title_terms)"
    body = f"(' ' || {prefix}terms)"
    for q in query_terms:
        needle = f" {q}"
        parts.append(
            f"CASE WHEN length(replace({title}, %s, '')) < length({title}) THEN 3 ELSE 0 END"
            f" + {least}(3, (length({body}) - length(replace({body}, %s, ''))) / {len(needle)})"
        )
        params += [needle, needle]
    return " + ".join(parts) or "0", params


def _matches(
    expression: str,
    limit: int,
    query_terms: Sequence[str] = (),
    *,
    expected: float = 0.0,
    entries: int = 0,
) -> list[_Match]:
    """The first ``limit`` matching rows in index order (SQLite: rowid; PostgreSQL: the
    table's physical order, which is insertion order for an index written in bulk), each
    with its score.

    PostgreSQL, with ``expected`` matches among ``entries`` (the vocabulary's estimate):

    - at most ``HEAD_ENTRIES`` entries, or expected to match under ``HEAD_SHARE`` of them: the
      whole GIN index (a bitmap of about ``expected`` items);
    - otherwise the head first (entries with an id below ``HEAD_ENTRIES``, their own partial
      GIN index: a bitmap of about ``HEAD_ENTRIES * share`` items); if the head holds fewer
      than ``limit`` matches, the rest from beyond it: by the GIN index when
      ``expected² < MAX_COUNTED · entries``, else by reading the table in order until enough
      rows matched (about ``limit · entries / expected`` rows).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            score_sql, score_params = _score_sql(query_terms, "")
            select = (
                f"SELECT {', '.join(_MATCH_COLUMNS)}, {score_sql} FROM atlas_searchentry "  # noqa: S608 - names are constants, values are parameters
                "WHERE tsv @@ to_tsquery('simple', %s)"
            )
            # The planner over-estimates ORs of rare terms and would scan the table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            if entries <= HEAD_ENTRIES or expected < HEAD_SHARE * entries:
                cursor.execute(f"{select} LIMIT %s", [*score_params, expression, limit])
                rows: list[_Match] = cursor.fetchall()
            else:
                cursor.execute(
                    f"{select} AND id < {HEAD_ENTRIES:d} LIMIT %s",
                    [*score_params, expression, limit],
                )
                rows = cursor.fetchall()
                if len(rows) < limit:
                    if expected**2 >= MAX_COUNTED * entries:
                        cursor.execute("SET LOCAL enable_seqscan = on")
                        cursor.execute("SET LOCAL enable_bitmapscan = off")
                    cursor.execute(
                        f"{select} AND id >= {HEAD_ENTRIES:d} LIMIT %s",
                        [*score_params, expression, limit - len(rows)],
                    )
                    rows += cursor.fetchall()
        else:
            columns = ", ".join(f"e.{c}" for c in _MATCH_COLUMNS)
            score_sql, score_params = _score_sql(query_terms, "e.")
            cursor.execute(
                f"SELECT {columns}, {score_sql} FROM atlas_searchentry_fts "  # noqa: S608 - names are constants, values are parameters
                "JOIN atlas_searchentry e ON e.id = atlas_searchentry_fts.rowid "
                "WHERE atlas_searchentry_fts MATCH %s "
                "ORDER BY atlas_searchentry_fts.rowid LIMIT %s",
                [*score_params, expression, limit],
            )
            rows = cursor.fetchall()
    rows.sort()  # by id
    return rows


def _exists(pieces: list[str]) -> bool:
    """Whether one entry contains all ``pieces`` (exact terms)."""
    return bool(_matches(_render([[[[p] for p in pieces]]]), 1))


def _facets(matches: list[_Match]) -> dict[str, Counter[str]]:
    def words(column: int) -> Iterator[str]:
        return (word for m in matches for word in m[column].split())

    return {
        "kind": Counter(m[_KIND] for m in matches),
        "land": Counter(m[_LAND] for m in matches),
        "size_class": Counter(m[_SIZE] for m in matches if m[_SIZE]),
        "field": Counter(words(_FIELDS)),
        "edition": Counter(m[_EDITION] for m in matches if m[_EDITION]),
        "programme": Counter(words(_FUNDING)),
        "organisation": Counter(words(_ORG)),
    }


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
    programme_level: str | None = None,
    programme_role: str | None = None,
    organisation: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """Search with filters and facets; hits ``offset`` to ``offset + limit`` of the ranking.

    ``field_slug`` with ``primary_only`` filters on the primary field; ``edition`` keeps the
    practice examples (they belong to no edition); ``programme``, ``programme_level`` and
    ``programme_role`` must hold for one funding entry of the profile. Facets (``kind``,
    ``land``, ``size_class``, ``field``, ``edition``, ``programme`` id, ``organisation`` unit
    kind) count the matches after the filters. Cost is bounded by ``MAX_COUNTED``, whatever
    the size of the index.
    """
    filters = _Filters(
        kind=kind,
        edition=edition,
        land=land,
        size=size,
        field_slug=field_slug,
        primary_only=primary_only,
        cdo=cdo,
        programme=programme,
        programme_level=programme_level,
        programme_role=programme_role,
        organisation=organisation,
    )
    parsed = _parse(text, filters.groups())
    if not parsed.query:
        return Results(query=text, hits=[], total=0)
    expression = _expression(parsed, filters)
    query_terms = list(dict.fromkeys(t for group in parsed.query for alt in group for t in alt))
    matches = (
        _matches(
            expression,
            MAX_COUNTED + 1,
            query_terms,
            expected=parsed.estimate(),
            entries=parsed.entries,
        )
        if expression
        else []
    )
    capped = len(matches) > MAX_COUNTED
    matches = matches[:MAX_COUNTED]
    ranked = sorted(
        ((-float(m[_SCORE]), m[_TITLE], m[_KIND], m[_OBJECT_ID], m) for m in matches),
        key=lambda row: row[:4],
    )
    page = ranked[offset : offset + limit] if limit > 0 else []
    entries = SearchEntry.objects.in_bulk([row[4][_ID] for row in page])
    return Results(
        query=text,
        hits=[
            Hit(entry, -value, highlight(entry.text, query_terms))
            for value, *_, m in page
            for entry in [entries[m[_ID]]]
        ],
        total=len(matches),
        facets=_facets(matches),
        corrections=parsed.corrections,
        capped=capped,
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
