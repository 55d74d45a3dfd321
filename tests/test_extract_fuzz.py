"""Extraction never crashes: property tests over arbitrary bytes and mutated real pages.

`extract_page` promises never to raise; it catches what a stage throws and says
"extraction failed: ..." in `problem`. That is still a bug (and the pipelines run
the stages without that net), so these properties also require that no stage
threw: every result is a PageExtract whose `problem`, if any, is a reason the
page gives, not a caught exception.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from condition_archive.extract import PageExtract, extract_page, parse_html
from condition_archive.extract import stages

FIXTURES = Path(__file__).parent / "fixtures" / "templates"
URL = "http://127.0.0.1:8765/conditions/page"
SAMPLE_PATHS = ("/conditions/upper-back-pain", "/conditions/upper-back-pain/upper-back-pain-symptoms")

pytestmark = pytest.mark.slow

CONTENT_TYPES = st.one_of(st.none(), st.sampled_from([
    "text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1", "text/html; charset=utf-16",
    "text/html; charset=bogus-charset", "text/html; charset=", "application/xhtml+xml", "application/pdf",
    "text/plain", "image/png", "text/html; charset=\"utf-8\"; foo=bar", "TEXT/HTML;CHARSET=WINDOWS-1252",
]), st.text(max_size=40))

# Fragments that stress parsers: unbalanced markup, comments, encodings, entities, controls.
TOKENS = [
    b"<table>", b"</table>", b"<tr><td>", b"<div>", b"</div>", b"</body>", b"</html>", b"<html>", b"<body>",
    b"<!--", b"-->", b"<![CDATA[", b"]]>", b"<script>", b"</script>", b"<style>", b"<title>", b"</title>",
    b"<meta charset=utf-16>", b"<meta charset=\"x-bogus\">", b"<?xml version='1.0' encoding='ebcdic'?>",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\x1b", b"\r", b"&#0;", b"&#x110000;", b"&#99999999999;",
    b"&amp", b"<a href='javascript:x'>", b"<a href='http://[::1'>", b"<a href='//\xff\xfe'>", b"<time datetime='9999-99-99'>",
    b"<script type='application/ld+json'>{\"@type\": \"Article\", \"datePublished\": [1, {}], \"author\": null", b"}",
    b"<h2>Symptoms</h2>", b"<ul><li><a href='/x'>x</a>", b"<base href='mailto:x'>", b"\x80\x81\xfe", b"\xe2\x80",
    b"<p>" + "\u2019".encode() * 3, "Reviewed by Dr. \u00c9mile".encode(), b"Updated: 31/02/2024",
]


@lru_cache(maxsize=1)
def real_pages() -> tuple[bytes, ...]:
    from condition_archive.sample_site.site import page_html

    pages = [p.read_bytes() for p in sorted(FIXTURES.glob("*/*.html"))]
    for version in ("2012", "2025"):
        pages += [page_html(version, path).encode("utf-8") for path in SAMPLE_PATHS]
    return tuple(pages)


@st.composite
def mutated_page(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(real_pages())))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "insert", "token", "duplicate", "truncate", "flip"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        span = draw(st.integers(1, 4000))
        if op == "delete":
            del data[at:at + span]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 50))
        elif op == "duplicate":
            data[at:at] = data[at:at + span] * draw(st.integers(1, 5))
        elif op == "truncate":
            del data[at:]
        elif data:
            data[at % len(data)] = draw(st.integers(0, 255))
    return bytes(data)


def no_crash(page: PageExtract) -> None:
    assert isinstance(page, PageExtract)
    assert not (page.problem or "").startswith("extraction failed"), page.problem


# FUZZ_SCALE=20 for a deeper search than CI's.
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAGES = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.data_too_large])


@FAST
@given(data=st.binary(max_size=4096), ctype=CONTENT_TYPES)
def test_arbitrary_bytes(data, ctype):
    parsed = parse_html(data, URL, ctype if isinstance(ctype, str) else None)
    assert parsed.root is not None or parsed.problem
    no_crash(extract_page(data, URL, {"content-type": ctype} if ctype else None))


@FAST
@given(text=st.text(max_size=3000))
def test_arbitrary_text(text):
    parsed = parse_html(text, URL)
    assert parsed.root is not None or parsed.problem
    no_crash(extract_page(text, URL))


@FAST
@given(tokens=st.lists(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=16)), max_size=60),
       url=st.sampled_from([URL, "", "not a url", "http://[::1", "http://h:99999/", "file:///x.html", "stdin:",
                            "https://xn--bcher-kva.de/a?b=1#c"]))
def test_markup_soup(tokens, url):
    data = b"".join(tokens)
    no_crash(extract_page(data, url, {"content-type": "text/html"}))


@PAGES
@given(data=mutated_page(), ctype=CONTENT_TYPES)
def test_mutated_real_pages(data, ctype):
    headers = {"content-type": ctype} if ctype else {}
    no_crash(extract_page(data, URL, headers))


@PAGES
@given(data=mutated_page())
def test_mutated_real_pages_through_the_pipeline_stages(data):
    """The stages the pipelines call one by one, with no try/except around them."""
    run_all = getattr(stages, "run_all", None)
    if run_all is None:
        pytest.skip("extract.stages has no run_all")
    page = run_all(data, URL, {"content-type": "text/html; charset=utf-8", "last-modified": "garbage"})
    assert isinstance(page, PageExtract)


@PAGES
@given(data=mutated_page())
def test_mutated_real_pages_through_the_spiders_link_step(data):
    """What the spider runs on every page before the pipelines (links to follow)."""
    from condition_archive.extract.boilerplate import classify_regions
    from condition_archive.extract.links import page_links
    from condition_archive.crawl.policy import to_follow

    parsed = parse_html(data, URL, "text/html")
    if parsed.root is not None:
        links = page_links(parsed.root, URL, classify_regions(parsed.root))
        to_follow(links, frozenset({"127.0.0.1"}))


def test_every_real_page_extracts_cleanly():
    for data in real_pages():
        no_crash(extract_page(data, URL, {"content-type": "text/html; charset=utf-8"}))


def test_a_malformed_page_url_is_a_reason_not_an_exception():
    no_crash(extract_page(b"<html><body><table><tr><td>x</td></tr></table></body></html>", "http://[::1"))


def test_a_base_href_on_a_malformed_page_url_is_not_a_crash():
    # Found by test_markup_soup: urljoin raises on "http://[::1".
    page = extract_page(b"<table><base href='mailto:x'>", "http://[::1")
    assert not (page.problem or "").startswith("extraction failed"), page.problem
