"""Paragraphs inside the main container that are not the article's prose:
furniture lines ("Share this"), dates and dated labels standing alone, bylines,
a gallery's counter, calls to action (promo.py), facts about the page
(metalines.py) and lines about the site or its pictures (sitelines.py).

body.py's walker asks `is_prose` of every paragraph it collects (~7 a page):
the tests run cheapest first, and the word count comes from the split that
normalised the paragraph's whitespace instead of one split per test.
"""

from __future__ import annotations

import re

from condition_archive.extract import vocab
from condition_archive.extract.captions import is_counter
from condition_archive.extract.metalines import is_meta_paragraph
from condition_archive.extract.people import LABEL_RE as BYLINE_START
from condition_archive.extract.people import names_from_line
from condition_archive.extract.promo import is_call_to_action
from condition_archive.extract.sitelines import is_site_line

_FURNITURE = frozenset(vocab.FURNITURE_LINES)

# A date standing alone, with or without its label, is page metadata, not prose:
# "Updated on: 12/17/12", "Page last reviewed: 14 March 2023", "Published Nov 20, 2019".
_DATE_LINE = re.compile(
    r"^((page\s+|article\s+)?(last\s+|first\s+|originally\s+|next\s+)?"
    r"(published|updated|posted|modified|revised|reviewed|review\s+due|date)\b"
    r"(\s+on\b)?\s*:?\s*)?"
    r"((mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?"
    r"((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|\d{1,2}(st|nd|rd|th)? (jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
    r"|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b)", re.I)


def is_metadata_line(text: str) -> bool:
    """Every line short and starting with a date or a dated label
    ("Published Nov 20, 2019 - 07:50 GMT")."""
    # (At most 10 words: split(None, 10) gives 11 parts when a line has more.
    # A prose line fails on its last character first.)
    if "\n" not in text:  # (most paragraphs: no generator, the same test)
        return text[-1] not in ".!?\"”" and len(text.split(None, 10)) <= 10 and bool(_DATE_LINE.match(text))
    return all(line[-1] not in ".!?\"”" and len(line.split(None, 10)) <= 10 and bool(_DATE_LINE.match(line))
               for line in text.split("\n"))


def is_byline(text: str, words: int | None = None) -> bool:
    """A short paragraph that only says who wrote or reviewed the page
    ("Reviewed by: Rafael Soto, MD, board-certified cardiologist"): page
    metadata, read by people.py, not prose. (`words`: len(text.split()), when known.)"""
    if "\n" in text or not BYLINE_START.match(text):
        return False
    if (len(text.split(None, 25)) if words is None else words) > 25:
        return False
    authors, reviewers = names_from_line(text)
    return bool(authors or reviewers)


def is_prose(text: str, words: int) -> bool:
    """Not one of the shapes above: a paragraph of the article's own
    (`text`: a non-empty paragraph, its lines' whitespace normalised; `words`:
    len(text.split()))."""
    return (text.lower().strip(" :.!") not in _FURNITURE and not is_metadata_line(text)
            and not is_byline(text, words) and not is_counter(text) and not is_call_to_action(text, words)
            and not is_meta_paragraph(text, words) and not is_site_line(text, words))
