"""Where extraction's time goes: cProfile over `extract_page` (or the body
alone) on the pages of a shared set, as a self-time table per function.

    python bench/extract_profile.py [--set 2|1] [--body] [--quick] [--top 25]

Each page is profiled once, caches cold as in the benchmarks. Self time is time spent in the function's own lines (lxml's C calls it makes
are listed as their own rows: `{method 'iter' of ...}`). cProfile slows small
Python functions more than C calls, so read the shares, not the milliseconds.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _label(key: tuple) -> str:
    file, line, name = key
    if file == "~":
        return name
    for marker in (f"{REPO}/", "/site-packages/", "/lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}({name})"


@click.command()
@click.option("--set", "which", type=click.Choice(["1", "2"]), default="2", show_default=True)
@click.option("--body", is_flag=True, help="extract_body only (what extraction-bench times).")
@click.option("--quick", is_flag=True)
@click.option("--top", type=int, default=25)
def main(which: str, body: bool, quick: bool, top: int) -> None:
    """Profile extraction on one shared set and print the top functions by self time."""
    from condition_archive.extract import extract_page
    from condition_archive.extract.body import extract_body

    if which == "1":
        import extraction_bench
        pages = [(p.html, p.url) for p in extraction_bench.load_pages(SHARED / "extraction-bench", None, quick)]
    else:
        import extraction_bench2
        pages = [(p.data, p.url) for p in extraction_bench2.load_pages(SHARED / "extraction-bench-2", None, quick)]
    call = extract_body if body else extract_page
    call(*pages[0])
    # Profiled first, each page once, as the benchmarks see them (the per-value
    # caches then hold only what other pages of the set share); then timed
    # again without the profiler, caches warm (as a crawl of one site sees them).
    prof = cProfile.Profile()
    prof.enable()
    for data, url in pages:
        call(data, url)
    prof.disable()
    start = time.process_time()
    for data, url in pages:
        call(data, url)
    plain = time.process_time() - start
    stats = pstats.Stats(prof)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    click.echo(f"{len(pages)} pages, {plain / len(pages) * 1000:.2f} ms/page unprofiled with warm caches; "
               f"profiled total {total:.2f} s")
    click.echo("| function | calls | self s | share | cumulative s |")
    click.echo("|---|---|---|---|---|")
    for key, (_, calls, own, cum, _) in rows:
        click.echo(f"| `{_label(key)}` | {calls} | {own:.3f} | {own / total:.1%} | {cum:.3f} |")


if __name__ == "__main__":
    main()
