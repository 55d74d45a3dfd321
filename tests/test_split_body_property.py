"""Property: an article split by ads, promos, related inserts and empty wrappers keeps every paragraph.

Issue 11, failure class 1: when an article's paragraphs sit in sibling blocks
separated by an inline ad slot, only one block used to be kept. Here the
paragraphs of a labelled article (tests/fixtures/templates/carebeacon/
atrial-fibrillation.html, the text inside its `.prose` blocks) are cut at
random paragraph boundaries into sibling blocks of one markup style (WordPress
`entry-content`, Drupal `field--name-body`, Elementor text-editor widgets,
Tailwind `prose`, React hashed classes, bare paragraphs), and between the
blocks go ad slots, promo and newsletter boxes, "related" inserts and empty
wrappers of several kinds. The page around them is one of a few common
shells. Whatever the draw, `extract_page` must return every paragraph in
`body_text` and none of the inserted ad, promo or related text.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from pathlib import Path

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from condition_archive.extract import extract_page

SOURCE = Path(__file__).parent / "fixtures" / "templates" / "carebeacon" / "atrial-fibrillation.html"
URL = "https://www.split-example.test/health/conditions/atrial-fibrillation"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@lru_cache(maxsize=1)
def paragraphs() -> tuple[str, ...]:
    tree = lxml.html.fromstring(SOURCE.read_text(encoding="utf-8"))
    found = [collapse(p.text_content()) for p in tree.xpath("//div[contains(@class,'prose')]/p")]
    assert len(found) >= 8, found
    return tuple(found)


# -- the blocks that hold paragraphs: (opening, closing) markup of one style ---------------

BLOCK_STYLES = {
    "wordpress": ('<div class="entry-content-part">', "</div>"),
    "drupal": ('<div class="clearfix text-formatted field field--name-body field--type-text-with-summary '
               'field--label-hidden field__item">', "</div>"),
    "elementor": ('<div class="elementor-element elementor-widget elementor-widget-text-editor" '
                  'data-element_type="widget" data-widget_type="text-editor.default">'
                  '<div class="elementor-widget-container">', "</div></div>"),
    "tailwind": ('<div class="prose prose-slate max-w-none">', "</div>"),
    "react": ('<div class="css-1q2w3e4 e1x0abc0" data-testid="rich-text">', "</div>"),
    "section": ('<section class="article-body__section">', "</section>"),
    "bare": ("", ""),
}

# -- what separates the blocks. Each entry: (kind, markup, texts that must not reach the body).

SEPARATORS = [
    ("ad", '<div class="ad-slot" id="div-gpt-ad-1001-0" data-ad-unit="/1234/health/incontent_{n}">'
           '<span class="ad-slot__label">Advertisement</span></div>', ["Advertisement"]),
    ("ad", '<div class="not-prose my-8 flex justify-center" data-ad-slot="incontent_{n}">'
           '<span class="text-xs uppercase text-gray-400">Advertisement</span>'
           '<div class="min-h-[250px] w-[300px] bg-gray-100"></div></div>', ["Advertisement"]),
    ("ad", '<ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" '
           'data-ad-slot="55{n}" data-ad-format="auto"></ins><script>(adsbygoogle = window.adsbygoogle || []).push({{}});</script>',
     []),
    ("ad", '<aside class="advert advert--mpu" aria-label="Advertisement"><p class="advert__label">Anzeige</p>'
           '<div id="ad-mpu-{n}"></div></aside>', ["Anzeige"]),
    ("ad", '<div class="native-ad" data-native-ad="{n}"><span class="native-ad__label">Sponsored</span> '
           '<a href="https://ads.adnet-split.test/click?id={n}" rel="sponsored nofollow">'
           'Doctors stunned by this one weird trick for a healthy heart number {n}</a></div>',
     ["Doctors stunned by this one weird trick for a healthy heart number {n}"]),
    ("promo", '<div class="promo-box inline-promo"><h3 class="promo-box__title">Book a heart check</h3>'
              '<p>Book a same-week heart check at any of our clinics from $49, promo code {n}.</p>'
              '<a class="button" href="/book?promo={n}">Book now</a></div>',
     ["Book a same-week heart check at any of our clinics from $49, promo code {n}."]),
    ("promo", '<aside class="newsletter-signup"><h3>Heart Health Weekly</h3><p>Get heart-healthy recipes and tips '
              'in your inbox, edition {n}.</p><form action="/subscribe"><input type="email" name="email">'
              '<button type="submit">Subscribe</button></form></aside>',
     ["Get heart-healthy recipes and tips in your inbox, edition {n}."]),
    ("promo", '<div class="elementor-element elementor-widget elementor-widget-call-to-action">'
              '<div class="elementor-widget-container"><div class="elementor-cta"><div class="elementor-cta__content">'
              '<div class="elementor-cta__description">Download our free heart rhythm app, offer {n}.</div>'
              '<a class="elementor-cta__button elementor-button" href="/app?o={n}">Get the app</a></div></div></div></div>',
     ["Download our free heart rhythm app, offer {n}."]),
    ("related", '<p class="related-inline"><strong>Related:</strong> '
                '<a href="/health/related-{n}">How to check your pulse at home, part {n}</a></p>',
     ["How to check your pulse at home, part {n}"]),
    ("related", '<aside class="related-articles"><h3 class="related-articles__title">You may also like</h3><ul>'
                '<li><a href="/health/a-{n}">Heart palpitations: when to worry ({n})</a></li>'
                '<li><a href="/health/b-{n}">What an ECG shows ({n})</a></li>'
                '<li><a href="/health/c-{n}">Living with a pacemaker ({n})</a></li></ul></aside>',
     ["Heart palpitations: when to worry ({n})", "Living with a pacemaker ({n})"]),
    ("related", '<div class="css-8h7g6f e2r3t4y0" data-testid="related-teaser"><span class="css-2b3c4d">Read more</span>'
                '<a href="/health/teaser-{n}" class="css-5e6f7g">Blood thinners explained, guide {n}</a></div>',
     ["Blood thinners explained, guide {n}"]),
    ("empty", "<div></div>", []),
    ("empty", '<div class="hidden lg:block"></div>', []),
    ("empty", '<div class="elementor-element elementor-widget elementor-widget-spacer"><div class="elementor-widget-container">'
              '<div class="elementor-spacer"><div class="elementor-spacer-inner"></div></div></div></div>', []),
    ("empty", '<div class="clearfix"><div class="field__item"></div></div>', []),
    ("empty", "<p>&nbsp;</p>", []),
]

# -- the page around the article: (before the blocks, after the blocks) --------------------

HEADLINE = "Atrial fibrillation: symptoms, causes and treatment"
HEAD = (f'<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>{HEADLINE} | Split Example</title>'
        f'<link rel="canonical" href="{URL}"></head><body>')
NAV = ('<header class="site-header"><a href="/" class="logo">Split Example Health</a><nav aria-label="Main">'
       '<ul><li><a href="/conditions">Conditions</a></li><li><a href="/wellness">Wellness</a></li>'
       '<li><a href="/tools">Tools</a></li></ul></nav></header>')
FOOT = ('<footer class="site-footer"><p>&copy; 2025 Split Example Health. This site does not give medical advice.</p>'
        '<ul><li><a href="/privacy">Privacy</a></li><li><a href="/terms">Terms</a></li></ul></footer></body></html>')
BYLINE = '<p class="byline">By Maya Collins</p>'

SHELLS = {
    "main-article": (HEAD + NAV + f'<main id="main"><article class="article"><h1>{HEADLINE}</h1>{BYLINE}<div class="article__body">',
                     "</div></article></main>" + FOOT),
    "wordpress": (HEAD + NAV + f'<div id="content" class="site-content"><div id="primary" class="content-area">'
                  f'<article class="post type-post hentry"><header class="entry-header"><h1 class="entry-title">{HEADLINE}</h1>'
                  f'{BYLINE}</header><div class="entry-content">',
                  '</div></article></div><aside id="secondary" class="widget-area"><section class="widget">'
                  '<h2 class="widget-title">Recent posts</h2><ul><li><a href="/p1">Recent post one</a></li></ul>'
                  '</section></aside></div>' + FOOT),
    "no-main": (HEAD + '<div id="page" class="wrapper">' + NAV + '<div class="container"><div class="row"><div class="col-md-8">'
                f'<h1 class="post-title">{HEADLINE}</h1>{BYLINE}<div class="post-body">',
                '</div></div><div class="col-md-4 sidebar"><div class="box"><h3>Popular</h3><ul>'
                '<li><a href="/pop1">Popular story one</a></li><li><a href="/pop2">Popular story two</a></li></ul>'
                '</div></div></div></div></div>' + FOOT),
    "react": (HEAD + '<div id="__next">' + NAV + f'<main class="css-k3j2h1"><div class="css-m4n5b6" data-testid="article">'
              f'<h1 class="css-q9w8e7">{HEADLINE}</h1>{BYLINE}<div class="css-z1x2c3">',
              "</div></div></main></div>" + FOOT.replace("</body></html>", "") + "</body></html>"),
}


@st.composite
def split_article(draw):
    paras = list(paragraphs())
    style_open, style_close = BLOCK_STYLES[draw(st.sampled_from(sorted(BLOCK_STYLES)))]
    # Cut points: a random non-empty subset of the boundaries between paragraphs.
    boundaries = list(range(1, len(paras)))
    cuts = sorted(draw(st.sets(st.sampled_from(boundaries), min_size=1, max_size=5)))
    shell_open, shell_close = SHELLS[draw(st.sampled_from(sorted(SHELLS)))]
    parts, banned, start = [], [], 0
    for n, cut in enumerate([*cuts, len(paras)]):
        block = "".join(f"<p>{htmllib.escape(p, quote=False)}</p>" for p in paras[start:cut])
        parts.append(style_open + block + style_close)
        start = cut
        if cut == len(paras):
            break
        # One to three separators of random kinds between two blocks.
        for m, index in enumerate(draw(st.lists(st.integers(0, len(SEPARATORS) - 1), min_size=1, max_size=3))):
            _, markup, texts = SEPARATORS[index]
            tag = f"{n}{m}"
            parts.append(markup.format(n=tag))
            banned += [t.format(n=tag) for t in texts]
    return shell_open + "\n".join(parts) + shell_close, paras, banned


@settings(max_examples=60, deadline=None)
@given(split_article())
def test_split_article_keeps_every_paragraph_and_no_inserts(case):
    page_html, paras, banned = case
    page = extract_page(page_html, URL)
    assert page.problem is None, page.problem
    body = collapse(page.body_text)
    missing = [p for p in paras if p not in body]
    leaked = sorted({b for b in banned if b in body})
    assert not missing and not leaked, {"missing": missing, "leaked": leaked}
