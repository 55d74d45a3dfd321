"""Crawl policy as pure functions: which URLs a crawl may fetch, and why not.

The spider asks these; tests pin them with tables. No scrapy import.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
import socket
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import ParseResult, SplitResult, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from condition_archive.extract.model import Link

# Links in these regions lead to the center's articles; menus, footers, ads and
# sponsored boxes lead everywhere else on (or off) the site.
FOLLOW_REGIONS = ("main", "related")

# Not pages: fetching them only costs the site bandwidth (Scrapy's list, trimmed).
NOT_PAGES = frozenset("""
7z 7zip bz2 rar tar tar.gz xz zip gz exe dmg apk iso bin msi
mng pct bmp gif jpg jpeg png pst psp tif tiff ai drw dxf eps ps svg cdr ico webp avif heic
mp3 wma ogg wav ra aac mid au aiff m4a flac
3gp asf asx avi mov mp4 mpg qt rm swf wmv m4v webm flv
css pdf doc docx xls xlsx ppt pptx pps odt ods odg odp rtf epub
""".split())


class BadSeed(ValueError):
    """A seed URL the crawler cannot use; the message says what to pass instead."""


_HOST = re.compile(r"[a-z0-9]([a-z0-9_.-]*[a-z0-9])?")


def check_seed(url: str) -> str:
    """Validate a seed URL and return it normalised, or raise BadSeed."""
    remedy = "pass a full URL such as https://www.spine-health.com/conditions/upper-back-pain"
    try:
        parts = urlsplit(url.strip())
        host, _ = parts.hostname, parts.port
    except ValueError as exc:  # bad IPv6 literal, port out of range
        raise BadSeed(f"{url!r} is not a valid URL ({exc}): {remedy}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise BadSeed(f"{url!r} is not an http(s) URL: {remedy}")
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        ascii_host = ""
    if not (_HOST.fullmatch(ascii_host) or ":" in host):  # ":" only in an IPv6 literal urlsplit accepted
        raise BadSeed(f"{url!r} has an invalid host name {host!r}: {remedy}")
    if "@" in parts.netloc:
        raise BadSeed(f"{url!r} carries a user name or password: {remedy} (without credentials)")
    return canonical_url(url.strip())


def canonical_url(url: str) -> str:
    """The one spelling the archive gives a URL, page or link alike, so links join
    pages: `normalize`, then w3lib's safe_url_string (percent-encoded as Scrapy
    requests it: /café -> /caf%C3%A9, a space -> %20). Other schemes pass unchanged."""
    if not url[:8].lower().startswith(("http://", "https://")):
        return url
    try:
        safe = safe_url_string(normalize(url))
    except ValueError:  # a port out of range: kept as written, refused where it is fetched
        return url
    if len(SAFE) >= SAFE_LIMIT:
        SAFE.clear()
    SAFE.add(safe)
    return safe


# canonical_url's answers (the newest SAFE_LIMIT at most): each is an output of w3lib's
# safe_url_string, which leaves its own output as it is ("calling this function on an
# already safe URL will return the URL unmodified"), so a request for one need not
# run it again (~15 us a request: spiders/condition_center.py, CanonicalRequest).
SAFE: set[str] = set()
SAFE_LIMIT = 1 << 18


# Memoised: a site's menus, footers and related boxes repeat the same hrefs on
# every page (the links pipeline and the store ask for each link of each page).
canonical = lru_cache(maxsize=1 << 16)(canonical_url)


def normalize(url: str) -> str:
    """Drop the fragment, lower-case scheme and host, keep an explicit path."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    if parts.port in (80, 443) and parts.scheme in ("http", "https"):
        default = {"http": 80, "https": 443}[parts.scheme]
        if parts.port == default:
            netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host name spells, in any form the C resolver reads as one
    (127.1, 2130706433, 0x7f000001, 0177.0.0.1 as well as 127.0.0.1), else None."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return None
    return None


_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}", re.I)


@lru_cache(maxsize=1024)
def is_private_host(host: str) -> bool:
    """True for localhost and for hosts spelling a loopback, private, link-local,
    reserved or unspecified IP address. Only the spelling: names that resolve to
    such addresses are refused at connection time (condition_archive/crawl/netguard.py).
    Memoised: every request asks for one of a crawl's few hosts (7-9 us a call,
    a ValueError raised and caught for every host that is a name)."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    addr = host_address(host)
    return addr is not None and not addr.is_global


def private_seed_netlocs(seeds: Iterable[str]) -> frozenset[str]:
    """host:port of the seeds written as a loopback or private address in the usual
    form (127.0.0.1, ::1, 10.0.0.5, localhost): the user named that address, so the
    crawl may connect there, at that port only. Any other spelling of such an
    address, or a name resolving to one, needs ARCHIVE_ALLOW_PRIVATE."""
    out = set()
    for url in seeds:
        host = (urlsplit(url).hostname or "").lower()
        try:
            canonical = host in ("localhost", "localhost.localdomain") or not ipaddress.ip_address(host).is_global
        except ValueError:
            canonical = False
        if canonical:
            out.add(seed_netloc(url))
    return frozenset(out)


def skip_reason(url: str, allowed_hosts: frozenset[str]) -> str | None:
    """None when the crawl may fetch `url`; otherwise why not."""
    if type(allowed_hosts) is not frozenset:  # the memo's key
        allowed_hosts = frozenset(allowed_hosts)
    return _skip_reason(url, allowed_hosts)


# Memoised: a link to follow is on ~3 pages of a generated site (cards, related
# boxes), and each answer cost a split, a host and an extension (~6 us).
@lru_cache(maxsize=1 << 16)
def _skip_reason(url: str, allowed_hosts: frozenset[str]) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not http(s): {parts.scheme or 'no scheme'}"
    host = (parts.hostname or "").lower()
    if host not in allowed_hosts:
        return f"other host: {host or 'none'}"
    ext = posixpath.splitext(parts.path)[1].lower().lstrip(".")
    if ext in NOT_PAGES:
        return f"not a page: .{ext}"
    return None


def to_follow(links: Iterable[Link], allowed_hosts: frozenset[str],
              regions: tuple[str, ...] = FOLLOW_REGIONS) -> list[tuple[str, str | None]]:
    """(url, skip reason or None) for each distinct link in the followed regions, in order."""
    seen: set[str] = set()
    out = []
    for link in links:
        if link.region not in regions:
            continue
        url = canonical(link.href)
        if url in seen:
            continue
        seen.add(url)
        out.append((url, skip_reason(url, allowed_hosts)))
    return out


def refusal(url: str, allowed_hosts: frozenset[str], seed_netlocs: frozenset[str] = frozenset(),
            parts: SplitResult | ParseResult | None = None) -> str | None:
    """None when a request (a redirect target included) may go to `url`; otherwise why not.

    Only http(s), only the crawl's hosts, and a loopback or private address only
    at the exact host:port of a seed: a site must not steer the crawler at other
    services on the machine or the local network. `parts`: `url` already split
    (Scrapy's urlparse_cached of a request: its scheme and netloc are urlsplit's).
    """
    parts = parts or urlsplit(url)
    if type(allowed_hosts) is not frozenset or type(seed_netlocs) is not frozenset:  # the memo's keys
        allowed_hosts, seed_netlocs = frozenset(allowed_hosts), frozenset(seed_netlocs)
    return _address_refusal(parts.scheme, parts.netloc, allowed_hosts, seed_netlocs)


@lru_cache(maxsize=1024)
def _address_refusal(scheme: str, netloc: str, allowed_hosts: frozenset[str],
                     seed_netlocs: frozenset[str]) -> str | None:
    """`refusal` by the parts it reads: a crawl asks for a few scheme://host:port
    thousands of times (a host and port parsed ~5 us a request)."""
    if scheme not in ("http", "https"):
        return f"not http(s): {scheme or 'no scheme'}"
    parts = SplitResult(scheme, netloc, "", "", "")  # hostname and port read the netloc only
    try:
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "malformed address"
    if host not in allowed_hosts:
        return f"other host: {host or 'none'}"
    netloc = f"{host}:{port or {'http': 80, 'https': 443}[scheme]}"
    if is_private_host(host) and netloc not in seed_netlocs:
        return f"private or loopback address that is not a seed: {netloc}"
    return None


def seed_netloc(url: str) -> str:
    """host:port of a seed, the port made explicit (see `refusal`)."""
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}:{parts.port or {'http': 80, 'https': 443}.get(parts.scheme, 0)}"


@dataclass(frozen=True)
class TrapLimits:
    """Caps that stop endless URL spaces (calendars, faceted search, session ids)."""

    max_query_variants: int = 25   # distinct query strings of one path
    max_pattern_pages: int = 200   # pages whose paths differ only in their numbers
    max_segment_repeats: int = 2   # /a/b/a/b/a/b: a relative-link loop
    max_url_length: int = 2083     # Scrapy drops longer URLs silently; say so instead


class TrapGuard:
    """Counts the URLs a crawl schedules and says when one looks like a crawl trap."""

    def __init__(self, limits: TrapLimits | None = None):
        self.limits = limits or TrapLimits()
        self.variants: dict[str, set[str]] = defaultdict(set)
        self.patterns: Counter[str] = Counter()

    def check(self, url: str) -> str | None:
        """None when `url` may be scheduled (and count it); otherwise the trap reason."""
        limits, parts = self.limits, urlsplit(url)
        if len(url) > limits.max_url_length:
            return f"crawl trap: URL longer than {limits.max_url_length} characters"
        segments = [s for s in parts.path.split("/") if s]
        # A segment can repeat more than the limit only with more segments than that,
        # and not when they are all different (a set is ~10x cheaper than a Counter).
        if len(segments) > limits.max_segment_repeats and (
                limits.max_segment_repeats < 1 or len(set(segments)) < len(segments)):
            repeated = max(Counter(segments).values())
            if repeated > limits.max_segment_repeats:
                return f"crawl trap: a path segment repeats {repeated} times"
        path_key = f"{parts.netloc}{parts.path}"
        if parts.query and parts.query not in self.variants[path_key]:
            if len(self.variants[path_key]) >= limits.max_query_variants:
                return f"crawl trap: more than {limits.max_query_variants} query variants of {parts.path}"
            self.variants[path_key].add(parts.query)
        if _DIGITS.search(parts.path):  # else its pattern is the path itself: not counted
            shape = _DIGITS.sub("N", parts.path)
            pattern = f"{parts.netloc}{shape}?{','.join(sorted(_query_keys(parts.query)))}"
            if self.patterns[pattern] >= limits.max_pattern_pages:
                return f"crawl trap: more than {limits.max_pattern_pages} pages like {shape}"
            self.patterns[pattern] += 1
        return None


_DIGITS = re.compile(r"\d+")


def _query_keys(query: str) -> set[str]:
    return {pair.split("=", 1)[0] for pair in query.split("&") if pair}
