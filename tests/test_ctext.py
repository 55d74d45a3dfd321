"""`_cwalk.text_join` (issue 16, session 14) against what it replaces,
sep.join(el.itertext()): every element of the generated site's pages and of
odd trees (comments, PIs, CDATA, entity references, long texts), the
declines, and text.visible_text with and without it."""

from __future__ import annotations


import pytest
from lxml import etree

from compiled import BENCH, compiled_or_skip, configured  # noqa: F401
from condition_archive.extract import measure as M
from condition_archive.extract import stages
from condition_archive.extract import text as T

_cwalk = compiled_or_skip("itertext runs")


def _same_as_itertext(root) -> int:
    checked = 0
    for el in root.iter(etree.Element):
        for sep in (" ", "", " | ", "\u00e9"):
            joined = _cwalk.text_join(el, sep)
            assert joined == sep.join(el.itertext()), (el.tag, sep)
            checked += 1
    return checked


_HTML = [
    "<div><p>a<!-- c -->b<?pi x?>c</p>t<b></b><i>\u00e9 \u2003x</i>\u00a0<br>y</div>",
    "<div>lead<a href=x><span>one</span><img alt=i>two<em>three</em></a>tail<p></p> </div>",
    "<div><script>var x = 1;</script><style>p{}</style>end<!--x-->" + "long \u00e9 " * 400 + "</div>",
    "<div>" + "<section>a" * 200 + "</section>" * 200 + "b</div>",
    "<p></p>",
    "<html><body>\n  <ul>\n <li><a>x</a></li>\n</ul>\n</body></html>",
]


@pytest.mark.parametrize("html", _HTML)
def test_text_join_is_itertext_on_html(html):
    assert _same_as_itertext(etree.fromstring(html, etree.HTMLParser())) > 0


def test_text_join_on_xml_cdata_and_entity_references():
    root = etree.fromstring("<r>a<![CDATA[b]]>c<x>d<![CDATA[e]]></x><![CDATA[f]]><!--g-->h<?p i?></r>",
                            etree.XMLParser(strip_cdata=False))
    _same_as_itertext(root)
    assert _cwalk.text_join(root, " ") == "abc de f h"  # a text run across CDATA is one piece
    ent = etree.fromstring('<!DOCTYPE r [<!ENTITY e "x">]><r>a&e;b<s>c</s></r>',
                           etree.XMLParser(resolve_entities=False))
    assert _cwalk.text_join(ent, " ") is None and _cwalk.text_join(ent.find("s"), " ") == "c"
    el = etree.Element("p")
    el.text, sub = "a", etree.SubElement(el, "b")
    sub.tail = "b"
    el.append(etree.Entity("amp"))
    assert _cwalk.text_join(el, " ") is None  # ("a b &amp;" by itertext: visible_text asks it)


def test_text_join_declines_what_is_not_a_live_element():
    assert _cwalk.text_join("p", " ") is None
    assert _cwalk.text_join(etree.Comment("c"), " ") is None
    with pytest.raises(TypeError):
        _cwalk.text_join(etree.Element("p"), None)


def test_text_join_is_itertext_on_the_generated_site(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    site = Generator(layout_for(40)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        doc = stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
        assert _same_as_itertext(doc.root) > 100
        assert doc.regions.text_join is _cwalk.text_join


def test_visible_text_is_the_same_with_and_without_text_join(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    site = Generator(layout_for(30)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        doc = stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
        regions = doc.regions
        with_c = [T.visible_text(el, regions) for el in doc.root.iter(etree.Element)]
        regions.texts.clear()
        regions.text_join = None
        assert [T.visible_text(el, regions) for el in doc.root.iter(etree.Element)] == with_c
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    assert stages.parse_stage("<p>x</p>", "http://example.org/").regions.text_join is None


def test_text_join_keeps_no_memory_and_no_reference():
    from leakcheck import assert_no_leak

    root = etree.fromstring(_HTML[2], etree.HTMLParser())
    small = root.find(".//style")

    def calls(times: int) -> None:
        for _ in range(times):
            _cwalk.text_join(root, " ")  # past the 1 KB buffer
            _cwalk.text_join(small, "")

    assert_no_leak(calls, (None, root, small), 3000, "6,000 calls")


def test_joined_text_is_itertext_compiled_or_not(monkeypatch):
    from condition_archive.extract.center import _has_text

    for html in _HTML:
        root = etree.fromstring(html, etree.HTMLParser())
        for pure in ("", "1"):
            monkeypatch.setenv(M.PURE_PYTHON_ENV, pure)
            for el in root.iter(etree.Element):
                assert T.joined_text(el) == "".join(el.itertext())
                assert T.joined_text(el, " ") == " ".join(el.itertext())
                assert _has_text(el) is any(t.strip() for t in el.itertext())
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    monkeypatch.setattr(_cwalk, "text_join", None)  # (not asked when the variable is set)
    assert T.joined_text(etree.fromstring("<p>a<b>b</b></p>"), "-") == "a-b"


def _collected(el, hidden) -> str:
    parts: list = []
    T._collect_text(el, parts, hidden.__contains__)
    return " ".join(parts)


_MIXED = [
    "<div>a<span hidden>h<b>x</b></span>tail<script>s</script>after<style>p{}</style>"
    "<select><option>o</option></select>z<!-- c -->w<?pi q?>v<p class=sr-only>gone</p>end</div>",
    "<div><p>one<span>two</span><i style='display:none'>three</i>four</p>  <br>\u00e9<svg><text>t</text></svg>x</div>",
    "<div><div><div hidden>deep</div>t1</div>t2<noscript>n</noscript></div>",
]


@pytest.mark.parametrize("html", _MIXED)
def test_text_join_with_hidden_is_collect_text(html):
    root = etree.fromstring(html, etree.HTMLParser())
    elements = list(root.iter(etree.Element))
    for hidden in (set(), {el for el in elements if el.get("hidden") is not None or el.get("style")},
                   frozenset(elements[1::3])):
        for el in elements:
            assert _cwalk.text_join(el, " ", hidden) == _collected(el, hidden), (el.tag, html)


def test_text_join_with_hidden_on_entity_references_and_empty_text():
    ent = etree.fromstring('<!DOCTYPE r [<!ENTITY e "x">]><r>a&e;b<s>c&e;</s>&e;<script>s</script></r>',
                           etree.XMLParser(resolve_entities=False))
    for el in ent.iter(etree.Element):
        assert _cwalk.text_join(el, " ", set()) == _collected(el, set())
    el = etree.fromstring("<p>x<b/>y</p>")
    el.text, el[0].tail = "", ""  # (lxml keeps no empty text node: the same either way)
    assert _cwalk.text_join(el, " ", set()) == _collected(el, set()) == ""
    assert _cwalk.text_join(el, " ", [el]) is None  # not a set: markers.is_hidden's callers


def test_text_join_with_hidden_on_the_generated_site(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    site = Generator(layout_for(40)).render_all("http://127.0.0.1:8780")
    mixed = 0
    for path, page in site.items():
        doc = stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
        hidden = doc.regions.hidden
        for el in doc.root.iter(etree.Element):
            assert _cwalk.text_join(el, " ", hidden) == _collected(el, hidden)
            mixed += el not in doc.regions.plain
    assert mixed > 100


def _inline_py(el, hidden) -> str:
    parts: list = []
    T._inline_text(el, parts, hidden.__contains__, top=True)
    return "".join(parts)


_INLINE = _MIXED + [
    "<div><p>Updated <b>March <i>3</i></b>, 2024<br>by <a href=x>Ann</a><span hidden>x</span>"
    "<div>nested block</div>after<script>s</script>t<!-- c -->u<?pi p?>v</p></div>",
    "<div><br>text in br?<br/>x<span><br>y</span><time datetime=2020>Jan 1</time>z</div>",
    "<p>" + "<span>a" * 300 + "</span>" * 300 + "</p>",  # deeper than the C reads: Python's
]


@pytest.mark.parametrize("html", _INLINE)
def test_inline_text_is_inline_text_in_python(html):
    root = etree.fromstring(html, etree.HTMLParser())
    elements = list(root.iter(etree.Element))
    for hidden in (set(), {el for el in elements if el.get("hidden") is not None}, set(elements[2::3])):
        for el in elements:
            c = _cwalk.inline_text(el, hidden, T.INLINE_TAGS, T.SKIP_TAGS)
            assert c is None or c == _inline_py(el, hidden), el.tag
    if html.startswith("<p><span>"):  # 300 inline levels: past the C's 200
        assert _cwalk.inline_text(root.find(".//p"), set(), T.INLINE_TAGS, T.SKIP_TAGS) is None


def test_inline_text_on_entity_references_and_declines():
    ent = etree.fromstring('<!DOCTYPE r [<!ENTITY e "x">]><r>a&e;b<b>c&e;</b>&e;<br/>d</r>',
                           etree.XMLParser(resolve_entities=False))
    for el in ent.iter(etree.Element):
        assert _cwalk.inline_text(el, set(), T.INLINE_TAGS, T.SKIP_TAGS) == _inline_py(el, set())
    p = etree.fromstring("<p>x</p>")
    assert _cwalk.inline_text(p, [p], T.INLINE_TAGS, T.SKIP_TAGS) is None  # not a set
    assert _cwalk.inline_text(p, set(), set(T.INLINE_TAGS), T.SKIP_TAGS) is None
    assert _cwalk.inline_text("p", set(), T.INLINE_TAGS, T.SKIP_TAGS) is None


def test_own_lines_on_the_generated_site_with_and_without_inline_text(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    site = Generator(layout_for(30)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        doc = stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
        elements = list(doc.root.iter(etree.Element))
        for el in elements:
            assert _cwalk.inline_text(el, doc.regions.hidden, T.INLINE_TAGS, T.SKIP_TAGS) == \
                _inline_py(el, doc.regions.hidden)
        with_c = [T.own_lines(el, doc.regions) for el in elements]
        monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
        assert [T.own_lines(el, doc.regions) for el in elements] == with_c
        monkeypatch.delenv(M.PURE_PYTHON_ENV)


def test_inline_text_keeps_no_memory_and_no_reference():
    from leakcheck import assert_no_leak

    root = etree.fromstring(_INLINE[0], etree.HTMLParser())
    big = etree.fromstring(_HTML[2], etree.HTMLParser())
    hidden = {root.find(".//span")}

    def calls(times: int) -> None:
        for _ in range(times):
            _cwalk.inline_text(root, hidden, T.INLINE_TAGS, T.SKIP_TAGS)
            _cwalk.inline_text(big, set(), T.INLINE_TAGS, T.SKIP_TAGS)  # past the 1 KB buffer

    assert_no_leak(calls, (None, root, big, *hidden), 3000, "6,000 calls")
