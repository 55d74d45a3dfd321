"""Extraction speed against trafilatura, body only and every field, on both
shared sets, in one run.

    python bench/extract_speed.py [--set 1,2] [--quick] [--limit N] [--rounds 1]

For each page of ../shared/extraction-bench (181 pages) and
../shared/extraction-bench-2 (990 pages), four calls, interleaved page by page
(the order rotating, so a burst of load on the shared machine falls on all of
them alike), timed in CPU seconds of this process pinned to one core:

  body:       condition_archive.extract.body.extract_body(html, url)
              against trafilatura.extract(html, url=url, include_comments=False,
              include_tables=True) (what extraction_bench.py times);
  all fields: condition_archive.extract.extract_page(html, url) (title, people,
              dates with candidates, sections, links, body: what the crawl
              computes) against trafilatura.bare_extraction(html, url=url,
              with_metadata=True, include_comments=False, include_tables=True)
              (what extraction_bench2.py times).

extraction-bench's pages are given as decoded text (as extraction_bench.py
does), extraction-bench-2's as raw bytes (as extraction_bench2.py does). Each
call runs once untimed first (imports, caches). Prints a markdown table and one
JSON line per set; issue 16 asks 2x for the body and 1.5x for every field.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _load(which: str, quick: bool, limit: int | None) -> list[tuple]:
    if which == "1":
        import extraction_bench
        return [(p.html, p.url) for p in extraction_bench.load_pages(SHARED / "extraction-bench", limit, quick)]
    import extraction_bench2
    return [(p.data, p.url) for p in extraction_bench2.load_pages(SHARED / "extraction-bench-2", limit, quick)]


def _calls() -> dict:
    import trafilatura

    from condition_archive.extract import extract_page
    from condition_archive.extract.body import extract_body
    return {
        "project body": lambda d, u: extract_body(d, u),
        "trafilatura body": lambda d, u: trafilatura.extract(
            d, url=u, include_comments=False, include_tables=True),
        "project all fields": lambda d, u: extract_page(d, u),
        "trafilatura all fields": lambda d, u: trafilatura.bare_extraction(
            d, url=u, with_metadata=True, include_comments=False, include_tables=True),
    }


def measure(pages: list[tuple], rounds: int) -> dict:
    calls = _calls()
    names = list(calls)
    for call in calls.values():
        call(*pages[0])
    seconds = dict.fromkeys(names, 0.0)
    n = 0
    for _ in range(rounds):
        for data, url in pages:
            for name in names[n % 4:] + names[:n % 4]:
                start = time.process_time()
                calls[name](data, url)
                seconds[name] += time.process_time() - start
            n += 1
    count = len(pages) * rounds
    rate = {name: count / s for name, s in seconds.items()}
    return {"pages": len(pages), "rounds": rounds, "pages_per_s": rate,
            "body_ratio": rate["project body"] / rate["trafilatura body"],
            "all_fields_ratio": rate["project all fields"] / rate["trafilatura all fields"]}


@click.command()
@click.option("--set", "sets", default="1,2", show_default=True, help="Which shared sets: 1, 2 or 1,2.")
@click.option("--quick", is_flag=True, help="A fixed fifth/sixth of each set.")
@click.option("--limit", type=int, default=None)
@click.option("--rounds", type=int, default=1, show_default=True, help="Passes over the pages.")
@click.option("--json", "as_json", is_flag=True,
              help="Print only one JSON object (the first set's figures; run_all.py reads it).")
def main(sets: str, quick: bool, limit: int | None, rounds: int, as_json: bool) -> None:
    """Body-only and every-field extraction speed against trafilatura."""
    from extraction_bench import _pin_one_cpu

    pinned = _pin_one_cpu()
    rows = []
    for which in [s.strip() for s in sets.split(",") if s.strip()]:
        result = measure(_load(which, quick, limit), rounds)
        result["set"] = "extraction-bench" if which == "1" else "extraction-bench-2"
        if as_json:
            rate = result["pages_per_s"]
            click.echo(json.dumps({**result, "project_extract_page_per_s": rate["project all fields"],
                                   "trafilatura_with_metadata_per_s": rate["trafilatura all fields"],
                                   "ratio": result["all_fields_ratio"]}))
            return
        click.echo(json.dumps(result))
        rows.append(result)
    click.echo(f"\none process, {pinned}, CPU seconds\n")
    click.echo("| set | pages | project body /s | trafilatura body /s | body ratio "
               "| project all fields /s | trafilatura all fields /s | all-fields ratio |")
    click.echo("|---|---|---|---|---|---|---|---|")
    for r in rows:
        p = r["pages_per_s"]
        click.echo(f"| {r['set']} | {r['pages']} | {p['project body']:.1f} | {p['trafilatura body']:.1f} "
                   f"| {r['body_ratio']:.2f}x | {p['project all fields']:.1f} "
                   f"| {p['trafilatura all fields']:.1f} | {r['all_fields_ratio']:.2f}x |")


if __name__ == "__main__":
    main()
