"""One card of a center: its title (a heading, a title-classed element, else
its longest link text), the link of that title, its image's alt and its
teaser. center.py finds the cards and their sections; this reads each one.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from condition_archive.extract.foreign import tokens_of
from condition_archive.extract.model import Card
from condition_archive.extract.text import norm, visible_text

TITLE_TAGS = ("h2", "h3", "h4", "h5", "h6")
TITLE_TOKENS = frozenset(("title", "headline", "cardtitle", "teasertitle", "name", "heading"))
TEASER_TOKENS = frozenset(("teaser", "summary", "excerpt", "description", "dek", "blurb",
                           "snippet", "abstract", "deck", "lede", "intro"))
# Link texts that are calls to action, not titles.
GENERIC_LINK_TEXT = frozenset(("read more", "learn more", "more", "continue reading", "view",
                               "see more", "read article", "watch", "watch video", "details",
                               "click here", "here", "view all", "see all", "more info"))


def link_title(a: HtmlElement, regions=None) -> str:
    text = visible_text(a, regions)  # (the page's region map: the same text, memoised)
    return "" if text.lower().strip(" .»›>") in GENERIC_LINK_TEXT else text


def build_card(card: HtmlElement, card_links: list, links: dict, regions=None) -> Card | None:
    title_el = _title_element(card, card_links, regions)
    title = visible_text(title_el, regions) if title_el is not None else ""
    img = next((i for i in card.iter("img") if norm(i.get("alt"))), None)
    image_alt = norm(img.get("alt")) if img is not None else ""
    if not title:
        title = max((link_title(a, regions) for a in card_links), key=len, default="") or image_alt
    if not title:
        return None
    href = _title_href(title_el, card_links, links)
    return Card(title=title, href=href, image_alt=image_alt,
                teaser=_teaser(card, title_el, title, regions))


def _title_element(card: HtmlElement, card_links: list, regions=None) -> HtmlElement | None:
    for el in card.iter(*TITLE_TAGS):
        if visible_text(el, regions):
            return el
    for el in card.iter(etree.Element):
        if el is not card and not TITLE_TOKENS.isdisjoint(tokens_of(el, regions)) and visible_text(el, regions) \
                and next(el.iterdescendants("p"), None) is None:
            return el
    titled = [a for a in card_links if link_title(a, regions)]
    return max(titled, key=lambda a: len(link_title(a, regions)), default=None)


def _title_href(title_el: HtmlElement | None, card_links: list, links: dict) -> str:
    if title_el is not None:
        if title_el in links:
            return links[title_el]
        inner = next((a for a in title_el.iter("a") if a in links), None)
        if inner is not None:
            return links[inner]
        outer = next((a for a in title_el.iterancestors("a") if a in links), None)
        if outer is not None:
            return links[outer]
    return links[card_links[0]]


def _teaser(card: HtmlElement, title_el: HtmlElement | None, title: str, regions=None) -> str:
    inside_title = set(title_el.iter()) if title_el is not None else set()
    # (iter(etree.Element): the elements only, filtered by lxml; the cheap tests first)
    classed = [visible_text(el, regions) for el in card.iter(etree.Element)
               if el is not card and el not in inside_title
               and not TEASER_TOKENS.isdisjoint(tokens_of(el, regions))]
    paragraphs = [visible_text(p, regions) for p in card.iter("p") if p not in inside_title]
    for texts in (classed, paragraphs):
        texts = [t for t in texts if t and t != title]
        if texts:
            return norm(" ".join(dict.fromkeys(texts)))
    return ""
