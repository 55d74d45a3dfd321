"""/-/graph: a center's sections and cards as a picture, and what changed between
two of its versions (or crawls). With no center chosen: the list of centers."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import sqlite_utils
from datasette.utils.asgi import Response

from condition_archive.archive.graph import STATUSES, center_url_of, load_graph
from condition_archive.serve.graph_render import FORMATS, LABELS, to_svg, version_label
from condition_archive.serve.graph_render import render as render_graph
from condition_archive.archive.history import NotFound

from .common import CSP, Option, center_options, crawl_options, heading, message, page_versions, path, render

CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "graphml": "application/graphml+xml; charset=utf-8",
                 "dot": "text/vnd.graphviz; charset=utf-8"}


def _when_options(conn, url: str) -> list[tuple[str, list[Option]]]:
    """From/to pickers: the center's versions (value: when it was recorded) and the crawls."""
    versions = [Option(v["created_at"], f"{v['number']}: {v['created_at'][:16].replace('T', ' ')} "
                                         f"(crawl {v['crawl_id']})") for v in page_versions(conn, url)]
    return [("Versions of this center", versions), ("As of a crawl", crawl_options(conn))]


async def graph_page(request, datasette):
    db = datasette.get_database()
    args = request.args
    fmt = args.get("format") or "html"
    if fmt not in FORMATS:
        return await message(datasette, request, "Bad format", f"format must be one of {', '.join(FORMATS)}.", 400)
    page, center = args.get("page", ""), args.get("center", "")
    from_when, to_when = args.get("from") or None, args.get("to") or None

    def build(conn):
        handle = sqlite_utils.Database(conn)
        url = center_url_of(handle, int(page)) if page.isdigit() else center
        centers = center_options(conn)
        if not url:
            return None, centers, []
        return load_graph(handle, url, from_when, to_when), centers, _when_options(conn, url)

    try:
        graph, centers, whens = await db.execute_fn(build)
    except NotFound as exc:
        return await message(datasette, request, "Not found", str(exc), 404)
    if graph is None:
        return await _center_list(datasette, request, db, centers)
    history = datasette.urls.path("/-/history?url=")

    def card_link(card):
        return history + quote(card.href, safe="")

    if fmt != "html":
        headers = {"Content-Security-Policy": CSP}
        if fmt != "svg":
            headers["Content-Disposition"] = f'attachment; filename="center-graph.{fmt}"'
        return Response(render_graph(graph, fmt, card_link if fmt == "svg" else None), status=200,
                        headers=headers, content_type=CONTENT_TYPES[fmt])
    show_links = args.get("links") == "on"
    base = {k: v for k, v in (("center", graph.url), ("from", from_when), ("to", to_when)) if v}
    downloads = {f: datasette.urls.path("/-/graph?" + urlencode({**base, "format": f}))
                 for f in ("svg", "graphml", "dot")}
    counts = graph.counts()
    titles = {c.id: c.title for c in graph.cards}
    return await render(datasette, request, "ca_graph.html", {
        "title": f"{graph.title} \u2014 link structure", "graph": graph, "centers": centers, "whens": whens,
        "selected": {"center": graph.url, "from": from_when or "", "to": to_when or "", "links": show_links},
        "svg": to_svg(graph, card_link, links=show_links), "version_label": version_label(graph),
        "summary": ", ".join(f"{counts[s]} {LABELS[s]}" for s in STATUSES if counts[s]),
        "cards": sorted(graph.cards, key=lambda c: -STATUSES.index(c.status)), "labels": LABELS,
        "heading": heading, "downloads": downloads, "card_link": card_link,
        "links": [(titles[a], titles[b]) for a, b in graph.links],
        "diff": path(datasette, "/-/diff", **{"from": graph.old.id if graph.old else None, "to": graph.new.id}),
        "history": history + quote(graph.url, safe="")})


async def _center_list(datasette, request, db, centers) -> Response:
    rows = (await db.execute(
        "SELECT p.url, (SELECT count(*) FROM versions v WHERE v.page_id = p.id) FROM pages p "
        "WHERE p.kind = 'center'")).rows
    counts = dict(rows)
    return await render(datasette, request, "ca_graph.html", {
        "title": "Centers: link structure over time", "graph": None, "centers": centers, "whens": [],
        "selected": {"center": "", "from": "", "to": "", "links": False},
        "listing": [(o, counts.get(o.value, 0), path(datasette, "/-/graph", center=o.value)) for o in centers]})
