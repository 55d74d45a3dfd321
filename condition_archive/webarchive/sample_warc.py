"""Write a WARC of a site served on 127.0.0.1 as a web archive would have kept it:
each page fetched (redirects not followed) and written with warcio as a
`response` record dated at the given capture time; a later capture with the same
payload is a `revisit` record (identical-payload-digest), as crawlers write them.

The demo uses it to give the sample site's 2012 version its real date; the tests
and the benchmark build their web-archive collections with it.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from datetime import datetime
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .records import sha1_b32

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "date",
              "server"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002 - urllib's signature
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of one GET, without following a redirect."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, list(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, list(exc.headers.items()), exc.read()


def warc_date(when: datetime | str) -> str:
    text = when if isinstance(when, str) else when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text.replace("+00:00", "Z")


class SiteWarc:
    """An open WARC being written; `capture(url, when)` adds one record."""

    def __init__(self, path: Path):
        self.path = path
        self._fh = path.open("wb")
        self.writer = WARCWriter(self._fh, gzip=path.suffix == ".gz", warc_version="WARC/1.1")
        self._seen: dict[tuple[str, str], tuple[str, str]] = {}  # (url, digest) -> (record id, date)

    def capture(self, url: str, when: datetime | str) -> int:
        status, headers, body = fetch(url)
        kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
        date = warc_date(when)
        digest = sha1_b32(body)
        earlier = self._seen.get((url, digest))
        if earlier and status == 200:
            record = self.writer.create_revisit_record(url, f"sha1:{digest}", earlier[0], earlier[1],
                                                       http_headers=http, warc_headers_dict={"WARC-Date": date})
        else:
            record = self.writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http,
                                                    warc_headers_dict={"WARC-Date": date})
            self._seen[(url, digest)] = (url, date)
        self.writer.write_record(record)
        return status

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "SiteWarc":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def write_site_warc(path: Path, base_url: str, paths: Iterable[str], when: datetime | str) -> Path:
    """One capture of each path at `when` into a new WARC."""
    with SiteWarc(path) as warc:
        for p in paths:
            warc.capture(base_url.rstrip("/") + p, when)
    return path
