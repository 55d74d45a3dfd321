"""Group the store's one-transaction-per-page writes into fewer commits.

Every `Archive.record_*` call is atomic on its own (memo.MemoWrites._write: a
transaction of its own, or inside this writer's batch undone with the batch, whose
earlier writes are then written again). A crawl writes a page every few
milliseconds, and a commit per page was half of the store's time (FTS5
flushes its index and the WAL is appended and checkpointed at every commit), so
`BatchWriter` keeps one transaction open for up to `pages` writes or `seconds`:

- a write that fails leaves nothing of itself and keeps the batch's earlier pages:
  a write that undoes itself (a savepoint) leaves the transaction open, and the
  pages before it are committed; one that ends the transaction instead (the
  Archive's writes inside their batch, which open no savepoint: see
  memo.MemoWrites._write; or SQLite on a full disk) has taken those pages with
  it, and they are written again, in one new transaction, or one transaction
  each when that fails too, until one fails;
- a crash or SIGKILL loses at most the open batch: those pages have no ledger
  row, so `crawl --resume` fetches them again; the file is never corrupt.

Pure SQLite: the store pipeline calls `commit_if_due()` on a timer and `commit()` at the end. A
`listener` (the Archive, through `Archive.batch_writer`) is told when a batch
begins, when it is about to commit (it writes what it kept for the batch), and
how it ended, so that what it keeps in memory
follows the transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Protocol

import sqlite_utils


class Listener(Protocol):
    def batch_begun(self) -> None: ...

    def batch_committing(self) -> None: ...

    def batch_ended(self, committed: bool) -> None: ...


class BatchWriter:
    def __init__(self, db: sqlite_utils.Database, pages: int = 50, seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, listener: Listener | None = None):
        self.db = db
        self.listener = listener
        self.begun = False  # the listener was told a batch began, and not yet how it ended
        self.pages = max(1, pages)
        self.seconds = seconds
        self.clock = clock
        self.pending: list[tuple[Callable, tuple]] = []  # writes of the open batch, to replay
        self.opened_at = 0.0

    @property
    def open(self) -> bool:
        return bool(self.pending)

    def write(self, fn: Callable, *args):
        """Run `fn(*args)` (one atomic archive write) inside the open batch;
        commit when the batch is full or old. Returns what `fn` returns."""
        conn = self.db.conn
        if self.pages == 1:
            return fn(*args)  # every write its own transaction
        if not conn.in_transaction:
            self._begin()
        try:
            result = fn(*args)
        except BaseException as exc:
            # An OSError too (a capture that could not be read or written): the
            # batch's earlier pages are committed through the listener, full
            # text indexed, rather than left in a transaction someone else commits.
            # Any failure that ended the transaction took those pages: written again.
            if isinstance(exc, (sqlite3.Error, OSError)) or not conn.in_transaction:
                self._save_before_failure()
            raise
        self.pending.append((fn, args))
        if len(self.pending) >= self.pages or self.clock() - self.opened_at >= self.seconds:
            self.commit()
        return result

    def _begin(self) -> None:
        self.db.conn.execute("BEGIN")
        self.opened_at = self.clock()
        if self.listener is not None:
            self.begun = True
            self.listener.batch_begun()

    def commit_if_due(self) -> float:
        """Commit the open batch once it is `seconds` old; else return the seconds
        left until it is (0.0 when nothing is left open). For a timer: the batch it
        was set for may have committed by its size since, and committing the younger
        one that followed would cut it short (a crawl's batches were then a few
        pages, each commit rewriting the same index pages)."""
        if self.pending:
            left = self.opened_at + self.seconds - self.clock()
            if left > 0:
                return left
        self.commit()
        return 0.0

    def commit(self) -> None:
        """Commit the open batch (nothing to do when none is open)."""
        conn = self.db.conn
        if not conn.in_transaction:
            self.pending.clear()
            self._ended(False)  # gone without a word: none of it was kept
            return
        try:
            self._committing()
            conn.execute("COMMIT")
        except sqlite3.Error:
            self._save_before_failure()
            raise
        self.pending.clear()
        self._ended(True)

    def _committing(self) -> None:
        if self.begun:
            self.listener.batch_committing()

    def _ended(self, committed: bool) -> None:
        if self.begun:
            self.begun = False
            self.listener.batch_ended(committed)

    def _save_before_failure(self) -> None:
        """Keep what the batch wrote before a failure: commit it if the
        transaction survived, else write it again (_replay)."""
        conn = self.db.conn
        pending, self.pending = self.pending, []
        if conn.in_transaction:
            try:
                self._committing()
                conn.execute("COMMIT")
                self._ended(True)
                return
            except sqlite3.Error:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
        self._ended(False)
        self._replay(pending)

    def _replay(self, pending: list[tuple[Callable, tuple]]) -> None:
        """Write again the writes a lost transaction took: in one new transaction, as
        the batch they were; when that fails too (a disk that stays full), one
        transaction per write until one fails (a full disk may still take the first few)."""
        if not pending:
            return
        conn = self.db.conn
        try:
            self._begin()
            for fn, args in pending:
                fn(*args)
            self._committing()
            conn.execute("COMMIT")
            self._ended(True)
            return
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._ended(False)
            if not isinstance(exc, (sqlite3.Error, OSError)):
                raise
        for fn, args in pending:
            try:
                fn(*args)
            except (sqlite3.Error, OSError):
                return
