"""Issue 11's failure classes, one small page each (the labelled templates in
tests/fixtures/templates pin them on whole pages; these pin the rules)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from condition_archive.extract import extract_page
from condition_archive.extract.date_parse import DayOrder, lang_day_first, parse_date_why
from condition_archive.extract.jsonld import parse_jsonld
from condition_archive.extract.model import ExtractOptions
from condition_archive.extract.parse import stated_url

URL = "https://www.example-health.test/conditions/back-pain/article"
PROSE = ("Back pain is one of the most common reasons people see a doctor, and most of it "
         "gets better within a few weeks with gentle activity and simple pain relief. ")


def page(body: str, head: str = "", lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body><header><a href='/'>Example Health</a></header><main>{body}</main>"
            "<footer><p>&copy; 2025 Example Health</p></footer></body></html>")


def article(inner: str, h1: str = "Back pain: what helps") -> str:
    return f"<article><h1>{h1}</h1>{inner}</article>"


# 1. Paragraphs split by ad slots and promos are all kept; the ad is not.
def test_body_split_by_ads_keeps_every_paragraph():
    paras = [f"<p>{PROSE}Part {i} of the article explains one more thing.</p>" for i in range(6)]
    blocks = "".join(
        f"<div class='text-block'>{paras[i]}{paras[i + 1]}</div>"
        f"<div class='ad-slot'><span>Advertisement</span></div>"
        f"<div class='promo-box'><p>Try our app for free today, then subscribe.</p></div>"
        for i in (0, 2, 4))
    body = extract_page(page(article(blocks)), URL).body_text
    for i in range(6):
        assert f"Part {i} of the article" in body
    assert "Advertisement" not in body and "Try our app" not in body


# 2. A caption that says something is content; a bare credit is not.
def test_figure_caption_is_body_text_credit_is_not():
    html = page(article(f"<p>{PROSE}</p><figure><img src='x.jpg' alt=''><figcaption>"
                        "An MRI scan shows a slipped disc pressing on a nerve root in the lower back."
                        "</figcaption></figure><figure><img src='y.jpg' alt=''><figcaption>Photo: "
                        "Getty Images</figcaption></figure><p>{PROSE}</p>"))
    body = extract_page(html, URL).body_text
    assert "An MRI scan shows a slipped disc" in body
    assert "Getty Images" not in body


# 3. Day/month order: the rule that decided is recorded with the date.
@pytest.mark.parametrize(("text", "order", "expected", "why"), [
    ("03/04/2021", DayOrder(machine_days=frozenset({"2021-04-03"})), "2021-04-03",
     "matches a machine-readable date"),
    ("03/04/2021", DayOrder(lang_day_first=True), "2021-04-03", "page language: day first"),
    ("03/04/2021", DayOrder(lang_day_first=False), "2021-03-04", "page language: month first"),
    ("03/04/2021", DayOrder(setting=True, lang_day_first=False), "2021-04-03", "site setting: day first"),
    ("06.10.2023", DayOrder(lang_day_first=False), "2023-10-06", "dotted date: day first"),
    ("13/04/2021", DayOrder(), "2021-04-13", ""),
])
def test_day_month_order(text, order, expected, why):
    assert parse_date_why(text, order) == (expected, "day", why)


@pytest.mark.parametrize(("lang", "day_first"), [
    ("en-GB", True), ("en-US", False), ("en", False), ("de", True), ("fr-FR", True), ("", None)])
def test_language_decides_order(lang, day_first):
    assert lang_day_first(lang) is day_first


def test_en_gb_page_reads_visible_date_day_first_and_says_why():
    html = page(article(f"<p class='meta'>Published 03/04/2021</p><p>{PROSE}</p>"), lang="en-GB")
    got = extract_page(html, URL)
    assert got.date_published == "2021-04-03"
    assert any("page language: day first" in c.source for c in got.date_candidates)
    forced = extract_page(html, URL, options=ExtractOptions(day_first=False))
    assert forced.date_published == "2021-03-04"  # the site setting stays an override


# 10. Dates in other languages.
@pytest.mark.parametrize(("text", "expected"), [
    ("31. Mai 2012", "2012-05-31"), ("3 mars 2019", "2019-03-03"), ("5 de marzo de 2020", "2020-03-05"),
    ("3 maja 2021", "2021-05-03"), ("17. März 2019", "2019-03-17"), ("12 settembre 2018", "2018-09-12"),
])
def test_dates_in_other_languages(text, expected):
    assert parse_date_why(text)[0] == expected


def test_german_page_labelled_date():
    html = page(article(f"<p>Veröffentlicht am 31. Mai 2012</p><p>{PROSE}</p>"), lang="de")
    assert extract_page(html, URL).date_published == "2012-05-31"


# 4. Bylines in other shapes; a reference list is never the author list.
@pytest.mark.parametrize(("byline", "authors", "reviewers"), [
    ("<p><span>Maya Collins</span> <span aria-hidden='true'>&bull;</span> <span>Posted on March 5, 2024"
     "</span></p>", ("Maya Collins",), ()),
    ("<p>Written by Dr Amelia Hart, GP. Reviewed by Tom Okafor, MCSP.</p>", ("Amelia Hart",), ("Tom Okafor",)),
    ("<p>Von Julia Brandt · Medizinisch geprüft von Dr. med. Stefan Keller</p>", ("Julia Brandt",),
     ("Stefan Keller",)),
])
def test_byline_shapes(byline, authors, reviewers):
    got = extract_page(page(article(byline + f"<p>{PROSE}</p>")), URL)
    assert (got.authors, got.reviewers) == (authors, reviewers)


def test_a_byline_that_dates_itself_gives_the_publication_date():
    """ "Written by X on March 3, 2024": the byline's date is when it was published;
    "Updated on" beside it stays the update, and the reviewer stays a reviewer."""
    byline = "<p>Medically reviewed by Jane Doe, MD &mdash; Written by John Roe on March 3, 2024</p>"
    got = extract_page(page(article(byline + f"<p>{PROSE}</p>" * 3)), URL)
    assert (got.authors, got.reviewers, got.date_published) == (("John Roe",), ("Jane Doe",), "2024-03-03")
    assert [c.source for c in got.date_candidates if c.field == "published"] == ["visible:Written"]
    updated = "<p>Written by John Roe &mdash; Updated on March 3, 2024</p>"
    got = extract_page(page(article(updated + f"<p>{PROSE}</p>" * 3)), URL)
    assert (got.date_published, got.date_updated) == (None, "2024-03-03")


def test_review_box_after_article_and_references_are_not_authors():
    html = page(article(f"<p>{PROSE}</p><h2>References</h2><ol><li>Smith J, Jones K. Back pain in "
                        "adults. Spine J. 2019;3:1-9.</li></ol>")
                + "<div class='review-box'><p><strong>Reviewed by:</strong> Sarah Lindqvist, MCSP, "
                  "Senior Physiotherapist</p></div>")
    got = extract_page(html, URL)
    assert got.reviewers == ("Sarah Lindqvist",)
    assert got.authors == ()
    assert "Smith J" not in got.body_text


def test_jsonld_people_without_visible_byline():
    ld = ('<script type="application/ld+json">{"@type":"MedicalWebPage","headline":"Back pain",'
          '"author":[{"@type":"Person","name":"Hannah Whitcomb"}],'
          '"reviewedBy":{"@type":"Person","name":"Naomi Feld, MD"}}</script>')
    got = extract_page(page(article(f"<p>{PROSE}</p>"), head=ld), URL)
    assert (got.authors, got.reviewers) == (("Hannah Whitcomb",), ("Naomi Feld",))


# 5. A banner H1 is not the title; no trailing separators.
def test_banner_h1_gives_way_to_the_headline():
    head = ("<title>Irritable bowel syndrome: an overview | Riverbend Health</title>"
            "<meta property='og:title' content='Irritable bowel syndrome: an overview'>"
            "<meta property='og:site_name' content='Riverbend Health'>")
    html = page(f"<div class='hero'><h1>Digestive Health Center</h1></div>{article(f'<p>{PROSE}</p>', h1='')}",
                head=head)
    assert extract_page(html, URL).title == "Irritable bowel syndrome: an overview"


def test_title_without_trailing_separator():
    html = page(article(f"<p>{PROSE}</p>", h1=""), head="<title>Back pain – </title>")
    assert extract_page(html, URL).title == "Back pain"


# 6. JSON-LD that is not strict JSON is still read.
@pytest.mark.parametrize("block", [
    '{"@type":"Article","headline":"A\nB","datePublished":"2021-04-03"}',
    '{"@type":"Article","datePublished":"2021-04-03",}',
    '<!-- {"@type":"Article","datePublished":"2021-04-03"} -->',
    '{"@type":"Organization","name":"X"}\n{"@type":"Article","datePublished":"2021-04-03"}',
])
def test_lenient_jsonld(block):
    html = page(article(f"<p>{PROSE}</p>"), head=f'<script type="application/ld+json">{block}</script>')
    assert extract_page(html, URL).date_published == "2021-04-03"


def test_parse_jsonld_gives_none_for_garbage():
    assert parse_jsonld("not json at all") is None


# 8. A saved page without --url resolves against the URL it states.
@pytest.mark.parametrize(("head", "expected"), [
    ('<link rel="canonical" href="https://a.test/x"><meta property="og:url" content="https://b.test/y">',
     ("https://a.test/x", "canonical")),
    ('<meta property="og:url" content="https://b.test/y">', ("https://b.test/y", "og:url")),
    ('<base href="https://c.test/z/">', ("https://c.test/z/", "base")),
    ('<link rel="canonical" href="/relative">', None),
])
def test_stated_url(head, expected):
    assert stated_url(page("<p>x</p>", head=head)) == expected


def test_extract_command_uses_the_canonical_url(tmp_path):
    saved = tmp_path / "center.html"
    saved.write_text(page(article(f"<p>{PROSE}</p><p><a href='/conditions/sciatica'>Sciatica</a></p>"),
                          head='<link rel="canonical" href="https://www.example-health.test/back-pain">'))
    out = subprocess.run([sys.executable, "-m", "condition_archive", "extract", str(saved)],
                         capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert (result["url"], result["url_source"]) == ("https://www.example-health.test/back-pain", "canonical")
    assert "https://www.example-health.test/conditions/sciatica" in {link["href"] for link in result["links"]}


def test_extract_command_reads_a_gzipped_page_and_refuses_a_broken_one(tmp_path):
    import gzip

    html = page(article(f"<p>{PROSE}</p>"), head='<link rel="canonical" href="https://www.example-health.test/a">')
    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(html.encode()))
    out = subprocess.run([sys.executable, "-m", "condition_archive", "extract", str(saved)],
                         capture_output=True, text=True, check=True)
    assert PROSE[:40] in json.loads(out.stdout)["body_text"]
    saved.write_bytes(gzip.compress(html.encode())[:30])
    bad = subprocess.run([sys.executable, "-m", "condition_archive", "extract", str(saved)],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "looks gzipped but does not decompress" in bad.stderr
    assert "Traceback" not in bad.stderr


# 9. Labels map to the right field.
@pytest.mark.parametrize(("line", "field"), [
    ("Last Update Posted: May 2, 2024", "updated"), ("Page last reviewed: 14 March 2023", "reviewed"),
    ("Content updated 5 June 2023", "updated"), ("First Posted: March 3, 2020", "published"),
])
def test_labels_map_to_fields(line, field):
    got = extract_page(page(article(f"<p>{line}</p><p>{PROSE}</p>")), URL)
    assert {c.field for c in got.date_candidates if c.source.startswith("visible:")} == {field}


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-le", "utf-32-be"])
def test_spider_sniffs_wide_pages_served_without_a_content_type(codec):
    from spiders.condition_center import _is_html

    assert _is_html("", "<!DOCTYPE html><html><body><p>Hi</p></body></html>".encode(codec))
    assert not _is_html("", "%PDF-1.4 not a page".encode(codec))
