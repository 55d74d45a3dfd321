"""The store writes pages and outcomes to the archive: versions only on real change."""

from __future__ import annotations

import json
import zlib

import pytest

from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.extract.model import Card, DateCandidate, Link, PageExtract, Section
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.archive.capture import digests
from condition_archive.archive.store import Archive, content_hash

URL = "https://www.spine-health.com/conditions/upper-back-pain/causes"


def page(body="Muscle strain is the most common cause.", title="Causes", **kw) -> PageExtract:
    return PageExtract(url=URL, kind="article", title=title, authors=("Jane Doe",),
                       date_updated="2012-12-17", body_text=body,
                       date_candidates=(DateCandidate("updated", "2012-12-17", "visible:Updated on", "12/17/12"),),
                       links=(Link("https://www.spine-health.com/", "Home", "nav"),), **kw)


def fetched(html: bytes, url=URL, **kw) -> FetchedPage:
    return FetchedPage(url=url, status=200, headers={"content-type": "text/html", "etag": '"abc"'},
                       body=html, fetched_at="2025-01-01T00:00:00+00:00", **kw)


@pytest.fixture
def archive(tmp_db):
    db = open_archive(tmp_db)
    crawl = start_crawl(db, [URL], {}, "test")
    return Archive(db, now=lambda: "2025-01-01T00:00:00+00:00"), crawl


def test_first_fetch_is_new_with_capture_version_and_ledger(archive):
    arc, crawl = archive
    html = b"<html><body><h1>Causes</h1><p>Muscle strain is the most common cause.</p></body></html>"
    assert arc.record_page(crawl, fetched(html), page(), "x1") == "new"
    db = arc.db
    cap = db["captures"].get(1)
    assert zlib.decompress(cap["body"]) == html
    assert (cap["sha256"], cap["sha1_b32"]) == digests(html)
    version = db["versions"].get(1)
    assert version["number"] == 1 and version["title"] == "Causes"
    assert json.loads(version["authors"]) == ["Jane Doe"]
    assert db["pages"].get(1)["current_version_id"] == 1
    assert [r["outcome"] for r in db["fetches"].rows] == ["fetched"]
    assert next(db["date_candidates"].rows_where("id = 1"))["source"] == "visible:Updated on"
    assert db.execute("SELECT region FROM links WHERE id = 1").fetchone()[0] == "nav"
    assert db["crawls"].get(crawl)["pages_new"] == 1


def test_same_content_in_new_chrome_is_unchanged_and_body_stored_once(archive):
    arc, crawl = archive
    arc.record_page(crawl, fetched(b"<p>v1</p><div class=ad>Ad A</div>"), page(), "x1")
    assert arc.record_page(crawl, fetched(b"<p>v1</p><div class=ad>Ad B</div>"), page(), "x1") == "unchanged"
    assert arc.record_page(crawl, fetched(b"<p>v1</p><div class=ad>Ad B</div>"), page(), "x1") == "unchanged"
    assert arc.db["versions"].count == 1
    assert arc.db["captures"].count == 2  # two distinct raw bodies, the repeat stored once
    assert arc.db["fetches"].count == 3


def test_changed_content_makes_version_two_and_a_change_row(archive):
    arc, crawl = archive
    arc.record_page(crawl, fetched(b"<p>v1</p>"), page(), "x1")
    assert arc.record_page(crawl, fetched(b"<p>v2</p>"), page(body="Rewritten text."), "x1") == "changed"
    v2 = arc.db["versions"].get(2)
    assert v2["number"] == 2 and v2["body_text"] == "Rewritten text."
    changes = list(arc.db["changes"].rows)
    assert [c["change"] for c in changes] == ["new", "changed"]
    assert changes[1]["detail"] == "body_text" and changes[1]["from_version_id"] == 1


def test_center_sections_and_cards_are_stored_in_order(archive):
    arc, crawl = archive
    center = page(sections=(Section("Overview", (Card("A", "https://h/a", "alt a"), Card("B", "https://h/b"))),
                            Section("Video", (Card("C", "https://h/c"),))))
    arc.record_page(crawl, fetched(b"<html/>"), center, "x1")
    cards = list(arc.db.query("SELECT section, position, title FROM cards ORDER BY id"))
    assert cards == [{"section": "Overview", "position": 1, "title": "A"},
                     {"section": "Overview", "position": 2, "title": "B"},
                     {"section": "Video", "position": 1, "title": "C"}]
    moved = page(sections=(Section("Overview", (Card("B", "https://h/b"),)),
                           Section("Video", (Card("A", "https://h/a", "alt a"), Card("C", "https://h/c")))))
    assert arc.record_page(crawl, fetched(b"<html/>"), moved, "x1") == "changed"


def test_gone_and_moved_pages(archive):
    arc, crawl = archive
    arc.record_page(crawl, fetched(b"<p>a</p>"), page(), "x1")
    other = "https://www.spine-health.com/other"
    arc.record_page(crawl, fetched(b"<p>b</p>", url=other), page(), "x1")
    arc.record_outcome(crawl, Outcome(URL, "gone", "HTTP 410", "2025-02-01T00:00:00+00:00", status=410))
    new_url = "https://www.spine-health.com/new-home"
    arc.record_page(crawl, fetched(b"<p>b</p>", url=new_url, redirects=[(other, 301)]), page(), "x1")
    pages = {p["url"]: p for p in arc.db["pages"].rows}
    assert pages[URL]["state"] == "gone" and pages[URL]["gone_at"] == "2025-02-01T00:00:00+00:00"
    assert pages[other]["state"] == "moved" and pages[other]["moved_to"] == new_url
    assert {c["change"] for c in arc.db["changes"].rows} >= {"removed", "moved"}
    row = arc.db["crawls"].get(crawl)
    assert (row["removed"], row["moved"]) == (1, 1)
    outcomes = [r["outcome"] for r in arc.db["fetches"].rows]
    assert outcomes.count("redirected") == 1 and outcomes.count("gone") == 1


def test_not_modified_updates_last_seen_only(archive):
    arc, crawl = archive
    arc.record_page(crawl, fetched(b"<p>a</p>"), page(), "x1")
    arc.record_outcome(crawl, Outcome(URL, "not-modified", "HTTP 304", "2025-03-01T00:00:00+00:00", status=304))
    assert arc.db["pages"].get(1)["last_seen"] == "2025-03-01T00:00:00+00:00"
    assert arc.db["versions"].count == 1 and arc.db["captures"].count == 1
    assert arc.db["crawls"].get(crawl)["not_modified"] == 1


def test_a_failing_write_leaves_no_half_page(archive):
    arc, crawl = archive
    arc.db.execute("CREATE TRIGGER boom BEFORE INSERT ON link_runs BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
    with pytest.raises(Exception, match="disk trouble"):
        arc.record_page(crawl, fetched(b"<p>a</p>"), page(), "x1")
    for table in ("captures", "pages", "versions", "fetches", "date_candidates"):
        assert arc.db[table].count == 0, table


def test_content_hash_ignores_links_and_http_dates():
    a = page()
    b = PageExtract(**{**a.__dict__, "links": (), "date_candidates": ()})
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) != content_hash(page(title="Other"))


@pytest.mark.parametrize("target_first", [True, False])
def test_a_move_with_unchanged_content_is_one_moved_change(archive, target_first):
    arc, crawl = archive
    old_url, new_url = URL, "https://www.spine-health.com/conditions/upper-back-pain/new-home"
    arc.record_page(crawl, fetched(b"<p>a</p>"), page(), "x1")
    crawl2 = start_crawl(arc.db, [URL], {}, "test")
    direct = fetched(b"<p>a2</p>", url=new_url)
    via_redirect = Outcome(new_url, "skipped", "redirect target", "2025-01-02T00:00:00+00:00",
                           redirects=[(old_url, 301)])
    if target_first:
        assert arc.record_page(crawl2, direct, page(), "x1") == "new"
        arc.record_outcome(crawl2, via_redirect)
    else:
        arc.record_outcome(crawl2, via_redirect)
        assert arc.record_page(crawl2, direct, page(), "x1") == "unchanged"
    got = [(c["change"], c["url"]) for c in arc.db.query("SELECT * FROM changes WHERE crawl_id = ?", [crawl2])]
    assert got == [("moved", old_url)]
    row = arc.db["crawls"].get(crawl2)
    assert (row["pages_new"], row["pages_unchanged"], row["moved"]) == (0, 1, 1)


def test_a_capture_packed_by_the_worker_is_stored_as_the_store_would_pack_it(tmp_path):
    from condition_archive.archive.capture import pack

    html = b"<html><body><h1>Causes</h1><p>Muscle strain is the most common cause.</p></body></html>"
    rows = []
    for name, packed in (("here", None), ("worker", pack(html))):
        db = open_archive(tmp_path / f"{name}.db")
        arc = Archive(db, now=lambda: "2025-01-01T00:00:00+00:00")
        arc.record_page(start_crawl(db, [URL], {}, "test"), fetched(html, packed=packed), page(), "x1")
        cap = db["captures"].get(1)
        assert zlib.decompress(cap["body"]) == html
        rows.append(cap)
        db.close()
    assert rows[0] == rows[1]


def test_resume_refetches_a_page_known_only_as_a_redirect_target(archive):
    """The row that records a redirect onto a page the crawl fetches directly is
    not that page's fetch: if the direct fetch was never stored (a failed batch),
    --resume must fetch it (crawls.done_urls)."""
    from condition_archive.archive.crawls import REDIRECT_TARGET, done_urls

    arc, crawl = archive
    target = URL + "-new"
    arc.record_outcome(crawl, Outcome(target, "skipped", REDIRECT_TARGET, "2025-01-01T00:00:00+00:00",
                                      status=200, redirects=[(URL, 301)]))
    arc.record_outcome(crawl, Outcome(URL + "/x.pdf", "skipped", "not html: application/pdf",
                                      "2025-01-01T00:00:00+00:00", status=200))
    assert done_urls(arc.db, crawl) == {URL + "/x.pdf"}
    arc.record_page(crawl, fetched(b"<p>moved here</p>", url=target), page(), "x1")
    assert done_urls(arc.db, crawl) == {URL + "/x.pdf", target}
