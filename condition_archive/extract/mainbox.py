"""The choice of the main container: readability's paragraph scores, the climb
that widens the best container, and safeguards on the choice (issue 11, session 5:
recall on templates nobody here wrote). boilerplate.classify_regions calls these;
each is a general rule measured on both extraction benchmarks
(docs/extraction.md, docs/status.md).
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from condition_archive.extract.measure import SCORED_TAGS as _SCORED_TAGS
from condition_archive.extract.measure import compiled_helper

# = //main | //*[@role='main'], faster: an attribute axis, not a predicate per element.
_MAIN_LANDMARK = etree.XPath("//main | //@role[. = 'main']/..")
_FURNITURE = frozenset(("nav", "header", "footer", "sidebar", "related"))


def veto_landmark_wrappers(root, marks: dict, text_len: dict, landmarks: list | None = None) -> None:
    """A box around the page's <main> landmark is a page wrapper, never a menu,
    banner, footer or side box, whatever its class words say: HTML puts <main>
    in none of those ("dialog-off-canvas-main-canvas", the wrapper Drupal puts
    around every page, reads as an off-canvas menu). Ads keep their claim.
    `landmarks`: the landmarks if known (measure.py's walk finds them)."""
    for landmark in _MAIN_LANDMARK(root) if landmarks is None else landmarks:
        if not text_len.get(landmark):
            continue  # hidden, or empty
        for wrapper in landmark.iterancestors():
            if marks.get(wrapper) in _FURNITURE:
                del marks[wrapper]


def _clean_len(elements: list, text_len: dict, marks: dict, best: HtmlElement) -> dict:
    """Text length not counting subtrees that claim a boilerplate region (what
    body extraction would actually read) of `best` and its ancestors, the
    elements _widen reads: by the C extension's loop (_cwalk_clean.c) when it
    is built, else by _clean_len_py, its reference."""
    compiled = compiled_helper("clean_len")
    found = compiled(elements, text_len, marks, best) if compiled is not None else None
    return found if found is not None else _clean_len_py(elements, text_len, marks, best)


def _clean_len_py(elements: list, text_len: dict, marks: dict, best: HtmlElement) -> dict:
    """_clean_len in Python: one bottom-up pass over the page's `elements`."""
    clean: dict = {}
    for el in reversed(elements):
        mark = marks.get(el)
        if mark and mark != "main":
            clean[el] = 0
            continue
        n = text_len[el]
        for child in el.getchildren():
            ct = text_len.get(child)
            if ct:
                n -= ct - clean.get(child, 0)
        clean[el] = n
    return {el: clean[el] for el in (best, *best.iterancestors())}


def _veto_wrapper_marks(marks: dict, good: list) -> None:
    """Drop region claims of page wrappers ("Page-ad-margins", "content paywall"):
    a box that holds the article body marker, or most of the page's prose, is
    not an ad, menu or footer, whatever its class says. `good`: _good_blocks."""
    mass: dict = {}
    _add_up(mass, good, False)
    total = max(mass.values(), default=0)
    # Teaser cards reuse article class names ("post-list-article__text"): only a
    # body-marked box with a good share of the prose anchors the veto.
    # (One pass over the prose's boxes, not over every claim: a box holding
    # none has mass 0, never more than a quarter of the total.)
    anchors, doomed = [], set()
    quarter, half = total / 4, total / 2
    for el, n in mass.items():
        if n > quarter:
            mark = marks.get(el)
            if mark == "main":
                anchors.append(el)
            elif mark is not None and n > half:
                doomed.add(el)
    for anchor in anchors:
        doomed.update(a for a in anchor.iterancestors() if marks.get(a) not in (None, "main"))
    for el in doomed:
        del marks[el]


def _good_blocks(blocks: list, link_len: dict) -> list:
    """The (block, length) pairs of paragraph prose: 25 characters or more, at most
    half of them link text. The veto, each choice of the main box and the page's
    prose total read the same list: made once a page."""
    return [(block, n) for block, n in blocks if n >= 25 and link_len.get(block, 0) <= n / 2]


def _add_up(mass: dict, items: list, self_too: bool) -> None:
    """mass[a] += n for each (el, n) of `items` and every ancestor a of el (and
    el itself with `self_too`): by the C extension (parents read from libxml2's
    nodes) when it is built, else by this loop, its reference."""
    add_up = compiled_helper("add_up")
    if add_up is not None and add_up(mass, items, self_too):
        return
    for el, n in items:
        node = el if self_too else el.getparent()
        while node is not None:
            mass[node] = mass.get(node, 0) + n
            node = node.getparent()


def _block_score(block: HtmlElement, n: int, text_count=None) -> float:
    """Readability's paragraph score: commas suggest sentences, length counts to
    a cap. `text_count`: the C extension's count of a character in the block's
    itertext(), which it reads from libxml2's text nodes (None: lxml's)."""
    commas = text_count(block, 44) if text_count is not None else None  # 44: ","
    if commas is None:
        commas = "".join(block.itertext()).count(",")  # a comma is one character: never split
    return 1.0 + commas + min(n / 100.0, 3.0)


def _score_candidates(good: list, rmap) -> tuple[dict, dict]:
    """Paragraph scores given to parents (full) and grandparents (half), and the
    good-prose mass of every ancestor of an accepted paragraph. `good`:
    _good_blocks, of which those in the "main" region (of `rmap`, a
    boilerplate.RegionMap: not imported, boilerplate imports this module) are accepted."""
    scores: dict = {}
    accepted: list = []
    text_count = compiled_helper("text_count")
    # Every block's region in one call (C when built): the same memo entries in
    # the same order as a region() call per block.
    rmap.memoise([block for block, _ in good])
    memo = rmap._memo
    for block, n in good:
        if memo[block] != "main":
            continue
        score = _block_score(block, n, text_count)
        # A <div> holding text itself is the candidate, as readability turns its
        # text into <p> children; <html> never is one.
        parent = block.getparent() if block.tag in _SCORED_TAGS else block
        if parent is not None and parent.tag != "html":
            scores[parent] = scores.get(parent, 0.0) + score
            grand = parent.getparent()
            if grand is not None and grand.tag != "html":
                scores[grand] = scores.get(grand, 0.0) + score / 2
        accepted.append((block, n))
    mass: dict = {}
    _add_up(mass, accepted, True)  # the same sums in the same order as block by block
    return scores, mass


def _class_weight(mark: str | None) -> float:
    if mark == "main":
        return 25.0
    return -25.0 if mark else 0.0


def _widen(best: HtmlElement, mass: dict, clean: dict, marks: dict,
           junk_weight: float) -> HtmlElement:
    """Climb from the best paragraph container to the ancestor that gains the most
    good prose for the least other text: catches article bodies split in columns."""
    chosen, chosen_value = best, None
    # Never wider than the outermost <main>/<article>/articleBody around `best`:
    # past it lie teaser cards, whose text looks like prose.
    limit = None
    for node in best.iterancestors():
        if node.tag in ("main", "article") or marks.get(node) == "main":
            limit = node
    node = best
    while node is not None and node.tag != "html":
        good = mass.get(node, 0)
        value = good - junk_weight * max(clean.get(node, 0) - good, 0)
        # A climb must pay: a stray lede or hero line is not worth a wider box.
        if chosen_value is None or value > chosen_value + 0.05 * mass.get(chosen, 0):
            chosen, chosen_value = node, value
        if node.tag == "body" or node is limit:
            break
        node = node.getparent()
    return chosen
