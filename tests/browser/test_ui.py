"""What a researcher does in the browser: open the archive, search, facet, run each
canned query, download a full CSV, open the center picture and a diff; and a
<script> stored in a crawled page shows as text and never runs."""

from __future__ import annotations

import csv
import sqlite3
from urllib.parse import urlencode

import pytest

from condition_archive.serve.metadata import canned_queries

from .archive import changed_article, query_cases
from .conftest import ARTIFACTS, screenshot
from .hostile_site import PAYLOAD

pytestmark = [pytest.mark.crawl, pytest.mark.browser]


def db_value(server, sql, *params):
    conn = sqlite3.connect(f"file:{server['db']}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def rows_text(page) -> str:
    return page.locator("table.rows-and-columns").inner_text()


def test_home_explains_the_archive_and_hides_plumbing(page, server):
    page.goto(server["root"] + "/")
    assert page.locator("h1").first.inner_text() == "condition-archive"
    assert "condition-center websites over time" in page.inner_text("body")
    page.goto(server["home"])
    body = page.inner_text("body")
    for name in ("crawls", "pages", "versions", "changes"):
        assert page.locator(f"h3 a[href$='/{name}']").count() == 1, name
    # links and link_targets: views since issue 16 (sessions 4 and 8)
    for name in ("articles", "center_cards", "version_history", "links", "link_targets"):
        assert page.locator(f"#views ~ ul a[href$='/{name}']").count() == 1, name
    for query in canned_queries().values():
        assert query["title"] in body
    assert page.locator("h3 a[href$='/captures']").count() == 0
    assert page.locator("h3 a[href$='/link_runs']").count() == 0
    assert page.locator("h3 a[href$='/link_anchors']").count() == 0
    assert page.locator("h3 a[href$='/versions_fts']").count() == 0
    screenshot(page, "01-database")
    assert not page.errors


def test_full_text_search_over_articles(page, server):
    page.goto(server["home"] + "/articles")
    page.fill("input[name=_search]", "thoracic")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=thoracic**")
    assert "where search matches" in page.locator("h3").first.inner_text()
    assert "Thoracic" in rows_text(page)
    screenshot(page, "02-search")
    assert not page.errors


def test_facet_on_reviewed_articles(page, server):
    page.goto(server["home"] + "/articles")
    facet = page.locator("#facet-reviewed")
    assert facet.is_visible()
    facet.locator("a", has_text="yes").first.click()
    page.wait_for_url("**reviewed=yes**")
    want = db_value(server, "SELECT count(*) FROM articles WHERE reviewed = 'yes'")
    assert want > 0
    assert page.locator("h3").first.inner_text().startswith(f"{want} row")
    assert page.locator("table.rows-and-columns tbody tr").count() == want
    screenshot(page, "03-facet-reviewed")
    assert not page.errors


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_each_canned_query(page, server, name):
    params, expected = query_cases(server)[name]
    if params and name == "center_articles":  # once through the form, as a researcher would
        page.goto(f"{server['home']}/{name}")
        for key, value in params.items():
            page.fill(f"input[name={key}]", value)
        page.click("input[type=submit][value='Run SQL']")
        page.wait_for_url("**center_url=**")
    else:
        page.goto(f"{server['home']}/{name}?{urlencode(params)}")
    assert page.locator("h1").first.inner_text().startswith(canned_queries()[name]["title"])
    assert canned_queries()[name]["description"].split(".")[0][:60] in page.inner_text("body")
    assert expected in rows_text(page)
    screenshot(page, f"10-query-{name}")
    assert not page.errors


def test_version_history_links_to_a_diff(page, server):
    page.goto(f"{server['home']}/article_history?{urlencode({'url': changed_article(server)})}")
    page.locator("td.col-diff a", has_text="diff").first.click()
    page.wait_for_url("**/-/diff?to=*")
    body = page.inner_text("body")
    assert "version 1" in body and "version 2" in body and "Body text" in body
    screenshot(page, "20-diff")
    assert not page.errors


def test_full_csv_download_has_every_row(page, server):
    page.goto(server["home"] + "/links")
    assert page.locator("table.rows-and-columns tbody tr").count() < db_value(server, "SELECT count(*) FROM links")
    page.check("input[name=_dl]")
    page.check("input[name=_stream]")
    with page.expect_download() as info:
        page.click("input[type=submit][value='Export CSV']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "links.csv"
    info.value.save_as(target)
    with target.open(newline="", encoding="utf-8") as fh:
        ids = [int(row["id"]) for row in csv.DictReader(fh)]
    assert sorted(ids) == list(range(1, db_value(server, "SELECT max(id) FROM links") + 1))
    assert len(ids) == db_value(server, "SELECT count(*) FROM links")


def test_center_picture_opens_from_the_centers_query(page, server):
    page.set_viewport_size({"width": 2000, "height": 1000})  # the whole picture in the screenshot
    page.goto(server["home"] + "/centers")
    row = page.locator("table.rows-and-columns tbody tr", has_text="Upper Back Pain")
    row.locator("td.col-graph a").click()
    page.wait_for_url("**/-/graph?page=*")
    svg = page.locator("div.ca-picture svg")
    assert svg.count() == 1 and 1000 <= svg.bounding_box()["width"] <= 1200
    cards = db_value(server, "SELECT count(*) FROM center_cards WHERE center_url = ?", server["center"])
    removed = page.locator("g.card-removed").count()
    assert page.locator("g.card").count() - removed == cards and removed > 0
    legend = page.locator("g.legend-added").text_content().strip()
    assert legend.startswith("added (") and page.locator("g.card-added").count() == int(legend[7:-1])
    assert page.locator("path.article-link").count() == 0  # drawn on request only
    page.check("input[name=links]")
    page.click("input[type=submit][value=Show]")
    page.wait_for_url("**links=on**")
    assert page.locator("path.article-link").count() > 0
    screenshot(page, "30-graph")
    page.locator("g.card-added a").first.click()  # a card opens its article's history
    page.wait_for_url("**/-/history?url=*")
    assert not page.errors


HOSTILE_PAGES = {
    "articles-search": "/{db}/articles?_search=Injected",
    "center-cards-search": "/{db}/center_cards?_search=Injected",
    "dates-disagree": "/{db}/dates_disagree?field=",
    "versions": "/{db}/versions?_search=Injected",
    "graph": "/-/graph?center={center}",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_script_in_a_crawled_page_shows_as_text_and_never_runs(page, server, name):
    path = HOSTILE_PAGES[name].format(db=server["db"].stem, center=server["hostile_center"])
    page.goto(server["root"] + path)
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__pwned") is None
    assert PAYLOAD in page.inner_text("body")
    assert page.locator("script", has_text="__pwned").count() == 0
    screenshot(page, f"40-hostile-{name}")
