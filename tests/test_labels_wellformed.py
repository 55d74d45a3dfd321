"""The hand-written labels in tests/fixtures/templates/labels.json must agree with their pages.

These pages imitate other publishers' templates and are used to evaluate
extraction on markup the sample site does not have. The checks here make sure
the labels cannot silently rot when a page or a label is edited: every snippet
a label quotes must really be on its page, every card link must really be
there, and every page must be labelled. They say nothing about the extractor.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

ROOT = Path(__file__).parent / "fixtures" / "templates"
LABELS_PATH = ROOT / "labels.json"
KINDS = {"center", "article"}
REQUIRED = {
    "url": str,
    "kind": str,
    "title": str,
    "description": (str, type(None)),
    "authors": list,
    "reviewers": list,
    "date_published": (str, type(None)),
    "date_updated": (str, type(None)),
    "date_reviewed": (str, type(None)),
    "must_contain": list,
    "must_not_contain": list,
    "sponsored_hrefs": list,
}
# Credentials and honorifics belong to the page, not to the labelled name.
CREDENTIAL = re.compile(r"(^|\s)(dr\.?|prof\.?)\s|,|\b(m\.?d|ph\.?d|faan|facp|apam|rn|do|dpt)\b\.?$", re.I)


def _labels() -> dict[str, dict]:
    return json.loads(LABELS_PATH.read_text(encoding="utf-8"))


LABELS = _labels()
PAGES = sorted(LABELS)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Page:
    """A fixture page parsed once: its visible-ish text, links, images and headings."""

    def __init__(self, relpath: str, url: str) -> None:
        raw = (ROOT / relpath).read_text(encoding="utf-8")
        self.tree = lxml.html.document_fromstring(raw)
        for bad in self.tree.xpath("//script|//style|//template|//noscript"):
            bad.drop_tree()
        self.text = _collapse("".join(self.tree.body.itertext()))
        base = self.tree.xpath("string(//base/@href)") or url
        self.hrefs = {urljoin(base, a.get("href").strip()) for a in self.tree.xpath("//a[@href]")}
        self.alts = {_collapse(a) for a in self.tree.xpath("//img/@alt")}
        self.h1 = [_collapse(h.text_content()) for h in self.tree.xpath("//h1")]
        self.headings = {_collapse(h.text_content()) for h in self.tree.xpath("//h2|//h3|//h4")}
        head = lxml.html.document_fromstring(raw)
        self.jsonld = " ".join(head.xpath("//script[@type='application/ld+json']/text()"))
        self.title_tag = _collapse(head.xpath("string(//title)"))
        self.og_title = _collapse(head.xpath("string(//meta[@property='og:title']/@content)"))
        self.canonical = head.xpath("string(//link[@rel='canonical']/@href)")
        self.meta_descriptions = {
            _collapse(v)
            for v in head.xpath("//meta[@name='description']/@content|//meta[@property='og:description']/@content")
        }


@lru_cache(maxsize=None)
def page(relpath: str) -> Page:
    return Page(relpath, LABELS[relpath]["url"])


def test_every_page_is_labelled_and_every_label_has_a_page():
    on_disk = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.html")}
    assert on_disk == set(LABELS), (
        f"unlabelled pages: {sorted(on_disk - set(LABELS))}; labels without a page: {sorted(set(LABELS) - on_disk)}"
    )


def test_at_least_three_templates_each_with_a_center_and_two_articles():
    by_template: dict[str, list[str]] = {}
    for rel, label in LABELS.items():
        by_template.setdefault(rel.split("/")[0], []).append(label["kind"])
    assert len(by_template) >= 3
    for template, kinds in by_template.items():
        assert kinds.count("center") >= 1, template
        assert kinds.count("article") >= 2, template


def test_urls_are_unique():
    urls = [label["url"] for label in LABELS.values()]
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("rel", PAGES)
def test_label_shape(rel):
    label = LABELS[rel]
    for key, types in REQUIRED.items():
        assert key in label, f"{rel}: missing {key}"
        assert isinstance(label[key], types), f"{rel}: {key} has type {type(label[key]).__name__}"
    assert label["kind"] in KINDS
    assert urlsplit(label["url"]).scheme == "https" and urlsplit(label["url"]).hostname.endswith(".test")
    assert len(label["must_contain"]) >= 3, f"{rel}: needs 3+ must_contain sentences"
    assert label["must_not_contain"], f"{rel}: needs must_not_contain snippets"
    if label["kind"] == "center":
        assert isinstance(label.get("sections"), list) and len(label["sections"]) >= 3, rel
    else:
        assert "sections" not in label, f"{rel}: only centers carry sections"


@pytest.mark.parametrize("rel", PAGES)
def test_dates_are_iso_days_and_in_order(rel):
    label = LABELS[rel]
    days = {}
    for key in ("date_published", "date_updated", "date_reviewed"):
        if label[key] is not None:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", label[key]), f"{rel}: {key}={label[key]!r} is not YYYY-MM-DD"
            days[key] = dt.date.fromisoformat(label[key])
    for later in ("date_updated", "date_reviewed"):
        if "date_published" in days and later in days:
            assert days["date_published"] <= days[later], (rel, later)


@pytest.mark.parametrize("rel", PAGES)
def test_canonical_title_and_description_match_the_page(rel):
    label, p = LABELS[rel], page(rel)
    assert p.canonical == label["url"], f"{rel}: canonical {p.canonical!r} != label url"
    if "h1" in label:
        # The H1 is a site or section banner or a logo ("h1" holds its text): the
        # title is the article's headline, which the page states in og:title, its
        # JSON-LD headline or its <title> (there followed by the site name).
        assert p.h1 and p.h1[0] == label["h1"], f"{rel}: first <h1> is {p.h1!r}"
        assert label["title"] != label["h1"], rel
        assert (label["title"] == p.og_title or f'"headline": "{label["title"]}"' in p.jsonld.replace('":"', '": "')
                or p.title_tag.startswith(label["title"] + " ")), f"{rel}: title {label['title']!r} not stated by the page"
        assert not re.search(r"[-|:\u2013\u2014\u00b7]\s*$", label["title"]), f"{rel}: title ends in a separator"
    else:
        assert p.h1 and p.h1[0] == label["title"], f"{rel}: first <h1> is {p.h1!r}"
    if label["description"] is not None:
        assert label["description"] in p.meta_descriptions, f"{rel}: description not in meta tags"


@pytest.mark.parametrize("rel", PAGES)
def test_snippets_occur_in_the_page_text(rel):
    label, p = LABELS[rel], page(rel)
    for snippet in label["must_contain"]:
        assert snippet in p.text, f"{rel}: must_contain not on page: {snippet!r}"
    for snippet in label["must_not_contain"]:
        assert snippet in p.text, f"{rel}: must_not_contain not on page (stale label?): {snippet!r}"
    for bad in label["must_not_contain"]:
        for good in label["must_contain"]:
            assert bad not in good and good not in bad, f"{rel}: {bad!r} overlaps {good!r}"


@pytest.mark.parametrize("rel", PAGES)
def test_people_are_bare_names_present_on_the_page(rel):
    label, p = LABELS[rel], page(rel)
    for name in label["authors"] + label["reviewers"]:
        assert name == name.strip() and not CREDENTIAL.search(name), f"{rel}: {name!r} carries a credential"
        # A person named only in the page's JSON-LD (no visible byline) counts.
        assert name in p.text or name in p.jsonld, f"{rel}: {name!r} not on page"
    assert not set(label["authors"]) & set(label["reviewers"]), rel


@pytest.mark.parametrize("rel", [r for r in PAGES if LABELS[r]["kind"] == "center"])
def test_center_sections_and_cards_occur_in_the_page(rel):
    label, p = LABELS[rel], page(rel)
    card_hrefs = []
    for section in label["sections"]:
        assert section["heading"] in p.headings, f"{rel}: no heading {section['heading']!r}"
        assert section["cards"], f"{rel}: section {section['heading']!r} has no cards"
        for card in section["cards"]:
            assert set(card) == {"title", "href", "image_alt"}, f"{rel}: card keys {sorted(card)}"
            assert urlsplit(card["href"]).scheme in ("http", "https"), f"{rel}: href not absolute: {card['href']}"
            assert card["href"] in p.hrefs, f"{rel}: card href not on page: {card['href']}"
            assert card["title"] in p.text, f"{rel}: card title not on page: {card['title']!r}"
            if card["image_alt"]:
                assert card["image_alt"] in p.alts, f"{rel}: no <img alt={card['image_alt']!r}>"
            card_hrefs.append(card["href"])
    assert len(card_hrefs) == len(set(card_hrefs)), f"{rel}: a card href is labelled twice"
    assert not set(card_hrefs) & set(label["sponsored_hrefs"]), f"{rel}: a sponsored link is labelled as a card"


@pytest.mark.parametrize("rel", PAGES)
def test_sponsored_hrefs_occur_in_the_page(rel):
    label, p = LABELS[rel], page(rel)
    for href in label["sponsored_hrefs"]:
        assert href in p.hrefs, f"{rel}: sponsored href not on page: {href}"
