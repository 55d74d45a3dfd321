"""A machine-readable timestamp at the calendar's edge (0001-01-01T00:00Z, as
some CMSs write for "no date") does not stop extraction: the local-day rule
(date_local.py) has no day before it to move to."""

from __future__ import annotations

from condition_archive.extract import extract_page


def test_year_one_timestamp_does_not_fail_the_page():
    html = ("<html><head><meta property='article:published_time' content='0001-01-01T00:00:00Z'>"
            "</head><body><article><h1>Headline</h1><p>Published March 3, 2021</p>"
            "<p>Some prose of the article, long enough to be read as its body text here.</p>"
            "</article></body></html>")
    page = extract_page(html, "https://news.test/2021/03/03/headline")
    assert page.problem is None
    assert "Some prose of the article" in page.body_text
