"""Crawl progress: one updating line on a terminal, plain log lines without one,
and a summary with the Datasette URL at the end of every crawl."""

from __future__ import annotations

import io
import logging
import os
import pty
import subprocess
import sys

import pytest
from conftest import REPO
from sample_truth import CENTER_PATH

from condition_archive.crawl.progress import CLEAR_LINE, CrawlProgress, Snapshot, details_url, progress_line, summary_lines

EXTENSION = {"condition_archive.crawl.progress.CrawlProgress": 500}
ROW = {"id": 3, "status": "finished", "pages_new": 2, "pages_changed": 1, "pages_unchanged": 5, "not_modified": 7,
       "removed": 1, "moved": 0, "errors": 1, "seconds": 12.34}


def test_progress_line_and_summary_read_plainly():
    line = progress_line(Snapshot(3, 42, 17, 2, 1, 5.06, 83))
    assert line == "crawl 3: 42 fetched, 17 queued, 2 in flight, 1 error, 5.1 pages/s, 1:23 elapsed"
    first, second = summary_lines(ROW, details_url("http://127.0.0.1:8001", "data/my.db", 3), "data/my.db")
    assert first == ("crawl 3 finished in 12.3 s: 2 new, 1 changed, 5 unchanged, 7 not modified, "
                     "1 removed, 0 moved, 1 error")
    assert "http://127.0.0.1:8001/my/changes_between?since=2&until=3" in second
    assert "condition-archive serve --db data/my.db" in second


def make(tty: bool, clock=None):
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(settings_dict={"ARCHIVE_DB": "/nonexistent/archive.db"})
    ticks = iter(clock or [0.0, 1.0, 2.0, 3.0, 4.0])
    stream = io.StringIO()
    return CrawlProgress(crawler, stream=stream, tty=tty, now=lambda: next(ticks)), stream


def test_terminal_mode_rewrites_one_line_and_log_records_clear_it():
    progress, stream = make(tty=True)
    progress.crawler.stats.set_value("response_received_count", 4)
    progress.tick()
    progress.tick()
    text = stream.getvalue()
    assert text.count(CLEAR_LINE) == 2 and "\n" not in text and "4 fetched" in text
    progress._filter.filter(logging.LogRecord("x", logging.INFO, "", 0, "msg", None, None))
    assert stream.getvalue().endswith(CLEAR_LINE) and not progress.shown


def test_without_a_terminal_progress_goes_to_the_log(caplog):
    progress, stream = make(tty=False)
    with caplog.at_level(logging.INFO, logger="condition_archive.crawl.progress"):
        progress.tick()
    assert stream.getvalue() == ""
    assert "progress: 0 fetched" in caplog.text


def test_summary_falls_back_to_stats_when_the_archive_cannot_be_read():
    progress, _ = make(tty=False)
    progress.crawler.stats.set_value("archive/crawl_id", 1)
    progress.crawler.stats.set_value("archive/new", 3)
    lines = progress.summary()
    assert "3 new" in lines[0] and "changes_between?since=0&until=1" in lines[1]


CRAWL = """
import sys
from condition_archive.crawl.runner import CrawlOptions, run_crawl
from condition_archive.sample_site import SampleSite
with SampleSite(version="2012") as site:
    run_crawl(CrawlOptions(urls=(site.url(sys.argv[2]),), db=sys.argv[1], delay=0.05, log_level=sys.argv[3],
              extra_settings={"EXTENSIONS": %r, "PROGRESS_INTERVAL": 0.05, "PROGRESS_LOG_INTERVAL": 0.1}))
""" % (EXTENSION,)


def crawl(db, log_level, stderr):
    return subprocess.Popen([sys.executable, "-c", CRAWL, str(db), CENTER_PATH, log_level], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=stderr)


@pytest.mark.crawl
def test_a_crawl_without_a_terminal_logs_progress_and_ends_with_a_summary(tmp_db):
    proc = crawl(tmp_db, "INFO", subprocess.PIPE)
    _, err = proc.communicate(timeout=300)
    text = err.decode()
    assert proc.returncode == 0, text[-3000:]
    assert "[condition_archive.crawl.progress] INFO: progress: crawl 1:" in text
    assert CLEAR_LINE not in text
    assert "crawl 1 finished in" in text and " new, " in text and " errors" in text
    assert "details: http://127.0.0.1:8001/archive/changes_between?since=0&until=1" in text


@pytest.mark.crawl
def test_a_crawl_in_a_terminal_updates_one_line(tmp_db):
    master, slave = pty.openpty()
    proc = crawl(tmp_db, "WARNING", slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=300) == 0, out[-3000:]
    text = out.decode()
    assert text.count(CLEAR_LINE) >= 2 and " fetched, " in text and " queued, " in text
    summary = text.rsplit(CLEAR_LINE, 1)[-1]
    assert summary.startswith("crawl 1 finished in") and "details: http://127.0.0.1:8001/archive/" in summary
