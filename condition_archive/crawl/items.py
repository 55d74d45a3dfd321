"""What the spider hands the pipelines: plain dataclasses (no scrapy import).

A FetchedPage is one 200 response with its raw bytes. An Outcome is every other
end of a request (not-modified, gone, error, robots-denied, skipped, ...). The
extraction pipeline fills a FetchedPage's `extract` (or `failure`), the links pipeline its `outcomes`; the store pipeline writes both kinds to the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from condition_archive.archive.capture import Packed
from condition_archive.extract.model import PageExtract

OUTCOMES = ("fetched", "not-modified", "redirected", "gone", "error", "robots-denied", "skipped")


@dataclass
class FetchedPage:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    depth: int = 0
    referer: str = ""
    # (url, status) of each redirect hop that led to `url`, oldest first.
    redirects: list[tuple[str, int]] = field(default_factory=list)
    # A meta refresh the crawl refused to follow: (reason, target URL).
    refresh_refused: tuple[str, str] | None = None
    # Set by the extraction pipeline: the page's content, or why extraction failed
    # (the store then archives the raw bytes with an "error" ledger row).
    extract: PageExtract | None = None
    failure: str | None = None
    # The capture hashed and compressed by an extraction worker (the distributed
    # crawl's nodes); None: the store packs it, when it is a new capture.
    packed: Packed | None = None
    # Set by the links pipeline: links not followed, with the reason (skipped
    # outcomes), written with the page.
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


@dataclass
class Outcome:
    url: str
    outcome: str
    reason: str
    fetched_at: str
    status: int | None = None
    depth: int = 0
    referer: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}: use one of {', '.join(OUTCOMES)}")
