"""Archive a capture made at a known past time (a WARC record, a web archive's
replay) in capture-time order.

A live crawl always captures "now", after everything the archive has; a capture
from a web archive may fall before, between or after the versions already kept.
`DatedArchive.record_capture` places it by its capture time:

- the version that stood then has the same content: nothing new (a ledger row);
- the version after it has the same content: that version starts earlier;
- otherwise a new version goes in between, versions are renumbered in capture
  order, and the change into the following version is recomputed (it now comes
  from the new one). The page's current state moves only when the capture is the
  newest the archive has.

Every write for one capture is one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from condition_archive.archive.capture import Packed
from ..extract.model import PageExtract
from condition_archive.archive.rows import CONTENT_FIELDS, content_hash
from condition_archive.archive.store import PERMANENT_REDIRECTS, Archive
from condition_archive.archive.history import field_changes, last_capture_before
from condition_archive.crawl.items import Outcome

STATE_UNCHANGED, STATE_EARLIER, STATE_NEW, STATE_CHANGED = "unchanged", "earlier", "new", "changed"
COUNTERS = {STATE_NEW: "pages_new", STATE_CHANGED: "pages_changed", STATE_UNCHANGED: "pages_unchanged",
            STATE_EARLIER: "pages_unchanged"}


@dataclass
class DatedCapture:
    """One capture from a web archive: what it is, when it was made, where it came from."""

    url: str
    captured_at: str  # UTC ISO 8601, as the crawls write fetched_at
    status: int | None
    headers: dict[str, str]
    body: bytes
    source: str  # the file (or WACZ member) or the replay URL
    source_record: str  # WARC-Record-ID or the replay URL: what makes a second run add nothing
    source_offset: int | None = None
    depth: int = 0
    referer: str = ""
    redirects: list[tuple[str, int]] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def fetched_at(self) -> str:  # what Archive._ledger reads
        return self.captured_at

    def ledger_extra(self) -> dict:
        return {"source": self.source, "source_offset": self.source_offset, "source_record": self.source_record}


def already_recorded(db, source_record: str) -> bool:
    return db.execute("SELECT 1 FROM fetches WHERE source_record = ? LIMIT 1", [source_record]).fetchone() is not None


class DatedArchive(Archive):
    """Archive writes for captures dated in the past (imports and backfills)."""

    def __init__(self, db, **kwargs):
        super().__init__(db, **kwargs)
        self.touched: set[int] = set()  # pages given a version: their card changes are refreshed at the end

    def record_capture(self, run_id: int, cap: DatedCapture, page: PageExtract, packed: Packed | None,
                       extractor_version: str, cause: str) -> str:
        """Archive one 200 HTML capture. Returns new, changed, unchanged or earlier."""
        with self.db.atomic():
            capture_id, sha256 = self._capture(cap.body, cap.content_type, packed, cap.url)
            page_id, _ = self._page_row(cap.url)
            prev, nxt = self._neighbours(page_id, cap.captured_at)
            new_hash = content_hash(page)
            if prev and prev["content_hash"] == new_hash:
                state = STATE_UNCHANGED
            elif nxt and nxt["content_hash"] == new_hash:
                state = STATE_EARLIER
                self._update("versions", nxt["id"], {"captured_at": cap.captured_at, "capture_id": capture_id})
            else:
                state = STATE_CHANGED if prev else STATE_NEW
                version_id = self._insert_version(page_id, run_id, capture_id, page, new_hash, extractor_version,
                                                  cause, cap.captured_at)
                self._renumber(page_id)
                self.touched.add(page_id)
                self._link_in(run_id, page_id, cap.url, prev, version_id, nxt, page)
                if nxt is None:
                    self._make_current(page_id, version_id, page, cap.captured_at)
            self._seen(page_id, cap.captured_at)
            self._ledger(run_id, cap.url, "fetched", "", cap.status, cap.headers, cap, sha256=sha256,
                         capture_id=capture_id, page_id=page_id, size=len(cap.body),
                         http_headers=json.dumps(cap.headers), **cap.ledger_extra())
            self._retime(page_id)
            self._count(run_id, COUNTERS[state])
        return state

    def _make_current(self, page_id: int, version_id: int, page: PageExtract, when: str) -> None:
        """The newest version is the page's content; its state (gone, moved) changes only
        when this capture is newer than what made it so."""
        values = {"kind": page.kind, "title": page.title, "current_version_id": version_id}
        state, gone_at, url = self.db.execute("SELECT state, gone_at, url FROM pages WHERE id = ?",
                                              [page_id]).fetchone()
        if state in (None, "live", "error") or (state == "gone" and (gone_at or "") < when):
            values.update(state="live", moved_to=None)
        self._update("pages", page_id, values)
        # A 404/410 or a permanent redirect captured after this (imported before the
        # page was known) still says how the page ended.
        later = self.db.execute(
            "SELECT outcome, status, final_url, fetched_at, crawl_id FROM fetches WHERE url = ? AND fetched_at > ? "
            "AND (outcome IN ('fetched', 'gone', 'not-modified') OR status IN (301, 308)) "
            "ORDER BY fetched_at DESC LIMIT 1", [url, when]).fetchone()
        if later and later[0] == "gone":
            self._update("pages", page_id, {"state": "gone", "gone_at": later[3]})
            self._dated_event(later[4], page_id, url, "removed", f"HTTP {later[1]}", later[3])
        elif later and later[0] == "redirected" and later[2]:
            self._update("pages", page_id, {"state": "moved", "moved_to": later[2]})
            self._dated_event(later[4], page_id, url, "moved", later[2], later[3])

    def record_dated_outcome(self, run_id: int, outcome: Outcome, cap: DatedCapture,
                             final_url: str | None = None) -> None:
        """A record that is not a page capture (request, metadata, not HTML, 3xx, 404,
        5xx, unreadable): a ledger row saying what it is and where it came from. A
        404/410 newer than every capture of a known page marks it gone, as a crawl does."""
        with self.db.atomic():
            row = self.db.execute("SELECT id, state, last_seen FROM pages WHERE url = ?", [cap.url]).fetchone()
            page_id = row[0] if row else None
            if outcome.outcome == "gone" and row and row[1] != "gone" and (row[2] or "") < cap.captured_at:
                self._update("pages", page_id, {"state": "gone", "gone_at": cap.captured_at})
                self._dated_event(run_id, page_id, cap.url, "removed", f"HTTP {outcome.status}", cap.captured_at)
                self._count(run_id, "removed")
            elif (outcome.outcome == "redirected" and outcome.status in PERMANENT_REDIRECTS and row and final_url
                  and (row[1], (row[2] or "")) != ("moved", "") and (row[2] or "") < cap.captured_at):
                self._update("pages", page_id, {"state": "moved", "moved_to": final_url})
                self._dated_event(run_id, page_id, cap.url, "moved", final_url, cap.captured_at)
                self._count(run_id, "moved")
            elif outcome.outcome in ("error", "skipped"):
                self._count(run_id, {"error": "errors", "skipped": "skipped"}[outcome.outcome])
            self._ledger(run_id, outcome.url, outcome.outcome, outcome.reason[:500], outcome.status,
                         outcome.headers, outcome, page_id=page_id, final_url=final_url, **cap.ledger_extra())
            if page_id and outcome.outcome == "not-modified":
                self._retime(page_id)  # a later last sight of the version that stood then

    def refresh_dated_card_changes(self, run_id: int) -> None:
        """Recompute the card changes of the centers this run gave a version, once
        every redirect of the run is known (as a crawl does at its end)."""
        with self.db.atomic():
            for page_id in sorted(self.touched):
                rows = self.db.execute(
                    "SELECT c.crawl_id, c.from_version_id, c.to_version_id FROM changes c "
                    "JOIN versions v ON v.id = c.to_version_id WHERE c.page_id = ? AND c.change = 'changed' "
                    "AND v.kind = 'center'", [page_id]).fetchall()
                for crawl_id, old_id, new_id in rows:
                    self.db.execute("DELETE FROM card_changes WHERE page_id = ? AND to_version_id = ?",
                                    [page_id, new_id])
                    self._card_changes(crawl_id, page_id, old_id, new_id)

    def _dated_event(self, run_id: int, page_id: int, url: str, change: str, detail: str, when: str) -> None:
        """A removed/moved change row that says when it was captured."""
        last = last_capture_before(self.db, page_id, when)
        self._page_event(run_id, page_id, url, change, detail)
        self.db.execute("UPDATE changes SET from_captured_at = ?, to_captured_at = ? WHERE id = "
                        "(SELECT max(id) FROM changes WHERE page_id = ?)", [last, when, page_id])

    # -- placing a version in time ------------------------------------------------------

    def _neighbours(self, page_id: int, when: str) -> tuple[dict | None, dict | None]:
        """The version that stood at `when` and the first one after it."""
        captured = "coalesce(captured_at, created_at)"
        prev = list(self.db.query(f"SELECT * FROM versions WHERE page_id = ? AND {captured} <= ? "
                                  "ORDER BY number DESC LIMIT 1", [page_id, when]))
        nxt = list(self.db.query(f"SELECT * FROM versions WHERE page_id = ? AND {captured} > ? "
                                 "ORDER BY number LIMIT 1", [page_id, when]))
        return (prev[0] if prev else None), (nxt[0] if nxt else None)

    def _renumber(self, page_id: int) -> None:
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM versions WHERE page_id = ? ORDER BY coalesce(captured_at, created_at), id", [page_id])]
        self.db.execute("UPDATE versions SET number = -number WHERE page_id = ?", [page_id])
        self.db.conn.executemany("UPDATE versions SET number = ? WHERE id = ?",
                                 [(n, vid) for n, vid in enumerate(ids, 1)])

    def _link_in(self, run_id: int, page_id: int, url: str, prev: dict | None, version_id: int,
                 nxt: dict | None, page: PageExtract) -> None:
        """The change into the new version, and the one out of it into the next
        (which replaces the change that came from `prev`)."""
        self._insert_change(run_id, page_id, url, STATE_CHANGED if prev else STATE_NEW, prev, version_id, page)
        if nxt is None:
            return
        self.db.execute("DELETE FROM card_changes WHERE page_id = ? AND to_version_id = ?", [page_id, nxt["id"]])
        old = self.db.execute("SELECT crawl_id, at FROM changes WHERE to_version_id = ? AND change IN "
                              "('new', 'changed') ORDER BY id LIMIT 1", [nxt["id"]]).fetchone()
        self.db.execute("DELETE FROM changes WHERE to_version_id = ? AND change IN ('new', 'changed')", [nxt["id"]])
        new_row = self.db["versions"].get(version_id)
        fields = [f for f in CONTENT_FIELDS if f != "sections"]
        detail = ", ".join(name for name, _, _ in field_changes(new_row, nxt, fields)) or "sections"
        crawl_id = old[0] if old else nxt["crawl_id"]
        self._insert("changes", {"crawl_id": crawl_id, "page_id": page_id, "url": url, "change": STATE_CHANGED,
                                 "from_version_id": version_id, "to_version_id": nxt["id"], "detail": detail,
                                 "at": old[1] if old else self.now(), **self._between(page_id, new_row, nxt)})
        if page.sections or nxt["kind"] == "center" or new_row["kind"] == "center":
            self._card_changes(crawl_id, page_id, version_id, nxt["id"])

    def _seen(self, page_id: int, when: str) -> None:
        self.db.execute("UPDATE pages SET first_seen = min(coalesce(first_seen, ?), ?), "
                        "last_seen = max(coalesce(last_seen, ?), ?) WHERE id = ?", [when, when, when, when, page_id])

    def _retime(self, page_id: int) -> None:
        """Recompute the two capture times of each of the page's changes: a capture
        placed in the past may be the new last sight of an old version."""
        for table in ("changes", "card_changes"):
            rows = self.db.execute(f"SELECT DISTINCT t.from_version_id, t.to_version_id, "
                                   f"coalesce(v.captured_at, v.created_at) FROM {table} t "
                                   f"JOIN versions v ON v.id = t.to_version_id WHERE t.page_id = ?",
                                   [page_id]).fetchall()
            for from_id, to_id, to_time in rows:
                before = self._between(page_id, {"id": from_id} if from_id else None,
                                       {"captured_at": to_time, "created_at": to_time})
                self.db.execute(f"UPDATE {table} SET from_captured_at = ?, to_captured_at = ? "
                                f"WHERE page_id = ? AND to_version_id = ?",
                                [before["from_captured_at"], before["to_captured_at"], page_id, to_id])
