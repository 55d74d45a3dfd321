"""A crawl's end gives the archive file's free pages back (issue 16, storage).

A first crawl frees 1-2% of its file's pages as it goes (a site's first captures
recompressed once its dictionary is trained, FTS5 segments merged); how many
depends on how its batches fell, so the archive's size moved by that much from
run to run. New archives are made with incremental auto-vacuum and
crawls.finish_crawl releases the free pages.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from condition_archive.archive import crawls
from condition_archive.archive.db import PAGE_SIZE, open_archive, release_free_pages


def _pragma(db, name: str) -> int:
    return db.execute(f"PRAGMA {name}").fetchone()[0]


def _free_some_pages(db) -> None:
    """Write ~2 MB into a scratch table and delete it: its pages become free."""
    db.execute("CREATE TABLE scratch (blob BLOB)")
    with db.conn:
        db.conn.executemany("INSERT INTO scratch VALUES (?)", [(b"x" * 8000,) for _ in range(250)])
    with db.conn:
        db.execute("DELETE FROM scratch")


def test_a_new_archive_is_made_with_incremental_auto_vacuum(tmp_path):
    db = open_archive(tmp_path / "a.db")
    assert _pragma(db, "auto_vacuum") == 2  # INCREMENTAL
    assert _pragma(db, "page_size") == PAGE_SIZE
    db.close()


def test_the_end_of_a_crawl_releases_the_free_pages_and_the_file_shrinks(tmp_path):
    path = tmp_path / "a.db"
    db = open_archive(path)
    crawl_id = crawls.start_crawl(db, ["http://127.0.0.1:9/"], {}, "test")
    _free_some_pages(db)
    free = _pragma(db, "freelist_count")
    pages = _pragma(db, "page_count")
    assert free > 50
    crawls.finish_crawl(db, crawl_id, "finished", "finished")
    assert _pragma(db, "freelist_count") == 0
    assert _pragma(db, "page_count") == pages - free
    assert db["crawls"].get(crawl_id)["status"] == "finished"
    db.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_archive_made_without_auto_vacuum_keeps_its_free_pages_for_reuse(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    _free_some_pages(db)
    free = _pragma(db, "freelist_count")
    assert _pragma(db, "auto_vacuum") == 0 and free > 50
    assert release_free_pages(db) == 0
    assert _pragma(db, "freelist_count") == free


def test_no_release_inside_an_open_transaction(tmp_path):
    db = open_archive(tmp_path / "a.db")
    _free_some_pages(db)
    db.conn.execute("BEGIN")
    db.conn.execute("INSERT INTO scratch VALUES (x'00')")
    assert db.conn.in_transaction
    assert release_free_pages(db) == 0
    assert db.conn.in_transaction  # the caller's transaction is left as it was
    db.conn.rollback()
    db.close()
