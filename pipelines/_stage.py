"""Shared by the extraction pipelines: run one stage, and turn a crash into a
reason instead of a lost page (Scrapy would log the exception and drop the item,
leaving no ledger row). The store pipeline archives such a page's raw bytes with
an "error" ledger row carrying the reason."""

from __future__ import annotations

from collections.abc import Callable

from condition_archive.crawl.items import FetchedPage


def run_stage(item, name: str, stage: Callable[[FetchedPage], object]):
    # A stage the spider already ran (to choose the links to follow) is not run twice.
    done = ("failed", "extract", name)  # "extract": a worker process ran every stage (spider)
    if isinstance(item, FetchedPage) and not any(key in item.stages for key in done):
        try:
            item.stages[name] = stage(item)
        except Exception as exc:  # noqa: BLE001 - any extraction bug must not lose the page
            item.stages["failed"] = f"extraction failed in the {name} stage: {type(exc).__name__}: {exc}"
    return item
