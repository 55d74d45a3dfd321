"""Which part of a page is which: the main content container and, for any element,
its region ("main", "nav", "header", "footer", "sidebar", "related", "ad",
"sponsored").

`classify_regions` reads the tree once bottom-up (text and link-text lengths per
element) and never modifies it: the same root is used afterwards for link and
metadata extraction. The main container is chosen readability-style (paragraph
scores given to parents and grandparents, weighted by link density and class
vocabulary), then widened to the ancestor that holds the article's other
paragraph runs when a body is split by ads or inline modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from lxml import etree
from lxml.html import HtmlElement

from condition_archive.extract import vocab

# tokens, compound_region and is_hidden are also imported from here by older callers.
from condition_archive.extract.markers import SPECIFIC as _SPECIFIC
from condition_archive.extract.markers import compound_region, is_hidden, own_marker, tokens  # noqa: F401
from condition_archive.extract.mainbox import veto_landmark_wrappers
# The main box's scoring (mainbox.py); the names also read by tests and older callers.
from condition_archive.extract.mainbox import (  # noqa: F401
    _add_up, _block_score, _class_weight, _clean_len, _clean_len_py, _good_blocks, _score_candidates,
    _veto_wrapper_marks, _widen)
from condition_archive.extract.signup import mark_signup_boxes
from condition_archive.extract.tagindex import TagIndex, body_of

# The tag sets are also imported from here by older callers.
from condition_archive.extract.measure import SCORED_TAGS as _SCORED_TAGS  # noqa: F401
from condition_archive.extract.measure import ScanVerdicts, compiled_helper, measure
from condition_archive.extract.meta import SCAN_MAX_CHARS, WORTH_A_LOOK, worth_a_look

# The page scan's verdicts, for the walk to collect its texts (meta.scan_page).
SCAN_VERDICTS = ScanVerdicts(WORTH_A_LOOK, worth_a_look, SCAN_MAX_CHARS)

class _AskIsHidden:
    """`el in` it: markers.is_hidden(el)."""

    def __contains__(self, el) -> bool:
        return is_hidden(el)


_ASK_IS_HIDDEN = _AskIsHidden()


@dataclass
class RegionMap:
    """Regions of one tree. `main` is the main-content container (None when the
    page has no prose); `parts` are the main container's blocks in page order
    (usually just `main`). `text_len`/`link_len` are per-element text sizes."""

    main: HtmlElement | None
    parts: tuple[HtmlElement, ...] = ()
    text_len: dict = field(default_factory=dict, repr=False)
    link_len: dict = field(default_factory=dict, repr=False)
    prose_len: dict = field(default_factory=dict, repr=False)
    _marks: dict = field(default_factory=dict, repr=False)
    _exempt: frozenset = field(default_factory=frozenset, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)
    # True when the main container came from the second pass, which trusts
    # tags and roles over class words ("elementor-widget" wraps everything).
    relaxed: bool = False
    # meta.is_foreign's memo: element -> it or an ancestor is furniture.
    furniture: dict = field(default_factory=dict, repr=False)
    # Facts of measure.py's walk, for the later stages: element -> (class, id);
    # the hidden elements (a set, or markers.is_hidden itself for a map built
    # without a walk); the elements whose text is all visible text (none known
    # without a walk); meta.visible_text's memo.
    named: dict | None = field(default=None, repr=False)
    hidden: object = field(default_factory=lambda: _ASK_IS_HIDDEN, repr=False)
    plain: frozenset = field(default=frozenset(), repr=False)
    texts: dict = field(default_factory=dict, repr=False)
    # The elements with an itemprop attribute, in page order (None: not known).
    itemprops: list | None = field(default=None, repr=False)
    # The elements whose class or id names a field (measure.names_a_field), in
    # page order; read with `named` (None: not known).
    field_named: list | None = field(default=None, repr=False)
    # Every element of the tree -> its position in page order (None: not known);
    # the page scan's text nodes read by the walk (measure.Measured.scan_hits).
    order: dict | None = field(default=None, repr=False)
    scan_hits: list | None = field(default=None, repr=False)
    # The elements of the tags the stages look for, by tag (tagindex.py; None: not known);
    # the <a>s' href and rel values (measure.Measured.hrefs, .rels; None: not known).
    tags: TagIndex | None = field(default=None, repr=False)
    hrefs: dict | None = field(default=None, repr=False)
    rels: dict | None = field(default=None, repr=False)
    # The C extension's region_fill (False: the Python code runs; None: not looked up)
    # and text_join (text.visible_text's itertext; None: not built or not used).
    _fill: object = field(default=None, repr=False, compare=False)
    text_join: object = field(default=None, repr=False, compare=False)

    def mark(self, el: HtmlElement) -> str | None:
        """The element's own region claim, ignoring claims on main's ancestors."""
        if el in self._exempt:
            return None
        return self._marks.get(el)

    def wraps_main(self, el: HtmlElement) -> bool:
        """True for the main container and its ancestors."""
        return el in self._exempt

    def region(self, el: HtmlElement) -> str:
        """The region of any element: its own claim and its ancestors' combined,
        the outermost claim winning except that ad/sponsored/related inner claims
        are more specific and a nav inside a header is nav; unclaimed elements are "main"."""
        memo = self._memo
        current = memo.get(el)
        if current is not None:
            return current
        self.memoise([el])
        return memo[el]

    def memoise(self, elements: list) -> None:
        """Each element's region memoised, one after the other: by the C extension
        (parents read from libxml2's nodes) when it is built, else by _region."""
        fill = self._fill
        if fill is None:  # (looked up once per map: once or twice a page)
            fill = self._fill = compiled_helper("region_fill") or False
        if fill is False or not fill(self._memo, self._exempt, self._marks, _SPECIFIC, elements):
            for el in elements:
                self._region(el)

    def _region(self, el: HtmlElement) -> str:
        """region's reference: climb to a memoised ancestor, then down again."""
        memo = self._memo
        chain = []
        node = el
        while node is not None and node not in memo:
            chain.append(node)
            node = node.getparent()
        current = memo[node] if node is not None else "main"
        exempt, marks = self._exempt, self._marks
        for node in reversed(chain):
            mark = None if node in exempt else marks.get(node)  # self.mark(node), inlined
            # A menu inside the page header is navigation; inside a footer it
            # stays footer (site-info link lists are footers).
            if mark and mark != "main" and (current == "main" or mark in _SPECIFIC
                                            or (current == "header" and mark == "nav")):
                current = mark
            memo[node] = current
        return current

    def link_density(self, el: HtmlElement) -> float:
        total = self.text_len.get(el, 0)
        return self.link_len.get(el, 0) / total if total else 0.0


def classify_regions(root: HtmlElement | None) -> RegionMap:
    """Regions of the page and its main container; reads, never modifies, `root`."""
    if root is None:
        return RegionMap(None)
    elements = list(root.iter(etree.Element))
    facts = measure(elements, SCAN_VERDICTS)
    order = dict(zip(elements, count()))
    tags = TagIndex(root, facts.by_tag, order, elements)
    found = _classify(root, tags, facts)
    found.named, found.hidden, found.plain = facts.named, facts.hidden, facts.plain
    found.itemprops, found.field_named = facts.itemprops, facts.field_named
    found.order, found.scan_hits, found.tags = order, facts.scan_hits, tags
    found.hrefs, found.rels, found.text_join = facts.hrefs, facts.rels, compiled_helper("text_join")
    found.texts = facts.leaf_texts  # visible_text's memo, its childless links' answers in
    return found


def _classify(root: HtmlElement, tags: TagIndex, facts) -> RegionMap:
    """`tags`: the walk's tag index of `root`'s tree; `facts`: the walk's Measured."""
    text_len, link_len, marks, blocks = facts.text_len, facts.link_len, facts.marks, facts.blocks
    forms = tags.index.get("form", ())
    # Claims on <html>/<body> are page-type classes ("single-post has-sidebar").
    for el in (root, body_of(root)):
        marks.pop(el, None)
    signup = mark_signup_boxes(root, text_len, marks, forms)
    good = _good_blocks(blocks, link_len)
    _veto_wrapper_marks(marks, good)
    veto_landmark_wrappers(root, marks, text_len, facts.landmarks)
    found = _choose_main(tags, good, text_len, link_len, marks, named=facts.named)
    prose = sum(n for _, n in good)  # all paragraph prose of the page, whatever its region
    if found.main is None or found.prose_len.get(found.main, 0) < vocab.RETRY_SHARE * prose:
        # Readability's second pass: when the class vocabulary left most of the
        # page's prose outside the main box (page builders call every block a
        # "widget", paywalled articles sit in a "paywall" box), choose again
        # trusting only the strong claims: tags, roles, ads, comments, banners.
        retry = _choose_main(tags, good, text_len, link_len, _strong_marks(marks, signup), named=facts.named)
        if retry.main is not None and retry.prose_len.get(retry.main, 0) > \
                found.prose_len.get(found.main, 0) * vocab.RETRY_GAIN:
            retry.relaxed = True
            return retry
        return _thread(tags, good, text_len, link_len, marks, found, prose)
    return found


def _thread(tags: TagIndex, good: list, text_len: dict, link_len: dict, marks: dict,
            found: RegionMap, prose: int) -> RegionMap:
    """A forum thread or a live ticker: when boxes named as comments hold most
    of the page's prose and no other box holds any, its posts are its content."""
    kept = {el: mark for el, mark in marks.items()
            if (set(tokens(el.get("class") or "")) | set(tokens(el.get("id") or ""))).isdisjoint(
                vocab.THREAD_TOKENS)}
    if found.main is not None or len(kept) == len(marks):
        return found  # an article (maybe under a long thread), or no comment boxes
    thread = _choose_main(tags, good, text_len, link_len, kept)
    held = thread.prose_len.get(thread.main, 0) if thread.main is not None else 0
    return thread if held >= vocab.THREAD_SHARE * prose else found


def _strong_marks(marks: dict, signup: set) -> dict:
    """The region claims a second pass keeps: every claim but the class-named
    side boxes ("sidebar"/"related" from class or id words), unless the words
    name comments, consent banners or sign-up boxes."""
    kept = {}
    for el, mark in marks.items():
        if mark in ("sidebar", "related") and el not in signup and el.tag not in vocab.TAG_REGION \
                and (el.get("role") or "").lower() not in vocab.ROLE_REGION:
            words = set(tokens(el.get("class") or "")) | set(tokens(el.get("id") or ""))
            if words.isdisjoint(vocab.RETRY_KEEP_TOKENS):
                continue
        kept[el] = mark
    return kept


def _choose_main(tags: TagIndex, good: list, text_len: dict, link_len: dict,
                 marks: dict, again: bool = True, named: dict | None = None) -> RegionMap:
    """`good`: the page's _good_blocks; `named`: the walk's element -> (class, id)
    of `tags`' tree (None: read the attributes)."""
    found = _choose_main_once(tags, good, text_len, link_len, marks, named)
    if again and found.main is not None:
        # A block built like the main container or its wrappers ("elementor-widget"
        # text blocks on both sides of an ad) is the article's own, whatever its
        # class words claim: choose again without those claims.
        shapes = {(a.tag, cls) for a in (found.main, *found.main.iterancestors())
                  if (cls := _class_of(a, named))}
        # The class first: ~47 side claims a page, few of a shape's class (each
        # tag read builds a str).
        classes = {cls for _, cls in shapes}
        twins = _twins(marks, named, classes, shapes)
        if twins:
            gone = set(twins)
            marks = {el: mark for el, mark in marks.items() if el not in gone}
            return _choose_main(tags, good, text_len, link_len, marks, again=False, named=named)
    return found


def _twins(marks: dict, named: dict | None, classes: set, shapes: set) -> list:
    """The side-claimed elements (sidebar, related) of one of `shapes`' (tag,
    class) pairs; `classes`: the shapes' classes, none of them None.
    (_class_of inlined: ~50 side claims a page.)"""
    if named is None:
        return [el for el, mark in marks.items() if mark in ("sidebar", "related")
                and (cls := el.get("class")) in classes and (el.tag, cls) in shapes]
    found = []
    get = named.get
    for el, mark in marks.items():
        if mark == "sidebar" or mark == "related":
            pair = get(el)
            # (an element missing from `named` has no class: never in `classes`)
            if pair is not None and pair[0] in classes and (el.tag, pair[0]) in shapes:
                found.append(el)
    return found


def _class_of(el: HtmlElement, named: dict | None) -> str | None:
    """el.get("class"), from the walk's values when given (an element of its tree
    missing from `named` has no class): ~30 attribute reads a page less."""
    if named is None:
        return el.get("class")
    pair = named.get(el)
    return None if pair is None else pair[0]


def _choose_main_once(tags: TagIndex, good: list, text_len: dict, link_len: dict,
                      marks: dict, named: dict | None) -> RegionMap:
    probe = RegionMap(None, (), text_len, link_len, {}, marks)
    scores, mass = _score_candidates(good, probe)
    if not scores:
        return RegionMap(None, (), text_len, link_len, {}, marks)
    best = max(scores, key=lambda el: (scores[el] + _class_weight(marks.get(el)))
               * (1.0 - probe.link_density(el)))
    clean = _clean_len(tags.elements, text_len, marks, best)  # the page's elements in page order
    main = _widen(best, mass, clean, marks, junk_weight=0.5)
    parts = (main, *_continuations(tags, main, mass, probe, named))
    exempt = frozenset(a for part in parts for a in (part, *part.iterancestors()))
    return RegionMap(main, parts, text_len, link_len, mass, marks, exempt)


def _continuations(tags: TagIndex, main: HtmlElement, mass: dict, probe: RegionMap,
                   named: dict | None = None) -> list:
    """Later boxes built like the main container (same tag and class as it or as
    its <article>) that hold prose of their own: an article closed and reopened
    around a full-width ad or a newsletter band is read whole. `named`: as
    _choose_main's (the class values of the ~17 elements a page tested)."""
    shape = (main.tag, _class_of(main, named))
    shapes = {shape}
    shapes.update((a.tag, _class_of(a, named)) for a in main.iterancestors("article"))
    inside = {main, *main.iterancestors()}
    shape_tags = {tag for tag, _ in shapes}
    # With one tag (main has no <article> of another tag around it) the index's
    # elements are all of it: no tag read each.
    only = next(iter(shape_tags)) if len(shape_tags) == 1 else None
    found: list = []
    # The elements of those tags after main's subtree in page order (main's own
    # elements are never continuations: the ancestor test below skipped them),
    # from the walk's tag index: a pass of lxml's tag-filtered iteration over
    # the tree cost 3% of the parse + regions stage.
    for el in tags.following(main, tuple(shape_tags)):
        if (only or el.tag, _class_of(el, named)) not in shapes or el in inside:
            continue
        if any(a is main or a in found for a in el.iterancestors()):
            continue
        if mass.get(el, 0) >= vocab.CONTINUATION_MIN_PROSE and probe.link_density(el) < 0.3 \
                and probe.region(el) == "main":
            # Read the box that matches main itself, not its whole <article>.
            inner = next((d for d in el.iter() if (d.tag, d.get("class")) == shape), el)
            found.append(inner if mass.get(inner, 0) >= vocab.CONTINUATION_MIN_PROSE else el)
    return found


# Tree-in/tree-out cleaning stages, for callers that want a cleaned copy (tests,
# re-processing). body.py applies the same predicates while walking instead,
# which avoids copying the tree.
