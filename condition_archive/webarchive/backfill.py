"""`condition-archive backfill`: fill the archive's past from a Wayback (CDX + id_ replay).

For each center, and (same depth rule as a crawl) each page that a captured
center linked to from its content (main and related regions, same host), the
CDX server lists the captures in [--from, --to]; `choose` keeps one per period
and drops captures whose digest repeats the one kept before; each kept capture's
raw bytes come from the replay server's `id_` URL and are archived at the
capture's time as an import would (ingest.py).

A capture whose replay URL is already in the ledger is not fetched again, so a
killed backfill continues where it stopped when run again, and a second
backfill over the same period fetches nothing (it still asks the CDX server).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import sqlite_utils

from ..policy import FOLLOW_REGIONS, normalize, skip_reason
from .cdx import CdxCapture, WaybackClient
from .dated import DatedCapture, already_recorded
from .ingest import Ingest
from .records import iso_date

PERIODS = ("month", "week", "all")


def period_of(timestamp: str, every: str) -> str | None:
    if every == "month":
        return timestamp[:6]
    if every == "week":
        year, week, _ = date(int(timestamp[:4]), int(timestamp[4:6]), int(timestamp[6:8])).isocalendar()
        return f"{year}-W{week:02d}"
    return None  # all: every capture whose content differs from the one kept before


def choose(captures: list[CdxCapture], every: str = "month") -> list[CdxCapture]:
    """Captures to fetch: in time order, collapsing repeats of the same digest (and
    status), at most one per period."""
    kept: list[CdxCapture] = []
    for cap in sorted(captures, key=lambda c: c.timestamp):
        last = kept[-1] if kept else None
        if last and cap.digest and (cap.digest, cap.status) == (last.digest, last.status):
            continue
        if last and cap.status == "-" and cap.digest == last.digest:
            continue  # a revisit of the bytes just kept
        period = period_of(cap.timestamp, every)
        if last and period is not None and period == period_of(last.timestamp, every):
            continue
        kept.append(cap)
    return kept


@dataclass
class BackfillResult:
    pages: int = 0  # URLs asked of the CDX server
    chosen: int = 0
    fetched: int = 0
    already: int = 0
    summary: str = ""
    outcomes: dict = field(default_factory=dict)


def _year_bounds(from_: str | None, to: str | None) -> tuple[str | None, str | None]:
    return (from_.replace("-", "") if from_ else None), (to.replace("-", "") if to else None)


def linked_pages(db: sqlite_utils.Database, url: str, when: str) -> list[str]:
    """Pages the version of `url` standing at `when` links to from its content, on its host."""
    row = db.execute("SELECT v.id FROM versions v JOIN pages p ON p.id = v.page_id WHERE p.url = ? "
                     "AND coalesce(v.captured_at, v.created_at) <= ? ORDER BY v.number DESC LIMIT 1",
                     [url, when]).fetchone()
    if row is None:
        return []
    marks = ",".join("?" * len(FOLLOW_REGIONS))
    hrefs = [r[0] for r in db.execute(f"SELECT href FROM links WHERE version_id = ? AND region IN ({marks}) "
                                      "ORDER BY position", [row[0], *FOLLOW_REGIONS])]
    hosts = frozenset({(urlsplit(url).hostname or "").lower()})
    return [normalize(h) for h in hrefs if "://" in h and skip_reason(normalize(h), hosts) is None]


def backfill(db: sqlite_utils.Database, urls: list[str], client: WaybackClient, *, from_: str | None = None,
             to: str | None = None, every: str = "month", depth: int = 1, day_first_sites: tuple[str, ...] = (),
             echo: Callable[[str], None] = lambda _: None) -> BackfillResult:
    settings = {"cdx": client.cdx_endpoint, "replay": client.replay, "from": from_, "to": to, "every": every,
                "depth": depth, "delay": client.delay}
    ingest = Ingest(db, "backfill", list(urls), settings, day_first_sites)
    result = BackfillResult()
    lo, hi = _year_bounds(from_, to)
    queue: list[tuple[str, int, str]] = [(normalize(u), 0, "") for u in urls]
    seen: set[str] = set()
    while queue:
        url, level, referer = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result.pages += 1
        chosen = choose(client.query(url, lo, hi), every)
        result.chosen += len(chosen)
        for cap in chosen:
            when = iso_date(cap.timestamp)
            _archive(ingest, client, cap, url, when, level, referer, result)
            if level < depth:
                queue += [(link, level + 1, url) for link in linked_pages(db, url, when) if link not in seen]
        echo(f"{url}: {len(chosen)} captures chosen")
    ingest.finish(f"backfilled {result.fetched} captures of {result.pages} pages")
    result.summary, result.outcomes = ingest.summary(), dict(ingest.counts)
    return result


def _archive(ingest: Ingest, client: WaybackClient, cap: CdxCapture, url: str, when: str, level: int,
             referer: str, result: BackfillResult) -> None:
    replay = client.replay_url(cap)
    if already_recorded(ingest.db, replay):
        result.already += 1
        return
    status, headers, body = client.fetch(cap)
    result.fetched += 1
    ingest.capture(DatedCapture(url, when, status, headers, body, replay, replay, depth=level, referer=referer))
