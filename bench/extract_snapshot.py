"""Every field the extractor returns on every page of both shared sets, written
to one file, and a comparison of two such files: proof that a speed change
changed no output.

    python bench/extract_snapshot.py write OUT.json.gz [--quick]
    python bench/extract_snapshot.py diff OLD.json.gz NEW.json.gz [--show N]

`write` runs `extract_page` (every field: body, title, people, dates with their
candidates, sections, links) and `extract_body` (what extraction-bench scores)
on the 181 pages of ../shared/extraction-bench and the 990 of
../shared/extraction-bench-2. `diff` lists the pages whose output differs, field
by field, and exits non-zero when any does.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import click

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _pages(quick: bool):
    import extraction_bench
    import extraction_bench2

    for page in extraction_bench.load_pages(SHARED / "extraction-bench", None, quick):
        yield f"bench1:{page.id}", page.html, page.url
    for page in extraction_bench2.load_pages(SHARED / "extraction-bench-2", None, quick):
        yield f"bench2:{page.url}", page.data, page.url


def snapshot(quick: bool) -> dict:
    from condition_archive.extract import extract_page
    from condition_archive.extract.body import extract_body

    out = {}
    for key, data, url in _pages(quick):
        page = extract_page(data, url).to_dict()
        page["extract_body"] = extract_body(data, url)
        out[key] = page
    return out


@click.group()
def main() -> None:
    """Snapshot extraction output on both shared sets, or compare two snapshots."""


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--quick", is_flag=True, help="A fixed fifth/sixth of each set.")
def write(out: Path, quick: bool) -> None:
    data = snapshot(quick)
    out.write_bytes(gzip.compress(json.dumps(data, sort_keys=True).encode("utf-8")))
    click.echo(f"wrote {len(data)} pages to {out}")


@main.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--show", type=int, default=20, help="How many differing pages to list.")
def diff(old: Path, new: Path, show: int) -> None:
    a = json.loads(gzip.decompress(old.read_bytes()))
    b = json.loads(gzip.decompress(new.read_bytes()))
    changed = []
    for key in sorted(set(a) | set(b)):
        pa, pb = a.get(key, {}), b.get(key, {})
        fields = sorted(f for f in set(pa) | set(pb) if pa.get(f) != pb.get(f))
        if fields:
            changed.append((key, fields))
    for key, fields in changed[:show]:
        click.echo(f"{key}: {', '.join(fields)}")
    click.echo(f"{len(changed)} of {len(set(a) | set(b))} pages differ")
    by_field: dict = {}
    for _, fields in changed:
        for f in fields:
            by_field[f] = by_field.get(f, 0) + 1
    if by_field:
        click.echo("by field: " + ", ".join(f"{f} {n}" for f, n in sorted(by_field.items())))
    sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
