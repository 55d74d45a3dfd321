"""The region map's tag index (extract/tagindex.py) against lxml's own iteration:
the same elements in the same order for every tag the stages ask, over the
whole page and under any element, on odd hand-made trees, the generated site
and both shared sets; and the fallback to lxml without an index."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import etree

from condition_archive.extract.boilerplate import RegionMap, classify_regions
from condition_archive.extract.parse import parse_html
from condition_archive.extract.tagindex import tagged, tagged_under

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ASKED = ("meta", "a", "h1", "time", "img", "script", "form", "title", "div", "span")
HEADINGS = (("h2", "h3", "h4", "h5", "h6"), ("h2", "h4", "h3"), ("a",), ("h1",))

ODD = {
    "two html roots": "<html><body><h1>a</h1></body></html><html><body><h1>b</h1></body></html>",
    "meta in body, a in head": "<html><head><title>t</title><noscript><a href=x>n</a></noscript></head>"
                               "<body><meta name=description content=d><a href=/y>y</a></body></html>",
    "nested headings and links": "<html><body><div><h2><a href=/1>x</a></h2><a href=/2><h3>y</h3></a>"
                                 "<section><h4>z</h4><h2>w</h2></section></div><p>after</p></body></html>",
    "comments and PIs beside": "<html><body><!-- c --><h2>a</h2><?pi x?><div><h3>b</h3><!-- d --></div>"
                               "</body></html><!-- after -->",
    "namespaced and svg": "<html><body><svg><title>s</title><a href=/s>s</a></svg><h1>h</h1></body></html>",
    "empty body": "<html><head><title>t</title></head><body></body></html>",
    "text only": "plain text, no tags",
}


def _check(html: str | bytes, url: str = "http://example.org/a") -> None:
    root = parse_html(html, url).root
    if root is None:
        return
    regions = classify_regions(root)
    assert regions.tags is not None
    for tag in ASKED:
        assert list(tagged(root, regions, tag)) == list(root.iter(tag)), tag
    elements = list(root.iter(etree.Element))
    for el in elements:
        for tags in HEADINGS:
            assert list(tagged_under(el, root, regions, *tags)) == list(el.iter(*tags)), (el.tag, tags)
    # following(): what root.iter(*tags) finds past el and its descendants (for
    # some 40 elements of a page: the reference is quadratic).
    position = {el: i for i, el in enumerate(elements)}
    for el in elements[::max(1, len(elements) // 40)]:
        inside = set(el.iter())
        for tags in (("div",), ("div", "article"), ("a", "h2", "a"), ("p",)):
            past = [d for d in root.iter(*tags) if position[d] > position[el] and d not in inside]
            assert regions.tags.following(el, tags) == past, (el.tag, tags)


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_trees(name):
    _check(ODD[name])


def test_generated_site():
    sys.path.insert(0, str(REPO / "bench"))
    from gensite import Generator, layout_for

    site = Generator(layout_for(60)).render_all("http://127.0.0.1:8780")
    for path, page in site.items():
        _check(page.body, "http://127.0.0.1:8780" + path)


@pytest.mark.skipif(not (SHARED / "extraction-bench-2").exists(), reason="needs ../shared")
def test_shared_sets():
    sys.path.insert(0, str(REPO / "bench"))
    from extract_snapshot import _pages

    for _, data, url in _pages(True):
        _check(data, url)


def test_without_index_iterates_the_tree():
    root = parse_html(ODD["nested headings and links"]).root
    bare = RegionMap(None)
    assert bare.tags is None
    assert list(tagged(root, bare, "a")) == list(root.iter("a"))
    assert list(tagged(root, None, "h2")) == list(root.iter("h2"))
    body = root.find("body")
    assert list(tagged_under(body, root, None, "h2", "h3")) == list(body.iter("h2", "h3"))


def test_index_of_another_root_is_not_used():
    first, second = (parse_html(ODD["nested headings and links"]).root for _ in range(2))
    regions = classify_regions(first)
    assert list(tagged(second, regions, "a")) == list(second.iter("a"))
    assert not set(tagged(second, regions, "a")) & set(first.iter("a"))


@pytest.mark.parametrize("html", [
    "<html><head><title>t</title></head><body><p>x</p></body></html>",
    "<html><head></head><head><title>second</title></head><body></body><body>2</body></html>",
    "<html><!-- c --><head><meta charset=utf-8><!-- t --><title>a</title><title>b</title></head></html>",
    "<p>no head, no body element written</p>",
    "<html><body><svg><title>inside</title></svg></body></html>",
])
def test_body_of_and_head_title_are_elementpaths_find(html):
    from condition_archive.extract.tagindex import body_of, head_title

    root = etree.fromstring(html, etree.HTMLParser())
    assert body_of(root) is root.find("body") and head_title(root) is root.find("head/title")
    for el in root.iter(etree.Element):  # (the second <head>, the <svg>: found as find finds them)
        assert body_of(el) is el.find("body") and head_title(el) is el.find("head/title")
