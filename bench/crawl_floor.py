"""What the archive crawl costs with its extraction taken out: the floor that no
faster extraction can go below, beside the tuned bare spider and the real crawl.

    python bench/crawl_floor.py [--pages 10000] [--rounds 2]

One generated site. First an unmeasured archive crawl whose worker records every
reply it sends (the pickled (problem, PageExtract, None) of each page, by URL).
Then, round after round: the tuned bare spider, the archive crawl as users run it,
and the same crawl whose worker replays the recorded replies instead of extracting
("floor"): it reads the page off the pipe, looks its URL up and writes the recorded
bytes back, so the crawl process does exactly its usual work (the same links
followed, the same rows stored) and the worker only its transport. Prints, per
kind, pages/s and CPU ms a page of each process and the ratios to the tuned bare
spider, as JSON, plus what extraction may cost a page for the whole crawl to be at
2x the tuned bare spider's CPU (2 x bare - floor).

The worker's target is swapped by a `sitecustomize` on PYTHONPATH (both processes
see it; it acts only in the crawl process and names the target the worker imports).
The replayed worker loads all replies when it starts; that load's CPU is measured
and reported apart ("replay_load_ms_per_page"), and left in the worker's figure.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from crawl_ab import summary
from crawl_bench import _crawl_row, run_crawl
from gensite import layout_for
from genserver import GenSite
from procs import crawl_cmd, remove_archive, run_measured

SITECUSTOMIZE = '''
import os, sys
if "crawl" in sys.argv and "-c" not in sys.argv:
    import condition_archive.crawl.worker as worker
    worker.UNPACKED = "floor_target:" + os.environ["FLOOR_MODE"]
'''

TARGET = '''
"""The floor bench's worker targets (bench/crawl_floor.py)."""
import os, pickle, struct, time

from condition_archive.crawl.workermain import HEADER

FILE = os.environ["FLOOR_FILE"]


def record(data, url, headers, day_first_sites):
    from condition_archive.crawl.analysis import analyse_unpacked
    result = analyse_unpacked(data, url, headers, day_first_sites)
    blob = pickle.dumps((url, result), pickle.HIGHEST_PROTOCOL)
    with open(FILE, "ab") as fh:
        fh.write(HEADER.pack(len(blob)) + blob)
    return result


class Raw:
    """Pickles as the recorded bytes: the crawl's unpickle rebuilds the reply."""
    __slots__ = ("blob",)

    def __init__(self, blob):
        self.blob = blob

    def __reduce__(self):
        return pickle.loads, (self.blob,)


def _load():
    start = time.process_time()
    replies = {}
    with open(FILE, "rb") as fh:
        data = fh.read()
    at = 0
    while at < len(data):
        (size,) = HEADER.unpack_from(data, at)
        url, result = pickle.loads(data[at + HEADER.size:at + HEADER.size + size])
        replies[url] = Raw(pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
        at += HEADER.size + size
    with open(FILE + ".load", "w") as fh:
        fh.write(str(time.process_time() - start))
    return replies


REPLIES = _load() if os.environ.get("FLOOR_MODE") == "replay" else {}


def replay(data, url, headers, day_first_sites):
    return REPLIES[url]
'''


def _hooked(kind: str, site: GenSite, db: Path, hook: Path, recorded: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(hook), "FLOOR_MODE": mode, "FLOOR_FILE": str(recorded)}
    remove_archive(db)
    site.reset_stats()
    m = run_measured(crawl_cmd(site.root_url, db), env=env).check()
    return _crawl_row(m, kind, site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, GenSite(layout_for(args.pages)) as site:
        tmp = Path(tmp)
        hook, db, recorded = tmp / "hook", tmp / "floor.db", tmp / "replies.bin"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(SITECUSTOMIZE)
        (hook / "floor_target.py").write_text(TARGET)
        _hooked("record", site, db, hook, recorded, "record")
        runs, loads = [], []
        for _ in range(args.rounds):
            runs.append(run_crawl("bare-tuned", site))
            remove_archive(db)
            runs.append(run_crawl("archive", site, db))
            runs.append(_hooked("floor", site, db, hook, recorded, "replay"))
            loads.append(1000 * float(Path(f"{recorded}.load").read_text()) / max(runs[-1]["pages"], 1))
            print(json.dumps({r["kind"]: {k: round(r[k], 3) for k in ("pages_per_s", "crawl_cpu_ms_per_page",
                                                                       "worker_cpu_ms_per_page")}
                              for r in runs[-3:]}), flush=True)
        out = summary(runs)
        bare = out["bare-tuned"]["cpu_ms_per_page"]
        out["replay_load_ms_per_page"] = round(sum(loads) / len(loads), 3)
        out["extraction_budget_for_2x_ms_per_page"] = round(2 * bare - out["floor"]["cpu_ms_per_page"], 2)
        out["extraction_now_ms_per_page"] = round(out["archive"]["cpu_ms_per_page"]
                                                  - out["floor"]["cpu_ms_per_page"], 2)
        print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
