from __future__ import annotations

import pytest

from condition_archive.extract.model import Link
from condition_archive.crawl.policy import BadSeed, check_seed, is_private_host, normalize, skip_reason, to_follow

HOSTS = frozenset({"www.spine-health.com"})


@pytest.mark.parametrize("url, reason", [
    ("https://www.spine-health.com/conditions/upper-back-pain", None),
    ("http://www.spine-health.com/a?b=1", None),
    ("https://www.spine-health.com/files/guide.pdf", "not a page: .pdf"),
    ("https://www.spine-health.com/img/spine.JPG", "not a page: .jpg"),
    ("https://www.arthritis-health.com/x", "other host: www.arthritis-health.com"),
    ("ftp://www.spine-health.com/x", "not http(s): ftp"),
    ("file:///etc/passwd", "not http(s): file"),
    ("javascript:alert(1)", "not http(s): javascript"),
    ("mailto:a@b.c", "not http(s): mailto"),
])
def test_skip_reason(url, reason):
    assert skip_reason(url, HOSTS) == reason


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://WWW.Spine-Health.com/a#top", "https://www.spine-health.com/a"),
    ("http://example.org:80/x", "http://example.org/x"),
    ("https://example.org:443", "https://example.org/"),
    ("http://127.0.0.1:8765/p?q=1#f", "http://127.0.0.1:8765/p?q=1"),
])
def test_normalize(url, expected):
    assert normalize(url) == expected


@pytest.mark.parametrize("bad", ["", "spine-health.com", "www.x.com/path", "ftp://x.org/", "https://", "file:///tmp/x"])
def test_check_seed_refuses_with_remedy(bad):
    with pytest.raises(BadSeed, match="full URL"):
        check_seed(bad)


@pytest.mark.parametrize("host, private", [
    ("127.0.0.1", True), ("localhost", True), ("10.1.2.3", True), ("192.168.0.1", True),
    ("169.254.1.1", True), ("[::1]", True), ("0.0.0.0", True), ("8.8.8.8", False), ("www.example.com", False),
])
def test_is_private_host(host, private):
    assert is_private_host(host) is private


def test_to_follow_keeps_main_and_related_in_order_once():
    links = [
        Link("https://www.spine-health.com/menu", "Menu", "nav"),
        Link("https://www.spine-health.com/a#x", "A", "main", "Overview"),
        Link("https://www.spine-health.com/b", "B", "related"),
        Link("https://www.spine-health.com/a", "A again", "main", "Symptoms"),
        Link("https://ads.example/x", "Ad", "ad"),
        Link("https://www.sponsor.test/y", "Sponsored", "sponsored"),
        Link("https://other.test/z", "Elsewhere", "main"),
    ]
    assert to_follow(links, HOSTS) == [
        ("https://www.spine-health.com/a", None),
        ("https://www.spine-health.com/b", None),
        ("https://other.test/z", "other host: other.test"),
    ]
