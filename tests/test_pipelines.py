"""The extraction pipelines, one per concern, give exactly what extract_page gives;
a crashing stage becomes a reason on the item, and the store keeps the raw page."""

from __future__ import annotations

import pytest
from sample_truth import CENTER_PATH, page_html, url_of
from scrapy.utils.test import get_crawler

from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.extract import extract_page
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.archive.store import Archive
from pipelines.article import ArticlePipeline
from pipelines.boilerplate import BoilerplatePipeline
from pipelines.center import CenterPipeline
from pipelines.links import LinksPipeline
from pipelines.store import StorePipeline


def chain(item):
    crawler = get_crawler(settings_dict={"ARCHIVE_DAY_FIRST_SITES": []})
    for pipeline in (BoilerplatePipeline(), CenterPipeline(), ArticlePipeline.from_crawler(crawler),
                     LinksPipeline()):
        item = pipeline.process_item(item)
    return item


def page_item(path: str, version: str = "2025") -> FetchedPage:
    html = page_html(version, path)
    body = html.encode("utf-8") if isinstance(html, str) else html
    return FetchedPage(url_of(path), 200, {"content-type": "text/html; charset=utf-8"}, body,
                       "2025-01-01T00:00:00+00:00")


@pytest.mark.parametrize("path", [CENTER_PATH, "/conditions/upper-back-pain/upper-back-pain-symptoms"])
def test_pipelines_and_extract_page_agree(path):
    item = chain(page_item(path))
    assert StorePipeline._extract(item) == extract_page(item.body, item.url, item.headers)


def test_outcomes_pass_through_untouched():
    outcome = Outcome("https://h/x", "gone", "HTTP 404", "2025-01-01T00:00:00+00:00", status=404)
    assert chain(outcome) is outcome


def test_a_crashing_stage_is_a_reason_and_the_raw_page_is_kept(monkeypatch, tmp_db):
    import pipelines.center

    def boom(doc):
        raise RuntimeError("card finder bug")

    monkeypatch.setattr(pipelines.center, "center_stage", boom)
    item = chain(page_item(CENTER_PATH))
    assert item.stages["failed"] == "extraction failed in the center stage: RuntimeError: card finder bug"
    assert "article" not in item.stages and "links" not in item.stages
    db = open_archive(tmp_db)
    crawl = start_crawl(db, [item.url], {}, "t")
    Archive(db).record_unextracted(crawl, item, item.stages["failed"])
    row = next(db["fetches"].rows)
    assert (row["outcome"], row["reason"]) == ("error", item.stages["failed"])
    assert db["captures"].count == 1 and db["versions"].count == 0
    assert db["crawls"].get(crawl)["errors"] == 1


AMBIGUOUS = (b"<html><body><main><article><h1>Knee pain</h1><p class='updated'>Last updated 04/03/2024</p>"
             + b"<p>" + b"Knee pain has many causes and most of them settle with rest and exercise. " * 8 + b"</p>"
             + b"</article></main></body></html>")


@pytest.mark.parametrize("host, expected", [("www.nhs-example.test", "2024-03-04"), ("www.us-example.test", "2024-04-03")])
def test_day_first_order_is_a_per_site_setting(host, expected):
    crawler = get_crawler(settings_dict={"ARCHIVE_DAY_FIRST_SITES": ["WWW.NHS-example.test"]})
    item = FetchedPage(f"https://{host}/knee", 200, {"content-type": "text/html"}, AMBIGUOUS,
                       "2025-01-01T00:00:00+00:00")
    for pipeline in (BoilerplatePipeline(), CenterPipeline(), ArticlePipeline.from_crawler(crawler), LinksPipeline()):
        item = pipeline.process_item(item)
    assert StorePipeline._extract(item).date_updated == expected


def test_reprocess_reads_dates_with_the_order_the_crawl_used(tmp_db):
    import json

    from condition_archive.extract.model import options_for
    from condition_archive.archive.reprocess import reprocess

    url = "https://www.nhs-example.test/knee"
    db = open_archive(tmp_db)
    crawl = start_crawl(db, [url], {"day_first_sites": ["www.nhs-example.test"]}, "t")
    page = extract_page(AMBIGUOUS, url, {"content-type": "text/html"}, options_for(url, ["www.nhs-example.test"]))
    Archive(db).record_page(crawl, FetchedPage(url, 200, {"content-type": "text/html"}, AMBIGUOUS,
                                               "2025-01-01T00:00:00+00:00"), page, "t")
    assert json.loads(db["crawls"].get(crawl)["settings"])["day_first_sites"] == ["www.nhs-example.test"]
    assert reprocess(db).changed == 0  # without the recorded order it would flip to 2024-04-03
    assert db["versions"].get(1)["date_updated"] == "2024-03-04"
