"""Hrefs that urljoin would return unchanged skip it (links._absolute_href's
fast paths, a speed change of issue 16): the answer is always urljoin's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from condition_archive.extract.links import _absolute_href, joined_href

_PARTS = st.sampled_from(["a", "b1", "/", "//", ".", "..", "/.", "?", "?q=1", "&x=", "#f", ";p", ":", ":80",
                          "%2e", "é", " ", "\t", "\\", "@", "[", "A", "-", "_", "~"])
_STARTS = st.sampled_from(["http://h.test", "https://h.test", "http://h.test:8080", "HTTP://h.test",
                           "http://H.test", "/", "", "https://x.test/a"])
_BASES = st.sampled_from(["http://h.test", "https://h.test", "http://h.test/a/b", "https://h.test/a?x=1",
                          "http://H.test", "", "http://[::1"])


@given(start=_STARTS, rest=st.lists(_PARTS, max_size=10).map("".join), base=_BASES)
@settings(max_examples=600, deadline=None)
def test_fast_paths_agree_with_urljoin(start, rest, base):
    href = start + rest
    assert _absolute_href.__wrapped__(href, base) == joined_href(href, base)


def test_plain_hrefs_take_the_fast_path_unchanged():
    assert _absolute_href.__wrapped__("https://h.test/a/b?q=1", "http://x.test/") == "https://h.test/a/b?q=1"
    assert _absolute_href.__wrapped__("/a/b/", "http://h.test") == "http://h.test/a/b/"
    assert _absolute_href.__wrapped__("/a/./b", "http://h.test") == "http://h.test/a/b"
