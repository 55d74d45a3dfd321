"""The item pipelines' manager (ITEM_PROCESSOR) and the core stats that go with it.

Scrapy 2.19 hands each item through its pipelines with a coroutine wrapped around
every method's result (`ensure_awaitable`, the method's qualified name built for a
warning each time), and then counts it (`item_scraped_count`) in CoreStats through
the `item_scraped` signal: with a receiver connected, the asyncio signal path wraps
it in a coroutine and runs it as a Task under `asyncio.gather` (~17 us an item here,
~5 us with no receiver). The archive's crawl has one item a page, so it paid that
for every page, where the bare Scrapy spider the crawl is compared with has no items.

`ArchivePipelines` runs the same pipelines in the same order with the same results
(an async method is awaited, a sync one's value taken as it is, a Deferred through
Scrapy's own path, with its warning), and counts `item_scraped_count` itself when
an item has passed them all: exactly the items Scrapy then sends `item_scraped` for
(a dropped or failed item raises out of here, as before). `ArchiveCoreStats` is
Scrapy's CoreStats without that one receiver, so the count is not made twice. The
`item_scraped` signal itself is still sent for any other receiver.
"""

from __future__ import annotations

import inspect
from typing import Any

from scrapy import signals
from scrapy.extensions.corestats import CoreStats
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.defer import ensure_awaitable
from scrapy.utils.misc import load_object
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred


class ArchivePipelines(ItemPipelineManager):
    async def process_item_async(self, item: Any) -> Any:
        # An old-style pipeline (spider argument), or a Scrapy whose manager keeps
        # its methods otherwise than 2.19's: Scrapy's own chain.
        if getattr(self, "_mw_methods_requiring_spider", True) or "process_item" not in self.methods:
            item = await super().process_item_async(item)
        else:
            for method in self.methods["process_item"]:
                item = method(item)
                if isinstance(item, Deferred):  # deprecated: Scrapy's conversion and warning
                    item = await ensure_awaitable(item, _warn=global_object_name(method))
                elif inspect.isawaitable(item):
                    item = await item
        if self.crawler is not None:
            self.crawler.stats.inc_value("item_scraped_count")
        return item


class ArchiveCoreStats(CoreStats):
    """CoreStats with `item_scraped_count` counted by ArchivePipelines when it is the
    ITEM_PROCESSOR (by the `item_scraped` signal, as Scrapy's, when it is not)."""

    @classmethod
    def from_crawler(cls, crawler):
        o = super().from_crawler(crawler)
        if issubclass(load_object(crawler.settings["ITEM_PROCESSOR"]), ArchivePipelines):
            crawler.signals.disconnect(o.item_scraped, signal=signals.item_scraped)
        return o
