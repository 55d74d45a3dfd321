"""Parsing one date: human forms ("Sept. 5, 2024", "12/17/12", "May 2024",
"5. November 2021", "3 maja 2021", "5 de marzo de 2020") and machine forms
(ISO 8601, 20240314). Two-digit years follow the POSIX strptime pivot:
00-68 -> 20xx, 69-99 -> 19xx.

Which number of a numeric date is the day (`DayOrder`): a first number over 12
is the day; dotted dates (31.05.2012, 06.10.2023) are day-first everywhere
they are written; otherwise (03/04/2021) the site's setting when it has one,
then a machine-readable date on the same page that matches exactly one reading,
then the page's language or region (en-GB, de, fr...: day first; en-US, en:
month first), else month first. The rule that decided is reported with the
value, so a chosen date says why it was read that way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from condition_archive.extract.date_vocab import DATE_RE, MONTHS
from condition_archive.extract.meta import norm

# Compiled once (re's cache lookup per call showed in the crawl's profile).
_DIGITS = re.compile(r"\d+")
_EIGHT_DIGITS = re.compile(r"^\d{8}$")
_ISO_DAY_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")
# Where a numeric date (03/04/2024, the one form DayOrder decides) could start:
# a text without it reads the same whatever the order.
_NUMERIC_DATE = re.compile(r"\d[/.\-]\d")


def two_digit_year(yy: int) -> int:
    """POSIX pivot: 69-99 are 1900s, 00-68 are 2000s."""
    return 1900 + yy if yy >= 69 else 2000 + yy


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class DayOrder:
    """What decides day/month order on one page (see the module docstring)."""

    setting: bool | None = None
    lang_day_first: bool | None = None
    machine_days: frozenset = frozenset()

    def pick(self, a: int, b: int, y: int, sep: str) -> tuple[int, int, str]:
        """(month, day, rule) for the numeric date a<sep>b<sep>y."""
        if a > 12 or b > 12 or a == b:
            return (b, a, "") if a > 12 else (a, b, "")
        if sep == ".":
            return b, a, "dotted date: day first"
        if self.setting is not None:
            return (b, a, "site setting: day first") if self.setting else (a, b, "site setting: month first")
        dm, md = _safe_date(y, b, a), _safe_date(y, a, b)
        if (dm in self.machine_days) != (md in self.machine_days):
            return (b, a, "matches a machine-readable date") if dm in self.machine_days \
                else (a, b, "matches a machine-readable date")
        if self.lang_day_first is not None:
            return (b, a, "page language: day first") if self.lang_day_first \
                else (a, b, "page language: month first")
        return a, b, "no evidence: month first"


# English variants written day first; every other language is day first too,
# except those written year first, which the ymd/iso forms read.
_EN_DAY_FIRST = ("en-gb", "en-uk", "en-au", "en-nz", "en-ie", "en-in", "en-za", "en-sg")


def lang_day_first(lang: str | None) -> bool | None:
    """Day-first order from a language tag ("en-GB" True, "en-US"/"en" False, "de" True)."""
    tag = (lang or "").strip().lower().replace("_", "-")
    if not tag:
        return None
    if tag.startswith("en"):
        return tag.startswith(_EN_DAY_FIRST)
    return True


def as_order(order: DayOrder | bool | None) -> DayOrder:
    return order if isinstance(order, DayOrder) else DayOrder(setting=order if order else None)


def parse_date(text: str, day_first: DayOrder | bool | None = None) -> tuple[str, str] | None:
    """The first date in `text` as (ISO value, precision "day"/"month"/"time"), or None."""
    found = parse_date_why(text, day_first)
    return found[:2] if found else None


def parse_date_why(text: str, day_first: DayOrder | bool | None = None) -> tuple[str, str, str] | None:
    """parse_date plus the rule that decided an ambiguous day/month order ("" when none did)."""
    if text and not _NUMERIC_DATE.search(text):
        return _orderless_date_why(text)  # the day order decides nothing: remembered
    return _date_why(text, day_first)


@lru_cache(maxsize=4096)  # a site's date texts repeat on its pages
def _orderless_date_why(text: str) -> tuple[str, str, str] | None:
    return _date_why(text, None)


def _date_why(text: str, day_first: DayOrder | bool | None) -> tuple[str, str, str] | None:
    """parse_date_why's reading (its reference, unremembered)."""
    match = DATE_RE.search(text or "")
    if not match:
        return None
    kind, raw = match.lastgroup, match.group(0)
    if kind == "iso":
        found = _parse_iso(raw)
        return (*found, "") if found else None
    nums = [int(n) for n in _DIGITS.findall(raw)]
    why = ""
    if kind == "ymd":
        value = _safe_date(nums[0], nums[1], nums[2])
    elif kind == "num":
        a, b, y = nums
        y = two_digit_year(y) if y < 100 else y
        month, day, why = as_order(day_first).pick(a, b, y, re.search(r"[/.\-]", raw).group(0))
        value = _safe_date(y, month, day)
    else:
        month = MONTHS[_month_word(raw)]
        if kind == "my":
            value = _safe_date(nums[-1], month, 1)
            return (value, "month", "") if value else None
        value = _safe_date(nums[-1], month, nums[0])
    return (value, "day", why) if value else None


def _month_word(raw: str) -> str:
    for word in re.findall(r"[^\W\d_]+", raw.lower()):
        if word.rstrip(".") in MONTHS:
            return word.rstrip(".")
        if word[:3] in MONTHS and word not in ("st", "nd", "rd", "th", "of"):
            return word[:3]
    raise ValueError(raw)


def _parse_iso(raw: str) -> tuple[str, str] | None:
    raw = raw.strip().replace(" ", "T", 1)
    if "T" not in raw:
        y, m, d = (int(n) for n in raw.split("-"))
        value = _safe_date(y, m, d)
        return (value, "day") if value else None
    try:
        stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        value = _parse_iso(raw.split("T")[0])
        return value
    return stamp.isoformat(), "time"


def parse_machine_date(text: str, order: DayOrder | bool | None = None) -> str | None:
    """A machine-readable date (JSON-LD, meta, datetime attribute): ISO 8601 first,
    then the human forms (some CMSs put "March 3, 2024" in meta tags)."""
    found = _machine_date(text)
    if found is _ORDERED:
        found = parse_date(norm(text), order)
        return found[0] if found else None
    return found


# _machine_date's answer for a text whose reading may depend on the day order.
_ORDERED = object()


@lru_cache(maxsize=4096)  # a site's pages repeat their dates (and a page its own)
def _machine_date(text: str):
    """parse_machine_date's value for `text`, or _ORDERED when the day order decides it."""
    text = norm(text)
    if not text:
        return None
    if _EIGHT_DIGITS.match(text):  # 20240314, seen in DC.date and sailthru
        return _safe_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if _ISO_DAY_START.match(text):
        match = DATE_RE.match(text)
        found = _parse_iso(match.group(0) if match else text)
        return found[0] if found else None
    if _ISO_MONTH.match(text):
        return _safe_date(int(text[:4]), int(text[5:]), 1)
    if _NUMERIC_DATE.search(text):
        return _ORDERED
    found = parse_date(text)
    return found[0] if found else None
