"""`analyse_page`: what an extraction worker does with one fetched page.

Its own module so that the crawl process, which imports workermain.py for the
pipes' framing and worker.py for the pool, does not import the extraction (lxml
trees, htmldate, the vocabularies: ~0.3 s of CPU at every crawl start); the
worker imports it, as its TARGET, before it says it is ready.
"""

from __future__ import annotations

from condition_archive.archive.capture import Packed, pack
from condition_archive.extract.model import PageExtract, options_for
from condition_archive.extract.parse import parse_html
from condition_archive.extract.stages import header_value, run_all


def analyse_page(data: bytes, url: str, headers: dict[str, str], day_first_sites: tuple[str, ...],
                 zstd: tuple | None = None) -> tuple[str | None, PageExtract | None, Packed | None]:
    """(why it is not HTML, None, None) or (None, the PageExtract, the packed capture).
    `zstd`: the site's (dictionary key, compressor), else the capture is zlib."""
    problem, extract, _ = analyse_unpacked(data, url, headers, day_first_sites)
    return problem, extract, None if extract is None else pack(data, zstd)


def analyse_unpacked(data: bytes, url: str, headers: dict[str, str],
                     day_first_sites: tuple[str, ...]) -> tuple[str | None, PageExtract | None, None]:
    """analyse_page without the packed capture: the crawl's store hashes the page
    and compresses it only when the capture is new (crawl/worker.py)."""
    parsed = parse_html(data, url, header_value(headers, "content-type"))
    if parsed.root is None:
        return parsed.problem or "not html", None, None
    return None, run_all(data, url, headers, options_for(url, day_first_sites), parsed), None
