"""Whose content an element is: the class and id tokens of an element, and
`is_foreign`, true for page furniture (menus, footers, asides, hidden boxes)
and blocks about other pages (cards, ads, cookie banners, comment threads),
whose dates and bylines are not the page's own. Read by the date, byline and
center stages; meta.py re-exports these names for its older callers."""

from __future__ import annotations

from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract.markers import tokens

# Regions whose text says nothing about the page itself (bylines and dates found
# there belong to other pages or to the site).
FOREIGN_REGIONS = frozenset(("nav", "footer", "sidebar", "related", "ad", "sponsored"))
# Class/id tokens of blocks that describe other pages or the site, checked on
# top of the region map because a byline or date in a card is small enough for
# a region classifier to leave in "main".
# Of those, the ones page builders put on every block: they say nothing when
# the region map had to distrust class words (RegionMap.relaxed).
LAYOUT_TOKENS = frozenset(("widget", "sidebar", "tile", "tiles"))
# Of those, the ones that make even the main container foreign: a page whose
# only prose is a reference list or a comment thread.
CITING_TOKENS = frozenset(("sources", "references", "reference", "citations", "citation",
                           "bibliography", "footnotes", "ref", "comment", "comments"))
FOREIGN_TOKENS = frozenset((
    "card", "cards", "teaser", "teasers", "related", "promo", "sidebar",
    "widget", "cookie", "cookies", "consent", "gdpr", "ad", "ads", "advert",
    "advertisement", "sponsor", "sponsored", "comment", "comments", "newsletter",
    "recommended", "trending", "popular", "tile", "tiles", "sources", "references",
    "reference", "citations", "citation", "bibliography", "footnotes", "ref",
))


def class_tokens(el: HtmlElement) -> frozenset[str]:
    """Class and id tokens of one element (same splitting as the region classifier)."""
    get = el.get
    cls, ident = get("class"), get("id")
    if not cls and not ident:
        return _NO_TOKENS
    return _class_tokens(cls or "", ident or "")


_NO_TOKENS: frozenset[str] = frozenset()


def tokens_of(el: HtmlElement, regions=None) -> frozenset[str]:
    """class_tokens(el), from the class and id values the region map's walk read
    when `el` is of its tree (one dict lookup instead of two attribute reads)."""
    named = regions.named if regions is not None and regions.order is not None else None
    if named is not None:
        pair = named.get(el)
        if pair is not None:
            cls, ident = pair
            return _class_tokens(cls or "", ident or "") if cls or ident else _NO_TOKENS
        if el in regions.order:
            return _NO_TOKENS  # of the walk's tree, without a class or an id
    return class_tokens(el)


@lru_cache(maxsize=8192)
def _class_tokens(cls: str, ident: str) -> frozenset[str]:
    return frozenset((tokens(cls) if cls else ()) + (tokens(ident) if ident else ()))


@lru_cache(maxsize=8192)
def _foreign_tokens(cls: str | None, ident: str | None) -> frozenset[str]:
    """The FOREIGN_TOKENS among a class and an id value's tokens (mostly none)."""
    if not cls and not ident:
        return _NO_TOKENS
    return _class_tokens(cls or "", ident or "") & FOREIGN_TOKENS


def is_foreign(el: HtmlElement, regions, foreign=frozenset()) -> bool:
    """True when `el` sits in page furniture or in a block about another page
    (card, ad, cookie banner, sidebar, one of the `foreign` elements such as the
    center's cards) or is hidden: its dates and names are not the page's own."""
    if regions.region(el) in FOREIGN_REGIONS:
        return True
    # Most elements are in no foreign block: lxml climbs the ancestors in C for
    # isdisjoint; only when one of them (or el) is listed does the exact climb
    # below decide (it stops at <body>).
    if foreign and not (foreign.isdisjoint(el.iterancestors()) and el not in foreign):
        node = el
        while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
            if node in foreign:
                return True
            node = node.getparent()
    return _in_furniture(el, regions)


def _in_furniture(el: HtmlElement, regions) -> bool:
    """`el` or an ancestor below <body> is an <aside>, hidden, or classed as a
    block about other pages; memoised per element in the region map (callers ask
    about many elements of the same few boxes)."""
    memo, hidden = regions.furniture, regions.hidden
    # The walk's class and id values (an element of its tree missing from `named`
    # has neither): two attribute reads less per ancestor climbed.
    named, order = regions.named, regions.order
    if order is None:
        named = None
    chain = []
    found = False
    node = el
    while node is not None:
        tag = node.tag  # (a new str per read: read once)
        if not isinstance(tag, str) or tag == "body" or tag == "html":
            break
        known = memo.get(node)
        if known is not None:
            found = known
            break
        chain.append(node)
        if tag == "aside" or node in hidden:
            found = True
            break
        # The main container and its wrappers are the page itself, whatever their
        # class says ("category-news", "blog-sidebar-right" page layouts).
        pair = named.get(node) if named is not None else None
        if pair is not None:
            toks = _foreign_tokens(*pair)
        elif named is not None and node in order:
            toks = _NO_TOKENS
        else:
            toks = class_tokens(node) & FOREIGN_TOKENS
        if toks and regions.relaxed:
            toks -= LAYOUT_TOKENS
        if toks and (not regions.wraps_main(node) or toks & CITING_TOKENS):
            found = True
            break
        node = node.getparent()
    for node in chain:
        memo[node] = found
    return found
