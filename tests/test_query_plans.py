"""The query plan of every canned query and view (EXPLAIN QUERY PLAN, on the schema as
applied): no AUTOMATIC index (SQLite building a throwaway index on every call, as the
missing index on pages.current_version_id made full-text search do) and no full scan
of a table that grows with the archive. Timing is for bench/query_bench.py."""

from __future__ import annotations

import re
import sqlite3

import pytest
from datasette.utils import escape_fts

from condition_archive.archive.db import load_schema, open_archive
from condition_archive.serve.metadata import canned_queries, load_datasette_config

LARGE = {"pages", "versions", "fetches", "ledger", "urls", "captures", "links", "link_runs", "link_block_items", "link_targets",
         "link_anchors",
         "date_evidence",
         "cards", "sections", "date_candidates", "changes",
         "card_changes"}
# Whole-archive questions: every row of that table is the answer's input.
ALLOWED_SCANS = {("dates_disagree", "date_candidates"): "every current page's date candidates are compared",
                 ("dates_disagree", "date_evidence"): "every current page's date candidates are compared"}
PARTIAL_INDEXES = {index["name"] for index in load_schema()["indexes"] if "where" in index}
NOT_ALIASES = {"on", "join", "left", "where", "cross", "inner", "group", "order", "limit", "using", "union", "as"}


def aliases(sql: str) -> dict[str, str]:
    """alias (or name) -> table, for the large tables a statement reads."""
    out = {}
    for table, alias in re.findall(r"\b(?:from|join)\s+([a-z_]+)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?", sql.lower()):
        if table in LARGE:
            out[table] = table
            if alias and alias not in NOT_ALIASES:
                out[alias] = table
    return out


def problems(name: str, sql: str, plan: list[str]) -> list[str]:
    views = load_schema()["views"]
    names = aliases(" ".join([sql] + [v["sql"] for n, v in views.items() if re.search(rf"\b{n}\b", sql)]))
    # An ordered scan that stops after one page (a view listed newest first) is not a full scan.
    stops_early = re.search(r"\blimit\s+\d+\s*$", sql.strip().lower()) and not any(
        "TEMP B-TREE FOR ORDER BY" in line for line in plan)
    out = []
    for line in plan:
        if "AUTOMATIC" in line:
            out.append(f"{name}: {line}")
        scanned = re.match(r"SCAN (\w+)", line)
        partial = re.search(r"USING (?:COVERING )?INDEX (\w+)", line)
        if partial and partial.group(1) in PARTIAL_INDEXES:
            continue  # a scan of a partial index reads only the rows it was made for
        if scanned and scanned.group(1) in names and not stops_early:
            if (name, names[scanned.group(1)]) not in ALLOWED_SCANS:
                out.append(f"{name}: full scan of {names[scanned.group(1)]} ({line})")
    return out


def statements() -> list[tuple[str, str, dict]]:
    """Every canned query, and each view as Datasette reads it: a page of the listing
    in its sort order, and a page of full-text search results."""
    out = []
    for name, query in canned_queries().items():
        params = {p: "1" for p in re.findall(r"(?<!:):([a-zA-Z_]\w*)", query["sql"])}
        out.append((name, query["sql"], params))
    tables = load_datasette_config()["tables"]
    for name in load_schema()["views"]:
        spec = tables.get(name, {})
        order = f"{spec['sort_desc']} DESC" if "sort_desc" in spec else spec.get("sort")
        order_by = f" ORDER BY {order}" if order else ""  # a view without a sort is read unsorted
        out.append((f"view {name}", f"SELECT * FROM {name}{order_by} LIMIT 51", {}))
        if "fts_table" in spec:
            match = (f"{spec['fts_pk']} IN (SELECT rowid FROM {spec['fts_table']} "
                     f"WHERE {spec['fts_table']} MATCH escape_fts(:search))")
            out.append((f"view {name} search", f"SELECT * FROM {name} WHERE {match}{order_by} LIMIT 51",
                        {"search": "pain"}))
    return out


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans") / "archive.db"
    open_archive(path).close()
    return path


def connect(path):
    conn = sqlite3.connect(path)
    conn.create_function("escape_fts", 1, escape_fts)  # as Datasette does
    return conn


@pytest.fixture(scope="module")
def conn(path):
    return connect(path)


@pytest.mark.parametrize(("name", "sql", "params"), statements(), ids=[s[0] for s in statements()])
def test_query_plan_uses_indexes(conn, name, sql, params):
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    assert not problems(name, sql, plan), "\n".join(plan)


def test_the_check_catches_what_it_is_for(path):
    """Without the index on pages.current_version_id, search builds an automatic one."""
    conn = connect(path)  # its own: a cached EXPLAIN keeps the plan it was prepared with
    conn.execute("DROP INDEX idx_pages_current_version_id")
    try:
        name, sql, params = next(s for s in statements() if s[0] == "view articles search")
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
        assert problems(name, sql, plan)
    finally:
        conn.execute("CREATE INDEX idx_pages_current_version_id ON pages (current_version_id)")
    assert problems("x", "SELECT * FROM links l WHERE text = 'a'", ["SCAN l"])
