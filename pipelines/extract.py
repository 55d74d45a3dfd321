"""Extraction pipeline: await the worker pool for each fetched page.

The pool (condition_archive/crawl/worker.py, ARCHIVE_EXTRACT_WORKERS) runs the
pure extraction in worker processes, or in this thread when there are none: the
same function either way. A page that is not HTML after all becomes a "skipped"
outcome; a page whose extraction failed keeps its raw bytes and the reason
(`failure`); a page still waiting when the crawl stops is dropped with no ledger
row, so `--resume` fetches it again.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.worker import ExtractionPool


class ExtractPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.day_first_sites = tuple(crawler.settings.getlist("ARCHIVE_DAY_FIRST_SITES"))
        self.pool: ExtractionPool | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        # No packed capture: the store hashes each page and compresses only the new ones.
        self.pool = ExtractionPool.from_crawler(self.crawler, pack=False)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.stop()

    async def process_item(self, item):
        if not isinstance(item, FetchedPage):
            return item
        out = await self.pool.extract(item, self.day_first_sites)
        if out is None:
            raise DropItem(f"crawl stopping, left for --resume: {item.url}")
        return out
