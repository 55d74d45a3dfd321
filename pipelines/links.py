"""Links pipeline: every link with its anchor text, page region and center section."""

from __future__ import annotations

from condition_archive.extract.stages import links_stage
from pipelines._stage import run_stage


class LinksPipeline:
    def process_item(self, item):
        return run_stage(item, "links", lambda page: links_stage(page.stages["doc"], page.stages["center"]))
