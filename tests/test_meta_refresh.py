"""RedirectGuardMiddleware's meta-refresh check (crawl/middleware.py `meta_refresh`):
Scrapy's answer, without decoding a page that cannot have a refresh, and that answer
left where Scrapy's MetaRefreshMiddleware reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from condition_archive.crawl.middleware import REFRESH_SCAN_CHARS, meta_refresh
from condition_archive.sample_site.site import build_site

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
URL = "http://127.0.0.1:8765/a/page"
REFRESH = b"<meta http-equiv='Refresh' content='3; url=/b/next'>"


def _pair(body: bytes, content_type: str = "text/html; charset=utf-8"):
    """Two responses alike: one for meta_refresh, one for Scrapy's function alone."""
    headers = {"Content-Type": content_type}
    return HtmlResponse(URL, body=body, headers=headers), HtmlResponse(URL, body=body, headers=headers)


def _bodies() -> list[bytes]:
    pages = [path.read_bytes() for path in sorted(FIXTURES.rglob("*.html"))]
    return pages + [
        b"<html><head>" + REFRESH + b"</head><body>x</body></html>",
        b"<html><head><META HTTP-EQUIV=REFRESH CONTENT='0;URL=http://10.0.0.1/'></head></html>",
        b"<html><head><script>var refresh = 1;</script></head><body>no tag</body></html>",
        b"<html><head><!-- " + REFRESH + b" --></head></html>",
        "<html><head><title>Caf\u00e9 r\u00e9fresh</title></head><body>\u00e9t\u00e9</body></html>".encode(),
        b"<html><head><meta http-equiv='&#114;efresh' content='0;url=/x'></head></html>",
    ]


@pytest.mark.parametrize("body", _bodies())
def test_the_answer_is_scrapys(body):
    ours, scrapys = _pair(body)
    assert meta_refresh(ours) == get_meta_refresh(scrapys)


def test_a_refresh_is_still_found_and_resolved():
    ours, _ = _pair(b"<html><head>" + REFRESH + b"</head></html>")
    assert meta_refresh(ours) == (3.0, "http://127.0.0.1:8765/b/next")


def test_a_page_without_the_letters_is_not_decoded_and_scrapy_reads_the_answer():
    ours, _ = _pair(b"<html><head><title>t</title></head><body>" + b"<p>words</p>" * 500 + b"</body></html>")
    assert meta_refresh(ours) == (None, None)
    assert ours._cached_ubody is None  # the body was never decoded
    # Scrapy's MetaRefreshMiddleware asks get_meta_refresh, which finds the answer kept
    assert get_meta_refresh(ours) == (None, None)
    assert ours._cached_ubody is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-7"])
def test_other_encodings_are_left_to_scrapy(encoding):
    """Where the letters need not be those bytes, Scrapy decodes and decides."""
    body = ("<html><head><meta http-equiv='refresh' content='0;url=/moved'></head></html>").encode(encoding)
    ours, scrapys = _pair(body, f"text/html; charset={encoding}")
    assert meta_refresh(ours) == get_meta_refresh(scrapys)
    assert meta_refresh(ours)[1] == "http://127.0.0.1:8765/moved"


@pytest.mark.parametrize("version", ["2012", "2025"])
def test_every_sample_site_page_gets_scrapys_answer(version):
    """Both versions' pages (the 2012 ones ISO-8859-1)."""
    checked = 0
    for path, page in build_site(version).items():
        if "html" not in page.content_type:
            continue
        ours, scrapys = _pair(page.body, page.content_type)
        assert meta_refresh(ours) == get_meta_refresh(scrapys), path
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("filler, encoding", [("a", "utf-8"), ("\u20ac", "utf-8"), ("\U0001f600", "utf-8"),
                                              ("\u00e9", "latin-1"), ("a", "cp1252")])
def test_only_the_characters_scrapy_scans_are_looked_at(filler, encoding):
    """A refresh past the first REFRESH_SCAN_CHARS characters is not Scrapy's answer
    either (if Scrapy ever scans further, this fails); one just inside is found,
    whatever the bytes per character."""
    for at, found in ((REFRESH_SCAN_CHARS + 50, False), (REFRESH_SCAN_CHARS - 200, True)):
        head = "<html><head><title>t</title>"
        text = head + filler * (at - len(head)) + "<meta http-equiv='refresh' content='0;url=/x'></head></html>"
        ours, scrapys = _pair(text.encode(encoding), f"text/html; charset={encoding}")
        assert meta_refresh(ours) == get_meta_refresh(scrapys)
        assert (meta_refresh(ours)[1] == "http://127.0.0.1:8765/x") is found
