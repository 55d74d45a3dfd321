"""A number too large for SQLite (an id or crawl in a URL: /-/diff?to=99999999999999999999,
/-/capture?id=..., a row or query parameter) is a bad request, not a server error:
sqlite3 raises OverflowError before any query runs. Answered with a 400 page."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import Response


@hookimpl
def handle_exception(datasette, request, exception):
    if not isinstance(exception, OverflowError):
        return None
    return Response.html("<!doctype html><title>Bad request</title><h1>Bad request</h1>"
                         "<p>A number in this address is too large: ids and crawls are at most "
                         "9223372036854775807. Go back and pick one from a list.</p>", status=400)
