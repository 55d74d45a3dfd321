"""Downloader middlewares that keep a crawl safe and say why a download failed.

- RequestGuardMiddleware (before robots.txt, so not even robots.txt is fetched)
  refuses any request outside the crawl's hosts, to a loopback or private
  address that was not a seed, or with a scheme other than http(s).
- RedirectGuardMiddleware (seen before RedirectMiddleware and MetaRefreshMiddleware)
  stops a redirect or meta refresh to such a target before it becomes a request:
  the spider gets the 3xx response with `redirect_refused` in its meta and records it.
- BackoffRetryMiddleware is Scrapy's RetryMiddleware with exponential backoff
  (and a capped Retry-After) between attempts; a connection netguard refused
  (private address) or a response with too many headers is not retried.

`describe_failure` turns a download exception into a ledger outcome and reason.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urljoin

import scrapy.utils.response as scrapy_response

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import get_meta_refresh

from . import netguard
from .policy import refusal

REDIRECT_CODES = (301, 302, 303, 307, 308)


class RefusedRequest(IgnoreRequest):
    """A request the crawl policy refuses; the message is the ledger reason."""


def _refusal_for(crawler, url: str, parts=None) -> str | None:
    spider = crawler.spider
    hosts = getattr(spider, "allowed_hosts", None)
    if hosts is None:  # not our spider: leave it alone
        return None
    return refusal(url, hosts, getattr(spider, "seed_netlocs", frozenset()), parts)


class RequestGuardMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request):
        # Split as Scrapy's scheduler and downloader split it (their slot key), once a request.
        reason = _refusal_for(self.crawler, request.url, urlparse_cached(request))
        if reason:
            self.crawler.stats.inc_value("archive/refused")
            raise RefusedRequest(f"refused: {reason}: {request.url}")
        if request.meta.get("redirect_urls"):
            _own_validators(request, getattr(self.crawler.spider, "view", None))
        return None


def _own_validators(request: Request, view) -> None:
    """A redirect hop is a copy of the request it came from, validators included:
    it asks for its target with the target's own (or none), so a 304 means the
    target is unchanged and an unchanged target is not downloaded again."""
    for name in (b"If-None-Match", b"If-Modified-Since"):
        request.headers.pop(name, None)
    etag, modified = view.validators.get(request.url, (None, None)) if view is not None else (None, None)
    if etag:
        request.headers[b"If-None-Match"] = etag
    if modified:
        request.headers[b"If-Modified-Since"] = modified


class RedirectGuardMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        target = None
        if response.status in REDIRECT_CODES and b"Location" in response.headers:
            location = response.headers[b"Location"].decode("latin-1").strip()
            target, key = urljoin(request.url, location), "redirect_refused"
        elif isinstance(response, HtmlResponse):
            try:
                _, refresh = meta_refresh(response)
            except Exception:  # noqa: BLE001 - undecodable pages have no refresh to follow
                refresh = None
            target, key = refresh, "refresh_refused"
        reason = _refusal_for(self.crawler, target) if target else None
        if reason:
            # Redirect middlewares skip requests marked dont_redirect: the
            # response goes to the spider, which records the refusal.
            request.meta["dont_redirect"] = True
            if key == "redirect_refused":  # let HttpErrorMiddleware pass the 3xx to the spider
                request.meta["handle_httpstatus_list"] = [*request.meta.get("handle_httpstatus_list", ()),
                                                          response.status]
            request.meta[key] = f"{reason}: {target}" if key == "redirect_refused" else (reason, target)
            self.crawler.stats.inc_value("archive/refused")
        return response


# Scrapy's answers of get_meta_refresh by response, which its MetaRefreshMiddleware
# (after this one) reads instead of scanning again. A private name: without it,
# Scrapy's function is asked, as before.
_REFRESH_CACHE = getattr(scrapy_response, "_metaref_cache", None)
# Encodings in which an ASCII letter of the decoded text is that byte of the body,
# and no other byte decodes to one (UTF-8 and the one-byte ASCII supersets).
_LETTERS_ARE_BYTES = re.compile(r"utf-8|ascii|latin-1|iso8859-\d+|cp125\d")
# Scrapy's get_meta_refresh scans the first 4,096 characters of the decoded text; in
# those encodings a character is at most 4 bytes (a byte that does not decode, one
# U+FFFD), after a BOM of at most 4. The bytes past that cannot hold its answer.
REFRESH_SCAN_CHARS = 4096
_REFRESH_SCAN_BYTES = 4 * REFRESH_SCAN_CHARS + 4


def meta_refresh(response: HtmlResponse) -> tuple[None, None] | tuple[float, str]:
    """Scrapy's get_meta_refresh(response), without decoding and scanning a page
    that has no refresh: its only answer for a body without the letters "refresh".
    Scrapy decodes the body and runs w3lib's scan over the first 4,096 characters
    (~60 us a page, ~2% of the crawl process), and w3lib reports only a meta tag
    whose attributes contain "refresh" (lowercased: no other character lowers to
    one of those letters). In the encodings above those letters are those bytes,
    so their absence from the bytes those characters can take settles it (only
    those are lowercased: a copy of the whole body cost ~16 us a 20 kB page); the
    answer goes into Scrapy's cache for its MetaRefreshMiddleware. Anything else:
    Scrapy's function decides."""
    if (_REFRESH_CACHE is not None and response not in _REFRESH_CACHE
            and b"refresh" not in response.body[:_REFRESH_SCAN_BYTES].lower()
            and _LETTERS_ARE_BYTES.fullmatch(codecs.lookup(response.encoding).name)):
        _REFRESH_CACHE[response] = (None, None)
    return get_meta_refresh(response)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits RETRY_BACKOFF_BASE * 2**(attempt-1) seconds
    (at most RETRY_BACKOFF_MAX; longer if the server sends Retry-After) before a retry."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def backoff(self, retry: Request, response: Response | None = None) -> float:
        wait = self.base * 2 ** (retry.meta.get("retry_times", 1) - 1)
        after = response.headers.get(b"Retry-After") if response is not None else None
        if after and after.strip().isdigit():
            wait = max(wait, float(after))
        return min(wait, self.cap)

    async def process_response(self, request: Request, response: Response):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            self.crawler.stats.inc_value("archive/retries")
            await sleep(self.backoff(result, response))
        return result

    async def process_exception(self, request: Request, exception: Exception):
        refused = netguard.REFUSED.get(netguard.url_endpoint(request.url))
        if refused:  # the resolver dropped a private address: a refusal, not a failure to retry
            self.crawler.stats.inc_value("archive/refused")
            raise RefusedRequest(f"refused: {refused}: {request.url}")
        if "HeadersTooLarge" in repr(exception) or "headers too large" in str(exception):
            raise IgnoreRequest(_hostile_text(exception))
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            self.crawler.stats.inc_value("archive/retries")
            await sleep(self.backoff(result))
        return result


def _hostile_text(exc: BaseException) -> str:
    inner = _TWISTED_FAILURE.search(str(exc))
    return inner.group(2).strip() if inner else str(exc)


_TWISTED_FAILURE = re.compile(r"Failure [\w.]+\.(\w+): ([^>\]]*)")


def describe_failure(exc: BaseException, meta: dict, maxsize: int = 0) -> tuple[str, str]:
    """(ledger outcome, reason) for a request that ended in an exception."""
    name, text = type(exc).__name__, str(exc).strip()
    inner = _TWISTED_FAILURE.search(text)
    if inner:  # "[<twisted.python.failure.Failure ...ConnectionLost: msg>]" -> ConnectionLost, msg
        name, text = inner.group(1), inner.group(2).strip()
    retries = meta.get("retry_times", 0)
    tail = f" (after {retries} retries)" if retries else ""
    if isinstance(exc, RefusedRequest):
        return "skipped", text
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in text:
            return "robots-denied", "forbidden by robots.txt"
        if "max redirections" in text:
            hops = len(meta.get("redirect_urls", []))
            return "error", f"redirect loop: gave up after {hops} redirects"
        if text.startswith("headers too large"):
            return "error", text
        if "DOWNLOAD_MAXSIZE" in text or "max size" in text:
            return "error", f"too large: {text}"
        return "error", f"ignored: {text or name}"
    if name == "DownloadCancelledError" and ("max size" in text or not text):
        # Scrapy cancels a body that grows past DOWNLOAD_MAXSIZE without a message.
        return "error", f"too large: {text or f'body grew past DOWNLOAD_MAXSIZE ({maxsize} bytes)'}"
    if name == "ResponseDataLossError" and not text:
        text = "the connection closed before the announced Content-Length arrived"
    kinds = {
        "DownloadTimeoutError": "timeout", "TimeoutError": "timeout",
        "ResponseDataLossError": "truncated body", "_DataLoss": "truncated body",
        "DownloadConnectionRefusedError": "connection refused", "ConnectionRefusedError": "connection refused",
        "CannotResolveHostError": "host not found", "DNSLookupError": "host not found",
        "ConnectionLost": "connection lost", "ConnectionDone": "connection lost",
        "DownloadFailedError": "download failed", "ResponseFailed": "download failed",
    }
    kind = kinds.get(name, name)
    return "error", f"{kind}: {text or name}{tail}"[:500]
