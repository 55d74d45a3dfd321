"""Security: only http(s) on the crawl's hosts (redirects included), hostile pages
stored as inert text that Datasette escapes, read-only SQL, nothing listening
beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO
from faults_server import HOSTILE_TITLE, FaultSite
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response

from condition_archive.archive import crawls, linkstore
from condition_archive.archive.db import open_archive
from condition_archive.extract import extract_page
from condition_archive.crawl.items import FetchedPage
from condition_archive.serve.metadata import build_metadata
from condition_archive.crawl.middleware import (
    RedirectGuardMiddleware,
    RefusedRequest,
    RequestGuardMiddleware,
    describe_failure,
)
from condition_archive.crawl.policy import refusal, seed_netloc
from condition_archive.archive.store import Archive

HOSTS = frozenset({"www.spine-health.com", "127.0.0.1"})
SEEDS = frozenset({"www.spine-health.com:443", "127.0.0.1:8765"})


@pytest.mark.parametrize("url, reason", [
    ("https://www.spine-health.com/a", None),
    ("http://www.spine-health.com/a", None),  # same host, other scheme: allowed
    ("http://127.0.0.1:8765/x", None),  # the seed's own loopback address
    ("http://127.0.0.1:22/", "private or loopback address that is not a seed: 127.0.0.1:22"),
    ("http://127.0.0.1/", "private or loopback address that is not a seed: 127.0.0.1:80"),
    ("http://localhost:8765/x", "other host: localhost"),
    ("http://10.0.0.1/admin", "other host: 10.0.0.1"),
    ("http://169.254.169.254/latest/meta-data/", "other host: 169.254.169.254"),
    ("http://[::1]:8765/", "other host: ::1"),
    ("https://evil.example/", "other host: evil.example"),
    ("https://www.spine-health.com.evil.example/", "other host: www.spine-health.com.evil.example"),
    ("https://user@evil.example/", "other host: evil.example"),
    ("file:///etc/passwd", "not http(s): file"),
    ("ftp://www.spine-health.com/x", "not http(s): ftp"),
    ("data:text/html,<script>alert(1)</script>", "not http(s): data"),
    ("gopher://www.spine-health.com/", "not http(s): gopher"),
    ("javascript:alert(1)", "not http(s): javascript"),
    ("http://www.spine-health.com:99999/", "malformed address"),
])
def test_refusal(url, reason):
    assert refusal(url, HOSTS, SEEDS) == reason


def test_seed_netloc_makes_the_port_explicit():
    assert seed_netloc("http://127.0.0.1/x") == "127.0.0.1:80"
    assert seed_netloc("https://WWW.Example.org/") == "www.example.org:443"


class _Spider:
    allowed_hosts = frozenset({"127.0.0.1"})
    seed_netlocs = frozenset({"127.0.0.1:8765"})


class _Stats:
    def inc_value(self, *a, **k) -> None:
        pass


class _Crawler:
    spider, stats = _Spider(), _Stats()


@pytest.mark.parametrize("location, refused", [
    (b"/other-page", None),
    (b"http://127.0.0.1:8765/ok", None),
    (b"http://localhost:8765/ok", "other host: localhost: http://localhost:8765/ok"),
    (b"http://127.0.0.1:6379/", "private or loopback address that is not a seed: 127.0.0.1:6379: http://127.0.0.1:6379/"),
    (b"file:///etc/passwd", "not http(s): file: file:///etc/passwd"),
    (b"//evil.example/x", "other host: evil.example: http://evil.example/x"),
])
def test_redirect_guard_stops_refused_redirects_before_they_become_requests(location, refused):
    request = Request("http://127.0.0.1:8765/a", meta={"handle_httpstatus_list": [304]})
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    assert RedirectGuardMiddleware(_Crawler()).process_response(request, response) is response
    assert request.meta.get("redirect_refused") == refused
    assert request.meta.get("dont_redirect", False) is bool(refused)
    if refused:
        assert 302 in request.meta["handle_httpstatus_list"]  # reaches the spider, which records it


def test_redirect_guard_refuses_meta_refresh_to_other_hosts():
    body = b"<html><head><meta http-equiv='refresh' content='0;url=http://evil.example/x'></head></html>"
    request = Request("http://127.0.0.1:8765/a")
    response = HtmlResponse(request.url, body=body, request=request)
    RedirectGuardMiddleware(_Crawler()).process_response(request, response)
    assert request.meta["refresh_refused"] == ("other host: evil.example", "http://evil.example/x")
    assert request.meta["dont_redirect"] is True


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "file:///etc/passwd", "http://127.0.0.1:1/"])
def test_request_guard_refuses_before_robots_txt_is_fetched(url):
    with pytest.raises(RefusedRequest, match="^refused: "):
        RequestGuardMiddleware(_Crawler()).process_request(Request(url))
    assert RequestGuardMiddleware(_Crawler()).process_request(Request("http://127.0.0.1:8765/x")) is None


def test_guards_run_before_robots_and_redirects_and_no_other_schemes_are_downloadable():
    from scrapy.utils.test import get_crawler

    from spiders.condition_center import ConditionCenterSpider

    settings = {k: v for k, v in vars(__import__("condition_archive.crawl.settings", fromlist=["x"])).items() if k.isupper()}
    crawler = get_crawler(ConditionCenterSpider, settings_dict=settings)
    mws = crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    robots = mws["scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"]
    assert mws["condition_archive.crawl.middleware.RequestGuardMiddleware"] < robots
    assert mws["condition_archive.crawl.middleware.RedirectGuardMiddleware"] > max(
        mws["scrapy.downloadermiddlewares.redirect.RedirectMiddleware"],
        mws["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"])
    assert mws["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    handlers = crawler.settings.getwithbase("DOWNLOAD_HANDLERS")
    assert {k for k, v in handlers.items() if v} == {"http", "https"}
    assert not crawler.settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not crawler.settings.getbool("TELNETCONSOLE_ENABLED")


@pytest.mark.parametrize("exc, outcome, reason", [
    (RefusedRequest("refused: other host: x"), "skipped", "refused: other host: x"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots-denied", "forbidden by robots.txt"),
    (IgnoreRequest("max redirections reached"), "error", "redirect loop: gave up after 0 redirects"),
    (ValueError("odd"), "error", "ValueError: odd"),
])
def test_describe_failure(exc, outcome, reason):
    assert describe_failure(exc, {}) == (outcome, reason)


# -- hostile pages in Datasette --------------------------------------------------

HOSTILE = f"""<!doctype html><html><head><title>{HOSTILE_TITLE.replace('<', '&lt;')}</title>
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">
<meta name="description" content="&lt;img src=x onerror=alert('desc')&gt;"></head>
<body onload="alert('body')"><main><article><h1>{HOSTILE_TITLE.replace('<', '&lt;')}</h1>
<p>By Jane Doe</p><p>Text &lt;script&gt;alert('text')&lt;/script&gt; and more words about back pain.</p>
<script>alert('inline')</script><a href="javascript:alert('link')">click</a>
<svg onload="alert('svg')"></svg></article></main></body></html>"""


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "archive.db"
    db = open_archive(path)
    crawl_id = crawls.start_crawl(db, ["http://127.0.0.1:8765/c"], {}, "test")
    url = "http://127.0.0.1:8765/hostile"
    page = extract_page(HOSTILE.encode(), url, {"content-type": "text/html"})
    fetched = FetchedPage(url, 200, {"content-type": "text/html"}, HOSTILE.encode(), "2024-01-01T00:00:00+00:00")
    Archive(db).record_page(crawl_id, fetched, page, "test")
    version_id = db.execute("SELECT max(id) FROM versions").fetchone()[0]
    with db.conn:
        linkstore.insert_links(db.conn, version_id, [("javascript:alert('stored')",
                                                      "<b onmouseover=alert('text')>x</b>", "main", "")],
                               first_position=99)
    db.close()
    return path


def datasette_get(db: Path, path: str):
    from datasette.app import Datasette

    async def go():
        return await Datasette([str(db)], metadata=build_metadata(db.stem)).client.get(path)

    return asyncio.run(go())


def test_the_hostile_title_is_stored_verbatim_as_text(hostile_archive):
    rows = datasette_get(hostile_archive, "/archive/versions.json?_shape=array").json()
    assert rows[0]["title"] == HOSTILE_TITLE
    assert "alert('inline')" not in rows[0]["body_text"]  # scripts are not text


@pytest.mark.parametrize("path", ["/archive/versions", "/archive/versions/1", "/archive/links",
                                  "/archive/pages", "/archive?sql=select+title,+body_text+from+versions"])
def test_datasette_html_escapes_stored_markup(hostile_archive, path):
    response = datasette_get(hostile_archive, path)
    assert response.status_code == 200
    html = response.text
    assert "<script>alert('title')" not in html and "&lt;script&gt;alert(" in html or "links" in path
    assert "onmouseover=alert" not in html.replace("&lt;b onmouseover=alert", "")
    assert "href=\"javascript:" not in html.lower() and "href='javascript:" not in html.lower()


@pytest.mark.parametrize("path", ["/archive/versions.json", "/archive/versions.json?_shape=array",
                                  "/archive/links.json?_shape=array"])
def test_datasette_json_is_served_as_json(hostile_archive, path):
    response = datasette_get(hostile_archive, path)
    assert response.headers["content-type"].startswith("application/json")
    json.loads(response.text)


@pytest.mark.parametrize("sql", [
    "DELETE FROM pages", "UPDATE versions SET title = 'x'", "DROP TABLE versions",
    "INSERT INTO crawls (status) VALUES ('x')", "ATTACH DATABASE '/tmp/x.db' AS x",
    "PRAGMA writable_schema = 1", "CREATE TABLE t (x)",
])
def test_datasette_sql_is_read_only(hostile_archive, sql):
    before = hostile_archive.read_bytes()
    response = datasette_get(hostile_archive, f"/archive.json?sql={sql}")
    assert response.status_code >= 400 or not response.json().get("ok", True)
    assert hostile_archive.read_bytes() == before


# -- nothing listens beyond 127.0.0.1 --------------------------------------------

def test_servers_bind_loopback_by_default():
    from condition_archive.cli import demo, serve
    from condition_archive.sample_site import SampleSite
    from condition_archive.serve.serve import datasette_command

    assert next(p for p in serve.params if p.name == "host").default == "127.0.0.1"
    assert "127.0.0.1" in datasette_command("a.db", Path("m.json"), "127.0.0.1", 8001)
    assert inspect.signature(SampleSite.__init__).parameters["host"].default == "127.0.0.1"
    assert "host" not in {p.name for p in demo.params}  # the demo is loopback only
    with FaultSite() as site:
        assert site.server.server_address[0] == "127.0.0.1"


def _listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if os.path.exists(table):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    """Socket inodes among the process's open files; a descriptor that closes
    while being listed (the crawl keeps working) is simply not counted."""
    inodes = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:  # the process just ended
        return inodes
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        if target.startswith("socket:"):
            inodes.add(target[8:-1])
    return inodes


@pytest.mark.crawl
def test_a_running_crawl_listens_on_nothing():
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("needs Linux /proc")
    code = ("import sys;from condition_archive.crawl.runner import CrawlOptions, run_crawl;"
            "run_crawl(CrawlOptions(urls=(sys.argv[1],), db=sys.argv[2], delay=0, log_level='ERROR', "
            "extra_settings={'DOWNLOAD_TIMEOUT': 10, 'RETRY_ENABLED': False}))")
    with FaultSite(slow_seconds=2.5) as site:
        db = Path(os.environ.get("TMPDIR", "/tmp")) / f"listen-{os.getpid()}.db"
        proc = subprocess.Popen([sys.executable, "-c", code, site.url("/a/slow"), str(db)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline, checked = time.monotonic() + 20, 0
            while proc.poll() is None and time.monotonic() < deadline:
                if site.hits["/a/slow"]:  # the crawl is up and waiting on its download
                    sockets = _socket_inodes(proc.pid)
                    assert not sockets & _listening_inodes()
                    checked += bool(sockets)  # while it still has its connections open
                time.sleep(0.2)
            assert proc.wait(timeout=30) == 0 and checked >= 2, proc.stderr.read()
        finally:
            proc.kill()
            for suffix in ("", "-wal", "-shm", ".lock"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
