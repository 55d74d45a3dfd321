"""/-/history?url=URL: a page over time: a timeline of its captures and versions
coloured by the kind of change, and its versions with their diffs and captures.
For a center, a second timeline has a lane per article its cards link to."""

from __future__ import annotations

import json

from condition_archive.serve.timeline import Lane, Point, to_svg

from .common import center_options, message, path, render

MAX_ARTICLE_LANES = 60


def _versions(conn, url: str) -> list[dict]:
    rows = conn.execute(
        "SELECT v.id, v.number, coalesce(v.captured_at, v.created_at), v.crawl_id, v.cause, v.title, v.date_published, v.date_updated, "
        "v.date_reviewed, v.reviewers, v.word_count, v.capture_id, ch.change, ch.kind, ch.words_changed "
        "FROM versions v JOIN pages p ON p.id = v.page_id "
        "LEFT JOIN changes ch ON ch.id = (SELECT max(c2.id) FROM changes c2 WHERE c2.to_version_id = v.id) "
        "WHERE p.url = ? ORDER BY v.number", [url]).fetchall()
    keys = ("id", "number", "created_at", "crawl_id", "cause", "title", "date_published", "date_updated",
            "date_reviewed", "reviewers", "word_count", "capture_id", "change", "kind", "words_changed")
    out = [dict(zip(keys, r)) for r in rows]
    for v in out:
        v["reviewers"] = json.loads(v["reviewers"] or "[]")
        v["kind"] = "new" if v["number"] == 1 else ("reprocessed" if v["change"] == "reprocessed"
                                                    else v["kind"] or "changed")
    return out


def _lane(datasette, conn, url: str, label: str, link: bool) -> tuple[Lane, list[dict]]:
    versions = _versions(conn, url)
    lane = Lane(label, path(datasette, "/-/history", url=url) if link else None)
    for v in versions:
        share = f", {v['words_changed'] * 100:.0f}% of words" if v["words_changed"] else ""
        href = path(datasette, "/-/diff", to=v["id"]) if v["number"] > 1 else path(
            datasette, "/-/capture", id=v["capture_id"])
        lane.versions.append(Point(v["created_at"], v["kind"], f"version {v['number']}, {v['created_at']}: "
                                                                f"{v['kind']}{share}", href))
    lane.captures = [r[0] for r in conn.execute(
        "SELECT fetched_at FROM fetches WHERE url = ? AND outcome IN ('fetched', 'not-modified') "
        "ORDER BY id LIMIT 500", [url])]
    for at, change in conn.execute("SELECT at, change FROM changes c JOIN pages p ON p.id = c.page_id "
                                   "WHERE p.url = ? AND c.change IN ('removed', 'moved')", [url]):
        lane.versions.append(Point(at, change, f"{change} {at}"))
    return lane, versions


def _data(datasette, conn, url: str) -> dict | None:
    page = conn.execute("SELECT id, title, kind, state, first_seen, last_seen, current_version_id FROM pages "
                        "WHERE url = ?", [url]).fetchone()
    if page is None:
        return None
    lane, versions = _lane(datasette, conn, url, "this page", False)
    data = {"page": dict(zip(("id", "title", "kind", "state", "first_seen", "last_seen", "current"), page)),
            "versions": versions, "svg": to_svg([lane], f"Timeline of {url}"), "articles_svg": None}
    if page[2] == "center":
        cards = conn.execute("SELECT href, min(title) FROM cards WHERE version_id = ? GROUP BY href "
                             "ORDER BY min(section_id * 10000 + position)", [page[6]]).fetchall()
        lanes = [lane] + [_lane(datasette, conn, href, title or href, True)[0]
                          for href, title in cards[:MAX_ARTICLE_LANES]]
        lanes[0].label = page[1] or url
        data["articles_svg"] = to_svg(lanes, f"Timeline of {url} and its articles")
        data["more"] = max(0, len(cards) - MAX_ARTICLE_LANES)
    return data


async def history_page(request, datasette):
    db = datasette.get_database()
    url = request.args.get("url", "")
    data = await db.execute_fn(lambda conn: _data(datasette, conn, url) if url else None)
    if url and data is None:
        return await message(datasette, request, "Not in the archive",
                             f"{url} is not in the archive: copy a URL from the articles or pages table.", 404)
    centers = await db.execute_fn(center_options)
    return await render(datasette, request, "ca_history.html", {
        "title": (data["page"]["title"] or url) if data else "A page over time", "url": url, "data": data,
        "centers": centers, "diff": lambda v: path(datasette, "/-/diff", to=v["id"]),
        "capture": lambda v: path(datasette, "/-/capture", id=v["capture_id"]),
        "graph": path(datasette, "/-/graph", center=url)})
