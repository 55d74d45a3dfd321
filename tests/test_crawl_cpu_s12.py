"""The crawl's extraction workers return no packed capture (issue 16, session 12,
docs/benchmarks.md "Crawl process CPU per page (issue 16, session 10 by the tracker,
s16b)"): the worker is the crawl's slower process, so the store hashes each page
and compresses it only when the archive has no capture with its SHA-256. Nothing
changes in the archive: the captures are byte for byte the ones a worker-packed
page gave, and a capture already stored is found, not packed again."""

from __future__ import annotations

import asyncio

from scrapy.utils.test import get_crawler
from test_storage_layout import sample_pages

from condition_archive.archive.capture import digests
from condition_archive.archive.codec import ZSTD
from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.worker import ExtractionPool
from condition_archive.extract import extract_page
from pipelines.extract import ExtractPipeline

HEADERS = {"content-type": "text/html; charset=utf-8"}
CAPTURES = "SELECT id, sha256, sha1_b32, size, stored_size, compression, dict_id, site, body FROM captures ORDER BY id"


def _fetched(n: int, url: str, body: bytes) -> FetchedPage:
    return FetchedPage(url, 200, dict(HEADERS), body, f"2025-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00")


def _archive(pool: ExtractionPool, path, pages, rounds: int = 1) -> tuple[Archive, list[FetchedPage]]:
    """The pages through the pool and into a new archive (its dictionary trained
    after 20 captures: the sample site is small), `rounds` crawls of them."""
    db = open_archive(path)
    arc = Archive(db, now=lambda: "2025-01-01T00:00:00+00:00")
    arc.codecs.samples = 20

    async def crawl(crawl_id: int) -> list[FetchedPage]:
        done = []
        for n, (url, body) in enumerate(pages):
            page = await pool.extract(_fetched(n, url, body), ())
            arc.record_page(crawl_id, page, page.extract, "test")
            done.append(page)
        return done

    async def crawls() -> list[FetchedPage]:
        done = []
        for _ in range(rounds):
            done += await crawl(start_crawl(db, [pages[0][0]], {}, "test"))
        return done

    try:
        return arc, asyncio.run(crawls())
    finally:
        pool.stop()


def test_the_crawls_workers_return_no_capture_and_the_store_packs_it_as_a_worker_did(tmp_path):
    pages = sample_pages()
    assert len(pages) > 25
    arc, done = _archive(ExtractionPool(1, pack=False), tmp_path / "crawl.db", pages)
    assert all(p.packed is None and p.failure is None for p in done)
    for page, (url, body) in zip(done, pages):
        assert page.extract == extract_page(body, url, HEADERS)
    rows = arc.db.conn.execute(CAPTURES).fetchall()
    assert len(rows) == len(pages) and {r[5] for r in rows} == {ZSTD}  # the dictionary came after 20
    for row, (_, body) in zip(rows, pages):
        assert (row[1], row[2]) == digests(body) and arc.codecs.read(row[0]) == body
    packed, _ = _archive(ExtractionPool(1), tmp_path / "packed.db", pages)  # as before: packed by the worker
    assert rows == packed.db.conn.execute(CAPTURES).fetchall()


def test_a_capture_already_stored_is_found_not_packed_again(tmp_path):
    pages = sample_pages()[:25]
    arc, _ = _archive(ExtractionPool(0, pack=False), tmp_path / "twice.db", pages, rounds=2)
    conn = arc.db.conn
    once, _ = _archive(ExtractionPool(0, pack=False), tmp_path / "once.db", pages)
    assert conn.execute(CAPTURES).fetchall() == once.db.conn.execute(CAPTURES).fetchall()
    ledger = conn.execute("SELECT crawl_id, capture_id, sha256 FROM fetches ORDER BY id").fetchall()
    first, second = ledger[:len(pages)], ledger[len(pages):]
    assert [r[1:] for r in first] == [r[1:] for r in second]  # the re-crawl's rows name the same captures
    assert {r[0] for r in second} == {2}


def test_the_crawls_pipeline_asks_for_no_capture_other_pools_get_one():
    crawler = get_crawler(settings_dict={"ARCHIVE_EXTRACT_WORKERS": 0})
    pipeline = ExtractPipeline.from_crawler(crawler)
    pipeline.open_spider()
    try:
        assert pipeline.pool.pack is False
    finally:
        pipeline.close_spider()
    pool = ExtractionPool.from_crawler(crawler)  # the distributed crawl's nodes: captures without raw bytes
    page = asyncio.run(pool.extract(_fetched(0, *sample_pages()[0]), ()))
    assert page.packed is not None and (page.packed.sha256, page.packed.sha1_b32) == digests(page.body)
