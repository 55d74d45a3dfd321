"""Center pipeline: ordered sections with their ordered cards (sponsored cards left out)."""

from __future__ import annotations

from condition_archive.extract.stages import center_stage
from condition_archive.items import FetchedPage


class CenterPipeline:
    def process_item(self, item):
        if isinstance(item, FetchedPage):
            item.stages["center"] = center_stage(item.stages["doc"])
        return item
