"""Crawl benchmarks on the generated site (gensite.py), served on 127.0.0.1.

    python bench/crawl_bench.py [--pages 5000] [--rounds 2] [--profile-pages 1000]

- server: what the site's server answers per second (loadtest.py, another process);
- throughput: the bare Scrapy spider (bare_spider.py) and the full archive crawl
  (`condition-archive crawl ROOT --delay 0 --depth 2`), run alternately, pages/s
  from Scrapy's own elapsed_time_seconds (engine open to close);
- storage: bytes stored per page version against the raw HTML, after the first crawl;
- recrawl: bytes the server sent and archive growth of an unchanged re-crawl and
  of one after 10% of the pages changed, as fractions of the first crawl;
- profile: a cProfile of an archive crawl, summarised by stage (profile_report.py);
- memory: peak RSS (kernel rusage) of crawls of two site sizes.
Each child is its own process (one Twisted reactor per process).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from gensite import layout_for
from genserver import GenSite
from procs import (BENCH, PYTHON, Measured, archive_bytes, bare_cmd, crawl_cmd, remove_archive,
                   run_measured, scrapy_stat)

RESULTS = BENCH / "results"


# CONCURRENT_ITEMS: Scrapy starts that many tasks per response. "bare-tuned" is the
# bare spider with 16, what the archive crawl set when issue 16's targets were written
# (it sets 1 since: its callback yields one output a response), so the report shows the
# ratio against a bare spider as users run it and against that tuned one.
TUNED_ITEMS = 16
BARE_KINDS = ("bare", "bare-tuned")


def _crawl_row(m: Measured, kind: str, site: GenSite) -> dict:
    log = m.stdout if kind in BARE_KINDS else m.stderr
    served = site.stats()
    robots = scrapy_stat(log, "robotstxt/response_count") or 0
    pages = (scrapy_stat(log, "response_received_count") or 0) - robots
    elapsed = scrapy_stat(log, "elapsed_time_seconds") or m.wall_s
    return {"kind": kind, "pages": int(pages), "elapsed_s": elapsed, "wall_s": m.wall_s,
            "cpu_s": m.cpu_s, "pages_per_s": pages / elapsed if elapsed else 0.0,
            "pages_per_cpu_s": pages / m.cpu_s if m.cpu_s else 0.0,
            # Per process: the crawl's own (download, schedule, store; all its threads)
            # and its extraction workers', in ms of CPU per page.
            "crawl_cpu_ms_per_page": 1000 * m.own_cpu_s / pages if pages else 0.0,
            "worker_cpu_ms_per_page": 1000 * m.children_cpu_s / pages if pages else 0.0,
            "peak_rss_mb": m.maxrss_mb, "tree_rss_mb": m.tree_rss_mb, "server_requests": served["requests"],
            "server_bytes": served["bytes_sent"], "server_status": served["status"]}


def run_crawl(kind: str, site: GenSite, db: Path | None = None, extra: list[str] | None = None,
              tree: Path | None = None) -> dict:
    """One bare or archive crawl of the site, in its own process; server counters reset first.
    `tree`: run the archive crawl with that checkout's code (crawl_ab.py)."""
    site.reset_stats()
    if kind in BARE_KINDS:
        cmd = bare_cmd(site.root_url, concurrent_items=TUNED_ITEMS if kind == "bare-tuned" else None)
    else:
        cmd = crawl_cmd(site.root_url, db)
    m = run_measured((extra or []) + cmd if extra else cmd, cwd=tree).check()
    return _crawl_row(m, kind, site)


def server_rate(site: GenSite, seconds: float) -> dict:
    urls = [site.base_url + path for path in list(site.pages)[:8]]
    m = run_measured([PYTHON, str(BENCH / "loadtest.py"), *urls, "--seconds", str(seconds)]).check()
    return json.loads(m.stdout)


def throughput(site: GenSite, db: Path, rounds: int, tuned: bool = True) -> dict:
    """bare, bare-tuned, archive, bare, bare-tuned, archive ...; the last archive
    crawl's db stays as the first crawl."""
    runs = []
    for _ in range(rounds):
        runs.append(run_crawl("bare", site))
        if tuned:
            runs.append(run_crawl("bare-tuned", site))
        remove_archive(db)
        runs.append(run_crawl("archive", site, db))

    def mean(kind: str, key: str) -> float:
        values = [r[key] for r in runs if r["kind"] == kind]
        return sum(values) / len(values)

    kinds = ("bare", "archive") + (("bare-tuned",) if tuned else ())
    best = {k: max(r["pages_per_s"] for r in runs if r["kind"] == k) for k in kinds}
    out = {"runs": runs, "bare_pages_per_s": mean("bare", "pages_per_s"),
           "archive_pages_per_s": mean("archive", "pages_per_s"),
           "ratio": mean("archive", "pages_per_s") / mean("bare", "pages_per_s"),
           "ratio_best": best["archive"] / best["bare"],
           # CPU time is less disturbed than wall time by other work on a shared machine.
           "ratio_cpu": mean("archive", "pages_per_cpu_s") / mean("bare", "pages_per_cpu_s")}
    if tuned:
        out.update(tuned_items=TUNED_ITEMS, bare_tuned_pages_per_s=mean("bare-tuned", "pages_per_s"),
                   ratio_tuned=mean("archive", "pages_per_s") / mean("bare-tuned", "pages_per_s"),
                   ratio_tuned_cpu=mean("archive", "pages_per_cpu_s") / mean("bare-tuned", "pages_per_cpu_s"))
    # CPU per page by process (ms): the target is the archive's total at most 2x the tuned bare spider's.
    out["cpu_ms_per_page"] = {k: 1000 / mean(k, "pages_per_cpu_s") for k in kinds}
    out["archive_cpu_ms_per_page"] = {"crawl process": mean("archive", "crawl_cpu_ms_per_page"),
                                      "extraction worker": mean("archive", "worker_cpu_ms_per_page")}
    return out


GROUPS = ("captures", "versions_fts", "versions", "links", "cards", "fetches")
LEDGER = ("ledger", "urls", "ledger_headers")
ALIASES = {"capture_dicts": "captures_dicts", "idx_capture_dicts_site": "idx_captures_dicts"}


def table_bytes(db: Path) -> dict[str, int]:
    """Bytes by table group (a table with its indexes and FTS shadow tables), from dbstat."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:  # SQLite built without dbstat
        rows = []
    finally:
        conn.close()
    groups: dict[str, int] = {}
    for name, size in rows:
        name = ALIASES.get(name, name)
        if name.startswith(("link_", "idx_link_")):  # the links view's tables
            name = name.replace("link_", "links_", 1)
        if name in LEDGER or name.startswith(tuple(f"idx_{t}_" for t in LEDGER)):  # the fetches view's tables
            name = "fetches_" + name
        group = next((g for g in GROUPS if name == g or name.startswith(g + "_")
                      or name.endswith("_" + g) or f"_{g}_" in name), "other tables and indexes")
        groups[group] = groups.get(group, 0) + size
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


def storage(db: Path) -> dict:
    """Bytes per page version against raw HTML, and where the bytes are."""
    total = archive_bytes(db)
    conn = sqlite3.connect(db)
    try:
        versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
        raw, packed, captures = conn.execute(
            "SELECT sum(size), sum(stored_size), count(*) FROM captures").fetchone()
    finally:
        conn.close()
    return {"versions": versions, "captures": captures, "archive_bytes": total,
            "raw_html_bytes": raw, "capture_bytes": packed,
            "bytes_per_version": total / versions, "raw_bytes_per_page": raw / captures,
            "archive_to_raw": total / raw, "capture_to_raw": packed / raw,
            "by_table": {k: v / versions for k, v in table_bytes(db).items()}}


def recrawl(site: GenSite, db: Path, first: dict, fraction: float) -> dict:
    """An unchanged re-crawl, then one after `fraction` of the pages changed."""
    base_bytes = archive_bytes(db)
    out = {"first": {"server_bytes": first["server_bytes"], "archive_bytes": base_bytes}}
    for label, frac in (("unchanged", 0.0), ("changed", fraction)):
        changed = site.set_change_fraction(frac)
        before, tables = archive_bytes(db), table_bytes(db)
        row = run_crawl("archive", site, db)
        after, grown = archive_bytes(db), table_bytes(db)
        out[label] = {**row, "pages_changed_on_site": changed, "archive_growth": after - before,
                      "growth_by_table": {k: v - tables.get(k, 0) for k, v in grown.items()},
                      "bytes_fraction": row["server_bytes"] / first["server_bytes"],
                      "growth_fraction": (after - before) / base_bytes,
                      "crawl": _last_crawl(db)}
    site.set_change_fraction(0.0)
    return out


def _last_crawl(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT pages_new, pages_changed, pages_unchanged, not_modified, errors "
                           "FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        return dict(row)
    finally:
        conn.close()


def profile(site: GenSite, db: Path, max_pages: int, stamp: str, results: Path = RESULTS) -> dict:
    from profile_report import summarize, write_text

    remove_archive(db)
    prof = results / f"profile-{stamp}.prof"
    extra = ["-m", "cProfile", "-o", str(prof)]
    cmd = crawl_cmd(site.root_url, db) + ["--max-pages", str(max_pages)]
    site.reset_stats()
    m = run_measured([cmd[0], *extra, *cmd[1:]]).check()
    text = write_text(prof, results / f"profile-{stamp}.txt")
    return {"pages": site.stats()["requests"] - 1, "wall_s": m.wall_s, "prof": str(prof), "text": str(text),
            **summarize(prof)}


def memory(pages: int, workdir: Path, bare: bool = True) -> dict:
    """Peak RSS of an archive crawl (and a bare one) of a `pages`-page site."""
    out = {}
    with GenSite(layout_for(pages)) as site:
        db = workdir / f"memory-{pages}.db"
        remove_archive(db)
        out["archive"] = run_crawl("archive", site, db)
        if bare:
            out["bare"] = run_crawl("bare", site)
        remove_archive(db)
    return out


def run(pages: int, rounds: int, profile_pages: int, workdir: Path, stamp: str,
        load_seconds: float = 3.0, change_fraction: float = 0.1, results: Path = RESULTS) -> dict:
    results.mkdir(parents=True, exist_ok=True)
    db = workdir / "crawl.db"
    with GenSite(layout_for(pages)) as site:
        result = {"site_pages": len(site.pages), "server": server_rate(site, load_seconds)}
        result["throughput"] = throughput(site, db, rounds)
        result["storage"] = storage(db)
        first = result["throughput"]["runs"][-1]
        result["recrawl"] = recrawl(site, db, first, change_fraction)
        result["profile"] = profile(site, workdir / "profile.db", profile_pages, stamp, results)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile-pages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crawl-bench-") as tmp:
        result = run(args.pages, args.rounds, args.profile_pages, Path(tmp),
                     time.strftime("%Y%m%d-%H%M%S"))
    print(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
