"""Every link of a page, with its region and section (which to follow: stages.follow_links).

Hrefs are resolved against <base href> (itself resolved against the page URL)
and their fragment dropped. Skipped, because they lead to no document to
archive: javascript:, mailto:, tel:, data:, about: and other non-http(s)
schemes, empty hrefs and in-page anchors ("#top", "#overview").

The region comes from the region map, refined: links inside a card of a center
section are "main" (card classes like "teaser" read as "related" to a generic
classifier), and sponsored look-alikes are "sponsored" (rel=sponsored, a
"Sponsored" section heading, ad-click URLs).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

from condition_archive.extract.meta import norm, visible_text
from condition_archive.extract.model import Link, new_link
from condition_archive.extract.tagindex import body_of, tagged, tagged_under

SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "sms:", "callto:",
                "blob:", "file:", "ftp:")
FOLLOW_REGIONS = frozenset(("main", "related"))
# Query keys and hosts of paid clicks that a region map cannot see.
SPONSORED_HREF = re.compile(
    r"[?&](?:utm_medium=(?:sponsored|paid|cpc|native|display|affiliate)|sponsored=|adid=|ad_id=|"
    r"tag=[\w-]+-2\d\b)"
    r"|//(?:[^/]*\.)?(?:doubleclick\.net|googleadservices\.com|adclick\.|outbrain\.com|"
    r"taboola\.com|clickserve\.)", re.I)


def page_base(root: HtmlElement, url: str, regions=None) -> str:
    """The URL relative hrefs resolve against: <base href> joined to the page URL.
    `regions`, the page's region map, lists the <base>s: `root.find(".//base[@href]")`
    walks the whole tree in libxml2 (~10 us a page, most of it cache misses)."""
    base = next((el for el in tagged(root, regions, "base") if el is not root and el.get("href") is not None),
                None)
    href = norm(base.get("href")) if base is not None else ""
    try:
        return urljoin(url, href) if href else url
    except ValueError:  # a malformed page URL (e.g. "http://[::1"): relative links stay unresolved
        return url


def resolve_links(root: HtmlElement, url: str, regions=None) -> dict:
    """Every <a> of the body that leads to a document, mapped to its absolute href
    (computed once per page: center and link extraction share it; `regions`, the
    page's region map, lists the <a>s)."""
    body = body_of(root)
    if body is None:
        return {}
    base = page_base(root, url, regions)
    origin = _origin(base)
    # absolute_href of the hrefs that do not depend on the page's path (with a
    # host, or root-relative), per origin: a site's menus repeat on every page.
    known = _site_hrefs(origin)
    found = {}
    # The walk's href values when the <a>s are its tree's (as tagged_under lists them).
    tags, hrefs = getattr(regions, "tags", None), getattr(regions, "hrefs", None)
    if tags is None or tags.root is not root:
        hrefs = None
    for a in tagged_under(body, root, regions, "a"):
        raw = a.get("href") if hrefs is None else hrefs.get(a)
        href = known.get(raw)
        if href is None:
            href = absolute_href(raw, base)
            if raw and (_HAS_HOST.match(raw) or (raw[0] == "/" and raw[1:2] != "/")):
                known[raw] = href
        if href:
            found[a] = href
    return found


# At most _SITES_MAX origins of about _SITE_HREFS_MAX hrefs each (~65,000 in all,
# some MB), the least recently started origin dropped first: a process that sees
# many sites (re-extraction over a multi-site archive) stays bounded.
_SITE_HREFS: dict = {}
_SITES_MAX = 16
_SITE_HREFS_MAX = 1 << 12


def _site_hrefs(origin: str | None) -> dict:
    """The href memo of `origin` (a throwaway dict when the page has no origin)."""
    if origin is None:
        return {}
    known = _SITE_HREFS.get(origin)
    if known is None:
        while len(_SITE_HREFS) >= _SITES_MAX:
            del _SITE_HREFS[next(iter(_SITE_HREFS))]
        known = _SITE_HREFS[origin] = {}
    elif len(known) >= _SITE_HREFS_MAX:
        known.clear()
    return known


def absolute_href(href: str | None, base: str) -> str:
    """Absolute http(s) URL without fragment, scheme and host lowercased (they are
    case-insensitive; path and query are not), or "" for hrefs that are skipped.
    Cached: a site's menus and footers repeat on every page of a crawl. An href
    with its own scheme and host does not depend on the page it is on, so it is
    cached once for all pages instead of once per page."""
    if href and (origin := _origin(base)) is not None:
        if _HAS_HOST.match(href):
            return _absolute_href(href, "")
        if href[0] == "/" and href[1:2] != "/":
            return _absolute_href(href, origin)
    return _absolute_href(href, base)


# "http://host...": urljoin returns such an href whatever the base is; a
# root-relative "/path" depends only on the base's scheme and host.
_HAS_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\s]")


@lru_cache(maxsize=1024)
def _origin(base: str) -> str | None:
    """scheme://netloc of `base` (`base` itself when it has no host; None when it
    does not parse, and then nothing it is joined with does either)."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else base


# An href that urljoin and urlsplit/urlunsplit return unchanged: lowercase
# http(s) scheme and ASCII host, a path without empty or dot segments, no
# whitespace, backslash or fragment, a query that is not empty.
_PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(?::[0-9]+)?(?:/[^/?#;\s\\.][^/?#;\s\\]*)*/?"
                        r"(?:\?[^#\s\\]+)?")
_PLAIN_PATH = re.compile(r"(?:/[^/?#;\s\\.][^/?#;\s\\]*)+/?(?:\?[^#\s\\]+)?")


@lru_cache(maxsize=16384)
def _absolute_href(href: str | None, base: str) -> str:
    if href and _PLAIN_URL.fullmatch(href) and _origin(base) is not None:  # urljoin parses base too
        return href
    if href and base and _PLAIN_PATH.fullmatch(href) and _PLAIN_URL.fullmatch(base) \
            and "/" not in base.split("://", 1)[1] and "?" not in base:
        return base + href  # a root-relative path on an origin (see absolute_href)
    return joined_href(href, base)


def joined_href(href: str | None, base: str) -> str:
    """What _absolute_href computes, always through urljoin (its fast paths must agree)."""
    href = norm(href)
    if not href or href.startswith("#") or href.lower().startswith(SKIP_SCHEMES):
        return ""
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:  # malformed IPv6 host and similar
        return ""
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", ""):
        return ""
    return urlunsplit((scheme, parts.netloc.lower(), parts.path, parts.query, ""))


def same_page(href: str, url: str) -> bool:
    """True when `href` is the page itself (fragment links already dropped)."""
    return bool(url) and href.rstrip("/") == _page_itself(url)


@lru_cache(maxsize=256)
def _page_itself(url: str) -> str:
    return urldefrag(url).url.rstrip("/")


def link_text(a: HtmlElement, regions=None) -> str:
    """Anchor text, else the image alt, else aria-label or title (`regions`, the
    page's region map, makes the anchor text a lookup: meta.visible_text)."""
    text = visible_text(a, regions)
    if text:
        return text
    for img in a.iter("img"):
        if norm(img.get("alt")):
            return norm(img.get("alt"))
    return norm(a.get("aria-label") or a.get("title"))


# The Links made so far, by their fields: most of a page's links were on its site's
# earlier pages (navigation, footer, cards), and one frozen Link object for each lets
# the extraction worker's reply find its number by identity, in C, instead of building
# and hashing a key of its four strings again (crawl/replies.py; ~0.01 ms a page of the
# worker's CPU, docs/benchmarks.md, session 14). Building the key here costs what
# building the Link again would. Bounded: at LINKS_KEPT it starts over (the objects
# stay equal, only no longer shared).
_LINKS: dict[tuple[str, str, str, str], Link] = {}
LINKS_KEPT = 1 << 14


def shared_link(href: str, text: str, region: str, section: str) -> Link:
    """new_link(href, text, region, section), the same object as last time for the same fields."""
    key = (href, text, region, section)
    link = _LINKS.get(key)
    if link is None:
        if len(_LINKS) >= LINKS_KEPT:
            _LINKS.clear()
        link = _LINKS[key] = new_link(href, text, region, section)
    return link


def page_links(root: HtmlElement, url: str, regions, layout=None,
               resolved: dict | None = None) -> tuple[Link, ...]:
    """Every followable <a href> of the page in page order (see module docstring).
    `layout` is the CenterLayout from center.analyse_center, `resolved` the
    output of resolve_links, if already computed."""
    if resolved is None:
        resolved = resolve_links(root, url)
    # The region, the section, link_text's memo hit and shared_link's lookup inline:
    # three Python calls less a link, ~60 links a page.
    kinds = layout.kinds if layout is not None else {}
    sponsored = layout.sponsored if layout is not None else ()
    card_links = layout.card_links if layout is not None else {}
    heading_before = layout.heading_before if layout is not None else None
    texts = getattr(regions, "texts", None) or {}
    rels = walked_rels(resolved, regions) if layout is None else None
    made, out = _LINKS, []
    for a, href in resolved.items():
        kind = kinds.get(a)
        if kind is None:
            kind = "sponsored" if is_sponsored_link(a, href, rels) else None
        if kind == "sponsored" or a in sponsored:
            region, section = "sponsored", ""
        elif a in card_links:
            region, section = "main", card_links[a]
        else:
            region = kind or regions.region(a)
            section = heading_before(a) if region == "main" and heading_before is not None else ""
        text = texts.get(a) or link_text(a, regions)
        link = made.get((href, text, region, section))
        out.append(link if link is not None else shared_link(href, text, region, section))
    return tuple(out)


def link_kinds(resolved: dict, regions) -> dict:
    """Each link element of `resolved` -> "sponsored" (is_sponsored_link), else
    its region: what center and link extraction both ask of every link."""
    regions.memoise(list(resolved))  # every link's climb in one call (C when built)
    region = regions.region
    rels = walked_rels(resolved, regions)  # (each link's rel a lookup, not a read through lxml)
    return {a: "sponsored" if is_sponsored_link(a, href, rels) else region(a) for a, href in resolved.items()}


def walked_rels(links, regions) -> dict | None:
    """The rel values the region map's walk read of its tree's <a>s
    (measure.Measured.rels), when `links` (<a>s with an href, all of one tree)
    are of that tree; else None, and each link's rel is read from it."""
    hrefs, rels = getattr(regions, "hrefs", None), getattr(regions, "rels", None)
    first = next(iter(links), None)
    return rels if rels is not None and (first is None or first in hrefs) else None


def is_sponsored_link(a: HtmlElement, href: str, rels: dict | None = None) -> bool:
    """rel="sponsored" (Google's rule for paid links) or an ad-click/affiliate URL.
    `rels`: walked_rels' answer for `a`'s tree, if known."""
    rel = a.get("rel") if rels is None else rels.get(a)
    return bool(rel and _sponsored_rel(rel)) or _sponsored_href(href)


@lru_cache(maxsize=1024)
def _sponsored_rel(rel: str) -> bool:
    return "sponsored" in rel.lower().split()


@lru_cache(maxsize=16384)
def _sponsored_href(href: str) -> bool:
    return bool(SPONSORED_HREF.search(href))
