"""Center sections and cards on several publishers' templates, and what is not a
section: menus, related boxes, sponsored and shop boxes, in-prose links, heroes."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from sample_truth import CENTER_PATH, VERSIONS, page_html, truth, url_of

from condition_archive.extract import extract_page

URL = "https://www.example.test/conditions/knee-pain"


def _sections(html: str) -> list:
    page = extract_page(html, URL)
    return [(s.heading, [(c.title, c.href.replace("https://www.example.test", ""), c.image_alt,
                          c.teaser) for c in s.cards]) for s in page.sections]


def _page(body: str) -> str:
    return (f"<html><head><title>Knee Pain</title></head><body>"
            f"<nav class='menu'><ul><li><a href='/a'>Arthritis</a></li><li><a href='/b'>Back</a></li>"
            f"<li><a href='/c'>Neck</a></li></ul></nav><main><h1>Knee Pain</h1>{body}</main>"
            f"<footer><ul><li><a href='/about'>About</a></li><li><a href='/privacy'>Privacy</a></li>"
            f"</ul></footer></body></html>")


SOUP_TEASERS = _page("""<table><tr><td>
<div class="intro"><p>Knee pain has many causes. This center collects our guides.</p></div>
<div class="center-articles">
<div class="teaser"><h3><a href="/k/acl">ACL Tears</a></h3><p>How the ligament tears.</p></div>
<div class="teaser"><h3><a href="/k/meniscus">Meniscus Tears</a></h3><p>Cartilage damage.</p></div>
<div class="teaser"><h3><a href="/k/runners">Runner's Knee</a></h3><p>Pain around the kneecap.</p></div>
</div></td><td><div class="box"><b>Latest Forum Posts</b><ul>
<li><a href="/forum/1">My knee clicks</a></li><li><a href="/forum/2">Brace advice?</a></li></ul></div>
</td></tr></table>""")

TABLE_ROWS = _page("""<h2>Guides</h2><table class="list">
<tr><td><a href="/k/acl"><img src="1.gif" alt="ACL diagram"></a></td>
    <td><a href="/k/acl">ACL Tears</a><br>How the ligament tears.</td></tr>
<tr><td><a href="/k/oa"><img src="2.gif" alt="Worn cartilage"></a></td>
    <td><a href="/k/oa">Knee Osteoarthritis</a><br>Wear and tear.</td></tr>
</table>""")

GRID = _page("""<div class="hero"><a href="/k/all"><h2>All About Knee Pain</h2></a><p>Start here.</p></div>
<section><h2 class="section-title">Overview</h2><div class="grid">
<div class="card"><a href="/k/acl"><img alt="Knee ligaments"><h3>ACL Tears</h3></a></div>
<div class="card is-active"><a href="/k/oa"><img alt="Worn cartilage"><h3>Knee Osteoarthritis</h3></a></div>
</div></section>
<section><h2 class="section-title">Video</h2><div class="grid">
<div class="card"><a href="/v/knee"><img alt="Animation still"><h3>Knee Pain Video</h3><span>2:47</span></a></div>
</div></section>
<section><h2 class="section-title">Exercises</h2><div class="grid">
<div class="card"><a href="/k/ex"><img alt="Squat"><h3>Knee Exercises</h3></a></div>
<div class="card"><a href="/k/ex"><img alt="Chart"><h3>Knee Exercises Infographic</h3></a></div>
</div></section>
<div class="sponsored-links"><h3>Health Information (Sponsored)</h3><ul>
<li><a href="https://ads.example.test/1">Try a Knee Brace</a></li>
<li><a href="https://ads.example.test/2">Knee Pain Quiz</a></li></ul></div>""")

LIST_ARTICLES = _page("""<div class="content">
<h2 class="module-title">Understanding Knee Pain</h2>
<ul class="list-articles">
<li><a href="/k/acl"><img src="a.jpg" alt="Torn ligament"></a><a class="title" href="/k/acl">ACL Tears</a>
<p class="dek">What happens when the ligament tears.</p><span class="byline">By Ann Lee, <time datetime="2024-02-02">Feb 2, 2024</time></span></li>
<li><a class="title" href="/k/oa">Knee Osteoarthritis</a><p class="dek">Wear and tear of cartilage.</p>
<span class="byline">By Tom Roe, <time datetime="2023-01-01">Jan 1, 2023</time></span></li>
</ul>
<h3>Treatment</h3>
<ul class="list-articles">
<li><a class="title" href="/k/injections">Knee Injections</a></li>
<li><a class="title" href="/k/surgery">Knee Replacement</a> <a class="more" href="/k/surgery">Read more</a></li>
</ul></div>
<aside class="related"><h2>Related Conditions</h2><ul><li><a href="/hip">Hip pain</a></li>
<li><a href="/ankle">Ankle pain</a></li></ul></aside>""")

BARRIER_AND_SHOP = _page("""<h2>About knee pain</h2><ul class="links">
<li><a href="/k/symptoms">Symptoms</a></li><li><a href="/k/causes">Causes</a></li></ul>
<div class="related-nav"><h2>More in Health A to Z</h2><ul><li><a href="/copd">COPD</a></li>
<li><a href="/flu">Flu</a></li></ul></div>
<div class="box"><h3>Products &amp; Services</h3><ul><li><a href="https://shop.example.test/book">A Book</a></li>
<li><a href="https://shop.example.test/letter">Newsletter</a></li></ul></div>
<h2>Partners</h2><ul><li><a href="https://other.test/a">Partner A</a></li>
<li><a href="https://other.test/b">Partner B</a></li></ul>
<h2>Affiliate picks</h2><ul><li><a href="https://amazon.example.test/dp/1?tag=site-20">Sleeve</a></li>
<li><a href="/k/guide" rel="sponsored">Brace guide</a></li></ul>""")

ARTICLE_PROSE = _page("""<p>By Jane Doe, PT. Published June 2, 2019.</p>
<p>Knee pain often starts with <a href="/k/overuse">overuse</a> or a
<a href="/k/injury">sports injury</a>, and most of it settles with rest and exercise.</p>
<h2>Treatment</h2><p>See our guide to <a href="/k/ex">knee exercises</a> and talk to a physio
about <a href="/k/braces">braces</a> before buying one.</p>""")


@pytest.mark.parametrize(("html", "expected"), [
    (SOUP_TEASERS, [("", [("ACL Tears", "/k/acl", "", "How the ligament tears."),
                          ("Meniscus Tears", "/k/meniscus", "", "Cartilage damage."),
                          ("Runner's Knee", "/k/runners", "", "Pain around the kneecap.")])]),
    (TABLE_ROWS, [("Guides", [("ACL Tears", "/k/acl", "ACL diagram", ""),
                              ("Knee Osteoarthritis", "/k/oa", "Worn cartilage", "")])]),
    (GRID, [("Overview", [("ACL Tears", "/k/acl", "Knee ligaments", ""),
                          ("Knee Osteoarthritis", "/k/oa", "Worn cartilage", "")]),
            ("Video", [("Knee Pain Video", "/v/knee", "Animation still", "")]),
            ("Exercises", [("Knee Exercises", "/k/ex", "Squat", ""),
                           ("Knee Exercises Infographic", "/k/ex", "Chart", "")])]),
    (LIST_ARTICLES, [("Understanding Knee Pain", [
        ("ACL Tears", "/k/acl", "Torn ligament", "What happens when the ligament tears."),
        ("Knee Osteoarthritis", "/k/oa", "", "Wear and tear of cartilage.")]),
        ("Treatment", [("Knee Injections", "/k/injections", "", ""),
                       ("Knee Replacement", "/k/surgery", "", "")])]),
    (BARRIER_AND_SHOP, [("About knee pain", [("Symptoms", "/k/symptoms", "", ""),
                                             ("Causes", "/k/causes", "", "")])]),
    (ARTICLE_PROSE, []),
])
def test_sections(html, expected):
    assert _sections(html) == expected


def test_sponsored_cards_become_sponsored_links():
    page = extract_page(GRID, URL)
    regions = {link.text: link.region for link in page.links}
    assert regions["Try a Knee Brace"] == regions["Knee Pain Quiz"] == "sponsored"
    assert all("ads.example.test" not in c.href for s in page.sections for c in s.cards)


def test_center_kind_and_card_dates_ignored():
    page = extract_page(LIST_ARTICLES, URL)
    assert page.kind == "center"
    assert page.authors == () and page.date_published is None


@pytest.mark.parametrize("version", VERSIONS)
def test_sample_site_center_sections(version):
    url = url_of(CENTER_PATH)
    expected = [(s["heading"], [(c["title"], urljoin(url, c["href"]), c["image_alt"], c["teaser"])
                                for c in s["cards"]]) for s in truth(version)[CENTER_PATH]["sections"]]
    page = extract_page(page_html(version, CENTER_PATH), url)
    got = [(s.heading, [(c.title, c.href, c.image_alt, c.teaser) for c in s.cards])
           for s in page.sections]
    assert got == expected
