"""The store writes its fetch-ledger rows into `ledger` directly (ledger.insert_row)
instead of through the `fetches` view's INSTEAD OF trigger: the same rows, ids and
templates as the trigger writes, for every shape of row it takes, and the view for
the rest (issue 16, session 10)."""

from __future__ import annotations

import json
from email.utils import format_datetime
from datetime import datetime

import pytest

from condition_archive.archive import ledger
from condition_archive.archive.db import load_schema, open_archive
from test_storage_layout import FETCH_COLUMNS, fetch_rows

SHA = "ab" * 32
AT = "2025-03-09T23:59:07+00:00"


def http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def headers(at: str, size: int | None, **values) -> str:
    h = {"server": "gensite", "date": http_date(at), "content-type": "text/html; charset=utf-8",
         "etag": '"e1"', "last-modified": "Mon, 20 Jan 2025 12:00:00 GMT"}
    if size is not None:
        h["content-length"] = str(size)
    h.update(values)
    return json.dumps({k: v for k, v in h.items() if v is not None})


def row(n: int, **values) -> dict:
    base = {"crawl_id": 1, "url": f"https://h/p{n % 4}", "fetched_at": AT, "outcome": "fetched", "reason": "",
            "status": 200, "etag": '"e1"', "last_modified": "Mon, 20 Jan 2025 12:00:00 GMT",
            "content_type": "text/html; charset=utf-8", "depth": 1, "referer": "https://h/", "sha256": SHA,
            "capture_id": 1, "page_id": 1, "size": 10, "http_headers": headers(AT, 10)}
    base.update(values)
    return base


def not_modified(n: int, **values) -> dict:
    return row(n, outcome="not-modified", reason="HTTP 304", status=304, sha256=None, capture_id=None,
               size=None, http_headers=None, content_type=None, **values)


ROWS = [
    row(0), row(1), row(2, referer=""), row(3, referer=None), row(4, referer="https://h/p0"),
    row(5, url="https://h/p1", referer="https://h/p1"),  # a page that refers to itself
    row(6, fetched_at="2024-02-29T00:00:00Z", http_headers=headers("2024-02-29T00:00:00Z", 10)),
    row(7, fetched_at="2024-12-31T12:30:45", http_headers=headers("2024-12-31T12:30:45Z", 10)),
    row(8, http_headers=headers("2025-03-10T00:00:00+00:00", 10)),  # a Date unlike fetched_at
    row(9, etag='W/"a\\"b\\\\c"', http_headers=headers(AT, 10, etag='W/"a\\"b\\\\c"')),  # quotes, backslashes
    row(10, etag="caf\u00e9", http_headers=headers(AT, 10, etag="caf\u00e9")),  # non-ASCII: \u00e9 in the JSON
    row(11, etag="caf\u00e9", http_headers=json.dumps({"etag": "caf\u00e9", "date": http_date(AT)},
                                                      ensure_ascii=False)),
    row(12, http_headers=json.dumps(json.loads(headers(AT, 10)), separators=(",", ":"))),  # another shape
    row(13, http_headers=json.dumps({"etag": '"e1"'})),  # no Date: the template stays in the row
    row(14, etag=None, last_modified=None, content_type=None, size=None, http_headers=headers(AT, None)),
    row(15, http_headers=headers(AT, 10, **{"x-note": "\u2713"})),  # another template
    row(16, size=11), row(17, sha256="cd" * 32), row(18, capture_id=None), row(19, sha256=None),
    row(20, fetched_at=None, http_headers=json.dumps({"date": None, "etag": '"e1"'})),
    row(21, http_headers=None), row(22, url=None, outcome="error", status=None, http_headers=None),
    row(23, outcome="redirected", reason="HTTP 301 to https://h/p0", status=301, final_url="https://h/p0",
        sha256=None, capture_id=None, http_headers="{}"),
    not_modified(24), not_modified(25, etag='"other"'), not_modified(26, etag=None, last_modified=None),
    not_modified(27, page_id=None), not_modified(28, page_id=2),  # page 2 has no 200 yet
    row(29, outcome="skipped", reason="other host", status=None, page_id=None, sha256=None, capture_id=None,
        http_headers=None, depth=None),
]
# What the view takes and insert_row leaves to it: the trigger's own json_quote and strftime.
VIEW_ONLY = [
    row(30, etag='"a\u0001"', http_headers=headers(AT, 10, etag='"a\u0001"')),
    row(31, fetched_at="not a date"), row(32, fetched_at="2025-02-30T00:00:00+00:00"),
    row(33, fetched_at="2025-03-09T23:59:07.5+00:00"), row(34, fetched_at="2025-03-09T23:59:07+01:00"),
    row(35, size="10"), row(36, page_id="1"), {**row(37), "id": 500},
]


@pytest.fixture
def archives(tmp_path):
    dbs = []
    for name in ("view", "direct"):
        db = open_archive(tmp_path / f"{name}.db")
        with db.conn:
            db.execute("INSERT INTO crawls (id) VALUES (1)")
            db.execute("INSERT INTO captures (id, sha256) VALUES (1, ?)", [SHA])
            db.execute("INSERT INTO pages (id, url) VALUES (1, 'https://h/p0'), (2, 'https://h/p1')")
        dbs.append(db)
    return dbs


def stored(conn) -> list:
    return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in ("ledger", "urls", "ledger_headers")]


def write_view(conn, r: dict) -> None:
    columns = [c for c in FETCH_COLUMNS.split(", ") if c in r]
    conn.execute(f"INSERT INTO fetches ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                 [r[c] for c in columns])


def test_the_direct_rows_are_the_triggers_row_for_row(archives):
    view, direct = archives
    assert ledger.trigger_is_current(direct.conn, load_schema())
    templates: dict = {}
    for r in ROWS:
        write_view(view.conn, r)
        assert ledger.insert_row(direct.conn, r, templates), r
    for r in VIEW_ONLY:
        write_view(view.conn, r)
        assert not ledger.insert_row(direct.conn, r, templates), r
        write_view(direct.conn, r)
    assert stored(direct.conn) == stored(view.conn)
    assert fetch_rows(direct.conn) == fetch_rows(view.conn)
    derived = {r[0] for r in direct.execute("SELECT derived FROM ledger")}
    assert {None, 3, 8, 16, 24} <= derived  # validators, sha256, a template in the row or in ledger_headers
    assert direct.execute("SELECT count(*) FROM ledger WHERE headers_id IS NOT NULL").fetchone()[0] > 10
    assert direct.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_archive_whose_trigger_differs_is_written_through_the_view(archives):
    _, direct = archives
    with direct.conn:
        direct.execute("DROP TRIGGER fetches_insert")
    assert not ledger.trigger_is_current(direct.conn, load_schema())


def test_url_and_anchor_ids_of_a_lost_batch_are_not_used_again(tmp_path):
    """The store keeps the ids of URLs, link anchors and header templates it found or
    made (archive/memo.py); a batch lost whole (a full disk) takes them with it, and
    the pages written after it point at their own rows."""
    from condition_archive.archive import crawls
    from condition_archive.archive.store import Archive
    from condition_archive.extract import EXTRACTOR_VERSION
    from condition_archive.extract.model import Link
    from test_store_batched import MENU, NOW, _disk, _page

    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, ["http://127.0.0.1:8000/"], {}, EXTRACTOR_VERSION, now=NOW)
    full = _disk(db.conn)
    batch = archive.batch_writer(50, 3600.0)
    own = (Link("http://127.0.0.1:8000/own", "Own", "main"),)
    for n in (1, 2):
        fetched, extract = _page(n, own + MENU)
        fetched.headers = {"content-type": "text/html", "date": "Thu, 01 Jan 2026 00:00:00 GMT"}
        batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    assert archive.memo.urls.tentative and archive.memo.anchors.tentative and archive.memo.templates.tentative
    full[0] = True
    with pytest.raises(Exception, match="disk full"):
        batch.write(archive.record_page, crawl_id, *_page(3, own + MENU), EXTRACTOR_VERSION)
    full[0] = False
    assert not (archive.memo.urls.tentative or archive.memo.anchors.tentative or archive.memo.templates.tentative)
    assert db.execute("SELECT count(*) FROM urls").fetchone()[0] == 0
    other = (Link("http://127.0.0.1:8000/other", "Other", "main"),)
    fetched, extract = _page(4, other + own + MENU)
    fetched.headers = {"content-type": "text/html", "date": "Thu, 01 Jan 2026 00:00:00 GMT"}
    batch.write(archive.record_page, crawl_id, fetched, extract, EXTRACTOR_VERSION)
    batch.commit()
    links = db.execute("SELECT href, text, region FROM links ORDER BY id").fetchall()
    assert links == [(link.href, link.text, link.region) for link in other + own + MENU]
    assert db.execute("SELECT url, http_headers FROM fetches").fetchall() == [
        (fetched.url, json.dumps(fetched.headers))]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_edited_trigger_sends_the_store_back_to_the_view(archives):
    """insert_row reproduces one trigger text: a schema whose `fetches_insert` differs
    (edited without insert_row) is not taken as current, so rows go through the view."""
    _, direct = archives
    schema = load_schema()
    assert ledger.trigger_is_current(direct.conn, schema)
    trigger = schema["triggers"]["fetches_insert"].replace("INSERT INTO ledger", "INSERT  INTO ledger", 1)
    edited = {**schema, "triggers": {**schema["triggers"], "fetches_insert": trigger}}
    ledger.apply_triggers(direct.conn, edited)
    assert not ledger.trigger_is_current(direct.conn, edited)
    assert not ledger.trigger_is_current(direct.conn, schema)  # the archive's trigger is no longer the schema's


def test_a_capture_digest_the_caller_knows_gives_the_triggers_rows(archives):
    """insert_row told the sha256 its capture holds (capture_sha256) writes what the
    trigger writes, which reads it from captures: the digest left out when it repeats
    the capture's, kept when it differs."""
    view, direct = archives
    templates: dict = {}
    for r in ROWS:
        write_view(view.conn, r)
        assert ledger.insert_row(direct.conn, r, templates, capture_sha256=SHA if r["capture_id"] == 1 else None), r
    assert stored(direct.conn) == stored(view.conn)
    assert fetch_rows(direct.conn) == fetch_rows(view.conn)


def test_the_store_does_not_read_back_the_digest_of_the_capture_it_just_wrote(tmp_path):
    """record_page found or made its capture by its sha256: its ledger row says the
    digest is the capture's (derived bit 8) without a SELECT on captures for it."""
    from condition_archive.archive import crawls
    from condition_archive.archive.store import Archive
    from condition_archive.extract import EXTRACTOR_VERSION
    from test_store_batched import MENU, NOW, _page

    db = open_archive(tmp_path / "archive.db")
    archive = Archive(db, now=lambda: NOW)
    crawl_id = crawls.start_crawl(db, ["http://127.0.0.1:8000/"], {}, EXTRACTOR_VERSION, now=NOW)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    for n in (1, 2, 1):  # the third: a capture found again
        archive.record_page(crawl_id, *_page(n, MENU), EXTRACTOR_VERSION)
    db.conn.set_trace_callback(None)
    assert not [s for s in statements if s.startswith("SELECT sha256 FROM captures")]
    rows = db.execute("SELECT f.sha256 = c.sha256, l.sha256, l.derived & 8 FROM fetches f "
                      "JOIN captures c ON c.id = f.capture_id JOIN ledger l ON l.id = f.id ORDER BY f.id").fetchall()
    assert rows == [(1, None, 8)] * 3


def test_the_http_date_is_the_triggers_strftime_for_every_day_and_none_for_what_it_leaves_to_the_view():
    """_http_date (its day part kept per day) against the HTTP date of the same
    instant, a few thousand of them, and the times the calendar or the clock lacks."""
    from datetime import timedelta, timezone

    at = datetime(1999, 12, 25, 7, 8, 9, tzinfo=timezone.utc)
    for n in range(3000):
        iso = (at + timedelta(days=n, seconds=37 * n)).isoformat(timespec="seconds")
        for text in (iso, iso.replace("+00:00", "Z"), iso[:19]):
            assert ledger._http_date(text) == f'"{http_date(iso)}"', text
    for bad in ("2025-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2025-03-09T24:00:00Z", "2025-03-09T23:60:00Z",
                "2025-03-09T23:59:60Z", "2025-03-09T23:59:07+01:00", "2025-03-09 23:59:07", 20250309):
        assert ledger._http_date(bad) is None, bad
    assert ledger._http_date(None) == "null"
