"""The compiled region walk (condition_archive/extract/_cwalk.c) against its
reference, measure._walk: the same Measured, field by field, element by
element and in the same order, on the shared pages, the generated site, odd
hand-made trees and trees hypothesis makes; and the Python walk whenever the
environment variable asks for it or the C walk declines a tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from condition_archive.extract import measure as M
from condition_archive.extract.boilerplate import SCAN_VERDICTS
from condition_archive.extract.parse import parse_html

_cwalk = pytest.importorskip(
    "condition_archive.extract._cwalk",
    reason="the C extension is not built (no compiler at install): the Python walk runs")

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
SHARED = REPO.parent / "shared"
FIELDS = ("text_len", "link_len", "marks", "blocks", "named", "hidden", "landmarks",
          "itemprops", "field_named", "scan_hits")


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
