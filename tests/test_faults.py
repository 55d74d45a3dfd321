"""Crawl a site that misbehaves in every way we know (tests/faults_server.py).

One crawl (its own process) shared by the tests: every fault must end as a ledger
row with its reason, transient ones retried with backoff, and the crawl must
finish with counts that match its ledger.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from faults_server import CENTER, FAULTS, HOSTILE_TITLE, OTHER_HOST_LINKS, FaultSite, crawl_with_settings

from condition_archive.crawl.policy import TrapGuard, TrapLimits

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

TIMEOUT = 0.5
MAXSIZE = 3_000_000
BACKOFF = 0.2
SETTINGS = {
    "DOWNLOAD_TIMEOUT": TIMEOUT, "DOWNLOAD_MAXSIZE": MAXSIZE, "DOWNLOAD_WARNSIZE": 0,
    "RETRY_BACKOFF_BASE": BACKOFF, "ARCHIVE_TRAP_MAX_QUERY_VARIANTS": 4, "ARCHIVE_TRAP_MAX_PATTERN_PAGES": 4,
}

# path -> (outcome, reason pattern) of the ledger row the crawl must leave.
EXPECTED = {
    CENTER: ("fetched", ""),
    "/a/ok": ("fetched", ""),
    "/a/server-error": ("error", r"^HTTP 500 \(after 2 retries\)$"),
    "/a/flaky": ("fetched", ""),
    "/a/slow": ("error", r"^timeout: .*took longer than 0.5 seconds.*\(after 2 retries\)$"),
    "/a/reset": ("error", r"^connection lost: .*\(after 2 retries\)$"),
    "/a/truncated": ("error", r"^truncated body: .*Content-Length.*\(after 2 retries\)$"),
    "/a/loop": ("error", r"^redirect loop: gave up after 10 redirects$"),
    "/a/missing": ("gone", r"^HTTP 404$"),
    "/a/removed": ("gone", r"^HTTP 410$"),
    "/a/huge": ("error", r"^too large: .*larger than download max size \(3000000\)"),
    "/a/huge-stream": ("error", r"^too large: .*DOWNLOAD_MAXSIZE \(3000000 bytes\)"),
    "/a/gzip-bomb": ("error", r"^too large: .*exceeded DOWNLOAD_MAXSIZE .*during decompression"),
    "/a/with-files": ("fetched", ""),
    "/files/guide.pdf": ("skipped", r"^not a page: \.pdf$"),
    "/img/spine.png": ("skipped", r"^not a page: \.png$"),
    "/download/guide": ("skipped", r"^not html: application/pdf$"),
    "/img/photo": ("skipped", r"^not html: image/png$"),
    "/a/cp1252": ("fetched", ""),
    "/a/no-charset": ("fetched", ""),
    "/a/unclosed": ("fetched", ""),
    "/a/nested-tables": ("fetched", ""),
    "/a/long-line": ("fetched", ""),
    "/a/empty": ("error", r"^empty body: HTTP 200 with no content$"),
    "/a/binary": ("skipped", r"^not html: looks like PDF$"),
    "/private/notes": ("robots-denied", r"^forbidden by robots.txt$"),
    "/calendar?month=2024-01": ("fetched", ""),
    "/calendar?month=2024-04": ("fetched", ""),
    "/calendar?month=2024-05": ("skipped", r"^crawl trap: more than 4 query variants of /calendar$"),
    "/events/2024/01/01": ("fetched", ""),
    "/events/2024/01/04": ("fetched", ""),
    "/events/2024/01/05": ("skipped", r"^crawl trap: more than 4 pages like /events/N/N/N$"),
    "/a/offsite-redirect": ("skipped", r"^redirect refused: other host: localhost: http://localhost:\d+/a/ok$"),
    "/a/port-redirect": ("skipped", r"^redirect refused: private or loopback address that is not a seed: 127.0.0.1:1: "),
    "/a/private-redirect": ("skipped", r"^redirect refused: other host: 10.255.255.1: http://10.255.255.1/internal$"),
    "/a/file-redirect": ("skipped", r"^redirect refused: not http\(s\): file: file:///etc/passwd$"),
    "/a/refresh-offsite": ("fetched", ""),
    "/a/hostile": ("fetched", ""),
}
EXTERNAL = {
    **{href: ("skipped", r"^other host: ") for href in OTHER_HOST_LINKS},
    "http://evil.example/steal": ("skipped", r"^meta refresh refused: other host: evil.example$"),
}


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    with FaultSite(slow_seconds=TIMEOUT * 6, huge_bytes=MAXSIZE + 500_000) as site:
        row = crawl_with_settings([site.url(CENTER)], db, SETTINGS, depth=20)
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        ledger = [dict(r) for r in conn.execute("SELECT * FROM fetches ORDER BY id")]
        yield {"row": row, "site": site, "base": site.base_url, "conn": conn, "ledger": ledger}
        conn.close()


# -- the crawl-trap policy, as a pure function --------------------------------------

def test_trap_guard_caps_query_variants_per_path():
    guard = TrapGuard(TrapLimits(max_query_variants=3))
    got = [guard.check(f"http://h/calendar?month={m}") for m in range(1, 6)]
    assert got[:3] == [None] * 3
    assert got[3:] == ["crawl trap: more than 3 query variants of /calendar"] * 2
    assert guard.check("http://h/calendar?month=1") is None  # a variant already counted
    assert guard.check("http://h/other?month=9") is None  # another path has its own budget


def test_trap_guard_caps_pages_that_differ_only_in_numbers():
    guard = TrapGuard(TrapLimits(max_pattern_pages=2))
    got = [guard.check(f"http://h/events/2024/01/{d:02d}") for d in range(1, 5)]
    assert got == [None, None] + ["crawl trap: more than 2 pages like /events/N/N/N"] * 2
    assert guard.check("http://h/conditions/upper-back-pain") is None


@pytest.mark.parametrize("url, reason", [
    ("http://h/a/b/a/b/a/b", "crawl trap: a path segment repeats 3 times"),
    ("http://h/" + "x" * 2100, "crawl trap: URL longer than 2083 characters"),
    ("http://h/conditions/a/b/c", None),
])
def test_trap_guard_refuses_loops_and_overlong_urls(url, reason):
    assert TrapGuard().check(url) == reason


def rows_for(faults, url):
    return [r for r in faults["ledger"] if r["url"] == url]


def test_every_fault_is_linked_and_expected():
    assert set(FAULTS) <= set(EXPECTED)


@pytest.mark.parametrize("path", list(EXPECTED))
def test_each_fault_ends_as_one_ledger_row_with_its_reason(faults, path):
    outcome, pattern = EXPECTED[path]
    rows = rows_for(faults, faults["base"] + path)
    assert [r["outcome"] for r in rows] == [outcome], rows
    assert re.search(pattern, rows[0]["reason"] or ""), rows[0]["reason"]


@pytest.mark.parametrize("url", list(EXTERNAL))
def test_links_and_refreshes_to_other_hosts_are_recorded_not_fetched(faults, url):
    outcome, pattern = EXTERNAL[url]
    rows = rows_for(faults, url)
    assert [r["outcome"] for r in rows] == [outcome] and re.search(pattern, rows[0]["reason"]), rows


def test_same_server_under_another_name_is_another_host(faults):
    rows = [r for r in faults["ledger"] if r["url"].startswith("http://localhost:")]
    assert [(r["outcome"], r["reason"]) for r in rows] == [("skipped", "other host: localhost")]


def test_crawl_finishes_and_its_counts_match_the_ledger(faults):
    row, ledger = faults["row"], faults["ledger"]
    assert (row["status"], row["finish_reason"]) == ("finished", "finished")
    assert row["errors"] == sum(r["outcome"] == "error" for r in ledger) == 9
    fetched = sum(r["outcome"] == "fetched" for r in ledger)
    assert row["pages_new"] + row["pages_changed"] + row["pages_unchanged"] == fetched
    assert all(r["reason"] for r in ledger if r["outcome"] != "fetched")
    assert "Traceback" not in row["log"]


def test_a_redirect_hop_names_the_url_that_redirected_it(faults):
    # Scrapy's redirect middlewares set the hop's Referer through the Referer spider
    # middleware; without it they drop the header and warn at every crawl's start.
    base = faults["base"]
    assert set(faults["site"].referers["/a/loop-b"]) == {base + "/a/loop"}
    assert base + "/a/loop-b" in faults["site"].referers["/a/loop"]  # the loop's second lap
    assert faults["site"].referers["/a/loop"][0] == base + CENTER  # the first: the page linking it
    assert "RefererMiddleware" not in faults["row"]["log"]


def test_transient_failures_are_retried_with_backoff(faults):
    site = faults["site"]
    assert site.hits["/a/flaky"] == 2
    first, second = site.times["/a/flaky"]
    assert second - first >= BACKOFF * 0.9
    assert site.hits["/a/server-error"] == 3  # RETRY_TIMES = 2
    gaps = [b - a for a, b in zip(site.times["/a/server-error"], site.times["/a/server-error"][1:])]
    assert gaps[1] >= 2 * BACKOFF * 0.9 and gaps[0] >= BACKOFF * 0.9  # exponential
    assert site.hits["/a/slow"] == 3
    # Permanent answers are not retried.
    assert site.hits["/a/missing"] == site.hits["/a/removed"] == site.hits["/a/empty"] == 1


def test_refused_and_skipped_targets_are_never_requested(faults):
    hits = faults["site"].hits
    for path in ("/files/guide.pdf", "/img/spine.png", "/private/notes", "/calendar?month=2024-05",
                 "/events/2024/01/05"):
        assert hits[path] == 0, path
    assert hits["/robots.txt"] == 1


def version(faults, path):
    row = faults["conn"].execute(
        "SELECT v.* FROM pages p JOIN versions v ON v.id = p.current_version_id WHERE p.url = ?",
        [faults["base"] + path]).fetchone()
    assert row, path
    return dict(row)


def test_wrong_and_missing_charsets_decode_to_the_right_text(faults):
    cp = version(faults, "/a/cp1252")
    assert cp["title"] == "Lifting \u2013 the basics"
    assert "Don\u2019t lift with a \u201crounded\u201d back" in cp["body_text"]
    assert "cp1252" in (cp["problem"] or "")
    plain = version(faults, "/a/no-charset")
    assert "Na\u00efve advice about caf\u00e9 chairs and the spine\u2019s curves." in plain["body_text"]


@pytest.mark.parametrize("path, title", [
    ("/a/unclosed", "Unclosed tags"), ("/a/nested-tables", "Nested tables"), ("/a/long-line", "One long line"),
])
def test_malformed_html_is_archived_with_its_text(faults, path, title):
    got = version(faults, path)
    assert got["title"] == title
    assert "Back pain is one of the most common reasons" in got["body_text"]


def test_long_line_page_is_kept_whole(faults):
    got = version(faults, "/a/long-line")
    assert got["body_text"].count("spine") == 350_000
    size = faults["conn"].execute("SELECT size FROM fetches WHERE url = ?", [faults["base"] + "/a/long-line"]).fetchone()
    assert size[0] > 2_000_000


def test_hostile_page_is_stored_as_text_and_its_links_not_followed(faults):
    got = version(faults, "/a/hostile")
    assert got["title"] == HOSTILE_TITLE
    assert "pwned" not in got["body_text"] and "onerror" not in got["body_text"]
    hrefs = [r[0] for r in faults["conn"].execute("SELECT href FROM links WHERE version_id = ?", [got["id"]])]
    js = [r for r in faults["ledger"] if r["url"].startswith("javascript:")]
    assert all((r["outcome"], r["reason"]) == ("skipped", "not http(s): javascript") for r in js)
    assert not any(h.startswith("javascript:") for h in hrefs) or js


@pytest.mark.parametrize("attempt, retry_after, wait", [
    (1, None, 0.5), (2, None, 1.0), (3, None, 2.0), (9, None, 5.0),  # doubling, capped
    (1, b"3", 3.0), (1, b"600", 5.0), (2, b"soon", 1.0),  # Retry-After honoured up to the cap
])
def test_backoff_doubles_and_honours_retry_after_up_to_the_cap(attempt, retry_after, wait):
    from scrapy.http import Request, Response
    from scrapy.settings import Settings

    from condition_archive.crawl.middleware import BackoffRetryMiddleware

    mw = BackoffRetryMiddleware(Settings({"RETRY_BACKOFF_BASE": 0.5, "RETRY_BACKOFF_MAX": 5.0}))
    retry = Request("http://h/x", meta={"retry_times": attempt})
    headers = {"Retry-After": retry_after} if retry_after else {}
    assert mw.backoff(retry, Response("http://h/x", status=503, headers=headers)) == wait
