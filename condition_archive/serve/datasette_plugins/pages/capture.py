"""/-/capture?id=N: a stored capture as it was served, in a sandboxed frame under
a banner giving when it was captured and its hash; /-/capture/raw?id=N is the
frame's content.

The raw bytes go out with `Content-Security-Policy: sandbox` and nothing allowed
but inline styles and data: images: no script runs, no request leaves the frame
(no images, fonts, stylesheets or frames from anywhere), forms and popups are off.
A meta refresh is removed (it would navigate the frame) and links open nothing.
"""

from __future__ import annotations

import re

from datasette.utils.asgi import Response

from condition_archive.archive.codec import CaptureReadError, Codecs

from .common import message, path, render

RAW_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
_REFRESH = re.compile(rb"<meta[^>]+http-equiv\s*=\s*[\"']?refresh[^>]*>", re.I)
_HEAD = re.compile(rb"<head[^>]*>", re.I)
# Links in the frame target a new window, which the sandbox (no allow-popups) refuses.
_BASE = b'<base target="_blank">'


def _capture(conn, capture_id: int) -> dict | None:
    row = conn.execute("SELECT id, sha256, sha1_b32, size, compression, content_type, first_seen "
                       "FROM captures WHERE id = ?", [capture_id]).fetchone()
    if row is None:
        return None
    keys = ("id", "sha256", "sha1_b32", "size", "compression", "content_type", "first_seen")
    data = dict(zip(keys, row))
    try:
        data["raw"] = Codecs(conn).read(capture_id)
    except CaptureReadError as exc:
        data["raw"], data["problem"] = None, str(exc)
    data["fetches"] = conn.execute(
        "SELECT url, fetched_at, crawl_id FROM fetches WHERE capture_id = ? AND outcome = 'fetched' "
        "ORDER BY fetched_at, id LIMIT 20", [capture_id]).fetchall()
    return data


def raw_bytes(capture: dict) -> bytes:
    if capture["raw"] is None:
        raise ValueError(capture["problem"])
    body = capture["raw"]
    body = _REFRESH.sub(b"", body)
    head = _HEAD.search(body)
    return body[:head.end()] + _BASE + body[head.end():] if head else _BASE + body


async def _load(datasette, request):
    capture_id = request.args.get("id", "")
    if not capture_id.isdigit():
        return None, await message(datasette, request, "Which capture?",
                                   "Give ?id=N: follow an \u201cas captured\u201d link on a page's timeline.", 400)
    data = await datasette.get_database().execute_fn(lambda conn: _capture(conn, int(capture_id)))
    if data is None:
        return None, await message(datasette, request, "Not found", f"no capture {capture_id} in the archive.", 404)
    return data, None


async def capture_page(request, datasette):
    data, error = await _load(datasette, request)
    if error:
        return error
    first = data["fetches"][0] if data["fetches"] else (None, data["first_seen"], None)
    return await render(datasette, request, "ca_capture.html", {
        "title": f"As captured: {first[0] or 'capture ' + str(data['id'])}", "c": data, "url": first[0],
        "captured": first[1],  # the fetch's time (a web-archive import's: the record's date)
        "raw": path(datasette, "/-/capture/raw", id=data["id"]),
        "history": path(datasette, "/-/history", url=first[0]) if first[0] else None})


async def capture_raw(request, datasette):
    data, error = await _load(datasette, request)
    if error:
        return error
    try:
        body = raw_bytes(data)
    except ValueError as exc:
        return await message(datasette, request, "Cannot show this capture", str(exc), 500)
    ctype = data["content_type"] or "text/html"
    if not ctype.startswith(("text/html", "application/xhtml")):
        ctype = "text/plain; charset=utf-8"  # anything else is shown as text, never interpreted
    return Response(body, status=200, content_type=ctype,
                    headers={"Content-Security-Policy": RAW_CSP, "X-Content-Type-Options": "nosniff",
                             "Referrer-Policy": "no-referrer"})
