"""extract_page split into the stages the pipelines run one per concern.

    doc = parse_stage(data, url, headers)          # boilerplate pipeline
    cen = center_stage(doc)                        # center pipeline
    art = article_stage(doc, cen, headers, options)  # article pipeline
    lnk = links_stage(doc, cen)                    # links pipeline
    page = assemble(doc, art, cen, lnk)            # store pipeline

`extract_page` runs the same five calls, so the CLI, the crawl and re-processing
cannot disagree. The center runs before the article fields so that dates and
bylines inside the center's cards (which describe other pages) are not taken as
the page's own. Every stage tolerates a document that did not parse.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from .body import body_text
from .boilerplate import RegionMap, classify_regions
from .center import CenterLayout, analyse_center
from .dates import choose_dates, choose_reviewed, date_candidates
from .links import FOLLOW_REGIONS, page_links, resolve_links
from .meta import PageScan, page_badges, page_description, page_kind, scan_page
from .title import page_title
from .model import DateCandidate, ExtractOptions, Link, PageExtract
from .parse import Parsed, parse_html
from .people import page_people


@dataclass
class Doc:
    url: str
    parsed: Parsed
    regions: RegionMap | None = None
    scan: PageScan | None = None
    resolved: dict = field(default_factory=dict)

    @property
    def root(self):
        return self.parsed.root


@dataclass(frozen=True)
class ArticleFields:
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
    scan: PageScan | None = field(default=None, compare=False, repr=False)


def header_value(headers: dict[str, str] | None, name: str) -> str | None:
    """A header by its lowercase name, whatever case the dict's keys are in."""
    return next((v for k, v in (headers or {}).items() if k.lower() == name), None)


def parse_stage(data: str | bytes, url: str, headers: dict[str, str] | None = None,
                parsed: Parsed | None = None, regions: RegionMap | None = None) -> Doc:
    """Parse and classify page regions (reusing what the spider already computed)."""
    parsed = parsed or parse_html(data, url, header_value(headers, "content-type"))
    doc = Doc(url, parsed)
    if parsed.root is not None:
        doc.regions = regions or classify_regions(parsed.root)
        doc.scan = scan_page(parsed.root, regions=doc.regions)
        doc.resolved = resolve_links(parsed.root, url, doc.regions)
    return doc


def article_stage(doc: Doc, layout: CenterLayout, headers: dict[str, str] | None = None,
                  options: ExtractOptions | None = None) -> ArticleFields:
    root, regions = doc.root, doc.regions
    if root is None:
        return ArticleFields()
    scan = replace(doc.scan, foreign=layout.cards)
    candidates = date_candidates(root, regions, headers or {}, options or ExtractOptions(), scan, doc.url)
    published, updated = choose_dates(candidates)
    authors, reviewers = page_people(root, regions, scan)
    return ArticleFields(
        title=page_title(root, regions, doc.url, scan.jsonld), description=page_description(root, regions),
        authors=authors, reviewers=reviewers, badges=page_badges(root, regions, scan),
        date_published=published, date_updated=updated, date_reviewed=choose_reviewed(candidates),
        date_candidates=candidates, body_text=body_text(root, regions), scan=scan,
    )


def _card_blocks(layout: CenterLayout) -> tuple:
    """A center's sections (the boxes that hold them whole, else their headings
    and cards): read into the body with the intro."""
    kept = {s.heading for s in layout.sections}
    heads = [el for _, el, text in layout.headings if text in kept]
    boxes = set(layout.section_boxes)
    loose = [el for el in (*heads, *layout.cards) if not any(a in boxes for a in el.iterancestors())]
    outer = [b for b in boxes if not any(a in boxes for a in b.iterancestors())]
    return (*outer, *loose)


def center_stage(doc: Doc) -> CenterLayout:
    if doc.root is None:
        return CenterLayout()
    return analyse_center(doc.root, doc.regions, doc.url, doc.resolved, doc.scan)


def links_stage(doc: Doc, layout: CenterLayout) -> tuple[Link, ...]:
    if doc.root is None:
        return ()
    return page_links(doc.root, doc.url, doc.regions, layout, doc.resolved)


def assemble(doc: Doc, art: ArticleFields, layout: CenterLayout, links: tuple[Link, ...]) -> PageExtract:
    if doc.root is None:
        return PageExtract(url=doc.url, problem=doc.parsed.problem or "no html")
    own_words = max(len(art.body_text.split()) - layout.card_text_words, 0)
    stated = any(not c.source.startswith("http:") for c in art.date_candidates)
    # A CMS writes datePublished into the JSON-LD of every page, hubs included: only a
    # publication date the page states otherwise (visible, meta, microdata) makes it news.
    published = any(c.field == "published" and not c.source.startswith(("http:", "json-ld"))
                    for c in art.date_candidates)
    kind = page_kind(doc.root, layout.sections, own_words, bool(art.authors or art.reviewers), stated,
                     art.scan, published)
    body = art.body_text
    if kind == "center" and layout.cards:
        # A center's cards are its content: read them (and their section
        # headings) with the intro, wherever the main container ends.
        body = body_text(doc.root, doc.regions, layout.cards, _card_blocks(layout),
                         layout.sponsored_blocks(doc.regions))
    return PageExtract(
        url=doc.url, kind=kind, title=art.title, description=art.description, authors=art.authors,
        reviewers=art.reviewers, badges=art.badges, date_published=art.date_published,
        date_updated=art.date_updated, date_reviewed=art.date_reviewed,
        date_candidates=art.date_candidates, body_text=body,
        # Card groups on an article are related-links furniture, not structure.
        sections=layout.sections if kind != "article" else (), links=links, problem=doc.parsed.problem,
    )


def run_all(data: str | bytes, url: str, headers: dict[str, str] | None = None,
            options: ExtractOptions | None = None, parsed: Parsed | None = None) -> PageExtract:
    doc = parse_stage(data, url, headers, parsed)
    layout = center_stage(doc)
    art = article_stage(doc, layout, headers, options)
    return assemble(doc, art, layout, links_stage(doc, layout))


def follow_links(root, url: str, regions, layout: CenterLayout | None = None) -> list[str]:
    """Hrefs a crawler should follow from this page: main and related regions,
    http(s) only, deduplicated, in page order. Here rather than in links.py:
    it needs the center's layout, and center.py reads links.py."""
    if root is None:
        return []
    if layout is None:
        layout = analyse_center(root, regions, url)
    seen: dict[str, None] = {}
    for link in page_links(root, url, regions, layout, layout.resolved):
        if link.region in FOLLOW_REGIONS and urlsplit(link.href).scheme in ("http", "https"):
            seen.setdefault(link.href, None)
    return list(seen)
