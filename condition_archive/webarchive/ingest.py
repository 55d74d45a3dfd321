"""Turn one dated capture (from a WARC record or a web archive's replay) into
archive rows, the way a crawl treats a live response: a 200 HTML page becomes a
capture (and a version when its content is new at that time); a 304, a redirect,
a 404/410, another error status, a non-HTML body are ledger rows saying so.

`Ingest` owns the run's row in the crawls table, made only when the first new
row is written: an import or backfill that finds nothing new adds nothing.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urljoin

import sqlite_utils

from condition_archive.archive import crawls
from ..extract import EXTRACTOR_VERSION
from condition_archive.crawl.items import Outcome
from condition_archive.crawl.worker import analyse_page
from .dated import DatedArchive, DatedCapture

HTML_TYPES = ("text/html", "application/xhtml+xml")


class Ingest:
    def __init__(self, db: sqlite_utils.Database, cause: str, seeds: list[str], settings: dict,
                 day_first_sites: tuple[str, ...] = ()):
        self.db, self.cause, self.seeds = db, cause, seeds
        self.settings = {"source": cause, **settings}
        self.day_first_sites = day_first_sites
        self.archive = DatedArchive(db)
        self.counts: Counter[str] = Counter()
        self._run_id: int | None = None

    @property
    def run_id(self) -> int:
        if self._run_id is None:
            crawls.mark_dead(self.db)
            self._run_id = crawls.start_crawl(self.db, self.seeds, self.settings, EXTRACTOR_VERSION)
        return self._run_id

    def capture(self, cap: DatedCapture) -> str:
        """Archive a response; returns what it became (new, changed, unchanged,
        earlier, or the ledger outcome)."""
        status = cap.status
        if status == 200:
            return self._page(cap)
        if status == 304:
            return self.outcome(cap, "not-modified", "HTTP 304")
        if status is not None and 300 <= status < 400:
            location = cap.headers.get("location", "")
            target = urljoin(cap.url, location) if location else None
            return self.outcome(cap, "redirected", f"HTTP {status} to {target or '(no Location)'}", target)
        if status in (404, 410):
            return self.outcome(cap, "gone", f"HTTP {status}")
        return self.outcome(cap, "error", f"HTTP {status}" if status else "no HTTP status")

    def outcome(self, cap: DatedCapture, outcome: str, reason: str, final_url: str | None = None) -> str:
        item = Outcome(cap.url, outcome, reason, cap.captured_at, status=cap.status, depth=cap.depth,
                       referer=cap.referer, headers=cap.headers)
        self.archive.record_dated_outcome(self.run_id, item, cap, final_url)
        self.counts[outcome] += 1
        return outcome

    def _page(self, cap: DatedCapture) -> str:
        ctype = cap.content_type.split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            return self.outcome(cap, "skipped", f"not html: {cap.content_type}")
        if not cap.body.strip():
            return self.outcome(cap, "error", "empty body: HTTP 200 with no content")
        try:
            problem, extract, packed = analyse_page(cap.body, cap.url, cap.headers, self.day_first_sites)
        except Exception as exc:  # noqa: BLE001 - an extraction bug must not stop the import
            return self.outcome(cap, "error", f"extraction failed: {type(exc).__name__}: {exc}")
        if problem:
            return self.outcome(cap, "skipped", problem)
        state = self.archive.record_capture(self.run_id, cap, extract, packed, EXTRACTOR_VERSION, self.cause)
        self.counts[state] += 1
        return state

    def finish(self, reason: str) -> None:
        if self._run_id is not None:
            self.archive.refresh_dated_card_changes(self._run_id)
            crawls.finish_crawl(self.db, self._run_id, "finished", reason)

    def summary(self) -> str:
        order = ("new", "changed", "earlier", "unchanged", "not-modified", "redirected", "gone", "error", "skipped")
        parts = [f"{self.counts[k]} {k}" for k in order if self.counts[k]]
        return ", ".join(parts) or "nothing new"
