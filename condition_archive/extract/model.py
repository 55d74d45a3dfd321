"""What extraction returns: frozen dataclasses, no behaviour beyond serialisation.

Every extraction function in this package takes HTML text (and a URL) and returns
one of these. Nothing here imports scrapy, so the CLI, the pipelines and
re-processing of archived captures all share the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

# Where a link or block sits on the page. "main" is the page's own content.
REGIONS = ("main", "nav", "header", "footer", "sidebar", "related", "ad", "sponsored")
KINDS = ("center", "article", "other")


@dataclass(frozen=True)
class DateCandidate:
    """One date found on the page, with where it came from.

    field:  what the date claims to be: "published", "updated" or "reviewed".
    value:  ISO 8601 (YYYY-MM-DD, or a full timestamp when the source has one).
    source: where it was found, e.g. "json-ld:dateModified", "meta:article:modified_time",
            "time[datetime]", "visible:Updated on", "http:last-modified".
    raw:    the text as it stood on the page (or in the header).
    """

    field: str
    value: str
    source: str
    raw: str = ""


@dataclass(frozen=True)
class Card:
    """One article card of a center section."""

    title: str
    href: str
    image_alt: str = ""
    teaser: str = ""


@dataclass(frozen=True)
class Section:
    """One section of a condition center (e.g. "Symptoms"), its cards in page order."""

    heading: str
    cards: tuple[Card, ...] = ()


@dataclass(frozen=True)
class Link:
    """One <a href> of the page: absolute href, anchor text, region and section heading."""

    href: str
    text: str
    region: str
    section: str = ""


def new_link(href: str, text: str, region: str, section: str = "",
             _new=object.__new__) -> Link:
    """Link(href, text, region, section), built without the frozen dataclass's
    __init__ (an object.__setattr__ call per field): twice as fast, and a page
    has ~60 links. Equal to the Link __init__ builds, fields in the same order."""
    link = _new(Link)
    d = link.__dict__
    d["href"] = href
    d["text"] = text
    d["region"] = region
    d["section"] = section
    return link


@dataclass(frozen=True)
class PageExtract:
    """Everything the pipelines take from one page.

    `problem` is None when extraction worked; otherwise it says why nothing (or
    little) was found: "empty document", "not html: looks like PDF", ...
    """

    url: str
    kind: str = "other"
    title: str = ""
    description: str = ""
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    badges: tuple[str, ...] = ()
    date_published: str | None = None
    date_updated: str | None = None
    date_reviewed: str | None = None
    date_candidates: tuple[DateCandidate, ...] = ()
    body_text: str = ""
    sections: tuple[Section, ...] = ()
    links: tuple[Link, ...] = ()
    problem: str | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        """JSON-ready dict with the keys the `extract` command prints."""
        data = asdict(self)
        data.pop("extra")
        for key in ("authors", "reviewers", "badges"):
            data[key] = list(data[key])
        data["date_candidates"] = [dict(c) for c in data["date_candidates"]]
        data["sections"] = [
            {"heading": s["heading"], "cards": [dict(c) for c in s["cards"]]}
            for s in data["sections"]
        ]
        data["links"] = [dict(link) for link in data["links"]]
        return data

    def __reduce__(self):
        """Pickled with its links as one flat tuple of strings: a page's ~60 Link
        objects are most of what the extraction worker sends the crawl, and this
        halves their pickling and unpickling CPU (bench/worker_bench.py). Unpickled
        equal, with the same Link objects."""
        state = dict(self.__dict__)
        flat: list[str] = []
        add = flat.extend
        for link in state.pop("links"):
            d = link.__dict__
            add((d["href"], d["text"], d["region"], d["section"]))
        return _unpickle_extract, (state, tuple(flat))


def _unpickle_extract(state: dict, flat: tuple[str, ...]) -> PageExtract:
    """A PageExtract from PageExtract.__reduce__'s state and flat links. Built as
    pickle builds a dataclass (no __init__), the links in a loop without calls."""
    links = []
    add, new = links.append, object.__new__
    items = iter(flat)
    for href, text, region, section in zip(items, items, items, items):
        link = new(Link)
        d = link.__dict__
        d["href"], d["text"], d["region"], d["section"] = href, text, region, section
        add(link)
    extract = new(PageExtract)
    extract.__dict__.update(state, links=tuple(links))
    return extract


@dataclass(frozen=True)
class ExtractOptions:
    """Per-site knobs. `day_first` decides ambiguous numeric dates (03/04/2024)
    when set; None (the default) lets the page decide: a machine-readable date
    on the page that matches one reading, then the page's language or region
    (`<html lang="en-GB">`, "de": day first; "en-US", "en": month first)."""

    day_first: bool | None = None


def options_for(url: str, day_first_sites: Iterable[str] = ()) -> ExtractOptions:
    """The options of the site `url` is on: day-first dates for the listed hosts,
    the page's own evidence for the others."""
    host = (urlsplit(url).hostname or "").lower()
    listed = host in {h.strip().lower() for h in day_first_sites}
    return ExtractOptions(day_first=True if listed else None)
