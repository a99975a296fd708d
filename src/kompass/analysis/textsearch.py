"""German text normalisation for search: folding, stemming, decompounding, snippets.

The same functions prepare indexed text and queries, so that the database (SQLite FTS5 or
PostgreSQL full-text search) only has to match prepared terms and both return the same results.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿßẞ]+")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss", "é": "e", "è": "e"})
_DIGRAPHS = re.compile(r"(?<=[a-z])(ae|oe|ue)")
_STEMMER = snowballstemmer.stemmer("german")
MIN_PART = 4


def fold(word: str) -> str:
    """Lower-case and fold umlauts and their spellings: "Mobilität", "Mobilitaet" and
    "Mobilitat" all become "mobilitat".

    >>> {fold("Mobilität"), fold("Mobilitaet"), fold("MOBILITAT")}
    {'mobilitat'}
    """
    lowered = word.lower().translate(_FOLD)
    return _DIGRAPHS.sub(lambda m: m.group(1)[0], lowered)


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The index term of one word: folded, then reduced by the German Snowball stemmer.

    >>> term("Projekte") == term("Projekten") == term("projekt")
    True
    """
    return str(_STEMMER.stemWord(fold(word)))


def words(text: str) -> list[str]:
    """The words of a text; hyphenated compounds ("E-Government") give their parts."""
    return WORD.findall(text)


def terms(text: str) -> list[str]:
    """Index terms of a text, plus the joined form of hyphenated compounds, so that
    "Daten-Plattform" is found by "Datenplattform" as well as by "Plattform"."""
    result = [term(w) for w in words(text)]
    for compound in re.findall(r"\b[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)+\b", text):
        result.append(term(compound.replace("-", "")))
    return result


def decompound(word_term: str, vocabulary: set[str]) -> list[str]:
    """Split a compound term into two known terms ("datenplattform" → "dat", "plattform"),
    or return it unchanged. Both parts must be at least four letters before stemming and both
    must be known terms; the longest possible head wins.

    >>> decompound(term("Datenplattform"), {term("Daten"), term("Plattform")})
    ['dat', 'plattform']
    """
    for cut in range(len(word_term) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word_term[:cut], word_term[cut:]
        if tail.startswith("s") and len(tail) > MIN_PART and term(tail[1:]) in vocabulary:
            tail = tail[1:]  # Fugen-s: "Mobilitätsstation" → "Mobilität" + "Station"
        head_term, tail_term = term(head), term(tail)
        if head_term in vocabulary and tail_term in vocabulary:
            return [head_term, tail_term]
    return [word_term]


def decompound_candidates(word_term: str) -> set[str]:
    """Every term :func:`decompound` may look up for ``word_term``, so that a caller can ask
    its vocabulary about all of them at once.

    >>> {"dat", "plattform"} <= decompound_candidates(term("Datenplattform"))
    True
    """
    found: set[str] = set()
    for cut in range(len(word_term) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word_term[:cut], word_term[cut:]
        found.update((term(head), term(tail)))
        if tail.startswith("s") and len(tail) > MIN_PART:
            found.add(term(tail[1:]))
    return found


def highlight(text: str, query_terms: Sequence[str], *, width: int = 220) -> str:
    """An HTML snippet of ``text`` around the first match, matches wrapped in ``<mark>``.

    Everything else is escaped, so the result is safe to render.

    >>> highlight("Die <b>Mobilitätswende</b> kommt.", [term("Mobilität")])
    'Die &lt;b&gt;<mark>Mobilitätswende</mark>&lt;/b&gt; kommt.'
    """
    matches = [
        m for m in WORD.finditer(text) if any(term(m.group()).startswith(q) for q in query_terms)
    ]
    if matches:
        start = max(0, matches[0].start() - width // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
    else:
        start = 0
    end = min(len(text), start + width)
    if end < len(text):
        end = max(text.rfind(" ", start, end), start + width // 2)
    pieces: list[str] = ["…"] if start > 0 else []
    cursor = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        pieces.append(html.escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{html.escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(html.escape(text[cursor:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


def rank(
    query_terms: Sequence[str], title_terms: Iterable[str], body_terms: Iterable[str]
) -> float:
    """Relevance: 3 per query term found in the title, 1 per occurrence in the body
    (at most 3 per term); prefix matches count like exact ones.

    >>> rank(["mobilitat"], ["mobilitat"], ["mobilitat", "verkehr"])
    4.0
    """
    titles = list(title_terms)
    body = list(body_terms)
    score = 0.0
    for q in query_terms:
        if any(t.startswith(q) for t in titles):
            score += 3
        score += min(3, sum(1 for t in body if t.startswith(q)))
    return score


def score(query_terms: Sequence[str], title_terms: str, body_terms: str) -> float:
    """:func:`rank` for terms joined by single spaces, as the index stores them; counts with
    string search instead of a loop over the terms, so ranking thousands of records is cheap.

    >>> score(["mobilitat"], "mobilitat", "mobilitat verkehr") == rank(
    ...     ["mobilitat"], ["mobilitat"], ["mobilitat", "verkehr"])
    True
    """
    titles = f" {title_terms}"
    body = f" {body_terms}"
    value = 0.0
    for q in query_terms:
        if f" {q}" in titles:
            value += 3
        value += min(3, body.count(f" {q}"))
    return value
