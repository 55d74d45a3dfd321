"""Issue 16's extraction speed changes give the answers of the slower forms they
replaced: lowercased-ASCII searches for re.I prefilters, class tokens by findall,
attribute-axis XPaths for per-element predicates, visible_text's conditional
substitutions and is_foreign's memoised furniture walk (both shared sets were
also compared page by page before and after: bench/extract_snapshot.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from condition_archive.extract import extract_page
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.date_vocab import LABEL_WORDS, has_label_word
from condition_archive.extract.markers import tokens
from condition_archive.extract.meta import _classed_under, visible_text
from condition_archive.extract.text import _SPACE_AFTER_OPEN, _SPACE_BEFORE_PUNCT
from test_extract_worker_speed import SPECIAL
from condition_archive.extract.parse import parse_html
from condition_archive.extract.people import _BYLINE_PREFILTER_LOWER, BYLINE_PREFILTER
from condition_archive.extract.stages import parse_stage
from condition_archive.sample_site.site import build_site

_WORDS = st.sampled_from(["Updated", "UPDATED", "posted", "By", "by", "Stand", "stand", "standard",
                          "Veröffentlicht", "MIS À JOUR", "Datum", "Review", "Autor", "von ", " | ",
                          "texto:", "K", "ſ", "İ", " ", "-", "2024", "é", "reviewed", "x", "\n"])


@given(st.lists(_WORDS, max_size=8).map("".join))
@settings(max_examples=400, deadline=None)
def test_label_and_byline_prefilters_agree_with_re_i(text):
    assert has_label_word(text) == bool(LABEL_WORDS.search(text))
    if text.isascii():
        assert bool(_BYLINE_PREFILTER_LOWER.search(text.lower())) == bool(BYLINE_PREFILTER.search(text))


def _tokens_by_split(value: str) -> tuple[str, ...]:
    split = re.compile(r"[^a-z0-9]+")
    low = value.lower()
    flat = [w for w in split.split(low) if w]
    words = flat if low == value else [w for w in split.split(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", value).lower()) if w]
    return tuple(dict.fromkeys(words + [a + b for a, b in zip(words, words[1:])] + flat))


@given(st.lists(st.sampled_from(list("aAbZ09_- .éÉKİß")), max_size=14).map("".join))
@settings(max_examples=400, deadline=None)
def test_class_tokens_agree_with_the_split_form(value):
    assert tokens.__wrapped__(value) == _tokens_by_split(value)


def _sample_pages() -> list[bytes]:
    """The sample site's HTML pages of both versions (centers, articles, stubs)."""
    return [res.body for version in ("2012", "2025") for res in build_site(version).values()
            if res.status == 200 and res.kind in ("center", "article", "other") and b"<html" in res.body.lower()]


def _sample_roots():
    for body in _sample_pages():
        root = parse_html(body, "http://sample.test/").root
        if root is not None:
            yield root


def test_attribute_axis_xpaths_find_what_the_predicates_found():
    special = etree.XPath("//*[@hidden or @aria-hidden or @style or @role or @itemprop "
                          "or @data-testid or @data-component]")
    page = ('<html><body class="b" id="x"><div style="a" role="main"><p hidden>h</p><span itemprop="n" '
            'data-testid="t">s</span></div><i id="i" class="c">x</i><!-- c --><p>p</p></body></html>')
    for root in [parse_html(page, "http://h.test/").root, *_sample_roots()]:
        assert list(SPECIAL(root)) == list(special(root))
        body = root.find("body")
        assert _classed_under(body) == body.xpath(".//*[@class or @id]")


def _visible_text_reference(el) -> str:
    from condition_archive.extract.text import _collect_text, norm

    if len(el) == 0:
        return visible_text(el)
    parts: list[str] = []
    _collect_text(el, parts)
    return _SPACE_AFTER_OPEN.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", norm(" ".join(parts))))


@given(st.lists(st.sampled_from(["a", " ", ",", "(", ")", "[", "]", ".", "\u2003", "<b>b</b>", "<i> ( </i>",
                                 "\n", ":", "é"]), max_size=12).map("".join))
@settings(max_examples=500, deadline=None)
def test_visible_text_substitutions_only_when_needed_change_nothing(inner):
    root = parse_html(f"<html><body><p>x{inner}<span>y</span>{inner}</p></body></html>", "").root
    p = root.find(".//p")
    assert visible_text(p) == _visible_text_reference(p)


def _is_foreign_walk(el, regions, foreign=frozenset()) -> bool:
    """is_foreign as it was before the memo: one walk up per call."""
    from condition_archive.extract.markers import is_hidden
    from condition_archive.extract.meta import (CITING_TOKENS, FOREIGN_REGIONS, FOREIGN_TOKENS, LAYOUT_TOKENS,
                                                class_tokens)

    if regions.region(el) in FOREIGN_REGIONS:
        return True
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        if node.tag == "aside" or node in foreign or is_hidden(node):
            return True
        toks = class_tokens(node) & FOREIGN_TOKENS
        if toks and regions.relaxed:
            toks -= LAYOUT_TOKENS
        if toks and (not regions.wraps_main(node) or toks & CITING_TOKENS):
            return True
        node = node.getparent()
    return False


def test_is_foreign_memo_answers_as_the_walk_did():
    from condition_archive.extract.meta import is_foreign

    for root in _sample_roots():
        doc = parse_stage(etree.tostring(root), "http://sample.test/")
        fresh = classify_regions(doc.root)
        elements = list(doc.root.iter(etree.Element))
        cards = frozenset(elements[len(elements) // 2::7])
        # Asked in document order and in reverse (the memo filled from either end).
        forward = [is_foreign(el, doc.regions) for el in elements]
        backward = [is_foreign(el, fresh, cards) for el in reversed(elements)][::-1]
        assert forward == [_is_foreign_walk(el, doc.regions) for el in elements]
        assert backward == [_is_foreign_walk(el, fresh, cards) for el in elements]
        assert any(forward) and not all(forward)


def test_a_sample_page_extracts_the_same_twice():
    # The per-value caches (class claims, byline lines) hold across pages.
    html = _sample_pages()[0]
    first = extract_page(html, "http://sample.test/a").to_dict()
    assert extract_page(html, "http://sample.test/a").to_dict() == first


# TEXT_PREFILTER as the alternation it was before it became a trie.
_PLAIN_TEXT_PREFILTER = re.compile(r"updat|modif|revis|publish|posted|review|date|by\b|author|contributor|writer|checked"
                                   r"|evidence|datum|stand|aktualis|veröffentl|geändert|erstellt|mis à jour|publié|publicado"
                                   r"|pubblicato|gepubliceerd|actualiz|aggiorn|bijgewerkt|aktualiz|opublik|autor|auteur"
                                   r"|geprüft|text|mise en ligne")


def test_word_tries_match_the_texts_the_plain_alternations_match():
    from condition_archive.extract.meta import TEXT_PREFILTER
    from condition_archive.extract.wordre import any_word, any_word_pattern

    assert any_word_pattern(["ab", "a", "b\\b", "\\bc"]) == "a(?:b)?|b\\b|\\bc"
    nested = any_word("da|date|dates|\\bda\\b|db", re.I)
    for text in ["", "by", "bye", "standby", "mis à jou", "mise en ligne", "the date", "Autor:", "byline",
                 "x by", "au", "dat", "DATES", "dab", "da!", "textual", "reviewed", "dbx"]:
        assert bool(TEXT_PREFILTER.search(text)) == bool(_PLAIN_TEXT_PREFILTER.search(text)), text
        assert bool(nested.search(text)) == bool(re.search("da|date|dates|\\bda\\b|db", text, re.I)), text


@given(st.lists(_WORDS, max_size=8).map("".join))
@settings(max_examples=300, deadline=None)
def test_text_prefilter_trie_agrees_with_its_alternation(text):
    from condition_archive.extract.meta import TEXT_PREFILTER

    low = text.lower()
    assert bool(TEXT_PREFILTER.search(low)) == bool(_PLAIN_TEXT_PREFILTER.search(low))


_TRICKY = ('<html><head><title>t</title></head><body class="" id="b"><div class="card" hidden>h<p>x</p></div>'
           '<a href="/a">A <img alt="i" class="sr-only"> <span style="display:none">s</span>!</a>'
           '<p class="">p<!-- c -->q<b>r</b>, <script>x</script>s</p><label>lab<i>el</i></label>'
           '<div aria-hidden="true"><a href="/b">B</a></div><ul><li>(<a>one</a> )</li></ul>'
           '<select><option>o</option></select><form>f<input></form></body><p id="after">z</p></html>')


def _tricky_and_sample_roots():
    yield parse_html(_TRICKY, "http://h.test/").root
    yield from _sample_roots()


def test_the_region_walk_knows_every_hidden_element_and_where_all_text_is_visible():
    from condition_archive.extract.markers import is_hidden
    from condition_archive.extract.text import _visible_text

    for root in _tricky_and_sample_roots():
        regions = classify_regions(root)
        elements = list(root.iter(etree.Element))
        assert regions.hidden == {el for el in elements if is_hidden(el)}
        assert regions.named == {el: (el.get("class"), el.get("id")) for el in elements
                                 if el.get("class") is not None or el.get("id") is not None}
        assert regions.plain and len(regions.plain) < len(elements)
        for el in elements:
            # The itertext path (plain elements) and the memo give what the walk does.
            assert visible_text(el, regions) == _visible_text(el, None) == visible_text(el)
            assert visible_text(el, regions) == _visible_text(el, None)


def test_the_page_scan_from_the_region_walk_is_the_scan_from_the_tree():
    from condition_archive.extract.meta import scan_page

    for root in _tricky_and_sample_roots():
        regions = classify_regions(root)
        assert scan_page(root, regions=regions) == scan_page(root)


def _site_line_reference(text: str) -> bool:
    """is_site_line before its word prefilters: every search made."""
    from condition_archive.extract import sitelines as s

    if "\n" in text:
        return False
    words = len(text.split())
    if words > s._MAX_WORDS:
        return False
    if words <= s._CREDIT_WORDS and s._CREDIT.match(text):
        return True
    if words <= s._RIGHTS_WORDS and (
            s._LICENCE.search(text) or (s._COPYRIGHT.match(text) and s._SEPARATOR.search(text))):
        return True
    if words <= s._CONSENT_WORDS and s._CONSENT.search(text):
        return True
    return words <= s._COMMENT_WORDS and (text.lower().strip(s._LABEL_STRIP) in s._LABELS
                                          or bool(s._COMMENTS.search(text)))


_SITE_WORDS = st.sampled_from([
    "We use", "COOKIES", "cookies", "CooKieſ", "this website uses", "no", "Comments", "comments are closed",
    "Leave a Reply", "KOMMENTARE", "keine", "Bewertungen", "sind geschlossen", "Unless otherwise stated",
    "the content of this page is licensed", "Sofern nicht anders ausgewiesen", "keine Zustimmung gegeben",
    "Laden der Inhalte von Twitter blockiert", "ohne dein Einverständnis", "© 2020", " • ", "Impressum",
    "Foto:", "comentarios", "brak komentarzy", "Kelvin K", "İ", " ", "x", "Print", ": ", "\n"])


@given(st.lists(_SITE_WORDS, max_size=9).map(" ".join))
@settings(max_examples=600, deadline=None)
def test_site_line_word_prefilters_change_no_answer(text):
    from condition_archive.extract.sitelines import is_site_line

    assert is_site_line(text) == _site_line_reference(text)


_DATE_LINE_WORDS = st.sampled_from(["Updated", "Published on", "Reviewed by Dr. X", "March", "3,", "2024",
                                    "Date:", "٣", "١٢", "2024-03-01", "Stand:", "12.", "Mai", "by", " ", "—", "o"])


@given(st.lists(_DATE_LINE_WORDS, max_size=8).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_a_line_without_a_digit_holds_no_labelled_date(line):
    from condition_archive.extract.date_vocab import VISIBLE_RE
    from condition_archive.extract.dates import _DIGIT, _line_candidates

    if not _DIGIT.search(line):
        assert VISIBLE_RE.search(line) is None and _line_candidates(line, None) == []
