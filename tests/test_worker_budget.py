"""The extraction budget (ARCHIVE_PAGE_BUDGET) runs per page from when the worker
begins it, with one timer a worker (worker._clock): pages that each take well under
the budget are never cut short, however long the worker has been busy, and a page
over it is archived raw with the reason while the pages after it go on."""

from __future__ import annotations

import asyncio
import time

from condition_archive.crawl.worker import ExtractionPool


def slow(data, url, headers, day_first_sites):
    """An extractor for a real worker: `data` is how long the page takes, in seconds."""
    time.sleep(float(data))
    return None, None, None


async def _extract_all(pool: ExtractionPool, seconds: list[str]) -> list:
    return await asyncio.gather(*(pool.analyse(s.encode(), f"http://h/{i}", {}, ())
                                  for i, s in enumerate(seconds)))


def test_pages_under_the_budget_are_never_cut_short_however_long_the_worker_is_busy():
    pool = ExtractionPool(1, budget=0.6, target=f"{__name__}:slow")
    try:
        # 8 pages of 0.25 s: 2 s of work in a row, each page well under 0.6 s.
        results = asyncio.run(_extract_all(pool, ["0.25"] * 8))
    finally:
        pool.stop()
    assert [r[3] for r in results] == [None] * 8


def test_a_page_over_the_budget_is_stopped_and_the_next_pages_go_on():
    pool = ExtractionPool(1, budget=0.6, target=f"{__name__}:slow")
    started = time.monotonic()
    try:
        results = asyncio.run(_extract_all(pool, ["0.3", "0.3", "30", "0.1", "0.1"]))
    finally:
        pool.stop()
    failures = [r[3] for r in results]
    assert failures[:2] == [None, None] and failures[3:] == [None, None]
    assert failures[2].startswith("extraction took longer than 0.6 s (ARCHIVE_PAGE_BUDGET)")
    assert time.monotonic() - started < 15  # stopped near its budget, not after its 30 s
