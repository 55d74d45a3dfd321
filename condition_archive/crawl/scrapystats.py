"""Scrapy's in-memory stats collector without its per-call shim (STATS_CLASS).

Scrapy 2.19's StatsCollector.__getattribute__ runs on every attribute read: it wraps
each public method to warn about a deprecated `spider` argument, and raises and
catches an AttributeError for every other attribute (`self._stats` inside each
method included). A crawl makes a dozen stats calls a page (Scrapy's own and the
archive's), ~1.7 us each through the shim and ~0.3 us without. The stats, their
keys and the end-of-crawl dump are Scrapy's own; only a caller still passing
`spider=` no longer gets the deprecation warning.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class CrawlStats(MemoryStatsCollector):
    __getattribute__ = object.__getattribute__
