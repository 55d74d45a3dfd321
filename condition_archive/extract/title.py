"""The page's title: its own headline, never a site or section banner.

The visible H1 of the page's own content comes first, as readers see it. It
is set aside when it is a banner rather than this page's headline: the site's
name, the section part of the <title> ("Headline | Digestive Health Center"),
or a heading that shares (almost) no words with a headline that two of the
page's own statements agree on (og:title, JSON-LD headline, <title>). Then the
structured headline stands, with a trailing " | Site Name" taken off; never a
trailing separator.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from condition_archive.extract.jsonld import jsonld_nodes, jsonld_types
from condition_archive.extract.meta import (
    ARTICLE_TYPES,
    FOREIGN_REGIONS,
    host_of,
    meta_content,
    norm,
    visible_text,
)
from condition_archive.extract.tagindex import tagged

TITLE_SEPARATORS = (" | ", " || ", " - ", " – ", " — ", " :: ", " » ", " · ")
_TRAILING = re.compile(r"[\s|:–—\-»·/]+$")
_WORD = re.compile(r"[^\W_]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# A heading shares fewer than this share of its words with the agreed headline: a banner.
BANNER_OVERLAP = 0.3


def page_title(root: HtmlElement, regions, url: str = "", jsonld: tuple | None = None) -> str:
    """The page's headline (see the module docstring). `jsonld`: the page's
    JSON-LD nodes (meta.PageScan.jsonld), if already read."""
    site = meta_content(root, "og:site_name", "application-name", regions=regions)
    # = root.findtext(".//title"): the first <title> below the root
    title = next((t for t in tagged(root, regions, "title") if t is not root), None)
    raw_title = norm(title.text if title is not None else None)
    headlines = [strip_site_suffix(c, site, url) for c in (
        meta_content(root, "og:title", "twitter:title", regions=regions),
        _jsonld_text(root, jsonld, "headline", "name"),
        raw_title) if c]
    h1 = main_h1(root, regions)
    if h1 and not is_banner(h1, headlines, site, raw_title):
        return _trim(h1)
    return _trim(headlines[0]) if headlines else _trim(h1)


def is_banner(h1: str, headlines: list[str], site: str, raw_title: str) -> bool:
    """True when the H1 names the site or section, not this page."""
    key = _key(h1)
    if site and key == _key(site):
        return True
    keys = [_key(h) for h in headlines]  # (each headline's key made once)
    if not headlines or any(key in k or k in key for k in keys if k):
        return False
    for sep in TITLE_SEPARATORS:
        head, found, tail = raw_title.rpartition(sep)
        if found and head and _key(tail) == key:
            return True
    agreed = [h for i, h in enumerate(headlines) if keys[i] in keys[i + 1:]]
    if not agreed:
        return False
    words = set(_WORD.findall(h1.lower()))
    shared = words & set(_WORD.findall(agreed[0].lower()))
    return len(shared) < BANNER_OVERLAP * max(len(words), 1)


def _key(text: str) -> str:
    return " ".join(_WORD.findall((text or "").lower()))


def _trim(title: str) -> str:
    return _TRAILING.sub("", title or "")


def main_h1(root: HtmlElement, regions) -> str:
    """Text of the first visible H1 of the page's own content. An H1 in a header
    region counts only when no other exists (an article header is a "header" to
    the region map, but so is a site banner whose logo is an H1) and when it is
    not a link home."""
    fallback = ""
    hidden = regions.hidden  # markers.is_hidden's elements (or is_hidden itself)
    for h1 in tagged(root, regions, "h1"):
        region = regions.region(h1)
        if region in FOREIGN_REGIONS or any(a in hidden for a in h1.iterancestors()):
            continue
        text = visible_text(h1, regions)
        if not text:
            continue
        if region != "header":
            return text
        home = any(urlsplit(a.get("href") or "").path in ("", "/") for a in h1.iter("a"))
        fallback = fallback or ("" if home else text)
    return fallback


def strip_site_suffix(title: str, site_name: str = "", url: str = "") -> str:
    """Drop a trailing site name: always after " | ", after dashes only when the
    last part is the og:site_name or looks like the host name."""
    host = None  # (read when a separator's tail is neither a bar's nor the site name)
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if not head.strip():
            continue
        if sep.strip() in ("|", "||") or tail.strip() == site_name:
            return head.strip()
        if host is None:
            hostname = host_of(url)
            host = _NOT_ALNUM.sub("", hostname.split(".")[-2]) if "." in hostname else ""
        squashed = _NOT_ALNUM.sub("", tail.lower())
        if host and squashed and (squashed in host or host in squashed):
            return head.strip()
    return title


def _jsonld_text(root: HtmlElement, jsonld: tuple | None, *keys: str) -> str:
    for node in (jsonld_nodes(root) if jsonld is None else jsonld):
        if jsonld_types(node) & ARTICLE_TYPES:
            for key in keys:
                if isinstance(node.get(key), str) and norm(node[key]):
                    return norm(node[key])
    return ""


