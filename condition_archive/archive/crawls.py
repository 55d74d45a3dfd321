"""Crawl lifecycle in the archive: the crawls table, the one-writer lock, resuming.

A crawl holds an exclusive lock beside the archive (`archive.db.lock`) and on the
archive file itself for its whole run, so a second crawl on the same archive, by
whatever name, is refused at once. The locks are fcntl locks: the kernel drops
them when the process dies, kill -9 included, so a killed crawl never leaves a
stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import sqlite_utils

from condition_archive import __version__
from .db import release_free_pages
from .store import utc_now


class CrawlBusy(Exception):
    """Another crawl is writing to the same archive."""


class CrawlLock:
    """The one-writer lock of an archive: an fcntl lock on `archive.db.lock` (which
    also says who holds it) and, when the archive exists, on the archive file itself,
    so a second name for the same file (a hard link, another path) is refused too.
    The lock file is removed on release; the kernel drops both locks if the process
    dies, so a killed crawl leaves no stale lock."""

    def __init__(self, db_path: str | Path):
        self.db = Path(db_path)
        self.path = Path(f"{db_path}.lock")
        self._fh = self._db_fh = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while self._fh is None:
            fh = self.path.open("a+")
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                fh.close()
                raise self._busy(holder) from None
            if _same_file(fh, self.path):
                self._fh = fh
            else:  # the holder released (and removed) it meanwhile: lock the new one
                fh.close()
        if self.db.is_file():
            self._lock_db()
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(f"pid {os.getpid()}")
        self._fh.flush()

    def _lock_db(self) -> None:
        self._db_fh = self.db.open("rb")
        try:
            fcntl.flock(self._db_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            raise self._busy("another process, through another name for the same file") from None

    def _busy(self, holder: str) -> CrawlBusy:
        return CrawlBusy(f"another crawl ({holder}) is writing to {self.db}: "
                         "wait for it to finish, or use another --db")

    def release(self) -> None:
        if self._fh is not None:
            self.path.unlink(missing_ok=True)  # while still locked: a waiter sees a new file
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
        if self._db_fh is not None:
            self._db_fh.close()
            self._db_fh = None

    def __enter__(self) -> "CrawlLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _same_file(fh, path: Path) -> bool:
    try:
        return os.fstat(fh.fileno()).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


def start_crawl(db: sqlite_utils.Database, seeds: list[str], settings: dict,
                extractor_version: str, now: str | None = None) -> int:
    table = db["crawls"]
    table.insert({
        "started_at": now or utc_now(), "status": "running", "seeds": json.dumps(seeds),
        "settings": json.dumps(settings, sort_keys=True), "code_version": __version__,
        "extractor_version": extractor_version, "pid": os.getpid(), "resumes": 0,
        "pages_new": 0, "pages_changed": 0, "pages_unchanged": 0, "not_modified": 0,
        "removed": 0, "moved": 0, "errors": 0, "skipped": 0, "robots_denied": 0, "broken": 0,
    })
    return table.last_pk


def resumable_crawl(db: sqlite_utils.Database) -> dict | None:
    """The latest crawl that did not finish (killed or interrupted), if any.

    Only called while holding the CrawlLock, so a crawl still marked "running"
    cannot really be running: its process died.
    """
    rows = list(db.query(
        "SELECT * FROM crawls WHERE status IN ('running', 'interrupted', 'failed') ORDER BY id DESC LIMIT 1"
    ))
    return rows[0] if rows else None


def mark_dead(db: sqlite_utils.Database) -> int:
    """Crawls still marked running whose process died (we hold the lock, so none
    can be running) become interrupted; they stay resumable. Returns how many."""
    cursor = db.execute("UPDATE crawls SET status = 'interrupted', "
                        "finish_reason = coalesce(finish_reason, 'process died before the crawl ended') "
                        "WHERE status = 'running'")
    return cursor.rowcount


def resume_crawl(db: sqlite_utils.Database, crawl: dict) -> int:
    db["crawls"].update(crawl["id"], {"status": "running", "pid": os.getpid(),
                                      "resumes": (crawl["resumes"] or 0) + 1, "ended_at": None})
    return crawl["id"]


def finish_crawl(db: sqlite_utils.Database, crawl_id: int, status: str, reason: str,
                 now: str | None = None) -> None:
    db["crawls"].update(crawl_id, {"status": status, "finish_reason": reason,
                                   "ended_at": now or utc_now()})
    release_free_pages(db)


# The reason of the row that records a redirect onto a page the crawl fetches
# directly: it keeps the hops, and says nothing of whether that fetch was stored.
REDIRECT_TARGET = "redirect target, fetched on its own"


def done_urls(db: sqlite_utils.Database, crawl_id: int) -> set[str]:
    """URLs this crawl already has a final ledger row for (resume skips them)."""
    return {row[0] for row in db.execute(
        "SELECT url FROM fetches WHERE crawl_id = ? AND outcome != 'redirected' "
        "AND NOT (outcome = 'skipped' AND reason = ?)", [crawl_id, REDIRECT_TARGET])}


def stored_links(db: sqlite_utils.Database, url: str, regions: tuple[str, ...]) -> list[str]:
    """Links of the page's current version in the given regions, in page order."""
    marks = ",".join("?" * len(regions))
    return [row[0] for row in db.execute(
        f"SELECT l.href FROM pages p JOIN links l ON l.version_id = p.current_version_id "
        f"WHERE p.url = ? AND l.region IN ({marks}) ORDER BY l.position", [url, *regions])]


def validators(db: sqlite_utils.Database) -> dict[str, tuple[str | None, str | None]]:
    """ETag and Last-Modified of every live page, for conditional re-crawls."""
    return {row[0]: (row[1], row[2]) for row in db.execute(
        "SELECT url, etag, last_modified FROM pages WHERE state = 'live' "
        "AND (etag IS NOT NULL OR last_modified IS NOT NULL)")}


def known_pages(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """(url, smallest depth it was reached at) of every live page, in first-seen order."""
    return [(row[0], row[1]) for row in db.execute(
        "SELECT p.url, min(f.depth) FROM pages p JOIN fetches f ON f.page_id = p.id "
        "WHERE p.state = 'live' AND f.outcome IN ('fetched', 'not-modified') GROUP BY p.id ORDER BY p.id")]
