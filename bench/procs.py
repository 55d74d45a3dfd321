"""Run benchmark child processes and measure them with public tools only.

Peak RSS is the kernel's high-water mark of the child's own address space
(VmHWM in /proc/PID/status, sampled every 20 ms while it runs; it only grows).
The child's rusage maxrss (os.wait4) is the fallback where /proc is missing: it
also counts the memory of the forked driver before exec, so a big driver (one
holding a 20,000-page site) inflates it. No /usr/bin/time or psutil needed; wall
time from perf_counter; output goes to files (no pipe can fill up and stall).
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
PYTHON = sys.executable


@dataclass(frozen=True)
class Measured:
    cmd: tuple[str, ...]
    returncode: int
    wall_s: float
    cpu_s: float  # user + system of the child
    maxrss_mb: float
    stdout: str
    stderr: str
    # Sum of the peaks of the process and its children (the extraction worker):
    # an upper bound of the whole crawl's resident memory.
    tree_rss_mb: float = 0.0
    # CPU seconds of the process itself (all its threads) and of its children (the
    # extraction workers), from /proc/PID/stat sampled every 20 ms (the last 20 ms
    # of each may be missed); 0.0 where /proc is missing.
    own_cpu_s: float = 0.0
    children_cpu_s: float = 0.0

    def check(self) -> Measured:
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"{' '.join(self.cmd[:4])} ... exited {self.returncode}:\n{tail}")
        return self


def run_measured(cmd: list[str], *, timeout: float = 900, env: dict | None = None,
                 cwd: Path | None = None) -> Measured:
    """Run cmd from the repository root (or `cwd`: another checkout's code, for
    before/after runs) and return its exit, times, peak RSS and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd or REPO, stdout=out, stderr=err, env=env)
        deadline, hwm, peaks, own, cpus = start + timeout, None, {}, 0.0, {}
        while True:  # bounded by the deadline
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            hwm = vmhwm_mb(proc.pid) or hwm
            own = cpu_seconds(proc.pid) or own
            for child in children(proc.pid):
                peaks[child] = vmhwm_mb(child) or peaks.get(child, 0.0)
                cpus[child] = cpu_seconds(child) or cpus.get(child, 0.0)
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it, not Popen
        out.seek(0)
        err.seek(0)
        main = hwm or usage.ru_maxrss / 1024
        return Measured(tuple(cmd), proc.returncode, wall, usage.ru_utime + usage.ru_stime,
                        main, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"), main + sum(peaks.values()),
                        own, sum(cpus.values()))


def children(pid: int) -> list[int]:
    """Direct children of `pid` (Linux), e.g. the crawl's extraction worker."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        return []


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process's own threads (Linux), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def vmhwm_mb(pid: int) -> float | None:
    """Peak resident memory of the process's current image (Linux), or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def stop_with_peak(proc: subprocess.Popen, grace: float = 10.0) -> float:
    """SIGTERM a child (SIGKILL after `grace` s), reap it, return its peak RSS in MB."""
    hwm = vmhwm_mb(proc.pid)
    proc.send_signal(signal.SIGTERM)
    deadline = time.perf_counter() + grace
    while True:  # bounded by the grace period
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.send_signal(signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return hwm or usage.ru_maxrss / 1024


def scrapy_stat(log: str, name: str) -> float | None:
    """A numeric value from Scrapy's end-of-crawl stats dump (INFO log) or JSON stats."""
    match = re.search(rf"['\"]{re.escape(name)}['\"]: ([0-9.]+)", log)
    return float(match.group(1)) if match else None


def archive_bytes(path: Path) -> int:
    """Size of the archive file plus its WAL, after a checkpoint folds the WAL in."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def remove_archive(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def crawl_cmd(url: str, db: Path, depth: int = 2, log_level: str = "INFO") -> list[str]:
    """The archive crawl exactly as a user runs it: the CLI, politeness delay off."""
    return [PYTHON, "-m", "condition_archive", "crawl", url, "--db", str(db), "--delay", "0",
            "--depth", str(depth), "--log-level", log_level]


def bare_cmd(url: str, depth: int = 2, concurrent_items: int | None = None) -> list[str]:
    cmd = [PYTHON, str(BENCH / "bare_spider.py"), url, "--depth", str(depth)]
    return cmd + ["--concurrent-items", str(concurrent_items)] if concurrent_items else cmd
