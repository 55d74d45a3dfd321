"""The extraction worker's transport alone, for checkouts alternating: CPU per page of
the crawl process and of the worker for moving pages to the worker and its replies
back, with the extraction itself taken out (issue 16).

    python bench/transport_bench.py --tree before=/tmp/base --tree after=. [--pages 2000] [--repeat 5] [--rounds 3]

Each run is a child process (that checkout's code first on its path) with one
`ExtractionPool(1, pack=False)` whose worker runs `canned`: the real analysis of each
generated page the first time it sees the page, its kept result after that. The pages
go through once to fill that cache, then `--repeat` times more, CONCURRENCY of them at a
time (the crawl's concurrent requests); only those are measured: the crawl side's
process CPU (its event loop, the pool, pickling, the pipes) and the worker's main
thread's CPU (/proc/PID/schedstat, in ns), each per page sent, and pages/s (wall). The replies are the
crawl's own (PageExtracts of the generated site), so pickling costs what it costs in a
crawl; what the crawl process does besides (Scrapy, the store) is not here, so a reply
waits for it less than in a crawl and more replies arrive alone. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
HEADERS = {"content-type": "text/html; charset=utf-8"}
BASE = "http://127.0.0.1:8780"
CONCURRENCY = 8  # CONCURRENT_REQUESTS
_seen: dict[str, tuple] = {}


def canned(data: bytes, url: str, headers: dict[str, str], day_first_sites: tuple[str, ...]) -> tuple:
    """The worker's target: analyse_unpacked's result, computed once a URL."""
    if url not in _seen:
        from condition_archive.crawl.analysis import analyse_unpacked
        _seen[url] = analyse_unpacked(data, url, headers, day_first_sites)
    return _seen[url]


def _worker_cpu(pid: int) -> float:
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


async def _send_all(pool, pages: list[tuple[bytes, str]], repeat: int) -> None:
    todo = iter([page for _ in range(repeat) for page in pages])

    async def lane() -> None:
        for body, url in todo:
            result = await pool.analyse(body, url, HEADERS, ())
            assert result is not None and result[3] is None, result

    await asyncio.gather(*(lane() for _ in range(CONCURRENCY)))


def child(pages: int, repeat: int) -> dict:
    from gensite import Generator, layout_for

    from condition_archive.crawl.worker import ExtractionPool

    site = Generator(layout_for(pages)).render_all(BASE)
    todo = [(p.body, BASE + path) for path, p in site.items()]
    pool = ExtractionPool(1, budget=30.0, pack=False, target="transport_bench:canned")  # the crawl's budget

    async def run() -> dict:
        await _send_all(pool, todo, 1)  # the worker's cache filled: extraction out of the rest
        pid = pool._workers[0].proc.process.pid
        crawl, worker, wall = time.process_time(), _worker_cpu(pid), time.perf_counter()
        await _send_all(pool, todo, repeat)
        sent = len(todo) * repeat
        return {"pages": sent, "pages_per_s": sent / (time.perf_counter() - wall),
                "crawl_ms_per_page": 1000 * (time.process_time() - crawl) / sent,
                "worker_ms_per_page": 1000 * (_worker_cpu(pid) - worker) / sent,
                "body_bytes_per_page": sum(len(b) for b, _ in todo) / len(todo)}

    try:
        return asyncio.run(run())
    finally:
        pool.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", help="LABEL=PATH of a checkout")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.pages, args.repeat)))
        return
    trees = [(label, Path(path).resolve()) for label, path in (t.split("=", 1) for t in args.tree or ["now=."])]
    rows = []
    for n in range(args.rounds):
        for label, tree in trees if n % 2 == 0 else trees[::-1]:
            env = dict(os.environ, PYTHONPATH=f"{tree}:{BENCH}")
            out = subprocess.run([sys.executable, str(BENCH / "transport_bench.py"), "--child", "--pages",
                                  str(args.pages), "--repeat", str(args.repeat)],
                                 cwd=tree, env=env, capture_output=True, text=True, check=True)
            row = {"label": label, **json.loads(out.stdout)}
            rows.append(row)
            print(json.dumps(row), flush=True)
    means = {label: {k: round(sum(r[k] for r in rows if r["label"] == label) / args.rounds, 4)
                     for k in ("pages_per_s", "crawl_ms_per_page", "worker_ms_per_page")} for label, _ in trees}
    print(json.dumps({"pages": args.pages, "repeat": args.repeat, "rounds": args.rounds,
                      "ms_per_page": means}, indent=1))


if __name__ == "__main__":
    main()
