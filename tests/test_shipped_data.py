"""Shipped fields of action and vocabularies: the ten slugs, idempotent loading, provenance."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kompass.analysis.vocabulary import FIELD_SLUGS
from kompass.core.models import FieldOfAction, FieldOfActionMapping, Source, Vocabulary
from kompass.core.shipped import FIELDS_FILE, database_is_empty, load_fields_of_action

ATLAS_SLUGS = list(FIELD_SLUGS)


@pytest.mark.django_db
def test_ten_fields_with_contract_slugs_and_sources() -> None:
    assert database_is_empty()
    counts = load_fields_of_action()
    assert not database_is_empty()
    assert sorted(FieldOfAction.objects.values_list("slug", flat=True)) == sorted(ATLAS_SLUGS)
    assert counts["fields"] == 10
    assert Source.objects.filter(document="003_98a75a01d0173661.txt").count() >= 10


@pytest.mark.django_db
def test_bbsr_impact_matrix_has_eleven_fields_mapped_onto_the_ten() -> None:
    load_fields_of_action()
    matrix = Vocabulary.objects.get(slug="bbsr_impact_matrix")
    terms = list(matrix.terms.prefetch_related("fields"))
    assert len(terms) == 11
    assert all(term.fields.exists() for term in terms)
    mobility = matrix.terms.get(term="Mobilität")
    assert [f.slug for f in mobility.fields.all()] == ["mobility"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    load_fields_of_action()
    snapshot = (
        FieldOfAction.objects.count(),
        FieldOfActionMapping.objects.count(),
        Source.objects.count(),
    )
    load_fields_of_action()
    assert snapshot == (
        FieldOfAction.objects.count(),
        FieldOfActionMapping.objects.count(),
        Source.objects.count(),
    )


@pytest.mark.django_db
def test_unknown_field_slug_in_data_is_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))
    data["vocabularies"][0]["terms"][0]["fields"] = ["tourism"]
    broken = tmp_path / "fields.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="unbekannte Handlungsfelder: tourism"):
        load_fields_of_action(broken)
    assert database_is_empty()  # nothing half-written


def _fold(text: str) -> str:
    """Fold hyphenation and whitespace of the PDF dumps for comparison."""
    return re.sub(r"[\s\-–­]+", "", text).lower()


def test_every_term_is_printed_in_its_cited_lines(seeds_dir: Path) -> None:
    data = yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))
    missing = []
    for vocabulary in data["vocabularies"]:
        lines = (seeds_dir / vocabulary["source"]["document"]).read_text(encoding="utf-8")
        lines_list = lines.splitlines()
        for term in vocabulary["terms"]:
            start, end = term["lines"]
            excerpt = _fold(" ".join(lines_list[start - 1 : end]))
            words = [w for w in re.split(r"[/,()&]| und ", term["term"]) if len(w.strip()) > 2]
            if not any(_fold(word) in excerpt for word in words):
                missing.append(f"{vocabulary['slug']}: {term['term']} (Z. {start}-{end})")
    assert missing == []


def test_descriptions_are_our_own_words(seeds_dir: Path) -> None:
    """No description repeats a run of eight words from the studies."""
    corpus = " ".join(
        re.sub(r"\s+", " ", path.read_text(encoding="utf-8")).lower()
        for path in seeds_dir.glob("0*.txt")
    )
    data = yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))
    copied = []
    for field in data["fields"]:
        words = field["description"].lower().split()
        for i in range(len(words) - 7):
            if " ".join(words[i : i + 8]) in corpus:
                copied.append(field["slug"])
                break
    assert copied == []
