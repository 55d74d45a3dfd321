"""What every archive page shares: its Content-Security-Policy, rendering through
Datasette's templates, error pages, and the pickers' options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from datasette.utils.asgi import Response

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# No script at all; Datasette's own stylesheet and inline styles; frames only from
# this server (the capture view); forms only to this server.
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; "
       "base-uri 'none'; form-action 'self'")
NO_HEADING = "(no heading)"


def heading(value: str | None) -> str:
    return value if value else NO_HEADING


async def render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    db = datasette.get_database()
    context = {"database": db.name, "db_url": datasette.urls.database(db.name), **context}
    text = await datasette.render_template(template, context, request=request)
    return Response.html(text, status=status, headers={"Content-Security-Policy": CSP})


async def message(datasette, request, title: str, text: str, status: int) -> Response:
    return await render(datasette, request, "ca_message.html", {"title": title, "text": text}, status)


def path(datasette, route: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return datasette.urls.path(route + ("?" + query if query else ""))


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def version_label(v: dict) -> str:
    return f"version {v['number']} \u2014 {v['created_at'][:16].replace('T', ' ')} (crawl {v['crawl_id']}, {v['cause']})"


def page_versions(conn, url: str) -> list[dict]:
    rows = conn.execute(
        "SELECT v.id, v.number, v.created_at, v.crawl_id, v.cause, v.kind, v.title FROM versions v "
        "JOIN pages p ON p.id = v.page_id WHERE p.url = ? ORDER BY v.number", [url]).fetchall()
    keys = ("id", "number", "created_at", "crawl_id", "cause", "kind", "title")
    return [dict(zip(keys, r)) for r in rows]


def crawl_options(conn) -> list[Option]:
    rows = conn.execute("SELECT id, started_at, status FROM crawls ORDER BY id").fetchall()
    return [Option(str(r[0]), f"crawl {r[0]} \u2014 {(r[1] or '')[:16].replace('T', ' ')} ({r[2]})") for r in rows]


def center_options(conn) -> list[Option]:
    rows = conn.execute("SELECT url, coalesce(nullif(title, ''), url) FROM pages WHERE kind = 'center' "
                        "ORDER BY 2, 1").fetchall()
    return [Option(r[0], r[1]) for r in rows]
