"""The condition_center spider: fetch centers and the pages they link to.

It decides what to fetch and hands raw pages (FetchedPage) and every other
request outcome (Outcome) to the pipelines; extraction and storage happen there.

    scrapy crawl condition_center -a url=https://host/conditions/upper-back-pain [-a depth=1]

Re-crawls are conditional (If-None-Match / If-Modified-Since from the archive);
a 304 follows the links stored for the page. `--resume` (ARCHIVE_RESUME) skips
pages the interrupted crawl already archived and follows their stored links.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from condition_archive.archive import crawls
from condition_archive.crawl.archive_view import ArchiveView
from condition_archive.extract.parse import decode_html, wide_codec
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.crawl.middleware import describe_failure
from condition_archive.crawl.policy import (TrapGuard, TrapLimits, check_seed, private_seed_netlocs, refusal, skip_reason,
                                      to_follow)
from condition_archive.archive.store import utc_now

GONE = (404, 410)
# Statuses the spider records itself. Listing them in the request meta (needed
# for 304) replaces HTTPERROR_ALLOW_ALL, so the 4xx/5xx are listed too; 3xx are
# not, so redirects are still followed.
HANDLED = [304, *range(400, 600)]


def _headers(response: Response) -> dict[str, str]:
    return {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in response.headers.items()}


class ConditionCenterSpider(scrapy.Spider):
    name = "condition_center"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        # Hosts a sites file allows beside the seeds' (ARCHIVE_ALLOWED_HOSTS).
        kwargs.setdefault("allowed_hosts", ",".join(crawler.settings.getlist("ARCHIVE_ALLOWED_HOSTS")))
        return super().from_crawler(crawler, *args, **kwargs)

    def __init__(self, url: str = "", depth: int | str = 1, max_pages: int | str = 0, allowed_hosts: str = "",
                 **kwargs):
        super().__init__(**kwargs)
        self.seeds = [check_seed(u) for u in re.split(r"[\s,]+", url) if u]
        if not self.seeds:
            raise ValueError("no seed URL: pass -a url=https://host/conditions/NAME (comma-separate several)")
        self.depth = int(depth)
        self.max_pages = int(max_pages)
        self.allowed_hosts = frozenset(urlsplit(u).hostname for u in self.seeds) | frozenset(
            h.strip().lower() for h in allowed_hosts.split(",") if h.strip())
        # Loopback/private addresses are allowed only at the exact host:port of a seed
        # written as such an address, or of ARCHIVE_ALLOW_PRIVATE (added in start()):
        # condition_archive.crawl.middleware refuses the rest by spelling, netguard by address.
        self.seed_netlocs = private_seed_netlocs(self.seeds)
        self.allowed_domains = sorted(self.allowed_hosts)
        self.scheduled: set[str] = set()  # URLs requested, skipped or recorded
        self.pages = 0  # pages requested or (resume) already archived: --max-pages counts these
        self.traps: TrapGuard | None = None  # set in start(), from the settings
        self.known_depth: dict[str, int] = {}  # pages earlier crawls reached: the smallest depth
        self.view: ArchiveView | None = None  # set in start(); the store pipeline opened the crawl

    async def start(self) -> AsyncIterator[scrapy.Request | Outcome]:
        self.seed_netlocs |= frozenset(self.settings.getlist("ARCHIVE_ALLOW_PRIVATE"))
        self.view = self.open_view()
        self.traps = TrapGuard(TrapLimits(
            max_query_variants=self.settings.getint("ARCHIVE_TRAP_MAX_QUERY_VARIANTS", 25),
            max_pattern_pages=self.settings.getint("ARCHIVE_TRAP_MAX_PATTERN_PAGES", 200)))
        # Pages archived before but no longer linked are asked again (last), so
        # a re-crawl notices when they are gone (404/410) or moved.
        revisits = [(url, depth) for url, depth in (self.view.revisits(self.allowed_hosts, self.depth)
                                                    if self.view else ())
                    if not refusal(url, self.allowed_hosts, self.seed_netlocs)]  # not another port's pages
        # A known page reached by a link keeps the smallest depth it had, so the
        # links it follows do not depend on whether its link or its revisit came first.
        self.known_depth = dict(revisits)
        for seed in self.seeds:
            for out in self._visit(seed, 0, ""):
                yield out
        if revisits:
            # Last: once every linked page is in (a revisited page's links would
            # otherwise reach pages deeper than the seeds' links put them).
            await self._linked_pages_done()
        for url, depth in revisits:
            for out in self._visit(url, depth, "", priority=-10):
                yield out

    async def _linked_pages_done(self) -> None:
        """Wait until nothing is scheduled, downloading or in the pipelines: only
        start() keeps the engine from closing the spider then."""
        engine = self.crawler.engine
        while engine is not None and not (engine.scraper.slot.is_idle() and not engine.downloader.active
                                          and not engine.scheduler.has_pending_requests()):
            await asyncio.sleep(0.05)

    def open_view(self):
        """What the crawl reads from its archive (the distributed worker reads it from Redis)."""
        return ArchiveView.for_crawl(self.settings.get("ARCHIVE_DB"), getattr(self, "crawl_id", None))

    # -- scheduling --------------------------------------------------------------

    def _visit(self, url: str, depth: int, referer: str, priority: int = 0) -> Iterator[scrapy.Request | Outcome]:
        """A request for `url`, or, when this crawl already archived it (resume),
        the requests for the links stored for it."""
        if url in self.scheduled:
            return
        depth = min(depth, self.known_depth.get(url, depth))
        if self.max_pages and self.pages >= self.max_pages:
            return
        self.scheduled.add(url)
        trap = self.traps.check(url) if self.traps and depth else None
        if trap:
            yield Outcome(url, "skipped", trap, utc_now(), depth=depth, referer=referer)
            return
        self.pages += 1
        if self.view and url in self.view.done:
            yield from self._follow_stored(url, depth)
            return
        headers = {}
        etag, modified = self.view.validators.get(url, (None, None)) if self.view else (None, None)
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        if referer and not (referer.startswith("https:") and url.startswith("http:")):
            # What Scrapy's RefererMiddleware sends (no-referrer-when-downgrade); requests
            # scheduled from the links pipeline do not pass through spider middlewares.
            headers["Referer"] = referer
        yield scrapy.Request(url, headers=headers, callback=self.parse, errback=self.failed,
                             meta={"depth": depth, "referer": referer, "handle_httpstatus_list": HANDLED},
                             dont_filter=True, priority=priority)

    def _follow(self, urls: list[tuple[str, str | None]], depth: int, referer: str) -> Iterator:
        if depth >= self.depth:
            return
        for url, reason in urls:
            if reason is None:
                yield from self._visit(url, depth + 1, referer)
            elif url not in self.scheduled:
                self.scheduled.add(url)
                yield Outcome(url, "skipped", reason, utc_now(), depth=depth + 1, referer=referer)

    def _follow_stored(self, url: str, depth: int) -> Iterator:
        hrefs = self.view.stored_links(url) if self.view else []
        yield from self._follow([(h, skip_reason(h, self.allowed_hosts)) for h in hrefs], depth, url)

    # -- responses ---------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[scrapy.Request | Outcome | FetchedPage]:
        """The page (FetchedPage) for the pipelines to extract, follow and store, or
        the request's outcome (and, for a 304, the requests for its stored links)."""
        depth, referer = response.meta.get("depth", 0), response.meta.get("referer", "")
        hops = list(zip(response.meta.get("redirect_urls", []), response.meta.get("redirect_reasons", [])))
        headers = _headers(response)
        base = dict(fetched_at=utc_now(), status=response.status, depth=depth, referer=referer,
                    headers=headers, redirects=hops)
        url = response.url
        refused = response.meta.get("redirect_refused")
        if refused and response.status >= 300:
            yield Outcome(url, "skipped", f"redirect refused: {refused}", **base)
        elif response.status == 304:
            yield Outcome(url, "not-modified", "HTTP 304", **base)
            yield from self._follow_stored(url, depth)
        elif response.status in GONE:
            yield Outcome(url, "gone", f"HTTP {response.status}", **base)
        elif response.status >= 300:
            yield Outcome(url, "error", f"HTTP {response.status}{_retried(response.meta)}", **base)
        elif not _is_html(headers.get("content-type", ""), response.body):
            yield Outcome(url, "skipped", f"not html: {headers.get('content-type') or 'unknown type'}", **base)
        elif not response.body.strip():
            # Usually a server hiccup: recording it as the page's content would
            # make an empty version of a page that still exists.
            yield Outcome(url, "error", f"empty body: HTTP {response.status} with no content", **base)
        elif hops and url in self.scheduled:
            # A redirect onto a page this crawl fetches directly: record the hops only.
            yield Outcome(url, "skipped", crawls.REDIRECT_TARGET, **base)
        else:
            self.scheduled.add(url)
            yield FetchedPage(url, response.status, headers, response.body, base["fetched_at"], depth=depth,
                              referer=referer, redirects=hops, refresh_refused=response.meta.get("refresh_refused"))

    def follow_links(self, page: FetchedPage) -> Iterator[scrapy.Request | Outcome]:
        """What an extracted page leads to: requests for its links to follow, a
        skipped outcome for each link not followed and for a refused meta refresh.
        The links pipeline (and the distributed spider) call this after extraction."""
        yield from self._follow(to_follow(page.extract.links, self.allowed_hosts), page.depth, page.url)
        if page.refresh_refused:
            reason, target = page.refresh_refused
            yield Outcome(target, "skipped", f"meta refresh refused: {reason}", page.fetched_at,
                          depth=page.depth + 1, referer=page.url)

    def failed(self, failure) -> Iterator[Outcome]:
        request = failure.request
        outcome, reason = describe_failure(failure.value, request.meta, self.settings.getint("DOWNLOAD_MAXSIZE"))
        hops = list(zip(request.meta.get("redirect_urls", []), request.meta.get("redirect_reasons", [])))
        # A redirect chain given up on is recorded under the URL that was asked for
        # (a seed's failure must be the seed's row), not under its last hop.
        url = hops[0][0] if hops and reason.startswith("redirect loop") else request.url
        yield Outcome(url, outcome, reason[:500], utc_now(), depth=request.meta.get("depth", 0),
                      referer=request.meta.get("referer", ""),
                      redirects=[] if reason.startswith("redirect loop") else hops)


def _retried(meta: dict) -> str:
    retries = meta.get("retry_times", 0)
    return f" (after {retries} retries)" if retries else ""


def _is_html(content_type: str, body: bytes) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    if ctype:
        return False
    # Sniffed as text, so a UTF-16/32 page (BOM or none) is recognised too.
    head = decode_html(body[:1024], wide=wide_codec(body[:64]))[0]
    return head.lstrip().lower().startswith(("<!doctype html", "<html"))
