"""CPU per page of the center stage and of the article stage's date and byline
fields (`dates.date_candidates`, `people.page_people`), and of the links stage,
this tree against another checkout, alternating page by page in one process
(as extract_ab.py, whose copy of the other tree it uses). Each page is parsed
afresh per side and round, so every per-page memo starts empty as in a crawl.
Before timing, both trees' whole extraction of every page is compared: the
count of pages whose PageExtract differs is printed first.

    python bench/fields_ab.py --before ../base-checkout [--pages 1000] [--rounds 3] [--shared]
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path


from extract_ab import ab_command

REPO = Path(__file__).resolve().parents[1]
HEADERS = {"content-type": "text/html; charset=utf-8"}
PARTS = ("center", "dates", "people", "links")


def _sides() -> tuple:
    import condition_archive.extract.people as after_people
    import condition_archive.extract.stages as after
    import condition_archive_before.extract.people as before_people
    import condition_archive_before.extract.stages as before
    from condition_archive.extract.model import options_for as after_options
    from condition_archive_before.extract.model import options_for as before_options

    return (("before", before, before_options, before_people.page_people),
            ("after", after, after_options, after_people.page_people))


def _run(stages, options_for, page_people, data, url: str, acc: dict, side: str) -> None:
    clock = time.process_time
    doc = stages.parse_stage(data, url, HEADERS)
    if doc.root is None:
        return
    t0 = clock()
    layout = stages.center_stage(doc)
    t1 = clock()
    scan = dataclasses.replace(doc.scan, foreign=layout.cards)  # as article_stage reads
    stages.date_candidates(doc.root, doc.regions, HEADERS, options_for(url, ()), scan, url)
    t2 = clock()
    page_people(doc.root, doc.regions, scan)
    t3 = clock()
    stages.links_stage(doc, layout)
    t4 = clock()
    for name, span in zip(PARTS, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
        acc[side, name] += span


@ab_command(rounds=3)
def main(tree: Path, pages: int, rounds: int, shared: bool) -> None:
    from extract_ab import _copy_before, alternate, bench_items

    with tempfile.TemporaryDirectory() as tmp:
        _copy_before(tree, None, Path(tmp))
        sys.path.insert(0, tmp)
        sides = _sides()
        items = bench_items(pages, shared)
        differ = sum(dataclasses.asdict(sides[0][1].run_all(d, u, HEADERS))
                     != dataclasses.asdict(sides[1][1].run_all(d, u, HEADERS)) for d, u in items)

        def run(side: tuple, data: bytes, url: str, acc: dict) -> None:
            label, *funcs = side
            _run(*funcs, data, url, acc, label)

        best = alternate(items, sides, run, rounds, warm=0)  # (the comparison above warmed both)
    n = len(items)
    print(f"{n} {'shared-set' if shared else 'generated'} pages ({differ} whose extraction differs), "
          f"CPU ms/page, smallest of {rounds} rounds\n")
    print("| part | before | after | after/before |\n|---|---|---|---|")
    for name in (*PARTS, "center+dates+people"):
        parts = PARTS[:3] if name == "center+dates+people" else (name,)
        b = 1000 * sum(best["before", p] for p in parts) / n
        a = 1000 * sum(best["after", p] for p in parts) / n
        print(f"| {name} | {b:.3f} | {a:.3f} | {a / b:.3f} |")


if __name__ == "__main__":
    main()
