"""`condition-archive export` streams: its peak memory at 100,000 rows stays close to
its peak at 10,000 rows, for a table in every format and for a canned query.

No timing is asserted; the memory bound is loose (growth under a tenth of the extra
data written). Run it as a script to print the measurements:

    .venv/bin/python tests/test_export_memory.py
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SMALL, LARGE = 10_000, 100_000
FILLER = "x" * 900  # about 1 kB a row, so that holding the rows would show
TARGET = "https://example.org/target"
CASES = [("fetches", "csv", ()), ("fetches", "jsonl", ()), ("fetches", "json", ()),
         ("links_to", "csv", ("-p", f"url={TARGET}"))]


def build(db: Path, rows: int) -> None:
    from condition_archive.archive import linkstore
    from condition_archive.archive.db import open_archive

    open_archive(db).close()
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO crawls (id, status, seeds) VALUES (1, 'finished', '[]')")
        conn.execute("INSERT INTO pages (id, url, kind, current_version_id) VALUES (1, 'https://example.org/', "
                     "'center', 1)")
        conn.execute("INSERT INTO versions (id, page_id, number, kind, title) VALUES (1, 1, 1, 'center', 'C')")
        conn.executemany("INSERT INTO fetches (crawl_id, url, outcome, status, reason) VALUES (1, ?, 'fetched', 200, ?)",
                         ((f"https://example.org/page/{i}", FILLER) for i in range(rows)))
        linkstore.insert_links(conn, 1, [(TARGET, FILLER, "main", "")] * rows)
    conn.close()


def peak_rss_kb(db: Path, target: str, fmt: str, extra: tuple[str, ...], out: Path) -> int:
    """Peak resident memory (kB) of one export run, from the kernel's accounting of that child."""
    proc = subprocess.Popen([sys.executable, "-m", "condition_archive", "export", target, "--db", str(db),
                             "--format", fmt, "-o", str(out), *extra], stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise AssertionError(f"export {target} failed: {proc.stderr.read().decode()[-2000:]}")
    proc.stderr.close()
    return usage.ru_maxrss


def measure(folder: Path) -> list[dict]:
    dbs = {}
    for rows in (SMALL, LARGE):
        dbs[rows] = folder / f"rows-{rows}.db"
        build(dbs[rows], rows)
    results = []
    for target, fmt, extra in CASES:
        row = {"target": target, "format": fmt}
        for rows, db in dbs.items():
            out = folder / f"{target}-{rows}.{fmt}"
            row[f"rss_kb_{rows}"] = peak_rss_kb(db, target, fmt, extra, out)
            row[f"bytes_{rows}"] = out.stat().st_size
            out.unlink()
        results.append(row)
    return results


@pytest.mark.slow
def test_export_memory_stays_flat_as_rows_grow(tmp_path):
    for row in measure(tmp_path):
        growth_kb = row[f"rss_kb_{LARGE}"] - row[f"rss_kb_{SMALL}"]
        extra_data_kb = (row[f"bytes_{LARGE}"] - row[f"bytes_{SMALL}"]) / 1024
        assert extra_data_kb > 50_000, "the large export must be big enough for growth to show"
        assert growth_kb < extra_data_kb / 10, row
        assert row[f"rss_kb_{LARGE}"] < 3 * row[f"rss_kb_{SMALL}"], row


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'target':<10} {'format':<6} {'peak RSS 10k':>13} {'peak RSS 100k':>14} {'output 100k':>12}")
        for r in measure(Path(tmp)):
            print(f"{r['target']:<10} {r['format']:<6} {r[f'rss_kb_{SMALL}'] / 1024:>10.1f} MB "
                  f"{r[f'rss_kb_{LARGE}'] / 1024:>11.1f} MB {r[f'bytes_{LARGE}'] / 2**20:>9.1f} MB")
