"""Article-body extraction benchmark: the project's extractor against trafilatura,
readability-lxml and jusText, in one run, one process, on the real pages of
../shared/extraction-bench, scored with the benchmark's published method.

    python bench/extraction_bench.py [--bench-dir DIR] [--only project,trafilatura]
                                     [--limit N] [--quick] [--per-page N]

Peer settings (what a user would pick for "give me the article text"):
  trafilatura: extract(html, url=url, include_comments=False, include_tables=True),
               everything else default (no favour_precision/recall).
  readability: Document(html, url=url).summary(), its HTML turned into text with
               block elements as line breaks (text_content() would glue words).
  justext:     justext(html, English stoplist), non-boilerplate paragraphs.
Every extractor gets the same decoded str. Timing covers the extraction call
only (not gunzip, decoding or scoring), after one untimed warm-up call, pinned
to one CPU when the OS allows it, in CPU seconds of the process (other load on
a shared machine does not count against whichever extractor ran during it).
"""

from __future__ import annotations

import gzip
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import click
from score import PageScore, score_page, summarise

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO.parent / "shared" / "extraction-bench"
RESULTS = REPO / "bench" / "results"
EXTRACTORS = ("project", "trafilatura", "readability", "justext")
_BLOCKS = frozenset("p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr td th table "
                    "section article header footer figure figcaption dd dt".split())


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


def load_pages(bench_dir: Path, limit: int | None, quick: bool) -> list[Page]:
    truth_path = bench_dir / "ground-truth.json"
    if not truth_path.is_file():
        raise click.ClickException(
            f"No extraction bench at {bench_dir} (missing ground-truth.json). "
            "Pass --bench-dir pointing at the shared extraction-bench directory.")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    ids = sorted(truth)
    if quick:
        ids = ids[::6]  # a fixed, spread-out sixth of the pages
    if limit:
        ids = ids[:limit]
    pages = []
    for page_id in ids:
        raw = gzip.decompress((bench_dir / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append(Page(page_id, truth[page_id]["url"], raw.decode("utf-8", "replace"),
                          truth[page_id]["articleBody"]))
    return pages


def _html_to_text(fragment: str) -> str:
    import lxml.html

    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    lines = (" ".join(line.split()) for line in _ordered_text(root).split("\n"))
    return "\n".join(line for line in lines if line)


def _ordered_text(el) -> str:
    out: list[str] = []

    def walk(node) -> None:
        block = isinstance(node.tag, str) and node.tag in _BLOCKS
        if block:
            out.append("\n")
        if isinstance(node.tag, str) and node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if block:
            out.append("\n")

    walk(el)
    return "".join(out)


def make_extractor(name: str) -> Callable[[str, str], str]:
    """The extraction call of each peer, imported lazily (bench-only dependencies)."""
    if name == "project":
        try:
            from condition_archive.extract.body import extract_body
        except ImportError as exc:
            raise click.ClickException(
                f"condition_archive is not importable ({exc}): install the project into "
                "the venv (pip install -e .) or run with PYTHONPATH=. from the repo root.")
        return lambda html, url: extract_body(html, url)
    if name == "trafilatura":
        import trafilatura
        return lambda html, url: trafilatura.extract(
            html, url=url, include_comments=False, include_tables=True) or ""
    if name == "readability":
        from readability import Document
        return lambda html, url: _html_to_text(Document(html, url=url).summary())
    if name == "justext":
        import justext
        stoplist = justext.get_stoplist("English")
        return lambda html, url: "\n\n".join(
            p.text for p in justext.justext(html, stoplist) if not p.is_boilerplate)
    raise click.BadParameter(f"unknown extractor {name!r}; choose from {', '.join(EXTRACTORS)}")


def run_one(name: str, pages: list[Page]) -> tuple[list[str], list[float], float]:
    extract = make_extractor(name)
    extract(pages[0].html, pages[0].url)  # warm-up: lazy imports, caches
    texts, seconds = [], []
    for page in pages:
        start = time.process_time()  # CPU seconds: a shared machine's load does not count
        try:
            text = extract(page.html, page.url)
        except Exception as exc:  # a peer crashing on one page scores that page 0
            text = ""
            click.echo(f"  {name} failed on {page.id}: {exc!r}", err=True)
        seconds.append(time.process_time() - start)
        texts.append(text or "")
    return texts, seconds, sum(seconds)


def _pin_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"cpu {cpu}"
    return "unpinned"


def _table(rows: list[dict]) -> str:
    base = next((r["pages_per_s"] for r in rows if r["extractor"] == "trafilatura"), None)
    lines = ["| extractor | precision | recall | F1 | pages/s | speed vs trafilatura |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['pages_per_s'] / base:.2f}x" if base else "n/a"
        lines.append(f"| {r['extractor']} | {r['precision']:.4f} | {r['recall']:.4f} | "
                     f"{r['f1']:.4f} | {r['pages_per_s']:.1f} | {ratio} |")
    return "\n".join(lines)


def _worst(pages: list[Page], scores: list[PageScore], count: int) -> str:
    ranked = sorted(zip(pages, scores), key=lambda ps: ps[1].f1)[:count]
    lines = [f"Worst {len(ranked)} pages for project (F1, P, R, id, url):"]
    for page, s in ranked:
        lines.append(f"  {s.f1:.3f} P={s.precision or 0:.3f} R={s.recall or 0:.3f} "
                     f"{page.id[:12]} {page.url}")
    return "\n".join(lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--bench-dir", type=click.Path(path_type=Path), default=DEFAULT_BENCH,
              show_default=True, help="Directory with ground-truth.json and html/.")
@click.option("--only", default=",".join(EXTRACTORS), show_default=True,
              help="Comma-separated extractors to run.")
@click.option("--limit", type=int, default=None, help="Only the first N pages (by id).")
@click.option("--quick", is_flag=True, help="A fixed sixth of the pages, for fast iterations.")
@click.option("--per-page", "per_page", type=int, default=0,
              help="List the N worst pages for the project extractor.")
@click.option("--save-text", is_flag=True, help="Store each extractor's text in the JSON.")
def main(bench_dir: Path, only: str, limit: int | None, quick: bool, per_page: int,
         save_text: bool) -> None:
    """Score the extractors on the bench, print a markdown table, write JSON."""
    names = [n.strip() for n in only.split(",") if n.strip()]
    for name in names:
        if name not in EXTRACTORS:
            raise click.BadParameter(f"unknown extractor {name!r}", param_hint="--only")
    pages = load_pages(bench_dir, limit, quick)
    pinned = _pin_one_cpu()
    rows, details = [], {}
    for name in names:
        texts, seconds, total = run_one(name, pages)
        scores = [score_page(p.truth, t) for p, t in zip(pages, texts)]
        summary = summarise(scores)
        rows.append({"extractor": name, **asdict(summary), "seconds": total,
                     "pages_per_s": len(pages) / total if total else 0.0})
        details[name] = [{"id": p.id, "url": p.url, "f1": s.f1, "precision": s.precision,
                          "recall": s.recall, "seconds": sec, **({"text": t} if save_text else {})}
                         for p, s, t, sec in zip(pages, scores, texts, seconds)]
        if name == "project" and per_page:
            click.echo(_worst(pages, scores, per_page))
    click.echo(f"{len(pages)} pages, one process, {pinned}\n")
    click.echo(_table(rows))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"extraction-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"pages": len(pages), "pinned": pinned, "summary": rows,
                               "per_page": details}, indent=1), encoding="utf-8")
    click.echo(f"\nwrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
