"""Named extraction functions' CPU per page, this tree against another checkout,
timed inside extract_ab.py's alternating page-by-page run (body_ab.py's way,
for any function a stage calls through a module's name).

    python bench/parts_ab.py --before /tmp/s16base [--pages 1000] [--rounds 4] [--shared] \\
        stages:page_title boilerplate:_choose_main boilerplate:_veto_wrapper_marks

Each PART is MODULE:NAME: condition_archive.extract.MODULE's global NAME is
wrapped with a timer on both sides (the same wrapper), so the calls that look
it up there are timed: a function's callers in other modules, which imported
it by name, are not. A call inside a timed call of the same NAME (recursion)
is not counted twice. The table shows the smallest round of each.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import click

from extract_ab import _copy_before, _run_side, _sides, alternate, bench_items

REPO = Path(__file__).resolve().parents[1]


def _wrap(sides: tuple, parts: tuple, acc: list) -> None:
    clock = time.process_time
    for side, _, _ in sides:
        package = "condition_archive" if side == "after" else "condition_archive_before"
        for part in parts:
            module_name, name = part.split(":")
            module = importlib.import_module(f"{package}.extract.{module_name}")
            real = getattr(module, name)
            depth = [0]

            def timed(*args, _real=real, _key=(side, part), _depth=depth, **kwargs):
                if _depth[0]:
                    return _real(*args, **kwargs)
                _depth[0] += 1
                t0 = clock()
                try:
                    return _real(*args, **kwargs)
                finally:
                    acc[0][_key] += clock() - t0
                    _depth[0] -= 1

            setattr(module, name, timed)


@click.command()
@click.option("--before", "tree", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option("--pages", default=1000, show_default=True, help="Generated-site size.")
@click.option("--rounds", default=4, show_default=True)
@click.option("--shared", is_flag=True, help="The 1,171 pages of both shared sets instead.")
@click.argument("parts", nargs=-1, required=True)
def main(tree: Path, pages: int, rounds: int, shared: bool, parts: tuple) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _copy_before(tree, None, Path(tmp))
        sys.path.insert(0, tmp)
        sides = _sides(False)
        box = [defaultdict(float)]  # the round's acc, where the wrappers add
        _wrap(sides, parts, box)

        def run(side: tuple, data: bytes, url: str, acc: dict) -> None:
            box[0] = acc
            _run_side(side, data, url, acc)

        items = bench_items(pages, shared)
        best = alternate(items, sides, run, rounds)
    n = len(items)
    print(f"{n} {'shared-set' if shared else 'generated'} pages, CPU ms/page, smallest of {rounds} rounds\n")
    print("| part | before | after | after/before |\n|---|---|---|---|")
    for name in (*parts, "total"):
        b, a = 1000 * best.get(("before", name), 0) / n, 1000 * best.get(("after", name), 0) / n
        print(f"| {name} | {b:.4f} | {a:.4f} | {a / b if b else float('nan'):.3f} |")


if __name__ == "__main__":
    main()
