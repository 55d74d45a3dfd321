"""boilerplate._clean_len and RegionMap.region compiled (_cwalk.clean_len and
_cwalk.region in _cwalk_regions.c) against their references,
boilerplate._clean_len_py and _region: the same dict, in the same order (and
the same answers and memo), for every call the extraction makes on the shared
pages, the generated site, odd hand-made trees and trees hypothesis makes; the
Python code for what the C code does not read; and the Python code whenever
the environment variable asks for it."""

from __future__ import annotations

import functools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from condition_archive.extract import boilerplate as B
from condition_archive.extract import measure as M
from condition_archive.extract.parse import parse_html
from test_cwalk import _ODD_HTML, _TREES, SHARED, _elements, _html, _shared_pages, _xml, bench_path  # noqa: F401

try:
    from condition_archive.extract import _cwalk
except ImportError:
    if os.environ.get("CI"):  # CI has a compiler: a broken build must fail there
        raise
    pytest.skip("the C extension is not built (no compiler at install)", allow_module_level=True)


def assert_same_clean(elements: list, text_len: dict, marks: dict, where: str = "") -> dict:
    py = B._clean_len_py(elements, text_len, marks)
    c = _cwalk.clean_len(elements, text_len, marks)
    assert c is not None, f"the C loop declined {where}"
    assert list(py) == list(c) and all(a is b for a, b in zip(py, c)), f"keys differ {where}"
    assert list(py.values()) == list(c.values()), f"lengths differ {where}"
    assert all(type(v) is int for v in c.values())
    return c


def _same_items(a: dict, b: dict) -> bool:
    return len(a) == len(b) and all(k1 is k2 and v1 == v2 and type(v1) is type(v2)
                                    for (k1, v1), (k2, v2) in zip(a.items(), b.items()))


def _both_regions(calls: list):
    def both(memo, exempt, marks, el):
        py_memo = dict(memo)
        py = B._region(py_memo, exempt, marks, el)
        c = _cwalk.region(memo, exempt, marks, el)
        assert c == py and type(c) is type(py), f"region {c!r} != {py!r} of {el!r}"
        assert _same_items(py_memo, memo), f"memo differs after {el!r}"
        calls.append(el)
        return c
    return both


@pytest.fixture
def every_region(monkeypatch):
    """Check every region call of the extraction: both on the same memo."""
    calls: list = []
    assert B.compiled_region() is _cwalk.region
    monkeypatch.setattr(B, "compiled_region", lambda: _both_regions(calls))
    return calls


@pytest.fixture
def every_call(monkeypatch):
    """Check every _clean_len call of classify_regions, on the marks each pass
    of _choose_main really passes (vetoed, second-pass, thread, twins)."""
    calls = []

    def both(elements, text_len, marks):
        calls.append(len(elements))
        return assert_same_clean(elements, text_len, marks, f"call {len(calls)}")

    assert M.compiled_clean_len() is _cwalk.clean_len
    monkeypatch.setattr(B, "compiled_clean_len", lambda: both)
    return calls


def _classify(html, url: str = "http://example.org/a") -> None:
    parsed = parse_html(html, url)
    if parsed.root is not None:
        B.classify_regions(parsed.root)


def _extract(html, url: str) -> None:
    from condition_archive.extract import extract_page

    extract_page(html, url)


@pytest.mark.skipif(not (SHARED / "extraction-bench-2").is_dir(), reason="../shared not here")
def test_every_region_on_every_shared_page(bench_path, every_region):
    for _key, data, url in _shared_pages():
        _extract(data, url)
    assert len(every_region) > 50_000


def test_every_region_on_the_generated_site(bench_path, every_region):
    from gensite import Generator, layout_for

    site = Generator(layout_for(300)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        _extract(page.body, "http://127.0.0.1:8780" + path)
    assert len(every_region) > 10_000


@pytest.mark.skipif(not (SHARED / "extraction-bench-2").is_dir(), reason="../shared not here")
def test_every_call_on_every_shared_page(bench_path, every_call):
    for _key, data, url in _shared_pages():
        _classify(data, url)
    assert len(every_call) > 1100


def test_every_call_on_the_generated_site(bench_path, every_call):
    from gensite import Generator, layout_for

    site = Generator(layout_for(300)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        _classify(page.body, "http://127.0.0.1:8780" + path)
    assert len(every_call) > 250


def _facts(elements: list):
    return M.measure(elements, None)


@pytest.mark.parametrize("name", sorted(_ODD_HTML))
def test_odd_html_with_each_kind_of_claim(name):
    elements = _elements(_ODD_HTML[name])
    facts = _facts(elements)
    kinds = ({}, facts.marks, {el: "main" for el in elements}, {el: "nav" for el in elements[1::2]},
             {el: "" for el in elements}, {el: None for el in elements})
    for marks in kinds:
        assert_same_clean(elements, facts.text_len, marks, name)


def test_xml_trees_comments_entities_and_pis_as_children():
    cases = [
        _xml("<!DOCTYPE r [<!ENTITY e 'Posted'>]><r><p>x &e; y</p>&e; tail<s>ab</s></r>",
             resolve_entities=False),
        _xml("<r><?pi Updated?>by Ann<!--c-->Published<p class='byline'>x</p></r>"),
    ]
    for elements in cases:
        facts = _facts(elements)
        # A comment or PI proxy made and kept alive, even as a key: the same lookups.
        extra = next(elements[0].iter(etree.Comment, etree.PI, etree.Entity))
        text_len = {**facts.text_len, extra: 7}
        assert_same_clean(elements, text_len, facts.marks, str(extra))
        assert_same_clean(elements, text_len, {elements[1]: "footer"}, str(extra))


def test_what_the_c_loop_declines_runs_in_python():
    elements = _elements("<html><body><div><p>abc</p><p>de</p></div></body></html>")
    facts = _facts(elements)
    p = elements[-1]
    odd = [
        (elements, {**facts.text_len, p: 2.0}, {}),           # not an int
        (elements, {**facts.text_len, p: True}, {}),          # an int subclass
        (elements, {**facts.text_len, p: 1 << 70}, {}),       # past 64 bits
        (elements, {k: v for k, v in facts.text_len.items() if k is not p}, {}),  # KeyError
        (elements + [etree.Element("p")], facts.text_len, {}),  # not in text_len either
    ]
    for elements_, text_len, marks in odd:
        assert _cwalk.clean_len(elements_, text_len, marks) is None
    assert B._clean_len(*odd[0]) == B._clean_len_py(*odd[0])
    with pytest.raises(KeyError):
        B._clean_len(*odd[3])

    class Marks(dict):
        pass

    assert _cwalk.clean_len(elements, facts.text_len, Marks()) is None
    assert _cwalk.clean_len(elements + [p.getparent()], facts.text_len, {}) is not None


def test_ten_thousand_deep_and_negative_lengths():
    root = _elements("<html><body></body></html>")[0]
    node = root.find("body")
    for i in range(10_000):
        node = etree.SubElement(node, ("div", "p", "nav", "a")[i % 4])
        node.text = "word " * (i % 3)
    elements = list(root.iter(etree.Element))
    facts = _facts(elements)
    assert_same_clean(elements, facts.text_len, facts.marks, "10,000 deep")
    # Only ints are read: any value, even a negative one, subtracts as in Python.
    text_len = {el: (i % 7) - 3 for i, el in enumerate(elements)}
    assert_same_clean(elements, text_len, {elements[5]: "ad"}, "negative")


def test_the_environment_variable_forces_the_python_loop(monkeypatch):
    elements = _elements(_ODD_HTML["comments, PIs and their tails"])
    facts = _facts(elements)
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    assert M.compiled_clean_len() is None

    def refuse(*args):
        raise AssertionError("the C loop ran")

    monkeypatch.setattr(_cwalk, "clean_len", refuse)
    assert B._clean_len(elements, facts.text_len, facts.marks) == \
        B._clean_len_py(elements, facts.text_len, facts.marks)
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "0")
    with pytest.raises(AssertionError, match="the C loop ran"):
        B._clean_len(elements, facts.text_len, facts.marks)


def test_the_loop_keeps_no_memory_and_no_reference():
    import gc
    import sys
    import tracemalloc

    pages = []
    for html in _ODD_HTML.values():
        elements = _elements(html)
        pages.append((elements, _facts(elements)))

    def loops(times: int) -> None:
        for _ in range(times):
            for elements, facts in pages:
                _cwalk.clean_len(elements, facts.text_len, facts.marks)
                _cwalk.clean_len(elements, {**facts.text_len, elements[-1]: 1.5}, facts.marks)

    loops(3)
    gc.collect()
    values = {v for _, f in pages for v in (*f.text_len.values(), *f.marks.values())}
    # Small ints are shared by the whole interpreter: a few references come and
    # go with it, a leak in the loop adds thousands (6,000 loops).
    small = sorted({v for v in values if type(v) is int and -5 <= v <= 256} | {0})
    watched = (None, True, "main", *(values - set(small)), *pages[0][0])
    counts = [sys.getrefcount(o) for o in watched]
    small_counts = [sys.getrefcount(v) for v in small]
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        loops(300)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(o) for o in watched] == counts
    assert all(abs(sys.getrefcount(v) - n) < 100 for v, n in zip(small, small_counts))
    assert grown < 2048, f"{grown} bytes kept by 6,000 loops"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TREES, min_size=1, max_size=4))
def test_generated_pages(trees):
    html = "<html><body>" + "".join(_html(t) for t in trees) + "</body></html>"
    elements = _elements(html)
    facts = _facts(elements)
    assert_same_clean(elements, facts.text_len, facts.marks, html[:200])
    assert_same_clean(elements, facts.text_len, {el: "main" for el in facts.marks}, html[:200])


def _regions_of(nodes: list, exempt: frozenset, marks: dict, where: str) -> None:
    """Every node's region, leaves first (long chains) then in page order."""
    c_memo: dict = {}
    both = _both_regions([])
    for node in [*reversed(nodes), *nodes]:
        both(c_memo, exempt, marks, node)
    for node in nodes:  # a fresh memo per node: the chain to the top each time
        both({}, exempt, marks, node)


@pytest.mark.parametrize("name", sorted(_ODD_HTML))
def test_regions_on_odd_html_with_each_kind_of_claim(name):
    elements = _elements(_ODD_HTML[name])
    nodes = list(elements[0].iter())  # comments and PIs too
    facts = _facts(elements)
    words = ("nav", "header", "footer", "ad", "sponsored", "related", "main", "", None, "sidebar")
    for k in range(len(words)):
        marks = {el: words[(i + k) % len(words)] for i, el in enumerate(nodes)}
        _regions_of(nodes, frozenset(nodes[k % 3::4]), marks, name)
    _regions_of(nodes, frozenset(), facts.marks, name)


def test_regions_of_parents_without_a_proxy_and_xml_trees():
    # Only the leaf's proxy is alive: the C walk up asks getparent() for the rest.
    root = parse_html("<html><body><header><div><nav><ul><li><a>x</a></li></ul></nav></div>"
                      "</header></body></html>", "http://e.org/").root
    leaf = next(root.iter("a"))
    root = None  # noqa: F841 (the document lives on through the leaf)
    marks: dict = {}
    memo: dict = {}
    assert _cwalk.region(memo, frozenset(), marks, leaf) == "main" and len(memo) == 8
    doc = _xml("<!DOCTYPE r [<!ENTITY e 'Posted'>]><r><p>x &e; y</p>&e;<?pi x?><!--c--></r>",
               resolve_entities=False)
    nodes = list(doc[0].iter())
    _regions_of(nodes, frozenset(), {doc[0]: "footer", nodes[-1]: "ad"}, "xml")


def test_what_region_does_not_read_goes_to_python():
    class Memo(dict):
        pass

    p = _elements("<html><body><p>x</p></body></html>")[-1]
    for memo, el in ((Memo(), p), ({}, "not an element")):
        with pytest.raises(AttributeError) if el == "not an element" else _no_error():
            assert _cwalk.region(memo, frozenset(), {}, el) == B._region({}, frozenset(), {}, el)
    assert _cwalk.region({}, frozenset(), {p: ["unhashable"]}, p) == B._region({}, frozenset(), {p: ["unhashable"]}, p)
    with pytest.raises(TypeError):
        _cwalk.region({}, frozenset(), {p: ["unhashable"]}, p, None)


class _no_error:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_environment_variable_forces_the_python_region(monkeypatch):
    elements = _elements(_ODD_HTML["hidden and special attributes"])
    assert isinstance(B.RegionMap(None).region, functools.partial)
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    monkeypatch.setattr(_cwalk, "region", None)  # a call would raise TypeError
    regions = B.classify_regions(elements[0])
    assert "region" not in vars(regions)
    assert [regions.region(el) for el in elements] == \
        [B._region({}, regions._exempt, regions._marks, el) for el in elements]


def test_region_keeps_no_memory_and_no_reference():
    import gc
    import sys
    import tracemalloc

    pages = []
    for html in _ODD_HTML.values():
        elements = _elements(html)
        pages.append((list(elements[0].iter()), _facts(elements).marks))

    def regions(times: int) -> None:
        for _ in range(times):
            for nodes, marks in pages:
                memo: dict = {}
                for node in nodes:
                    _cwalk.region(memo, frozenset(nodes[:2]), marks, node)

    regions(3)
    gc.collect()
    watched = (None, "main", "nav", "header", *set(pages[2][1].values()), *pages[0][0])
    counts = [sys.getrefcount(o) for o in watched]
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        regions(300)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(o) for o in watched] == counts
    assert grown < 2048, f"{grown} bytes kept by 3,000 region maps"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TREES, min_size=1, max_size=4))
def test_generated_regions(trees):
    html = "<html><body>" + "".join(_html(t) for t in trees) + "</body></html>"
    elements = _elements(html)
    regions = B.classify_regions(elements[0])
    _regions_of(list(elements[0].iter()), regions._exempt, regions._marks, html[:200])
