"""Issue 16, session 15 (ext5b): the date, people and center fast paths give the
answers of the code they replaced (the shared sets and the generated site were
also compared page by page before and after: bench/extract_snapshot.py diff).
The replaced code is kept here, as the reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from condition_archive.extract import center, dates, foreign, meta, people
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.date_parse import DayOrder, parse_machine_date
from condition_archive.extract.date_vocab import REVIEW_DUE_RE, VETO_RE
from condition_archive.extract.parse import parse_html
from test_extract_fast_paths import _tricky_and_sample_roots

_ORDERS = (None, True, False, DayOrder(lang_day_first=True), DayOrder(machine_days=frozenset({"2024-04-03"})))


def test_a_remembered_machine_date_does_not_pin_the_day_order():
    # The same numeric text read under each order in turn: the memo must not
    # hand the first reading to the second.
    for _ in range(2):
        assert parse_machine_date("03/04/2024", DayOrder(setting=True)) == "2024-04-03"
        assert parse_machine_date("03/04/2024", DayOrder(setting=False)) == "2024-03-04"
        assert parse_machine_date("03/04/2024", DayOrder(machine_days=frozenset({"2024-04-03"}))) == "2024-04-03"
    assert parse_machine_date(" 2024-03-14T09:30:00-05:00 ") == "2024-03-14T09:30:00-05:00"
    assert parse_machine_date("March 3, 2024", True) == "2024-03-03"


_LINE_WORDS = st.sampled_from(["Updated", "due", "Due for", "review due", "Published on", "Reviewed by Dr. X", "March", "3,", "2024", "12/05/2024",
                               "05.12.2024", "Date:", "Next review due", "©", "2024-03-01", "Stand:", "12.", "Mai",
                               "by", "—", "Copyright", "(c)", "expires", "Scheduled", "NEXT", "/", "-", "4"])


@given(st.lists(_LINE_WORDS, max_size=9).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_remembered_date_lines_read_as_the_line_reader_in_every_order(line):
    for order in (*_ORDERS, *_ORDERS):  # twice: the second pass reads the memo
        assert list(dates._line_dates(line, order)) == dates._line_candidates(line, order)


@given(st.lists(_LINE_WORDS, max_size=6).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_the_veto_word_test_agrees_with_the_veto_regexes(text):
    for variant in (text, text.upper(), text + " :", text.replace(" ", "  ")):
        assert dates._vetoed(variant) == bool(VETO_RE.search(variant) or REVIEW_DUE_RE.search(variant))


_BEFORE_WORDS = st.sampled_from(["Medically", "reviewed", "by", "Reviewer:", "Jane Doe,", "MD", "and", "relu",
                                 "par", "Révisé", "révisé", "revisado por", "revisione medica di", "REVIEWERS",
                                 "Geprüft von", "GEPRÜFT VON", "Written", "|", " ", "-"])


@given(st.lists(_BEFORE_WORDS, max_size=7).map(" ".join))
@settings(max_examples=400, deadline=None)
def test_the_reviewer_word_test_agrees_with_its_regex(text):
    for variant in (text, text.upper(), text.lower(), text + " "):
        assert people._reviewer_before(variant) == bool(people.REVIEWER_BEFORE.search(variant))


def test_the_remembered_time_label_is_the_label_search():
    for before in ("Published", "Published March 14, 2024 | Updated", "", "x" * 40, "Medically reviewed by X on",
                   "Written by Jane Doe on", "Zuletzt aktualisiert am", "posted:", "Next update due"):
        label = dates._LABEL_BEFORE.search(before)
        assert dates._labelled_field(before) == (dates.field_of_label(label.group(1)) if label else None)


def _heading_ancestry_before(body, headings) -> set:
    """center._heading_ancestry as it was: every heading's whole climb."""
    ancestry: set = set()
    for el in headings:
        if el not in ancestry and next(el.iterdescendants("a"), None) is None \
                and not any(a.tag == "a" for a in el.iterancestors()):
            ancestry.add(el)
            ancestry.update(el.iterancestors())
    return ancestry


def _section_headings_before(body, regions, cards, order, classed, headings) -> list:
    """center._section_headings as it was: a set of every card's elements."""
    inside_cards = set()
    for card in cards:
        inside_cards.update(card.iter())
    heads, taken = [], set()
    found = [*headings, *(el for el, toks in classed if not center.HEADING_TOKENS.isdisjoint(toks))]
    for el in sorted(set(found), key=order.__getitem__):
        if el in inside_cards or any(a in inside_cards or a in taken or a.tag == "a" for a in el.iterancestors()):
            continue
        text = center.visible_text(el, regions)
        if text:
            taken.add(el)
            heads.append((order[el], el, text if regions.region(el) in center.HEADING_REGIONS else None))
    return heads


# Headings in links, links in headings, headings in headings, a classed heading
# around an h2, and cards holding headings.
_HEADINGS = ('<html><body><h1>Page</h1><div class="section-title"><h2>Outer <a href="/x">x</a></h2></div>'
             '<a href="/card"><h3>Card title</h3></a><h2>Plain<h3>Nested</h3></h2>'
             '<section><h2 class="section-heading">Tips</h2><ul><li><a href="/a">A</a> text</li>'
             '<li><a href="/b">B</a> text</li></ul></section><div><h4>Deep</h4><a><h5>In a link</h5></a></div>'
             '<aside><h3>Related</h3><p><a href="/c">C</a></p></aside></body></html>')


def test_heading_ancestry_and_section_headings_are_the_full_climbs():
    for root in (parse_html(_HEADINGS, "http://h.test/").root, *_tricky_and_sample_roots()):
        regions = classify_regions(root)
        body = root.find("body")
        titles = list(body.iter(*center.TITLE_TAGS))
        ancestry = center._heading_ancestry(body, titles)
        assert ancestry == _heading_ancestry_before(body, titles)
        order = dict(zip(root.iter(), range(1_000_000)))
        classed = meta.scan_page(root, regions=regions).classed
        heads = [el for el in titles if el.tag in center.HEADING_TAGS]
        links = [a for a in body.iter("a") if a.get("href")]
        for cards in ({}, {a.getparent(): [a] for a in links}, {a: [a] for a in links[::2]}):
            expected = _section_headings_before(body, regions, cards, order, classed, heads)
            assert center._section_headings(body, regions, cards, order, classed, heads) == expected
            assert center._section_headings(body, regions, cards, order, classed, heads, ancestry) == expected


def _in_furniture_before(el, regions) -> bool:
    """foreign._in_furniture as it was (without the memo: the answer it stores)."""
    named = regions.named if regions.order is not None else None
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        if node.tag == "aside" or node in regions.hidden:
            return True
        pair = named.get(node) if named is not None else None
        if pair is not None:
            cls, ident = pair
            toks = foreign._class_tokens(cls or "", ident or "") if cls or ident else foreign._NO_TOKENS
        elif named is not None and node in regions.order:
            toks = foreign._NO_TOKENS
        else:
            toks = foreign.class_tokens(node)
        toks &= foreign.FOREIGN_TOKENS
        if toks and regions.relaxed:
            toks -= foreign.LAYOUT_TOKENS
        if toks and (not regions.wraps_main(node) or toks & foreign.CITING_TOKENS):
            return True
        node = node.getparent()
    return False


def _in_foreign_before(el, cards) -> bool:
    """is_foreign's climb through its `foreign` elements as it was (every element's, to <body>)."""
    node = el
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        if node in cards:
            return True
        node = node.getparent()
    return False


def test_is_foreign_answers_as_the_full_climbs_for_every_element():
    for root in _tricky_and_sample_roots():
        regions = classify_regions(root)
        elements = list(root.iter(etree.Element))
        body = root.find("body")
        # Cards, and sets that hold <body> or <html> (the climb stops below them).
        for cards in (frozenset(), frozenset(elements[len(elements) // 2:][:3]), frozenset({body, root})):
            regions.furniture.clear()
            for el in reversed(elements):  # leaves first: memo hits come from below too
                expected = regions.region(el) in foreign.FOREIGN_REGIONS or _in_foreign_before(el, cards) \
                    or _in_furniture_before(el, regions)
                assert foreign.is_foreign(el, regions, cards) == expected, (el.tag, el.get("class"))


def test_remembered_date_readings_do_not_pin_the_day_order():
    from condition_archive.extract.date_parse import _date_why, parse_date_why

    for _ in range(2):
        assert parse_date_why("Updated 03/04/2024", DayOrder(setting=True)) == ("2024-04-03", "day", "site setting: day first")
        assert parse_date_why("Updated 03/04/2024", False) == ("2024-03-04", "day", "no evidence: month first")
    for text in ("March 5, 2024", "5. März 2024", "Mai 2021", "", "2024-03-05", "no date", "13/04/2024"):
        for order in _ORDERS:
            assert parse_date_why(text, order) == _date_why(text, order)


def test_the_remembered_label_only_test_is_the_fullmatch():
    for text in ("Updated:", "  Published on : ", "Updated March 3", "Date", "", "Medically reviewed"):
        match = dates._LABEL_ONLY.fullmatch(text)
        assert dates._label_only(text) == (dates.norm(match.group(1)) if match else None)


def test_the_http_date_reading_is_remembered_per_value():
    raw = "Tue, 14 Jan 2025 12:00:00 GMT"
    for _ in range(2):
        assert dates.http_candidates({"Last-Modified": raw})[0].value == "2025-01-14T12:00:00+00:00"
    assert dates.http_candidates({"last-modified": "not a date"}) == []
    assert dates.http_candidates(None) == []


def test_block_lines_are_own_lines_read_once_per_page_scan():
    from dataclasses import replace

    from condition_archive.extract.text import own_lines

    for root in _tricky_and_sample_roots():
        regions = classify_regions(root)
        scan = meta.scan_page(root, regions=regions)
        with_cards = replace(scan, foreign=frozenset({root}))  # what the article stage reads
        assert with_cards.lines is scan.lines and with_cards == replace(scan, foreign=with_cards.foreign)
        for el in root.iter(etree.Element):
            lines = meta.block_lines(el, regions, scan)
            assert lines == own_lines(el, regions) == own_lines(el)
            assert meta.block_lines(el, regions, with_cards) is lines


def _signature_before(el) -> tuple:
    """center._signature as it was."""
    toks = tuple(sorted(t for t in (el.get("class") or "").split() if not center._stateful(t)))
    shape = toks or tuple(c.tag for c in el if isinstance(c.tag, str))
    return el.tag, shape, next(el.iterdescendants("img"), None) is not None or el.tag == "img"


def test_tokens_from_the_walk_and_card_signatures_are_the_attribute_reads():
    for root in (parse_html(_HEADINGS, "http://h.test/").root, *_tricky_and_sample_roots()):
        regions = classify_regions(root)
        other = classify_regions(parse_html(_HEADINGS, "http://h.test/").root)  # another tree's map
        for el in root.iter(etree.Element):
            assert meta.tokens_of(el, regions) == meta.tokens_of(el, other) == meta.tokens_of(el) \
                == meta.class_tokens(el)
            assert center._signature(el) == _signature_before(el)


def test_the_headline_date_reads_the_walks_element_list_as_the_tree():
    from dataclasses import replace

    from condition_archive.extract.date_fallback import headline_date_candidates

    dated = ('<html><head><title>A headline here</title></head><body><nav><a href="/x">x</a></nav>'
             '<h1>A headline here</h1><p>27.1.2022 - Bei der Sitzung</p><p>Text</p></body></html>')
    for root in (parse_html(dated, "http://h.test/").root, *_tricky_and_sample_roots()):
        regions = classify_regions(root)
        assert regions.tags is not None and regions.tags.root is root
        for order in _ORDERS:
            assert headline_date_candidates(root, regions, order) \
                == headline_date_candidates(root, replace(regions, tags=None), order)
    assert headline_date_candidates(parse_html(dated, "http://h.test/").root,
                                    classify_regions(parse_html(dated, "http://h.test/").root), None)


def test_a_time_without_a_class_needs_no_stylesheet_and_a_classed_one_is_hidden_by_it():
    html = ('<html><head><style>p{color:red} .updated:not(.published){display:none}</style></head><body>'
            '<h1>T</h1><p>Posted <time datetime="2024-03-05">March 5</time></p>'
            '<p><time class="updated" datetime="2024-06-01">June 1</time></p></body></html>')
    root = parse_html(html, "http://h.test/").root
    found = dates.time_candidates(root, classify_regions(root))
    assert [(c.field, c.value) for c in found] == [("published", "2024-03-05")]
