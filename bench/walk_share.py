"""The region walk's share of a page's analysis, C walk and Python walk
alternating page by page in one process (load falls on both alike).

    python bench/walk_share.py [--pages 2000] [--rounds 3]

Runs crawl/analysis.py's `analyse_unpacked` over the generated site
(bench/gensite.py) and times measure's walk alone (time.process_time around
it) with the C walk and with CONDITION_ARCHIVE_PURE_PYTHON=1, per page in
turn. Prints ms/page of the whole analysis and of the walk, and the walk's
share, for each; the smallest round of each.
"""

from __future__ import annotations

import os
import time

import click

SITE = "http://127.0.0.1:8780"
HEADERS = {"content-type": "text/html; charset=utf-8"}


def _timed(measure, spent: list):
    """Wrap both walks: measure.py looks either up at each call (the C one
    through cext.py, which hands out the extension's functions)."""
    from condition_archive.extract import cext

    walk = measure._walk

    def timed(walker):
        def run(*args):
            start = time.process_time()
            try:
                return walker(*args)
            finally:
                spent[0] += time.process_time() - start
        return run

    module, reason = cext._load_compiled()
    if module is None:
        raise click.ClickException(f"no C walk to compare: {reason}")

    class TimedWalk:
        """The extension, its walk timed."""
        walk = staticmethod(timed(module.walk))

        def __getattr__(self, name: str):
            return getattr(module, name)

    measure._walk = timed(walk)
    cext._load_compiled = lambda: (TimedWalk(), None)


@click.command()
@click.option("--pages", default=2000, show_default=True)
@click.option("--rounds", default=3, show_default=True)
def main(pages: int, rounds: int) -> None:
    from gensite import Generator, layout_for

    from condition_archive.crawl.analysis import analyse_unpacked
    from condition_archive.extract import measure

    site = Generator(layout_for(pages)).render_all(SITE)
    items = [(page.body, SITE + path) for path, page in site.items()]
    spent = [0.0]
    _timed(measure, spent)
    best = {}
    for _ in range(rounds):
        totals = {"c": [0.0, 0.0], "python": [0.0, 0.0]}
        for i, (data, url) in enumerate(items):
            for side in ("c", "python") if i % 2 == 0 else ("python", "c"):
                if side == "python":
                    os.environ[measure.PURE_PYTHON_ENV] = "1"
                spent[0] = 0.0
                start = time.process_time()
                analyse_unpacked(data, url, HEADERS, ())
                totals[side][0] += time.process_time() - start
                totals[side][1] += spent[0]
                os.environ.pop(measure.PURE_PYTHON_ENV, None)
        for side, (total, walk) in totals.items():
            if side not in best or total < best[side][0]:
                best[side] = (total, walk)
    n = len(items)
    click.echo(f"{n} generated pages, smallest of {rounds} rounds, C and Python walks alternating per page\n")
    click.echo("| walk | analysis ms/page | walk ms/page | walk share |\n|---|---|---|---|")
    for side, (total, walk) in best.items():
        click.echo(f"| {side} | {total * 1000 / n:.3f} | {walk * 1000 / n:.3f} | {100 * walk / total:.1f}% |")
    (c_total, c_walk), (p_total, p_walk) = best["c"], best["python"]
    click.echo(f"\nwalk c/python {c_walk / p_walk:.3f}; analysis c/python {c_total / p_total:.3f}")


if __name__ == "__main__":
    main()
