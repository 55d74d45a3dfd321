"""Build every response of one version: path -> Resource (status, bytes, headers).

Everything is rendered once per version and kept in memory, with the base URL
left as a placeholder; ETags are hashes of those placeholder bodies, so they are
stable per version and page whatever port the server listens on.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache

from . import chrome, render_misc
from .data_2025_new_b import BROKEN_LINK, PDF_HANDOUT
from .model import Article, Version
from .render_common import BASE
from .render_2012 import render_article_2012, render_center_2012
from .render_2025 import SEGMENT_NAMES, render_article
from .render_center import render_center_2025
from .versions import get_version

HTML_2012 = "text/html; charset=ISO-8859-1"
HTML_2025 = "text/html; charset=utf-8"
DEFAULT_DATE = {"2012": "2012-12-18", "2025": "2025-02-11"}  # last CMS deploy of each version
IMAGE_DIRS = ("/sites/default/files/", "/images/", "/themes/")
NOT_STUBBED = ("/search/", "/admin/", "/media/", "/sites/", "/images/", "/themes/", "/css/")


@dataclass(frozen=True)
class Resource:
    status: int
    body: bytes  # may hold render_common.BASE, replaced when served
    content_type: str
    last_modified: str  # ISO date, fixed per page
    kind: str = "other"  # center | article | other | error | redirect | binary | text
    location: str = ""  # path, for redirects
    etag: str = field(default="", compare=False)


def _resource(status: int, body: str | bytes, content_type: str, last_modified: str,
              kind: str, location: str = "") -> Resource:
    if isinstance(body, str):
        latin = "ISO-8859-1" in content_type
        body = body.encode("iso-8859-1" if latin else "utf-8", errors="xmlcharrefreplace")
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return Resource(status, body, content_type, last_modified, kind, location, etag)


def page_date(article: Article, default: str) -> str:
    """The fixed Last-Modified date of an article: updated, else published, else reviewed."""
    for name in ("updated", "published", "reviewed"):
        line = article.date(name)
        if line:
            return line.iso if len(line.iso) == 10 else line.iso + "-01"
    return default


def _stub_titles(version: Version) -> dict[str, str]:
    titles = {href: text for label, entries in version.menu for text, href in entries}
    titles.update(chrome.MENU_2025_TOP if version.name == "2025" else {})
    titles.update({href: name for name, href in chrome.FOOTER_LINKS})
    titles.update({href or f"/{seg}": name for seg, (name, href) in SEGMENT_NAMES.items()})
    for article in version.articles:
        titles.update({f"/author/{p.slug}": p.display for p in article.authors + article.reviewers})
    return titles


def _stubs(version: Version, pages: dict[str, Resource], html_type: str) -> dict[str, Resource]:
    """An "other" page for every internal link target that is not a real page."""
    hrefs = set()
    for res in pages.values():
        hrefs.update(re.findall(rb'href="(/[^"#?]*)', res.body))
    skip = set(pages) | set(version.redirects) | set(version.gone) | {BROKEN_LINK}
    titles, stubs = _stub_titles(version), {}
    for href in sorted(h.decode() for h in hrefs):
        if href in skip or href.startswith(NOT_STUBBED):
            continue
        title = titles.get(href) or href.rstrip("/").rsplit("/", 1)[-1].replace("-", " ").title()
        html = render_misc.render_other(version, title, render_misc.stub_paragraphs(title), href)
        stubs[href] = _resource(200, html, html_type, DEFAULT_DATE[version.name], "other")
    return stubs


def _content_pages(version: Version, html_type: str) -> dict[str, Resource]:
    center = version.center
    titles = {a.path: a.title for a in version.articles} | {center.path: center.title}
    pages: dict[str, Resource] = {}
    if version.name == "2012":
        center_html = render_center_2012(center, version.articles)
    else:
        center_html = render_center_2025(center)
    center_date = next(line.iso for line in center.dates if line.field == "updated")
    pages[center.path] = _resource(200, center_html, html_type, center_date, "center")
    for article in version.articles:
        if version.name == "2012":
            html = render_article_2012(article, version.articles)
        else:
            html = render_article(article, titles)
        pages[article.path] = _resource(200, html, html_type,
                                        page_date(article, DEFAULT_DATE[version.name]), "article")
    home = render_misc.render_other(version, "Spine-health", render_misc.home_paragraphs(version), "/")
    pages["/"] = _resource(200, home, html_type, DEFAULT_DATE[version.name], "other")
    return pages


def _special(version: Version, pages: dict[str, Resource], html_type: str) -> dict[str, Resource]:
    day = DEFAULT_DATE[version.name]
    other = render_misc.render_other
    special = {
        "/robots.txt": _resource(200, render_misc.robots_txt(), "text/plain; charset=utf-8", day, "text"),
        "/search/": _resource(200, other(version, "Search Results", (
            "Search results for your query will appear here.",), "/search/"), html_type, day, "other"),
        "/admin/": _resource(403, other(version, "Access Denied", render_misc.error_paragraphs(403),
                                        "/admin/"), html_type, day, "error"),
    }
    if version.name == "2025":
        special[PDF_HANDOUT] = _resource(200, render_misc.pdf_handout(), "application/pdf",
                                         "2024-12-03", "binary")
    special["/admin/login"] = special["/admin/"]
    entries = [(path, res.last_modified) for path, res in pages.items() if res.kind != "other"]
    entries = [("/", day)] + sorted(entries) + [(p, "2012-11-30") for p in version.gone]  # stale
    special["/sitemap.xml"] = _resource(200, render_misc.sitemap_xml(entries),
                                        "application/xml; charset=utf-8", day, "text")
    for old, new in version.redirects.items():
        body = f'<html><body>Moved Permanently: <a href="{new}">{new}</a></body></html>'
        special[old] = _resource(301, body, html_type, day, "redirect", location=new)
    for path in version.gone:
        special[path] = _resource(410, other(version, "Page Removed", render_misc.error_paragraphs(410),
                                             path), html_type, day, "error")
    return special


@cache
def build_site(version_name: str) -> dict[str, Resource]:
    """Every fixed response of one version, by path (no query string)."""
    version = get_version(version_name)
    html_type = HTML_2012 if version_name == "2012" else HTML_2025
    pages = _content_pages(version, html_type)
    pages.update(_stubs(version, pages, html_type))
    pages.update(_special(version, pages, html_type))
    return pages


@cache
def not_found(version_name: str) -> Resource:
    version = get_version(version_name)
    html_type = HTML_2012 if version_name == "2012" else HTML_2025
    html = render_misc.render_other(version, "Page Not Found", render_misc.error_paragraphs(404), "/404")
    return _resource(404, html, html_type, DEFAULT_DATE[version_name], "error")


@cache
def _pixel() -> Resource:
    return _resource(200, render_misc.png_pixel(), "image/png", "2020-01-01", "binary")


def resolve(version_name: str, path: str) -> Resource:
    """The response for a path (query string already removed)."""
    pages = build_site(version_name)
    if path in pages:
        return pages[path]
    if path.endswith("/") and path.rstrip("/") in pages:  # the CMS drops trailing slashes
        target = path.rstrip("/")
        return Resource(301, b"", HTML_2025, DEFAULT_DATE[version_name], "redirect", target, '"r"')
    if path.startswith(IMAGE_DIRS) and path.endswith((".png", ".gif", ".svg", ".webp", ".jpg")):
        return _pixel()
    if path.endswith((".css", ".js")):
        return _asset(path.rsplit(".", 1)[1])
    return not_found(version_name)


@cache
def _asset(ext: str) -> Resource:
    """Stylesheets and scripts: present (browsers ask for them), empty of content."""
    if ext == "css":
        return _resource(200, "/* sample site */\nbody{font-family:sans-serif}\n", "text/css; charset=utf-8",
                         "2020-01-01", "binary")
    return _resource(200, "/* sample site */\nwindow.googletag = window.googletag || {cmd: []};\n",
                     "application/javascript; charset=utf-8", "2020-01-01", "binary")


def page_html(version_name: str, path: str, base_url: str = "http://127.0.0.1:8000") -> str:
    """The decoded HTML the server would send for path (no socket needed), links made
    absolute against base_url. For pure extraction tests."""
    res = resolve(version_name, path)
    charset = "iso-8859-1" if "ISO-8859-1" in res.content_type else "utf-8"
    return res.body.decode(charset).replace(BASE, base_url.rstrip("/"))
