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
from condition_archive.extract import extract_page, links
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
        assert len(pickler.links.numbers) <= 8 and len(reader.links.objects) == len(pickler.links.numbers)


def test_a_page_that_starts_over_keeps_its_repeated_link_shared(monkeypatch):
    """The reply that starts over numbers from 0 again, a link twice on it included."""
    monkeypatch.setattr(replies, "LIMIT", 6)
    old = tuple(Link(f"https://h/old/{n}", str(n), "nav") for n in range(5))
    again = Link("https://h/again", "A", "main", "S")
    first = dataclasses.replace(_extracts()[0], links=old)
    second = dataclasses.replace(first, links=(again, old[0], again, old[1]))
    pickler, reader = ReplyPickler(), ReplyReader()
    for page in (first, second, first):
        back = reader.loads(pickler.dumps(("ok", 1, (None, page, None))))[2][1]
        assert back == page and [vars(x) for x in back.links] == [vars(x) for x in page.links]
    assert len(reader.links.objects) == 5  # the third page started over too (4 + 5 > 6)
    back = reader.loads(pickler.dumps(("ok", 2, (None, second, None))))[2][1]
    assert back.links[0] is back.links[2] and back == second


def test_a_reply_is_plain_tuples_without_field_names_or_classes():
    extract = _extracts()[0]
    blob = ReplyPickler().dumps(("ok", 1, (None, extract, None)))
    for name in (b"body_text", b"date_candidates", b"PageExtract", b"Link", b"replies"):
        assert name not in blob
    assert ReplyReader().loads(blob) == ("ok", 1, (None, extract, None))


def test_replies_read_out_of_order_are_refused():
    """Numbers that do not follow on from the reader's objects stop the reply (the
    crawl then replaces the worker, workerproc.py) instead of giving wrong links."""
    first, second = _extracts()[:2]
    pickler, reader = ReplyPickler(), ReplyReader()
    blobs = [pickler.dumps(("ok", n, (None, e, None))) for n, e in enumerate((first, second))]
    with pytest.raises(pickle.UnpicklingError, match="out of order"):
        reader.loads(blobs[1])


def test_other_messages_and_results_come_back_as_sent():
    extract = _extracts()[0]
    reordered = object.__new__(type(extract))  # fields in another order: pickled whole
    reordered.__dict__.update(reversed(list(vars(extract).items())))
    cyclic: list = ["x"]
    cyclic.append(cyclic)
    messages = [("ready",), ("error", 1, "ValueError: no"), ("ok", 2, ("not html", None, None)),
                ("ok", 3, (None, reordered, None)), ("ok", 4, (None, extract, b"packed")),
                ("ok", 5, [None, extract, None]), ("error", 6, cyclic), ("error", 7, cyclic),
                ("ok", 8, (None, extract, None))]
    pickler, reader = ReplyPickler(), ReplyReader()
    back = [reader.loads(pickler.dumps(m)) for m in messages]
    assert back[:6] == messages[:6] and vars(back[3][2][1]) == vars(reordered)
    assert back[6][2][1] is back[6][2] and back[7][2][1] is back[7][2]  # a cycle: pickled with a memo
    assert back[8] == messages[8]  # and the fast pickler goes on after it


def test_two_pages_of_a_site_share_their_equal_link_objects():
    """extract/links.py makes one Link for equal fields, so the worker looks most links
    up by identity (Sent's `seen`); the values are those of Links built anew."""
    first, second = _extracts()[:2]
    common = set(first.links) & set(second.links)
    assert len(common) > 10
    objects = {link: link for link in first.links}
    assert all(objects[link] is link for link in second.links if link in common)
    assert [vars(x) for x in second.links] == [vars(Link(**vars(x))) for x in second.links]


def test_the_link_table_starts_over_at_its_bound(monkeypatch):
    monkeypatch.setattr(links, "_LINKS", {})
    monkeypatch.setattr(links, "LINKS_KEPT", 3)
    made = [links.shared_link(f"https://h/{n}", "t", "main", "") for n in range(3)]
    assert links.shared_link("https://h/0", "t", "main", "") is made[0]
    again = links.shared_link("https://h/3", "t", "main", "")  # the fourth: starts over
    assert len(links._LINKS) == 1 and links.shared_link("https://h/3", "t", "main", "") is again
    assert links.shared_link("https://h/0", "t", "main", "") is not made[0]


def test_links_made_anew_for_each_page_are_numbered_by_their_fields(monkeypatch):
    """Equal links that are not the same objects (the link table started over, another
    extraction) still go as numbers; the objects kept for identity stay bounded."""
    monkeypatch.setattr(replies, "LIMIT", 12)
    page = _extracts()[0]
    pickler, reader = ReplyPickler(), ReplyReader()
    sizes = []
    for n in range(6):
        fresh = dataclasses.replace(page, links=tuple(Link(f"https://h/{k}", str(k), "nav") for k in range(5)))
        blob = pickler.dumps(("ok", n, (None, fresh, None)))
        sizes.append(len(blob))
        assert reader.loads(blob)[2][1] == fresh
        assert len(pickler.links.numbers) == 5 and len(pickler.links.kept) <= 12
    assert sizes[1] == sizes[5] < sizes[0] - 5 * 10
