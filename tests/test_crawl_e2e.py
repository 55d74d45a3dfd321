"""End to end: crawl the sample site served on 127.0.0.1 into an archive, then query it.

One real crawl per version (each in its own process), shared by the tests below.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json

import pytest
from conftest import query, run_cli
from sample_truth import CENTER_PATH, reachable_articles, truth

from condition_archive.serve.metadata import build_metadata
from condition_archive.sample_site import SampleSite

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module", params=["2012", "2025"])
def crawled(request, tmp_path_factory):
    version = request.param
    db = tmp_path_factory.mktemp(f"crawl{version}") / "archive.db"
    with SampleSite(version=version) as site:
        proc = run_cli("crawl", site.url(CENTER_PATH), "--db", str(db), "--delay", "0", "--log-level", "WARNING")
        yield {"version": version, "db": db, "base": site.base_url, "stdout": proc.stdout + proc.stderr,
               "stats": site.stats}


def current(db, url):
    rows = query(db, "SELECT v.* FROM pages p JOIN versions v ON v.id = p.current_version_id WHERE p.url = ?", url)
    assert rows, f"{url} not archived"
    return rows[0]


def test_every_reachable_article_archived_exactly_once(crawled):
    db, base = crawled["db"], crawled["base"]
    expected = {base + path for path in reachable_articles(crawled["version"])}
    articles = {r["url"] for r in query(db, "SELECT url FROM articles")}
    assert articles == expected
    fetched = query(db, "SELECT url, count(*) AS n FROM fetches WHERE outcome = 'fetched' GROUP BY url HAVING n > 1")
    assert fetched == []
    assert "finished" in crawled["stdout"]


def test_titles_people_and_dates_match_the_pages(crawled):
    db, base = crawled["db"], crawled["base"]
    for path, want in truth(crawled["version"]).items():
        if path not in reachable_articles(crawled["version"]) and path != CENTER_PATH:
            continue
        got = current(db, base + path)
        assert (got["kind"], got["title"]) == (want["kind"], want["title"]), path
        assert json.loads(got["authors"]) == want["authors"], path
        assert json.loads(got["reviewers"]) == want["reviewers"], path
        assert (got["date_published"], got["date_updated"]) == (want["date_published"], want["date_updated"]), path


def test_body_is_the_articles_own_text_without_boilerplate(crawled):
    db, base = crawled["db"], crawled["base"]
    for path, want in truth(crawled["version"]).items():
        if path not in reachable_articles(crawled["version"]):
            continue
        body = current(db, base + path)["body_text"]
        for snippet in want["must_contain"]:
            assert snippet in body, (path, snippet)
        for snippet in want["must_not_contain"]:
            assert snippet not in body, (path, snippet)
        assert "\n\n" in body, path


def test_center_sections_and_cards_match_the_seed_in_order(crawled):
    db, base = crawled["db"], crawled["base"]
    want = truth(crawled["version"])[CENTER_PATH]["sections"]
    rows = query(db, "SELECT * FROM center_cards WHERE center_url = ? ORDER BY section_position, position",
                 base + CENTER_PATH)
    got = []
    for row in rows:
        if not got or got[-1]["heading"] != row["section"]:
            got.append({"heading": row["section"], "cards": []})
        got[-1]["cards"].append({"title": row["title"], "href": row["href"], "image_alt": row["image_alt"]})
    expected = [{"heading": s["heading"], "cards": [{**c, "href": base + c["href"]} for c in s["cards"]]}
                for s in want]
    assert got == [{**s, "cards": [{k: c[k] for k in ("title", "href", "image_alt")} for c in s["cards"]]}
                   for s in expected]


def test_links_carry_their_region_and_section(crawled):
    if crawled["version"] != "2025":
        pytest.skip("the region vocabulary below is the 2025 template's")
    db, base = crawled["db"], crawled["base"]
    center = current(db, base + CENTER_PATH)
    links = query(db, "SELECT href, text, region, section FROM links WHERE version_id = ?", center["id"])
    by_text = {}
    for link in links:
        by_text.setdefault(link["text"], link)
    assert by_text["Sciatica"]["region"] == "nav"
    assert by_text["Privacy Policy"]["region"] == "footer"
    assert by_text["Take the Chronic Pain Quiz"]["region"] == "sponsored"
    card = by_text["Upper Back Pain Symptoms"]
    assert (card["region"], card["section"]) == ("main", "Symptoms")
    cards = query(db, "SELECT href, section FROM center_cards WHERE center_url = ?", base + CENTER_PATH)
    for c in cards:
        regions = {(l["region"], l["section"]) for l in links if l["href"] == c["href"]}
        assert ("main", c["section"]) in regions, c


def test_full_text_search_finds_an_article_by_a_word_of_its_body(crawled):
    db, base = crawled["db"], crawled["base"]
    for path, want in truth(crawled["version"]).items():
        word = want.get("search_word")
        if not word or path not in reachable_articles(crawled["version"]):
            continue
        hits = query(db, "SELECT a.url FROM articles a WHERE a.version_id IN "
                         "(SELECT rowid FROM versions_fts WHERE versions_fts MATCH ?)", word)
        assert base + path in {h["url"] for h in hits}, (path, word)


def test_raw_captures_are_kept_and_hashed(crawled):
    import hashlib
    import zlib

    rows = query(crawled["db"], "SELECT sha256, size, body FROM captures")
    assert rows
    for row in rows:
        raw = zlib.decompress(row["body"])
        assert hashlib.sha256(raw).hexdigest() == row["sha256"] and len(raw) == row["size"]


def datasette_get(db, path):
    from datasette.app import Datasette

    async def go():
        ds = Datasette([str(db)], metadata=build_metadata(db.stem), settings={"default_page_size": 7})
        return await ds.client.get(path)

    return asyncio.run(go())


@pytest.mark.parametrize("table", ["links", "articles", "cards", "fetches"])
def test_datasette_json_paging_and_full_csv_return_every_row_once(crawled, table):
    db = crawled["db"]
    key = "id"
    expected = sorted(r[key] for r in query(db, f"SELECT {key} FROM {table}"))
    assert expected
    seen, path = [], f"/{db.stem}/{table}.json?_shape=objects&_size=7"
    while path:
        data = datasette_get(db, path).json()
        seen += [row[key] for row in data["rows"]]
        path = data.get("next_url") and data["next_url"].split("://", 1)[-1].split("/", 1)[-1]
        path = path and "/" + path
    assert sorted(seen) == expected
    response = datasette_get(db, f"/{db.stem}/{table}.csv?_stream=on&_size=7")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(int(r[key]) for r in rows) == expected


def test_datasette_shows_descriptions_and_canned_queries(crawled):
    db, base = crawled["db"], crawled["base"]
    page = datasette_get(db, f"/{db.stem}/articles")
    assert "One row per article page with its latest content" in page.text
    data = datasette_get(db, f"/{db.stem}/center_articles.json?_shape=array&center_url={base}{CENTER_PATH}").json()
    assert len(data) == sum(len(s["cards"]) for s in truth(crawled["version"])[CENTER_PATH]["sections"])
    target = data[0]["href"]
    linkers = datasette_get(db, f"/{db.stem}/links_to.json?_shape=array&url={target}").json()
    assert base + CENTER_PATH in {row["from_url"] for row in linkers}
    assert all(row["anchor_text"] for row in linkers)


def test_scrapy_crawl_from_the_repo_root_writes_the_same_archive(crawled, tmp_path):
    import subprocess
    import sys

    from conftest import REPO

    if crawled["version"] != "2025":
        pytest.skip("one comparison is enough")
    db = tmp_path / "scrapy.db"
    # The module's sample site is still serving, so URLs (and content hashes) compare.
    from condition_archive.crawl.settings import ARCHIVE_EXTRACT_WORKERS

    assert ARCHIVE_EXTRACT_WORKERS > 0, "this test compares worker extraction with in-thread extraction"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "condition_center", "-a", f"url={crawled['base']}{CENTER_PATH}",
         "-s", f"ARCHIVE_DB={db}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         # In the crawl's own thread, where the CLI crawl above used a worker process.
         "-s", "ARCHIVE_EXTRACT_WORKERS=0", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]

    def content(path):
        return set(map(tuple, (r.values() for r in query(
            path, "SELECT p.url, v.content_hash FROM pages p JOIN versions v ON v.id = p.current_version_id"))))

    assert content(db) == content(crawled["db"])
