"""Reading WARC records with warcio: the files of a WARC or WACZ, the records of a
file (going on past a corrupt one), and what each record says.

A WACZ is a zip whose archive/ folder holds WARC files; each is read as a WARC.
When warcio cannot read a record (bad gzip member, bad header, truncation) the
reader yields the failure with its offset, then looks for the next record start
(a gzip member header, or a "WARC/1." line) and goes on from there.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
READ_ERRORS = (ArchiveLoadFailed, zlib.error, EOFError, ValueError, OSError, IndexError)


class NotAWebArchive(ValueError):
    """A file that is neither a WARC nor a WACZ; the message says what to pass."""


def iso_date(warc_date: str) -> str:
    """A WARC-Date (or 14-digit CDX timestamp) as the archive writes times: UTC ISO 8601, seconds."""
    text = warc_date.strip()
    if text.isdigit() and len(text) >= 8:
        moment = datetime.strptime(text[:14].ljust(14, "0"), "%Y%m%d%H%M%S")
    else:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def sha1_b32(data: bytes) -> str:
    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def check_file(path: Path) -> None:
    """Raise NotAWebArchive unless `path` starts like a WARC, a gzipped WARC or a WACZ (zip)."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if not (head.startswith(b"PK") or head.startswith(GZIP_MAGIC[:2]) or head.startswith(b"WARC")):
        raise NotAWebArchive(f"{path} is not a WARC or WACZ file: pass a .warc, .warc.gz or .wacz")


def open_sources(path: Path) -> Iterator[tuple[str, io.BufferedIOBase]]:
    """(label, open binary file) of each WARC in `path`: itself, or a WACZ's members."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        with zipfile.ZipFile(path) as wacz:
            members = [n for n in wacz.namelist() if n.startswith("archive/") and ".warc" in n]
            if not members:
                raise NotAWebArchive(f"{path} is a zip without archive/*.warc files: pass a WACZ, a .warc or a .warc.gz")
            for name in sorted(members):
                with wacz.open(name) as member:
                    yield f"{path}!{name}", member
        return
    if not (head.startswith(GZIP_MAGIC[:2]) or head.startswith(b"WARC")):
        raise NotAWebArchive(f"{path} is not a WARC or WACZ file: pass a .warc, .warc.gz or .wacz")
    with path.open("rb") as fh:
        yield str(path), fh


@dataclass
class Failure:
    """A record warcio could not read, and why."""

    offset: int
    reason: str


def iter_records(fh) -> Iterator[tuple[int, object]]:
    """(offset, warcio record or Failure) for each record of a WARC file; a
    Failure is followed by the records after the next readable record start."""
    start = 0
    while True:
        fh.seek(start)
        iterator = ArchiveIterator(fh)
        offset = start
        try:
            for record in iterator:
                # get_record_offset reads to the record's end: keep the payload first.
                data = record.raw_stream.read()
                offset = start + iterator.get_record_offset()
                record.raw_stream = io.BytesIO(data)
                yield offset, record
                offset += iterator.get_record_length()  # where the next record starts
            return
        except READ_ERRORS as exc:
            reason = f"unreadable record: {type(exc).__name__}: {str(exc)[:200]}"
            yield offset, Failure(offset, reason)
            nxt = _next_start(fh, offset + 1)
            if nxt is None:
                return
            start = nxt


def _next_start(fh, after: int) -> int | None:
    """The offset of the next gzip member or WARC header at or after `after`."""
    fh.seek(after)
    pos, tail = after, b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        data = tail + chunk
        hits = [i for i in (data.find(GZIP_MAGIC), data.find(b"\n" + WARC_MAGIC)) if i >= 0]
        if hits:
            i = min(hits)
            return pos - len(tail) + i + (1 if data[i:i + 1] == b"\n" else 0)
        tail = data[-8:]
        pos += len(chunk)


def header(record, name: str) -> str:
    return (record.rec_headers.get_header(name) or "").strip()


def target_uri(record) -> str:
    return header(record, "WARC-Target-URI").strip("<>")


def http_headers(record) -> dict[str, str]:
    """The record's HTTP headers, lower-cased names, repeated ones joined like Scrapy's."""
    out: dict[str, str] = {}
    if record.http_headers is None:
        return out
    for name, value in record.http_headers.headers:
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def http_status(record) -> int | None:
    if record.http_headers is None:
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def payload(record, headers: dict[str, str]) -> tuple[bytes, str | None]:
    """(the body as the archive keeps it: after transfer and content decoding, the
    reason it cannot be trusted or None). The WARC-Payload-Digest, when SHA-1, is
    checked against the payload as sent: a mismatch is a truncated or corrupt record."""
    raw = record.raw_stream.read()
    declared = header(record, "WARC-Payload-Digest")
    if declared.lower().startswith("sha1:") and declared[5:].upper() != sha1_b32(raw):
        return b"", f"payload digest mismatch ({len(raw)} bytes read): truncated or corrupt record"
    encoding = headers.get("content-encoding", "").strip().lower() or None
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    if not (encoding or chunked):
        return raw, None
    try:
        if chunked:
            reader = ChunkedDataReader(io.BytesIO(raw), decomp_type=encoding)
        else:
            reader = DecompressingBufferedReader(io.BytesIO(raw), decomp_type=encoding)
        return reader.read(), None
    except Exception as exc:  # noqa: BLE001 - zlib, brotli and the chunk parser each raise their own
        return b"", f"cannot decode the {encoding or 'chunked'} body: {type(exc).__name__}: {exc}"
