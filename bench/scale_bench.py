"""The distributed crawl at scale: speed with 1, 2, 4 workers against one process, and kills.

A generated multi-host site: H copies of the generated site (bench/gensite.py), each on its own
loopback address (127.0.0.1 ... 127.0.0.H: a crawler sees H hosts), each answering after a
server-side delay, so the crawl is bound by latency and politeness (one request at a time per
host), as on the real web, not by this machine's cores.

    python bench/scale_bench.py speed [--pages 620] [--hosts 20] [--server-delay 0.3] [--concurrency 4]
    python bench/scale_bench.py kills [--pages 2000] [--hosts 20] [--kills 10] [--workers 2]

speed: one single-process crawl, then distributed crawls with 1, 2 and 4 workers, same site, same
run; pages per second over the servers' request window (first to last request), as ratios to the
single process. Every process (the single one and each worker) gets the same CONCURRENT_REQUESTS
(--concurrency): the capacity of one machine, which workers on more machines multiply.
kills: a single-process crawl, then a distributed crawl (the ingest and --workers workers) in which
a worker and the ingest are each killed with SIGKILL --kills times at random points and restarted;
the two archives must be equal (pages, versions, captures, links, ledger) with nothing duplicated.
`kills --kills 1` is the "three processes, each of a worker and the ingest killed once" run.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gensite import Layout
from genserver import GenSite

from condition_archive.distributed.local import Cluster, RedisServer, duplicates, signature


def layout(pages: int, hosts: int) -> Layout:
    """Per host: a root, C centers and C x A articles, about pages / hosts in all."""
    per_host = max(4, -(-pages // hosts))
    centers = max(1, round(per_host ** 0.5 / 2))
    return Layout(centers, max(1, -(-(per_host - 1 - centers) // centers)))


def start_sites(args) -> list[GenSite]:
    shape = layout(args.pages, args.hosts)
    return [GenSite(shape, host=f"127.0.0.{i + 1}", delay=args.server_delay).start() for i in range(args.hosts)]


def window(sites: list[GenSite]) -> tuple[int, float]:
    stats = [s.stats() for s in sites]
    requests = sum(s["requests"] for s in stats)
    firsts = [s["first_at"] for s in stats if s["first_at"] is not None]
    lasts = [s["last_at"] for s in stats if s["last_at"] is not None]
    return requests, (max(lasts) - min(firsts)) if firsts else 0.0


def reset(sites: list[GenSite]) -> None:
    for site in sites:
        site.reset_stats()
        site.max_in_flight = 0


def single(sites, db: Path, concurrency: int) -> dict:
    """One process, one request at a time per host (as the cluster), --depth 2."""
    reset(sites)
    extra = {"CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    code = ("import json,sys;from condition_archive.crawl.runner import CrawlOptions, run_crawl;"
            "run_crawl(CrawlOptions(urls=tuple(sys.argv[2].split(',')), db=sys.argv[1], depth=2, delay=0,"
            " log_level='ERROR', extra_settings=json.loads(sys.argv[3])))")
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, "-c", code, str(db), ",".join(s.root_url for s in sites), json.dumps(extra)],
                   check=True)
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    requests, span = window(sites)
    return {"mode": "single process", "requests": requests, "pages": len(signature(db)["pages"]), "cpu_s": cpu,
            "window_s": span, "wall_s": wall,
            "max_per_host": max(s.max_in_flight for s in sites)}


def distributed(sites, redis_url: str, db: Path, logs: Path, workers: int, concurrency: int,
                name: str, kills: int = 0, seed: int = 1) -> dict:
    reset(sites)
    cluster = Cluster(redis_url, db, logs, name=name)
    started, cpu = time.perf_counter(), _children_cpu()
    cluster.start_ingest()
    cluster.crawl(*[s.root_url for s in sites], "--depth", "2", "--delay", "0")
    for _ in range(workers):
        cluster.add_worker("--concurrency", str(concurrency))
    done = {"worker": 0, "ingest": 0}
    sampler = RedisSampler(redis_url, name).start()
    if kills:
        done = kill_at_random(cluster, db, sites, kills, seed, concurrency)
    cluster.wait(timeout=3600)
    sampler.stop()
    wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
    requests, span = window(sites)
    return {"mode": f"{workers} worker{'s' * (workers > 1)}", "requests": requests,
            "pages": len(signature(db)["pages"]), "cpu_s": cpu, "window_s": span,
            "wall_s": wall, "max_per_host": max(s.max_in_flight for s in sites), "kills": done,
            "redis": sampler.peaks, "db_bytes": db.stat().st_size,
            "versions": len(signature(db)["versions"])}


class RedisSampler:
    """Peak Redis memory of the crawl's frontier (queue + seen set) and stream, with bytes per item."""

    def __init__(self, url: str, name: str):
        import threading

        import redis

        from condition_archive.distributed.keys import Keys

        self.server, self.keys = redis.Redis.from_url(url), Keys(name)
        self.peaks: dict = {"used_memory": 0, "queue_items": 0, "queue_bytes": 0, "stream_items": 0,
                            "stream_bytes": 0, "seen_items": 0, "seen_bytes": 0}
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "RedisSampler":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()
        p = self.peaks
        for part in ("queue", "stream", "seen"):
            p[f"{part}_bytes_per_item"] = p.pop(f"_{part}_per_item", 0)

    def _run(self) -> None:
        k, p = self.keys, self.peaks
        while not self.stopping.wait(0.25):
            try:
                p["used_memory"] = max(p["used_memory"], self.server.info("memory")["used_memory"])
                for part, key, count in (("queue", k.queue, self.server.zcard), ("stream", k.stream, self.server.xlen),
                                         ("seen", k.seen, self.server.scard)):
                    n, size = count(key), self.server.memory_usage(key) or 0
                    if n and n >= p[f"{part}_items"]:
                        p[f"{part}_items"], p[f"{part}_bytes"] = n, size
                        p[f"_{part}_per_item"] = round(size / n)
            except Exception:  # noqa: BLE001 - a sample lost while Redis is busy is fine
                pass


def _children_cpu() -> float:
    """CPU seconds of every finished child process and its children (workers with their
    extraction processes, the ingest, the single crawl)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _written(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM stream_entries").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def kill_at_random(cluster: Cluster, db: Path, sites, kills: int, seed: int, concurrency: int) -> dict:
    """SIGKILL a random worker or the ingest `kills` times each, at random points of the crawl
    (by entries written), and start a new one each time."""
    rng = random.Random(seed)
    total = sum(len(s.pages) for s in sites)
    plan = sorted((rng.uniform(0.03, 0.9) * total, kind) for kind in ["worker", "ingest"] * kills)
    done = {"worker": 0, "ingest": 0}
    for threshold, kind in plan:
        while _written(db) < threshold:
            if cluster.ingest.poll() is not None:
                return done  # the crawl ended before this point
            time.sleep(0.02)
        if kind == "worker":
            victim = rng.choice([w for w in cluster.workers if w.poll() is None])
            victim.kill()
            victim.wait()
            cluster.add_worker("--concurrency", str(concurrency))
        else:
            cluster.ingest.kill()
            cluster.ingest.wait()
            cluster.start_ingest()
        done[kind] += 1
    return done


def run_speed(args, tmp: Path) -> list[dict]:
    sites = start_sites(args)
    rows = []
    try:
        rows.append(single(sites, tmp / "single.db", args.concurrency))
        with RedisServer(tmp / "redis") as redis:
            for n in (1, 2, 4):
                rows.append(distributed(sites, redis.url, tmp / f"w{n}.db", tmp / f"logs{n}", n,
                                        args.concurrency, name=f"speed{n}"))
    finally:
        for site in sites:
            site.stop()
    base = rows[0]["pages"] / rows[0]["window_s"]
    for row in rows:
        row["pages_per_s"] = row["pages"] / row["window_s"]
        row["ratio"] = row["pages_per_s"] / base
    return rows


def run_kills(args, tmp: Path) -> dict:
    sites = start_sites(args)
    try:
        one = single(sites, tmp / "single.db", args.concurrency)
        with RedisServer(tmp / "redis") as redis:
            dist = distributed(sites, redis.url, tmp / "dist.db", tmp / "logs", args.workers, args.concurrency,
                               name="kills", kills=args.kills, seed=args.seed)
    finally:
        for site in sites:
            site.stop()
    a, b = signature(tmp / "single.db"), signature(tmp / "dist.db")
    equal = {part: a[part] == b[part] for part in ("pages", "versions", "captures", "links", "fetch_outcomes",
                                                   "crawls")}
    return {"single": one, "distributed": dist, "pages": len(a["pages"]), "equal": equal,
            "duplicates": duplicates(tmp / "dist.db"), "hosts": args.hosts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["speed", "kills"])
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--server-delay", type=float, default=None, help="seconds per response")
    parser.add_argument("--concurrency", type=int, default=4, help="CONCURRENT_REQUESTS of every process")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.pages = args.pages or (620 if args.mode == "speed" else 2000)
    args.server_delay = args.server_delay if args.server_delay is not None else (0.3 if args.mode == "speed" else 0.02)
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        result = run_speed(args, Path(tmp)) if args.mode == "speed" else run_kills(args, Path(tmp))
    report(args, result)
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "result": result}, indent=2))
    ok = args.mode == "speed" or (all(result["equal"].values()) and result["duplicates"] == 0)
    return 0 if ok else 1


def report(args, result) -> None:
    print(f"site: {args.hosts} hosts, {args.pages} pages asked, {args.server_delay} s per response; "
          f"CONCURRENT_REQUESTS {args.concurrency} per process; one request at a time per host")
    if args.mode == "speed":
        print(f"{'run':<16}{'pages':>7}{'window s':>10}{'pages/s':>9}{'ratio':>7}{'wall s':>8}{'max/host':>9}"
              f"{'CPU ms/page':>12}")
        for r in result:
            print(f"{r['mode']:<16}{r['pages']:>7}{r['window_s']:>10.1f}{r['pages_per_s']:>9.1f}"
                  f"{r['ratio']:>7.2f}{r['wall_s']:>8.1f}{r['max_per_host']:>9}{1000 * r['cpu_s'] / r['pages']:>12.1f}")
        return
    d = result["distributed"]
    print(f"pages {result['pages']}; kills {d['kills']}; single {result['single']['wall_s']:.0f} s, "
          f"distributed ({args.workers} workers + ingest) {d['wall_s']:.0f} s; max requests at once per host "
          f"{d['max_per_host']}")
    print(f"equal to the single-process archive: {result['equal']}; duplicated ledger rows: {result['duplicates']}")


if __name__ == "__main__":
    sys.exit(main())
