"""The last resort for a page that states no date at all: htmldate.

When none of the collectors in dates.py found a published, updated or reviewed
date, htmldate (a well-kept library, trafilatura's date finder) reads the page
with its own markup and URL heuristics (`extensive_search=False`: no guessing
from free text, which would date pages by their copyright line). Its answer is
a "published" candidate with the source "htmldate", the weakest tier of
`choose_dates`, so it never overrides what the page states.
"""

from __future__ import annotations

import copy

from lxml.html import HtmlElement

from condition_archive.extract.boilerplate import is_hidden
from condition_archive.extract.date_vocab import DATE_TOKENS
from condition_archive.extract.meta import class_tokens
from condition_archive.extract.model import DateCandidate


def htmldate_candidates(root: HtmlElement, url: str, regions=None) -> list[DateCandidate]:
    """htmldate's original (publication) date of the page, as a candidate; it
    reads a copy without the page's boilerplate regions (cookie notices, related
    cards and comments date other things)."""
    try:
        from htmldate import find_date
    except ImportError:  # an install without it extracts the stated dates only
        return []
    try:
        # htmldate cleans the tree it is given: hand it a copy.
        value = find_date(_own_copy(root, regions), url=url or None, original_date=True,
                          extensive_search=EXT)
    except Exception:  # noqa: BLE001 - a fallback must not fail the page
        return []
    return [DateCandidate("published", value, "htmldate", value)] if value else []


_REFUSED_TAGS = frozenset(("time", "img", "picture", "source", "video", "audio"))


def _media_meta(el: HtmlElement) -> bool:
    if el.tag != "meta":
        return False
    key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
    return any(word in key for word in ("image", "video", "audio", "thumbnail", "logo"))


def _own_copy(root: HtmlElement, regions) -> HtmlElement:
    """A copy of the tree without what dates.py has already read and refused:
    comments (CMS save stamps), images and image <meta> (an upload path dates
    the image, not the page), hidden elements, elements that claim a boilerplate region, <time>
    elements and elements
    classed as dates (the collectors read every one of those that is the
    page's own; the rest date cards, comments and other pages)."""
    clone = copy.deepcopy(root)
    doomed = [twin for el, twin in zip(root.iter(), clone.iter())
              if not isinstance(el.tag, str) or el.tag in _REFUSED_TAGS or is_hidden(el) or _media_meta(el) or (regions is not None and regions.mark(el) not in (None, "main"))
              or (STRICT and not DATE_TOKENS.isdisjoint(class_tokens(el)))]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return clone








STRICT = True
EXT = False
