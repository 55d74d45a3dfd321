"""Write fetched pages and request outcomes into the archive.

Each call writes one page (or one outcome) in one transaction: the raw capture
(content-addressed, compressed once per distinct SHA-256), the page row, a new
version only when the extracted content really changed, its child rows (date
candidates, sections, cards, links), the change row, the fetch-ledger row and the
crawl counters. A crash between two calls leaves no half page.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from urllib.parse import urlsplit

import sqlite_utils

from .capture import Packed, sha1_b32
from .codec import Codecs
from . import datestore, ledger, linkstore
from .db import load_schema
from .memo import Memo, MemoWrites
from .change_kind import change_columns
from condition_archive.extract.model import PageExtract
from .history import card_changes, comparable_cards, field_changes, last_capture_before
from condition_archive.crawl.items import FetchedPage, Outcome
from .rows import (CONTENT_FIELDS, PAGE_COLUMNS, PAGE_STATE, canonical, content_hash,
                   insert_sql, json_list, page_columns, update_sql, utc_now)

PERMANENT_REDIRECTS = (301, 308)
OUTCOME_COUNTERS = {"error": "errors", "skipped": "skipped", "robots-denied": "robots_denied"}


class Archive(MemoWrites):
    """Writes to an open archive. `now` returns the current UTC time as ISO text.
    Each record_* call is one atomic write (memo.MemoWrites._write)."""

    def __init__(self, db: sqlite_utils.Database, now: Callable[[], str] = utc_now):
        self.db = db
        self.now = now
        self.codecs = Codecs(db.conn)
        self.memo = Memo()
        self._inserted: dict | None = None  # the versions row this Archive inserted last
        self._version_defaults: tuple[list[str], set[str]] | None = None
        self._direct_ledger: bool | None = None  # ledger rows written without the fetches view
        self._page_values: tuple[int, dict] | None = None  # (page id, its PAGE_COLUMNS) as _page_state read them

    # -- plain SQL for the hot path: sqlite-utils' insert() introspects the table
    # and opens a savepoint on every call, a quarter of a crawl's storage time.

    def _insert(self, table: str, row: dict) -> int:
        return self.db.conn.execute(insert_sql(table, tuple(row)), list(row.values())).lastrowid

    def _insert_many(self, table: str, rows) -> None:
        rows = list(rows)
        if rows:
            self.db.conn.executemany(insert_sql(table, tuple(rows[0])), [list(r.values()) for r in rows])

    def _version(self, version_id: int) -> dict:
        """A versions row as a dict (what sqlite-utils' get() gives, without its table introspection)."""
        cursor = self.db.conn.execute("SELECT * FROM versions WHERE id = ?", [version_id])
        return dict(zip([d[0] for d in cursor.description], cursor.fetchone()))

    def _update(self, table: str, pk: int, values: dict) -> None:
        self.db.conn.execute(update_sql(table, tuple(values)), [*values.values(), pk])

    # -- pages -----------------------------------------------------------------

    def record_page(self, crawl_id: int, fetched: FetchedPage, page: PageExtract,
                    extractor_version: str) -> str:
        """Archive one 200 response. Returns "new", "changed" or "unchanged"."""
        with self._write():
            capture_id, sha256 = self._capture(fetched.body, fetched.content_type, fetched.packed, fetched.url)
            for hop_url, status in fetched.redirects:
                self._redirect_hop(crawl_id, hop_url, status, fetched)
            page_id, current_id, current_hash, made = self._page_state(fetched.url, page_columns(fetched, page))
            new_hash = content_hash(page)
            if current_id is not None and current_hash == new_hash:
                change, version_id = "unchanged", current_id
            else:
                current = self._version(current_id) if current_id is not None else None
                change = "changed" if current else "new"
                version_id = self._insert_version(page_id, crawl_id, capture_id, page, new_hash,
                                                  extractor_version, "crawl", fetched.fetched_at,
                                                  number=1 if made else None)
                if change == "new" and self._moved_here_unchanged(crawl_id, fetched.url, new_hash):
                    change = "unchanged"  # the old URL's "moved" row tells the story
                else:
                    self._insert_change(crawl_id, page_id, fetched.url, change, current, version_id, page)
            self._update_page(page_id, fetched, page, version_id)
            self._ledger(crawl_id, fetched.url, "fetched", "", fetched.status, fetched.headers,
                         fetched, capture_known=True, sha256=sha256, capture_id=capture_id, page_id=page_id,
                         size=len(fetched.body), http_headers=json.dumps(fetched.headers))
            self._count(crawl_id, {"new": "pages_new", "changed": "pages_changed",
                                   "unchanged": "pages_unchanged"}[change])
        return change

    def record_unextracted(self, crawl_id: int, fetched: FetchedPage, reason: str) -> None:
        """A 200 whose extraction crashed: keep the raw bytes (reprocess can retry
        them) and an "error" ledger row with the reason; no version."""
        with self._write():
            capture_id, sha256 = self._capture(fetched.body, fetched.content_type, fetched.packed, fetched.url)
            self._ledger(crawl_id, fetched.url, "error", reason[:500], fetched.status, fetched.headers,
                         fetched, capture_known=True, sha256=sha256, capture_id=capture_id,
                         size=len(fetched.body))
            self._count(crawl_id, "errors")

    def _capture(self, body: bytes, content_type: str, packed: Packed | None = None,
                 url: str = "") -> tuple[int, str]:
        # Without the worker's digests: the SHA-1 and the compression only for a new capture.
        sha256 = packed.sha256 if packed else hashlib.sha256(body).hexdigest()
        seen = self.memo.captures if self.memo.depth else None  # a subclass's own transaction: nothing kept
        new = seen is not None and self.memo.batch_open and seen.surely_new(sha256)
        if not new:
            row = self.db.conn.execute("SELECT id FROM captures WHERE sha256 = ?", [sha256]).fetchone()
            if row:
                return row[0], sha256
        sha1 = packed.sha1_b32 if packed else sha1_b32(body)
        site = urlsplit(url).hostname or ""
        # zstd once the site has a dictionary; the worker's bytes when it packed them alike
        # compressed at the batch's commit inside the store's own batch (codec.Codecs.finish)
        encoded = self.codecs.encode(site, body, packed.data if packed and packed.codec == "zlib" else None,
                                     (packed.dict_key, packed.data) if packed and packed.codec == "zstd" else None,
                                     later=self.memo.batch_open)
        data = b"" if encoded.data is None else encoded.data
        row = {"sha256": sha256, "sha1_b32": sha1, "size": len(body), "stored_size": len(data),
               "compression": encoded.compression, "dict_id": encoded.dict_id, "site": site,
               "content_type": content_type, "first_seen": self.now(), "body": data}
        if new:  # not looked up: the unique sha256 tells if another writer stored it meanwhile
            made = self.db.conn.execute(insert_sql("captures", tuple(row), "INSERT OR IGNORE"), list(row.values()))
            if not made.rowcount:
                seen.drop()
                return self._capture(body, content_type, packed, url)
            capture_id = made.lastrowid
        else:
            capture_id = self._insert("captures", row)
        if seen is not None:
            seen.add(sha256)
        if encoded.data is None:
            self.codecs.defer(capture_id, encoded, body, row)
        self.codecs.stored(site, encoded)
        return capture_id, sha256

    def _page_state(self, url: str, new: dict | None = None) -> tuple[int, int | None, str | None, bool]:
        """(page id, current version id, its content hash, whether the page row was
        made just now) of a URL, its row made when it is new (with the columns `new`).
        The row's PAGE_COLUMNS are kept for _update_page."""
        row = self.db.conn.execute(PAGE_STATE, [url]).fetchone()
        if row is not None:
            self._page_values = (row[0], dict(zip(PAGE_COLUMNS, row[2:])))
            return row[0], row[2 + PAGE_COLUMNS.index("current_version_id")], row[1], False
        values = {"url": url, "site": urlsplit(url).hostname or "", "first_seen": self.now(), "state": "live",
                  **(new or {})}
        page_id = self._insert("pages", values)
        self._page_values = (page_id, {c: values.get(c) for c in PAGE_COLUMNS})
        return page_id, None, None, True

    def _page_row(self, url: str) -> tuple[int, dict | None]:
        """(page id, its current versions row or None), its row made when it is new."""
        page_id, current_id, _, _ = self._page_state(url)
        return page_id, self._version(current_id) if current_id is not None else None

    def _insert_version(self, page_id: int, crawl_id: int, capture_id: int, page: PageExtract,
                        chash: str, extractor_version: str, cause: str, captured_at: str | None = None,
                        number: int | None = None) -> int:
        """A new version (`number`: 1 for a page row made in this write, else read)."""
        if number is None:
            number = self.db.conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM versions WHERE page_id = ?", [page_id]
            ).fetchone()[0]
        values = {
            "page_id": page_id, "number": number, "crawl_id": crawl_id, "capture_id": capture_id,
            "created_at": self.now(), "cause": cause, "extractor_version": extractor_version,
            "content_hash": chash, "kind": page.kind, "title": page.title,
            "description": page.description, "authors": json_list(page.authors),
            "reviewers": json_list(page.reviewers), "badges": json_list(page.badges),
            "date_published": page.date_published, "date_updated": page.date_updated,
            "date_reviewed": page.date_reviewed, "body_text": page.body_text,
            "word_count": len(page.body_text.split()),
            "problem": page.problem, "captured_at": captured_at or self.now(),
        }
        version_id = self._insert("versions", values)
        self._inserted = self._as_read(version_id, values)
        self._insert_children(version_id, page)
        return version_id

    def _as_read(self, version_id: int, values: dict) -> dict | None:
        """The versions row just inserted as SELECT * gives it back (None when a column
        has a default this insert leaves to SQLite)."""
        if self._version_defaults is None:
            info = self.db.conn.execute("PRAGMA table_info(versions)").fetchall()
            self._version_defaults = ([r[1] for r in info], {r[1] for r in info if r[4] is not None})
        columns, defaults = self._version_defaults
        if any(c not in values for c in defaults):
            return None
        row = dict.fromkeys(columns)
        row.update(values, id=version_id)
        return row

    def _version_row(self, version_id: int) -> dict:
        """A versions row, without reading back the one this Archive just inserted."""
        inserted = self._inserted
        if inserted is not None and inserted["id"] == version_id and self.memo.depth:
            return inserted
        return self._version(version_id)

    def _insert_children(self, version_id: int, page: PageExtract) -> None:
        memo = self.memo if self.memo.depth else None  # a subclass's own transaction: nothing kept
        datestore.insert_candidates(self.db.conn, version_id,  # field/source pairs once
                                    [(c.field, c.value, c.source, c.raw) for c in page.date_candidates],
                                    memo and memo.date_sources)
        for s_pos, section in enumerate(page.sections, 1):
            section_id = self._insert("sections", {"version_id": version_id, "position": s_pos,
                                                   "heading": section.heading, "card_count": len(section.cards)})
            self._insert_many("cards", [
                {"version_id": version_id, "section_id": section_id, "section": section.heading,
                 "position": c_pos, "title": card.title, "href": canonical(card.href),
                 "image_alt": card.image_alt, "teaser": card.teaser}
                for c_pos, card in enumerate(section.cards, 1)])
        links = [(canonical(link.href), link.text, link.region, link.section) for link in page.links]
        if memo is None or not memo.batch_open:
            linkstore.insert_links(self.db.conn, version_id, links, blocks=memo and memo.blocks)
            return
        if memo.next_link is None:  # read once per batch
            memo.next_link = linkstore.next_link_id(self.db.conn)
        memo.next_link = linkstore.insert_runs(self.db.conn, version_id, links, memo.next_link, blocks=memo.blocks,
                                               ids=memo, pending=memo.runs)  # written when the batch commits
        memo.sequence_dirty = True  # written when the batch commits

    def _insert_change(self, crawl_id: int, page_id: int, url: str, change: str,
                       current: dict | None, version_id: int, page: PageExtract) -> None:
        detail, kind = "", {}
        new_row = self._version_row(version_id)
        if current:
            fields = [f for f in CONTENT_FIELDS if f != "sections"]
            detail = ", ".join(name for name, _, _ in field_changes(current, new_row, fields)) or "sections"
            kind = change_columns(self.db, current, new_row)  # body edited, cards, metadata, dates only
        self._insert("changes", {
            "crawl_id": crawl_id, "page_id": page_id, "url": url, "change": change,
            "from_version_id": current["id"] if current else None, "to_version_id": version_id,
            "detail": detail, "at": self.now(), **self._between(page_id, current, new_row), **kind,
        })
        if current and (page.sections or current["kind"] == "center"):
            self._card_changes(crawl_id, page_id, current["id"], version_id)

    def _between(self, page_id: int, old: dict | None, new: dict) -> dict:
        """The two capture times a change lies between: the last capture that showed
        the old version and the first that showed the new one."""
        to = new.get("captured_at") or new["created_at"]
        return {"from_captured_at": last_capture_before(self.db, page_id, to) if old else None,
                "to_captured_at": to}

    def _card_changes(self, crawl_id: int | None, page_id: int, old_id: int, new_id: int) -> None:
        old = comparable_cards(self.db, old_id, follow_moves=True)
        between = self._between(page_id, {"id": old_id}, self._version_row(new_id))
        self._insert_many("card_changes", [
            {"crawl_id": crawl_id, "page_id": page_id, "from_version_id": old_id, "to_version_id": new_id,
             "change": c.change, "href": c.href, "title": c.title, "old_title": c.old_title,
             "from_section": c.from_section, "to_section": c.to_section, "at": self.now(), **between}
            for c in card_changes(old, comparable_cards(self.db, new_id))])

    def refresh_card_changes(self, crawl_id: int) -> None:
        """Recompute the crawl's card changes once it has met every redirect: a
        center is recorded before the crawl learns that one of its old cards'
        URLs moved, and such a card is moved (or unchanged), not removed + added."""
        with self._write():
            rows = self.db.execute(
                "SELECT c.page_id, c.from_version_id, c.to_version_id FROM changes c "
                "JOIN versions v ON v.id = c.to_version_id WHERE c.crawl_id = ? AND c.change = 'changed' "
                "AND v.kind = 'center'", [crawl_id]).fetchall()
            for page_id, old_id, new_id in rows:
                self.db.execute("DELETE FROM card_changes WHERE crawl_id = ? AND page_id = ?", [crawl_id, page_id])
                self._card_changes(crawl_id, page_id, old_id, new_id)

    def record_reprocessed(self, page_id: int, url: str, capture_id: int, page: PageExtract,
                           extractor_version: str) -> bool:
        """Re-extracted content of a stored capture: a new version labelled
        "reprocess" when it differs from the current one. True when one was made."""
        with self._write():
            current_id = self.db.execute("SELECT current_version_id FROM pages WHERE id = ?",
                                         [page_id]).fetchone()[0]
            current = self._version(current_id) if current_id else None
            new_hash = content_hash(page)
            if current and current["content_hash"] == new_hash:
                return False
            crawl_id = current["crawl_id"] if current else None
            version_id = self._insert_version(page_id, crawl_id, capture_id, page, new_hash,
                                              extractor_version, "reprocess",
                                              current["captured_at"] if current else None)
            self._insert_change(None, page_id, url, "reprocessed", current, version_id, page)
            self._update("pages", page_id, {"kind": page.kind, "title": page.title,
                                              "current_version_id": version_id})
        return True

    def _update_page(self, page_id: int, fetched: FetchedPage, page: PageExtract, version_id: int) -> None:
        """The page row as this fetch leaves it: only the columns that differ from the
        row _page_state read (an unchanged page's last_seen, mostly)."""
        values = {**page_columns(fetched, page), "current_version_id": version_id}
        known, self._page_values = self._page_values, None
        if known is not None and known[0] == page_id:
            values = {k: v for k, v in values.items() if not (type(v) is type(known[1][k]) and v == known[1][k])}
        if values:
            self._update("pages", page_id, values)

    # -- other outcomes ----------------------------------------------------------

    def record_outcome(self, crawl_id: int, outcome: Outcome) -> None:
        """Archive a request that did not give a new 200 body: 304, 404/410, errors, skips."""
        with self._write():
            for hop_url, status in outcome.redirects:
                self._redirect_hop(crawl_id, hop_url, status, outcome)
            page = self.db.conn.execute("SELECT id, state FROM pages WHERE url = ?", [outcome.url]).fetchone()
            page_id = page[0] if page else None
            if outcome.outcome == "not-modified" and page_id:
                self._update("pages", page_id, {"last_seen": outcome.fetched_at, "state": "live"})
                self._count(crawl_id, "not_modified")
            elif outcome.outcome == "gone" and page_id:
                if page[1] != "gone":
                    self._update("pages", page_id, {"state": "gone", "gone_at": outcome.fetched_at})
                    self._page_event(crawl_id, page_id, outcome.url, "removed", f"HTTP {outcome.status}")
                    self._count(crawl_id, "removed")
            elif outcome.outcome == "gone" and not page_id:
                self._count(crawl_id, "broken")
            elif outcome.outcome in OUTCOME_COUNTERS:
                self._count(crawl_id, OUTCOME_COUNTERS[outcome.outcome])
            self._ledger(crawl_id, outcome.url, outcome.outcome, outcome.reason, outcome.status,
                         outcome.headers, outcome, page_id=page_id)

    def _redirect_hop(self, crawl_id: int, url: str, status: int, after: FetchedPage | Outcome) -> None:
        """Ledger row for one redirect hop; a permanent one moves a known page."""
        final = after.url
        self._ledger(crawl_id, url, "redirected", f"HTTP {status} to {final}", status, {}, after,
                     final_url=final)
        row = self.db.conn.execute("SELECT id, state, moved_to FROM pages WHERE url = ?", [url]).fetchone()
        if row and status in PERMANENT_REDIRECTS and (row[1], row[2]) != ("moved", final):
            self._update("pages", row[0], {"state": "moved", "moved_to": final})
            self._page_event(crawl_id, row[0], url, "moved", final)
            self._count(crawl_id, "moved")
            self._absorb_new_target(crawl_id, row[0], final)

    # A page that moved with its content unchanged is one "moved" change, not a
    # "moved" plus a "new": whichever of the two URLs the crawl meets first.

    def _moved_here_unchanged(self, crawl_id: int, url: str, new_hash: str) -> bool:
        if not self._has_moved(crawl_id):
            return False
        return self.db.conn.execute(
            "SELECT 1 FROM pages p JOIN versions v ON v.id = p.current_version_id JOIN changes c "
            "ON c.page_id = p.id AND c.change = 'moved' AND c.crawl_id = ? "
            "WHERE p.moved_to = ? AND v.content_hash = ?", [crawl_id, url, new_hash]).fetchone() is not None

    def _has_moved(self, crawl_id: int) -> bool:
        """Whether the crawl has a "moved" change (read once, then kept up by _page_event)."""
        moved = self.memo.moved if self.memo.depth else {}  # a subclass's own transaction: nothing kept
        known = moved.get(crawl_id)
        if known is None:
            known = moved[crawl_id] = self.db.conn.execute(
                "SELECT 1 FROM changes WHERE crawl_id = ? AND change = 'moved' LIMIT 1", [crawl_id]).fetchone() is not None
        return known

    def _absorb_new_target(self, crawl_id: int, old_page_id: int, target: str) -> None:
        row = self.db.execute(
            "SELECT c.id FROM changes c JOIN versions v ON v.id = c.to_version_id JOIN pages p ON p.id = c.page_id "
            "WHERE c.crawl_id = ? AND c.change = 'new' AND p.url = ? AND v.content_hash = "
            "(SELECT ov.content_hash FROM pages op JOIN versions ov ON ov.id = op.current_version_id "
            " WHERE op.id = ?)", [crawl_id, target, old_page_id]).fetchone()
        if row:
            self.db.execute("DELETE FROM changes WHERE id = ?", [row[0]])
            self._count(crawl_id, "pages_new", -1)
            self._count(crawl_id, "pages_unchanged")

    def _page_event(self, crawl_id: int, page_id: int, url: str, change: str, detail: str) -> None:
        if change == "moved" and crawl_id is not None:
            self.memo.moved[crawl_id] = True  # kept even if this write is rolled back: a SELECT more
        current = self.db.conn.execute("SELECT current_version_id FROM pages WHERE id = ?", [page_id]).fetchone()[0]
        self._insert("changes", {"crawl_id": crawl_id, "page_id": page_id, "url": url, "change": change,
                                   "from_version_id": current, "to_version_id": None,
                                   "detail": detail, "at": self.now()})

    def _ledger(self, crawl_id: int, url: str, outcome: str, reason: str, status: int | None,
                headers: dict, origin: FetchedPage | Outcome, capture_known: bool = False, **extra) -> None:
        """A fetches row: into the ledger directly when the view's trigger is the one
        ledger.insert_row reproduces, else through the view. `capture_known`: the row's
        capture was found or made by its sha256 in this write (_capture), so the ledger
        need not read that digest back."""
        row = {
            "crawl_id": crawl_id, "url": url, "fetched_at": origin.fetched_at, "outcome": outcome,
            "reason": reason, "status": status, "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"), "content_type": headers.get("content-type"),
            "depth": origin.depth, "referer": origin.referer, **extra,
        }
        if self._direct_ledger is None:
            self._direct_ledger = ledger.trigger_is_current(self.db.conn, load_schema())
        memo = self.memo if self.memo.depth else None  # a subclass's own transaction: nothing kept
        known = row.get("sha256") if capture_known else None
        if not (self._direct_ledger and ledger.insert_row(self.db.conn, row, memo and memo.templates,
                                                          memo and memo.urls, known)):
            self._insert("fetches", row)

    def _count(self, crawl_id: int, column: str, delta: int = 1) -> None:
        """Add to a crawl counter: at the end of the write, or of its batch (memo.flush)."""
        if not self.memo.depth:  # a subclass's own transaction
            self.db.execute(f"UPDATE crawls SET {column} = coalesce({column}, 0) + ? WHERE id = ?",
                            [delta, crawl_id])
            return
        key = (crawl_id, column)
        self.memo.counts[key] = self.memo.counts.get(key, 0) + delta
