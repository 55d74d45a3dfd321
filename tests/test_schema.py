"""The declarative schema: applied idempotently, every column described, Datasette metadata complete."""

from __future__ import annotations

import re

import pytest

from condition_archive.archive.db import ArchiveError, load_schema, open_archive
from condition_archive.serve.metadata import build_metadata, canned_queries


def test_every_table_view_and_column_is_described():
    schema = load_schema()
    for name, table in schema["tables"].items():
        assert table.get("description"), name
        key = table.get("primary_key", ["id"])  # a table of its own key's order: integer columns
        assert all(table["columns"][c]["type"] == "integer" for c in key), f"{name} needs an integer id"
        for col, spec in table["columns"].items():
            assert spec.get("description"), f"{name}.{col} has no description"
    for name, view in schema["views"].items():
        assert view.get("description"), name


def test_view_columns_described_match_the_view(tmp_db):
    db = open_archive(tmp_db)
    for name, view in load_schema()["views"].items():
        assert db[name].columns_dict.keys() == view["columns"].keys(), name


def test_schema_applies_twice_and_matches_the_declaration(tmp_db):
    open_archive(tmp_db).close()
    db = open_archive(tmp_db)
    for name, table in load_schema()["tables"].items():
        assert list(db[name].columns_dict) == list(table["columns"]), name
    assert db["pages"].pks == ["id"]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db["versions_fts"].exists() and db["cards_fts"].exists()


def test_metadata_covers_every_column_and_canned_queries_compile(tmp_db):
    db = open_archive(tmp_db)
    meta = build_metadata("archive")["databases"]["archive"]
    for name in db.table_names():
        if "_fts" in name:
            continue
        cols = meta["tables"][name]["columns"]
        assert set(cols) == set(db[name].columns_dict), name
    for name, query in canned_queries().items():
        assert query.get("description"), name
        names = set(re.findall(r"(?<!:):([a-zA-Z_]\w*)", query["sql"]))
        db.execute("EXPLAIN " + query["sql"], {p: "1" for p in names})


def test_not_an_archive_is_refused_with_a_remedy(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes")
    with pytest.raises(ArchiveError, match="not a SQLite archive"):
        open_archive(bogus)
    assert bogus.read_text() == "these are my notes"
    with pytest.raises(ArchiveError, match="no archive at"):
        open_archive(tmp_path / "missing.db", readonly=True)


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path):
    import sqlite3

    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    with pytest.raises(ArchiveError, match="not a condition archive"):
        open_archive(other)
    assert other.read_bytes() == before


def test_schema_loads_as_pure_python_yaml_reads_it():
    """load_schema uses libyaml's loader when PyYAML has one (crawl start-up CPU):
    the same dict as yaml.safe_load."""
    import yaml

    from condition_archive.archive.db import SCHEMA_FILE, load_schema

    assert load_schema() == yaml.safe_load(SCHEMA_FILE.read_text(encoding="utf-8"))
