"""Pure page extraction: HTML text (and a URL) in, a frozen PageExtract out.

`extract_page` composes the stages: parse (parse.py), regions (boilerplate.py),
body text (body.py), and the fields: title/description/badges/kind (meta.py),
authors/reviewers (people.py), dates (dates.py), center sections (center.py)
and links (links.py). No scrapy here: the same code re-extracts archived pages.
"""

from __future__ import annotations

from dataclasses import replace

from condition_archive.extract.body import body_text
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.center import analyse_center
from condition_archive.extract.dates import choose_dates, date_candidates
from condition_archive.extract.links import follow_links, page_links, resolve_links
from condition_archive.extract.meta import (
    page_badges,
    page_description,
    page_kind,
    page_title,
    scan_page,
)
from condition_archive.extract.model import (
    KINDS,
    REGIONS,
    Card,
    DateCandidate,
    ExtractOptions,
    Link,
    PageExtract,
    Section,
)
from condition_archive.extract.parse import parse_html
from condition_archive.extract.people import page_people

# Recorded with every extraction in the archive: bump when any output changes.
EXTRACTOR_VERSION = "0.1.0"

__all__ = [
    "EXTRACTOR_VERSION", "KINDS", "REGIONS", "Card", "DateCandidate", "ExtractOptions",
    "Link", "PageExtract", "Section", "extract_page", "follow_links", "parse_html",
]


def extract_page(data: str | bytes, url: str, headers: dict[str, str] | None = None,
                 options: ExtractOptions | None = None) -> PageExtract:
    """Extract every field of one page; never raises: when the input is not
    usable HTML (empty, binary, undecodable) or a stage fails, the PageExtract
    says why in `problem` and carries whatever was found."""
    try:
        return _extract(data, url, headers or {}, options or ExtractOptions())
    except Exception as exc:  # noqa: BLE001 - a bad page must not stop a crawl
        return PageExtract(url=url, problem=f"extraction failed: {type(exc).__name__}: {exc}")


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _extract(data, url: str, headers: dict[str, str], options: ExtractOptions) -> PageExtract:
    parsed = parse_html(data, url, _header(headers, "content-type"))
    root = parsed.root
    if root is None:
        return PageExtract(url=url, problem=parsed.problem or "no html")
    regions = classify_regions(root)
    body = body_text(root, regions)
    resolved = resolve_links(root, url)
    scan = scan_page(root)
    layout = analyse_center(root, regions, url, resolved, scan)
    scan = replace(scan, foreign=layout.cards)
    candidates = date_candidates(root, regions, headers, options, scan)
    published, updated = choose_dates(candidates)
    authors, reviewers = page_people(root, regions, scan)
    own_words = max(len(body.split()) - layout.card_text_words, 0)
    stated = any(not c.source.startswith("http:") for c in candidates)
    kind = page_kind(root, layout.sections, own_words, bool(authors or reviewers), stated, scan)
    return PageExtract(
        url=url,
        kind=kind,
        title=page_title(root, regions, url),
        description=page_description(root, regions),
        authors=authors,
        reviewers=reviewers,
        badges=page_badges(root, regions, scan),
        date_published=published,
        date_updated=updated,
        date_candidates=candidates,
        body_text=body,
        # Card groups on an article are related-links furniture, not structure.
        sections=layout.sections if kind != "article" else (),
        links=page_links(root, url, regions, layout, resolved),
        problem=parsed.problem,
    )
