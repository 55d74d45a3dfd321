"""Ground truth of the sample site, derived from the same data that renders it.

truth(version) -> {path: expected} for every HTML page answering 200:
    kind            "center", "article" or "other"
    title           the visible H1
    authors         names without credentials ("Marcus Ellery", not "Marcus Ellery, PT, DPT")
    reviewers       medical reviewers, same form
    date_published  ISO YYYY-MM-DD or None
    date_updated    ISO YYYY-MM-DD or None
    must_contain    2-3 sentences of the page's own prose (body_text must hold each)
    must_not_contain boilerplate present in that page's HTML (menu, ads, sponsored,
                    newsletter, cookie banner, footer, byline furniture) that body_text
                    must not hold
    search_word     a word found in this page's prose and in no other page's prose
                    of the version (articles only, "" otherwise)
    sections        centers only: [{heading, cards: [{title, href, image_alt, teaser}]}]
                    in page order, sponsored cards excluded; href is the path as linked.
                    The 2012 center lists its teasers under no heading: one section "".

The date rules:
- date_updated is the visible "Updated on:" / "Last updated" / "Updated <month>" date.
  Without a visible one, the machine-readable date (JSON-LD dateModified) counts.
  Without either it is None.
- date_published is the visible "Published ..." date, else JSON-LD datePublished,
  else None. An infographic's bare byline date ("March 2023") is its publication date.
- A "Medically reviewed on ..." date (or JSON-LD lastReviewed) is a REVIEW date: it
  is never date_updated nor date_published. Pages with only a review date have
  date_updated None (extraction should report it as a "reviewed" DateCandidate).
- Month-only dates ("March 2023", JSON-LD "2023-03") become the first of the month:
  2023-03-01.
- JSON-LD timestamps ("2024-04-22T09:30:00-05:00") give their date part as written.
- Never dates: the cookie banner ("updated on May 25, 2018"), the sidebar news item
  ("October 8, 2024"), "Next review due: ...", the CMS stamp in an HTML comment and
  in a hidden div ("Last saved 02/11/2025"), the dataLayer script, the forum post
  dates of 2012, the footer copyright years, news dates inside the 2012 research
  page's text, and HTTP Last-Modified.

changes(old, new) compares articles and the center between versions by content
(title, author and reviewer names, dates, body text); a MOVED page (301 from its
old path) is listed only under "moved", whatever its content (here: unchanged).
"""

from __future__ import annotations

import re

from . import chrome
from .data_2025_new_b import BROKEN_LINK, PDF_HANDOUT
from .model import Article, Center, DateLine, Version
from .render_common import block_text
from .render_misc import home_paragraphs, stub_paragraphs
from .site import build_site
from .versions import get_version

SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9])")
TAG = re.compile(r"<[^>]+>")


def _iso(line: DateLine | None) -> str | None:
    if line is None:
        return None
    return line.iso if len(line.iso) == 10 else line.iso + "-01"  # month-only: first day


def _first_sentence(text: str) -> str:
    """The first sentence, or the first two when the first is too short to be telling."""
    sentences = SENTENCE_END.split(text.strip())
    return " ".join(sentences[:2]) if len(sentences[0]) < 40 else sentences[0]


def _prose(blocks: tuple) -> list[str]:
    """Paragraph texts (str blocks and inline-link paragraphs), in order."""
    return [block_text(b) for b in blocks if isinstance(b, str) or b[0] == "link"]


def _must_contain(blocks: tuple) -> list[str]:
    paragraphs = _prose(blocks)
    picks = [_first_sentence(paragraphs[0])]
    if len(paragraphs) > 1:
        picks.append(_first_sentence(paragraphs[-1]))
    return picks


def _article_furniture(version: str, article: Article, titles: dict[str, str]) -> list[str]:
    snippets = list(chrome.boilerplate_snippets(version) + chrome.article_snippets(version))
    if version == "2012":
        snippets.append("Next Page:")
        return snippets
    snippets += [titles[path] for path in article.related[:1]]
    if article.badge:
        snippets.append("Peer-Reviewed Article")
    if "sidebar_news" in article.traps:
        snippets.append(chrome.SIDEBAR_NEWS[2])
    if "next_review" in article.traps:
        snippets.append("Next review due")
    if "cms_hidden" in article.traps:
        snippets.append("Last saved")
    return snippets


def article_truth(version: Version, article: Article) -> dict:
    titles = {a.path: a.title for a in version.articles}
    return {
        "kind": "article",
        "title": article.title,
        "authors": [p.name for p in article.authors],
        "reviewers": [p.name for p in article.reviewers],
        "date_published": _iso(article.date("published")),
        "date_updated": _iso(article.date("updated")),
        "must_contain": _must_contain(article.body),
        "must_not_contain": _article_furniture(version.name, article, titles),
        "search_word": article.search_word,
        "subtype": article.subtype,
    }


def center_truth(version: Version) -> dict:
    center = version.center
    dates = {line.field: line for line in center.dates}
    return {
        "kind": "center",
        "title": center.title,
        "authors": [],
        "reviewers": [],
        "date_published": _iso(dates.get("published")),
        "date_updated": _iso(dates.get("updated")),
        "must_contain": [_first_sentence(text) for text in _prose(center.intro)],
        "must_not_contain": list(chrome.boilerplate_snippets(version.name)
                                 + chrome.center_snippets(version.name)),
        "search_word": "",
        "sections": [
            {"heading": s.heading, "cards": [
                {"title": c.title, "href": c.href, "image_alt": c.image_alt, "teaser": c.teaser}
                for c in s.cards]}
            for s in center.sections],
    }


def _other_truth(version: Version, title: str, paragraphs: tuple[str, ...]) -> dict:
    own = TAG.sub("", paragraphs[0]).replace("&amp;", "&")
    # A menu hub's own title is also a menu entry: not boilerplate on that page.
    furniture = [s for s in chrome.boilerplate_snippets(version.name) if s not in own]
    return {"kind": "other", "title": title, "authors": [], "reviewers": [],
            "date_published": None, "date_updated": None, "must_contain": [own],
            "must_not_contain": furniture, "search_word": ""}


def truth(version: str) -> dict[str, dict]:
    """Expected extraction for every HTML page of the version that answers 200."""
    data = get_version(version)
    pages = {data.center.path: center_truth(data)}
    pages.update({a.path: article_truth(data, a) for a in data.articles})
    pages["/"] = _other_truth(data, "Spine-health", home_paragraphs(data))
    for path, res in build_site(version).items():
        if res.kind == "other" and path not in pages:
            title = re.search(rb"<h1[^>]*>(.*?)</h1>", res.body).group(1).decode("utf-8", "replace")
            title = title.replace("&amp;", "&")
            paragraphs = (("Search results for your query will appear here.",) if path == "/search/"
                          else stub_paragraphs(title))
            pages[path] = _other_truth(data, title, paragraphs)
    return pages


def reachable_articles(version: str) -> list[str]:
    """Article paths linked from the center's own content (cards, hero, intro), in page
    order, without repeats: what a depth-1 crawl of the center must archive. Menu,
    footer, left-nav and sponsored links do not count. A link to a moved page counts
    as its new path (the 2025 intro still links the 2012 exams URL, which answers 301)."""
    data = get_version(version)
    hrefs = [re.findall(r'href="([^"]+)"', block_text(b) if isinstance(b, str) else b[1])
             for b in data.center.intro if not isinstance(b, str)]
    ordered = [c.href for s in data.center.sections for c in s.cards]
    ordered += [h for group in hrefs for h in group]
    ordered = [data.redirects.get(h, h) for h in ordered]  # legacy links land after their 301
    articles = {a.path for a in data.articles}
    return [h for i, h in enumerate(ordered) if h in articles and h not in ordered[:i]]


def _fingerprint(page: Article | Center) -> tuple:
    if isinstance(page, Center):
        return (page.title, page.intro, page.sections, page.dates)
    return (page.title, tuple(p.name for p in page.authors), tuple(p.name for p in page.reviewers),
            _iso(page.date("published")), _iso(page.date("updated")),
            tuple(block_text(b) for b in page.body))


def changes(old: str = "2012", new: str = "2025") -> dict:
    """{"new", "changed", "unchanged", "removed": [paths], "moved": {old_path: new_path}}."""
    before, after = get_version(old), get_version(new)
    old_pages = {p.path: p for p in (before.center, *before.articles)}
    new_pages = {p.path: p for p in (after.center, *after.articles)}
    moved = {src: dst for src, dst in after.redirects.items() if src in old_pages}
    result = {"new": [], "changed": [], "unchanged": [], "removed": [], "moved": moved}
    for path, page in old_pages.items():
        if path in moved:
            continue
        if path not in new_pages:
            result["removed"].append(path)
        elif _fingerprint(page) == _fingerprint(new_pages[path]):
            result["unchanged"].append(path)
        else:
            result["changed"].append(path)
    result["new"] = [p for p in new_pages if p not in old_pages and p not in moved.values()]
    for key in ("new", "changed", "unchanged", "removed"):
        result[key].sort()
    return result


def site_facts(version: str) -> dict:
    """Paths with special behaviour: redirects (301), gone (410), the deliberately broken
    link (404, linked from an article), robots-disallowed paths linked from pages, the PDF."""
    data = get_version(version)
    return {
        "redirects": dict(data.redirects),
        "gone": list(data.gone),
        "broken_links": [BROKEN_LINK] if version == "2025" else [],
        "robots_disallowed": ["/search/", "/admin/"],
        "pdf": [PDF_HANDOUT] if version == "2025" else [],
        "external_hosts": ["www.example-sponsor.test", "www.arthritis-health.test",
                           "www.sports-health.test", "ad.example-adserver.test"],
        "trailing_slash_redirect": "/conditions/upper-back-pain/",
        # Links on the center that answer 301 (editors never updated them).
        "center_legacy_links": [old for old in data.redirects
                                if f'href="{old}"' in str(data.center.intro)],
    }
