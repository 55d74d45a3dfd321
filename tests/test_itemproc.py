"""The item pipelines' manager (ITEM_PROCESSOR, crawl/itemproc.py): the pipelines in
order, sync and async alike, and item_scraped_count counted once per item that
passed them all, not for a dropped one, with ArchiveCoreStats not counting it again."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from condition_archive.crawl.itemproc import ArchiveCoreStats, ArchivePipelines


class Appends:
    def process_item(self, item):
        if item.get("drop"):
            raise DropItem("asked to")
        item["seen"].append("sync")
        return item


class AwaitsThenAppends:
    async def process_item(self, item):
        await asyncio.sleep(0)
        item["seen"].append("async")
        return item


PIPELINES = {f"{__name__}.Appends": 100, f"{__name__}.AwaitsThenAppends": 200}
STATS_ONLY = {"condition_archive.crawl.itemproc.ArchiveCoreStats": 0}  # the crawl's CoreStats, alone
SETTINGS = {"ITEM_PIPELINES": PIPELINES, "EXTENSIONS_BASE": STATS_ONLY,
            "ITEM_PROCESSOR": "condition_archive.crawl.itemproc.ArchivePipelines"}


def _crawler(settings: dict):
    crawler = get_crawler(Spider, settings)
    crawler.spider = Spider("s")
    return crawler


async def _scrape(crawler, manager, item):
    """What Scrapy's scraper does with an item: the pipelines, then item_scraped."""
    out = await manager.process_item_async(item)
    await crawler.signals.send_catch_log_async(signal=signals.item_scraped, item=out, response=None,
                                               spider=crawler.spider)
    return out


def test_pipelines_run_in_order_and_each_passed_item_is_counted_once():
    crawler = _crawler(SETTINGS)  # its extensions: ArchiveCoreStats, connected
    assert [type(e) for e in crawler.extensions.middlewares] == [ArchiveCoreStats]
    manager = ArchivePipelines.from_crawler(crawler)

    async def run():
        out = await _scrape(crawler, manager, {"seen": []})
        with pytest.raises(DropItem):
            await manager.process_item_async({"seen": [], "drop": True})
        await _scrape(crawler, manager, {"seen": []})
        return out

    out = asyncio.run(run())
    assert out["seen"] == ["sync", "async"]
    assert crawler.stats.get_value("item_scraped_count") == 2


def test_core_stats_count_items_themselves_under_scrapys_own_manager():
    crawler = _crawler({"ITEM_PIPELINES": PIPELINES, "EXTENSIONS_BASE": STATS_ONLY})  # Scrapy's manager
    asyncio.run(crawler.signals.send_catch_log_async(signal=signals.item_scraped, item={}, response=None,
                                                     spider=crawler.spider))
    assert crawler.stats.get_value("item_scraped_count") == 1
