"""Issue 16, session 12's extraction speed changes give the answers of the paths
they replaced (both shared sets and the generated site were also compared page
by page before and after: bench/extract_snapshot.py diff)."""

from __future__ import annotations

from itertools import count

from lxml import etree

from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.center import analyse_center
from condition_archive.extract.meta import walked_texts
from condition_archive.extract.meta import _scanned_texts, scan_page
from condition_archive.extract.parse import parse_html
from test_extract_fast_paths import _tricky_and_sample_roots

# Texts the scan keeps in every kind of place the walk reads differently: a
# hidden box and a dropped tag (<label>, <button>: its text is invisible, its
# children's tails are not), a tail after an element inside each, text in the
# head and after the body, the body's own text and tail.
_PLACES = ('<html><head><title>Updated daily</title><meta name="x" content="y">Published in head'
           '</head><body>By the body itself<div hidden>Updated March 3, 2024<span>x</span>Posted by A</div>'
           '<label>Author: B<b>x</b>Reviewed by C</label><button>Updated<i>x</i>By D</button>'
           '<svg><g>Date</g>By E</svg><script>var date = 1;</script>Written by F'
           '<form><p>Updated June 2, 2024</p>By G</form><p>Plain text<br>Last updated May 1</p>'
           '<ul><li>Published 2020</li><li><a href="/a">By H</a> updated</li></ul></body>'
           'Date after the body<p>By I after</p></html>')
# A comment whose tail is a byline: the walk keeps no position for it, the scan reads the tree.
_COMMENT = ('<html><body><div><p>Words</p><!-- a note -->By Jane Roe<p>Updated May 1, 2024</p>'
            '</div></body></html>')


def _roots():
    yield parse_html(_PLACES, "http://h.test/").root
    yield parse_html(_COMMENT, "http://h.test/").root
    yield from _tricky_and_sample_roots()


def test_the_walk_finds_the_scan_texts_of_the_tree_in_page_order():
    for root in _roots():
        regions = classify_regions(root)
        body = root.find("body")
        expected = _scanned_texts(body)
        walked = walked_texts(body, regions)
        if walked is not None:
            assert walked == expected
        assert list(scan_page(root, regions=regions).texts) == expected


def test_a_comment_tail_sends_the_scan_back_to_the_tree():
    root = parse_html(_COMMENT, "http://h.test/").root
    regions = classify_regions(root)
    assert walked_texts(root.find("body"), regions) is None
    assert [text for _, text in scan_page(root, regions=regions).texts] == ["By Jane Roe", "Updated May 1, 2024"]


def test_the_places_page_keeps_each_scanned_text_once():
    root = parse_html(_PLACES, "http://h.test/").root
    regions = classify_regions(root)
    assert walked_texts(root.find("body"), regions) is not None
    texts = [text for _, text in scan_page(root, regions=regions).texts]
    assert "Updated March 3, 2024" in texts and "Reviewed by C" in texts and "By D" in texts
    assert "Updated daily" not in texts and "Published in head" not in texts  # the head's
    assert "Updated" not in texts  # a button's own text is invisible
    assert len(texts) == len(set(texts))


def test_the_center_reads_the_same_layout_with_the_region_maps_order():
    """analyse_center's page positions from the region map's element list give
    the layout the positions of body.iter() gave."""
    for root in _roots():
        regions = classify_regions(root)
        assert regions.order == dict(zip(root.iter(etree.Element), count()))
        with_map = analyse_center(root, regions, "http://h.test/")
        regions.order = None
        with_tree = analyse_center(root, regions, "http://h.test/")
        assert with_map.sections == with_tree.sections
        assert with_map.card_links == with_tree.card_links
        assert with_map.sponsored == with_tree.sponsored
        assert with_map.cards == with_tree.cards and with_map.section_boxes == with_tree.section_boxes
        links = list(with_map.resolved)
        assert [with_map.heading_before(a) for a in links] == [with_tree.heading_before(a) for a in links]


def test_the_parser_without_an_id_table_builds_the_same_tree():
    """parse.py's parser keeps no hash of id attributes (collect_ids=False)."""
    import lxml.html

    reference = etree.HTMLParser()
    reference.set_element_class_lookup(etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement))
    for root in _roots():
        text = etree.tostring(root, encoding="unicode", method="html")
        again = etree.fromstring(text, reference)
        assert etree.tostring(parse_html(text, "http://h.test/").root) == etree.tostring(again)


def test_the_month_trie_matches_what_the_month_alternation_matched():
    """date_vocab's month names as a trie give every date pattern the matches
    (spans and groups) the longest-first alternation gave, in every language,
    in any case, beside other letters, dots and digits."""
    import re

    from condition_archive.extract import date_vocab

    plain = "(?:" + "|".join(sorted(map(re.escape, date_vocab.MONTHS), key=len, reverse=True)) + r")(?![^\W\d_])\.?"
    assert plain != date_vocab._MONTH
    pairs = [(re.compile(p.pattern.replace(date_vocab._MONTH, plain), p.flags), p)
             for p in (date_vocab.DATE_RE, date_vocab.VISIBLE_RE)]
    lines = []
    for name in date_vocab.MONTHS:
        for form in (name, name.upper() + ".", name + "x", name[:-1]):
            lines += [f"Updated: {form} 3, 2024 (3 {form} 2024)",
                      f"Reviewed by Jane Doe, MD — Written by John Roe on {form} 3rd, 2024",
                      f"Published 2024-03-14 · 5. {form}, 2020 · 03/04/21 · {form}mber 7, 1999"]
    for line in lines:
        for old, new in pairs:
            assert [(m.span(), m.groupdict()) for m in old.finditer(line)] == \
                [(m.span(), m.groupdict()) for m in new.finditer(line)], line


def test_a_region_map_of_another_tree_leaves_the_scan_to_the_tree():
    root = parse_html(_PLACES, "http://h.test/").root
    other = classify_regions(parse_html(_PLACES, "http://h.test/").root)
    assert walked_texts(root.find("body"), other) is None
    assert scan_page(root, regions=other).texts == scan_page(root).texts
