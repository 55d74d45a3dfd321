"""The one bottom-up walk of a page's tree that the region classifier starts
with, and the per-element facts it finds on the way for the later stages:
text and link-text lengths, each element's own region claim, its class and id
values, whether its own attributes hide it, and whether everything inside it
is visible text. Reading attributes is most of the walk's cost: the page scan,
visible_text and the hidden checks of body, dates and people then look these
up instead of reading and parsing the attributes again.

The walk has two implementations with one output: `_walk` below, the
reference, and the C extension `_cwalk` (issue 16: the Python walk was 18% of
a page's analysis on the generated site, its cost lxml's proxy objects per
element). The C walk runs when it was built at install and its self-check
passes; `CONDITION_ARCHIVE_PURE_PYTHON=1` forces the Python walk, and
`which_walk()` (or `python -m condition_archive.extract.measure`) says which
runs and why. On a tree it cannot read exactly as lxml would, the C walk
hands the page to the Python walk. The helpers both walks call (_new_special's
is_hidden and own_marker, the scan's judge...) must not change the tree: the C
walk holds libxml2's node pointers across those calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from lxml import etree


from condition_archive.extract import vocab
from condition_archive.extract.cext import _load_compiled, compiled_helper, compiled_walk, which_walk  # noqa: F401
from condition_archive.extract.parse import PURE_PYTHON_ENV  # noqa: F401 - read by tests as measure.PURE_PYTHON_ENV
from condition_archive.extract.markers import hidden_class, is_hidden, marker, own_marker, tokens

# The attributes that make an element "special": its region claim or hidden
# flag needs more than its tag, class and id (markers.own_marker, is_hidden).
SPECIAL_ATTRS = frozenset(("hidden", "aria-hidden", "style", "role", "itemprop",
                           "data-testid", "data-component"))
# The walk below reads each element's attribute names against this set (the XPath
# it replaced, over every attribute of the tree, is the tests' reference).

DROP_TAGS = frozenset(vocab.DROP_TAGS) - {"form"}
SCORED_TAGS = frozenset(("p", "pre", "td", "blockquote"))
CONTAINER_TAGS = frozenset(("div", "section", "article", "main", "td", "body", "span", "font"))
# Tags whose text a reader never sees (meta.visible_text skips them).
INVISIBLE_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "select",
                            "option", "button", "head", "title", "meta", "link"))
_HIDDEN = "hidden"


@dataclass
class Measured:
    """What the walk found. `named`: element -> (class, id) for the elements
    with either attribute (even empty), in reverse document order; `hidden`:
    the elements markers.is_hidden is true of; `mixed`: the elements whose text
    is not all visible text (an invisible tag or a hidden element at or under
    them); `plain`: every other element (its visible text is all its text
    nodes); `blocks`: (paragraph-like element, its text length)."""

    text_len: dict = field(default_factory=dict)
    link_len: dict = field(default_factory=dict)
    marks: dict = field(default_factory=dict)
    blocks: list = field(default_factory=list)
    named: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    mixed: set = field(default_factory=set)
    plain: frozenset = frozenset()
    # In document order: the <main> and role="main" elements (what
    # mainbox._MAIN_LANDMARK finds), the elements with an itemprop attribute
    # (dates._ITEMPROP's).
    landmarks: list = field(default_factory=list)
    itemprops: list = field(default_factory=list)
    # In document order: the elements whose class or id tokens name a field
    # (vocab.FIELD_CLASS_TOKENS: bylines, dates, section headings).
    field_named: list = field(default_factory=list)
    # The page scan's text nodes, when `measure` is given its verdicts (see
    # meta.scan_page): (node, 0, node, text) for an element's own text and
    # (node, 1, parent, tail) for a tail, in no particular order; None: not read.
    scan_hits: list | None = None
    # Every element by its tag, each list in document order (tagindex.py).
    by_tag: dict = field(default_factory=dict)
    # The <a> elements with an href -> el.get("href") (links.resolve_links).
    hrefs: dict = field(default_factory=dict)
    # The <a> elements without children the walk read the text of (not hidden)
    # -> " ".join(el.text.split()) or "": text.visible_text's answer for such a
    # plain leaf, its memo's first entries (the links' texts, ~49 a page).
    leaf_texts: dict = field(default_factory=dict)

    # The <a> elements with a rel -> el.get("rel"): links.is_sponsored_link and
    # people's rel=author scan read them here (through lxml, ~0.7 us a link and stage).
    rels: dict = field(default_factory=dict)


class ScanVerdicts:
    """What measure needs to collect meta.scan_page's texts on its walk: the
    verdict memo per text and the function that judges a text it lacks."""

    def __init__(self, known: dict, judge, max_chars: int) -> None:
        self.known, self.judge, self.max_chars = known, judge, max_chars


def measure(elements: list, verdicts: ScanVerdicts | None = None) -> Measured:
    """Bottom-up over the document-order `elements` (children before parents
    when reversed): text length, link-text length and own region claim per
    element, the paragraph-like blocks, and the facts listed in Measured
    (`scan_hits` with `verdicts`)."""
    out = Measured(scan_hits=None if verdicts is None else [])
    unseen = None
    cwalk = compiled_walk()
    if cwalk is not None:
        unseen = cwalk(elements, out, verdicts)
        if unseen is None:  # a node the C walk does not read as lxml would
            out = Measured(scan_hits=None if verdicts is None else [])
    if unseen is None:
        unseen = _walk(elements, out, verdicts)
    out.landmarks.reverse()
    out.itemprops.reverse()
    out.field_named.reverse()
    for found in out.by_tag.values():
        found.reverse()
    out.mixed = _mixed(unseen)
    out.plain = frozenset(out.text_len.keys() - out.mixed)
    return out


def _walk(elements: list, out: Measured, verdicts: ScanVerdicts | None) -> list:
    """measure's loop; returns the hidden elements and invisible tags (they and
    their ancestors are mixed)."""
    text_len, link_len, marks, blocks = out.text_len, out.link_len, out.marks, out.blocks
    named, hidden, landmarks, itemprops = out.named, out.hidden, out.landmarks, out.itemprops
    field_named, by_tag, hrefs, leaf_texts = out.field_named, out.by_tag, out.hrefs, out.leaf_texts
    rels = out.rels
    unseen: list = []
    # The page scan's texts (meta.scan_page): each text and tail read here is
    # judged once; a text of this many characters or more is prose (never a hit).
    hits = out.scan_hits
    if verdicts is not None:
        known, judge, max_chars = verdicts.known.get, verdicts.judge, verdicts.max_chars
    else:
        max_chars = 0
    text_of, links_of, tag_region = text_len.get, link_len.get, vocab.TAG_REGION.get
    claims = _CLAIMS
    special_attrs = SPECIAL_ATTRS
    for el in reversed(elements):
        tag = el.tag
        listed = by_tag.get(tag)
        if listed is None:
            by_tag[tag] = [el]
        else:
            listed.append(el)
        # One read of the attributes (libxml2 keeps only the first of a repeated
        # name): most elements have a class or an id and nothing in SPECIAL_ATTRS
        # (those claim by tag, class and id alone).
        cls = ident = None
        special = False
        for name, value in el.items():
            if name == "class":
                cls = value
            elif name == "id":
                ident = value
            elif name in special_attrs:
                special = True
                if name == "itemprop":
                    itemprops.append(el)
                elif name == "role" and value == "main" and tag != "main":
                    landmarks.append(el)
            elif tag == "a":
                if name == "href":
                    hrefs[el] = value
                elif name == "rel":
                    rels[el] = value
        if tag == "main":
            landmarks.append(el)
        if cls is not None or ident is not None:
            named[el] = (cls, ident)
        if tag in DROP_TAGS:
            if (cls or ident) and names_a_field(cls, ident):
                field_named.append(el)
            if _special(el, tag)[0] if special else bool(cls) and hidden_class(cls):
                hidden.add(el)
                unseen.append(el)
            elif tag in INVISIBLE_TAGS:
                unseen.append(el)
            text_len[el] = link_len[el] = 0
            if max_chars:
                _scan_unread(el, tag, hits, known, judge, max_chars)
            continue
        if special:
            hides, mark = _special(el, tag)
            mark = _HIDDEN if hides else mark
            if (cls or ident) and names_a_field(cls, ident):
                field_named.append(el)
        elif cls or ident:
            key = (tag, cls, ident)
            mark = claims.get(key, _UNSEEN)
            if mark is _UNSEEN:
                mark = _new_claim(key)
            if mark.__class__ is tuple:  # (claim,): the class or id names a field
                field_named.append(el)
                mark = mark[0]
        else:
            mark = tag_region(tag)
        if mark is _HIDDEN:
            hidden.add(el)
            unseen.append(el)
            text_len[el] = link_len[el] = 0
            if max_chars:
                _scan_unread(el, tag, hits, known, judge, max_chars)
            continue
        text = el.text
        own = len(text.strip()) if text else 0
        # getchildren(): the same children as iterating `el`, as one list built
        # in C (a third faster than lxml's child iterator).
        kids = el.getchildren()
        if tag == "a":
            if not kids:
                leaf_texts[el] = " ".join(text.split()) if text else ""
            elif not own and len(kids) == 1:
                _one_child_text(el, kids[0], hidden, leaf_texts)
        if tag in INVISIBLE_TAGS:  # <head>, <title>, <option>
            unseen.append(el)
        elif own and len(text) < max_chars:
            hit = known(text)
            if hit if hit is not None else judge(text):
                hits.append((el, 0, el, text))
        total = own
        links = 0
        for child in kids:
            tail = child.tail
            if tail:
                n = len(tail.strip())
                own += n
                total += n
                if n and len(tail) < max_chars:
                    hit = known(tail)
                    if hit if hit is not None else judge(tail):
                        hits.append((child, 1, el, tail))
            total += text_of(child, 0)
            links += links_of(child, 0)
        if tag == "a":
            links = total
        elif tag == "form" and total < vocab.FORM_WRAPPER_CHARS:
            # A search, sign-up or comment form; a form holding the page is an
            # ASP.NET-style wrapper and is read like a <div>.
            text_len[el] = link_len[el] = 0
            continue
        text_len[el] = total
        link_len[el] = links
        if mark:
            marks[el] = mark
        if tag in SCORED_TAGS:
            blocks.append((el, total))
        elif own >= 60 and tag in CONTAINER_TAGS:
            # A <div> of text and <br>s is a paragraph; only its own text counts,
            # not its block children's (they score for themselves).
            blocks.append((el, own))
    return unseen


def _one_child_text(a, child, hidden: set, leaf_texts: dict) -> None:
    """The visible text of a link (its own text blank) whose one child is a
    visible element without children, blank tail and a text visible_text leaves
    as it is (ASCII, normal, no space before punctuation or after a bracket):
    that text, into `leaf_texts` (_cwalk_leaf.c's one_child_text)."""
    tag = child.tag
    if tag.__class__ is not str or tag in INVISIBLE_TAGS or child in hidden or len(child):
        return
    tail = child.tail
    if tail and tail.strip():
        return
    text = child.text or ""
    if text and not (text.isascii() and " ".join(text.split()) == text
                     and _SPACE_THEN_PUNCT.search(text) is None and "( " not in text and "[ " not in text):
        return
    leaf_texts[a] = text


_SPACE_THEN_PUNCT = re.compile(r" [,.;:!?)\]]")  # text.py's, which it then substitutes


def _scan_unread(el, tag: str, hits: list, known, judge, max_chars: int) -> None:
    """The scan's texts of an element the walk reads no text of (a dropped tag,
    a hidden element): its own text unless its tag is invisible, its children's tails."""
    if tag not in INVISIBLE_TAGS:
        text = el.text
        if text and len(text) < max_chars and not text.isspace():
            hit = known(text)
            if hit if hit is not None else judge(text):
                hits.append((el, 0, el, text))
    for child in el.getchildren():
        tail = child.tail
        if tail and len(tail) < max_chars and not tail.isspace():
            hit = known(tail)
            if hit if hit is not None else judge(tail):
                hits.append((child, 1, el, tail))


def _mixed(unseen: list) -> set:
    """The elements at or above one of `unseen`: by the C extension (parents read
    from libxml2's nodes, 7 -> 2 us a page) when it is built, else by _mixed_py."""
    mixed_up = compiled_helper("mixed_up")
    mixed = mixed_up(unseen) if mixed_up is not None else None
    return mixed if mixed is not None else _mixed_py(unseen)


def _mixed_py(unseen: list) -> set:
    """_mixed's reference: climb from each to the first element already found."""
    mixed: set = set()
    for el in unseen:
        while el is not None and el not in mixed:
            mixed.add(el)
            el = el.getparent()
    return mixed


def _plain_claim(tag: str, cls: str | None, ident: str | None) -> str | None:
    """own_marker of an element with no attributes but class and id, or _HIDDEN
    when its class hides it."""
    if cls and hidden_class(cls):
        return _HIDDEN
    return marker(tag, "", cls or "", ident or "", "")


# _plain_claim per (tag, class, id), read by the walk with one dict lookup (a
# site repeats its class/id values; an lru_cache call costs twice the lookup);
# wrapped in a 1-tuple when the class or id names a field (names_a_field).
_CLAIMS: dict = {}
_CLAIMS_MAX = 1 << 15
_UNSEEN = object()


def _new_claim(key: tuple) -> str | tuple[str | None] | None:
    """The claim of a (tag, class, id) key; wrapped in a 1-tuple when the class or id names a field."""
    if len(_CLAIMS) >= _CLAIMS_MAX:
        _CLAIMS.clear()
    claim = _plain_claim(*key)
    if names_a_field(key[1], key[2]):
        claim = (claim,)
    _CLAIMS[key] = claim
    return claim


# (is_hidden(el), own_marker(el) or None when hidden) of an element with a
# special attribute, per (tag, name, value, name, value...) of its attributes:
# both read nothing else, and a site repeats these elements (<nav role=...>,
# <div hidden>) on every page; one dict lookup instead of two Python calls
# reading the attributes through lxml again.
# Only keys of short values are kept: the key holds every attribute value, and a
# data: URL in a src (megabytes) would otherwise stay alive after its page.
_SPECIAL: dict = {}
_SPECIAL_MAX = 1 << 12
_SPECIAL_KEY_CHARS = 1024


def _special(el, tag: str) -> tuple:
    key = (tag, *chain.from_iterable(el.items()))
    found = _SPECIAL.get(key)
    return found if found is not None else _new_special(key, el)


def _new_special(key: tuple, el) -> tuple:
    found = (True, None) if is_hidden(el) else (False, own_marker(el))
    if sum(map(len, key)) <= _SPECIAL_KEY_CHARS:
        if len(_SPECIAL) >= _SPECIAL_MAX:
            _SPECIAL.clear()
        _SPECIAL[key] = found
    return found


@lru_cache(maxsize=16384)
def names_a_field(cls: str | None, ident: str | None) -> bool:
    """The class or id value holds a token of vocab.FIELD_CLASS_TOKENS (the
    same tokens as meta.class_tokens)."""
    return not vocab.FIELD_CLASS_TOKENS.isdisjoint(value_tokens(cls or "")) or \
        not vocab.FIELD_CLASS_TOKENS.isdisjoint(value_tokens(ident or ""))


@lru_cache(maxsize=16384)
def value_tokens(value: str) -> frozenset[str]:
    return frozenset(tokens(value)) if value else frozenset()


def walk_config() -> dict:
    """What cext.py configures the C walk with: this module's own sets and
    helpers, which the C walk calls where _walk does."""
    return {
        "drop": DROP_TAGS, "invisible": INVISIBLE_TAGS, "scored": SCORED_TAGS,
        "container": CONTAINER_TAGS, "special": sorted(SPECIAL_ATTRS),
        "tag_region": vocab.TAG_REGION, "claims": _CLAIMS, "unseen": _UNSEEN,
        "hidden": _HIDDEN, "new_claim": _new_claim, "special_claims": _SPECIAL,
        "new_special": _new_special, "hidden_class": hidden_class,
        "names_a_field": names_a_field, "form_chars": vocab.FORM_WRAPPER_CHARS,
        "element_type": etree._Element, "sample": etree.Element("p"),
    }


if __name__ == "__main__":
    print(which_walk())
