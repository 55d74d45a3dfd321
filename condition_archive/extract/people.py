"""Authors and reviewers: person names without credentials or honorifics.

Sources, in this order (names deduplicated, first spelling kept): JSON-LD
author/reviewedBy (objects, strings or lists; an Organization author is kept
when its name reads as a staff byline, "Clinic Example Staff"), <meta name=author>, rel=author links, byline
elements (class tokens author/byline/contributor -> authors, reviewer ->
reviewers), and visible lines ("By ...", "Written by ...", "Medically reviewed
by ..."). Bylines inside cards, sidebars, ads and other foreign blocks are
skipped: they name the authors of other pages.

"Jane Doe, PT, DPT" -> "Jane Doe"; "By Dr. John Smith, MD and Ann Lee, DC" ->
["John Smith", "Ann Lee"].
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml.html import HtmlElement

from condition_archive.extract.dates import DATE_RE
from condition_archive.extract.jsonld import jsonld_nodes, jsonld_types
from condition_archive.extract.meta import (
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
from condition_archive.extract.tagindex import tagged
from condition_archive.extract.vocab import AUTHOR_TOKENS, REVIEWER_TOKENS
from condition_archive.extract.wordre import TextVerdicts

CREDENTIALS = frozenset("""
md do phd pt dpt dc rn np pa pac mph ms ma msc bsc bs ba facs faaos facp faapmr frcs frcp
mbbs mbchb cscs atc ocs scs lac dacm rd ld rdn cde cdces cpt dnp fnp fnpbc aprn msn bsn otr
otrl ot dds dmd od pharmd rph dpm mba jd lcsw lmt cns ces ccc slp aud psyd edd mpt mspt faan
faafp faap facc facog facr fasa fccp fipp dabpm dabr cpc elsmd cnm crna ibclc mhs mhsc dr
jr sr ii iii iv
""".split())
HONORIFICS = frozenset(("dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "mx", "miss",
                        "sir", "dame",
                        # German and Austrian academic titles ("Dr. med.", "Dipl.-Ing.")
                        "med", "dent", "vet", "rer", "nat", "habil", "univ", "priv", "doz", "mag",
                        "dipl", "ing", "dipling"))
# Words that make a "name" an organisation or a job title, not a person.
NOT_NAME_WORDS = frozenset("""
staff team editors editorial editor board clinic health inc llc ltd corp company media news
network group association society institute center centre department hospital foundation
university college admin administrator contributors contributor writer writers reviewer
therapist physician surgeon specialist nurse chiropractor director chief manager the our
physical medical article video home updated published posted reviewed written last update
date senior junior consultant physiotherapist pharmacist dietitian dietician nutritionist
psychologist psychiatrist midwife practitioner paramedic lead head registered certified associate
assistant lecturer researcher scientist officer coordinator advisor adviser educator journalist
reporter correspondent columnist freelance contributing
""".split())
# Words before a name in bio boxes and bylines ("About Daniel Nguyen", "Answer From ...").
LEAD_WORDS = frozenset(("about", "meet", "from", "with", "answer", "by", "more", "posts",
                        "articles", "author", "reviewer", "written", "reviewed", "von", "par",
                        "por", "di", "door", "przez", "autor", "autorin", "auteur", "text",
                        "texto", "interview", "vom"))
# Last words of corporate bylines, kept as authors: the page names no person.
STAFF_WORDS = frozenset(("staff", "team", "editors"))
NAME_PARTICLES = frozenset(("van", "von", "de", "der", "den", "da", "del", "della", "di", "la",
                            "le", "du", "dos", "das", "bin", "ibn", "al", "el", "y", "st"))
NAME_TOKENS = frozenset(("name", "authorname", "reviewername", "fn"))
BYLINE_MAX_WORDS = 40
BYLINE_PREFILTER = re.compile(r"\bby\b|author|contributor|review|writer|posted|published|geprüft|"
                              r"(?:^|[|•·—–]\s*)\s*(?:von|par|por|di|door|przez)\s|autor|auteur|"
                              r"\btexto?\s*:", re.I)
# The same on lowercased ASCII text without re.I (its words are lowercase): 3-4x faster.
_BYLINE_PREFILTER_LOWER = re.compile(BYLINE_PREFILTER.pattern)
# Its verdict per scanned text (a site's byline and date lines repeat; the
# pattern's line-start alternatives make a search cost microseconds).
_BYLINE_HIT = TextVerdicts(lambda text: _BYLINE_PREFILTER_LOWER.search(text.lower()) if text.isascii()
                           else BYLINE_PREFILTER.search(text))
# Labels that open a run of names; where the run stops is CUT_RE.
REVIEWER_LABEL = (r"(?:(?:medically|clinically|peer|expert|medical|professionally)[\s-]+)?"
                  r"reviewed\s+by|(?:medical\s+)?reviewers?\s*:|"
                  # the same labels in the other languages the archive meets
                  r"(?:(?:medizinisch|fachlich|ärztlich)\s+)?geprüft\s+von|relu\s+par|"
                  r"révisé\s+par|revisado\s+por|revisione\s+(?:medica\s+)?di")
AUTHOR_LABEL = (r"(?:written|authored|contributed|created|article)\s+by|by|"
                r"authors?\s*:|contributors?\s*:|writers?\s*:|"
                # the same labels in the other languages the archive meets
                r"von|par|por|di|door|przez|autor(?:in|a)?\s*:|auteur\s*:|text\s*:|texto\s*:")
REVIEWER_BEFORE = re.compile(rf"(?:{REVIEWER_LABEL})\s*$", re.I)
LABEL_RE = re.compile(rf"(?:^|(?<=[\s|•·—–]))(?:(?P<rev>{REVIEWER_LABEL})|(?P<auth>{AUTHOR_LABEL}))"
                      r"\s*:?\s+", re.I)
# "Maya Collins • Posted on March 5, 2024": a name opening a dated line.
NAME_THEN_DATE = re.compile(r"^(?P<name>[^|•·—–:]{3,60}?)\s*[|•·—–]?\s*"
                            r"(?:posted|published|updated|written)\b", re.I)
CUT_RE = re.compile(r"\s[|•·—–]\s?|\s-\s|\b(?:am|um|le|el|il|op|dnia|updated|published|posted|last|on|reviewed|"
                    r"medically|clinically|fact[\s-]checked|written|originally|in)\b|"
                    rf"{DATE_RE.pattern}|\(|\n", re.I)
_NAME_WORD = re.compile(r"^[A-ZÀ-Þ][\w'’.\-À-ÿ]*$")


@lru_cache(maxsize=8192)
def clean_name(text: str, single: bool = False) -> str:
    """One person's name without honorifics and credentials, or "" if `text` does
    not look like a person's name. `single` also accepts a one-word name (a
    blogger's handle), for sources that say "this is the author" by themselves:
    JSON-LD, <meta name=author>, byline elements."""
    text = norm(re.sub(r"\(.*?\)", " ", text or "")).strip(" ,;:.")
    words = [w for w in text.replace(",", " , ").split() if w]
    while words and (_squash(words[0]) in HONORIFICS or _squash(words[0]) in LEAD_WORDS):
        words.pop(0)
    # A name in capitals ("MORITZ GATHMANN") is not a run of credentials.
    shouting = text.isupper()
    name: list[str] = []
    for word in words:
        if word == "," or (_squash(word) in CREDENTIALS if shouting else _is_credential(word)):
            if name:
                break
            continue
        name.append(word)
    if single and len(name) == 1 and _looks_like_handle(name[0]):
        return name[0]
    return " ".join(name) if _looks_like_name(name) else ""


def _looks_like_handle(word: str) -> bool:
    low = _squash(word)
    return 2 <= len(word) <= 30 and bool(low) and low not in NOT_NAME_WORDS \
        and low not in LEAD_WORDS and not any(ch.isdigit() for ch in word) and "@" not in word


@lru_cache(maxsize=16384)  # the same names and words on every page of a site
def _squash(word: str) -> str:
    return _NOT_LOWER.sub("", word.lower())


_NOT_LOWER = re.compile(r"[^a-z]")


def _is_credential(word: str) -> bool:
    squashed = _squash(word)
    if squashed in CREDENTIALS:
        return True
    letters = re.sub(r"[^A-Za-z]", "", word)
    # "FAAOS", "M.D.", "PharmD": several capitals in a short word.
    upper = sum(c.isupper() for c in letters)
    return 2 <= len(letters) <= 6 and upper >= 2 and upper * 2 >= len(letters)


def _looks_like_name(words: list[str]) -> bool:
    if not 2 <= len(words) <= 5 or len(" ".join(words)) > 60:
        return False
    if _squash(words[-1]) in STAFF_WORDS:  # "Clinic Example Staff": a corporate byline
        return all(_NAME_WORD.match(w) or _squash(w) in NAME_PARTICLES for w in words)
    for word in words:
        low = _squash(word)
        if low in NOT_NAME_WORDS or any(ch.isdigit() for ch in word):
            return False
        if not _NAME_WORD.match(word) and low not in NAME_PARTICLES:
            return False
    return True


def split_names(text: str, single: bool = False) -> list[str]:
    """Names in a run like "Dr. John Smith, MD and Ann Lee, DC" (split on and/&/;
    and on commas that start a new name rather than a credential); `single` as
    in clean_name."""
    return list(_split_names(text, single))


@lru_cache(maxsize=8192)  # bylines repeat from page to page of a site
def _split_names(text: str, single: bool = False) -> tuple[str, ...]:
    names: list[str] = []
    for chunk in re.split(r"\s+(?:and|&|und|et|y|e|i|en|oraz)\s+|;|\s/\s|,\s*and\s+", norm(text)):
        current: list[str] = []
        for part in chunk.split(","):
            cleaned = clean_name(part)
            if cleaned and current:
                names.append(clean_name(", ".join(current), single))
                current = []
            current.append(part)
        if current:
            names.append(clean_name(", ".join(current), single))
    return tuple(n for n in names if n)


def names_from_line(line: str) -> tuple[list[str], list[str]]:
    """(authors, reviewers) named after labels in one line of text."""
    authors, reviewers = _names_from_line(line)
    return list(authors), list(reviewers)


@lru_cache(maxsize=4096)  # a site's byline lines repeat from page to page
def _names_from_line(line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    authors: list[str] = []
    reviewers: list[str] = []
    lead = NAME_THEN_DATE.match(line)
    if lead and not LABEL_RE.match(line):
        authors.extend(split_names(lead.group("name")))
    for match in LABEL_RE.finditer(line):
        if match.group("auth") and match.group("auth").lower() in _LEADING_ONLY \
                and line[:match.start()].strip(" |•·—–") and not _after_separator(line, match):
            continue  # "caused by", "supported by": only a leading "By" is a byline
        rest = line[match.end():]
        cut = CUT_RE.search(rest, 1)
        run = rest[:cut.start()] if cut else rest
        target = reviewers if match.group("rev") else authors
        target.extend(split_names(run))
    return tuple(authors), tuple(reviewers)


# Label words that are ordinary words mid-sentence ("caused by", "von der"): a
# byline only at the start of a line or after a separator.
_LEADING_ONLY = frozenset(("by", "von", "par", "por", "di", "door", "przez"))


def _after_separator(line: str, match: re.Match) -> bool:
    return bool(re.search(r"[|•·—–]\s*$", line[:match.start()]))


def jsonld_people(root: HtmlElement, scan: PageScan | None = None) -> tuple[list[str], list[str]]:
    authors: list[str] = []
    reviewers: list[str] = []
    for node in (scan.jsonld if scan else jsonld_nodes(root)):
        types = jsonld_types(node)
        if not types or types - {"person", "organization"}:
            authors.extend(_jsonld_names(node.get("author")))
            reviewers.extend(_jsonld_names(node.get("reviewedBy")))
    return authors, reviewers


def _jsonld_names(value) -> list[str]:
    if isinstance(value, list):
        return [n for item in value for n in _jsonld_names(item)]
    if isinstance(value, str):
        return split_names(value, single=True)
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return split_names(name, single=True)
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return split_names(f"{given} {family}")
    return []


def byline_people(root: HtmlElement, regions,
                  scan: PageScan | None = None) -> tuple[list[str], list[str]]:
    """Names from elements classed as bylines and from visible labelled lines."""
    scan = scan or scan_page(root)
    authors: list[str] = []
    reviewers: list[str] = []
    for el, toks in scan.classed:
        # isdisjoint: no set built per element (a page has hundreds classed)
        is_rev = not REVIEWER_TOKENS.isdisjoint(toks)
        if (is_rev or not AUTHOR_TOKENS.isdisjoint(toks)) and not is_foreign(el, regions, scan.foreign):
            _read_byline(el, is_rev, authors, reviewers, regions)
    seen: set = set()
    for owner, text in scan.texts:
        if not _BYLINE_HIT[text] or owner is None or owner.tag in ("script", "style"):
            continue
        block = block_of(owner)
        if block in seen or is_foreign(block, regions, scan.foreign):
            continue
        seen.add(block)
        for line in block_lines(block, regions, scan):
            if len(line.split()) <= BYLINE_MAX_WORDS:
                found_a, found_r = names_from_line(line)
                authors.extend(found_a)
                reviewers.extend(found_r)
    authors.extend(_rel_author_names(root, regions, scan, reviewers))
    return authors, reviewers


def _rel_author_names(root: HtmlElement, regions, scan: PageScan, reviewers: list[str]) -> list:
    """rel=author links not already read as reviewers: sites put rel=author on the
    medical reviewer's profile link too."""
    known = {_squash(n) for n in reviewers}
    names = []
    for a, rel in _page_rels(root, regions):
        if "author" not in rel.split() or is_foreign(a, regions, scan.foreign):
            continue
        if class_tokens(a) & REVIEWER_TOKENS or _reviewer_before(text_before(a, regions)):
            continue
        names.extend(n for n in split_names(visible_text(a, regions), single=True) if _squash(n) not in known)
    return names


def _page_rels(root: HtmlElement, regions) -> list:
    """(<a>, its rel) of the page's links with a non-empty rel, in page order: from
    the walk's rels (measure.Measured.rels, filled bottom-up: reversed) when
    `regions` is the map of `root`'s tree, else read from each <a>."""
    index = getattr(regions, "tags", None)
    rels = getattr(regions, "rels", None)
    if index is None or index.root is not root or rels is None:
        return [(a, rel) for a in tagged(root, regions, "a") if (rel := a.get("rel"))]
    return [(a, rel) for a in reversed(rels) if (rel := rels[a])]


def _reviewer_before(text: str) -> bool:
    """REVIEWER_BEFORE matches the end of `text`; ASCII text without a word of
    every match it can make there needs no regex (it searches from every
    position: ~8 us on a byline's first names)."""
    if text.isascii():
        low = text.lower()
        # geprüft and révisé are not ASCII; the other labels hold one of these.
        if not ("review" in low or "revis" in low or "relu" in low):
            return False
    return REVIEWER_BEFORE.search(text) is not None


def _read_byline(el: HtmlElement, is_rev: bool, authors: list[str],
                 reviewers: list[str], regions=None) -> None:
    text = visible_text(el, regions)
    if not text or len(text.split()) > BYLINE_MAX_WORDS:
        named = [c for c in el.iter() if isinstance(c.tag, str) and class_tokens(c) & NAME_TOKENS]
        text = visible_text(named[0], regions) if named else ""
    found_a, found_r = names_from_line(text)
    if found_a or found_r:
        authors.extend(found_a)
        reviewers.extend(found_r)
        return
    # No label: the linked names ("Answer From <a>Laura M. Ostrowski, M.D.</a>"),
    # else the whole text.
    linked = [n for a in el.iter("a") for n in split_names(visible_text(a, regions), single=True)]
    (reviewers if is_rev else authors).extend(linked or split_names(text, single=True))


def page_people(root: HtmlElement, regions,
                scan: PageScan | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(authors, reviewers) of the page, deduplicated in source order."""
    scan = scan or scan_page(root)
    authors, reviewers = jsonld_people(root, scan)
    for meta in tagged(root, regions, "meta"):
        if (meta.get("name") or "").lower() in ("author", "dc.creator", "citation_author"):
            authors.extend(split_names(meta.get("content") or "", single=True))
    found_a, found_r = byline_people(root, regions, scan)
    authors += found_a
    reviewers += found_r
    return _dedupe(authors), _dedupe(reviewers)


def _dedupe(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_squash(name), name)
    return tuple(seen.values())
