"""Run every benchmark, write bench/results/bench-STAMP.json, print the markdown tables.

    python bench/run_all.py            # the full run (about ten minutes on 2 cores)
    python bench/run_all.py --quick    # small sizes: checks the scripts still run
    python bench/run_all.py --only crawl,memory

Sections: extraction (extraction_bench.py --only project,trafilatura, and
extract_speed.py), crawl (crawl_bench.py: server rate, alternating bare/archive
throughput, storage, re-crawls, profile), memory (peak RSS of the archive crawl at
two site sizes), query (query_bench.py: 100,000 articles through the real store,
Datasette latencies, CSV exports). The memory crawl and the query archive's build
run at the same time (two cores); peak RSS does not depend on CPU contention,
and the latencies are measured after both are done. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path

import crawl_bench
from procs import BENCH, PYTHON, REPO, run_measured
from report import markdown

SECTIONS = ("extraction", "crawl", "memory", "query")
PACKAGES = ("scrapy", "twisted", "lxml", "sqlite-utils", "datasette", "trafilatura")


@dataclass(frozen=True)
class Sizes:
    pages: int = 5000
    rounds: int = 2
    profile_pages: int = 1000
    memory_pages: int = 20000
    articles: int = 100_000
    centers: int = 2000
    repeat: int = 30
    load_seconds: float = 3.0
    export_budget: float = 60.0
    extraction_args: tuple[str, ...] = ()


QUICK = Sizes(pages=200, rounds=1, profile_pages=100, memory_pages=400, articles=1000, centers=20,
              repeat=3, load_seconds=1.0, export_budget=10.0, extraction_args=("--quick", "--limit", "6"))


def machine() -> dict:
    mem = ""
    if Path("/proc/meminfo").exists():
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":")[1].strip()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {"cpus": os.cpu_count(), "memory": mem, "load_average": os.getloadavg(),
            "python": platform.python_version(), "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version, "packages": versions}


def extraction(sizes: Sizes) -> dict:
    m = run_measured([PYTHON, str(BENCH / "extraction_bench.py"), "--only", "project,trafilatura",
                      *sizes.extraction_args]).check()
    written = re.search(r"wrote (\S+\.json)", m.stdout)
    if not written:
        raise RuntimeError(f"extraction_bench.py wrote no results file:\n{m.stdout[-500:]}")
    data = json.loads((REPO / written.group(1)).read_text(encoding="utf-8"))
    summary = [{k: row[k] for k in ("extractor", "f1", "precision", "recall", "pages_per_s")}
               for row in data["summary"]]
    peer = next(r["pages_per_s"] for r in summary if r["extractor"] == "trafilatura")
    full = run_measured([PYTHON, str(BENCH / "extract_speed.py"), "--set", "1", "--json",
                         *[a for a in sizes.extraction_args]]).check()
    return {"pages": data["pages"], "summary": summary, "trafilatura_per_s": peer,
            "ratio": next(r["pages_per_s"] for r in summary if r["extractor"] == "project") / peer,
            "results_file": written.group(1), "full": json.loads(full.stdout)}


def query_build(sizes: Sizes, db: Path) -> dict:
    m = run_measured([PYTHON, str(BENCH / "query_bench.py"), "build", "--db", str(db),
                      "--articles", str(sizes.articles), "--centers", str(sizes.centers)],
                     timeout=1800).check()
    return {**json.loads(m.stdout), "peak_rss_mb": m.maxrss_mb}


def query_measure(sizes: Sizes, db: Path) -> dict:
    m = run_measured([PYTHON, str(BENCH / "query_bench.py"), "measure", "--db", str(db),
                      "--articles", str(sizes.articles), "--centers", str(sizes.centers),
                      "--repeat", str(sizes.repeat), "--export-budget", str(sizes.export_budget)],
                     timeout=1800).check()
    return json.loads(m.stdout)


def memory_and_query(sizes: Sizes, sections: set[str], tmp: Path, results: dict) -> None:
    """The big crawl and the query archive's build side by side, then the latencies."""
    db = tmp / "archive.db"  # Datasette names the database after the file: /archive/...
    with ThreadPoolExecutor(max_workers=1) as pool:
        build = pool.submit(query_build, sizes, db) if "query" in sections else None
        if "memory" in sections:
            big = crawl_bench.memory(sizes.memory_pages, tmp)
            results["memory"] = {str(sizes.memory_pages): {
                "archive": big["archive"]["peak_rss_mb"], "bare": big["bare"]["peak_rss_mb"],
                "archive_tree": big["archive"]["tree_rss_mb"],
                "archive_pages": big["archive"]["pages"], "archive_pages_per_s": big["archive"]["pages_per_s"]}}
            runs = results.get("crawl", {}).get("throughput", {}).get("runs", [])
            if runs:
                results["memory"][str(sizes.pages)] = {
                    "archive": max(r["peak_rss_mb"] for r in runs if r["kind"] == "archive"),
                    "archive_tree": max(r["tree_rss_mb"] for r in runs if r["kind"] == "archive"),
                    "bare": max(r["peak_rss_mb"] for r in runs if r["kind"] == "bare")}
        if build is not None:
            results["query"] = {"build": build.result()}
    if "query" in sections:
        results["query"]["measure"] = query_measure(sizes, db)


def run(sizes: Sizes, sections: set[str], quick: bool, out_dir: Path) -> dict:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    results: dict = {"stamp": stamp, "quick": quick, "sizes": asdict(sizes), "machine": machine()}
    started = time.perf_counter()
    if "extraction" in sections:
        results["extraction"] = extraction(sizes)
    with tempfile.TemporaryDirectory(prefix="condition-archive-bench-") as tmp:
        if "crawl" in sections:
            results["crawl"] = crawl_bench.run(sizes.pages, sizes.rounds, sizes.profile_pages,
                                               Path(tmp), stamp, load_seconds=sizes.load_seconds,
                                               results=out_dir)
        memory_and_query(sizes, sections, Path(tmp), results)
    results["total_s"] = time.perf_counter() - started
    results["machine"]["load_average_end"] = os.getloadavg()  # other work on the machine skews times
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the scripts run")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma list of {', '.join(SECTIONS)}")
    parser.add_argument("--pages", type=int, help="site pages for the crawl benchmarks")
    parser.add_argument("--articles", type=int, help="articles in the query-scale archive")
    parser.add_argument("--results", type=Path, default=crawl_bench.RESULTS,
                        help="where the JSON and the profile go (default bench/results)")
    args = parser.parse_args()
    sections = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {', '.join(sorted(unknown))}: choose from {', '.join(SECTIONS)}")
    sizes = QUICK if args.quick else Sizes()
    overrides = {k: v for k, v in (("pages", args.pages), ("articles", args.articles)) if v}
    if overrides:
        sizes = Sizes(**{**asdict(sizes), **overrides})
    args.results.mkdir(parents=True, exist_ok=True)
    results = run(sizes, sections, args.quick, args.results)
    out = args.results / f"bench-{results['stamp']}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(markdown(results))
    print(f"wrote {out} in {results['total_s']:.0f} s")


if __name__ == "__main__":
    main()
