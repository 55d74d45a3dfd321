"""TrapGuard.check, refusal and skip_reason answer as their plain versions did
(session 16: the segment and pattern tests done only when they can matter, refusal
memoised by scheme and netloc, or read from Scrapy's split of the request,
skip_reason memoised by URL): the reference versions below are the code before,
run on the same URLs in the same order."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from urllib.parse import urlparse, urlsplit

import posixpath

from condition_archive.crawl.policy import NOT_PAGES, TrapGuard, TrapLimits, is_private_host, refusal, skip_reason

_DIGITS = re.compile(r"\d+")


def _query_keys(query):
    return {pair.split("=", 1)[0] for pair in query.split("&") if pair}


class ReferenceGuard:
    def __init__(self, limits):
        self.limits, self.variants, self.patterns = limits, defaultdict(set), Counter()

    def check(self, url):
        limits, parts = self.limits, urlsplit(url)
        if len(url) > limits.max_url_length:
            return f"crawl trap: URL longer than {limits.max_url_length} characters"
        segments = [s for s in parts.path.split("/") if s]
        repeated = max(Counter(segments).values(), default=0)
        if repeated > limits.max_segment_repeats:
            return f"crawl trap: a path segment repeats {repeated} times"
        path_key = f"{parts.netloc}{parts.path}"
        if parts.query and parts.query not in self.variants[path_key]:
            if len(self.variants[path_key]) >= limits.max_query_variants:
                return f"crawl trap: more than {limits.max_query_variants} query variants of {parts.path}"
            self.variants[path_key].add(parts.query)
        pattern = f"{parts.netloc}{_DIGITS.sub('N', parts.path)}?{','.join(sorted(_query_keys(parts.query)))}"
        if pattern != f"{parts.netloc}{parts.path}?{','.join(sorted(_query_keys(parts.query)))}":
            if self.patterns[pattern] >= limits.max_pattern_pages:
                return f"crawl trap: more than {limits.max_pattern_pages} pages like {_DIGITS.sub('N', parts.path)}"
            self.patterns[pattern] += 1
        return None


def reference_refusal(url, allowed_hosts, seed_netlocs=frozenset()):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not http(s): {parts.scheme or 'no scheme'}"
    try:
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "malformed address"
    if host not in allowed_hosts:
        return f"other host: {host or 'none'}"
    netloc = f"{host}:{port or {'http': 80, 'https': 443}[parts.scheme]}"
    if is_private_host(host) and netloc not in seed_netlocs:
        return f"private or loopback address that is not a seed: {netloc}"
    return None


def reference_skip_reason(url, allowed_hosts):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not http(s): {parts.scheme or 'no scheme'}"
    host = (parts.hostname or "").lower()
    if host not in allowed_hosts:
        return f"other host: {host or 'none'}"
    ext = posixpath.splitext(parts.path)[1].lower().lstrip(".")
    if ext in NOT_PAGES:
        return f"not a page: .{ext}"
    return None


def _urls(n: int = 6000) -> list[str]:
    rnd = random.Random(16)
    hosts = ["h.org", "H.org:8080", "127.0.0.1:8765", "127.0.0.1:9999", "[::1]:8765", "10.0.0.5", "localhost",
             "h.org:99999", "h.org:x", "other.net", "", "user@h.org", "0x7f000001"]
    segs = ["a", "b", "c", "2024", "12", "page-3", "x1y2", "café", "", "f.PDF", "g.jpg", "h.html"]
    out = []
    for _ in range(n):
        path = "/".join(rnd.choice(segs) for _ in range(rnd.randint(0, 6)))
        query = "&".join(f"{rnd.choice('kqs')}={rnd.randint(0, 40)}" for _ in range(rnd.randint(0, 2)))
        scheme = rnd.choice(["http", "https", "http", "ftp", "HTTP"])
        out.append(f"{scheme}://{rnd.choice(hosts)}/{path}" + (f"?{query}" if query else ""))
    return out


def test_trap_guard_answers_as_before_for_every_limit():
    for limits in (TrapLimits(), TrapLimits(max_query_variants=3, max_pattern_pages=5, max_segment_repeats=1),
                   TrapLimits(max_segment_repeats=0, max_url_length=40)):
        ours, reference = TrapGuard(limits), ReferenceGuard(limits)
        answers = [(ours.check(u), reference.check(u)) for u in _urls()]
        assert all(a == b for a, b in answers)
        assert ours.patterns == reference.patterns and ours.variants == reference.variants
        assert len({a for a, _ in answers}) > 3  # traps of several kinds were met


def test_refusal_answers_as_before_split_here_or_by_scrapy():
    allowed = frozenset({"h.org", "127.0.0.1", "::1", "10.0.0.5", "localhost", "0x7f000001"})
    seeds = frozenset({"127.0.0.1:8765", "[::1]:8765"})
    for url in _urls():
        expected = reference_refusal(url, allowed, seeds)
        assert refusal(url, allowed, seeds) == expected, url
        assert refusal(url, set(allowed), set(seeds)) == expected, url  # plain sets are taken too
        assert refusal(url, allowed, seeds, urlparse(url)) == expected, url


def test_skip_reason_answers_as_before_asked_once_or_again():
    allowed = frozenset({"h.org", "127.0.0.1", "localhost"})
    urls = _urls()
    for url in urls + urls:  # the second time from the memo
        expected = reference_skip_reason(url, allowed)
        assert skip_reason(url, allowed) == expected, url
        assert skip_reason(url, set(allowed)) == expected, url
    assert {skip_reason(u, allowed) is None for u in urls} == {True, False}
