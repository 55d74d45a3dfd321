"""`body_text`'s CPU per page, this tree against another checkout: both body
runs of the stages (article_stage's, and assemble's second run on a center
with cards), timed inside extract_ab.py's alternating page-by-page run.

    python bench/body_ab.py --before /tmp/s15base [--pages 1000] [--rounds 4] [--shared]

Each side's `stages.body_text` is wrapped with a timer (the same wrapper on
both sides); the table shows the smallest round of each, as extract_ab.py's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


from extract_ab import ab_command

REPO = Path(__file__).resolve().parents[1]


def _time_body(sides: tuple, acc: list) -> None:
    """Wrap each side's stages.body_text: its time is added to acc[0][side, run]
    (run "first": the article's, "second": assemble's, with a center's cards)."""
    clock = time.process_time
    for side, stages, _ in sides:
        real = stages.body_text

        def timed(*args, _real=real, _side=side, **kwargs):
            t0 = clock()
            result = _real(*args, **kwargs)
            acc[0][_side, "second" if len(args) > 2 or kwargs else "first"] += clock() - t0
            return result

        stages.body_text = timed


@ab_command(rounds=4)
def main(tree: Path, pages: int, rounds: int, shared: bool) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    import extract_ab

    with tempfile.TemporaryDirectory() as tmp:
        extract_ab._copy_before(tree, None, Path(tmp))
        sys.path.insert(0, tmp)
        sides = extract_ab._sides(False)
        box = [defaultdict(float)]  # the round's acc, where the wrappers add
        _time_body(sides, box)

        def run(side: tuple, data: bytes, url: str, acc: dict) -> None:
            box[0] = acc
            extract_ab._run_side(side, data, url, acc)

        def both_runs(acc: dict) -> None:
            for side in ("before", "after"):
                acc[side, "body"] = acc[side, "first"] + acc[side, "second"]

        items = extract_ab.bench_items(pages, shared)
        best = extract_ab.alternate(items, sides, run, rounds, after_round=both_runs)
    n = len(items)
    print(f"{n} {'shared-set' if shared else 'generated'} pages, CPU ms/page, smallest of {rounds} rounds\n")
    print("| body_text | before | after | after/before |\n|---|---|---|---|")
    for name in ("first", "second", "body", "total"):
        b, a = 1000 * best["before", name] / n, 1000 * best["after", name] / n
        label = {"first": "article's run", "second": "center's second run", "body": "both runs",
                 "total": "all stages"}[name]
        print(f"| {label} | {b:.4f} | {a:.4f} | {a / b:.3f} |")


if __name__ == "__main__":
    main()
