"""The date vocabulary, as data: JSON-LD and <meta> keys, visible label words,
class tokens and the date patterns that dates.py reads (no logic here)."""

from __future__ import annotations

import re

from condition_archive.extract.vocab import DATE_TOKENS
from condition_archive.extract.wordre import any_word, any_word_pattern

# Month names and abbreviations of the languages the archive meets (English,
# German, French, Spanish, Italian, Portuguese, Dutch, Polish in the genitive
# that dates use and the nominative). Keys are lower case, without a dot.
MONTH_NAMES = {
    1: "jan january januar jänner janv janvier ene enero gennaio janeiro januari "
       "stycznia styczeń styczen",
    2: "feb february februar feber févr fevr février fevrier febrero febbraio fev fevereiro "
       "februari lutego luty",
    3: "mar march märz maerz mrz mär mars marzo março marco maart marca marzec",
    4: "apr april avr avril abr abril aprile kwietnia kwiecień kwiecien",
    5: "may mai mayo mag maggio maio mei maja maj",
    6: "jun june juni juin junio giu giugno junho czerwca czerwiec",
    7: "jul july juli juil juillet julio lug luglio julho lipca lipiec",
    8: "aug august août aout ago agosto augustus sierpnia sierpień sierpien",
    9: "sep sept september septembre septiembre setiembre settembre setembro "
       "września wrzesnia wrzesień wrzesien",
    10: "oct october okt oktober octobre octubre ott ottobre outubro "
        "października pazdziernika październik pazdziernik",
    11: "nov november novembre noviembre novembro listopada listopad",
    12: "dec december dez dezember déc decembre décembre dic diciembre dicembre dezembro "
        "grudnia grudzień grudzien",
}
# Russian and Ukrainian in the genitive that dates use ("15 августа 2016", "3 січня 2022").
MONTH_NAMES_CYRILLIC = {
    1: "января січня", 2: "февраля лютого", 3: "марта березня", 4: "апреля квітня",
    5: "мая травня", 6: "июня червня", 7: "июля липня", 8: "августа серпня",
    9: "сентября вересня", 10: "октября жовтня", 11: "ноября листопада", 12: "декабря грудня",
}
MONTHS = {name: number for names_of in (MONTH_NAMES, MONTH_NAMES_CYRILLIC)
          for number, names in names_of.items() for name in names.split()}
JSONLD_FIELDS = {"datePublished": "published", "dateModified": "updated",
                 "dateCreated": "published", "lastReviewed": "reviewed"}
# Subtrees of a JSON-LD page node that describe other things (list items, parts,
# citations, the site) and node types whose dates are not the page's.
JSONLD_SKIP_KEYS = frozenset(("itemListElement", "hasPart", "relatedLink", "significantLink",
                              "citation", "isPartOf", "subjectOf", "comment", "review",
                              "author", "publisher", "creator", "image", "video",
                              "associatedMedia", "mentions", "about", "breadcrumb",
                              "potentialAction", "reviewedBy", "sourceOrganization"))
JSONLD_SKIP_TYPES = frozenset(("imageobject", "videoobject", "person", "organization",
                               "comment", "review", "event", "offer", "listitem",
                               "breadcrumblist", "website", "searchaction"))
META_FIELDS = {
    "article:published_time": "published", "og:published_time": "published",
    "published_time": "published", "date": "published", "dc.date": "published",
    "dc.date.issued": "published", "dc.date.created": "published", "dcterms.date": "published",
    "dcterms.created": "published", "dcterms.issued": "published", "pubdate": "published",
    "publish-date": "published", "publish_date": "published", "parsely-pub-date": "published",
    "sailthru.date": "published", "citation_publication_date": "published",
    "citation_date": "published", "article.published": "published",
    "article:modified_time": "updated", "og:updated_time": "updated",
    "article:updated_time": "updated", "modified_time": "updated", "dc.date.modified": "updated",
    "dcterms.modified": "updated", "last-modified": "updated", "lastmod": "updated",
    "revised": "updated", "article.updated": "updated",
    "last-reviewed": "reviewed", "dcterms.reviewed": "reviewed",
}
# Visible labels; the field comes from the stem (FIELD_STEMS). A bare "Date"
# label counts only with a colon ("Date: 2019-06-02").
LABEL = (r"(?:last\s+)?update\s+posted|last\s+update\b|"  # "Last Update Posted" (a trial registry)
         r"(?:(?:page\s+)?last\s+|first\s+|originally\s+|content\s+)?(?:updated|modified|revised|"
         r"published|posted|(?:(?:medically|clinically|peer|expert|medical)[\s-]+)?reviewed)"
         r"(?:\s+on)?|date\s+(?:published|updated|modified|posted|reviewed)|date"
         # "Written by Jane Doe on March 3, 2024": a byline that dates itself (BY_PART).
         r"|written(?=\s+by\b)"
         # The same labels in the other languages the archive meets.
         r"|(?:zuletzt\s+)?(?:aktualisiert|veröffentlicht|geändert|erstellt)(?:\s+am)?|stand"
         r"|mise\s+en\s+ligne(?:\s+le)?"
         r"|publié(?:\s+le)?|mis\s+à\s+jour(?:\s+le)?|(?:publicado|actualizado)(?:\s+el)?"
         r"|(?:pubblicato|aggiornato)(?:\s+il)?|(?:gepubliceerd|bijgewerkt)(?:\s+op)?"
         r"|opublikowano|zaktualizowano|aktualizacja|datum")
# "Medically reviewed by Jane Doe, MD on ...": the name part may not run into
# another label ("Reviewed by X — Updated on ..." is two statements).
BY_PART = r"\s+by\s+(?:(?!updated|published|posted|modified|revised)[^:|•·\n—–]){1,80}?"
FIELD_STEMS = (("updat", "updated"), ("modif", "updated"), ("revis", "updated"),
               ("aktualis", "updated"), ("geändert", "updated"), ("stand", "updated"),
               ("mis à jour", "updated"), ("actualiz", "updated"), ("aggiorn", "updated"),
               ("bijgewerkt", "updated"), ("zaktualiz", "updated"), ("aktualizac", "updated"),
               ("veröffentl", "published"), ("erstellt", "published"), ("mise en ligne", "published"),
               ("publi", "published"),
               ("pubbl", "published"), ("opublik", "published"), ("datum", "published"),
               ("review", "reviewed"), ("publish", "published"), ("post", "published"),
               ("date", "published"), ("writ", "published"))
# Words just before a label or date that make it a plan or a legal notice.
VETO_RE = re.compile(r"(?:next|due|due\s+for|expires?|scheduled|©|copyright|\(c\))\W*$", re.I)
REVIEW_DUE_RE = re.compile(r"(?:next\s+review|review\s+due|due\s+for\s+review)\W*$", re.I)
# Class tokens that give a <time> or date element its field.
TOKEN_FIELDS = (({"updated", "modified", "lastupdated", "updatedate", "dateupdated",
                  "datemodified", "revised", "updatedon", "modifiedon"}, "updated"),
                ({"reviewed", "reviewdate", "lastreviewed", "reviewedon"}, "reviewed"),
                ({"published", "publish", "pubdate", "posted", "datepublished", "publishdate",
                  "postdate", "created", "publishedon", "postedon"}, "published"))
# (DATE_TOKENS, the class tokens of a small element whose text is a date
# without a label, are in vocab.py.)
DATE_ELEMENT_MAX_WORDS = 8
LABEL_WORDS = re.compile(r"updat|modif|revis|publish|posted|review|date|written|aktualis|veröffentl|geändert|"
                         r"mise en ligne|"
                         r"erstellt|\bstand\b|mis à jour|publié|publicado|pubblicato|gepubliceerd|"
                         r"actualiz|aggiorn|bijgewerkt|aktualiz|datum|opublik",
                         re.I)
# The same words as tries (wordre.any_word: same texts match, faster);
# its words are lowercase.
_LABEL_WORDS_LOWER = any_word(LABEL_WORDS.pattern)
_LABEL_WORDS_ANY_CASE = any_word(LABEL_WORDS.pattern, re.I)


def has_label_word(text: str) -> bool:
    """bool(LABEL_WORDS.search(text)), 3-4x faster on ASCII text (most text): for
    ASCII, re.I is the same as searching the lowercased text without it."""
    if text.isascii():
        return _LABEL_WORDS_LOWER.search(text.lower()) is not None
    return _LABEL_WORDS_ANY_CASE.search(text) is not None

# Longest names first, so that "marzo" is not read as "mar"; a name ends at a
# non-letter (the patterns below want a space and digits after it). As a trie
# of the names (wordre.any_word_pattern), three times faster in re than the
# plain alternation, with the same matches: every name is letters only, so at
# any position at most one name ends at a non-letter (a shorter name inside a
# longer one is followed by a letter).
_MONTH = "(?:" + any_word_pattern(sorted(MONTHS, key=len, reverse=True)) + r")(?![^\W\d_])\.?"
DATE_RE = re.compile(
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)"
    r"|(?P<ymd>\b\d{4}[/.]\d{1,2}[/.]\d{1,2}\b)"
    r"|(?P<num>\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b)"
    rf"|(?P<mdy>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s+(?:of\s+|de\s+)?{_MONTH},?\s+(?:de\s+)?\d{{4}}\b)"
    rf"|(?P<my>\b{_MONTH},?\s+(?:de\s+)?\d{{4}}\b)", re.I)
VISIBLE_RE = re.compile(rf"(?<![\w-])(?P<label>{LABEL})(?:{BY_PART})?\s*(?:on\s+)?[:\-–—]?\s*"
                        rf"(?P<date>{DATE_RE.pattern})", re.I)
# Words just before an unlabelled date that make it the date of something else:
# an end ("Video verfügbar bis: 14.10.2020", "valid until"), a member's joining
# ("Registriert: 18.09.2008", "Member since"), a birth.
OTHER_EVENT_RE = re.compile(
    r"(?:\bbis|\buntil|\btill|\bexpires?|\bvalid|\bjusqu'?(?:au|à)|\bhasta|\bfino\s+al"
    r"|registriert|registered|joined|member\s+since|mitglied\s+seit|dabei\s+seit|\bseit|\bsince"
    r"|geboren|\bborn|inscrit)\W*$", re.I)
