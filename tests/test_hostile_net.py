"""Hostile network input (issue 13, items 1 and 8): names and spellings that resolve
to the machine itself, and a server that never ends its headers.

Every crawl here is a real crawl (its own process) of servers on 127.0.0.1.
"""

from __future__ import annotations

import socket
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import query, start_http, stop_http
from faults_server import crawl_with_settings

from condition_archive.crawl.netguard import is_public
from condition_archive.crawl.policy import is_private_host, private_seed_netlocs

pytestmark = pytest.mark.crawl


class Site:
    """A page at /c linking (main region) to /a and to `extra` URLs; /secret is what
    an attacker wants; /endless-headers sends header lines until the client hangs up."""

    def __init__(self, extra: tuple[str, ...] = ()):
        self.hits: Counter[str] = Counter()
        self.extra = extra
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1
                if self.path == "/endless-headers":
                    return self.endless()
                links = "".join(f"<li><a href='{u}'>link {i}</a></li>" for i, u in enumerate(("/a", *site.extra)))
                body = (f"<!doctype html><html><head><title>Page {self.path}</title></head><body><main>"
                        f"<h1>Page {self.path}</h1><p>Text about back pain and its care.</p><ul>{links}</ul>"
                        f"</main></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def endless(self) -> None:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
                line = b"X-Filler: " + b"a" * 100 + b"\r\n"
                try:
                    for _ in range(2_000_000):  # ~220 MB at most; the client hangs up long before
                        self.wfile.write(line * 100)
                        time.sleep(0.001)
                except OSError:
                    pass

        self.server = start_http(Handler)
        self.port = self.server.server_address[1]

    def close(self) -> None:
        stop_http(self.server)


@pytest.fixture
def secret():
    site = Site()
    yield site
    site.close()


SPELLINGS = ["127.1", "2130706433", "0x7f000001"]


def test_spellings_of_loopback_are_private_and_never_explicit_seeds():
    for host in SPELLINGS:
        assert is_private_host(host)
    assert private_seed_netlocs([f"http://{h}:80/" for h in SPELLINGS]) == frozenset()
    assert private_seed_netlocs(["http://127.0.0.1:8765/c", "http://example.org/"]) == {"127.0.0.1:8765"}
    assert not is_public("127.0.0.1") and not is_public("::ffff:127.0.0.1") and not is_public("10.1.2.3")
    assert not is_public("100.64.0.1") and not is_public("169.254.169.254") and is_public("93.184.216.34")


def test_seeds_spelling_loopback_otherwise_reach_nothing_on_the_machine(tmp_db, secret):
    site = Site(extra=tuple(f"http://{host}:{secret.port}/secret" for host in SPELLINGS))
    try:
        row = crawl_with_settings([f"http://{host}:{site.port}/c" for host in SPELLINGS], tmp_db)
    finally:
        site.close()
    assert sum(site.hits.values()) == 0 and sum(secret.hits.values()) == 0
    ends = query(tmp_db, "SELECT url, outcome, reason FROM fetches WHERE crawl_id = ?", row["id"])
    assert sorted(e["url"] for e in ends) == sorted(f"http://{h}:{site.port}/c" for h in SPELLINGS)
    assert all(e["outcome"] == "skipped" and "private or loopback" in e["reason"] for e in ends), ends
    assert query(tmp_db, "SELECT count(*) AS n FROM captures")[0]["n"] == 0


def _loopback_name() -> str | None:
    name = socket.gethostname()
    try:
        return name if socket.gethostbyname(name) == "127.0.0.1" and not is_private_host(name) else None
    except OSError:
        return None


@pytest.mark.skipif(_loopback_name() is None, reason="this machine's host name does not resolve to 127.0.0.1")
def test_a_name_resolving_to_loopback_is_refused_at_connection_time(tmp_db, secret):
    """The spelling says nothing here: only the address the name resolves to does."""
    name = _loopback_name()
    row = crawl_with_settings([f"http://{name}:{secret.port}/c"], tmp_db)
    assert sum(secret.hits.values()) == 0
    ends = query(tmp_db, "SELECT outcome, reason FROM fetches WHERE crawl_id = ?", row["id"])
    assert len(ends) == 1 and ends[0]["outcome"] == "skipped"
    assert f"{name.lower()}:{secret.port} resolves to a private or loopback address (127.0.0.1)" in ends[0]["reason"]


def test_allow_private_opens_that_host_and_port_only(tmp_db, secret):
    """The explicit setting lets a name resolving to loopback be crawled at its port;
    the page's link to another port of the same name is still refused."""
    site = Site(extra=(f"http://127.1:{secret.port}/secret",))
    try:
        row = crawl_with_settings([f"http://127.1:{site.port}/c"], tmp_db,
                                  {"ARCHIVE_ALLOW_PRIVATE": [f"127.1:{site.port}"]})
    finally:
        site.close()
    assert site.hits["/c"] == 1 and site.hits["/a"] == 1
    assert sum(secret.hits.values()) == 0
    ends = {e["url"]: e for e in query(tmp_db, "SELECT url, outcome, reason FROM fetches WHERE crawl_id = ?",
                                        row["id"])}
    refused = ends[f"http://127.1:{secret.port}/secret"]
    assert refused["outcome"] == "skipped" and "private or loopback" in refused["reason"]


def test_endless_response_headers_are_cut_and_recorded(tmp_db):
    site = Site(extra=("/endless-headers",))
    try:
        row = crawl_with_settings([f"http://127.0.0.1:{site.port}/c"], tmp_db, {"DOWNLOAD_TIMEOUT": 20})
    finally:
        site.close()
    assert row["status"] == "finished"
    ends = {e["url"].rsplit("/", 1)[-1]: e for e in
            query(tmp_db, "SELECT url, outcome, reason FROM fetches WHERE crawl_id = ?", row["id"])}
    assert ends["a"]["outcome"] == "fetched"
    assert ends["endless-headers"]["outcome"] == "error"
    assert ends["endless-headers"]["reason"].startswith("headers too large"), ends["endless-headers"]
    assert site.hits["/endless-headers"] == 1  # not retried


def test_canonical_url_is_one_spelling_for_pages_and_links():
    from condition_archive.crawl.policy import canonical_url

    assert canonical_url("HTTP://Example.ORG:80/café?q=a b#top") == "http://example.org/caf%C3%A9?q=a%20b"
    assert canonical_url("https://example.org:443") == "https://example.org/"
    assert canonical_url("http://example.org/caf%C3%A9") == "http://example.org/caf%C3%A9"  # idempotent
    assert canonical_url("mailto:a@b.org") == "mailto:a@b.org"


def test_stored_links_join_the_pages_they_lead_to(tmp_db):
    site = Site(extra=("/café", "/a b", "/x#frag"))
    try:
        crawl_with_settings([f"http://127.0.0.1:{site.port}/c"], tmp_db)
    finally:
        site.close()
    rows = query(tmp_db, "SELECT l.href, (SELECT count(*) FROM pages p WHERE p.url = l.href) AS joined "
                         "FROM links l JOIN pages c ON c.current_version_id = l.version_id "
                         "WHERE c.url LIKE '%/c' AND l.region = 'main'")
    assert len(rows) == 4 and all(r["joined"] == 1 for r in rows), rows
