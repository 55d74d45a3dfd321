"""Lines about the page, the site or its pictures that sit inside the article
box but are not the article: body.py drops a paragraph made of one of them.

- A picture credit standing alone ("Foto: Jane Doe", "Titelbild: Flickr, CC BY
  2.0", "Crédits photos : Agency", "(Bild: Jane Doe)", "Quelle: dpa"): who made
  or supplied a picture or a figure, in the archive's languages. A caption's
  own words stay (captions.py strips credits inside captions).
- A site's rights line: a licence for the page's content ("Unless otherwise
  stated, the content of this page is licensed under ...", "Sofern nicht
  anders ausgewiesen ...") or a copyright line joined to other footer items by
  separators ("(c) Jane Doe • Impressum", "Copyright © 2020 by: site •
  Design by ..."). A wire service's notice at an article's end ("© 2019 Agency.
  All rights reserved.") is left alone: publishers put it in the article.
- A cookie notice or a blocked embed's consent placeholder ("Wir verwenden
  Cookies, ...", "This website uses cookies ...", "Wir respektieren deine
  Privatsphäre und stellen deshalb ohne dein Einverständnis keine Verbindung
  zu Twitter her"): the site asking, not the article.
- A comment box's status line ("Bisher keine Kommentare", "Comments are
  closed", "Kommentar schreiben", "Read all comments") and a lone label of
  the page's tools or ad slots ("Comments", "Print", "Advert", "Don't miss").
"""

from __future__ import annotations

import re

_CREDIT = re.compile(
    r"^\W*(?:fotos?|bild(?:er)?|titelbild|beitragsbild|headerbild|aufmacherbild|bildquelle|photos?"
    r"|image|credits?|cr[ée]dits?(?:\s+photos?)?|crédito|zdjęci[ea]|fot\.|quelle|source|fuente)"
    r"\s*(?::|via\b)", re.I)
_CREDIT_WORDS = 12
_LICENCE = re.compile(
    r"unless\s+otherwise\s+(?:stated|noted|indicated)|sofern\s+nicht\s+anders\s+(?:ausgewiesen|angegeben|vermerkt)"
    r"|sauf\s+mention\s+contraire|chroniony\s+prawem\s+autorskim"
    r"|(?:content|contents|text)\s+of\s+this\s+(?:page|site|website|blog)\s+(?:is|are)\s+licensed", re.I)
_COPYRIGHT = re.compile(r"^\W{0,3}(?:©|\(c\)|copyright\b)", re.I)
_SEPARATOR = re.compile(r"[|•·]")
_RIGHTS_WORDS = 40
_COMMENTS = re.compile(
    r"\b(?:(?:no|0|keine|bisher\s+keine|noch\s+keine|aucun|sin|brak)\s+"
    r"(?:comments?|kommentare?|bewertungen|commentaires?|comentarios?|komentarzy)"
    r"|comments?\s+(?:are\s+)?closed|kommentare\s+(?:sind\s+)?geschlossen|commentaires\s+(?:sont\s+)?fermés"
    r"|(?:leave|write|post|add)\s+(?:a\s+)?(?:comment|reply)|kommentar\s+(?:schreiben|verfassen|hinterlassen|abgeben)"
    r"|(?:top\s+rated|read\s+all|view\s+all|show\s+all|see\s+all)\s+comments?"
    r"|alle\s+kommentare\s+(?:anzeigen|lesen|ansehen)"
    r"|(?:logged\s+in|angemeldet\s+sein),?\s+(?:to|um)\s+(?:post\s+a\s+|einen\s+)?(?:comments?|kommentare?)"
    r"|kommentare\s+insgesamt|kommentarfunktion\s+ist\s+(?:deaktiviert|geschlossen))", re.I)
_COMMENT_WORDS = 14
_CONSENT = re.compile(
    r"\b(?:(?:we|wir|this\s+(?:web)?site|diese\s+(?:web)?seite|unsere\s+(?:web)?seite|nous|nuestro\s+sitio)\s+"
    r"(?:uses?|verwende[nt]?|nutz(?:en|t)|setz(?:en|t)|utilisons|utiliza(?:mos)?)\s+(?:\w+\s+){0,2}cookies"
    r"|korzystamy\s+z\s+(?:plików\s+)?cookies|utilizamos\s+cookies"
    r"|ohne\s+(?:dein|ihr)\s+einverständnis|keine\s+zustimmung\s+gegeben"
    r"|laden\s+der\s+inhalte\s+von\s+\S+\s+blockiert)", re.I)
_CONSENT_WORDS = 60
_MAX_WORDS = 60  # the longest of the shapes above
_LABELS = frozenset(("kommentieren", "kommentare", "comments", "permalink", "permalien", "imprimer",
                     "drucken", "print", "view all", "advert", "adverts", "don't miss", "don’t miss"))
_LABEL_STRIP = " :.!()[]"


# Words every match of a pattern above holds, lowercase: an ASCII text without
# one cannot match (for ASCII, re.I is lowercase comparison), so the search is
# skipped (same answers, a property test; the searches cost 5-20 us each).
_LICENCE_WORDS = ("unless", "sofern", "sauf", "chroniony", "licensed")
_CONSENT_WORDS_IN = ("cookies", "zustimmung", "blockiert")
_COMMENTS_WORDS = ("comment", "kommentar", "bewertungen", "comentario", "komentarzy", "reply")


def is_site_line(text: str, words: int | None = None) -> bool:
    """A paragraph that is a picture credit, a site's rights line, a cookie or
    consent notice or a comment box's status line (`words`: len(text.split()),
    when the caller has it)."""
    if "\n" in text:
        return False
    if words is None:
        words = len(text.split(None, _MAX_WORDS))  # exact up to _MAX_WORDS (+1: more)
    if words > _MAX_WORDS:
        return False
    if words <= _CREDIT_WORDS and _CREDIT.match(text):
        return True
    low = text.lower()
    plain = text.isascii()
    if words <= _RIGHTS_WORDS and (
            (_may_hold(low, plain, _LICENCE_WORDS) and _LICENCE.search(text))
            or (_COPYRIGHT.match(text) and _SEPARATOR.search(text))):
        return True
    if words <= _CONSENT_WORDS and _may_hold(low, plain, _CONSENT_WORDS_IN) and _CONSENT.search(text):
        return True
    return words <= _COMMENT_WORDS and (low.strip(_LABEL_STRIP) in _LABELS or (
        _may_hold(low, plain, _COMMENTS_WORDS) and bool(_COMMENTS.search(text))))


def _may_hold(low: str, plain: bool, words: tuple[str, ...]) -> bool:
    """False only when an ASCII text (`plain`, lowercased `low`) holds none of `words`."""
    if not plain:
        return True
    for word in words:  # (a loop: any() over a generator costs more than the searches)
        if word in low:
            return True
    return False
