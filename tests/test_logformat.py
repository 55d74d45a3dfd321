"""ArchiveLogFormatter (LOG_FORMATTER): Scrapy's "Crawled" and "Scraped from" messages
exactly when their loggers would log a DEBUG record, nothing otherwise."""

from __future__ import annotations

import logging

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.logformatter import LogFormatter

from condition_archive.crawl import settings
from condition_archive.crawl.logformat import ArchiveLogFormatter


@pytest.fixture
def scrapy_level():
    logger = logging.getLogger("scrapy")
    before = logger.level
    yield logger.setLevel
    logger.setLevel(before)


def _pair():
    request = Request("http://h/a", headers={"Referer": "http://h/"})
    return request, HtmlResponse("http://h/a", body=b"<html></html>", request=request)


def test_nothing_is_built_when_debug_is_not_logged(scrapy_level):
    scrapy_level(logging.INFO)  # as the crawl runs Scrapy's loggers (runner._scrapy_logs_at)
    request, response = _pair()
    ours = ArchiveLogFormatter()
    assert ours.crawled(request, response, Spider("s")) is None
    assert ours.scraped({"a": 1}, response, Spider("s")) is None


def test_at_debug_the_messages_are_scrapys(scrapy_level):
    scrapy_level(logging.DEBUG)
    request, response = _pair()
    spider = Spider("s")
    ours, scrapys = ArchiveLogFormatter(), LogFormatter()
    assert ours.crawled(request, response, spider) == scrapys.crawled(request, response, spider)
    assert ours.scraped({"a": 1}, response, spider) == scrapys.scraped({"a": 1}, response, spider)
    assert ours.crawled(request, response, spider)["level"] == logging.DEBUG


def test_the_crawl_uses_it():
    assert settings.LOG_FORMATTER == "condition_archive.crawl.logformat.ArchiveLogFormatter"
