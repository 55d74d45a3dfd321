"""What the crawl's store leaves to its batch's commit or answers from memory
(issue 16, session 15): a batch's new captures compressed together at its commit,
and the SELECTs that a first crawl's new URLs, captures and anchors would not find.
The archive is the same row for row as the store writing each page alone, also when
dictionaries are trained and retrained inside a batch and when a write fails.

The pages are the sample site's three crawls as tests/test_store_batched.py writes
them, without the worker's packed captures: the crawl's workers send raw pages, so
the store compresses them itself.
"""

from __future__ import annotations

import copy
import hashlib
import sqlite3
import zlib

import pytest

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage
from condition_archive.extract import EXTRACTOR_VERSION

from test_store_batched import MENU, BASE, NOW, _differences, _fail_once, _page, _write, rounds  # noqa: F401
from test_store_batched import tables as _tables


def tables(path) -> dict:
    """Every row, but capture_dicts.created_at: the wall clock's (SQLite's datetime('now'))."""
    out = _tables(path)
    out["capture_dicts"] = [row[:6] + row[7:] for row in out["capture_dicts"]]
    return out


@pytest.fixture(scope="module")
def raw_rounds(rounds) -> list[list]:
    out = []
    for items in rounds:
        out.append([])
        for item in items:
            if isinstance(item, FetchedPage):
                item = copy.copy(item)
                item.packed = None
            out[-1].append(item)
    return out


def _store(path, rounds, pages: int, fail: tuple[int, int] | None = None, train: bool = True) -> dict:
    """One Archive for the three crawls, `pages` writes a commit (1: each its own
    transaction, nothing deferred), dictionaries after 10 captures and again after 40
    (`train`; else none: zlib)."""
    db = open_archive(path)
    archive = Archive(db, now=lambda: NOW)
    if train:
        archive.codecs.samples, archive.codecs.retrain = 10, 40
    for n, items in enumerate(rounds):
        crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
        batch = archive.batch_writer(pages, 3600.0)
        for i, item in enumerate(items):
            fn, args = _write(archive, crawl_id, item)
            if fail and (n, i) == fail:
                _fail_once(db.conn, "ABORT", lambda: batch.write(fn, *args))
            batch.write(fn, *args)
        batch.commit()
        archive.refresh_card_changes(crawl_id)
        crawls.finish_crawl(db, crawl_id, "finished", "finished", now=NOW)
    db.close()
    return tables(path)


@pytest.fixture(scope="module")
def alone(raw_rounds, tmp_path_factory) -> dict:
    return _store(tmp_path_factory.mktemp("alone") / "archive.db", raw_rounds, 1)


def test_the_pages_train_and_retrain_dictionaries(alone):
    # trained on 10, then retrained on 40 (the first then unused: deleted)
    assert [(row[0], row[5]) for row in alone["capture_dicts"]] == [(2, 40)]
    assert {row[5] for row in alone["captures"]} == {"zstd"}
    assert all(row[4] == len(row[10]) > 0 for row in alone["captures"])  # stored_size, body


@pytest.mark.parametrize("pages", [3, 7, 50])
def test_captures_compressed_at_the_commit_make_the_same_archive(raw_rounds, alone, pages, tmp_path):
    got = _store(tmp_path / "archive.db", raw_rounds, pages)
    assert not _differences(got, alone), "\n".join(_differences(got, alone))
    assert got == alone


@pytest.mark.parametrize("where", [(0, 4), (0, 9), (1, 20)])
def test_a_failed_write_drops_the_batchs_empty_captures_and_writes_them_again(raw_rounds, where, tmp_path):
    """No dictionary here: the writes replayed after a failure count again towards a
    site's training (Codecs.pending, as before captures were deferred), so it would
    come at another capture."""
    alone = _store(tmp_path / "alone.db", raw_rounds, 1, train=False)
    got = _store(tmp_path / "archive.db", raw_rounds, 7, fail=where, train=False)
    assert {row[5] for row in got["captures"]} == {"zlib"}
    assert not _differences(got, alone), "\n".join(_differences(got, alone))
    assert got == alone


def _pages(raw_rounds, n: int) -> list[FetchedPage]:
    return [item for item in raw_rounds[0] if isinstance(item, FetchedPage) and not item.failure][:n]


def test_a_capture_is_empty_until_its_batchs_commit_and_read_whole(raw_rounds, tmp_path):
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    page = _pages(raw_rounds, 1)[0]
    fn, args = _write(archive, crawl_id, page)
    batch.write(fn, *args)
    assert db.conn.in_transaction
    assert db.execute("SELECT stored_size, body FROM captures").fetchall() == [(0, b"")]
    assert archive.codecs.read(1) == page.body  # a read inside the batch compresses first
    assert db.execute("SELECT stored_size > 0 FROM captures").fetchone()[0] == 1
    batch.commit()
    assert archive.codecs.read(1) == page.body and not archive.codecs.deferred


def test_a_lost_batch_takes_its_empty_captures(raw_rounds, tmp_path):
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    pages = _pages(raw_rounds, 3)
    for page in pages[:2]:
        fn, args = _write(archive, crawl_id, page)
        batch.write(fn, *args)
    assert len(archive.codecs.deferred) == 2
    db.conn.execute("ROLLBACK")  # gone without a word (a failure elsewhere)
    batch.commit()
    assert not archive.codecs.deferred
    fn, args = _write(archive, crawl_id, pages[2])
    batch.write(fn, *args)
    batch.commit()
    rows = db.execute("SELECT id, sha256 FROM captures").fetchall()
    assert [sha for _, sha in rows] == [hashlib.sha256(pages[2].body).hexdigest()]
    assert archive.codecs.read(rows[0][0]) == pages[2].body


def test_rows_another_writer_added_meanwhile_are_found_not_made_twice(raw_rounds, tmp_path):
    """The store knows every URL and capture digest of the archive from its first
    batch on, so it inserts those it does not know without looking them up; rows
    another connection added since (which a crawl's lock should prevent) are caught
    by their unique column and used, not made twice."""
    path = tmp_path / "archive.db"
    db = open_archive(path)
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    pages = _pages(raw_rounds, 1) + [_page(7, MENU)[0]]
    batch = archive.batch_writer(50, 3600.0)
    fn, args = _write(archive, crawl_id, pages[0])
    batch.write(fn, *args)
    batch.commit()
    assert archive.memo.urls.complete and archive.memo.captures.keys
    assert not db.execute("SELECT 1 FROM urls WHERE url = ?", [pages[1].url]).fetchall()
    sha256 = hashlib.sha256(pages[1].body).hexdigest()
    other = sqlite3.connect(path)
    with other:
        url_id = other.execute("INSERT INTO urls (url) VALUES (?)", [pages[1].url]).lastrowid
        capture_id = other.execute(
            "INSERT INTO captures (sha256, size, stored_size, compression, body) VALUES (?, ?, ?, 'zlib', ?)",
            [sha256, len(pages[1].body), 0, zlib.compress(pages[1].body)]).lastrowid
    other.close()
    batch.write(archive.record_page, crawl_id, pages[1], _page(7, MENU)[1], EXTRACTOR_VERSION)
    batch.commit()
    assert db.execute("SELECT count(*) FROM urls WHERE url = ?", [pages[1].url]).fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM captures WHERE sha256 = ?", [sha256]).fetchone()[0] == 1
    assert db.execute("SELECT url_id, capture_id FROM ledger WHERE outcome = 'fetched' ORDER BY id DESC"
                      ).fetchone() == (url_id, capture_id)
    assert db.execute("SELECT capture_id FROM versions ORDER BY id DESC").fetchone()[0] == capture_id
    assert not archive.memo.urls.complete and archive.memo.captures.keys is None  # they ask from now on


def test_a_move_met_after_the_crawl_knew_it_had_none_is_seen(tmp_path):
    """The store remembers that a crawl has no "moved" change (so a new page is not
    checked against moved pages): a move written later in the same batch counts."""
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    old, extract = _page(1, MENU)
    first = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    batch.write(archive.record_page, first, old, extract, EXTRACTOR_VERSION)
    batch.commit()
    second = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    other, other_extract = _page(2, MENU)
    assert batch.write(archive.record_page, second, other, other_extract, EXTRACTOR_VERSION) == "new"
    assert archive.memo.moved[second] is False
    moved = FetchedPage(f"{BASE}/p9", 200, old.headers, old.body, NOW, redirects=[(old.url, 301)])
    assert batch.write(archive.record_page, second, moved, extract, EXTRACTOR_VERSION) == "unchanged"
    batch.commit()
    changes = db.execute("SELECT url, change FROM changes WHERE crawl_id = ? ORDER BY id", [second]).fetchall()
    assert changes == [(other.url, "new"), (old.url, "moved")]
