"""Authors and reviewers: name cleaning, byline lines, JSON-LD, meta, rel=author,
byline elements, and bylines that belong to other pages."""

from __future__ import annotations

import pytest

from condition_archive.extract.boilerplate import classify_regions
from condition_archive.extract.parse import parse_html
from condition_archive.extract.people import clean_name, names_from_line, page_people, split_names


@pytest.mark.parametrize(("raw", "name"), [
    ("Jane Doe, PT, DPT", "Jane Doe"),
    ("Jane Doe PT, DPT", "Jane Doe"),
    ("Dr. John Smith, MD", "John Smith"),
    ("Dr John Smith", "John Smith"),
    ("Prof. Ann Lee, PhD, FACS", "Ann Lee"),
    ("John Smith, M.D.", "John Smith"),
    ("Laura M. Ostrowski, M.D.", "Laura M. Ostrowski"),
    ("Helen Okafor, MD, MPH", "Helen Okafor"),
    ("Ruth Castellano, PT, OCS", "Ruth Castellano"),
    ("Ludwig van Beethoven", "Ludwig van Beethoven"),
    ("Seán O'Brien", "Seán O'Brien"),
    ("Mary-Jane McDonald, RN", "Mary-Jane McDonald"),
    ("Jane Doe (Physical Therapist)", "Jane Doe"),
    ("Jane Doe, Physical Therapist", "Jane Doe"),
    ("About Daniel Nguyen", "Daniel Nguyen"),
    ("Clinic Example Staff", "Clinic Example Staff"),
    ("admin", ""),
    ("Cher", ""),  # one word: not enough to tell a name from a label
    ("caused by muscle strain", ""),
    ("Physical Therapist", ""),
    ("Updated 2024", ""),
    ("", ""),
])
def test_clean_name(raw, name):
    assert clean_name(raw) == name


@pytest.mark.parametrize(("run", "names"), [
    ("Dr. John Smith, MD and Ann Lee, DC", ["John Smith", "Ann Lee"]),
    ("Jane Doe, PT, DPT, and John Roe, MD", ["Jane Doe", "John Roe"]),
    ("Jane Doe, John Roe, and Ann Lee", ["Jane Doe", "John Roe", "Ann Lee"]),
    ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
    ("Ellen Zhao, MD", ["Ellen Zhao"]),
])
def test_split_names(run, names):
    assert split_names(run) == names


@pytest.mark.parametrize(("line", "authors", "reviewers"), [
    ("By Jane Doe, PT, DPT", ["Jane Doe"], []),
    ("By Dr. John Smith, MD and Ann Lee, DC", ["John Smith", "Ann Lee"], []),
    ("Written by Marcus Ellery, PT", ["Marcus Ellery"], []),
    ("Medically reviewed by Helen Okafor, MD, MPH", [], ["Helen Okafor"]),
    ("Reviewed by Dana Whitfield, MD on January 5, 2024", [], ["Dana Whitfield"]),
    ("By Jane Doe | Updated on June 2, 2019", ["Jane Doe"], []),
    ("Written by Carla Mendez Medically Reviewed by Dr. Priya Raman, MD on March 03, 2024",
     ["Carla Mendez"], ["Priya Raman"]),
    ("By Jane Doe — Medically reviewed by John Roe, MD", ["Jane Doe"], ["John Roe"]),
    ("Author: Ann Lee", ["Ann Lee"], []),
    ("Upper back pain is caused by muscle strain and poor posture.", [], []),
    ("Supported by Grant Foundation", [], []),
    ("By understanding your condition you can help yourself.", [], []),
    ("Published June 2, 2019", [], []),
])
def test_names_from_line(line, authors, reviewers):
    assert names_from_line(line) == (authors, reviewers)


def _people(body: str, head: str = ""):
    root = parse_html(f"<html><head>{head}</head><body><h1>T</h1>{body}</body></html>").root
    return page_people(root, classify_regions(root))


@pytest.mark.parametrize(("head", "body", "authors", "reviewers"), [
    ('<script type="application/ld+json">{"@type":"Article","author":{"@type":"Person",'
     '"name":"Jane Doe, PT, DPT"},"reviewedBy":{"@type":"Person","name":"John Roe, MD"}}</script>',
     "", ("Jane Doe",), ("John Roe",)),
    ('<script type="application/ld+json">{"@type":"MedicalWebPage","author":["Jane Doe",'
     '{"@type":"Person","givenName":"Ann","familyName":"Lee"}]}</script>', "",
     ("Jane Doe", "Ann Lee"), ()),
    ('<script type="application/ld+json">{"@graph":[{"@type":"Organization","name":"Acme Health"},'
     '{"@type":"Article","author":{"@type":"Organization","name":"Clinic Example Staff"}}]}</script>',
     "", ("Clinic Example Staff",), ()),
    ('<meta name="author" content="Jane Doe, RN">', "", ("Jane Doe",), ()),
    ("", '<p>By <a href="/a/jane" rel="author">Jane Doe, PT</a></p>', ("Jane Doe",), ()),
    ("", '<div class="byline"><span class="author-name">Ann Lee, DC</span></div>', ("Ann Lee",), ()),
    ("", '<div class="c-byline__reviewer">Tom Becker, MD</div>', (), ("Tom Becker",)),
    ("", '<div class="cmp-byline"><p>Answer From <a href="/bio/lo">Laura M. Ostrowski, M.D.</a></p></div>',
     ("Laura M. Ostrowski",), ()),
    # rel=author on the reviewer's link (seen on real sites) stays a reviewer.
    ("", '<div><span>By</span> <a rel="author" href="/a/s">Samuel Brandt, MD</a></div>'
         '<div><span>Medically reviewed by</span> <a rel="author" href="/a/h">Helen Okafor, MD</a></div>',
     ("Samuel Brandt",), ("Helen Okafor",)),
    # Same person from several sources: one name, first spelling kept.
    ('<script type="application/ld+json">{"@type":"Article","author":"Jane Doe"}</script>'
     '<meta name="author" content="Jane Doe">', '<p>By Jane Doe, PT, DPT</p>', ("Jane Doe",), ()),
])
def test_page_people(head, body, authors, reviewers):
    assert _people(body, head) == (authors, reviewers)


@pytest.mark.parametrize("body", [
    '<div class="related"><a href="/x">Other</a><span class="byline">By Carl Other</span></div>',
    '<div class="card"><a href="/x">Story</a><p>By Carl Other, MD</p></div>',
    '<aside><p>Written by Carl Other</p></aside>',
    '<section class="up-next"><a class="up-next-card" href="/x"><span class="byline">'
    'Medically Reviewed by Dr. Alan Brooks, MD</span></a></section>',
    '<div style="display:none">By Hidden Person</div>',
    '<footer><p>Site by Web Agency Ltd</p></footer>',
])
def test_foreign_bylines_ignored(body):
    assert _people(body) == ((), ())


def test_page_rels_from_the_walk_are_each_links_rel_in_page_order():
    """people._page_rels reads the walk's rels (measure.Measured.rels) of the
    region map's own tree, else each <a> of the tree: the same pairs in the same order."""
    from condition_archive.extract.boilerplate import classify_regions
    from condition_archive.extract.parse import parse_html
    from condition_archive.extract.people import _page_rels

    html = ("<html><head><link rel=author href=/h></head><body><a rel=author>A</a><p><a rel=''>e</a>"
            "<a href=/x rel='nofollow author'>B</a></p><div rel=author>d</div><a rel>f</a>"
            "<a hidden rel='me author'>C</a><svg><a rel=x>s</a></svg></body></html>")
    root = parse_html(html, "http://x/").root
    regions = classify_regions(root)
    walked = _page_rels(root, regions)
    assert [(a.text, rel) for a, rel in walked] == [("A", "author"), ("B", "nofollow author"),
                                                    ("C", "me author"), ("s", "x")]
    other = parse_html(html, "http://x/").root  # not the map's tree: read from the elements
    assert [(a.text, rel) for a, rel in _page_rels(other, regions)] == [(a.text, r) for a, r in walked]
    assert all(a.getroottree() is not other.getroottree() for a, _ in walked)
