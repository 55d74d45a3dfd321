"""Links stored once: each distinct (href, text, region, section) is a link_targets
row, each run of consecutive links with the same region and section a link_blocks
row (its targets in link_block_items), and a version's links are its link_runs,
one per run. A site's menu or footer is one block however many pages carry it; the
`links` view (schema/archive.yml) gives the old shape back, one row per link of
each version, with the same ids and positions.

A run's id is the `links.id` of its first link, so the view's ids are row
numbers as before: contiguous, never reused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache

Link = tuple[str, str, str, str]  # href, text, region, section

# The old layout: one row per link per version (archives made before issue 16).
OLD_TABLE_COLUMNS = {"id", "version_id", "position", "href", "text", "region", "section"}


def block_hash(links: Sequence[Link]) -> str:
    return _block_hash(tuple(links))


@lru_cache(maxsize=4096)  # a site's menus and footers: the same runs on every page
def _block_hash(links: tuple[Link, ...]) -> str:
    blob = json.dumps(list(links), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def runs(links: Iterable[Link]) -> list[list[Link]]:
    """Consecutive links with the same region and section."""
    return [list(run) for _, run in itertools.groupby(links, key=lambda link: (link[2], link[3]))]


def next_link_id(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT r.id + b.size FROM link_runs r JOIN link_blocks b ON b.id = r.block_id "
                       "ORDER BY r.id DESC LIMIT 1").fetchone()
    return row[0] if row else 1


def insert_links(conn: sqlite3.Connection, version_id: int, links: Sequence[Link],
                 first_id: int | None = None, first_position: int = 1) -> int:
    """Record a version's links (in page order); returns the id after the last one."""
    link_id = next_link_id(conn) if first_id is None else first_id
    position = first_position
    rows = []
    for run in runs(links):
        rows.append((link_id, version_id, position, block_id(conn, run)))
        link_id += len(run)
        position += len(run)
    conn.executemany("INSERT INTO link_runs (id, version_id, position, block_id) VALUES (?, ?, ?, ?)", rows)
    return link_id


def block_id(conn: sqlite3.Connection, run: Sequence[Link]) -> int:
    """The block holding exactly these links, made when it is new."""
    digest = block_hash(run)
    row = conn.execute("SELECT id FROM link_blocks WHERE hash = ?", [digest]).fetchone()
    if row:
        return row[0]
    new_id = conn.execute("INSERT INTO link_blocks (hash, size) VALUES (?, ?)", [digest, len(run)]).lastrowid
    conn.executemany("INSERT INTO link_block_items (block_id, position, target_id) VALUES (?, ?, ?)",
                     [(new_id, pos, target_id(conn, link)) for pos, link in enumerate(run, 1)])
    return new_id


def target_id(conn: sqlite3.Connection, link: Link) -> int:
    row = conn.execute("SELECT id FROM link_targets WHERE href IS ? AND text IS ? AND region IS ? "
                       "AND section IS ?", list(link)).fetchone()
    if row:
        return row[0]
    return conn.execute("INSERT INTO link_targets (href, text, region, section) VALUES (?, ?, ?, ?)",
                        list(link)).lastrowid


def has_old_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'links'").fetchone()
    return bool(row) and row[0] == "table"


def migrate_old_table(conn: sqlite3.Connection) -> int:
    """Move an old archive's `links` table into the new tables, keeping every row's
    id and position, then drop it (the caller creates the view). Runs inside the
    caller's transaction: a kill leaves the old table as it was. Returns rows moved."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(links)")}
    if not OLD_TABLE_COLUMNS <= columns:
        raise sqlite3.DatabaseError("the links table lacks columns of the old layout")
    moved = 0
    cursor = conn.execute("SELECT id, version_id, position, href, text, region, section FROM links "
                          "ORDER BY version_id, position, id")
    for _, group in itertools.groupby(cursor, key=_contiguous_key()):
        group = list(group)
        insert_links(conn, group[0][1], [tuple(r[3:]) for r in group], group[0][0], group[0][2])
        moved += len(group)
    conn.execute("DROP TABLE links")
    return moved


def _contiguous_key():
    """Group key that changes whenever a row does not continue the previous one
    (another version, region or section, or a gap in ids or positions): each group
    is one run."""
    state = {"prev": None, "n": 0}

    def key(row):
        prev = state["prev"]
        if prev is None or not (row[1] == prev[1] and row[5:7] == prev[5:7]
                                and row[0] == prev[0] + 1 and row[2] == prev[2] + 1):
            state["n"] += 1
        state["prev"] = row
        return state["n"]
    return key
