"""Date candidates stored compactly: each distinct (field, source) pair once in
`date_sources`, each candidate a `date_evidence` row pointing at it, with `raw`
left empty (NULL) when the page's text is the ISO value itself (JSON-LD and meta
dates). The `date_candidates` view (schema/archive.yml) gives the old rows back
with the same ids, so queries, exports and facets read them as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

Candidate = tuple[str, str, str, str]  # field, value, source, raw

OLD_TABLE_COLUMNS = {"id", "version_id", "field", "value", "source", "raw"}


def source_id(conn: sqlite3.Connection, field: str, source: str, cache=None) -> int:
    """The date_sources row of the pair, made when it is new; `cache` (a dict, or
    archive/memo.py's IdCache) remembers it."""
    key = (field, source)
    if cache is not None:
        known = cache.get(key)
        if known is not None:
            return known
    row = conn.execute("SELECT id FROM date_sources WHERE field IS ? AND source IS ?", key).fetchone()
    found = row[0] if row else conn.execute(
        "INSERT INTO date_sources (field, source) VALUES (?, ?)", key).lastrowid
    if cache is not None:
        cache[key] = found
    return found


def insert_candidates(conn: sqlite3.Connection, version_id: int, candidates: Iterable[Candidate],
                      cache=None) -> None:
    rows = [(version_id, source_id(conn, field, source, cache), value, None if raw == value else raw)
            for field, value, source, raw in candidates]
    conn.executemany("INSERT INTO date_evidence (version_id, source_id, value, raw) VALUES (?, ?, ?, ?)", rows)


def has_old_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'date_candidates'").fetchone()
    return bool(row) and row[0] == "table"


def migrate_old_table(conn: sqlite3.Connection) -> int:
    """Move an old archive's `date_candidates` table into date_sources and
    date_evidence, keeping every row's id, then drop it (the caller creates the
    view). Runs inside the caller's transaction: a kill leaves the old table as it
    was. Returns the rows moved."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(date_candidates)")}
    if not OLD_TABLE_COLUMNS <= columns:
        raise sqlite3.DatabaseError("the date_candidates table lacks columns of the old layout")
    cache: dict = {}
    rows = [(cid, version_id, source_id(conn, field, source, cache), value, None if raw == value else raw)
            for cid, version_id, field, value, source, raw in conn.execute(
                "SELECT id, version_id, field, value, source, raw FROM date_candidates ORDER BY id")]
    conn.executemany("INSERT INTO date_evidence (id, version_id, source_id, value, raw) VALUES (?, ?, ?, ?, ?)",
                     rows)
    conn.execute("DROP TABLE date_candidates")
    return len(rows)
