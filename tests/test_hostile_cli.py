"""The command line against hostile or careless input (issue 13 items 3, 6, 7 and
9's terminal escapes; issue 14's command-line findings): one-line errors, closed
pipes, WHEN values, output files, stopping serve and demo.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, free_port, query, run_cli, start_http, stop_http

from condition_archive.archive import crawls
from condition_archive.cli import main
from condition_archive.archive.db import open_archive

ESCAPES = "&#27;[2J&#27;]0;pwned&#7;&#x202e;"


class ChangingSite:
    """/c: an article whose body (500 paragraphs) is A, then B; its title carries
    terminal escape sequences as character references; by Jane Doe, reviewed by John Roe."""

    def __init__(self):
        self.version = "A"
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1
                paras = "".join(f"<p>Paragraph {i} of version {site.version} about back pain and its care.</p>"
                                for i in range(500))
                body = (f"<!doctype html><html><head><title>Back pain {ESCAPES}</title></head><body><main>"
                        f"<article><h1>Back pain {ESCAPES}</h1><p class='byline'>By Jane Doe, MD</p>"
                        f"<p>Medically reviewed by John Roe, MD</p>{paras}"
                        f"<p><a href='/a'>More</a></p></article></main></body></html>").encode()
                self.send_response(200 if self.path in ("/c", "/a") else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = start_http(Handler)
        self.port = self.server.server_address[1]

    def close(self) -> None:
        stop_http(self.server)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two crawls of a changing page, then a third of the same site on another port."""
    db = tmp_path_factory.mktemp("cli") / "archive.db"
    site = ChangingSite()
    try:
        for version in ("A", "B"):
            site.version = version
            run_cli("crawl", f"http://127.0.0.1:{site.port}/c", "--db", str(db), "--delay", "0",
                    "--log-level", "ERROR")
    finally:
        site.close()
    moved = ChangingSite()
    try:
        run_cli("crawl", f"http://127.0.0.1:{moved.port}/c", "--db", str(db), "--delay", "0", "--log-level", "ERROR")
    finally:
        moved.close()
    return {"db": db, "url": f"http://127.0.0.1:{site.port}/c"}


def refused(*args: str, code: int = 1) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, (args, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def test_a_recrawl_on_another_port_does_not_refuse_the_old_ports_pages(archive):
    rows = query(archive["db"], "SELECT url, reason FROM fetches WHERE crawl_id = 3")
    assert rows and not [r for r in rows if "private or loopback" in (r["reason"] or "")], rows


@pytest.mark.parametrize("args, says", [
    (["show", "{url}", "--as-of", "2099-13-45"], "neither a crawl id nor a valid date"),
    (["show", "{url}", "--as-of", "2026-02-30"], "neither a crawl id nor a valid date"),
    (["show", "{url}", "--as-of", "999"], "--as-of 999: no such crawl (the archive has crawls 1 to 3)"),
    (["show", "{url}", "--as-of", "99999999999999999999"], "no such crawl"),
    (["diff", "{url}", "--to", "999"], "--to 999: no such crawl"),
    (["diff", "{url}", "--from", "99999999999999999999"], "no such crawl"),
    (["graph", "{url}", "--to", "99999999999999999999"], "no such crawl"),
])
def test_bad_when_values_are_one_line_errors(archive, args, says):
    args = [a.format(url=archive["url"]) for a in args] + ["--db", str(archive["db"])]
    assert says in refused(*args)


def test_show_prints_people_and_no_terminal_escapes(archive):
    out = CliRunner().invoke(main, ["show", archive["url"], "--db", str(archive["db"])]).output
    assert "by: Jane Doe" in out and "reviewed by: John Roe" in out
    assert "Back pain" in out and not any(c in out for c in "\x1b\x07\u202e")
    out = CliRunner().invoke(main, ["diff", archive["url"], "--db", str(archive["db"])]).output
    assert "version B" in out and not any(c in out for c in "\x1b\x07\u202e")


@pytest.mark.parametrize("command", ["export versions --format jsonl", "diff {url}"])
def test_a_closed_pipe_ends_quietly(archive, command):
    cmd = command.format(url=archive["url"]).split()
    proc = subprocess.Popen([sys.executable, "-m", "condition_archive", *cmd, "--db", str(archive["db"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == "", err


def test_every_output_file_goes_through_one_guard(archive, tmp_path):
    db = str(archive["db"])
    other = tmp_path / "other.db"
    open_archive(other).close()
    cases = [
        (["graph", archive["url"], "--format", "html", "-o", db], "would overwrite the archive"),
        (["graph", archive["url"], "--format", "html", "-o", str(other)], "is a SQLite database"),
        (["export", "pages", "-o", str(other)], "is a SQLite database"),
        (["graph", archive["url"], "-o", str(tmp_path / "missing/dir/x.html")], "does not exist"),
    ]
    before = other.read_bytes()
    for args, says in cases:
        assert says in refused(*args, "--db", db), args
    assert other.read_bytes() == before
    assert "graph writes html, svg, graphml or dot, not png" in refused(
        "graph", archive["url"], "-o", str(tmp_path / "out.png"), "--db", db, code=2)
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize("args, says, code", [
    (["serve", "--port", "99999"], "Invalid value for '--port'", 2),
    (["export", "pages", "--db", ""], "Invalid value for '--db': is empty", 2),
    (["crawl", "http://127.0.0.1:9/c", "--depth", "abc"], "'abc' is not a valid integer", 2),
    (["nosuchcommand"], "No such command", 2),
])
def test_usage_errors_are_one_line(tmp_path, args, says, code):
    line = refused(*args, code=code)
    assert says in line and "-h" in line


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _as_from_a_terminal() -> None:
    """The child gets Ctrl-C as a user at a terminal does. A shell without job control
    starts background commands with SIGINT ignored (`./dev test &`, some CI runners), the
    ignore is inherited through exec, and Python then keeps it: the demo would rightly not
    stop on SIGINT, and this test would wait 60 s for nothing (session 5's suite-only hang)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop_while_serving(args: list[str], tmp_path: Path, sig: int, while_serving=None) -> None:
    port = free_port()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "condition_archive", *args, "--port", str(port)], cwd=tmp_path,
                            env={**os.environ, "TMPDIR": str(tmp)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=_as_from_a_terminal)
    children: list[int] = []
    try:
        for _ in range(300):  # until Datasette answers (a guard, not a measure)
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        children = _children(proc.pid)
        assert children and list(tmp.iterdir()), "Datasette or its temporary folder did not start"
        if while_serving:
            while_serving(f"http://127.0.0.1:{port}")
        proc.send_signal(sig)
        proc.wait(timeout=60)
        for _ in range(100):
            if not any(_alive(c) for c in children):
                break
            time.sleep(0.1)
        assert not any(_alive(c) for c in children), "Datasette outlived its parent"
        assert list(tmp.iterdir()) == [], "the temporary folder was left behind"
    finally:
        for pid in [proc.pid, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.wait()


@pytest.mark.slow
def test_sigterm_to_serve_ends_datasette_and_removes_its_folder(archive, tmp_path):
    _stop_while_serving(["serve", "--db", str(archive["db"])], tmp_path, signal.SIGTERM, _huge_numbers_are_400)


HUGE = "99999999999999999999"


def _huge_numbers_are_400(base: str) -> None:
    for path in (f"/-/diff?to={HUGE}", f"/-/capture?id={HUGE}", f"/-/graph?page={HUGE}",
                 f"/archive/versions/{HUGE}"):
        try:
            urllib.request.urlopen(base + path, timeout=30)
            status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (400, 404), (path, status)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_demo_ends_datasette(tmp_path, sig):
    site_port = free_port()
    db = open_archive(tmp_path / "demo.db")  # an archive that holds the demo's crawl: the demo serves it
    crawls.start_crawl(db, [f"http://127.0.0.1:{site_port}/conditions/upper-back-pain"], {}, "test")
    db.close()
    _stop_while_serving(["demo", "--db", "demo.db", "--site-port", str(site_port)], tmp_path, sig)


def test_a_seed_whose_name_resolves_to_loopback_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refused("crawl", "http://127.1:9/c", "--db", "archive.db")
    assert "127.1:9 resolves to a private or loopback address (127.0.0.1)" in line
    assert "--allow-private 127.1:9" in line
    assert list(tmp_path.iterdir()) == []
