"""The extraction workers as the crawl drives them (issue 16): pages written to each
worker's pipe from the event loop and results read back in order, several pages in
flight; and the capture compressed once, by the worker, with the site's zstd
dictionary once the store has one, byte for byte what the store would write."""

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
    arc.codecs.on_dictionary = pool.use_dictionary  # what the store pipeline's signal does
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


def test_the_worker_compresses_with_the_sites_dictionary_and_the_store_keeps_its_bytes(tmp_path):
    pages = sample_pages()
    assert len(pages) > 25
    arc, done = _archive_through(ExtractionPool(1), tmp_path / "worker.db", pages)
    key = arc.codecs.site_dict("127.0.0.1")
    assert key is not None  # trained after the 20th capture
    codecs = [p.packed.codec for p in done]
    assert codecs[:20] == [ZLIB] * 20  # before the dictionary: zlib, as the samples are kept
    assert set(codecs[21:]) == {ZSTD} and {p.packed.dict_key for p in done[21:]} == {key}
    conn = arc.db.conn
    for page in done[21:]:
        stored, compression, dict_id = conn.execute(
            "SELECT body, compression, dict_id FROM captures WHERE sha256 = ?", [page.packed.sha256]).fetchone()
        assert (stored, compression, dict_id) == (page.packed.data, ZSTD, key[0])  # the worker's bytes
    for page in done:
        capture_id = conn.execute("SELECT id FROM captures WHERE sha256 = ?", [page.packed.sha256]).fetchone()[0]
        assert arc.codecs.read(capture_id) == page.body
    # The same captures, byte for byte, as the store compresses them itself.
    plain, _ = _archive_through(ExtractionPool(0), tmp_path / "store.db", pages, packed=False)
    query = "SELECT sha256, compression, dict_id, body FROM captures ORDER BY id"
    assert conn.execute(query).fetchall() == plain.db.conn.execute(query).fetchall()
