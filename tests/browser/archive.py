"""A real archive for the UI tests: the bundled sample site crawled as it was in
2012 and then in 2025 (depth 1, as the README's demo), and the hostile site
(hostile_site.py, depth 2, twice: the second time one date moved and one title
changed) whose pages carry script as text."""

from __future__ import annotations

from pathlib import Path

from condition_archive.sample_site import SampleSite

from .hostile_site import HostileSite

CENTER_PATH = "/conditions/upper-back-pain"
HOSTILE_CENTER = "/hostile/center"


def build_archive(db: Path) -> dict:
    """Crawl into `db` (one subprocess per crawl); return the URLs the tests need."""
    from conftest import run_cli

    quiet = ("--delay", "0", "--log-level", "WARNING")
    with SampleSite(version="2012") as site:
        base = site.base_url
        for version in ("2012", "2025"):
            site.set_version(version)
            run_cli("crawl", site.url(CENTER_PATH), "--db", str(db), *quiet)
    with HostileSite() as hostile:
        run_cli("crawl", hostile.url(HOSTILE_CENTER), "--db", str(db), "--depth", "2", *quiet)
        hostile.bump()  # a date bumped with no text change, and a retitling
        run_cli("crawl", hostile.url(HOSTILE_CENTER), "--db", str(db), "--depth", "2", *quiet)
        hostile_base = hostile.base_url
    return {"db": db, "base": base, "center": base + CENTER_PATH, "hostile": hostile_base,
            "hostile_center": hostile_base + HOSTILE_CENTER}


def changed_article(urls: dict) -> str:
    """An article the 2025 crawl recorded a second version of."""
    from sample_truth import changes, truth

    old = truth("2012")
    path = next(p for p in changes()["changed"] if old[p]["kind"] == "article")
    return urls["base"] + path


def query_cases(urls: dict) -> dict[str, tuple[dict[str, str], str]]:
    """Every canned query: (parameters, a text its results must contain)."""
    from sample_truth import truth

    first_card = truth("2025")[CENTER_PATH]["sections"][0]["cards"][0]["title"]
    return {
        "center_articles": ({"center_url": urls["center"]}, first_card),
        "centers": ({}, "Hostile Center"),
        "changes_last_crawl": ({}, "dates only"),
        "changes_between": ({"since": "1", "until": "2"}, "Thoracic Discs"),
        "center_as_of": ({"center_url": urls["center"], "when": "2999-12-31"}, first_card),
        "article_history": ({"url": changed_article(urls)}, "body edited"),
        "links_to": ({"url": urls["hostile"] + "/hostile/a3"}, "the orphan article on desks"),
        "broken_links": ({}, "the missing quiz"),
        "orphan_articles": ({}, "Orphan article on desks"),
        "dates_disagree": ({"field": ""}, "json-ld:datePublished"),
        "crawl_history": ({}, "finished"),
        "search": ({"q": "thoracic", "order": "", "versions": ""}, "horacic"),
        "dates_moved_text_same": ({}, "/hostile/a4"),
        "reviews": ({"reviewer": ""}, "Samuel Brandt"),
    }
