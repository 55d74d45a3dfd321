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

from condition_archive.crawl.policy import FOLLOW_REGIONS, canonical_url, skip_reason
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


def plan(captures: list[CdxCapture], every: str = "month") -> list[tuple[CdxCapture, CdxCapture | None]]:
    """(capture, None) for each capture to fetch: in time order, at most one per
    period, none whose digest repeats the one kept before; (capture, kept) for each
    capture with the same digest as the capture kept before it: the same bytes,
    recorded without fetching so that a change's "last seen before" is right."""
    out: list[tuple[CdxCapture, CdxCapture | None]] = []
    last: CdxCapture | None = None
    for cap in sorted(captures, key=lambda c: c.timestamp):
        if last and cap.digest and cap.digest == last.digest and cap.status in (last.status, "-"):
            if last.status == "200":
                out.append((cap, last))
            continue  # a repeated redirect or error page says nothing new
        period = period_of(cap.timestamp, every)
        if last and period is not None and period == period_of(last.timestamp, every):
            continue
        out.append((cap, None))
        last = cap
    return out


def choose(captures: list[CdxCapture], every: str = "month") -> list[CdxCapture]:
    """The captures to fetch (see `plan`)."""
    return [cap for cap, same in plan(captures, every) if same is None]


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
    return [canonical_url(h) for h in hrefs if "://" in h and skip_reason(canonical_url(h), hosts) is None]


def backfill(db: sqlite_utils.Database, urls: list[str], client: WaybackClient, *, from_: str | None = None,
             to: str | None = None, every: str = "month", depth: int = 1, day_first_sites: tuple[str, ...] = (),
             echo: Callable[[str], None] = lambda _: None) -> BackfillResult:
    settings = {"cdx": client.cdx_endpoint, "replay": client.replay, "from": from_, "to": to, "every": every,
                "depth": depth, "delay": client.delay}
    ingest = Ingest(db, "backfill", list(urls), settings, day_first_sites)
    result = BackfillResult()
    lo, hi = _year_bounds(from_, to)
    queue: list[tuple[str, int, str]] = [(canonical_url(u), 0, "") for u in urls]
    seen: set[str] = set()
    while queue:
        url, level, referer = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result.pages += 1
        steps = plan(client.query(url, lo, hi), every)
        result.chosen += sum(1 for _, same in steps if same is None)
        for cap, same in steps:
            when = iso_date(cap.timestamp)
            if same is not None:
                _same_as(ingest, client, cap, same, url, when, level, referer)
                continue
            _archive(ingest, client, cap, url, when, level, referer, result)
            if level < depth:
                queue += [(link, level + 1, url) for link in linked_pages(db, url, when) if link not in seen]
        echo(f"{url}: {len(steps)} captures")
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


def _same_as(ingest: Ingest, client: WaybackClient, cap: CdxCapture, kept: CdxCapture, url: str, when: str,
             level: int, referer: str) -> None:
    """A capture with the digest of the one kept before it: a not-modified ledger
    row at its time (like a 304), not fetched."""
    replay = client.replay_url(cap)
    if already_recorded(ingest.db, replay):
        return
    dated = DatedCapture(url, when, None, {}, b"", replay, replay, depth=level, referer=referer)
    ingest.outcome(dated, "not-modified", f"same digest as the capture of {kept.timestamp} "
                                          "(per the CDX index; not fetched)")
