"""Precision inside the chosen body (issue 11): boilerplate that sits inside the
article box is left out, one small hand-written page per rule; the article's own
paragraphs (and its captions) stay."""

from __future__ import annotations

from condition_archive.extract import extract_page

URL = "https://www.example-health.test/conditions/back-pain/article"
PROSE = ("Back pain is one of the most common reasons people see a doctor, and most of it "
         "gets better within a few weeks with gentle activity and simple pain relief. ")
MORE = ("Staying active, warm baths and over-the-counter pain relief help most people, and a "
        "physiotherapist can show exercises that strengthen the muscles of the lower back. ")


def page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head>'
            "<body><header><a href='/'>Example Health</a></header>"
            f"<div id='content'>{body}</div>"
            "<footer><p>&copy; 2025 Example Health</p></footer></body></html>")


def body_of(inner: str) -> str:
    return extract_page(page(inner), URL).body_text


def test_heading_classed_related_ends_its_box():
    """A heading whose class names a related box ("related-posts-title") ends its
    box like a "Related articles" heading does, whatever language its words are in:
    the whole other posts after it are not this article."""
    others = "".join(
        f"<article class='post-box'><div class='share'><a href='#'>Share</a></div>"
        f"<p>Other post number {i}: {MORE}{MORE}</p></article>" for i in range(4))
    inner = (f"<article class='post-box'><h1>Back pain</h1><p>{PROSE}{MORE}</p>"
             f"<p>{PROSE}</p></article>"
             f"<div class='post-box'><h3 class='related-posts-title'>Você pode gostar...</h3>"
             f"{others}</div>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body
    assert "Other post number" not in body and "Você pode gostar" not in body


# Captions stay body text; what is not caption prose around them goes.
CAPTION = "An MRI scan shows a slipped disc pressing on a nerve root in the lower back"


def figure(caption_html: str) -> str:
    return f"<figure><img src='scan.jpg' alt='scan'><figcaption>{caption_html}</figcaption></figure>"


def article_with(insert: str) -> str:
    return body_of(f"<article><h1>Back pain</h1><p>{PROSE}</p>{insert}<p>{MORE}</p></article>")


def test_caption_keeps_its_words_not_its_bracketed_credit():
    for credit in ("(Photo by Jane Doe/Agency Images)", "(AP Photo/Jane Doe, File)",
                   "[File: Agency]", "(Credit: iStock)", "(Foto: Privat)", "(Bild: Jane Doe / AP)"):
        body = article_with(figure(f"{CAPTION}. {credit}"))
        assert f"{CAPTION}." in body, credit
        assert credit not in body and "Jane Doe" not in body, credit


def test_caption_loses_a_trailing_agency_or_copyright_stamp():
    for credit in ("AGENCY/Jane Doe", "Photo: Jane Doe", "© Jane Doe / Agency"):
        body = article_with(figure(f"{CAPTION}. {credit}"))
        assert f"{CAPTION}." in body and "Jane Doe" not in body, credit


def test_credit_elements_and_credit_lines_inside_a_caption_are_dropped():
    inner = (f"<span class='attribution'>© Jane Doe</span> {CAPTION}."
             "<p class='photo-source'>Agency images</p>")
    body = article_with(figure(inner))
    assert f"{CAPTION}." in body and "Jane Doe" not in body and "Agency images" not in body
    box = f"<div class='image-caption'><p>{CAPTION}.</p><p><i>Image: Jane Doe</i></p></div>"
    body = article_with(box)
    assert f"{CAPTION}." in body and "Jane Doe" not in body


def test_a_gallery_counter_is_not_a_paragraph():
    slides = "".join(f"<div class='slide'><span class='count'>Image {i} of 3</span>"
                     f"{figure(f'{CAPTION}, view number {i}.')}</div>" for i in (1, 2, 3))
    body = article_with(slides)
    assert "of 3" not in body
    assert all(f"view number {i}." in body for i in (1, 2, 3))
    assert "Bild 2 von 5" not in article_with("<p>Bild 2 von 5</p>")


def test_an_expandable_caption_reads_as_one_paragraph():
    inner = (f"<p>{CAPTION} <span class='plus'>... [+]</span>"
             "<span class='expanded-caption'>as seen from the side of a standing patient.</span></p>")
    body = article_with(figure(inner))
    assert f"{CAPTION} as seen from the side of a standing patient." in body and "[+]" not in body


def test_caption_text_keeps_what_only_looks_like_a_credit():
    from condition_archive.extract.captions import caption_text
    # Brackets that are the caption's own words, and a caption too short to lose words.
    assert caption_text("The patient (left) talks to her nurse") == "The patient (left) talks to her nurse"
    assert caption_text("A tumour (pictured) under the microscope") == \
        "A tumour (pictured) under the microscope"
    assert caption_text("Image: Jane Doe") == ""
    assert caption_text("Imagery of the brain (Photo: Jane Doe)") == "Imagery of the brain"


# Calls to action inside the article box are the publisher talking, not the article.
def test_calls_to_action_are_not_body_text():
    calls = ["Follow us on Twitter @ExampleHealth and on Facebook.",
             "Email Jane Doe at jane.doe@example-health.test or follow her @janedoe.",
             "Get the latest updates right in your inbox. Subscribe to our newsletters.",
             "Never miss a story by signing up to our newsletter today!",
             "Subscribe now to our print edition for the full story.",
             "Folgen Sie uns auf Instagram und Facebook.",
             "¡Síguenos en YouTube!"]
    body = article_with("".join(f"<p>{c}</p>" for c in calls))
    assert "Back pain is one of the most common" in body and "Staying active" in body
    for call in calls:
        assert call not in body, call


def test_the_articles_own_sentences_about_following_or_signing_up_stay():
    own = ["Follow these steps shared on Twitter by physiotherapists to ease a stiff back.",
           "Sign up for a free back class at your local leisure centre for $5 a week.",
           "Download the NHS App to order repeat prescriptions for your pain relief.",
           "Subscribers to the clinic's newsletter reported less pain. Most of them walked daily.",
           "Follow us on Twitter. Back pain that lasts more than six weeks needs a doctor's view."]
    body = article_with("".join(f"<p>{o}</p>" for o in own))
    for sentence in own:
        assert sentence in body, sentence


# Headings of other pages' teasers end their box, in more words and languages.
def test_teaser_headings_end_their_box_in_several_languages():
    for heading in ("More Great Health Stories", "Verwandte Beiträge", "Meistgelesene Artikel",
                    "Mehr aus Thüringen", "Weitere Beiträge aus der Kolumne:", "NOTAS RELACIONADAS",
                    "Самые популярные диеты", "Les plus lus", "Você pode gostar..."):
        teasers = "".join(f"<div class='item'><h4>Other story {i}</h4><p>{MORE}</p></div>"
                          for i in range(3))
        inner = (f"<article><h1>Back pain</h1><div class='text'><p>{PROSE}</p><p>{PROSE}</p>"
                 f"<h3>{heading}</h3>{teasers}</div></article>")
        body = body_of(inner)
        assert "Back pain is one of the most common" in body, heading
        assert "Other story" not in body and heading not in body, heading


def test_a_section_heading_of_the_article_does_not_end_it():
    inner = (f"<article><h1>Back pain</h1><div class='text'><p>{PROSE}</p>"
             f"<h2>More on back pain treatments</h2><p>{MORE}</p></div></article>")
    assert "Staying active" in body_of(inner)


def test_prose_set_in_heading_tags_is_not_a_dropped_box_title():
    """A page that sets its text in h2-h4 keeps it when a teaser box after it is cut:
    a heading of sentences is not the title of the dropped box."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p><blockquote><h2>The poster contest</h2>"
             "<h3>runs for the sixth time this year. Children between six and twelve are invited "
             "to take part with their colourful and creative ideas about clean water.</h3>"
             "</blockquote><h2>Verwandte Beiträge</h2><div><p>Other post</p></div></article>")
    body = body_of(inner)
    assert "runs for the sixth time this year" in body and "Other post" not in body


def test_a_bold_line_that_opens_teasers_ends_its_box_like_a_heading():
    teasers = "".join(f"<p><a href='/story-{i}'>Other story {i}</a></p>" for i in range(3))
    for label in ("Schon gelesen?", "Zum Weiterlesen:", "Lesen Sie auch:", "You may also like"):
        inner = (f"<article><h1>Back pain</h1><div class='text'><p>{PROSE}</p>"
                 f"<p><strong>{label}</strong></p>{teasers}</div></article>")
        body = body_of(inner)
        assert "Back pain is one of the most common" in body and "Other story" not in body, label
        assert label not in body, label
    # A bold "Sources" line is not a teaser box: what follows it stays.
    inner = (f"<article><h1>Back pain</h1><div class='text'><p>{PROSE}</p>"
             f"<p><b>Sources</b></p><p>{MORE}</p></div></article>")
    assert "Staying active" in body_of(inner)


def test_a_labelled_teaser_line_in_other_languages_is_dropped():
    for label in ("LE PUEDE INTERESAR:", "Mire:", "Leia também:", "Mehr lesen:"):
        for tag in ("p", "h4"):
            line = f"<{tag}><b>{label} <a href='/other'>Another article about something else</a></b></{tag}>"
            body = article_with(line)
            assert "Another article" not in body and "Staying active" in body, (label, tag)


# Facts about the page inside the article box: dates, reading times, tag rows, credits.
def test_date_lines_in_other_languages_reading_times_tags_and_closing_credits_go():
    lines = ["segunda-feira, 22 de janeiro de 2018 às 0:13", "Published November 20th, 2019 - 07:29 GMT",
             "Aktualisiert am 12.03.2021, 19:49 Uhr", "opublikowano: 7 kwietnia 2021",
             "Donnerstag, 4. November 2021", "Lesezeit: 2 Minuten", "5 min read",
             "Tags: back pain, exercise, posture", "Schlagworte: Schule, Bildung",
             "Jane Doe and John Roe contributed to this report."]
    body = article_with("".join(f"<p>{line}</p>" for line in lines))
    assert "Back pain is one of the most common" in body and "Staying active" in body
    for line in lines:
        assert line not in body, line


def test_lines_that_only_mention_a_date_or_a_category_stay():
    own = ["In March 2020 the clinic moved its back pain classes online.", "June 2016",
           "4:14 p.m.", "Kategorie: Bestes Kinderbuch", "Share prices fell -12.99",
           "Reporting by Jane Doe; Editing by John Roe"]
    body = article_with("".join(f"<p>{line}</p>" for line in own))
    for line in own:
        assert line in body, line


def test_a_heading_classed_line_that_opens_teasers_ends_its_box():
    items = "".join(f"<li>Story {i} <a href='/s{i}'>about something else entirely</a></li>"
                    for i in range(4))
    inner = (f"<article><h1>Back pain</h1><div class='body'><p>{PROSE}</p><hr>"
             f"<div class='heading-h3'>More Great Health Stories</div><ul>{items}</ul></div></article>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body and "Story 1" not in body
    # A title-classed line with an icon in it is such a line too.
    inner = (f"<article><h1>Back pain</h1><div class='body'><p>{PROSE}</p>"
             "<div class='sub_block_title'><img src='i.gif'> <strong>Top stories</strong></div>"
             f"<div class='scroller'><p>Story 1 about something else entirely. {MORE}</p></div></div></article>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body and "Story 1" not in body
    # A heading-classed line that titles the article's own section does not cut.
    inner = (f"<article><h1>Back pain</h1><div class='body'><p>{PROSE}</p>"
             f"<div class='subheading'>What helps</div><p>{MORE}</p></div></article>")
    assert "Staying active" in body_of(inner)


def test_an_inline_hover_card_of_links_inside_a_sentence_is_not_prose():
    card = ("<span class='rollover'><img src='p.jpg'><a href='/people/jane'>Jane Doe</a>"
            "<a href='/a1'>Jane Doe asks the council for a new clinic in the town centre</a> "
            "<a href='/a2'>Council budget: what it means for local health services</a> "
            "<a href='/people/jane'>MORE</a></span>")
    inner = (f"<article><h1>Back pain</h1><p>Local councillor <a href='/people/jane'>Jane Doe</a>"
             f"{card} said the new clinic will open in May. {PROSE}</p></article>")
    body = body_of(inner)
    assert "Local councillor Jane Doe said the new clinic will open in May." in body
    assert "asks the council" not in body
    # A few linked names in a sentence are the sentence's own words.
    inner = ("<article><h1>Back pain</h1><p>Clinics such as <span><a href='/a'>Riverside</a>, "
             f"<a href='/b'>Hilltop</a> and <a href='/c'>Lakeside</a></span> offer classes. {PROSE}</p></article>")
    assert "Clinics such as Riverside, Hilltop and Lakeside offer classes." in body_of(inner)


def test_agency_and_french_credits_leave_the_caption():
    body = article_with(figure(f"{CAPTION} (AGENCY/Jane Doe)"))
    assert CAPTION in body and "Jane Doe" not in body
    assert "Jane Doe" not in article_with(figure(f"{CAPTION}. (Crédits : Jane Doe)"))
    # Capitals and a slash that are the caption's own words stay.
    assert f"{CAPTION} (MRI/CT)" in article_with(figure(f"{CAPTION} (MRI/CT)"))


def test_author_bio_and_press_contact_boxes_end_the_article():
    for heading in ("About the author", "Über den Autor", "Media contacts", "Pressekontakt", "Kontakt"):
        inner = (f"<article><h1>Back pain</h1><div class='text'><p>{PROSE}</p>"
                 f"<h3>{heading}</h3><p>Jane Doe writes about health. Call 0228 123 456.</p>"
                 "</div></article>")
        body = body_of(inner)
        assert "Back pain is one of the most common" in body and "Jane Doe" not in body, heading


def _news_with_rails(published: str) -> str:
    cards = "".join(f"<div class='teaser'><h3><a href='/news/{i}'>Other story number {i}</a></h3>"
                    f"<p>Short teaser {i}.</p></div>" for i in range(4))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"{published}<title>Clinic opens</title></head><body>"
            "<main><h1>New back pain clinic opens</h1>"
            f"<p>{PROSE}{MORE}</p><p>{PROSE}{MORE}</p><p>{MORE}</p>"
            f"<section><h2>More news</h2><div class='list'>{cards}</div></section>"
            f"<section><h2>Popular</h2><div class='list'>{cards}</div></section>"
            "</main></body></html>")


def test_dated_news_item_under_card_rails_is_an_article():
    """A page that states when it was published and has prose of its own is a
    news item, whatever card rails sit around it: its body is its prose, not
    the rails' teasers. Without a publication date the same shape stays a hub."""
    meta = "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
    news = extract_page(_news_with_rails(meta), URL)
    assert news.kind == "article"
    assert "Back pain is one of the most common" in news.body_text
    assert "Other story number" not in news.body_text
    hub = extract_page(_news_with_rails(""), URL)
    assert hub.kind == "center" and "Other story number" in hub.body_text


def test_a_hub_whose_cms_writes_date_published_into_its_json_ld_stays_a_hub():
    """CMSs (Yoast on WordPress, for one) write datePublished into the JSON-LD of
    every page, hubs included: that alone does not make a hub with a lede a news item."""
    graph = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": '
             '"WebPage", "name": "Back pain", "datePublished": "2021-03-01T00:00:00+00:00"}]}</script>')
    hub = extract_page(_news_with_rails(graph), URL)
    assert hub.kind == "center" and "Other story number" in hub.body_text


def test_picture_credits_standing_alone_are_not_body():
    """A picture credit on its own line ("Foto: ...", "Titelbild: ...",
    "Crédits photos : ...") says who made a picture, not what the article says;
    a sentence that starts with the same word stays."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p><p>Foto: Jane Doe / Example Agency</p>"
             f"<p>{MORE}</p><p>Titelbild: Flickr, CC BY 2.0</p><p>Crédits photos : Agence Exemple</p>"
             "<p>Photos of the spine taken before and after the treatment show how much the disc "
             "had moved, and the surgeon explained each of them to the patient.</p></article>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body and "Staying active" in body
    assert "Jane Doe" not in body and "Flickr" not in body and "Agence Exemple" not in body
    assert "Photos of the spine taken before and after" in body


def test_site_rights_lines_are_not_body():
    """A licence for the site's content and a copyright line joined to other
    footer items are about the site; a publisher's rights notice on its own
    ("(c) 2024 Example Agency. All rights reserved.") is left to the article."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p><p>{MORE}</p>"
             "<p>Unless otherwise stated, the content of this page is licensed under Creative "
             "Commons Attribution-ShareAlike 3.0 License</p>"
             "<p>(c) Jane Doe • Further rights: see imprint</p>"
             "<p>&copy; 2024 Example Agency. All rights reserved.</p></article>")
    body = body_of(inner)
    assert "Staying active" in body
    assert "Unless otherwise stated" not in body and "Further rights" not in body
    assert "Example Agency. All rights reserved." in body


def test_comment_box_status_lines_are_not_body():
    """ "No comments yet", "Comments are closed", "Kommentar schreiben": the state
    of the comment box, not the article."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p><p>{MORE}</p>"
             "<p>Bisher keine Kommentare</p><p>Kommentar schreiben</p>"
             "<p>Feed | Comments are closed | Trackback URL</p><p>Advert</p>"
             "<p>[ Read All Comments ]</p></article>")
    body = body_of(inner)
    assert "Staying active" in body
    assert "Kommentar" not in body and "closed" not in body
    assert "Advert" not in body and "Read All" not in body


def test_teaser_classed_cards_inside_the_article_are_not_body():
    """A box classed "teaser" that opens with a link is a card for another page,
    even between the article's paragraphs; a "teaser" box that opens with its own
    words (a standfirst) stays."""
    inner = (f"<article><h1>Back pain</h1><div class='article-teaser'>{PROSE}</div><p>{MORE}</p>"
             "<div class='teaser'><h2><a href='/knee'>Knee pain: what helps</a></h2>"
             "<p class='teasertext'>Our guide to sore knees and when to see a doctor.</p></div>"
             f"<p>{PROSE}</p></article>")
    body = body_of(inner)
    assert body.count("Back pain is one of the most common") == 2 and "Staying active" in body
    assert "Knee pain: what helps" not in body and "Our guide to sore knees" not in body


def test_cookie_and_consent_notices_are_not_body():
    """A cookie notice and a blocked embed's consent placeholder are the site
    asking the reader, not the article; an article sentence about consent stays."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p>"
             "<p>Wir respektieren deine Privatsphäre und stellen deshalb ohne dein Einverständnis "
             "keine Verbindung zu Twitter her.</p><p>This website uses cookies to improve your "
             "experience.</p><p>Patients gave written consent before the physiotherapy study "
             "began, and could leave it at any time.</p></article>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body and "written consent" in body
    assert "Privatsphäre" not in body and "uses cookies" not in body


def test_a_trailing_teaser_title_line_goes_with_its_box():
    """A short line titling a box of other pages' teasers, left at the body's end
    once the box is dropped, is not the article's last paragraph."""
    inner = (f"<article><h1>Back pain</h1><p>{PROSE}</p><p>{MORE}</p>"
             "<div>Verwandte Themenbereiche</div>"
             "<ul><li><a href='/a'>Knee pain</a></li><li><a href='/b'>Neck pain</a></li>"
             "<li><a href='/c'>Hip pain</a></li></ul></article>")
    body = body_of(inner)
    assert body.endswith("muscles of the lower back.")


def test_comment_reply_form_box_is_not_body():
    """The comment form's box (WordPress's "respond": its heading, its notes)
    inside the article container is not the article."""
    inner = (f"<div class='post'><h1>Back pain</h1><p>{PROSE}</p><p>{MORE}</p>"
             "<div id='respond'><h3>Was denkst du?</h3><p>Deine E-Mail-Adresse wird nicht "
             "veröffentlicht, Pflichtfelder sind markiert.</p></div></div>")
    body = body_of(inner)
    assert "Staying active" in body
    assert "Was denkst du" not in body and "Pflichtfelder" not in body
