"""The archive's own pages in the browser, and what the issue's "Done means" asks a
researcher to answer from the UI alone (no SQL typed): the pickers of /-/graph and
/-/diff, row links, search snippets, the timeline picture, and the capture view
(a stored <script> never runs, the frame makes no network request)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from .archive import CENTER_PATH, changed_article
from .conftest import screenshot
from .test_ui import db_value, rows_text

pytestmark = [pytest.mark.crawl, pytest.mark.browser]


def test_graph_pickers_legend_and_fit_at_1280px(page, server):
    page.goto(server["root"] + "/-/graph")
    assert page.locator("header nav .crumbs").count() == 1, "Datasette's header and crumbs"
    page.select_option("select[name=center]", server["center"])
    page.click("input[type=submit][value=Show]")
    page.wait_for_url("**/-/graph?center=*")
    retitled = db_value(server, "SELECT count(*) FROM card_changes WHERE change = 'retitled'")
    assert retitled and page.locator("g.legend-retitled").text_content().strip() == f"retitled ({retitled})"
    width = page.viewport_size["width"]
    removed = page.locator("g.card-removed rect")
    assert removed.count() > 0
    for i in range(removed.count()):
        box = removed.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, "a removed card is off-screen"
    # From/to pickers: the first crawl against itself has nothing to compare.
    page.select_option("select[name=from]", "1")
    page.select_option("select[name=to]", "1")
    page.click("input[type=submit][value=Show]")
    page.wait_for_url("**to=1**")
    assert page.locator("g.card-unchanged").count() == page.locator("g.card").count() > 0
    screenshot(page, "50-graph-pickers")
    assert not page.errors


def test_article_history_timeline_and_word_diff(page, server):
    url = changed_article(server)
    page.goto(server["home"] + "/articles")
    page.locator("td.col-url a", has_text=urlsplit(url).path).first.click()  # row link: article -> history
    page.wait_for_url("**/-/history?url=*")
    timeline = page.locator("svg.timeline")
    assert timeline.count() == 1 and timeline.locator("circle.version").count() == 2
    assert timeline.locator("circle.kind-body-edited").count() == 1
    assert timeline.locator("line.capture").count() >= 2
    screenshot(page, "51-history")
    timeline.locator("a:has(circle.kind-body-edited)").click()  # the dot opens its diff
    page.wait_for_url("**/-/diff?to=*")
    assert "body edited" in page.locator("p.change-kind").inner_text()
    words = page.locator("table.words")
    assert words.locator("del").count() > 0 and words.locator("ins").count() > 0
    screenshot(page, "52-word-diff")
    # The version pickers: compare version 2 with itself.
    page.select_option("select[name=from]", index=2)
    page.click("input[type=submit][value=Compare]")
    page.wait_for_url("**from=*")
    assert "Body text unchanged" in page.inner_text("body") and "same content" in page.inner_text("body")
    assert not page.errors


def test_center_timeline_has_a_lane_per_article(page, server):
    page.goto(f"{server['root']}/-/history?url={quote(server['center'], safe='')}")
    pictures = page.locator("svg.timeline")
    assert pictures.count() == 2
    cards = db_value(server, "SELECT count(DISTINCT href) FROM center_cards WHERE center_url = ?", server["center"])
    assert pictures.nth(1).locator("g.lane").count() == cards + 1
    assert pictures.nth(1).locator("circle.kind-body-edited").count() >= 1
    screenshot(page, "53-center-timeline")
    assert not page.errors


def test_row_links_from_changes_and_cards(page, server):
    page.goto(server["home"] + "/changes?change=changed")
    page.locator("td.col-change a").first.click()  # a change -> its diff
    page.wait_for_url("**/-/diff?from=*")
    assert page.locator("h1").count() == 1
    page.goto(server["home"] + "/center_cards")
    href = page.locator("td.col-href a").first
    target = href.inner_text()
    href.click()  # a card -> the archived article
    page.wait_for_url("**/-/history?url=*")
    assert target in page.inner_text("body") and page.locator("svg.timeline").count() == 1


def test_search_snippets_rank_and_every_version(page, server):
    page.goto(server["root"] + "/")
    page.click("details.nav-menu summary")
    page.click("text=Search the archive")  # from Datasette's menu
    page.fill("input[name=q]", "thoracic")
    page.click("input[type=submit][value=Search]")
    page.wait_for_url("**q=thoracic**")
    marks = page.locator("ol.ca-results .snippet mark")
    assert marks.count() > 0 and all(m.lower() == "thoracic" for m in marks.all_inner_texts())
    latest = page.locator("ol.ca-results > li").count()
    screenshot(page, "54-search")
    page.select_option("select[name=order]", "date")
    page.check("input[name=versions]")
    page.click("input[type=submit][value=Search]")
    page.wait_for_url("**versions=all**")
    assert page.locator("ol.ca-results > li").count() > latest
    assert "older version" in page.inner_text("ol.ca-results")
    dates = [t.split("updated ")[1][:10] for t in page.locator("ol.ca-results .ca-note").all_inner_texts()
             if "updated " in t]
    assert dates == sorted(dates, reverse=True)
    page.locator("ol.ca-results a").first.click()  # a result opens the page's timeline
    page.wait_for_url("**/-/history?url=*")
    assert not page.errors


def test_capture_runs_no_script_and_loads_nothing(page, server):
    done, blocked = [], []  # Chromium reports a CSP-blocked load as a request that failed with "csp"
    page.on("requestfinished", lambda r: done.append(r.url))
    page.on("requestfailed", lambda r: blocked.append((urlsplit(r.url).path, r.failure)))
    capture = db_value(server, "SELECT v.capture_id FROM versions v JOIN pages p ON p.id = v.page_id "
                               "WHERE p.url = ?", server["hostile"] + "/hostile/a1")
    page.goto(f"{server['root']}/-/capture?id={capture}")
    banner = page.locator("#capture-banner").inner_text()
    sha = db_value(server, "SELECT sha256 FROM captures WHERE id = ?", capture)
    assert sha in banner and "Captured" in banner
    frame = page.frame_locator("iframe.capture")
    assert "Injected title" in frame.locator("h1").inner_text()  # the archived page, as text and layout
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__pwned") is None
    child = next(f for f in page.frames if f != page.main_frame)
    assert child.evaluate("() => window.__pwned") is None, "a stored <script> ran"
    page.wait_for_timeout(200)  # let the frame's own loads (if any) report
    paths = {urlsplit(u).path for u in done}
    assert paths == {"/-/capture", "/-/static/app.css", "/-/capture/raw"}, paths
    assert ("/-/capture/x", "csp") in blocked  # the stored <img src=x onerror=...> never loaded
    assert {failure for _, failure in blocked} == {"csp"}
    screenshot(page, "55-capture")


def test_done_means_the_center_today_and_as_of_a_date(page, server):
    page.goto(server["home"] + "/center_articles")
    page.fill("input[name=center_url]", server["center"])
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**center_url=**")
    sections = set(page.locator("td.col-section").all_inner_texts())
    assert len(sections) > 3 and "(no heading)" not in sections  # today's center, section by section
    page.goto(server["home"] + "/center_as_of")
    page.fill("input[name=center_url]", server["center"])
    page.fill("input[name=when]", "1999-01-01")
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**when=1999-01-01**")
    assert "nothing of this center that early" in rows_text(page)
    page.fill("input[name=when]", "1")  # a crawl number
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**when=1**")
    assert "(no heading)" in rows_text(page)  # the 2012 center: one list without a heading
    screenshot(page, "56-center-as-of")


def test_done_means_what_changed_between_two_dates_and_who_reviewed(page, server):
    page.goto(server["home"] + "/changes_between")
    page.fill("input[name=since]", "2000-01-01")
    page.fill("input[name=until]", "2999-12-31")
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**until=2999-12-31**")
    text = rows_text(page)
    assert "dates only" in text and "body edited" in text and "metadata changed" in text
    screenshot(page, "57-changes-between")
    page.goto(server["home"] + "/reviews")
    page.fill("input[name=reviewer]", "Brandt")
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**reviewer=Brandt**")
    cells = page.locator("td.col-reviewers li")
    assert cells.count() > 0 and all("Brandt" in t for t in cells.all_inner_texts())
    screenshot(page, "58-reviews")
    page.goto(server["home"] + "/dates_moved_text_same")
    assert "/hostile/a4" in rows_text(page)
    assert CENTER_PATH not in rows_text(page)
