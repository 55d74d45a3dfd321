"""The link structure of a center, and how it changed between two versions.

A center is drawn as its sections (columns) holding its cards (nodes), each card
marked unchanged, added, removed, moved (to another section) or retitled against
an older version of the same center; links between the cards' own articles are
the edges between nodes. `compare` and `layout` are pure; `load_graph` reads the
archive. graph_render.py turns the result into HTML/SVG, GraphML or DOT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from .history import NotFound, comparable_cards, page_id, previous_version, version_at

STATUSES = ("unchanged", "added", "moved", "retitled", "removed")
LINK_REGIONS = ("main", "related")


@dataclass(frozen=True)
class CardNode:
    id: str
    href: str
    title: str
    section: str  # the column it is drawn in: its new section, or its old one when removed
    status: str  # one of STATUSES
    detail: str = ""
    retitled: bool = False  # its title changed (a moved card can be retitled too)


@dataclass(frozen=True)
class VersionInfo:
    number: int
    created_at: str
    crawl_id: int | None
    id: int | None = None  # versions.id


@dataclass(frozen=True)
class CenterGraph:
    url: str
    title: str
    new: VersionInfo
    old: VersionInfo | None
    sections: tuple[str, ...]  # columns: the new version's sections, then those only the old had
    section_status: dict[str, str]  # heading -> unchanged, added or removed
    cards: tuple[CardNode, ...]
    links: tuple[tuple[str, str], ...] = ()  # (card id, card id): an article linking to another

    def counts(self) -> dict[str, int]:
        """Cards per status; "retitled" counts every retitled card, moved ones
        too, as card_changes and /-/diff do."""
        out = dict.fromkeys(STATUSES, 0)
        for card in self.cards:
            out[card.status] += 1
            if card.retitled and card.status != "retitled":
                out["retitled"] += 1
        return out


def compare(old: list[dict] | None, new: list[dict]) -> tuple[tuple[str, ...], dict[str, str], list[CardNode]]:
    """Sections and cards of `new` (dicts with href, title, section, in page order),
    each card marked against `old` (None: nothing to compare, all unchanged).

    A card is identified by the URL it links to, as in history.card_changes.
    """
    base = new if old is None else old
    old_sections = list(dict.fromkeys(c["section"] for c in base))
    new_sections = list(dict.fromkeys(c["section"] for c in new))
    columns = tuple(new_sections + [s for s in old_sections if s not in new_sections])
    section_status = {s: "unchanged" if s in old_sections else "added" for s in new_sections}
    section_status.update({s: "removed" for s in old_sections if s not in new_sections})
    old_by_href: dict[str, list[dict]] = {}
    for card in base:
        old_by_href.setdefault(card["href"], []).append(card)
    nodes = [_mark(card, old_by_href.get(card["href"]), f"c{i}") for i, card in enumerate(new, 1)]
    new_hrefs = {c["href"] for c in new}
    for card in base:
        if card["href"] not in new_hrefs:
            nodes.append(CardNode(f"c{len(nodes) + 1}", card["href"], card["title"], card["section"],
                                  "removed", f"was in {_name(card['section'])}"))
    return columns, section_status, nodes


def _mark(card: dict, before: list[dict] | None, node_id: str) -> CardNode:
    if not before:
        return CardNode(node_id, card["href"], card["title"], card["section"], "added")
    sections = [c["section"] for c in before]
    notes = []
    status = "unchanged"
    if card["section"] not in sections:
        status = "moved"
        notes.append("from " + " | ".join(_name(s) for s in sections))
    retitled = before[0]["title"] != card["title"]
    if retitled:
        status = "moved" if status == "moved" else "retitled"
        notes.append(f"was titled {_quoted(before[0]['title'])}")
    return CardNode(node_id, card["href"], card["title"], card["section"], status, "; ".join(notes), retitled)


def _quoted(text: str) -> str:
    return f"\u201c{text}\u201d"


def _name(section: str) -> str:
    return _quoted(section) if section else "(no heading)"


# -- from the archive -----------------------------------------------------------------

def load_graph(db: sqlite_utils.Database, center_url: str, from_when: str | None = None,
               to_when: str | None = None) -> CenterGraph:
    """The center at `to_when` (default: latest) compared with `from_when`
    (default: the version before it). Raises NotFound with what the archive has."""
    pid = page_id(db, center_url)
    new = version_at(db, pid, to_when)
    old = version_at(db, pid, from_when) if from_when else previous_version(db, new)
    new_cards = comparable_cards(db, new["id"], follow_moves=True)  # both sides alike: a version equals itself
    if new["kind"] != "center" and (old is None or old["kind"] != "center"):
        article = "an" if new["kind"][:1] in ("a", "e", "i", "o", "u") else "a"
        raise NotFound(f"{center_url} is {article} {new['kind']} page, not a center: pass a center URL"
                       f"{_centers_hint(db)}")
    old_cards = comparable_cards(db, old["id"], follow_moves=True) if old else None
    columns, section_status, nodes = compare(old_cards, new_cards)
    # The articles as they stood while this center version did: until its next version.
    until = db.execute("SELECT min(coalesce(captured_at, created_at)) FROM versions WHERE page_id = ? AND number > ?",
                       [pid, new["number"]]).fetchone()[0]
    links = _links(db, nodes, until)
    return CenterGraph(center_url, new["title"] or center_url, _info(new), _info(old) if old else None,
                       columns, section_status, tuple(nodes), links)


def _info(version: dict) -> VersionInfo:
    return VersionInfo(version["number"], version.get("captured_at") or version["created_at"], version["crawl_id"],
                       version["id"])


def _centers_hint(db: sqlite_utils.Database) -> str:
    urls = [r[0] for r in db.execute("SELECT url FROM pages WHERE kind = 'center' ORDER BY url LIMIT 5")]
    return f"; centers in this archive: {', '.join(urls)}" if urls else ""


def _links(db: sqlite_utils.Database, nodes: list[CardNode], until: str | None) -> tuple[tuple[str, str], ...]:
    """Links from each card's article (its last version recorded before `until`; None:
    its latest) to other cards' articles."""
    ids = {}
    for node in nodes:
        ids.setdefault(node.href, node.id)
    marks = ",".join("?" * len(LINK_REGIONS))
    out: set[tuple[str, str]] = set()
    for href, source in ids.items():
        row = db.execute("SELECT v.id FROM versions v JOIN pages p ON p.id = v.page_id WHERE p.url = ? "
                         "AND (? IS NULL OR coalesce(v.captured_at, v.created_at) < ?) ORDER BY v.number DESC LIMIT 1",
                         [href, until, until]).fetchone()
        if row is None:
            continue
        for (target,) in db.execute(f"SELECT DISTINCT href FROM links WHERE version_id = ? AND region IN ({marks})",
                                    [row[0], *LINK_REGIONS]):
            if target in ids and target != href:
                out.add((source, ids[target]))
    return tuple(sorted(out, key=lambda pair: (int(pair[0][1:]), int(pair[1][1:]))))


def center_url_of(db: sqlite_utils.Database, pid: int) -> str:
    row = db.execute("SELECT url FROM pages WHERE id = ?", [pid]).fetchone()
    if row is None:
        raise NotFound(f"no page number {pid} in the archive{_centers_hint(db)}")
    return row[0]


# -- layout ------------------------------------------------------------------------------

COLUMN_WIDTH = 230
COLUMN_GAP = 26
CARD_HEIGHT = 46
CARD_GAP = 10
MARGIN = 24
LEGEND_HEIGHT = 64
CENTER_HEIGHT = 54
HEADER_HEIGHT = 40
CHARS_PER_LINE = 30
MIN_WIDTH = 1000  # room for the legend
MAX_WIDTH = 1200  # columns wrap into rows beyond this: the picture fits a 1280 px screen
ROW_GAP = 36


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    center: Box
    headers: dict[str, Box] = field(default_factory=dict)
    cards: dict[str, Box] = field(default_factory=dict)


def layout(graph: CenterGraph, max_width: float = MAX_WIDTH) -> Layout:
    """Sections side by side as columns under the center, cards stacked in page
    order (removed cards last, in their old section's column); columns wrap into
    further rows so that the picture is never wider than `max_width`."""
    columns = graph.sections or ("",)
    per_row = max(1, int((max_width - 2 * MARGIN + COLUMN_GAP) // (COLUMN_WIDTH + COLUMN_GAP)))
    in_row = min(per_row, len(columns))
    width = max(MIN_WIDTH, 2 * MARGIN + in_row * COLUMN_WIDTH + (in_row - 1) * COLUMN_GAP)
    center_w = min(width - 2 * MARGIN, 420)
    center = Box((width - center_w) / 2, MARGIN + LEGEND_HEIGHT, center_w, CENTER_HEIGHT)
    header_y = center.y + center.h + 56
    headers, cards, bottom = {}, {}, header_y + HEADER_HEIGHT
    for i, section in enumerate(columns):
        if i and i % per_row == 0:  # a new row of columns under the tallest of the last
            header_y = bottom + ROW_GAP
        x = MARGIN + (i % per_row) * (COLUMN_WIDTH + COLUMN_GAP)
        headers[section] = Box(x, header_y, COLUMN_WIDTH, HEADER_HEIGHT)
        y = header_y + HEADER_HEIGHT + 18
        in_column = [c for c in graph.cards if c.section == section]
        in_column.sort(key=lambda c: c.status == "removed")  # stable: page order kept
        for card in in_column:
            cards[card.id] = Box(x + 12, y, COLUMN_WIDTH - 12, CARD_HEIGHT)
            y += CARD_HEIGHT + CARD_GAP
        bottom = max(bottom, y)
    return Layout(width, bottom + MARGIN, center, headers, cards)


def wrap(text: str, width: int = CHARS_PER_LINE, lines: int = 2) -> list[str]:
    """Break a title into at most `lines` lines of about `width` characters."""
    words, out, line = (text or "(untitled)").split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if len(candidate) <= width or not line:
            line = candidate
            continue
        out.append(line)
        line = word
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "\u2026"
    return [s if len(s) <= width else s[: width - 1] + "\u2026" for s in out]
