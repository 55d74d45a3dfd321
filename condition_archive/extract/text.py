"""The text a reader sees: an element's visible text, a block's own lines, the
text before an element on its line. Pure reads of the tree; with the page's
region map (boilerplate.RegionMap), visible_text reads the facts its walk found
(measure.py) instead of testing every element again.
"""

from __future__ import annotations

import re
from typing import Callable

from lxml.html import HtmlElement

from condition_archive.extract.markers import is_hidden
from condition_archive.extract.measure import INVISIBLE_TAGS, compiled_helper

# Inline tags: text inside them belongs to the enclosing block's line.
INLINE_TAGS = frozenset(("span", "b", "strong", "em", "i", "small", "a", "time", "label",
                         "font", "abbr", "sup", "sub", "u", "mark", "cite", "var", "br", "q"))
SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "svg", "head", "title"))
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
_SPACE_THEN_PUNCT = re.compile(r" [,.;:!?)\]]")


def norm(text: str | None) -> str:
    """Whitespace collapsed to single spaces, ends stripped."""
    return " ".join(text.split()) if text else ""


_DIGIT = re.compile(r"\d")


def has_digit(text: str) -> bool:
    r"""bool(re.search(r"\d", text)): an ASCII text by ten character searches
    (memchr: ~0.2 us for a paragraph, where the regex's scan takes ~1.7 us);
    any other by the regex, whose \d is every Unicode decimal digit."""
    if text.isascii():
        return ("0" in text or "1" in text or "2" in text or "3" in text or "4" in text
                or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text)
    return _DIGIT.search(text) is not None


def visible_text(el: HtmlElement, regions=None) -> str:
    """The text a reader sees in `el`: hidden elements, scripts and comments skipped,
    element boundaries read as spaces ("<span>By X</span><span>Updated</span>"
    must not run together), then spaces before punctuation removed. With the
    page's region map: memoised per element, and read in C (itertext) when the
    map's walk found nothing hidden or invisible inside `el`."""
    if regions is None:
        return _visible_text(el, None, is_hidden)
    memo = regions.texts
    text = memo.get(el)
    if text is None:
        plain = regions.plain
        if el in plain and not len(el):
            # A leaf all of whose text is visible: _visible_text's first answer.
            text = el.text
            text = memo[el] = " ".join(text.split()) if text else ""
        else:
            text = memo[el] = _visible_text(el, plain, hidden_test(regions), regions.text_join, regions.hidden)
    return text


def joined_text(el: HtmlElement, sep: str = "") -> str:
    """sep.join(el.itertext()): by the C extension when it is built (lxml's
    itertext makes a Python string per text node and costs ~2 us a call)."""
    text_join = compiled_helper("text_join")
    joined = text_join(el, sep) if text_join is not None else None
    return sep.join(el.itertext()) if joined is None else joined


def hidden_test(regions) -> Callable[[HtmlElement], bool]:
    """markers.is_hidden, or with the page's region map a lookup in the hidden
    elements its walk found (the same answers: tests/test_extract_worker_speed.py)."""
    return is_hidden if regions is None else regions.hidden.__contains__


def _visible_text(el: HtmlElement, plain, is_hid=is_hidden, text_join=None, hidden=None) -> str:
    """`text_join`: the C extension's sep.join(el.itertext()) (with `hidden`, the
    set is_hid looks in: _collect_text's join), if built."""
    if len(el) == 0:  # fast path: most links and leaves have no children
        tag = el.tag  # (each read of .tag or .text builds a new str: read once)
        if plain is not None and el in plain:
            return norm(el.text)
        if not isinstance(tag, str) or tag in INVISIBLE_TAGS or is_hid(el):
            return ""
        return norm(el.text)
    if plain is not None and el in plain:
        # Every text node is visible: the same strings _collect_text gathers.
        joined = text_join(el, " ") if text_join is not None else None
        text = norm(" ".join(el.itertext()) if joined is None else joined)
    else:
        joined = text_join(el, " ", hidden) if text_join is not None and hidden is not None else None
        if joined is None:
            parts: list[str] = []
            _collect_text(el, parts, is_hid)
            joined = " ".join(parts)
        text = norm(joined)
    # After norm the only whitespace is single spaces: a literal search rules
    # out most texts before the substitutions (same result, fewer regex passes).
    if _SPACE_THEN_PUNCT.search(text):
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if "( " in text or "[ " in text:
        text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    return text


def _collect_text(el: HtmlElement, parts: list[str], is_hid=is_hidden) -> None:
    tag = el.tag
    if isinstance(tag, str) and tag not in INVISIBLE_TAGS and not is_hid(el):
        text = el.text
        if text:
            parts.append(text)
        _children(el, parts, _collect_text, is_hid)


def _children(el: HtmlElement, parts: list[str], visit, is_hid) -> None:
    """`visit` each child of `el` (it appends the child's text), each child's tail after it."""
    for child in el.getchildren():
        visit(child, parts, is_hid)
        tail = child.tail
        if tail:
            parts.append(tail)


def block_of(el: HtmlElement) -> HtmlElement:
    """The nearest ancestor-or-self that is not an inline element."""
    node = el
    while node.getparent() is not None and node.tag in INLINE_TAGS:
        node = node.getparent()
    return node


def own_lines(block: HtmlElement, regions=None) -> list[str]:
    """The block's own text, nested blocks cut out as line breaks (`regions`:
    the page's region map, whose walk knows the hidden elements)."""
    inline_text = compiled_helper("inline_text") if regions is not None else None
    joined = inline_text(block, regions.hidden, INLINE_TAGS, SKIP_TAGS) if inline_text is not None else None
    if joined is None:  # (not built, no walk's hidden set, or a tree only the Python reads)
        parts: list[str] = []
        _inline_text(block, parts, hidden_test(regions), top=True)
        joined = "".join(parts)
    return [line for line in (norm(s) for s in joined.split("\n")) if line]


def _inline_text(el: HtmlElement, parts: list[str], is_hid, top: bool = False) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS or is_hid(el):
        return
    if not top and tag not in INLINE_TAGS:
        parts.append("\n")
        return
    parts.append(" " if tag == "br" else (el.text or "") + " ")
    _children(el, parts, _inline_text, is_hid)


def text_before(el: HtmlElement, regions=None) -> str:
    """The text of `el`'s line that precedes it (for "Updated on <time ...>")."""
    block = block_of(el)
    parts: list[str] = []
    _text_until(block, el, parts, True, hidden_test(regions))
    return norm("".join(parts).rsplit("\n", 1)[-1])


def _text_until(node: HtmlElement, stop: HtmlElement, parts: list[str], top: bool, is_hid) -> bool:
    if node is stop:
        return True
    if not isinstance(node.tag, str) or node.tag in SKIP_TAGS or is_hid(node):
        return False
    if not top and node.tag not in INLINE_TAGS:
        parts.append("\n")
        return stop in node.iterdescendants()
    parts.append((node.text or "") + " ")
    for child in node.getchildren():
        if _text_until(child, stop, parts, False, is_hid):
            return True
        parts.append(child.tail or "")
    return False
