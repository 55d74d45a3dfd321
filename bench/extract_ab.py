"""Extraction CPU per page, stage by stage, of this tree against another
checkout, both in one process, page by page alternating: on a shared machine
load falls on both alike, which separate runs cannot promise.

    python bench/extract_ab.py --before ../main-at-some-commit [--pages 500] [--rounds 4]
    python bench/extract_ab.py --before-commit 72e6ae6 [--pages 500] [--rounds 4] [--cold-caches]
    python bench/extract_ab.py --before-commit 879745e --worker   # the worker's whole function

With --worker the one stage timed is crawl/analysis.py's `analyse_page` (parse,
extraction and the capture's pack: two hashes and zlib level 9, as a worker
packs a site's first captures; later ones are zstd with the site's dictionary).

The other tree's `condition_archive` is copied to a temporary directory as
`condition_archive_before` (its imports rewritten), so both import side by side.
Pages: the generated site (bench/gensite.py, the crawl bench's 2025 templates),
or with --shared the 1,171 pages of both shared extraction sets.
Each stage's total over the pages is taken per round; the table shows the
smallest round of each (CPU seconds: time.process_time).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
STAGES = ("parse+regions+scan", "center", "article", "links", "assemble", "total")
HEADERS = {"content-type": "text/html; charset=utf-8"}


def _copy_before(tree: Path | None, commit: str | None, into: Path) -> None:
    """`tree`'s package (or the commit's, from this repository) as condition_archive_before."""
    target = into / "condition_archive_before"
    if commit:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "condition_archive"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
        (into / "condition_archive").rename(target)
    else:
        subprocess.run(["cp", "-r", str(tree / "condition_archive"), str(target)], check=True)
    for path in target.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bcondition_archive\b", "condition_archive_before", text), encoding="utf-8")


def _run(stages, options_for, data: bytes, url: str, acc: dict, side: str) -> None:
    headers = HEADERS
    clock = time.process_time
    if options_for is None:  # --worker: `stages` is analyse_page
        t0 = clock()
        stages(data, url, headers, ())
        acc[side, "analyse_page"] += clock() - t0
        return
    t0 = clock()
    doc = stages.parse_stage(data, url, headers)
    t1 = clock()
    layout = stages.center_stage(doc)
    t2 = clock()
    art = stages.article_stage(doc, layout, headers, options_for(url, ()))
    t3 = clock()
    links = stages.links_stage(doc, layout)
    t4 = clock()
    stages.assemble(doc, art, layout, links)
    t5 = clock()
    for name, span in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0)):
        acc[side, name] += span


def _empty_caches() -> None:
    """Every functools cache and per-value memo dict of both packages emptied."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("condition_archive.", "condition_archive_before.")):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and not isinstance(value, type):
                value.cache_clear()
        for memo in ("_WORTH_A_LOOK", "_CLAIMS", "_SPECIAL", "_SITE_HREFS"):
            if isinstance(getattr(module, memo, None), dict):
                getattr(module, memo).clear()


def _sides(worker: bool) -> tuple:
    """(side, what to time, its options_for) for both trees; options_for None: analyse_page."""
    if worker:
        from condition_archive.crawl.analysis import analyse_page as after_page
        from condition_archive_before.crawl.analysis import analyse_page as before_page

        return ("before", before_page, None), ("after", after_page, None)
    import condition_archive.extract.stages as after
    import condition_archive_before.extract.stages as before
    from condition_archive.extract.model import options_for as after_options
    from condition_archive_before.extract.model import options_for as before_options

    return ("before", before, before_options), ("after", after, after_options)


def ab_command(rounds: int):
    """The command line of a script that times some of extraction against a 'before'
    checkout (body_ab.py, fields_ab.py): --before, --pages, --rounds, --shared."""
    options = (
        click.option("--before", "tree", required=True, type=click.Path(path_type=Path, file_okay=False),
                     help="A checkout whose condition_archive is the 'before'."),
        click.option("--pages", default=1000, show_default=True, help="Generated-site size."),
        click.option("--rounds", default=rounds, show_default=True),
        click.option("--shared", is_flag=True, help="The 1,171 pages of both shared sets instead."),
    )

    def command(fn):
        for option in reversed(options):
            fn = option(fn)
        return click.command()(fn)
    return command


def _run_side(entry: tuple, data: bytes, url: str, acc: dict) -> None:
    side, stages, options = entry
    _run(stages, options, data, url, acc, side)


def bench_items(pages: int, shared: bool) -> list[tuple[bytes, str]]:
    """The (bytes, URL) pages to alternate over: both shared sets' 1,171
    (extract_snapshot.py's), or the generated site of `pages` pages."""
    sys.path.insert(0, str(REPO / "bench"))
    if shared:
        from extract_snapshot import _pages

        return [(data, url) for _, data, url in _pages(False)]
    from gensite import Generator, layout_for

    site = Generator(layout_for(pages)).render_all("http://127.0.0.1:8780")
    return [(page.body, "http://127.0.0.1:8780" + path) for path, page in site.items()]


def alternate(items: list, sides: list, run, rounds: int, warm: int = 50,
              before_round=None, after_round=None) -> dict:
    """Each (side label, key) -> its smallest CPU seconds over `rounds`, the sides
    alternating page by page (which goes first swaps every page and every round,
    so load on the machine falls on both alike). `run(side, data, url, acc)` adds
    its spans to acc[label, key]; the first `warm` pages run once beforehand,
    untimed. `before_round()` runs before each round, `after_round(acc)` after it
    (to add derived keys)."""
    scratch: dict = defaultdict(float)
    for data, url in items[:warm]:
        for side in sides:
            run(side, data, url, scratch)
    best: dict = {}
    for rnd in range(rounds):
        if before_round is not None:
            before_round()
        acc: dict = defaultdict(float)
        for i, (data, url) in enumerate(items):
            for side in (sides if (i + rnd) % 2 else sides[::-1]):
                run(side, data, url, acc)
        if after_round is not None:
            after_round(acc)
        for key, value in acc.items():
            best[key] = min(best.get(key, value), value)
    return best


@click.command()
@click.option("--before", "tree", type=click.Path(path_type=Path, file_okay=False),
              help="A checkout whose condition_archive is the 'before'.")
@click.option("--before-commit", "commit", help="A commit of this repository as the 'before'.")
@click.option("--pages", default=500, show_default=True, help="Generated-site size (centers and articles).")
@click.option("--rounds", default=4, show_default=True)
@click.option("--shared", is_flag=True,
              help="The 1,171 pages of both shared sets (extract_snapshot.py's) instead of the generated site.")
@click.option("--worker", is_flag=True, help="Time the worker's analyse_page (parse to pack) as one stage.")
@click.option("--cold-caches", is_flag=True,
              help="Empty both sides' per-value caches before each round, as a crawl of "
                   "new pages finds them (rounds after the first otherwise meet every text again).")
def main(tree: Path | None, commit: str | None, pages: int, rounds: int, shared: bool,
         worker: bool, cold_caches: bool) -> None:
    if not tree and not commit:
        raise click.UsageError("give --before PATH or --before-commit REV")
    with tempfile.TemporaryDirectory() as tmp:
        _copy_before(tree, commit, Path(tmp))
        sys.path.insert(0, tmp)
        items = bench_items(pages, shared)
        best = alternate(items, _sides(worker), _run_side, rounds,
                         before_round=_empty_caches if cold_caches else None)
    n = len(items)
    print(f"{n} {'shared-set' if shared else 'generated'} pages, CPU ms/page, smallest of {rounds} rounds, before and after alternating per page\n")
    print("| stage | before | after | after/before |\n|---|---|---|---|")
    for name in ("analyse_page",) if worker else STAGES:
        b, a = 1000 * best["before", name] / n, 1000 * best["after", name] / n
        print(f"| {name} | {b:.3f} | {a:.3f} | {a / b:.3f} |")


if __name__ == "__main__":
    main()
