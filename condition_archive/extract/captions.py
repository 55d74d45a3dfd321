"""What in a caption is the caption: figure captions are body text (issue 11),
but the photo credit, the copyright line, the agency stamp and the gallery's
counter around them are not prose a reader reads as the article.

Pure text and element tests; body.py calls them while it walks a caption.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from condition_archive.extract import vocab
from condition_archive.extract.markers import tokens
from condition_archive.extract.text import joined_text

# Inside a caption, these class/id words name the credit, not the caption.
_CREDIT_TOKENS = frozenset(("credit", "credits", "attribution", "copyright", "source",
                            "photographer", "byline", "author", "rights"))
# A closing bracketed credit: "(Photo by Jane Doe/Agency)", "(AP Photo/Jane Doe, File)",
# "[File: Agency]", "(Credit: iStock)", "(Foto: dpa)", "(Bild: Jane Doe)".
_CREDIT_WORD = (r"(?:photo\w*|foto\w*|image|images|picture|pictures|bild|bilder|cr[eé]dit\w*|courtesy"
                r"|illustration|graphic|©|copyright|(?:source|quelle|file|archiv\w*)\s*:"
                r"|file\s+photo)(?!\w)")
_BRACKET_CREDIT = re.compile(r"\s*[(\[](?:(?:[^()\[\]]{0,30}?\b)?" + _CREDIT_WORD
                             + r"[^()\[\]]{0,90}|(?-i:[A-Z]{2,}[\w.]*\s*/\s*[A-Z][a-zà-ÿ])[^()\[\]/]{1,60})[)\]]\W*$", re.I)
# After the caption's last sentence: "... in 2019. Photo: Jane Doe",
# "... in 2019. AGENCY/Jane Doe", "... in 2019. AGENCY PHOTO/Jane Doe".
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"”)])\s+(?:(?i:photo|foto|image|bild|credit|source|quelle)s?\s*:\s*[^.!?]{1,60}"
    r"|(?:[A-Z][A-Za-z]*\s+)?[A-Z]{2,}(?:\s+[A-Z]{2,})*(?:\s+PHOTO|\s+Photo)?\s*/\s*[^/\n]{2,60})$")
# A caption (or a block in one) that opens with a credit word is a credit line.
_CREDIT_START = re.compile(r"^\W*(?:photo\w*|foto\w*|image|images|picture|pictures|bild|bilder|cr[eé]dit\w*"
                           r"|courtesy|source|quelle|©|\(c\)|copyright)(?!\w)", re.I)
_TRAILING_COPYRIGHT = re.compile(r"\s*©[^©.!?]{1,80}$")
_LEADING_LABEL = re.compile(r"^(?:file\s+photo|archive\s+photo|archivbild|archivfoto)\s*:\s*", re.I)
# "Image 1 of 12", "Photo 3/8", "Bild 2 von 5", "1 of 12": a gallery's counter.
_COUNTER = re.compile(r"^(?:(?:image|photo|picture|slide|bild|foto|diapositive|imagen|zdjęcie)\s+"
                      r"\d{1,3}\s*(?:/|of|von|sur|de|di|z|van)|\d{1,3}\s+(?:of|von|sur|de|di|z|van))"
                      r"\s*\d{1,3}$", re.I)
_EXPANDER = re.compile(r"\s*(?:\.\.\.|…)?\s*\[\+\]\s*")


def is_credit_element(el: HtmlElement) -> bool:
    """Inside a caption: an element whose class or id names a credit
    ("attribution", "image-credit", "photo-source"), or a short block of its own
    that opens with a credit ("Image: Jane Doe", "© Agency")."""
    for value in (el.get("class"), el.get("id")):
        if value and not _CREDIT_TOKENS.isdisjoint(tokens(value)):
            return True
    if el.tag not in vocab.BLOCK_TAGS:
        return False
    text = " ".join(joined_text(el).split())
    return bool(text) and len(text.split()) <= 12 and bool(_CREDIT_START.match(text))


def caption_text(text: str) -> str:
    """The caption without its credit, label and expand marker (empty when the
    caption was only a credit)."""
    text = _EXPANDER.sub(" ", text).strip()
    if _CREDIT_START.match(text) and len(text.split()) <= 12:
        return ""
    text = _LEADING_LABEL.sub("", text)
    for pattern in (_BRACKET_CREDIT, _TRAILING_CREDIT, _TRAILING_COPYRIGHT):
        stripped = pattern.sub("", text).rstrip()
        if stripped != text and len(stripped.split()) >= 3:
            text = stripped
    return text


def is_counter(text: str) -> bool:
    """A paragraph that is only a gallery counter ("Image 1 of 5")."""
    return len(text) < 30 and bool(_COUNTER.match(text))
