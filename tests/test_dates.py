"""Dates: the parser, every candidate source, the traps that must not be dates,
and the documented choice of date_published/date_updated."""

from __future__ import annotations

import pytest

from condition_archive.extract import ExtractOptions, extract_page
from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.dates import (
    choose_dates,
    date_candidates,
    parse_date,
    parse_machine_date,
    two_digit_year,
)
from condition_archive.extract.model import DateCandidate
from condition_archive.extract.parse import parse_html

URL = "https://www.example.test/article"


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("12/17/12", False, ("2012-12-17", "day")),
    ("Updated on: 12/17/12", False, ("2012-12-17", "day")),
    ("03/14/2024", False, ("2024-03-14", "day")),
    ("03/04/2024", False, ("2024-03-04", "day")),
    ("03/04/2024", True, ("2024-04-03", "day")),
    ("14/03/2024", False, ("2024-03-14", "day")),  # first number > 12 forces day-first
    ("5/3/2017", False, ("2017-05-03", "day")),
    ("01.06.2024", True, ("2024-06-01", "day")),
    ("2019-06-02", False, ("2019-06-02", "day")),
    ("2024/3/9", False, ("2024-03-09", "day")),
    ("June 2, 2019", False, ("2019-06-02", "day")),
    ("Sept. 5, 2024", False, ("2024-09-05", "day")),
    ("Feb 29, 2024", False, ("2024-02-29", "day")),
    ("March 03, 2024", False, ("2024-03-03", "day")),
    ("3 April 2019", False, ("2019-04-03", "day")),
    ("5th of June 2021", False, ("2021-06-05", "day")),
    ("March 2023", False, ("2023-03-01", "month")),
    ("Dec. 2011", False, ("2011-12-01", "month")),
    ("2024-03-14T10:20:30+01:00", False, ("2024-03-14T10:20:30+01:00", "time")),
    ("2024-03-14T10:20:30Z", False, ("2024-03-14T10:20:30+00:00", "time")),
    ("02/30/2024", False, None),  # no such day
    ("13/13/2024", False, None),
    ("no date here", False, None),
    ("© 1999-2025", False, None),  # years alone are never dates
    ("", False, None),
])
def test_parse_date(text, day_first, expected):
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(("yy", "year"), [(0, 2000), (12, 2012), (68, 2068), (69, 1969), (99, 1999)])
def test_two_digit_year(yy, year):
    assert two_digit_year(yy) == year


@pytest.mark.parametrize(("raw", "expected"), [
    ("2025-03-14T10:00:00-05:00", "2025-03-14T10:00:00-05:00"),
    ("2024-06-05T09:30:00.000+01:00", "2024-06-05T09:30:00+01:00"),
    ("2019-04-03", "2019-04-03"),
    ("2023-03", "2023-03-01"),
    ("20240314", "2024-03-14"),
    ("March 3, 2024", "2024-03-03"),
    ("not-a-date", None),
    ("", None),
])
def test_parse_machine_date(raw, expected):
    assert parse_machine_date(raw) == expected


def _cands(body: str, head: str = "", headers=None, day_first=False):
    html = f"<html><head>{head}</head><body><h1>T</h1>{body}</body></html>"
    root = parse_html(html, URL).root
    return date_candidates(root, classify_regions(root), headers, ExtractOptions(day_first))


def _triples(cands):
    return [(c.field, c.value, c.source) for c in cands]


# Each source of candidates: (body, head) -> expected (field, value, source).
SOURCES = [
    ("<p>Updated on: 12/17/12</p>", "", ("updated", "2012-12-17", "visible:Updated on")),
    ("<p>Last updated 03/14/2024</p>", "", ("updated", "2024-03-14", "visible:Last updated")),
    ("<p>Published June 2, 2019</p>", "", ("published", "2019-06-02", "visible:Published")),
    ("<p>Posted 2019-06-02</p>", "", ("published", "2019-06-02", "visible:Posted")),
    ("<p>Medically reviewed on January 5, 2024</p>", "",
     ("reviewed", "2024-01-05", "visible:Medically reviewed on")),
    ("<p>Medically Reviewed by Dr. Priya Raman, MD on March 03, 2024</p>", "",
     ("reviewed", "2024-03-03", "visible:Medically Reviewed")),
    ("<p>Page last reviewed: 04 August 2022</p>", "",
     ("reviewed", "2022-08-04", "visible:Page last reviewed")),
    ("<p>Updated March 2023</p>", "",
     ("updated", "2023-03-01", "visible:Updated (month precision)")),
    ("<p><strong>Updated on:</strong> <span>12/17/12</span></p>", "",
     ("updated", "2012-12-17", "visible:Updated on")),
    ("<dl><dt>Last updated</dt><dd>5 June 2024</dd></dl>", "",
     ("updated", "2024-06-05", "visible:Last updated")),
    ("<p>Published <time datetime='2019-06-02'>June 2, 2019</time></p>", "",
     ("published", "2019-06-02", "time[datetime]")),
    ("<p>Updated <time datetime='2024-05-01T10:00:00Z'>May 1</time></p>", "",
     ("updated", "2024-05-01T10:00:00+00:00", "time[datetime]")),
    ("<span class='posted-on'><time class='updated' datetime='2024-05-20'>20 May</time></span>", "",
     ("updated", "2024-05-20", "time[datetime] (class)")),
    ("<div class='byline'><time datetime='2020-01-02'>Jan 2</time></div>", "",
     ("published", "2020-01-02", "time[datetime] (unlabelled)")),
    ("<span class='date'>June 2, 2019</span>", "",
     ("published", "2019-06-02", "date element (unlabelled)")),
    ("<span class='post-date'>June 2, 2019</span>", "",
     ("published", "2019-06-02", "date element (class)")),
    ("<span class='date-modified'>June 9, 2019</span>", "",
     ("updated", "2019-06-09", "date element (class)")),
    ("<span itemprop='dateModified' content='2024-02-02'>Feb 2</span>", "",
     ("updated", "2024-02-02", "microdata:dateModified")),
    ("", '<meta property="article:published_time" content="2019-06-02T08:00:00Z">',
     ("published", "2019-06-02T08:00:00+00:00", "meta:article:published_time")),
    ("", '<meta property="og:updated_time" content="2024-01-01T00:00:00+00:00">',
     ("updated", "2024-01-01T00:00:00+00:00", "meta:og:updated_time")),
    ("", '<meta name="DC.date" content="2011-05-06">', ("published", "2011-05-06", "meta:dc.date")),
    ("", '<meta name="date" content="20110506">', ("published", "2011-05-06", "meta:date")),
    ("", '<script type="application/ld+json">{"@type":"Article","datePublished":"2019-06-02",'
         '"dateModified":"2024-03-14T09:00:00-05:00","lastReviewed":"2024-01-05"}</script>',
     ("updated", "2024-03-14T09:00:00-05:00", "json-ld:dateModified")),
    ("", '<script type="application/ld+json">{"@graph":[{"@type":"WebSite"},{"@type":'
         '"MedicalWebPage","lastReviewed":"2024-01-05"}]}</script>',
     ("reviewed", "2024-01-05", "json-ld:lastReviewed")),
    ("", '<script type="application/ld+json">[{"@type":"Article","mainEntityOfPage":'
         '{"@type":"WebPage","dateCreated":"2010-10-10"}}]</script>',
     ("published", "2010-10-10", "json-ld:dateCreated")),
]


@pytest.mark.parametrize(("body", "head", "expected"), SOURCES)
def test_candidate_sources(body, head, expected):
    assert expected in _triples(_cands(body, head))


def test_http_last_modified_is_a_candidate_never_chosen():
    cands = _cands("<p>No dates here.</p>", headers={"Last-Modified": "Tue, 15 Nov 1994 08:12:31 GMT"})
    assert _triples(cands) == [("updated", "1994-11-15T08:12:31+00:00", "http:last-modified")]
    assert choose_dates(cands) == (None, None)


# Dates that are not the page's: each snippet must give no candidate at all.
TRAPS = [
    "<div id='cookie-banner'>Our cookie policy was updated on May 25, 2018.</div>",
    "<div class='consent'>Privacy notice updated 01/02/2020</div>",
    "<div class='ad-slot'>Advertisement. Offer updated 03/03/2023</div>",
    "<aside><h3>News</h3><p>Updated October 8, 2024: new guidelines.</p></aside>",
    "<div class='sidebar'><p>Posted 10/08/2024</p></div>",
    "<div class='related'><a href='/x'>Other article</a><span>Updated 2/2/2022</span></div>",
    "<div class='card'><a href='/y'>Card</a><time datetime='2021-01-01'>Jan 1</time></div>",
    "<ul><li><span class='date'>Posted 12/16/12</span><br><a href='/forum/1'>Thread</a></li></ul>",
    "<p>Next review due: 01/05/2027</p>",
    "<p>Review due March 2026</p>",
    "<p>Copyright © 1999-2012. Updated</p>",
    "<!-- Last updated 02/11/2025 by CMS -->",
    "<div style='display:none'>Last saved 02/11/2025, updated 02/11/2025</div>",
    "<div hidden>Updated 02/11/2025</div>",
    "<script>dataLayer.push({'updated': '2025-02-11', 'published':'2020-01-01'})</script>",
    "<p>In March 2023, researchers published a trial of 300 patients.</p>",
    "<div class='references'><p>Smith J. Back pain, published June 2021.</p></div>",
    "<footer>&copy; 2025 Example. Page updated 1/1/2025</footer>",
]


@pytest.mark.parametrize("body", TRAPS)
def test_traps_give_no_candidate(body):
    assert _cands(body) == ()


def _cand(field, value, source):
    return DateCandidate(field, value, source)


@pytest.mark.parametrize(("cands", "expected"), [
    ([], (None, None)),
    # Visible beats machine, in both fields.
    ([_cand("updated", "2024-11-02T03:12:44+00:00", "json-ld:dateModified"),
      _cand("updated", "2023-08-12", "visible:Updated")], (None, "2023-08-12")),
    ([_cand("published", "2021-06-04T22:15:00+00:00", "meta:article:published_time"),
      _cand("published", "2021-06-05", "visible:Posted on")], ("2021-06-05", None)),
    # JSON-LD beats meta; microdata sits between.
    ([_cand("updated", "2024-01-01", "meta:article:modified_time"),
      _cand("updated", "2024-02-02", "microdata:dateModified"),
      _cand("updated", "2024-03-03", "json-ld:dateModified")], (None, "2024-03-03")),
    # Class-labelled beats machine, loses to a text label.
    ([_cand("updated", "2024-05-20", "time[datetime] (class)"),
      _cand("updated", "2024-05-21", "json-ld:dateModified")], (None, "2024-05-20")),
    ([_cand("updated", "2024-05-20", "time[datetime] (class)"),
      _cand("updated", "2024-05-01", "visible:Updated")], (None, "2024-05-01")),
    # A review date is never an update or a publication.
    ([_cand("reviewed", "2024-01-05", "visible:Medically reviewed on"),
      _cand("reviewed", "2024-01-05", "json-ld:lastReviewed")], (None, None)),
    # dateCreated and unlabelled dates are last resorts for published.
    ([_cand("published", "2010-10-10", "json-ld:dateCreated"),
      _cand("published", "2011-11-11", "json-ld:datePublished")], ("2011-11-11", None)),
    ([_cand("published", "2009-01-01", "date element (unlabelled)"),
      _cand("published", "2010-10-10", "json-ld:dateCreated")], ("2010-10-10", None)),
    ([_cand("published", "2023-03-01", "date element (unlabelled)")], ("2023-03-01", None)),
    # First in page order within a tier; timestamps cut to the date as written.
    ([_cand("updated", "2024-03-14T23:30:00-05:00", "visible:Updated"),
      _cand("updated", "2020-01-01", "visible:Last updated")], (None, "2024-03-14")),
    ([_cand("updated", "2025-01-01T00:00:00+00:00", "http:last-modified")], (None, None)),
])
def test_choose_dates(cands, expected):
    assert choose_dates(tuple(cands)) == expected


def test_unlabelled_date_takes_the_field_of_a_matching_machine_date():
    cands = _cands("<div class='cmp-date'><p>Sept. 5, 2024</p></div>",
                   head='<script type="application/ld+json">{"@type":"MedicalWebPage",'
                        '"lastReviewed":"2024-09-05"}</script>')
    assert ("reviewed", "2024-09-05", "date element (unlabelled)") in _triples(cands)
    assert choose_dates(cands) == (None, None)


def test_dates_in_center_cards_are_not_the_page_dates():
    html = """<html><body><main><h1>Hub</h1><h2>Guides</h2><ul class="wp-block-latest-posts">
    <li><a href="/a">Guide A</a><time datetime="2021-06-05">5 June 2021</time></li>
    <li><a href="/b">Guide B</a><time datetime="2022-05-17">17 May 2022</time></li>
    </ul></main></body></html>"""
    page = extract_page(html, URL)
    assert page.date_published is None and page.date_candidates == ()


@pytest.mark.parametrize(("body", "published", "updated"), [
    ("<p>Published June 2, 2019 | Updated on March 3, 2024</p>", "2019-06-02", "2024-03-03"),
    ("<p>Medically reviewed by Jane Doe, MD — Updated on January 5, 2024</p>", None, "2024-01-05"),
    ("<p>Posted on 12 March 2024</p><p>Reviewed May 2024</p>", "2024-03-12", None),
    ("<p>Updated on: 12/17/12</p><p>Next review due: 12/17/15</p>", None, "2012-12-17"),
    ("<p>Nothing dated here at all.</p>", None, None),
])
def test_page_dates_end_to_end(body, published, updated):
    page = extract_page(f"<html><body><h1>T</h1>{body}</body></html>", URL)
    assert (page.date_published, page.date_updated) == (published, updated)


def test_a_time_the_pages_stylesheet_hides_is_no_statement():
    # WordPress themes print the modified date and hide it with CSS: readers see
    # only "Posted on"; without a visible update the structured data decides.
    html = """<html><head><style>.a{color:red}.updated:not(.published){display:none}</style>
    <script type="application/ld+json">{"@type":"Article","dateModified":"2024-05-20T01:00:09+00:00"}</script>
    </head><body><h1>T</h1><p class="posted-on">Posted on <a href="/p">
    <time class="entry-date published" datetime="2024-03-12T06:30:00+11:00">12 March 2024</time>
    <time class="updated" datetime="2024-04-01T11:00:09+10:00">1 April 2024</time></a></p>
    <p>Reviewed May 2024</p></body></html>"""
    page = extract_page(html, URL)
    assert ("updated", "2024-04-01T11:00:09+10:00") not in {(c.field, c.value) for c in page.date_candidates}
    assert (page.date_published, page.date_updated, page.date_reviewed) == ("2024-03-12", "2024-05-20", "2024-05-01")


@pytest.mark.parametrize(("css", "hidden"), [
    (".updated:not(.published){display:none}", True),
    ("time.updated { visibility: hidden }", True),
    (".entry .updated{display:none}", False),  # descendant selectors are not read
    (".updated{color:grey}", False),
])
def test_stylesheet_hidden_classes(css, hidden):
    from condition_archive.extract.parse import hidden_by_stylesheet, stylesheet_hidden

    root = parse_html(f"<html><head><style>{css}</style></head><body>"
                      "<time class='updated' datetime='2024-01-01'>x</time></body></html>").root
    assert hidden_by_stylesheet(root.find(".//time"), stylesheet_hidden(root)) is hidden
