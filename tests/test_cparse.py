"""The parse + regions stage's shortcuts of issue 16, session 13, against their
references: `_cwalk.clean_len` against boilerplate._clean_len_py (every call of
the generated site's classification, odd trees, the fallbacks), `_cwalk.find_control`
against the translation it replaces, and UTF-8 pages parsed from their bytes
against the same pages parsed from their decoded text."""

from __future__ import annotations


import pytest
from lxml import etree

from compiled import BENCH, compiled_or_skip, configured  # noqa: F401
from condition_archive.extract import boilerplate as B
from condition_archive.extract import mainbox
from condition_archive.extract import measure as M
from condition_archive.extract import parse as P
from condition_archive.extract import stages

_cwalk = compiled_or_skip("the Python loops run")


def _both(elements, text_len, marks, best):
    assert M.compiled_helper("clean_len") is _cwalk.clean_len
    return _cwalk.clean_len(elements, text_len, marks, best), B._clean_len_py(elements, text_len, marks, best)


def _same(c, py) -> None:
    assert c is not None, "the C loop declined"
    assert [(id(k), v) for k, v in c.items()] == [(id(k), v) for k, v in py.items()]


def test_clean_len_is_the_python_loop_on_the_generated_site(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    calls = []

    def both(elements, text_len, marks, best):
        c, py = _both(elements, text_len, marks, best)
        _same(c, py)
        calls.append(len(c))
        return py

    monkeypatch.setattr(B, "_clean_len", both)
    site = Generator(layout_for(150)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
    assert len(calls) >= len(site) and min(calls) >= 3


def _tree(html: str):
    root = etree.fromstring(html, etree.HTMLParser())
    return root, list(root.iter(etree.Element))


_ODD = ("<html><body><div><!-- c --><p>a</p><?pi x?><nav><p>b</p><div><p>c</p></div></nav>"
        "<aside><main><p>d</p></main></aside><form><p>e</p></form><p>f</p></div></body></html>")


@pytest.mark.parametrize("claims", [
    {}, {"nav": "nav"}, {"nav": "nav", "aside": "sidebar", "main": "main"},
    {"div": "footer"}, {"nav": "", "form": "ad"}, {"body": "main", "p": "related"},
])
@pytest.mark.parametrize("lengths", ["all", "zeros", "none for comments"])
def test_clean_len_on_odd_trees(claims, lengths):
    root, elements = _tree(_ODD)
    text_len = {el: (i * 7) % 13 + (0 if lengths == "zeros" and i % 3 == 0 else 1)
                for i, el in enumerate(elements)}
    marks = {el: claims[el.tag] for el in elements if el.tag in claims}
    for best in elements:
        _same(*_both(elements, text_len, marks, best))


def test_clean_len_falls_back_where_only_python_reads_it():
    root, elements = _tree(_ODD)
    text_len = dict.fromkeys(elements, 3)
    nav = root.find(".//nav")
    assert _cwalk.clean_len(elements, text_len, {nav: ("nav",)}, nav) is None  # not a str
    assert _cwalk.clean_len(elements, {**text_len, nav: 3.0}, {}, nav) is None  # not an int
    assert _cwalk.clean_len(elements, {**text_len, nav: 1 << 70}, {}, nav) is None
    missing = dict(text_len)
    del missing[nav]
    assert _cwalk.clean_len(elements, missing, {}, nav) is None  # Python's KeyError
    assert _cwalk.clean_len(elements[3:], text_len, {}, nav) is None  # an ancestor unseen
    assert _cwalk.clean_len(elements + elements[:1], text_len, {}, nav) is None  # listed twice
    # A child outside `elements` is read from text_len by its proxy, as Python does.
    _same(*_both(elements[:1] + elements[2:], text_len, {}, elements[0]))  # <body> left out
    # And boilerplate._clean_len gives the Python answer whenever C declines.
    assert B._clean_len(elements, {**text_len, nav: 3.0}, {}, nav) == \
        B._clean_len_py(elements, {**text_len, nav: 3.0}, {}, nav)


def test_the_environment_variable_turns_the_compiled_helpers_off(monkeypatch):
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    assert M.compiled_helper("clean_len") is None and M.compiled_helper("text_count") is None and P._compiled_find_control() is not None
    assert P.has_control_bytes(b"a\x01") and not P.has_control_bytes(b"a\t\n\r b")


_FILL = b"ab\n\t\r \xc3\xa9\x7f\x80"


@pytest.mark.parametrize("value", range(256))
def test_find_control_finds_what_the_translation_finds(value):
    for size in (1, 7, 8, 9, 16, 17, 40):
        for at in {0, size // 2, size - 1}:
            data = bytearray(_FILL[i % len(_FILL)] for i in range(size))
            data[at] = value
            data = bytes(data)
            assert _cwalk.find_control(data) == data.translate(P._BAD_BYTES).find(0)
    assert _cwalk.find_control(memoryview(b"xx\x00")) == 2 and _cwalk.find_control(b"") == -1


_UTF8_PAGES = [
    "<html><head><meta charset=iso-8859-1><title>Café – naïve</title></head><body><p>é “q” €</p></body></html>",
    "<!DOCTYPE html><html><body><p>ascii only</p></body></html>",
    "<html><body><p>\U0001f600 ＷＩＤＥ \u2028 \ufeff inner BOM</p><!-- é --></body></html>",
    "  <?xml version='1.0' encoding='latin-1'?><html><body><p>décl</p></body></html>",
    "<html><body><p>cr\r\nlf\ttab</p><script>var s = 'é</p>';</script></body></html>",
]


@pytest.mark.parametrize("html", _UTF8_PAGES)
def test_utf8_bytes_parse_to_the_tree_of_their_text(html):
    data = html.encode("utf-8")
    parsed = P.parse_html(data, "http://example.org/a", "text/html; charset=utf-8")
    by_text = P._parse_text(data.decode("utf-8"), "http://example.org/a", "utf-8", clean=True)
    assert (parsed.problem, parsed.encoding) == (by_text.problem, by_text.encoding)
    assert etree.tostring(parsed.root, encoding="unicode") == etree.tostring(by_text.root, encoding="unicode")
    assert parsed.root.getroottree().docinfo.URL == by_text.root.getroottree().docinfo.URL


def test_utf8_bytes_are_parsed_as_bytes_only_when_clean(monkeypatch):
    seen = []
    real = P._parse_text

    def spy(text, url, encoding, clean=False, utf8=None):
        seen.append(utf8 is not None)
        return real(text, url, encoding, clean, utf8)

    monkeypatch.setattr(P, "_parse_text", spy)
    P.parse_html("<p>é</p>".encode(), "", "text/html; charset=utf-8")
    P.parse_html(b"\xef\xbb\xbf<p>bom</p>", "", "text/html; charset=utf-8")
    P.parse_html("<p>é</p>".encode("cp1252"), "", "text/html; charset=windows-1252")
    P.parse_html(b"<p>\x01 control</p>", "", "text/html; charset=utf-8")
    assert seen == [True, False, False, False]


def test_clean_len_keeps_no_memory_and_no_reference():
    from leakcheck import assert_no_leak

    root, elements = _tree(_ODD)
    text_len = {el: 100_000 + i for i, el in enumerate(elements)}  # not the cached small ints
    marks = {root.find(".//nav"): "nav"}
    best = root.find(".//main/p")

    def calls(times: int) -> None:
        for _ in range(times):
            _cwalk.clean_len(elements, text_len, marks, best)
            _cwalk.clean_len(elements, {**text_len, best: 1.5}, marks, best)  # declined

    assert_no_leak(calls, (None, *elements, *text_len.values()), 3000, "6,000 calls")


_TEXTS = ["<div><p>a,<!--x,y-->b,<b>c,<script>s,</script></b>d<?pi q,?>e,</p>t,</div>",
          "<div><p>,,</p>, tail,<br>,<span><i>é,“,”</i>,</span>,<![CDATA[x,]]></div>",
          "<div>" + "<section>,a" * 300 + "</section>" * 300 + ",</div>"]


@pytest.mark.parametrize("html", _TEXTS)
def test_text_count_is_itertexts(html):
    root = etree.fromstring(html, etree.HTMLParser())
    for el in root.iter(etree.Element):
        for ch in ",a;é":
            want = "".join(el.itertext()).count(ch)
            got = _cwalk.text_count(el, ord(ch)) if ord(ch) < 0x80 else None
            assert got in (want, None) and (got is not None or ord(ch) >= 0x80)
            assert B._block_score(el, 10, _cwalk.text_count) == B._block_score(el, 10)


def test_text_count_on_xml_cdata_and_entity_references():
    root = etree.fromstring("<!DOCTYPE r [<!ENTITY e 'x,y,z'>]><r><p>a, <![CDATA[b,]]> &e; c,</p>"
                            "<!--,-->d,</r>", etree.XMLParser(strip_cdata=False, resolve_entities=False))
    for el in root.iter(etree.Element):
        # itertext() gives an entity reference's "&e;" itself: the C declines those trees
        refs = any(isinstance(n, etree._Entity) for n in el.iter())
        assert _cwalk.text_count(el, 44) == (None if refs else "".join(el.itertext()).count(","))
    assert _cwalk.text_count(root, 0) is None  # not an ASCII character
    p = etree.fromstring("<p>a; b</p>", etree.HTMLParser()).find(".//p")
    p.append(etree.Entity("amp"))
    p[-1].tail = "x;"
    assert "".join(p.itertext()).count(";") == 3 and _cwalk.text_count(p, ord(";")) is None
    assert B._block_score(p, 10, _cwalk.text_count) == B._block_score(p, 10)
    assert _cwalk.text_count(etree.Comment("a,b"), 44) is None


def _add_up_py(mass, items, self_too):
    for el, n in items:
        node = el if self_too else el.getparent()
        while node is not None:
            mass[node] = mass.get(node, 0) + n
            node = node.getparent()


def test_add_up_is_the_python_loop(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    calls = []
    real = B._add_up

    def both(mass, items, self_too):
        py = dict(mass)
        _add_up_py(py, items, self_too)
        assert _cwalk.add_up(mass, items, self_too) is True
        assert [(id(k), v) for k, v in mass.items()] == [(id(k), v) for k, v in py.items()]
        calls.append(len(items))

    monkeypatch.setattr(mainbox, "_add_up", both)  # its callers live there
    site = Generator(layout_for(150)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
    assert len(calls) >= 2 * len(site) and sum(calls) > 10 * len(site)
    root, elements = _tree(_ODD)
    for self_too in (False, True):
        items = [(el, i) for i, el in enumerate(elements)] + [(elements[-1], 1 << 80)]
        py, c = {}, {}
        _add_up_py(py, items, self_too)
        real(c, items, self_too)
        assert list(c.items()) == list(py.items())


def test_add_up_declines_what_only_the_python_loop_reads():
    root, elements = _tree(_ODD)
    p = elements[3]
    for items in ([(p, 1.5)], [(p,)], [(etree.Comment("c"), 1)], [[p, 1]], [(etree.Element("p"), 1), (p, 2)]):
        mass = {p: 7}
        assert _cwalk.add_up(mass, list(items), True) in (None, True)
    mass = {}
    assert _cwalk.add_up(mass, [(p, 1.5)], False) is None and mass == {}  # untouched
    detached = etree.SubElement(etree.Element("div"), "p")  # its parent has no live proxy
    mass = {}
    assert _cwalk.add_up(mass, [(p, 1), (detached, 1)], True) is None and mass == {}
    B._add_up(mass, [(p, 1), (detached, 1)], True)  # the Python loop then runs
    assert mass[p] == 1 and mass[root] == 1 and len(mass) == 6


@pytest.mark.parametrize("values", ["small", "zeros and negatives", "repeats", "big"])
@pytest.mark.parametrize("self_too", [False, True])
def test_add_up_sums_in_c_as_the_python_loop_adds(values, self_too):
    """Into an empty mass add_up sums per ancestor in C and stores each once
    (session 15): the same keys in the same order with the same ints as the
    loop; into a non-empty mass, or with ints past 2**40, it adds step by step."""
    root, elements = _tree(_ODD)
    items = {"small": [(el, i + 1) for i, el in enumerate(elements)],
             "zeros and negatives": [(el, (-1) ** i * (i % 3)) for i, el in enumerate(elements)],
             "repeats": [(elements[i % 4 + 3], 10 * i) for i in range(20)],
             "big": [(elements[5], 1 << 39), (elements[5], 1 << 39), (elements[6], (1 << 40) + 1)]}[values]
    for start in ({}, {root: 5, elements[3]: -2}):
        py, c = dict(start), dict(start)
        _add_up_py(py, items, self_too)
        assert _cwalk.add_up(c, items, self_too) is True
        assert [(id(k), type(v), v) for k, v in c.items()] == [(id(k), type(v), v) for k, v in py.items()]


def test_add_up_and_mixed_up_keep_no_memory_and_no_reference():
    from leakcheck import assert_no_leak

    root, elements = _tree(_ODD)
    items = [(el, 100_000 + i) for i, el in enumerate(elements)]
    detached = etree.SubElement(etree.Element("div"), "p")

    def calls(times: int) -> None:
        for _ in range(times):
            _cwalk.add_up({}, items, True)
            _cwalk.add_up({root: 1}, items, False)
            _cwalk.add_up({}, [*items, (detached, 1)], True)  # declined
            _cwalk.mixed_up(elements[3:])
            _cwalk.mixed_up([elements[4], detached])  # declined

    assert_no_leak(calls, (None, True, *elements, *(n for _, n in items)), 2000, "10,000 calls")


def test_mixed_up_is_the_python_loop(monkeypatch):
    """measure._mixed by the C extension: the same set as _mixed_py on every page
    of the generated site (each page's walk's unseen elements) and odd lists."""
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    seen = []
    real = M._mixed

    def both(unseen):
        c = _cwalk.mixed_up(unseen)
        assert c is not None and c == M._mixed_py(unseen)
        seen.append(len(c))
        return real(unseen)

    monkeypatch.setattr(M, "_mixed", both)
    site = Generator(layout_for(60)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
    assert len(seen) == len(site) and min(seen) > 5
    root, elements = _tree(_ODD)
    for unseen in ([], [root], elements[::-1], [elements[-1], elements[-1], elements[2]]):
        assert _cwalk.mixed_up(list(unseen)) == M._mixed_py(list(unseen))


def test_mixed_up_declines_what_only_the_python_loop_reads():
    root, elements = _tree(_ODD)
    detached = etree.SubElement(etree.Element("div"), "p")  # its parent has no live proxy
    for unseen in ([detached], [elements[3], "p"]):
        assert _cwalk.mixed_up(unseen) is None
    assert _cwalk.mixed_up(tuple(elements)) is None  # not a list
    comment = [elements[3], etree.Comment("c")]  # a node lxml gives a proxy: read alike
    assert _cwalk.mixed_up(comment) == M._mixed_py(comment)
    assert M._mixed([elements[3], detached]) == M._mixed_py([elements[3], detached])


def test_the_special_memo_answers_what_is_hidden_and_own_marker_answer(monkeypatch):
    """measure._SPECIAL is keyed by tag and every attribute: an element whose
    attributes differ in any way gets its own answer (both walks share the
    memo, so test_cwalk.py alone would not see a key too narrow)."""
    from condition_archive.extract.markers import is_hidden, own_marker

    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    pages = [page.body for page in Generator(layout_for(40)).render_all("http://x").values()]
    odd = "".join(f"<{tag} {attrs}>t</{tag}>" for tag in ("div", "nav", "script", "span")
                  for attrs in ("role=navigation", "role=main", "role=navigation style='display:none'",
                                "hidden", "hidden class=a", "aria-hidden=true", "aria-hidden=false",
                                "itemprop=author class=byline", "data-testid=byline", "data-component=ad",
                                "style='display: none' id=x", "role=navigation id=menu"))
    for html in [*pages, f"<html><body>{odd}</body></html>"]:
        root = P.parse_html(html, "http://x/").root
        for el in root.iter(etree.Element):
            if M.SPECIAL_ATTRS.isdisjoint(el.attrib):
                continue
            hides = is_hidden(el)
            assert M._special(el, el.tag) == (hides, None if hides else own_marker(el)), etree.tostring(el)[:80]


@pytest.mark.parametrize("pure", ["", "1"])
def test_the_special_memo_keeps_no_long_attribute_value(monkeypatch, pure):
    """Its key holds every attribute value: a page's data: URLs must not stay
    alive in it after the page (a reviewer measured 100 MB for five pages)."""
    from condition_archive.extract.boilerplate import classify_regions

    monkeypatch.setenv(M.PURE_PYTHON_ENV, pure)  # both walks fill the memo
    big = "data:image/png;base64," + "A" * 100_000
    html = "<html><body>" + "".join(f"<img style='width:{i}px' src='{big}{i}'>" for i in range(20)) + \
        "<nav role=navigation>n</nav></body></html>"
    root = P.parse_html(html, "http://x/").root
    M._SPECIAL.clear()
    classify_regions(root)
    assert sum(len(v) for key in M._SPECIAL for v in key) < 20 * 1024
    assert any("role" in key for key in M._SPECIAL)  # short keys still kept
    assert M._special(root.find(".//img"), "img") == (False, None)


def test_resolve_links_reads_the_walks_hrefs_only_for_its_own_tree():
    from condition_archive.extract.boilerplate import classify_regions
    from condition_archive.extract.links import resolve_links

    html = ("<html><body><a href='/a'>a</a><a>none</a><a href=''>empty</a><a href='#x'>x</a>"
            "<svg><a href='/svg'>s</a></svg><a href='/b' href='/c'>twice</a></body></html>")
    root = P.parse_html(html, "http://example.org/p").root
    regions = classify_regions(root)
    assert list(regions.hrefs.values()) == [a.get("href") for a in reversed(list(root.iter("a")))
                                            if a.get("href") is not None]
    by_walk = resolve_links(root, "http://example.org/p", regions)
    assert by_walk == resolve_links(root, "http://example.org/p")  # no map: lxml's get
    other = P.parse_html(html.replace("/a'", "/z'"), "http://example.org/p").root
    assert list(resolve_links(other, "http://example.org/p", regions).values())[0] == "http://example.org/z"
