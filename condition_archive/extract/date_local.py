"""Whose date a date is: the local day of a timestamp written in UTC, the
page's own microdata item, a list item about another page.

A CMS that stores times in UTC prints `2018-12-31T23:11:59+00:00` in its
<meta> and JSON-LD for a post its readers see dated January 1: the day a page
states is its local day. When a machine-readable candidate is a UTC timestamp
late or early in the day, and the page states the adjacent day elsewhere, that
day is the local one:

- the page's URL carries it (/2019/01/01/: permalinks are written in the
  site's time), or a visible date of the page (a date element, a labelled line)
  states it without a time;
- the shift is one a site's clock makes: the next day only from 21:00 UTC
  (sites up to three hours east of UTC), the previous day only before 08:00 UTC
  (up to eight hours west).

The candidate keeps its field and gets the local day as its value, with the
source saying why ("json-ld:datePublished (local day: the URL's date)"); nothing
else changes, so a page without such a statement keeps the UTC day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract.model import DateCandidate

_MACHINE = ("json-ld:", "microdata:", "meta:")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/|$|[-_.])")
_NEXT_FROM_HOUR = 21  # 21:00 UTC and later may be the next day east of UTC
_PREVIOUS_BEFORE_HOUR = 8  # before 08:00 UTC may be the previous day west of UTC


def url_date(url: str) -> str | None:
    """The full date a URL path carries (/2021/04/03/), else None."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


@lru_cache(maxsize=4096)  # a site's timestamps repeat on its pages
def _utc_stamp(value: str) -> datetime | None:
    if len(value) <= 10:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.utcoffset() == timedelta(0) else None


def local_days(cands: list[DateCandidate], url: str) -> list[DateCandidate]:
    """`cands` with UTC timestamps moved to the local day the page states (module docstring)."""
    stated = [(url_date(url), "the URL's date")]
    stated += [(c.value, "a visible date") for c in cands
               if len(c.value) == 10 and not c.source.startswith((*_MACHINE, "http:"))]
    stated = [(day, why) for day, why in stated if day]
    if not stated:
        return cands
    out = []
    for cand in cands:
        stamp = _utc_stamp(cand.value) if cand.source.startswith(_MACHINE) else None
        if stamp is not None and 1 < stamp.year < 9999:  # day +-1 must exist
            near = {(stamp.date() + timedelta(days=1)).isoformat(): stamp.hour >= _NEXT_FROM_HOUR,
                    (stamp.date() - timedelta(days=1)).isoformat(): stamp.hour < _PREVIOUS_BEFORE_HOUR}
            day, why = next(((d, w) for d, w in stated if near.get(d)), (None, ""))
            if day:
                cand = DateCandidate(cand.field, day, f"{cand.source} (local day: {why})", cand.raw)
        out.append(cand)
    return out


_ARTICLE_TYPES = ("article", "posting", "report")


def _article_item(el) -> bool:
    return el.get("itemscope") is not None and any(
        word in (el.get("itemtype") or "").lower() for word in _ARTICLE_TYPES)


def page_item_date(el, root) -> bool:
    """True when microdata `el` belongs to the page's own article item: its
    nearest itemscope is an Article/BlogPosting/Report and the only one on the
    page. Such a date is the page's wherever the template puts it (a
    "news-details footer" the region map calls page furniture); a list of
    teasers marks up one item per teaser, so it never has exactly one."""
    scope = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
    if scope is None or not _article_item(scope):
        return False
    return sum(1 for _ in root.xpath("//*[@itemscope][@itemtype]") if _article_item(_)) == 1


def listed_item(el: HtmlElement) -> bool:
    """True when `el` sits in a list item that links elsewhere, outside the link
    that holds `el`: "Posted 12/16/12 <a>Forum thread</a>" dates that thread, not
    the page (a date inside the link, as WordPress prints the post's own date
    in its permalink, does not count)."""
    li = el if el.tag == "li" else next(el.iterancestors("li"), None)
    if li is None:
        return False
    holders = {el, *el.iterancestors()}
    return any(a not in holders and (a.get("href") or "#")[:1] != "#" for a in li.iter("a"))
