"""The head of the search index (PostgreSQL) and filter tokens in the vocabulary.

- PostgreSQL: a partial GIN index over the entries with an id below 262,144
  (kompass.atlas.search.HEAD_ENTRIES), the first ones in index order; a query matching many
  entries is answered from it first (docs/decisions/0005-search-at-scale.md).
- Both databases: the vocabulary now counts the filter tokens of each entry as well, so that
  the search can estimate how many entries a filter keeps; existing indexes are counted here.
"""

from collections import Counter

from django.db import migrations

HEAD_INDEX = (
    "CREATE INDEX IF NOT EXISTS atlas_searchentry_head ON atlas_searchentry USING GIN (tsv) "
    "WHERE id < 262144"
)


def create_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD_INDEX)


def drop_head(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS atlas_searchentry_head")


def count_filter_tokens(apps, schema_editor):
    SearchEntry = apps.get_model("atlas", "SearchEntry")
    SearchTerm = apps.get_model("atlas", "SearchTerm")
    counts: Counter[str] = Counter()
    for filter_terms in SearchEntry.objects.values_list("filter_terms", flat=True).iterator(
        chunk_size=10_000
    ):
        counts.update(set(filter_terms.split()))
    existing = dict(SearchTerm.objects.filter(term__in=list(counts)).values_list("term", "df"))
    for term, df in existing.items():
        SearchTerm.objects.filter(term=term).update(df=df + counts.pop(term))
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term, df=df) for term, df in counts.items()], batch_size=1000
    )


def uncount_filter_tokens(apps, schema_editor):
    apps.get_model("atlas", "SearchTerm").objects.filter(term__startswith="00f").delete()


class Migration(migrations.Migration):
    dependencies = [("atlas", "0008_profile_facets")]

    operations = [
        migrations.RunPython(create_head, drop_head),
        migrations.RunPython(count_filter_tokens, uncount_filter_tokens),
    ]
