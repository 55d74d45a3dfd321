"""Find a publisher's condition centers: robots.txt sitemaps, sitemap indexes, A-Z index pages.

    discover("health.example.org") -> [Center(url, evidence), ...]

1. robots.txt (protego): its `Sitemap:` lines; `/sitemap.xml` when it lists none.
2. Sitemaps (Scrapy's `Sitemap` parser, gzip through Scrapy's `gunzip`, size
   capped): an index is followed (nested at most 3 deep, 200 sitemaps); a URL
   set is kept. A listed URL is a center when at least MIN_CHILDREN other listed
   URLs sit one level below it (/conditions/back-pain/... under
   /conditions/back-pain): a center is the hub of its articles.
3. Condition index pages (A-Z lists): listed pages, and the links of the home
   page, whose path or link text names conditions / diseases / health topics /
   A-Z. A page linked from such an index, one path level below it, is a center.

Fetching is plain HTTP (urllib) with the project's user agent, one request at a
time; robots.txt's rules are obeyed for every page fetched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.request import Request, urlopen

from condition_archive import __version__

MIN_CHILDREN = 3
MAX_SITEMAPS = 200
MAX_BYTES = 50 * 1024 * 1024
INDEX_WORDS = re.compile(r"(conditions?|diseases?|health[-_ ]?topics?|a[-_ ]?(to[-_ ])?z|symptoms?)", re.I)
USER_AGENT = f"condition-archive/{__version__} (center discovery)"


class DiscoveryError(Exception):
    """Discovery could not start (bad host, site unreachable); the message says what to do."""


@dataclass
class Center:
    url: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class Fetcher:
    """GET with a user agent, a timeout and a size cap; robots.txt rules once read."""

    timeout: float = 15.0
    user_agent: str = USER_AGENT
    robots: object = None  # protego.Protego once robots.txt is read
    log: list[str] = field(default_factory=list)

    def get(self, url: str) -> bytes | None:
        if self.robots is not None and not self.robots.can_fetch(url, self.user_agent):
            self.log.append(f"robots.txt forbids {url}")
            return None
        try:
            with urlopen(Request(url, headers={"User-Agent": self.user_agent}), timeout=self.timeout) as resp:
                data = resp.read(MAX_BYTES + 1)
        except HTTPError as exc:
            self.log.append(f"{url}: HTTP {exc.code}")
            return None
        except (URLError, OSError, ValueError) as exc:
            self.log.append(f"{url}: {getattr(exc, 'reason', exc)}")
            return None
        if len(data) > MAX_BYTES:
            self.log.append(f"{url}: larger than {MAX_BYTES} bytes, skipped")
            return None
        return data


def base_url(host_or_url: str) -> str:
    text = host_or_url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoveryError(f"{host_or_url!r} is not a host or http(s) URL: pass e.g. health.example.org")
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def discover(host_or_url: str, fetcher: Fetcher | None = None) -> list[Center]:
    """The publisher's condition centers with their evidence, in URL order."""
    from protego import Protego

    fetcher = fetcher or Fetcher()
    root = base_url(host_or_url)
    robots_body = fetcher.get(urljoin(root, "/robots.txt"))
    if robots_body is None and not fetcher.get(root):
        raise DiscoveryError(f"cannot reach {root} ({'; '.join(fetcher.log[-2:])}): check the host and your network")
    robots = Protego.parse((robots_body or b"").decode("utf-8", "replace"))
    fetcher.robots = robots
    sitemaps = [(u, "robots.txt Sitemap: line") for u in robots.sitemaps]
    if not sitemaps:
        sitemaps = [(urljoin(root, "/sitemap.xml"), "default location (robots.txt lists no sitemap)")]
    centers: dict[str, Center] = {}
    listed = read_sitemaps(sitemaps, fetcher)
    for url, evidence in hubs(listed).items():
        centers.setdefault(url, Center(url)).evidence.append(evidence)
    for index in index_pages(root, listed, fetcher):
        for url, evidence in index_links(index, fetcher):
            centers.setdefault(url, Center(url)).evidence.append(evidence)
    return [centers[u] for u in sorted(centers)]


def read_sitemaps(start: list[tuple[str, str]], fetcher: Fetcher) -> dict[str, str]:
    """Every URL listed by the sitemaps reachable from `start`: {url: the sitemap listing it}."""
    from scrapy.utils.gz import gunzip
    from scrapy.utils.sitemap import Sitemap

    listed: dict[str, str] = {}
    todo = [(url, why, 0) for url, why in start]
    seen: set[str] = set()
    while todo and len(seen) < MAX_SITEMAPS:
        url, why, level = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        body = fetcher.get(url)
        if not body:
            continue
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=MAX_BYTES)
            except Exception as exc:  # noqa: BLE001 - a corrupt file is reported, the rest goes on
                fetcher.log.append(f"{url}: not readable gzip ({exc})")
                continue
        try:
            sitemap = Sitemap(body)
        except Exception:  # noqa: BLE001 - not XML (an HTML error page): skip it
            fetcher.log.append(f"{url}: not a sitemap")
            continue
        for entry in sitemap:
            loc = urljoin(url, entry.get("loc", "").strip())
            if sitemap.type == "sitemapindex" and level < 3:
                todo.append((loc, f"sitemap index {url}", level + 1))
            elif sitemap.type == "urlset":
                listed.setdefault(loc, url)
    return listed


def _parent(url: str) -> str | None:
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.count("/") < 2:
        return None
    return urlunsplit((parts.scheme, parts.netloc, path.rsplit("/", 1)[0], "", ""))


def hubs(listed: dict[str, str]) -> dict[str, str]:
    """Listed URLs with at least MIN_CHILDREN listed pages one level below: {url: evidence}."""
    normal = {u.rstrip("/"): u for u in listed}
    children: dict[str, int] = defaultdict(int)
    for url in normal:
        parent = _parent(url)
        if parent:
            children[parent] += 1
    return {normal[p]: f"sitemap {listed[normal[p]]} lists it and {n} pages below it"
            for p, n in children.items() if n >= MIN_CHILDREN and p in normal}


def index_pages(root: str, listed: dict[str, str], fetcher: Fetcher) -> list[str]:
    """Likely A-Z condition index pages: listed or home-page-linked URLs that name conditions."""
    candidates = [u for u in listed if INDEX_WORDS.search(urlsplit(u).path.rstrip("/").rsplit("/", 1)[-1])]
    home = fetcher.get(root)
    if home:
        for href, text in _links(home, root):
            tail = urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]
            if _same_site(href, root) and (INDEX_WORDS.search(tail) or INDEX_WORDS.search(text)):
                candidates.append(href)
    out, seen = [], set()
    for url in candidates:
        key = url.rstrip("/")
        if key not in seen and key != root.rstrip("/"):
            seen.add(key)
            out.append(url)
    return out[:20]


def index_links(index: str, fetcher: Fetcher) -> list[tuple[str, str]]:
    """Links of an index page one path level below it (an A-Z list of centers)."""
    body = fetcher.get(index)
    if not body:
        return []
    base = index.rstrip("/")
    found = {}
    for href, _text in _links(body, index):
        clean = urlunsplit(urlsplit(href)._replace(query="", fragment=""))
        if _same_site(clean, index) and _parent(clean) == base:
            found.setdefault(clean, None)
    if len(found) < MIN_CHILDREN:
        return []
    return [(url, f"linked from the condition index {index} ({len(found)} links one level below it)")
            for url in found]


def _same_site(url: str, other: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(other).netloc.lower()


def _links(body: bytes, url: str) -> list[tuple[str, str]]:
    import lxml.html

    try:
        doc = lxml.html.fromstring(body)
    except Exception:  # noqa: BLE001 - an unparsable page has no links
        return []
    out = []
    for a in doc.iter("a"):
        href = a.get("href")
        if href and not href.startswith(("#", "mailto:", "javascript:")):
            out.append((urljoin(url, href.strip()), " ".join(a.text_content().split())))
    return out
