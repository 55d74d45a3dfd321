"""Second extraction benchmark: 990 real pages in many languages with body
snippets and title/author/date labels (../shared/extraction-bench-2, from
trafilatura's own evaluation set), the project against trafilatura and
readability-lxml in one run, one process, one pinned core.

    python bench/extraction_bench2.py [--bench-dir DIR] [--only project,trafilatura]
                                      [--limit N] [--quick] [--misses FIELD] [--json]

Scoring is the set's published method (its README): per page, the extracted
body and every snippet are normalised (NFC, whitespace collapsed, lower case);
a `with` snippet found is a true positive, missing a false negative; a
`without` snippet found is a false positive, absent a true negative; counts are
summed over all pages. Title right when equal after the same normalisation,
date right when the first 10 characters equal the label's, author right when
every name of the label is found in the extracted authors. Pages whose label is
empty are not scored for that field.

What each extractor is asked (what a user would call for "article + metadata"):
  project:     extract_page(bytes, url): body_text, title, authors,
               date_published (else date_updated: the page's own date).
  trafilatura: bare_extraction(bytes, url=url, with_metadata=True,
               include_comments=False, include_tables=True): text, title,
               author, date.
  readability: Document(text).summary() as text and Document.short_title().
project and trafilatura get the page's raw bytes and decode them themselves, as
in a crawl; readability-lxml 0.8 takes text, decoded as the project decodes.
"""

from __future__ import annotations

import gzip
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
from extraction_bench import _html_to_text, _pin_one_cpu

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO.parent / "shared" / "extraction-bench-2"
RESULTS = REPO / "bench" / "results"
EXTRACTORS = ("project", "trafilatura", "readability")
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bund\b|\bet\b|&|/)\s*", re.I)


@dataclass(frozen=True)
class Page:
    url: str
    data: bytes
    label: dict


@dataclass
class Output:
    body: str = ""
    title: str = ""
    authors: str = ""
    date: str = ""


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).lower()


def load_pages(bench_dir: Path, limit: int | None, quick: bool) -> list[Page]:
    labels_path = bench_dir / "evaldata.json"
    if not labels_path.is_file():
        raise click.ClickException(
            f"No extraction bench at {bench_dir} (missing evaldata.json). "
            "Pass --bench-dir pointing at the shared extraction-bench-2 directory.")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    urls = sorted(labels)
    if quick:
        urls = urls[::5]
    if limit:
        urls = urls[:limit]
    return [Page(url, gzip.decompress((bench_dir / "pages" / f"{labels[url]['file']}.gz").read_bytes()),
                 labels[url]) for url in urls]


def make_extractor(name: str) -> Callable[[bytes, str], Output]:
    """The extraction call of each extractor, imported lazily."""
    if name == "project":
        from condition_archive.extract import extract_page

        def project(data: bytes, url: str) -> Output:
            page = extract_page(data, url)
            return Output(page.body_text, page.title, "; ".join(page.authors),
                          page.date_published or page.date_updated or "")
        return project
    if name == "trafilatura":
        from trafilatura import bare_extraction

        def traf(data: bytes, url: str) -> Output:
            doc = bare_extraction(data, url=url, with_metadata=True, include_comments=False,
                                  include_tables=True)
            if doc is None:
                return Output()
            return Output(doc.text or "", doc.title or "", doc.author or "", doc.date or "")
        return traf
    if name == "readability":
        from readability import Document

        from condition_archive.extract.parse import decode_html

        def read(data: bytes, url: str) -> Output:
            # readability-lxml 0.8 takes text only: decoded as the project decodes.
            doc = Document(decode_html(data)[0], url=url)
            return Output(_html_to_text(doc.summary()), doc.short_title() or "")
        return read
    raise click.BadParameter(f"unknown extractor {name!r}; choose from {', '.join(EXTRACTORS)}")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    titles: int = 0
    dates: int = 0
    authors: int = 0

    def row(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        acc = (self.tp + self.tn) / max(self.tp + self.tn + self.fp + self.fn, 1)
        return {"precision": p, "recall": r, "f1": f1, "accuracy": acc, "titles": self.titles,
                "dates": self.dates, "authors": self.authors}


def author_right(label: str | list, found: str) -> bool:
    labels = label if isinstance(label, list) else [label]
    names = [norm(n) for one in labels for n in _NAME_SPLIT.split(one) if norm(n)]
    have = norm(found)
    return bool(names) and all(n in have for n in names)


def page_result(page: Page, out: Output) -> dict:
    """What one page scores: body counts and whether each labelled field is right."""
    body = norm(out.body)
    label = page.label
    res = {"tp": sum(norm(s) in body for s in label.get("with", [])),
           "fn": sum(norm(s) not in body for s in label.get("with", [])),
           "fp": sum(norm(s) in body for s in label.get("without", [])),
           "tn": sum(norm(s) not in body for s in label.get("without", []))}
    if label.get("title"):
        res["title"] = norm(out.title) == norm(label["title"])
    if label.get("date"):
        res["date"] = (out.date or "")[:10] == label["date"][:10]
    if label.get("author"):
        res["author"] = author_right(label["author"], out.authors)
    return res


def run_all(names: list[str], pages: list[Page]) -> dict:
    """Every extractor on every page, interleaved page by page (the order
    rotating), timed in CPU seconds of this process: on a shared machine a
    burst of load then falls on all extractors alike instead of on whichever
    ran during it."""
    extractors = {name: make_extractor(name) for name in names}
    for extract in extractors.values():
        extract(pages[0].data, pages[0].url)  # warm-up: lazy imports, caches
    results = {name: (Score(), [0.0], []) for name in names}
    for n, page in enumerate(pages):
        for name in names[n % len(names):] + names[:n % len(names)]:
            score, total, details = results[name]
            _score_one(name, extractors[name], page, score, total, details)
    return {name: (score, total[0], details) for name, (score, total, details) in results.items()}


def _score_one(name: str, extract, page: Page, score: Score, total: list, details: list) -> None:
    start = time.process_time()
    try:
        out = extract(page.data, page.url)
    except Exception as exc:  # a crash scores the page as nothing found
        click.echo(f"  {name} failed on {page.url}: {exc!r}", err=True)
        out = Output()
    total[0] += time.process_time() - start
    res = page_result(page, out)
    for key in ("tp", "fp", "fn", "tn"):
        setattr(score, key, getattr(score, key) + res[key])
    score.titles += res.get("title", False)
    score.dates += res.get("date", False)
    score.authors += res.get("author", False)
    details.append({"url": page.url, **res, "got": {"title": out.title, "date": out.date,
                                                     "authors": out.authors}})


def _table(rows: list[dict], counts: dict) -> str:
    base = next((r["pages_per_s"] for r in rows if r["extractor"] == "trafilatura"), None)
    lines = [f"| extractor | precision | recall | body F1 | accuracy | titles /{counts['title']} | "
             f"dates /{counts['date']} | authors /{counts['author']} | pages/s | speed vs trafilatura |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = f"{r['pages_per_s'] / base:.2f}x" if base else "n/a"
        lines.append(f"| {r['extractor']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | "
                     f"{r['accuracy']:.3f} | {r['titles']} | {r['dates']} | {r['authors']} | "
                     f"{r['pages_per_s']:.1f} | {ratio} |")
    return "\n".join(lines)


def _misses(field: str, pages: list[Page], details: list[dict], count: int) -> str:
    lines = [f"project misses on {field}:"]
    for page, d in zip(pages, details):
        if d.get(field) is False and len(lines) <= count:
            got = d["got"]["authors" if field == "author" else field]
            lines.append(f"  {page.url}\n      label={page.label[field]!r}\n      got  ={got!r}")
    return "\n".join(lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--bench-dir", type=click.Path(path_type=Path), default=DEFAULT_BENCH, show_default=True)
@click.option("--only", default=",".join(EXTRACTORS), show_default=True)
@click.option("--limit", type=int, default=None, help="Only the first N pages (by URL).")
@click.option("--quick", is_flag=True, help="A fixed fifth of the pages.")
@click.option("--misses", type=click.Choice(["title", "date", "author"]), default=None,
              help="List the project's wrong answers for this field.")
@click.option("--count", type=int, default=40, help="How many misses to list.")
def main(bench_dir: Path, only: str, limit: int | None, quick: bool, misses: str | None,
         count: int) -> None:
    """Score the extractors on extraction-bench-2, print a markdown table, write JSON."""
    names = [n.strip() for n in only.split(",") if n.strip()]
    pages = load_pages(bench_dir, limit, quick)
    pinned = _pin_one_cpu()
    counts = {f: sum(bool(p.label.get(f)) for p in pages) for f in ("title", "date", "author")}
    rows, all_details = [], {}
    for name, (score, total, details) in run_all(names, pages).items():
        rows.append({"extractor": name, **score.row(), "seconds": total,
                     "pages_per_s": len(pages) / total if total else 0.0})
        all_details[name] = details
        if name == "project" and misses:
            click.echo(_misses(misses, pages, details, count))
    click.echo(f"{len(pages)} pages, one process, {pinned}\n")
    click.echo(_table(rows, counts))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"extraction2-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"pages": len(pages), "pinned": pinned, "summary": rows,
                               "per_page": all_details}, indent=1), encoding="utf-8")
    click.echo(f"\nwrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
