"""The last resorts for a page that labels no date: a date standing alone
by the headline, then htmldate.

A dateline is often an unlabelled short line just above or below the H1
("25. Januar 2022 (DJV/FWR) Berlin", "<em>01.11.2023 11:35</em>"): the first
such line within a few blocks of the headline is a "published" candidate with
the source "date by the headline (unlabelled)"; a <time datetime> there is one
by its datetime ("time[datetime] by the headline (unlabelled)"). Such a date is
the page's whatever region the page map put it in (templates class byline
columns "sidebar" and meta blocks <aside>), unless it sits in a comment, a
reference list or a card for another page (`_beside_headline`).

When none of the collectors in dates.py found a published, updated or reviewed
date, htmldate (a well-kept library, trafilatura's date finder) reads the page
with its own markup and URL heuristics (`extensive_search=False`: no guessing
from free text, which would date pages by their copyright line). Its answer is
a "published" candidate with the source "htmldate", the weakest tier of
`choose_dates`, so it never overrides what the page states.
"""

from __future__ import annotations

import copy
import re
from itertools import zip_longest

import lxml.html

from lxml.html import HtmlElement

from condition_archive.extract.markers import is_hidden
from condition_archive.extract.date_vocab import DATE_RE, DATE_TOKENS, OTHER_EVENT_RE, VETO_RE, has_label_word
from condition_archive.extract.meta import class_tokens, tokens_of
from condition_archive.extract.model import DateCandidate

try:  # imported once with the module, not on the first undated page
    from htmldate import find_date
except ImportError:
    find_date = None


def htmldate_candidates(root: HtmlElement, url: str, regions=None) -> list[DateCandidate]:
    """htmldate's original (publication) date of the page, as a candidate; it
    reads a copy without the page's boilerplate regions (cookie notices, related
    cards and comments date other things)."""
    if find_date is None:  # an install without it extracts the stated dates only
        return []
    try:
        # htmldate cleans the tree it is given: hand it a copy.
        value = find_date(_own_copy(root, regions), url=url or None, original_date=True,
                          extensive_search=False)
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
    """A copy of the page for htmldate (its <head> and <body>) without what
    dates.py has already read and refused: comments (CMS save stamps), images
    and image <meta> (an upload path dates the image, not the page), hidden
    elements, boilerplate regions, <time> elements and elements classed as dates
    (the collectors read every one of those that is the page's own; the rest
    date cards, comments and other pages)."""
    clone = lxml.html.Element("html")  # the HTML element classes htmldate needs
    for part in (root.find("head"), regions.main if regions is not None else None):
        if part is None:
            continue
        twin = copy.deepcopy(part)
        twin.tail = None
        clone.append(twin)
        doomed = [t for el, t in zip(part.iter(), twin.iter()) if _refused(el, regions)]
        for el in doomed:
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    return clone


def _refused(el, regions) -> bool:
    tag = el.tag
    if not isinstance(tag, str):
        return True
    # (the region map's walk knows the hidden elements and the class and id
    # values: regions.hidden and tokens_of answer as is_hidden and class_tokens)
    if tag in _REFUSED_TAGS or _media_meta(el) or (is_hidden(el) if regions is None else el in regions.hidden):
        return True
    if regions is not None and regions.mark(el) not in (None, "main"):
        return True
    return not DATE_TOKENS.isdisjoint(tokens_of(el, regions))


_NEAR_AFTER = 90   # elements after the headline looked at
_NEAR_BEFORE = 60  # elements before it
_DATELINE_MAX_WORDS = 10


def headline_date_candidates(root: HtmlElement, regions, order, foreign=frozenset()) -> list[DateCandidate]:
    """The first short date near the page's H1 (see module docstring)."""
    from condition_archive.extract.meta import is_foreign

    anchor = _titled_heading(root)
    if anchor is None:
        anchor = next((h for h in root.iter("h1") if not is_foreign(h, regions, foreign)), None)
    if anchor is None:
        anchor = regions.main if regions is not None else None
    if anchor is None:
        return []
    index = getattr(regions, "tags", None)
    if index is not None and index.root is root:
        # The walk's list of the elements, in page order (root.iter(etree.Element)).
        elements, at = list(index.order), index.order[anchor]
    else:
        elements = [el for el in root.iter() if isinstance(el.tag, str)]
        at = elements.index(anchor)
    after, before = elements[at + 1:at + _NEAR_AFTER], elements[max(at - _NEAR_BEFORE, 0):at][::-1]
    # Nearest first, alternating below and above the headline.
    for el in (el for pair in zip_longest(after, before) for el in pair if el is not None):
        found = _dateline(el, order)
        if found and _beside_headline(el, anchor, foreign):
            return [found]
    return []


# A news dateline opening a longer text: "27.1.2022 - Bei der ...",
# "Düsseldorf, 22. November 2022 - Der ...", "01.02.2022 „Der ...", "01. November 2021 | Naturschutz".
_LEADING_DATE = re.compile(rf"^(?:[^\W\d][\w .'/()-]{{0,40}},\s+)?((?:{DATE_RE.pattern}))\s*(?:[-–—|•]\s|[„“\"«])",
                           re.I)


def _titled_heading(root: HtmlElement) -> HtmlElement | None:
    """The page's headline: the first H1 or H2 whose words the page's <title>
    or og:title holds (a page may put its H1 in a column the region map calls
    navigation, or print "Quicklinks" as an earlier H1)."""
    from condition_archive.extract.meta import norm

    titles = [norm(t.text_content()) for t in root.iterfind(".//title")]
    titles += [norm(m.get("content")) for m in root.iterfind(".//meta[@property='og:title']")]
    said = " | ".join(titles).lower()
    if not said:
        return None
    for heading in root.iter("h1", "h2"):
        text = norm(heading.text_content()).lower()
        if len(text.split()) >= 2 and text in said:
            return heading
    return None


_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SKIPPED_TAGS = frozenset(("img", "picture", "source", "video", "audio", "script", "style"))


def _dateline(el: HtmlElement, order) -> DateCandidate | None:
    """`el` as a dateline: a <time> by its datetime (else its text), any other
    element by its own short text, which names no label (dates.py read those)
    and no copyright."""
    from condition_archive.extract.date_parse import parse_date_why, parse_machine_date
    from condition_archive.extract.meta import norm

    if el.tag in _SKIPPED_TAGS or is_hidden(el):
        return None
    if el.tag == "time" and (value := parse_machine_date(el.get("datetime") or "", order)):
        return DateCandidate("published", value, "time[datetime] by the headline (unlabelled)",
                             el.get("datetime"))
    parsed = None
    # Its own text, else the text right after it ("<span class=icon></span> 02.02.2022").
    # A link's own text names something else; the text after it may be the date
    # ("<a>Georg Quaas</a>, 21. Jan. 2015").
    own = "" if el.tag == "a" else norm(el.text)
    for text, before in ((own, None), (norm(el.tail), own)):
        if has_label_word(text) or "©" in text or "copyright" in text.lower():
            return None
        if text and len(text.split()) > _DATELINE_MAX_WORDS:
            text = _LEADING_DATE.match(text).group(1) if _LEADING_DATE.match(text) else ""
        if text and (parsed := parse_date_why(text, order)):
            break
    if not parsed or parsed[1] == "month" or _an_end(el, before):
        return None
    why = f", {parsed[2]}" if parsed[2] else ""
    return DateCandidate("published", parsed[0], f"date by the headline{why} (unlabelled)", text)


def _an_end(el: HtmlElement, before: str | None) -> bool:
    """The date is another event's (an end, a joining: date_vocab.OTHER_EVENT_RE),
    a plan or a notice, or sits inside a sentence. `before` is the element's own
    text when the date is in its tail, None when the date is its own text."""
    from condition_archive.extract.meta import text_before

    own_text = before is None
    before = before or text_before(el)
    if OTHER_EVENT_RE.search(before) or VETO_RE.search(before):
        return True
    # An element whose text a sentence runs into and on from: three words or
    # more ending in a lower-case word before it, a lower-case word after it
    # ("blickt sie am <strong>Mittwoch, 13.10.2021</strong> auf ...").
    return own_text and bool(_ENDS_LOWER.search(before) and _STARTS_LOWER.match(el.tail or ""))


_ENDS_LOWER = re.compile(r"(?:\S+\s+){2}[^\W\d_A-ZÄÖÜ]+$")
_STARTS_LOWER = re.compile(r"\s*[^\W\d_A-ZÄÖÜ]")


def _beside_headline(el: HtmlElement, anchor: HtmlElement, foreign) -> bool:
    """A date by the headline is the page's whatever region the page map gave
    it (a byline column classed "sidebar", a meta <aside> in the article),
    unless it is hidden, in a comment or reference list, in a card of the
    page, in a list item that links elsewhere, or in a card: a block without
    the headline that has a heading linking elsewhere, or is classed as a
    card, teaser or promo and links elsewhere (layout words such as "widget"
    or "sidebar" say nothing: page builders put them on every block)."""
    from condition_archive.extract.date_local import listed_item
    from condition_archive.extract.meta import CITING_TOKENS, FOREIGN_TOKENS, LAYOUT_TOKENS

    holders = frozenset(anchor.iterancestors()) | {anchor}
    for node in (el, *el.iterancestors()):
        if node in foreign or is_hidden(node):
            return False
        toks = class_tokens(node)
        if not CITING_TOKENS.isdisjoint(toks):
            return False
        if node not in holders and (((toks & FOREIGN_TOKENS) - LAYOUT_TOKENS and _links_out(node))
                                    or _linked_heading(node)):
            return False
    return not listed_item(el)


def _linked_heading(node: HtmlElement) -> bool:
    """A block with a heading that links elsewhere is a card for another page."""
    return any(h.tag in _HEADINGS and _links_out(h) for h in node.iter())


def _links_out(node: HtmlElement) -> bool:
    return any((a.get("href") or "#")[:1] != "#" for a in node.iter("a"))
