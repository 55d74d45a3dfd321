"""The fetch ledger stored compactly: `fetches` is a view over `ledger`, where each
URL (requested or referring) is a `urls` id, a 304's ETag, Last-Modified and
Content-Type point at the page's earlier fetched row when they repeat it, the SHA-256
is read from the capture, and the HTTP headers of a 200 are a site-wide template
(`ledger_headers`) filled from the row's own columns. INSTEAD OF triggers
(schema/archive.yml) turn every INSERT, DELETE and UPDATE on the view into ledger
writes, so every writer (the store, imports, backfills, the distributed ingest)
writes the view as it wrote the table, and reads get back exactly what was written.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import date
from functools import lru_cache

import sqlite_utils

from .linkstore import url_id

# The columns of the fetches table before issue 16's session 6 (and of the view now).
COLUMNS = ("id", "crawl_id", "url", "fetched_at", "outcome", "reason", "status", "final_url", "etag",
           "last_modified", "content_type", "size", "sha256", "capture_id", "page_id", "depth", "referer",
           "source", "source_offset", "source_record", "http_headers")


def has_old_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'fetches'").fetchone()
    return bool(row) and row[0] == "table"


def apply_view(db: sqlite_utils.Database, schema: dict) -> None:
    """Create (or bring up to date) the fetches view and its triggers."""
    db.create_view("fetches", schema["views"]["fetches"]["sql"], replace=True)
    apply_triggers(db.conn, schema)


def apply_triggers(conn: sqlite3.Connection, schema: dict) -> None:
    """Make every trigger of the schema as it declares it, all in one transaction
    (begun here when the caller has none open)."""
    present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    if not conn.in_transaction:
        conn.execute("BEGIN")
    for name, sql in schema.get("triggers", {}).items():
        if present.get(name) == sql.strip():
            continue
        conn.execute(f"DROP TRIGGER IF EXISTS [{name}]")
        conn.execute(sql)


def migrate_old_table(db: sqlite_utils.Database, schema: dict) -> int:
    """Move an old archive's `fetches` table into the ledger through the new view,
    keeping every row's id and values, then drop it. Runs in one transaction (begun
    here when the caller has none open): a failure or a kill leaves the old table
    as it was. Returns the rows moved."""
    conn = db.conn
    columns = {r[1] for r in conn.execute("PRAGMA table_info(fetches)")}
    missing = set(COLUMNS) - columns
    if missing:
        raise sqlite3.DatabaseError(f"the fetches table lacks columns of the old layout: {', '.join(sorted(missing))}")
    if not conn.in_transaction:
        conn.execute("BEGIN")
    legacy = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
    conn.execute("PRAGMA legacy_alter_table = ON")  # leave views and triggers that name fetches alone
    try:
        conn.execute("ALTER TABLE fetches RENAME TO fetches_before_ledger")
    finally:
        conn.execute(f"PRAGMA legacy_alter_table = {legacy}")
    apply_view(db, schema)
    names = ", ".join(COLUMNS)
    moved = conn.execute(f"INSERT INTO fetches ({names}) SELECT {names} FROM fetches_before_ledger "
                         "ORDER BY id").rowcount
    conn.execute("DROP TABLE fetches_before_ledger")
    return moved


# -- the store's rows, written into ledger directly ---------------------------------
# What fetches_insert (schema/archive.yml) does for a row, done in Python: the trigger
# program is a third of the store's SQL time. Rows outside what this reproduces
# exactly (control characters in a validator, a fetched_at that is not a plain UTC
# time, values of unexpected types) return False and go through the view.

_INSERT_LEDGER = ("INSERT INTO ledger (crawl_id, url_id, fetched_at, outcome, reason, status, final_url, etag, "
                  "last_modified, content_type, size, sha256, capture_id, page_id, depth, referer_id, source, "
                  "source_offset, source_record, headers_id, http_headers, validators_from, derived) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_UTC = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\+00:00|Z)?", re.ASCII)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_CONTROL = re.compile(r"[\x00-\x1f]")
_HEADERS = (('"etag": ', "\x01"), ('"last-modified": ', "\x02"), ('"content-type": ', "\x03"),
            ('"content-length": ', "\x04"), ('"date": ', "\x05"))


def triggers_as_declared(conn: sqlite3.Connection, schema: dict, names) -> bool:
    """The archive's triggers `names` are the schema's, word for word (not made again
    by another tool): the store may then do their work itself."""
    present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    return all(present.get(name) == schema["triggers"][name].strip() for name in names)


# SHA-256 of the `fetches_insert` trigger (schema/archive.yml) that insert_row was
# written against. Edit the trigger and this no longer matches: the store goes back
# to writing through the view (right rows, slower) and tests/test_ledger_direct.py
# fails until insert_row is brought in line and this hash updated.
WRITTEN_FOR = "77e99103d526dfaad4157c4b90c13ee68bcd7426c5faa60fedecd463b5851245"


def trigger_is_current(conn: sqlite3.Connection, schema: dict) -> bool:
    """`fetches` is the view whose insert trigger insert_row reproduces: the archive's
    trigger is the schema's, and the schema's is the one insert_row was written for."""
    declared = schema["triggers"]["fetches_insert"].strip().encode()
    return (hashlib.sha256(declared).hexdigest() == WRITTEN_FOR
            and triggers_as_declared(conn, schema, ["fetches_insert"]))


def _quote(value) -> str | None:
    """SQLite's json_quote() of a text or NULL (None for the control characters it escapes its own way)."""
    if value is None:
        return "null"
    if type(value) is not str or _CONTROL.search(value):
        return None
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _http_date(at: str | None) -> str | None:
    """json_quote of the trigger's strftime() HTTP date of `fetched_at`."""
    if at is None:
        return "null"
    if type(at) is not str or _UTC.fullmatch(at) is None:
        return None
    day = _http_day(at[:10])  # the match's digits are where the pattern puts them
    hh, mm, ss = at[11:13], at[14:16], at[17:19]
    if day is None or hh > "23" or mm > "59" or ss > "59":  # two ASCII digits each: text compares as numbers do
        return None
    return f'"{day} {hh}:{mm}:{ss} GMT"'


@lru_cache(maxsize=512)  # a crawl's pages fall on a few days
def _http_day(ymd: str) -> str | None:
    """"Sun, 09 Mar 2025" of "2025-03-09"; None for a date the calendar lacks."""
    try:
        day = date(int(ymd[:4]), int(ymd[5:7]), int(ymd[8:10]))
    except ValueError:
        return None
    return f"{_DAYS[day.weekday()]}, {day.day:02d} {_MONTHS[day.month - 1]} {day.year:04d}"


def insert_row(conn: sqlite3.Connection, row: dict, templates=None, urls=None,
               capture_sha256: str | None = None) -> bool:
    """Write one fetches row (no id) into ledger, urls and ledger_headers as the view's
    trigger would; False (nothing written) when the view must do it. `templates`,
    `urls`: ledger_headers ids by template, urls ids by URL (dicts, or archive/memo.py's IdCaches).
    `capture_sha256`: the sha256 the row's capture is known to hold (the store found or
    made it by that digest in this write), so that it is not read back."""
    get = row.get
    headers, size = get("http_headers"), get("size")
    if get("id") is not None or not (_none_or(size, int) and _none_or(get("page_id"), int)
                                     and _none_or(get("capture_id"), int) and _none_or(get("url"), str)
                                     and _none_or(get("referer"), str) and _none_or(headers, str)):
        return False
    quoted = [_quote(row.get(k)) for k in ("etag", "last_modified", "content_type")]
    quoted += [_quote(None if size is None else str(size)), _http_date(row.get("fetched_at"))]
    if None in quoted:
        return False
    url, referer = url_id(conn, row.get("url"), urls), url_id(conn, row.get("referer"), urls)
    bits, template, headers_id, column = _header_bits(conn, headers, quoted, templates)
    validators = None
    if row.get("outcome") == "not-modified" and row.get("page_id") is not None:
        validators = conn.execute("SELECT max(id) FROM ledger WHERE page_id = ? AND outcome = 'fetched'",
                                  [row["page_id"]]).fetchone()[0]
    if validators is not None:
        old = conn.execute("SELECT etag, last_modified, content_type FROM ledger WHERE id = ?", [validators]).fetchone()
        for bit, key, value in zip((1, 2, 4), ("etag", "last_modified", "content_type"), old):
            bits |= bit if row.get(key) is not None and row[key] == value and type(value) is str else 0
    sha256, capture_id = row.get("sha256"), row.get("capture_id")
    if sha256 is not None and capture_id is not None and type(sha256) is str and sha256 == (
            capture_sha256 if capture_sha256 is not None else _capture_sha256(conn, capture_id)):
        bits |= 8
    conn.execute(_INSERT_LEDGER, [
        row.get("crawl_id"), url, row.get("fetched_at"), row.get("outcome"), row.get("reason"), row.get("status"),
        row.get("final_url"), None if bits & 1 else row.get("etag"), None if bits & 2 else row.get("last_modified"),
        None if bits & 4 else row.get("content_type"), size, None if bits & 8 else sha256, capture_id,
        row.get("page_id"), row.get("depth"), referer, row.get("source"), row.get("source_offset"),
        row.get("source_record"), headers_id, column, validators if bits & 7 else None, (bits & 31) or None])
    return True


def _none_or(value, kind: type) -> bool:
    return value is None or type(value) is kind


def _capture_sha256(conn: sqlite3.Connection, capture_id: int) -> str | None:
    return (conn.execute("SELECT sha256 FROM captures WHERE id = ?", [capture_id]).fetchone() or [None])[0]


def _header_bits(conn: sqlite3.Connection, headers: str | None, quoted: list[str],
                 templates) -> tuple[int, str | None, int | None, str | None]:
    """(bits 16 and 32, the template, its ledger_headers id, the http_headers column)
    of a row's headers: the template when filling it gives the headers back."""
    if headers is None:
        return 0, None, None, None
    template = headers
    for (name, mark), value in zip(_HEADERS, quoted):
        template = template.replace(name + value, name + mark)
    filled = template
    for (_, mark), value in zip(_HEADERS, quoted):
        filled = filled.replace(mark, value)
    if template == headers or filled != headers:
        return 0, template, None, headers
    if "\x05" not in template:
        return 16, template, None, template
    known = templates.get(template) if templates is not None else None
    if known is None:
        conn.execute("INSERT OR IGNORE INTO ledger_headers (template) VALUES (?)", [template])
        known = conn.execute("SELECT id FROM ledger_headers WHERE template = ?", [template]).fetchone()[0]
        if templates is not None:
            templates[template] = known
    return 48, template, known, None
