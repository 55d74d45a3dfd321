"""The pipelines: extraction gives exactly what extract_page gives, whatever the
worker count; a crashing extraction becomes a reason on the item, and the store
keeps the raw page; the day-first date order is a per-site setting."""

from __future__ import annotations

import asyncio

import pytest
from sample_truth import CENTER_PATH, page_html, url_of
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import condition_archive.crawl.worker as worker_module
from condition_archive.archive.crawls import start_crawl
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.extract import extract_page
from pipelines.extract import ExtractPipeline


def extracted(item, settings: dict | None = None):
    crawler = get_crawler(settings_dict={"ARCHIVE_EXTRACT_WORKERS": 0, **(settings or {})})
    pipeline = ExtractPipeline.from_crawler(crawler)
    pipeline.open_spider()
    try:
        return asyncio.run(pipeline.process_item(item))
    finally:
        pipeline.close_spider()


def page_item(path: str, version: str = "2025") -> FetchedPage:
    html = page_html(version, path)
    body = html.encode("utf-8") if isinstance(html, str) else html
    return FetchedPage(url_of(path), 200, {"content-type": "text/html; charset=utf-8"}, body,
                       "2025-01-01T00:00:00+00:00")


@pytest.mark.parametrize("path", [CENTER_PATH, "/conditions/upper-back-pain/upper-back-pain-symptoms"])
def test_the_extraction_pipeline_and_extract_page_agree(path):
    item = extracted(page_item(path))
    assert item.extract == extract_page(item.body, item.url, item.headers)
    assert item.failure is None and item.packed is None  # the store packs a new capture itself


def test_outcomes_pass_through_untouched():
    outcome = Outcome("https://h/x", "gone", "HTTP 404", "2025-01-01T00:00:00+00:00", status=404)
    assert extracted(outcome) is outcome


def test_a_page_that_is_not_html_after_all_becomes_a_skipped_outcome():
    item = FetchedPage("https://h/x", 200, {"content-type": "text/html"}, b"\x00\x01\x02" * 50,
                       "2025-01-01T00:00:00+00:00", depth=1, referer="https://h/")
    out = extracted(item)
    assert isinstance(out, Outcome) and out.outcome == "skipped" and (out.depth, out.referer) == (1, "https://h/")


def test_a_page_left_when_the_crawl_stops_is_dropped_for_resume():
    crawler = get_crawler(settings_dict={"ARCHIVE_EXTRACT_WORKERS": 0})
    pipeline = ExtractPipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.close_spider()  # what SIGTERM does (the runner's stop_extraction signal)
    with pytest.raises(DropItem, match="left for --resume"):
        asyncio.run(pipeline.process_item(page_item(CENTER_PATH)))


def test_a_crashing_extraction_is_a_reason_and_the_raw_page_is_kept(monkeypatch, tmp_db):
    def boom(*args):
        raise RuntimeError("card finder bug")

    monkeypatch.setattr(worker_module, "analyse_unpacked", boom)
    item = extracted(page_item(CENTER_PATH))
    assert item.failure == "extraction failed: RuntimeError: card finder bug" and item.extract is None
    db = open_archive(tmp_db)
    crawl = start_crawl(db, [item.url], {}, "t")
    Archive(db).record_unextracted(crawl, item, item.failure)
    row = next(db["fetches"].rows)
    assert (row["outcome"], row["reason"]) == ("error", item.failure)
    assert db["captures"].count == 1 and db["versions"].count == 0
    assert db["crawls"].get(crawl)["errors"] == 1


AMBIGUOUS = (b"<html><body><main><article><h1>Knee pain</h1><p class='updated'>Last updated 04/03/2024</p>"
             + b"<p>" + b"Knee pain has many causes and most of them settle with rest and exercise. " * 8 + b"</p>"
             + b"</article></main></body></html>")


@pytest.mark.parametrize("host, expected", [("www.nhs-example.test", "2024-03-04"), ("www.us-example.test", "2024-04-03")])
def test_day_first_order_is_a_per_site_setting(host, expected):
    item = FetchedPage(f"https://{host}/knee", 200, {"content-type": "text/html"}, AMBIGUOUS,
                       "2025-01-01T00:00:00+00:00")
    item = extracted(item, {"ARCHIVE_DAY_FIRST_SITES": ["WWW.NHS-example.test"]})
    assert item.extract.date_updated == expected


def test_reprocess_reads_dates_with_the_order_the_crawl_used(tmp_db):
    import json

    from condition_archive.archive.reprocess import reprocess
    from condition_archive.extract.model import options_for

    url = "https://www.nhs-example.test/knee"
    db = open_archive(tmp_db)
    crawl = start_crawl(db, [url], {"day_first_sites": ["www.nhs-example.test"]}, "t")
    page = extract_page(AMBIGUOUS, url, {"content-type": "text/html"}, options_for(url, ["www.nhs-example.test"]))
    Archive(db).record_page(crawl, FetchedPage(url, 200, {"content-type": "text/html"}, AMBIGUOUS,
                                               "2025-01-01T00:00:00+00:00"), page, "t")
    assert json.loads(db["crawls"].get(crawl)["settings"])["day_first_sites"] == ["www.nhs-example.test"]
    assert reprocess(db).changed == 0  # without the recorded order it would flip to 2024-04-03
    assert db["versions"].get(1)["date_updated"] == "2024-03-04"
