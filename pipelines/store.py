"""Store pipeline: write each page or outcome to the archive, and own the crawl row.

It takes the archive's one-writer lock when the spider opens, starts (or, with
ARCHIVE_RESUME, resumes) the crawl row, and closes it with how the crawl ended.
A storage failure stops the crawl: Scrapy would otherwise log the exception and
go on dropping every later page.
"""

from __future__ import annotations

import asyncio
import sqlite3

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.reactor import CallLaterOnce

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.extract import EXTRACTOR_VERSION
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.archive.store import Archive


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("ARCHIVE_DB")
        self.resume = crawler.settings.getbool("ARCHIVE_RESUME")
        self.lock = crawls.CrawlLock(self.path)
        self.failure: str | None = None
        self.db = self.archive = self.crawl_id = self.batch = None
        # Pages per commit, and the longest a written page waits for its commit
        # (condition_archive/archive/batch.py; a kill loses at most that, --resume refetches it).
        self.commit_pages = crawler.settings.getint("ARCHIVE_COMMIT_PAGES", 50)
        self.commit_seconds = crawler.settings.getfloat("ARCHIVE_COMMIT_SECONDS", 1.0)
        self.flush = CallLaterOnce(self._flush)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.lock.acquire()
        self.db = open_archive(self.path)
        self.archive = Archive(self.db)
        spider = self.crawler.spider
        unfinished = crawls.resumable_crawl(self.db) if self.resume else None
        if not self.resume:
            crawls.mark_dead(self.db)
        if unfinished:
            self.crawl_id = crawls.resume_crawl(self.db, unfinished)
        else:
            settings = {k: getattr(spider, k, None) for k in ("depth", "max_pages")}
            settings["delay"] = self.crawler.settings.getfloat("DOWNLOAD_DELAY")
            # Recorded so that `reprocess` reads these sites' dates the same way.
            settings["day_first_sites"] = self.crawler.settings.getlist("ARCHIVE_DAY_FIRST_SITES")
            settings.update(self.crawler.settings.getdict("ARCHIVE_SITE"))  # a sites file's site, when crawled from one
            self.crawl_id = crawls.start_crawl(self.db, spider.seeds, settings, EXTRACTOR_VERSION)
        spider.crawl_id = self.crawl_id
        self.crawler.stats.set_value("archive/crawl_id", self.crawl_id)
        self.batch = self.archive.batch_writer(self.commit_pages, self.commit_seconds)

    def process_item(self, item):
        if self.failure:
            raise DropItem(f"storage stopped: {self.failure}: {item.url}")
        try:
            if isinstance(item, FetchedPage):
                for outcome in item.outcomes:  # its links not followed
                    self._outcome(outcome)
                self._page(item)
            elif isinstance(item, Outcome):
                self._outcome(item)
        except (sqlite3.Error, OSError) as exc:
            self._stop(exc)
            raise DropItem(f"storage failed ({self.failure}): {item.url}") from exc
        if self.batch.open:
            self.flush.schedule(self.commit_seconds)
        return item

    def _page(self, page: FetchedPage) -> None:
        if page.failure:
            self.batch.write(self.archive.record_unextracted, self.crawl_id, page, page.failure)
            self.crawler.stats.inc_value("archive/outcome/error")
        else:
            change = self.batch.write(self.archive.record_page, self.crawl_id, page, page.extract, EXTRACTOR_VERSION)
            self.crawler.stats.inc_value(f"archive/{change}")

    def _outcome(self, outcome: Outcome) -> None:
        self.batch.write(self.archive.record_outcome, self.crawl_id, outcome)
        self.crawler.stats.inc_value(f"archive/outcome/{outcome.outcome}")

    def _flush(self) -> None:
        """Commit a batch that waited `commit_seconds` for more pages (one younger than
        that is left to fill up, and the timer set again for when it will have)."""
        if self.failure or self.batch is None:
            return
        try:
            left = self.batch.commit_if_due()
        except (sqlite3.Error, OSError) as exc:
            self._stop(exc)
            return
        if left:  # a younger batch than the one this timer was set for
            self.flush.schedule(left)

    def _fail(self, exc: Exception) -> None:
        self.failure = f"{type(exc).__name__}: {exc}"

    def _stop(self, exc: Exception) -> None:
        self._fail(exc)
        asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=f"storage failed: {exc}"))

    def spider_closed(self, spider, reason: str) -> None:
        if self.db is None:
            return
        self.flush.cancel()
        if self.batch is not None and not self.failure:
            try:
                self.batch.commit()  # the pages of the last batch
            except (sqlite3.Error, OSError) as exc:
                self._fail(exc)
        if self.failure:
            status = "failed"
        elif reason == "finished" or reason.startswith("closespider"):
            status = "finished"
        else:
            status = "interrupted"
        try:
            self.archive.refresh_card_changes(self.crawl_id)
            crawls.finish_crawl(self.db, self.crawl_id, status, self.failure or reason)
        except sqlite3.Error as exc:
            # The crawl row stays "running" and --resume picks it up; the CLI
            # reads why from the stats (runner.run_crawl).
            if not self.failure:
                self._fail(exc)
            self.crawler.stats.set_value("archive/failure", self.failure)
        self.db.close()
        self.lock.release()
