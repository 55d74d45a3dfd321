"""Links pipeline: hand each extracted page's links to the spider.

Which links are followed, how deep, and the crawl's bookkeeping (traps,
--max-pages, URLs already scheduled) are the spider's (`follow_links`). The
condition_center spider keeps the links waiting for their depth and requests
them itself, depth by depth; for a spider that returns requests, this pipeline
hands them to the engine and keeps the outcomes (a refused meta refresh) on the
page, for the store to write with it.
"""

from __future__ import annotations

from scrapy import Request

from condition_archive.crawl.items import FetchedPage


class LinksPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, FetchedPage) and item.extract is not None:
            engine = self.crawler.engine
            for out in self.crawler.spider.follow_links(item):
                if isinstance(out, Request):
                    engine.crawl(out)
                else:
                    item.outcomes.append(out)
        return item
