"""Change kinds and the word diff (pure), and the timeline picture."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from condition_archive.archive.change_kind import BODY, CARDS, DATES, METADATA, classify, word_diff
from condition_archive.serve.timeline import Lane, Point, to_svg

BASE = {"kind": "article", "title": "T", "description": "D", "authors": '["A"]', "reviewers": "[]",
        "badges": "[]", "date_published": "2020-01-01", "date_updated": "2021-01-01", "date_reviewed": None,
        "body_text": "One two three.\n\nFour five six."}


@pytest.mark.parametrize(("change", "cards", "kind"), [
    ({"body_text": "One two three.\n\nFour five seven."}, False, BODY),
    ({"body_text": "Other.", "title": "T2"}, True, BODY),
    ({}, True, CARDS),
    ({"title": "T2"}, False, METADATA),
    ({"reviewers": '["Dr R"]', "date_updated": "2024-01-01"}, False, METADATA),
    ({"authors": '["A"]'}, True, CARDS),
    ({"date_updated": "2024-01-01"}, False, DATES),
    ({"date_reviewed": "2024-01-01"}, False, DATES),
])
def test_classify_names_the_first_kind_that_applies(change, cards, kind):
    assert classify(BASE, {**BASE, **change}, cards) == kind


def test_word_diff_counts_changed_words_and_aligns_paragraphs():
    old = "Upper back pain is common.\n\nIt often eases with rest and heat.\n\nSee a doctor if it persists."
    new = "Upper back pain is very common.\n\nIt often eases with rest and heat.\n\nSee a doctor if it persists."
    diff = word_diff(old, new)
    assert (diff.old_words, diff.new_words, diff.changed) == (18, 19, 1)
    assert diff.share == round(1 / 37, 4)
    first = diff.rows[0]
    assert [s.op for s in first.right] == ["equal", "ins", "equal"] and first.right[1].text == "very"
    assert [s.op for s in first.left] == ["equal", "equal"]
    assert diff.rows[1].skipped == 2


def test_word_diff_of_a_rewritten_paragraph_and_of_nothing():
    diff = word_diff("The cat sat on the mat.", "A completely different sentence about the spine.")
    assert diff.rows[0].left[0].op == "del" and diff.rows[0].right[0].op == "ins"
    assert diff.share == 1.0
    assert word_diff("", "").share == 0.0 and word_diff("Same.", "Same.").changed == 0
    added = word_diff("A.", "A.\n\nB c.")
    assert added.changed == 2 and added.rows[-1].left == ()


def test_timeline_is_escaped_svg_with_a_dot_per_version():
    lanes = [Lane("<script>x</script> page", "/-/history?url=x",
                  [Point("2024-01-10T00:00:00+00:00", "new", "v1"),
                   Point("2025-01-10T00:00:00+00:00", DATES, "v2 <b>", "/-/diff?to=2")],
                  ["2024-01-10T00:00:00+00:00", "2024-06-01T00:00:00+00:00"])]
    svg = to_svg(lanes, "Timeline")
    root = ET.fromstring(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f".//{ns}circle")) == 2 + 2  # two versions, two legend entries
    assert len([e for e in root.iter(f"{ns}line") if e.get("class") == "capture"]) == 2
    xs = [float(c.get("cx")) for c in root.iter(f"{ns}circle") if "version" in (c.get("class") or "")]
    assert xs[0] < xs[1]


def test_an_older_archive_gets_its_change_kinds_when_opened(tmp_path):
    """Changes recorded before the column existed are classified on the next open."""
    import sqlite3

    from condition_archive.archive.db import open_archive

    path = tmp_path / "a.db"
    db = open_archive(path)
    db["pages"].insert({"id": 1, "url": "http://h/a"})
    rows = [dict(BASE, page_id=1, number=n, body_text=body) for n, body in ((1, "a b c"), (2, "a b d"))]
    ids = [db["versions"].insert(r).last_pk for r in rows]
    db["changes"].insert({"page_id": 1, "change": "changed", "from_version_id": ids[0], "to_version_id": ids[1]})
    db.close()
    open_archive(path).close()
    kind, share = sqlite3.connect(path).execute("SELECT kind, words_changed FROM changes").fetchone()
    assert (kind, share) == (BODY, round(2 / 6, 4))
