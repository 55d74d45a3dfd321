"""BatchWriter: several atomic page writes per commit, nothing written lost on a failure."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from condition_archive.archive.batch import BatchWriter


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "b.db"
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE pages (id INTEGER PRIMARY KEY, url TEXT UNIQUE)")
    yield db
    db.close()


def committed(db) -> list[str]:
    """What another connection (a reader, or the file after a kill) sees."""
    other = sqlite3.connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    try:
        return [r[0] for r in other.execute("SELECT url FROM pages ORDER BY id")]
    finally:
        other.close()


def page(db, url: str) -> str:
    with db.atomic():  # as every Archive.record_* call is
        db.execute("INSERT INTO pages (url) VALUES (?)", [url])
    return url


def test_commits_every_n_pages(db):
    batch = BatchWriter(db, pages=3, seconds=60, clock=Clock())
    assert batch.write(page, db, "a") == "a"
    batch.write(page, db, "b")
    assert committed(db) == [] and batch.open
    batch.write(page, db, "c")
    assert committed(db) == ["a", "b", "c"] and not batch.open


def test_commits_a_batch_older_than_the_time_limit(db):
    clock = Clock()
    batch = BatchWriter(db, pages=100, seconds=1.0, clock=clock)
    batch.write(page, db, "a")
    clock.now = 0.5
    batch.write(page, db, "b")
    assert committed(db) == []
    clock.now = 1.2
    batch.write(page, db, "c")
    assert committed(db) == ["a", "b", "c"]


def test_commit_writes_the_open_batch_and_is_a_no_op_without_one(db):
    batch = BatchWriter(db, pages=100, seconds=60, clock=Clock())
    batch.commit()
    batch.write(page, db, "a")
    batch.commit()
    assert committed(db) == ["a"] and not db.conn.in_transaction


def test_the_timer_commits_a_batch_only_once_it_is_as_old_as_the_time_limit(db):
    """The store pipeline's timer was set for a batch that since committed by its
    size: the younger batch after it is left to fill up, and the timer told when
    that one is due, so no page waits longer than the limit and none is cut short."""
    clock = Clock()
    batch = BatchWriter(db, pages=2, seconds=1.0, clock=clock)
    assert batch.commit_if_due() == 0.0  # nothing open
    batch.write(page, db, "a")
    clock.now = 0.6
    batch.write(page, db, "b")  # full: committed by its size
    batch.write(page, db, "c")  # a new batch, opened at 0.6
    clock.now = 1.0  # when the timer set at 0.0 fires
    assert batch.commit_if_due() == pytest.approx(0.6)
    assert committed(db) == ["a", "b"] and batch.open
    clock.now = 1.6
    assert batch.commit_if_due() == 0.0
    assert committed(db) == ["a", "b", "c"] and not batch.open


def test_one_page_per_commit_when_asked(db):
    batch = BatchWriter(db, pages=1)
    batch.write(page, db, "a")
    assert committed(db) == ["a"]


def test_a_failing_write_keeps_the_pages_before_it(db):
    batch = BatchWriter(db, pages=100, seconds=60, clock=Clock())
    batch.write(page, db, "a")
    batch.write(page, db, "b")
    with pytest.raises(sqlite3.IntegrityError):
        batch.write(page, db, "a")  # unique url: this write fails, its savepoint rolls back
    assert committed(db) == ["a", "b"] and not batch.open


def _disk_full(db):
    db.execute("INSERT INTO pages (url) VALUES ('c')")
    db.execute("ROLLBACK")  # what SQLite does itself on SQLITE_FULL
    raise sqlite3.OperationalError("database or disk is full")


def test_a_failure_that_rolls_back_the_whole_batch_writes_it_again_in_one_transaction(db):
    """SQLite rolls a whole transaction back on some errors (a full disk), and the
    Archive's writes inside a batch roll it back on any failure (they open no
    savepoint): the batch's earlier writes are written again, as one batch."""
    batch = BatchWriter(db, pages=100, seconds=60, clock=Clock())
    batch.write(page, db, "a")
    batch.write(page, db, "b")
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        batch.write(_disk_full, db)
    db.conn.set_trace_callback(None)
    assert committed(db) == ["a", "b"]
    assert not db.conn.in_transaction and not batch.open
    assert [s for s in statements if s in ("BEGIN", "COMMIT")] == ["BEGIN", "COMMIT"]


def test_any_failure_that_ended_the_transaction_has_the_batch_written_again(db):
    """Not only SQLite's errors: a bug in a write that rolled the batch back."""
    batch = BatchWriter(db, pages=100, seconds=60, clock=Clock())
    batch.write(page, db, "a")

    def bug(db):
        db.execute("INSERT INTO pages (url) VALUES ('c')")
        db.execute("ROLLBACK")  # as Archive writes inside a batch do on a failure
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        batch.write(bug, db)
    assert committed(db) == ["a"] and not db.conn.in_transaction
    batch.write(page, db, "b")  # the next write opens a new batch
    batch.commit()
    assert committed(db) == ["a", "b"]


def test_a_batch_that_cannot_be_written_again_at_once_is_written_write_by_write(db):
    """The disk still full when the batch is written again: one transaction per
    write, until one fails (here the first attempt only)."""
    batch = BatchWriter(db, pages=100, seconds=60, clock=Clock())
    full = [2]  # the failing write, then the first replay of "b"

    def flaky(db, url):
        if url == "b" and full[0]:
            full[0] -= 1
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return page(db, url)

    batch.write(flaky, db, "a")
    full[0] = 0
    batch.write(flaky, db, "b")
    full[0] = 2
    with pytest.raises(sqlite3.OperationalError, match="disk is full"):
        batch.write(flaky, db, "b")  # the page's own failure, then the batch's replay of "b"
    assert full[0] == 0
    assert committed(db) == ["a", "b"]
    assert not db.conn.in_transaction and not batch.open


@pytest.mark.crawl
def test_a_slow_crawl_commits_each_page_within_the_time_limit_not_at_the_end(tmp_path):
    """With one page a second and batches of 50, pages are only committed by the
    store pipeline's timer (ARCHIVE_COMMIT_SECONDS): a reader must see them while
    the crawl still runs."""
    import signal
    import time

    from sample_truth import CENTER_PATH
    from test_kills import crawl_process
    from conftest import live_count

    from condition_archive.sample_site import SampleSite

    with SampleSite(version="2025") as site:
        db = tmp_path / "archive.db"
        proc = crawl_process(site.url(CENTER_PATH), db, {"DOWNLOAD_DELAY": 1.0, "DOWNLOAD_DELAY_JITTER": 0,
                                                         "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                                                         "ARCHIVE_COMMIT_SECONDS": 0.2})
        try:
            seen = 0
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline and seen < 2:
                seen = live_count(db, "SELECT count(*) FROM fetches WHERE outcome = 'fetched'")
                time.sleep(0.05)
            # Committed a page or two at a time, not all 25 pages at the end.
            assert 2 <= seen < 10, seen
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
