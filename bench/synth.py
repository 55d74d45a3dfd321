"""A large archive written through the real storage code, for the query-scale bench.

Synthetic PageExtract + FetchedPage objects (what the pipelines hand the store)
go through condition_archive.archive.store.Archive.record_page, the same call a crawl
makes, in two crawls a year apart: the first records every center and article,
the second changes every center's cards and a twentieth of the articles. The
only shortcut is batching: record_page's own transaction nests (as a savepoint)
inside one outer transaction per `batch` pages.

    build(Path("q.db"), articles=100_000, centers=2_000)
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

from condition_archive.archive import crawls
from condition_archive.archive.db import open_archive
from condition_archive.extract import EXTRACTOR_VERSION
from condition_archive.extract.model import Card, DateCandidate, Link, PageExtract, Section
from condition_archive.crawl.items import FetchedPage
from condition_archive.archive.store import Archive

from gensite import SECTION_NAMES, vocabulary

SITE = "https://www.example-health.org"
CRAWL_DAYS = ("2024-01-10", "2025-01-10")
NAV = tuple((f"{SITE}/{slug}", slug.replace("-", " ").title()) for slug in (
    "conditions", "treatments", "wellness", "videos", "doctors", "about", "contact", "newsletter",
    "privacy-policy", "terms-of-use"))
RARE_TOPICS = 997  # each article carries one of these tokens: ~100 articles per token


class Clock:
    """The `now` passed to Archive: a fixed day per crawl, seconds ticking per call."""

    def __init__(self, day: str):
        self.day, self.ticks = day, 0

    def __call__(self) -> str:
        self.ticks += 1
        seconds = self.ticks % 86_400
        return f"{self.day}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}+00:00"


@dataclass(frozen=True)
class Shape:
    articles: int
    centers: int

    @property
    def per_center(self) -> int:
        return max(1, self.articles // self.centers)

    def center_url(self, c: int) -> str:
        return f"{SITE}/conditions/center-{c}"

    def article_url(self, n: int) -> str:
        return f"{self.center_url(n % self.centers)}/article-{n}"


def _text(rng: random.Random, vocab: list[str], words: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(words))


def article_page(shape: Shape, n: int, vocab: list[str], revision: int) -> PageExtract:
    rng = random.Random(f"article:{n}:{revision}")
    paragraphs = [_text(rng, vocab, rng.randint(40, 70)).capitalize() + "." for _ in range(3)]
    paragraphs[1] += f" topic{n % RARE_TOPICS}"
    day = CRAWL_DAYS[revision]
    related = [shape.article_url((n + k) % shape.articles) for k in (1, 2, 3)]
    links = ([Link(href, text, "nav") for href, text in NAV]
             + [Link(href, f"Related {k}", "related") for k, href in enumerate(related, 1)]
             + [Link(shape.center_url(n % shape.centers), "Back to the center", "main")])
    return PageExtract(
        url=shape.article_url(n), kind="article",
        title=f"{_text(rng, vocab, 6).title()} (part {n})",
        description=_text(rng, vocab, 20), authors=(f"Author {n % 300}",),
        reviewers=(f"Reviewer {n % 40}, MD",), badges=("Peer-Reviewed",) if n % 3 == 0 else (),
        date_published="2023-05-01", date_updated=day,
        date_candidates=(DateCandidate("published", "2023-05-01", "json-ld:datePublished"),
                         DateCandidate("updated", day, "visible:Updated", f"Updated {day}")),
        body_text="\n\n".join(paragraphs), links=tuple(links))


def center_page(shape: Shape, c: int, revision: int) -> PageExtract:
    members = list(range(c, shape.articles, shape.centers))
    if revision:  # the next year's center: cards reordered, the last one replaced
        members = members[1:] + [(members[0] + 1) % shape.articles]
    cards = [Card(f"Article {n}", shape.article_url(n), f"Illustration {n}") for n in members]
    size = max(1, -(-len(cards) // len(SECTION_NAMES)))
    sections = tuple(Section(SECTION_NAMES[k // size], tuple(cards[k:k + size]))
                     for k in range(0, len(cards), size))
    links = tuple(Link(card.href, card.title, "main", s.heading) for s in sections for card in s.cards)
    return PageExtract(url=shape.center_url(c), kind="center", title=f"Condition {c}",
                       description=f"All about condition {c}.", date_updated=CRAWL_DAYS[revision],
                       body_text=f"Condition {c} overview, revision {revision}.", sections=sections,
                       links=tuple(NAV_LINKS) + links)


NAV_LINKS = tuple(Link(href, text, "nav") for href, text in NAV)


def fetched_for(page: PageExtract, fetched_at: str) -> FetchedPage:
    """A compact raw page carrying the extracted text (what record_page stores as capture)."""
    paragraphs = "".join(f"<p>{p}</p>" for p in page.body_text.split("\n\n"))
    html = (f"<!DOCTYPE html><html><head><title>{page.title}</title></head><body><main>"
            f"<h1>{page.title}</h1>{paragraphs}</main></body></html>")
    headers = {"content-type": "text/html; charset=utf-8", "etag": f'"{hash(html) & 0xFFFFFFFF:x}"',
               "last-modified": "Mon, 01 Jan 2024 12:00:00 GMT"}
    return FetchedPage(page.url, 200, headers, html.encode("utf-8"), fetched_at, depth=1)


def _record(db, archive: Archive, crawl_id: int, pages, clock: Clock, batch: int,
            marks: list[tuple[int, float]]) -> int:
    """Record pages in batches; append (pages so far, perf_counter) to marks per batch."""
    count = 0
    pending = []
    for page in pages:
        pending.append(page)
        if len(pending) >= batch:
            count += _flush(db, archive, crawl_id, pending, clock)
            marks.append((len(marks) and marks[-1][0] + batch or batch, time.perf_counter()))
    return count + _flush(db, archive, crawl_id, pending, clock)


def _flush(db, archive: Archive, crawl_id: int, pending: list, clock: Clock) -> int:
    with db.atomic():
        for page in pending:
            archive.record_page(crawl_id, fetched_for(page, clock()), page, EXTRACTOR_VERSION)
    done = len(pending)
    pending.clear()
    return done


def _rates(marks: list[tuple[int, float]], start: float) -> dict:
    """Pages/s of the first and the last tenth of the first crawl's writes."""
    if len(marks) < 10:
        return {}
    points = [(0, start)] + marks
    tenth = len(points) // 10

    def rate(a: tuple[int, float], b: tuple[int, float]) -> float:
        return (b[0] - a[0]) / (b[1] - a[1])

    return {"first_tenth_pages_per_s": rate(points[0], points[tenth]),
            "last_tenth_pages_per_s": rate(points[-1 - tenth], points[-1])}


def build(path: Path, articles: int, centers: int, batch: int = 500) -> dict:
    """Write the two crawls; return counts, and how the write rate changed as the file grew."""
    shape, vocab = Shape(articles, centers), vocabulary()
    db = open_archive(path)
    recorded, marks, start = [], [], time.perf_counter()
    try:
        for revision, day in enumerate(CRAWL_DAYS):
            clock = Clock(day)
            archive = Archive(db, now=clock)
            crawl_id = crawls.start_crawl(db, [shape.center_url(0)], {"synthetic": True},
                                          EXTRACTOR_VERSION, now=clock())
            changed = range(articles) if revision == 0 else range(0, articles, 20)
            pages = [center_page(shape, c, revision) for c in range(centers)]
            ticks = marks if revision == 0 else []
            count = _record(db, archive, crawl_id, pages, clock, batch, ticks)
            count += _record(db, archive, crawl_id, (article_page(shape, n, vocab, revision)
                                                     for n in changed), clock, batch, ticks)
            crawls.finish_crawl(db, crawl_id, "finished", "finished", now=clock())
            recorded.append(count)
    finally:
        db.close()
    return {"articles": articles, "centers": centers, "pages_recorded": recorded, **_rates(marks, start)}
