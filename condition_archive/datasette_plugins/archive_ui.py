"""Datasette plugin for condition-archive (loaded by serve.py with --plugins-dir).

- /-/graph?page=ID (or ?center=URL) [&from=WHEN&to=WHEN&format=html|svg|graphml|dot]:
  a center's sections and cards, and what changed, as a picture (graph.py);
  /-/graph alone lists the centers.
- /-/diff?to=VERSION_ID[&from=VERSION_ID]: how a page changed between two versions.
- render_cell: `diff`/`graph` columns (relative links written by the SQL) become links;
  captures.body shows its size, never a blob download.

Everything archived is escaped, and these pages carry a Content-Security-Policy that
allows no script at all: archived HTML never runs here.
"""

from __future__ import annotations

import html
from urllib.parse import quote, urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from condition_archive.graph import center_url_of, load_graph
from condition_archive.graph_render import FORMATS, to_html
from condition_archive.graph_render import render as render_graph
from condition_archive.history import (NotFound, card_changes, comparable_cards, field_changes, previous_version,
                                       text_diff)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'"
CONTENT_TYPES = {"svg": "image/svg+xml; charset=utf-8", "graphml": "application/graphml+xml; charset=utf-8",
                 "dot": "text/vnd.graphviz; charset=utf-8"}
LINK_COLUMNS = {"diff": "diff", "graph": "picture"}
STYLE = """body{font-family:sans-serif;margin:1.5em;color:#222;max-width:70em}pre{white-space:pre-wrap;
background:#f7f7f7;padding:.6em;border:1px solid #ddd}.add{background:#e3f6e8;display:block}
.del{background:#fde7e7;display:block}.hunk{color:#777;display:block}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}nav a{margin-right:1em}"""


def _page(title: str, body: str, status: int = 200) -> Response:
    text = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>\n")
    return Response.html(text, status=status, headers={"Content-Security-Policy": CSP})


def _nav(datasette, db_name: str) -> str:
    home = datasette.urls.database(db_name)
    return (f'<nav><a href="{escape(home)}">\u2190 archive</a>'
            f'<a href="{escape(datasette.urls.path("/-/graph"))}">centers</a></nav>')


@hookimpl
def register_routes():
    return [(r"^/-/graph$", graph_page), (r"^/-/diff$", diff_page)]


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/graph"), "label": "Center link graphs"}]


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table == "captures" and column == "body" and isinstance(value, bytes):
        return Markup(f"{len(value):,} bytes, zlib-compressed (export it with condition-archive export captures)")
    label = LINK_COLUMNS.get(column)
    if label and isinstance(value, str) and value.startswith(f"/-/{column}?"):
        return Markup('<a href="{}">{}</a>').format(datasette.urls.path(value), label)
    return None


async def graph_page(request, datasette):
    db = datasette.get_database()
    args = request.args
    if not args.get("page") and not args.get("center"):
        return await _center_list(datasette, db)
    fmt = args.get("format") or "html"
    if fmt not in FORMATS:
        return _page("Bad format", f"<p>format must be one of {', '.join(FORMATS)}</p>", status=400)

    def build(conn):
        handle = sqlite_utils.Database(conn)
        page = args.get("page")
        url = center_url_of(handle, int(page)) if page and page.isdigit() else args.get("center") or ""
        return load_graph(handle, url, args.get("from") or None, args.get("to") or None)

    try:
        graph = await db.execute_fn(build)
    except NotFound as exc:
        return _page("Not found", f"{_nav(datasette, db.name)}<p>{escape(str(exc))}</p>", status=404)
    history = datasette.urls.database(db.name) + "/article_history?url="

    def card_link(card):
        return history + quote(card.href, safe="")

    if fmt != "html":
        headers = {"Content-Security-Policy": CSP}
        if fmt != "svg":
            headers["Content-Disposition"] = f'attachment; filename="center-graph.{fmt}"'
        return Response(render_graph(graph, fmt, card_link if fmt == "svg" else None), status=200,
                        headers=headers, content_type=CONTENT_TYPES[fmt])
    base = {k: v for k, v in (("center", graph.url), ("from", args.get("from")), ("to", args.get("to"))) if v}
    downloads = {f: datasette.urls.path("/-/graph?" + urlencode({**base, "format": f})) for f in ("svg", "graphml", "dot")}
    text = to_html(graph, card_link, downloads, back=(datasette.urls.database(db.name), "\u2190 archive"))
    return Response.html(text, headers={"Content-Security-Policy": CSP})


async def _center_list(datasette, db) -> Response:
    rows = (await db.execute(
        "SELECT p.id, p.url, p.title, (SELECT count(*) FROM versions v WHERE v.page_id = p.id) "
        "FROM pages p WHERE p.kind = 'center' ORDER BY p.url")).rows
    items = "".join(
        f'<li><a href="{escape(datasette.urls.path(f"/-/graph?page={r[0]}"))}">{escape(r[2] or r[1])}</a> '
        f"({escape(r[1])}, {r[3]} version{'s' if r[3] != 1 else ''})</li>" for r in rows)
    body = items and f"<ul>{items}</ul>" or "<p>No center in this archive yet: crawl one first.</p>"
    return _page("Centers", f"{_nav(datasette, db.name)}<h1>Centers: link structure over time</h1>"
                            f"<p>Pick a center to see its sections and cards, and what changed since the "
                            f"version before.</p>{body}")


async def diff_page(request, datasette):
    db = datasette.get_database()
    to_id, from_id = request.args.get("to", ""), request.args.get("from", "")
    if not to_id.isdigit() or (from_id and not from_id.isdigit()):
        return _page("Bad request", "<p>Give ?to=VERSION_ID (and optionally &amp;from=VERSION_ID): "
                                    "version ids are in the version_history view.</p>", status=400)

    def build(conn):
        handle = sqlite_utils.Database(conn)
        new = _version(handle, int(to_id))
        old = _version(handle, int(from_id)) if from_id else previous_version(handle, new)
        url = handle.execute("SELECT url FROM pages WHERE id = ?", [new["page_id"]]).fetchone()[0]
        cards = []
        if old is not None:
            cards = card_changes(comparable_cards(handle, old["id"], follow_moves=True),
                                 comparable_cards(handle, new["id"]))
        return url, old, new, cards

    try:
        url, old, new, cards = await db.execute_fn(build)
    except NotFound as exc:
        return _page("Not found", f"{_nav(datasette, db.name)}<p>{escape(str(exc))}</p>", status=404)
    return _page(f"Diff of {url}", _nav(datasette, db.name) + _diff_body(datasette, db.name, url, old, new, cards))


def _version(handle: sqlite_utils.Database, version_id: int) -> dict:
    rows = list(handle.query("SELECT * FROM versions WHERE id = ?", [version_id]))
    if not rows:
        raise NotFound(f"no version {version_id} in the archive: see the version_history view")
    return rows[0]


def _diff_body(datasette, db_name: str, url: str, old: dict | None, new: dict, cards) -> str:
    history = datasette.urls.database(db_name) + "/article_history?url=" + quote(url, safe="")
    head = (f"<h1>{escape(new['title'] or url)}</h1><p>{escape(url)} \u00b7 "
            f'<a href="{escape(history)}">all versions</a></p>')
    if old is None:
        return head + f"<p>Version {new['number']} is the page's first version: nothing to compare.</p>"
    head += (f"<p>version {old['number']} ({escape(old['created_at'])}, crawl {old['crawl_id']}, {escape(old['cause'])})"
             f" \u2192 version {new['number']} ({escape(new['created_at'])}, crawl {new['crawl_id']}, "
             f"{escape(new['cause'])})</p>")
    fields = "".join(f"<tr><td>{escape(name)}</td><td>{escape(repr(a))}</td><td>{escape(repr(b))}</td></tr>"
                     for name, a, b in field_changes(old, new))
    out = head + (f"<h2>Fields</h2><table><tr><th>field</th><th>before</th><th>after</th></tr>{fields}</table>"
                  if fields else "<p>No field changed.</p>")
    if cards:
        rows = "".join(f"<tr><td>{escape(c.change)}</td><td>{escape(c.title or c.old_title)}</td>"
                       f"<td>{escape(c.from_section)}</td><td>{escape(c.to_section)}</td><td>{escape(c.href)}</td></tr>"
                       for c in cards)
        out += ("<h2>Cards</h2><table><tr><th>change</th><th>card</th><th>from section</th><th>to section</th>"
                f"<th>links to</th></tr>{rows}</table>")
    diff = text_diff(old["body_text"], new["body_text"], f"v{old['number']}", f"v{new['number']}")
    return out + "<h2>Body text</h2>" + (_diff_pre(diff) if diff else "<p>Body text unchanged.</p>")


def _diff_pre(diff: str) -> str:
    classes = {"+": "add", "-": "del", "@": "hunk"}
    lines = []
    for line in diff.splitlines():
        kind = "hunk" if line.startswith(("+++", "---")) else classes.get(line[:1], "")
        lines.append(f'<span class="{kind}">{escape(line)}</span>' if kind else f"{escape(line)}\n")
    return '<pre class="diff">' + "".join(lines) + "</pre>"
