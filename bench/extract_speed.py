"""Full-page extraction speed: the crawl extracts every field, not only the body.

    python bench/extract_speed.py [--quick]

On the same pages as bench/extraction_bench.py (loaded with its load_pages), one
CPU, one process: condition_archive.extract.extract_page (title, people, dates,
sections, links and body, what the pipelines compute) against
trafilatura.bare_extraction with metadata (title, author, date and text: its
closest equivalent), each after one untimed warm-up call. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time

from extraction_bench import DEFAULT_BENCH, load_pages


def _rate(extract, pages) -> float:
    extract(pages[0])
    start = time.perf_counter()
    for page in pages:
        extract(page)
    return len(pages) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a sixth of the pages")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import trafilatura

    from condition_archive.extract import extract_page

    pages = load_pages(DEFAULT_BENCH, args.limit, args.quick)
    project = _rate(lambda p: extract_page(p.html, p.url), pages)
    peer = _rate(lambda p: trafilatura.bare_extraction(p.html, url=p.url, with_metadata=True), pages)
    print(json.dumps({"pages": len(pages), "project_extract_page_per_s": project,
                      "trafilatura_with_metadata_per_s": peer, "ratio": project / peer}))


if __name__ == "__main__":
    main()
