"""`condition-archive import FILE...`: WARC and WACZ files into the archive, dated by WARC-Date.

Each record is one of:
- a `response` with an HTTP status: archived as `Ingest.capture` does (a 200 HTML
  page becomes a capture at its WARC-Date; 3xx, 304, 404/410, other statuses and
  non-HTML bodies are ledger rows saying so);
- a `revisit`: resolved to the capture it points at (by its payload digest, else by
  WARC-Refers-To-Target-URI and -Date) and archived as that body captured at the
  revisit's date;
- anything else (request, metadata, warcinfo, resource, conversion): a "skipped"
  ledger row naming the record type;
- unreadable or truncated: an "error" ledger row with the reason, and reading goes
  on with the next record.

Every ledger row says where it came from (file, record offset, WARC-Record-ID). A
record whose WARC-Record-ID (or, unreadable, file and offset) is already in the
ledger is passed over, so importing a file twice adds nothing, and an import
killed halfway finishes when run again.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from condition_archive.crawl.policy import canonical_url
from condition_archive.archive.codec import read_capture
from condition_archive.archive.rows import utc_now
from .dated import DatedCapture, already_recorded
from .ingest import Ingest
from .records import (READ_ERRORS, Failure, header, http_headers, http_status, iso_date, iter_records,
                      open_sources, payload, target_uri)

UNRESOLVED = "revisit of a record not in the archive"
NOT_CAPTURES = {"request", "metadata", "warcinfo", "resource", "conversion", "continuation"}


@dataclass
class ImportResult:
    files: int = 0
    records: int = 0
    already: int = 0
    summary: str = ""


def import_files(db: sqlite_utils.Database, paths: list[Path], day_first_sites: tuple[str, ...] = ()
                 ) -> ImportResult:
    ingest = Ingest(db, "import", [], {"files": [str(p) for p in paths]}, day_first_sites)
    result = ImportResult()
    for path in paths:
        for label, fh in open_sources(path):
            result.files += 1
            for offset, record in iter_records(fh):
                result.records += 1
                if not _import_record(ingest, label, offset, record):
                    result.already += 1
    ingest.finish(f"imported {result.records - result.already} records from {len(paths)} files")
    result.summary = ingest.summary()
    return result


def _import_record(ingest: Ingest, label: str, offset: int, record) -> bool:
    """Archive one record; False when the ledger already has it."""
    record_id = f"{Path(label).name}@{offset}" if isinstance(record, Failure) else header(record, "WARC-Record-ID")
    record_id = record_id or f"{Path(label).name}@{offset}"
    unresolved = _unresolved_revisit(ingest.db, record_id)
    if already_recorded(ingest.db, record_id) and unresolved is None:
        return False
    if isinstance(record, Failure):
        cap = DatedCapture("", utc_now(), None, {}, b"", label, record_id, offset)  # when it was read
        ingest.outcome(cap, "error", record.reason)
        return True
    try:
        cap, problem = _capture(ingest, label, offset, record_id, record)
    except READ_ERRORS + (zlib.error,) as exc:
        cap = DatedCapture(target_uri(record), _date(record), None, {}, b"", label, record_id, offset)
        cap.url = cap.url or f"{label}@{offset}"
        ingest.outcome(cap, "error", f"unreadable record: {type(exc).__name__}: {str(exc)[:200]}")
        return True
    if unresolved is not None:
        if problem and problem[1].startswith(UNRESOLVED):
            return False  # still nothing to resolve it to
        ingest.db.execute("DELETE FROM fetches WHERE id = ?", [unresolved])  # its original has come since
    if problem:
        ingest.outcome(cap, *problem)
    else:
        ingest.capture(cap)
    return True


def _unresolved_revisit(db: sqlite_utils.Database, record_id: str) -> int | None:
    """The ledger row of a revisit read before its original was in the archive."""
    row = db.execute("SELECT id FROM fetches WHERE source_record = ? AND outcome = 'skipped' AND reason LIKE ? "
                     "LIMIT 1", [record_id, UNRESOLVED + "%"]).fetchone()
    return row[0] if row else None


def _date(record) -> str:
    try:
        return iso_date(header(record, "WARC-Date"))
    except ValueError:
        return ""


def _capture(ingest: Ingest, label: str, offset: int, record_id: str, record
             ) -> tuple[DatedCapture, tuple[str, str] | None]:
    """The capture a record holds, and (outcome, reason) when it is not one to archive."""
    kind = record.rec_type
    url = target_uri(record)
    url = canonical_url(url)
    cap = DatedCapture(url or f"{label}@{offset}", _date(record), http_status(record), http_headers(record),
                       b"", label, record_id, offset)
    if kind in NOT_CAPTURES or kind not in ("response", "revisit"):
        return cap, ("skipped", f"WARC {kind} record")
    if not cap.captured_at:
        return cap, ("error", f"WARC-Date missing or unreadable: {header(record, 'WARC-Date')!r}")
    if cap.status is None and kind == "response":
        return cap, ("skipped", "WARC response record without an HTTP response (not a web page)")
    if kind == "revisit":
        return _revisit(ingest, cap, record)
    cap.body, problem = payload(record, cap.headers)
    if problem:
        return cap, ("error", problem)
    return cap, None


def _revisit(ingest: Ingest, cap: DatedCapture, record) -> tuple[DatedCapture, tuple[str, str] | None]:
    """A revisit archived as the body it points at, captured at the revisit's date."""
    digest = header(record, "WARC-Payload-Digest").split(":", 1)[-1].upper()
    db = ingest.db
    row = db.execute("SELECT c.id FROM captures c WHERE c.sha1_b32 = ?", [digest]).fetchone()
    if row is None:
        refers = header(record, "WARC-Refers-To-Target-URI").strip("<>") or cap.url
        when = header(record, "WARC-Refers-To-Date")
        row = db.execute(
            "SELECT c.id FROM fetches f JOIN captures c ON c.id = f.capture_id "
            "WHERE f.url = ? AND f.fetched_at = ? LIMIT 1",
            [canonical_url(refers), iso_date(when) if when else ""]).fetchone()
    if row is None:
        return cap, ("skipped", f"{UNRESOLVED} (sha1:{digest})")
    original = db.execute("SELECT http_headers, status FROM fetches WHERE capture_id = ? AND http_headers IS NOT NULL "
                          "ORDER BY id LIMIT 1", [row[0]]).fetchone()
    if original and original[0]:
        cap.headers = {**json.loads(original[0]), **cap.headers}
    if cap.status is None:
        cap.status = original[1] if original else 200
    cap.body = read_capture(db.conn, row[0])
    return cap, None
