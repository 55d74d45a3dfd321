"""Date failure classes met on extraction-bench-2 (templates nobody here wrote),
each pinned by a page written in its shape: the chosen date and the rule that
chose it."""

from __future__ import annotations

from condition_archive.extract import extract_page

URL = "https://news.example.test/politik/ein-artikel"


def _page(body: str, head: str = "", url: str = URL, lang: str = "de"):
    html = (f"<html lang='{lang}'><head><title>Ein Artikel</title>{head}</head>"
            f"<body>{body}</body></html>")
    return extract_page(html, url)


def _sources(page, day):
    return [c.source for c in page.date_candidates if c.value[:10] == day]


ARTICLE = "<main><article><h1>Ein Artikel</h1>{meta}<p>" + "Der Text des Artikels. " * 40 + \
    "</p>{foot}</article></main>"


# -- <meta> before JSON-LD for the published date --------------------------------

def test_meta_published_time_beats_a_jsonld_date_published_that_disagrees():
    head = ("<meta property='article:published_time' content='2022-01-06T08:29:34+01:00'>"
            "<script type='application/ld+json'>{\"@type\":\"NewsArticle\","
            "\"datePublished\":\"2022-01-04T07:29:00+01:00\"}</script>")
    page = _page(ARTICLE.format(meta="", foot=""), head)
    assert page.date_published == "2022-01-06"
    # Both statements stay recorded: the disagreement is visible, not hidden.
    assert _sources(page, "2022-01-04") == ["json-ld:datePublished"]


# -- UTC timestamps and the page's local day ---------------------------------------

def test_utc_timestamp_late_in_the_day_takes_the_urls_local_day():
    head = "<meta property='article:published_time' content='2018-12-31T23:11:59+00:00'>"
    page = _page(ARTICLE.format(meta="", foot=""), head,
                 url="https://blog.example.test/2019/01/01/ins-neue-jahr/")
    assert page.date_published == "2019-01-01"
    assert _sources(page, "2019-01-01") == ["meta:article:published_time (local day: the URL's date)"]


def test_utc_timestamp_early_in_the_day_takes_the_visible_previous_day():
    head = ("<script type='application/ld+json'>{\"@type\":\"NewsArticle\","
            "\"datePublished\":\"2020-02-25T02:25:54+00:00\"}</script>")
    meta = "<span class='date'>February 24, 2020</span>"
    page = _page(ARTICLE.format(meta=meta, foot=""), head, lang="en-US")
    assert page.date_published == "2020-02-24"
    assert "json-ld:datePublished (local day: a visible date)" in _sources(page, "2020-02-24")


def test_utc_timestamp_at_midday_keeps_its_day_whatever_else_is_stated():
    # 13:01 UTC is the same day in every zone a site's clock is in: the other
    # date on the page (an event it announces) does not move it.
    head = "<meta property='article:published_time' content='2023-10-30T13:01:18+00:00'>"
    meta = "<span class='date'>31.10.2023</span>"
    page = _page(ARTICLE.format(meta=meta, foot=""), head,
                 url="https://news.example.test/2023/10/31/vorschau/")
    assert page.date_published == "2023-10-30"


def test_timestamp_with_a_local_offset_is_never_moved():
    head = "<meta property='article:published_time' content='2022-05-08T06:00:00-05:00'>"
    page = _page(ARTICLE.format(meta="", foot=""), head,
                 url="https://news.example.test/2022/05/07/cronograma/")
    assert page.date_published == "2022-05-08"


# -- the page's own microdata item, wherever the template puts it ------------------

NEWS_DETAIL = ("<div class='news news-single'><div class='article' itemscope "
               "itemtype='http://schema.org/Article'><h1 itemprop='headline'>Der Turm</h1>"
               "<div class='text'><p>" + "Der Text der Meldung. " * 40 + "</p></div>"
               "<div class='footer news-details__meta'><span class='news-list-date'>"
               "<time itemprop='datePublished' datetime='2022-01-21'>21.01.2022</time>"
               "</span></div></div></div>")


def test_date_of_the_only_article_item_counts_in_a_footer_block():
    page = _page(f"<main>{NEWS_DETAIL}</main>")
    assert page.date_published == "2022-01-21"
    assert "microdata:datePublished" in _sources(page, "2022-01-21")


def test_dates_of_teaser_items_in_a_footer_are_not_the_pages():
    teaser = ("<div class='article' itemscope itemtype='http://schema.org/Article'>"
              "<h3><a href='/n/{n}' itemprop='headline'>Meldung {n}</a></h3>"
              "<time itemprop='datePublished' datetime='2022-01-{n:02d}'>{n}.01.2022</time></div>")
    body = ("<main><h1>Alle Meldungen</h1><p>" + "Ein Überblick. " * 30 + "</p></main>"
            "<footer class='footer'>" + "".join(teaser.format(n=n) for n in (3, 4, 5)) + "</footer>")
    page = _page(body)
    assert page.date_published is None


# -- a date beside the headline, in whatever column the template puts it ------------

def test_time_in_a_byline_column_classed_sidebar_dates_the_page():
    meta = ("<div class='row'><div class='sidebar sidebar__item'><p class='time'>"
            "<time datetime='2022-01-28'>28. Januar 2022</time></p></div></div>")
    page = _page(ARTICLE.format(meta=meta, foot=""))
    assert page.date_published == "2022-01-28"
    assert _sources(page, "2022-01-28") == ["time[datetime] by the headline (unlabelled)"]


def test_dateline_in_a_meta_block_beside_the_headline():
    body = ("<main><h1>Was tun?</h1><ul class='meta'><li class='category'>Wissen</li>"
            "<li class='item content__meta__date'>26.02.2020</li></ul><p>"
            + "Der Text. " * 60 + "</p></main>")
    page = _page(body)
    assert page.date_published == "2020-02-26"


def test_a_teaser_by_the_headline_that_links_elsewhere_does_not_date_the_page():
    body = ("<main><h1>Ratgeber Rücken</h1><div class='teaser'><a href='/andere-seite'>"
            "Auch lesenswert</a><span>03.02.2022</span></div><p>" + "Der Text. " * 60
            + "</p></main>")
    page = _page(body)
    assert page.date_published is None


def test_a_comment_date_by_the_headline_does_not_date_the_page():
    body = ("<main><h1>Forum</h1><div class='comment'><time datetime='2021-04-01'>"
            "1. April 2021</time></div><p>" + "Der Text. " * 60 + "</p></main>")
    assert _page(body).date_published is None


def test_dateline_as_the_text_after_an_icon_in_the_headline():
    body = ("<main><h1>Zuschauer kehren zurück<br><small><span class='icon icon-calendar'></span>"
            "&nbsp; 02.02.2022 •&nbsp; Verband</small></h1><p>" + "Der Text. " * 60 + "</p></main>")
    page = _page(body)
    assert page.date_published == "2022-02-02"
    assert _sources(page, "2022-02-02") == ["date by the headline (unlabelled)"]


def test_an_availability_end_by_the_headline_is_not_the_pages_date():
    body = ("<main><h1>Nahrungsergänzung</h1><p class='available'><strong>Video verfügbar bis:"
            "</strong><br>14.10.2020 ∙ 14:00 Uhr</p><p>" + "Der Text. " * 60 + "</p></main>")
    assert _page(body).date_published is None


def test_headline_is_the_heading_the_title_names_not_an_earlier_h1():
    body = ("<main><h1>Quicklinks</h1><ul><li>Termine</li><li>Kontakt</li></ul>"
            + "<p>Ein Block ohne Datum.</p>" * 45
            + "<h2>Levelpässe können ab sofort bestellt werden</h2><p><b>Synchronschwimmen</b><br>"
            "<span class='blue'>01.02.2022</span> Kategorie: Sport</p><p>" + "Der Text. " * 60 + "</p></main>")
    head = "<meta property='og:title' content='Levelpässe können ab sofort bestellt werden'>"
    assert _page(body, head).date_published == "2022-02-01"


def test_news_dateline_opening_the_first_paragraph():
    body = ("<main><h1>Gedenktag</h1><p class='bodytext'>Von Claudia Lindner</p>"
            "<p class='bodytext'>27.1.2022 - Bei der Erinnerung an die Verfolgten des Regimes gibt es "
            "noch viel zu tun, sagen die Initiativen.</p><p>" + "Der Text. " * 60 + "</p></main>")
    page = _page(body)
    assert page.date_published == "2022-01-27"
    assert _sources(page, "2022-01-27") == ["date by the headline (unlabelled)"]


def test_a_date_inside_a_sentence_is_not_a_dateline():
    body = ("<main><h1>Das neue Album</h1><p>Am 4. Februar 2022 erscheint das neue und vierte Album "
            "der Sängerin, das sie selbst produziert hat.</p><p>" + "Der Text. " * 60 + "</p></main>")
    assert _page(body).date_published is None


def test_the_date_after_the_authors_link_in_a_byline():
    body = ("<main><h1>Eine Interpretation des Multiplikators</h1><div class='author'>"
            "<a href='/autoren/georg-quaas/'>Georg Quaas</a>, 21. Jan. 2015</div><p>"
            + "Der Text. " * 60 + "</p></main>")
    assert _page(body).date_published == "2015-01-21"


def test_a_members_joining_date_by_a_forum_post_is_not_the_pages():
    body = ("<main><h1>Installation hängt</h1><dl class='postprofile'><dd class='profile-joined'>"
            "<strong>Registriert:</strong> 18.09.2008, 05:56</dd></dl><p>" + "Der Text. " * 60
            + "</p></main>")
    assert _page(body).date_published is None


def test_the_dateline_nearest_the_headline_wins_over_a_date_further_down():
    body = ("<main><span class='metadata'>Bonn,&nbsp;11.10.2021</span><h1>50 Jahre Frauen im THW</h1>"
            "<p class='caption'>Quelle: THW</p><h3>Vergangenheit.</h3><p>Sie blickt am "
            "<strong>Mittwoch, 13.10.2021</strong> auf 50 Jahre zurück.</p><p>" + "Der Text. " * 60
            + "</p></main>")
    assert _page(body).date_published == "2021-10-11"


def test_a_date_inside_a_sentence_by_the_headline_is_not_a_dateline():
    body = ("<main><h1>50 Jahre Frauen im THW</h1><p>Im Auftaktvideo blickt sie am "
            "<strong>Mittwoch, 13.10.2021</strong> auf 50 Jahre zurück.</p><p>" + "Der Text. " * 60
            + "</p></main>")
    assert _page(body).date_published is None


def test_russian_month_names_in_a_dateline():
    body = ("<main><article><p class='rubric'>Германия</p><p class='date'>15 августа 2016, 13:43</p>"
            "<h1>Подольски завершил карьеру в сборной</h1><p>" + "Текст статьи. " * 60
            + "</p></article></main>")
    assert _page(body, lang="ru").date_published == "2016-08-15"


def test_mise_en_ligne_is_a_publication_label():
    # "Put online": the page's own publication. (German "Veröffentlichung" and
    # "Erscheinungsdatum" are left out: on reviews and music pages they date the
    # book or the album, not the page.)
    body = ("<main><h1>La voix des nuls</h1><p>" + "Le texte. " * 60 + "</p><ul><li><p>Mise en ligne</p>"
            "<p>23 mai 2019</p></li></ul></main>")
    page = _page(body, lang="fr")
    assert page.date_published == "2019-05-23"
    assert _sources(page, "2019-05-23") == ["visible:Mise en ligne"]


def test_a_page_dating_each_section_was_last_updated_on_the_latest():
    body = ("<main><h1>Betriebliche Altersvorsorge</h1><p>" + "Der Text. " * 40 + "</p>"
            "<h2>Direktversicherung</h2><p class='info'>Stand: 28. November 2018</p><p>" + "Mehr. " * 30
            + "</p><h2>Pensionskasse</h2><p class='info'>Stand: 5. Februar 2020</p><p>" + "Mehr. " * 30
            + "</p></main>")
    page = _page(body)
    assert page.date_updated == "2020-02-05"
    assert _sources(page, "2018-11-28") == ["visible:Stand"]  # the earlier one stays recorded
