"""Sign-up boxes: a form asking only for an e-mail address (and maybe a name) is a
newsletter or sign-up box whatever its classes say, and the small box around it
(pitch, privacy note, thank-you text) is page furniture. Used by the region map
(boilerplate.py)."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from condition_archive.extract import vocab

_EMAILISH = re.compile(r"e-?mail", re.I)
_TEXT_INPUTS = frozenset(("", "text", "email"))


def _is_signup_form(form: HtmlElement) -> bool:
    """A form asking only for an e-mail address (and maybe a name): a newsletter
    or sign-up box, whatever its classes say."""
    inputs = [i for i in form.iter("input") if (i.get("type") or "").lower() in _TEXT_INPUTS]
    if not inputs or len(inputs) > vocab.SIGNUP_MAX_INPUTS or next(form.iter("textarea"), None) is not None:
        return False
    return any((i.get("type") or "").lower() == "email"
               or _EMAILISH.search(" ".join(filter(None, (i.get("name"), i.get("id"), i.get("placeholder")))))
               for i in inputs)


def mark_signup_boxes(root: HtmlElement, text_len: dict, marks: dict, forms=None) -> set:
    """The small box around a sign-up form (its pitch, privacy note and thank-you
    text) is page furniture: region "sidebar", like a newsletter-classed box.
    Returns the boxes marked. `forms`: root's <form>s in page order, if listed."""
    boxes = set()
    for form in root.iter("form") if forms is None else forms:
        if not _is_signup_form(form):
            continue
        box = form
        parent = box.getparent()
        while parent is not None and parent.tag not in ("body", "html") \
                and text_len.get(parent, 0) <= vocab.SIGNUP_BOX_MAX_CHARS and parent not in marks:
            box, parent = parent, parent.getparent()
        if box is not form and box not in marks:
            marks[box] = "sidebar"
            boxes.add(box)
    return boxes
