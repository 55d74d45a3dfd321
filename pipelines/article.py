"""Article pipeline: title, description, people, badges, dates with provenance, body text.

Runs after the center pipeline: dates and bylines inside center cards are not the page's own."""

from __future__ import annotations

from condition_archive.extract.model import options_for
from condition_archive.extract.stages import article_stage
from pipelines._stage import run_stage


class ArticlePipeline:
    def __init__(self, day_first_sites: list[str]):
        self.day_first_sites = day_first_sites

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getlist("ARCHIVE_DAY_FIRST_SITES"))

    def process_item(self, item):
        return run_stage(item, "article", lambda page: article_stage(
            page.stages["doc"], page.stages["center"], page.headers, options_for(page.url, self.day_first_sites)))
