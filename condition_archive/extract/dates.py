"""Dates with provenance, and the rule that picks the page's published/updated dates.

`date_candidates` records EVERY date the page states about itself, each as a
DateCandidate(field, value, source, raw): JSON-LD (all blocks, @graph, nested
page nodes), microdata itemprops, <meta> tags, <time datetime> (the words before
it or its class decide the field), visible labelled lines ("Updated on:
12/17/12", "Medically reviewed on January 5, 2024", "Posted 2019-06-02", month
precision "March 2023"), and the HTTP Last-Modified header (the machine-readable
sources are read by date_machine.py).

Not candidates: dates in cookie banners, ads, sidebars, news items and related
cards (they describe other pages), "next review due" lines (a future plan),
copyright years, and CMS re-save stamps in HTML comments or hidden elements
(hidden attribute, inline display:none, or a class the page's own <style>
hides: WordPress themes print <time class="updated"> and hide it with
".updated:not(.published){display:none}").

An unlabelled visible date (a bare <time datetime> or an element classed
"date") takes the field of a machine-readable candidate with the same day
("Sept. 5, 2024" at the foot of a page whose JSON-LD says lastReviewed
2024-09-05 is the review date), else counts as "published".

The choice (`choose_dates`): per field, the first tier with a candidate wins,
first in page order within a tier (for "updated": the latest day within the
tier, as a page that dates each section was last updated on the latest); the
chosen value is cut to YYYY-MM-DD.
"Text" means a visible label a reader sees ("Updated on ...", "Posted on
<time>"); "class" a date whose field only a class name gives (<time
class="updated">, <span class="date-published">).

    updated:   1. text "updated/modified/revised"   2. class "updated"
               3. JSON-LD dateModified   4. microdata dateModified
               5. <meta> modified (article:modified_time, og:updated_time, ...)
    published: 1. text "published/posted"   2. class "published"
               3. <meta> published (article:published_time, DC.date, ...)
               4. JSON-LD datePublished   5. microdata datePublished
               6. JSON-LD/microdata dateCreated   7. unlabelled visible date

What readers see beats what the CMS wrote in the head: templates and plugins
re-save dateModified on any edit, re-render or migration. Review dates
("Medically reviewed on ...", JSON-LD lastReviewed) are kept as "reviewed"
candidates but never become date_updated: a medical review certifies the text,
it does not change it, and the archive compares review and update separately.
The HTTP Last-Modified header is never chosen: servers and CDNs set it on every
deploy, re-render or cache fill, so it dates the file, not the content; it is
recorded so the archive can compare it with the stated dates. A page that
states no date gets None.

Ambiguous numeric dates (03/04/2024) are month-first unless
ExtractOptions.day_first; a first number over 12 forces day-first. Two-digit
years follow the POSIX strptime pivot: 00-68 -> 20xx, 69-99 -> 19xx.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract.date_parse import _NUMERIC_DATE
from condition_archive.extract.date_parse import (  # noqa: F401 - re-exported
    DayOrder,
    lang_day_first,
    parse_date,
    parse_date_why,
    parse_machine_date,
    two_digit_year,
)
from condition_archive.extract.date_vocab import (  # noqa: F401 - re-exported
    BY_PART,
    DATE_ELEMENT_MAX_WORDS,
    DATE_RE,
    DATE_TOKENS,
    FIELD_STEMS,
    JSONLD_FIELDS,
    JSONLD_SKIP_KEYS,
    JSONLD_SKIP_TYPES,
    LABEL,
    LABEL_WORDS,
    META_FIELDS,
    MONTHS,
    REVIEW_DUE_RE,
    TOKEN_FIELDS,
    VETO_RE,
    VISIBLE_RE,
    has_label_word,
)
from condition_archive.extract.date_choice import (  # noqa: F401 - re-exported
    MONTH_ONLY,
    TIERS,
    UNLABELLED,
    choose_dates,
    choose_reviewed,
    corroborate,
)
from condition_archive.extract.date_machine import (  # noqa: F401 - re-exported
    _ITEMPROP,
    http_candidates,
    jsonld_candidates,
    meta_candidates,
    microdata_candidates,
)
from condition_archive.extract.date_fallback import headline_date_candidates, htmldate_candidates
from condition_archive.extract.date_local import listed_item, local_days, page_item_date  # noqa: F401
from condition_archive.extract.meta import (
    SKIP_TAGS,
    PageScan,
    block_lines,
    block_of,
    class_tokens,
    is_foreign,
    norm,
    scan_page,
    text_before,
    visible_text,
)
from condition_archive.extract.model import DateCandidate, ExtractOptions
from condition_archive.extract.parse import hidden_by_stylesheet, stylesheet_hidden
from condition_archive.extract.tagindex import tagged
from condition_archive.extract.wordre import TextVerdicts

# The label just before a <time> (time_candidates), compiled once.
_LABEL_BEFORE = re.compile(rf"(?<![\w-])({LABEL})(?:{BY_PART})?\s*[:\-–—]?\s*$", re.I)


def field_of_label(label: str) -> str:
    low = label.lower()
    return next(f for stem, f in FIELD_STEMS if stem in low)


def field_of_tokens(toks) -> str | None:
    for names, field in TOKEN_FIELDS:
        if toks & names:
            return field
    return None


# -- collectors -------------------------------------------------------------

_DIGIT = re.compile(r"\d")  # the \d of the date patterns (Unicode digits too)


_LABEL_HIT = TextVerdicts(has_label_word)  # per scanned text


def visible_candidates(root: HtmlElement, regions, day_first: DayOrder | bool | None,
                       scan: PageScan | None = None) -> list[DateCandidate]:
    """Labelled dates in the text a reader sees: every block holding a label word
    is read line by line (its own text and inline children, not nested blocks)."""
    found: list[DateCandidate] = []
    seen: set = set()
    scan = scan or scan_page(root)
    for owner, text in scan.texts:
        if not _LABEL_HIT[text] or owner is None or owner.tag in SKIP_TAGS:
            continue
        block = block_of(owner)
        if block in seen or is_foreign(block, regions, scan.foreign) or listed_item(block):
            continue
        seen.add(block)
        for line in block_lines(block, regions, scan):
            found.extend(_line_dates(line, day_first))
        found.extend(_split_label_candidates(block, day_first, regions))
    return found


def _line_dates(line: str, day_first: DayOrder | bool | None):
    """_line_candidates(line, day_first); remembered for the lines whose reading
    the day order cannot change (no numeric date, the only form it decides): a
    site's date lines repeat on its pages (~25 us a dated line to read again)."""
    if _NUMERIC_DATE.search(line):
        return _line_candidates(line, day_first)
    return _orderless_line_dates(line)


@lru_cache(maxsize=8192)
def _orderless_line_dates(line: str) -> tuple[DateCandidate, ...]:
    return tuple(_line_candidates(line, None))


def _vetoed(before: str) -> bool:
    """VETO_RE or REVIEW_DUE_RE matches at the end of `before` (a plan or a legal
    notice): ASCII text without one of their words needs neither regex (each
    searches from every position: ~2 us on a line's start)."""
    if before.isascii():
        # A word of every match of either in ASCII text (© is not ASCII).
        low = before.lower()
        if not ("due" in low or "next" in low or "expire" in low or "scheduled" in low
                or "copyright" in low or "(c)" in low):
            return False
    return bool(VETO_RE.search(before) or REVIEW_DUE_RE.search(before))


def _line_candidates(line: str, day_first: DayOrder | bool | None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    if not _DIGIT.search(line):
        return found  # every date pattern holds a digit: VISIBLE_RE cannot match
    for match in VISIBLE_RE.finditer(line):
        label = norm(match.group("label"))
        if label.lower() == "date" and ":" not in match.group(0):
            continue
        if _vetoed(line[:match.start()]):
            continue
        parsed = parse_date_why(match.group("date"), day_first)
        if not parsed:
            continue
        value, precision, why = parsed
        source = f"visible:{label[0].upper()}{label[1:]}"
        if precision == "month":
            source += " (month precision)"
        source += f" ({why})" if why else ""
        found.append(DateCandidate(field_of_label(label), value, source, norm(match.group(0))))
    return found


# A block holding a date label and nothing else (compiled once: built per call,
# the long pattern string was hashed again for re's cache every time).
_LABEL_ONLY = re.compile(rf"\s*({LABEL})\s*:?\s*", re.I)


def _split_label_candidates(block: HtmlElement, day_first: DayOrder | bool | None,
                            regions=None) -> list[DateCandidate]:
    """A block that is only a label ("Updated:") dated by the text after it or
    the next sibling block (<dt>Updated</dt><dd>March 3, 2024</dd>); `regions`,
    the page's region map, reads visible text through its memo (same text)."""
    label = _label_only(visible_text(block, regions))
    if label is None:
        return []
    sibling = block.getnext()
    if norm(block.tail):  # <h5>Date:</h5> 03.11.2021
        text = norm(block.tail)
    elif sibling is not None and isinstance(sibling.tag, str):
        text = visible_text(sibling, regions)
    else:
        return []
    parsed = parse_date_why(text, day_first) if len(text.split()) <= DATE_ELEMENT_MAX_WORDS else None
    if not parsed:
        return []
    source = f"visible:{label[0].upper()}{label[1:]}" + (f" ({parsed[2]})" if parsed[2] else "")
    return [DateCandidate(field_of_label(label), parsed[0], source, f"{label} {text}")]


@lru_cache(maxsize=4096)  # a site's label and date blocks repeat on its pages
def _label_only(text: str) -> str | None:
    """The label of a text that is a date label and nothing else ("Updated:"), else None."""
    match = _LABEL_ONLY.fullmatch(text)
    return norm(match.group(1)) if match else None


def element_candidates(root: HtmlElement, regions, day_first: DayOrder | bool | None,
                       scan: PageScan | None = None) -> list[DateCandidate]:
    """Small unlabelled elements whose class says "date" (<span class="post-date">
    June 2, 2019</span>); the class decides the field, published by default."""
    found: list[DateCandidate] = []
    scan = scan or scan_page(root)
    for el, toks in scan.classed:
        if DATE_TOKENS.isdisjoint(toks) or el.tag in ("time", "meta", "script") or el.get("itemprop"):
            continue
        text = visible_text(el, regions)
        if not text or len(text.split()) > DATE_ELEMENT_MAX_WORDS or has_label_word(text):
            continue
        parsed = parse_date_why(text, day_first)
        if parsed and not is_foreign(el, regions, scan.foreign) and not listed_item(el):
            field = field_of_tokens(toks)
            notes = (MONTH_ONLY if parsed[1] == "month" else "", f"({parsed[2]})" if parsed[2] else "",
                     "(class)" if field else UNLABELLED.strip())
            source = " ".join(("date element", *filter(None, notes)))
            found.append(DateCandidate(field or "published", parsed[0], source, text))
    return found


def time_candidates(root: HtmlElement, regions, foreign=frozenset(),
                    order: DayOrder | None = None) -> list[DateCandidate]:
    """<time datetime> of the page's own content; the label just before it, else
    its (or its parents') class tokens, decide the field."""
    found: list[DateCandidate] = []
    css_hidden = None
    for el in tagged(root, regions, "time"):
        raw = el.get("datetime") or ""
        if not raw or el.get("itemprop") or is_foreign(el, regions, foreign) or listed_item(el):
            continue
        # A stylesheet hides a <time> by its class: without one, none is read.
        if el.get("class"):
            if css_hidden is None:
                css_hidden = stylesheet_hidden(root)
            if hidden_by_stylesheet(el, css_hidden):
                continue  # a theme's hidden <time class="updated">: no statement to readers
        value = parse_machine_date(raw, order)
        if not value:
            continue
        before = text_before(el, regions)
        if _vetoed(before):
            continue
        field = _labelled_field(before)
        if field:
            source = "time[datetime]"
        else:
            field = _context_field(el)
            source = "time[datetime] (class)" if field else "time[datetime] (unlabelled)"
        found.append(DateCandidate(field or "published", value, source, raw))
    return found


@lru_cache(maxsize=4096)  # a template's labels before its <time>s repeat on every page
def _labelled_field(before: str) -> str | None:
    """The field of the label that ends `before` (the text before a <time> on its
    line), else None: a search from every position, ~8 us on a line that holds
    a first date and the second one's label."""
    label = _LABEL_BEFORE.search(before)
    return field_of_label(label.group(1)) if label else None


def date_candidates(root: HtmlElement, regions, headers: dict[str, str] | None = None,
                    options: ExtractOptions | None = None,
                    scan: PageScan | None = None, url: str = "") -> tuple[DateCandidate, ...]:
    """Every date the page states about itself (see module docstring), deduplicated
    on (field, value, source), in collector order."""
    scan = scan or scan_page(root)
    machine = [*jsonld_candidates(root, scan), *microdata_candidates(root, regions, scan.foreign),
               *meta_candidates(root, regions)]
    order = DayOrder((options or ExtractOptions()).day_first, lang_day_first(page_language(root, regions)))
    times = time_candidates(root, regions, scan.foreign, order)
    order = replace(order, machine_days=frozenset(c.value[:10] for c in (*machine, *times)))
    found = [*visible_candidates(root, regions, order, scan), *times,
             *element_candidates(root, regions, order, scan), *machine]
    if not found:
        found = headline_date_candidates(root, regions, order, scan.foreign) \
            or htmldate_candidates(root, url, regions)
    found += http_candidates(headers)
    seen: set = set()
    out = []
    for cand in local_days(corroborate(found), url):
        key = (cand.field, cand.value, cand.source)
        if key not in seen:
            seen.add(key)
            out.append(cand)
    return tuple(out)


# -- context helpers ----------------------------------------------------------

def page_language(root: HtmlElement, regions=None) -> str | None:
    """The page's language tag: <html lang>, else Content-Language or og:locale."""
    lang = root.get("lang") or root.get("xml:lang")
    if lang:
        return lang
    for meta in tagged(root, regions, "meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language") and meta.get("content"):
            return meta.get("content").split(",")[0]
    return None


def _context_field(el: HtmlElement) -> str | None:
    node = el
    for _ in range(3):
        if node is None:
            break
        field = field_of_tokens(class_tokens(node))
        if field:
            return field
        node = node.getparent()
    return None
