"""Parsing one date: human forms ("Sept. 5, 2024", "12/17/12", "May 2024") and
machine forms (ISO 8601, 20240314). Ambiguous numeric dates are month-first
unless day_first; a first number over 12 forces day-first. Two-digit years
follow the POSIX strptime pivot: 00-68 -> 20xx, 69-99 -> 19xx."""

from __future__ import annotations

import re
from datetime import date, datetime

from condition_archive.extract.date_vocab import DATE_RE, MONTHS
from condition_archive.extract.meta import norm


def two_digit_year(yy: int) -> int:
    """POSIX pivot: 69-99 are 1900s, 00-68 are 2000s."""
    return 1900 + yy if yy >= 69 else 2000 + yy


def _safe_date(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date(text: str, day_first: bool = False) -> tuple[str, str] | None:
    """The first date in `text` as (ISO value, precision "day"/"month"/"time"), or None."""
    match = DATE_RE.search(text or "")
    if not match:
        return None
    kind, raw = match.lastgroup, match.group(0)
    if kind == "iso":
        return _parse_iso(raw)
    nums = [int(n) for n in re.findall(r"\d+", raw)]
    if kind == "ymd":
        value = _safe_date(nums[0], nums[1], nums[2])
    elif kind == "num":
        a, b, y = nums
        y = two_digit_year(y) if y < 100 else y
        month, day = (b, a) if (day_first or a > 12) and b <= 12 else (a, b)
        value = _safe_date(y, month, day)
    else:
        month = MONTHS[_month_word(raw)]
        if kind == "my":
            value = _safe_date(nums[-1], month, 1)
            return (value, "month") if value else None
        value = _safe_date(nums[-1], month, nums[0])
    return (value, "day") if value else None


def _month_word(raw: str) -> str:
    for word in re.findall(r"[a-z]+", raw.lower()):
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


def parse_machine_date(text: str) -> str | None:
    """A machine-readable date (JSON-LD, meta, datetime attribute): ISO 8601 first,
    then the human forms (some CMSs put "March 3, 2024" in meta tags)."""
    text = norm(text)
    if not text:
        return None
    if re.match(r"^\d{8}$", text):  # 20240314, seen in DC.date and sailthru
        return _safe_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}", text):
        found = _parse_iso(DATE_RE.match(text).group(0) if DATE_RE.match(text) else text)
        return found[0] if found else None
    if re.match(r"^\d{4}-\d{2}$", text):
        return _safe_date(int(text[:4]), int(text[5:]), 1)
    found = parse_date(text)
    return found[0] if found else None
