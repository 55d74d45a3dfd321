"""A center's body (issue 16, session 16, ext6a): the walk passes a card's
boxes that hold no word instead of walking them, the cards' sets are built
without reading every card element's tag, and the teaser test reads an
element's region only of a line that can open teasers. Each answers as the
reference: the full walk (`_Walker.pass_empty = False`), the old set
comprehensions, `opens_teasers` (session 15's, kept here as the reference)."""

from __future__ import annotations

import pytest
from sample_truth import CENTER_PATH, VERSIONS, page_html, url_of

from condition_archive.extract import body, stages, vocab
from condition_archive.extract.parse import parse_html
from condition_archive.extract.teasers import HEADINGISH, says_teasers, teaser_pattern

URL = "https://www.example.test/conditions/knee-pain"

# Cards whose wordless boxes hold what a walk could still turn into text:
# <br>s, non-breaking and zero-width spaces, a hidden box's words, a script,
# a comment's tail, an empty form; and a box of words between two wordless ones.
_CARD = """<li class="card"><a class="card__link" href="/conditions/knee-pain/{i}">
  <div class="card__media"><div><picture><img src="/{i}.png" alt="Knee {i}"></picture><br><br></div></div>
  <div class="card__media">\u00a0 <span> </span><br></div>
  <div class="card__zw">\u200b</div>
  <div class="card__hidden"><span hidden>Hidden words {i}</span><script>var x = {i};</script></div>
  <div class="card__note"><!-- a note -->Tail after a comment {i}</div>
  <h3 class="card__title">Knee pain story number {i} and what to do</h3>
  <div><form></form></div>
  <p class="card__teaser">A teaser<br>of two lines for story {i}.</p></a>
  <div class="card__spacer"> <br> </div> trailing words {i}</li>"""


def _center(cards: int = 6) -> str:
    grid = "".join(_CARD.format(i=i) for i in range(cards))
    return (f"<html><head><title>Knee Pain</title></head><body><main><h1>Knee Pain</h1>"
            f"<p>Knee pain has many causes; this center gathers our articles about them.</p>"
            f"<h2>Overview</h2><ul class='grid'>{grid}</ul>"
            f"<h2>Treatment</h2><ul class='grid'>{grid.replace('/knee-pain/', '/knee-pain/t')}</ul>"
            f"</main></body></html>")


def _generated(monkeypatch, pages: int = 60):
    from compiled import BENCH

    monkeypatch.syspath_prepend(str(BENCH))
    from gensite import Generator, layout_for

    for path, page in Generator(layout_for(pages)).render_all("http://127.0.0.1:8780").items():
        yield page.body, "http://127.0.0.1:8780" + path


def _pages(monkeypatch):
    yield _center(), URL
    yield from _generated(monkeypatch)
    for version in VERSIONS:
        yield page_html(version, CENTER_PATH), url_of(CENTER_PATH)


def _both(data, url: str, monkeypatch) -> tuple:
    monkeypatch.setattr(body._Walker, "pass_empty", True)
    fast = stages.run_all(data, url)
    monkeypatch.setattr(body._Walker, "pass_empty", False)
    return fast, stages.run_all(data, url)


def test_passing_a_cards_wordless_boxes_reads_the_same_body(monkeypatch):
    centers = 0
    for data, url in _pages(monkeypatch):
        fast, full = _both(data, url, monkeypatch)
        assert fast == full, url
        centers += fast.kind == "center" and bool(fast.sections)
    assert centers >= 3  # (the test reads centers with cards, not only articles)


def test_the_odd_cards_are_read_as_before(monkeypatch):
    fast, full = _both(_center(), URL, monkeypatch)
    assert fast.kind == "center" and fast.body_text == full.body_text
    # What the wordless boxes must not change: the lines of a teaser and the
    # words around them; the hidden words and the script stay out.
    assert "A teaser\nof two lines for story 3." in fast.body_text
    assert "trailing words 3" in fast.body_text
    assert "Hidden words" not in fast.body_text and "var x" not in fast.body_text


def _kept_reference(keep) -> tuple:
    path = {a for el in keep for a in el.iterancestors()}
    inner = {d for el in keep for d in el.iter()}
    return path, inner, {h for h in inner if h.tag in vocab.HEADING_TAGS}


def test_kept_sets_equal_the_comprehensions(monkeypatch):
    checked = 0
    for data, url in _pages(monkeypatch):
        doc = stages.parse_stage(data, url)
        layout = stages.center_stage(doc)
        if not layout.cards:
            continue
        reference = _kept_reference(layout.cards)
        assert body._kept(layout.cards, doc.regions.tags) == reference
        assert body._kept(layout.cards, None) == reference
        checked += 1
    assert checked >= 3


def opens_teasers(el, is_related: bool):
    """teasers.opens_teasers as session 15 left it: True when a heading or a line
    standing in for one opens other pages' teasers, False when it does not, None
    for anything else."""
    from condition_archive.extract import teasers, vocab
    from condition_archive.extract.text import joined_text

    if el.tag in vocab.HEADING_TAGS:
        pattern = teasers._RELATED_HEADING
    elif teasers._is_bold_line(el) or teasers._is_heading_classed(el):
        pattern = teasers._TEASER_LINE
    else:
        return None
    return is_related or bool(pattern.match(" ".join(joined_text(el).split())))


@pytest.mark.parametrize("related", [True, False])
def test_teaser_pattern_and_says_teasers_are_opens_teasers(monkeypatch, related):
    html = _center() + ("<div><h3>Related articles</h3><p><strong>Lesen Sie auch</strong></p>"
                        "<div class='heading-h3'>More stories</div><p>Plain words</p></div>")
    for data, url in [(html, URL), *_generated(monkeypatch, 10)]:
        root = parse_html(data, url).root
        for el in root.iter():
            if not isinstance(el.tag, str) or el.tag not in HEADINGISH:
                continue
            pattern = teaser_pattern(el)
            expected = opens_teasers(el, related)
            assert (None if pattern is None else related or says_teasers(el, pattern)) == expected


def _is_list_reference(finder, parent) -> bool:
    from condition_archive.extract.center import _has_text, _signature

    seen: set = set()
    for child in parent:
        if child in finder.hrefs and _has_text(child):
            sig = _signature(child)
            if sig in seen:
                return True
            seen.add(sig)
    return False


_LISTS = """<html><body><main><h1>Lists</h1>
<ul><li><a href="/a">A story</a></li><li><a href="/b">B story</a></li></ul>
<div><a href="/c"><img src="/c.png"></a><a href="/c">C story</a></div>
<div><p><a href="/d">D story</a></p><p>No link here</p><p><a href="/e"></a></p></div>
<div><span><a href="/f">F</a></span><!-- note --><span><a href="/g">G</a></span></div>
</main></body></html>"""


def test_is_list_answers_as_the_reference(monkeypatch):
    from condition_archive.extract.center import _CardFinder

    checked = set()
    for data, url in [(_LISTS, URL), *_pages(monkeypatch)]:
        doc = stages.parse_stage(data, url)
        layout = stages.center_stage(doc)
        finder = _CardFinder(layout.links, set(), doc.regions)
        for node in finder.hrefs:
            parent = node.getparent()
            if parent is not None:
                expected = _is_list_reference(finder, parent)
                assert finder.is_list(parent) is expected
                checked.add(expected)
    assert checked == {True, False}


def _section_headings_reference(body, regions, cards, order, classed, headings=None, unlinked=frozenset()):
    from condition_archive.extract.center import HEADING_REGIONS, HEADING_TAGS, HEADING_TOKENS, visible_text

    heads, taken = [], set()
    found = [*(body.iter(*HEADING_TAGS) if headings is None else headings),
             *(el for el, toks in classed if not HEADING_TOKENS.isdisjoint(toks))]
    for el in sorted(set(found), key=order.__getitem__):
        if el in cards:
            continue
        ancestors = list(el.iterancestors())
        if not (cards.keys().isdisjoint(ancestors) and taken.isdisjoint(ancestors)) \
                or (el not in unlinked and next(el.iterancestors("a"), None) is not None):
            continue
        text = visible_text(el, regions)
        if text:
            taken.add(el)
            heads.append((order[el], el, text))
    return [(pos, el, text if regions.region(el) in HEADING_REGIONS else None) for pos, el, text in heads]


# Headings inside headings, inside cards and inside links, and a card inside a heading.
_NESTED = """<html><body><main><h1>Nested</h1>
<div class="section-title">Outer heading <h2>Inner heading</h2></div>
<h3>Plain heading</h3><ul><li><a href="/a"><h3>Linked card title</h3></a><p>teaser a</p></li>
<li><a href="/b"><h3>Second card</h3></a><p>teaser b</p></li></ul>
<h2><a href="/c">A linked heading</a> and words <h4>nested deeper</h4></h2>
<section><h2 class="heading"></h2><h4>After an empty heading</h4></section>
<h2>Cards with headings of their own</h2><ul>
<li><div><a href="/d"><img src="/d.png"></a><div><h3>D heading</h3><h4>D subheading</h4></div></div></li>
<li><div><a href="/e"><img src="/e.png"></a><div><h3>E heading</h3><h4>E subheading</h4></div></div></li>
<li><div><a href="/f"><img src="/f.png"></a><div><h3>F heading</h3><h4>F subheading</h4></div></div></li></ul>
</main></body></html>"""


def test_section_headings_answer_as_the_reference(monkeypatch):
    from condition_archive.extract import center

    calls = []
    real = center._section_headings

    def spy(*args):
        found = real(*args)
        assert found == _section_headings_reference(*args)
        calls.append(found)
        return found

    monkeypatch.setattr(center, "_section_headings", spy)
    for data, url in [(_NESTED, URL), *_pages(monkeypatch)]:
        stages.run_all(data, url)
    assert len(calls) > 60 and sum(map(len, calls)) > 200
