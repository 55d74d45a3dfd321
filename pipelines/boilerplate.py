"""Boilerplate pipeline: parse the raw page and tell its regions apart
(main content vs nav, header, footer, sidebar, related, ad, sponsored)."""

from __future__ import annotations

from condition_archive.extract.stages import parse_stage
from pipelines._stage import run_stage


class BoilerplatePipeline:
    def process_item(self, item):
        # The spider has usually run this stage already (to choose links); see _stage.py.
        return run_stage(item, "doc", lambda page: parse_stage(
            page.body, page.url, page.headers, page.stages.pop("parsed", None), page.stages.pop("regions", None)))
