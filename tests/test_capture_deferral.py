"""A batch's captures compressed once: inside the store's batch a capture that would be
zlib waits uncompressed for the commit, so that a dictionary trained in the batch
compresses it with zstd only (codec.Codecs.deferred)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.extract import EXTRACTOR_VERSION
from test_store_batched import BASE, MENU, NOW, _page, counts_agree


def _bodies(n: int) -> list[bytes]:
    """Pages of one template with their own words: enough for zstd to train on."""
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(400)]
    head = "<html><head><title>Site</title></head><body><nav>Home | A to Z | About</nav><main>"
    return [(head + f"<h1>Page {k}</h1>" + " ".join(rng.choices(words, k=900)) + "</main></body></html>").encode()
            for k in range(n)]


def test_a_batch_compresses_its_captures_once(tmp_path, monkeypatch):
    """Inside a batch a capture that would be zlib is kept uncompressed until the
    commit: a site whose dictionary is trained in the batch has its samples compressed
    with zstd only, never zlib first; one that is not is zlib'd at the commit, the bytes
    a write of its own stores. Meanwhile the capture reads back as it was sent, and
    another connection sees none of the batch."""
    from condition_archive.archive import codec

    compressed = []
    real = codec.zlib.compress
    monkeypatch.setattr(codec.zlib, "compress", lambda *args: compressed.append(1) or real(*args))
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    archive.codecs.samples = 12
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    bodies = _bodies(14)
    for n, body in enumerate(bodies[:11]):
        fetched, extract = _page(n, MENU)
        batch.write(archive.record_page, crawl_id, replace(fetched, body=body), extract, EXTRACTOR_VERSION)
    assert db.execute("SELECT DISTINCT compression FROM captures").fetchall() == [(None,)]
    assert archive.codecs.read(5) == bodies[4] and counts_agree(tmp_path / "archive.db", crawl_id)
    assert sqlite3.connect(tmp_path / "archive.db").execute("SELECT count(*) FROM captures").fetchone()[0] == 0
    fetched, extract = _page(11, MENU)
    batch.write(archive.record_page, crawl_id, replace(fetched, body=bodies[11]), extract, EXTRACTOR_VERSION)
    batch.commit()  # the twelfth capture trained the dictionary: all twelve zstd
    assert db.execute("SELECT compression, count(*) FROM captures GROUP BY 1").fetchall() == [("zstd", 12)]
    assert not compressed
    other = Archive(db, now=lambda: NOW)  # another site, not trained: zlib at the commit
    batch = other.batch_writer(50, 3600.0)
    for n, body in enumerate(bodies[12:], 12):
        fetched, extract = _page(n, MENU)
        fetched = replace(fetched, url=fetched.url.replace("127.0.0.1", "localhost"), body=body)
        batch.write(other.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    assert len(compressed) == 0
    batch.commit()
    rows = db.execute("SELECT id, compression, stored_size, body FROM captures WHERE site = 'localhost' "
                      "ORDER BY id").fetchall()
    assert [(c, size, data) for _, c, size, data in rows] == [
        ("zlib", len(real(b, 9)), real(b, 9)) for b in bodies[12:]]
    assert [archive.codecs.read(i) for i, *_ in rows] == bodies[12:]



def test_a_failed_commit_keeps_the_batchs_captures_for_the_next_try(tmp_path):
    """The captures' zlib at the commit is all or nothing: when it fails half way (the
    captures deleted, not all inserted again) the commit tried again finds them as
    they were, and stores each once."""
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    bodies = _bodies(3)
    for n, body in enumerate(bodies):
        fetched, extract = _page(n, MENU)
        batch.write(archive.record_page, crawl_id, replace(fetched, body=body), extract, EXTRACTOR_VERSION)
    fail = [True]

    def first_time() -> bool:
        was, fail[0] = fail[0], False
        return was
    db.conn.create_function("first_time", 0, first_time)
    db.conn.execute("CREATE TEMP TRIGGER fail_captures BEFORE INSERT ON captures WHEN NEW.id = 2 AND first_time() "
                    "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        batch.commit()  # the batch is then committed as it was, and the failure raised
    assert not db.conn.in_transaction and not fail[0]
    rows = db.execute("SELECT id, compression FROM captures ORDER BY id").fetchall()
    assert [(c, archive.codecs.read(i)) for i, c in rows] == [("zlib", b) for b in bodies]
