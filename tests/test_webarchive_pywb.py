"""backfill and export-warc against a real pywb (2.10, from PyPI, in .venv-pywb) on
127.0.0.1: a collection made from WARCs written from the sample site's 2012 and
2025 versions (several dated captures per page, revisits, a 301, a 410)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, free_port, live_count, query
from sample_truth import CENTER_PATH, changes, truth
from test_webarchive_import import center_history, counts, imported, write_history
from warcio.archiveiterator import ArchiveIterator

from condition_archive.cli import main
from condition_archive.sample_site import SampleSite
from condition_archive.webarchive.cdx import CdxCapture, WaybackClient, parse_cdx
from condition_archive.webarchive.backfill import choose
from condition_archive.webarchive.sample_warc import SiteWarc

PYWB = REPO / ".venv-pywb" / "bin"


def _wb_manager(home: Path, *args: str) -> None:
    subprocess.run([str(PYWB / "wb-manager"), *args], cwd=home, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def wayback(tmp_path_factory):
    if not (PYWB / "wayback").exists():
        pytest.fail("pywb is not installed: run scripts/install-pywb.sh (./dev test does)")
    home = tmp_path_factory.mktemp("pywb")
    with SampleSite(version="2012") as site:
        files = write_history(home, site)
        site.set_version("2012")
        with SiteWarc(home / "2013.warc.gz") as warc:  # the 2012 center again in 2013: same digest
            warc.capture(site.url(CENTER_PATH), "2013-02-01T10:00:00Z")
        _wb_manager(home, "init", "web")
        _wb_manager(home, "add", "web", str(files["2012"]), str(files["2025"]), str(home / "2013.warc.gz"))
        port = free_port()
        proc = subprocess.Popen([str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=home,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(f"{base}/web/cdx?url=x&output=json")
            yield {"home": home, "base": base, "cdx": f"{base}/web/cdx", "site": site.base_url, "files": files,
                   "server": site}
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _wait(url: str) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"pywb did not start: {url}")


def backfill(wayback, db, *extra: str):
    args = ["backfill", wayback["site"] + CENTER_PATH, "--db", str(db), "--cdx", wayback["cdx"], "--delay", "0",
            "--from", "2010", "--to", "2025", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_backfill_fills_2012_to_2025_like_importing_the_warcs(wayback, tmp_path):
    db = tmp_path / "archive.db"
    out = backfill(wayback, db)
    reference = imported(tmp_path / "ref", wayback["files"]["2012"], wayback["files"]["2025"])
    assert center_history(db, wayback["site"]) == center_history(reference, wayback["site"])
    page_sql = "SELECT url, state, moved_to FROM pages ORDER BY url"
    assert query(db, page_sql) == query(reference, page_sql)
    # The 2012-06, 2012-11 (revisit) and 2013-02 captures of the center have one digest: one fetch.
    center = query(db, "SELECT fetched_at, outcome FROM fetches WHERE url = ? ORDER BY fetched_at",
                   wayback["site"] + CENTER_PATH)
    assert [(r["fetched_at"][:7], r["outcome"]) for r in center] == [
        ("2012-06", "fetched"), ("2012-11", "not-modified"), ("2013-02", "not-modified"), ("2025-03", "fetched")]
    assert "fetched" in out
    # show --as-of and the canned query answer by capture date.
    result = CliRunner().invoke(main, ["show", wayback["site"] + CENTER_PATH, "--db", str(db), "--as-of", "2013-01-01"])
    first_2012 = truth("2012")[CENTER_PATH]["sections"][0]["cards"][0]["title"]
    assert first_2012 in result.output
    from io import StringIO

    from condition_archive.archive.db import open_archive
    from condition_archive.archive.export import write

    buf = StringIO()
    write(open_archive(db, readonly=True), "center_as_of", "json", buf,
          {"center_url": wayback["site"] + CENTER_PATH, "when": "2013-01-01"})
    assert [r["title"] for r in json.loads(buf.getvalue())][0] == first_2012
    # What changed between 2013 and 2025, by capture time: the 2025 captures' changes.
    buf = StringIO()
    write(open_archive(db, readonly=True), "changes_between", "json", buf, {"since": "2013-01-01", "until": "2025-12-31"})
    rows = json.loads(buf.getvalue())
    center_row = [r for r in rows if r["what"] == "page" and r["url"] == wayback["site"] + CENTER_PATH]
    assert [(r["change"], r["captured"][:7], r["changed_after"][:7]) for r in center_row] == [
        ("changed", "2025-03", "2013-02")]
    moved = [r for r in rows if r["change"] == "moved" and r["what"] == "page"]
    assert [r["captured"][:7] for r in moved] == ["2025-03"]
    buf = StringIO()
    write(open_archive(db, readonly=True), "changes_between", "json", buf, {"since": "2000-01-01", "until": "2012-12-31"})
    assert {r["change"] for r in json.loads(buf.getvalue())} == {"new"}


def test_backfill_after_a_live_crawl_inserts_the_past_before_it(wayback, tmp_path):
    from conftest import run_cli

    db, center = tmp_path / "archive.db", wayback["site"] + CENTER_PATH
    wayback["server"].set_version("2025")
    run_cli("crawl", center, "--db", str(db), "--delay", "0", "--log-level", "WARNING")
    live = query(db, "SELECT p.id, p.current_version_id, p.state, p.last_seen, v.captured_at FROM pages p "
                     "JOIN versions v ON v.id = p.current_version_id WHERE p.url = ?", center)[0]
    pages_before = query(db, "SELECT url, state, current_version_id FROM pages ORDER BY url")
    backfill(wayback, db, "--to", "2013")
    history = query(db, "SELECT number, cause, captured_at FROM versions WHERE page_id = ? ORDER BY number", live["id"])
    assert [(h["number"], h["cause"], h["captured_at"][:4]) for h in history] == [
        (1, "backfill", "2012"), (2, "crawl", live["captured_at"][:4])]
    # The current state of every page the crawl saw is untouched.
    after = {r["url"]: r for r in query(db, "SELECT url, state, current_version_id FROM pages")}
    assert all(after[r["url"]] == r for r in pages_before)
    change = query(db, "SELECT crawl_id, from_captured_at FROM changes WHERE to_version_id = ? AND change = 'changed'",
                   live["current_version_id"])
    assert [(c["crawl_id"], c["from_captured_at"][:7]) for c in change] == [(1, "2013-02")]
    kinds = {r["change"] for r in query(db, "SELECT change FROM card_changes WHERE to_version_id = ?",
                                        live["current_version_id"])}
    assert {"added", "removed"} <= kinds


def test_a_second_backfill_fetches_nothing_new(wayback, tmp_path):
    db = tmp_path / "archive.db"
    backfill(wayback, db)
    before = counts(db)
    out = backfill(wayback, db)
    assert " 0 fetched" in out and "nothing new" in out
    assert counts(db) == before


def test_backfill_follows_the_centers_links_only(wayback, tmp_path):
    db = tmp_path / "archive.db"
    backfill(wayback, db, "--depth", "0")
    assert {r["url"] for r in query(db, "SELECT DISTINCT url FROM fetches")} == {wayback["site"] + CENTER_PATH}
    backfill(wayback, db)
    fetched = {r["url"] for r in query(db, "SELECT DISTINCT url FROM fetches")}
    linked = {r["href"] for r in query(db, "SELECT DISTINCT l.href FROM links l JOIN versions v ON v.id = l.version_id "
                                           "JOIN pages p ON p.id = v.page_id WHERE p.url = ? AND l.region IN "
                                           "('main', 'related')", wayback["site"] + CENTER_PATH)}
    assert fetched - {wayback["site"] + CENTER_PATH} <= linked
    assert wayback["site"] + next(iter(changes()["moved"])) in fetched  # a 2012 card, a 301 in 2025


def test_killed_backfill_resumes_without_fetching_twice(wayback, tmp_path):
    db = tmp_path / "archive.db"
    cmd = [sys.executable, "-m", "condition_archive", "backfill", wayback["site"] + CENTER_PATH, "--db", str(db),
           "--cdx", wayback["cdx"], "--delay", "0.15", "--from", "2010", "--to", "2025"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if db.exists() and live_count(db, "SELECT count(*) FROM fetches WHERE source_record IS NOT NULL") >= 6:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    partial = live_count(db, "SELECT count(*) FROM fetches WHERE source_record IS NOT NULL")
    assert 6 <= partial
    out = backfill(wayback, db)
    whole = tmp_path / "whole.db"
    backfill(wayback, whole)
    assert query(db, "SELECT count(*) AS n FROM fetches")[0]["n"] == query(whole, "SELECT count(*) AS n FROM fetches")[0]["n"]
    assert query(db, "SELECT source_record FROM fetches GROUP BY source_record HAVING count(*) > 1") == []
    assert center_history(db, wayback["site"]) == center_history(whole, wayback["site"])
    assert f"{partial} already" in out or "already in the archive" in out


def test_export_warc_is_read_by_warcio_and_replayed_by_pywb(wayback, tmp_path):
    db = imported(tmp_path, wayback["files"]["2012"], wayback["files"]["2025"])
    out = tmp_path / "export.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", "--db", str(db), "-o", str(out), "--url", "upper-back-pain"])
    assert result.exit_code == 0, result.output
    with out.open("rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Payload-Digest"), r.content_stream().read())
                   for r in ArchiveIterator(fh, check_digests=True)]
    assert records[0][0] == "warcinfo" and {"response", "revisit"} <= {r[0] for r in records}
    center = wayback["site"] + CENTER_PATH
    kept = query(db, "SELECT c.sha1_b32 FROM fetches f JOIN captures c ON c.id = f.capture_id "
                     "WHERE f.url = ? ORDER BY f.fetched_at LIMIT 1", center)[0]["sha1_b32"]
    assert f"sha1:{kept}" in {r[1] for r in records}
    _wb_manager(wayback["home"], "init", "exported")
    _wb_manager(wayback["home"], "add", "exported", str(out))
    with urllib.request.urlopen(f"{wayback['base']}/exported/20120601100000id_/{center}") as response:
        body, memento = response.read(), response.headers["Memento-Datetime"]
    assert "2012" in memento
    with urllib.request.urlopen(f"{wayback['base']}/exported/20250301100000id_/{center}") as response:
        assert response.read() != body
    from condition_archive.webarchive.records import sha1_b32

    assert sha1_b32(body) == kept


def test_cdx_answers_of_both_shapes_and_choosing_captures():
    ia = '[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],' \
         '["k","20120601000000","http://a/","text/html","200","D1","9"],' \
         '["k","20120615000000","http://a/","text/html","200","D2","9"],' \
         '["k","20120701000000","http://a/","text/html","200","D2","9"],' \
         '["k","20120801000000","http://a/","warc/revisit","-","D2","9"]]'
    pywb = "\n".join(json.dumps({"urlkey": "k", "timestamp": t, "url": "http://a/", "mime": "text/html",
                                 "status": s, "digest": d}) for t, s, d in
                     [("20120601000000", "200", "D1"), ("20120615000000", "200", "D2"),
                      ("20120701000000", "200", "D2"), ("20120801000000", "-", "D2")])
    assert [(c.timestamp, c.status, c.digest) for c in parse_cdx(ia)] == \
           [(c.timestamp, c.status, c.digest) for c in parse_cdx(pywb)]
    caps = parse_cdx(ia)
    assert [c.digest for c in choose(caps, "all")] == ["D1", "D2"]
    assert [c.timestamp[:6] for c in choose(caps, "month")] == ["201206", "201207"]
    assert [c.timestamp for c in choose(caps, "week")] == ["20120601000000", "20120615000000"]
    assert parse_cdx("") == [] and parse_cdx("[]") == []


def test_client_backs_off_on_429_and_503_and_names_a_contact():
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            seen.append(self.headers["User-Agent"])
            if len(seen) <= 2:
                self.send_response(429 if len(seen) == 1 else 503)
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
            body = b'[["timestamp","original","statuscode","digest"],["20120601000000","http://a/","200","D"]]'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = WaybackClient(f"http://127.0.0.1:{server.server_port}/cdx/search/cdx",
                               contact="mailto:someone@example.org", delay=0)
        assert client.query("http://a/") == [CdxCapture("http://a/", "20120601000000", "200", "D")]
        assert client.replay.endswith("/web")
    finally:
        server.shutdown()
    assert len(seen) == 3 and all("mailto:someone@example.org" in ua for ua in seen)
