"""The page's elements by tag, in page order, as the region map's walk listed
them (measure.Measured.by_tag: the C walk files each element under its tag
as it reads the tag anyway).

Each stage used to find its elements with `root.iter("meta")`, `body.iter("a")`,
`root.iter("h1")` and the like: about fifteen passes over the whole tree a page,
each as dear as iterating every element (libxml2 visits every node and lxml
matches each against the tag names; issue 16). `tagged` and `tagged_under`
answer the same from one index: the same elements in the same order (the
walk's list is `root.iter(etree.Element)`, page order; tests compare both
paths). Without the region map's index (a map made without a walk, or for
another root), they iterate the tree as before.
"""

from __future__ import annotations

from bisect import bisect_left

from lxml import etree
from lxml.html import HtmlElement

class TagIndex:
    """`index`: tag -> `root`'s elements of that tag, in page order (the walk's
    by_tag); `order`: every element -> its page position (the region map's);
    `elements`: the page's elements in page order (`list(order)` when not given).
    `memo`: what a stage derived from these elements once a page, by its own key
    (meta.meta_content's table of the <meta>s), gone with the page."""

    def __init__(self, root: HtmlElement, index: dict, order: dict, elements: list | None = None) -> None:
        self.root, self.index, self.order = root, index, order
        self.elements = list(order) if elements is None else elements
        self.memo: dict = {}

    def under(self, el: HtmlElement, tags: tuple, self_too: bool = True) -> list:
        """`el.iter(*tags)` (`self_too` False: `el.iterdescendants(*tags)`) as a list:
        el's subtree is the run of page positions from el's to the next element
        after it (the next element sibling of el or of its nearest ancestor with one,
        below the root: the root's own siblings, a second <html> say, are not listed)."""
        order = self.order
        start = order[el] if self_too else order[el] + 1
        end = self._end(el)
        index, position = self.index, order.__getitem__
        # Each tag's list is in page order: the subtree's run of it found by
        # bisection (a test of every <a> of the page cost ~4 us a call).
        found: list = []
        for tag in dict.fromkeys(tags):
            listed = index.get(tag, ())
            first = bisect_left(listed, start, key=position)
            found += listed[first:bisect_left(listed, end, lo=first, key=position)]
        return found if len(tags) == 1 else sorted(found, key=position)

    def following(self, el: HtmlElement, tags: tuple) -> list:
        """The elements of `tags` after el's subtree, in page order: those of
        `self.root.iter(*tags)` past el and its descendants (found by bisection
        of each tag's list, not by a pass over it)."""
        order, end, found = self.order, self._end(el), []
        wanted = dict.fromkeys(tags)
        for tag in wanted:
            listed = self.index.get(tag, ())
            found += listed[bisect_left(listed, end, key=order.__getitem__):]
        return found if len(wanted) == 1 else sorted(found, key=order.__getitem__)

    def _end(self, el: HtmlElement) -> int:
        """The page position after el's subtree: the next element sibling's of el
        or of its nearest ancestor with one, below the root (the root's own
        siblings, a second <html> say, are not listed)."""
        node = el
        while node is not None and node is not self.root:
            after = next(node.itersiblings(etree.Element), None)
            if after is not None:
                return self.order[after]
            node = node.getparent()
        return len(self.order)


def body_of(root: HtmlElement) -> HtmlElement | None:
    """root.find("body") (its first <body> child) without ElementPath's Python
    (2.7 against 0.7 us; the stages ask five times a page)."""
    return next(root.iterchildren("body"), None)


def head_title(root: HtmlElement) -> HtmlElement | None:
    """root.find("head/title"): the first <title> child of a <head> child (3.7 against ~1 us)."""
    for head in root.iterchildren("head"):
        for title in head.iterchildren("title"):
            return title
    return None


def _index_for(root: HtmlElement, regions) -> TagIndex | None:
    index = getattr(regions, "tags", None)
    return index if index is not None and index.root is root else None


def tagged(root: HtmlElement, regions, tag: str):
    """`root.iter(tag)` for the page's root (its html element), from the index
    of `regions` (the page's region map) when it has one."""
    index = _index_for(root, regions)
    return root.iter(tag) if index is None else index.index.get(tag, ())


def tagged_under(el: HtmlElement, root: HtmlElement, regions, *tags: str):
    """`el.iter(*tags)` for an element of `root`'s tree, from the index when `regions` has one."""
    index = _index_for(root, regions)
    return el.iter(*tags) if index is None else index.under(el, tags)
