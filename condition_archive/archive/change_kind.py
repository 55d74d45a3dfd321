"""What kind of change a new page version is, and the word-level diff behind it.

`classify` names the change (body edited, cards changed, metadata changed, dates
only) and `word_diff` aligns two body texts paragraph by paragraph, then word by
word inside the paragraphs that differ: the same walk gives the share of words
changed (stored in `changes.words_changed`) and the side-by-side rows the /-/diff
page shows. Both are pure; `change_columns` reads the two versions' cards from
an open archive and is what the store calls when it records a change.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

import sqlite_utils

BODY, CARDS, METADATA, DATES = "body edited", "cards changed", "metadata changed", "dates only"
KINDS = (BODY, CARDS, METADATA, DATES)
METADATA_FIELDS = ("kind", "title", "description", "authors", "reviewers", "badges")
DATE_FIELDS = ("date_published", "date_updated", "date_reviewed")
_LISTS = ("authors", "reviewers", "badges")
REWRITTEN = 0.3  # below this similarity two paragraphs are shown as one removed, one added


@dataclass(frozen=True)
class Span:
    op: str  # equal, del (only in the old text) or ins (only in the new one)
    text: str


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side diff: a paragraph before and after (either may
    be empty), or `skipped` unchanged paragraphs between changed ones."""
    left: tuple[Span, ...] = ()
    right: tuple[Span, ...] = ()
    skipped: int = 0


@dataclass
class WordDiff:
    rows: list[Row] = field(default_factory=list)
    old_words: int = 0
    new_words: int = 0
    changed: int = 0  # words deleted plus words inserted

    @property
    def share(self) -> float:
        total = self.old_words + self.new_words
        return round(self.changed / total, 4) if total else 0.0


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def word_diff(old: str | None, new: str | None) -> WordDiff:
    """Paragraphs aligned first (cheap, and what a reader compares), then words
    inside each run of differing paragraphs."""
    a, b = paragraphs(old), paragraphs(new)
    out = WordDiff(old_words=sum(len(p.split()) for p in a), new_words=sum(len(p.split()) for p in b))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.rows.append(Row(skipped=i2 - i1))
            continue
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            row, changed = _word_row(left[k] if k < len(left) else "", right[k] if k < len(right) else "")
            out.rows.append(row)
            out.changed += changed
    return out


def _word_row(old: str, new: str) -> tuple[Row, int]:
    a, b = old.split(), new.split()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < REWRITTEN:  # a different paragraph: "is" and "the" in common say nothing
        left = (Span("del", old),) if a else ()
        right = (Span("ins", new),) if b else ()
        return Row(left, right), len(a) + len(b)
    left: list[Span] = []
    right: list[Span] = []
    changed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            text = " ".join(a[i1:i2])
            left.append(Span("equal", text))
            right.append(Span("equal", text))
            continue
        if i2 > i1:
            left.append(Span("del", " ".join(a[i1:i2])))
        if j2 > j1:
            right.append(Span("ins", " ".join(b[j1:j2])))
        changed += (i2 - i1) + (j2 - j1)
    return Row(tuple(left), tuple(right)), changed


def _value(row: dict, name: str) -> object:
    value = row.get(name)
    if name in _LISTS:
        return json.loads(value or "[]") if isinstance(value, str) else list(value or [])
    return value


def classify(old: dict, new: dict, cards_changed: bool) -> str:
    """The kind of change from version row `old` to `new`, the first that applies:
    body edited, cards changed, metadata changed, dates only."""
    if (old.get("body_text") or "") != (new.get("body_text") or ""):
        return BODY
    if cards_changed:
        return CARDS
    if any(_value(old, f) != _value(new, f) for f in METADATA_FIELDS):
        return METADATA
    return DATES if any(old.get(f) != new.get(f) for f in DATE_FIELDS) else CARDS


def _cards(db: sqlite_utils.Database, version_id: int) -> list[tuple]:
    sections = db.execute("SELECT position, heading FROM sections WHERE version_id = ? ORDER BY position",
                          [version_id]).fetchall()
    cards = db.execute("SELECT section, position, title, href FROM cards WHERE version_id = ? "
                       "ORDER BY section_id, position", [version_id]).fetchall()
    return [*sections, *cards]


def change_columns(db: sqlite_utils.Database, old: dict | None, new: dict) -> dict:
    """The `changes` columns kind and words_changed for a new version `new`
    (version rows) over `old`; nothing for a page's first version."""
    if old is None:
        return {}
    cards_changed = _cards(db, old["id"]) != _cards(db, new["id"])
    kind = classify(old, new, cards_changed)
    share = word_diff(old.get("body_text"), new.get("body_text")).share if kind == BODY else 0.0
    return {"kind": kind, "words_changed": share}


def backfill(db: sqlite_utils.Database) -> int:
    """Classify the changes recorded before `changes.kind` existed; returns how many."""
    if "kind" not in db["changes"].columns_dict:
        return 0
    rows = db.execute("SELECT id, from_version_id, to_version_id FROM changes WHERE change IN ('changed', "
                      "'reprocessed') AND kind IS NULL AND from_version_id IS NOT NULL "
                      "AND to_version_id IS NOT NULL").fetchall()
    for change_id, old_id, new_id in rows:
        old, new = (next(db.query("SELECT * FROM versions WHERE id = ?", [i]), None) for i in (old_id, new_id))
        if old and new:
            values = change_columns(db, old, new)
            db.execute("UPDATE changes SET kind = ?, words_changed = ? WHERE id = ?",
                       [values["kind"], values["words_changed"], change_id])
    return len(rows)
