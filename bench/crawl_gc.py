"""CPU the crawl process spends in Python's cycle collector, on one archive crawl
of the generated site (issue 16): the CLI at its defaults (`--delay 0 --depth 2`),
run with a gc.callbacks timer around each collection.

    python bench/crawl_gc.py [--pages 2000] [--threshold 700,10,10]

--threshold sets gc.set_threshold just before the crawl command runs (after the
CLI's own tuning, so it overrides it: 700,10,10 is Python's default). Prints the
GC CPU seconds per generation, the number of collections and the process's CPU.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from genserver import GenSite  # noqa: E402
from gensite import layout_for  # noqa: E402

WRAPPER = r'''
import atexit, gc, resource, sys, time
spent, count, start = [0.0, 0.0, 0.0], [0, 0, 0], [0.0]
def timer(phase, info):
    if phase == "start":
        start[0] = time.thread_time()
    else:
        spent[info["generation"]] += time.thread_time() - start[0]
        count[info["generation"]] += 1
gc.callbacks.append(timer)
def report():
    u = resource.getrusage(resource.RUSAGE_SELF)
    print(f"GC {sum(spent):.2f} s CPU (per generation {[round(s, 2) for s in spent]}), collections {count}, "
          f"crawl process CPU {u.ru_utime + u.ru_stime:.1f} s", file=sys.stderr)
atexit.register(report)
threshold = sys.argv.pop(1)
if threshold:
    import condition_archive.cli.base as base
    tune = base.tune_gc_for_crawl
    def tuned():
        tune()
        gc.set_threshold(*map(int, threshold.split(",")))
    base.tune_gc_for_crawl = tuned
    import condition_archive.cli
    condition_archive.cli.tune_gc_for_crawl = tuned
sys.argv[0] = "condition-archive"
from condition_archive.cli import main
main()
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--threshold", default="", help="gc.set_threshold for the crawl, e.g. 700,10,10")
    args = parser.parse_args()
    with GenSite(layout_for(args.pages)) as site, tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", WRAPPER, args.threshold, "crawl", site.root_url, "--db", f"{tmp}/a.db",
               "--delay", "0", "--depth", "2", "--log-level", "WARNING"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        lines = [line for line in proc.stderr.splitlines() if line.startswith("GC ")]
        if proc.returncode or not lines:
            sys.exit(f"the crawl failed ({proc.returncode}): {proc.stderr[-2000:]}")
        print(lines[-1])


if __name__ == "__main__":
    main()
