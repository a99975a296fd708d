"""Search at scale (docs/decisions/0005-search-at-scale.md).

- ``SearchEntry.filter_terms``: one token per filter value (kind, edition, Land, size class,
  fields, primary field, CDO, programmes), so filters are answered by the full-text index.
- ``SearchEntry.profile_pk``: the profile an entry belongs to, for incremental updates.
- ``SearchTerm``: the vocabulary with document frequencies (prefix expansion, compounds, typos).
- SQLite: the FTS5 table is rebuilt over ``terms`` and ``filter_terms`` with ``detail=none``
  (only which rows contain a term; no positions, which the search never uses).
- PostgreSQL: a stored, generated ``tsv`` column (no positions) with a GIN index replaces the
  expression index, so a row is never re-parsed when it is checked; ``text_pattern_ops`` on
  the vocabulary answers prefix look-ups under any database collation.

The existing entries get their new columns and the vocabulary is counted from them, so an
installed index keeps working without a rebuild.
"""

import re
from collections import Counter

from django.db import migrations, models

OLD_SQLITE = [
    "DROP TRIGGER IF EXISTS atlas_searchentry_au",
    "DROP TRIGGER IF EXISTS atlas_searchentry_ad",
    "DROP TRIGGER IF EXISTS atlas_searchentry_ai",
    "DROP TABLE IF EXISTS atlas_searchentry_fts",
]
OLD_SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE atlas_searchentry_fts USING fts5(
           terms, content='atlas_searchentry', content_rowid='id', tokenize='unicode61')""",
    """CREATE TRIGGER atlas_searchentry_ai AFTER INSERT ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(rowid, terms) VALUES (new.id, new.terms);
       END""",
    """CREATE TRIGGER atlas_searchentry_ad AFTER DELETE ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts, rowid, terms)
           VALUES ('delete', old.id, old.terms);
       END""",
    """CREATE TRIGGER atlas_searchentry_au AFTER UPDATE ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts, rowid, terms)
           VALUES ('delete', old.id, old.terms);
           INSERT INTO atlas_searchentry_fts(rowid, terms) VALUES (new.id, new.terms);
       END""",
    "INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts) VALUES ('rebuild')",
]
NEW_SQLITE = [
    """CREATE VIRTUAL TABLE atlas_searchentry_fts USING fts5(
           terms, filter_terms, content='atlas_searchentry', content_rowid='id',
           tokenize='unicode61', detail=none)""",
    """CREATE TRIGGER atlas_searchentry_ai AFTER INSERT ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(rowid, terms, filter_terms)
           VALUES (new.id, new.terms, new.filter_terms);
       END""",
    """CREATE TRIGGER atlas_searchentry_ad AFTER DELETE ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts, rowid, terms, filter_terms)
           VALUES ('delete', old.id, old.terms, old.filter_terms);
       END""",
    """CREATE TRIGGER atlas_searchentry_au AFTER UPDATE ON atlas_searchentry BEGIN
           INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts, rowid, terms, filter_terms)
           VALUES ('delete', old.id, old.terms, old.filter_terms);
           INSERT INTO atlas_searchentry_fts(rowid, terms, filter_terms)
           VALUES (new.id, new.terms, new.filter_terms);
       END""",
    "INSERT INTO atlas_searchentry_fts(atlas_searchentry_fts) VALUES ('rebuild')",
]
OLD_POSTGRES = ["DROP INDEX IF EXISTS atlas_searchentry_terms_gin"]
OLD_POSTGRES_CREATE = [
    "CREATE INDEX atlas_searchentry_terms_gin ON atlas_searchentry "
    "USING GIN (to_tsvector('simple', terms))"
]
NEW_POSTGRES = [
    "ALTER TABLE atlas_searchentry ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(strip(to_tsvector('simple'::regconfig, terms || ' ' || filter_terms))) STORED",
    "CREATE INDEX atlas_searchentry_tsv ON atlas_searchentry USING GIN (tsv)",
    "CREATE INDEX atlas_searchterm_prefix ON atlas_searchterm (term text_pattern_ops)",
]
NEW_POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS atlas_searchterm_prefix",
    "DROP INDEX IF EXISTS atlas_searchentry_tsv",
    "ALTER TABLE atlas_searchentry DROP COLUMN IF EXISTS tsv",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def drop_old_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": OLD_SQLITE, "postgresql": OLD_POSTGRES}[vendor])


def restore_old_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": OLD_SQLITE_CREATE, "postgresql": OLD_POSTGRES_CREATE}[vendor])


def create_new_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": NEW_SQLITE, "postgresql": NEW_POSTGRES}[vendor])


def drop_new_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, {"sqlite": OLD_SQLITE, "postgresql": NEW_POSTGRES_REVERSE}[vendor])


def _token(name, value):
    # Frozen copy of kompass.atlas.search.filter_token as of this migration.
    return "00f" + name + re.sub(r"[^0-9a-z]", "", str(value).lower())


def _funding_token(programme, level, role):
    parts = [f"p{programme}" if programme is not None else "", f"l{level or ''}", f"r{role or ''}"]
    return _token("fund", "".join(p for p in parts if len(p) > 1))


def _filter_terms(entry, units, funding):
    # Frozen copy of kompass.atlas.search.filter_terms_of as of this migration.
    tokens = [_token("kind", entry.kind), _token("ed", entry.edition or "none")]
    tokens.append(_token("land", entry.land))
    if entry.size_class:
        tokens.append(_token("size", entry.size_class))
    tokens += [_token("field", slug) for slug in entry.fields.split()]
    if entry.primary_field:
        tokens.append(_token("primary", entry.primary_field))
    tokens.append(_token("cdo", int(entry.has_cdo)))
    tokens += [_token("org", unit) for unit in units]
    for programme, level, role in funding:
        for with_programme in (programme, None):
            for with_level in (level, None):
                for with_role in (role, None):
                    if with_programme is not None or with_level or with_role:
                        tokens.append(_funding_token(with_programme, with_level, with_role))
    return " ".join(dict.fromkeys(tokens))


def fill(apps, schema_editor):
    SearchEntry = apps.get_model("atlas", "SearchEntry")
    SearchTerm = apps.get_model("atlas", "SearchTerm")
    Project = apps.get_model("atlas", "Project")
    OrganisationUnit = apps.get_model("atlas", "OrganisationUnit")
    ProfileFunding = apps.get_model("atlas", "ProfileFunding")
    entries = list(SearchEntry.objects.all())
    project_profiles = dict(
        Project.objects.filter(
            id__in=[e.object_id for e in entries if e.kind == "project"]
        ).values_list("id", "profile_id")
    )
    units = {}
    for profile_id, kind in OrganisationUnit.objects.exclude(kind="other").values_list(
        "profile_id", "kind"
    ):
        units.setdefault(profile_id, set()).add(kind)
    funding = {}
    for profile_id, programme_id, level, role in ProfileFunding.objects.values_list(
        "profile_id", "programme_id", "programme__level", "role"
    ):
        funding.setdefault(profile_id, []).append((programme_id, level, role))
    df = Counter()
    for entry in entries:
        if entry.kind == "profile":
            entry.profile_pk = entry.object_id
        elif entry.kind == "project":
            entry.profile_pk = project_profiles.get(entry.object_id)
        entry.organisation = " ".join(sorted(units.get(entry.profile_pk, ())))
        entry.filter_terms = _filter_terms(
            entry, entry.organisation.split(), funding.get(entry.profile_pk, [])
        )
        df.update(set(entry.terms.split()))
    SearchEntry.objects.bulk_update(
        entries, ["filter_terms", "profile_pk", "organisation"], batch_size=500
    )
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term, df=count) for term, count in sorted(df.items())], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [("atlas", "0004_search_index")]

    operations = [
        migrations.RunPython(drop_old_index, restore_old_index),
        migrations.RemoveIndex(model_name="searchentry", name="atlas_searc_kind_d742ac_idx"),
        migrations.RemoveIndex(model_name="searchentry", name="atlas_searc_land_ef116b_idx"),
        migrations.AddField(
            model_name="searchentry",
            name="organisation",
            field=models.CharField(
                blank=True, default="", help_text="space-separated unit kinds", max_length=300
            ),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="filter_terms",
            field=models.TextField(blank=True, default="", help_text="one token per filter"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="profile_pk",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("term", models.TextField(unique=True)),
                ("df", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_new_index, drop_new_index),
    ]
