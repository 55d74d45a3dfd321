"""The sample site server (HTTP behaviour) and the consistency of its ground truth."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import urllib.robotparser
import xml.etree.ElementTree as ET
from email.utils import format_datetime, parsedate_to_datetime
from html import unescape

import pytest
from sample_truth import CENTER_PATH, cases, changes, page_html, reachable_articles, site_facts, truth

from condition_archive.sample_site import SampleSite
from condition_archive.sample_site.site import build_site, resolve
from condition_archive.sample_site.versions import get_version

MOVED_FROM = "/conditions/upper-back-pain/exams-and-tests-to-diagnose-upper-back-pain"
MOVED_TO = "/conditions/upper-back-pain/diagnosing-upper-back-pain"
REMOVED = "/conditions/back-pain/back-pain-research-and-treatment-updates"
UNCHANGED = "/conditions/upper-back-pain/what-is-upper-back-pain"
SEED_SECTIONS_2025 = [
    ("Overview", ["Is Your Upper Back Pain Related to Your Arm Numbness?", "All About Upper Back Pain",
                  "Upper Back Pain from Intercostal Muscle Strain",
                  "Understanding Upper Back and Chest Pain"]),
    ("Video", ["Causes of Upper Back Pain Video", "Causes of Shoulder Blade Pain Video"]),
    ("Symptoms", ["Intercostal Muscle Strain Symptoms and Diagnosis", "Upper Back Pain Symptoms"]),
    ("Causes and Diagnosis", [
        "Causes of Upper Back Pain",
        "How a Herniated Disc in Your Upper Back Causes Pain, Numbness, and Weakness",
        "Diagnosing Upper Back Pain", "What Causes Upper Back and Chest Pain?",
        "Causes of Intercostal Muscle Strain", "What Causes Upper Left Back Pain?",
        "7 Possible Causes of Pain Under Your Shoulder Blade Infographic",
        "7 Possible Causes of Pain Under Your Shoulder Blade",
        "7 Causes of Pain in the Upper Left Back Infographic"]),
    ("Treatment", ["Relieving the Pain Under Your Shoulder Blade", "Early Treatments for Upper Back Pain",
                   "Medical Treatments for Upper Back Pain", "Treating Intercostal Muscle Strain",
                   "5 Exercises for Upper and Middle Back Pain"]),
    ("More on this Topic", ["Thoracic Vertebrae and the Rib Cage", "Thoracic Discs",
                            "Thoracic Spinal Nerves"]),
]


@pytest.fixture(scope="module")
def site():
    with SampleSite("2025") as running:
        yield running


@pytest.fixture(autouse=True)
def _version_2025(request):
    yield
    if "site" in request.fixturenames:
        request.getfixturevalue("site").set_version("2025")


def get(site: SampleSite, path: str, method: str = "GET", headers: dict | None = None):
    """One request without following redirects: (status, headers, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", int(site.base_url.rsplit(":", 1)[1]), timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def visible_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- HTTP behaviour -------------------------------------------------------------------------

def test_both_versions_serve_the_center_with_a_charset(site):
    status, headers, body = get(site, CENTER_PATH)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1" in body.decode() and "Upper Back Pain</h1>" in body.decode()
    site.set_version("2012")
    status, headers, body = get(site, CENTER_PATH)
    assert status == 200 and headers["Content-Type"] == "text/html; charset=ISO-8859-1"
    assert "Upper Back Pain Center</h1>" in body.decode("iso-8859-1")


def test_2012_pages_are_latin1_encoded(site):
    site.set_version("2012")
    _, _, body = get(site, "/conditions/upper-back-pain/take-charge-of-your-upper-back-pain")
    assert "bent to 90\u00b0" in body.decode("iso-8859-1")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")


def test_etag_and_last_modified_are_stable_and_not_the_clock(site):
    _, first, _ = get(site, UNCHANGED)
    _, second, _ = get(site, UNCHANGED)
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')
    assert parsedate_to_datetime(first["Last-Modified"]).date().isoformat() == "2012-12-17"
    with SampleSite("2025") as other:  # another port: same validators
        _, third, _ = get(other, UNCHANGED)
    assert third["ETag"] == first["ETag"]


def test_if_none_match_answers_304_without_body(site):
    _, headers, _ = get(site, CENTER_PATH)
    status, again, body = get(site, CENTER_PATH, headers={"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]
    status, _, _ = get(site, CENTER_PATH, headers={"If-None-Match": 'W/"x", ' + headers["ETag"]})
    assert status == 304
    status, _, _ = get(site, CENTER_PATH, headers={"If-None-Match": '"stale"'})
    assert status == 200


def test_if_modified_since_answers_304_unless_if_none_match_disagrees(site):
    _, headers, _ = get(site, CENTER_PATH)
    last_modified = headers["Last-Modified"]
    assert get(site, CENTER_PATH, headers={"If-Modified-Since": last_modified})[0] == 304
    earlier = format_datetime(parsedate_to_datetime(last_modified).replace(year=2020), usegmt=True)
    assert get(site, CENTER_PATH, headers={"If-Modified-Since": earlier})[0] == 200
    both = {"If-Modified-Since": last_modified, "If-None-Match": '"stale"'}
    assert get(site, CENTER_PATH, headers=both)[0] == 200  # If-None-Match wins


def test_etag_changes_when_the_version_changes_the_page(site):
    _, new, _ = get(site, CENTER_PATH)
    site.set_version("2012")
    status, old, _ = get(site, CENTER_PATH, headers={"If-None-Match": new["ETag"]})
    assert status == 200 and old["ETag"] != new["ETag"]


def test_moved_page_answers_301_to_its_new_url(site):
    status, headers, _ = get(site, MOVED_FROM)
    assert status == 301 and headers["Location"] == site.url(MOVED_TO)
    assert get(site, MOVED_TO)[0] == 200
    assert f'href="{MOVED_FROM}"' in get(site, CENTER_PATH)[2].decode()  # a legacy link
    assert site_facts("2025")["center_legacy_links"] == [MOVED_FROM]
    site.set_version("2012")
    assert get(site, MOVED_FROM)[0] == 200
    assert get(site, MOVED_TO)[0] == 404


def test_trailing_slash_redirects(site):
    status, headers, _ = get(site, CENTER_PATH + "/")
    assert status == 301 and headers["Location"] == site.url(CENTER_PATH)


def test_removed_page_is_gone_and_unknown_pages_404(site):
    assert get(site, REMOVED)[0] == 410
    for path in site_facts("2025")["broken_links"]:
        assert get(site, path)[0] == 404
    assert get(site, "/no/such/page")[0] == 404
    assert get(site, "/admin/")[0] == 403
    site.set_version("2012")
    assert get(site, REMOVED)[0] == 200


def test_query_strings_are_ignored_for_routing(site):
    assert get(site, CENTER_PATH + "?utm_source=newsletter")[0] == 200


def test_robots_txt_disallows_search_and_admin(site):
    status, headers, body = get(site, "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.decode().splitlines())
    assert not parser.can_fetch("condition-archive", site.url("/search/?q=upper"))
    assert not parser.can_fetch("condition-archive", site.url("/admin/login"))
    assert parser.can_fetch("condition-archive", site.url(CENTER_PATH))
    assert f"Sitemap: {site.base_url}/sitemap.xml" in body.decode()


def test_sitemap_lists_the_center_and_its_articles(site):
    for version in ("2025", "2012"):
        site.set_version(version)
        status, _, body = get(site, "/sitemap.xml")
        assert status == 200
        ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locs = [el.text for el in ET.fromstring(body).findall("sm:url/sm:loc", ns)]
        assert site.url(CENTER_PATH) in locs
        assert {site.url(p) for p in reachable_articles(version)} <= set(locs)


def test_pdf_and_images(site):
    path = site_facts("2025")["pdf"][0]
    status, headers, body = get(site, path)
    assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    card = truth("2025")[CENTER_PATH]["sections"][0]["cards"][0]
    image = get_version("2025").center.sections[0].cards[0].image
    status, headers, body = get(site, image)
    assert card["image_alt"] and status == 200 and body.startswith(b"\x89PNG")


def test_head_has_no_body_and_post_is_refused(site):
    status, headers, body = get(site, CENTER_PATH, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    assert get(site, "/newsletter/subscribe", method="POST")[0] == 405


def test_stats_count_requests_statuses_and_paths(site):
    site.reset_stats()
    _, headers, _ = get(site, CENTER_PATH)
    get(site, CENTER_PATH, headers={"If-None-Match": headers["ETag"]})
    get(site, "/no/such/page")
    get(site, MOVED_FROM)
    stats = site.stats
    assert stats["requests"] == 4
    assert stats["status"] == {200: 1, 304: 1, 404: 1, 301: 1}
    assert stats["paths"][CENTER_PATH] == 2
    assert stats["log"][1] == ("GET", CENTER_PATH, 304, "2025")
    stats["requests"] = 99  # a snapshot, not the live counters
    assert site.stats["requests"] == 4


def test_absolute_links_use_the_servers_base_url(site):
    _, _, body = get(site, CENTER_PATH)
    assert f'<link rel="canonical" href="{site.url(CENTER_PATH)}">' in body.decode()
    assert "__SITE_BASE__" not in body.decode()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="127.0.0.1"):
        SampleSite(host="0.0.0.0")
    with pytest.raises(ValueError, match="2012, 2025"):
        SampleSite("2019")
    with pytest.raises(RuntimeError, match="not running"):
        SampleSite().base_url


def test_server_is_quiet(site, capfd):
    get(site, CENTER_PATH)
    get(site, "/no/such/page")
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_module_entry_point_serves():
    proc = subprocess.Popen([sys.executable, "-m", "condition_archive.sample_site", "--version", "2012",
                             "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = re.search(r"http://\S+", proc.stdout.readline()).group(0)
        host, port = url.split("/")[2].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", CENTER_PATH)
        assert b"Upper Back Pain Center" in conn.getresponse().read()
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# --- Ground truth consistency ---------------------------------------------------------------

@pytest.mark.parametrize(("version", "path", "expected"), cases(kinds=("center", "article", "other")))
def test_truth_matches_the_served_page(version, path, expected):
    html = page_html(version, path)
    assert resolve(version, path).status == 200
    h1 = re.search(r"(?s)<h1[^>]*>(.*?)</h1>", html).group(1)
    assert visible_text(h1) == expected["title"]
    text = visible_text(html)
    for sentence in expected["must_contain"]:
        assert sentence in text
    for snippet in expected["must_not_contain"]:
        assert snippet in text or snippet in html, f"{snippet!r} is not on the page at all"
        assert all(snippet not in s for s in expected["must_contain"])
    for name in expected["authors"] + expected["reviewers"]:
        assert name in text and "," not in name


def test_snippets_never_occur_in_the_pages_own_prose():
    from condition_archive.sample_site.render_common import block_text

    for version in ("2012", "2025"):
        data = get_version(version)
        for article in data.articles:
            prose = " ".join(block_text(b) for b in article.body)
            for snippet in truth(version)[article.path]["must_not_contain"]:
                assert snippet not in prose, (article.path, snippet)


def test_search_words_are_unique_per_version():
    from condition_archive.sample_site.render_common import block_text

    for version in ("2012", "2025"):
        articles = get_version(version).articles
        for article in articles:
            word = re.compile(rf"\b{re.escape(article.search_word)}\b", re.IGNORECASE)
            holders = [a.path for a in articles
                       if word.search(" ".join(block_text(b) for b in a.body))]
            assert holders == [article.path], (version, word, holders)


def test_2025_center_sections_follow_the_seed():
    sections = truth("2025")[CENTER_PATH]["sections"]
    assert [(s["heading"], [c["title"] for c in s["cards"]]) for s in sections] == SEED_SECTIONS_2025
    assert all(c["image_alt"] for s in sections for c in s["cards"])
    html = page_html("2025", CENTER_PATH)
    assert "Health Information (Sponsored)" in html
    sponsored = {"Take the Chronic Pain Quiz", "Discover the Ultra-Firm Mattress for Back Health and Posture"}
    assert not sponsored & {c["title"] for s in sections for c in s["cards"]}


def test_2012_center_lists_the_six_teasers():
    (section,) = truth("2012")[CENTER_PATH]["sections"]
    assert section["heading"] == "" and len(section["cards"]) == 6
    assert section["cards"][0]["title"] == "Exams and Tests to Diagnose Upper Back Pain"
    assert all(c["teaser"] for c in section["cards"])


@pytest.mark.parametrize("version", ["2012", "2025"])
def test_every_card_and_reachable_article_exists(version):
    expected = truth(version)
    for section in expected[CENTER_PATH]["sections"]:
        for card in section["cards"]:
            assert resolve(version, card["href"]).status == 200
    reachable = reachable_articles(version)
    assert reachable and all(expected[p]["kind"] == "article" for p in reachable)
    assert len(reachable) == len(set(reachable))


@pytest.mark.parametrize("version", ["2012", "2025"])
def test_only_the_deliberate_links_are_broken(version):
    facts = site_facts(version)
    allowed = set(facts["broken_links"]) | set(facts["gone"])
    for path, res in build_site(version).items():
        if not res.content_type.startswith("text/html"):
            continue
        for href in set(re.findall(r'href="(/[^"#?]*)', res.body.decode("latin-1"))):
            status = resolve(version, href).status
            assert status in (200, 301, 403) or href in allowed, (path, href, status)


def test_changes_between_versions():
    assert changes() == {
        "new": sorted(p for p in reachable_articles("2025")
                      if p not in reachable_articles("2012") and p != MOVED_TO),
        "changed": [CENTER_PATH, "/conditions/upper-back-pain/causes-of-upper-back-pain",
                    "/conditions/upper-back-pain/physical-therapy-to-relieve-upper-back-pain"],
        "unchanged": ["/conditions/upper-back-pain/take-charge-of-your-upper-back-pain", UNCHANGED],
        "removed": [REMOVED],
        "moved": {MOVED_FROM: MOVED_TO},
    }
    assert len(changes()["new"]) >= 10


def test_unchanged_pages_differ_only_in_template():
    old, new = truth("2012")[UNCHANGED], truth("2025")[UNCHANGED]
    for key in ("title", "authors", "reviewers", "date_published", "date_updated", "must_contain"):
        assert old[key] == new[key]
    assert page_html("2012", UNCHANGED) != page_html("2025", UNCHANGED)
    assert "Updated on: 12/17/12" in page_html("2012", UNCHANGED)
    assert "Last updated" in page_html("2025", UNCHANGED)


@pytest.mark.parametrize(("path", "published", "updated"), [
    ("/conditions/upper-back-pain/pain-under-shoulder-blade-infographic", "2023-03-01", None),
    ("/conditions/upper-back-pain/upper-left-back-pain-infographic", None, "2024-03-01"),
    ("/conditions/upper-back-pain/upper-back-pain-and-arm-numbness", "2019-07-08", None),
    ("/spine-anatomy/thoracic-spinal-nerves", None, None),
    ("/conditions/upper-back-pain/upper-back-pain-symptoms", "2016-03-01", "2024-09-12"),
    ("/video/causes-of-shoulder-blade-pain-video", "2021-08-03", "2023-05-19"),
    ("/conditions/upper-back-pain/causes-of-upper-back-pain", "2009-11-12", "2024-04-22"),
])
def test_date_rules(path, published, updated):
    expected = truth("2025")[path]
    assert (expected["date_published"], expected["date_updated"]) == (published, updated)


def test_machine_only_dates_are_in_the_json_ld():
    for article in get_version("2025").articles:
        html = page_html("2025", article.path)
        blobs = re.findall(r'(?s)<script type="application/ld\+json">(.*?)</script>', html)
        for line in article.dates:
            if line.label is None:
                assert blobs, article.path
                assert any(line.iso in json.dumps(json.loads(b)) for b in blobs), (article.path, line)
