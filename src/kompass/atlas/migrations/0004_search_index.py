"""Full-text index over SearchEntry.terms: FTS5 on SQLite, GIN on PostgreSQL."""

from django.db import migrations

SQLITE = [
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
]
SQLITE_REVERSE = [
    "DROP TRIGGER atlas_searchentry_au",
    "DROP TRIGGER atlas_searchentry_ad",
    "DROP TRIGGER atlas_searchentry_ai",
    "DROP TABLE atlas_searchentry_fts",
]
POSTGRES = [
    "CREATE INDEX atlas_searchentry_terms_gin ON atlas_searchentry "
    "USING GIN (to_tsvector('simple', terms))"
]
POSTGRES_REVERSE = ["DROP INDEX atlas_searchentry_terms_gin"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}[
        schema_editor.connection.vendor
    ]
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("atlas", "0003_searchentry")]
    operations = [migrations.RunPython(forwards, backwards)]
