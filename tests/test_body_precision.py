"""Precision inside the chosen body (issue 11): boilerplate that sits inside the
article box is left out, one small hand-written page per rule; the article's own
paragraphs (and its captions) stay."""

from __future__ import annotations

from condition_archive.extract import extract_page

URL = "https://www.example-health.test/conditions/back-pain/article"
PROSE = ("Back pain is one of the most common reasons people see a doctor, and most of it "
         "gets better within a few weeks with gentle activity and simple pain relief. ")
MORE = ("Staying active, warm baths and over-the-counter pain relief help most people, and a "
        "physiotherapist can show exercises that strengthen the muscles of the lower back. ")


def page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head>'
            "<body><header><a href='/'>Example Health</a></header>"
            f"<div id='content'>{body}</div>"
            "<footer><p>&copy; 2025 Example Health</p></footer></body></html>")


def body_of(inner: str) -> str:
    return extract_page(page(inner), URL).body_text


def test_heading_classed_related_ends_its_box():
    """A heading whose class names a related box ("related-posts-title") ends its
    box like a "Related articles" heading does, whatever language its words are in:
    the whole other posts after it are not this article."""
    others = "".join(
        f"<article class='post-box'><div class='share'><a href='#'>Share</a></div>"
        f"<p>Other post number {i}: {MORE}{MORE}</p></article>" for i in range(4))
    inner = (f"<article class='post-box'><h1>Back pain</h1><p>{PROSE}{MORE}</p>"
             f"<p>{PROSE}</p></article>"
             f"<div class='post-box'><h3 class='related-posts-title'>Você pode gostar...</h3>"
             f"{others}</div>")
    body = body_of(inner)
    assert "Back pain is one of the most common" in body
    assert "Other post number" not in body and "Você pode gostar" not in body
