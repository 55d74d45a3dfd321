"""The archive over time: card changes between center versions, text diffs
between article versions, and which version stood on a given date or crawl.

`card_changes` and `text_diff` are pure; the lookups take an open archive.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

import sqlite_utils

FIELDS = ("title", "description", "authors", "reviewers", "badges", "date_published", "date_updated",
          "date_reviewed")


@dataclass(frozen=True)
class CardChange:
    change: str  # added, removed, moved, retitled
    href: str
    title: str
    old_title: str = ""
    from_section: str = ""
    to_section: str = ""


def card_changes(old: list[dict], new: list[dict]) -> list[CardChange]:
    """Compare two versions' cards (dicts with href, title, section), by href.

    A card is identified by the URL it links to: the same article under another
    heading is a move, under another title a retitling.
    """
    def by_href(cards):
        out: dict[str, list[dict]] = {}
        for card in cards:
            out.setdefault(card["href"], []).append(card)
        return out

    before, after = by_href(old), by_href(new)
    changes = []
    for href, cards in after.items():
        if href not in before:
            changes += [CardChange("added", href, c["title"], to_section=c["section"]) for c in cards]
            continue
        old_sections = [c["section"] for c in before[href]]
        new_sections = [c["section"] for c in cards]
        if sorted(old_sections) != sorted(new_sections):
            changes.append(CardChange("moved", href, cards[0]["title"], from_section=" | ".join(old_sections),
                                      to_section=" | ".join(new_sections)))
        if before[href][0]["title"] != cards[0]["title"]:
            changes.append(CardChange("retitled", href, cards[0]["title"], old_title=before[href][0]["title"],
                                      to_section=cards[0]["section"]))
    for href, cards in before.items():
        if href not in after:
            changes += [CardChange("removed", href, "", old_title=c["title"], from_section=c["section"])
                        for c in cards]
    return changes


def text_diff(old: str, new: str, old_label: str = "before", new_label: str = "after") -> str:
    """A readable unified diff of two body texts, one paragraph per line."""
    a = [p.strip() for p in re.split(r"\n\s*\n", old or "") if p.strip()]
    b = [p.strip() for p in re.split(r"\n\s*\n", new or "") if p.strip()]
    return "\n".join(difflib.unified_diff(a, b, old_label, new_label, lineterm="", n=1))


def field_changes(old: dict, new: dict, fields: tuple[str, ...] | list[str] = FIELDS
                  ) -> list[tuple[str, object, object]]:
    """(field, before, after) for each differing field of two version rows."""
    out = []
    for name in fields:
        a, b = old.get(name), new.get(name)
        if name in ("authors", "reviewers", "badges"):
            a, b = json.loads(a or "[]"), json.loads(b or "[]")
        if a != b:
            out.append((name, a, b))
    return out


# -- lookups -----------------------------------------------------------------------

class NotFound(LookupError):
    """A URL, version or date the archive does not have; the message says what it has."""


def page_id(db: sqlite_utils.Database, url: str) -> int:
    row = db.execute("SELECT id FROM pages WHERE url = ?", [url]).fetchone()
    if row is None:
        like = db.execute("SELECT url FROM pages WHERE url LIKE ? LIMIT 5", [f"%{url.rsplit('/', 1)[-1]}%"])
        hint = ", ".join(r[0] for r in like)
        raise NotFound(f"{url} is not in the archive" + (f"; did you mean: {hint}" if hint else ""))
    return row[0]


CAPTURED = "coalesce(captured_at, created_at)"  # archives from before captured_at: the record time


def when_bound(when: str) -> str:
    """The end of a date given as YYYY, YYYY-MM, YYYY-MM-DD or an ISO timestamp, as
    text that compares with capture times; NotFound for anything else."""
    if re.fullmatch(r"(19|20)\d{2}(-\d{2}){0,2}", when):
        return when + "T99"  # after every time of that year, month or day
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][\d:.+\-Z]*", when):
        return when.replace(" ", "T")
    raise NotFound(f"{when!r} is neither a crawl id nor a date: use e.g. 3, 2012, 2013-01 or 2025-01-31")


def version_at(db: sqlite_utils.Database, pid: int, when: str | None) -> dict:
    """The page's version that stood at `when`, by capture time: a crawl id (digits),
    a year, month or date (YYYY, YYYY-MM, YYYY-MM-DD: the end of it) or an ISO
    timestamp; None = the latest. A 4-digit number from 1900 is a year, not a crawl."""
    if when is None:
        sql, params = "SELECT * FROM versions WHERE page_id = ? ORDER BY number DESC LIMIT 1", [pid]
    elif when.isdigit() and not re.fullmatch(r"(19|20)\d{2}", when):
        sql = ("SELECT * FROM versions WHERE page_id = ? AND crawl_id <= ? AND cause != 'reprocess' "
               "ORDER BY number DESC LIMIT 1")
        params = [pid, int(when)]
    else:
        sql = f"SELECT * FROM versions WHERE page_id = ? AND {CAPTURED} <= ? ORDER BY number DESC LIMIT 1"
        params = [pid, when_bound(when)]
    rows = list(db.query(sql, params))
    if not rows:
        first = db.execute(f"SELECT min({CAPTURED}) FROM versions WHERE page_id = ?", [pid]).fetchone()[0]
        raise NotFound(f"no version stood at {when}: the first was captured {first}")
    return rows[0]


def last_capture_before(db: sqlite_utils.Database, pid: int, when: str) -> str | None:
    """When the page was last captured (fetched, imported, or answered 304) before `when`."""
    return db.execute("SELECT max(fetched_at) FROM fetches WHERE page_id = ? AND fetched_at < ? "
                      "AND outcome IN ('fetched', 'not-modified')", [pid, when]).fetchone()[0]


def previous_version(db: sqlite_utils.Database, version: dict) -> dict | None:
    rows = list(db.query("SELECT * FROM versions WHERE page_id = ? AND number < ? ORDER BY number DESC LIMIT 1",
                         [version["page_id"], version["number"]]))
    return rows[0] if rows else None


def version_cards(db: sqlite_utils.Database, version_id: int) -> list[dict]:
    return list(db.query("SELECT c.section, c.position, c.title, c.href, c.image_alt, c.teaser, "
                         "s.position AS section_position FROM cards c JOIN sections s ON s.id = c.section_id "
                         "WHERE c.version_id = ? ORDER BY s.position, c.position", [version_id]))


def comparable_cards(db: sqlite_utils.Database, version_id: int, follow_moves: bool = False) -> list[dict]:
    """A version's cards as {href, title, section}, in page order. With
    follow_moves, an href whose page has since moved (301/308) is replaced by
    where it moved to, so a card that now links to the new URL is the same card."""
    cards = [{"href": c["href"], "title": c["title"], "section": c["section"]}
             for c in version_cards(db, version_id)]
    if follow_moves:
        moved = dict(db.execute("SELECT url, moved_to FROM pages WHERE state = 'moved' AND moved_to IS NOT NULL"))
        for card in cards:
            seen = {card["href"]}
            while card["href"] in moved and moved[card["href"]] not in seen:  # chains, not loops
                card["href"] = moved[card["href"]]
                seen.add(card["href"])
    return cards


def version_sections(db: sqlite_utils.Database, version_id: int) -> list[dict]:
    sections = [{"heading": s["heading"], "cards": []} for s in
                db.query("SELECT heading FROM sections WHERE version_id = ? ORDER BY position", [version_id])]
    for card in version_cards(db, version_id):
        sections[card["section_position"] - 1]["cards"].append(
            {k: card[k] for k in ("title", "href", "image_alt", "teaser")})
    return sections
