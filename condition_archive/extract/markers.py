"""What one element claims by itself: its class/id tokens, the region its tag,
role, class, id or data-testid names, whether readers see it, and whether it
is noise inside an article (bylines, credits, share tools). Pure lookups,
cached per value; boilerplate.py combines them into a page's regions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract import vocab

_TOKEN_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A BEM modifier ("node--promoted", "Section--Ads", "Main--Skyscraper") says what
# state or variant a block is in, not what it is: it claims no region.
_BEM_MODIFIER = re.compile(r"--[\w-]*")
_TOKEN_REGION = {tok: region for region, toks in vocab.TOKEN_REGION.items() for tok in toks}
_MAIN_TOKENS = frozenset(vocab.MAIN_TOKENS)
_MAIN_PAIRS = frozenset(vocab.MAIN_TOKEN_PAIRS)
_NOISE_TOKENS = frozenset(vocab.BODY_NOISE_TOKENS)
_HIDDEN_CLASSES = frozenset(vocab.HIDDEN_CLASSES)
_NEGATING = frozenset(vocab.NEGATING_PREFIX_TOKENS)
_MODIFIERS = frozenset(vocab.COMPOUND_MODIFIERS)
_MODIFIER_WORDS = tuple(vocab.COMPOUND_MODIFIERS)
_COMPOUND_HEADS = tuple(vocab.SIDE_COLUMN_PARTS[0]) + _MODIFIER_WORDS
_PREFIXES = tuple(p for p, _ in vocab.PREFIX_REGION)
# Regions that win over an enclosing one: an ad inside a sidebar is an ad.
SPECIFIC = frozenset(("ad", "sponsored", "related"))
_SPECIFIC = SPECIFIC


@lru_cache(maxsize=8192)
def tokens(value: str) -> tuple[str, ...]:
    """Lowercase tokens of a class/id value; camelCase words split, pairs joined
    ("article-body" gives article, body and articlebody)."""
    low = value.lower()
    flat = _TOKEN_WORD.findall(low)  # runs of [a-z0-9]: split and empty parts dropped in one pass
    # Without capitals there is no camelCase to split: the words are the flat ones.
    words = flat if low == value else _TOKEN_WORD.findall(_CAMEL.sub(r"\1 \2", value).lower())
    joined = [a + b for a, b in zip(words, words[1:])]
    return tuple(dict.fromkeys(words + joined + flat))


def name_tokens(value: str, is_class: bool) -> tuple[str, ...]:
    """The tokens a class or id value names its box by: a class's BEM modifiers
    ("item--has-badge", "field--type-entity-reference") say what variant or
    neighbour a block has, not what it is."""
    return tokens(_BEM_MODIFIER.sub("", value) if is_class else value)


@lru_cache(maxsize=8192)
def compound_region(tok: str) -> str | None:
    """Region of a one-word compound ("leftnav" nav, "adright1" ad, "rightcol"
    sidebar): a modifier word and a region token, both whole (vocab.COMPOUND_MODIFIERS)."""
    word = tok.rstrip("0123456789")
    if word != tok and (region := _TOKEN_REGION.get(word)):
        return region
    # Every split below needs a side or modifier word in front or a modifier
    # at the end: one C-level check rules most tokens out.
    if not (word.startswith(_COMPOUND_HEADS) or word.endswith(_MODIFIER_WORDS)):
        return None
    sides, columns = vocab.SIDE_COLUMN_PARTS
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        if head in sides and tail in columns:
            return "sidebar"
        if head in _MODIFIERS and (region := _TOKEN_REGION.get(tail)):
            return region
        if tail in _MODIFIERS and (region := _TOKEN_REGION.get(head)):
            return region
    return None


def _token_region(toks: tuple[str, ...]) -> str | None:
    if toks and toks[0] in _NEGATING:
        return None
    if not _MAIN_TOKENS.isdisjoint(toks):
        return "main"
    found = None
    for tok in toks:
        region = _one_token_region(tok)
        if region in _SPECIFIC:
            return region
        found = found or region
    return found


@lru_cache(maxsize=16384)
def _one_token_region(tok: str) -> str | None:
    """Region of one class/id token: exact, then prefix, then compound.
    Cached: a site repeats the same few hundred tokens on every page."""
    region = _TOKEN_REGION.get(tok)
    if region is None and tok.startswith(_PREFIXES):
        region = next((r for p, r in vocab.PREFIX_REGION if tok.startswith(p)), None)
    return region if region is not None else compound_region(tok)


@lru_cache(maxsize=8192)
def marker(tag: str, role: str, cls: str, ident: str, itemprop: str, testid: str = "") -> str | None:
    """The region an element with these attribute values claims (own_marker;
    cached: a site's templates repeat their role/itemprop boxes on every page)."""
    if itemprop and itemprop.lower() in vocab.MAIN_ITEMPROPS:
        return "main"
    region = (vocab.ROLE_REGION.get(role.lower()) if role else None) or vocab.TAG_REGION.get(tag)
    # Class/id checked per attribute so that "has-sidebar" on class does not
    # negate an id of "sidebar".
    # data-testid / data-component name the block where classes are hashed
    # ("css-1f30a0c4"), as React and Vue builds write them.
    for value, is_class in ((cls, True), (ident, False), (testid, False)):
        if value:
            found = _value_region(value, is_class)
            if found in _SPECIFIC or (found and not region):
                region = found
    return region


@lru_cache(maxsize=32768)
def _value_region(value: str, is_class: bool) -> str | None:
    """The region one class, id or data-testid value claims (cached per value:
    pages repeat their class values far more than their combinations)."""
    return _token_region(name_tokens(value, is_class))


def own_marker(el: HtmlElement) -> str | None:
    """The region an element claims by itself (tag, role, class, id), or None."""
    if not el.attrib:  # most elements: a bare <p>, <li>, <span>, <a>
        return vocab.TAG_REGION.get(el.tag)
    get = el.get
    return marker(el.tag, get("role") or "", get("class") or "", get("id") or "",
                   get("itemprop") or "", get("data-testid") or get("data-component") or "")


def is_hidden(el: HtmlElement) -> bool:
    """Hidden from readers: hidden attribute, aria-hidden, inline display:none."""
    attrib = el.attrib
    if not attrib:
        return False
    get = attrib.get
    if get("hidden") is not None or get("aria-hidden") == "true":
        return True
    style = get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    cls = get("class")
    return bool(cls) and hidden_class(cls)


@lru_cache(maxsize=8192)
def hidden_class(cls: str) -> bool:
    """A class value that hides its element (see is_hidden); cached: a template
    repeats a few hundred class values on every page."""
    low = cls.lower()
    if _SHOWN_AT_WIDTH.search(low):
        return False  # "hidden lg:block", "d-none d-lg-block": hidden on phones only
    return not _HIDDEN_CLASSES.isdisjoint(low.split()) or bool(_HIDDEN_SUFFIX.search(low))


# Utility classes that show an element from some screen width on (Tailwind,
# Bootstrap): a desktop reader sees it. Both patterns match whole class names.
_SHOWN_AT_WIDTH = re.compile(r"(?<!\S)(?:(?:sm|md|lg|xl|2xl):|d-(?:sm|md|lg|xl|xxl)-)"
                             r"(?:block|flex|grid|inline|inline-block|inline-flex|table|contents)(?!\S)")
_HIDDEN_SUFFIX = re.compile("(?:" + "|".join(map(re.escape, vocab.HIDDEN_CLASS_SUFFIXES)) + r")(?!\S)")


# The tags is_noise names without a class or id (for an element with neither, no
# other answer is possible).
NOISE_TAGS = frozenset((*vocab.BODY_NOISE_TAGS, "figcaption"))


def is_noise(el: HtmlElement) -> bool:
    """Inside the main container but not article text: bylines, photo credits,
    share tools. A caption is content when it says something (a sentence of its
    own); a bare credit or label under an image ("Photo: dpa") is not."""
    if el.tag in vocab.BODY_NOISE_TAGS:
        return True
    if el.tag == "figcaption" or _is_caption_class(el):
        return not _telling_caption(el)
    cls, ident = el.get("class"), el.get("id")
    return bool(cls and _noise_value(cls, True)) or bool(ident and _noise_value(ident, False))


@lru_cache(maxsize=8192)
def _noise_value(value: str, is_class: bool) -> bool:
    """A class or id value naming noise; a BEM modifier ("field--type-entity-
    reference") says what variant a block is, not what it is, as for regions."""
    return not _NOISE_TOKENS.isdisjoint(name_tokens(value, is_class))


def is_caption(el: HtmlElement) -> bool:
    """A figcaption or a caption-classed block."""
    return el.tag == "figcaption" or _is_caption_class(el)


def _is_caption_class(el: HtmlElement) -> bool:
    return caption_class(el.get("class"))


@lru_cache(maxsize=8192)  # a template repeats its class values
def caption_class(value: str | None) -> bool:
    """A class value that makes a block a caption (is_caption's test, for a caller
    that holds the value: body.py reads it from the region walk)."""
    return bool(value) and not vocab.CAPTION_TOKENS.isdisjoint(tokens(value))


def _telling_caption(el: HtmlElement) -> bool:
    text = " ".join("".join(el.itertext()).split())
    return len(text.split()) >= vocab.CAPTION_MIN_WORDS and not vocab.CREDIT_RE.match(text)
