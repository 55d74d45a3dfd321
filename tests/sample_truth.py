"""Ground truth of the bundled sample site, for any test: import from here.

    from sample_truth import cases, page_html, truth

    @pytest.mark.parametrize(("version", "path", "expected"), cases())
    def test_extract(version, path, expected):
        page = extract_page(page_html(version, path), url_of(path))
        assert page.title == expected["title"]

The rules behind the expected dates are in the docstring of
condition_archive.sample_site.truth.
"""

from __future__ import annotations

import pytest

from condition_archive.sample_site.model import VERSIONS
from condition_archive.sample_site.site import page_html
from condition_archive.sample_site.truth import changes, reachable_articles, site_facts, truth

BASE_URL = "http://127.0.0.1:8000"  # what page_html() writes into absolute links by default
CENTER_PATH = "/conditions/upper-back-pain"

__all__ = ["BASE_URL", "CENTER_PATH", "VERSIONS", "cases", "changes", "page_html",
           "reachable_articles", "site_facts", "truth", "url_of"]


def url_of(path: str, base_url: str = BASE_URL) -> str:
    return base_url.rstrip("/") + path


def cases(versions: tuple[str, ...] = VERSIONS,
          kinds: tuple[str, ...] = ("center", "article")) -> list:
    """pytest params (version, path, expected) for every page of those kinds, id "2025:/path"."""
    return [
        pytest.param(version, path, expected, id=f"{version}:{path}")
        for version in versions
        for path, expected in sorted(truth(version).items())
        if expected["kind"] in kinds
    ]
