"""Serve the generated site (gensite.py) on 127.0.0.1, fast enough not to be the bottleneck.

Every page is rendered once into memory when the server starts (and again when
the change fraction is switched); a request is a dict lookup and one write on a
keep-alive connection, one thread per connection (stdlib ThreadingHTTPServer).
Responses carry an ETag and a fixed Last-Modified and answer If-None-Match (which
wins) or If-Modified-Since with 304. Every byte written to the sockets is counted.

    with GenSite(layout_for(5000)) as site:     # site.base_url, site.stats()
        site.set_change_fraction(0.1)            # 10% of pages get new body text
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from collections import Counter
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from gensite import ROOT, Generator, Layout, SitePage

ROBOTS = b"User-agent: *\nDisallow: /admin/\n"
NOT_FOUND = b"<!DOCTYPE html><html><head><title>Not found</title></head><body><p>Not found</p></body></html>"


def not_modified(page: SitePage, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110: If-None-Match decides when present, else If-Modified-Since."""
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or page.etag in tags
    if if_modified_since:
        try:
            return parsedate_to_datetime(page.last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


class _Counting:
    """The handler's socket writer, counting every byte it writes."""

    def __init__(self, raw, add):
        self.raw, self.add = raw, add

    def write(self, data) -> int:
        written = self.raw.write(data)
        self.add(len(data))
        return written

    def __getattr__(self, name):
        return getattr(self.raw, name)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        pass  # crawlers hang up mid-response at shutdown; stay quiet


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "gensite"
    sys_version = ""
    # Headers and body in one buffered write, no Nagle: otherwise every response
    # waits for the client's delayed ACK (40 ms) and the server caps at ~25 pages/s
    # per connection.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    site: GenSite

    def setup(self) -> None:
        super().setup()
        self.wfile = _Counting(self.wfile, self.site._add_bytes)

    def log_message(self, format: str, *args) -> None:
        pass

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def _respond(self, *, send_body: bool) -> None:
        with self.site._busy():
            self._respond_now(send_body=send_body)

    def _respond_now(self, *, send_body: bool) -> None:
        if self.site.delay:
            time.sleep(self.site.delay)  # the latency of a real server (bench/scale_bench.py)
        path = urlsplit(self.path).path or "/"
        page = self.site.pages.get(path)
        if page is None:
            body, status, ctype = (ROBOTS, 200, "text/plain") if path == "/robots.txt" else \
                (NOT_FOUND, 404, "text/html; charset=utf-8")
            self._send(status, ctype, body, None, send_body)
        elif not_modified(page, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")):
            self._send(304, None, b"", page, False)
        else:
            self._send(200, "text/html; charset=utf-8", page.body, page, send_body)

    def _send(self, status: int, ctype: str | None, body: bytes, page: SitePage | None,
              send_body: bool) -> None:
        self.site._record(status)
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        if page is not None:
            self.send_header("ETag", page.etag)
            self.send_header("Last-Modified", page.last_modified)
            self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)


class GenSite:
    """The generated site served on 127.0.0.1; a context manager."""

    def __init__(self, layout: Layout, port: int = 0, change_fraction: float = 0.0, seed: int = 7,
                 host: str = "127.0.0.1", delay: float = 0.0):
        self.generator = Generator(layout, seed)
        self.port = port
        self.host = host  # another loopback address (127.0.0.2 ...) is another host to a crawler
        self.delay = delay  # seconds each response waits before it is sent
        self.in_flight = self.max_in_flight = 0  # requests being answered at once (politeness check)
        self.change_fraction = change_fraction
        self.pages: dict[str, SitePage] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.reset_stats()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the generated site is not running: use it in a with block")
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def root_url(self) -> str:
        return self.base_url + ROOT

    def set_change_fraction(self, fraction: float) -> int:
        """Re-render with `fraction` of centers and articles altered; returns how many."""
        changed = self.generator.changed_paths(fraction)
        self.pages = self.generator.render_all(self.base_url, changed)  # one atomic swap
        self.change_fraction = fraction
        return len(changed)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = {"requests": 0, "bytes_sent": 0, "status": Counter(),
                           "first_at": None, "last_at": None}

    def stats(self) -> dict:
        """requests, bytes_sent, status {code: n}, window_s (first to last request)."""
        with self._lock:
            s = dict(self._stats, status=dict(self._stats["status"]))
        s["window_s"] = (s["last_at"] - s["first_at"]) if s["first_at"] is not None else 0.0
        return s

    def _record(self, status: int) -> None:
        now = time.perf_counter()
        with self._lock:
            self._stats["requests"] += 1
            self._stats["status"][status] += 1
            if self._stats["first_at"] is None:
                self._stats["first_at"] = now
            self._stats["last_at"] = now

    @contextmanager
    def _busy(self):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= 1

    def _add_bytes(self, count: int) -> None:
        with self._lock:
            self._stats["bytes_sent"] += count

    def start(self) -> GenSite:
        if self._server is not None:
            return self
        handler = type("GenSiteHandler", (_Handler,), {"site": self})
        self._server = _Server((self.host, self.port), handler)
        self.set_change_fraction(self.change_fraction)
        self._thread = threading.Thread(target=self._server.serve_forever, name="gensite",
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

    def __enter__(self) -> GenSite:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
