"""Links pipeline: every link with its anchor text, page region and center section."""

from __future__ import annotations

from condition_archive.extract.stages import links_stage
from condition_archive.items import FetchedPage


class LinksPipeline:
    def process_item(self, item):
        if isinstance(item, FetchedPage):
            item.stages["links"] = links_stage(item.stages["doc"], item.stages["center"])
        return item
