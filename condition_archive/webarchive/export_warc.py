"""`condition-archive export-warc`: the archive's captures back as a WARC/1.1 file.

Each capture in the fetch ledger (a 200 page, fetched live, imported or
backfilled) is a `response` record dated at its capture time, with the HTTP status
and headers it came with (transfer and content encodings removed: the body is the
decoded one the archive keeps) and WARC-Payload-Digest = the SHA-1 base32 the
archive keeps. A later capture of the same URL with the same bytes is a `revisit`
record (identical-payload-digest) pointing at the first, as crawlers write them.
warcio writes the file; pywb replays it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from io import BytesIO
from pathlib import Path

import sqlite_utils
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .. import __version__
from condition_archive.archive.codec import read_capture
from condition_archive.archive.history import when_bound
from condition_archive.archive.reprocess import url_glob

DROPPED = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}


@dataclass
class ExportResult:
    responses: int = 0
    revisits: int = 0


def _rows(db: sqlite_utils.Database, pattern: str | None, from_: str | None, to: str | None):
    sql = ("SELECT f.url, f.fetched_at, f.status, f.http_headers, f.content_type, f.etag, f.last_modified, "
           "f.capture_id, c.sha1_b32 FROM fetches f JOIN captures c ON c.id = f.capture_id "
           "WHERE f.outcome = 'fetched'")
    params: list = []
    if pattern:
        sql += " AND f.url GLOB ?"
        params.append(url_glob(pattern))
    if from_:
        when_bound(from_)  # NotFound for anything but a year, month, day or ISO time
        sql += " AND f.fetched_at >= ?"
        params.append(from_)
    if to:
        sql += " AND f.fetched_at <= ?"
        params.append(when_bound(to))
    return db.execute(sql + " ORDER BY f.fetched_at, f.id", params)


def http_headers(row: tuple) -> StatusAndHeaders:
    """The status line and headers a capture came with (or what the ledger kept of them)."""
    _, _, status, raw, content_type, etag, last_modified, _, _ = row
    if raw:
        pairs = [(k, v) for k, v in json.loads(raw).items() if k.lower() not in DROPPED]
    else:
        pairs = [(k, v) for k, v in (("Content-Type", content_type), ("ETag", etag),
                                     ("Last-Modified", last_modified)) if v]
    status = status or 200
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    return StatusAndHeaders(f"{status} {phrase}", pairs, protocol="HTTP/1.1")


def _warc_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_warc(db: sqlite_utils.Database, out: Path, pattern: str | None = None, from_: str | None = None,
                to: str | None = None) -> ExportResult:
    result = ExportResult()
    first: dict[tuple[str, int], tuple[str, str]] = {}  # (url, capture) -> (url, WARC-Date) of its response
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=out.name.endswith(".gz"), warc_version="WARC/1.1")
        writer.write_record(writer.create_warcinfo_record(out.name, {
            "software": f"condition-archive/{__version__} (warcio)", "format": "WARC File Format 1.1"}))
        for row in _rows(db, pattern, from_, to):
            url, fetched_at, capture_id, sha1 = row[0], row[1], row[7], row[8]
            date, headers = _warc_date(fetched_at), http_headers(row)
            earlier = first.get((url, capture_id))
            if earlier:
                record = writer.create_revisit_record(url, f"sha1:{sha1}", earlier[0], earlier[1],
                                                      http_headers=headers, warc_headers_dict={"WARC-Date": date})
                result.revisits += 1
            else:
                body = _body(db, capture_id)
                headers.replace_header("Content-Length", str(len(body)))
                record = writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers,
                                                   warc_headers_dict={"WARC-Date": date,
                                                                      "WARC-Payload-Digest": f"sha1:{sha1}"})
                first[(url, capture_id)] = (url, date)
                result.responses += 1
            writer.write_record(record)
    return result


def _body(db: sqlite_utils.Database, capture_id: int) -> bytes:
    return read_capture(db.conn, capture_id)  # zlib, or zstd with its site's dictionary
