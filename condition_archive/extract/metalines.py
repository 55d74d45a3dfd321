"""Paragraphs inside the article box that are facts about the page, not its
prose: a line that is only a date or a time in any of the archive's languages
("segunda-feira, 22 de janeiro de 2018 às 0:13", "Published November 20th,
2019 - 07:29 GMT", "Aktualisiert am 12.03.2021, 19:49 Uhr"), a reading time,
a row of tags or categories, and a wire story's closing credit ("... contributed
to this report."). dates.py and
people.py read the dates and names; the body leaves them out.
"""

from __future__ import annotations

import re

from condition_archive.extract import date_vocab
from condition_archive.extract.text import has_digit

_TIME = (r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.|uhr|h|hs|hrs)(?!\w))?"
         r"|\b\d{1,2}[.h]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.|uhr|h)(?!\w)")
_WEEKDAY = (r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|montag|dienstag|mittwoch"
            r"|donnerstag|freitag|samstag|sonnabend|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi"
            r"|dimanche|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
            r"|(?:segunda|terça|terca|quarta|quinta|sexta)(?:-feira)?|lunedì|martedì|mercoledì|giovedì"
            r"|venerdì|poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|maandag|dinsdag"
            r"|woensdag|donderdag|vrijdag|zaterdag|zondag")
_FILLER = (r"de|del|às|as|a\s+las|a\s+les|à|at|um|on|am|the|le|el|il|op|dnia|r|roku|o|godz|ore|alle"
           r"|gmt|utc|cet|cest|est|edt|et|pst|pt|ist|bst|mez|mesz|ist|und|and|y|e|et")
_STRIP = re.compile(rf"{date_vocab.DATE_RE.pattern}|{_TIME}|(?<![\w-])(?:{date_vocab.LABEL})(?![\w-])"
                    rf"|(?<![\w-])(?:{_WEEKDAY})(?![\w-])\.?|(?<![\w-])(?:{_FILLER})(?![\w-])\.?",
                    re.I)
_LETTERS = re.compile(r"[^\W\d_]+")
# Every word _STRIP can remove, as a set: most lines fail this cheap test and
# never meet the two large patterns.
_ALLOWED = frozenset(
    {name.lower() for name in date_vocab.MONTHS}
    | {w.lower() for w in _LETTERS.findall(date_vocab.LABEL + " " + _FILLER + " " + _TIME)}
    | set("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
          "fri sat sun montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag lundi "
          "mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles miercoles jueves viernes "
          "sábado sabado domingo segunda terça terca quarta quinta sexta feira lunedì martedì mercoledì "
          "giovedì venerdì poniedziałek wtorek środa czwartek piątek sobota niedziela maandag dinsdag "
          "woensdag donderdag vrijdag zaterdag zondag of st nd rd th a m p".split()))
_DATEISH = date_vocab.DATE_RE  # a time alone may head a live blog's entry: not metadata
_READING_TIME = re.compile(
    r"^\W*(?:(?:estimated\s+)?reading\s+time|read\s+time|lesezeit|lesedauer|temps\s+de\s+lecture"
    r"|tiempo\s+de\s+lectura|tempo\s+de\s+leitura|tempo\s+di\s+lettura|czas\s+czytania|leestijd)"
    r"\s*:?\s*(?:ca\.?\s*|about\s+|approx\.?\s*)?\d+\s*(?:-\s*\d+\s*)?\w+\.?\W*$"
    r"|^\W*\d+\s*(?:min(?:ute)?s?\.?|minuten)\s+(?:read|lesezeit|lesedauer|de\s+lecture|de\s+lectura"
    r"|de\s+leitura|di\s+lettura|czytania|leestijd)\W*$", re.I)
_TAG_ROW = re.compile(
    r"^\W*(?:tags?|tagged(?:\s+(?:with|in|as))?|categories|filed\s+under"
    r"|schlagw(?:ö|o)rte?r?|stichw(?:ö|o)rter|kategorien|etiquetas?|categor(?:í|i)as"
    r"|mots[\s-]cl(?:é|e)s|cat(?:é|e)gories|tagi|trefwoorden|categorieën)"
    r"\s*:")
_CREDIT_CLOSE = re.compile(r"\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)"
                           r"\W*$|\bcontributed\s+reporting\W*$", re.I)


def is_date_line(text: str) -> bool:
    """A short line made only of a date or time, its label, weekday and
    connecting words."""
    if len(text) > 90 or "\n" in text:
        return False
    if any(w not in _ALLOWED for w in _LETTERS.findall(text.lower())):
        return False
    # A day, not a month alone: "June 2016" heads a diary's or calendar's month.
    if not any(m.lastgroup != "my" for m in _DATEISH.finditer(text)):
        return False
    return not re.search(r"[^\W\d_]", _STRIP.sub(" ", text))


def is_meta_paragraph(text: str, words: int | None = None) -> bool:
    """A date line, a reading time, a tag or category row, or a closing credit
    ("... contributed to this report"). "Reporting by ...; Editing by ..." lines
    stay: one shared set's truth keeps them, the other's leaves them out.
    (`words`: len(text.split()), when the caller has it.)"""
    if len(text) > 600:
        return False
    # Cheap tests first: every paragraph of every page comes through here.
    if has_digit(text) and (is_date_line(text) or _READING_TIME.match(text)):
        return True
    colon, contributed = ":" in text, "contributed" in text
    if not (colon or contributed):
        return False  # (most prose: the words need not be counted)
    if words is None:
        words = len(text.split(None, 45))  # exact up to 45 (46: more), all the tests below need
    if words <= 30 and colon and _TAG_ROW.match(text.lower()):
        return True
    return words <= 45 and contributed and bool(_CREDIT_CLOSE.search(text))
