"""Page-level fields: title, description, badges and kind, the page scan the
field extractors share, plus the small tree helpers they import from here
(visible text from text.py; "is this element part of the page's own content"
from foreign.py); JSON-LD is read by jsonld.py.

Every function reads the tree and never modifies it: the same root is used by
boilerplate, body, dates, people, center and links extraction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from condition_archive.extract.foreign import (  # noqa: F401 - re-exported
    CITING_TOKENS,
    FOREIGN_REGIONS,
    FOREIGN_TOKENS,
    LAYOUT_TOKENS,
    _class_tokens,
    _in_furniture,
    _NO_TOKENS,
    class_tokens,
    is_foreign,
    tokens_of,
)
from condition_archive.extract.jsonld import jsonld_nodes, jsonld_types
from condition_archive.extract.measure import INVISIBLE_TAGS  # tags whose text a reader never sees
from condition_archive.extract.measure import value_tokens
from condition_archive.extract.vocab import FIELD_CLASS_TOKENS
# The text helpers live in text.py; imported from here by most field modules.
from condition_archive.extract.text import (  # noqa: F401
    INLINE_TAGS,
    SKIP_TAGS,
    block_of,
    norm,
    own_lines,
    text_before,
    visible_text,
)
from condition_archive.extract.tagindex import body_of, tagged
from condition_archive.extract.wordre import TextVerdicts, any_word

# Separators of "Title | Site Name" in <title> and og:title.
# Phrases that make a short standalone element a review/quality badge.
BADGE_RE = re.compile(
    r"\b(?:(?:peer|medically|medical|doctor|physician|expert|clinically|editorially|"
    r"pharmacist|nurse|dietitian)[\s-]+reviewed|fact[\s-]+checked|evidence[\s-]+based|"
    r"board[\s-]+certified[\s-]+reviewed)\b", re.I)
BADGE_MAX_WORDS = 5
BADGE_PREFILTER = re.compile(r"reviewed|checked|evidence", re.I)
# Class tokens of the paragraph that introduces a page.
LEDE_TOKENS = frozenset(("lede", "lead", "intro", "introduction", "summary", "dek",
                         "standfirst", "subtitle", "subhead", "description", "excerpt",
                         "abstract", "deck", "tagline"))
LEDE_MIN_CHARS = 40
# JSON-LD types that make a page an article, and ones that make it a hub.
ARTICLE_TYPES = frozenset(("article", "newsarticle", "blogposting", "medicalwebpage",
                           "scholarlyarticle", "medicalscholarlyarticle", "reportagenewsarticle",
                           "healthtopiccontent", "techarticle", "report"))
HUB_TYPES = frozenset(("collectionpage", "itemlist"))
# Kind thresholds: a center has at least this many card sections and cards, and
# its own prose (outside cards) is short; an article has this much prose.
CENTER_MIN_SECTIONS = 2
CENTER_MIN_CARDS = 4
CENTER_MIN_SINGLE_SECTION_CARDS = 5
CENTER_MAX_PROSE_WORDS = 400
ARTICLE_MIN_WORDS = 50

# Words that make a text node worth a second look: date labels (dates.py),
# byline words (people.py), review badges (page_badges). One regex pass over
# the page instead of one per field.
# Matched against lowercased text: re.IGNORECASE makes it six times slower.
SCAN_MAX_CHARS = 400
# Every alternative starts with a letter: re then skips ahead on first letters,
# ten times faster than with anchors or classes in front (measured); compiled as
# a trie of its words (wordre.any_word), twice as fast again.
TEXT_PREFILTER = any_word(r"updat|modif|revis|publish|posted|review|date|by\b|author|"
                          r"contributor|writer|checked|evidence|"
                          # the same words in the other languages dates.py and people.py read
                          r"datum|stand|aktualis|veröffentl|geändert|erstellt|mis à jour|"
                          r"publié|publicado|pubblicato|gepubliceerd|actualiz|aggiorn|bijgewerkt|"
                          r"aktualiz|opublik|autor|auteur|geprüft|text|mise en ligne")
# Byline words that are common mid-sentence count only at a line's start.
LEAD_LABELS = ("von ", "par ", "por ", "di ", "door ", "przez ")


@dataclass(frozen=True)
class PageScan:
    """One pass over the tree shared by the field extractors (walking it once
    instead of once per field keeps extraction fast).

    texts:   (element whose line holds the text, text) for the body's text nodes
             that name a date label, a byline word or a review badge
             (TEXT_PREFILTER); scripts and styles left out; a tail belongs to
             its element's parent.
    classed: (element, class/id tokens) for the body elements whose class or
             id tokens name a field (vocab.FIELD_CLASS_TOKENS: bylines,
             reviewers, dates, section headings), the ones fields read.
    jsonld:  every JSON-LD node of the page (see jsonld_nodes).
    foreign: elements known to describe other pages (the center's cards):
             dates and bylines inside them are not the page's own.
    lines:   block -> its own lines (block_lines), read once for the page's
             dates and bylines both (the same byline rows hold both)."""

    texts: tuple = ()
    classed: tuple = ()
    jsonld: tuple = ()
    foreign: frozenset = frozenset()
    lines: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


def block_lines(block: HtmlElement, regions, scan: PageScan) -> list[str]:
    """own_lines(block, regions), remembered in the page's scan (not to be changed)."""
    known = scan.lines.get(block)
    if known is None:
        known = scan.lines[block] = own_lines(block, regions)
    return known


# Elements with a class or id, in document order (with the one above, itself
# dropped): what .//*[@class or @id] finds, found faster (attribute axes).
_CLASSED = etree.XPath("(.//@class | .//@id)/..")


def _classed_under(body: HtmlElement) -> list:
    found = _CLASSED(body)
    return found[1:] if found and found[0] is body else found


def _outside(body: HtmlElement) -> set:
    """<body>, its ancestors and everything beside it (<head> and its contents)."""
    outside = {body, *body.iterancestors()}
    for side in (body.itersiblings(preceding=True), body.itersiblings()):
        outside.update(d for sibling in side for d in sibling.iter())
    return outside


def scan_page(root: HtmlElement, foreign=frozenset(), regions=None) -> PageScan:
    """See PageScan; `regions` (the page's region map, if made) gives the class
    and id values already read."""
    body = body_of(root)
    if body is None:
        return PageScan(jsonld=tuple(jsonld_nodes(root)), foreign=frozenset(foreign))
    texts = walked_texts(body, regions) if regions is not None else None
    if texts is None:
        texts = _scanned_texts(body)
    named = regions.named if regions is not None else None
    # The elements the region map's walk found naming a field, with the class
    # and id values it read, else read here: what _classed_under finds.
    if named is not None:
        listed = regions.field_named
        outside = _outside(body) if listed else ()
        found = [(el, *named[el]) for el in listed if el not in outside]
    else:
        found = [(el, el.get("class"), el.get("id")) for el in _classed_under(body)]
    return PageScan(tuple(texts), _classed_tokens(found), tuple(jsonld_nodes(root, regions)),
                    frozenset(foreign))


def walked_texts(body, regions) -> list | None:
    """meta.scan_page's texts from the hits the region map's walk judged: those
    under <body> in page order, a node's text before its tail. None without
    them, or when a hit is the tail of a comment (no page position for it)."""
    hits, order = getattr(regions, "scan_hits", None), getattr(regions, "order", None)
    start = order.get(body) if order is not None else None
    if hits is None or start is None:  # no walk, or a map of another tree
        return None
    after = next(body.itersiblings(etree.Element), None)
    end = order[after] if after is not None else len(order)
    kept = []
    for node, is_tail, owner, text in hits:
        pos = order.get(node)
        if pos is None:
            return None
        if start <= pos < end and not (is_tail and node is body):
            kept.append((pos, is_tail, owner, text))
    kept.sort(key=_POSITION)  # (position, is_tail) is one hit's alone
    return [(owner, text) for _, _, owner, text in kept]


_POSITION = itemgetter(0, 1)


def _scanned_texts(body: HtmlElement) -> list:
    """(element whose line holds it, text) of the body's text nodes worth a
    second look, in page order (see PageScan.texts)."""
    texts = []
    known = _WORTH_A_LOOK
    for node in body.iter():
        text = node.text
        # A label or byline is a short line; a long text node is prose; most
        # text nodes are the source's indentation. Worth a second look: a prefilter
        # word in the lowercased text, or a lead label starting it.
        if text and len(text) < SCAN_MAX_CHARS and not text.isspace() and isinstance(node.tag, str) \
                and node.tag not in INVISIBLE_TAGS:
            hit = known.get(text)
            if hit if hit is not None else _worth_a_look(text):
                texts.append((node, text))
        tail = node.tail
        if tail and len(tail) < SCAN_MAX_CHARS and not tail.isspace() and node is not body:
            hit = known.get(tail)
            if hit if hit is not None else _worth_a_look(tail):
                texts.append((node.getparent(), tail))
    return texts


# scan_page's verdict per text: a site repeats its menus, footers and card
# titles on every page, so most short texts were judged on an earlier page.
_WORTH_A_LOOK: dict[str, bool] = {}
_WORTH_A_LOOK_MAX = 1 << 16


def _worth_a_look(text: str) -> bool:
    if len(_WORTH_A_LOOK) >= _WORTH_A_LOOK_MAX:
        _WORTH_A_LOOK.clear()
    low = text.lower()
    hit = _WORTH_A_LOOK[text] = bool(TEXT_PREFILTER.search(low) or low.lstrip().startswith(LEAD_LABELS))
    return hit


# For the region map's walk, which judges the texts it reads (measure.py).
WORTH_A_LOOK, worth_a_look = _WORTH_A_LOOK, _worth_a_look


def _classed_tokens(found) -> tuple:
    """(element, class/id tokens) for each (element, class, id) of `found`
    whose tokens name a field (FIELD_CLASS_TOKENS)."""
    classed = []
    for el, cls, ident in found:
        # Per value, not per (class, id) pair: ids are unique, class values repeat.
        if cls and ident:
            toks = value_tokens(cls) | value_tokens(ident)
        else:
            toks = value_tokens(cls or ident) if cls or ident else _NO_TOKENS
        if not FIELD_CLASS_TOKENS.isdisjoint(toks):
            classed.append((el, toks))
    return tuple(classed)


def meta_content(root: HtmlElement, *names: str, regions=None) -> str:
    """The first non-empty <meta> content among name/property/itemprop `names`
    (`regions`: the page's region map, whose tag index lists the <meta>s)."""
    found = _meta_table(root, regions)
    return next((found[n.lower()] for n in names if n.lower() in found), "")


def _meta_table(root: HtmlElement, regions) -> dict[str, str]:
    """Each <meta> key (property, else name, else itemprop; lowercased) -> the
    first non-empty content of that key, normalised. Kept in the page's tag index
    (TagIndex.memo): title and description ask three times a page, each a read of
    every <meta>'s three key attributes (~8 <meta>s, ~9 us a call)."""
    index = getattr(regions, "tags", None)
    memo = index.memo if index is not None and index.root is root else None
    if memo is not None and (table := memo.get("meta")) is not None:
        return table
    table = {}
    for meta in tagged(root, regions, "meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key not in table and (content := norm(meta.get("content"))):
            table[key] = content
    if memo is not None:
        memo["meta"] = table
    return table


@lru_cache(maxsize=4096)  # asked of the page's URL by several stages, and of card hrefs
def host_of(url: str) -> str:
    """The URL's host name, "" when it has none or does not parse ("http://[::1")."""
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


def page_description(root: HtmlElement, regions) -> str:
    """Meta description (or og/twitter description); else the lede paragraph."""
    found = meta_content(root, "description", "og:description", "twitter:description", regions=regions)
    return found or lede(root, regions)


def lede(root: HtmlElement, regions) -> str:
    """The paragraph introducing the page: a block with lede/intro/summary class
    tokens, else the first substantial paragraph after the H1, outside cards."""
    body = body_of(root)
    if body is None:
        return ""
    after_h1 = next(root.iterdescendants("h1"), None) is None
    for el in body.iter(etree.Element):
        if el.tag == "h1":
            after_h1 = True
            continue
        classed = bool(class_tokens(el) & LEDE_TOKENS) and el.tag in ("p", "div", "span")
        if not (classed or (after_h1 and el.tag == "p")) or is_foreign(el, regions):
            continue
        text = visible_text(el, regions)
        if len(text) >= LEDE_MIN_CHARS and next(el.iterdescendants("p"), None) is None:
            return text
    return ""


def page_badges(root: HtmlElement, regions, scan: PageScan | None = None) -> tuple[str, ...]:
    """Review badges ("Peer-Reviewed", "Medically Reviewed"): short standalone
    elements (or image alts) of the page's own content naming a review phrase; the
    phrase is kept as written, deduped case-insensitively."""
    scan = scan or scan_page(root)
    found: dict[str, str] = {}
    hit = _BADGE_HIT
    owners = [el for el, text in scan.texts if hit[text]]
    owners += [img for img in tagged(root, regions, "img")
               if (alt := img.get("alt")) and (hit[alt] if len(alt) < _ALT_KEPT else BADGE_PREFILTER.search(alt))]
    for el in dict.fromkeys(owners):
        text = norm(el.get("alt") or el.get("title")) if el.tag == "img" else visible_text(el, regions)
        # The word count first: an owner is often a paragraph, and BADGE_RE
        # searches from every position (~5 us on one).
        if len(text.split()) > BADGE_MAX_WORDS:
            continue
        phrase = _badge_phrase(text)
        if phrase is None or regions.region(el) in FOREIGN_REGIONS:
            continue
        found.setdefault(_badge_key(phrase), phrase)
    return tuple(found.values())


# Per text (scanned texts and image alts): a site repeats its badges and card images.
_BADGE_HIT = TextVerdicts(BADGE_PREFILTER.search)
_ALT_KEPT = 256  # (an alt is any length: longer ones are searched, not kept)


@lru_cache(maxsize=4096)  # texts of BADGE_MAX_WORDS words or fewer: short keys
def _badge_phrase(text: str) -> str | None:
    match = BADGE_RE.search(text)
    return match.group(0) if match else None


def _badge_key(phrase: str) -> str:
    return re.sub(r"[^a-z]", "", phrase.lower())


def page_kind(root: HtmlElement, sections, body_words: int, has_byline: bool,
              has_date: bool, scan: PageScan | None = None, published: bool = False) -> str:
    """ "center" for a hub of card sections with little own prose, no byline and
    no publication date;
    "article" for a page typed as an article in JSON-LD or with some prose and a
    byline or date; "center" again for a bylined hub with much prose; "other" for
    the rest."""
    types: set[str] = set()
    for node in (scan.jsonld if scan else jsonld_nodes(root)):
        types |= jsonld_types(node)
    cards = sum(len(s.cards) for s in sections)
    # One long untitled list of teasers (a 2000s center) counts like several sections.
    hub_shape = cards >= CENTER_MIN_CARDS and (
        len(sections) >= CENTER_MIN_SECTIONS or cards >= CENTER_MIN_SINGLE_SECTION_CARDS)
    # A page that states when it was published and has prose of its own is a
    # news item or a post, whatever card rails sit around it (a hub states when
    # it was updated or reviewed, not published).
    news = published and body_words >= ARTICLE_MIN_WORDS
    if hub_shape and not has_byline and not news and (body_words <= CENTER_MAX_PROSE_WORDS
                                                      or types & HUB_TYPES):
        return "center"
    if types & ARTICLE_TYPES:
        return "article"
    if body_words >= ARTICLE_MIN_WORDS and (has_byline or has_date):
        return "article"
    if hub_shape:
        return "center"
    return "other"
