"""Extraction time per card as a center grows: a guard against accidental quadratic
work, as a ratio (it was a timed test, 50 ms and 250 ms, that failed on a busy machine).

    python bench/card_scaling.py [--repeat N]

Times condition_archive.extract.extract_page on the sample site's 2025 center (25
cards) and on a grid of 550 cards (the GRID_2025 fixture's sections repeated 110
times: a worst case), best of N after a warm-up, and prints one JSON line with the
time per card of each and `ratio` = large / small. Linear work keeps the ratio near
1 (fixed costs make it smaller); `ok` is false above 3.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
URL = "https://www.example.test/page"
MAX_RATIO = 3.0


def repeated_grid(times: int) -> str:
    sys.path.insert(0, str(TESTS))
    from test_extract_fields import GRID_2025

    head, rest = GRID_2025.split("<section>", 1)
    sections = rest.split('<div class="sponsored-links">')[0]
    return head + ("<section>" + sections) * times + "</main></body></html>"


def per_card(html: str, repeat: int) -> tuple[float, int]:
    from condition_archive.extract import extract_page

    page = extract_page(html, URL)
    cards = sum(len(s.cards) for s in page.sections)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        extract_page(html, URL)
        best = min(best, time.perf_counter() - start)
    return best / max(cards, 1), cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(TESTS))
    from sample_truth import page_html

    small, small_cards = per_card(page_html("2025", "/conditions/upper-back-pain"), args.repeat)
    large, large_cards = per_card(repeated_grid(110), args.repeat)
    ratio = large / small
    print(json.dumps({"small_cards": small_cards, "small_ms_per_card": round(small * 1000, 3),
                      "large_cards": large_cards, "large_ms_per_card": round(large * 1000, 3),
                      "ratio": round(ratio, 2), "ok": ratio <= MAX_RATIO}))
    sys.exit(0 if ratio <= MAX_RATIO else 1)


if __name__ == "__main__":
    main()
