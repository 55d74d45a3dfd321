"""One crawl path: the spider yields pages, the pipelines extract (awaiting the
worker pool), follow the links through the engine and store. Whatever the worker
count, the archive of the sample site is the one the code before this path made,
page by page (tests/fixtures/crawl_path_golden.json, see tests/archive_dump.py)."""

from __future__ import annotations

import asyncio
import json

import pytest
from conftest import REPO, query
from archive_dump import CENTER, GOLDEN, crawl_sequence, dump
from faults_server import crawl_with_settings
from sample_truth import CENTER_PATH, page_html, url_of
from scrapy import Request
from scrapy.utils.test import get_crawler

from condition_archive.crawl.archive_view import ArchiveView
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.crawl.policy import to_follow
from condition_archive.crawl.worker import ExtractionPool
from condition_archive.extract import extract_page
from condition_archive.sample_site import SampleSite
from spiders.condition_center import DEPTH as DEPTH_KEY, ConditionCenterSpider


def _diff(got: dict, want: dict) -> list[str]:
    """The URLs (and crawl rows) that differ, for a readable failure."""
    out = [f"crawls: {got['crawls']} != {want['crawls']}"] if got["crawls"] != want["crawls"] else []
    for url in sorted(set(got["pages"]) | set(want["pages"])):
        a, b = got["pages"].get(url), want["pages"].get(url)
        if a != b:
            keys = sorted(k for k in set(a or {}) | set(b or {}) if (a or {}).get(k) != (b or {}).get(k))
            out.append(f"{url}: {keys}")
    return out


@pytest.mark.crawl
@pytest.mark.parametrize("settings", [{"ARCHIVE_EXTRACT_WORKERS": 0}, {"ARCHIVE_EXTRACT_WORKERS": 1},
                                      {"CONCURRENT_ITEMS": 1}], ids=["in-thread", "worker", "one-item"])
def test_the_archive_is_the_one_the_old_path_made_page_by_page(settings, tmp_path):
    """Three crawls (2012, 2025, 2025 again: new pages, changes, a move, a removal,
    304s that follow stored links) at depth 2, in-thread and in a worker. The
    archive does not depend on the order responses come back in either: with one
    item at a time the 304s' stored links used to reach a page at a greater depth
    than its shortest path (Scrapy's DepthMiddleware rewrote the spider's depth),
    and a PDF link's "skipped" row went missing."""
    got = crawl_sequence(tmp_path / "archive.db", settings)
    want = json.loads(GOLDEN.read_text())
    assert not _diff(got, want), "\n".join(_diff(got, want))
    assert got == want


@pytest.mark.crawl
@pytest.mark.parametrize("settings", [{}, {"CONCURRENT_REQUESTS": 1, "ARCHIVE_COMMIT_PAGES": 1}],
                         ids=["default", "one-at-a-time"])
def test_a_depth_2_crawl_gets_every_page_while_pipelines_still_await(settings, tmp_path, monkeypatch):
    """A generated site (root -> 3 centers -> 27 articles): every request after the
    root's is scheduled from the links pipeline once the spider's callback has
    returned, so the engine must not close the spider while an item is still in a
    pipeline. One request at a time and a commit per page make the links arrive late."""
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    from gensite import Generator, Layout
    from genserver import GenSite

    db = tmp_path / "archive.db"
    with GenSite(Layout(3, 9)) as site:
        row = crawl_with_settings([site.root_url], db, settings, depth=2)
        paths = Generator(Layout(3, 9)).paths()
        base = site.base_url
    fetched = query(db, "SELECT url, depth FROM fetches WHERE outcome = 'fetched'")
    assert row["status"] == "finished"
    assert sorted(r["url"] for r in fetched) == sorted(base + p for p in paths)
    assert {r["depth"] for r in fetched} == {0, 1, 2}
    assert row["pages_new"] == len(paths) == 31


def _spider(depth: int = 1) -> ConditionCenterSpider:
    crawler = get_crawler(ConditionCenterSpider, settings_dict={"ARCHIVE_EXTRACT_WORKERS": 0})
    spider = ConditionCenterSpider.from_crawler(crawler, url=url_of(CENTER_PATH), depth=depth)
    crawler.spider = spider
    return spider


def _page(path: str = CENTER_PATH) -> FetchedPage:
    return FetchedPage(url_of(path), 200, {"content-type": "text/html; charset=utf-8"},
                       page_html("2025", path).encode("utf-8"), "2025-01-01T00:00:00+00:00")


@pytest.mark.parametrize("workers", [0, 1])
def test_the_pool_gives_extract_page_whatever_the_worker_count(workers):
    page = _page()
    pool = ExtractionPool(workers)
    try:
        out = asyncio.run(pool.extract(page, ()))
    finally:
        pool.stop()
    assert out is page and page.failure is None and page.packed is not None
    assert page.extract == extract_page(page.body, page.url, page.headers)


ARTICLE_PATH = CENTER_PATH + "/pain-under-shoulder-blade-infographic"  # links a .png


def _links(spider: ConditionCenterSpider, page: FetchedPage) -> list[tuple[str, str | None]]:
    asyncio.run(ExtractionPool(0).extract(page, ()))
    return to_follow(page.extract.links, spider.allowed_hosts)


def test_links_wait_for_their_depth_and_are_released_in_crawl_order_whatever_came_back_first():
    """A page's links (followed and skipped) wait for their depth, each once; released,
    they come in crawl order (the linking page's place, then the link's place on it)
    with the first linking page in that order as referer, though the page placed
    second came back first."""
    spider = _spider()
    center, article = _page(), _page(ARTICLE_PATH)
    spider.order.update({center.url: 0, article.url: 1})  # as when the seed's depth was released
    center_links, article_links = _links(spider, center), _links(spider, article)
    shared = {u for u, _ in center_links} & {u for u, _ in article_links}
    assert shared and {r for _, r in article_links if r} and set(article_links) - set(center_links)
    assert not list(spider.follow_links(article)) and not list(spider.follow_links(center))
    assert not list(spider.follow_links(center))  # again: nothing new waits
    assert set(spider.waiting) == {1}
    outs = spider._next_depth()  # what start() yields once depth 0 is in
    want = [(u, r) for u, r in center_links] + [(u, r) for u, r in article_links if u not in dict(center_links)]
    assert [(o.url, getattr(o, "reason", None)) for o in outs] == want
    assert not spider.waiting and spider.scheduled == {u for u, _ in want}
    for out in outs:
        referer = out.meta["referer"] if isinstance(out, Request) else out.referer
        assert referer == (center.url if out.url in dict(center_links) else article.url)
        assert isinstance(out, Request) or out.outcome == "skipped"
        assert (out.meta[DEPTH_KEY] if isinstance(out, Request) else out.depth) == 1


def test_a_resumed_crawl_does_not_record_a_skipped_link_twice():
    """--resume: a link the interrupted crawl already recorded as skipped (in its
    ledger: the view's `done`) is not written again when its depth is released."""
    spider = _spider()
    page = _page(ARTICLE_PATH)
    skipped = [u for u, reason in _links(spider, page) if reason]
    spider.view = ArchiveView(None, None)
    spider.view.done = set(skipped)  # what crawls.done_urls reads from the interrupted crawl's ledger
    list(spider.follow_links(page))
    outs = spider._next_depth()
    assert skipped and not [o for o in outs if isinstance(o, Outcome)]
    assert set(skipped) <= spider.scheduled


def test_the_spider_yields_the_raw_page_and_extracts_nothing():
    spider = _spider()
    from scrapy.http import HtmlResponse

    url = url_of(CENTER_PATH)
    response = HtmlResponse(url, body=page_html("2025", CENTER_PATH).encode("utf-8"),
                            headers={"Content-Type": "text/html; charset=utf-8"},
                            request=Request(url, meta={DEPTH_KEY: 0, "referer": ""}))
    outs = list(spider.parse(response))
    assert len(outs) == 1 and isinstance(outs[0], FetchedPage)
    assert outs[0].body == response.body and outs[0].extract is None


def test_the_fetched_page_keeps_every_header_value_joined_under_a_lower_case_name():
    # A repeated header (two Set-Cookie, two Link) reaches the ledger as one
    # comma-joined value, as Scrapy's Headers.items() gave it.
    spider = _spider()
    from scrapy.http import HtmlResponse

    url = url_of(CENTER_PATH)
    response = HtmlResponse(url, body=b"<html><body><p>x</p></body></html>",
                            headers=[("Content-Type", "text/html; charset=iso-8859-1"),
                                     ("Link", "<a>; rel=x"), ("Link", "<b>; rel=y"), ("X-Caf\u00e9", "\u00e9t\u00e9")],
                            request=Request(url, meta={DEPTH_KEY: 0, "referer": ""}))
    page = list(spider.parse(response))[0]
    expected = {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
    assert page.headers == expected
    assert page.headers["link"] == "<a>; rel=x, <b>; rel=y"
    assert page.headers["content-type"] == "text/html; charset=iso-8859-1"
