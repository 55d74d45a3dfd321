"""The store's CPU a page with the CPU caches cold, as in a crawl: `bench/store_cpu.py`'s
two crawls (unpacked, 200 pages a commit), each page written after 8 MB of memory is
written over (Scrapy's work between two pages evicts SQLite's pages and the
compressor's tables); only the store's own thread CPU is counted, dictionary training
included. Prints the first crawl's and the re-crawl's ms a page, the fastest of the rounds.

    cd TREE && PYTHONHASHSEED=0 PYTHONPATH=TREE .venv/bin/python bench/store_cpu_polluted.py --inputs F

Run it from each tree, alternating (issue 16 session 15: store5).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import store_cpu as sc

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.extract import EXTRACTOR_VERSION


def _run(crawl_list: list, path: Path, junk: bytearray) -> list[float]:
    db = open_archive(path)
    archive = Archive(db, now=sc.Clock(sc.START))
    out = []
    for n, crawl in enumerate(crawl_list):
        at = (sc.START + timedelta(days=30 * n)).isoformat()
        crawl_id = crawls.start_crawl(db, [sc.SEED], {}, EXTRACTOR_VERSION, now=at)
        batch = archive.batch_writer(200, 3600.0)
        spent = 0.0
        for page in crawl.pages:
            junk[::64] = bytes(len(junk) // 64)  # a write to every cache line
            start = time.thread_time()
            batch.write(archive.record_page, crawl_id, page, page.extract, EXTRACTOR_VERSION)
            spent += time.thread_time() - start
        junk[::64] = bytes(len(junk) // 64)
        start = time.thread_time()
        batch.commit()
        out.append(1000 * (spent + time.thread_time() - start) / len(crawl.pages))
    db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=Path, required=True, help="bench/store_cpu.py's --inputs file")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--pollute-mb", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="store-cold-") as tmp:
        crawl_list = sc._inputs(2000, args.inputs, Path(tmp))
        for crawl in crawl_list:
            crawl.pages[:] = [replace(page, packed=None) for page in crawl.pages]
        junk = bytearray(args.pollute_mb << 20)
        rounds = [_run(crawl_list, Path(tmp) / f"store{i}.db", junk) for i in range(args.rounds)]
    print(" ".join(f"{min(r[i] for r in rounds):.3f}" for i in range(len(crawl_list))))


if __name__ == "__main__":
    main()
