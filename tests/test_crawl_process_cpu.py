"""What the crawl process leaves out to spend less CPU a page, and why nothing is lost
(issue 16, docs/benchmarks.md "Crawl process CPU per page"):

- one output a response at a time (CONCURRENT_ITEMS = 1): the spider's callback
  yields exactly one output per response, so Scrapy's 17 tasks a response were 16 idle;
- Scrapy middlewares that had nothing to do for this spider's requests (Offsite,
  Referer, Depth, MetaCopyDetection) are off, the ones that do something stay;
- Scrapy's loggers start at the crawl's log level (no DEBUG record per response and item);
- the pipes to an extraction worker hold a few pages (one write a page);
- a page's links are made canonical once per distinct href, by the links pipeline and
  the store alike.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from condition_archive.crawl import settings as crawl_settings
from condition_archive.crawl.policy import canonical, canonical_url, to_follow
from condition_archive.crawl.runner import _scrapy_logs_at
from condition_archive.crawl.workerproc import PIPE_SIZE, WorkerProcess
from condition_archive.extract.model import Link
from spiders.condition_center import DEPTH, HANDLED, ConditionCenterSpider

SEED = "http://127.0.0.1:8765/conditions/back-pain"
SETTINGS = {k: v for k, v in vars(crawl_settings).items() if k.isupper()}


def _spider() -> ConditionCenterSpider:
    crawler = get_crawler(ConditionCenterSpider, settings_dict={**SETTINGS, "ARCHIVE_EXTRACT_WORKERS": 0})
    spider = ConditionCenterSpider.from_crawler(crawler, url=SEED, depth=2)
    crawler.spider = spider
    return spider


def _response(status: int, body: bytes = b"<html><body><p>x</p></body></html>", url: str = SEED + "/a",
              ctype: str = "text/html", **meta) -> Response:
    request = Request(url, meta={DEPTH: 1, "referer": SEED, "handle_httpstatus_list": HANDLED, **meta})
    cls = HtmlResponse if ctype == "text/html" else Response
    return cls(url, status=status, body=body, headers={"Content-Type": ctype}, request=request)


@pytest.mark.parametrize("response", [
    _response(200), _response(304, b""), _response(404), _response(410), _response(500), _response(301, b""),
    _response(200, b"%PDF-1.4", ctype="application/pdf"), _response(200, b"  "),
    _response(301, b"", redirect_refused="other host: x.example: http://x.example/"),
    _response(200, redirect_urls=[SEED + "/old"], redirect_reasons=[301]),
], ids=["page", "not-modified", "gone-404", "gone-410", "error", "3xx", "not-html", "empty", "refused",
        "redirected"])
def test_the_callback_yields_one_output_a_response_so_one_item_at_a_time_loses_nothing(response):
    spider = _spider()
    spider.scheduled.add(SEED + "/a") if response.meta.get("redirect_urls") else None  # a redirect target
    assert len(list(spider.parse(response))) == 1
    assert SETTINGS["CONCURRENT_ITEMS"] == 1


def test_the_middlewares_left_out_had_nothing_to_do_for_this_spiders_requests():
    spider = _spider()
    crawler = spider.crawler
    downloader = crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    enabled = {name.rsplit(".", 1)[1] for name, order in downloader.items() if order is not None}
    assert {"RequestGuardMiddleware", "RobotsTxtMiddleware", "DownloadTimeoutMiddleware", "BackoffRetryMiddleware",
            "MetaRefreshMiddleware", "HttpCompressionMiddleware", "RedirectMiddleware",
            "RedirectGuardMiddleware", "UserAgentMiddleware", "DefaultHeadersMiddleware"} <= enabled
    assert "OffsiteMiddleware" not in enabled
    spidermw = crawler.settings.getwithbase("SPIDER_MIDDLEWARES")
    off = {name.rsplit(".", 1)[1] for name, order in spidermw.items() if order is None}
    assert off == {"DepthMiddleware", "MetaCopyDetectionMiddleware"}
    # Why: every request is dont_filter (Offsite lets those through; the request guard
    # refuses other hosts before it), carries its own Referer and depth (ca_depth), and
    # none is made from a response's meta. The Referer middleware stays on for the
    # redirect middlewares (tests/test_faults.py: a redirect hop's Referer).
    spider.traps = None
    request = next(iter(spider._visit(SEED + "/b", 1, SEED)))
    assert request.dont_filter and request.headers[b"Referer"] == SEED.encode()
    assert request.meta[DEPTH] == 1 and "depth" not in request.meta


def test_scrapy_makes_no_debug_records_below_the_crawl_log_level():
    scrapy_logger = logging.getLogger("scrapy")
    before = scrapy_logger.level
    try:
        _scrapy_logs_at("INFO")
        assert not logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.INFO)
        _scrapy_logs_at("DEBUG")  # --log-level DEBUG still shows them
        assert logging.getLogger("scrapy.core.engine").isEnabledFor(logging.DEBUG)
    finally:
        scrapy_logger.setLevel(before)


@pytest.mark.skipif(int(Path("/proc/sys/fs/pipe-max-size").read_text()) < PIPE_SIZE
                    if Path("/proc/sys/fs/pipe-max-size").exists() else True,
                    reason="pipes cannot be widened to PIPE_SIZE here")
def test_a_page_larger_than_a_default_pipe_goes_to_the_worker_in_one_write():
    """At Linux's default 64 KiB the pages in flight to a busy worker filled the pipe,
    and the rest of each page waited for a writer callback of the event loop."""
    async def send() -> int:
        worker = WorkerProcess("condition_archive.crawl.analysis:analyse_page", lambda m: None, lambda: None)
        try:
            await worker.connect()
            inbox = worker._pipes[0].fileno()
            assert fcntl.fcntl(inbox, getattr(fcntl, "F_GETPIPE_SZ", 1032)) >= PIPE_SIZE
            worker.send(("page", 1, (b"<html>" + b"x" * 300_000, SEED, {}, ())))
            return worker.transport.get_write_buffer_size()
        finally:
            worker.kill()
            worker.close()

    assert asyncio.run(send()) == 0


def test_links_are_made_canonical_once_per_distinct_href():
    links = [Link(f"HTTP://127.0.0.1:8765/Conditions/{name}#top", name, "main", "s") for name in ("a", "b", "a")]
    hosts = frozenset({"127.0.0.1"})
    first = to_follow(links, hosts)
    assert first == [(canonical_url(links[0].href), None), (canonical_url(links[1].href), None)]
    hits = canonical.cache_info().hits
    assert to_follow(links, hosts) == first
    assert canonical.cache_info().hits >= hits + 3  # the second page with these links: no new work


def test_the_stats_are_scrapys_without_the_per_call_shim():
    from condition_archive.crawl.scrapystats import CrawlStats

    crawler = _spider().crawler
    stats = crawler.stats
    assert type(stats) is CrawlStats
    stats.inc_value("archive/new")
    stats.inc_value("archive/new", 2)
    stats.max_value("depth", 3)
    stats.set_value("archive/crawl_id", 7)
    assert stats.get_stats() == {"archive/new": 3, "depth": 3, "archive/crawl_id": 7}
    assert stats.get_value("missing", 0) == 0


def test_host_names_are_encoded_once_each_with_scrapys_fallbacks_kept(monkeypatch):
    """Twisted encodes every request's host name with the idna package; the handler
    keeps each name's encoding (Scrapy's fallback for underscores included), and a
    name that cannot be encoded fails every time, as before."""
    from scrapy.core.downloader._idna_patch import _install_twisted_idna_fallbacks
    from twisted.internet import _idna, _resolver, _sslverify, endpoints

    from condition_archive.crawl.netguard import _memoise_idna

    for module in (_idna, _resolver, _sslverify, endpoints):  # put back as they were after the test
        for name in ("_idnaBytes", "_idnaText"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, getattr(module, name))
    _install_twisted_idna_fallbacks()  # what the HTTP handler's __init__ does before _memoise_idna
    _memoise_idna()
    encode = endpoints._idnaBytes
    assert encode("www.spine-health.com") == b"www.spine-health.com"
    assert encode("my_host.example.org") == b"my_host.example.org"  # Scrapy's IDNA 2003 fallback
    assert encode("bücher.example") == b"xn--bcher-kva.example"
    assert encode("www.spine-health.com") == b"www.spine-health.com"
    assert encode.cache_info().hits == 1
    for _ in range(2):
        with pytest.raises(UnicodeError):
            encode("bad host:with space")
    _memoise_idna()  # a second handler: not wrapped twice
    assert endpoints._idnaBytes is encode
