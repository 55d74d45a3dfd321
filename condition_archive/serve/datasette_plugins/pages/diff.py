"""/-/diff: how a page changed between two versions: the kind of change, the
fields before and after, the center's cards, and the body word by word side by
side (with the paragraph diff beside it)."""

from __future__ import annotations

import json

import sqlite_utils

from condition_archive.archive.change_kind import classify, word_diff
from condition_archive.archive.history import (NotFound, card_changes, comparable_cards, field_changes, previous_version,
                                       text_diff)

from .common import Option, heading, message, page_versions, path, render, version_label

LISTS = ("authors", "reviewers", "badges")


def _version(handle: sqlite_utils.Database, version_id: int) -> dict:
    rows = list(handle.query("SELECT * FROM versions WHERE id = ?", [version_id]))
    if not rows:
        raise NotFound(f"no version {version_id} in the archive: pick one from the page's versions")
    return rows[0]


def _latest(handle: sqlite_utils.Database, url: str) -> dict:
    rows = list(handle.query("SELECT v.* FROM versions v JOIN pages p ON p.current_version_id = v.id "
                             "WHERE p.url = ?", [url]))
    if not rows:
        raise NotFound(f"{url} is not in the archive: copy a URL from the articles or pages table")
    return rows[0]


def _diff_data(conn, url: str, to_id: str, from_id: str) -> dict:
    handle = sqlite_utils.Database(conn)
    new = _version(handle, int(to_id)) if to_id else _latest(handle, url)
    old = _version(handle, int(from_id)) if from_id else previous_version(handle, new)
    url = conn.execute("SELECT url FROM pages WHERE id = ?", [new["page_id"]]).fetchone()[0]
    data = {"url": url, "old": old, "new": new, "cards": [], "fields": [], "kind": None, "words": None}
    data["versions"] = [Option(str(v["id"]), version_label(v)) for v in page_versions(conn, url)]
    if old is None:
        return data
    old_cards = comparable_cards(handle, old["id"], follow_moves=True)
    new_cards = comparable_cards(handle, new["id"])
    data["cards"] = card_changes(old_cards, new_cards)
    data["fields"] = field_changes(old, new)
    same = old["content_hash"] == new["content_hash"]
    data["kind"] = "none, the two versions hold the same content" if same else classify(
        old, new, bool(data["cards"]) or old_cards != new_cards)
    data["words"] = word_diff(old["body_text"], new["body_text"])
    data["text_diff"] = text_diff(old["body_text"], new["body_text"], f"v{old['number']}", f"v{new['number']}")
    return data


async def diff_page(request, datasette):
    db = datasette.get_database()
    args = request.args
    url, to_id, from_id = args.get("url", ""), args.get("to", ""), args.get("from", "")
    if (to_id and not to_id.isdigit()) or (from_id and not from_id.isdigit()) or not (to_id or url):
        return await message(datasette, request, "Compare two versions of a page",
                             "Give a page URL (?url=...), or version ids (?to=ID and optionally &from=ID): "
                             "open a page's timeline or the version_history view and follow a diff link.", 400)
    try:
        data = await db.execute_fn(lambda conn: _diff_data(conn, url, to_id, from_id))
    except NotFound as exc:
        return await message(datasette, request, "Not found", str(exc), 404)
    old, new = data["old"], data["new"]
    return await render(datasette, request, "ca_diff.html", {
        **data, "title": new["title"] or data["url"], "heading": heading, "shown": _shown,
        "selected": {"from": str(old["id"]) if old else "", "to": str(new["id"])},
        "history": path(datasette, "/-/history", url=data["url"]),
        "capture": lambda v: path(datasette, "/-/capture", id=v["capture_id"]),
        "label": version_label, "diff_lines": _diff_lines(data.get("text_diff", ""))})


def _shown(name: str, value: object) -> object:
    """A field's value as a person reads it: a list stays a list, nothing is "none"."""
    if name in LISTS and isinstance(value, str):
        value = json.loads(value or "[]")
    return value


def _diff_lines(diff: str) -> list[tuple[str, str]]:
    classes = {"+": "add", "-": "del", "@": "hunk"}
    return [("hunk" if line.startswith(("+++", "---")) else classes.get(line[:1], ""), line)
            for line in diff.splitlines()]
