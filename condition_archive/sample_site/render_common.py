"""Small helpers shared by the templates: escaping, date formats, body blocks, JSON-LD."""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape

from .model import Article, Center, DateLine, Person

BASE = "__SITE_BASE__"  # replaced by the server's base URL when a page is served
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
PLACEHOLDER = re.compile(r"\{(mdy|mdy2|m_d_y|long|month)\}")


def esc(text: str) -> str:
    return escape(text, quote=True)


def format_date(iso: str, style: str) -> str:
    """Format an ISO date (or YYYY-MM) the way the label's placeholder asks."""
    if style == "month":
        year, month = iso[:7].split("-")
        return f"{MONTHS[int(month) - 1]} {year}"
    d = date.fromisoformat(iso)
    return {
        "mdy": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy2": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
        "m_d_y": f"{d.month}/{d.day}/{d.year}",
        "long": f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    }[style]


def date_label(line: DateLine, *, time_tag: bool) -> str:
    """The visible date line as HTML; the date itself optionally wrapped in <time>."""
    assert line.label is not None

    def sub(match: re.Match) -> str:
        text = esc(format_date(line.iso, match.group(1)))
        return f'<time datetime="{line.iso}">{text}</time>' if time_tag else text

    parts = PLACEHOLDER.split(line.label)
    # split() with one group gives [before, style, after]: escape the literal parts only.
    return esc(parts[0]) + sub(PLACEHOLDER.search(line.label)) + esc(parts[2])


def people_html(people: tuple[Person, ...], cls: str, *, link: bool = True) -> str:
    names = []
    for person in people:
        text = esc(person.display)
        if link:
            text = f'<a href="/author/{person.slug}" class="{cls}" rel="author">{text}</a>'
        names.append(text)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def block_html(block, *, heading_tag: str = "h2", p_attrs: str = "") -> str:
    """One body block (see model.Article) as HTML."""
    if isinstance(block, str):
        return f"<p{p_attrs}>{esc(block)}</p>"
    kind, value = block
    if kind == "h2":
        anchor = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        return f'<{heading_tag} id="{anchor}">{esc(value)}</{heading_tag}>'
    if kind in ("ul", "ol"):
        items = "".join(f"<li>{esc(item)}</li>" for item in value)
        return f"<{kind}>{items}</{kind}>"
    if kind == "link":
        return f"<p{p_attrs}>{value}</p>"
    raise ValueError(f"Unknown body block kind {kind!r}.")


def block_text(block) -> str:
    """The visible text of one body block (inline HTML stripped)."""
    if isinstance(block, str):
        return block
    kind, value = block
    if kind in ("ul", "ol"):
        return "\n".join(value)
    if kind == "link":
        return re.sub(r"<[^>]+>", "", value)
    return value


def _stamp(iso: str, full: bool) -> str:
    return f"{iso}T09:30:00-05:00" if full and len(iso) == 10 else iso


def _dates_ld(page: Article | Center, full: bool) -> dict:
    data = {}
    for line in page.dates:
        key = {"published": "datePublished", "updated": "dateModified",
               "reviewed": "lastReviewed"}[line.field]
        data.setdefault(key, _stamp(line.iso, full and line.field != "reviewed"))
    return data


def _people_ld(people: tuple[Person, ...]) -> list[dict]:
    return [{"@type": "Person", "name": p.display, "url": f"{BASE}/author/{p.slug}"} for p in people]


def page_ld(page: Article | Center, *, full: bool) -> dict:
    """The schema.org object describing the page itself."""
    kind = "MedicalWebPage"
    data = {"@type": kind, "@id": f"{BASE}{page.path}#webpage", "url": f"{BASE}{page.path}",
            "name": page.title, "description": page.description}
    if isinstance(page, Article):
        data["headline"] = page.title
        if page.authors:
            data["author"] = _people_ld(page.authors)
        if page.reviewers:
            data["reviewedBy"] = _people_ld(page.reviewers)
    data.update(_dates_ld(page, full))
    data["publisher"] = {"@id": f"{BASE}/#organization"}
    return data


def breadcrumb_ld(trail: list[tuple[str, str]]) -> dict:
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "name": name, "item": f"{BASE}{href}"}
        for i, (name, href) in enumerate(trail, start=1)]}


def jsonld_script(page: Article | Center, style: str | None, trail: list[tuple[str, str]]) -> str:
    """<script type="application/ld+json"> for "flat" or "graph" style, or "" for None."""
    if style is None:
        return ""
    if style == "flat":
        data = {"@context": "https://schema.org", **page_ld(page, full=False)}
    else:
        graph = [
            {"@type": "Organization", "@id": f"{BASE}/#organization", "name": "Veritas Health",
             "url": f"{BASE}/", "foundingDate": "1999-03-01"},
            {"@type": "WebSite", "@id": f"{BASE}/#website", "name": "Spine-health",
             "url": f"{BASE}/"},
            breadcrumb_ld(trail),
            page_ld(page, full=True),
        ]
        if isinstance(page, Article) and page.subtype == "video":
            graph.append(video_ld(page))
        data = {"@context": "https://schema.org", "@graph": graph}
    return f'<script type="application/ld+json">{json.dumps(data, indent=1)}</script>'


def video_ld(page: Article) -> dict:
    published = page.date("published")
    data = {"@type": "VideoObject", "name": page.title, "description": page.description,
            "thumbnailUrl": f"{BASE}/sites/default/files/video/{page.node_id}.png",
            "duration": "PT2M47S", "contentUrl": f"{BASE}/media/video/{page.node_id}.mp4"}
    if published:
        data["uploadDate"] = published.iso
    return data
