"""Links stored once: each distinct (href, text, region, section) is a link_anchors
row (its href a urls id, shared with the fetch ledger; the link_targets view reads
it back), each run of consecutive links with the same region and section a
link_blocks row (its targets in link_block_items), and a version's links are its
link_runs, one per run. A site's menu or footer is one block however many pages carry it; the
`links` view (schema/archive.yml) gives the old shape back, one row per link of
each version, with the same ids and positions.

A run's id is the `links.id` of its first link, so the view's ids are row
numbers as before: contiguous, never reused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .savepoint import all_or_none

Link = tuple[str, str, str, str]  # href, text, region, section

# The old layout: one row per link per version (archives made before issue 16).
OLD_TABLE_COLUMNS = {"id", "version_id", "position", "href", "text", "region", "section"}


_BLOCK_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # built once, not per block
_RUN_KEY = operator.itemgetter(2, 3)  # region, section


def block_hash(links: Sequence[Link]) -> bytes:
    return _block_hash(links if type(links) is tuple else tuple(links))


@lru_cache(maxsize=4096)  # a site's menus and footers: the same runs on every page
def _block_hash(links: tuple[Link, ...]) -> bytes:
    blob = _BLOCK_JSON.encode(list(links))
    return hashlib.sha256(blob.encode("utf-8")).digest()[:16]


def has_text_hashes(conn: sqlite3.Connection) -> bool:
    """Block hashes as 32 hex digits (issue 16's sessions 4 to 7): the latest block tells."""
    row = conn.execute("SELECT typeof(hash) FROM link_blocks ORDER BY id DESC LIMIT 1").fetchone()
    return bool(row) and row[0] == "text"


def migrate_text_hashes(conn: sqlite3.Connection) -> int:
    """Each block's hash as the 16 bytes its hex digits spell (inside the caller's
    transaction); a hash that is not 32 hex digits stays as it is. Returns the rows changed."""
    rows = conn.execute("SELECT id, hash FROM link_blocks WHERE typeof(hash) = 'text'").fetchall()
    changed = [(bytes.fromhex(h), i) for i, h in rows if len(h) == 32 and all(c in "0123456789abcdef" for c in h)]
    conn.executemany("UPDATE link_blocks SET hash = ? WHERE id = ?", changed)
    return len(changed)


def runs(links: Iterable[Link]) -> list[tuple[Link, ...]]:
    """Consecutive links with the same region and section."""
    return [tuple(run) for _, run in itertools.groupby(links, key=_RUN_KEY)]


def next_link_id(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT next_id FROM link_sequence WHERE id = 1").fetchone()
    return row[0] if row else _largest_link_id(conn) + 1


def _largest_link_id(conn: sqlite3.Connection) -> int:
    """Read from every run (once per archive: then link_sequence keeps it)."""
    row = conn.execute("SELECT max(r.id + b.size) FROM link_runs r JOIN link_blocks b ON b.id = r.block_id").fetchone()
    return (row[0] or 1) - 1


def insert_links(conn: sqlite3.Connection, version_id: int, links: Sequence[Link],
                 first_id: int | None = None, first_position: int = 1, blocks=None) -> int:
    """Record a version's links (in page order); returns the id after the last one.
    `blocks`: block ids by hash already known (archive/memo.py's IdCache)."""
    following = next_link_id(conn)
    link_id = insert_runs(conn, version_id, links, following if first_id is None else first_id,
                          first_position, blocks)
    write_next_link_id(conn, max(following, link_id))
    return link_id


def write_next_link_id(conn: sqlite3.Connection, next_id: int) -> None:
    conn.execute("INSERT OR REPLACE INTO link_sequence (id, next_id) VALUES (1, ?)", [next_id])


_INSERT_RUNS = "INSERT INTO link_runs (id, version_id, position, block_id) VALUES (?, ?, ?, ?)"


def insert_runs(conn: sqlite3.Connection, version_id: int, links: Sequence[Link], first_id: int,
                first_position: int = 1, blocks=None, ids=None, pending: list | None = None) -> int:
    """The link_runs rows of a version's links, the first with id `first_id` (the
    caller keeps link_sequence); returns the id after the last link. `ids`: the
    anchors' and URLs' ids known (archive/memo.py's Memo: its `anchors` and `urls`).
    `pending`: a list the rows are added to instead, for write_runs to write later."""
    link_id = first_id
    position = first_position
    rows = []
    for run in runs(links):
        rows.append((link_id, version_id, position, block_id(conn, run, blocks, ids)))
        link_id += len(run)
        position += len(run)
    if pending is None:
        conn.executemany(_INSERT_RUNS, rows)
    else:
        pending.extend(rows)
    return link_id


def write_runs(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Write link_runs rows kept back by insert_runs, all or none (savepoint.all_or_none)."""
    with all_or_none(conn, "link_runs"):
        conn.executemany(_INSERT_RUNS, rows)


def block_id(conn: sqlite3.Connection, run: Sequence[Link], blocks=None, ids=None) -> int:
    """The block holding exactly these links, made when it is new. A block found is
    remembered in `blocks` (one made is not: most are one page's own)."""
    digest = block_hash(run)
    if blocks is not None:
        known = blocks.get(digest)
        if known is not None:
            return known
    # Most blocks not in `blocks` are new (a page's own): tried as new first, one
    # statement instead of a SELECT that finds nothing and the INSERT (hash is unique).
    made = conn.execute("INSERT OR IGNORE INTO link_blocks (hash, size) VALUES (?, ?)", [digest, len(run)])
    if not made.rowcount:
        found = conn.execute("SELECT id FROM link_blocks WHERE hash = ?", [digest]).fetchone()[0]
        if blocks is not None:
            blocks[digest] = found
        return found
    new_id = made.lastrowid
    conn.executemany("INSERT INTO link_block_items (block_id, position, target_id) VALUES (?, ?, ?)",
                     [(new_id, pos, target_id(conn, link, ids)) for pos, link in enumerate(run, 1)])
    return new_id


def target_id(conn: sqlite3.Connection, link: Link, ids=None) -> int:
    """The link_anchors row of a link, made when it is new (remembered in `ids.anchors`)."""
    known = ids.anchors.get(link) if ids is not None else None
    if known is not None:
        return known
    href_id = url_id(conn, link[0], ids and ids.urls)
    row = None
    if ids is None or not ids.batch_open or href_id is None or href_id < _url_floor(conn, ids):
        row = conn.execute("SELECT id FROM link_anchors WHERE href_id IS ? AND text IS ? AND region IS ? "
                           "AND section IS ?", [href_id, *link[1:]]).fetchone()
    # else its URL was made in the store's own batch, so every anchor to it was made there too,
    # by this function, which remembers them in ids.anchors until the batch ends: none yet
    found = row[0] if row else conn.execute(
        "INSERT INTO link_anchors (href_id, text, region, section) VALUES (?, ?, ?, ?)", [href_id, *link[1:]]).lastrowid
    if ids is not None:
        ids.anchors[link] = found
    return found


def _url_floor(conn: sqlite3.Connection, ids) -> int:
    """The first urls id of the store's open batch (ids: archive/memo.py's Memo, which
    forgets it when the batch ends); read late it is only higher: safe."""
    floor = ids.url_floor
    if floor is None:
        floor = ids.url_floor = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM urls").fetchone()[0]
    return floor


def url_id(conn: sqlite3.Connection, url: str | None, cache=None) -> int | None:
    """The urls row of `url` (shared with the fetch ledger), made when it is new;
    `cache` (archive/memo.py's IdCache) remembers it."""
    if url is None:
        return None
    if cache is not None:
        known = cache.get(url)
        if known is not None:
            return known
        if getattr(cache, "complete", False):  # it knows every URL: this one is new
            made = conn.execute("INSERT OR IGNORE INTO urls (url) VALUES (?)", [url])
            if made.rowcount:
                cache[url] = made.lastrowid
                return made.lastrowid
            cache.complete = False  # another writer's: look them up from now on
    row = conn.execute("SELECT id FROM urls WHERE url = ?", [url]).fetchone()
    found = row[0] if row else conn.execute("INSERT INTO urls (url) VALUES (?)", [url]).lastrowid
    if cache is not None:
        cache[url] = found
    return found


def has_old_targets(conn: sqlite3.Connection) -> bool:
    """link_targets is a table with its href text (issue 16's sessions 4 to 7)."""
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'link_targets'").fetchone()
    return bool(row) and row[0] == "table"


def migrate_old_targets(conn: sqlite3.Connection) -> int:
    """Turn an archive's `link_targets` table into `link_anchors`, each href a urls id,
    keeping every row's id; the caller makes the link_targets view. Runs inside the
    caller's transaction (a failure leaves the old table as it was); the empty
    link_anchors table the schema just made gives way to the renamed one, so the
    foreign keys of link_block_items follow it. Returns the rows moved."""
    if conn.execute("SELECT count(*) FROM link_anchors").fetchone()[0]:
        raise sqlite3.DatabaseError("both link_targets and a non-empty link_anchors table: restore the archive from a backup")
    conn.execute("DROP TABLE link_anchors")
    conn.execute("DROP VIEW IF EXISTS links")  # made again from the schema; it names link_targets.href
    legacy = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
    conn.execute("PRAGMA legacy_alter_table = OFF")  # link_block_items' foreign key follows the rename
    try:
        conn.execute("ALTER TABLE link_targets RENAME TO link_anchors")
    finally:
        conn.execute(f"PRAGMA legacy_alter_table = {legacy}")
    conn.execute("ALTER TABLE link_anchors ADD COLUMN href_id INTEGER REFERENCES urls(id)")
    conn.execute("INSERT OR IGNORE INTO urls (url) SELECT href FROM link_anchors WHERE href IS NOT NULL ORDER BY id")
    moved = conn.execute("UPDATE link_anchors SET href_id = (SELECT id FROM urls WHERE url = href)").rowcount
    conn.execute("DROP INDEX IF EXISTS idx_link_targets_href")
    conn.execute("ALTER TABLE link_anchors DROP COLUMN href")
    return moved


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
