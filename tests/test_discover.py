"""Center discovery against a publisher served on 127.0.0.1: robots.txt, a sitemap index, a gzipped
sitemap and an A-Z index page."""

from __future__ import annotations

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_cli

from condition_archive.crawl.discover import discover, hubs

CENTERS = ["back-pain", "neck-pain", "hip-pain"]
AZ_ONLY = ["knee-pain", "ankle-pain"]  # linked from the A-Z page, not in the sitemaps


def _urlset(base, paths):
    locs = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


def _site_files(base):
    pages = []
    for c in CENTERS:
        pages += [f"/conditions/{c}"] + [f"/conditions/{c}/article-{i}" for i in range(4)]
    pages += ["/about", "/news/2024/story-1", "/news/2024/story-2"]  # two children: not a hub
    index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/sitemaps/conditions.xml.gz</loc></sitemap>"
             f"<sitemap><loc>{base}/sitemaps/missing.xml</loc></sitemap></sitemapindex>")
    az = "".join(f'<li><a href="/conditions/{c}">{c}</a></li>' for c in CENTERS + AZ_ONLY)
    return {
        "/robots.txt": (b"User-agent: *\nDisallow: /private/\nSitemap: " + f"{base}/sitemap_index.xml".encode(),
                        "text/plain"),
        "/sitemap_index.xml": (index.encode(), "application/xml"),
        "/sitemaps/conditions.xml.gz": (gzip.compress(_urlset(base, pages).encode()), "application/gzip"),
        "/": (b'<html><body><a href="/conditions">Conditions A-Z</a><a href="/about">About</a></body></html>',
              "text/html"),
        "/conditions": (f"<html><body><h1>Conditions A to Z</h1><ul>{az}</ul>"
                        '<a href="/about">About</a></body></html>'.encode(), "text/html"),
    }


@pytest.fixture(scope="module")
def publisher():
    files = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body, ctype = files.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in files else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    files.update(_site_files(base))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


def test_sitemaps_and_the_az_page_give_every_center_with_evidence(publisher):
    centers = {c.url: c.evidence for c in discover(publisher)}
    assert set(centers) == {f"{publisher}/conditions/{c}" for c in CENTERS + AZ_ONLY}
    back = centers[f"{publisher}/conditions/back-pain"]
    assert any("conditions.xml.gz lists it and 4 pages below it" in e for e in back)
    assert any(f"linked from the condition index {publisher}/conditions (5 links" in e for e in back)
    knee = centers[f"{publisher}/conditions/knee-pain"]
    assert len(knee) == 1 and "condition index" in knee[0]


def test_the_cli_prints_centers_and_their_evidence(publisher):
    proc = run_cli("discover", publisher, "--json", "--match", "back|knee")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["url"].rsplit("/", 1)[-1] for r in rows] == ["back-pain", "knee-pain"]
    assert "missing.xml: HTTP 404" in proc.stderr
    bad = run_cli("discover", "http://127.0.0.1:9", check=False)
    assert bad.returncode != 0 and "cannot reach" in bad.stderr


def test_a_hub_needs_three_listed_pages_below_it():
    listed = {f"https://h/{p}": "s.xml" for p in ["a", "a/1", "a/2", "a/3", "b", "b/1", "b/2", "c/1/x"]}
    assert list(hubs(listed)) == ["https://h/a"]
