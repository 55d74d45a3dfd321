"""Issue 16's second round of worker speed changes give the answers of the forms
they replaced: the region walk's attribute reads, parse_html's skipped
control-character pass (both shared sets were also compared field by field
before and after: bench/extract_snapshot.py)."""

from __future__ import annotations

import pytest
from lxml import etree

from condition_archive.extract.dates import _ITEMPROP
from condition_archive.extract.mainbox import _MAIN_LANDMARK
from condition_archive.extract.markers import is_hidden, own_marker
from condition_archive.extract.measure import DROP_TAGS, SPECIAL_ATTRS, measure
from condition_archive.extract.parse import _BAD_BYTES, _BAD_CHARS, decode_html, parse_html
from condition_archive.sample_site.site import build_site

_ATTRIBUTES_PAGE = (
    '<html><head><title>t</title><style>.x{}</style></head><body class="b" id="x">'
    '<div style="display:none"><p>gone</p></div><div role="navigation" class="content">'
    '<a href="/a">a</a></div><span itemprop="articleBody">s</span><p hidden>h</p>'
    '<i aria-hidden="true" class="c">x</i><nav data-testid="article-body"><p>n</p></nav>'
    '<div class="sidebar" id="main-content"><p>side</p></div><form class="hidden">f</form>'
    '<script class="ads">s</script><!-- c --><p id="">e</p><p class="">p</p><main role="main"><div role="main" itemprop="text">'
    '<time itemprop="datePublished" datetime="2024-01-02">x</time></div></main><div role="Main"></div>'
    '<main></main><p class="first" class="second" id="a" id="b" role="main" role="nav">d</p></body></html>')

# The XPath the walk's attribute reads replaced: the elements with any of SPECIAL_ATTRS.
SPECIAL = etree.XPath("(//@hidden | //@aria-hidden | //@style | //@role | //@itemprop "
                      "| //@data-testid | //@data-component)/..")


def _roots():
    yield parse_html(_ATTRIBUTES_PAGE, "http://h.test/").root
    for version in ("2012", "2025"):
        for res in build_site(version).values():
            if res.status == 200 and b"<html" in res.body.lower():
                root = parse_html(res.body, "http://sample.test/").root
                if root is not None:
                    yield root


def test_the_walk_reads_attributes_as_the_xpath_and_the_markers_do():
    for root in _roots():
        elements = list(root.iter(etree.Element))
        facts = measure(elements)
        # The elements whose names meet SPECIAL_ATTRS are the XPath's.
        assert {el for el in elements if not SPECIAL_ATTRS.isdisjoint(el.keys())} == set(SPECIAL(root))
        assert facts.named == {el: (el.get("class"), el.get("id")) for el in reversed(elements)
                               if el.get("class") is not None or el.get("id") is not None}
        assert list(facts.named) == [el for el in reversed(elements) if el in facts.named]
        assert facts.hidden == {el for el in elements if is_hidden(el)}
        assert facts.landmarks == _MAIN_LANDMARK(root)
        assert facts.itemprops == _ITEMPROP(root)
        for el, mark in facts.marks.items():
            assert el.tag not in DROP_TAGS and mark == own_marker(el)


@pytest.mark.parametrize("data, content_type", [
    (b"<html><body><p>a\x01b\x1fc\x0bd\te</p></body></html>", "text/html; charset=utf-8"),
    (b"<html><body><p>a\x01b \xe9\x93c</p></body></html>", "text/html; charset=windows-1252"),
    (b"<html><body><p>a\x01b \xe9\xff\x02c</p></body></html>", "text/html; charset=utf-8"),  # cp1252 fallback
    # UTF-7 turns ASCII bytes into control characters: the regex pass still runs.
    (b"<html><body><p>a+AAE-b</p></body></html>", "text/html; charset=utf-7"),
])
def test_control_characters_are_removed_whatever_the_bytes(data, content_type):
    parsed = parse_html(data, "http://h.test/", content_type)
    text = parsed.root.findtext(".//p")
    assert text and not _BAD_CHARS.search(text)
    assert "a" in text and "b" in text


def test_the_byte_check_finds_exactly_the_regex_characters():
    for value in range(256):
        flagged = bytes([value]).translate(_BAD_BYTES).find(0) >= 0
        assert flagged == (value < 0x80 and bool(_BAD_CHARS.search(chr(value))))


def test_clean_bytes_parse_as_their_text_does():
    for version in ("2012", "2025"):
        for res in list(build_site(version).values())[:40]:
            if res.status != 200 or b"<html" not in res.body.lower():
                continue
            from_bytes = parse_html(res.body, "http://sample.test/", "text/html; charset=utf-8")
            text, _ = decode_html(res.body, "text/html; charset=utf-8")
            from_text = parse_html(_BAD_CHARS.sub("", text), "http://sample.test/")
            assert etree.tostring(from_bytes.root) == etree.tostring(from_text.root)


def _scan_texts_directly(root) -> list:
    """scan_page's text list as it was computed before the per-text memo."""
    from condition_archive.extract.meta import INVISIBLE_TAGS, LEAD_LABELS, SCAN_MAX_CHARS, TEXT_PREFILTER

    body, texts = root.find("body"), []
    for node in body.iter():
        for text, owner, ok in ((node.text, node, isinstance(node.tag, str) and node.tag not in INVISIBLE_TAGS),
                                (node.tail, node.getparent(), node is not body)):
            if text and len(text) < SCAN_MAX_CHARS and not text.isspace() and ok:
                low = text.lower()
                if TEXT_PREFILTER.search(low) or low.lstrip().startswith(LEAD_LABELS):
                    texts.append((owner, text))
    return texts


def test_the_scan_memo_gives_the_direct_verdicts(monkeypatch):
    from condition_archive.extract import meta
    from condition_archive.extract.boilerplate import classify_regions

    monkeypatch.setattr(meta, "_WORTH_A_LOOK_MAX", 50)  # emptied on the way, as in a long crawl
    for _ in range(2):  # the second pass meets every text again
        for root in _roots():
            assert list(meta.scan_page(root, regions=classify_regions(root)).texts) == _scan_texts_directly(root)
            assert len(meta._WORTH_A_LOOK) <= 50


def test_new_link_is_the_dataclass_link():
    import pickle

    from condition_archive.extract.model import Link, PageExtract, new_link

    made, built = new_link("http://h.test/a", "A", "main", "S"), Link("http://h.test/a", "A", "main", "S")
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert list(made.__dict__) == list(built.__dict__)
    assert new_link("http://h.test/b", "B", "nav") == Link("http://h.test/b", "B", "nav")
    page = PageExtract(url="http://h.test/", links=(made,))
    assert pickle.loads(pickle.dumps(page)) == page
