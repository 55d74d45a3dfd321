"""A tiny site whose pages carry script in their text, for the "archived HTML is
never live HTML" checks; served on 127.0.0.1 and crawled like any center.

Its center links to two articles: one whose title and body hold `<script>` as text
(and whose sources give two different published dates), one that links on to an
article no center links to and to a page that answers 404.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAYLOAD = "<script>window.__pwned=1</script>"
ESCAPED = PAYLOAD.replace("<", "&lt;").replace(">", "&gt;")
HOSTILE_TITLE = f"{PAYLOAD} Injected title"
LIVE_SCRIPT = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">"

PARA = ("Upper back pain is common among office workers and is usually caused by posture, "
        "muscle strain or irritation of the joints between the ribs and the spine. ")


def _page(title: str, body: str, head: str = "") -> bytes:
    return (f"<!doctype html><html><head><title>{title}</title>{head}{LIVE_SCRIPT}</head>"
            f"<body><header><nav><a href=\"/\">Home</a></nav></header>"
            f"<main><article>{body}</article></main>"
            f"<footer><a href=\"/about\">About</a></footer></body></html>").encode()


def _article(title: str, extra: str = "", published: str = "2022-05-01", modified: str = "") -> bytes:
    paras = "".join(f"<p>{PARA * 3}</p>" for _ in range(4))
    changed = f', "dateModified": "{modified}"' if modified else ""
    head = ('<script type="application/ld+json">{"@context": "https://schema.org", '
            f'"@type": "Article", "headline": "x", "datePublished": "{published}"{changed}}}</script>')
    return _page(title, f"<h1>{title}</h1>{extra}{paras}", head)


def _card(path: str, title: str, teaser: str) -> str:
    return f'<li class="card"><a href="{path}"><h3>{title}</h3></a><p class="teaser">{teaser}</p></li>'


def _center() -> bytes:
    overview = (_card("/hostile/a1", f"{ESCAPED} Injected title", f"Teaser {ESCAPED}")
                + _card("/hostile/a2", "Plain article about posture", "A plain teaser."))
    treatment = (_card("/hostile/a4", "Stretching at work", "Five stretches.")
                 + _card("/hostile/a5", "Heat or ice", "Which helps when."))
    body = ("<h1>Hostile Center</h1><p>A center whose cards carry markup as text.</p>"
            f'<section><h2>Overview</h2><ul class="cards">{overview}</ul></section>'
            f'<section><h2>Treatment</h2><ul class="cards">{treatment}</ul></section>')
    return _page("Hostile Center", body)


PAGES = {
    "/hostile/center": _center(),
    "/hostile/a1": _article(
        f"{ESCAPED} Injected title",
        extra=f"<p class=\"byline\">Published: March 3, 2021</p><p>{ESCAPED} shown as text.</p>",
        published="2020-01-01"),
    "/hostile/a2": _article("Plain article about posture",
                            extra='<p>See <a href="/hostile/a3">the orphan article on desks</a> and '
                                  '<a href="/hostile/missing">the missing quiz</a>.</p>'),
    "/hostile/a3": _article("Orphan article on desks"),
    "/hostile/a4": _article("Stretching at work"),
    "/hostile/a5": _article("Heat or ice"),
}
# What the site serves after `bump()`: a4's updated date moves with not a word of its
# text changed, a5 is retitled: a "dates only" and a "metadata changed" version.
BUMPED = {**PAGES, "/hostile/a4": _article("Stretching at work", modified="2024-03-01"),
          "/hostile/a5": _article("Heat or ice: which helps when")}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.server.pages.get(self.path)
        if self.path == "/robots.txt":
            body, status, ctype = b"User-agent: *\nAllow: /\n", 200, "text/plain"
        elif body is None:
            body, status, ctype = b"<html><body><h1>Not found</h1></body></html>", 404, "text/html"
        else:
            status, ctype = 200, "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class HostileSite:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.pages = PAGES
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "HostileSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def bump(self) -> None:
        self.server.pages = BUMPED

    def url(self, path: str) -> str:
        return self.base_url + path
