"""Pure page extraction: HTML text (and a URL) in, a frozen PageExtract out.

`extract_page` runs the stages of stages.py (the same calls the crawl's
pipelines make): parse (parse.py), regions (boilerplate.py), center sections
(center.py), the fields: title/description/badges/kind (meta.py),
authors/reviewers (people.py), dates (dates.py), body text (body.py), and links
(links.py). No scrapy here: the same code re-extracts archived pages.
"""

from __future__ import annotations

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

# Recorded with every extraction in the archive: bump when any output changes.
EXTRACTOR_VERSION = "0.4.13"

__all__ = [
    "EXTRACTOR_VERSION", "KINDS", "REGIONS", "Card", "DateCandidate", "ExtractOptions",
    "Link", "PageExtract", "Section", "extract_page", "follow_links", "parse_html",
]


def __getattr__(name: str):
    """parse_html and follow_links, imported on first use: the crawl process imports
    this package for its model and EXTRACTOR_VERSION, and leaves the extraction
    modules (lxml, htmldate, the vocabularies) to its extraction worker."""
    if name == "parse_html":
        from condition_archive.extract.parse import parse_html
        return parse_html
    if name == "follow_links":
        from condition_archive.extract.stages import follow_links
        return follow_links
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_page(data: str | bytes, url: str, headers: dict[str, str] | None = None,
                 options: ExtractOptions | None = None) -> PageExtract:
    """Extract every field of one page; never raises: when the input is not
    usable HTML (empty, binary, undecodable) or a stage fails, the PageExtract
    says why in `problem` and carries whatever was found."""
    try:
        return _extract(data, url, headers or {}, options or ExtractOptions())
    except Exception as exc:  # noqa: BLE001 - a bad page must not stop a crawl
        return PageExtract(url=url, problem=f"extraction failed: {type(exc).__name__}: {exc}")


def _extract(data, url: str, headers: dict[str, str], options: ExtractOptions) -> PageExtract:
    # One code path with the crawl's pipelines: see stages.py.
    from condition_archive.extract.stages import run_all
    return run_all(data, url, headers, options)
