"""The archive over time: crawl the sample site as it was in 2012, then in 2025,
then 2025 again, into one archive; assert exactly what changed and what did not."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner
from conftest import query as rows
from conftest import run_cli
from sample_truth import CENTER_PATH, changes, reachable_articles, truth

from condition_archive.cli import main
from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.sample_site import SampleSite

pytestmark = pytest.mark.crawl


def counts(db):
    return {t: rows(db, f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("captures", "versions", "cards", "links", "fetches")}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    db = tmp_path_factory.mktemp("history") / "archive.db"
    out = {"db": db, "stats": [], "counts": []}
    with SampleSite(version="2012") as site:
        out["base"] = site.base_url
        for version in ("2012", "2025", "2025"):
            site.set_version(version)
            site.reset_stats()
            run_cli("crawl", site.url(CENTER_PATH), "--db", str(db), "--delay", "0", "--log-level", "WARNING")
            out["stats"].append(site.stats)
            out["counts"].append(counts(db))
    return out


def changes_of(history, crawl_id):
    base = history["base"]
    got: dict[str, set] = {}
    for row in rows(history["db"], "SELECT change, url, detail FROM changes WHERE crawl_id = ?", crawl_id):
        got.setdefault(row["change"], set()).add(row["url"].removeprefix(base))
    return got


def test_second_crawl_finds_exactly_the_new_changed_removed_and_moved_pages(history):
    want = changes()
    got = changes_of(history, 2)
    assert set(want["new"]) <= got.get("new", set())
    assert set(want["changed"]) <= got.get("changed", set())
    assert set(want["removed"]) <= got.get("removed", set())
    assert got.get("moved", set()) == set(want["moved"])
    # Nothing the seeds call unchanged got a new version, nothing else was called new/changed.
    assert not set(want["unchanged"]) & (got.get("changed", set()) | got.get("new", set()))
    kinds = {r["url"].removeprefix(history["base"]): r["kind"] for r in rows(history["db"], "SELECT url, kind FROM pages")}
    content = {p for p, k in kinds.items() if k in ("article", "center")}
    assert got.get("new", set()) & content == set(want["new"])
    assert got.get("changed", set()) & content == set(want["changed"])
    moved = rows(history["db"], "SELECT url, state, moved_to FROM pages WHERE state = 'moved'")
    assert {(r["url"].removeprefix(history["base"]), r["moved_to"].removeprefix(history["base"])) for r in moved} \
        == set(want["moved"].items())


def test_crawl_rows_count_each_outcome(history):
    crawls = rows(history["db"], "SELECT * FROM crawls ORDER BY id")
    assert [c["status"] for c in crawls] == ["finished"] * 3
    second = crawls[1]
    assert second["moved"] == len(changes()["moved"])
    assert second["removed"] >= len(changes()["removed"])
    third = crawls[2]
    assert (third["pages_new"], third["pages_changed"], third["removed"], third["moved"]) == (0, 0, 0, 0)
    assert third["not_modified"] >= len(reachable_articles("2025")) + 1


def test_unchanged_recrawl_is_answered_by_304s_and_adds_no_capture_or_version(history):
    stats = history["stats"][2]
    assert stats["status"][304] >= len(reachable_articles("2025")) + 1
    before, after = history["counts"][1], history["counts"][2]
    for table in ("captures", "versions", "cards", "links"):
        assert after[table] == before[table], table
    assert after["fetches"] > before["fetches"]  # every request is still in the ledger
    outcomes = rows(history["db"], "SELECT outcome, count(*) AS n FROM fetches WHERE crawl_id = 3 GROUP BY outcome")
    assert {r["outcome"] for r in outcomes} <= {"not-modified", "redirected", "skipped", "robots-denied"}


def test_center_card_changes_between_2012_and_2025(history):
    base = history["base"]
    # A card is identified by the URL it links to, followed through the site's moves (301).
    moves = changes()["moved"]
    old = {moves.get(c["href"], c["href"]) for s in truth("2012")[CENTER_PATH]["sections"] for c in s["cards"]}
    new = {c["href"] for s in truth("2025")[CENTER_PATH]["sections"] for c in s["cards"]}
    card_rows = rows(history["db"], "SELECT change, href FROM card_changes WHERE crawl_id = 2")
    by_change: dict[str, set] = {}
    for r in card_rows:
        by_change.setdefault(r["change"], set()).add(r["href"].removeprefix(base))
    assert by_change.get("added", set()) == new - old
    assert by_change.get("removed", set()) == old - new
    assert by_change.get("moved", set()) == old & new  # 2012 had one unheaded list
    assert rows(history["db"], "SELECT count(*) AS n FROM card_changes WHERE crawl_id = 3")[0]["n"] == 0


def test_diff_and_show_as_of(history):
    db, base = str(history["db"]), history["base"]
    runner = CliRunner()
    changed = base + changes()["changed"][0]
    result = runner.invoke(main, ["diff", changed, "--db", db, "--from", "1", "--to", "2"])
    assert result.exit_code == 0, result.output
    assert "v1" in result.output and "v2" in result.output and ("\n+" in result.output or "card" in result.output)
    center = base + CENTER_PATH
    result = runner.invoke(main, ["show", center, "--db", db, "--as-of", "1"])
    assert result.exit_code == 0, result.output
    assert truth("2012")[CENTER_PATH]["sections"][0]["cards"][0]["title"] in result.output
    result = runner.invoke(main, ["show", center, "--db", db])
    for section in truth("2025")[CENTER_PATH]["sections"]:
        assert f"== {section['heading']}" in result.output
    result = runner.invoke(main, ["show", center, "--db", db, "--as-of", "1999-01-01"])
    assert result.exit_code == 1 and "no version stood at" in result.output
    result = runner.invoke(main, ["diff", base + "/nope", "--db", db])
    assert result.exit_code == 1 and "not in the archive" in result.output


def test_canned_center_as_of_matches_show(history):
    from condition_archive.archive.export import write
    from condition_archive.archive.db import open_archive
    import io, json

    db = open_archive(history["db"], readonly=True)
    out = io.StringIO()
    today = rows(history["db"], "SELECT substr(max(created_at), 1, 10) AS d FROM versions")[0]["d"]
    write(db, "center_as_of", "json", out, {"center_url": history["base"] + CENTER_PATH, "when": today})
    got = [r["title"] for r in json.loads(out.getvalue())]
    assert got == [c["title"] for s in truth("2025")[CENTER_PATH]["sections"] for c in s["cards"]]


def test_reprocess_is_idempotent_and_labelled(history, tmp_path):
    import shutil

    copy = tmp_path / "copy.db"
    src = sqlite3.connect(history["db"])
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    before = counts(copy)
    first = run_cli("reprocess", "--db", str(copy))
    assert "reprocessed" in first.stdout
    middle = counts(copy)
    second = run_cli("reprocess", "--db", str(copy))
    assert "0 new versions" in second.stdout
    assert counts(copy) == middle
    assert middle["captures"] == before["captures"] and middle["fetches"] == before["fetches"]
    for row in rows(copy, "SELECT v.cause FROM versions v JOIN changes c ON c.to_version_id = v.id "
                          "WHERE c.change = 'reprocessed'"):
        assert row["cause"] == "reprocess"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_second_writer_is_refused_while_a_crawl_holds_the_lock(tmp_db):
    with CrawlLock(tmp_db):
        with pytest.raises(CrawlBusy, match="another crawl"):
            CrawlLock(tmp_db).acquire()
        proc = run_cli("crawl", "http://127.0.0.1:9/x", "--db", str(tmp_db), "--delay", "0", check=False)
        assert proc.returncode != 0 and "another crawl" in proc.stderr
    CrawlLock(tmp_db).acquire()
