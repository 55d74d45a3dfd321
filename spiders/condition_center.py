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
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from condition_archive.archive import crawls
from condition_archive.crawl.archive_view import ArchiveView
from condition_archive.extract.model import PageExtract
from condition_archive.extract.parse import decode_html, parse_html, wide_codec
from condition_archive.extract.stages import center_stage, links_stage, parse_stage
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.crawl.middleware import describe_failure
from condition_archive.crawl.policy import (TrapGuard, TrapLimits, check_seed, private_seed_netlocs, refusal, skip_reason,
                                      to_follow)
from condition_archive.archive.store import utc_now
from condition_archive.crawl.worker import ExtractionPool

GONE = (404, 410)
# Statuses the spider records itself. Listing them in the request meta (needed
# for 304) replaces HTTPERROR_ALLOW_ALL, so the 4xx/5xx are listed too; 3xx are
# not, so redirects are still followed.
HANDLED = [304, *range(400, 600)]


_PAGE = object()  # _classify's answer for "a page to extract"


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
        self.view: ArchiveView | None = None  # set in start(); the store pipeline opened the crawl
        self.pool: ExtractionPool | None = None  # set in start() when ARCHIVE_EXTRACT_WORKERS > 0
        self.workers = 0
        self.day_first_sites: tuple[str, ...] = ()

    async def start(self) -> AsyncIterator[scrapy.Request | Outcome]:
        self.seed_netlocs |= frozenset(self.settings.getlist("ARCHIVE_ALLOW_PRIVATE"))
        self.view = self.open_view()
        self.day_first_sites = tuple(self.settings.getlist("ARCHIVE_DAY_FIRST_SITES"))
        self.workers = self.settings.getint("ARCHIVE_EXTRACT_WORKERS", 0)
        if self.workers > 0:
            # Extraction is CPU work; in worker processes it uses the other cores
            # while this thread keeps downloading and storing.
            self.pool = ExtractionPool(
                self.workers, self.settings.getfloat("ARCHIVE_PAGE_BUDGET", 30.0),
                on_restart=lambda: self.crawler.stats.inc_value("archive/extract_worker_restarts"))
        self.traps = TrapGuard(TrapLimits(
            max_query_variants=self.settings.getint("ARCHIVE_TRAP_MAX_QUERY_VARIANTS", 25),
            max_pattern_pages=self.settings.getint("ARCHIVE_TRAP_MAX_PATTERN_PAGES", 200)))
        for seed in self.seeds:
            for out in self._visit(seed, 0, ""):
                yield out
        # Pages archived before but no longer linked are asked again (last), so
        # a re-crawl notices when they are gone (404/410) or moved.
        for url, depth in self.view.revisits(self.allowed_hosts, self.depth) if self.view else ():
            if refusal(url, self.allowed_hosts, self.seed_netlocs):
                continue  # another port of a loopback seed (the sample site moved): not this crawl's
            for out in self._visit(url, depth, "", priority=-10):
                yield out

    def open_view(self):
        """What the crawl reads from its archive (the distributed worker reads it from Redis)."""
        return ArchiveView.for_crawl(self.settings.get("ARCHIVE_DB"), getattr(self, "crawl_id", None))

    # -- scheduling --------------------------------------------------------------

    def _visit(self, url: str, depth: int, referer: str, priority: int = 0) -> Iterator[scrapy.Request | Outcome]:
        """A request for `url`, or, when this crawl already archived it (resume),
        the requests for the links stored for it."""
        if url in self.scheduled:
            return
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

    async def parse(self, response: Response) -> AsyncIterator:
        for out in self._classify(response):
            if isinstance(out, tuple):  # (_PAGE, headers, base): a page to extract
                async for item in self._page(response, out[1], out[2]):
                    yield item
            else:
                yield out

    def _classify(self, response: Response) -> Iterator:
        """Outcomes for every response that is not a page to archive; for one that
        is, the tuple (_PAGE, headers, base) that parse() extracts."""
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
            yield _PAGE, headers, base

    async def _page(self, response: Response, headers: dict[str, str], base: dict) -> AsyncIterator:
        url, depth = response.url, base["depth"]
        self.scheduled.add(url)
        page = FetchedPage(url, response.status, headers, response.body, base["fetched_at"],
                           depth=depth, referer=base["referer"], redirects=base["redirects"])
        if self.pool is not None:
            analysis = await self._analyse(page)
            if analysis is None:  # stopping: no ledger row, so --resume fetches the page again
                return
            problem, extract, failure = analysis
            if failure:
                # The store archives the raw bytes with an "error" ledger row
                # carrying the reason; `condition-archive reprocess` retries it.
                page.stages["failed"] = failure
                yield page
                return
            if problem:
                yield Outcome(url, "skipped", problem, **base)
                return
            page.stages["extract"] = extract
            for out in self._follow(to_follow(extract.links, self.allowed_hosts), depth, url):
                yield out
            for out in self._refresh_refused(response, base, url):
                yield out
            yield page
            return
        for out in self._page_here(response, page, base):
            yield out

    async def _analyse(self, page: FetchedPage) -> tuple[str | None, PageExtract | None, str | None] | None:
        """(why it is not HTML, the PageExtract, why extraction failed) from a worker
        (condition_archive/crawl/worker.py), or None when the crawl is stopping."""
        result = await self.pool.analyse(page.body, page.url, page.headers, self.day_first_sites)
        if result is None:
            return None
        problem, extract, page.packed, failure = result
        return problem, extract, failure

    def stop_extraction(self) -> None:
        """The crawl is shutting down (SIGTERM, Ctrl-C): kill busy workers instead of
        waiting for their pages (runner.py calls this from the signal)."""
        if self.pool is not None:
            self.pool.stop()

    def _page_here(self, response: Response, page: FetchedPage, base: dict) -> Iterator:
        """Extraction in the crawl's own thread (ARCHIVE_EXTRACT_WORKERS = 0)."""
        url, depth, headers = page.url, base["depth"], page.headers
        parsed = parse_html(response.body, url, headers.get("content-type"))
        if parsed.root is None:
            yield Outcome(url, "skipped", parsed.problem or "not html", **base)
            return
        try:
            # The stages that decide what to follow; the pipelines reuse them (stages.py).
            doc = parse_stage(response.body, url, headers, parsed)
            layout = center_stage(doc)
            links = links_stage(doc, layout)
        except Exception as exc:  # noqa: BLE001 - archive the page even if its links are unreadable
            self.logger.warning("links of %s not followed: %s: %s", url, type(exc).__name__, exc)
            page.stages["parsed"] = parsed
        else:
            page.stages.update(doc=doc, center=layout, links=links)
            yield from self._follow(to_follow(links, self.allowed_hosts), depth, url)
        yield from self._refresh_refused(response, base, url)
        yield page

    def _refresh_refused(self, response: Response, base: dict, url: str) -> Iterator[Outcome]:
        refresh = response.meta.get("refresh_refused")
        if refresh:
            reason, target = refresh
            yield Outcome(target, "skipped", f"meta refresh refused: {reason}", base["fetched_at"],
                          depth=base["depth"] + 1, referer=url)

    def closed(self, reason: str) -> None:
        if self.pool is not None:
            self.pool.stop()

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
