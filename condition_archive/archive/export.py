"""Stream every row of a table, view or canned query as CSV, JSON or JSON lines.

Rows go from the SQLite cursor to the output one at a time, so memory stays flat
however many rows there are (Datasette's own SQL exports stop at 1,000 rows).
Blobs are written as base64 text.
"""

from __future__ import annotations

import base64
import csv
import json
import re
from collections.abc import Iterator
from typing import TextIO

import sqlite_utils

from condition_archive.serve.metadata import canned_queries

FORMATS = ("csv", "json", "jsonl")


class ExportError(ValueError):
    """The export target or its parameters are wrong; the message says what is valid."""


def export_sql(db: sqlite_utils.Database, target: str, params: dict[str, str]) -> tuple[str, dict]:
    """The SQL (and parameters) that selects every row of `target`."""
    if target in db.table_names():
        return f"SELECT * FROM [{target}] ORDER BY id", {}
    if target in db.view_names():
        return f"SELECT * FROM [{target}]", {}
    queries = canned_queries()
    if target in queries:
        sql = queries[target]["sql"]
        wanted = sorted(set(re.findall(r"(?<!:):([a-zA-Z_]\w*)", sql)))
        missing = [name for name in wanted if name not in params]
        if missing:
            flags = " ".join(f"-p {name}=VALUE" for name in missing)
            raise ExportError(f"canned query {target!r} needs parameters: add {flags}")
        return sql, {name: params[name] for name in wanted}
    names = sorted(set(db.table_names()) | set(db.view_names()) | set(queries))
    names = [n for n in names if "_fts" not in n]
    raise ExportError(f"no table, view or canned query named {target!r}: choose one of {', '.join(names)}")


def _cell(value):
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def rows(db: sqlite_utils.Database, sql: str, params: dict) -> tuple[list[str], Iterator[tuple]]:
    cursor = db.conn.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return columns, (tuple(_cell(v) for v in row) for row in cursor)


def write(db: sqlite_utils.Database, target: str, fmt: str, out: TextIO,
          params: dict[str, str] | None = None) -> int:
    """Write every row of `target` to `out` in `fmt`; return the row count."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    sql, bound = export_sql(db, target, params or {})
    columns, it = rows(db, sql, bound)
    count = 0
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for count, row in enumerate(it, 1):
            writer.writerow(row)
    elif fmt == "jsonl":
        for count, row in enumerate(it, 1):
            out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")
    else:
        out.write("[")
        for count, row in enumerate(it, 1):
            out.write(("\n" if count == 1 else ",\n") + json.dumps(dict(zip(columns, row)), ensure_ascii=False))
        out.write("\n]\n" if count else "]\n")
    return count
