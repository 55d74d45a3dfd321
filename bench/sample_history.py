"""Crawl the bundled sample site as it was in 2012, then 2025, then 2025 again
into a fresh archive, and print per crawl: wall time, the crawl's own summary,
the archive size (after a WAL checkpoint) and what the server answered.

    .venv/bin/python bench/sample_history.py [--db /tmp/sample-history.db]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from condition_archive.serve.demo import CENTER, remove_archive
from condition_archive.sample_site import SampleSite


def archive_bytes(db: str) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(Path(db + s).stat().st_size for s in ("", "-wal") if Path(db + s).exists())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/sample-history.db")
    db = parser.parse_args().db
    remove_archive(db)
    print("| crawl | site | wall s | summary | archive bytes | growth bytes | server answered |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    before = 0
    with SampleSite(version="2012") as site:
        for n, version in enumerate(("2012", "2025", "2025"), 1):
            site.set_version(version)
            site.reset_stats()
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "condition_archive", "crawl", site.url(CENTER), "--db", db,
                                   "--delay", "0", "--log-level", "WARNING"], capture_output=True, text=True)
            wall = time.perf_counter() - start
            if proc.returncode:
                sys.exit(f"crawl {n} failed:\n{proc.stderr[-3000:]}")
            summary = next(line for line in proc.stderr.splitlines() if line.startswith(f"crawl {n} "))
            size = archive_bytes(db)
            print(f"| {n} | {version} | {wall:.2f} | {summary} | {size:,} | {size - before:+,} | "
                  f"{dict(sorted(site.stats['status'].items()))} |")
            before = size


if __name__ == "__main__":
    main()
