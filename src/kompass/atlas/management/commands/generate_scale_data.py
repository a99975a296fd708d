"""Synthetic scale data for the benchmark: municipalities, one atlas edition with profiles and
projects, and their search entries, written in bulk (see bench/README.md).

Scale 1 is Germany's size: about 10,800 municipalities (per-Land counts below) and 100,000
projects; ``--scale 10`` and ``--scale 100`` multiply both: by default they write scale 1 and
let the database copy it 10 or 100 times (``--copies``; the copies get new ids and slugs and
no AGS), which takes minutes where generating every row in Python took hours. Everything is
synthetic and marked
as such: names are composed from common German place-name parts, populations are drawn from a
log-normal distribution per Land (most municipalities small, a few large), project texts are
drawn word by word from the shipped atlas texts (our own summaries), per field of action, so
frequent words match many records and rare ones few, plus invented compounds for the long
tail. The run is one transaction (all or nothing), except that on SQLite each copy is
committed on its own (see ``generate``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from kompass.analysis.size_classes import size_class
from kompass.analysis.textsearch import terms, words
from kompass.atlas import profile_facets, search
from kompass.atlas.models import (
    Edition,
    OrganisationUnit,
    Profile,
    Project,
    ProjectField,
    SearchEntry,
    SearchTerm,
)
from kompass.atlas.practice import FOLDER as PRACTICE_FOLDER
from kompass.atlas.shipped import ATLAS_DIR
from kompass.core.models import LAND_BY_AGS_PREFIX, FieldOfAction, Municipality, MunicipalityKind
from kompass.core.text import german_slug
from kompass.progress import bar_callback

Progress = Callable[[int, int], None]

#: Municipalities per Land at scale 1. Approximate counts of the Destatis municipality
#: directory (early 2020s, rounded by hand); they only give the synthetic data plausible
#: shares and are not shipped as facts.
MUNICIPALITIES_PER_LAND: dict[str, int] = {
    "SH": 1106,
    "HH": 1,
    "NI": 941,
    "HB": 2,
    "NW": 396,
    "HE": 421,
    "RP": 2301,
    "BW": 1101,
    "BY": 2056,
    "SL": 52,
    "BE": 1,
    "BB": 413,
    "MV": 726,
    "SN": 418,
    "ST": 218,
    "TH": 605,
}
PROJECTS = 100_000
#: Median population and log-normal sigma per Land (synthetic, chosen so that most
#: municipalities are small and each Land has about the right number of large ones).
POPULATION: dict[str, tuple[float, float]] = {
    "SH": (800, 1.2),
    "HH": (1_900_000, 0.05),
    "NI": (4_500, 1.1),
    "HB": (300_000, 0.8),
    "NW": (25_000, 1.0),
    "HE": (7_000, 1.0),
    "RP": (600, 1.2),
    "BW": (4_500, 1.1),
    "BY": (2_800, 1.1),
    "SL": (15_000, 0.8),
    "BE": (3_700_000, 0.05),
    "BB": (2_000, 1.3),
    "MV": (700, 1.3),
    "SN": (4_000, 1.1),
    "ST": (4_500, 1.2),
    "TH": (900, 1.4),
}
DEFAULT_EDITION = "synthetisch"
DEFAULT_SEED = 2026
#: Municipalities per chunk; each chunk is sampled from its own seeded generator.
CHUNK = 2000
POPULATION_DATE = dt.date(2023, 12, 31)
#: First object id of entries written with ``index_only`` (far above any real row's id).
INDEX_ONLY_BASE = 10**12

PREFIXES = ["", "", "", "", "", "Ober", "Unter", "Nieder", "Hohen", "Neu", "Alt", "Groß"]
PREFIXES += ["Klein", "Bad ", "Sankt ", "Mittel", "Wester", "Oster"]
STEMS = [
    "Linden",
    "Eichen",
    "Buchen",
    "Birken",
    "Erlen",
    "Tannen",
    "Fichten",
    "Weiden",
    "Rosen",
    "Stein",
    "Berg",
    "Tal",
    "Wald",
    "Wiesen",
    "Mühl",
    "Hof",
    "Kirch",
    "Burg",
    "Sand",
    "Brunn",
    "Bach",
    "Fels",
    "Holz",
    "Rhein",
    "Main",
    "Elb",
    "Oder",
    "Donau",
    "Lahn",
    "Mosel",
    "Weser",
    "Ems",
    "Saal",
    "Neckar",
    "Hassel",
    "Kranich",
    "Falken",
    "Hirsch",
    "Wolfs",
    "Bären",
    "Adler",
    "Raben",
    "Schwan",
    "Otter",
    "Biber",
    "Lerchen",
    "Finken",
    "Sonnen",
    "Mond",
    "Stern",
    "Rot",
    "Grün",
    "Weiß",
    "Schwarz",
    "Blau",
    "Gold",
    "Silber",
    "Eisen",
    "Kupfer",
    "Salz",
    "Kalk",
    "Torf",
    "Moor",
    "Heide",
    "Marsch",
    "Geest",
    "Hage",
    "Werder",
    "Haff",
    "Dünen",
    "Feld",
    "Acker",
    "Garten",
    "Kloster",
    "Schloss",
    "Markt",
    "Brücken",
    "Furt",
    "Hafen",
    "Dorn",
    "Hasel",
    "Ulmen",
    "Espen",
    "Holunder",
    "Wacholder",
    "Lärchen",
    "Kiefern",
    "Ahorn",
]
SUFFIXES = [
    "dorf",
    "hausen",
    "heim",
    "bach",
    "feld",
    "stadt",
    "burg",
    "ingen",
    "rode",
    "au",
    "hagen",
    "born",
    "kirchen",
    "stedt",
    "leben",
    "itz",
    "ow",
    "beck",
    "brück",
    "furt",
    "tal",
    "berg",
    "walde",
    "hain",
    "winkel",
    "see",
    "horst",
    "wedel",
    "büttel",
    "weiler",
    "reuth",
    "zell",
    "hofen",
    "dingen",
    "bronn",
    "münster",
    "hude",
    "siel",
    "kamp",
    "loh",
]
ADDITIONS = [
    "an der Ilm",
    "am Main",
    "an der Saale",
    "an der Oder",
    "am Rhein",
    "an der Donau",
    "an der Weser",
    "an der Elbe",
    "im Odenwald",
    "in der Pfalz",
    "am Harz",
    "im Allgäu",
    "in Holstein",
    "an der Mosel",
    "am Neckar",
    "im Spreewald",
    "in Oberfranken",
    "am Inn",
    "an der Lahn",
    "im Schwarzwald",
]
PARTNERS = ["Stadtwerke", "Hochschule", "Landkreis", "Sparkasse", "Verkehrsverbund"]
PARTNERS += ["Zweckverband", "Kommunales Rechenzentrum", "Industrie- und Handelskammer"]
UNITS = [
    (OrganisationUnit.Kind.CDO, "Chief Digital Officer"),
    (OrganisationUnit.Kind.STAFF_UNIT, "Stabsstelle Digitalisierung"),
    (OrganisationUnit.Kind.STEERING_GROUP, "Lenkungskreis Digitale Kommune"),
]
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
COMPOUND_SHARE = 0.1
COMPOUND_PARTS = 300
#: libyaml's safe loader where PyYAML has it (ten times faster), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- Vocabulary from the shipped texts ------------------------------------------------------------
def split_terms(text: str) -> tuple[list[str], list[str]]:
    """``terms(text)`` in its two parts: one term per word, then the joined hyphenated
    compounds. The terms of texts joined by spaces are the word parts, in order, followed by
    the compound parts, in order; so a document's terms can be put together from its words'."""
    found = terms(text)
    count = len(words(text))
    return found[:count], found[count:]


@dataclass
class Lexicon:
    """Words, compounds ``heads[h] + tails[t]`` (index ``len(words) + h * len(tails) + t``)
    and pools of pre-drawn word indices: per field of action for project summaries and
    titles, and overall for profile texts. A document takes a random slice of a pool (one
    random draw instead of one per word) plus one freshly drawn compound for the long tail."""

    words: list[str]
    heads: list[str]
    tails: list[str]
    part_weights: list[float]
    fields: list[str]
    field_weights: list[float]
    extra_fields: list[float]
    summary_pool: dict[str, list[int]]
    title_pool: dict[str, list[int]]
    general_pool: list[int]
    _terms: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)

    def word(self, index: int) -> str:
        size = len(self.words)
        if index < size:
            return self.words[index]
        head, tail = divmod(index - size, len(self.tails))
        return self.heads[head] + self.tails[tail]

    def text(self, indices: Sequence[int]) -> str:
        return " ".join(self.word(i) for i in indices)

    def terms_of(self, index: int) -> tuple[list[str], list[str]]:
        if index not in self._terms:
            self._terms[index] = split_terms(self.word(index))
        return self._terms[index]

    def compound(self, rng: random.Random) -> int:
        tails = len(self.tails)
        head, tail = rng.choices(range(tails), cum_weights=self.part_weights, k=2)
        return len(self.words) + head * tails + tail


def _cumulative(counts: Sequence[float]) -> list[float]:
    total = 0.0
    result = []
    for value in counts:
        total += value
        result.append(total)
    return result


def _normalised(counter: Counter[str], words: dict[str, int]) -> list[float]:
    total = sum(counter.values()) or 1
    weights = [0.0] * len(words)
    for word, count in counter.items():
        weights[words[word]] = count / total
    return weights


POOL = 100_000


def load_lexicon(field_slugs: Sequence[str], seed: int) -> Lexicon:
    """Word frequencies of the shipped atlas profiles and practice examples, overall and per
    field of action (project titles and summaries), and the pools drawn from them."""
    general: Counter[str] = Counter()
    by_field: dict[str, Counter[str]] = {slug: Counter() for slug in field_slugs}
    titles: dict[str, Counter[str]] = {slug: Counter() for slug in field_slugs}
    primary: Counter[str] = Counter()
    extra: Counter[int] = Counter()
    places: set[str] = set()
    for path in sorted((ATLAS_DIR).glob("*/profiles/*.yaml")):
        data = yaml.load(path.read_text(), Loader=_LOADER)  # noqa: S506 - a safe loader
        places.update(WORD.findall(data.get("name", "")))
        for section in (data.get("sections") or {}).values():
            general.update(WORD.findall(str(section.get("summary", ""))))
            for item in section.get("items") or []:
                if isinstance(item, str):
                    general.update(WORD.findall(item))
        for project in data.get("projects") or []:
            slugs = [s for s in dict.fromkeys(project.get("fields") or []) if s in by_field]
            if not slugs:
                continue
            primary[slugs[0]] += 1
            extra[min(len(slugs) - 1, 2)] += 1
            found = WORD.findall(project.get("summary", ""))
            general.update(found)
            by_field[slugs[0]].update(found)
            titles[slugs[0]].update(WORD.findall(project.get("title", "")))
    for path in sorted(PRACTICE_FOLDER.glob("*.yaml")):
        data = yaml.load(path.read_text(), Loader=_LOADER)  # noqa: S506 - a safe loader
        for example in data.get("examples") or []:
            general.update(WORD.findall(example.get("summary", "")))
            places.update(
                WORD.findall(f"{example.get('place', '')} {example.get('municipality', '')}")
            )
    # Real place names stay out of the synthetic texts: a search for a real town finds it.
    for counter in (general, *by_field.values(), *titles.values()):
        for word in [w for w in counter if places.intersection(w.split("-"))]:
            del counter[word]  # "Ingolstadt", also in "Eichstätt-Ingolstadt"
    if not general:
        raise CommandError("Keine mitgelieferten Atlastexte gefunden, aus denen Wörter stammen.")
    vocabulary = sorted(set(general) | {w for c in titles.values() for w in c})
    index = {w: i for i, w in enumerate(vocabulary)}
    nouns = [
        w
        for w, _ in general.most_common()
        if w[0].isupper() and len(w) >= 4 and w.isalpha() and not w.isupper()
    ][:COMPOUND_PARTS]
    lexicon = Lexicon(
        words=vocabulary,
        heads=nouns,
        tails=[n.lower() for n in nouns],
        part_weights=_cumulative([1 / (rank + 1) for rank in range(len(nouns))]),
        fields=list(field_slugs),
        field_weights=_cumulative([primary[s] + 1 for s in field_slugs]),
        extra_fields=_cumulative([extra[0] + 1, extra[1] + 1, extra[2] + 1]),
        summary_pool={},
        title_pool={},
        general_pool=[],
    )
    rng = random.Random(f"{seed}-pools")  # noqa: S311 - reproducible test data
    slots = range(len(vocabulary) + 1)

    def pool(weights: list[float], size: int) -> list[int]:
        drawn = rng.choices(slots, cum_weights=_cumulative([*weights, COMPOUND_SHARE]), k=size)
        return [lexicon.compound(rng) if i == len(vocabulary) else i for i in drawn]

    general_weights = _normalised(general, index)
    lexicon.general_pool = pool(general_weights, POOL)
    for slug in field_slugs:
        own = _normalised(by_field[slug] or general, index)
        lexicon.summary_pool[slug] = pool(
            [0.6 * a + 0.3 * b for a, b in zip(own, general_weights, strict=True)], POOL
        )
        heading = _normalised(titles[slug] or by_field[slug] or general, index)
        lexicon.title_pool[slug] = pool(
            [0.7 * a + 0.2 * b for a, b in zip(heading, own, strict=True)], POOL // 4
        )
    return lexicon


# --- Plan -----------------------------------------------------------------------------------------
@dataclass
class Place:
    ags: str
    name: str
    land: str
    population: int
    kind: str
    area_km2: Decimal
    projects: int = 0


@dataclass
class Plan:
    scale: float
    seed: int
    places: list[Place]  # largest first: the order in which they are written
    projects: int

    @property
    def municipalities(self) -> int:
        return len(self.places)


def counts_at(scale: float) -> tuple[dict[str, int], int]:
    """Municipalities per Land (largest remainder, so they add up to the rounded total) and
    projects at ``scale``."""
    if not scale > 0:
        raise ValueError(f"Der Maßstab muss größer als 0 sein, nicht {scale}.")
    total = round(sum(MUNICIPALITIES_PER_LAND.values()) * scale)
    exact = {land: n * scale for land, n in MUNICIPALITIES_PER_LAND.items()}
    counts = {land: math.floor(value) for land, value in exact.items()}
    remainders = sorted(exact, key=lambda land: (counts[land] - exact[land], land))
    for land in remainders[: total - sum(counts.values())]:
        counts[land] += 1
    return counts, round(PROJECTS * scale)


def _name(rng: random.Random) -> str:
    prefix = rng.choice(PREFIXES)
    stem = rng.choice(STEMS)
    core = f"{prefix}{stem.lower() if prefix and not prefix.endswith(' ') else stem}"
    name = core + rng.choice(SUFFIXES)
    if rng.random() < 0.1:
        name = f"{name} {rng.choice(ADDITIONS)}"
    return name


def _kind(rng: random.Random, population: int) -> str:
    if population >= 100_000:
        return MunicipalityKind.KREISFREI_CITY if rng.random() < 0.8 else MunicipalityKind.TOWN
    if population >= 5_000:
        return MunicipalityKind.TOWN if rng.random() < 0.6 else MunicipalityKind.MUNICIPALITY
    return MunicipalityKind.TOWN if rng.random() < 0.1 else MunicipalityKind.MUNICIPALITY


def make_plan(scale: float, seed: int, taken_ags: set[str]) -> Plan:
    """Municipalities with names, AGS, populations and project counts (deterministic)."""
    per_land, project_total = counts_at(scale)
    rng = random.Random(f"{seed}-plan")  # noqa: S311 - reproducible test data
    prefix_of = {land: prefix for prefix, land in LAND_BY_AGS_PREFIX.items()}
    places: list[Place] = []
    for land, count in per_land.items():
        median, sigma = POPULATION[land]
        number = 0
        for _ in range(count):
            number += 1
            while f"{prefix_of[land]}{number:06d}" in taken_ags:
                number += 1
            if number > 999_999:
                raise CommandError(f"Keine freien Gemeindeschlüssel mehr für das Land {land}.")
            ags = f"{prefix_of[land]}{number:06d}"
            population = max(10, min(4_000_000, round(rng.lognormvariate(math.log(median), sigma))))
            density = rng.lognormvariate(math.log(150), 0.9)
            area = Decimal(max(1.0, min(900.0, population / density))).quantize(Decimal("0.01"))
            places.append(Place(ags, _name(rng), land, population, _kind(rng, population), area))
    places.sort(key=lambda p: (-p.population, p.ags))
    if places and project_total:
        weights = [math.sqrt(p.population) for p in places]
        for index, n in Counter(rng.choices(range(len(places)), weights, k=project_total)).items():
            places[index].projects = n
    return Plan(scale=scale, seed=seed, places=places, projects=project_total)


# --- Documents ------------------------------------------------------------------------------------
@dataclass
class ProjectSpec:
    fields: list[str]
    title: list[int]
    summary: list[int]  # rendered with a full stop
    partners: list[str]
    start: str


@dataclass
class ProfileSpec:
    place: Place
    organisation: list[int]  # rendered with a full stop
    goals: list[int]  # rendered with a full stop
    items: list[list[int]]
    units: list[tuple[str, str]]
    projects: list[ProjectSpec] = field(default_factory=list)


def _slice(rng: random.Random, pool: list[int], low: int, high: int) -> list[int]:
    length = rng.randint(low, high)
    start = rng.randrange(len(pool) - length)
    return pool[start : start + length]


def chunk_specs(plan: Plan, lexicon: Lexicon, chunk: int) -> Iterator[ProfileSpec]:
    """The documents of one chunk of places, from the chunk's own seeded generator."""
    rng = random.Random(f"{plan.seed}-chunk-{chunk}")  # noqa: S311 - reproducible data
    general = lexicon.general_pool
    for place in plan.places[chunk * CHUNK : (chunk + 1) * CHUNK]:
        large = place.population >= 100_000
        units = [
            (str(kind), name)
            for (kind, name), share in zip(UNITS, (0.5 if large else 0.08, 0.3, 0.15), strict=True)
            if rng.random() < share
        ]
        spec = ProfileSpec(
            place=place,
            organisation=_slice(rng, general, 10, 20),
            goals=_slice(rng, general, 20, 40),
            items=[_slice(rng, general, 2, 5) for _ in range(3)],
            units=units,
        )
        for _ in range(place.projects):
            primary = rng.choices(lexicon.fields, cum_weights=lexicon.field_weights)[0]
            extra = rng.choices((0, 1, 2), cum_weights=lexicon.extra_fields)[0]
            others = [f for f in rng.sample(lexicon.fields, 3) if f != primary][:extra]
            partners = []
            if rng.random() < 0.25:
                partners.append(f"{rng.choice(PARTNERS)} {place.name}")
            summary = _slice(rng, lexicon.summary_pool[primary], 18, 40)
            summary.insert(rng.randrange(len(summary)), lexicon.compound(rng))
            spec.projects.append(
                ProjectSpec(
                    fields=[primary, *others],
                    title=_slice(rng, lexicon.title_pool[primary], 2, 4),
                    summary=summary,
                    partners=partners,
                    start=str(rng.randint(2012, 2025)),
                )
            )
        yield spec


def _used(spec: ProfileSpec) -> Iterator[int | str]:
    """The words (indices) and literal texts of a profile and its projects."""
    yield from spec.organisation
    yield from spec.goals
    for item in spec.items:
        yield from item
    for _, name in spec.units:
        yield name
    for project in spec.projects:
        yield from project.title
        yield from project.summary
        yield from project.partners


def _join(parts: Sequence[tuple[list[str], list[str]]]) -> list[str]:
    """The terms of texts joined by spaces (see split_terms)."""
    return [t for found, _ in parts for t in found] + [t for _, joined in parts for t in joined]


# --- Bulk writing ---------------------------------------------------------------------------------
class _Table:
    """Bulk insert into one model's table: given columns, every other column its default."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        now = timezone.now()
        self.table = model._meta.db_table
        fields = {
            f.column: f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
        }
        self.given = list(columns)
        self.defaults: dict[str, Any] = {}
        for column, f in fields.items():
            if column in self.given or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[column] = now
            else:
                self.defaults[column] = f.get_default()
        self.columns = self.given + list(self.defaults)
        self.adapt: list[Callable[[Any], Any] | None] = [
            self._adapter(fields[c]) for c in self.columns
        ]
        self.default_values = [self.defaults[c] for c in self.defaults]

    @staticmethod
    def _adapter(f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(f, models.JSONField):
            return lambda v: json.dumps(v, ensure_ascii=False)
        if isinstance(f, models.DateTimeField) and connection.vendor == "sqlite":
            return connection.ops.adapt_datetimefield_value
        return None

    def write(self, cursor: Any, rows: list[list[Any]]) -> None:
        if not rows:
            return
        adapted = [(i, adapt) for i, adapt in enumerate(self.adapt[: len(self.given)]) if adapt]
        defaults = [
            value if adapt is None else adapt(value)
            for value, adapt in zip(self.default_values, self.adapt[len(self.given) :], strict=True)
        ]
        for row in rows:
            for i, adapt in adapted:
                row[i] = adapt(row[i])
            row.extend(defaults)
        columns = ", ".join(self.columns)
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
        else:
            marks = ", ".join("?" for _ in self.columns)
            sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"  # noqa: S608 - names
            cursor.executemany(sql, rows)


def _next_id(cursor: Any, model: type[models.Model]) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")  # noqa: S608
    return int(cursor.fetchone()[0]) + 1


# --- Generation -----------------------------------------------------------------------------------
@dataclass
class Generated:
    municipalities: int
    profiles: int
    projects: int
    entries: int
    terms: int
    seconds: float
    size_classes: dict[str, int]


def generate(
    scale: float,
    *,
    seed: int = DEFAULT_SEED,
    edition: str = DEFAULT_EDITION,
    progress: Progress | None = None,
    index_only: bool = False,
    copies: int = 1,
) -> Generated:
    """Write the synthetic municipalities, one edition with their profiles and projects, and
    the search entries and vocabulary for them, in one transaction. ``progress(done, total)``
    is called after each chunk (two passes over the places).

    ``index_only`` writes the edition, the search entries and the vocabulary but no
    municipalities, profiles or projects (their entries carry ids from ``INDEX_ONLY_BASE``
    on, which no real row has): a benchmark of search at a size the other tables need not
    reach. Such entries link to nothing; use it on benchmark databases only.

    ``copies`` > 1 writes the generated country that many times: the first copy as
    generated, the others by the database itself (``INSERT … SELECT``, see ``replicate``)
    with new ids and slugs, the same names and texts. That is how 10x and 100x are made in
    minutes instead of hours; the vocabulary counts every copy."""
    if copies < 1:
        raise CommandError(f"Die Zahl der Kopien muss mindestens 1 sein, nicht {copies}.")
    try:
        validate_slug(edition)
    except ValidationError:
        raise CommandError(
            f"„{edition}“ ist kein gültiger Kurzname (nur Buchstaben, Ziffern, - und _)."
        ) from None
    started = time.monotonic()
    if Edition.objects.filter(slug=edition).exists():
        raise CommandError(
            f"Die Ausgabe „{edition}“ gibt es schon; wählen Sie mit --edition einen anderen "
            "Kurznamen oder löschen Sie die Ausgabe vorher."
        )
    field_slugs = list(FieldOfAction.objects.order_by("position").values_list("slug", flat=True))
    if not field_slugs:
        raise CommandError(
            "Es gibt noch keine Handlungsfelder; laden Sie zuerst die mitgelieferten Daten "
            "(kompass manage load_shipped_data)."
        )
    field_ids = dict(FieldOfAction.objects.values_list("slug", "id"))
    lexicon = load_lexicon(field_slugs, seed)
    taken = set(Municipality.objects.exclude(ags=None).values_list("ags", flat=True))
    plan = make_plan(scale, seed, taken)
    chunks = math.ceil(plan.municipalities / CHUNK)
    total = 2 * plan.municipalities
    done = 0

    # Pass 1: which words occur at all. A compound's parts must be terms of some entry,
    # exactly as rebuild_index decides it, so the known terms come first.
    used_words: set[int] = set()
    used_text: set[str] = set()
    for chunk in range(chunks):
        for spec in chunk_specs(plan, lexicon, chunk):
            for token in _used(spec):
                if isinstance(token, int):
                    used_words.add(token)
                else:
                    used_text.add(token)
            done += 1
        if progress:
            progress(done, total)
    known = set(SearchTerm.objects.values_list("term", flat=True))
    for index in used_words:
        known.update(t for part in lexicon.terms_of(index) for t in part)
    for text in used_text | {p.name for p in plan.places}:
        known.update(terms(text))
    compounds = search.CompoundParts(known)
    literal: dict[str, tuple[list[str], list[str]]] = {}

    def literal_terms(text: str) -> tuple[list[str], list[str]]:
        if text not in literal:
            literal[text] = split_terms(text)
        return literal[text]

    municipality_table = _Table(
        Municipality,
        ["id", "name", "official_name", "slug", "ags", "land", "kind", "population"]
        + ["population_date", "area_km2"],
    )
    profile_table = _Table(
        Profile,
        ["id", "edition_id", "municipality_id", "slug", "name", "land", "population", "area_km2"]
        + ["sections", "field_bits", "primary_bits", "organisation_bits"],
    )
    org_bits = profile_facets.organisation_bits()
    unit_table = _Table(OrganisationUnit, ["profile_id", "name", "kind", "position"])
    project_table = _Table(
        Project,
        ["id", "profile_id", "slug", "title", "summary", "primary_field_id", "start", "partners"]
        + ["position"],
    )
    link_table = _Table(ProjectField, ["project_id", "field_id", "position"])
    df: Counter[str] = Counter()
    entries = 0
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        target = Edition.objects.create(
            slug=edition,
            title=f"Synthetische Skalierungsdaten (Maßstab {scale:g})",
            reference_date=dt.date.today(),
            population_date=POPULATION_DATE,
            document="erzeugt mit kompass manage generate_scale_data",
        )
        if postgres:
            _prepare_postgres(cursor, bulk=plan.projects > SearchEntry.objects.count())
        municipality_id = _next_id(cursor, Municipality)
        profile_id = _next_id(cursor, Profile)
        project_id = _next_id(cursor, Project)
        if index_only:
            profile_id, project_id = INDEX_ONLY_BASE, INDEX_ONLY_BASE
        first = Span(municipality_id, profile_id, project_id)
        for chunk in range(chunks):
            rows: dict[str, list[list[Any]]] = {
                "municipality": [],
                "profile": [],
                "unit": [],
                "project": [],
                "link": [],
            }
            entry_rows: list[search.Row] = []
            for spec in chunk_specs(plan, lexicon, chunk):
                place = spec.place
                slug = f"{german_slug(place.name)}-{place.ags}"
                rows["municipality"].append(
                    [municipality_id, place.name, place.name, slug, place.ags, place.land]
                    + [place.kind, place.population, POPULATION_DATE, place.area_km2]
                )
                name_terms = literal_terms(place.name)
                unit_names = [name for _, name in spec.units]
                sections = {
                    "organisation": {"summary": lexicon.text(spec.organisation) + "."},
                    "goals": {
                        "summary": lexicon.text(spec.goals) + ".",
                        "items": [lexicon.text(item) for item in spec.items],
                    },
                }
                field_bits = primary_bits = organisation_bits = 0
                for project in spec.projects:
                    primary_bits |= profile_facets.FIELD_BITS[project.fields[0]]
                    for field_slug in project.fields:
                        field_bits |= profile_facets.FIELD_BITS[field_slug]
                for kind, _ in spec.units:
                    organisation_bits |= org_bits[kind]
                rows["profile"].append(
                    [profile_id, target.pk, municipality_id, slug, place.name, place.land]
                    + [place.population, place.area_km2, sections]
                    + [field_bits, primary_bits, organisation_bits]
                )
                for position, (kind, name) in enumerate(spec.units):
                    rows["unit"].append([profile_id, name, kind, position])
                url = search.profile_url(slug, edition)
                common: dict[str, Any] = {
                    "edition": edition,
                    "land": place.land,
                    "size": size_class(place.population) or "",
                    "has_cdo": any(kind == OrganisationUnit.Kind.CDO for kind, _ in spec.units),
                    "organisation": [kind for kind, _ in spec.units],
                    "place": place.name,
                    "profile_pk": profile_id,
                }
                text = search.profile_text(place.name, sections, unit_names, [])
                body = _join(
                    [name_terms]
                    + [lexicon.terms_of(i) for i in spec.organisation]
                    + [lexicon.terms_of(i) for i in spec.goals]
                    + [lexicon.terms_of(i) for item in spec.items for i in item]
                    + [literal_terms(name) for name in unit_names]
                )
                entry_rows.append(
                    search.entry_row(
                        kind=SearchEntry.Kind.PROFILE,
                        object_id=profile_id,
                        title=place.name,
                        url=url,
                        text=text,
                        title_text=place.name,
                        body_text=text,
                        fields=sorted({f for p in spec.projects for f in p.fields}),
                        title_terms=_join([name_terms]),
                        body_terms=body,
                        **common,
                    )
                )
                for position, project in enumerate(spec.projects):
                    title = lexicon.text(project.title)
                    summary = lexicon.text(project.summary) + "."
                    project_slug = f"{german_slug(title)[:80]}-{position + 1}"
                    rows["project"].append(
                        [project_id, profile_id, project_slug, title, summary]
                        + [field_ids[project.fields[0]], project.start, project.partners]
                        + [position]
                    )
                    for rank, field_slug in enumerate(project.fields):
                        rows["link"].append([project_id, field_ids[field_slug], rank])
                    title_parts = [lexicon.terms_of(i) for i in project.title]
                    entry_rows.append(
                        search.entry_row(
                            kind=SearchEntry.Kind.PROJECT,
                            object_id=project_id,
                            title=title,
                            url=f"{url}#project-{project_slug}",
                            text=search.project_text(title, summary, project.partners),
                            title_text=title,
                            body_text="",
                            fields=project.fields,
                            primary_field=project.fields[0],
                            title_terms=_join(title_parts),
                            body_terms=_join(
                                [name_terms]
                                + title_parts
                                + [lexicon.terms_of(i) for i in project.summary]
                                + [literal_terms(p) for p in project.partners]
                            ),
                            **common,
                        )
                    )
                    project_id += 1
                municipality_id += 1
                profile_id += 1
                done += 1
            for row in entry_rows:
                compounds.extend(row)
                df.update(search.row_tokens(row["terms"], row["filter_terms"]))
            if not index_only:
                municipality_table.write(cursor, rows["municipality"])
                profile_table.write(cursor, rows["profile"])
                unit_table.write(cursor, rows["unit"])
                project_table.write(cursor, rows["project"])
                link_table.write(cursor, rows["link"])
            entries += search.insert_entries(entry_rows)
            if progress:
                progress(done, total)
        span = Span(
            municipality_id - first.municipality,
            profile_id - first.profile,
            project_id - first.project,
        )
        if copies > 1:
            if postgres:
                replicate(
                    cursor, first, span, range(1, copies), edition=edition, index_only=index_only
                )
            entries *= copies
            for term in df:
                df[term] *= copies
        search.merge_vocabulary(df)
        if postgres:
            _finish_postgres(cursor)
    if copies > 1 and not postgres:
        # SQLite keeps a transaction's pages in its write-ahead log until it commits, so one
        # transaction for 100 copies would need the database's size twice over on disk. Each
        # copy is committed on its own and the log emptied after it: a failure here leaves
        # the copies written so far (scale data for benchmarks only; the vocabulary already
        # counts all of them).
        for number in range(1, copies):
            with transaction.atomic(), connection.cursor() as wrapper:
                replicate(
                    wrapper.cursor,
                    first,
                    span,
                    range(number, number + 1),
                    edition=edition,
                    index_only=index_only,
                )
            if not connection.in_atomic_block:
                with connection.cursor() as wrapper:
                    wrapper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _tidy_up()
    counts = Counter(size_class(p.population) for p in plan.places)
    return Generated(
        municipalities=plan.municipalities * copies,
        profiles=plan.municipalities * copies,
        projects=plan.projects * copies,
        entries=entries,
        terms=len(df),
        seconds=time.monotonic() - started,
        size_classes={str(k): v * copies for k, v in counts.items()},
    )


@dataclass(frozen=True)
class Span:
    """First ids (or, for a span, how many ids) of the generated municipalities, profiles
    and projects."""

    municipality: int
    profile: int
    project: int


def _copy_statement(
    model: type[models.Model], numbers: range, where: str, replace: dict[str, str]
) -> str:
    """``INSERT … SELECT`` of the rows matching ``where``, once for every copy number in
    ``numbers``: every column as it is, except those in ``replace`` (SQL expressions that may
    use the copy number ``g.k``). Copy after copy, each in id order, so the physical order of
    the new rows repeats that of the originals. The same statement on both databases."""
    table = model._meta.db_table
    columns = [
        f.column
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and (not f.primary_key or f.column in replace)
    ]
    values = ", ".join(replace.get(c, f"t.{c}") for c in columns)
    return (
        f"WITH RECURSIVE g(k) AS (SELECT {numbers.start:d} UNION ALL SELECT k + 1 FROM g "  # noqa: S608 - names are constants
        f"WHERE k < {numbers.stop - 1:d}) "  # noqa: S608 - names are constants
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM g, {table} t "
        f"WHERE {where} ORDER BY g.k, t.id"
    )


def replicate(
    cursor: Any, first: Span, span: Span, numbers: range, *, edition: str, index_only: bool
) -> None:
    """Copy the municipalities, profiles (with units), projects (with their fields) and
    search entries generated from ``first`` on, as the copies numbered ``numbers``. Copy
    ``k`` shifts every id by ``k`` times the span, appends ``-k`` to the slugs (so the search
    entries' profile addresses change the same way) and has no AGS (the keys are unique and
    there are not enough free ones); names and texts stay. The result equals what the indexer
    makes of the copied records (a test rebuilds the index and compares)."""
    shift_m = f"t.municipality_id + g.k * {span.municipality:d}"
    shift_p = f"g.k * {span.profile:d}"
    shift_j = f"g.k * {span.project:d}"

    def in_range(column: str, start: int, length: int) -> str:
        return f"t.{column} >= {start:d} AND t.{column} < {start + length:d}"

    suffix = "'-' || CAST(g.k AS TEXT)"
    if not index_only:
        statements = [
            _copy_statement(
                Municipality,
                numbers,
                in_range("id", first.municipality, span.municipality),
                {
                    "id": f"t.id + g.k * {span.municipality:d}",
                    "slug": f"t.slug || {suffix}",
                    "ags": "NULL",
                },
            ),
            _copy_statement(
                Profile,
                numbers,
                in_range("id", first.profile, span.profile),
                {
                    "id": f"t.id + {shift_p}",
                    "municipality_id": shift_m,
                    "slug": f"t.slug || {suffix}",
                },
            ),
            _copy_statement(
                OrganisationUnit,
                numbers,
                in_range("profile_id", first.profile, span.profile),
                {"profile_id": f"t.profile_id + {shift_p}"},
            ),
            _copy_statement(
                Project,
                numbers,
                in_range("id", first.project, span.project),
                {"id": f"t.id + {shift_j}", "profile_id": f"t.profile_id + {shift_p}"},
            ),
            _copy_statement(
                ProjectField,
                numbers,
                in_range("project_id", first.project, span.project),
                {"project_id": f"t.project_id + {shift_j}"},
            ),
        ]
        for statement in statements:
            cursor.execute(statement)
    profile = SearchEntry.Kind.PROFILE.value
    cursor.execute(
        _copy_statement(
            SearchEntry,
            numbers,
            f"t.edition = '{edition}' AND " + in_range("profile_pk", first.profile, span.profile),
            {
                "object_id": f"t.object_id + CASE WHEN t.kind = '{profile}' THEN {shift_p} "
                f"ELSE {shift_j} END",
                "profile_pk": f"t.profile_pk + {shift_p}",
                "url": f"replace(t.url, '/?ausgabe=', {suffix} || '/?ausgabe=')",
            },
        )
    )


BULK_TABLES = [
    "core_municipality",
    "atlas_profile",
    "atlas_organisationunit",
    "atlas_project",
    "atlas_projectfield",
    "atlas_searchentry",
    "atlas_searchterm",
]


def _prepare_postgres(cursor: Any, *, bulk: bool) -> None:
    """Lock the tables (the ids are taken from MAX(id)), skip per-row foreign-key triggers
    where allowed (the data is consistent by construction, as in pg_restore) and, for a large
    load, build the full-text index once at the end instead of row by row."""
    cursor.execute(f"LOCK TABLE {', '.join(BULK_TABLES)} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    else:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    if bulk:
        cursor.execute("DROP INDEX IF EXISTS atlas_searchentry_tsv")
        cursor.execute("DROP INDEX IF EXISTS atlas_searchentry_head")


def _finish_postgres(cursor: Any) -> None:
    cursor.execute(
        "CREATE INDEX IF NOT EXISTS atlas_searchentry_tsv ON atlas_searchentry USING GIN (tsv)"
    )
    cursor.execute(search.HEAD_INDEX_SQL)
    for table in ("core_municipality", "atlas_profile", "atlas_project"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constants
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
    cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def _tidy_up() -> None:
    """After the commit: statistics for the planner, a compact full-text index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                for table in BULK_TABLES:
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
            return
        cursor.execute(
            "INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts) VALUES ('optimize')"
        )
        cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = (
        "Erzeugt synthetische Skalierungsdaten für Lasttests: Kommunen, eine Atlas-Ausgabe mit "
        "Steckbriefen und Projekten und deren Sucheinträge (Maßstab 1 ≈ 10.800 Kommunen und "
        "100.000 Projekte)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Maßstab, z. B. 0.01, 1, 10, 100"
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Startwert des Zufalls")
        parser.add_argument("--edition", default=DEFAULT_EDITION, help="Kurzname der Ausgabe")
        parser.add_argument(
            "--index-only",
            action="store_true",
            help="nur Sucheinträge, keine Kommunen, Steckbriefe und Projekte (nur für Lasttests)",
        )
        parser.add_argument(
            "--copies",
            type=int,
            default=None,
            help="so oft wird das erzeugte Land geschrieben (Standard: bei einem Maßstab über 1 "
            "dessen ganzzahliger Teil, also Maßstab 100 = 100 Kopien von Maßstab 1; sonst 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["verbosity"] == 0
        scale, copies = options["scale"], options["copies"]
        if copies is None:
            copies = math.floor(scale) if scale > 1 else 1
        if copies < 1:
            raise CommandError(f"Die Zahl der Kopien muss mindestens 1 sein, nicht {copies}.")
        try:
            counts_at(scale / copies)
        except ValueError as error:
            raise CommandError(str(error)) from None
        with tqdm(
            desc="Skalierungsdaten", unit=" Kommunen", disable=quiet, file=self.stderr
        ) as bar:
            result = generate(
                scale / copies,
                seed=options["seed"],
                edition=options["edition"],
                progress=bar_callback(bar),
                index_only=options["index_only"],
                copies=copies,
            )
        if not quiet:
            classes = ", ".join(f"{k}: {v}" for k, v in sorted(result.size_classes.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.municipalities} Kommunen, {result.profiles} Steckbriefe, "
                    f"{result.projects} Projekte, {result.entries} Sucheinträge, "
                    f"{result.terms} Suchbegriffe in {result.seconds:.1f} s "
                    f"(Größenklassen: {classes})."
                )
            )
