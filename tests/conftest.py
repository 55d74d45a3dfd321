from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_http(handler) -> ThreadingHTTPServer:
    """A threaded HTTP server on a free 127.0.0.1 port, serving in a daemon thread;
    its port is server.server_address[1]. Stop it with stop_http."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_http(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


def run_cli(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI in its own process (one Scrapy reactor per process)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-m", "condition_archive", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=REPO, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"condition-archive {' '.join(args)} exited {proc.returncode}\n"
                             f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-6000:]}")
    return proc


def live_count(db, sql: str) -> int:
    """A count read from an archive that a running crawl is writing: 0 while the
    file or its schema does not exist yet."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def query(db, sql: str, *params) -> list[dict]:
    """Rows of a read-only query on an archive file, as dicts."""
    import sqlite3

    from condition_archive.archive.db import connect_readonly

    conn = connect_readonly(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    return tmp_path / "archive.db"
