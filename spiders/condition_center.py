"""The condition_center spider: fetch centers and the pages they link to.

It decides what to fetch and hands raw pages (FetchedPage) and every other
request outcome (Outcome) to the pipelines; extraction and storage happen there.

    scrapy crawl condition_center -a url=https://host/conditions/upper-back-pain [-a depth=1]

Re-crawls are conditional (If-None-Match / If-Modified-Since from the archive);
a 304 follows the links stored for the page. `--resume` (ARCHIVE_RESUME) skips
pages the interrupted crawl already archived and follows their stored links.
Pages are requested depth by depth, in crawl order (ConditionCenterSpider.layered),
so the archive does not depend on the order responses come back in.
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
from condition_archive.crawl.policy import (SAFE, TrapGuard, TrapLimits, check_seed, private_seed_netlocs, refusal,
                                      skip_reason, to_follow)
from condition_archive.archive.rows import utc_now

GONE = (404, 410)
# Statuses the spider records itself. Listing them in the request meta (needed
# for 304) replaces HTTPERROR_ALLOW_ALL, so the 4xx/5xx are listed too; 3xx are
# not, so redirects are still followed. A set: Scrapy's RedirectMiddleware asks
# whether every response's status is in it (200 against a list of 201: ~3 us).
HANDLED = frozenset([304, *range(400, 600)])
# The depth the spider gave a request. Not Scrapy's "depth" key: DepthMiddleware
# rewrites that to the parent response's depth + 1 for requests a callback yields
# (a 304's stored links), which undid a known page's smaller depth.
DEPTH = "ca_depth"


class CanonicalRequest(scrapy.Request):
    """A Request that does not run w3lib's safe_url_string (~15 us) over a URL that
    policy.canonical_url made: it is that function's output already, which it leaves
    unchanged (policy.SAFE). Any other URL (a redirect's target, a stored one from an
    older archive) goes through Scrapy's own `_set_url`."""

    def _set_url(self, url: str) -> None:
        if url in SAFE and self.encoding == "utf-8":  # canonical_url's encoding
            self._url = url
        else:
            super()._set_url(url)


def _headers(response: Response) -> dict[str, str]:
    # dict.items: Scrapy's Headers.items() looks each key up again through getlist
    # (normkey, normvalue: ~5 us a response) for the lists the dict already holds.
    return {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
            for k, v in dict.items(response.headers)}


class ConditionCenterSpider(scrapy.Spider):
    name = "condition_center"
    # Pages are requested depth by depth: depth d + 1 once every page of depth d
    # is in. A page's depth is then its shortest link distance from a seed, so
    # which pages a depth-limited crawl reaches (and the links it records as not
    # followed) never depends on the order responses happen to arrive in.
    # The distributed spider turns this off (its queue is in Redis).
    layered = True

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
        # Layered crawls: depth -> {url: (order, referer, skip reason or None)} of links
        # waiting for their depth, and each released page's place in the crawl order.
        self.waiting: dict[int, dict[str, tuple[tuple[int, int], str, str | None]]] = {}
        self.order: dict[str, int] = {}

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
        for out in self._release([(seed, 0, "", None, 0) for seed in self.seeds]):
            yield out
        async for out in self._layers():
            yield out
        # Revisits last, once every linked page is in (a revisited page's links would
        # otherwise reach pages deeper than the seeds' links put them).
        for out in self._release([(url, depth, "", None, -10) for url, depth in revisits]):
            yield out
        async for out in self._layers():
            yield out

    async def _layers(self) -> AsyncIterator[scrapy.Request | Outcome]:
        """The waiting pages, depth by depth, each depth once the one before is in;
        done when the engine is idle with nothing waiting."""
        while True:
            await self._linked_pages_done()
            if not self.waiting:
                return
            for out in self._next_depth():
                yield out

    def _next_depth(self) -> list[scrapy.Request | Outcome]:
        """The shallowest waiting depth, released in crawl order (the linking page's
        place, then the link's place on it), not in the order the linking pages came
        back: --max-pages, the trap limits and each row's referer then do not depend
        on response order."""
        depth = min(self.waiting)
        links = sorted(self.waiting.pop(depth).items(), key=lambda item: item[1][0])
        return self._release([(url, depth, referer, reason, 0) for url, (_, referer, reason) in links])

    def _release(self, visits: list[tuple[str, int, str, str | None, int]]) -> list[scrapy.Request | Outcome]:
        """Every (url, depth, referer, skip reason, priority) of a depth visited at
        once: the engine pulls start() lazily, and a redirect arriving onto a page
        of the same depth must find it already scheduled (a "redirect target" hop
        row), whether or not the engine has taken that page's request yet."""
        outs: list[scrapy.Request | Outcome] = []
        for url, depth, referer, reason, priority in visits:
            self.order.setdefault(url, len(self.order))
            if reason is None:
                outs.extend(self._visit(url, depth, referer, priority))
            elif url not in self.scheduled:
                self.scheduled.add(url)
                if not self._recorded(url):
                    outs.append(Outcome(url, "skipped", reason, utc_now(), depth=depth, referer=referer))
        return outs

    def _recorded(self, url: str) -> bool:
        """Already in this crawl's ledger (resume): not recorded twice."""
        return bool(self.view and url in self.view.done)

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
        the links stored for it to follow."""
        if url in self.scheduled:
            return
        depth = min(depth, self.known_depth.get(url, depth))
        if self.max_pages and self.pages >= self.max_pages:
            return
        self.scheduled.add(url)
        trap = self.traps.check(url) if self.traps and depth else None
        if trap:
            if not self._recorded(url):
                yield Outcome(url, "skipped", trap, utc_now(), depth=depth, referer=referer)
            return
        self.pages += 1
        if self._recorded(url):
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
        yield CanonicalRequest(url, headers=headers, callback=self.parse, errback=self.failed,
                             meta={DEPTH: depth, "referer": referer, "handle_httpstatus_list": HANDLED},
                             dont_filter=True, priority=priority)

    def _follow(self, urls: list[tuple[str, str | None]], depth: int, referer: str) -> Iterator:
        """The page's links: requested (or skipped, with the reason) once, in a
        layered crawl when their depth is released."""
        if depth >= self.depth:
            return
        place = self.order.get(referer, len(self.order))
        for i, (url, reason) in enumerate(urls):
            if self.layered:
                self._wait(url, depth + 1, referer, (place, i), reason)
            elif reason is None:
                yield from self._visit(url, depth + 1, referer)
            elif url not in self.scheduled:
                self.scheduled.add(url)
                yield Outcome(url, "skipped", reason, utc_now(), depth=depth + 1, referer=referer)

    def _wait(self, url: str, depth: int, referer: str, order: tuple[int, int], reason: str | None) -> None:
        """A link waits for its depth; found on several pages, it keeps the first in
        crawl order (its referer), whichever of them came back first."""
        if url in self.scheduled:
            return
        if reason is None:
            depth = min(depth, self.known_depth.get(url, depth))
        waiting = self.waiting.setdefault(depth, {})
        if url not in waiting or order < waiting[url][0]:
            waiting[url] = (order, referer, reason)

    def _follow_stored(self, url: str, depth: int) -> Iterator:
        hrefs = self.view.stored_links(url) if self.view else []
        yield from self._follow([(h, skip_reason(h, self.allowed_hosts)) for h in hrefs], depth, url)

    # -- responses ---------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[scrapy.Request | Outcome | FetchedPage]:
        """The page (FetchedPage) for the pipelines to extract, follow and store, or
        the request's outcome (and, for a 304, the requests for its stored links)."""
        depth, referer = response.meta.get(DEPTH, 0), response.meta.get("referer", "")
        hops = list(zip(response.meta.get("redirect_urls", []), response.meta.get("redirect_reasons", [])))
        headers = _headers(response)
        base = dict(fetched_at=utc_now(), status=response.status, depth=depth, referer=referer,
                    headers=headers, redirects=hops)
        url = response.url
        if hops:  # a page reached through a redirect takes the place in the crawl order of the URL asked for
            self.order.setdefault(url, self.order.get(hops[0][0], len(self.order)))
        refused = response.meta.get("redirect_refused")
        if refused and response.status >= 300:
            yield Outcome(url, "skipped", f"redirect refused: {refused}", **base)
        elif hops and url in self.scheduled:
            # A redirect onto a page this crawl requests directly: record the hops only.
            yield Outcome(url, "skipped", crawls.REDIRECT_TARGET, **base)
        elif response.status == 304:
            self.scheduled.add(url)  # reached through a redirect first: not asked again
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
        else:
            self.scheduled.add(url)
            yield FetchedPage(url, response.status, headers, response.body, base["fetched_at"], depth=depth,
                              referer=referer, redirects=hops, refresh_refused=response.meta.get("refresh_refused"))

    def follow_links(self, page: FetchedPage) -> Iterator[scrapy.Request | Outcome]:
        """What an extracted page leads to: its links to follow and those not
        followed (skipped, with the reason) wait for their depth (in a crawl that is
        not layered: requests and skipped outcomes now), a refused meta refresh is a
        skipped outcome. The links pipeline (and the distributed spider) call this
        after extraction."""
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
        yield Outcome(url, outcome, reason[:500], utc_now(), depth=request.meta.get(DEPTH, 0),
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
