"""Storage only: one archive crawl of the generated site, then crawl_bench's storage
table and its two re-crawls (unchanged, then 10% changed), without the throughput
rounds and the profile (about a minute at 2,000 pages instead of five).

    python bench/storage_bench.py [--pages 2000] [--keep DIR]

Prints JSON: archive bytes per page version against the raw HTML, per table, and
each re-crawl's growth as a fraction of the first crawl. `--keep DIR` leaves the
archive after the first crawl (first.db) and after the re-crawls (crawl.db) there,
for `sqlite3 first.db "SELECT name, sum(pgsize) FROM dbstat GROUP BY name"`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

import crawl_bench
from gensite import layout_for
from genserver import GenSite
from procs import remove_archive


def run(pages: int, workdir: Path, change_fraction: float = 0.1) -> dict:
    db = workdir / "crawl.db"
    remove_archive(db)
    with GenSite(layout_for(pages)) as site:
        first = crawl_bench.run_crawl("archive", site, db)
        shutil.copy(db, workdir / "first.db")
        stored = crawl_bench.storage(db)
        again = crawl_bench.recrawl(site, db, first, change_fraction)
    raw = stored["raw_bytes_per_page"]
    return {"pages": first["pages"], "archive_to_raw": stored["archive_to_raw"],
            "capture_to_raw": stored["capture_to_raw"], "bytes_per_version": stored["bytes_per_version"],
            "by_table_vs_raw": {k: round(v / raw, 4) for k, v in stored["by_table"].items()},
            "unchanged_growth_fraction": again["unchanged"]["growth_fraction"],
            "changed_growth_fraction": again["changed"]["growth_fraction"],
            "changed_growth_by_table": again["changed"]["growth_by_table"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="folder to leave first.db and crawl.db in")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(json.dumps(run(args.pages, args.keep), indent=1))
        return
    with tempfile.TemporaryDirectory(prefix="storage-bench-") as tmp:
        print(json.dumps(run(args.pages, Path(tmp)), indent=1))


if __name__ == "__main__":
    main()
