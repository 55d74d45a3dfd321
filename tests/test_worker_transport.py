"""The extraction workers as the crawl drives them (issue 16): pages written to each
worker's pipe from the event loop and results read back in order, several pages in
flight; and a capture packed by the worker (the distributed crawl's nodes) kept
as it came, byte for byte what the store would write."""

from __future__ import annotations

import asyncio

from test_storage_layout import sample_pages

from condition_archive.archive.codec import ZLIB, ZSTD
from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.worker import ExtractionPool
from condition_archive.extract import extract_page

HEADERS = {"content-type": "text/html; charset=utf-8"}


def _fetched(n: int, url: str, body: bytes) -> FetchedPage:
    return FetchedPage(url, 200, dict(HEADERS), body, f"2025-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00")


def test_two_workers_give_each_page_its_own_extract():
    pages = sample_pages()[:12]
    pool = ExtractionPool(2)

    async def all_at_once():
        return await asyncio.gather(*(pool.extract(_fetched(n, url, body), ()) for n, (url, body) in
                                      enumerate(pages)))

    try:
        out = asyncio.run(all_at_once())
    finally:
        pool.stop()
    assert [p.url for p in out] == [url for url, _ in pages]
    for page, (url, body) in zip(out, pages):
        assert page.failure is None and page.extract == extract_page(body, url, HEADERS)


def _archive_through(pool: ExtractionPool, path, pages, packed: bool = True) -> tuple[Archive, list[FetchedPage]]:
    db = open_archive(path)
    arc = Archive(db, now=lambda: "2025-01-01T00:00:00+00:00")
    arc.codecs.samples = 20  # the sample site is small; a real site trains after codec.DICT_SAMPLES
    crawl = start_crawl(db, [pages[0][0]], {}, "test")

    async def crawl_pages():
        done = []
        for n, (url, body) in enumerate(pages):
            page = await pool.extract(_fetched(n, url, body), ())
            page.packed = page.packed if packed else None  # None: the store compresses
            arc.record_page(crawl, page, page.extract, "test")
            done.append(page)
        return done

    try:
        return arc, asyncio.run(crawl_pages())
    finally:
        pool.stop()


def test_a_capture_the_worker_packed_is_kept_as_the_store_would_pack_it(tmp_path):
    pages = sample_pages()
    assert len(pages) > 25
    arc, done = _archive_through(ExtractionPool(1), tmp_path / "worker.db", pages)
    assert arc.codecs.site_dict("127.0.0.1") is not None  # trained after the 20th capture
    assert {p.packed.codec for p in done} == {ZLIB}  # the worker packs zlib (no dictionary there)
    conn = arc.db.conn
    for page in done:
        capture_id = conn.execute("SELECT id FROM captures WHERE sha256 = ?", [page.packed.sha256]).fetchone()[0]
        assert arc.codecs.read(capture_id) == page.body
    assert {r[0] for r in conn.execute("SELECT compression FROM captures")} == {ZSTD}  # all recompressed
    # The same captures, byte for byte, as the store compresses them itself.
    plain, _ = _archive_through(ExtractionPool(0), tmp_path / "store.db", pages, packed=False)
    query = "SELECT sha256, sha1_b32, compression, dict_id, body FROM captures ORDER BY id"
    assert conn.execute(query).fetchall() == plain.db.conn.execute(query).fetchall()
