"""CanonicalRequest (spiders/condition_center.py): a request for a URL that
policy.canonical_url made skips w3lib's safe_url_string, and asks for exactly the
URL Scrapy's Request would; any other URL goes through Scrapy's own path."""

from __future__ import annotations

import scrapy
import scrapy.http.request as scrapy_request

from condition_archive.crawl.policy import SAFE, canonical_url
from spiders.condition_center import CanonicalRequest

URLS = ["http://Example.COM:80/a b/café?q=ü&x=%41#frag", "https://h/%zz/[x]|y^z`{}", "http://h",
        "http://xn--bcher-kva.de/ä?a=1;b=2", "http://127.0.0.1:8765/conditions/upper-back-pain",
        "http://Bücher.de/%E9%C3%A9/<x>\"'", "http://h/\tnew\nline/ path "]


def test_a_canonical_url_is_requested_as_scrapy_would_without_quoting_it_again(monkeypatch):
    canonical = [canonical_url(u) for u in URLS]
    assert all(c in SAFE for c in canonical)
    calls = []
    real = scrapy_request.safe_url_string
    monkeypatch.setattr(scrapy_request, "safe_url_string", lambda *a, **k: calls.append(a) or real(*a, **k))
    ours = [CanonicalRequest(c).url for c in canonical]
    assert calls == []
    assert ours == [scrapy.Request(c).url for c in canonical]
    assert len(calls) == len(canonical)  # Scrapy's own Request quoted each again, to the same URL


def test_any_other_url_goes_through_scrapys_quoting():
    raw = "http://h/a b/café"
    assert raw not in SAFE
    assert CanonicalRequest(raw).url == scrapy.Request(raw).url == "http://h/a%20b/caf%C3%A9"
    redirected = CanonicalRequest(canonical_url("http://h/x")).replace(url="http://h/new place")
    assert type(redirected) is CanonicalRequest and redirected.url == "http://h/new%20place"
