"""Center structure: the ordered sections of a hub page and their ordered cards.

Generic, template-free rule:

* A card is the block around an article link, found by climbing from the link
  while the block still points at one article: the climb stops below a "list
  container" (a parent with two or more children of the same shape that each
  carry a titled link: the repeated cards of a grid, list or table), or when
  the block already has a title and its next ancestor holds a section heading
  beside it (a section with a single card).
* A section heading is an h2-h4 (or a block classed section-title/-heading) of
  the page's own region that is not inside a card; each card belongs to the
  nearest heading before it in page order. A heading outside the page's own
  region (a "More in A to Z" box) takes its cards with it. Cards after the H1
  and before the first heading form a section "" from their largest repeated
  group (an old center's untitled teaser list), never from a lone hero card.
  Groups that are shops or partner boxes (heading vocabulary, or every card
  leaving the site's host) are not sections.
* Menus, footers, sidebars, ads and sponsored blocks never give cards; a box the
  region map calls "related" gives cards only under a heading of the page's own
  region (class tokens like "teaser" are common on center cards themselves).
  Sections whose heading says "Sponsored"/"Advertisement" are dropped and their
  links reported as sponsored.

What each card says (title, link, image alt, teaser) is read by cardparts.py.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import count

from lxml.html import HtmlElement

from condition_archive.extract.cardparts import TITLE_TAGS, build_card, link_title
from condition_archive.extract.links import is_sponsored_link, link_kinds, resolve_links, same_page
from condition_archive.extract.meta import PageScan, class_tokens, host_of, norm, visible_text
from condition_archive.extract.model import Card, Section
from condition_archive.extract.tagindex import body_of, tagged_under
from condition_archive.extract.text import joined_text
from condition_archive.extract.vocab import HEADING_TOKENS

HEADING_TAGS = frozenset(("h2", "h3", "h4"))
# Regions whose links can be cards, and the ones that can hold section headings.
CARD_REGIONS = frozenset(("main", "related"))
HEADING_REGIONS = frozenset(("main",))
STATEFUL_CLASS = re.compile(r"\d|^(?:is-|has-)|active|first|last|odd|even|selected|current")
SHOP_HEADING = re.compile(r"\b(?:products?\s*(?:&|and)\s*services|shop|store|marketplace)\b",
                          re.I)
SPONSORED_HEADING = re.compile(r"\b(?:sponsored|advertisement|advertising|paid\s+content|"
                               r"promoted|partner\s+content|from\s+our\s+sponsors?)\b", re.I)


@dataclass
class CenterLayout:
    """What center extraction found, shared with link extraction.

    headings: section headings of the page's own content, (page-order index,
    element, text) sorted; card_links: each link element inside a card of a kept
    section, mapped to the section heading; sponsored: link elements in sponsored
    sections; order: page-order index of every element."""

    sections: tuple[Section, ...] = ()
    headings: list = field(default_factory=list)
    card_links: dict = field(default_factory=dict)
    sponsored: set = field(default_factory=set)
    order: dict = field(default_factory=dict)
    card_text_words: int = 0
    resolved: dict = field(default_factory=dict)
    cards: frozenset = frozenset()
    # Boxes holding a kept section whole (its heading, cards and any tip or
    # intro between them): read into a center's body with the intro.
    section_boxes: tuple = ()
    links: dict = field(default_factory=dict)  # card-region link element -> href
    kinds: dict = field(default_factory=dict)  # links.link_kinds of `resolved`, for page_links
    _positions: list = field(default_factory=list, repr=False)  # of headings, for heading_before

    def sponsored_blocks(self, regions) -> frozenset:
        """Blocks around sponsored links (a paid card in a grid of the site's
        own): read on demand, for a center's body only."""
        return _sponsored_blocks(self.resolved, self.links, regions)

    def heading_before(self, el: HtmlElement) -> str:
        """Text of the nearest section heading before `el` in page order, or ""."""
        pos = self.order.get(el)
        if pos is None or not self.headings:
            return ""
        if len(self._positions) != len(self.headings):
            self._positions = [h[0] for h in self.headings]
        i = bisect.bisect_right(self._positions, pos) - 1
        return self.headings[i][2] if i >= 0 else ""


def analyse_center(root: HtmlElement, regions, url: str, resolved: dict | None = None,
                   scan: PageScan | None = None) -> CenterLayout:
    """Sections and cards of the page (empty for pages without card groups).
    `resolved` (links.resolve_links) and `scan` (meta.scan_page) are reused when
    the caller already has them."""
    body = body_of(root)
    if body is None:
        return CenterLayout()
    resolved = resolve_links(root, url) if resolved is None else resolved
    # element -> page position (the region map's, of elements only: positions compare alike)
    order = regions.order if regions.order is not None else dict(zip(body.iter(), count()))
    kinds = link_kinds(resolved, regions)
    # ("sponsored" is no card region: a sponsored link gives no card.)
    links = {a: href for a, href in resolved.items()
             if kinds[a] in CARD_REGIONS and not same_page(href, url)}
    titles = list(tagged_under(body, root, regions, *TITLE_TAGS))
    heading_anc = _heading_ancestry(body, titles)
    finder = _CardFinder(links, heading_anc, regions)
    cards: dict = {}
    for link in links:
        cards.setdefault(finder.card_of(link), []).append(link)
    classed = scan.classed if scan is not None else [
        (el, class_tokens(el)) for el in body.xpath(".//*[@class or @id]")]
    # (HEADING_TAGS are TITLE_TAGS: the same elements in page order, filtered)
    heads = _section_headings(body, regions, cards, order, classed,
                              [el for el in titles if el.tag in HEADING_TAGS], heading_anc)
    title = next((h for h in tagged_under(body, root, regions, "h1")
                  if regions.region(h) in CARD_REGIONS), None)
    title_pos = order[title] if title is not None else len(order)
    boxes = {el: _titled_box(el, regions.text_len) for _, el, _ in heads}
    layout = _assemble(cards, heads, order, links, url, title_pos, boxes, regions)
    layout.resolved, layout.links, layout.kinds = resolved, links, kinds
    return layout


def _heading_ancestry(body: HtmlElement, headings=None) -> set:
    """Unlinked headings and every ancestor of one (to test "holds a heading");
    `headings`: body's TITLE_TAGS elements in page order, if listed."""
    ancestry: set = set()
    for el in body.iter(*TITLE_TAGS) if headings is None else headings:
        # next(iterdescendants(tag)): el.find(".//tag") found in C, without
        # ElementPath (and not looked for under a heading without children).
        if el in ancestry or (len(el) and next(el.iterdescendants("a"), None) is not None):
            continue
        # Climb to the first element already in `ancestry`: an accepted heading
        # or an ancestor of one, so it and all its ancestors are in already, and
        # none of them is a link (else that heading was refused).
        chain = []
        node = el.getparent()
        while node is not None and node not in ancestry:
            if node.tag == "a":
                break
            chain.append(node)
            node = node.getparent()
        else:
            ancestry.add(el)
            ancestry.update(chain)
    return ancestry


class _CardFinder:
    """Climbs from a link to its card (see module docstring), with the per-page
    facts it needs computed once: the hrefs under each element and which
    elements are list containers."""

    def __init__(self, links: dict, heading_anc: set, regions=None) -> None:
        self.links, self.heading_anc, self.regions = links, heading_anc, regions
        # node -> hrefs under it, read as "holds a link" and "more than one": above a
        # node holding two every ancestor does, so a climb stops there.
        self.hrefs: dict = {}
        hrefs = self.hrefs
        for a, href in links.items():
            node = a
            while node is not None and len(held := hrefs.setdefault(node, set())) < 2:
                held.add(href)
                node = node.getparent()
        self.lists: dict = {}

    def card_of(self, link: HtmlElement) -> HtmlElement:
        cur = link
        while True:
            parent = cur.getparent()
            if parent is None or parent.tag in ("body", "html", "main"):
                return cur
            if len(self.hrefs[parent]) > 1 or self.is_list(parent):
                return cur
            # (the sibling test first: no heading beside cur, the usual answer, is
            # found in C by isdisjoint; _has_title reads texts)
            heading_anc = self.heading_anc
            if not heading_anc.isdisjoint(parent) and any(s is not cur and s in heading_anc for s in parent) \
                    and _has_title(cur, self.regions):
                return cur
            cur = parent

    def is_list(self, parent: HtmlElement) -> bool:
        """Two or more children of one shape, each holding a link and some text."""
        found = self.lists.get(parent)
        if found is None:
            hrefs = self.hrefs
            kids = [child for child in parent if child in hrefs]
            # (one child holding a link, the usual answer climbing from an
            # article's link: no two to compare, no text or shape read)
            found = len(kids) > 1 and _repeats(kids)
            self.lists[parent] = found
        return found


def _repeats(kids: list) -> bool:
    """Two of the `kids` that hold some text share a shape (_signature)."""
    seen: set = set()
    for child in kids:
        if _has_text(child):
            sig = _signature(child)
            if sig in seen:
                return True
            seen.add(sig)
    return False


def _has_text(el: HtmlElement) -> bool:
    return bool((joined_text(el) if len(el) else el.text or "").strip())


def _has_title(el: HtmlElement, regions=None) -> bool:
    if el.tag in TITLE_TAGS or next(el.iter("h2", "h3"), None) is not None:
        return True
    return any(link_title(a, regions) for a in el.iter("a"))


def _signature(el: HtmlElement) -> tuple:
    toks = _stable_tokens(el.get("class") or "")
    shape = toks or tuple(c.tag for c in el if isinstance(c.tag, str))
    tag = el.tag
    return tag, shape, tag == "img" or next(el.iterdescendants("img"), None) is not None


@lru_cache(maxsize=4096)  # the cards of a grid share their class value
def _stable_tokens(cls: str) -> tuple:
    """The class tokens that do not vary between identical cards, sorted."""
    return tuple(sorted(t for t in cls.split() if not _stateful(t)))


@lru_cache(maxsize=4096)
def _stateful(token: str) -> bool:
    # "active", "first", "is-open", "col-3", "card--1": vary between identical cards.
    return bool(STATEFUL_CLASS.search(token))


def _section_headings(body: HtmlElement, regions, cards: dict, order: dict,
                      classed, headings=None, unlinked=frozenset()) -> list:
    """(order, element, text) of every heading outside cards, page order; text is
    None for a heading outside the page's own region (a "More in A to Z" box, a
    menu title): cards after it belong to that box, not to the section before.
    `unlinked`: elements known to have no link around them (_heading_ancestry's)."""
    # An element is inside a card when it or an ancestor is one: no set of every
    # card's elements needed (a center's cards hold hundreds).
    heads = []
    taken: set = set()
    clear: set = set()  # (_under_any's)
    found = [*(body.iter(*HEADING_TAGS) if headings is None else headings),
             *(el for el, toks in classed if not HEADING_TOKENS.isdisjoint(toks))]
    for el in sorted(set(found), key=order.__getitem__):
        if el in cards:
            continue
        if _under_any(el, cards, taken, clear) \
                or (el not in unlinked and next(el.iterancestors("a"), None) is not None):
            continue  # a heading inside a link is a card's title (a sponsored card's too)
        text = visible_text(el, regions)
        if text:
            taken.add(el)
            heads.append((order[el], el, text))
    regions.memoise([el for _, el, _ in heads])  # their regions in one call (C when built)
    region = regions.region
    return [(pos, el, text if region(el) in HEADING_REGIONS else None) for pos, el, text in heads]


def _under_any(el: HtmlElement, cards: dict, taken: set, clear: set) -> bool:
    """An ancestor of `el` is a card or a heading in `taken`. `clear`: elements
    found to have neither at or above them, filled here: a climb stops at one.
    (Asked in page order, a heading taken later is never above one of them:
    it would come before the heading whose climb found them.)"""
    chain = []
    node = el.getparent()
    while node is not None and node not in clear:
        if node in cards or node in taken:
            return True
        chain.append(node)
        node = node.getparent()
    clear.update(chain)
    return False


def _sponsored_blocks(resolved: dict, links: dict, regions) -> frozenset:
    """The largest block around each sponsored link that holds no other card
    link and stays card-sized: the paid card, label and teaser included."""
    found = set()
    for a, href in resolved.items():
        if a in links or not is_sponsored_link(a, href):
            continue
        block = a
        for up in a.iterancestors():
            if regions.text_len.get(up, 0) > 600 or any(x in links for x in up.iter("a")):
                break
            block = up
        found.add(block)
    return frozenset(found)


def _titled_box(heading: HtmlElement, text_len: dict) -> HtmlElement | None:
    """The smallest box around `heading` that holds more than the heading: the
    heading titles that box only ("Quick tip" over one sentence), or, when the
    box also holds the cards that follow, the section."""
    own = text_len.get(heading, 0)
    for box in heading.iterancestors():
        if box.tag in ("body", "html"):
            return None
        if text_len.get(box, 0) > own + 20:
            return box
    return None


def _governing(heads: list, i: int, card: HtmlElement, boxes: dict) -> int:
    """The heading that governs `card`: the nearest before it whose titled box
    has not closed before the card (a tip box's title governs the tip only)."""
    while i >= 0:
        box = boxes.get(heads[i][1])
        if box is None or box is card or box in card.iterancestors():
            return i
        i -= 1
    return i


def _assemble(cards: dict, heads: list, order: dict, links: dict, url: str,
              title_pos: int, boxes: dict | None = None, regions=None) -> CenterLayout:
    """Group cards under the heading before them; cards before the first heading
    (but after the page title) form a section "" from their largest repeated
    group (a list of teasers under no heading), never from a lone card (a hero)."""
    layout = CenterLayout(order=order, headings=[h for h in heads if h[2] is not None])
    positions = [h[0] for h in heads]
    groups: dict[int, list] = {}
    for card, card_links in sorted(cards.items(), key=lambda kv: order[kv[0]]):
        i = _governing(heads, bisect.bisect_right(positions, order[card]) - 1, card, boxes or {})
        heading = heads[i][2] if i >= 0 else ""
        if heading is None or (i < 0 and order[card] < title_pos):
            continue  # a box of its own ("More in A to Z"), or chrome above the title
        if SPONSORED_HEADING.search(heading):
            layout.sponsored.update(card_links)
            continue
        built = build_card(card, card_links, links, regions)
        if built is not None and not _is_prose_link(card, card_links):
            groups.setdefault(i, []).append((card, card_links, built))
    host = host_of(url) if groups else None  # (no groups, no URL to split: most articles)
    sections = []
    kept = set()
    for i, members in sorted(groups.items()):
        heading = heads[i][2] if i >= 0 else ""
        if i < 0:
            members = _repeated(members)
        if not members or _is_shop_box(heading, [m[2] for m in members], host):
            continue
        sections.append(Section(heading, tuple(m[2] for m in members)))
        box = (boxes or {}).get(heads[i][1]) if i >= 0 else None
        if box is not None and all(box in m[0].iterancestors() for m in members):
            layout.section_boxes += (box,)
        for card, card_links, built in members:
            kept.add(card)
            layout.card_links.update({a: heading for a in card_links})
            layout.card_text_words += len(f"{built.title} {built.teaser}".split())
    layout.sections = tuple(sections)
    layout.cards = frozenset(kept)
    return layout


def _repeated(members: list) -> list:
    """The members of the largest list container (two or more cards sharing a
    parent): one untitled list of teasers, not the side boxes around it."""
    parents: dict = {}
    for card, _, _ in members:
        parents[card.getparent()] = parents.get(card.getparent(), 0) + 1
    best = max(parents, key=parents.get, default=None)
    if best is None or parents[best] < 2:
        return []
    return [m for m in members if m[0].getparent() is best]


def _is_shop_box(heading: str, cards: list[Card], host: str | None) -> bool:
    """A box of shop/partner links, not a section of the center: its heading says
    so, or every card leaves the site."""
    if SHOP_HEADING.search(heading):
        return True
    return bool(host) and all(host_of(c.href) not in (host, "") for c in cards)


def _is_prose_link(card: HtmlElement, card_links: list) -> bool:
    """A link inside running text ("see <a>sciatica</a> for ...") is not a card."""
    if card.tag not in ("a", "p", "span", "em", "strong", "b", "i"):
        return False
    parent = card.getparent() if card.tag != "p" else card
    own = norm((parent.text or "") + " ".join((c.tail or "") for c in parent))
    return len(own.split()) >= 4
