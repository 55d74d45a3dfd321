"""Where the crawl process's CPU goes, by part, for checkouts alternating: start-up
(until the spider opens), the store, the links pipeline, the worker transport (reading
replies, sending pages), our downloader middlewares, and the rest (Scrapy, Twisted,
asyncio, the spider), each as CPU ms per page.

    python bench/crawl_cpu_parts.py --tree before=/tmp/base --tree after=. [--pages 2000] [--rounds 2]

Each crawl is the CLI at its defaults (--delay 0 --depth 2) on the generated site, run
from that checkout with a `sitecustomize` on its path that wraps those functions with
the calling thread's CPU clock (time.thread_time: other load on the machine matters
less) and writes the sums when the crawl process exits. The parts are the thread's
own CPU inside each call; "process" is the whole process (all threads) at exit, so
"rest" = process - start-up - the parts. py-spy's shares mislead here: it samples a
thread that waits for a core as running, and the crawl shares two cores with its
worker and the bench's server.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from gensite import layout_for
from genserver import GenSite
from procs import PYTHON, crawl_cmd, remove_archive, run_measured

HOOK = '''
import atexit, importlib, json, os, sys, time
PARTS = {
    "store": [("pipelines.store", "StorePipeline", "process_item"), ("pipelines.store", "StorePipeline", "_flush"),
              ("pipelines.store", "StorePipeline", "spider_closed_timed")],
    "links": [("pipelines.links", "LinksPipeline", "process_item")],
    "transport": [("condition_archive.crawl.workerproc", "_Reader", "data_received"),
                  ("condition_archive.crawl.worker", "ExtractionPool", "analyse_start")],
    "middlewares": [("condition_archive.crawl.middleware", "RequestGuardMiddleware", "process_request"),
                    ("condition_archive.crawl.middleware", "RedirectGuardMiddleware", "process_response")],
    "spider": [("spiders.condition_center", "ConditionCenterSpider", "_parse_timed")],
}
# Inside the store (counted in it too): training each site's dictionary and
# recompressing its captures, and the batch's COMMIT.
WITHIN = {
    "store: dictionaries": [("condition_archive.archive.codec", "Codecs", "train"),
                            ("condition_archive.archive.codec", "Codecs", "retrain_dict")],
    "store: commit": [("condition_archive.archive.batch", "BatchWriter", "commit")],
}
if "crawl" in sys.argv and "-c" not in sys.argv:
    import gc
    spent = {k: 0.0 for k in [*PARTS, *WITHIN, "gc (anywhere)"]}
    start = {"at": None}
    depth = [0]
    collecting = [0.0]

    def on_gc(phase, info):
        if phase == "start":
            collecting[0] = time.thread_time()
        else:
            spent["gc (anywhere)"] += time.thread_time() - collecting[0]
    gc.callbacks.append(on_gc)

    profiled = os.environ.get("CRAWL_PARTS_PROFILE")  # a part to cProfile (its calls only)
    if profiled:
        import cProfile
        profiler = cProfile.Profile()

    def wrap(part, fn):
        def timed(*args, **kwargs):
            if depth[0]:
                return fn(*args, **kwargs)
            depth[0] += 1
            if part == profiled:
                profiler.enable()
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.thread_time() - t
                if part == profiled:
                    profiler.disable()
                depth[0] -= 1
        return timed

    def wrap_within(part, fn):
        def timed(*args, **kwargs):
            t = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[part] += time.thread_time() - t
        return timed

    for part, targets in WITHIN.items():
        for module, cls, name in targets:
            owner = getattr(importlib.import_module(module), cls)
            setattr(owner, name, wrap_within(part, getattr(owner, name)))

    for part, targets in PARTS.items():
        for module, cls, name in targets:
            owner = getattr(importlib.import_module(module), cls)
            if name == "analyse_start":  # the synchronous part of a page's way to the worker
                name = "_pump"
            if name == "spider_closed_timed":  # Scrapy's signals pass the arguments it names
                closed = owner.spider_closed

                def spider_closed(self, spider, reason, _closed=closed):
                    t = time.thread_time()
                    try:
                        return _closed(self, spider, reason)
                    finally:
                        spent["store"] += time.thread_time() - t
                owner.spider_closed = spider_closed
                continue
            if name == "_parse_timed":
                name = "parse"
                original = owner.parse

                def parse(self, response, _original=original):
                    out = []
                    t = time.thread_time()
                    out = list(_original(self, response))
                    spent["spider"] += time.thread_time() - t
                    yield from out
                owner.parse = parse
                continue
            setattr(owner, name, wrap(part, getattr(owner, name)))
    import pipelines.extract as extract
    open_spider = extract.ExtractPipeline.open_spider

    def opened(self):
        start["at"] = time.process_time()
        return open_spider(self)
    extract.ExtractPipeline.open_spider = opened

    @atexit.register
    def _write():
        if profiled:
            profiler.dump_stats(os.environ["CRAWL_PARTS_OUT"] + ".prof")
        with open(os.environ["CRAWL_PARTS_OUT"], "w") as fh:
            json.dump({"process": time.process_time(), "startup": start["at"], **spent}, fh)
'''


def _one(label: str, tree: Path, site: GenSite, db: Path, hook: Path, out: Path, profile: str | None) -> dict:
    remove_archive(db)
    out.unlink(missing_ok=True)
    site.reset_stats()
    env = dict(os.environ, PYTHONPATH=f"{hook}:{tree}", CRAWL_PARTS_OUT=str(out), CRAWL_PARTS_PROFILE=profile or "")
    cmd = [PYTHON, *crawl_cmd(site.root_url, db, log_level="INFO")[1:]]
    done = run_measured(cmd, cwd=tree, env=env)
    if done.returncode:
        raise SystemExit(f"the {label} crawl failed: {done.stderr[-2000:]}")
    parts = json.loads(out.read_text())
    pages = site.stats()["requests"] - 1  # robots.txt
    ms = {k: 1000 * v / pages for k, v in parts.items() if k not in ("process", "startup")}
    row = {"label": label, "pages": pages, "proc": 1000 * done.own_cpu_s / pages, "process": 1000 * parts["process"] / pages,
           "startup": 1000 * parts["startup"] / pages, **ms}
    row["rest"] = row["process"] - row["startup"] - sum(v for k, v in ms.items() if ":" not in k and "gc" not in k)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH of a checkout")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", metavar="PART", help="cProfile this part's calls in each crawl (slower)")
    parser.add_argument("--profile-out", default="crawl-parts.prof", help="where the last crawl's profile goes")
    args = parser.parse_args()
    trees = [(label, Path(path).resolve()) for label, path in (t.split("=", 1) for t in args.tree)]
    rows = []
    with tempfile.TemporaryDirectory(prefix="crawl-parts-") as tmp, GenSite(layout_for(args.pages)) as site:
        hook, out, db = Path(tmp) / "hook", Path(tmp) / "out.json", Path(tmp) / "crawl.db"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(HOOK)
        for n in range(args.rounds):
            for label, tree in trees if n % 2 == 0 else trees[::-1]:
                row = _one(label, tree, site, db, hook, out, args.profile)
                if args.profile:
                    Path(f"{out}.prof").replace(args.profile_out)
                rows.append(row)
                print(" ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()),
                      flush=True)
    keys = [k for k in rows[0] if k not in ("label", "pages")]
    means = {label: {k: round(sum(r[k] for r in rows if r["label"] == label) / args.rounds, 3) for k in keys}
             for label, _ in trees}
    print(json.dumps({"pages": args.pages, "rounds": args.rounds, "ms_per_page": means}, indent=1))


if __name__ == "__main__":
    main()
