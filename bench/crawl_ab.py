"""Before/after crawl runs in one alternating series: the tuned bare spider, then
the archive crawl with each checkout's code, round after round, on one generated site.

    python bench/crawl_ab.py --tree before=/tmp/base --tree after=. [--pages 2000] [--rounds 3]

Each archive crawl is `crawl_bench.run_crawl` (the CLI at its defaults, --delay 0
--depth 2) run from that checkout, so its `condition_archive`, `pipelines` and
`spiders` are the ones imported (this venv's packages otherwise). Prints, per kind,
the mean pages/s and CPU ms per page (crawl process, extraction worker) and their
ratios to the tuned bare spider, as JSON. The machine may be shared: compare
within one run.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from crawl_bench import _crawl_row, run_crawl
from gensite import layout_for
from genserver import GenSite
from procs import bare_cmd, remove_archive, run_measured

KEYS = ("pages_per_s", "crawl_cpu_ms_per_page", "worker_cpu_ms_per_page")


def summary(runs: list[dict]) -> dict:
    kinds = list(dict.fromkeys(r["kind"] for r in runs))
    mean = {k: {key: sum(r[key] for r in runs if r["kind"] == k) / sum(r["kind"] == k for r in runs)
                for key in (*KEYS, "pages")} for k in kinds}
    base = mean["bare-tuned"]
    base_cpu = base["crawl_cpu_ms_per_page"] + base["worker_cpu_ms_per_page"]
    out = {}
    for kind, m in mean.items():
        cpu = m["crawl_cpu_ms_per_page"] + m["worker_cpu_ms_per_page"]
        out[kind] = {**{k: round(v, 2) for k, v in m.items()}, "cpu_ms_per_page": round(cpu, 2),
                     "pages_per_s_of_bare_tuned": round(m["pages_per_s"] / base["pages_per_s"], 3),
                     "cpu_of_bare_tuned": round(cpu / base_cpu, 2),
                     "crawl_cpu_of_bare_tuned": round(m["crawl_cpu_ms_per_page"] / base_cpu, 2),
                     "worker_cpu_of_bare_tuned": round(m["worker_cpu_ms_per_page"] / base_cpu, 2)}
    return out


def _bare(site: GenSite, items: int) -> dict:
    site.reset_stats()
    m = run_measured(bare_cmd(site.root_url, concurrent_items=items)).check()
    return {**_crawl_row(m, "bare", site), "kind": f"bare-items-{items}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH of a checkout")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bare-items", type=int, action="append", default=[],
                        help="also run the bare spider with this CONCURRENT_ITEMS (kind bare-items-N)")
    args = parser.parse_args()
    trees = [(label, Path(path).resolve()) for label, path in (t.split("=", 1) for t in args.tree)]
    runs = []
    with tempfile.TemporaryDirectory(prefix="crawl-ab-") as tmp, GenSite(layout_for(args.pages)) as site:
        db = Path(tmp) / "crawl.db"
        for _ in range(args.rounds):
            runs.append(run_crawl("bare-tuned", site))
            for items in args.bare_items:
                runs.append(_bare(site, items))
            for label, tree in trees:
                remove_archive(db)
                runs.append({**run_crawl("archive", site, db, tree=tree), "kind": label})
            print(json.dumps({r["kind"]: round(r["pages_per_s"], 1)
                              for r in runs[-1 - len(args.bare_items) - len(trees):]}), flush=True)
    print(json.dumps({"pages": args.pages, "rounds": args.rounds, "summary": summary(runs),
                      "runs": [{k: r[k] for k in ("kind", "pages", *KEYS)} for r in runs]}, indent=1))


if __name__ == "__main__":
    main()
