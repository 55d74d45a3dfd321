"""Where other pages' teasers start inside the article box, and inline link
clusters that are not prose: body.py asks these while it walks.

- A heading that opens teasers ("Related articles", "Lesen Sie auch",
  "Meistgelesene Artikel") ends its box; so does a line standing in for a
  heading (one bold run as a paragraph, or a short element whose class names a
  heading: `<div class="heading-h3">`) when its words open teasers.
- An inline element made of several links and nothing else (a person's
  hover card with their latest articles inside a sentence) is not prose.
- A list of look-alike linked items (is_card_list) is other pages' cards.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml.html import HtmlElement

from condition_archive.extract import vocab
from condition_archive.extract.markers import tokens
from condition_archive.extract.text import joined_text

_RELATED_HEADING = re.compile(f"{vocab.RELATED_HEADING}|{vocab.TEASER_HEADING}", re.I)
# A line standing in for a heading ends its box only when it opens teasers
# (a bold "Sources" line may be followed by more of the article).
_TEASER_LINE = re.compile(rf"^\W*(?:{vocab.RELATED_TEASERS})\W*$|{vocab.TEASER_HEADING}", re.I)
_HEADING_TOKENS = frozenset(("heading", "headline", "subheading", "subhead", "title", "h2", "h3", "h4", "h5"))
_TITLE_WORDS = 8
_LINE_TAGS = frozenset(("div", "p", "span", "strong", "b"))
_INLINE = frozenset(("span", "font", "em", "i", "small"))
# The tags teaser_pattern can answer for (callers skip the call for the rest).
HEADINGISH = vocab.HEADING_TAGS | _LINE_TAGS


def teaser_pattern(el: HtmlElement):
    """For a heading or a line standing in for one, the words that would make it
    open other pages' teasers (a compiled pattern: says_teasers); None for
    anything else. A line opens teasers when its region is "related" or it says
    so: body.py reads the region only of a line this answers for."""
    if el.tag in vocab.HEADING_TAGS:
        return _RELATED_HEADING
    if _is_bold_line(el) or _is_heading_classed(el):
        return _TEASER_LINE
    return None


def says_teasers(el: HtmlElement, pattern) -> bool:
    """The line's words match teaser_pattern's `pattern`."""
    return bool(pattern.match(" ".join(joined_text(el).split())))


def is_teaser_title(text: str) -> bool:
    """A short line that titles a box of other pages' teasers ("Verwandte
    Themenbereiche", "You may also like..."): at the body's end, the box it
    titled was dropped, so it goes too."""
    return "\n" not in text and len(text.split(None, _TITLE_WORDS)) <= _TITLE_WORDS \
        and bool(_RELATED_HEADING.match(text))


def _is_bold_line(el: HtmlElement) -> bool:
    """A paragraph that is one bold run and nothing else ("<p><strong>Schon
    gelesen?</strong></p>"): a heading in all but its tag."""
    if el.tag != "p" or (el.text and el.text.strip()) or len(el) != 1:
        return False
    child = el[0]
    return child.tag in ("strong", "b") and not (child.tail and child.tail.strip())


def _is_heading_classed(el: HtmlElement) -> bool:
    """A short line (no block inside) whose class names a heading or a title."""
    cls = el.get("class")
    return (el.tag in _LINE_TAGS and bool(cls) and not _HEADING_TOKENS.isdisjoint(tokens(cls))
            and not any(c.tag in vocab.BLOCK_TAGS for c in el))


_TEASER_TOKENS = frozenset(("teaser", "teasers", "teaserbox", "teaserlist"))


def is_teaser_card(el: HtmlElement) -> bool:
    """A box whose class calls it a teaser and whose first text is a link (or
    which is a link): a card pointing at another page. (A "teaser" box that
    opens with its own words is often the article's standfirst.)"""
    cls = el.get("class")
    if not cls or _TEASER_TOKENS.isdisjoint(tokens(cls)):
        return False
    return starts_with_link(el, 8)


def starts_with_link(el: HtmlElement, depth: int = 6) -> bool:
    """The element's first text (or image) sits inside a link, within `depth`
    first children: a card headline."""
    node = el
    for _ in range(depth):
        if node.tag == "a":
            return True
        if node.text and node.text.strip():
            return False
        children = [c for c in node if isinstance(c.tag, str)]
        if not children:
            return False
        node = children[0]
    return False


def is_link_cluster(el: HtmlElement, text_len: dict, link_len: dict) -> bool:
    """An inline element of at least three links and (almost) nothing else."""
    if el.tag not in _INLINE:
        return False
    total = text_len.get(el, 0)
    if total < 80 or link_len.get(el, 0) < 0.9 * total:
        return False
    return sum(1 for _ in el.iter("a")) >= 3


def is_card_list(el: HtmlElement, regions) -> bool:
    """At least three look-alike items, each a linked headline plus a short teaser:
    "more stories", "popular" rows and sponsored look-alikes that carry no label.
    (`regions`: the page's boilerplate.RegionMap; from body.py, which asks.)"""
    if len(el) < 3:
        return False  # (most boxes: fewer children than items, none read)
    text_len, link_len = regions.text_len, regions.link_len
    kids = [c for c in el if isinstance(c.tag, str) and text_len.get(c, 0) > 0]
    if len(kids) < 3:
        return False
    signatures = Counter((c.tag, c.get("class")) for c in kids)
    (tag, _), count = signatures.most_common(1)[0]
    if tag == "p" or count < 0.7 * len(kids):
        return False
    cards = sum(1 for c in kids if text_len[c] < 500 and link_len.get(c, 0) >= 0.15 * text_len[c]
                and starts_with_link(c))
    return cards >= 0.8 * len(kids)
