"""The shapes of the sample site's content data (pure data, no HTML).

Pages are described once here and rendered by the template modules
(`render_2012`, `render_2025`, `render_center`); `truth` reads the same data, so
the ground truth cannot drift from what the server sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VERSIONS = ("2012", "2025")


@dataclass(frozen=True)
class Person:
    """An author or reviewer: the bare name plus the credentials shown after it."""

    name: str
    credentials: str = ""

    @property
    def display(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def slug(self) -> str:
        return "-".join(self.name.lower().replace(".", "").split())


@dataclass(frozen=True)
class DateLine:
    """One date of an article.

    field: "published", "updated" or "reviewed".
    iso:   YYYY-MM-DD, or YYYY-MM for a month-only date.
    label: how it is shown, with one placeholder for the date: {mdy} 03/14/2024,
           {mdy2} 12/17/12, {m_d_y} 5/3/2017, {long} June 2, 2019, {month} March 2023.
           None: machine-readable only (JSON-LD / meta), not visible on the page.
    """

    field: str
    iso: str
    label: str | None = None


@dataclass(frozen=True)
class Article:
    """One article page of one version.

    body blocks: a str is a paragraph; ("h2", text), ("ul", [items]), ("ol", [items]),
    ("link", html) is a paragraph holding inline HTML (rendered unescaped; its text
    must still read as prose).
    jsonld: None, "flat" (one MedicalWebPage object) or "graph" (an @graph with
    Organization, WebSite, BreadcrumbList and the page).
    traps: extra page furniture for extractors to ignore, by name: "next_review",
    "cms_hidden", "sidebar_news", "share_count".
    """

    path: str
    title: str
    body: tuple
    node_id: int
    authors: tuple[Person, ...] = ()
    reviewers: tuple[Person, ...] = ()
    dates: tuple[DateLine, ...] = ()
    subtype: str = "article"  # article | video | infographic | anatomy
    description: str = ""
    search_word: str = ""
    related: tuple[str, ...] = ()
    jsonld: str | None = None
    badge: bool = False
    traps: tuple[str, ...] = ()
    image_alt: str = ""

    def date(self, name: str, *, visible_only: bool = False) -> DateLine | None:
        for line in self.dates:
            if line.field == name and (line.label or not visible_only):
                return line
        return None


@dataclass(frozen=True)
class Card:
    """One card of a center: link target, title, image alt and (2012) teaser."""

    title: str
    href: str
    image_alt: str = ""
    teaser: str = ""
    image: str = ""
    badge: str = ""  # shown inside the card link but outside the title ("2:47", "Infographic")


@dataclass(frozen=True)
class Section:
    heading: str
    cards: tuple[Card, ...]
    anchor: str = ""


@dataclass(frozen=True)
class Center:
    path: str
    title: str
    intro: tuple  # body blocks, like Article.body
    sections: tuple[Section, ...]
    node_id: int
    subtitle: str = ""
    dates: tuple[DateLine, ...] = ()
    description: str = ""
    badge: bool = False
    hero_alt: str = ""
    facts: str = ""  # 2012 "Facts & Tips" box


@dataclass(frozen=True)
class Version:
    """Everything one version of the site serves, besides generated stub pages."""

    name: str
    center: Center
    articles: tuple[Article, ...]
    redirects: dict[str, str] = field(default_factory=dict)  # old path -> new path (301)
    gone: tuple[str, ...] = ()  # 410
    menu: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (label, ((text, href), ...))
