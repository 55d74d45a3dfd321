"""Extraction leaves no reference cycles behind: each page's tree, region map
and results are freed by reference counting the moment the page is done, not
kept until Python's cycle collector runs (a recursive closure once kept every
page's region map alive: the worker's collections then scanned whole trees)."""

from __future__ import annotations

import gc
import gzip
from pathlib import Path

from sample_truth import cases, page_html, url_of

from condition_archive.crawl.analysis import analyse_page

BENCH = Path(__file__).resolve().parents[2] / "shared" / "extraction-bench" / "html"


def _pages() -> list[tuple[bytes, str]]:
    pages = [(page_html(*case.values[:2]).encode("utf-8"), url_of(case.values[1])) for case in cases()]
    # A few pages of other people's templates too, when the shared set is beside the repo.
    pages += [(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes(), "https://example.org/a/b")
              for p in sorted(BENCH.glob("*"))[:40]]
    return pages


def test_extracting_a_page_leaves_no_reference_cycles():
    pages = _pages()
    headers = {"content-type": "text/html; charset=utf-8"}
    for data, url in pages[:3]:  # imports and first-use caches made before counting
        analyse_page(data, url, headers, ())
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        for data, url in pages:
            problem, extract, packed = analyse_page(data, url, headers, ())
            assert problem is None and extract is not None and packed is not None
        del extract, packed
        assert gc.collect() == 0, "extraction left objects only the cycle collector can free"
    finally:
        if was_enabled:
            gc.enable()
