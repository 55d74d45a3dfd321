"""The worker's replies with the links and dates the crawl already has sent as numbers
(crawl/replies.py, issue 16 session 12): every reply unpickles equal to what the worker
extracted, a link sent before costs a number, and past LIMIT both sides start over."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from sample_truth import CENTER_PATH, page_html, reachable_articles, url_of

from condition_archive.crawl import replies
from condition_archive.crawl.replies import ReplyPickler, ReplyReader
from condition_archive.extract import extract_page
from condition_archive.extract.model import DateCandidate, Link

HEADERS = {"content-type": "text/html; charset=utf-8"}


def _extracts():
    return [extract_page(page_html("2025", path).encode("utf-8"), url_of(path), HEADERS)
            for path in (CENTER_PATH, *sorted(reachable_articles("2025"))[:3])]


def _roundtrip(extracts):
    pickler, reader = ReplyPickler(), ReplyReader()
    blobs = [pickler.dumps(("ok", n, (None, e, None))) for n, e in enumerate(extracts)]
    return blobs, [reader.loads(b)[2][1] for b in blobs]


def test_replies_come_back_equal_with_their_links_and_dates_as_objects():
    extracts = _extracts()
    extracts[1] = dataclasses.replace(extracts[1], extra={"kept": [1]})
    _, back = _roundtrip(extracts)
    assert back == extracts and back[1].extra == {"kept": [1]}
    for got, sent in zip(back, extracts):
        assert [vars(x) for x in got.links] == [vars(x) for x in sent.links]
        assert [vars(x) for x in got.date_candidates] == [vars(x) for x in sent.date_candidates]
        assert {type(x) for x in got.links} <= {Link} and {type(x) for x in got.date_candidates} <= {DateCandidate}
        with pytest.raises(dataclasses.FrozenInstanceError):
            got.links[0].href = "changed"


def test_a_link_sent_before_is_a_number_and_the_same_object_in_the_crawl():
    extract = _extracts()[0]
    assert len(extract.links) > 10
    blobs, back = _roundtrip([extract, extract])
    assert len(blobs[1]) < len(blobs[0]) - 20 * len(extract.links)  # no strings for the links again
    assert all(a is b for a, b in zip(back[0].links, back[1].links))
    assert back[1] == extract


def test_a_link_twice_on_one_page_is_numbered_once():
    link = Link("https://h/a", "A", "main", "")
    extract = dataclasses.replace(_extracts()[0], links=(link, Link("https://h/b", "B", "nav"), link))
    _, (back,) = _roundtrip([extract])
    assert back.links == extract.links and back.links[0] is back.links[2]


def test_past_the_limit_both_sides_start_over(monkeypatch):
    monkeypatch.setattr(replies, "LIMIT", 8)
    pages = [dataclasses.replace(_extracts()[0], links=tuple(Link(f"https://h/{p}/{n}", str(n), "main")
                                                             for n in range(5))) for p in range(4)]
    pickler, reader = ReplyPickler(), ReplyReader()
    for page in pages + pages:
        assert reader.loads(pickler.dumps(("ok", 1, (None, page, None))))[2][1] == page
        assert len(pickler.links.numbers) <= 8 and len(reader.links.objects) <= 8


def test_a_reply_is_read_only_with_its_workers_reader():
    blob = ReplyPickler().dumps(("ok", 1, (None, _extracts()[0], None)))
    with pytest.raises(pickle.UnpicklingError, match="ReplyReader"):
        pickle.loads(blob)
