"""The boilerplate vocabulary, as data: which tags, roles and class/id tokens mark
which page region. No logic here; boilerplate.py and body.py read these tables.

Class and id values are split into lowercase tokens on anything that is not a
letter or digit ("c-Article__footer--dark" -> c, article, footer, dark), and a
token matches a table below exactly, so "ad" never fires on "head" or "load".
Compound tokens written as one word ("sidebarwidget", "adslot") are caught by
the prefix tables.

Newsletter boxes, cookie banners, share bars, comment threads and pop-ups are
regioned "sidebar": they are page furniture the reader did not come for, but
they are not paid placements, which "ad" and "sponsored" are kept for.
"""

from __future__ import annotations

import re

# Tags that are a region by themselves (HTML5 sectioning and landmarks).
TAG_REGION = {
    "nav": "nav",
    "header": "header",
    "footer": "footer",
    "aside": "sidebar",
    "menu": "nav",
}

# ARIA landmark roles.
ROLE_REGION = {
    "navigation": "nav",
    "menubar": "nav",
    "menu": "nav",
    "search": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "dialog": "sidebar",
    "alertdialog": "sidebar",
    "main": "main",
}

# Exact class/id tokens per region.
TOKEN_REGION = {
    "nav": (
        "nav", "navbar", "navigation", "navlinks", "menu", "menubar", "submenu",
        "megamenu", "breadcrumb", "breadcrumbs", "crumbs", "pagination", "pager",
        "skip", "skiplink", "skiplinks", "jumplinks", "hamburger", "drawer",
        "offcanvas", "toolbar", "tabs", "searchbar", "searchform",
    ),
    "header": ("header", "masthead", "topbar", "branding", "logo", "banner"),
    "footer": ("footer", "colophon", "copyright", "legal", "bottombar", "sitefooter", "disclaimer"),
    "sidebar": (
        "sidebar", "side", "aside", "rail", "widget", "widgets", "newsletter", "subscribe",
        "subscription", "signup", "optin", "cookie", "cookies", "consent", "gdpr",
        "modal", "popup", "overlay", "lightbox", "share", "sharing", "sharebar",
        "social", "socials", "comments", "comment", "respond", "disqus", "follow",
        "login", "print", "toast", "alert", "mediacontact", "presscontact", "pressekontakt",
    ),
    "related": (
        "related", "recommended", "recommendations", "recirc", "recirculation",
        "trending", "popular", "mostread", "mostpopular", "moreread", "readmore",
        "morestories", "morenews", "upnext", "next", "tags",
        "taglist", "topics", "keywords", "seealso", "alsoread", "youmaylike",
    ),
    "ad": (
        "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising",
        "adslot", "adunit", "adbox", "adcontainer", "adwrapper", "adsense",
        "dfp", "gpt", "googleads", "doubleclick", "leaderboard", "mpu", "skyscraper",
        "billboard", "promo", "promotion", "commercial", "cta", "calltoaction",
    ),
    "sponsored": (
        "sponsored", "sponsor", "sponsors", "partner", "partners", "promoted",
        "paid", "paidcontent", "native", "nativead", "advertorial", "outbrain",
        "taboola", "revcontent", "zergnet", "mgid", "brandedcontent", "affiliate",
        "affiliates",
    ),
}

# Prefixes of one-word compounds ("sidebarright", "adslot300", "relatedposts").
PREFIX_REGION = (
    ("sidebar", "sidebar"),
    ("newsletter", "sidebar"),
    ("cookie", "sidebar"),
    ("social", "sidebar"),
    ("share", "sidebar"),
    ("breadcrumb", "nav"),
    ("navbar", "nav"),
    ("navigation", "nav"),
    ("footer", "footer"),
    ("related", "related"),
    ("recommend", "related"),
    ("advert", "ad"),
    ("adslot", "ad"),
    ("adunit", "ad"),
    ("sponsor", "sponsored"),
    ("outbrain", "sponsored"),
    ("taboola", "sponsored"),
)

# One-word compounds of a position or shape word and a region token, as old
# templates write them ("leftnav", "adright1", "rightcol", "topnav"): a token
# that splits into MODIFIER + region token (or the reverse), trailing digits
# dropped, takes the region token's region. Both halves must be known words,
# so "address" or "download" never split.
COMPOUND_MODIFIERS = (
    "left", "right", "top", "bottom", "side", "main", "center", "centre", "inline", "inner",
    "outer", "sub", "mid", "middle", "primary", "secondary", "global", "site", "page", "col",
    "column", "box", "bar", "area", "wrap", "wrapper", "block", "links", "link", "list",
    "container", "holder", "zone", "panel", "unit", "slot", "frame", "head", "foot", "lower",
    "upper", "sticky", "fixed", "float", "small", "large", "big", "wide", "tall", "module",
)
# A left/right column written as one word ("rightcol", "leftcolumn", "rightrail"):
# a side column, unless it holds most of the page's prose (then the wrapper
# veto in boilerplate.py keeps it main).
SIDE_COLUMN_PARTS = (("left", "right"), ("col", "column", "rail", "side", "bar", "pane"))

# Tokens that say "this box holds the main text"; they also veto the region
# tokens above on the same element ("article-body sidebar-aware").
MAIN_TOKENS = (
    "articlebody", "articlecontent", "articletext", "storybody", "storycontent",
    "storytext", "postbody", "postcontent", "posttext", "entrycontent", "entrybody",
    "bodytext", "maincontent", "contentbody", "richtext", "prose", "articlepage",
)
# Two-token phrases joined to catch "article-body", "entry_content", ...
MAIN_TOKEN_PAIRS = (
    ("article", "body"), ("article", "content"), ("article", "text"),
    ("story", "body"), ("story", "content"), ("story", "text"),
    ("post", "body"), ("post", "content"), ("entry", "content"),
    ("body", "text"), ("main", "content"), ("content", "body"),
)
MAIN_ITEMPROPS = ("articlebody", "text", "reviewbody")

# Tokens that, as the first token, mean the class describes a state of a wrapper
# rather than what it is: "has-sidebar", "with-ads", "no-comments". (A paywall
# is not a region either: "paywall-on" and "non-paywall" boxes hold the article.)
NEGATING_PREFIX_TOKENS = ("has", "with", "no", "non", "not", "without", "show", "hide", "is", "js",
                         "layout")

# Second pass of the main-content choice (boilerplate.classify_regions): run
# when the first main box holds less than RETRY_SHARE of the page's prose, and
# taken when it finds RETRY_GAIN times more. Class words that still count then:
RETRY_SHARE = 0.3
RETRY_GAIN = 1.5
RETRY_KEEP_TOKENS = frozenset((
    "comments", "comment", "disqus", "cookie", "cookies", "consent", "gdpr", "newsletter",
    "subscribe", "subscription", "signup", "optin", "modal", "popup", "overlay", "login",
    "share", "sharing", "sharebar", "social", "socials", "follow", "toast", "alert",
))
# Third pass: a page whose prose sits only in boxes named as comments is a
# forum thread or live ticker; those boxes are its content when they hold
# THREAD_SHARE of the page's prose and no main box is found without them (a
# blog post under a long thread keeps its post, and only it).
THREAD_TOKENS = frozenset(("comment", "comments"))
THREAD_SHARE = 0.5

# A sign-up box: a form with at most this many text inputs, one of them for an
# e-mail address, and the box around it up to this much visible text.
SIGNUP_MAX_INPUTS = 3
SIGNUP_BOX_MAX_CHARS = 400

# Tags dropped before reading text: never visible prose.
DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed",
    "svg", "canvas", "form", "button", "input", "select", "textarea", "label",
    "dialog", "map", "audio", "video", "source", "picture", "img", "link", "meta",
)

# A later box shaped like the main container continues the article when it
# holds at least this much prose (boilerplate._continuations).
CONTINUATION_MIN_PROSE = 200

# A <form> with at least this much text wraps the page (ASP.NET WebForms put
# the whole body in one); smaller forms are dropped with the tags above.
FORM_WRAPPER_CHARS = 1500

# Inside the main container: blocks that are about the article, not of it.
BODY_NOISE_TOKENS = (
    "byline", "bylines", "author", "authors", "dateline", "timestamp", "published",
    "credit", "credits", "photocredit", "meta", "postmeta",
    "entrymeta", "articlemeta", "share", "sharing", "tools", "utility", "utilities",
    "bio", "authorbio", "newsletter", "subscribe", "signup", "correction",
    "gallery", "slideshow", "headline", "kicker", "eyebrow",
    # Dates, review stamps and file details about the page or an attachment.
    "date", "dates", "updated", "lastupdated", "reviewdate", "lastreviewed", "pubdate",
    "metadata", "disclosure",
    # Reference lists: sources the article cites, not its text.
    "sources", "references", "reference", "ref", "refs", "citations", "bibliography",
    "footnotes", "endnotes",
)
BODY_NOISE_TAGS = ("h1",)
# Captions (figcaption, caption-classed blocks) are read as content when they
# have at least this many words and do not open with a credit.
CAPTION_TOKENS = frozenset(("caption", "figcaption", "imagecaption", "wpcaptiontext"))
CAPTION_MIN_WORDS = 6
CREDIT_RE = re.compile(r"^\W*(?:photo|foto|image|bild|picture|credit|source|quelle|©|\(c\)|copyright)"
                       r"\b", re.I)

# Whole class names (not tokens: "field--label-hidden" hides only a label) that
# hide an element without inline style.
HIDDEN_CLASSES = (
    "hidden", "hide", "is-hidden", "u-hidden", "d-none", "invisible", "sr-only",
    "visually-hidden", "visuallyhidden", "screen-reader-text", "screen-reader-only",
    "element-invisible", "offscreen", "a11y-hidden",
)
# BEM state modifiers that hide a block ("cmp-appointment--hidden").
HIDDEN_CLASS_SUFFIXES = ("--hidden", "--hide", "--invisible")

# Block-level tags: text inside them is its own paragraph in the output.
BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "dl",
    "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
    "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "header", "footer",
    "nav", "aside", "address", "hr", "details", "summary", "center", "body",
))
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))

# Headings that open a box of links to other pages, in the languages the
# archive meets; body.py drops the heading and the rest of its box.
RELATED_TEASERS = (
    r"related(?:\s+(?:articles?|stories|posts|content|links|topics|news|reading))?"
    r"|(?:you\s+)?(?:may|might)\s+also\s+(?:like|be\s+interested)|more\s+(?:on\s+this|from|stories|news|articles)|"
    r"read\s+(?:more|next|also)|see\s+also|also\s+read|recommended(?:\s+for\s+you)?|most\s+(?:read|popular)|"
    r"ähnliche\s+\w+|weitere\s+(?:nachrichten|artikel|beiträge|themen|meldungen)|mehr\s+zum\s+thema|"
    r"(?:das\s+)?könnte\s+(?:sie|dich)\s+(?:auch\s+)?interessieren|lesen\s+sie\s+(?:auch|mehr)|"
    r"auch\s+interessant|zum\s+thema|"
    r"à\s+lire\s+aussi|lire\s+aussi|sur\s+le\s+même\s+sujet|articles?\s+similaires|"
    r"noticias\s+relacionadas|te\s+puede\s+interesar|leer\s+más|lee\s+también|"
    r"potrebbe\s+interessarti|leggi\s+anche|articoli\s+correlati|"
    r"zobacz\s+(?:też|także)|czytaj\s+(?:też|także|więcej)|"
    r"gerelateerde\s+artikelen|lees\s+ook")
# Reference lists and comment threads: sources the article cites, readers' words.
REFERENCE_HEADINGS = (
    r"sources|references|bibliography|further\s+reading|quellen|literatur|quellenangaben|"
    r"sources\s+et\s+références|références|referencias|fuentes|bibliografía|bibliografia|"
    r"fonti|źródła|bronnen|"
    r"(?:\d+\s+)?(?:comments?|kommentare?|commentaires?|comentarios?|commenti|komentarze|"
    r"reacties|leserkommentare|reader\s+comments)(?:\s*\(\d+\))?")
RELATED_HEADING = rf"^\W*(?:{RELATED_TEASERS}|{REFERENCE_HEADINGS})\W*$"
# More headings of other pages' teasers (issue 11, measured on both shared sets):
# lists of the latest, most read or similar articles, in the same languages.
# The whole heading must match; a few end in free words ("Mehr aus Thüringen").
TEASER_HEADING = (
    r"^\W*(?:more(?:\s+\S+){0,2}\s+(?:stories|articles|news|posts|videos)|latest\s+(?:news|stories|articles|posts)"
    r"|top\s+stories|trending(?:\s+now)?|popular\s+(?:stories|articles|posts)|editor['’]?s\s+picks"
    r"|what\s+to\s+read\s+next|in\s+other\s+news|(?:you\s+)?(?:may|might)\s+also\s+enjoy"
    r"|verwandte\s+\w+|(?:die\s+)?neueste[nr]?\s+(?:artikel|beiträge|meldungen|nachrichten|news)"
    r"|meistgelesene?n?(?:\s+(?:artikel|beiträge|news))?|aktuelle\s+(?:meldungen|artikel|beiträge|nachrichten)"
    r"|top[\s-]themen(?:\s+der\s+redaktion)?|schon\s+gelesen|zum\s+weiterlesen|mehr\s+themen"
    r"|weitere\s+(?:nachrichten|artikel|beiträge|themen|meldungen)(?:\s+\S+){1,4}"
    r"|lesen\s+sie\s+auch(?:\s+\S+){1,4}|mehr\s+(?:aus|von)(?:\s+\S+){1,3}|mehr\s+zum\s+thema(?:\s+\S+){1,3}"
    r"|entdecke\s+weitere\s+\w+|notas\s+relacionadas|(?:más|otras)\s+noticias|lo\s+más\s+(?:leído|visto)"
    r"|(?:también\s+)?(?:te|le)\s+puede(?:n)?\s+interesar|artículos\s+relacionados"
    r"|(?:plus|autres)\s+d['’]articles|les\s+plus\s+lus|dans\s+la\s+même\s+rubrique|articles?\s+liés"
    r"|(?:você\s+)?(?:também\s+)?pode\s+gostar|leia\s+(?:também|mais)|veja\s+também|notícias\s+relacionadas"
    r"|mais\s+lidas|самые\s+популярные(?:\s+\w+)?|похожие\s+(?:статьи|записи)|читайте\s+также"
    r"|podobne\s+(?:artykuły|wpisy)|najczęściej\s+czytane|najnowsze\s+(?:artykuły|wpisy|wiadomości)"
    r"|più\s+lett[ie]|altri\s+articoli|meest\s+gelezen"
    # An author's bio box and a press release's contact box end the article too.
    r"|about\s+the\s+authors?|über\s+(?:den\s+autor|die\s+autorin)|à\s+propos\s+de\s+l['’]auteur"
    r"|sobre\s+(?:el|la)\s+autora?|o\s+autorze|over\s+de\s+auteur"
    r"|(?:press|media)\s+contacts?|(?:presse|medien)kontakt|kontakt|contact\s+presse"
    r"|contacto\s+de\s+prensa|ansprechpartner(?:in)?)\W*$")
# A short block that opens with one of these labels and is mostly a link is a
# teaser ("Related: <a>How to check your pulse</a>").
RELATED_LABEL = (r"^\W*(?:related|read\s+(?:more|also|next)|see\s+also|also\s+read|more|"
                 r"lesen\s+sie\s+(?:auch|mehr)|mehr\s+(?:dazu|zum\s+thema)|auch\s+interessant|"
                 r"à\s+lire\s+aussi|lire\s+aussi|lee\s+también|leer\s+más|leggi\s+anche|"
                 r"zobacz\s+(?:też|także)|czytaj\s+(?:też|także)|lees\s+ook|"
                 r"(?:le|te)\s+puede\s+interesar|mire|mira|puedes\s+ver|lea\s+también|ver\s+también|"
                 r"leia\s+(?:também|mais)|veja\s+(?:também|mais)|schon\s+gelesen\??|"
                 r"weiterlesen|mehr\s+lesen)\s*:")

# Short lines that are page furniture when they stand alone as a paragraph.
FURNITURE_LINES = (
    "advertisement", "advertisements", "ad", "sponsored", "sponsored content",
    "story continues below advertisement", "continue reading below",
    "continue reading", "article continues below", "skip advert",
    "read more", "share", "share this", "share this article", "related",
    "related articles", "related stories", "you might also like",
    "supported by", "paid content", "click to expand", "view comments",
    # The advertisement label in the other languages the archive meets.
    "anzeige", "werbung", "publicité", "publicidad", "pubblicità", "reklama", "advertentie",
)

# Class/id tokens the field extractors read elements by: bylines and reviewer
# lines (people.py), small date elements (dates.py), section headings (center.py).
# The region walk (measure.py) lists the elements carrying one, in page order,
# so those extractors look at a handful of elements instead of every classed one.
AUTHOR_TOKENS = frozenset(("author", "authors", "byline", "bylines", "contributor",
                           "contributors", "writer", "writtenby", "authorname"))
REVIEWER_TOKENS = frozenset(("reviewer", "reviewers", "reviewedby", "medicalreviewer",
                             "medicalreview", "expertreviewer"))
DATE_TOKENS = frozenset(("date", "dateline", "timestamp", "posted", "published", "updated",
                         "modified", "pubdate", "postdate", "publishdate", "lastupdated"))
HEADING_TOKENS = frozenset(("sectiontitle", "sectionheading", "sectionheader", "sectionname",
                            "sectionhead", "blocktitle", "moduletitle", "railtitle"))
FIELD_CLASS_TOKENS = AUTHOR_TOKENS | REVIEWER_TOKENS | DATE_TOKENS | HEADING_TOKENS
