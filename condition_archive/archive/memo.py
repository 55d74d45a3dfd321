"""What the store keeps in memory between writes, so that a crawl does not look the
same rows up on every page or update its crawl row once per page.

- Ids of rows it found or made: link blocks (a site's menus and footers), date
  sources, each site's dictionary, header templates, URLs and link anchors. A rolled-back INSERT gives its id to the next
  row, so an id counts only once the transaction that found or made it has
  committed: until then it is tentative, and a rollback drops the tentative ones.
- Inside a batch (archive/batch.py), the crawl counters, the next free link id and
  the pages' link runs, written once, just before the batch commits: in the same transaction as the
  pages they count, so a kill loses both or neither, and a reader always sees
  counts that match the pages.

One Memo per Archive, i.e. per connection and writer; it only learns of commits and
rollbacks through the Archive's own writes and its BatchWriter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import ftsbatch, linkstore
from .batch import BatchWriter
from .db import load_schema

BLOCKS_KEPT = 50_000  # block ids kept (a few MB); then forgotten at once and learnt again
URLS_KEPT = 100_000  # URL and link anchor ids kept (some 15 MB each at most), alike
# Header templates kept: a server that sends a per-response header (a cookie, a request
# id) makes a new template at every fetch, and each key is its headers' JSON.
TEMPLATES_KEPT = 10_000
CAPTURES_KEPT = 200_000  # captures' SHA-256s known (some 25 MB at most)


class IdCache:
    """Ids by key: those of committed transactions, and those of the open one.
    `complete`: every row of the table is in it (loaded whole, see `load`), so a key
    it lacks is new; the caller then inserts with the table's unique key as the net
    (INSERT OR IGNORE) and clears the flag when a row was there after all."""

    def __init__(self, limit: int | None = None):
        self.durable: dict = {}
        self.tentative: dict = {}
        self.limit = limit
        self.complete = False
        self.loaded = False  # load() was tried (once per Memo)

    def load(self, conn: sqlite3.Connection, sql: str) -> None:
        """Every (key, id) `sql` reads, when they are within the limit: complete then."""
        self.loaded = True
        limit = self.limit if self.limit is not None else 1 << 62
        rows = conn.execute(f"{sql} LIMIT ?", [limit + 1]).fetchall()
        if len(rows) <= limit:
            self.durable.update(rows)
            self.complete = True

    def get(self, key, default=None):
        found = self.tentative.get(key)
        if found is not None:
            return found
        return self.durable.get(key, default)

    def __setitem__(self, key, value) -> None:
        self.tentative[key] = value

    def committed(self) -> None:
        if self.limit is not None and len(self.durable) + len(self.tentative) > self.limit:
            self.durable.clear()
            self.complete = False
        self.durable.update(self.tentative)
        self.tentative.clear()

    def rolled_back(self) -> None:
        self.tentative.clear()


class KeySet:
    """Every key of a table's unique column (and perhaps some rolled back), once
    loaded: a key not in it is surely new, so the store need not look it up. Keys
    added by another writer since are caught by the unique column (the caller
    inserts with OR IGNORE and then drops the set). None: not loaded, or too many."""

    def __init__(self, limit: int):
        self.keys: set | None = None
        self.loaded = False
        self.limit = limit

    def load(self, conn: sqlite3.Connection, sql: str) -> None:
        self.loaded = True
        rows = conn.execute(f"{sql} LIMIT ?", [self.limit + 1]).fetchall()
        self.keys = {r[0] for r in rows} if len(rows) <= self.limit else None

    def surely_new(self, key) -> bool:
        return self.keys is not None and key not in self.keys

    def add(self, key) -> None:
        keys = self.keys
        if keys is not None:
            keys.add(key)
            if len(keys) > self.limit:
                self.keys = None

    def drop(self) -> None:
        self.keys = None


@dataclass
class Memo:
    blocks: IdCache = field(default_factory=lambda: IdCache(BLOCKS_KEPT))  # link_blocks.id by hash
    date_sources: IdCache = field(default_factory=IdCache)  # date_sources.id by (field, source)
    site_keys: IdCache = field(default_factory=IdCache)  # (capture_dicts.id, zstd id) by site; False: none
    templates: IdCache = field(default_factory=lambda: IdCache(TEMPLATES_KEPT))  # ledger_headers.id by template
    urls: IdCache = field(default_factory=lambda: IdCache(URLS_KEPT))  # urls.id by URL
    anchors: IdCache = field(default_factory=lambda: IdCache(URLS_KEPT))  # link_anchors.id by (href, text, region, section)
    counts: dict[tuple[int, str], int] = field(default_factory=dict)  # (crawl id, column): to add
    # Whether a crawl has a "moved" change (a write that is rolled back may leave True: only a
    # SELECT more); only this Archive writes its crawl's changes while it holds the crawl.
    moved: dict[int, bool] = field(default_factory=dict)
    captures: KeySet = field(default_factory=lambda: KeySet(CAPTURES_KEPT))  # captures.sha256
    url_floor: int | None = None  # the open batch's first urls id: a URL from there on is its own
    next_link: int | None = None  # the next free links.id, while a batch is open
    # The batch's link_runs rows, written in one statement just before it commits: no
    # row id, and nothing reads them while the batch writes (linkstore.write_runs).
    runs: list[tuple] = field(default_factory=list)
    sequence_dirty: bool = False  # link_sequence is behind next_link
    batch_open: bool = False  # inside a BatchWriter's transaction, which tells how it ends
    depth: int = 0  # Archive writes under way (0: a subclass writing on its own)

    @property
    def caches(self) -> tuple[IdCache, ...]:
        return self.blocks, self.date_sources, self.site_keys, self.templates, self.urls, self.anchors

    def snapshot(self) -> tuple:
        return dict(self.counts), self.next_link, self.sequence_dirty, len(self.runs)

    def restore(self, saved: tuple) -> None:
        """Back to before a write that failed (its savepoint was rolled back)."""
        self.counts, self.next_link, self.sequence_dirty, kept = saved
        del self.runs[kept:]  # the failed write's link runs, never written
        self.url_floor = None
        for cache in self.caches:
            cache.rolled_back()

    def committed(self) -> None:
        self.url_floor = None
        for cache in self.caches:
            cache.committed()

    def rolled_back(self) -> None:
        """The open transaction is gone, with whatever it wrote."""
        self.counts.clear()
        self.next_link = None
        self.url_floor = None
        self.sequence_dirty = False
        self.runs.clear()
        for cache in self.caches:
            cache.rolled_back()

    def flush(self, conn: sqlite3.Connection) -> None:
        """Write the link runs, the counters and the next link id (in the open transaction)."""
        if self.runs:
            linkstore.write_runs(conn, self.runs)
            self.runs.clear()  # once written: a failed COMMIT retried writes them once
        for crawl_id in sorted({key[0] for key in self.counts}):
            columns = sorted(column for cid, column in self.counts if cid == crawl_id)
            sets = ", ".join(f"[{c}] = coalesce([{c}], 0) + ?" for c in columns)
            conn.execute(f"UPDATE crawls SET {sets} WHERE id = ?",
                         [self.counts[(crawl_id, c)] for c in columns] + [crawl_id])
            for column in columns:  # gone once written: a failed COMMIT retried adds nothing twice
                del self.counts[(crawl_id, column)]
        if self.sequence_dirty:
            conn.execute("INSERT OR REPLACE INTO link_sequence (id, next_id) VALUES (1, ?)", [self.next_link])
            self.sequence_dirty = False


class MemoWrites:
    """The Archive's transactions, which keep its Memo in step (a mixin: it uses
    the Archive's db, memo, codecs and _inserted)."""

    _fts_batch: bool | None = None  # its batches index full text in one statement (archive/ftsbatch.py)

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One atomic write: a transaction, or a savepoint inside someone else's open
        one, or inside this Archive's own batch neither (_batch_failed). What the memo
        learnt stays only once it is known to be committed: at once for a transaction
        of its own, at the batch's commit inside a batch, never inside someone else's
        transaction (whose end it does not see)."""
        conn, memo = self.db.conn, self.memo
        if memo.batch_open and conn.in_transaction:  # this Archive's own batch: no savepoint
            memo.depth += 1
            self.codecs.keys = memo.site_keys
            try:
                yield
            except BaseException:
                self._batch_failed()
                raise
            finally:
                self._left()
            return
        nested = conn.in_transaction
        saved = memo.snapshot()
        conn.execute("SAVEPOINT archive_write" if nested else "BEGIN")
        memo.depth += 1
        self.codecs.keys = memo.site_keys
        try:
            yield
            if not memo.batch_open:  # else just before the batch commits
                memo.flush(conn)
            conn.execute("RELEASE archive_write" if nested else "COMMIT")
        except BaseException:
            if conn.in_transaction and nested:  # else a failure (a full disk, RAISE(ROLLBACK)) took it all
                conn.execute("ROLLBACK TO archive_write")
                conn.execute("RELEASE archive_write")
            elif conn.in_transaction:
                conn.execute("ROLLBACK")
            memo.restore(saved)
            raise
        finally:
            self._left()
        if not nested:
            memo.committed()
        elif not memo.batch_open:
            memo.rolled_back()
        if not memo.batch_open:
            memo.next_link = None

    def _batch_failed(self) -> None:
        """A write inside this Archive's own batch failed. It opened no savepoint:
        SQLite journals the original 16 KiB image of every database page a savepoint
        changes (to a temp file), some 350 KiB a new page: a tenth of the store's CPU
        time, most of it the kernel's.
        So the whole batch is rolled back instead, and the BatchWriter writes its
        earlier pages again (batch.BatchWriter._replay): nothing of the failed write
        stays, nothing before it is lost."""
        if self.db.conn.in_transaction:  # else a failure (a full disk, RAISE(ROLLBACK)) took it all
            self.db.conn.execute("ROLLBACK")
        self.memo.rolled_back()  # and batch_ended(False), once the BatchWriter sees the transaction gone
        self.codecs.deferred.clear()  # their empty rows are gone

    def _left(self) -> None:
        self.memo.depth -= 1
        if not self.memo.depth:
            self.codecs.keys = None
            self._inserted = None

    def batch_writer(self, pages: int = 50, seconds: float = 1.0) -> BatchWriter:
        """A BatchWriter for this archive's record_* calls that tells it how each batch ends."""
        return BatchWriter(self.db, pages, seconds, listener=self)

    def batch_begun(self) -> None:
        memo = self.memo
        memo.batch_open = True
        # Once: every URL and capture digest of an archive of reasonable size, so that the
        # new ones (most of a first crawl's) are inserted without a SELECT that finds nothing.
        if not memo.urls.loaded:
            memo.urls.load(self.db.conn, "SELECT url, id FROM urls")
        if not memo.captures.loaded:
            memo.captures.load(self.db.conn, "SELECT sha256 FROM captures")
        if self._fts_batch is None:
            self._fts_batch = ftsbatch.can_defer(self.db.conn, load_schema())
        if self._fts_batch:
            ftsbatch.begin(self.db.conn, load_schema())

    def batch_committing(self) -> None:
        """The batch's captures, full-text index, counters and next link id, in its transaction, before its COMMIT."""
        self.codecs.finish()
        if self._fts_batch:
            ftsbatch.index(self.db.conn, load_schema())
        self.memo.flush(self.db.conn)

    def batch_ended(self, committed: bool) -> None:
        """Called by the BatchWriter once its transaction committed or is gone."""
        self.memo.batch_open = False
        self.memo.url_floor = None
        if committed:
            self.memo.committed()
        else:
            self.memo.rolled_back()
            self.codecs.deferred.clear()  # their empty rows are gone
        self.memo.next_link = None
