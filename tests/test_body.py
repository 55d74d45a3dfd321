"""Main-body extraction and region classification on HTML strings, plus a
regression guard on a sample of the real-page extraction bench."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import lxml.html
import pytest

from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.body import body_text, extract_body
from condition_archive.extract.model import REGIONS
from condition_archive.extract.parse import parse_html

PROSE = [
    "Asthma is a long-term condition that affects the airways, the tubes that carry air "
    "in and out of the lungs, and it can start at any age.",
    "Common symptoms include wheezing, breathlessness, a tight chest and coughing, which "
    "are often worse at night or early in the morning.",
    "Treatment usually means inhalers, which let a small dose of medicine reach the "
    "lungs directly, and a plan agreed with a nurse or doctor.",
    "Most people with asthma lead normal lives, although a severe attack needs urgent "
    "care, so knowing the warning signs matters.",
]

PAGE = f"""<!doctype html><html><head><title>Asthma</title>
<style>.x{{color:red}}</style><script>var tracking = "SCRIPT TEXT";</script></head>
<body class="page has-sidebar">
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<header class="site-header"><a href="/">Health Site</a>
 <nav class="main-menu"><ul><li><a href="/a">Conditions A-Z</a></li><li><a href="/b">Drugs</a></li></ul></nav>
</header>
<ol class="breadcrumb"><li><a href="/">Home</a></li><li><a href="/c">Lungs</a></li></ol>
<main><article>
 <h1>Asthma</h1>
 <div class="byline">By Jane Doe, reviewed by Dr Who</div>
 <div class="article-body">
  <p>{PROSE[0]}</p>
  <div class="ad-slot"><span>Advertisement</span><p>Buy the miracle inhaler cure now, limited offer for readers.</p></div>
  <p>{PROSE[1]}</p>
  <h2>Treatment</h2>
  <p>{PROSE[2]}</p>
  <ul><li>Reliever inhalers</li><li>Preventer inhalers</li></ul>
  <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Tweet this</a></div>
  <p style="display:none">HIDDEN TEXT that readers never see on the page at all.</p>
  <div class="newsletter-signup"><p>Sign up for our weekly newsletter with health tips in your inbox.</p></div>
  <p>{PROSE[3]}</p>
 </div>
 <div class="sponsored-content"><a href="/x"><img alt=""><p>Doctors hate this one weird trick for better breathing, sponsored by BrandCo.</p></a></div>
</article></main>
<aside class="sidebar"><h3>Related articles</h3><ul><li><a href="/r1">COPD explained in detail</a></li></ul></aside>
<section class="related-stories"><h2>More stories</h2><p><a href="/m">Hay fever and what it does to you in spring, a long read</a></p></section>
<footer class="site-footer"><p>Copyright 2024 Health Site. All rights reserved. Privacy policy and terms.</p></footer>
</body></html>"""

DROPPED = ["SCRIPT TEXT", "cookies", "Conditions A-Z", "Lungs", "Advertisement", "miracle inhaler",
           "Share on Facebook", "HIDDEN TEXT", "newsletter", "weird trick", "COPD", "Hay fever",
           "Copyright", "Jane Doe"]


def _regions_of(html: str):
    root = parse_html(html).root
    return root, classify_regions(root)


def test_main_content_is_kept_in_order_with_blank_lines():
    text = extract_body(PAGE)
    paragraphs = text.split("\n\n")
    for prose in PROSE:
        assert prose in paragraphs
    assert [paragraphs.index(p) for p in PROSE] == sorted(paragraphs.index(p) for p in PROSE)
    assert "Treatment" in paragraphs
    assert "Reliever inhalers" in paragraphs and "Preventer inhalers" in paragraphs


@pytest.mark.parametrize("snippet", DROPPED)
def test_boilerplate_is_dropped(snippet):
    assert snippet not in extract_body(PAGE)


def test_whitespace_is_normalised():
    head, tail = PROSE[0].split(", ", 1)
    html = f"<article><p>  {head},\n\n   {tail}  </p><p>{PROSE[1]}</p></article>"
    text = extract_body(html)
    assert text.split("\n\n")[0] == " ".join(PROSE[0].split())
    assert "  " not in text


@pytest.mark.parametrize(
    ("xpath", "region"),
    [
        ("//header", "header"),
        ("//nav//a", "nav"),  # a menu inside the page header is navigation
        ("//ol[@class='breadcrumb']/li", "nav"),
        ("//div[@class='ad-slot']/p", "ad"),
        ("//div[@class='sponsored-content']//p", "sponsored"),
        ("//div[@class='newsletter-signup']", "sidebar"),
        ("//div[@id='cookie-banner']", "sidebar"),
        ("//aside//a", "sidebar"),
        ("//section[@class='related-stories']//a", "related"),
        ("//footer/p", "footer"),
        ("//div[@class='article-body']/p[1]", "main"),
        ("//h1", "main"),
        ("//body", "main"),
    ],
)
def test_region_of_typical_elements(xpath, region):
    root, regions = _regions_of(PAGE)
    element = root.xpath(xpath)[0]
    assert regions.region(element) == region


def test_every_element_gets_a_known_region():
    root, regions = _regions_of(PAGE)
    assert {regions.region(el) for el in root.iter()} <= set(REGIONS)


def test_main_container_holds_the_article():
    root, regions = _regions_of(PAGE)
    assert regions.main is not None
    assert PROSE[0] in regions.main.text_content() and PROSE[3] in regions.main.text_content()
    assert "Copyright" not in regions.main.text_content()


def test_wrapper_class_does_not_hide_the_article():
    # Layout wrappers named after ads or sidebars hold the whole page.
    html = ('<body><div class="page-ad-margins"><div class="sidebar-layout"><div class="story">'
            + "".join(f"<p>{p}</p>" for p in PROSE) + "</div></div></div></body>")
    assert extract_body(html).split("\n\n") == PROSE


def test_body_split_across_columns_is_collected():
    columns = "".join(f'<div class="col"><div><p>{p}</p><p>{p[::-1]}</p></div></div>'
                      '<div class="ad">Advertisement</div>' for p in PROSE)
    text = extract_body(f"<body><nav><a href='/'>Home</a></nav><section>{columns}</section></body>")
    for prose in PROSE:
        assert prose in text
    assert "Advertisement" not in text and "Home" not in text


def test_text_directly_in_a_div_with_brs():
    html = (f"<body><div id='nav'><a href='/'>Home</a> <a href='/x'>News</a></div>"
            f"<div class='txt'>{PROSE[0]}<br><br>{PROSE[1]}<img src='a.png'>{PROSE[2]}</div></body>")
    text = extract_body(html)
    assert PROSE[0] in text and PROSE[2] in text and "News" not in text


def test_classify_does_not_mutate_the_tree():
    root = parse_html(PAGE).root
    before = lxml.html.tostring(root)
    regions = classify_regions(root)
    body_text(root, regions)
    assert lxml.html.tostring(root) == before


def test_empty_and_non_html_give_empty_text():
    assert extract_body(b"") == ""
    assert extract_body(b"%PDF-1.4 ...") == ""
    assert extract_body("<html><body><nav><a href='/'>Home</a></nav></body></html>") == ""
    assert classify_regions(None).main is None



# --- regression guard on real pages -------------------------------------------------

BENCH = Path(__file__).resolve().parents[2] / "shared" / "extraction-bench"
# Measured 0.990 on this 20-page sample when the guard was written (0.978 on all 181).
F1_FLOOR = 0.95


def _load_score():
    spec = importlib.util.spec_from_file_location(
        "bench_score", Path(__file__).resolve().parents[1] / "bench" / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (BENCH / "ground-truth.json").is_file(), reason="no extraction bench")
def test_bench_sample_f1_stays_above_floor():
    score = _load_score()
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[::9][:20]
    scores = []
    for page_id in ids:
        html = gzip.decompress((BENCH / "html" / f"{page_id}.html.gz").read_bytes())
        predicted = extract_body(html.decode("utf-8", "replace"), truth[page_id]["url"])
        scores.append(score.score_page(truth[page_id]["articleBody"], predicted))
    assert score.summarise(scores).f1 > F1_FLOOR


# -- old table layouts, sign-up boxes, hidden states ------------------------------

OLD_TABLE_PAGE = f"""<html><body><div id="header"><a href="/">Site</a>
<div id="topnav"><a href="/a">Home</a> | <a href="/b">Conditions</a> | <a href="/f">Forums</a></div></div>
<table><tr>
<td id="leftnav"><ul class="leftnav"><li><a href="/x1">Sciatica</a></li><li><a href="/x2">Neck Pain</a></li>
<li><a href="/x3">Arthritis explained in full for patients</a></li></ul></td>
<td id="content"><h1>Back pain</h1><div class="author">Written by <a href="/au">A. Writer, MD</a></div>
<div class="node-content"><p class="MsoNormal"><span>{PROSE[0]}</span></p>
<div class="adinline1"><div>Advertisement</div></div>
<p class="MsoNormal"><span>{PROSE[1]}</span></p><p>{PROSE[2]}</p></div>
<div class="updated">Updated on: 12/17/12</div></td>
<td id="rightcol"><div class="adright1">Advertisement</div>
<div class="box"><b>Latest Forum Posts</b><ul><li><span class="date">Posted 12/16/12</span><br>
<a href="/forum/1">Pain between shoulder blades after a new job?</a></li></ul></div>
<div class="box"><b>Sign up for our free e-newsletter</b><form><input type="text" name="email"></form></div>
</td></tr></table></body></html>"""


@pytest.mark.parametrize(("xpath", "region"), [
    ("//td[@id='leftnav']", "nav"),
    ("//div[@id='topnav']", "nav"),
    ("//td[@id='rightcol']", "sidebar"),
    ("//div[@class='adright1']", "ad"),
    ("//div[@class='adinline1']", "ad"),
    ("//a[@href='/forum/1']", "sidebar"),
    ("//div[@class='node-content']", "main"),
])
def test_compound_ids_of_old_table_layouts(xpath, region):
    root, regions = _regions_of(OLD_TABLE_PAGE)
    assert regions.region(root.xpath(xpath)[0]) == region


def test_old_table_layout_body_is_the_article_only():
    text = extract_body(OLD_TABLE_PAGE)
    assert all(p in text for p in PROSE[:3])
    for bad in ("Sciatica", "Advertisement", "Forum", "e-newsletter", "Updated on", "Written by"):
        assert bad not in text


@pytest.mark.parametrize(("token", "region"), [
    ("leftnav", "nav"), ("topnav", "nav"), ("rightcol", "sidebar"), ("leftcolumn", "sidebar"),
    ("adright1", "ad"), ("adcenter1", "ad"), ("sidenav", "nav"), ("address", None),
    ("download", None), ("headline", None), ("advice", None), ("navy", None), ("admin", None),
])
def test_compound_tokens_split_only_into_known_words(token, region):
    from condition_archive.extract.boilerplate import compound_region

    assert compound_region(token) == region


def test_a_column_named_leftcol_holding_the_article_stays_main():
    html = (f"<body><div id='leftcol'><h1>T</h1>{''.join(f'<p>{p}</p>' for p in PROSE)}</div>"
            "<div id='rightcol'><a href='/1'>One link</a> <a href='/2'>Two link</a></div></body>")
    text = extract_body(html)
    assert all(p in text for p in PROSE) and "One link" not in text


def test_a_sign_up_box_is_dropped_whatever_its_class():
    box = ("<div class='cmp-appointment'><h3>Request an appointment</h3>"
           "<div class='cmp-appointment__error cmp-appointment--hidden'>There is a problem.</div>"
           "<p>From Example to your inbox. Sign up for free health tips.</p>"
           "<form><label>Email</label><input type='email' name='e'><button>Go</button></form>"
           "<p>We will only use your email as described.</p></div>")
    html = f"<body><article><h1>T</h1><p>{PROSE[0]}</p>{box}<p>{PROSE[1]}</p><p>{PROSE[2]}</p></article></body>"
    text = extract_body(html)
    assert PROSE[0] in text and PROSE[1] in text
    for bad in ("Request an appointment", "There is a problem", "to your inbox", "only use your email"):
        assert bad not in text


def test_bem_hidden_modifier_hides():
    from condition_archive.extract.boilerplate import is_hidden

    el = lxml.html.fromstring("<div class='box__thanks box--hidden'>Thanks</div>")
    assert is_hidden(el)
    assert not is_hidden(lxml.html.fromstring("<div class='field--label-hidden'>x</div>"))


def test_two_brs_end_a_paragraph_and_one_br_a_line():
    html = f"<body><div class='txt'>{PROSE[0]}<br><br>\n{PROSE[1]}<br>{PROSE[2]}<br></div></body>"
    assert extract_body(html).split("\n\n") == [PROSE[0], f"{PROSE[1]}\n{PROSE[2]}"]


def test_the_same_text_in_an_old_and_a_new_template_extracts_identically():
    old = ("<body><table><tr><td id='content'><h1>T</h1><div class='node-content'>"
           + "".join(f"<p class='MsoNormal'><span style='font-size:10pt'>{p}</span></p>\n" for p in PROSE)
           + "</div><div class='updated'>Updated on: 12/17/12</div></td></tr></table></body>")
    new = ("<body><main><article><h1>T</h1><div class='article-body'>"
           + "".join(f"<p>\n  {p}\n</p>" for p in PROSE)
           + "</div><p class='updated'>Last updated December 17, 2012</p></article></main></body>")
    assert extract_body(old) == extract_body(new) == "\n\n".join(PROSE)


@pytest.mark.parametrize("line", [
    "Updated on: 12/17/12", "Page last reviewed: 14 March 2023\nNext review due: 14 March 2026",
    "Published Nov 20, 2019 - 07:50 GMT", "Dec. 14, 2023",
])
def test_date_lines_are_not_prose(line):
    from condition_archive.extract.paragraphs import is_metadata_line as _is_metadata_line

    assert _is_metadata_line(line)
    assert not _is_metadata_line("May 2024 was the month the new guidance came out.")


def test_reference_lists_are_not_body():
    html = (f"<body><article><h1>T</h1>{''.join(f'<p>{p}</p>' for p in PROSE)}"
            "<div class='sources'><h4>Sources</h4><p>Journal of Things: a study, published June 2021.</p></div>"
            "<ol class='cmp-ref__list'><li>Doe J. A paper. 2004. Accessed Nov. 2, 2023.</li></ol>"
            "</article></body>")
    text = extract_body(html)
    assert PROSE[3] in text and "Journal of Things" not in text and "Accessed" not in text
