"""Extraction on the labelled pages of other publishers' templates
(tests/fixtures/templates, labels.json; the labelling rules are in the README there).

One case per page: the fields a label pins (kind, title, description, people,
the three dates), its must-contain and must-not-contain body snippets, and for
centers the exact ordered sections and cards, with sponsored links kept out of
the cards but recorded as links of region "sponsored". The labels themselves
are checked against their pages in test_labels_wellformed.py.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from condition_archive.extract import ExtractOptions, PageExtract, extract_page

ROOT = Path(__file__).parent / "fixtures" / "templates"
LABELS = json.loads((ROOT / "labels.json").read_text(encoding="utf-8"))
PAGES = sorted(LABELS)
CENTERS = [rel for rel in PAGES if LABELS[rel]["kind"] == "center"]
FIELDS = ("kind", "title", "date_published", "date_updated", "date_reviewed")


def collapse(text: str) -> str:
    """Compare text as a browser shows it: NBSP and whitespace runs become one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@lru_cache(maxsize=None)
def extracted(rel: str) -> PageExtract:
    label = LABELS[rel]
    html = (ROOT / rel).read_text(encoding="utf-8")
    return extract_page(html, label["url"], options=ExtractOptions(day_first=label["day_first"]))


@pytest.mark.parametrize("rel", PAGES)
def test_fields(rel):
    label, page = LABELS[rel], extracted(rel)
    assert page.problem is None, page.problem
    got = {key: getattr(page, key) for key in FIELDS}
    got.update(authors=list(page.authors), reviewers=list(page.reviewers))
    want = {key: label[key] for key in (*FIELDS, "authors", "reviewers")}
    assert got == want
    if label["description"] is not None:
        assert page.description == label["description"]


@pytest.mark.parametrize("rel", PAGES)
def test_body_holds_the_pages_own_text_and_no_boilerplate(rel):
    label, body = LABELS[rel], collapse(extracted(rel).body_text)
    missing = [s for s in label["must_contain"] if collapse(s) not in body]
    leaked = [s for s in label["must_not_contain"] if collapse(s) in body]
    assert not missing and not leaked, {"missing": missing, "leaked": leaked}


@pytest.mark.parametrize("rel", CENTERS)
def test_center_sections_and_cards_in_page_order(rel):
    label, page = LABELS[rel], extracted(rel)
    got = [{"heading": s.heading,
            "cards": [{"title": c.title, "href": c.href, "image_alt": c.image_alt} for c in s.cards]}
           for s in page.sections]
    assert got == label["sections"]


@pytest.mark.parametrize("rel", PAGES)
def test_sponsored_links_are_not_cards_and_are_recorded_as_sponsored(rel):
    label, page = LABELS[rel], extracted(rel)
    card_hrefs = {c.href for s in page.sections for c in s.cards}
    regions: dict[str, set[str]] = {}
    for link in page.links:
        regions.setdefault(link.href, set()).add(link.region)
    for href in label["sponsored_hrefs"]:
        assert href not in card_hrefs, href
        assert regions.get(href) == {"sponsored"}, (href, regions.get(href))
