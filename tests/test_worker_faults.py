"""Extraction in a worker process: a worker that dies is replaced, an extraction
bug in it becomes an "error" row with the raw page kept; no page is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import live_count
from sample_truth import CENTER_PATH, page_html, url_of
from test_kills import archive_digest, crawl_process

from condition_archive.archive.db import integrity_ok
from condition_archive.crawl.items import FetchedPage
from condition_archive.sample_site import SampleSite
from condition_archive.crawl.worker import ExtractionPool


def buggy(*args):
    """An extractor with a bug, for a real worker process to run (`target`)."""
    raise RuntimeError("card finder bug")


def test_an_extraction_bug_in_the_worker_keeps_the_page_with_the_reason():
    url = url_of(CENTER_PATH)
    pool = ExtractionPool(1, target=f"{__name__}:buggy")
    body = page_html("2025", CENTER_PATH).encode("utf-8")
    page = FetchedPage(url, 200, {"content-type": "text/html; charset=utf-8"}, body, "2025-01-01T00:00:00+00:00")
    try:
        out = asyncio.run(pool.extract(page, ()))
    finally:
        pool.stop()
    assert out is page and page.body == body
    assert page.failure == "extraction failed: RuntimeError: card finder bug"
    assert page.extract is None  # nothing extracted: the links pipeline follows nothing


def _worker_pids(crawl_pid: int) -> list[int]:
    """The crawl's extraction workers (children running workermain)."""
    try:
        children = Path(f"/proc/{crawl_pid}/task/{crawl_pid}/children").read_text().split()
    except OSError:
        return []
    pids = []
    for pid in map(int, children):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"condition_archive.crawl.workermain" in cmdline:
            pids.append(pid)
    return pids


@pytest.mark.crawl
@pytest.mark.slow
def test_a_killed_extraction_worker_is_replaced_and_no_page_is_lost(tmp_path):
    with SampleSite(version="2025") as site:
        url = site.url(CENTER_PATH)
        baseline_db = tmp_path / "baseline" / "archive.db"
        proc = crawl_process(url, baseline_db, {})
        assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()[-3000:]
        db = tmp_path / "killed" / "archive.db"
        proc = crawl_process(url, db, {"DOWNLOAD_DELAY": 0.2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                                       "LOG_LEVEL": "WARNING"})
        killed = []
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and not killed:
            if live_count(db, "SELECT count(*) FROM fetches WHERE outcome = 'fetched'") >= 2:
                for pid in _worker_pids(proc.pid):
                    os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
                    killed.append(pid)
            time.sleep(0.02)
        _, err = proc.communicate(timeout=120)
        log = err.decode()
    assert killed, "the crawl ended before a worker could be killed"
    assert proc.returncode == 0, log[-3000:]
    assert "an extraction worker died; starting a new one" in log
    assert integrity_ok(db)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        status, errors = conn.execute("SELECT status, coalesce(errors, 0) FROM crawls").fetchone()
        reasons = [r[0] for r in conn.execute("SELECT reason FROM fetches WHERE outcome = 'error'")]
    finally:
        conn.close()
    assert status == "finished"
    # Pages in flight when the worker died were extracted by its replacement.
    assert errors == 0, reasons
    assert archive_digest(db) == archive_digest(baseline_db)
