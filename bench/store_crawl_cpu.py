"""The store's CPU inside a real crawl: the crawl thread's CPU time (time.thread_time)
spent in StorePipeline.process_item and its close, per page, for checkouts alternating.

    python bench/store_crawl_cpu.py --tree before=/tmp/base --tree after=. [--pages 2000] [--rounds 2]

Each crawl is the CLI at its defaults (--delay 0 --depth 2) on the generated site,
run from that checkout, with a `sitecustomize` on its path that times the store
pipeline's calls and writes the total when the crawl process exits. The thread's
own CPU is what the store costs the crawl process, whatever else the machine runs
(bench/store_cpu.py measures the store alone; this, the store among Scrapy's work).
Prints one line per crawl: label, store CPU ms per page, crawl process CPU ms per page.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from gensite import layout_for
from genserver import GenSite
from procs import PYTHON, crawl_cmd, remove_archive

HOOK = '''
import atexit, os, sys, time
if "crawl" in sys.argv and "-c" not in sys.argv:
    import pipelines.store as store
    spent = [0.0, 0]

    process_item, spider_closed = store.StorePipeline.process_item, store.StorePipeline.spider_closed

    def timed_item(self, item):
        start = time.thread_time()
        try:
            return process_item(self, item)
        finally:
            spent[0] += time.thread_time() - start
            spent[1] += 1

    def timed_close(self, spider, reason):  # Scrapy's signals pass the arguments this names
        start = time.thread_time()
        try:
            return spider_closed(self, spider, reason)
        finally:
            spent[0] += time.thread_time() - start
    store.StorePipeline.process_item, store.StorePipeline.spider_closed = timed_item, timed_close

    @atexit.register
    def _write():
        with open(os.environ["STORE_CPU_OUT"], "a") as fh:
            fh.write(f"{spent[0]} {spent[1]} {time.process_time()}\\n")
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH of a checkout")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    trees = [(label, Path(path).resolve()) for label, path in (t.split("=", 1) for t in args.tree)]
    with tempfile.TemporaryDirectory(prefix="store-crawl-") as tmp, GenSite(layout_for(args.pages)) as site:
        hook, out, db = Path(tmp) / "hook", Path(tmp) / "out.txt", Path(tmp) / "crawl.db"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(HOOK)
        for n in range(args.rounds):
            for label, tree in trees if n % 2 == 0 else trees[::-1]:
                remove_archive(db)
                out.unlink(missing_ok=True)
                env = dict(os.environ, PYTHONPATH=f"{hook}:{tree}", STORE_CPU_OUT=str(out))
                cmd = [PYTHON, *crawl_cmd(site.root_url, db, log_level="WARNING")[1:]]
                done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
                if done.returncode:
                    raise SystemExit(f"the {label} crawl failed: {done.stderr[-2000:]}")
                store_s, pages, process_s = map(float, out.read_text().split())
                print(f"{label} store {1000 * store_s / pages:.3f} ms/page, crawl process "
                      f"{1000 * process_s / pages:.3f} ms/page ({pages:.0f} pages)", flush=True)


if __name__ == "__main__":
    main()
