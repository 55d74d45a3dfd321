"""Crawl progress for people: a Scrapy extension.

In a terminal it keeps one line up to date (fetched, queued, in flight, errors,
rate) by rewriting it with a carriage return; log lines clear it before they print.
Without a terminal it logs the same figures as plain lines every
PROGRESS_LOG_INTERVAL seconds. Every crawl ends with a summary (new, changed,
unchanged, errors, ...) read back from the archive's crawls row, and the Datasette
URL where the details are.

Enable with EXTENSIONS = {"condition_archive.crawl.progress.CrawlProgress": 500}.
Settings: PROGRESS_INTERVAL (terminal refresh, s), PROGRESS_LOG_INTERVAL (s),
PROGRESS_TTY (None: detect; True/False: force), ARCHIVE_DATASETTE_URL.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from scrapy import signals

from condition_archive.archive.db import connect_readonly

logger = logging.getLogger(__name__)
CLEAR_LINE = "\r\x1b[K"
RATE_WINDOW = 10.0  # seconds of history behind the rate shown


@dataclass(frozen=True)
class Snapshot:
    crawl_id: int | None
    fetched: int
    queued: int
    in_flight: int
    errors: int
    rate: float  # responses per second over the last RATE_WINDOW seconds
    elapsed: float


def progress_line(s: Snapshot) -> str:
    minutes, seconds = divmod(int(s.elapsed), 60)
    crawl = f"crawl {s.crawl_id}: " if s.crawl_id else ""
    return (f"{crawl}{s.fetched} fetched, {s.queued} queued, {s.in_flight} in flight, "
            f"{s.errors} error{'s' if s.errors != 1 else ''}, {s.rate:.1f} pages/s, {minutes}:{seconds:02d} elapsed")


def summary_lines(row: dict, details_url: str, db_path: str) -> list[str]:
    """The end-of-crawl summary from a crawls row."""
    seconds = row.get("seconds")
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    counts = (f"{row['pages_new']} new, {row['pages_changed']} changed, {row['pages_unchanged']} unchanged, "
              f"{row['not_modified']} not modified, {row['removed']} removed, {row['moved']} moved, "
              f"{row['errors']} error{'s' if row['errors'] != 1 else ''}")
    extra = [f"{row[key]} {label}" for key, label in
             (("skipped", "skipped"), ("robots_denied", "denied by robots.txt"), ("broken", "broken links"))
             if row.get(key)]
    if extra:
        counts += " (" + ", ".join(extra) + ")"
    return [f"crawl {row['id']} {row['status']}{took}: {counts}",
            f"details: {details_url}  (open it with `condition-archive serve --db {db_path}`)"]


def details_url(base: str, db_path: str, crawl_id: int) -> str:
    return (f"{base.rstrip('/')}/{Path(db_path).stem}/changes_between"
            f"?since={max(crawl_id - 1, 0)}&until={crawl_id}")


def _queue_sizes(engine) -> tuple[int, int]:
    """(waiting in the scheduler or behind a host's delay, being downloaded now)."""
    if engine is None:
        return 0, 0
    scheduler = getattr(engine, "scheduler", None)
    queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
    slots = getattr(getattr(engine, "downloader", None), "slots", {}) or {}
    queued += sum(len(getattr(slot, "queue", ())) for slot in slots.values())
    return queued, sum(len(getattr(slot, "transferring", ())) for slot in slots.values())


class _ClearLine(logging.Filter):
    """Wipes the progress line before a log record is printed over it."""

    def __init__(self, progress: "CrawlProgress"):
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


class CrawlProgress:
    def __init__(self, crawler, stream: TextIO | None = None, tty: bool | None = None,
                 now: Callable[[], float] = time.monotonic):
        settings = crawler.settings
        self.crawler = crawler
        self.stream = stream if stream is not None else sys.stderr
        forced = settings.get("PROGRESS_TTY")
        detected = bool(getattr(self.stream, "isatty", lambda: False)())
        self.tty = tty if tty is not None else (detected if forced in (None, "") else settings.getbool("PROGRESS_TTY"))
        self.interval = settings.getfloat("PROGRESS_INTERVAL", 0.5) if self.tty else \
            settings.getfloat("PROGRESS_LOG_INTERVAL", 15.0)
        self.db_path = settings.get("ARCHIVE_DB", "archive.db")
        self.datasette = settings.get("ARCHIVE_DATASETTE_URL", "http://127.0.0.1:8001")
        self.now = now
        self.started = now()
        self.history: deque[tuple[float, int]] = deque()
        self.shown = False
        self.task = None
        self._filter = _ClearLine(self)

    @classmethod
    def from_crawler(cls, crawler) -> "CrawlProgress":
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    # -- signals -------------------------------------------------------------------

    def spider_opened(self, spider) -> None:
        from scrapy.utils.asyncio import create_looping_call

        self.started = self.now()
        if self.tty:
            for handler in logging.getLogger().handlers:
                handler.addFilter(self._filter)
        self.task = create_looping_call(self.tick)
        self.task.start(self.interval, now=False)

    def engine_stopped(self) -> None:
        """After every spider_closed handler: the store has written the crawl's final row."""
        if self.task is not None and self.task.running:
            self.task.stop()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self._filter)
        self.clear()
        for line in self.summary():
            self.stream.write(line + "\n")
        self.stream.flush()

    # -- figures ------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        stats = self.crawler.stats
        try:
            engine = self.crawler.engine
        except RuntimeError:  # not started yet
            engine = None
        fetched = stats.get_value("response_received_count", 0)
        errors = stats.get_value("archive/outcome/error", 0) + stats.get_value("spider_exceptions/count", 0)
        queued, in_flight = _queue_sizes(engine)
        t = self.now()
        self.history.append((t, fetched))
        while len(self.history) > 2 and t - self.history[0][0] > RATE_WINDOW:
            self.history.popleft()
        t0, f0 = self.history[0]
        rate = (fetched - f0) / (t - t0) if t > t0 else 0.0
        return Snapshot(stats.get_value("archive/crawl_id"), fetched, queued, in_flight, errors, rate,
                        t - self.started)

    def tick(self) -> None:
        line = progress_line(self.snapshot())
        if self.tty:
            self.stream.write(CLEAR_LINE + line)
            self.stream.flush()
            self.shown = True
        else:
            logger.info("progress: %s", line)

    def clear(self) -> None:
        if self.shown:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self.shown = False

    def summary(self) -> list[str]:
        crawl_id = self.crawler.stats.get_value("archive/crawl_id")
        if crawl_id is None:
            return ["crawl did not start: see the messages above"]
        row = self._crawl_row(crawl_id) or self._row_from_stats(crawl_id)
        row["seconds"] = self.now() - self.started
        return summary_lines(row, details_url(self.datasette, self.db_path, crawl_id), self.db_path)

    def _crawl_row(self, crawl_id: int) -> dict | None:
        try:
            conn = connect_readonly(self.db_path)
            conn.row_factory = sqlite3.Row
            try:
                row = conn.execute("SELECT * FROM crawls WHERE id = ?", [crawl_id]).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            logger.warning("progress: cannot read crawl %s from %s (%s); summary from stats", crawl_id,
                           self.db_path, exc)
            return None
        return dict(row) if row else None

    def _row_from_stats(self, crawl_id: int) -> dict:
        get = self.crawler.stats.get_value
        return {"id": crawl_id, "status": get("finish_reason", "ended"), "pages_new": get("archive/new", 0),
                "pages_changed": get("archive/changed", 0), "pages_unchanged": get("archive/unchanged", 0),
                "not_modified": get("archive/outcome/not-modified", 0), "removed": get("archive/outcome/gone", 0),
                "moved": get("archive/outcome/redirected", 0), "errors": get("archive/outcome/error", 0)}
