"""The store's batches index full text in one statement at their commit
(archive/ftsbatch.py): every version and card indexed exactly once, whether the
archive was made by this code or by the code before it (whose FTS triggers index
every row), whether a batch commits, fails or is killed, and whoever else writes.
The rows and searches equal the per-row triggers' (tests/test_store_batched.py)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from condition_archive.archive import crawls, ftsbatch
from condition_archive.archive.batch import BatchWriter
from condition_archive.archive.db import load_schema, open_archive
from condition_archive.archive.store import Archive
from condition_archive.extract import EXTRACTOR_VERSION
from condition_archive.extract.model import Card, Section
from test_store_batched import BASE, MENU, NOW, _page

FTS = load_schema()["fts"]


def write(db, numbers, pages: int = 50, commit: bool = True) -> BatchWriter:
    """Pages `numbers` through a BatchWriter of `pages` a commit (its listener: the Archive)."""
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(pages, 3600.0)
    for n in numbers:
        fetched, extract = _page(n, MENU)
        extract = replace(extract, kind="center",
                          sections=(Section(f"Section {n}", (Card(f"Card {n}", f"{BASE}/c{n}", "", f"teaser {n}"),)),))
        batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    if commit:
        batch.commit()
    return batch


def index_rows(conn: sqlite3.Connection, table: str) -> list[tuple]:
    """Every term instance the FTS index holds (fts5vocab): what a search can find."""
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms USING fts5vocab(main, {table}_fts, instance)")
    return conn.execute(f"SELECT term, doc, col, offset FROM temp.{table}_terms ORDER BY 1, 2, 3, 4").fetchall()


def indexed_once(conn: sqlite3.Connection) -> bool:
    """Each FTS index (its rows read from the table: external content) holds what
    rebuilding it from the table gives: every row once, none missing, none twice."""
    for table in FTS:
        got = index_rows(conn, table)
        with conn:
            conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        if not got or got != index_rows(conn, table):
            return False
    return True


def waiting(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM fts_pending").fetchone()[0]


def old_triggers(db, table_too: bool = True) -> None:
    """The FTS triggers as sqlite-utils makes them (every archive before this change),
    and (`table_too`) no fts_pending table."""
    with db.conn:
        for table, columns in FTS.items():
            for kind in ("ai", "ad", "au"):
                db.execute(f"DROP TRIGGER [{table}_{kind}]")
            db[table].enable_fts(columns, create_triggers=True, tokenize="porter", replace=True)
            db[table].rebuild_fts()
        if table_too:
            db.execute("DROP TABLE fts_pending")


def test_a_batch_indexes_its_rows_once_at_its_commit(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    write(db, range(1, 5), pages=1)  # each write its own transaction: the triggers index
    batch = write(db, range(5, 40), commit=False)
    assert batch.listener._fts_batch and waiting(db.conn) == 2
    matched = "SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'page'"
    assert db.execute(matched).fetchone()[0] == 4  # the batch's rows wait
    batch.commit()
    assert indexed_once(db.conn) and not waiting(db.conn)
    hits = db.execute("SELECT rowid FROM versions_fts WHERE versions_fts MATCH 'page' ORDER BY rank, rowid")
    assert len(hits.fetchall()) == 39
    assert db.execute("SELECT count(*) FROM cards_fts WHERE cards_fts MATCH 'teaser'").fetchone()[0] == 39


def test_an_archive_of_the_code_before_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "archive.db"
    db = open_archive(path)
    old_triggers(db)
    assert not ftsbatch.can_defer(db.conn, load_schema())
    write(db, range(1, 8))  # its FTS triggers index every row, batch or not
    assert indexed_once(db.conn)
    db.close()
    db = open_archive(path)
    assert ftsbatch.can_defer(db.conn, load_schema()) and not waiting(db.conn)
    batch = write(db, range(8, 20), pages=5)
    assert batch.listener._fts_batch and indexed_once(db.conn) and not waiting(db.conn)


def test_fts_triggers_made_again_by_another_tool_index_on_their_own(tmp_path):
    """sqlite-utils' FTS triggers made again on an open archive: the store sees triggers
    that are not the schema's and leaves the indexing to them (never twice)."""
    db = open_archive(tmp_path / "archive.db")
    write(db, range(1, 4))
    old_triggers(db, table_too=False)
    batch = write(db, range(4, 12), pages=5)
    assert batch.listener._fts_batch is False and indexed_once(db.conn) and not waiting(db.conn)


def test_a_killed_or_failed_batch_leaves_nothing_waiting(tmp_path):
    path = tmp_path / "archive.db"
    db = open_archive(path)
    write(db, range(1, 6))
    write(db, range(6, 12), commit=False)
    db.close()  # a kill: the open transaction is rolled back, its note with it
    db = open_archive(path)
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 5
    assert indexed_once(db.conn) and not waiting(db.conn)
    batch = write(db, range(12, 15), commit=False)
    db.conn.execute("ROLLBACK")  # the batch gone without BatchWriter seeing it fail
    batch.commit()
    write(db, range(15, 18), pages=1)
    assert indexed_once(db.conn) and not waiting(db.conn)
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 8


def test_a_note_left_behind_is_indexed_when_the_archive_is_opened(tmp_path):
    """No batch commits its note; should one be found (a bug, a hand edit), the rows
    the triggers left to it are indexed at the next open, not lost to search."""
    path = tmp_path / "archive.db"
    db = open_archive(path)
    write(db, range(1, 4))
    with db.conn:
        ftsbatch.begin(db.conn, load_schema())
    write(db, range(4, 7), pages=1)  # the triggers skip these
    assert db.execute("SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'page'").fetchone()[0] == 3
    db.close()
    db = open_archive(path)
    assert indexed_once(db.conn) and not waiting(db.conn)



def test_a_batch_after_a_note_left_behind_adds_no_second_note(tmp_path):
    """A note committed by a failed run covers the next batch's rows too: that batch
    adds no note of its own, and its commit indexes every row once."""
    db = open_archive(tmp_path / "archive.db")
    write(db, range(1, 4))
    with db.conn:
        ftsbatch.begin(db.conn, load_schema())
    with db.conn:
        ftsbatch.begin(db.conn, load_schema())
    assert waiting(db.conn) == len(FTS)
    write(db, range(4, 7))
    assert not waiting(db.conn) and indexed_once(db.conn)


def test_an_oserror_in_a_write_commits_the_pages_before_it_indexed(tmp_path):
    """A store write failing with an OSError (not an SQLite error) mid-batch: the
    batch's earlier pages are committed through the store, their full text indexed
    and no note left, not left in a transaction that the crawl's end commits."""
    db = open_archive(tmp_path / "archive.db")
    batch = write(db, range(1, 4), commit=False)
    assert db.conn.in_transaction and waiting(db.conn) == len(FTS)

    def broken() -> None:
        raise OSError(28, "No space left on device")

    try:
        batch.write(broken)
    except OSError:
        pass
    else:
        raise AssertionError("the OSError was swallowed")
    assert not db.conn.in_transaction and not batch.open
    crawls.finish_crawl(db, 1, "failed", "OSError")
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 3
    assert not waiting(db.conn) and indexed_once(db.conn)
    assert db.execute("SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'page'").fetchone()[0] == 3
