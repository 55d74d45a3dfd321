"""What the store writes for a page, as values and SQL: the content hash that
decides whether a page has a new version, the pages columns a fetch sets, the
clock, and the INSERT/UPDATE statements (built once per column set)."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timezone
from functools import lru_cache

from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.policy import canonical  # noqa: F401 - the store's name for it (memoised)
from condition_archive.extract.model import PageExtract

# Fields whose change makes a new version. Links, ads, menus, HTTP headers and
# date candidates from the HTTP header are deliberately not in here.
CONTENT_FIELDS = (
    "kind", "title", "description", "authors", "reviewers", "badges",
    "date_published", "date_updated", "date_reviewed", "body_text", "sections",
)


@lru_cache(maxsize=256)  # the store's statements are a few dozen: each built once
def insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    return f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"


@lru_cache(maxsize=256)
def update_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in columns)} WHERE id = ?"


# The pages columns a fetch sets (_update_page), read with the page's state.
PAGE_COLUMNS = ("kind", "title", "last_seen", "state", "moved_to", "current_version_id", "etag", "last_modified")
PAGE_STATE = (f"SELECT p.id, v.content_hash, {', '.join('p.' + c for c in PAGE_COLUMNS)} FROM pages p "
               "LEFT JOIN versions v ON v.id = p.current_version_id WHERE p.url = ?")


def page_columns(fetched: FetchedPage, page: PageExtract) -> dict:
    return {"kind": page.kind, "title": page.title, "last_seen": fetched.fetched_at, "state": "live",
            "moved_to": None, "etag": fetched.headers.get("etag"),
            "last_modified": fetched.headers.get("last-modified")}


_last_second: list = [None, ""]  # the second utc_now last formatted, and its text


def utc_now() -> str:
    """The current UTC time to the second, as ISO text (formatted once per second:
    the store asks several times a page)."""
    second = int(time.time())
    if second != _last_second[0]:
        _last_second[:] = [second, datetime.fromtimestamp(second, timezone.utc).isoformat()]
    return _last_second[1]


def content_fields(page: PageExtract) -> dict:
    """The fields whose change makes a new version, JSON-ready (no links: they
    are most of a page's data and not part of its content)."""
    data = {key: getattr(page, key) for key in CONTENT_FIELDS if key != "sections"}
    for key in ("authors", "reviewers", "badges"):
        data[key] = list(data[key])
    data["sections"] = [{"heading": s.heading, "cards": [vars(c) for c in s.cards]} for s in page.sections]
    return data


_HASH_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False)  # json.dumps(..., sort_keys=True, ensure_ascii=False)


def json_list(values) -> str:
    return json.dumps(list(values)) if values else "[]"


def content_hash(page: PageExtract) -> str:
    blob = _HASH_JSON.encode(content_fields(page))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
