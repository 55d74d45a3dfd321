"""Issue 16, session 11's extraction speed changes give the answers of the forms
they replaced (both shared sets and the generated site were also compared page
by page before and after: bench/extract_snapshot.py diff)."""

from __future__ import annotations

from lxml import etree

from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.meta import class_tokens, scan_page
from condition_archive.extract.parse import parse_html
from condition_archive.extract.vocab import FIELD_CLASS_TOKENS
from test_extract_fast_paths import _tricky_and_sample_roots

_FIELDS = ('<html><head><title>t</title></head><body class="page-date">'
           '<p class="byline" hidden>By A</p><div id="Author-Box"><span class="a date">d</span></div>'
           '<img class="postDate" alt="x"><h2 class="section-title">S</h2><div class="card">c</div>'
           '<button class="reviewed-by">r</button><div class="date" style="color:red">x</div>'
           '</body><p class="byline">after</p></html>')


def _roots():
    yield parse_html(_FIELDS, "http://h.test/").root
    yield from _tricky_and_sample_roots()


def test_the_walk_lists_the_field_named_elements_in_page_order():
    """Every element whose class/id tokens meet FIELD_CLASS_TOKENS, dropped tags
    (img, button), hidden and styled elements included; nothing else."""
    for root in _roots():
        regions = classify_regions(root)
        expected = [el for el in root.iter(etree.Element)
                    if not FIELD_CLASS_TOKENS.isdisjoint(class_tokens(el))]
        assert regions.field_named == expected


def test_the_scan_lists_the_field_named_body_elements_of_the_full_classed_list():
    """scan.classed is the body's classed elements (what the scan listed before)
    filtered to those naming a field, with the same tokens, in page order."""
    for root in _roots():
        body = root.find("body")
        full = [(el, class_tokens(el)) for el in body.xpath(".//*[@class or @id]")]
        expected = tuple((el, toks) for el, toks in full if not FIELD_CLASS_TOKENS.isdisjoint(toks))
        assert scan_page(root, regions=classify_regions(root)).classed == expected
        assert scan_page(root).classed == expected


def test_field_named_page_gives_its_byline_date_and_section():
    from condition_archive.extract import extract_page

    page = extract_page('<html><body><main><h1>Title of it</h1>'
                        '<div class="byline">By Jane Roe</div><span class="post-date">March 3, 2024</span>'
                        '<p>' + 'Words of the article here. ' * 20 + '</p></main></body></html>',
                        "http://h.test/a")
    assert page.authors == ("Jane Roe",)
    assert page.date_published == "2024-03-03"


def test_hrefs_memoised_per_site_resolve_as_on_each_page():
    """resolve_links keeps hrefs with a host or a root-relative path per origin
    (a site's menus repeat); relative ones still resolve against each page."""
    from condition_archive.extract.links import absolute_href, page_base, resolve_links

    hrefs = ["/a", "b", "../c", "http://Other.test/X#f", "//cdn.test/y", "#top", "", "mailto:x",
             "/a?q=1", "HTTP://h.test/Z", "/", "./d", "javascript:void(0)"]
    body = "".join(f'<a href="{h}">l</a>' for h in hrefs) + "<a>none</a>"
    pages = [(f"<html><body>{body}</body></html>", "http://h.test/one/two"),
             (f"<html><body>{body}</body></html>", "http://h.test/three/"),
             (f'<html><head><base href="/base/"></head><body>{body}</body></html>', "http://h.test/x/y"),
             (f"<html><body>{body}</body></html>", "https://h.test/one/two")]
    for _ in range(2):  # the second time from the memo
        for html, url in pages:
            root = parse_html(html, url).root
            base = page_base(root, url)
            expected = {a: absolute_href(a.get("href"), base) for a in root.iter("a")}
            assert resolve_links(root, url) == {a: h for a, h in expected.items() if h}


def test_card_finder_answers_as_with_every_href_under_every_node():
    """_CardFinder stops a link's climb at a node already holding two hrefs: its
    two questions (holds a link? more than one?) get the full sets' answers."""
    from condition_archive.extract.center import _CardFinder
    from condition_archive.extract.links import resolve_links

    for root in _roots():
        links = resolve_links(root, "http://h.test/")
        full: dict = {}
        for a, href in links.items():
            for node in (a, *a.iterancestors()):
                full.setdefault(node, set()).add(href)
        finder = _CardFinder(links, set())
        assert set(finder.hrefs) == set(full)
        assert {n for n, h in finder.hrefs.items() if len(h) > 1} == {n for n, h in full.items() if len(h) > 1}


def test_remembered_prefilter_verdicts_are_the_searches():
    """The byline, badge and date-label prefilters remembered per text answer as
    the searches they stand for, before and after being emptied or filled up."""
    from condition_archive.extract.date_vocab import has_label_word
    from condition_archive.extract.dates import _LABEL_HIT
    from condition_archive.extract.meta import _BADGE_HIT, BADGE_PREFILTER
    from condition_archive.extract.people import _BYLINE_HIT, BYLINE_PREFILTER
    from condition_archive.extract.wordre import TextVerdicts

    texts = ["By Jane Roe", "BY JANE", "Medically Reviewed", "fact-checked", "Updated: May 2",
             "Zuletzt geändert", "von Max", "Texto: Ana", "caused by", "nothing here", "", "Évidence",
             "İ by", "Posted in News", "Geprüft"]
    for memo, search in ((_BYLINE_HIT, BYLINE_PREFILTER.search), (_BADGE_HIT, BADGE_PREFILTER.search),
                         (_LABEL_HIT, has_label_word)):
        for _ in range(2):
            assert [memo[t] for t in texts] == [bool(search(t)) for t in texts]
            memo.cache_clear()
    small = TextVerdicts(str.isupper, size=3)
    assert [small[t] for t in ("A", "b", "C", "D", "e")] == [True, False, True, True, False]
    assert len(small) <= 3


def test_the_per_site_href_memo_stays_bounded_over_many_sites_and_answers_alike():
    """A process that sees many sites keeps at most _SITES_MAX origins of at most
    _SITE_HREFS_MAX hrefs each, the oldest origin dropped first; answers equal a
    plain urljoin's whichever entries were dropped."""
    from urllib.parse import urljoin

    from condition_archive.extract import links

    per_page = 300
    for site in range(links._SITES_MAX * 2):
        origin = f"http://s{site}.test"
        for page in range(links._SITE_HREFS_MAX // per_page + 2):
            hrefs = [f"/p{page}-{i}" for i in range(per_page)]
            html = "<html><body>" + "".join(f'<a href="{h}">l</a>' for h in hrefs) + "</body></html>"
            root = parse_html(html, origin + "/x/y").root
            found = links.resolve_links(root, origin + "/x/y")
            assert sorted(found.values()) == sorted(urljoin(origin + "/x/y", h) for h in hrefs)
            assert len(links._SITE_HREFS) <= links._SITES_MAX
            # cleared when full at a page's start: at most one page's hrefs over the cap
            assert all(len(memo) < links._SITE_HREFS_MAX + per_page for memo in links._SITE_HREFS.values())
    assert "http://s0.test" not in links._SITE_HREFS  # the oldest went first
    assert f"http://s{links._SITES_MAX * 2 - 1}.test" in links._SITE_HREFS
