"""Scrapy's log formatter (LOG_FORMATTER) without the messages nobody reads.

For every response Scrapy asks its formatter for the "Crawled (200) <GET ...>
(referer: ...)" message, and for every item for "Scraped from ...", both at DEBUG,
and only then lets the logger drop them: the crawl runs Scrapy's loggers at its log
level (runner._scrapy_logs_at), INFO by default. Building the first reads the
request's Referer through Scrapy's Headers and formats its flags (~8 us a page).
Here each is built only when its logger would pass a DEBUG record on (`--log-level
DEBUG`): what is printed, and Scrapy's log_count stats, are the same.
"""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter

_ENGINE = logging.getLogger("scrapy.core.engine")  # logs "Crawled"
_SCRAPER = logging.getLogger("scrapy.core.scraper")  # logs "Scraped from"


class ArchiveLogFormatter(LogFormatter):
    def crawled(self, request, response, spider):
        if not _ENGINE.isEnabledFor(logging.DEBUG):
            return None  # Scrapy logs nothing for None
        return super().crawled(request, response, spider)

    def scraped(self, item, response, spider):
        if not _SCRAPER.isEnabledFor(logging.DEBUG):
            return None
        return super().scraped(item, response, spider)
