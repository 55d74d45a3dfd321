"""No data lost: SIGKILL at random moments, storage failures, readers during a crawl.

Each crawl runs in its own process against the sample site on 127.0.0.1. A
killed crawl must leave an archive that passes `PRAGMA integrity_check`, and
`crawl URL --resume` must reach the same archive (same pages, versions, content
hashes, captures, child rows) as one uninterrupted crawl.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, live_count
from faults_server import crawl_with_settings
from sample_truth import CENTER_PATH

from condition_archive.archive.db import integrity_ok
from condition_archive.serve.metadata import build_metadata
from condition_archive.sample_site import SampleSite

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

KILLS = 14
# Slow enough that a random kill lands while pages are being written.
SLOW = {"DOWNLOAD_DELAY": 0.08, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}


def archive_digest(db: Path) -> dict:
    """What must be identical between a resumed and an uninterrupted crawl."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        versions = conn.execute(
            "SELECT p.url, p.state, p.kind, v.number, v.content_hash, c.sha256, "
            " (SELECT count(*) FROM links l WHERE l.version_id = v.id), "
            " (SELECT count(*) FROM cards k WHERE k.version_id = v.id), "
            " (SELECT count(*) FROM sections s WHERE s.version_id = v.id), "
            " (SELECT count(*) FROM date_candidates d WHERE d.version_id = v.id) "
            "FROM pages p JOIN versions v ON v.page_id = p.id JOIN captures c ON c.id = v.capture_id "
            "ORDER BY p.url, v.number").fetchall()
        current = conn.execute("SELECT count(*) FROM pages WHERE current_version_id IS NULL "
                               "AND state = 'live'").fetchone()[0]
        outcomes = sorted(set(conn.execute("SELECT url, outcome FROM fetches")))
        captures = sorted(r[0] for r in conn.execute("SELECT sha256 FROM captures"))
        fts = conn.execute("SELECT count(*) FROM versions_fts").fetchone()[0]
        return {"versions": versions, "pages_without_version": current, "outcomes": outcomes,
                "captures": captures, "fts_rows": fts}
    finally:
        conn.close()


def crawl_process(url: str, db: Path, settings: dict, **popen) -> subprocess.Popen:
    code = ("import json,sys;from condition_archive.crawl.runner import CrawlOptions, run_crawl;"
            "run_crawl(CrawlOptions(urls=(sys.argv[1],), db=sys.argv[2], delay=0, resume=True, "
            "log_level='ERROR', extra_settings=json.loads(sys.argv[3])))")
    import json
    return subprocess.Popen([sys.executable, "-c", code, url, str(db), json.dumps(settings)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


@pytest.fixture(scope="module")
def site():
    with SampleSite(version="2025") as s:
        yield s


@pytest.fixture(scope="module")
def baseline(site, tmp_path_factory):
    db = tmp_path_factory.mktemp("baseline") / "archive.db"
    row = crawl_with_settings([site.url(CENTER_PATH)], db)
    assert row["status"] == "finished"
    digest = archive_digest(db)
    assert digest["versions"] and digest["pages_without_version"] == 0
    return digest


@pytest.fixture(scope="module")
def slow_crawl(site, tmp_path_factory) -> tuple[float, int]:
    """How long an uninterrupted crawl with SLOW settings takes here (start-up
    included), and how many ledger rows it writes."""
    db = tmp_path_factory.mktemp("timed") / "archive.db"
    started = time.monotonic()
    proc = crawl_process(site.url(CENTER_PATH), db, SLOW)
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    return time.monotonic() - started, live_count(db, "SELECT count(*) FROM fetches")


def differences(got: dict, want: dict) -> dict:
    return {k: (len(got[k]) if isinstance(got[k], list) else got[k],
                len(want[k]) if isinstance(want[k], list) else want[k]) for k in want if got[k] != want[k]}


def kill_at_random(url: str, db: Path, rng: random.Random, settings: dict, span: float, rows: int) -> str:
    """Start a crawl and SIGKILL it at a random moment; say where it was.

    One kill in five comes at a random time early in the crawl (start-up, schema,
    first requests); the others when the ledger has reached a random number of
    rows, so they land mid-crawl however fast this machine is today."""
    proc = crawl_process(url, db, settings)
    if rng.random() < 0.2:
        deadline, target = time.monotonic() + rng.uniform(0.05 * span, 0.3 * span), None
    else:
        deadline, target = None, rng.randint(1, max(1, rows - 1))
    while proc.poll() is None:
        if deadline is not None and time.monotonic() >= deadline:
            break
        if target is not None and live_count(db, "SELECT count(*) FROM fetches") >= target:
            break
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    if not db.exists():
        return "before the archive existed"
    assert integrity_ok(db), "integrity check failed after the kill"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        status = conn.execute("SELECT status FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        pages = conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
    except sqlite3.OperationalError:  # killed while the schema was being created
        return "before the schema was complete"
    finally:
        conn.close()
    if status is None:
        return "before the crawl started"
    return "after it finished" if status[0] == "finished" else ("while writing" if pages else "before any page")


def test_sigkill_at_random_moments_then_resume_reaches_the_same_archive(site, baseline, slow_crawl, tmp_path):
    rng = random.Random(int(os.environ.get("KILL_SEED", "6")))
    url = site.url(CENTER_PATH)
    span, rows = slow_crawl
    where = []
    for i in range(KILLS):
        db = tmp_path / f"kill{i}" / "archive.db"
        where.append(kill_at_random(url, db, rng, SLOW, span, rows))
        if where[-1] != "after it finished" and rng.random() < 0.3:  # kill the resume too, now and then
            where.append(kill_at_random(url, db, rng, SLOW, span, rows))
        if where[-1] != "after it finished":
            row = crawl_with_settings([url], db, resume=True)
            assert row["status"] == "finished", row
        assert integrity_ok(db)
        got = archive_digest(db)
        assert got == baseline, f"kill {i} ({where[-2:]}): the resumed archive differs: {differences(got, baseline)}"
        shutil.rmtree(db.parent)
    print("kills:", {w: where.count(w) for w in set(where)})
    assert where.count("while writing") >= KILLS // 3, where  # most kills hit a crawl mid-write


def full_disk(tmp_path: Path, size_kb: int) -> Path | None:
    """A tiny tmpfs (root only); None when it cannot be mounted here."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return None
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mnt)],
                          capture_output=True)
    return mnt if done.returncode == 0 else None


def test_full_disk_stops_the_crawl_with_a_clear_message_and_loses_nothing(site, baseline, tmp_path):
    from condition_archive.archive.db import PAGE_SIZE, open_archive

    url = site.url(CENTER_PATH)
    empty = tmp_path / "empty.db"
    open_archive(empty).close()
    # The schema and a few pages (the WAL grows fast: each commit rewrites every page it touched, the
    # ledger's urls and indexes included): 850 KiB at 8 KiB pages; at 16 KiB the first commit needs
    # more than 1,300 KiB and the whole crawl fits in 1,600 (the WAL is reused once checkpointed).
    room = empty.stat().st_size + {8192: 850, 16384: 1450}[PAGE_SIZE] * 1024
    mnt = full_disk(tmp_path, room // 1024)
    if mnt is not None:
        db, preexec = mnt / "archive.db", None
    else:  # no tmpfs: cap the file size instead (EFBIG), the same failure for SQLite
        db = tmp_path / "capped" / "archive.db"
        db.parent.mkdir()

        def preexec():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))
    try:
        shutil.copy(empty, db)
        proc = subprocess.run([sys.executable, "-m", "condition_archive", "crawl", url, "--db", str(db),
                               "--delay", "0", "--log-level", "ERROR"], capture_output=True, text=True,
                              cwd=REPO, timeout=120, preexec_fn=preexec)
        assert proc.returncode != 0, proc.stdout
        last = proc.stderr.strip().splitlines()[-1]
        assert last.startswith("Error: crawl 1 failed: ") and "condition-archive crawl " in last, proc.stderr
        assert "full" in last or "disk" in last or "I/O" in last, last
        assert "free" in last, last  # says what to do first
        assert integrity_ok(db)
        partial = archive_digest(db)
        assert 0 < len(partial["versions"]) < len(baseline["versions"])
        assert partial["pages_without_version"] == 0  # no half-written page
        if mnt is not None:
            subprocess.run(["mount", "-o", "remount,size=20m", str(mnt)], check=True)
        # Do what the message says: --resume when the failed crawl is resumable, else crawl again.
        resume = "--resume" in last
        row = crawl_with_settings([url], db, resume=resume)
        assert row["status"] == "finished" and row["resumes"] == int(resume)
        got = archive_digest(db)
        if resume:
            assert got == baseline  # nothing lost, nothing doubled
        else:  # a second crawl: the pages stored before the failure answer 304, the rest are new
            assert {k: v for k, v in got.items() if k != "outcomes"} == {
                k: v for k, v in baseline.items() if k != "outcomes"}
    finally:
        if mnt is not None:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_read_only_archive_is_refused_with_a_remedy_and_left_untouched(site, baseline, tmp_path):
    url = site.url(CENTER_PATH)
    db = tmp_path / "ro" / "archive.db"
    crawl_with_settings([url], db)
    before = db.read_bytes()
    mnt = None
    if os.geteuid() == 0:  # root ignores file modes: use a read-only bind mount
        mnt = tmp_path / "ro-mount"
        mnt.mkdir()
        if subprocess.run(["mount", "--bind", "-o", "ro", str(db.parent), str(mnt)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot make a read-only file as root here (no bind mount)")
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mnt)], capture_output=True)
        target = mnt / "archive.db"
    else:
        db.chmod(0o444)
        db.parent.chmod(0o555)
        target = db
    try:
        proc = subprocess.run([sys.executable, "-m", "condition_archive", "crawl", url, "--db", str(target),
                               "--delay", "0"], capture_output=True, text=True, cwd=REPO, timeout=120)
    finally:
        if mnt is not None:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
        else:
            db.parent.chmod(0o755)
            db.chmod(0o644)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "writable" in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert db.read_bytes() == before


def test_datasette_reads_while_a_crawl_writes(site, baseline, tmp_path):
    from datasette.app import Datasette

    db = tmp_path / "live" / "archive.db"
    proc = crawl_process(site.url(CENTER_PATH), db, {"DOWNLOAD_DELAY": 0.05, "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
    deadline = time.monotonic() + 30
    while not (db.exists() and _has_crawl(db)) and time.monotonic() < deadline:
        time.sleep(0.05)

    async def read_while_running() -> list[int]:
        ds = Datasette([str(db)], metadata=build_metadata(db.stem))
        seen = []
        while proc.poll() is None:
            for path in (f"/{db.stem}/fetches.json?_shape=array&_size=max", f"/{db.stem}/articles.json",
                         f"/{db.stem}/versions"):
                response = await ds.client.get(path)
                assert response.status_code == 200, (path, response.text[:300])
            seen.append(len((await ds.client.get(f"/{db.stem}/fetches.json?_shape=array&_size=max")).json()))
            await asyncio.sleep(0.02)
        return seen

    seen = asyncio.run(read_while_running())
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert len(seen) >= 3 and seen == sorted(seen)  # readers saw the ledger grow, never shrink
    assert len(set(seen)) > 1, seen
    assert archive_digest(db) == baseline


def _has_crawl(db: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM crawls").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def test_reopening_repairs_fts_triggers_a_kill_left_missing(tmp_path):
    from condition_archive.archive.db import open_archive

    db = open_archive(tmp_path / "archive.db")
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in triggers:
        if name.startswith("versions_"):
            db.execute(f"DROP TRIGGER [{name}]")  # the state a kill inside enable_fts leaves
    db.close()
    db = open_archive(tmp_path / "archive.db")
    try:
        assert {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} == triggers
    finally:
        db.close()
