"""The peer of the archive crawl: a bare Scrapy spider that follows the same links
(center cards and related boxes, up to the same depth) and stores nothing.

    python bench/bare_spider.py URL [--depth 2]

It runs with the settings the archive crawl runs with at --delay 0 (robots.txt
obeyed, 8 concurrent requests per host, no delay, no AutoThrottle, no cookies,
no cache) and prints Scrapy's stats as one JSON line on stdout when it ends.
"""

from __future__ import annotations

import argparse
import json

import scrapy

# What a user writing a bare spider for these templates would follow: the cards
# of the center sections and hero, and the related-articles box.
FOLLOW_CSS = ("main .c-center-section a.c-card__link::attr(href)",
              "main .c-center-hero__subtitle a::attr(href)",
              "main aside.c-related a::attr(href)")

SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "COOKIES_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "USER_AGENT": "condition-archive-bench (bare spider)",
    "LOG_LEVEL": "WARNING",
}


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.url = url

    async def start(self):
        yield scrapy.Request(self.url, callback=self.parse)

    def parse(self, response):
        for css in FOLLOW_CSS:
            yield from response.follow_all(response.css(css).getall(), callback=self.parse)


def run(url: str, depth: int, concurrent_items: int | None = None) -> dict:
    from scrapy.crawler import CrawlerProcess

    settings = {**SETTINGS, "DEPTH_LIMIT": depth}
    if concurrent_items:  # the one engine setting the archive crawl changes from Scrapy's default
        settings["CONCURRENT_ITEMS"] = concurrent_items
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, url=url)
    process.start()
    return crawler.stats.get_stats()


def main() -> None:
    parser = argparse.ArgumentParser(description="A bare Scrapy spider over the generated site.")
    parser.add_argument("url")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--concurrent-items", type=int, default=None,
                        help="CONCURRENT_ITEMS (default: Scrapy's own, as a user's project has it)")
    args = parser.parse_args()
    stats = run(args.url, args.depth, args.concurrent_items)
    print(json.dumps({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}))


if __name__ == "__main__":
    main()
