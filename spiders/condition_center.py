"""The condition_center spider: fetch centers and the pages they link to.

It decides what to fetch and hands raw pages (FetchedPage) and every other
request outcome (Outcome) to the pipelines; extraction and storage happen there.

    scrapy crawl condition_center -a url=https://host/conditions/upper-back-pain [-a depth=1]

Re-crawls are conditional (If-None-Match / If-Modified-Since from the archive);
a 304 follows the links stored for the page. `--resume` (ARCHIVE_RESUME) skips
pages the interrupted crawl already archived and follows their stored links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from collections.abc import AsyncIterator, Iterator

import scrapy
from scrapy.http import Response

from condition_archive.archive_view import ArchiveView
from condition_archive.extract.links import page_links
from condition_archive.extract.parse import parse_html
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.items import FetchedPage, Outcome
from condition_archive.policy import check_seed, skip_reason, to_follow
from condition_archive.store import utc_now

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

    def __init__(self, url: str = "", depth: int | str = 1, max_pages: int | str = 0, **kwargs):
        super().__init__(**kwargs)
        self.seeds = [check_seed(u) for u in re.split(r"[\s,]+", url) if u]
        if not self.seeds:
            raise ValueError("no seed URL: pass -a url=https://host/conditions/NAME (comma-separate several)")
        self.depth = int(depth)
        self.max_pages = int(max_pages)
        self.allowed_hosts = frozenset(urlsplit(u).hostname for u in self.seeds)
        # OffsiteMiddleware also refuses redirects that leave these hosts.
        self.allowed_domains = sorted(self.allowed_hosts)
        self.scheduled: set[str] = set()
        self.view: ArchiveView | None = None  # set in start(); the store pipeline opened the crawl

    async def start(self) -> AsyncIterator[scrapy.Request | Outcome]:
        self.view = ArchiveView.for_crawl(self.settings.get("ARCHIVE_DB"), getattr(self, "crawl_id", None))
        for seed in self.seeds:
            for out in self._visit(seed, 0, ""):
                yield out
        # Pages archived before but no longer linked are asked again (last), so
        # a re-crawl notices when they are gone (404/410) or moved.
        for url, depth in self.view.revisits(self.allowed_hosts, self.depth) if self.view else ():
            for out in self._visit(url, depth, "", priority=-10):
                yield out

    # -- scheduling --------------------------------------------------------------

    def _visit(self, url: str, depth: int, referer: str, priority: int = 0) -> Iterator[scrapy.Request | Outcome]:
        """A request for `url`, or, when this crawl already archived it (resume),
        the requests for the links stored for it."""
        if url in self.scheduled:
            return
        if self.max_pages and len(self.scheduled) >= self.max_pages:
            return
        self.scheduled.add(url)
        if self.view and url in self.view.done:
            yield from self._follow_stored(url, depth)
            return
        headers = {}
        etag, modified = self.view.validators.get(url, (None, None)) if self.view else (None, None)
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        yield scrapy.Request(url, headers=headers, callback=self.parse, errback=self.failed,
                             meta={"depth": depth, "referer": referer, "handle_httpstatus_list": HANDLED},
                             dont_filter=True, priority=priority)

    def _follow(self, urls: list[tuple[str, str | None]], depth: int, referer: str) -> Iterator:
        if depth >= self.depth:
            return
        for url, reason in urls:
            if reason is None:
                yield from self._visit(url, depth + 1, referer)
            elif url not in self.scheduled and not reason.startswith("other host"):
                self.scheduled.add(url)
                yield Outcome(url, "skipped", reason, utc_now(), depth=depth + 1, referer=referer)

    def _follow_stored(self, url: str, depth: int) -> Iterator:
        hrefs = self.view.stored_links(url) if self.view else []
        yield from self._follow([(h, skip_reason(h, self.allowed_hosts)) for h in hrefs], depth, url)

    # -- responses ---------------------------------------------------------------

    def parse(self, response: Response) -> Iterator:
        depth, referer = response.meta.get("depth", 0), response.meta.get("referer", "")
        hops = list(zip(response.meta.get("redirect_urls", []), response.meta.get("redirect_reasons", [])))
        headers = _headers(response)
        base = dict(fetched_at=utc_now(), status=response.status, depth=depth, referer=referer,
                    headers=headers, redirects=hops)
        url = response.url
        if response.status == 304:
            yield Outcome(url, "not-modified", "HTTP 304", **base)
            yield from self._follow_stored(url, depth)
        elif response.status in GONE:
            yield Outcome(url, "gone", f"HTTP {response.status}", **base)
        elif response.status >= 300:
            yield Outcome(url, "error", f"HTTP {response.status}", **base)
        elif not _is_html(headers.get("content-type", ""), response.body):
            yield Outcome(url, "skipped", f"not html: {headers.get('content-type') or 'unknown type'}", **base)
        elif hops and url in self.scheduled:
            # A redirect onto a page this crawl fetches directly: record the hops only.
            yield Outcome(url, "skipped", "redirect target, fetched on its own", **base)
        else:
            self.scheduled.add(url)
            page = FetchedPage(url, response.status, headers, response.body, base["fetched_at"],
                               depth=depth, referer=referer, redirects=hops)
            parsed = parse_html(response.body, url, headers.get("content-type"))
            page.stages["parsed"] = parsed
            if parsed.root is not None:
                regions = classify_regions(parsed.root)
                page.stages["regions"] = regions
                links = page_links(parsed.root, url, regions)
                yield from self._follow(to_follow(links, self.allowed_hosts), depth, url)
            yield page

    def failed(self, failure) -> Iterator[Outcome]:
        request = failure.request
        exc = failure.value
        name = type(exc).__name__
        if name == "IgnoreRequest" and "robots.txt" in str(exc):
            outcome, reason = "robots-denied", "forbidden by robots.txt"
        else:
            outcome, reason = "error", f"{name}: {exc}".strip().rstrip(":")
        yield Outcome(request.url, outcome, reason[:500], utc_now(),
                      depth=request.meta.get("depth", 0), referer=request.meta.get("referer", ""))


def _is_html(content_type: str, body: bytes) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    if ctype:
        return False
    return body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))
