"""The extraction worker's fixed costs, outside extraction itself (issue 16):
its start-up (CPU of a worker process until its "ready", as the crawl starts it),
and moving a page's result from the worker to the crawl (pickle in the worker,
unpickle in the crawl, CPU per page, on the generated site's pages).

    python bench/worker_bench.py [--pages 500] [--starts 5]

Run it from a checkout (PYTHONPATH=/other/checkout to measure that one's code):
the CLI is imported first, as the `condition-archive` console script does, so a
worker that imports its parent's __main__ again pays for it. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import pickle
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import condition_archive.cli  # noqa: E402,F401 - what the console script's __main__ imports
from condition_archive.crawl.worker import ExtractionPool, analyse_page  # noqa: E402
from gensite import Generator, layout_for  # noqa: E402

HEADERS = {"content-type": "text/html; charset=utf-8"}


def one_start() -> float:
    """CPU seconds of one worker process from its start to its "ready"."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)

    async def start() -> None:
        pool = ExtractionPool(1)
        pool._spawn()
        worker = pool._workers[0]
        while not worker.ready:
            await asyncio.sleep(0.005)
        pool.stop()
        proc = worker.proc.process  # reaped, so that its CPU is in RUSAGE_CHILDREN
        (proc.wait if hasattr(proc, "wait") else proc.join)()  # Popen, or multiprocessing's Process before

    asyncio.run(start())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def transport(pages: int, rounds: int = 5) -> dict:
    """Per page: pickling the worker's reply, unpickling it (GC off: collections
    land wherever allocation crosses a threshold), and its size."""
    site = Generator(layout_for(pages)).render_all("http://127.0.0.1:8780")
    replies = [("ok", n, analyse_page(p.body, "http://127.0.0.1:8780" + path, HEADERS, ()))
               for n, (path, p) in enumerate(site.items())]
    dumps = loads = float("inf")
    gc.disable()
    try:
        for _ in range(rounds):
            t = time.process_time()
            blobs = [pickle.dumps(r, pickle.HIGHEST_PROTOCOL) for r in replies]
            dumps = min(dumps, time.process_time() - t)
            t = time.process_time()
            back = [pickle.loads(b) for b in blobs]
            loads = min(loads, time.process_time() - t)
            del back
    finally:
        gc.enable()
    assert pickle.loads(blobs[0]) == replies[0]
    n = len(replies)
    return {"pages": n, "pickle_ms_per_page": round(1000 * dumps / n, 4),
            "unpickle_ms_per_page": round(1000 * loads / n, 4),
            "bytes_per_page": round(sum(map(len, blobs)) / n)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    starts = sorted(one_start() for _ in range(args.starts))
    out = {"worker_start_cpu_ms_median": round(1000 * starts[len(starts) // 2]),
           "worker_start_cpu_ms_min": round(1000 * starts[0]), **transport(args.pages)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
