"""A fault-injecting site on 127.0.0.1 (stdlib only), and a helper to crawl it.

    with FaultSite(slow_seconds=3, huge_bytes=4_000_000) as site:
        row = crawl_with_settings([site.url(CENTER)], db, {"DOWNLOAD_TIMEOUT": 0.5})
        site.hits["/a/flaky"] == 2

The center at CENTER links (in its main region) to one article per fault in
FAULTS; each path answers with the fault its name says. `hits` counts requests
per path (query included) and `times` keeps when each arrived.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO = Path(__file__).resolve().parent.parent
CENTER = "/conditions/faults"
HTML = "text/html; charset=utf-8"


def article(title: str, *paragraphs: str, head: str = "", extra: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs) or "<p>Plain text about the condition.</p>"
    return (f"<!doctype html><html><head><title>{title}</title>{head}</head><body>"
            f"<nav><a href='/'>Home</a></nav><main><article><h1>{title}</h1>"
            f"<p class='byline'>By Jane Doe, MD</p><time datetime='2024-03-01'>March 1, 2024</time>"
            f"{body}{extra}</article></main><footer><a href='/privacy'>Privacy</a></footer></body></html>")


TEXT = ("Back pain is one of the most common reasons people see a doctor, and most of it gets "
        "better with time, movement and simple care at home.")

# path -> (what the crawl should record, a short description). The center links to each.
FAULTS = {
    "/a/ok": "a normal article",
    "/a/server-error": "HTTP 500 every time",
    "/a/flaky": "HTTP 503 once, then the article",
    "/a/slow": "answers after slow_seconds (longer than the download timeout)",
    "/a/reset": "connection reset (TCP RST) after reading the request",
    "/a/truncated": "Content-Length says more than is sent",
    "/a/loop": "redirects to /a/loop-b, which redirects back",
    "/a/missing": "HTTP 404",
    "/a/removed": "HTTP 410",
    "/a/huge": "larger than the size limit, with Content-Length",
    "/a/huge-stream": "larger than the size limit, no Content-Length",
    "/a/gzip-bomb": "a small gzip body that inflates past the size limit",
    "/a/with-files": "an article linking PDFs and images",
    "/a/cp1252": "cp1252 bytes labelled utf-8",
    "/a/no-charset": "utf-8 bytes with no charset anywhere",
    "/a/unclosed": "unclosed tags everywhere",
    "/a/nested-tables": "tables nested 300 deep",
    "/a/long-line": "a 2 MB page on one line",
    "/a/empty": "an empty 200",
    "/a/binary": "a PDF served as text/html",
    "/private/notes": "disallowed by robots.txt",
    "/calendar?month=2024-01": "an endless calendar (query strings)",
    "/events/2024/01/01": "an endless calendar (paths)",
    "/a/offsite-redirect": "redirects to another host name (localhost)",
    "/a/port-redirect": "redirects to another port on the loopback address",
    "/a/private-redirect": "redirects to a private address",
    "/a/file-redirect": "redirects to file:///etc/passwd",
    "/a/refresh-offsite": "a meta refresh to another host",
    "/a/hostile": "script, on* attributes, javascript: links in the page",
}
OTHER_HOST_LINKS = ("http://other.example/page", "https://www.example.com/conditions/x")


def center_html(port: int) -> str:
    cards = "".join(f"<li><a href='{path}'>{desc}</a></li>" for path, desc in FAULTS.items())
    others = "".join(f"<li><a href='{href}'>Elsewhere</a></li>" for href in OTHER_HOST_LINKS)
    others += f"<li><a href='http://localhost:{port}/a/ok'>Same server, other name</a></li>"
    return (f"<!doctype html><html><head><title>Fault center</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><main><h1>Fault center</h1><p>{TEXT}</p>"
            f"<ul>{cards}{others}</ul></main><footer><a href='/privacy'>Privacy</a></footer></body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        pass  # resets and clients giving up mid-body are what this server is for


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: FaultSite

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        self.site._record(key, self.headers.get("Referer"))
        route = ROUTES.get(parts.path)
        if route is None and parts.path.startswith("/events/"):
            route = _events
        if route is None:
            return self.send(404, b"<html><body><p>Not found</p></body></html>")
        route(self, parts)

    def send(self, status: int, body: bytes = b"", ctype: str = HTML, headers: dict | None = None,
             length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _page(title, *paragraphs, **kw):
    return lambda h, parts: h.send(200, article(title, *paragraphs, **kw).encode())


def _flaky(h, parts):
    if h.site.hits["/a/flaky"] == 1:
        return h.send(503, b"<html><body>busy</body></html>")
    h.send(200, article("Flaky but fine", TEXT).encode())


def _slow(h, parts):
    time.sleep(h.site.slow_seconds)
    h.send(200, article("Slow page", TEXT).encode())


def _reset(h, parts):
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def _truncated(h, parts):
    body = article("Truncated", TEXT * 20).encode()
    h.close_connection = True
    h.send(200, body[: len(body) // 3], length=len(body))


def _huge(h, parts):
    filler = b"<p>" + b"x" * 1000 + b"</p>\n"
    body = article("Huge", TEXT).encode().replace(b"</main>", filler * (h.site.huge_bytes // len(filler)) + b"</main>")
    if parts.path == "/a/huge":
        return h.send(200, body)
    h.close_connection = True  # no Content-Length: the end of the connection ends the body
    h.send_response(200)
    h.send_header("Content-Type", HTML)
    h.send_header("Connection", "close")
    h.end_headers()
    for start in range(0, len(body), 65536):
        try:
            h.wfile.write(body[start:start + 65536])
        except OSError:
            return


def _gzip_bomb(h, parts):
    h.send(200, gzip.compress(b"<html><body>" + b" " * (h.site.huge_bytes * 3)), headers={"Content-Encoding": "gzip"})


def _with_files(h, parts):
    links = ("<ul><li><a href='/files/guide.pdf'>Guide (PDF)</a></li><li><a href='/img/spine.png'>Diagram</a></li>"
             "<li><a href='/download/guide'>Download the guide</a></li><li><a href='/img/photo'>Photo</a></li></ul>")
    h.send(200, article("Article with files", TEXT, extra=links).encode())


def _binary_file(h, parts):
    if parts.path.endswith(("png", "photo")):
        return h.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, ctype="image/png")
    h.send(200, b"%PDF-1.4\n" + b"0" * 500 + b"\n%%EOF", ctype="application/pdf")


def _cp1252(h, parts):
    text = "Don\u2019t lift with a \u201crounded\u201d back \u2013 bend your knees, caf\u00e9 owners too."
    h.send(200, article("Lifting \u2013 the basics", text, TEXT).encode("cp1252"), ctype="text/html; charset=utf-8")


def _no_charset(h, parts):
    text = "Na\u00efve advice about caf\u00e9 chairs and the spine\u2019s curves."
    h.send(200, article("Chairs and posture", text, TEXT).encode("utf-8"), ctype="text/html")


def _unclosed(h, parts):
    body = ("<html><head><title>Unclosed tags</title><body><main><article><h1>Unclosed tags"
            "<p>" + TEXT + "<p><b><i>Bold italic never closed<div><span><ul><li>one<li>two<table><tr><td>cell"
            "<p>" + TEXT + "</div></div></div></span></main></html>")
    h.send(200, body.encode())


def _nested_tables(h, parts):
    nest = "<table><tr><td>" * 300 + f"<p>{TEXT}</p>" + "</td></tr></table>" * 300
    h.send(200, article("Nested tables", TEXT, extra=nest).encode())


def _long_line(h, parts):
    words = ("spine " * 350_000).strip()
    h.send(200, article("One long line", TEXT, words).replace("\n", " ").encode())


def _binary(h, parts):
    h.send(200, b"%PDF-1.7\n" + bytes(range(256)) * 20, ctype="text/html")


def _calendar(h, parts):
    month = parse_qs(parts.query).get("month", ["2024-01"])[0]
    year, mon = (int(x) for x in month.split("-"))
    nxt = f"{year + mon // 12}-{mon % 12 + 1:02d}"
    h.send(200, article(f"Events {month}", TEXT, extra=f"<a href='/calendar?month={nxt}'>Next month</a>").encode())


def _events(h, parts):
    y, m, d = (int(x) for x in parts.path.split("/")[2:5])
    h.send(200, article(f"Events {y}-{m}-{d}", TEXT, extra=f"<a href='/events/{y}/{m:02d}/{d + 1:02d}'>Next day</a>").encode())


def _redirect(target):
    def route(h, parts):
        location = target(h) if callable(target) else target
        h.send(302, b"", headers={"Location": location})
    return route


def _refresh_offsite(h, parts):
    head = "<meta http-equiv='refresh' content='0; url=http://evil.example/steal'>"
    h.send(200, article("Refreshing page", TEXT, head=head).encode())


HOSTILE_TITLE = "<script>alert('title')</script>"


def _hostile(h, parts):
    extra = ("<script>document.title='pwned'</script><img src=x onerror=\"alert('img')\">"
             "<p onclick=\"alert('p')\">Click text &lt;script&gt;alert('body')&lt;/script&gt;</p>"
             "<a href=\"javascript:alert('link')\">A javascript link</a>"
             "<iframe src='http://evil.example/frame'></iframe>")
    title = HOSTILE_TITLE.replace("<", "&lt;").replace(">", "&gt;")
    h.send(200, article(title, TEXT, extra=extra).encode())


ROUTES = {
    "/robots.txt": lambda h, p: h.send(200, b"User-agent: *\nDisallow: /private/\n", ctype="text/plain"),
    CENTER: lambda h, p: h.send(200, center_html(h.site.port).encode()),
    "/a/ok": _page("An ordinary article", TEXT, TEXT),
    "/a/server-error": lambda h, p: h.send(500, b"<html><body>oops</body></html>"),
    "/a/flaky": _flaky,
    "/a/slow": _slow,
    "/a/reset": _reset,
    "/a/truncated": _truncated,
    "/a/loop": _redirect("/a/loop-b"),
    "/a/loop-b": _redirect("/a/loop"),
    "/a/missing": lambda h, p: h.send(404, b"<html><body>gone</body></html>"),
    "/a/removed": lambda h, p: h.send(410, b"<html><body>gone for good</body></html>"),
    "/a/huge": _huge,
    "/a/huge-stream": _huge,
    "/a/gzip-bomb": _gzip_bomb,
    "/a/with-files": _with_files,
    "/files/guide.pdf": _binary_file,
    "/img/spine.png": _binary_file,
    "/download/guide": _binary_file,
    "/img/photo": _binary_file,
    "/a/cp1252": _cp1252,
    "/a/no-charset": _no_charset,
    "/a/unclosed": _unclosed,
    "/a/nested-tables": _nested_tables,
    "/a/long-line": _long_line,
    "/a/empty": lambda h, p: h.send(200, b""),
    "/a/binary": _binary,
    "/private/notes": _page("Private notes", TEXT),
    "/calendar": _calendar,
    "/a/offsite-redirect": _redirect(lambda h: f"http://localhost:{h.site.port}/a/ok"),
    "/a/port-redirect": _redirect("http://127.0.0.1:1/admin"),
    "/a/private-redirect": _redirect("http://10.255.255.1/internal"),
    "/a/file-redirect": _redirect("file:///etc/passwd"),
    "/a/refresh-offsite": _refresh_offsite,
    "/a/hostile": _hostile,
}


class FaultSite:
    """The fault site on 127.0.0.1 (never another interface). A context manager."""

    def __init__(self, *, slow_seconds: float = 3.0, huge_bytes: int = 4_000_000, port: int = 0):
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.referers: dict[str, list[str | None]] = defaultdict(list)  # the Referer header of each request
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = _Server(("127.0.0.1", port), handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def _record(self, key: str, referer: str | None = None) -> None:
        with self._lock:
            self.hits[key] += 1
            self.times[key].append(time.monotonic())
            self.referers[key].append(referer)

    def __enter__(self) -> FaultSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


_CRAWL = """
import json, sys
from condition_archive.crawl.runner import CrawlOptions, run_crawl
args = json.loads(sys.argv[1])
row = run_crawl(CrawlOptions(urls=tuple(args["urls"]), db=args["db"], depth=args["depth"], delay=0,
                             resume=args["resume"], log_level="WARNING", extra_settings=args["settings"]))
print(json.dumps(row))
"""


def crawl_with_settings(urls: list[str], db: Path, settings: dict | None = None, *, depth: int = 1,
                        resume: bool = False, timeout: float = 120) -> dict:
    """Crawl in a fresh process with extra Scrapy settings; return the crawls row."""
    args = json.dumps({"urls": urls, "db": str(db), "depth": depth, "resume": resume, "settings": settings or {}})
    proc = subprocess.run([sys.executable, "-c", _CRAWL, args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if proc.returncode != 0:
        raise AssertionError(f"crawl exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-6000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row["log"] = proc.stderr
    return row
