"""Boilerplate pipeline: parse the raw page and tell its regions apart
(main content vs nav, header, footer, sidebar, related, ad, sponsored)."""

from __future__ import annotations

from condition_archive.extract.stages import parse_stage
from condition_archive.items import FetchedPage


class BoilerplatePipeline:
    def process_item(self, item):
        if isinstance(item, FetchedPage):
            # The spider already parsed the page to choose links; reuse its tree.
            item.stages["doc"] = parse_stage(item.body, item.url, item.headers,
                                             item.stages.pop("parsed", None), item.stages.pop("regions", None))
        return item
