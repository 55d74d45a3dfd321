"""Re-run today's extraction over stored captures, fetching nothing.

For each page (optionally filtered by a glob on its URL), the capture behind its
current version is decompressed and extracted again with the headers recorded
when it was fetched. A different result becomes a new version whose cause is
"reprocess" (and a change row "reprocessed"), never a change of the page itself.
Running it twice in a row changes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from condition_archive.extract import EXTRACTOR_VERSION, extract_page
from condition_archive.extract.model import options_for
from .codec import Codecs
from .store import Archive


@dataclass
class ReprocessResult:
    pages: int = 0
    changed: int = 0
    failed: int = 0


def url_glob(pattern: str) -> str:
    """A --url value as a SQLite GLOB: as given when it has wildcards, else "contains"."""
    return pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"


def _targets(db: sqlite_utils.Database, pattern: str | None):
    sql = ("SELECT p.id, p.url, v.capture_id, c.body, c.compression, c.dict_id, c.content_type, "
           "(SELECT f.last_modified FROM fetches f WHERE f.capture_id = c.id ORDER BY f.id LIMIT 1) AS lm "
           "FROM pages p JOIN versions v ON v.id = p.current_version_id "
           "JOIN captures c ON c.id = v.capture_id")
    params: list = []
    if pattern:
        sql += " WHERE p.url GLOB ?"
        params.append(url_glob(pattern))
    return db.execute(sql + " ORDER BY p.id", params)


def recorded_day_first_sites(db: sqlite_utils.Database) -> set[str]:
    """Every host any crawl of this archive read as day-first."""
    sites: set[str] = set()
    for (raw,) in db.execute("SELECT settings FROM crawls"):
        sites.update(json.loads(raw or "{}").get("day_first_sites") or [])
    return sites


def reprocess(db: sqlite_utils.Database, pattern: str | None = None,
              day_first_sites: tuple[str, ...] = ()) -> ReprocessResult:
    """Re-extract with the same per-site date order the crawls used (plus any given)."""
    sites = recorded_day_first_sites(db) | set(day_first_sites)
    archive = Archive(db)
    result = ReprocessResult()
    codecs = Codecs(db.conn)
    for pid, url, capture_id, body, compression, dict_id, content_type, last_modified in _targets(
            db, pattern).fetchall():
        result.pages += 1
        raw = codecs.decode(capture_id, compression, dict_id, body)
        headers = {"content-type": content_type or ""}
        if last_modified:
            headers["last-modified"] = last_modified
        page = extract_page(raw, url, headers, options_for(url, sites))
        if archive.record_reprocessed(pid, url, capture_id, page, EXTRACTOR_VERSION):
            result.changed += 1
    return result
