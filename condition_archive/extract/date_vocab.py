"""The date vocabulary, as data: JSON-LD and <meta> keys, visible label words,
class tokens and the date patterns that dates.py reads (no logic here)."""

from __future__ import annotations

import re

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
    "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}
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
LABEL = (r"(?:(?:page\s+)?last\s+|first\s+|originally\s+)?(?:updated|modified|revised|"
         r"published|posted|(?:(?:medically|clinically|peer|expert|medical)[\s-]+)?reviewed)"
         r"(?:\s+on)?|date\s+(?:published|updated|modified|posted|reviewed)|date")
# "Medically reviewed by Jane Doe, MD on ...": the name part may not run into
# another label ("Reviewed by X — Updated on ..." is two statements).
BY_PART = r"\s+by\s+(?:(?!updated|published|posted|modified|revised)[^:|•·\n—–]){1,80}?"
FIELD_STEMS = (("updat", "updated"), ("modif", "updated"), ("revis", "updated"),
               ("review", "reviewed"), ("publish", "published"), ("post", "published"),
               ("date", "published"))
# Words just before a label or date that make it a plan or a legal notice.
VETO_RE = re.compile(r"(?:next|due|due\s+for|expires?|scheduled|©|copyright|\(c\))\W*$", re.I)
REVIEW_DUE_RE = re.compile(r"(?:next\s+review|review\s+due|due\s+for\s+review)\W*$", re.I)
# Class tokens that give a <time> or date element its field.
TOKEN_FIELDS = (({"updated", "modified", "lastupdated", "updatedate", "dateupdated",
                  "datemodified", "revised", "updatedon", "modifiedon"}, "updated"),
                ({"reviewed", "reviewdate", "lastreviewed", "reviewedon"}, "reviewed"),
                ({"published", "publish", "pubdate", "posted", "datepublished", "publishdate",
                  "postdate", "created", "publishedon", "postedon"}, "published"))
# Class tokens of a small element whose text is a date without a label.
DATE_TOKENS = frozenset(("date", "dateline", "timestamp", "posted", "published", "updated",
                         "modified", "pubdate", "postdate", "publishdate", "lastupdated"))
DATE_ELEMENT_MAX_WORDS = 8
LABEL_WORDS = re.compile(r"updat|modif|revis|publish|posted|review|date", re.I)

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DATE_RE = re.compile(
    r"(?P<iso>\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)"
    r"|(?P<ymd>\b\d{4}/\d{1,2}/\d{1,2}\b)"
    r"|(?P<num>\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b)"
    rf"|(?P<mdy>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<dmy>\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b)"
    rf"|(?P<my>\b{_MONTH},?\s+\d{{4}}\b)", re.I)
VISIBLE_RE = re.compile(rf"(?<![\w-])(?P<label>{LABEL})(?:{BY_PART})?\s*(?:on\s+)?[:\-–—]?\s*"
                        rf"(?P<date>{DATE_RE.pattern})", re.I)
