"""Crawl policy as pure functions: which URLs a crawl may fetch, and why not.

The spider asks these; tests pin them with tables. No scrapy import.
"""

from __future__ import annotations

import ipaddress
import posixpath
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from .extract.model import Link

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


def check_seed(url: str) -> str:
    """Validate a seed URL and return it normalised, or raise BadSeed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadSeed(f"{url!r} is not an http(s) URL: pass a full URL such as "
                      "https://www.spine-health.com/conditions/upper-back-pain")
    return normalize(url.strip())


def normalize(url: str) -> str:
    """Drop the fragment, lower-case scheme and host, keep an explicit path."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    if parts.port in (80, 443) and parts.scheme in ("http", "https"):
        default = {"http": 80, "https": 443}[parts.scheme]
        if parts.port == default:
            netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and unspecified IP literals and localhost."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        addr = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_unspecified


def skip_reason(url: str, allowed_hosts: frozenset[str]) -> str | None:
    """None when the crawl may fetch `url`; otherwise why not."""
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
        url = normalize(link.href) if "://" in link.href else link.href
        if url in seen:
            continue
        seen.add(url)
        out.append((url, skip_reason(url, allowed_hosts)))
    return out
