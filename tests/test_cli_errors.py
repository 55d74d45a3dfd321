"""Bad input at the command line: a one-line error that says what to do, a
non-zero exit, and the archive (and its folder) left exactly as it was.

Everything here is refused before Scrapy starts, so click's CliRunner runs it
in-process; the one case that needs a finished crawl runs in a subprocess.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_cli
from faults_server import FaultSite

from condition_archive.archive import crawls
from condition_archive.cli import main
from condition_archive.archive.db import open_archive

# A remedy: what to do, or (for a value out of range) what the value must be.
REMEDY = re.compile(r"\b(pass|check|choose|add|run|use|drop|restore|wait|fix|try|give|free|start|must|write)\b", re.I)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with a real archive (one finished crawl), a text file, a corrupt and a foreign SQLite file."""
    monkeypatch.chdir(tmp_path)
    db = open_archive(tmp_path / "archive.db")
    crawl_id = crawls.start_crawl(db, ["http://127.0.0.1:9/c"], {}, "test")
    crawls.finish_crawl(db, crawl_id, "finished", "finished")
    db.close()
    (tmp_path / "notes.txt").write_text("not an archive\n")
    (tmp_path / "corrupt.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    foreign = sqlite3.connect(tmp_path / "other.db")
    foreign.execute("CREATE TABLE foo (x)")
    foreign.commit()
    foreign.close()
    (tmp_path / "folder.db").mkdir()
    return tmp_path


def snapshot(folder: Path) -> dict[str, str]:
    # A reader of a WAL archive may leave its -wal/-shm index files (SQLite needs
    # them to read); the archive's own bytes and every other file must not change.
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(folder.rglob("*")) if not p.name.endswith(("-wal", "-shm"))}


def check_refused(folder: Path, *args: str, usage: bool = False) -> str:
    before = snapshot(folder)
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == (2 if usage else 1), (args, result.output, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    if usage:  # click's own usage errors: its standard three lines, ending with the error
        assert lines[-1].startswith("Error: ") and "-h" in result.stderr or "--help" in result.stderr, result.stderr
    else:
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert REMEDY.search(lines[0]), f"no remedy in: {lines[0]}"
    assert "Traceback" not in result.output
    assert snapshot(folder) == before, "the archive or its folder changed"
    return lines[-1]


CRAWL_BAD_URLS = [
    ("notaurl", "not an http(s) URL"),
    ("ftp://example.org/file", "not an http(s) URL"),
    ("file:///etc/passwd", "not an http(s) URL"),
    ("http://[::1/x", "not a valid URL"),
    ("http://exa mple.org/", "invalid host name"),
    ("http://example.org:99999/", "not a valid URL"),
    ("https://user:secret@example.org/", "user name or password"),
    ("javascript:alert(1)", "not an http(s) URL"),
]


@pytest.mark.parametrize("url, says", CRAWL_BAD_URLS)
def test_malformed_seed_urls(workdir, url, says):
    assert says in check_refused(workdir, "crawl", url, "--db", "archive.db")


@pytest.mark.parametrize("args, says", [
    (["crawl", "--db", "archive.db"], "give at least one center URL"),
    (["crawl", "http://127.0.0.1:9/c", "--depth", "-1"], "--depth must be 0 or more"),
    (["crawl", "http://127.0.0.1:9/c", "--max-pages", "-3"], "must not be negative"),
    (["crawl", "http://127.0.0.1:9/c", "--delay", "-1"], "must not be negative"),
    (["crawl", "--resume", "--db", "archive.db"], "nothing to resume"),
    (["crawl", "--resume", "--db", "missing.db"], "no archive at missing.db"),
    (["export", "nosuch", "--db", "archive.db"], "no table, view or canned query named 'nosuch'"),
    (["export", "pages", "--db", "missing.db"], "no archive at missing.db"),
    (["export", "pages", "--db", "notes.txt"], "not a SQLite archive"),
    (["export", "pages", "--db", "corrupt.db"], "corrupt"),
    (["export", "pages", "--db", "archive.db", "-o", "archive.db"], "would overwrite the archive"),
    (["export", "pages", "--db", "archive.db", "-o", "./archive.db-wal"], "would overwrite the archive"),
    (["export", "pages", "--db", "archive.db", "-o", "folder.db/x/y.csv"], "choose a writable -o path"),
    (["export", "pages", "--db", "archive.db", "-p", "novalue"], "is not NAME=VALUE"),
    (["export", "links_to", "--db", "archive.db"], "needs parameters: add -p url=VALUE"),
    (["serve", "--db", "missing.db"], "no archive at missing.db"),
    (["serve", "--db", "notes.txt"], "not a SQLite archive"),
    (["extract", "missing.html"], "no such file"),
    (["extract", "notes.txt", "--url", "http://[::1/x"], "is not a valid URL"),
])
def test_bad_options_and_files(workdir, args, says):
    assert says in check_refused(workdir, *args)


@pytest.mark.parametrize("args", [
    ["crawl", "http://127.0.0.1:9/c", "--depth", "abc"],
    ["crawl", "http://127.0.0.1:9/c", "--log-level", "LOUD"],
    ["export", "pages", "--format", "xml"],
    ["crawl", "http://127.0.0.1:9/c", "--no-such-option"],
    ["crawl", "http://127.0.0.1:9/c", "--db", "folder.db"],
])
def test_click_usage_errors(workdir, args):
    check_refused(workdir, *args, usage=True)


@pytest.mark.parametrize("db, says", [
    ("notes.txt", "not a SQLite archive"),
    ("corrupt.db", "corrupt"),
    ("other.db", "not a condition archive"),
    ("notes.txt/archive.db", "is a file, not a folder"),
])
def test_crawl_refuses_files_that_are_not_archives(workdir, db, says):
    with FaultSite() as site:
        assert says in check_refused(workdir, "crawl", site.url("/conditions/faults"), "--db", db)


def test_crawl_refuses_an_unwritable_folder(workdir):
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc, a folder nobody can create files in")
    with FaultSite() as site:
        assert "pass --db in a writable folder" in check_refused(
            workdir, "crawl", site.url("/conditions/faults"), "--db", "/proc/archive.db")


@pytest.mark.parametrize("url, says", [
    ("http://127.0.0.1:{closed}/conditions/x", "cannot connect to 127.0.0.1"),
    ("http://no-such-host.invalid/conditions/x", "cannot resolve no-such-host.invalid"),
])
def test_unreachable_seed_is_refused_before_anything_is_written(workdir, url, says):
    from conftest import free_port

    assert says in check_refused(workdir, "crawl", url.format(closed=free_port()), "--db", "archive.db")


def test_resume_with_other_urls_than_the_unfinished_crawl_is_refused(workdir):
    db = open_archive(workdir / "archive.db")
    crawls.start_crawl(db, ["http://127.0.0.1:9/conditions/a"], {}, "test")  # left "running": killed
    db.close()
    with FaultSite() as site:
        msg = check_refused(workdir, "crawl", "--resume", site.url("/conditions/faults"), "--db", "archive.db")
    assert "continues the unfinished crawl of http://127.0.0.1:9/conditions/a" in msg


def test_a_second_crawl_on_a_busy_archive_is_refused(workdir):
    with FaultSite() as site, crawls.CrawlLock(workdir / "archive.db"):
        msg = check_refused(workdir, "crawl", site.url("/conditions/faults"), "--db", "archive.db")
    assert "another crawl" in msg and "wait for it to finish" in msg


@pytest.mark.crawl
def test_a_crawl_whose_only_seed_fails_exits_non_zero_with_the_reason(tmp_path):
    with FaultSite() as site:
        proc = run_cli("crawl", site.url("/a/missing-center-500"), "--db", str(tmp_path / "a.db"), "--delay", "0",
                       "--log-level", "ERROR", check=False)
        proc500 = run_cli("crawl", site.url("/private/notes"), "--db", str(tmp_path / "b.db"), "--delay", "0",
                          "--log-level", "ERROR", check=False)
    assert proc.returncode == 0 and "finished" in proc.stderr  # a 404 seed is a finding (gone), not a failure
    assert proc500.returncode == 1
    last = proc500.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: no seed page could be archived") and "forbidden by robots.txt" in last
