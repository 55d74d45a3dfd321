"""What an extraction worker process runs for the crawl (ARCHIVE_EXTRACT_WORKERS).

The spider sends each page's bytes to `analyse_page` in a worker and gets back
everything the crawl's own thread would otherwise compute: the PageExtract (the
links to follow among it) and the packed capture. Arguments and results pickle.
"""

from __future__ import annotations

import os
import threading
import time

from condition_archive.capture import Packed, pack
from condition_archive.extract.model import PageExtract, options_for
from condition_archive.extract.parse import parse_html
from condition_archive.extract.stages import header_value, run_all


def analyse_page(data: bytes, url: str, headers: dict[str, str], day_first_sites: tuple[str, ...]
                 ) -> tuple[str | None, PageExtract | None, Packed | None]:
    """(why it is not HTML, None, None) or (None, the PageExtract, the packed capture)."""
    parsed = parse_html(data, url, header_value(headers, "content-type"))
    if parsed.root is None:
        return parsed.problem or "not html", None, None
    extract = run_all(data, url, headers, options_for(url, day_first_sites), parsed)
    return None, extract, pack(data)


def exit_with_parent(parent_pid: int) -> None:
    """Worker-process initializer: exit as soon as the crawl that started it is
    gone (kill -9 included), instead of waiting forever on its task queue and
    keeping the crawl's output pipes open."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
