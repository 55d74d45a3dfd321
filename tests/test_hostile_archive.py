"""Hostile archive paths and files (issue 13, items 4, 5 and 9; issue 14's lock and
empty-database findings): names with URI characters, other programs' databases,
FIFOs, hard links, a seed that redirects past the hop limit.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import REPO, free_port, query, run_cli, start_http, stop_http
from test_hostile_net import Site

from condition_archive.archive import crawls
from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.archive.db import APPLICATION_ID, ArchiveError, integrity_ok, open_archive, sqlite_uri


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def _schema(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_sqlite_uri_escapes_what_sqlite_would_read_as_uri_syntax(tmp_path):
    uri = sqlite_uri(tmp_path / "a#b?c%41 d.db", mode="ro")
    assert uri.endswith("/a%23b%3Fc%2541%20d.db?mode=ro")


@pytest.mark.crawl
def test_an_archive_named_with_uri_characters_works_and_leaves_no_stray_file(tmp_path, site):
    folder = tmp_path / "w"
    folder.mkdir()
    db = folder / "a#b?c%41.db"
    for _ in range(2):  # a first crawl, then a re-crawl of the existing archive
        run_cli("crawl", f"http://127.0.0.1:{site.port}/c", "--db", str(db), "--delay", "0", "--log-level", "ERROR")
    out = run_cli("export", "crawls", "--db", str(db), "--format", "jsonl").stdout
    assert len(out.splitlines()) == 2
    port = free_port()
    serve = subprocess.Popen([sys.executable, "-m", "condition_archive", "serve", "--db", str(db), "--port",
                              str(port)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        rows = None
        for _ in range(300):  # until Datasette answers (a guard, not a measure)
            try:
                rows = json.loads(urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/a_b_c_41/crawls.json?_shape=array", timeout=1).read())
                break
            except OSError:
                time.sleep(0.1)
        assert rows is not None and len(rows) == 2
    finally:
        serve.terminate()
        serve.wait(30)
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [db.name]
    assert integrity_ok(db)


def test_a_new_archive_carries_the_marker_and_an_old_one_still_opens(tmp_path):
    db = tmp_path / "archive.db"
    open_archive(db).close()
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    old = tmp_path / "old.db"  # an archive from before the marker: the project's tables, id 0
    handle = open_archive(old)
    crawls.start_crawl(handle, ["http://127.0.0.1:9/c"], {}, "test")
    handle.execute("PRAGMA application_id = 0")
    handle.close()
    open_archive(old, readonly=True).close()
    open_archive(old).close()
    assert sqlite3.connect(old).execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


@pytest.mark.parametrize("ddl", [
    ["CREATE VIEW answers AS SELECT 42 AS answer"],  # a view-only file
    ["CREATE TABLE crawls (id INTEGER PRIMARY KEY, what TEXT)"],  # happens to have a crawls table
    ["CREATE TABLE crawls (id INTEGER PRIMARY KEY, seeds TEXT, extractor_version TEXT, code_version TEXT)",
     "CREATE TABLE pages (id)", "CREATE TABLE versions (id)", "CREATE TABLE fetches (id)",
     "PRAGMA application_id = 1234"],  # our shape, but another program's marker
])
def test_another_programs_database_is_refused_and_left_as_it_was(tmp_path, ddl):
    path = tmp_path / "theirs.db"
    conn = sqlite3.connect(path)
    for sql in ddl:
        conn.execute(sql)
    conn.commit()
    conn.close()
    before = _schema(path)
    with pytest.raises(ArchiveError, match="another program"):
        open_archive(path)
    with pytest.raises(ArchiveError, match="another program"):
        open_archive(path, readonly=True)
    assert _schema(path) == before


@pytest.mark.parametrize("args", [["crawl", "http://127.0.0.1:9/c"], ["export", "pages"], ["serve"]])
def test_a_fifo_as_db_is_refused_at_once(tmp_path, args):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "condition_archive", *args, "--db", str(fifo)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)  # a guard against hanging
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0], proc.stderr


def test_the_lock_follows_the_file_not_its_name(tmp_path):
    db = tmp_path / "archive.db"
    open_archive(db).close()
    hard, soft = tmp_path / "hard.db", tmp_path / "soft.db"
    os.link(db, hard)
    soft.symlink_to(db)
    with CrawlLock(db):
        for other in (hard, soft):
            with pytest.raises(CrawlBusy, match="another crawl"):
                CrawlLock(other).acquire()
    with CrawlLock(hard):
        with pytest.raises(CrawlBusy):
            CrawlLock(db).acquire()
    assert not (tmp_path / "archive.db.lock").exists() and not (tmp_path / "hard.db.lock").exists()


def test_reprocess_of_a_missing_archive_leaves_nothing(tmp_path):
    proc = run_cli("reprocess", "--db", str(tmp_path / "missing.db"), check=False)
    assert proc.returncode == 1 and "no archive at" in proc.stderr
    assert list(tmp_path.iterdir()) == []


class _Redirects:
    """/r0 -> /r1 -> ... -> /r40: longer than the crawl's hop limit."""

    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:
                if not self.path[2:].isdigit():
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                n = int(self.path[2:])
                self.send_response(302)
                self.send_header("Location", f"/r{n + 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = start_http(Handler)
        self.port = self.server.server_address[1]


@pytest.mark.crawl
def test_a_seed_redirecting_past_the_hop_limit_is_a_failed_crawl_with_the_reason(tmp_path):
    server = _Redirects()
    db = tmp_path / "archive.db"
    try:
        proc = run_cli("crawl", f"http://127.0.0.1:{server.port}/r0", "--db", str(db), "--delay", "0",
                       "--log-level", "ERROR", check=False)
    finally:
        stop_http(server.server)
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: no seed page could be archived") and "redirect loop" in last, last
    row = query(db, "SELECT url, outcome, reason FROM fetches")
    assert row == [{"url": f"http://127.0.0.1:{server.port}/r0", "outcome": "error",
                    "reason": "redirect loop: gave up after 10 redirects"}]


def test_a_crawl_through_another_name_of_a_busy_archive_is_one_line(tmp_path, site, monkeypatch):
    from click.testing import CliRunner

    from condition_archive.cli import main

    monkeypatch.chdir(tmp_path)
    open_archive(tmp_path / "archive.db").close()
    (tmp_path / "link.db").symlink_to(tmp_path / "archive.db")
    with CrawlLock(tmp_path / "archive.db"):
        result = CliRunner().invoke(main, ["crawl", f"http://127.0.0.1:{site.port}/c", "--db", "link.db"])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1 and "another crawl" in lines[0], result.stderr
    assert sum(site.hits.values()) == 0
