"""The full-text index over ``experts_searchentry``'s segmented words, per database.

PostgreSQL: a stored generated ``tsvector`` (title words weighted A, text words B, the
``simple`` configuration: the words are already cut by jieba, nothing is stemmed) with a GIN
index. SQLite: an FTS5 table over the same rows (external content, so the text is stored once)
kept in step by triggers. Django does not know either: it never selects the column, and the
queries in ``search/query.py`` name them. A later migration that makes SQLite rebuild
``experts_searchentry`` (most field changes do) drops its triggers: it must create them again.
"""

from django.db import migrations

POSTGRESQL = [
    """ALTER TABLE experts_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_terms), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED""",
    "CREATE INDEX experts_searchentry_vector ON experts_searchentry USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS experts_searchentry_vector",
    "ALTER TABLE experts_searchentry DROP COLUMN IF EXISTS search_vector",
]
SQLITE = [
    """CREATE VIRTUAL TABLE experts_searchentry_fts USING fts5(
        title_terms, body_terms, content='experts_searchentry', content_rowid='id',
        tokenize='unicode61')""",
    """CREATE TRIGGER experts_searchentry_fts_insert AFTER INSERT ON experts_searchentry BEGIN
        INSERT INTO experts_searchentry_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    """CREATE TRIGGER experts_searchentry_fts_delete AFTER DELETE ON experts_searchentry BEGIN
        INSERT INTO experts_searchentry_fts (experts_searchentry_fts, rowid, title_terms,
            body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
    END""",
    """CREATE TRIGGER experts_searchentry_fts_update AFTER UPDATE ON experts_searchentry BEGIN
        INSERT INTO experts_searchentry_fts (experts_searchentry_fts, rowid, title_terms,
            body_terms) VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO experts_searchentry_fts (rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
    END""",
    # Rows written before this migration.
    "INSERT INTO experts_searchentry_fts (experts_searchentry_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS experts_searchentry_fts_insert",
    "DROP TRIGGER IF EXISTS experts_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS experts_searchentry_fts_update",
    "DROP TABLE IF EXISTS experts_searchentry_fts",
]
STATEMENTS = {
    "postgresql": (POSTGRESQL, POSTGRESQL_REVERSE),
    "sqlite": (SQLITE, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"no full-text index for {vendor}")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def create_index(apps, schema_editor):
    _run(schema_editor, forward=True)


def drop_index(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
