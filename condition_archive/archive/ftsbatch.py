"""Full-text indexing of a batch in one statement.

FTS5 keeps what it is told in memory until the transaction commits, except that it
writes it out as a new index segment at every savepoint, and SQLite opens one for
each page's write and for most statements: indexed row by row, every page became a
segment of its own and FTS5 spent its time merging them. So the store's batch
(archive/batch.py) notes in `fts_pending` the first id its rows get; the FTS triggers
(schema/archive.yml) leave rows from there on alone, and `index` adds them with one
INSERT ... SELECT per table just before the batch commits: the same FTS rows, one
segment. The note is written in the batch's transaction, so a kill or a rollback
takes it with the rows it covers; every other writer is indexed by the triggers.
"""

from __future__ import annotations

import sqlite3

from .ledger import triggers_as_declared


def can_defer(conn: sqlite3.Connection, schema: dict) -> bool:
    """The archive's FTS triggers are the schema's (an archive whose triggers were
    made again by other tools indexes every row itself: never twice)."""
    names = [f"{table}_{kind}" for table in schema["fts"] for kind in ("ai", "ad", "au")]
    return triggers_as_declared(conn, schema, names)


def begin(conn: sqlite3.Connection, schema: dict) -> None:
    """Leave the rows the open transaction adds from now on to `index`."""
    for table in schema["fts"]:  # a note already there (committed by a failed run) covers these rows too
        conn.execute(f"INSERT INTO fts_pending (table_name, first_id) SELECT ?, (SELECT coalesce(max(id), 0) + 1 "
                     f"FROM [{table}]) WHERE NOT EXISTS (SELECT 1 FROM fts_pending WHERE table_name = ?)",
                     [table, table])


def index(conn: sqlite3.Connection, schema: dict) -> None:
    """Index the rows that wait, in the open transaction; then nothing waits (so a
    second call, a COMMIT retried, adds nothing twice)."""
    waiting = conn.execute("SELECT table_name, min(first_id) FROM fts_pending GROUP BY table_name "
                           "ORDER BY min(id)").fetchall()  # one INSERT a table: no row twice
    for table, first_id in waiting:
        columns = ", ".join(f"[{c}]" for c in schema["fts"][table])
        conn.execute(f"INSERT INTO [{table}_fts] (rowid, {columns}) SELECT id, {columns} FROM [{table}] "
                     "WHERE id >= ? ORDER BY id", [first_id])
    if waiting:
        conn.execute("DELETE FROM fts_pending")
