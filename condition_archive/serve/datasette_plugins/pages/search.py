"""/-/search: the `search` canned query behind a form with real choices (relevance or
date order, latest or every version), results with the matches marked, and the same
results as CSV or JSON from the canned query."""

from __future__ import annotations

from markupsafe import Markup, escape

from condition_archive.serve.metadata import canned_queries

from .common import path, render

MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"  # what the query's snippet() and highlight() put around a match


def marked(text: str | None) -> Markup:
    return Markup(str(escape(text or "")).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))


async def search_page(request, datasette):
    db = datasette.get_database()
    args = request.args
    params = {"q": (args.get("q") or "").strip(), "order": "date" if args.get("order") == "date" else "",
              "versions": "all" if args.get("versions") == "all" else ""}
    rows = []
    if params["q"]:
        result = await db.execute(canned_queries()["search"]["sql"], params)
        rows = [dict(r) for r in result.rows]
    query = f"{datasette.urls.database(db.name)}/search"
    return await render(datasette, request, "ca_search.html", {
        "title": "Search the archive", "params": params, "rows": rows, "marked": marked,
        "history": lambda url: path(datasette, "/-/history", url=url),
        "exports": {fmt: path(datasette, f"{query}.{fmt}", **params, _shape="array" if fmt == "json" else None)
                    for fmt in ("csv", "json")} if params["q"] else {}})
