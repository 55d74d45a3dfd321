"""Body recall and main-box choice on templates nobody here wrote (issue 11,
session 5): each rule pinned on a small hand-written page. The rules are
measured on both extraction benchmarks (docs/extraction.md)."""

from __future__ import annotations

from condition_archive.extract import extract_page
from condition_archive.extract.body import extract_body

URL = "https://news.example.test/2024/05/article"
PROSE = ("The council approved the new cycle lanes after a long debate, and work on the first "
         "section along the river is due to start in the spring. ")


def document(title: str, body: str, lang: str = "en") -> str:
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}</body></html>")


def paragraphs(n: int) -> str:
    return "".join(f"<p>{PROSE}</p>" for _ in range(n))


def page(body: str) -> str:
    return document("Cycle lanes", "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
                    f"<main>{body}</main><footer><p>&copy; 2024 Example News</p></footer>")


# A BEM modifier says which variant a block is, not what it is: a Drupal field
# "field--type-entity-reference-revisions" holding the article is not a reference
# list, as a modifier already claims no region.
def test_bem_modifier_does_not_make_the_article_noise():
    def field(kind: str, n: int) -> str:
        return (f"<div class='field field--name-{kind} field--type-entity-reference-revisions'>"
                + "".join(f"<p>{PROSE}{kind} paragraph {i} adds a detail.</p>" for i in range(2))
                + "</div>")
    html = page("<article><h1>Cycle lanes approved</h1>"
                + "".join(field(kind, 2) for kind in ("lead", "text", "quote")) + "</article>")
    body = extract_page(html, URL).body_text
    for kind in ("lead", "text", "quote"):
        for i in range(2):
            assert f"{kind} paragraph {i} adds a detail." in body


def test_reference_list_is_still_dropped():
    refs = "<ol class='references'><li>Smith J. Cycling and health. Journal 2020;1:2-3.</li></ol>"
    html = page("<article><h1>Cycle lanes approved</h1>"
                + "".join(f"<p>{PROSE}</p>" for _ in range(3)) + refs + "</article>")
    body = extract_page(html, URL).body_text
    assert PROSE.strip() in body and "Smith J." not in body


# A post that is only a list of links (a link roll, a reading list) is its own
# content: when dropping link lists would leave almost nothing of a main box
# that shows far more, the box is read with them.
def test_link_roll_post_keeps_its_links():
    items = "".join(f"<li><p class='link'><a href='https://site{i}.example/story'>Story number {i} about "
                    f"the city budget and its effects</a></p><p class='desc'>via Source {i}</p></li>"
                    for i in range(6))
    html = page("<article><h1>Links of the week</h1><div class='entry-content'>"
                "<p>Here are the links I saved this week, with where I found them.</p>"
                f"<ul class='linkroll'>{items}</ul></div></article>")
    body = extract_body(html, URL)
    for i in range(6):
        assert f"Story number {i} about the city budget" in body


def test_link_list_beside_prose_is_still_dropped():
    items = "".join(f"<li><a href='/news/{i}'>Another story number {i} from the archive</a></li>"
                    for i in range(6))
    html = page("<article><h1>Cycle lanes approved</h1>" + "".join(f"<p>{PROSE}</p>" for _ in range(3))
                + f"<ul class='more'>{items}</ul></article>")
    body = extract_body(html, URL)
    assert PROSE.strip() in body and "Another story number" not in body


# A news dateline inside the first paragraph opens the article's sentence: it is
# read; a dateline block of its own stays metadata.
def test_dateline_opening_a_paragraph_is_read():
    html = page("<article><h1>Masks stolen</h1><div class='entry'><p><span class='dateline'>KOBE &#8211; "
                "</span>A total of 6,000 surgical masks have been lost at a hospital, it was learned Tuesday.</p>"
                + "".join(f"<p>{PROSE}</p>" for _ in range(3)) + "</div></article>")
    body = extract_body(html, URL)
    assert "KOBE – A total of 6,000 surgical masks" in body


def test_dateline_block_is_not_read():
    html = page("<article><h1>Masks stolen</h1><div class='dateline'>Kobe, Tuesday morning edition</div>"
                + "".join(f"<p>{PROSE}</p>" for _ in range(3)) + "</article>")
    body = extract_body(html, URL)
    assert PROSE.strip() in body and "morning edition" not in body


# A box around the page's <main> landmark is a wrapper, never a menu: HTML puts
# <main> in no nav, header, footer or aside. Drupal wraps every page in
# "dialog-off-canvas-main-canvas", whose words read as an off-canvas menu; a
# consent dialog (its long policy text hidden) must not win the page.
def test_wrapper_of_main_landmark_is_not_navigation():
    policy = "".join(f"<p>{PROSE}Policy clause {i} on cookies, partners and storage.</p>" for i in range(8))
    html = ("<!DOCTYPE html><html lang='en'><head><title>Cycle lanes</title></head><body>"
            "<div class='consent-popup-overlay'><div class='consent-popup'><p>We use cookies on this site "
            "and ask for your consent, as the law says we must.</p>"
            f"<div style='display:none'>{policy}</div></div></div>"
            "<div class='dialog-off-canvas-main-canvas'><header><nav><a href='/'>Home</a></nav></header>"
            "<main><article><h1>Cycle lanes approved</h1>"
            + "".join(f"<p>{PROSE}Article paragraph {i}.</p>" for i in range(3))
            + "</article></main><footer><p>&copy; 2024 Example News</p></footer></div></body></html>")
    body = extract_body(html, URL)
    for i in range(3):
        assert f"Article paragraph {i}." in body
    assert "Policy clause" not in body


# Inside the main container a box that only class words call a header (an FAQ
# accordion's question, an ingredients table's header) is the article's own;
# a <header> element keeps its claim.
def test_class_named_headers_inside_the_article_are_read():
    faq = "".join(f"<div class='card'><div class='card-header'><h3>Question {i}: how long does the work take "
                  f"on the river section?</h3></div><div class='card-body'><p>{PROSE}</p></div></div>"
                  for i in range(3))
    table = ("<table class='ingredients table-header'><tr><td>Flour for the pastry</td><td>250 g</td></tr>"
             "<tr><td>Butter, cold</td><td>125 g</td></tr></table>")
    html = page("<article><header><h1>Cycle lanes approved</h1><p>Filed under: City hall news desk</p></header>"
                f"<p>{PROSE}</p>{table}{faq}</article>")
    body = extract_body(html, URL)
    for i in range(3):
        assert f"Question {i}: how long does the work take" in body
    assert "Flour for the pastry" in body
    assert "City hall news desk" not in body


# Navigation is links: inside the article a class- or id-named "nav" box of
# prose (a tip drawer, a heading whose anchor id starts with nav_) is read;
# a breadcrumb trail of links is not.
def test_prose_in_nav_named_boxes_inside_the_article_is_read():
    html = page("<article><h1>Cycle lanes approved</h1>"
                "<div class='breadcrumb-nav'><a href='/'>Home</a> <a href='/city'>City</a></div>"
                + "".join(f"<p>{PROSE}</p>" for _ in range(2))
                + "<h3 id='nav_the_river_section'>The river section comes first</h3>"
                f"<p>{PROSE}</p><div class='tips drawer'><p>Tip: cyclists can already use the river "
                "path on weekends while the work goes on.</p></div></article>")
    body = extract_body(html, URL)
    assert "The river section comes first" in body
    assert "Tip: cyclists can already use the river path" in body
    assert "Home" not in body.split()


# A gallery item that tells the story in paragraphs (a listicle, slide by slide)
# is the article's text; a photo gallery of captions stays out.
def test_gallery_items_of_prose_are_read_photo_galleries_are_not():
    slides = "".join(f"<div class='gallery-item'><img src='{i}.jpg' alt=''><p>{PROSE}Slide {i} tells "
                     "the next part of the story.</p></div>" for i in range(4))
    photos = ("<div class='gallery'>" + "".join(
        f"<figure><img src='p{i}.jpg' alt=''><figcaption>Workers mark out the lane on the river path, "
        f"photo {i} of 3.</figcaption></figure>" for i in range(3)) + "</div>")
    html = page(f"<article><h1>Ten things about the lanes</h1><p>{PROSE}</p>{slides}{photos}</article>")
    body = extract_body(html, URL)
    for i in range(4):
        assert f"Slide {i} tells the next part of the story." in body
    assert "photo 1 of 3" not in body


# The article's standfirst sits in its own header beside the body box: a reader
# reads it as the start of the article (session 6). The headline, a kicker, the
# byline, a breadcrumb and the lead photo's caption there stay out, and so does
# the site banner's tagline outside the box holding the headline and the body.
def standfirst_page(standfirst_class: str) -> str:
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Cycle lanes approved | Example News</title></head><body>"
            "<header class='site-header'><p>Your trusted local paper since 1850, read in every town "
            "of the valley.</p><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
            "<div class='page'><article class='post'>"
            "<div class='article-header'><div class='crumbs-line'>News City Cycle lanes approved after "
            "a long debate</div><span class='kicker'>Transport</span>"
            "<h1>Cycle lanes approved after a long debate</h1>"
            f"<p class='{standfirst_class}'>Riders will get a protected route along the river by next "
            "summer, the council decided on Tuesday.</p>"
            "<p class='byline'>By Jane Doe</p><figure><img src='lead.jpg' alt=''><figcaption>Cyclists "
            "wait at the crossing by the old bridge on Monday.</figcaption></figure></div>"
            "<div class='entry-content'>" + "".join(f"<p>{PROSE}</p>" for _ in range(4))
            + "</div></article></div><footer><p>&copy; 2024 Example News</p></footer></body></html>")


def test_standfirst_in_the_article_header_is_read():
    for cls in ("standfirst", "subtitle", "lead", ""):
        body = extract_page(standfirst_page(cls), URL).body_text
        assert body.startswith("Riders will get a protected route along the river"), cls
        assert PROSE.strip() in body
        for left_out in ("Transport", "Jane Doe", "Cycle lanes approved", "Cyclists wait at the crossing",
                         "trusted local paper", "News City"):
            assert left_out not in body, (cls, left_out)


# Without a header box, the prose between the headline and the body box (a long
# body: the main box does not widen for a short line) is the standfirst ("<p class=subtitle>", "Vorspann"); a share bar, the date line and a
# photo box (an image and its caption) there stay out.
def test_prose_between_headline_and_body_box_is_read():
    html = document("Radwege", (
            "<div id='site'><div class='logo'>Stadtzeitung</div><div class='wrap'><div class='story'>"
            "<h1>Neue Radwege am Fluss beschlossen</h1>"
            "<div class='vorspann'>Der Stadtrat hat nach langer Debatte den Bau eines geschützten "
            "Radwegs entlang des Flusses beschlossen.</div>"
            "<div class='share-tools'><a href='/s'>Teilen Sie diesen Artikel mit Ihren Freunden</a> "
            "auf allen Kanälen</div><p class='datum'>12. März 2024, 10:15 Uhr</p>"
            "<div class='image top'><img src='a.jpg' alt=''><p>Radfahrer warten an der Kreuzung bei der "
            "alten Brücke am Montagmorgen.</p></div>"
            "<div class='text'>" + paragraphs(30)
            + "</div></div></div></div>"), lang="de")
    body = extract_page(html, URL).body_text
    assert body.startswith("Der Stadtrat hat nach langer Debatte")
    assert PROSE.strip() in body
    for left_out in ("Neue Radwege", "Teilen Sie", "12. März", "Radfahrer warten"):
        assert left_out not in body, left_out


def test_a_trust_badge_or_disclosure_in_the_header_is_not_the_standfirst():
    """Boxes of the article's header that class words call a badge, a disclosure
    or a meta line are about the page, not its opening; the summary is read."""
    html = document("Upper back pain", (
            "<main><article><header class='article-header'><h1>What causes upper back pain?</h1>"
            "<div class='review-badge'>Our articles are fact checked by a team of experts and updated "
            "regularly</div><div class='affiliate-disclosure'>We may earn a commission from links on this "
            "page at no cost to you</div><p class='summary'>Poor posture, muscle strain and injuries are "
            "the most common causes of pain between the shoulder blades.</p></header>"
            "<div class='article-body'>" + paragraphs(8)
            + "</div></article></main>"))
    body = extract_page(html, URL).body_text
    assert body.startswith("Poor posture, muscle strain and injuries")
    assert "fact checked" not in body and "commission" not in body


# The headline is the article's h1, not a linked card title set as h1 in a box
# nearer the body (templates that set every title as h1).
def test_standfirst_found_past_a_card_title_set_as_h1():
    html = document("Cycle lanes", (
            "<article><header class='story-header'><h1>Cycle lanes approved after a long debate</h1>"
            "<p class='dek'>Riders will get a protected route along the river by next summer, the "
            "council decided on Tuesday.</p></header><div class='wrap'>"
            "<div class='more-box'><h1><a href='/other'>Another story from the city desk</a></h1></div>"
            "<div class='text'>" + paragraphs(6)
            + "</div></div></article>"))
    body = extract_page(html, URL).body_text
    assert body.startswith("Riders will get a protected route along the river")
    assert "Another story" not in body


# The page's wrapper (a child of <body>) is no article box: its header boxes
# are the site's top bar and banner, whose tagline is not a standfirst.
def test_site_top_bar_is_not_a_standfirst():
    html = document("Cycle lanes", (
            "<div id='page' class='site'><div class='top-bar'><p>Now open on Saturdays in both of "
            "our clinics, book online or call us today.</p></div>"
            "<div class='site-branding'><p>Sports and musculoskeletal physiotherapy for the whole city "
            "and its suburbs.</p></div><div class='content-area'><div class='entry-content'>"
            "<h1>Cycle lanes approved after a long debate</h1>"
            + paragraphs(4) + "</div></div></div>"))
    body = extract_page(html, URL).body_text
    assert body.startswith(PROSE.strip())
    assert "Now open on Saturdays" not in body and "musculoskeletal" not in body
