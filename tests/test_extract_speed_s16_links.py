"""Issue 16, session 16 (ext6b): the links, people and meta fast paths give the
answers of the code they replaced (the shared sets were also compared page by
page before and after: bench/extract_snapshot.py diff). The replaced code is
kept here, as the reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from condition_archive.extract import meta
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.meta import BADGE_MAX_WORDS, BADGE_PREFILTER, BADGE_RE, norm, visible_text
from condition_archive.extract.parse import parse_html
from condition_archive.extract.tagindex import tagged
from condition_archive.extract.meta import FOREIGN_REGIONS
from test_extract_fast_paths import _tricky_and_sample_roots

BENCH = Path(__file__).resolve().parents[1] / "bench"

_BADGES = ("<html><body><main><p>Medically reviewed</p><p>This article was medically reviewed by "
           "our board of doctors and nurses, every year.</p><span>Fact-checked</span>"
           "<img alt='Peer reviewed badge'><img alt='" + "evidence based " * 40 + "'>"
           "<img alt='Evidence-Based'><img title='x' alt='checked'><img alt=''><img>"
           "<div>PEER   REVIEWED</div></main><aside><p>Doctor reviewed</p></aside>"
           "<footer><img alt='Clinically reviewed'></footer></body></html>")


def _page_badges_before(root, regions, scan) -> tuple:
    """meta.page_badges as session 15 left it."""
    found: dict[str, str] = {}
    owners = [el for el, text in scan.texts if BADGE_PREFILTER.search(text)]
    owners += [img for img in tagged(root, regions, "img") if BADGE_PREFILTER.search(img.get("alt") or "")]
    for el in dict.fromkeys(owners):
        text = norm(el.get("alt") or el.get("title")) if el.tag == "img" else visible_text(el, regions)
        match = BADGE_RE.search(text)
        if not match or len(text.split()) > BADGE_MAX_WORDS:
            continue
        if regions.region(el) in FOREIGN_REGIONS:
            continue
        phrase = match.group(0)
        found.setdefault(meta._badge_key(phrase), phrase)
    return tuple(found.values())


def _roots(monkeypatch, pages: int = 40):
    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    yield parse_html(_BADGES, "http://h.test/").root
    yield from _tricky_and_sample_roots()
    for page in Generator(layout_for(pages)).render_all("http://h.test").values():
        yield parse_html(page.body, "http://h.test/").root


def test_page_badges_are_the_replaced_codes(monkeypatch):
    """Word count before the regex, the verdicts remembered per text and alt:
    the same badges, twice (the second time from the memos)."""
    badges = 0
    for root in _roots(monkeypatch):
        regions = classify_regions(root)
        scan = meta.scan_page(root, frozenset(), regions)
        expected = _page_badges_before(root, regions, scan)
        assert meta.page_badges(root, regions, scan) == expected
        assert meta.page_badges(root, regions, scan) == expected
        badges += len(expected)
    assert badges > 40
    root = parse_html(_BADGES, "http://h.test/").root
    assert meta.page_badges(root, classify_regions(root)) == (
        "Medically reviewed", "Fact-checked", "PEER REVIEWED", "Evidence-Based")


@pytest.mark.parametrize("alt", ["reviewed", "x" * 300 + " reviewed", "nothing", "x" * 300])
def test_a_long_alt_is_searched_not_kept(alt):
    meta._BADGE_HIT.clear()
    html = f"<html><body><main><img alt='{alt}'></main></body></html>"
    root = parse_html(html, "http://h.test/").root
    meta.page_badges(root, classify_regions(root))
    assert (alt in meta._BADGE_HIT) == (len(alt) < meta._ALT_KEPT)


def _meta_content_before(root, *names, regions=None) -> str:
    """meta.meta_content as session 15 left it."""
    wanted = {n.lower() for n in names}
    found: dict[str, str] = {}
    for el in tagged(root, regions, "meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if key in wanted and key not in found and norm(el.get("content")):
            found[key] = norm(el.get("content"))
    return next((found[n.lower()] for n in names if n.lower() in found), "")


_METAS = ("<html><head><meta name=description content='  '><meta property=OG:Title content=' A  b '>"
          "<meta name=og:title content=second><meta name=Description content='The  text'>"
          "<meta itemprop=description content=third><meta property='' name=twitter:title content=t>"
          "<meta content=nokey><meta name=application-name><meta name=viewport content=w></head>"
          "<body><meta name=og:site_name content='In body'></body></html>")
_NAMES = [("description", "og:description", "twitter:description"), ("og:site_name", "application-name"),
          ("og:title", "twitter:title"), ("twitter:title", "OG:TITLE"), ("",), ("viewport",), ("nothing",)]


def test_meta_content_from_the_pages_table_is_the_replaced_codes(monkeypatch):
    """The table of a page's <meta>s, made once for its region map's tag index:
    the same answers, with and without the map, for pages asked in turn and again."""
    roots = [parse_html(_METAS, "http://h.test/").root, *_roots(monkeypatch, 10)]
    maps = [classify_regions(root) for root in roots]
    for _ in range(2):
        for root, regions in zip(roots, maps):
            for names in _NAMES:
                expected = _meta_content_before(root, *names, regions=regions)
                assert meta.meta_content(root, *names, regions=regions) == expected
                assert meta.meta_content(root, *names) == expected
                other = parse_html(etree.tostring(root), "http://h.test/").root  # not the map's tree
                assert meta.meta_content(other, *names, regions=regions) == expected
    root = roots[0]
    assert [meta.meta_content(root, *n, regions=maps[0]) for n in _NAMES] == [
        "The text", "In body", "A b", "t", "nokey", "w", ""]
