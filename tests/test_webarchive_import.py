"""`condition-archive import`: WARCs written (with warcio) from the sample site as a
web archive kept it in 2012 and 2025 become dated history; WARCs written by other
tools (pywb's bundled samples: wpull, and a real capture of iana.org) import too."""

from __future__ import annotations

import shutil
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, query, run_cli
from sample_truth import CENTER_PATH, changes, reachable_articles, truth
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from condition_archive.cli import main
from condition_archive.sample_site import SampleSite
from condition_archive.webarchive.sample_warc import SiteWarc

MOVED = next(iter(changes()["moved"]))
GONE = changes()["removed"][0]
PYWB_SAMPLES = REPO / ".venv-pywb" / "sample_archive" / "warcs"


def write_history(folder: Path, site: SampleSite) -> dict[str, Path]:
    """2012: two captures of every page (the second ones revisits), a request and a
    metadata record; 2025: the new site, a 301 and a 410 capture."""
    old_paths = [CENTER_PATH, *reachable_articles("2012")]
    site.set_version("2012")
    with SiteWarc(folder / "2012.warc.gz") as warc:
        for path in old_paths:
            warc.capture(site.url(path), "2012-06-01T10:00:00Z")
        request = warc.writer.create_warc_record(
            site.url(CENTER_PATH), "request", payload=BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {CENTER_PATH} HTTP/1.1", [("Host", "x")], is_http_request=True))
        warc.writer.write_record(request)
        meta = warc.writer.create_warc_record(site.url(CENTER_PATH), "metadata", payload=BytesIO(b"via: test"),
                                              warc_content_type="application/warc-fields")
        warc.writer.write_record(meta)
        for path in old_paths:
            warc.capture(site.url(path), "2012-11-01T10:00:00Z")
    site.set_version("2025")
    with SiteWarc(folder / "2025.warc.gz") as warc:
        for path in [CENTER_PATH, *reachable_articles("2025"), MOVED, GONE]:
            warc.capture(site.url(path), "2025-03-01T10:00:00Z")
    return {"2012": folder / "2012.warc.gz", "2025": folder / "2025.warc.gz"}


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warcs")
    with SampleSite(version="2012") as site:
        files = write_history(folder, site)
        files["base"] = site.base_url
        files["site"] = site
        yield files


def imported(tmp_path, *files) -> Path:
    db = tmp_path / "archive.db"
    for f in files:
        result = CliRunner().invoke(main, ["import", str(f), "--db", str(db)])
        assert result.exit_code == 0, result.output
    return db


def counts(db) -> dict:
    return {t: query(db, f"SELECT count(*) AS n FROM {t}")[0]["n"]
            for t in ("crawls", "captures", "versions", "changes", "card_changes", "fetches", "cards", "links")}


def center_history(db, base) -> list[tuple]:
    return [(r["number"], r["captured_at"], r["content_hash"]) for r in query(
        db, "SELECT v.number, v.captured_at, v.content_hash FROM versions v JOIN pages p ON p.id = v.page_id "
            "WHERE p.url = ? ORDER BY v.number", base + CENTER_PATH)]


def test_import_dates_versions_by_warc_date_and_show_as_of_answers_2012(warcs, tmp_path):
    db = imported(tmp_path, warcs["2012"], warcs["2025"])
    center = warcs["base"] + CENTER_PATH
    history = center_history(db, warcs["base"])
    assert [(n, t) for n, t, _ in history] == [(1, "2012-06-01T10:00:00+00:00"), (2, "2025-03-01T10:00:00+00:00")]
    result = CliRunner().invoke(main, ["show", center, "--db", str(db), "--as-of", "2013-01-01"])
    assert result.exit_code == 0, result.output
    assert "captured 2012-06-01" in result.output
    assert truth("2012")[CENTER_PATH]["sections"][0]["cards"][0]["title"] in result.output
    result = CliRunner().invoke(main, ["diff", center, "--db", str(db), "--from", "2012", "--to", "2025"])
    assert result.exit_code == 0 and "v1 (2012-06-01" in result.output and "v2 (2025-03-01" in result.output
    # The change lies between the last capture of the old version and the first of the new.
    change = query(db, "SELECT from_captured_at, to_captured_at FROM changes WHERE url = ? AND change = 'changed'",
                   center)
    assert change == [{"from_captured_at": "2012-11-01T10:00:00+00:00", "to_captured_at": "2025-03-01T10:00:00+00:00"}]
    cards = query(db, "SELECT DISTINCT from_captured_at, to_captured_at FROM card_changes")
    assert cards == change


def test_revisits_resolve_and_other_records_are_ledger_rows_with_their_origin(warcs, tmp_path):
    db = imported(tmp_path, warcs["2012"])
    rows = query(db, "SELECT outcome, reason, source, source_offset, source_record, fetched_at FROM fetches")
    november = [r for r in rows if r["fetched_at"].startswith("2012-11")]
    # Every page's second capture is a revisit record, resolved to the first capture's body.
    assert len(november) == len(reachable_articles("2012")) + 1
    assert {r["outcome"] for r in november} == {"fetched"}
    assert query(db, "SELECT count(*) AS n FROM versions")[0]["n"] == len(reachable_articles("2012")) + 1
    kinds = {r["reason"] for r in rows if r["outcome"] == "skipped"}
    assert {"WARC request record", "WARC metadata record", "WARC warcinfo record"} >= kinds >= {
        "WARC request record", "WARC metadata record"}
    # source + offset point at the record itself.
    with open(warcs["2012"], "rb") as fh:
        for row in rows[:6]:
            fh.seek(row["source_offset"])
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == row["source_record"]
            assert row["source"] == str(warcs["2012"])


def test_import_order_does_not_matter_and_redirect_and_404_captures_end_pages(warcs, tmp_path):
    forward = imported(tmp_path / "a", warcs["2012"], warcs["2025"])
    backward = imported(tmp_path / "b", warcs["2025"], warcs["2012"])
    base = warcs["base"]
    assert center_history(forward, base) == center_history(backward, base)
    card_sql = "SELECT change, href, title, from_captured_at, to_captured_at FROM card_changes ORDER BY 1, 2, 3"
    assert query(forward, card_sql) == query(backward, card_sql) != []
    for db in (forward, backward):
        pages = {r["url"].removeprefix(base): r for r in query(db, "SELECT url, state, moved_to FROM pages")}
        assert pages[GONE]["state"] == "gone"
        assert (pages[MOVED]["state"], pages[MOVED]["moved_to"]) == ("moved", base + changes()["moved"][MOVED])
        current = query(db, "SELECT v.captured_at FROM pages p JOIN versions v ON v.id = p.current_version_id "
                            "WHERE p.url = ?", base + CENTER_PATH)
        assert current == [{"captured_at": "2025-03-01T10:00:00+00:00"}]


def test_importing_twice_adds_nothing(warcs, tmp_path):
    db = imported(tmp_path, warcs["2012"], warcs["2025"])
    before = counts(db)
    imported(tmp_path, warcs["2012"], warcs["2025"])
    assert counts(db) == before


def test_revisits_read_before_their_originals_resolve_when_the_originals_come(warcs, tmp_path):
    clean = imported(tmp_path / "clean", warcs["2012"])
    rows = query(clean, "SELECT source_offset, outcome FROM fetches ORDER BY source_offset")
    data = warcs["2012"].read_bytes()
    ends = [r["source_offset"] for r in rows[1:]] + [len(data)]
    revisits, originals = tmp_path / "revisits.warc.gz", tmp_path / "originals.warc.gz"
    november = {r["source_offset"] for r in query(clean, "SELECT source_offset FROM fetches "
                                                         "WHERE fetched_at LIKE '2012-11%'")}
    revisits.write_bytes(b"".join(data[r["source_offset"]:end] for r, end in zip(rows, ends)
                                  if r["source_offset"] in november))
    originals.write_bytes(b"".join(data[r["source_offset"]:end] for r, end in zip(rows, ends)
                                   if r["source_offset"] not in november))
    db = imported(tmp_path, revisits)
    assert {r["reason"].split(" (")[0] for r in query(db, "SELECT reason FROM fetches")} == {
        "revisit of a record not in the archive"}
    before = counts(db)
    imported(tmp_path, revisits)
    assert counts(db) == before  # still unresolved: nothing added
    imported(tmp_path, originals, revisits)
    sql = "SELECT url, fetched_at, outcome FROM fetches ORDER BY fetched_at, url"
    assert query(db, sql) == query(clean, sql)
    assert center_history(db, warcs["base"]) == center_history(clean, warcs["base"])


def test_wacz_imports_like_its_warc(warcs, tmp_path):
    wacz = tmp_path / "site.wacz"
    with zipfile.ZipFile(wacz, "w") as zf:
        zf.write(warcs["2012"], "archive/2012.warc.gz")
        zf.writestr("datapackage.json", "{}")
    from_warc = imported(tmp_path / "w", warcs["2012"])
    from_wacz = imported(tmp_path / "z", wacz)
    assert center_history(from_wacz, warcs["base"]) == center_history(from_warc, warcs["base"])
    assert query(from_wacz, "SELECT DISTINCT source FROM fetches") == [{"source": f"{wacz}!archive/2012.warc.gz"}]


def test_corrupt_and_truncated_records_are_ledger_rows_and_the_rest_imports(warcs, tmp_path):
    clean = imported(tmp_path / "clean", warcs["2012"])
    offsets = [r["source_offset"] for r in query(clean, "SELECT source_offset FROM fetches ORDER BY source_offset")]
    # Garbage inside the fourth record's gzip member.
    data = bytearray(warcs["2012"].read_bytes())
    data[offsets[3] + 20:offsets[3] + 60] = b"\x00" * 40
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(bytes(data))
    # An uncompressed WARC cut inside its last record's payload.
    site = warcs["site"]
    site.set_version("2012")
    with SiteWarc(tmp_path / "cut.warc") as warc:
        for path in (CENTER_PATH, *reachable_articles("2012")[:2]):
            warc.capture(site.url(path), "2012-06-01T10:00:00Z")
    cut = tmp_path / "cut.warc"
    cut.write_bytes(cut.read_bytes()[:-300])
    db = imported(tmp_path, bad, cut)
    errors = query(db, "SELECT reason, source, source_offset FROM fetches WHERE outcome = 'error'")
    assert [e["source"] for e in errors] == [str(bad), str(cut)]
    assert errors[0]["source_offset"] == offsets[3]
    assert errors[0]["reason"].startswith("unreadable record: ")
    assert "payload digest mismatch" in errors[1]["reason"]
    per_file = {r["source"]: r["n"] for r in query(db, "SELECT source, count(*) AS n FROM fetches "
                                                        "WHERE outcome = 'fetched' GROUP BY source")}
    # All but the 2 non-captures, the bad record, and the revisit that pointed at it.
    assert per_file == {str(bad): len(offsets) - 4, str(cut): 2}
    assert len(query(db, "SELECT 1 FROM fetches WHERE reason LIKE 'revisit of a record not in the archive%'")) == 1
    assert CliRunner().invoke(main, ["import", str(bad), str(cut), "--db", str(db)]).exit_code == 0
    assert query(db, "SELECT count(*) AS n FROM fetches WHERE outcome = 'error'")[0]["n"] == 2


def test_warcs_written_by_other_tools_import(tmp_path):
    if not PYWB_SAMPLES.is_dir():
        pytest.fail("pywb is not installed: run scripts/install-pywb.sh (./dev test does)")
    files = [PYWB_SAMPLES / "example-wpull.warc.gz", PYWB_SAMPLES / "iana.warc.gz"]
    db = imported(tmp_path, *files)
    pages = {r["url"]: r for r in query(db, "SELECT p.url, v.title, v.captured_at FROM pages p "
                                            "JOIN versions v ON v.id = p.current_version_id")}
    assert pages["http://example.com/"]["title"] == "Example Domain"
    assert pages["http://example.com/"]["captured_at"].startswith("2015-03-30")
    assert pages["http://www.iana.org/"]["captured_at"].startswith("2014-01-26")
    outcomes = {r["outcome"] for r in query(db, "SELECT DISTINCT outcome FROM fetches")}
    assert {"fetched", "redirected", "skipped"} <= outcomes


def test_history_imported_after_a_live_crawl_goes_before_it(warcs, tmp_path):
    db = tmp_path / "archive.db"
    site, base = warcs["site"], warcs["base"]
    site.set_version("2025")
    run_cli("crawl", site.url(CENTER_PATH), "--db", str(db), "--delay", "0", "--log-level", "WARNING")
    live = query(db, "SELECT id, current_version_id FROM pages WHERE url = ?", base + CENTER_PATH)[0]
    shutil.copy(db, tmp_path / "before.db")
    imported(tmp_path, warcs["2012"])
    history = query(db, "SELECT v.id, v.number, v.cause, v.crawl_id FROM versions v WHERE v.page_id = ? "
                        "ORDER BY v.number", live["id"])
    assert [(h["number"], h["cause"]) for h in history] == [(1, "import"), (2, "crawl")]
    assert history[1]["id"] == live["current_version_id"]
    assert query(db, "SELECT current_version_id FROM pages WHERE id = ?", live["id"])[0]["current_version_id"] \
        == live["current_version_id"]
    change = query(db, "SELECT crawl_id, change, from_version_id FROM changes WHERE to_version_id = ?",
                   live["current_version_id"])
    assert change == [{"crawl_id": 1, "change": "changed", "from_version_id": history[0]["id"]}]
    assert query(db, "SELECT count(*) AS n FROM card_changes WHERE to_version_id = ?",
                 live["current_version_id"])[0]["n"] > 0


def test_demo_enters_2012_as_dated_history_then_crawls_2025(tmp_path):
    import json
    from io import StringIO

    from conftest import free_port

    from condition_archive.archive.db import open_archive
    from condition_archive.serve.demo import CENTER, run_demo
    from condition_archive.archive.export import write

    db, site_port = tmp_path / "demo.db", free_port()
    run_demo(str(db), port=free_port(), site_port=site_port, serve=False, echo=lambda _: None)
    center = f"http://127.0.0.1:{site_port}{CENTER}"
    result = CliRunner().invoke(main, ["show", center, "--db", str(db), "--as-of", "2013-01-01"])
    assert result.exit_code == 0 and "captured 2012-12-20" in result.output
    first_2012 = truth("2012")[CENTER_PATH]["sections"][0]["cards"][0]["title"]
    buf = StringIO()
    write(open_archive(db, readonly=True), "center_as_of", "json", buf, {"center_url": center, "when": "2013-01-01"})
    assert [r["title"] for r in json.loads(buf.getvalue())][0] == first_2012
    runs = [json.loads(r["settings"]).get("source", "crawl") for r in query(db, "SELECT settings FROM crawls")]
    assert runs == ["import", "crawl"]
    change = query(db, "SELECT crawl_id, from_captured_at FROM changes WHERE url = ? AND change = 'changed'", center)
    assert change == [{"crawl_id": 2, "from_captured_at": "2012-12-20T12:00:00+00:00"}]


def test_errors_are_one_line_saying_what_to_do(tmp_path):
    from conftest import free_port

    db = tmp_path / "archive.db"
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(REPO / "README.md"), "--db", str(db)])
    assert result.exit_code == 1 and "is not a WARC or WACZ file: pass" in result.output
    assert not db.exists()
    result = runner.invoke(main, ["backfill", "http://127.0.0.1:9/c", "--db", str(db), "--delay", "0",
                                  "--cdx", f"http://127.0.0.1:{free_port()}/web/cdx"])
    assert result.exit_code == 1 and "cannot reach" in result.output and "run the same backfill again" in result.output
    result = runner.invoke(main, ["backfill", "http://127.0.0.1:9/c", "--db", str(db), "--from", "x12"])
    assert result.exit_code == 1 and "is not a year" in result.output
    result = runner.invoke(main, ["export-warc", "--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.warc.gz")])
    assert result.exit_code == 1 and "no archive at" in result.output
