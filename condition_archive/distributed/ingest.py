"""The ingest: the one process that writes the archive of a distributed crawl.

It reads the crawl's stream in the consumer group `ingest` and writes each batch
of entries in one SQLite transaction with the store's own calls
(store.Archive.record_page / record_outcome / record_unextracted), recording
each entry id in `stream_entries` in the same transaction. Only after COMMIT
does it XACK (and XDEL) the entries. Killed before the commit: the entries are
delivered again and written. Killed after it: they are delivered again and
skipped by their id. Nothing lost, nothing twice.

A URL is written once per crawl, as in one process: an entry for a URL that
already has a final ledger row in the crawl is dropped, or, when it came
through redirects, becomes the "redirect target, fetched on its own" row with
its hops (what one process records when it meets the page twice).
"""

from __future__ import annotations

import json
import pickle
import sqlite3
import time
import zlib
from dataclasses import dataclass, replace

import redis

from condition_archive.archive import crawls
from condition_archive.archive.crawls import CrawlLock
from condition_archive.archive.db import open_archive
from ..extract import EXTRACTOR_VERSION
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.archive.rows import utc_now
from condition_archive.archive.store import Archive
from .keys import GROUP, Keys
from .redisq import publish_view

BATCH = 100


@dataclass
class IngestStats:
    entries: int = 0
    written: int = 0
    duplicates: int = 0
    crawls_finished: int = 0


class Ingest:
    def __init__(self, server, keys: Keys, db_path: str, consumer: str = "ingest", block_ms: int = 1000):
        self.server, self.keys, self.path = server, keys, db_path
        self.consumer, self.block_ms = consumer, block_ms
        self.stats = IngestStats()
        self.db = self.archive = None
        self.lock = CrawlLock(db_path)

    def open(self) -> None:
        self.lock.acquire()  # the one writer: no crawl or other ingest on this archive meanwhile
        self.db = open_archive(self.path)
        self.archive = Archive(self.db)
        try:
            self.server.xgroup_create(self.keys.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
        self.lock.release()

    def run(self, until_finished: bool = False, idle_exit: float = 0.0) -> IngestStats:
        """Ingest until the crawl is finished (until_finished) or forever; entries delivered to
        this consumer before a kill come first."""
        self.open()
        try:
            backlog, idle_since = True, time.monotonic()
            while True:
                start = "0" if backlog else ">"
                got = self.server.xreadgroup(GROUP, self.consumer, {self.keys.stream: start}, count=BATCH,
                                             block=None if backlog else self.block_ms)
                entries = got[0][1] if got else []
                if backlog and not entries:
                    backlog = False
                    continue
                if entries:
                    idle_since = time.monotonic()
                    finished = self.ingest(entries)
                    if finished and until_finished:
                        return self.stats
                elif idle_exit and time.monotonic() - idle_since > idle_exit:
                    return self.stats
        finally:
            self.close()

    def ingest(self, entries: list) -> bool:
        """Write one batch in one transaction, then acknowledge it. True when it ended a crawl."""
        conn = self.db.conn
        conn.execute("BEGIN")
        after: list = []
        try:
            for entry_id, fields in entries:
                self._entry(entry_id.decode(), fields, after)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        ids = [entry_id for entry_id, _ in entries]
        for action, _ in after:  # Redis state that follows a committed start or end
            action()
        self.server.xack(self.keys.stream, GROUP, *ids)
        self.server.xdel(self.keys.stream, *ids)
        self.stats.entries += len(entries)
        return any(ends for _, ends in after)

    def _entry(self, entry_id: str, fields: dict, after: list) -> None:
        kind = fields.get(b"type", b"").decode()
        seen = self.db.execute("SELECT crawl_id FROM stream_entries WHERE entry_id = ?", [entry_id]).fetchone()
        if kind == "start":
            options = json.loads(fields[b"options"])
            crawl_id = seen[0] if seen else self._start(options)
            after.append((lambda c=crawl_id, o=options: self._publish(c, o), False))
        elif seen:
            self.stats.duplicates += 1
            if kind == "end":
                after.append((self._finished, True))
            return
        elif kind == "item":
            crawl_id = self._crawl_id()
            self._item(crawl_id, pickle.loads(fields[b"item"]))
        elif kind == "end":
            crawl_id = self._crawl_id()
            self.archive.refresh_card_changes(crawl_id)
            crawls.finish_crawl(self.db, crawl_id, "finished", "finished")
            after.append((self._finished, True))
        else:
            crawl_id = None
        if not seen:
            self.db.execute("INSERT INTO stream_entries (entry_id, crawl_id, kind, at) VALUES (?, ?, ?, ?)",
                            [entry_id, crawl_id, kind, utc_now()])

    def _start(self, options: dict) -> int:
        unfinished = crawls.resumable_crawl(self.db) if options.get("resume") else None
        crawls.mark_dead(self.db)
        if unfinished:
            return crawls.resume_crawl(self.db, unfinished)
        settings = {k: options.get(k) for k in ("depth", "max_pages", "delay", "day_first_sites")}
        settings.update(options.get("site") or {})
        settings["distributed"] = {"redis_crawl": self.keys.name, "ingest": "stream", "workers": "any"}
        return crawls.start_crawl(self.db, list(options["urls"]), settings, EXTRACTOR_VERSION)

    def _publish(self, crawl_id: int, options: dict) -> None:
        state = self.server.hgetall(self.keys.state)
        if state.get(b"status") in (b"ready", b"finished"):
            return
        publish_view(self.server, self.keys, self.db, crawl_id, bool(options.get("resume")))
        self.server.hset(self.keys.state, mapping={"status": "ready", "crawl_id": crawl_id})

    def _finished(self) -> None:
        self.server.hset(self.keys.state, "status", "finished")
        self.stats.crawls_finished += 1

    def _crawl_id(self) -> int:
        raw = self.server.hget(self.keys.state, "crawl_id")
        if raw is None:
            raise RuntimeError(f"an entry of crawl {self.keys.name!r} came before its start: "
                               "start the crawl with `condition-archive crawl --redis`")
        return int(raw)

    def _item(self, crawl_id: int, item) -> None:
        url = item.url
        if self._done(crawl_id, url):
            self.stats.duplicates += 1
            if item.redirects:
                self.archive.record_outcome(crawl_id, _redirect_target(item))
            return
        if isinstance(item, FetchedPage):
            if not item.body and item.packed is not None:
                item = replace(item, body=zlib.decompress(item.packed.data))
            if item.failure:
                self.archive.record_unextracted(crawl_id, item, item.failure)
            else:
                self.archive.record_page(crawl_id, item, item.extract, EXTRACTOR_VERSION)
        elif isinstance(item, Outcome):
            self.archive.record_outcome(crawl_id, item)
        self.stats.written += 1

    def _done(self, crawl_id: int, url: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM fetches WHERE crawl_id = ? AND url = ? AND outcome != 'redirected' "
            "AND NOT (outcome = 'skipped' AND reason = ?) LIMIT 1",
            [crawl_id, url, crawls.REDIRECT_TARGET]).fetchone() is not None


def _redirect_target(item) -> Outcome:
    return Outcome(item.url, "skipped", crawls.REDIRECT_TARGET, item.fetched_at, status=item.status,
                   depth=item.depth, referer=item.referer, headers=dict(item.headers),
                   redirects=list(item.redirects))


__all__ = ["Ingest", "IngestStats", "sqlite3"]
