"""The fetch ledger stored compactly (issue 16, session 6): `fetches` is a view over
`ledger`, `urls` and `ledger_headers`, written through INSTEAD OF triggers. Every row
reads back exactly as written (compared with the same writes into the old table),
304s repeat no URL text or validators, a site's header shape is stored once, deletes
and updates keep the rows that point at a deleted one right, and an old archive
migrates in one transaction or not at all."""

from __future__ import annotations

import json
import sqlite3
from email.utils import format_datetime
from datetime import datetime

import pytest

from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import ArchiveError, load_schema, open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.extract import extract_page
from condition_archive.webarchive.dated import DatedArchive, DatedCapture
from test_storage_layout import FETCH_COLUMNS, fetch_rows, make_old_ledger, sample_pages

LEDGER = "CREATE TABLE ledger (" + ", ".join(
    f"[{c}] {spec['type']}" for c, spec in load_schema()["tables"]["ledger"]["columns"].items()) + ")"
INSERT = f"INSERT INTO fetches ({FETCH_COLUMNS}) VALUES ({', '.join('?' * 21)})"


def http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso), usegmt=True)


def headers(n: int, at: str, size: int, **more) -> dict[str, str]:
    """A server's 200 headers in its own order, as Scrapy hands them over (lower case)."""
    return {"content-length": str(size), "server": "gensite", "date": http_date(at),
            "content-type": "text/html; charset=utf-8", "etag": f'"e{n}"',
            "last-modified": "Mon, 20 Jan 2025 12:00:00 GMT", "cache-control": "no-cache", **more}


def writes(arc: Archive, pages: list[tuple[str, bytes]]) -> None:
    """Every kind of ledger row a crawl, a re-crawl and an import write."""
    db = arc.db
    first = start_crawl(db, [pages[0][0]], {}, "test")
    for n, (url, body) in enumerate(pages[:12]):
        at = f"2025-01-01T00:00:{n:02d}+00:00"
        extra = {"x-note": "caf\u00e9 \u2713"} if n == 3 else {}  # non-ASCII: kept as written
        skew = http_date(f"2025-01-01T00:01:{n:02d}+00:00") if n == 4 else None  # a Date unlike fetched_at
        h = headers(n, at, len(body), **extra)
        if skew:
            h["date"] = skew
        redirects = [(url + "-old", 301)] if n == 5 else []
        fetched = FetchedPage(url=url, status=200, headers=h, body=body, fetched_at=at, depth=1,
                              referer=pages[0][0] if n else "", redirects=redirects)
        arc.record_page(first, fetched, extract_page(body, url, {"content-type": "text/html"}), "test")
    url, body = pages[12]
    arc.record_unextracted(first, FetchedPage(url=url, status=200, headers=headers(12, "2025-01-01T00:00:40+00:00",
                                              len(body)), body=body, fetched_at="2025-01-01T00:00:40+00:00"),
                           "worker died")
    for outcome, reason, status in (("error", "timeout", None), ("skipped", "other host", None),
                                    ("robots-denied", "robots.txt", None), ("gone", "HTTP 404", 404)):
        arc.record_outcome(first, Outcome(url=f"{pages[0][0]}/{outcome}", outcome=outcome, reason=reason,
                                          fetched_at="2025-01-01T00:00:50+00:00", status=status,
                                          referer=pages[0][0]))
    again = start_crawl(db, [pages[0][0]], {}, "test")
    for n, (url, _) in enumerate(pages[:12]):
        # a 304 repeating the 200's validators; one with another ETag; one with none
        h = {"etag": f'"e{n}"', "last-modified": "Mon, 20 Jan 2025 12:00:00 GMT"}
        h = {"etag": '"other"'} if n == 1 else {} if n == 2 else h
        arc.record_outcome(again, Outcome(url=url, outcome="not-modified", reason="HTTP 304", status=304,
                                          fetched_at=f"2025-02-01T00:00:{n:02d}+00:00", depth=1,
                                          referer=pages[0][0], headers=h))
    dated = DatedArchive(db, now=arc.now)
    url, body = pages[13]
    cap = DatedCapture(url, "2012-12-20T10:00:00+00:00", 200, headers(13, "2012-12-20T10:00:00+00:00", len(body)),
                       body, "site.warc.gz", "<urn:uuid:1>", 1234)
    dated.record_capture(start_crawl(db, [url], {"source": "import"}, "test"), cap,
                         extract_page(body, url, {"content-type": "text/html"}), None, "test", "import")


@pytest.fixture(scope="module")
def pages():
    return sample_pages()[:14]


@pytest.fixture
def both(tmp_path, pages):
    """The same writes into an archive of today's layout and into one whose fetches is
    the old table (what was written, as it was written)."""
    new, old = open_archive(tmp_path / "new.db"), open_archive(tmp_path / "old.db")
    with old.conn:
        make_old_ledger(old.conn, links=False)
    for db in (new, old):
        arc = Archive(db, now=lambda: "2025-01-01T00:00:00+00:00")
        arc.codecs.samples = 5  # train the dictionary: captures change codec mid-run
        writes(arc, pages)
    return new, old


def test_the_view_reads_back_every_row_as_written(both):
    new, old = both
    rows = fetch_rows(old.conn)
    outcomes = {r[4] for r in rows}
    assert {"fetched", "not-modified", "redirected", "error", "skipped", "robots-denied", "gone"} <= outcomes
    assert any(r[17] for r in rows)  # the import's source
    assert fetch_rows(new.conn) == rows
    assert new.execute("PRAGMA foreign_key_check").fetchall() == []


def test_repeated_values_are_stored_once(both):
    new, _ = both
    conn = new.conn
    urls = conn.execute("SELECT count(*), count(DISTINCT url) FROM urls").fetchone()
    assert urls[0] == urls[1] == conn.execute(  # the links' targets share the table
        "SELECT count(DISTINCT u) FROM (SELECT url AS u FROM fetches UNION SELECT referer FROM fetches "
        "WHERE referer IS NOT NULL UNION SELECT href FROM link_targets)").fetchone()[0]
    assert conn.execute("SELECT count(*) FROM ledger_headers").fetchone()[0] == 2  # the site's, and with x-note
    # 304s: the validators of the page's 200 where they repeat them, never another page's
    got = conn.execute("SELECT l.derived, l.etag, f.etag, l.validators_from, v.page_id = l.page_id FROM ledger l "
                       "JOIN fetches f ON f.id = l.id LEFT JOIN ledger v ON v.id = l.validators_from "
                       "WHERE l.outcome = 'not-modified' ORDER BY l.id").fetchall()
    assert got[0][:3] == (3, None, '"e0"') and got[0][4] == 1
    assert got[1][:4] == (None, '"other"', '"other"', None) and got[2][:4] == (None, None, None, None)
    assert all(row[0] == 3 and row[4] == 1 for row in got[3:])
    # 200s: the SHA-256 from the capture, the headers a template (a Date unlike fetched_at stays in the row)
    fetched = conn.execute("SELECT derived, headers_id, http_headers FROM ledger WHERE outcome = 'fetched' "
                           "ORDER BY id").fetchall()
    assert {row[0] for row in fetched} == {24} and len(fetched) == 13
    inline = [row for row in fetched if row[1] is None]
    assert len(inline) == 1 and "\u0005" not in inline[0][2] and "\x01" in inline[0][2]
    assert conn.execute("SELECT count(*) FROM ledger WHERE headers_id IS NOT NULL AND http_headers IS NOT NULL "
                        "OR sha256 IS NOT NULL AND capture_id IS NOT NULL").fetchone()[0] == 0


def test_odd_rows_written_by_hand_read_back_as_written(tmp_path):
    """Rows other programs or users might write: NULLs, empty strings, explicit ids,
    headers in another shape, a SHA-256 that is not the capture's, control characters."""
    new, old = open_archive(tmp_path / "new.db"), open_archive(tmp_path / "old.db")
    with old.conn:
        make_old_ledger(old.conn, links=False)
    compact = json.dumps({"etag": '"a"', "date": http_date("2025-01-01T00:00:00+00:00")}, separators=(",", ":"))
    weird = json.dumps({"etag": '"a\u0001"', "date": "\u0005"})
    rows = [
        (None,) * 21,
        (7, None, "", "", "", "", 0, "", "", "", "", 0, "", None, None, 0, "", "", 0, "", ""),
        (9, 1, "https://h/a", "2025-01-01T00:00:00+00:00", "fetched", "", 200, None, '"a"', None, None, 5,
         "not-the-capture's", None, None, 0, "https://h/", None, None, None, compact),
        (None, 1, "https://h/a", "2025-01-01T00:00:00+00:00", "fetched", "", 200, None, '"a\u0001"', None, None,
         5, None, None, None, 0, None, None, None, None, weird),
        (None, 1, "https://h/b", "not a date", "fetched", "", 200, None, None, None, None, None, None, None, None,
         0, "https://h/a", None, None, None, json.dumps({"date": "x", "etag": None})),
    ]
    for db in (new, old):
        with db.conn:
            db.execute("INSERT INTO crawls (id) VALUES (1)")
            db.conn.executemany(INSERT, rows)
    assert fetch_rows(new.conn) == fetch_rows(old.conn)


def test_deleting_or_updating_a_row_keeps_the_rows_that_repeat_it(both):
    new, old = both
    target = new.execute("SELECT validators_from FROM ledger WHERE derived & 3 ORDER BY id LIMIT 1").fetchone()[0]
    for db in (new, old):
        with db.conn:
            db.execute("DELETE FROM fetches WHERE id = ?", [target])
            db.execute("UPDATE fetches SET reason = 'checked by hand', url = 'https://h/renamed' WHERE id = ?",
                       [target + 1])
    assert fetch_rows(new.conn) == fetch_rows(old.conn)
    assert new.execute("SELECT count(*) FROM ledger WHERE validators_from = ?", [target]).fetchone()[0] == 0


def test_an_old_ledger_migrates_with_its_ids_or_not_at_all(both, tmp_path):
    new, old = both
    expected = fetch_rows(old.conn)
    path = old.conn.execute("PRAGMA database_list").fetchone()[2]
    old.close()
    conn = sqlite3.connect(path)
    conn.execute(LEDGER)  # as a first, failed attempt left it
    conn.execute("CREATE TRIGGER boom BEFORE INSERT ON ledger WHEN NEW.outcome = 'gone' "
                 "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    conn.commit()
    schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    with pytest.raises(ArchiveError, match="disk full"):
        open_archive(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert fetch_rows(conn) == expected and conn.execute("SELECT count(*) FROM ledger").fetchone()[0] == 0
    conn.execute("DROP TRIGGER boom")
    conn.commit()
    conn.close()
    db = open_archive(path)
    assert "fetches" in db.view_names() and fetch_rows(db.conn) == expected == fetch_rows(new.conn)
    assert db.execute("SELECT count(*) FROM ledger").fetchone()[0] == len(expected)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_ledger_url_id" in indexes and not {i for i in indexes if i.startswith("idx_fetches")}
