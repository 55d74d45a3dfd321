"""CLI exports: every row, streamed, in csv/json/jsonl; bad targets refused with the valid names."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from condition_archive.cli import main
from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.archive.export import ExportError, write


@pytest.fixture
def filled(tmp_db):
    db = open_archive(tmp_db)
    crawl = start_crawl(db, ["https://h/c"], {}, "t")
    with db.conn:  # fetches is a view: its triggers write the ledger
        db.conn.executemany("INSERT INTO fetches (crawl_id, url, outcome, status) VALUES (?, ?, 'fetched', 200)",
                            [(crawl, f"https://h/p{i}") for i in range(2500)])
    db.close()
    return tmp_db


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_writes_every_row_once(filled, fmt):
    db = open_archive(filled, readonly=True)
    out = io.StringIO()
    assert write(db, "fetches", fmt, out) == 2500
    text = out.getvalue()
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    elif fmt == "json":
        rows = json.loads(text)
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert [r["url"] for r in rows] == [f"https://h/p{i}" for i in range(2500)]


def test_empty_json_export_is_valid(tmp_db):
    db = open_archive(tmp_db)
    out = io.StringIO()
    assert write(db, "pages", "json", out) == 0
    assert json.loads(out.getvalue()) == []


def test_unknown_target_lists_the_valid_ones(filled):
    db = open_archive(filled, readonly=True)
    with pytest.raises(ExportError, match="choose one of .*articles.*center_articles.*fetches"):
        write(db, "nope", "csv", io.StringIO())


def test_canned_query_needs_its_parameters(filled):
    db = open_archive(filled, readonly=True)
    with pytest.raises(ExportError, match="-p center_url=VALUE"):
        write(db, "center_articles", "csv", io.StringIO())
    out = io.StringIO()
    assert write(db, "center_articles", "jsonl", out, {"center_url": "https://h/c"}) == 0


def test_cli_export_to_file_and_errors(filled, tmp_path):
    runner = CliRunner()
    target = tmp_path / "f.jsonl"
    result = runner.invoke(main, ["export", "fetches", "--db", str(filled), "--format", "jsonl", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(target.read_text().splitlines()) == 2500
    result = runner.invoke(main, ["export", "nope", "--db", str(filled), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "choose one of" in result.output
    assert not (tmp_path / "x.csv").exists()
    result = runner.invoke(main, ["export", "pages", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "no archive at" in result.output
