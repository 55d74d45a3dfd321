"""What a running crawl reads from its archive: validators, stored links, resume state.

Read once at spider start (validators, URLs already done by a resumed crawl) or
per 304 (stored links), through its own read-only connection, so the spider never
holds a write handle.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from condition_archive.archive import crawls
from condition_archive.archive.db import connect_readonly
from .policy import FOLLOW_REGIONS


class ArchiveView:
    def __init__(self, db: sqlite_utils.Database | None, crawl_id: int | None):
        self.db = db
        self.validators = crawls.validators(db) if db else {}
        self.done = crawls.done_urls(db, crawl_id) if db and crawl_id else set()

    @classmethod
    def for_crawl(cls, path: str | None, crawl_id: int | None) -> "ArchiveView":
        if not path or not Path(path).exists():
            return cls(None, None)
        conn = connect_readonly(path, check_same_thread=False)
        return cls(sqlite_utils.Database(conn), crawl_id)

    def stored_links(self, url: str) -> list[str]:
        return crawls.stored_links(self.db, url, FOLLOW_REGIONS) if self.db else []

    def revisits(self, hosts: frozenset[str], max_depth: int) -> list[tuple[str, int]]:
        """Live pages on these hosts that earlier crawls reached within max_depth."""
        if not self.db:
            return []
        return [(url, depth) for url, depth in crawls.known_pages(self.db)
                if depth <= max_depth and urlsplit(url).hostname in hosts]
