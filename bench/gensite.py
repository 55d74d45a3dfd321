"""A generated condition-center site of N pages for the crawl benchmarks.

Built from the bundled sample site's 2025 templates and articles: a root index
(`/conditions`, itself a center whose cards link to every center), C centers
whose card sections link to their articles, and C x A articles. Titles and the
first paragraph of every page vary deterministically (a seeded word sampler over
the sample articles' own vocabulary), so every page has distinct content.

    python bench/gensite.py [--pages 5000] [--port 8780] [--change-fraction 0.1]

serves it on 127.0.0.1 until Ctrl-C (bench/genserver.py). `--change-fraction F`
alters the body text (and the updated date) of a fixed, deterministic F of the
centers and articles, as a site does between two crawls.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from dataclasses import dataclass, replace
from email.utils import format_datetime
from datetime import datetime, timezone

from condition_archive.sample_site.model import Article, Card, Center, DateLine, Section
from condition_archive.sample_site.render_2025 import render_article
from condition_archive.sample_site.render_center import render_center_2025
from condition_archive.sample_site.render_common import BASE
from condition_archive.sample_site.versions import get_version

ROOT = "/conditions"
PER_CENTER = 49  # 100 centers x 49 articles + 100 centers + the root = 5,001 pages
SECTION_NAMES = ("Overview", "Symptoms", "Causes and Diagnosis", "Treatment", "More on this Topic")
PARTS = ("Upper Back", "Lower Back", "Neck", "Shoulder", "Hip", "Knee", "Elbow", "Wrist", "Ankle",
         "Foot", "Jaw", "Rib", "Tailbone", "Sacroiliac Joint", "Thoracic Spine", "Lumbar Spine",
         "Cervical Spine", "Hamstring", "Groin", "Heel")
CONDITIONS = ("Pain", "Stiffness", "Strain", "Sprain", "Arthritis", "Bursitis", "Tendinitis",
              "Numbness", "Spasms", "Instability", "Fracture", "Nerve Pain", "Inflammation",
              "Weakness", "Injury", "Swelling", "Degeneration", "Cramps", "Tingling", "Soreness")
PUBLISHED = "2024-03-14"
UPDATED = "2025-01-20"
REVISED = "2025-06-02"


@dataclass(frozen=True)
class SitePage:
    """One pre-rendered response body with its validators."""

    body: bytes
    etag: str
    last_modified: str  # HTTP date
    kind: str  # root | center | article


@dataclass(frozen=True)
class Layout:
    centers: int
    per_center: int

    @property
    def pages(self) -> int:
        return 1 + self.centers + self.centers * self.per_center


def layout_for(pages: int, per_center: int = PER_CENTER) -> Layout:
    """Centers x articles giving at least `pages` pages in all (2 centers at least)."""
    centers = max(2, math.ceil((pages - 1) / (per_center + 1)))
    return Layout(centers, per_center)


def vocabulary() -> list[str]:
    words: set[str] = set()
    for article in get_version("2025").articles:
        for block in article.body:
            if isinstance(block, str):
                words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", block))
    return sorted(words)


class Generator:
    """Renders the pages of one layout; `changed` paths get their revised text."""

    def __init__(self, layout: Layout, seed: int = 7):
        self.layout = layout
        self.seed = seed
        self.templates = get_version("2025").articles
        self.vocab = vocabulary()

    def center_name(self, i: int) -> str:
        name = f"{PARTS[i % len(PARTS)]} {CONDITIONS[(i // len(PARTS)) % len(CONDITIONS)]}"
        rounds = i // (len(PARTS) * len(CONDITIONS))
        return f"{name} {rounds + 1}" if rounds else name

    def center_path(self, i: int) -> str:
        return f"{ROOT}/{self.center_name(i).lower().replace(' ', '-')}"

    def article_path(self, i: int, j: int) -> str:
        template = self.templates[(i * self.layout.per_center + j) % len(self.templates)]
        return f"{self.center_path(i)}/{template.path.rsplit('/', 1)[-1]}-{j + 1}"

    def paths(self) -> list[str]:
        out = [ROOT]
        for i in range(self.layout.centers):
            out.append(self.center_path(i))
            out.extend(self.article_path(i, j) for j in range(self.layout.per_center))
        return out

    def changed_paths(self, fraction: float) -> frozenset[str]:
        """A fixed `fraction` of the centers and articles (the root never changes)."""
        candidates = sorted(self.paths()[1:], key=lambda p: hashlib.sha1(p.encode()).hexdigest())
        return frozenset(candidates[: round(len(candidates) * fraction)])

    def paragraph(self, key: str, words: int = 60) -> str:
        rng = random.Random(f"{self.seed}:{key}")
        text = " ".join(rng.choice(self.vocab) for _ in range(rng.randint(words - 15, words + 15)))
        return text[0].upper() + text[1:] + "."

    def _intro(self, path: str, changed: bool) -> str:
        text = self.paragraph(path)
        if changed:
            text += " Revised: " + self.paragraph("revised:" + path, 25)
        return text

    def _dates(self, changed: bool) -> tuple[DateLine, ...]:
        return (DateLine("published", PUBLISHED, "Published {long}"),
                DateLine("updated", REVISED if changed else UPDATED, "Updated {long}"))

    def article(self, i: int, j: int, changed: bool) -> tuple[Article, dict[str, str]]:
        per = self.layout.per_center
        template = self.templates[(i * per + j) % len(self.templates)]
        name = self.center_name(i)
        path = self.article_path(i, j)
        neighbours = [k % per for k in (j + 1, j + 2) if k % per != j]
        titles = {self.article_path(i, k): self.article_title(i, k) for k in neighbours}
        related = tuple(titles)
        article = replace(
            template, path=path, title=self.article_title(i, j), node_id=100_000 + i * per + j,
            body=(self._intro(path, changed),) + template.body, related=related,
            dates=self._dates(changed), description=f"{name}: {template.description}"[:300])
        return article, titles

    def article_title(self, i: int, j: int) -> str:
        template = self.templates[(i * self.layout.per_center + j) % len(self.templates)]
        return f"{template.title} ({self.center_name(i)}, part {j + 1})"

    def center(self, i: int, changed: bool) -> Center:
        per = self.layout.per_center
        cards = [Card(self.article_title(i, j), self.article_path(i, j), f"Illustration {i}-{j}",
                      f"/sites/default/files/cards/{i}-{j}.png") for j in range(per)]
        return self._center(self.center_path(i), self.center_name(i), cards, 10 + i, changed)

    def root(self) -> Center:
        cards = [Card(self.center_name(i), self.center_path(i), f"Center {i}",
                      f"/sites/default/files/centers/{i}.png") for i in range(self.layout.centers)]
        return self._center(ROOT, "Conditions A to Z", cards, 1, False)

    def _center(self, path: str, title: str, cards: list[Card], node_id: int, changed: bool) -> Center:
        size = max(2, math.ceil(len(cards) / len(SECTION_NAMES)))
        sections = tuple(Section(SECTION_NAMES[n % len(SECTION_NAMES)], tuple(cards[k:k + size]),
                                 f"section-{n}")
                         for n, k in enumerate(range(0, len(cards), size)))
        return Center(path=path, title=title, intro=(self._intro(path, changed),), sections=sections,
                      node_id=node_id, subtitle=f"All about {title}", dates=self._dates(changed),
                      description=f"{title}: symptoms, causes and treatment.", hero_alt=title)

    def render_all(self, base_url: str, changed: frozenset[str] = frozenset()) -> dict[str, SitePage]:
        """Every page of the site, by path, with links made absolute against base_url."""
        pages = {ROOT: _page(render_center_2025(self.root()), base_url, UPDATED, "root")}
        for i in range(self.layout.centers):
            path = self.center_path(i)
            center = self.center(i, path in changed)
            pages[path] = _page(render_center_2025(center), base_url, center.dates[1].iso, "center")
            for j in range(self.layout.per_center):
                article, titles = self.article(i, j, self.article_path(i, j) in changed)
                pages[article.path] = _page(render_article(article, titles), base_url,
                                            article.dates[1].iso, "article")
        return pages


def _page(html: str, base_url: str, iso_date: str, kind: str) -> SitePage:
    body = html.replace(BASE, base_url).encode("utf-8")
    day = datetime.fromisoformat(iso_date).replace(hour=12, tzinfo=timezone.utc)
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return SitePage(body, etag, format_datetime(day, usegmt=True), kind)


def main(argv: list[str] | None = None) -> None:
    import argparse
    import time

    from genserver import GenSite

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="at least this many pages")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--change-fraction", type=float, default=0.0,
                        help="alter the body text of this fraction of centers and articles")
    args = parser.parse_args(argv)
    with GenSite(layout_for(args.pages), port=args.port, change_fraction=args.change_fraction) as site:
        print(f"{len(site.pages)} pages at {site.base_url}{ROOT} (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
