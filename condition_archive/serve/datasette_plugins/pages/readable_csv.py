"""CSV exports as a person reads them: a JSON list cell becomes its items joined by
"; " and an empty center section heading "(no heading)", as the HTML pages show them.

Datasette has no hook for CSV values, so this rewrites the response as it streams:
records are cut at a newline outside quotes (an even count of quote characters so
far: CSV doubles the quotes inside a field), re-read with the csv module, changed and
written again. Memory stays one record plus one chunk.
"""

from __future__ import annotations

import csv
import io
import json

LIST_COLUMNS = ("authors", "reviewers", "badges", "centers", "sections", "seeds")
NO_HEADING = "(no heading)"
# Tables and views whose `section`/`heading` column holds a center section heading
# (links.section is empty for a link outside every section: left alone).
HEADING_TABLES = ("cards", "sections", "center_cards", "center_articles", "center_as_of")


def readable(value: str, column: str, headings: bool) -> str:
    if column in LIST_COLUMNS and value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return value
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            return "; ".join(items)
    if headings and value == "" and column in ("section", "heading"):
        return NO_HEADING
    return value


class CsvRewriter:
    """Feed it the body's bytes chunk by chunk; it returns the rewritten bytes."""

    def __init__(self, table: str):
        self.headings = table in HEADING_TABLES
        self.columns: list[str] | None = None
        self.pending = ""
        self.quotes = 0  # quote characters in `pending`

    def feed(self, chunk: bytes, final: bool = False) -> bytes:
        text = chunk.decode("utf-8", errors="surrogateescape")
        out, start = [], 0
        for i, char in enumerate(text):
            if char == '"':
                self.quotes += 1
            elif char == "\n" and self.quotes % 2 == 0:
                out.append(self._record(self.pending + text[start:i + 1]))
                self.pending, start, self.quotes = "", i + 1, 0
        self.pending += text[start:]
        if final and self.pending:
            out.append(self._record(self.pending))
            self.pending = ""
        return "".join(out).encode("utf-8", errors="surrogateescape")

    def _record(self, text: str) -> str:
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) != 1:
            return text  # not one record (an error message Datasette wrote mid-stream): as it came
        row = rows[0]
        if self.columns is None:
            self.columns = row
            return text
        row = [readable(v, c, self.headings) for v, c in zip(row, self.columns)] + row[len(self.columns):]
        buf = io.StringIO()
        csv.writer(buf, lineterminator=text[len(text.rstrip("\r\n")):] or "").writerow(row)
        return buf.getvalue()


def wrap_send(send, table: str):
    """An ASGI `send` that rewrites a CSV response body (and drops its length)."""
    state: dict = {"rewriter": None}

    async def rewriting_send(message):
        if message["type"] == "http.response.start":
            headers = dict((k.lower(), v) for k, v in message.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/csv") or \
                    headers.get(b"content-type", b"").startswith(b"text/plain"):
                state["rewriter"] = CsvRewriter(table)
                message = {**message, "headers": [(k, v) for k, v in message.get("headers", [])
                                                  if k.lower() != b"content-length"]}
        elif message["type"] == "http.response.body" and state["rewriter"] is not None:
            more = message.get("more_body", False)
            message = {**message, "body": state["rewriter"].feed(message.get("body", b""), final=not more)}
        await send(message)

    return rewriting_send
