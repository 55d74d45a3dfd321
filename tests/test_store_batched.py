"""The crawl's way of storing (one Archive, several pages per commit) writes the same
archive, row for row and table by table, as one transaction per write with a new
Archive each time (nothing carried from one write to the next); and a write that
fails, rolled back to its savepoint or with the whole batch, leaves nothing behind
that a later write could use.

The writes are the sample site's three crawls (2012, then 2025: changes, a move, a
removal, then 2025 again with 304s), extracted offline, as the crawl hands them to
the store: pages (a redirect's target with its hops), outcomes, a page whose
extraction failed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.archive.memo import Memo
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.crawl.worker import analyse_page
from condition_archive.extract import EXTRACTOR_VERSION
from condition_archive.extract.model import DateCandidate, Link, PageExtract
from condition_archive.sample_site.render_common import BASE as SITE_BASE
from condition_archive.sample_site.site import build_site

BASE = "http://127.0.0.1:8000"
NOW = "2026-01-01T00:00:00+00:00"
BATCH = 7  # pages per commit: batches begin and end all over the sequence


def _item(version: str, n: int, path: str, res, site: dict, round_: int):
    url = BASE + path
    at = f"20{12 + 13 * (version == '2025')}-0{round_ + 1}-01T00:{n // 60:02d}:{n % 60:02d}+00:00"
    if res.status == 301:
        target = site[res.location]
        fetched = _item(version, n, res.location, target, site, round_)
        fetched.redirects = [(url, 301)]
        return fetched
    if res.status in (404, 410):
        return Outcome(url, "gone", f"HTTP {res.status}", at, status=res.status, depth=1)
    if res.status != 200:
        return Outcome(url, "error", f"HTTP {res.status}", at, status=res.status, depth=1)
    if res.kind in ("binary", "text"):
        return Outcome(url, "skipped", "not a page", at, depth=2, referer=BASE + "/")
    if round_ == 2 and n % 2:
        return Outcome(url, "not-modified", "HTTP 304", at, status=304, depth=1,
                       headers={"etag": res.etag, "content-type": res.content_type})
    body = res.body.replace(SITE_BASE.encode(), BASE.encode())
    headers = {"content-type": res.content_type, "etag": res.etag, "content-length": str(len(body))}
    problem, extract, packed = analyse_page(body, url, headers, ())
    page = FetchedPage(url, 200, headers, body, at, depth=1 + path.count("/") % 2, referer=BASE + "/",
                       extract=extract, packed=packed)
    if round_ == 1 and n == 5:
        page.failure = "extraction crashed: ValueError"  # the raw bytes are kept, no version
    return page


@pytest.fixture(scope="module")
def rounds() -> list[list]:
    """Three crawls' writes, in the order a crawl could make them."""
    out = []
    for round_, version in enumerate(("2012", "2025", "2025")):
        site = build_site(version)
        out.append([_item(version, n, path, res, site, round_)
                    for n, (path, res) in enumerate(sorted(site.items()))])
    return out


def _write(archive: Archive, crawl_id: int, item):
    if isinstance(item, Outcome):
        return archive.record_outcome, (crawl_id, item)
    if item.failure:
        return archive.record_unextracted, (crawl_id, item, item.failure)
    return archive.record_page, (crawl_id, item, item.extract, EXTRACTOR_VERSION)


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every table's and view's rows (FTS5's shadow tables left out: how its index is cut
    into segments depends on when commits happen, what a search finds does not)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
            "AND name NOT GLOB '*_fts_*'")]
        out = {}
        for name in names:  # ordered by every column: rows that tie on the first come in any order
            width = len(conn.execute(f"SELECT * FROM [{name}] LIMIT 0").description)
            rowid = "rowid, " if name.endswith("_fts") else ""
            order = ", ".join(str(i) for i in range(1, width + 1 + bool(rowid)))
            out[name] = conn.execute(f"SELECT {rowid}* FROM [{name}] ORDER BY {order}").fetchall()
        for name in ("versions_fts", "cards_fts"):
            out[f"{name} MATCH"] = conn.execute(f"SELECT rowid FROM {name} WHERE {name} MATCH 'pain' "
                                                "ORDER BY rank, rowid").fetchall()
    finally:
        conn.close()
    for row in out["crawls"]:
        assert row[9] is not None  # pid
    out["crawls"] = [row[:9] + row[10:] for row in out["crawls"]]
    return out


def one_per_transaction(path: Path, rounds: list[list]) -> dict:
    """The plain way: a new Archive per write, each write its own transaction."""
    db = open_archive(path)
    for n, items in enumerate(rounds):
        crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
        for item in items:
            fn, args = _write(Archive(db, now=lambda: NOW), crawl_id, item)
            fn(*args)
        Archive(db, now=lambda: NOW).refresh_card_changes(crawl_id)
        crawls.finish_crawl(db, crawl_id, "finished", "finished", now=NOW)
    db.close()
    return tables(path)


def batch_writer(archive: Archive, pages: int) -> BatchWriter:
    """The store pipeline's writer (pipelines/store.py)."""
    return archive.batch_writer(pages, 3600.0)


def counts_agree(path: Path, crawl_id: int) -> bool:
    """What a reader sees: the crawl's page counts match its ledger (a kill leaves this)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counted = conn.execute("SELECT pages_new + pages_changed + pages_unchanged, not_modified "
                               "FROM crawls WHERE id = ?", [crawl_id]).fetchone()
        ledger = conn.execute("SELECT count(*) FILTER (WHERE outcome = 'fetched'), "
                              "count(*) FILTER (WHERE outcome = 'not-modified') FROM fetches "
                              "WHERE crawl_id = ?", [crawl_id]).fetchone()
    finally:
        conn.close()
    return counted == ledger


def _fail_once(conn: sqlite3.Connection, kind: str, write) -> None:
    """Run `write` with a trigger that makes its first ledger row fail (and no later
    one: the writes BatchWriter replays after a ROLLBACK go through)."""
    armed = [True]

    def fire() -> bool:
        was, armed[0] = armed[0], False
        return was
    conn.create_function("fail_once", 0, fire)
    conn.execute(f"CREATE TEMP TRIGGER fail_once BEFORE INSERT ON ledger WHEN fail_once() "
                 f"BEGIN SELECT RAISE({kind}, 'injected failure'); END")
    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        write()
    assert not armed[0]
    conn.execute("DROP TRIGGER IF EXISTS fail_once")  # a ROLLBACK took it with the batch
    assert not conn.in_transaction  # the batch before it was committed


def _bug_once(archive: Archive, write) -> None:
    """Run `write` with its ledger row failing once with a Python exception (a bug,
    not SQLite's), after the page's capture, version, blocks and links are written."""
    def failing(*args, **kwargs):
        del archive._ledger  # the class's again, for the writes replayed and the next ones
        raise ValueError("injected bug")
    archive._ledger = failing
    with pytest.raises(ValueError, match="injected bug"):
        write()
    assert "_ledger" not in vars(archive)
    assert not archive.db.conn.in_transaction  # the batch before it was written again, and committed


def batched(path: Path, rounds: list[list], fail: tuple[int, int, str] | None = None) -> dict:
    """The crawl's way: one Archive, BATCH writes per commit. `fail` = (round, item,
    RAISE kind or "bug"): that write fails once (a real SQLite error, from a trigger on
    the ledger, after its version, blocks and links are written; or a Python exception
    there), and is written again."""
    db = open_archive(path)
    archive = Archive(db, now=lambda: NOW)
    for n, items in enumerate(rounds):
        crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
        batch = batch_writer(archive, BATCH)
        for i, item in enumerate(items):
            fn, args = _write(archive, crawl_id, item)
            if fail and (n, i) == fail[:2] and fail[2] == "bug":
                _bug_once(archive, lambda: batch.write(fn, *args))
            elif fail and (n, i) == fail[:2]:
                _fail_once(db.conn, fail[2], lambda: batch.write(fn, *args))
            batch.write(fn, *args)
            if not db.conn.in_transaction:
                assert counts_agree(path, crawl_id)
        batch.commit()
        assert counts_agree(path, crawl_id)
        archive.refresh_card_changes(crawl_id)
        crawls.finish_crawl(db, crawl_id, "finished", "finished", now=NOW)
    db.close()
    return tables(path)


def _differences(got: dict, want: dict) -> list[str]:
    out = []
    for name in sorted(set(got) | set(want)):
        a, b = got.get(name, []), want.get(name, [])
        extra = [r for r in a if r not in set(b)]
        missing = [r for r in b if r not in set(a)]
        if a != b:
            out.append(f"{name}: {len(a)} rows against {len(want.get(name, []))}; "
                       f"first extra {extra[:1]!r:.300}, first missing {missing[:1]!r:.300}")
    return out


@pytest.fixture(scope="module")
def plain(rounds, tmp_path_factory) -> dict:
    return one_per_transaction(tmp_path_factory.mktemp("plain") / "archive.db", rounds)


def test_the_sample_site_is_written_alike_row_for_row(plain):
    assert plain["versions"] and plain["link_runs"] and plain["date_evidence"] and plain["card_changes"]
    changes = {row[4] for row in plain["changes"]}
    assert {"new", "changed", "moved", "removed"} <= changes
    outcomes = {row[4] for row in plain["fetches"]}
    assert {"fetched", "not-modified", "redirected", "gone", "error", "skipped"} <= outcomes


def test_batched_writes_make_the_same_archive_row_for_row(rounds, plain, tmp_path):
    got = batched(tmp_path / "archive.db", rounds)
    assert not _differences(got, plain), "\n".join(_differences(got, plain))
    assert got == plain


@pytest.mark.parametrize("kind", ["ABORT", "ROLLBACK", "bug"], ids=["statement", "whole-batch", "python"])
@pytest.mark.parametrize("where", [(0, 9), (1, 20)], ids=["first-crawl", "re-crawl"])
def test_a_failed_write_leaves_nothing_a_later_write_uses(rounds, plain, kind, where, tmp_path):
    """A write inside a batch has no savepoint: ABORT (the failing statement undone,
    the page's earlier statements not), ROLLBACK (SQLite's own, as on a full disk) and
    a Python exception all end with the whole batch rolled back, its earlier pages
    written again and committed. The failed write leaves no row (with a savepoint
    missing and nothing rolled back, the ABORT and the exception would leave half a
    page); the ids it made (link blocks, date sources, the next link id) are gone with
    it; and writing it again gives the same archive."""
    items = rounds[where[0]]
    assert isinstance(items[where[1]], FetchedPage) and items[where[1]].extract.links
    got = batched(tmp_path / "archive.db", rounds, fail=(*where, kind))
    assert not _differences(got, plain), "\n".join(_differences(got, plain))
    assert got == plain


# -- a lost batch: the ids it made, found or cached go with it --------------------

MENU = (Link("http://127.0.0.1:8000/", "Home", "nav"), Link("http://127.0.0.1:8000/a-z", "A to Z", "nav"))


def _page(n: int, links: tuple[Link, ...]) -> tuple[FetchedPage, PageExtract]:
    url = f"http://127.0.0.1:8000/p{n}"
    extract = PageExtract(url=url, kind="article", title=f"Page {n}", body_text=f"Text of page {n}.",
                          date_candidates=(DateCandidate("updated", "2024-01-0%d" % n, f"visible:Updated {n}", ""),),
                          links=links)
    body = f"<html><body><h1>Page {n}</h1><p>Text of page {n}.</p></body></html>".encode()
    return FetchedPage(url, 200, {"content-type": "text/html"}, body, NOW), extract


def _disk(conn: sqlite3.Connection) -> list[bool]:
    """A switch: while its one element is True every ledger row fails with a
    ROLLBACK (a disk that stays full), the writes BatchWriter replays included."""
    full = [False]
    conn.create_function("disk_full", 0, lambda: full[0])
    conn.execute("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON ledger WHEN disk_full() "
                 "BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END")
    return full


def test_after_a_lost_batch_no_write_uses_the_ids_it_had_made(tmp_path):
    """The menu block made by one page and found by the next (so kept in memory),
    the date sources and the site's dictionary trained in the batch are rolled back
    with it: the next page makes them again, and its links are its own."""
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    archive.codecs.samples = 2  # a dictionary after two captures: trained inside the batch
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    full = _disk(db.conn)
    batch = archive.batch_writer(50, 3600.0)
    for n in (1, 2):
        fetched, extract = _page(n, MENU)
        batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    assert db.execute("SELECT count(*) FROM capture_dicts").fetchone()[0] in (0, 1)
    fetched, extract = _page(3, MENU)
    full[0] = True
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    full[0] = False
    assert db.execute("SELECT count(*) FROM link_blocks").fetchone()[0] == 0
    other = (Link("http://127.0.0.1:8000/other", "Other", "main"),)
    fetched, extract = _page(4, other + MENU)
    batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    batch.commit()
    links = db.execute("SELECT href, text, region FROM links ORDER BY id").fetchall()
    assert links == [(link.href, link.text, link.region) for link in other + MENU]
    assert db.execute("SELECT field, source FROM date_candidates").fetchall() == [("updated", "visible:Updated 4")]
    compression, dict_id, body = db.execute("SELECT compression, dict_id, body FROM captures").fetchone()
    assert (compression, dict_id) == ("zlib", None)
    assert archive.codecs.read(1) == fetched.body
    assert db.execute("SELECT pages_new FROM crawls").fetchone()[0] == 1


def test_ids_count_once_their_transaction_committed():
    """What a rolled-back transaction made is forgotten, what a committed one made is
    kept through later rollbacks, and the newest id of a key wins (a site's retrained
    dictionary over its first)."""
    memo = Memo()
    memo.blocks[b"menu"] = 1
    assert memo.blocks.get(b"menu") == 1
    memo.rolled_back()
    assert memo.blocks.get(b"menu") is None
    memo.blocks[b"menu"] = 1
    memo.site_keys["h"] = (1, 10)
    memo.committed()
    memo.site_keys["h"] = (2, 20)
    assert memo.site_keys.get("h") == (2, 20)
    memo.rolled_back()
    assert (memo.blocks.get(b"menu"), memo.site_keys.get("h")) == (1, (1, 10))


def test_a_batch_that_ends_without_its_commit_takes_what_it_learnt(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    for n in (1, 2):
        fetched, extract = _page(n, MENU)
        batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    assert archive.memo.blocks.tentative and archive.memo.date_sources.tentative
    db.conn.execute("ROLLBACK")  # gone without BatchWriter seeing it fail
    batch.commit()
    assert not (archive.memo.blocks.tentative or archive.memo.date_sources.tentative or archive.memo.batch_open)


def test_the_version_row_kept_is_the_row_read_back(rounds, tmp_path):
    """The store compares a new version with the one before from the row it just
    inserted, not read back: the same values and types as SELECT * gives."""
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    pages = [item for item in rounds[1] if isinstance(item, FetchedPage) and item.extract][:5]
    with pytest.raises(LookupError), archive._write():
        db.conn.execute("PRAGMA defer_foreign_keys = ON")  # no pages 1-5: rolled back below
        for n, item in enumerate(pages, 1):
            version_id = archive._insert_version(n, crawl_id, None, item.extract, f"h{n}", EXTRACTOR_VERSION,
                                                 "crawl", None if n % 2 else item.fetched_at, number=1)
            kept = archive._version_row(version_id)
            assert kept is not None and kept == archive._version(version_id)
            assert [type(v) for v in kept.values()] == [type(v) for v in archive._version(version_id).values()]
        raise LookupError("roll back")


# -- a batch's link runs, written at its commit ----------------------------------

def _links(db, url: str) -> list[tuple]:
    return db.execute("SELECT l.href, l.text, l.region FROM links l JOIN pages p ON p.current_version_id = "
                      "l.version_id WHERE p.url = ? ORDER BY l.position", [url]).fetchall()


def test_a_batchs_link_runs_are_written_at_its_commit_without_a_failed_pages(tmp_path):
    """Inside a batch the pages' link_runs rows wait in memory and are written in one
    statement before its COMMIT; a page whose write failed (the batch rolled back and
    the pages before it written again) leaves none of its runs, nor any row."""
    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, [BASE], {}, EXTRACTOR_VERSION, now=NOW)
    batch = archive.batch_writer(50, 3600.0)
    own = {n: (Link(f"http://127.0.0.1:8000/own{n}", f"Own {n}", "main"),) for n in (1, 2, 3)}
    batch.write(archive.record_page, crawl_id, *_page(1, MENU + own[1]), EXTRACTOR_VERSION)
    assert db.execute("SELECT count(*) FROM link_runs").fetchone()[0] == 0  # waiting for the commit
    assert archive.memo.runs
    _fail_once(db.conn, "ABORT", lambda: batch.write(archive.record_page, crawl_id,
                                                     *_page(2, own[2] + MENU), EXTRACTOR_VERSION))
    assert not db.conn.in_transaction  # page 1 was committed before the failure, its runs with it
    assert len(_links(db, "http://127.0.0.1:8000/p1")) == 3 and not archive.memo.runs
    assert db.execute("SELECT count(*) FROM pages WHERE url LIKE '%/p2'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM link_runs").fetchone()[0] == 2  # page 1's, once
    batch.write(archive.record_page, crawl_id, *_page(2, own[2] + MENU), EXTRACTOR_VERSION)
    batch.write(archive.record_page, crawl_id, *_page(3, own[3]), EXTRACTOR_VERSION)
    batch.commit()
    for n, links in ((1, MENU + own[1]), (2, own[2] + MENU), (3, own[3])):
        assert _links(db, f"http://127.0.0.1:8000/p{n}") == [(k.href, k.text, k.region) for k in links]
    assert db.execute("SELECT count(*) FROM link_runs").fetchone()[0] == 5
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_link_runs_written_later_are_all_written_or_none(tmp_path):
    """write_runs is one savepoint: a row that fails takes the rows before it back, and
    the transaction stays open for the BatchWriter to commit or replay."""
    from condition_archive.archive import linkstore

    db = open_archive(tmp_path / "archive.db")
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")  # runs of versions and blocks this test does not make
    conn.execute("BEGIN")
    linkstore.write_runs(conn, [(1, 1, 1, 1)])
    with pytest.raises(sqlite3.IntegrityError):
        linkstore.write_runs(conn, [(2, 2, 1, 1), (3, 2, 2, 1), (4, 1, 1, 1)])  # the last: version 1's again
    assert conn.in_transaction
    assert conn.execute("SELECT id FROM link_runs").fetchall() == [(1,)]
    conn.execute("COMMIT")
