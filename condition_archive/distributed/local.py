"""A whole distributed crawl on one machine, for tests and benchmarks: a private redis-server
(free port, no persistence, its own folder), the ingest and N workers as processes that can be
killed and restarted, and the comparison of two archives.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on 127.0.0.1, nothing saved to disk; a context manager."""

    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = Path(folder), free_port(), None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> "RedisServer":
        if not os.access(REDIS_SERVER, os.X_OK):
            raise RuntimeError("redis-server is not installed: run scripts/install-redis.sh")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--protected-mode", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@dataclass
class Cluster:
    """The ingest and workers of one crawl name, as child processes."""

    redis_url: str
    db: Path
    logs: Path
    name: str = "crawl"
    workers: list[subprocess.Popen] = field(default_factory=list)
    ingest: subprocess.Popen | None = None
    started: int = 0

    def _spawn(self, log: str, *args: str) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.started += 1
        out = open(self.logs / f"{self.started:02d}-{log}.log", "w")
        return subprocess.Popen([sys.executable, "-m", "condition_archive", *args, "--redis", self.redis_url,
                                 "--crawl-name", self.name], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"})

    def start_ingest(self) -> subprocess.Popen:
        self.ingest = self._spawn("ingest", "ingest", "--db", str(self.db), "--until-finished")
        return self.ingest

    def crawl(self, *args: str) -> None:
        cmd = [sys.executable, "-m", "condition_archive", "crawl", "--redis", self.redis_url,
               "--crawl-name", self.name, *args]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def add_worker(self, *args: str) -> subprocess.Popen:
        worker = self._spawn("worker", "worker", *args)
        self.workers.append(worker)
        return worker

    def wait(self, timeout: float = 300) -> None:
        """Until the ingest exits (the crawl's end is written); every worker then exits too."""
        try:
            code = self.ingest.wait(timeout=timeout)
            if code != 0:
                raise RuntimeError(f"the ingest exited {code}: see {self.logs}")
            for worker in self.workers:
                worker.wait(timeout=60)
        finally:
            self.stop()

    def stop(self) -> None:
        for proc in [*self.workers, self.ingest]:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def signature(db: Path) -> dict:
    """What two crawls of the same site must share: pages, versions, captures, links, ledger."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        def rows(sql: str) -> list:
            return sorted(tuple(r) for r in conn.execute(sql))

        return {
            "pages": rows("SELECT url, state, kind, title FROM pages"),
            "versions": rows("SELECT p.url, v.number, v.content_hash, c.sha256 FROM versions v "
                             "JOIN pages p ON p.id = v.page_id JOIN captures c ON c.id = v.capture_id"),
            "captures": rows("SELECT sha256, size, stored_size FROM captures"),
            "links": rows("SELECT p.url, l.position, l.href, l.region FROM links l "
                          "JOIN versions v ON v.id = l.version_id JOIN pages p ON p.id = v.page_id"),
            "fetch_outcomes": rows("SELECT crawl_id, url, outcome FROM fetches WHERE outcome != 'redirected'"),
            "crawls": rows("SELECT id, status, pages_new, pages_changed, pages_unchanged, not_modified, errors "
                           "FROM crawls"),
        }
    finally:
        conn.close()


def duplicates(db: Path) -> int:
    """Ledger rows beyond one final row per URL per crawl (0 in a correct archive)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM fetches "
                            "WHERE outcome != 'redirected' GROUP BY crawl_id, url)").fetchone()[0]
    finally:
        conn.close()
