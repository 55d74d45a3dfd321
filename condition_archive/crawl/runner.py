"""Run one crawl in this process with Scrapy's CrawlerProcess.

One crawl per process: Twisted's reactor cannot restart, so callers that need
several crawls (the demo, the tests) start one process per crawl.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from condition_archive import __version__
from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.archive.db import ArchiveError, open_archive
from .policy import check_seed, private_seed_netlocs


@dataclass(frozen=True)
class CrawlOptions:
    urls: tuple[str, ...]
    db: str = "archive.db"
    depth: int = 1
    max_pages: int = 0
    delay: float = 1.0
    resume: bool = False
    contact: str | None = None
    log_level: str = "INFO"
    day_first_sites: tuple[str, ...] = ()
    allow_private: tuple[str, ...] = ()  # host:port where a private or loopback address may be fetched
    extra_settings: dict = field(default_factory=dict)

    def validate(self) -> "CrawlOptions":
        if not self.urls and not self.resume:
            raise ValueError("give at least one center URL, or --resume to continue the last crawl")
        if self.depth < 0:
            raise ValueError("--depth must be 0 or more (0 = the centers only)")
        if self.max_pages < 0 or self.delay < 0:
            raise ValueError("--max-pages and --delay must not be negative")
        for url in self.urls:
            check_seed(url)
        for item in self.allow_private:
            host, _, port = item.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"--allow-private {item!r} is not HOST:PORT: write it as e.g. 127.0.0.1:8765")
        return self


def scrapy_settings(opts: CrawlOptions):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("condition_archive.crawl.settings", priority="project")
    overrides = {
        "ARCHIVE_DB": str(Path(opts.db).resolve()),
        "ARCHIVE_RESUME": opts.resume,
        "DOWNLOAD_DELAY": opts.delay,
        "LOG_LEVEL": opts.log_level,
        "ARCHIVE_DAY_FIRST_SITES": list(opts.day_first_sites),
        "ARCHIVE_ALLOW_PRIVATE": sorted({*private_seed_netlocs(opts.urls),
                                         *(a.lower() for a in opts.allow_private)}),
    }
    if opts.delay == 0:
        # No delay asked for (a local or test site): no throttling either.
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY_JITTER=0,
                         CONCURRENT_REQUESTS_PER_DOMAIN=8)
    if opts.contact:
        overrides["USER_AGENT"] = f"condition-archive/{__version__} (+{opts.contact})"
    overrides.update(opts.extra_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def resume_seeds(db_path: str) -> tuple[str, ...]:
    """Seeds of the crawl --resume would continue, or an error saying there is none."""
    db = open_archive(db_path, create=False, readonly=True)
    try:
        row = db.execute("SELECT seeds FROM crawls WHERE status IN ('running', 'interrupted', 'failed') "
                         "ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        row = None
    if not row:
        raise ValueError(f"nothing to resume in {db_path}: every crawl there finished; start a new one with a URL")
    return tuple(json.loads(row[0]))


def _remove_new_archive(db: str) -> None:
    try:
        conn = open_archive(db, readonly=True)
        try:
            crawled = conn.execute("SELECT count(*) FROM crawls").fetchone()[0]
        finally:
            conn.close()
    except (ArchiveError, sqlite3.Error):
        crawled = 0
    if not crawled:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def _process(settings):
    """A CrawlerProcess whose first SIGTERM/SIGINT also kills busy extraction workers:
    Scrapy's graceful stop would otherwise wait for the page each one is on."""
    from scrapy.crawler import CrawlerProcess

    class Process(CrawlerProcess):
        def _signal_shutdown(self, signum, frame) -> None:
            from twisted.internet import reactor  # installed by now (asyncio); not before

            super()._signal_shutdown(signum, frame)
            reactor.callFromThread(self.stop_extraction)

        def stop_extraction(self) -> None:
            from .worker import stop_extraction

            for crawler in self.crawlers:
                crawler.signals.send_catch_log(signal=stop_extraction)

    process = Process(settings)
    _scrapy_logs_at(settings.get("LOG_LEVEL"))
    return process


def _scrapy_logs_at(level_name: str) -> None:
    """Scrapy's loggers at the crawl's log level. Scrapy sets them to DEBUG and lets
    its handler drop what is below LOG_LEVEL, so at INFO every response and every
    item still made a DEBUG record that nothing printed."""
    level = logging.getLevelName(str(level_name).upper())
    if isinstance(level, int):
        logging.getLogger("scrapy").setLevel(max(logging.DEBUG, level))


def run_crawl(opts: CrawlOptions) -> dict:
    """Crawl, and return the crawl's row from the archive."""
    from spiders.condition_center import ConditionCenterSpider

    opts.validate()
    if opts.resume and not opts.urls:
        opts = CrawlOptions(**{**asdict(opts), "urls": resume_seeds(opts.db)})
    # Refuse a second writer before Scrapy starts, with a message that says why.
    probe = CrawlLock(opts.db)
    probe.acquire()
    probe.release()
    new = not Path(opts.db).exists()
    try:
        open_archive(opts.db).close()  # creates or upgrades it; errors surface here
        process = _process(scrapy_settings(opts))
        crawler = process.create_crawler(ConditionCenterSpider)
        process.crawl(crawler, url=",".join(opts.urls), depth=opts.depth, max_pages=opts.max_pages)
        process.start()
        crawl_id = crawler.stats.get_value("archive/crawl_id")
        if crawl_id is None:
            raise ArchiveError("the crawl did not start: see the log above for the reason")
    except BaseException:
        if new:  # leave no empty archive behind a crawl that never started
            _remove_new_archive(opts.db)
        raise
    db = open_archive(opts.db, readonly=True)
    try:
        row = db["crawls"].get(crawl_id)
    finally:
        db.close()
    failure = crawler.stats.get_value("archive/failure")
    if failure and row["status"] == "running":  # the end of the crawl could not be written
        row = {**row, "status": "failed", "finish_reason": failure}
    return row


__all__ = ["CrawlOptions", "run_crawl", "CrawlBusy", "scrapy_settings"]
