"""The compiled region walk (condition_archive/extract/_cwalk.c) against its
reference, measure._walk: the same Measured, field by field, element by
element and in the same order, on the shared pages, the generated site, odd
hand-made trees and trees hypothesis makes; and the Python walk whenever the
environment variable asks for it or the C walk declines a tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from condition_archive.extract import measure as M
from condition_archive.extract.boilerplate import SCAN_VERDICTS
from condition_archive.extract.parse import parse_html

from compiled import compiled_or_skip

_cwalk = compiled_or_skip("the Python walk runs")

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
SHARED = REPO.parent / "shared"
FIELDS = ("text_len", "link_len", "marks", "blocks", "named", "hidden", "landmarks",
          "itemprops", "field_named", "scan_hits", "by_tag", "hrefs", "leaf_texts", "rels")


def _walk_both(elements: list, verdicts) -> tuple:
    """(Python's Measured and unseen, C's): the Python walk first, so a comment
    proxy it makes for a hit is alive and the C walk finds the same object."""
    py = M.Measured(scan_hits=None if verdicts is None else [])
    py_unseen = M._walk(elements, py, verdicts)
    c = M.Measured(scan_hits=None if verdicts is None else [])
    assert M.compiled_walk() is _cwalk.walk
    c_unseen = _cwalk.walk(elements, c, verdicts)
    return py, py_unseen, c, c_unseen


def _same(a, b) -> bool:
    """Equal, with elements compared by identity (lxml proxies compare so)."""
    if isinstance(a, etree._Element) or isinstance(b, etree._Element):
        return a is b
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def assert_same_walk(elements: list, verdicts=SCAN_VERDICTS, where: str = "") -> None:
    py, py_unseen, c, c_unseen = _walk_both(elements, verdicts)
    assert c_unseen is not None, f"the C walk declined {where}"
    for name in FIELDS:
        a, b = getattr(py, name), getattr(c, name)
        if isinstance(a, set):
            assert {id(x) for x in a} == {id(x) for x in b}, f"{name} differs {where}"
            continue
        if isinstance(a, dict):
            a, b = list(a.items()), list(b.items())
        assert (a is None) == (b is None) and len(a or ()) == len(b or ()), f"{name} differs {where}"
        for i, (x, y) in enumerate(zip(a or (), b or ())):
            assert _same(x, y), f"{name}[{i}] differs {where}: {x!r} != {y!r}"
    assert len(py_unseen) == len(c_unseen) and all(map(_same, py_unseen, c_unseen)), where


def _elements(html: str | bytes, url: str = "http://example.org/a") -> list:
    parsed = parse_html(html, url)
    assert parsed.root is not None, parsed.problem
    return list(parsed.root.iter(etree.Element))


def _shared_pages():
    import extraction_bench  # bench/, on the path through the bench_path fixture
    import extraction_bench2

    for page in extraction_bench.load_pages(SHARED / "extraction-bench", None, False):
        yield f"bench1:{page.id}", page.html, page.url
    for page in extraction_bench2.load_pages(SHARED / "extraction-bench-2", None, False):
        yield f"bench2:{page.url}", page.data, page.url


@pytest.mark.skipif(not (SHARED / "extraction-bench-2").is_dir(), reason="../shared not here")
def test_the_c_walk_is_the_python_walk_on_every_shared_page(bench_path):
    count = 0
    for key, data, url in _shared_pages():
        parsed = parse_html(data, url)
        if parsed.root is None:
            continue
        elements = list(parsed.root.iter(etree.Element))
        assert_same_walk(elements, SCAN_VERDICTS, key)
        assert_same_walk(elements, None, key)
        count += 1
    assert count > 1100


def test_the_c_walk_is_the_python_walk_on_the_generated_site(bench_path):
    from gensite import Generator, layout_for

    site = Generator(layout_for(300)).render_all("http://127.0.0.1:8780")
    assert len(site) > 250
    for path, page in site.items():
        assert_same_walk(_elements(page.body, "http://127.0.0.1:8780" + path), where=path)


@pytest.fixture
def bench_path(monkeypatch):
    """bench/ scripts import each other by module name, as when run as scripts."""
    monkeypatch.syspath_prepend(str(BENCH))
    return BENCH


_ODD_HTML = {
    "comments, PIs and their tails": "<html><body><div class='content'>a<!-- c -->Updated 2021-01-02"
                                     "<?php echo 1 ?>by Jane Doe<p>x</p><!-- d --></div></body></html>",
    "unicode whitespace": "<html><body><p>\u00a0\u2003 Written by Ann \u3000\u2028</p>\u00a0<div>"
                          "\u00a0\u00a0</div>\u205f<span>\u0085é\u0085</span></body></html>",
    "hidden and special attributes": "<html><body><main><div hidden>Updated x</div><p aria-hidden=true>"
                                     "by me</p><div style='display: none'>Posted</div>"
                                     "<div role=main itemprop=articleBody class='sr-only'>t</div>"
                                     "<span class=byline id=date>By A</span><nav class=hidden>n</nav>"
                                     "<form><input class='author'>Reviewed by</form></main></body></html>",
    "drop and invisible tags": "<html><head><title>Updated: now</title><style>p{}</style></head><body>"
                               "<script>var updated=1</script>Posted on<noscript>by x</noscript>"
                               "<select><option>Published</option></select>tail<svg class=date>"
                               "<text>by</text></svg>Reviewed</body></html>",
    "a long text and its boundary": "<html><body><p>" + "é" * 399 + "</p><p>updated " + "é" * 392
                                    + "</p><div>" + "word " * 80 + "<br>by Ann</div></body></html>",
    "role=main on main, repeated landmarks": "<html><body><main role=main><main>x</main></main>"
                                             "<div role=main><div role=main>y</div></div></body></html>",
    "links and forms": "<html><body><a href=#>Updated <b>bold</b> by</a><form>" + "x" * 1600
                       + "</form><form>short</form></body></html>",
    "empty values": "<html><body><div class='' id=''>a</div><p class id>b</p></body></html>",
    "only a root": "<html></html>",
    "svg and math names": "<html><body><svg:rect class=a>t</svg:rect><math><mi>x</mi></math></body></html>",
    "link texts of every spacing": "<html><body><a>Plain</a><a> lead</a><a>trail </a><a>two  spaces</a>"
                                   "<a>tab\there</a><a>line\nbreak</a><a>\x1cfile sep\x1f</a><a>nb\u00a0sp</a>"
                                   "<a>é and ü</a><a></a><a> </a><a>a<!-- c -->b</a><a>x<br>y</a>"
                                   "<a hidden>Hidden</a><a style='display:none'>gone</a><a>&amp; &lt;x&gt;</a>"
                                   "<div hidden><a>under hidden</a></div><a><![CDATA[c d]]></a></body></html>",
    "links of one child": "<html><body><a><span>Plain</span></a><a> <b>lead</b> </a><a>x<b>own</b></a>"
                          "<a><b>tail</b>t</a><a><b> sp</b></a><a><b>two  sp</b></a><a><b>a , b</b></a>"
                          "<a><b>( x )</b></a><a><b>[x]</b></a><a><b>x [ y</b></a><a><b>no-op: x</b></a>"
                          "<a><b>caf\u00e9</b></a><a><b></b></a><a>\u00a0<i>nb</i>\u00a0</a><a><b hidden>h</b></a>"
                          "<a><script>s</script></a><a><b><i>deep</i></b></a><a><!-- c --><b>c</b></a>"
                          "<a><b>x</b><i>y</i></a><a><br></a><a><img alt=i></a><a><b>a\tb</b></a>"
                          "<a><b>end?</b></a><a><b>x ?</b></a><a hidden><b>hid</b></a><a><b>x)</b></a>"
                          "<a><b><![CDATA[c d]]></b></a><a><b>&amp; sign</b></a></body></html>",
    "rel values": "<html><head><link rel=stylesheet href=s.css></head><body><a rel=author>A</a>"
                  "<a href=/x rel='Sponsored  noopener'>s</a><a rel=''>e</a><a rel>f</a>"
                  "<a href=/y rel=author rel=nofollow>twice</a><div rel=author>d</div><area rel=x>"
                  "<a hidden rel=author href=/h>h</a><svg><a rel=author>in svg</a></svg>"
                  "<a xml:rel=ns href=/n>n</a><a rel='caf\u00e9'>u</a></body></html>",
}


@pytest.mark.parametrize("name", sorted(_ODD_HTML))
def test_odd_html(name):
    elements = _elements(_ODD_HTML[name])
    assert_same_walk(elements, SCAN_VERDICTS, name)
    assert_same_walk(elements, None, name)


def test_leaf_texts_are_visible_texts_answers(bench_path):
    """Measured.leaf_texts (both walks) holds, for each childless link the walk
    reads and each link of one plain child (session 16: <a><span>Title</span></a>),
    what text.visible_text answers for it without the memo; the region map's memo
    starts as it, so visible_text answers alike with and without it."""
    from gensite import Generator, layout_for

    from condition_archive.extract.boilerplate import classify_regions
    from condition_archive.extract.text import visible_text

    pages = [page.body for page in Generator(layout_for(30)).render_all("http://x").values()]
    checked = one_child = 0
    for html in [*pages, *_ODD_HTML.values()]:
        root = parse_html(html, "http://x/").root
        regions = classify_regions(root)
        walked = dict(regions.texts)
        regions.texts = {}
        for a in root.iter("a"):
            expected = visible_text(a, regions)
            if len(a) == 0 and a not in regions.hidden:
                assert walked[a] == expected, etree.tostring(a)
                checked += 1
            elif a in walked:
                assert len(a) == 1 and a not in regions.hidden and walked[a] == expected, etree.tostring(a)
                one_child += 1
            elif len(a) == 1 and a not in regions.hidden and isinstance(a[0].tag, str) and not len(a[0]) \
                    and a[0] not in regions.hidden and not (a.text or "").strip() \
                    and not (a[0].tail or "").strip():
                # Left to visible_text: a text it changes (or not ASCII) or an invisible child.
                text = a[0].text or ""
                assert not text.isascii() or expected != text or a[0].tag in M.INVISIBLE_TAGS, \
                    etree.tostring(a)
        for side in ("python", "c"):
            out = M.Measured(scan_hits=[])
            (M._walk if side == "python" else _cwalk.walk)(list(root.iter(etree.Element)), out, SCAN_VERDICTS)
            assert [(id(a), t) for a, t in out.leaf_texts.items()] == [(id(a), t) for a, t in walked.items()]
    assert checked > 30 * 40 and one_child > 30 * 10


def test_rels_are_every_links_rel_in_both_walks(bench_path):
    """Measured.rels, both walks: each <a> with a rel attribute ->
    a.get("rel"), whatever else the link is (hidden, without an href, in an
    <svg>), no other element, filled bottom-up (reversed: page order)."""
    from gensite import Generator, layout_for

    assert M.compiled_walk() is _cwalk.walk  # (configured)
    pages = [page.body for page in Generator(layout_for(30)).render_all("http://x").values()]
    seen = 0
    for html in [*pages, *_ODD_HTML.values()]:
        root = parse_html(html, "http://x/").root
        elements = list(root.iter(etree.Element))  # (alive: the proxies compare by identity)
        expected = [(id(a), a.get("rel")) for a in root.iter("a") if a.get("rel") is not None]
        for walk in (M._walk, _cwalk.walk):
            out = M.Measured(scan_hits=[])
            assert walk(elements, out, SCAN_VERDICTS) is not None
            assert [(id(a), rel) for a, rel in reversed(out.rels.items())] == expected
        seen += len(expected)
    assert seen > 30 * 5


def _xml(text: str, **options) -> list:
    root = etree.fromstring(text, etree.XMLParser(**options))
    return list(root.iter(etree.Element))


def test_xml_trees_cdata_entities_namespaces_and_pis():
    cases = [
        _xml("<r><p>a <![CDATA[ Updated ]]> 2020<b/> by <![CDATA[ Ann ]]></p></r>", strip_cdata=False),
        _xml("<!DOCTYPE r [<!ENTITY e 'Posted'>]><r><p>x &e; y</p>&e; tail</r>",
             resolve_entities=False),
        _xml("<r xmlns:x='urn:x' xmlns='urn:d'><x:div x:class='nav' class='main' id='date'>"
             "<x:main>t</x:main><main x:role='main' role='main'>by</main></x:div></r>"),
        _xml("<r><?pi Updated?>by Ann<!--c-->Published<p class='byline'>x</p></r>"),
    ]
    for elements in cases:
        assert_same_walk(elements, SCAN_VERDICTS, etree.tostring(elements[0])[:60])


def test_a_value_of_several_nodes_falls_back_to_the_python_walk():
    # An entity inside an attribute value: lxml joins its nodes (xmlGetNsProp);
    # the C walk does not, so it hands the page to the Python walk.
    elements = _xml("<!DOCTYPE r [<!ENTITY e 'nav'>]><r><p class='x &e;'>t</p></r>",
                    resolve_entities=False)
    assert elements[1].get("class") == "x nav"
    assert M.compiled_walk()(elements, M.Measured(scan_hits=[]), SCAN_VERDICTS) is None
    facts = M.measure(elements, SCAN_VERDICTS)
    assert facts.named == {elements[1]: ("x nav", None)}


def test_a_list_that_is_not_the_trees_elements_falls_back():
    elements = _elements(_ODD_HTML["comments, PIs and their tails"])
    comment = next(elements[0].iter(etree.Comment))
    walk = M.compiled_walk()
    assert walk(elements + [comment], M.Measured(), None) is None
    assert walk(elements + [etree.Element("p")], M.Measured(), None) is not None


def test_ten_thousand_deep_and_a_huge_page():
    root = _elements("<html><body></body></html>")[0]
    node = root.find("body")
    for i in range(10_000):
        node = etree.SubElement(node, ("div", "p", "section", "a")[i % 4],
                                {"class": ("main", "byline", "", "x")[i % 4]})
        node.text, node.tail = "by Ann " * (i % 3), " Updated " * (i % 2)
    assert_same_walk(list(root.iter(etree.Element)), where="10,000 deep")
    huge = "<html><body>" + "<div class=c><p>Updated by Ann " + "w " * 50 + "</p></div>" * 30_000
    assert_same_walk(_elements(huge + "</body></html>"), where="huge")


def test_the_environment_variable_is_read_as_os_environ_has_it(monkeypatch):
    # (parse.pure_python reads os.environ's own dict: every way of changing it counts.)
    import os

    from condition_archive.extract.parse import pure_python

    monkeypatch.delenv(M.PURE_PYTHON_ENV, raising=False)
    assert not pure_python() and M.compiled_walk() is not None
    for value, pure in (("1", True), ("0", False), ("", False), ("yes", True), ("0 ", True)):
        monkeypatch.setenv(M.PURE_PYTHON_ENV, value)
        assert pure_python() is pure and (M.compiled_walk() is None) is pure, value
    os.environ[M.PURE_PYTHON_ENV] = "1"
    assert pure_python()
    del os.environ[M.PURE_PYTHON_ENV]
    assert not pure_python()


def test_the_environment_variable_forces_the_python_walk(monkeypatch):
    elements = _elements(_ODD_HTML["hidden and special attributes"])
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "0")
    assert M.which_walk() == "c"
    monkeypatch.setenv(M.PURE_PYTHON_ENV, "1")
    assert M.compiled_walk() is None and M.which_walk() == f"python: {M.PURE_PYTHON_ENV} is set"

    def refuse(*args):
        raise AssertionError("the C walk ran")

    monkeypatch.setattr(_cwalk, "walk", refuse)
    M._load_compiled.cache_clear()
    try:
        facts = M.measure(elements, SCAN_VERDICTS)
    finally:
        monkeypatch.undo()
        M._load_compiled.cache_clear()
    assert facts.hidden and facts.landmarks and M.compiled_walk() is _cwalk.walk


def test_walks_keep_no_memory_and_no_reference():
    # A reference count off by one on None, a str or a proxy shows here as
    # drift; so did fresh attribute-name strings, which CPython's type cache
    # kept (thousands of them) before the names were interned.
    from leakcheck import assert_no_leak

    pages = [_elements(html) for html in _ODD_HTML.values()]
    walk = M.compiled_walk()
    assert walk is _cwalk.walk

    def walks(times: int) -> None:
        for _ in range(times):
            for elements in pages:
                walk(elements, M.Measured(scan_hits=[]), SCAN_VERDICTS)
                walk(elements, M.Measured(), None)

    assert_no_leak(walks, (None, True, False, M._HIDDEN, *pages[0]), 300, "6,000 walks")


# Hypothesis: pages of the tags, attributes and texts the walk decides on.
_TAGS = ("div", "p", "span", "a", "main", "article", "section", "td", "form", "nav", "footer",
         "script", "style", "title", "option", "button", "svg", "img", "pre", "blockquote", "li",
         "font", "label", "template")
_TEXTS = ("", " ", "\n  ", "\u00a0", "\u2003x\u3000", "Updated 2021", "by Jane Doe", "é",
          "Posted on", "word " * 30, "x" * 450, "Reviewed by Dr. A", "\u2028by\u0085")
_ATTRS = st.sampled_from([
    ("class", "main"), ("class", "content"), ("class", "sidebar"), ("class", "hidden"),
    ("class", "byline author"), ("class", "sr-only"), ("class", ""), ("class", "post-date"),
    ("id", "main"), ("id", "comments"), ("id", "published"), ("id", ""), ("hidden", ""),
    ("aria-hidden", "true"), ("style", "display:none"), ("style", "color:red"), ("role", "main"),
    ("role", "navigation"), ("itemprop", "datePublished"), ("data-testid", "byline"),
    ("data-component", "ad"), ("href", "#"), ("lang", "en")])


def _html(draw_tree) -> str:
    tag, attrs, text, children, tail = draw_tree
    body = "".join(_html(c) if isinstance(c, tuple) else c for c in children)
    attr = "".join(f' {k}="{v}"' for k, v in dict(attrs).items())
    return f"<{tag}{attr}>{text}{body}</{tag}>{tail}"


_EXTRA = st.sampled_from(["<!-- c -->Updated by", "<?pi x?> by Ann", "<br>", "<!--x-->"])
_TREES = st.recursive(
    st.tuples(st.sampled_from(_TAGS), st.lists(_ATTRS, max_size=3), st.sampled_from(_TEXTS),
              st.just([]), st.sampled_from(_TEXTS)),
    lambda kids: st.tuples(st.sampled_from(_TAGS), st.lists(_ATTRS, max_size=3),
                           st.sampled_from(_TEXTS), st.lists(kids | _EXTRA, max_size=5),
                           st.sampled_from(_TEXTS)),
    max_leaves=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TREES, min_size=1, max_size=4))
def test_generated_pages(trees):
    html = "<html><body>" + "".join(_html(t) for t in trees) + "</body></html>"
    elements = _elements(html)
    assert_same_walk(elements, SCAN_VERDICTS, html[:200])
    assert_same_walk(elements, None, html[:200])


def test_a_tail_hit_keeps_its_comment_alive_when_the_judge_drops_the_last_reference():
    """The comment's proxy, held only by `held`, is dropped inside judge(): the
    C walk holds it across the call (it increfed freed memory before: a crash)."""
    if M.compiled_walk() is None:
        pytest.skip("the C extension is not built")
    root = etree.fromstring("<div><p>x</p><!--c-->tail text here</div>")
    held = [root[1]]
    comment_id = id(held[0])

    def judge(text):
        if text == "tail text here":
            held.clear()
            held.append([bytearray(64) for _ in range(1000)])  # reuse the freed memory
        return True

    out = M.Measured(scan_hits=[])
    M.compiled_walk()(list(root.iter(etree.Element)), out, M.ScanVerdicts({}, judge, 1000))
    tails = [hit for hit in out.scan_hits if hit[1] == 1]
    assert len(tails) == 1 and id(tails[0][0]) == comment_id
    assert isinstance(tails[0][0], etree._Comment) and tails[0][3] == "tail text here"


def test_a_configuration_that_fails_half_way_leaves_no_walk_running():
    if M.compiled_walk() is None:
        pytest.skip("the C extension is not built")
    from condition_archive.extract import _cwalk

    elements = _elements("<div class='a'><p>text</p></div>")
    config = {"drop": M.DROP_TAGS, "invisible": M.INVISIBLE_TAGS, "scored": M.SCORED_TAGS,
              "container": M.CONTAINER_TAGS, "special": sorted(M.SPECIAL_ATTRS),
              "tag_region": {}, "claims": {}, "unseen": M._UNSEEN, "hidden": M._HIDDEN,
              "new_claim": M._new_claim, "special_claims": {}, "new_special": M._new_special,
              "hidden_class": M.hidden_class, "names_a_field": M.names_a_field,
              "element_type": etree._Element, "sample": etree.Element("p")}  # no form_chars
    try:
        with pytest.raises(KeyError, match="form_chars"):
            _cwalk.configure(config)
        with pytest.raises(RuntimeError, match="before configure"):
            _cwalk.walk(elements, M.Measured(scan_hits=[]), SCAN_VERDICTS)
    finally:
        M._load_compiled.cache_clear()  # configured again, whole, for the other tests
    assert M.which_walk() == "c"
    assert_same_walk(elements)
