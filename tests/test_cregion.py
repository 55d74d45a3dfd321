"""`_cwalk.region_fill` (issue 16, session 14) against its reference,
boilerplate.RegionMap._region: the same memo, entry for entry, on the generated
site's pages and on odd claims, and the fallbacks when it declines."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from lxml import etree

from compiled import BENCH, compiled_or_skip, configured  # noqa: F401
from condition_archive.extract import boilerplate as B
from condition_archive.extract import measure as M
from condition_archive.extract import stages
from condition_archive.extract.markers import SPECIFIC

_cwalk = compiled_or_skip("the Python climb runs")


def _memo_items(regions):
    return [(id(k), v) for k, v in regions._memo.items()]


def _check(regions, elements, seed: int) -> set:
    """C and Python fill fresh copies of `regions`' memo alike, element after element
    (in page order, in the links' order, shuffled)."""
    shuffled = list(elements)
    random.Random(seed).shuffle(shuffled)
    for asked in (elements, shuffled):
        c, py = replace(regions, _memo={}), replace(regions, _memo={})
        assert _cwalk.region_fill(c._memo, c._exempt, c._marks, SPECIFIC, list(asked)) is True
        for el in asked:
            py._region(el)
        assert _memo_items(c) == _memo_items(py)
        one = replace(regions, _memo={})  # region() one element at a time
        assert [one.region(el) for el in asked] == [py._memo[el] for el in asked]
    return set(py._memo.values())


def test_region_fill_is_the_python_climb_on_the_generated_site(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    site = Generator(layout_for(120)).render_all("http://127.0.0.1:8780")
    regions_seen = set()
    for i, (path, page) in enumerate(site.items()):
        doc = stages.parse_stage(page.body, "http://127.0.0.1:8780" + path, {})
        elements = list(doc.root.iter(etree.Element))
        regions_seen |= _check(doc.regions, elements, i) | _check(doc.regions, list(doc.resolved), i)
    assert {"main", "nav", "footer", "header"} <= regions_seen


_ODD = ("<html><body><header><nav><a>n</a></nav><div><a>h</a></div></header>"
        "<div><!-- c --><p>a<a>x</a></p><?pi x?><nav><p>b</p><aside><div><p>c</p></div></aside></nav>"
        "<aside><main><p>d</p><div><a>e</a></div></main></aside><form><p>e</p></form></div>"
        "<footer><nav><a>f</a></nav></footer></body></html>")


@pytest.mark.parametrize("claims", [
    {}, {"nav": "nav"}, {"nav": "nav", "aside": "sidebar", "main": "main"},
    {"div": "footer", "p": "ad"}, {"nav": "", "form": "ad", "header": "header"},
    {"body": "main", "p": "related", "footer": "footer", "aside": "sponsored"},
    {"header": "header", "nav": "nav", "div": "related", "a": "ad", "html": "footer"},
])
@pytest.mark.parametrize("exempt", ["none", "main's ancestors", "every div"])
def test_region_fill_on_odd_claims(claims, exempt):
    root = etree.fromstring(_ODD, etree.HTMLParser())
    elements = list(root.iter(etree.Element))
    marks = {el: claims[el.tag] for el in elements if el.tag in claims}
    main = root.find(".//main")
    skip = {"none": (), "main's ancestors": (main, *main.iterancestors()),
            "every div": [el for el in elements if el.tag == "div"]}[exempt]
    regions = B.RegionMap(main, (main,), _marks=marks, _exempt=frozenset(skip))
    for seed in range(3):
        _check(regions, elements, seed)


def test_region_fill_declines_what_only_the_python_climb_reads():
    root = etree.fromstring(_ODD, etree.HTMLParser())
    elements = list(root.iter(etree.Element))
    nav = root.find(".//nav")
    p = root.find(".//p")
    args = (frozenset(), {}, SPECIFIC)
    for marks in ({nav: ("nav",)}, {nav: None}, {nav: 1}):  # a claim not a str
        memo = {}
        assert _cwalk.region_fill(memo, frozenset(), marks, SPECIFIC, list(elements)) is None
        assert memo == dict.fromkeys((root, root[0], root[0][0]), "main")  # those before it: memoised
    assert _cwalk.region_fill({root: None}, *args, [p]) is None  # a region not a str
    comment, memo = etree.Comment("c"), {}  # (a comment is an element to lxml: read as Python reads it)
    assert _cwalk.region_fill(memo, *args, [comment]) is True and memo == {comment: "main"}
    assert _cwalk.region_fill({}, *args, ["p"]) is None
    assert _cwalk.region_fill({}, set(), {}, SPECIFIC, [p]) is None  # not a frozenset
    assert _cwalk.region_fill({}, *args, (p,)) is None  # not a list

    class Memo(dict):
        pass

    assert _cwalk.region_fill(Memo(), *args, [p]) is None
    detached = etree.SubElement(etree.SubElement(etree.Element("div"), "nav"), "p")
    memo = {}
    assert _cwalk.region_fill(memo, *args, [p, detached]) is None  # parents without a proxy
    assert set(memo) == {p, *p.iterancestors()}
    regions = B.RegionMap(None)
    assert regions.region(detached) == "main" and len(regions._memo) == 3  # the Python climb ran
    assert _cwalk.region_fill({}, *args, [detached]) is True  # (now the climb made the proxies)


def test_the_environment_variable_turns_region_fill_off(monkeypatch):
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    root = etree.fromstring(_ODD, etree.HTMLParser())
    nav = root.find(".//nav")

    def refuse(*args):
        raise AssertionError("region_fill ran")

    monkeypatch.setattr(_cwalk, "region_fill", refuse)
    regions = B.RegionMap(None, _marks={nav: "nav"})
    assert regions.region(nav[0]) == "nav" and regions._fill is False


def test_region_fill_keeps_no_memory_and_no_reference():
    from leakcheck import assert_no_leak

    root = etree.fromstring(_ODD, etree.HTMLParser())
    elements = list(root.iter(etree.Element))
    marks = {el: "nav" if el.tag == "nav" else "related" for el in elements if el.tag in ("nav", "div")}
    bad = dict(marks)
    bad[root.find(".//aside")] = ("x",)

    def calls(times: int) -> None:
        for _ in range(times):
            _cwalk.region_fill({}, frozenset(), marks, SPECIFIC, elements)
            _cwalk.region_fill({}, frozenset(), bad, SPECIFIC, elements)  # declined

    assert_no_leak(calls, (None, *elements, *marks.values()), 3000, "6,000 calls")


def test_class_of_reads_the_walks_class_values_as_the_attribute(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    from condition_archive.extract.parse import parse_html

    site = Generator(layout_for(20)).render_all("http://127.0.0.1:8780")
    pages = [page.body for page in site.values()] + [
        "<html><body><div class=''>a</div><p id=x>b</p><p class=c class=d>c</p></body></html>"]
    for body in pages:
        root = parse_html(body, "http://127.0.0.1:8780/").root
        named = B.classify_regions(root).named
        assert [B._class_of(el, named) for el in root.iter(etree.Element)] == \
            [el.get("class") for el in root.iter(etree.Element)] == \
            [B._class_of(el, None) for el in root.iter(etree.Element)]
