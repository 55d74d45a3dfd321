"""The archive's SQLite page size (issue 16, storage): a new archive gets PAGE_SIZE
pages (a version's 1-2 KB row wastes less of a bigger page's tail); an archive made
with smaller pages keeps them (SQLite changes a WAL file's page size only on VACUUM
in rollback mode) and opens, upgrades and records pages as before."""

from __future__ import annotations

import sqlite3

from condition_archive.archive.db import PAGE_SIZE, integrity_ok, open_archive


def page_size(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()


def test_a_new_archive_gets_the_bigger_pages(tmp_path):
    path = tmp_path / "new.db"
    open_archive(path).close()
    assert PAGE_SIZE == 16384
    assert page_size(path) == PAGE_SIZE


def test_an_archive_with_8_kib_pages_keeps_them_and_works(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("PRAGMA journal_mode = WAL")  # as the code before wrote it: the header now says 8192
    conn.close()
    db = open_archive(path)
    try:
        db["crawls"].insert({"id": 1, "started_at": "2026-11-26T08:00:00Z", "status": "running"})
        db.execute("INSERT INTO fetches (crawl_id, url, fetched_at, outcome, reason, status) "
                   "VALUES (1, 'http://127.0.0.1/a', '2026-11-26T08:00:01Z', 'gone', 'HTTP 404', 404)")
        db.conn.commit()
        assert db.execute("SELECT url, status FROM fetches").fetchall() == [("http://127.0.0.1/a", 404)]
    finally:
        db.close()
    assert page_size(path) == 8192
    assert integrity_ok(path)
