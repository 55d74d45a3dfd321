"""How the archive stores links and captures (issue 16): each distinct link and each
repeated run of links once, read back through the `links` view exactly as the old
table gave them; captures zstd-compressed with a dictionary trained per site, each
recording its codec, zlib captures still readable; and an archive of the old layout
opens, migrates and keeps working."""

from __future__ import annotations

import asyncio
import sqlite3
import zlib

import pytest
from warcio.archiveiterator import ArchiveIterator

from condition_archive.archive import codec, linkstore
from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import ArchiveError, open_archive
from condition_archive.archive.reprocess import reprocess
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.policy import canonical_url
from condition_archive.extract import extract_page
from condition_archive.sample_site.site import build_site
from condition_archive.serve.metadata import build_metadata
from condition_archive.serve.serve import PLUGINS_DIR, SETTINGS
from condition_archive.webarchive.export_warc import export_warc

BASE = "http://127.0.0.1:8000"
LINK_COLUMNS = "id, version_id, position, href, text, region, section"
OLD_LINKS = """CREATE TABLE [links] (
   [id] INTEGER PRIMARY KEY, [version_id] INTEGER REFERENCES [versions]([id]), [position] INTEGER,
   [href] TEXT, [text] TEXT, [region] TEXT, [section] TEXT)"""


OLD_INDEXES = {
    "idx_fetches_crawl_id_url": "CREATE INDEX idx_fetches_crawl_id_url ON fetches (crawl_id, url)",
    "idx_fetches_capture_id": "CREATE INDEX idx_fetches_capture_id ON fetches (capture_id)",
    "idx_fetches_source_record": "CREATE INDEX idx_fetches_source_record ON fetches (source_record)",
    "idx_fetches_outcome": "CREATE INDEX idx_fetches_outcome ON fetches (outcome)",
    "idx_fetches_status": "CREATE INDEX idx_fetches_status ON fetches (status)",
    "idx_pages_kind_url": "CREATE INDEX idx_pages_kind_url ON pages (kind, url)",
}
DATE_COLUMNS = "id, version_id, field, value, source, raw"
OLD_DATES = """CREATE TABLE [date_candidates] (
   [id] INTEGER PRIMARY KEY, [version_id] INTEGER REFERENCES [versions]([id]), [field] TEXT, [value] TEXT,
   [source] TEXT, [raw] TEXT)"""
# Issue 16's sessions 4 and 5 indexed the fetches table so; the code before them did not.
SESSION_5_INDEXES = {
    "idx_fetches_crawl_id": "CREATE INDEX idx_fetches_crawl_id ON fetches (crawl_id)",
    "idx_fetches_url": "CREATE INDEX idx_fetches_url ON fetches (url)",
    "idx_fetches_with_capture": "CREATE INDEX idx_fetches_with_capture ON fetches (capture_id) "
                                "WHERE capture_id IS NOT NULL",
    "idx_fetches_with_source_record": "CREATE INDEX idx_fetches_with_source_record ON fetches (source_record) "
                                      "WHERE source_record IS NOT NULL",
    "idx_fetches_of_page": "CREATE INDEX idx_fetches_of_page ON fetches (page_id) WHERE page_id IS NOT NULL",
    "idx_fetches_failed_url": "CREATE INDEX idx_fetches_failed_url ON fetches (url) "
                              "WHERE outcome IN ('gone', 'error') OR status >= 400",
}
FETCH_COLUMNS = ("id, crawl_id, url, fetched_at, outcome, reason, status, final_url, etag, last_modified, "
                 "content_type, size, sha256, capture_id, page_id, depth, referer, source, source_offset, "
                 "source_record, http_headers")
OLD_FETCHES = "CREATE TABLE [fetches] ([id] INTEGER PRIMARY KEY, " + ", ".join(
    f"[{c}] {'INTEGER' if c in ('crawl_id', 'status', 'size', 'capture_id', 'page_id', 'depth', 'source_offset') else 'TEXT'}"
    for c in FETCH_COLUMNS.split(", ")[1:]) + ")"
NEW_INDEXES = ("idx_ledger_crawl_id", "idx_ledger_with_capture", "idx_ledger_with_source_record",
               "idx_ledger_failed_url", "idx_pages_centers_url")


def sample_pages() -> list[tuple[str, bytes]]:
    site = build_site("2025")
    return [(BASE + path, res.body.replace(b"__SITE_BASE__", BASE.encode()))
            for path, res in sorted(site.items()) if res.status == 200 and res.content_type.startswith("text/html")]


def record(arc: Archive, crawl: int, pages: list[tuple[str, bytes]]) -> None:
    for n, (url, body) in enumerate(pages):
        fetched = FetchedPage(url=url, status=200, headers={"content-type": "text/html; charset=utf-8"},
                              body=body, fetched_at=f"2025-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00")
        arc.record_page(crawl, fetched, extract_page(body, url, {"content-type": "text/html"}), "test")


@pytest.fixture(scope="module")
def pages():
    found = sample_pages()
    assert len(found) >= 30
    return found


@pytest.fixture
def archive(tmp_path, pages):
    db = open_archive(tmp_path / "archive.db")
    arc = Archive(db, now=lambda: "2025-01-01T00:00:00+00:00")
    arc.codecs.samples = 20  # the sample site is small; a real site trains after codec.DICT_SAMPLES
    record(arc, start_crawl(db, [pages[0][0]], {}, "test"), pages)
    return arc


def link_rows(conn) -> list[tuple]:
    return conn.execute(f"SELECT {LINK_COLUMNS} FROM links ORDER BY id").fetchall()


def test_links_read_back_as_extracted_with_contiguous_ids(archive, pages):
    db = archive.db
    for url, body in pages:
        expected = [(canonical_url(link.href), link.text, link.region, link.section)
                    for link in extract_page(body, url, {"content-type": "text/html"}).links]
        got = db.execute("SELECT l.href, l.text, l.region, l.section FROM links l JOIN pages p "
                         "ON p.current_version_id = l.version_id WHERE p.url = ? ORDER BY l.position", [url]).fetchall()
        assert got == expected, url
    ids = [r[0] for r in link_rows(db.conn)]
    assert ids == list(range(1, len(ids) + 1))
    runs, blocks = (db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("link_runs", "link_blocks"))
    assert blocks < runs / 2  # menus and footers stored once for every page that has them
    distinct = db.execute("SELECT count(*) FROM (SELECT DISTINCT href, text, region, section FROM links)").fetchone()
    assert db.execute("SELECT count(*) FROM link_targets").fetchone() == distinct


def test_date_candidates_read_back_as_extracted_with_each_source_once(archive, pages):
    conn = archive.db.conn
    got = conn.execute("SELECT p.url, d.field, d.value, d.source, d.raw FROM date_candidates d "
                       "JOIN versions v ON v.id = d.version_id JOIN pages p ON p.id = v.page_id "
                       "ORDER BY d.id").fetchall()
    expected = [(canonical_url(url), c.field, c.value, c.source, c.raw) for url, body in pages
                for c in extract_page(body, url, {"content-type": "text/html"}).date_candidates]
    assert got == expected and any(raw == value for _, _, value, _, raw in got)
    pairs = conn.execute("SELECT count(*), count(DISTINCT field || source) FROM date_sources").fetchone()
    assert pairs[0] == pairs[1] == len({(f, s) for _, f, _, s, _ in expected}) < len(expected)
    assert conn.execute("SELECT count(*) FROM date_evidence WHERE raw IS NULL").fetchone()[0] == sum(
        1 for row in expected if row[4] == row[2])


def test_captures_use_the_site_dictionary_and_record_it(archive, pages):
    db = archive.db
    rows = db.execute("SELECT id, compression, dict_id, site FROM captures ORDER BY id").fetchall()
    dicts = db.execute("SELECT id, site, codec, samples FROM capture_dicts").fetchall()
    assert dicts == [(1, "127.0.0.1", "zstd", 20)]
    assert {(r[1], r[2], r[3]) for r in rows} == {("zstd", 1, "127.0.0.1")}  # the samples recompressed too
    reader = codec.Codecs(db.conn)
    bodies = dict(pages)
    for url, capture_id in db.execute("SELECT url, capture_id FROM fetches WHERE outcome = 'fetched'"):
        assert reader.read(capture_id) == bodies[url]
    packed, raw = db.execute("SELECT sum(stored_size), sum(size) FROM captures").fetchone()
    assert packed < sum(len(zlib.compress(b, 9)) for b in bodies.values())


def test_the_dictionary_is_trained_again_from_a_wider_sample(tmp_path, pages):
    db = open_archive(tmp_path / "archive.db")
    arc = Archive(db)
    arc.codecs.samples, arc.codecs.retrain = 10, 20
    record(arc, start_crawl(db, [pages[0][0]], {}, "test"), pages[:30])
    dicts = db.execute("SELECT id, samples FROM capture_dicts").fetchall()
    assert dicts == [(2, 20)]  # the first (10 samples) went: no capture uses it any more
    rows = db.execute("SELECT dict_id, count(*) FROM captures GROUP BY dict_id").fetchall()
    assert rows == [(2, 30)]
    bodies = dict(pages)
    for url, capture_id in db.execute("SELECT url, capture_id FROM fetches"):
        assert codec.read_capture(db.conn, capture_id) == bodies[url]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_page_is_compressed_with_the_tuned_parameters_and_a_large_one_at_level_9(archive, pages):
    """Pages up to codec.TUNED_UP_TO: level 9's parameters with the lazy strategy and
    5-byte matches (a quarter less CPU, no more bytes); larger ones: plain level 9. Both
    frames as level 9 writes them (content size, dictionary id) and read back."""
    import zstandard

    key = archive.codecs.site_dict("127.0.0.1")
    data = archive.db.execute("SELECT dictionary FROM capture_dicts WHERE id = ?", [key[0]]).fetchone()[0]
    compressor = codec.zstd_compressor(data)
    small = pages[3][1]
    large = b"".join(body for _, body in pages)[:codec.TUNED_UP_TO + 4096]
    params = zstandard.ZstdCompressionParameters.from_level(
        9, source_size=codec.TUNED_UP_TO, dict_size=len(data), strategy=zstandard.STRATEGY_LAZY, min_match=5,
        write_content_size=1, write_dict_id=1)
    dictionary = zstandard.ZstdCompressionDict(data)
    assert compressor.compress(small) == zstandard.ZstdCompressor(
        dict_data=dictionary, compression_params=params).compress(small)
    assert compressor.compress(large) == zstandard.ZstdCompressor(level=9, dict_data=dictionary).compress(large)
    for body in (small, large):
        frame = compressor.compress(body)
        header = zstandard.get_frame_parameters(frame)
        assert (header.content_size, header.dict_id, header.has_checksum) == (len(body), key[1], False)
        assert archive.codecs.decode(0, codec.ZSTD, key[0], frame) == body


def test_zlib_captures_of_old_archives_still_read(archive):
    db = archive.db
    body = b"<html><body><p>captured before issue 16</p></body></html>"
    with db.conn:
        capture_id = db.execute("INSERT INTO captures (sha256, size, stored_size, compression, body) "
                                "VALUES ('old', ?, 0, 'zlib', ?)", [len(body), zlib.compress(body, 9)]).lastrowid
        plain = db.execute("INSERT INTO captures (sha256, size, stored_size, compression, body) "
                           "VALUES ('plain', ?, 0, '', ?)", [len(body), body]).lastrowid
    assert codec.read_capture(db.conn, capture_id) == body == codec.read_capture(db.conn, plain)
    with db.conn:
        unknown = db.execute("INSERT INTO captures (sha256, compression, body) VALUES ('x', 'lzma', x'00')").lastrowid
    with pytest.raises(codec.CaptureReadError, match="upgrade condition-archive"):
        codec.read_capture(db.conn, unknown)


def test_export_warc_reprocess_and_capture_page_read_zstd_captures(archive, pages, tmp_path):
    db = archive.db
    out = tmp_path / "out.warc.gz"
    export_warc(db, out)
    with out.open("rb") as fh:
        exported = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
                    for r in ArchiveIterator(fh) if r.rec_type == "response"}
    assert exported == dict(pages)
    result = reprocess(db)
    assert (result.pages, result.failed, result.changed) == (len(pages), 0, 0)
    from datasette.app import Datasette

    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    url, body = pages[0]
    capture_id = db.execute("SELECT capture_id FROM fetches WHERE url = ?", [url]).fetchone()[0]

    async def get():
        ds = Datasette([path], metadata=build_metadata("archive"), plugins_dir=str(PLUGINS_DIR), settings=SETTINGS)
        return await ds.client.get(f"/-/capture/raw?id={capture_id}")
    response = asyncio.run(get())
    assert response.status_code == 200
    assert response.content.replace(b'<base target="_blank">', b"") == body


def test_a_failed_training_leaves_the_page_unwritten_and_the_captures_readable(tmp_path, pages):
    db = open_archive(tmp_path / "archive.db")
    arc = Archive(db)
    arc.codecs.samples = 10
    crawl = start_crawl(db, [pages[0][0]], {}, "test")
    record(arc, crawl, pages[:9])
    db.execute("CREATE TRIGGER boom BEFORE INSERT ON capture_dicts BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        record(arc, crawl, pages[9:10])  # the tenth capture trains the dictionary
    assert db.execute("SELECT count(*) FROM fetches").fetchone()[0] == 9
    assert {r[0] for r in db.execute("SELECT compression FROM captures")} == {"zlib"}
    db.execute("DROP TRIGGER boom")
    record(arc, crawl, pages[9:20])  # trains after another ten
    bodies = dict(pages)
    for url, capture_id in db.execute("SELECT url, capture_id FROM fetches"):
        assert codec.read_capture(db.conn, capture_id) == bodies[url]
    assert db.execute("SELECT count(*) FROM capture_dicts").fetchone()[0] == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def date_rows(conn) -> list[tuple]:
    return conn.execute(f"SELECT {DATE_COLUMNS} FROM date_candidates ORDER BY id").fetchall()


def fetch_rows(conn) -> list[tuple]:
    return conn.execute(f"SELECT {FETCH_COLUMNS} FROM fetches ORDER BY id").fetchall()


OLD_TARGETS = ("CREATE TABLE [link_targets] ([id] INTEGER PRIMARY KEY, [href] TEXT, [text] TEXT, [region] TEXT, "
               "[section] TEXT)")
OLD_LINKS_VIEW = """CREATE VIEW links AS SELECT r.id + i.position - 1 AS id, r.version_id,
    r.position + i.position - 1 AS position, t.href, t.text, t.region, t.section
  FROM link_runs r JOIN link_block_items i ON i.block_id = r.block_id JOIN link_targets t ON t.id = i.target_id"""


def make_old_targets(conn) -> None:
    """Each distinct link a `link_targets` table with its href as text and link_runs
    keyed by id, as issue 16's sessions 4 to 7 stored them (same rows and ids;
    link_block_items' foreign key names link_targets)."""
    rows = conn.execute("SELECT id, href, text, region, section FROM link_targets ORDER BY id").fetchall()
    conn.execute("DROP VIEW links")
    conn.execute("DROP VIEW link_targets")
    conn.execute("PRAGMA legacy_alter_table = OFF")
    conn.execute("ALTER TABLE link_anchors RENAME TO link_targets")  # link_block_items' key follows
    conn.execute("PRAGMA legacy_alter_table = ON")
    conn.execute("ALTER TABLE link_targets RENAME TO link_anchors_gone")  # ... and stays link_targets
    conn.execute("PRAGMA legacy_alter_table = OFF")
    conn.execute(OLD_TARGETS)
    conn.executemany("INSERT INTO link_targets (id, href, text, region, section) VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("DROP TABLE link_anchors_gone")
    conn.execute("CREATE INDEX idx_link_targets_href ON link_targets (href)")
    runs = conn.execute("SELECT id, version_id, position, block_id FROM link_runs").fetchall()
    conn.execute("DROP TABLE link_runs")  # keyed by id, with an index by version
    conn.execute("DROP TABLE link_sequence")
    conn.execute("CREATE TABLE link_runs (id INTEGER PRIMARY KEY, version_id INTEGER REFERENCES versions(id), "
                 "position INTEGER, block_id INTEGER REFERENCES link_blocks(id))")
    conn.executemany("INSERT INTO link_runs VALUES (?, ?, ?, ?)", runs)
    conn.execute("CREATE INDEX idx_link_runs_version_id_position ON link_runs (version_id, position)")
    conn.execute("CREATE INDEX idx_link_runs_block_id ON link_runs (block_id)")
    items = conn.execute("SELECT block_id, position, target_id FROM link_block_items ORDER BY block_id, position")
    items = items.fetchall()
    conn.execute("DROP TABLE link_block_items")  # keyed by a row id, with an index by block
    conn.execute("CREATE TABLE link_block_items (id INTEGER PRIMARY KEY, block_id INTEGER REFERENCES "
                 "link_blocks(id), position INTEGER, target_id INTEGER REFERENCES link_targets(id))")
    conn.executemany("INSERT INTO link_block_items (block_id, position, target_id) VALUES (?, ?, ?)", items)
    conn.execute("CREATE INDEX idx_link_block_items_block_id_position ON link_block_items (block_id, position)")
    conn.execute("CREATE INDEX idx_link_block_items_target_id ON link_block_items (target_id)")
    conn.executemany("UPDATE link_blocks SET hash = ? WHERE id = ?",  # as hex digits
                     [(h.hex(), i) for i, h in conn.execute("SELECT id, hash FROM link_blocks").fetchall()])
    conn.execute(OLD_LINKS_VIEW)
    conn.execute("DELETE FROM urls WHERE id NOT IN (SELECT url_id FROM ledger UNION SELECT referer_id FROM ledger "
                 "WHERE referer_id IS NOT NULL)")  # the ledger's own URLs only


def make_old_ledger(conn, links: bool = True) -> None:
    """The ledger as a `fetches` table with session 5's indexes, as every layout before
    session 6 of issue 16 had it (same rows and ids); with `links`, the links as before
    session 8 too (else urls stays for today's link tables: the ledger alone is old)."""
    if links and conn.execute("SELECT type FROM sqlite_master WHERE name = 'link_targets'").fetchone()[0] == "view":
        make_old_targets(conn)
    rows = fetch_rows(conn)
    conn.execute("DROP VIEW fetches")  # and its triggers
    for table in ("ledger", "urls", "ledger_headers") if links else ("ledger", "ledger_headers"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute(OLD_FETCHES)
    conn.executemany(f"INSERT INTO fetches ({FETCH_COLUMNS}) VALUES ({', '.join('?' * 21)})", rows)
    for sql in SESSION_5_INDEXES.values():
        conn.execute(sql)


def make_old_dates(conn) -> None:
    """Date candidates as a table, as every layout before session 5 of issue 16 had them."""
    dates = date_rows(conn)
    conn.execute("DROP VIEW date_candidates")
    conn.execute("DROP TABLE date_evidence")
    conn.execute("DROP TABLE date_sources")
    conn.execute(OLD_DATES)
    conn.executemany(f"INSERT INTO date_candidates ({DATE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", dates)
    conn.execute("CREATE INDEX idx_date_candidates_version_id ON date_candidates (version_id)")


def test_an_archive_with_links_stored_once_migrates_its_date_candidates(archive, tmp_path):
    """The layout of issue 16's session 4 (links already stored once): only the dates move."""
    path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    archive.db.close()
    conn = sqlite3.connect(path)
    with conn:
        make_old_dates(conn)
        make_old_ledger(conn)
        conn.execute("DROP INDEX idx_fetches_of_page")
        conn.execute("CREATE INDEX idx_fetches_page_id_fetched_at ON fetches (page_id, fetched_at)")
    dates, links, fetches = date_rows(conn), link_rows(conn), fetch_rows(conn)
    conn.close()
    db = open_archive(path)
    assert date_rows(db.conn) == dates and link_rows(db.conn) == links and fetch_rows(db.conn) == fetches
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_ledger_of_page" in indexes and "idx_fetches_page_id_fetched_at" not in indexes
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def make_old_layout(path) -> None:
    """Turn an archive into the layout of the code before issue 16: links and date
    candidates tables (same rows, ids and indexes as they had), no link_* or date_*
    tables, no dictionary columns used."""
    conn = sqlite3.connect(path)
    with conn:
        make_old_dates(conn)
        make_old_ledger(conn)
        rows = link_rows(conn)
        conn.execute("DROP VIEW links")
        for table in ("link_runs", "link_block_items", "link_blocks", "link_targets"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute(OLD_LINKS)
        conn.executemany(f"INSERT INTO links ({LINK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        # a hand-added row out of sequence, as tests and users did
        conn.execute("INSERT INTO links (version_id, position, href, text, region, section) "
                     "VALUES (1, 99, 'https://example.org/', 'x', 'main', '')")
        conn.execute("CREATE INDEX idx_links_version_id ON links (version_id)")
        conn.execute("CREATE INDEX idx_links_href ON links (href)")
        for name, sql in OLD_INDEXES.items():
            conn.execute(sql)
        for name in [*SESSION_5_INDEXES, "idx_pages_centers_url"]:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
    conn.close()


def _record_revised(db, url: str, body: bytes) -> None:
    """A new version of one page (its h1 revised), recorded in a crawl of its own."""
    arc = Archive(db, now=lambda: "2025-02-01T00:00:00+00:00")
    changed = body.replace(b"</h1>", b" (revised)</h1>", 1)
    arc.record_page(start_crawl(db, [url], {}, "test"), FetchedPage(
        url=url, status=200, headers={"content-type": "text/html"}, body=changed,
        fetched_at="2025-02-01T00:00:00+00:00"), extract_page(changed, url, {"content-type": "text/html"}), "test")


def test_an_old_archive_opens_migrates_and_keeps_its_links(archive, pages, tmp_path):
    path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    archive.db.close()
    make_old_layout(path)
    conn = sqlite3.connect(path)
    before, dates, fetches = link_rows(conn), date_rows(conn), fetch_rows(conn)
    conn.close()
    db = open_archive(path)
    assert db["links"].exists() and "links" in db.view_names()
    assert link_rows(db.conn) == before
    assert "fetches" in db.view_names() and fetch_rows(db.conn) == fetches
    assert "date_candidates" in db.view_names() and date_rows(db.conn) == dates
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert set(NEW_INDEXES) <= indexes and not indexes & (set(OLD_INDEXES) | {"idx_links_href", "idx_fetches_url"})
    _record_revised(db, *pages[1])
    after = link_rows(db.conn)
    assert after[:len(before)] == before and after[len(before)][0] == before[-1][0] + 1


def test_a_migration_that_fails_leaves_the_old_table(archive, tmp_path):
    path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    archive.db.close()
    make_old_layout(path)
    conn = sqlite3.connect(path)
    before = link_rows(conn)
    conn.execute("CREATE TABLE link_runs (id INTEGER PRIMARY KEY, version_id INTEGER, position INTEGER, "
                 "block_id INTEGER)")
    conn.execute("CREATE TRIGGER boom BEFORE INSERT ON link_runs BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="disk full"):
        open_archive(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT type FROM sqlite_master WHERE name = 'links'").fetchone() == ("table",)
    assert link_rows(conn) == before
    conn.execute("DROP TRIGGER boom")
    conn.commit()
    conn.close()
    assert link_rows(open_archive(path).conn) == before  # and the next open migrates it


def test_an_old_archive_read_only_still_reads_its_captures_and_links(archive, pages, tmp_path):
    """`show`, `export-warc` and `serve` open an archive read-only: one made before
    issue 16 (no dict_id column, links a table) is read as it is."""
    path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    archive.db.close()
    make_old_layout(path)
    conn = sqlite3.connect(path)
    with conn:
        rows = conn.execute("SELECT id, url FROM fetches WHERE outcome = 'fetched'").fetchall()
        for capture_id, url in conn.execute("SELECT capture_id, url FROM fetches WHERE outcome = 'fetched'"):
            body = dict(pages)[url]
            conn.execute("UPDATE captures SET compression = 'zlib', body = ? WHERE id = ?",
                         [zlib.compress(body, 9), capture_id])
        for column in ("dict_id", "site"):
            conn.execute(f"ALTER TABLE captures DROP COLUMN {column}")
        conn.execute("DROP TABLE capture_dicts")
    conn.close()
    before = link_rows(sqlite3.connect(path))
    readonly = open_archive(path, readonly=True)
    out = tmp_path / "old.warc.gz"
    export_warc(readonly, out)
    with out.open("rb") as fh:
        exported = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()
                    for r in ArchiveIterator(fh) if r.rec_type == "response"}
    assert len(rows) == len(exported) and all(exported[url] == dict(pages)[url] for url in exported)
    assert link_rows(readonly.conn) == before
    from condition_archive.serve.serve import upgrade_if_writable
    upgrade_if_writable(path)  # what `serve` does first
    assert link_rows(open_archive(path, readonly=True).conn) == before
    assert "links" in open_archive(path, readonly=True).view_names()


def test_links_of_sessions_4_to_7_migrate(archive, pages):
    """An archive whose link_targets table holds each href as text and whose link_runs
    is keyed by id (issue 16's sessions 4 to 7) migrates when opened: the same
    link_targets and links rows and ids, each href a urls row shared with the ledger,
    link_block_items' key on the new table, no href or (version_id, position) index
    left; a page recorded afterwards reuses the URLs already there and takes the next
    link ids."""
    path = archive.db.conn.execute("PRAGMA database_list").fetchone()[2]
    archive.db.close()
    conn = sqlite3.connect(path)
    with conn:
        make_old_targets(conn)
    targets = conn.execute("SELECT * FROM link_targets ORDER BY id").fetchall()
    links, fetches = link_rows(conn), fetch_rows(conn)
    conn.close()
    db = open_archive(path)
    assert "link_targets" in db.view_names() and db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT * FROM link_targets ORDER BY id").fetchall() == targets
    assert link_rows(db.conn) == links and fetch_rows(db.conn) == fetches
    assert {r[2] for r in db.execute("PRAGMA foreign_key_list(link_block_items)")} == {"link_anchors", "link_blocks"}
    assert db.execute("SELECT DISTINCT typeof(hash), length(hash) FROM link_blocks").fetchall() == [("blob", 16)]
    assert "href" not in db["link_anchors"].columns_dict
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "idx_link_anchors_href_id" in indexes and "idx_link_targets_href" not in indexes
    assert "idx_link_runs_version_id_position" not in indexes and "idx_link_runs_block_id" in indexes
    assert "idx_link_block_items_block_id_position" not in indexes and "idx_link_block_items_target_id" in indexes
    for table in ("link_runs", "link_block_items"):
        assert "WITHOUT ROWID" in db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    runs_before = db.execute("SELECT count(*) FROM link_blocks").fetchone()[0]
    assert linkstore.next_link_id(db.conn) == links[-1][0] + 1  # read from the runs once
    urls = db.execute("SELECT count(*) FROM urls").fetchone()[0]
    assert db.execute("SELECT count(DISTINCT href) FROM link_targets").fetchone()[0] < urls  # shared, not added
    _record_revised(db, *pages[1])
    assert db.execute("SELECT count(*) FROM urls").fetchone()[0] == urls
    assert db.execute("SELECT count(*) FROM link_blocks").fetchone()[0] == runs_before  # found by their hashes
    new = db.execute("SELECT max(version_id) FROM links").fetchone()[0]
    assert link_rows(db.conn)[-1][0] == db.execute("SELECT next_id FROM link_sequence").fetchone()[0] - 1
    assert [r[3:] for r in link_rows(db.conn) if r[1] == new] == [
        r[3:] for r in link_rows(db.conn) if r[1] == db.execute(
            "SELECT id FROM versions WHERE page_id = (SELECT page_id FROM versions WHERE id = ?) AND number = 1",
            [new]).fetchone()[0]]


def test_each_link_url_is_stored_once_and_found_by_index(archive):
    """A link's href is its urls row (the ledger's when the crawl requested it): no URL
    twice in urls, none in link_anchors, and `links WHERE href = ?` starts at urls(url)."""
    conn = archive.db.conn
    total, distinct = conn.execute("SELECT count(*), count(DISTINCT url) FROM urls").fetchone()
    assert total == distinct
    shared = conn.execute("SELECT count(DISTINCT t.href_id) FROM link_anchors t JOIN ledger l "
                          "ON l.url_id = t.href_id").fetchone()[0]
    assert shared >= 20  # the pages the crawl fetched are link targets too
    href = conn.execute("SELECT href FROM links WHERE region = 'main' LIMIT 1").fetchone()[0]
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM links WHERE href = ?", [href]))
    assert "idx_urls_url" in plan and "idx_link_anchors_href_id" in plan and "SCAN" not in plan
    assert conn.execute("SELECT count(*) FROM links WHERE href = ?", [href]).fetchone()[0] == sum(
        1 for r in link_rows(conn) if r[3] == href)


def test_a_new_block_is_made_without_looking_for_it_and_a_known_one_is_found(tmp_path):
    """block_id tries a block as new first (link_blocks.hash is unique): a new block is
    one INSERT with no SELECT before it; one already stored, and not remembered, is
    found by that SELECT and not stored twice."""
    db = open_archive(tmp_path / "archive.db")
    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")  # link runs of versions this test does not make
    menu = [(f"{BASE}/m{i}", f"Menu {i}", "nav", "") for i in range(3)]
    own = [(f"{BASE}/own", "Own", "main", "Related")]
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    with conn:
        first = linkstore.insert_links(conn, 1, menu + own)
    assert not [s for s in statements if s.startswith("SELECT id FROM link_blocks")]
    with conn:  # no memo: the menu block is found, a new one made
        linkstore.insert_links(conn, 2, menu + [(f"{BASE}/other", "Other", "main", "Related")], first)
    conn.set_trace_callback(None)
    assert [s for s in statements if s.startswith("SELECT id FROM link_blocks")]
    blocks = conn.execute("SELECT id, size FROM link_blocks ORDER BY id").fetchall()
    assert blocks == [(1, 3), (2, 1), (3, 1)]
    runs = conn.execute("SELECT version_id, position, block_id FROM link_runs ORDER BY version_id, position")
    assert runs.fetchall() == [(1, 1, 1), (1, 4, 2), (2, 1, 1), (2, 4, 3)]
