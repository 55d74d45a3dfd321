"""The body's paragraph filters (issue 16, session 15) answer as the forms they
replaced: the word count flush passes in, the first word tested before the
count, the digit test by character searches, the single-line metadata test
without its generator. The references below are the filters as they were."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from condition_archive.extract import body, metalines, promo
from condition_archive.extract.paragraphs import _DATE_LINE
from condition_archive.extract.paragraphs import is_byline as _is_byline
from condition_archive.extract.paragraphs import is_metadata_line as _is_metadata_line
from condition_archive.extract.lede import NotStandfirst, _names_not_standfirst
from condition_archive.extract.metalines import is_meta_paragraph
from condition_archive.extract.people import LABEL_RE
from condition_archive.extract.people import names_from_line
from condition_archive.extract.promo import is_call_to_action
from condition_archive.extract.sitelines import is_site_line
from condition_archive.extract.text import has_digit


def _metadata_line_reference(text: str) -> bool:
    return all(line[-1] not in ".!?\"”" and len(line.split(None, 10)) <= 10 and bool(_DATE_LINE.match(line))
               for line in text.split("\n"))


def _byline_reference(text: str) -> bool:
    if len(text.split(None, 25)) > 25 or "\n" in text or not LABEL_RE.match(text):
        return False
    authors, reviewers = names_from_line(text)
    return bool(authors or reviewers)


def _call_reference(text: str) -> bool:
    words = text.split(None, promo._MAX_WORDS)
    if "\n" in text or len(words) > promo._MAX_WORDS:
        return False
    first = words[0].strip(promo._PUNCT).lower()
    if first not in promo._FIRST_WORDS and first.split("-")[0] not in promo._FIRST_WORDS:
        return False
    sentences = [s for s in promo._SENTENCE.split(text.strip()) if s]
    return bool(sentences) and all(promo._is_call(s) for s in sentences)


def _meta_reference(text: str) -> bool:
    if len(text) > 600:
        return False
    if re.search(r"\d", text) and (metalines.is_date_line(text) or metalines._READING_TIME.match(text)):
        return True
    words = len(text.split(None, 45))
    if words <= 30 and ":" in text and metalines._TAG_ROW.match(text.lower()):
        return True
    return words <= 45 and "contributed" in text and bool(metalines._CREDIT_CLOSE.search(text))


_WORDS = st.sampled_from([
    "Updated", "Published on", "Nov 20, 2019", "12/17/12", "07:50 GMT", "Reviewed by:", "By", "Rafael Soto,",
    "MD", "Jane Doe", "Follow us on Twitter.", "Sign up for our newsletter!", "Subscribe", "Get", "e-mail",
    "Tags:", "Filed under:", "contributed to this report.", "Reading time: 5 min", "5 min read", "٣", "١٢",
    "2024", "x", "the", "prose", "asthma", "Foto:", "© 2020", " • ", "We use cookies", "Comments", "\n",
    " ", ".", "“quoted”", "é", "İ", "ſ", "\u00a0", "\t", "-", "Share", "this", "page"])
_TEXTS = st.lists(_WORDS, min_size=1, max_size=30).map(" ".join)


@given(_TEXTS)
@settings(max_examples=800, deadline=None)
def test_filters_answer_as_before_with_and_without_the_count(text):
    count = len(text.split())
    assert has_digit(text) == bool(re.search(r"\d", text))
    if all(text.split("\n")):  # (flush never asks about an empty line; the reference raises there)
        assert _is_metadata_line(text) == _metadata_line_reference(text)
    if text.strip():  # (nor about a blank text)
        assert _is_byline(text) == _is_byline(text, count) == _byline_reference(text)
        assert is_call_to_action(text) == is_call_to_action(text, count) == _call_reference(text)
    assert is_meta_paragraph(text) == is_meta_paragraph(text, count) == _meta_reference(text)
    assert is_site_line(text) == is_site_line(text, count)


def test_long_texts_count_past_the_caps():
    """Counts far beyond each filter's split limit give the limited split's answers."""
    for words in (10, 11, 12, 25, 26, 30, 31, 45, 46, 60, 61, 70, 71, 200):
        text = " ".join(["Subscribe"] + ["2024"] * (words - 2) + ["Tags:"])
        assert is_call_to_action(text, words) == _call_reference(text)
        assert is_meta_paragraph(text, words) == _meta_reference(text)
        line = "Reviewed by: " + " ".join(["Jane Doe"] * ((words - 2) // 2))
        assert _is_byline(line, len(line.split())) == _byline_reference(line)


def test_flush_drops_the_same_paragraphs():
    html = ("<html><body><main><article><h1>Asthma</h1>"
            "<p>Asthma is a long-term condition that affects the airways of the lungs, at any age.</p>"
            "<p>Updated Nov 20, 2019</p><p>Reviewed by: Rafael Soto, MD</p><p>Follow us on Twitter @site.</p>"
            "<p>Tags: asthma, lungs</p><p>Foto: Jane Doe</p><p>Image 1 of 5</p>"
            "<p>Line one<br><br>line two of the second paragraph in this box.</p>"
            "<p>Soft\u00adhyphen\u200b text stays one word in a sentence of its own here.</p>"
            "</article></main></body></html>")
    text = body.extract_body(html)
    assert text == ("Asthma is a long-term condition that affects the airways of the lungs, at any age."
                    "\n\nLine one\n\nline two of the second paragraph in this box."
                    "\n\nSofthyphen text stays one word in a sentence of its own here.")


# The walk's shortcuts: class-word tests asked only of elements with a class or
# an id (the region walk's `named`), and the standfirst walker's short lines.

_ODD = """<html><head><title>Odd</title></head><body><main><article>
<header><p class="kicker">Health</p><h1>Asthma in winter months</h1>
<p class="standfirst">Cold air tightens the airways, and the season's viruses add to it for many.</p>
<p>Short line</p><div class="byline">By Jane Doe</div></header>
<div class="entry"><p>Asthma is a long-term condition that affects the airways of the lungs at any age.</p>
<figure><img src="a.jpg"><figcaption>A child uses an inhaler at school before a run outside.</figcaption></figure>
<div class="wp-caption"><img src="b.jpg"><p class="wp-caption-text">Inhalers come in many shapes and colours today.</p>
<span class="credit">Photo: Agency</span></div>
<p><strong>Related articles</strong></p><p class="heading-h3">More reading</p>
<ul class="teasers"><li><a href="/x">Another article</a></li></ul>
<p class="">Empty class, ordinary words of the article that go on for a while here.</p>
<h1 class="">A second headline inside the body box of this article</h1>
</div></article></main></body></html>"""


def _site_roots(monkeypatch, pages: int = 30):
    from compiled import BENCH

    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    from condition_archive.extract.parse import parse_html

    yield parse_html(_ODD, "http://h.test/").root
    for path, page in Generator(layout_for(pages)).render_all("http://127.0.0.1:8780").items():
        yield parse_html(page.body, "http://127.0.0.1:8780" + path).root


def test_class_word_tests_cannot_hold_for_an_element_without_class_or_id(monkeypatch):
    from lxml import etree

    from condition_archive.extract.boilerplate import classify_regions
    from condition_archive.extract.markers import NOISE_TAGS, caption_class, is_caption, is_noise
    from condition_archive.extract.teasers import HEADINGISH, is_teaser_card, teaser_pattern

    for root in _site_roots(monkeypatch):
        regions = classify_regions(root)
        for el in root.iter(etree.Element):
            pair = regions.named.get(el)
            if el.tag != "figcaption":
                assert caption_class(pair and pair[0]) == is_caption(el)
            if pair is None or not (pair[0] or pair[1]):
                assert not is_teaser_card(el) and not body._photo_box(el, regions)
                if el.tag not in NOISE_TAGS:
                    assert not is_noise(el)
            if el.tag in HEADINGISH and el.tag not in body.vocab.HEADING_TAGS and not (pair and pair[0]) \
                    and not (el.tag == "p" and len(el) == 1):
                assert teaser_pattern(el) is None


def _not_standfirst_reference(boxes) -> frozenset:
    """Every element inside the header boxes whose class or id names it as no standfirst."""
    from lxml import etree

    return frozenset(el for box in boxes for el in box.iterdescendants(etree.Element)
                     if _names_not_standfirst(el.get("class") or "", el.get("id") or ""))


def _ledes_reference(root, regions, drop):
    """_ledes before: every line of the header boxes filtered, then the short ones left out."""
    boxes = body.header_ledes(root, regions)
    if not boxes:
        return []
    walker = body._Walker(regions, drop=drop | _not_standfirst_reference(boxes), captions=False)
    for box in boxes:
        if regions.mark(box) == "header" or not walker.skip(box):
            walker.flush()
            walker.walk(box)
    walker.flush()
    heads = [" ".join(el.text_content().split()).lower() for el in root.iter("h1")]
    title = root.find("head/title")
    said = " ".join([*heads, title.text_content().lower() if title is not None else ""])
    heads = [h for h in heads if len(h.split()) >= 4]
    return [para for para in walker.paragraphs
            if len(para.split()) >= body._LEDE_WORDS and " ".join(para.split()).lower() not in said
            and not any(h in " ".join(para.split()).lower() for h in heads)]


def test_body_text_is_the_same_without_the_walks_facts(monkeypatch):
    """With the walk's `named` and without it (each element asked), and the
    standfirst as the walker that filtered every line found it."""
    from dataclasses import replace

    from condition_archive.extract.boilerplate import classify_regions

    standfirsts = named_out = 0
    for root in _site_roots(monkeypatch):
        regions = classify_regions(root)
        text = body.body_text(root, regions)
        assert text == body.body_text(root, replace(regions, named=None, texts={}))
        ledes = body._ledes(root, regions, frozenset())
        assert ledes == _ledes_reference(root, regions, frozenset())
        boxes = body.header_ledes(root, regions)
        expected = _not_standfirst_reference(boxes)
        named_out += len(expected)
        for named in (regions.named, None):
            lazy = NotStandfirst(frozenset(), boxes, named)
            assert {el for el in root.iter() if el in lazy} == expected
        standfirsts += bool(ledes)
    assert standfirsts >= 1 and named_out >= 2  # (the odd page's standfirst, kicker and byline at least)
