"""Serve the sample site on 127.0.0.1, one version at a time (stdlib only).

    with SampleSite("2012") as site:
        crawl(site.base_url + "/conditions/upper-back-pain")
        site.set_version("2025")
        crawl(...)
        assert site.stats["status"][304] > 0

Responses carry an ETag (hash of the page body) and a Last-Modified date fixed
per page (its updated/published date, not the clock), honour If-None-Match
(which wins) and If-Modified-Since with 304, and say their charset. Note that an
UNCHANGED article keeps its Last-Modified across versions while its template
changed: a client sending only If-Modified-Since gets a 304 for it, one sending
the ETag gets the new bytes.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .model import VERSIONS
from .render_common import BASE
from .site import Resource, build_site, resolve

LOOPBACK = ("127.0.0.1", "localhost")
LOG_LIMIT = 10_000


def _http_date(iso: str) -> datetime:
    year, month, day = (int(part) for part in iso.split("-"))
    return datetime(year, month, day, 12, 0, tzinfo=timezone.utc)


def is_not_modified(res: Resource, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 evaluation: If-None-Match decides when present, else If-Modified-Since."""
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return "*" in tags or any(tag.removeprefix("W/") == res.etag for tag in tags)
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return _http_date(res.last_modified) <= since
    return False


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # clients hanging up mid-response are normal for crawlers; stay quiet


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm on, a
    # keep-alive client waits for the delayed ACK on every response.
    disable_nagle_algorithm = True
    server_version = "Apache"
    sys_version = ""
    site: SampleSite  # set on the subclass made per SampleSite

    def log_message(self, format: str, *args) -> None:
        pass  # no stderr line per request

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_POST(self) -> None:
        self.site._record("POST", urlsplit(self.path).path, 405)
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _respond(self, *, send_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        version = self.site.version
        res = resolve(version, path)
        base = self.site.base_url
        if res.status == 200 and is_not_modified(
            res, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        ):
            self.site._record(self.command, path, 304)  # before the client can see the answer
            self.send_response(304)
            self._validators(res)
            self.end_headers()
            return
        body = res.body.replace(BASE.encode(), base.encode())
        self.site._record(self.command, path, res.status)
        self.send_response(res.status)
        self.send_header("Content-Type", res.content_type)
        self.send_header("Content-Length", str(len(body)))
        if res.status == 200:
            self._validators(res)
        if res.location:
            self.send_header("Location", base + res.location)
        self.send_header("X-Generator" if version == "2025" else "X-Powered-By",
                         "Drupal 10 (https://www.drupal.org)" if version == "2025" else "SH-CMS/3.2")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _validators(self, res: Resource) -> None:
        self.send_header("ETag", res.etag)
        self.send_header("Last-Modified", format_datetime(_http_date(res.last_modified), usegmt=True))
        self.send_header("Cache-Control", "no-cache")


class SampleSite:
    """The bundled two-version sample site, served on 127.0.0.1. A context manager."""

    def __init__(self, version: str = "2025", host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in LOOPBACK:
            raise ValueError(f"The sample site only listens on 127.0.0.1, not {host!r}.")
        self._check(version)
        self._version = version
        self._port = port
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stats = self._empty_stats()

    @staticmethod
    def _check(version: str) -> None:
        if version not in VERSIONS:
            raise ValueError(f"Unknown sample site version {version!r}: use one of {', '.join(VERSIONS)}.")

    @staticmethod
    def _empty_stats() -> dict:
        return {"requests": 0, "status": Counter(), "paths": Counter(), "log": []}

    @property
    def version(self) -> str:
        with self._lock:
            return self._version

    def set_version(self, version: str) -> None:
        """Switch the served version live; requests after this call see the new site."""
        self._check(version)
        with self._lock:
            self._version = version

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("The sample site is not running: call start() or use it in a with block.")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def stats(self) -> dict:
        """A snapshot: requests, status {code: n}, paths {path: n}, log [(method, path, status, version)]."""
        with self._lock:
            return copy.deepcopy(self._stats)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = self._empty_stats()

    def _record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._stats["requests"] += 1
            self._stats["status"][status] += 1
            self._stats["paths"][path] += 1
            if len(self._stats["log"]) < LOG_LIMIT:
                self._stats["log"].append((method, path, status, self._version))

    def start(self) -> SampleSite:
        if self._server is not None:
            return self
        for version in VERSIONS:
            build_site(version)  # render up front: the first request should not pay for it
        handler = type("SampleSiteHandler", (_Handler,), {"site": self})
        self._server = _QuietServer(("127.0.0.1", self._port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="sample-site",
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
