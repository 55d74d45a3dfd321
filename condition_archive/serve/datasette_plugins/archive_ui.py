"""Datasette plugin for condition-archive (loaded by serve.py with --plugins-dir).

Pages (pages/, rendered with Datasette's templates from templates/):
- /-/graph?center=URL[&from=WHEN&to=WHEN&links=on&format=html|svg|graphml|dot]: a
  center's sections and cards, and what changed, as a picture; /-/graph alone lists the centers.
- /-/diff?url=URL or ?to=VERSION_ID[&from=VERSION_ID]: how a page changed: kind of
  change, fields, cards, and the body word by word side by side.
- /-/history?url=URL: a page's timeline (captures, versions coloured by kind of change).
- /-/capture?id=N: a stored capture in a sandboxed frame, under a banner with its time and hash.
- /-/search?q=WORDS[&order=date&versions=all]: the `search` canned query behind a form.

Cells: values as a person reads them (JSON lists as lists, an empty section heading as
"(no heading)", search matches highlighted) and row links (a page to its history, a
change to its diff, a card to the archived article). JSON exports carry those lists as
arrays, CSV exports as "a; b". Everything archived is escaped, and the pages send a Content-Security-Policy
that allows no script: archived HTML never runs here.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from condition_archive.serve.datasette_plugins.pages.capture import capture_page, capture_raw
from condition_archive.serve.datasette_plugins.pages.common import NO_HEADING, TEMPLATES
from condition_archive.serve.datasette_plugins.pages.diff import diff_page
from condition_archive.serve.datasette_plugins.pages.graph import graph_page
from condition_archive.serve.datasette_plugins.pages.history import history_page
from condition_archive.serve.datasette_plugins.pages.readable_csv import wrap_send
from condition_archive.serve.datasette_plugins.pages.search import search_page

LINK_COLUMNS = {"diff": "diff", "graph": "picture"}
LIST_COLUMNS = ("authors", "reviewers", "badges", "centers", "sections", "seeds")
URL_COLUMNS = ("url", "href", "center_url", "from_url", "target")
# Views built over compact tables (issue 16) have no foreign keys for Datasette to link:
# their key columns link to the row they name, as the tables' did.
VIEW_KEYS = {("fetches", "crawl_id"): "crawls", ("fetches", "capture_id"): "captures",
             ("fetches", "page_id"): "pages", ("links", "version_id"): "versions",
             ("date_candidates", "version_id"): "versions"}
HEADING_COLUMNS = ("section", "heading")
MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"  # what the search query's snippet() puts around a match


@hookimpl
def register_routes():
    return [(r"^/-/graph$", graph_page), (r"^/-/diff$", diff_page), (r"^/-/history$", history_page),
            (r"^/-/capture$", capture_page), (r"^/-/capture/raw$", capture_raw), (r"^/-/search$", search_page)]


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), env.loader])


@hookimpl
def menu_links(datasette):
    return [{"href": datasette.urls.path("/-/search"), "label": "Search the archive"},
            {"href": datasette.urls.path("/-/graph"), "label": "Center link graphs"},
            {"href": datasette.urls.path("/-/history"), "label": "A page over time"}]


@hookimpl
def asgi_wrapper(datasette):
    """JSON exports carry the JSON list columns as arrays (Datasette's own `_json=`
    option, on by default here), not as strings holding JSON; CSV exports carry a
    list's items joined by "; " and "(no heading)" for an empty section heading."""
    def wrap(app):
        async def readable_exports(scope, receive, send):
            path = scope.get("path", "") if scope.get("type") == "http" else ""
            if path.endswith(".json"):
                args = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                if not any(k == "_json" for k, _ in args):
                    args += [("_json", c) for c in LIST_COLUMNS]
                    scope = {**scope, "query_string": urlencode(args).encode("latin-1")}
            elif path.endswith(".csv"):
                send = wrap_send(send, path.rsplit("/", 1)[-1][:-4])
            await app(scope, receive, send)
        return readable_exports
    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if table == "captures" and column == "body" and isinstance(value, bytes):
        codec = _raw(row["compression"]) if "compression" in row.keys() else None
        return Markup("{} bytes, {}-compressed (see it as captured: /-/capture?id={})").format(
            f"{len(value):,}", codec or "un", _raw(row["id"]))
    key_of = VIEW_KEYS.get((table, column))
    if key_of and isinstance(value, int):
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, key_of, str(value)), value)
    label = LINK_COLUMNS.get(column)
    if label and isinstance(value, str) and value.startswith(f"/-/{column}?"):
        return Markup('<a href="{}">{}</a>').format(datasette.urls.path(value), label)
    if not isinstance(value, str):
        return None
    if column in LIST_COLUMNS and value.startswith("["):
        return _list(value)
    if MARK_OPEN in value:
        return Markup(str(escape(value)).replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>"))
    if value == "" and _is_heading(row, column, table):
        return Markup('<span class="ca-empty">{}</span>').format(NO_HEADING)
    if table in ("changes", "card_changes") and column == "change":
        return _change_link(row, value, datasette)
    if column in URL_COLUMNS and value.startswith(("http://", "https://")) and table != "fetches":
        history = datasette.urls.path("/-/history?url=" + quote(value, safe=""))
        return Markup('<a href="{}" title="this page in the archive">{}</a> '
                      '<a href="{}" title="the live page" rel="noreferrer">\u2197</a>').format(history, value, value)
    return None


def _list(value: str) -> Markup | None:
    try:
        items = json.loads(value)
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    if not items:
        return Markup('<span class="ca-empty">none</span>')
    return Markup('<ul style="margin:0;padding-left:1.1em">{}</ul>').format(
        Markup("").join(Markup("<li>{}</li>").format(NO_HEADING if i == "" else i) for i in items))


def _is_heading(row, column: str, table: str | None) -> bool:
    if table == "links":
        return False  # a link outside every section has no section, not an unnamed one
    if table == "card_changes" and column in ("from_section", "to_section"):
        applies = {"from_section": ("removed", "moved"), "to_section": ("added", "moved", "retitled")}
        return row["change"] in applies[column]
    return column in HEADING_COLUMNS


def _raw(value):
    """A foreign key cell arrives as {"value": ..., "label": ...} on table pages."""
    return value.get("value") if isinstance(value, dict) else value


def _change_link(row, value: str, datasette) -> Markup | None:
    old, new = (_raw(row[c]) for c in ("from_version_id", "to_version_id"))
    if not (old and new):
        return None
    return Markup('<a href="{}">{}</a>').format(
        datasette.urls.path(f"/-/diff?from={int(old)}&to={int(new)}"), value)
