"""Center pipeline: ordered sections with their ordered cards (sponsored cards left out)."""

from __future__ import annotations

from condition_archive.extract.stages import center_stage
from pipelines._stage import run_stage


class CenterPipeline:
    def process_item(self, item):
        return run_stage(item, "center", lambda page: center_stage(page.stages["doc"]))
