"""Calls to action inside the article box: "Follow us on Twitter", "Sign up for
our newsletter", "Email the author at ...", "Subscribe now for the full story".
A paragraph made only of such sentences talks to the reader about the
publisher, not about the article's subject, so it is not body text.

Each sentence must both open like a call to action (an imperative, or a short
"Want more ...?" / "Have a tip?" question) and name its channel (a social
network, an @handle, an e-mail address, a newsletter, a subscription, an app);
one sentence of the article's own in the paragraph keeps the whole paragraph.
"""

from __future__ import annotations

import re

_OPENER = re.compile(
    r"^\W*(?:please\s+)?(?:follow(?=\s+(?:us|me|him|her|them|@|(?-i:[A-Z])))|subscribe|sign\s+up|join|get|download|click|tap|like|share|listen"
    r"|watch|email|e-mail|write\s+to|contact|send|stay|never\s+miss|don['’]t\s+miss|find\s+us|visit"
    r"|connect\s+with|keep\s+up|start\s+your\s+day|support|become\s+a|read\s+more|to\s+view|for\s+the\s+latest"
    r"|want\s+(?:more|to)|have\s+a\s+(?:news\s+)?tip|like\s+this|enjoyed\s+this|if\s+you\s+(?:enjoyed|liked)"
    r"|do\s+you\s+want\s+to\s+be|there['’]s\s+plenty\s+more|you\s+can\s+(?:follow|reach|contact|email)"
    # German, French, Spanish, Italian, Polish, Dutch.
    r"|folgen\s+sie|folge\s+uns|abonnieren\s+sie|abonniere|melden\s+sie\s+sich|lesen\s+sie\s+das|hier\s+geht"
    r"|suivez|abonnez|inscrivez|síguenos|siguenos|suscríbete|suscribete|únete|unete|hazte|mira\s+lo"
    r"|seguici|iscriviti|abbonati|obserwuj|zapisz\s+się|subskrybuj|volg\s+ons|abonneer|schrijf\s+je\s+in)"
    r"(?![\w@])",
    re.I)
_CHANNEL = re.compile(
    r"@\w|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b(?:twitter|facebook|instagram|youtube|linkedin|telegram|tiktok"
    r"|whatsapp|pinterest|newsletters?|inbox|subscri\w*|sign\s+up|signing\s+up|podcast|ios|android|rss"
    r"|abonn\w*|suscri\w*|iscriv\w*|prenumerat\w*|subskryp\w*|nieuwsbrief|miembro|membre|mitglied\w*"
    r"|magazine?|edition|forums?|full\s+story)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“¿¡(\[]?[A-ZÀ-Ý0-9@])")
_MAX_WORDS = 70
# The first words _OPENER can start with: a set lookup spares the regex on
# nearly every paragraph.
_FIRST_WORDS = frozenset((
    "please follow subscribe sign join get download click tap like share listen watch email e-mail "
    "write contact send stay never don't don’t find visit connect keep start support become read to "
    "for want have enjoyed if do there's there’s you folgen folge abonnieren abonniere melden lesen "
    "hier suivez abonnez inscrivez síguenos siguenos suscríbete suscribete únete unete hazte mira "
    "seguici iscriviti abbonati obserwuj zapisz subskrybuj volg abonneer schrijf").split())
_PUNCT = "\"'“”‘’¿¡([«»!?.,:;-—–*•"


def is_call_to_action(text: str, words: int | None = None) -> bool:
    """True when every sentence of a short paragraph is a call to action that
    names its channel (`words`: len(text.split()), when the caller has it)."""
    if "\n" in text:
        return False
    # The first word before the count: it rules out nearly every paragraph.
    first = text.split(None, 1)[0].strip(_PUNCT).lower()
    if first not in _FIRST_WORDS and first.split("-")[0] not in _FIRST_WORDS:
        return False
    if words is None:
        words = len(text.split(None, _MAX_WORDS))  # more than _MAX_WORDS words: _MAX_WORDS + 1 parts
    if words > _MAX_WORDS:
        return False
    sentences = [s for s in _SENTENCE.split(text.strip()) if s]
    return bool(sentences) and all(_is_call(s) for s in sentences)


def _is_call(sentence: str) -> bool:
    """An imperative opener and, after it, the channel it points to."""
    opener = _OPENER.match(sentence)
    return bool(opener) and bool(_CHANNEL.search(sentence, opener.end()))
