"""The fetch ledger stored compactly: `fetches` is a view over `ledger`, where each
URL (requested or referring) is a `urls` id, a 304's ETag, Last-Modified and
Content-Type point at the page's earlier fetched row when they repeat it, the SHA-256
is read from the capture, and the HTTP headers of a 200 are a site-wide template
(`ledger_headers`) filled from the row's own columns. INSTEAD OF triggers
(schema/archive.yml) turn every INSERT, DELETE and UPDATE on the view into ledger
writes, so every writer (the store, imports, backfills, the distributed ingest)
writes the view as it wrote the table, and reads get back exactly what was written.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

# The columns of the fetches table before issue 16's session 6 (and of the view now).
COLUMNS = ("id", "crawl_id", "url", "fetched_at", "outcome", "reason", "status", "final_url", "etag",
           "last_modified", "content_type", "size", "sha256", "capture_id", "page_id", "depth", "referer",
           "source", "source_offset", "source_record", "http_headers")


def has_old_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'fetches'").fetchone()
    return bool(row) and row[0] == "table"


def apply_view(db: sqlite_utils.Database, schema: dict) -> None:
    """Create (or bring up to date) the fetches view and its triggers."""
    db.create_view("fetches", schema["views"]["fetches"]["sql"], replace=True)
    apply_triggers(db.conn, schema)


def apply_triggers(conn: sqlite3.Connection, schema: dict) -> None:
    present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    for name, sql in schema.get("triggers", {}).items():
        if present.get(name) == sql.strip():
            continue
        conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
        conn.execute(sql)


def migrate_old_table(db: sqlite_utils.Database, schema: dict) -> int:
    """Move an old archive's `fetches` table into the ledger through the new view,
    keeping every row's id and values, then drop it. Runs in one transaction (begun
    here when the caller has none open): a failure or a kill leaves the old table
    as it was. Returns the rows moved."""
    conn = db.conn
    columns = {r[1] for r in conn.execute("PRAGMA table_info(fetches)")}
    missing = set(COLUMNS) - columns
    if missing:
        raise sqlite3.DatabaseError(f"the fetches table lacks columns of the old layout: {', '.join(sorted(missing))}")
    if not conn.in_transaction:
        conn.execute("BEGIN")
    legacy = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
    conn.execute("PRAGMA legacy_alter_table = ON")  # leave views and triggers that name fetches alone
    try:
        conn.execute("ALTER TABLE fetches RENAME TO fetches_before_ledger")
    finally:
        conn.execute(f"PRAGMA legacy_alter_table = {legacy}")
    apply_view(db, schema)
    names = ", ".join(COLUMNS)
    moved = conn.execute(f"INSERT INTO fetches ({names}) SELECT {names} FROM fetches_before_ledger "
                         "ORDER BY id").rowcount
    conn.execute("DROP TABLE fetches_before_ledger")
    return moved
