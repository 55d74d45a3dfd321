"""The main content of a page as plain text.

`body_text` walks the main container chosen by `classify_regions` and skips,
without modifying the tree, whatever is not the article's own prose: other
regions (ads between paragraphs, share bars, sponsored cards, newsletter boxes),
hidden elements, bylines and captions, dated metadata lines, reference lists
and link lists. Paragraphs, headings and list items come out as paragraphs
separated by a blank line; two <br>s in a row end a paragraph, one a line.
On a center, the stages pass its cards and section headings in: they are read
(in page order, wherever the main container ends), as the center's content.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from condition_archive.extract import vocab
from condition_archive.extract.boilerplate import RegionMap, classify_regions
from condition_archive.extract.captions import caption_text, is_credit_element
from condition_archive.extract.markers import NOISE_TAGS, caption_class, is_caption, is_noise, tokens
from condition_archive.extract.paragraphs import is_prose
from condition_archive.extract.lede import NotStandfirst, header_ledes
from condition_archive.extract.parse import parse_html
from condition_archive.extract.teasers import (HEADINGISH, is_card_list, is_link_cluster, is_teaser_card,
                                               is_teaser_title, says_teasers, teaser_pattern)
from condition_archive.extract.tagindex import head_title, tagged
from condition_archive.extract.text import joined_text

_BLOCK = vocab.BLOCK_TAGS
_DROP = frozenset(vocab.DROP_TAGS)
_LISTISH = frozenset(("ul", "ol", "dl", "table", "div", "section", "nav", "aside"))
# Not <ol>: a numbered list of linked items is a listicle ("10 things ..."), not cards.
_CARD_PARENTS = frozenset(("ul", "div", "section", "tbody", "table"))
_INLINE = frozenset(("span", "strong", "b", "em", "i"))
_DATELINE = frozenset(("dateline",))
_GALLERY = frozenset(("gallery", "slideshow"))
_GALLERY_PROSE = 100
_HEADINGS = tuple(vocab.HEADING_TAGS)
def _opens_sentence(el: HtmlElement) -> bool:
    """A news dateline inside the first paragraph ("<p><span class=dateline>
    KOBE – </span>A total of ..."): the opening words of the article's
    sentence, not metadata about it."""
    parent = el.getparent()
    return (el.tag in _INLINE and parent is not None and parent.tag == "p"
            and len((el.tail or "").split()) >= 3
            and any(t in _DATELINE for t in tokens(el.get("class") or "")))


def _prose_gallery(el: HtmlElement, regions: RegionMap) -> bool:
    """A gallery or slideshow item that holds paragraphs of prose and no
    caption (a listicle told slide by slide): the article's text, not a photo
    strip's captions."""
    return regions.prose_len.get(el, 0) >= _GALLERY_PROSE and any(
        t in _GALLERY for t in tokens(el.get("class") or "")) and not any(
        is_caption(d) for d in el.iter())


def _photo_box(el: HtmlElement, regions: RegionMap) -> bool:
    """A short box its class names as an image, around one: a photo and its caption."""
    return regions.text_len.get(el, 0) < _PHOTO_BOX and not _PHOTO_TOKENS.isdisjoint(
        tokens(el.get("class") or "")) and next(el.iterdescendants("img"), None) is not None


_PAID = frozenset(("ad", "sponsored"))
_RELATED_LABEL = re.compile(vocab.RELATED_LABEL, re.I)
# Characters no reader sees (soft hyphens, zero-width space, BOM): hyphenation
# hints split words ("Mit\u00adtel\u00adal\u00adter") and would break search.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\ufeff"))
_BOX_TITLE_WORDS = 20
_PARA_BREAK = re.compile(r"\x00\s*(?:\x00\s*)+")
# A body shorter than this, from a main box showing three times as much, is
# read again without the link-list skips (body_text).
_SHORT_BODY = 200
# A line of the article's header shorter than this is a label, not a standfirst.
_LEDE_WORDS = 6
# A box this short, named as an image and holding one, holds its caption.
_PHOTO_BOX = 500
_PHOTO_TOKENS = frozenset(("image", "img", "photo", "picture", "figure", "foto", "bild", "imagen"))


def _kept(keep, tags) -> tuple[set, set, set]:
    """The ancestors of the `keep` elements, their elements, and their
    headings (a card's own title is not a section heading left without text).
    `tags`: the region map's tag index (None: not known). (A climb stops at an
    ancestor met before: its ancestors are in already; the headings come from
    the index, without reading every card element's tag.)"""
    path: set = set()
    for el in keep:
        for a in el.iterancestors():
            if a in path:
                break
            path.add(a)
    inner = {d for el in keep for d in el.iter()}
    if tags is None:
        titles = {h for h in inner if h.tag in vocab.HEADING_TAGS}
    else:
        index = tags.index
        titles = {h for tag in _HEADINGS for h in index.get(tag, ()) if h in inner}
    return path, inner, titles


class _Walker:
    """Collects paragraphs from the kept parts of a main container."""

    # Inside a card, a block without a word (its image, picture and media
    # boxes) is passed, not walked (walk's loop): walked, it would only flush
    # the text before it, as passing it does. Only a card's: no skip verdict
    # inside one has a side effect, and text_len counts every text the walk
    # reads. False walks it, the reference the tests compare with.
    pass_empty = True

    def __init__(self, regions: RegionMap, keep: frozenset = frozenset(),
                 drop: frozenset = frozenset(), lenient: bool = False, captions: bool = True) -> None:
        self.regions = regions
        self.hidden = regions.hidden  # markers.is_hidden, looked up
        self.named = regions.named  # element -> (class, id), from the walk (None: not known)
        self.read_captions = captions
        self.lenient = lenient  # keep link lists and card lists (body_text's retry)
        self.drop = drop  # blocks known not to be the page's (sponsored cards)
        # A center's cards (and the boxes holding them) are its content, whatever
        # their class or link density says: the card text is the page's own.
        self.keep = keep
        if keep:
            self.keep_path, self.keep_inner, self.card_titles = _kept(keep, regions.tags)
        else:  # (an article: three walkers a page)
            self.keep_path = self.keep_inner = self.card_titles = frozenset()
        self.quiet = self.keep_inner if self.pass_empty else ()  # (walk's: a card's elements)
        self.paragraphs: list[str] = []
        self.captions: dict[str, HtmlElement] = {}
        self.headings: set[int] = set()  # indexes of paragraphs that are headings
        self.buf: list[str] = []
        self.in_caption = 0  # depth of captions being walked
        self.caption_block = False  # inside an outermost block caption
        self.min_words = 0  # shorter paragraphs are left out unread (_ledes')
        # Class-based verdicts never remove a box holding half the article's prose:
        # such a box is a wrapper whatever its class says ("meta_field", "inline").
        self.guard = regions.prose_len.get(regions.main, 0) / 2

    def flush(self) -> None:
        if not self.buf:
            return
        # Source newlines are plain whitespace; only <br> (marked NUL, which lxml
        # text never contains) breaks a line, and two <br>s in a row (old
        # templates' paragraphs) end a paragraph.
        text = "".join(self.buf)  # (_INVISIBLE's characters are not ASCII: none in an ASCII text)
        self.buf = []
        if not text.isascii():
            text = text.translate(_INVISIBLE)
        if "\x00" not in text:  # (most: one line; only the source's indentation, ~11 a page)
            words = text.split()
            if words:
                self._paragraph(" ".join(words), len(words))
            return
        for chunk in _PARA_BREAK.split(text):
            lines = [words for words in map(str.split, chunk.split("\x00")) if words]
            if lines:
                self._paragraph("\n".join([" ".join(words) for words in lines]), sum(map(len, lines)))

    def _paragraph(self, text: str, count: int) -> None:
        """Keeps a paragraph (its lines' whitespace normalised, `count` words)
        unless it is furniture, metadata or a call to action (paragraphs.py)."""
        if self.caption_block:
            text = caption_text(text)
            count = len(text.split())
        if count < self.min_words:
            return
        if text and is_prose(text, count):
            self.paragraphs.append(text)

    def skip(self, el: HtmlElement, tag=None) -> bool:
        """`tag`: el.tag, when the caller has read it."""
        if tag is None:
            tag = el.tag
        regions = self.regions
        if not isinstance(tag, str) or (tag in _DROP and (tag != "form" or not regions.text_len.get(el))):
            return True
        if el in self.hidden or el in self.drop:
            return True
        if el in self.keep_inner:
            # Inside a card only paid bits are dropped: its title link and teaser
            # are read whatever their link density.
            return regions.mark(el) in _PAID
        if el in self.keep_path:
            return False
        if tag in _CARD_PARENTS and not self.lenient and is_card_list(el, regions):
            return True
        if regions.prose_len.get(el, 0) > self.guard:
            return False
        mark = regions.mark(el)
        if mark == "header" and tag != "header" and not el.get("role"):
            # Inside the main container, a box only class words call a header
            # is the article's own: an accordion's question, a recipe card's
            # or an ingredients table's header row. The <header> tag and
            # role=banner keep their claim; h1, bylines and dates stay out.
            mark = None
        elif mark == "nav" and tag not in ("nav", "menu") and not el.get("role") \
                and regions.link_density(el) < 0.3:
            # Navigation is links: a class-named "nav" box of prose inside the
            # article is a tip drawer, a tab panel or a heading's anchor id.
            mark = None
        if mark and mark != "main":
            return True
        # (Most elements have no class or id: the class and id tests below
        # cannot hold for them, so they are not asked.)
        named = self.named
        if named is None:  # (a map without a walk: ask the element)
            bare, caption = False, is_caption(el)
        else:
            pair = named.get(el)
            bare = pair is None or not (pair[0] or pair[1])
            caption = tag == "figcaption" or (not bare and caption_class(pair[0]))
        if (not bare or tag in NOISE_TAGS) and is_noise(el) and not _opens_sentence(el) \
                and not _prose_gallery(el, regions):
            return True
        if (self.in_caption and is_credit_element(el)) or \
                is_link_cluster(el, regions.text_len, regions.link_len) or (not bare and is_teaser_card(el)):
            return True
        if not self.read_captions and (tag == "figure" or caption or (not bare and _photo_box(el, regions))):
            return True  # a photo, its caption or a small box around it
        if caption:
            # The same caption under every photo of a gallery is read once.
            # (A figcaption inside a caption-classed <figure> is that caption.)
            text = " ".join(joined_text(el).split())
            seen = self.captions.setdefault(text, el)
            if seen is not el and not any(a is seen for a in el.iterancestors()):
                return True
        return not self.lenient and self._link_box(el, tag)

    def _link_box(self, el: HtmlElement, tag: str) -> bool:
        """Link lists and link-dense boxes: menus, "related" rows, tag clouds;
        "Related: <a>Another article</a>" between the paragraphs (also set as a heading)."""
        listish = tag in _LISTISH or tag == "p"
        if not listish and tag not in vocab.HEADING_TAGS:
            return False
        total = self.regions.text_len.get(el, 0)
        links = self.regions.link_len.get(el, 0)
        if listish and total and links / total > (0.5 if tag != "p" else 0.8):
            return True
        return bool(links) and total < 300 and links * 2 >= total and bool(_RELATED_LABEL.match(
            " ".join(joined_text(el).split())))

    def walk(self, el: HtmlElement, tag=None) -> None:
        """`tag`: el.tag, when the caller has read it (each read makes a new string)."""
        if tag is None:
            tag = el.tag
        named = self.named
        if tag == "figcaption" or named is None:
            caption = is_caption(el)
        else:  # (is_caption by the walk's class value, its verdict cached)
            pair = named.get(el)
            caption = pair is not None and caption_class(pair[0])
        # An outermost caption block is read as its own paragraph, its credit
        # stripped (captions.py); inline captions only lose credit elements.
        block = tag in _BLOCK
        own = caption and not self.in_caption and block
        if caption:
            self.in_caption += 1
        if block and self.buf:
            self.flush()
        if own:
            self.caption_block = True
        if tag == "br":
            self.buf.append("\x00")
        else:
            text = el.text
            if text:
                self.buf.append(text)
        cut = False
        mark = self.regions.mark
        quiet = self.quiet
        for child in el.getchildren():
            ctag = child.tag
            # "Related articles", "Lesen Sie auch": the heading (or a line
            # standing in for one) and what follows it in its box are another
            # page's teasers (teasers.py). (teaser_pattern answers None for a
            # line without a class unless it is a <p> of one child: not asked.)
            if ctag in HEADINGISH and (ctag in vocab.HEADING_TAGS or (ctag == "p" and len(child) == 1)
                                       or named is None or ((pair := named.get(child)) is not None
                                                            and bool(pair[0]))):
                pattern = teaser_pattern(child)  # (its region read only when it can open teasers)
                if pattern is not None:
                    cut = mark(child) == "related" or says_teasers(child, pattern)
            # (a card's block without a word is passed: see pass_empty)
            if not cut and not (quiet and child in quiet and ctag in _BLOCK and self.regions.text_len.get(child) == 0) \
                    and not self.skip(child, ctag):
                self.walk(child, ctag)
            elif ctag in _BLOCK and self.buf:
                self.flush()
            if not cut:
                tail = child.tail
                if tail:
                    self.buf.append(tail)
        if block:
            count = len(self.paragraphs)
            if self.buf:
                self.flush()
            if tag in vocab.HEADING_TAGS and len(self.paragraphs) > count \
                    and el not in self.card_titles:
                self.headings.add(count)
        if own:
            self.caption_block = False
        if caption:
            self.in_caption -= 1

    def result(self) -> str:
        # A heading with nothing after it titled a box that was dropped
        # ("You may also like", "Comments"): drop it too.
        paragraphs = self.paragraphs
        # (A "heading" of sentences is a page setting its prose in heading tags.)
        # (A line standing in for such a heading says so by its words.)
        while paragraphs and ((len(paragraphs) - 1 in self.headings
                               and len(paragraphs[-1].split()) <= _BOX_TITLE_WORDS)
                              or (len(paragraphs) > 1 and is_teaser_title(paragraphs[-1]))):
            paragraphs.pop()
        return "\n\n".join(paragraphs)


def body_text(root: HtmlElement | None, regions: RegionMap,
              keep: frozenset = frozenset(), extra: tuple = (), drop: frozenset = frozenset()) -> str:
    """Main-content text: paragraphs separated by blank lines, whitespace normalised.

    `keep` are elements always read when met (a center's cards); `extra` are
    blocks read in page order with the main container when they lie outside it
    (a center's sections beside a short intro); `drop` are never read."""
    if root is None or regions.main is None:
        return ""
    text = _walk(root, _Walker(regions, keep, drop), regions.parts, extra, regions.order)
    # A post that is a list of links (a link roll, a reading list) is its own
    # content: when the link-list skips leave all but nothing of a main box
    # that shows far more text, read it again without them.
    if len(text) < _SHORT_BODY and sum(regions.text_len.get(p, 0) for p in regions.parts) >= 3 * max(len(text), 1):
        alt = _walk(root, _Walker(regions, keep, drop, lenient=True), regions.parts, extra, regions.order)
        if len(alt) > len(text):
            text = alt
    # The article's standfirst in its header beside the body box (lede.py).
    ledes = [p for p in _ledes(root, regions, drop) if p not in text]
    return "\n\n".join((*ledes, text)) if ledes else text


def _ledes(root: HtmlElement, regions: RegionMap, drop: frozenset) -> list:
    """The sentences of the article's header boxes (a standfirst, a summary):
    short lines there are kickers, section labels and bylines, and the lead
    photo's caption is left to the body's own figures."""
    boxes = header_ledes(root, regions)
    if not boxes:
        return []
    walker = _Walker(regions, drop=NotStandfirst(drop, boxes, regions.named), captions=False)
    walker.min_words = _LEDE_WORDS  # (shorter lines are not kept below: not filtered either)
    for box in boxes:
        # A header box's claim is what brought it here; other blocks face the
        # walker's usual skips (share bars, bylines, dates).
        if regions.mark(box) == "header" or not walker.skip(box):
            walker.flush()
            walker.walk(box)
    walker.flush()
    if not walker.paragraphs:
        return []  # (nothing of _LEDE_WORDS words: the headline's texts are not needed)
    # The headline said again (a heading in the header, a breadcrumb ending
    # in it) is not the standfirst.
    heads = [" ".join(el.text_content().split()).lower() for el in tagged(root, regions, "h1")]
    title = head_title(root)
    said = " ".join([*heads, title.text_content().lower() if title is not None else ""])
    heads = [h for h in heads if len(h.split()) >= 4]
    kept = []
    for para in walker.paragraphs:
        line = " ".join(para.split()).lower()
        if len(line.split()) >= _LEDE_WORDS and line not in said and not any(h in line for h in heads):
            kept.append(para)
    return kept


def _walk(root, walker, parts, extra, order: dict | None = None) -> str:
    for part in _segments(root, parts, extra, order):
        walker.flush()
        walker.walk(part)
    walker.flush()
    return walker.result()


def _segments(root: HtmlElement, parts: tuple, extra: tuple, order: dict | None = None) -> list:
    """The main parts plus the extra blocks outside them, in page order
    (`order`: the region map's element positions, when it has them)."""
    inside = set(parts)
    outside = [el for el in extra
               if el not in inside and not any(a in inside for a in el.iterancestors())]
    if not outside:
        return list(parts)
    if order is None:
        order = {el: i for i, el in enumerate(root.iter())}
    return sorted([*parts, *outside], key=order.__getitem__)


def extract_body(data: str | bytes, url: str = "") -> str:
    """Parse, classify and extract in one call (what the benchmark measures)."""
    parsed = parse_html(data, url)
    if parsed.root is None:
        return ""
    return body_text(parsed.root, classify_regions(parsed.root))
