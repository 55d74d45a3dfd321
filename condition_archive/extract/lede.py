"""The article's standfirst (issue 11, session 6: recall on templates nobody
here wrote).

News and magazine templates set the article's opening in its own header,
beside the body box: the headline, then a standfirst, lede, summary or
subtitle ("<header class=entry__header><h1>..</h1><p class=subtitle>..</p>"),
sometimes a lead photo's caption; or as a block between the headline and a
body box too narrow to hold it ("Vorspann", p.subtitle). A reader reads that
standfirst as the start of the article, so the body reads it too: the header
boxes before the main container, and the unclaimed blocks between the
headline and it, inside the box holding both. The climb to that box stops at
the article's own box and never takes the page's wrapper (a child of <body>),
whose header boxes are the site's top bar and tagline. The headline (h1),
bylines, dates, kickers, share bars and the lead photo stay out (body._ledes).
"""

from __future__ import annotations

from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract.boilerplate import RegionMap
from condition_archive.extract.markers import name_tokens
from condition_archive.extract.tagindex import tagged

# The headline's box is at most this many levels above the main container.
_MAX_CLIMB = 6
# A standfirst box is short and mostly not links (a site banner is menus).
_MAX_HEADER_CHARS = 2500
_MAX_LINK_SHARE = 0.5
_ARTICLE_BOUNDS = frozenset(("article", "main"))


def header_ledes(root: HtmlElement, regions: RegionMap) -> tuple:
    """Boxes holding the article's standfirst, in page order: header boxes
    before the main container, and unclaimed blocks between the headline and
    it, inside the box holding both."""
    main = regions.main
    if main is None:
        return ()
    # A linked h1 is a card's title or the site's logo, not the headline.
    headlines = [h for h in tagged(root, regions, "h1") if regions.text_len.get(h)
                 and regions.link_len.get(h, 0) * 2 < regions.text_len[h]]
    if not headlines:
        return ()
    holders = {a: h for h in reversed(headlines) for a in h.iterancestors()}
    node = main.getparent()
    for _ in range(_MAX_CLIMB):
        parent = node.getparent() if node is not None else None
        bound = node is not None and (node.tag in _ARTICLE_BOUNDS or node.get("role") in _ARTICLE_BOUNDS)
        if parent is None or node.tag == "body" or (parent.tag == "body" and not bound):
            return ()  # the page's wrapper: its header is the site's banner
        if node in holders:
            found = _standfirst_boxes(node, holders[node], main, regions)
            if found or bound:
                return tuple(found)  # the article's box bounds its header
        node = parent
    return ()


def _standfirst_boxes(box: HtmlElement, headline: HtmlElement, main: HtmlElement,
                      regions: RegionMap) -> list:
    """The outermost header-claimed boxes before `main` inside `box`, and
    the outermost unclaimed blocks between `headline` and `main`."""
    found: list = []
    text_len, link_len = regions.text_len, regions.link_len
    after = False
    above = set(headline.iterancestors())

    def visit(node: HtmlElement) -> bool:  # True once `main` is reached
        nonlocal after
        for el in node:
            if el is main:
                return True
            if el is headline:
                after = True
                continue
            if not isinstance(el.tag, str) or not text_len.get(el):
                continue
            if regions.wraps_main(el):
                if visit(el):
                    return True
                continue
            mark = regions.mark(el)
            if mark == "header" or (after and regions.region(el) == "main"):
                total = text_len[el]
                if total <= _MAX_HEADER_CHARS and link_len.get(el, 0) <= _MAX_LINK_SHARE * total:
                    found.append(el)
                    after = after or el in above  # a header box holding the headline
                    continue
            elif mark and mark != "main" and el not in above:
                continue  # a menu, side box or ad: no standfirst inside
            if visit(el):
                return True
        return False

    try:
        visit(box)
    finally:
        # `visit` calls itself through its closure: a cycle that would keep the
        # page's region map (and so its whole tree) alive until the next full GC.
        del visit
    return found


# Boxes in an article's header that class words call something other than its
# standfirst: a trust badge ("fact checked by our experts"), a disclosure, the
# byline or meta line, a kicker, its tags.
_NOT_STANDFIRST = frozenset(("badge", "badges", "disclaimer", "disclosure", "trust", "notice", "meta",
                             "byline", "author", "authors", "credit", "credits", "kicker", "eyebrow", "tags"))


class NotStandfirst:
    """`el in` it: el is in `drop`, or lies inside one of the header `boxes` and
    its class or id names it as no standfirst (`named`: the region map's
    element -> (class, id), for the elements with either). Answered for the
    elements the walker meets: it skips most of the boxes' insides unseen."""

    __slots__ = ("drop", "boxes", "named")

    def __init__(self, drop: frozenset, boxes: tuple, named: dict | None) -> None:
        self.drop, self.boxes, self.named = drop, frozenset(boxes), named

    def __contains__(self, el) -> bool:
        if el in self.drop:
            return True
        if self.named is not None:
            cls, ident = self.named.get(el, (None, None))
        else:
            cls, ident = el.get("class"), el.get("id")
        if not (cls or ident) or not _names_not_standfirst(cls or "", ident or ""):
            return False
        boxes = self.boxes
        return any(a in boxes for a in el.iterancestors())


@lru_cache(maxsize=8192)
def _names_not_standfirst(cls: str, ident: str) -> bool:
    return not (_NOT_STANDFIRST.isdisjoint(name_tokens(cls, True))
                and _NOT_STANDFIRST.isdisjoint(name_tokens(ident, False)))
