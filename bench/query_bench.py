"""Query scale: latency of Datasette's JSON API and full CSV exports on a large archive.

    python bench/query_bench.py build --db PATH [--articles 100000] [--centers 2000]
    python bench/query_bench.py measure --db PATH [--repeat 30]
    python bench/query_bench.py latency --db PATH [--repeat 30] [--without-query-indexes]

`build` writes the archive through the real storage code (synth.py). `measure`
times, through Datasette's in-process client with the project's own metadata
(condition_archive.serve.metadata.build_metadata) and `serve` settings, a full-text
search (a common word and a rare one; the articles view, and the `search` canned
query with its snippets and relevance rank), the center_as_of canned query and the
changes_last_crawl canned query: median and p95 of `repeat` calls after two
warm-ups. Then it exports every row of the articles view and of the versions
table to CSV: `condition-archive export TARGET --format csv` in its own process
(peak RSS: see procs.py), and Datasette's own `/archive/TARGET.csv?_stream=on` from
a real Datasette server on 127.0.0.1 started as `condition-archive serve` starts
it (plus max_csv_mb 0, or Datasette cuts the file at 100 MB), each stream cut
after --export-budget seconds: Datasette pages a view with OFFSET, so a view's
full export grows quadratically. Each prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from procs import PYTHON, REPO, run_measured, stop_with_peak
from synth import RARE_TOPICS, Shape, build

SERVE_SETTINGS = {"allow_csv_stream": True, "sql_time_limit_ms": 5000, "default_page_size": 50}


def _stats(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "calls": len(ordered)}


async def _time_paths(ds, paths: list[str], repeat: int) -> dict:
    for path in paths[:2]:  # warm-up: page cache, prepared schema
        (await ds.client.get(path)).raise_for_status()
    seconds, rows = [], []
    for i in range(repeat):
        path = paths[i % len(paths)]
        start = time.perf_counter()
        response = await ds.client.get(path)
        seconds.append(time.perf_counter() - start)
        response.raise_for_status()
        rows.append(len(response.json()))
    return {**_stats(seconds), "rows_median": statistics.median(rows), "example": paths[0]}


def query_paths(name: str, shape: Shape) -> dict[str, list[str]]:
    from gensite import vocabulary

    common = vocabulary()[::97][:10]
    centers = [shape.center_url(c) for c in range(0, shape.centers, max(1, shape.centers // 10))]
    dates = ("2024-06-01", "2025-06-01")
    return {
        "fts_common_word": [f"/{name}/articles.json?_search={w}&_shape=array" for w in common],
        "fts_rare_word": [f"/{name}/articles.json?_search=topic{t}&_shape=array"
                          for t in range(7, RARE_TOPICS, RARE_TOPICS // 10)],
        "search_common_word": [f"/{name}/search.json?q={w}&order=&versions=&_shape=array" for w in common],
        "center_as_of": [f"/{name}/center_as_of.json?center_url={quote(url, safe='')}&when={d}&_shape=array"
                         for url in centers for d in dates],
        "changes_last_crawl": [f"/{name}/changes_last_crawl.json?_shape=array"],
    }


def latencies(db: Path, shape: Shape, repeat: int) -> dict:
    from datasette.app import Datasette

    from condition_archive.serve.metadata import build_metadata

    from condition_archive.serve.serve import PLUGINS_DIR

    ds = Datasette([str(db)], metadata=build_metadata(db.stem), settings=SERVE_SETTINGS, plugins_dir=str(PLUGINS_DIR))

    async def run() -> dict:
        await ds.invoke_startup()
        return {key: await _time_paths(ds, paths, repeat)
                for key, paths in query_paths(db.stem, shape).items()}

    return asyncio.run(run())


def csv_rows(path: Path, complete: bool = True) -> int:
    """Data rows in a CSV file; a file cut short loses its last, partial row."""
    count = 0
    with path.open(newline="", encoding="utf-8", errors="replace") as fh:
        try:
            for count, _ in enumerate(csv.reader(fh)):
                pass
        except csv.Error:
            pass
    return max(count - (0 if complete else 1), 0)


def export_project(db: Path, target: str, out: Path) -> dict:
    m = run_measured([PYTHON, "-m", "condition_archive", "export", target, "--format", "csv",
                      "-o", str(out), "--db", str(db)]).check()
    return {"seconds": m.wall_s, "peak_rss_mb": m.maxrss_mb, "bytes": out.stat().st_size,
            "rows": csv_rows(out), "complete": True}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, seconds: float = 60) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:  # bounded
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"Datasette did not answer {url} within {seconds:.0f} s")


def _download(url: str, out: Path, budget_s: float) -> tuple[float, bool]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response, out.open("wb") as fh:
        while chunk := response.read(1 << 16):  # bounded by the budget below
            fh.write(chunk)
            if time.perf_counter() - start > budget_s:
                return time.perf_counter() - start, False
    return time.perf_counter() - start, True


def export_datasette(db: Path, targets: list[str], out_dir: Path, budget_s: float) -> dict:
    """Datasette's streamed CSV of each target from one real server process (started as
    `condition-archive serve` starts it), stopped after `budget_s` per target; the
    server's peak RSS over all of them."""
    from condition_archive.serve.metadata import write_metadata
    from condition_archive.serve.serve import datasette_command

    port, result = _free_port(), {}
    meta = write_metadata(db, out_dir / "metadata.json")
    cmd = datasette_command(db, meta, "127.0.0.1", port) + ["--setting", "max_csv_mb", "0"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(f"http://127.0.0.1:{port}/-/versions.json")
        for target in targets:
            out = out_dir / f"datasette-{target}.csv"
            url = f"http://127.0.0.1:{port}/{db.stem}/{target}.csv?_stream=on"
            seconds, complete = _download(url, out, budget_s)
            result[target] = {"seconds": seconds, "bytes": out.stat().st_size, "complete": complete,
                              "rows": csv_rows(out, complete)}
    finally:
        peak = stop_with_peak(proc)
    for row in result.values():
        row["peak_rss_mb"] = peak  # the server's, over all its exports
    return result


def measure(db: Path, shape: Shape, repeat: int, budget_s: float) -> dict:
    result = {"latency": latencies(db, shape, repeat), "exports": {}}
    targets = ["articles", "versions"]
    with tempfile.TemporaryDirectory() as tmp:
        for target in targets:
            result["exports"][target] = {
                "project": export_project(db, target, Path(tmp) / f"project-{target}.csv")}
        for target, row in export_datasette(db, targets, Path(tmp), budget_s).items():
            result["exports"][target]["datasette"] = row
    result["archive_mb"] = db.stat().st_size / 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Query-scale benchmark (build, then measure).")
    parser.add_argument("action", choices=("build", "measure", "latency"))
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--centers", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--without-query-indexes", action="store_true",
                        help="latency: first drop the indexes the query plans need (issue 16), for a before/after")
    parser.add_argument("--export-budget", type=float, default=60.0,
                        help="seconds before a Datasette CSV stream is cut (views page by OFFSET)")
    args = parser.parse_args()
    shape = Shape(args.articles, args.centers)
    if args.action == "build":
        start = time.perf_counter()
        out = build(args.db, args.articles, args.centers)
        out["seconds"] = time.perf_counter() - start
    elif args.action == "latency":
        set_query_indexes(args.db, not args.without_query_indexes)
        out = {"query_indexes": not args.without_query_indexes, **latencies(args.db, shape, args.repeat)}
    else:
        out = measure(args.db, shape, args.repeat, args.export_budget)
    print(json.dumps(out))


# The indexes the canned queries' and views' plans need (tests/test_query_plans.py).
QUERY_INDEXES = [("pages", ["current_version_id"]), ("versions", ["kind", "date_updated"]), ("pages", ["kind", "url"]),
                 ("changes", ["change"]), ("fetches", ["outcome"]), ("fetches", ["status"])]


def set_query_indexes(db: Path, present: bool) -> None:
    """Apply the schema with (or without, dropping them) QUERY_INDEXES, so that one
    archive measures before and after."""
    import copy

    import sqlite_utils

    from condition_archive.archive.db import apply_schema, load_schema

    schema = copy.deepcopy(load_schema())
    handle = sqlite_utils.Database(db)
    if not present:
        schema["indexes"] = [i for i in schema["indexes"] if (i["table"], i["columns"]) not in QUERY_INDEXES]
        for table, columns in QUERY_INDEXES:
            handle.execute(f"DROP INDEX IF EXISTS idx_{table}_{'_'.join(columns)}")
    apply_schema(handle, schema)
    handle.close()


if __name__ == "__main__":
    main()
