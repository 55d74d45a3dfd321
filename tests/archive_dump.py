"""A logical dump of a crawled archive, page by page, to compare two crawl paths.

Per page URL: its state, every version (a content-hash label, kind, title, the
people, badges, the three dates, body text, date candidates, sections with their
cards, links as sorted (href, text, region, section)), its ledger outcomes per
crawl and its changes. The site's base URL (127.0.0.1 and a free port) becomes
"SITE" so two runs compare.

It reads what a researcher reads (tables and views by column name), never the
storage format: links through `version_links(conn, version_id)`, which is the one
place to change when the links are stored another way (once per distinct link,
referenced by versions). One race is left out: a redirect whose target the
crawl also requests directly is archived under whichever response arrives first,
the other recorded as skipped ("redirect target, fetched on its own"), so those
skipped rows (and the crawl's count of them) are not in the dump. Content hashes embed the port (card hrefs are absolute),
so each version carries a label instead: "h1" for the page's first distinct hash,
"h2" for the next, ...; the fields the hash is made of are all in the dump.

Regenerate the golden file (tests/fixtures/crawl_path_golden.json) from the
code as it stands, only when the archive is meant to change:

    .venv/bin/python tests/archive_dump.py --regenerate
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "fixtures" / "crawl_path_golden.json"
CENTER = "/conditions/upper-back-pain"
DEPTH = 2
REDIRECT_TARGET = "redirect target, fetched on its own"  # condition_archive.archive.crawls.REDIRECT_TARGET
VERSIONS = ("2012", "2025", "2025")


def _rows(conn: sqlite3.Connection, sql: str, *params) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def version_links(conn: sqlite3.Connection, version_id: int) -> list[tuple]:
    """(href, text, region, section) of a version's links, sorted."""
    rows = conn.execute("SELECT href, text, region, section FROM links WHERE version_id = ?", [version_id])
    return sorted(tuple(r) for r in rows)


def _version(conn: sqlite3.Connection, v: dict, labels: dict[str, str]) -> dict:
    label = labels.setdefault(v["content_hash"], f"h{len(labels) + 1}")
    sections = _rows(conn, "SELECT id, position, heading, card_count FROM sections WHERE version_id = ? "
                           "ORDER BY position", v["id"])
    return {
        "number": v["number"], "hash": label, "cause": v["cause"],
        **{k: v[k] for k in ("kind", "title", "description", "authors", "reviewers", "badges", "date_published",
                             "date_updated", "date_reviewed", "body_text", "word_count", "problem")},
        "date_candidates": sorted(tuple(r) for r in conn.execute(
            "SELECT field, value, source, raw FROM date_candidates WHERE version_id = ?", [v["id"]])),
        "sections": [{"heading": s["heading"], "card_count": s["card_count"], "cards": [
            tuple(r) for r in conn.execute(
                "SELECT position, section, title, href, image_alt, teaser FROM cards WHERE section_id = ? "
                "ORDER BY position", [s["id"]])]} for s in sections],
        "links": version_links(conn, v["id"]),
    }


def dump(db: Path | str, base_url: str) -> dict:
    """The archive as {url: {...}}, JSON-ready, with base_url replaced by SITE."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for page in _rows(conn, "SELECT id, url, state, moved_to, kind, title FROM pages ORDER BY url"):
            labels: dict[str, str] = {}
            versions = _rows(conn, "SELECT * FROM versions WHERE page_id = ? ORDER BY number", page["id"])
            out[page["url"]] = {
                "state": page["state"], "moved_to": page["moved_to"], "kind": page["kind"], "title": page["title"],
                "versions": [_version(conn, v, labels) for v in versions],
            }
        races: dict[int, int] = {}
        for row in _rows(conn, "SELECT crawl_id, url, outcome, reason, status, final_url FROM fetches"):
            if (row["outcome"], row["reason"]) == ("skipped", REDIRECT_TARGET):
                races[row["crawl_id"]] = races.get(row["crawl_id"], 0) + 1
                continue
            entry = out.setdefault(row["url"], {})
            entry.setdefault("fetches", []).append(
                (row["crawl_id"], row["outcome"], row["reason"], row["status"], row["final_url"]))
        for row in _rows(conn, "SELECT crawl_id, url, change, detail, kind FROM changes"):
            out.setdefault(row["url"], {}).setdefault("changes", []).append(
                (row["crawl_id"], row["change"], row["detail"], row["kind"]))
        for entry in out.values():
            for key in ("fetches", "changes"):
                if key in entry:
                    entry[key] = sorted(entry[key], key=repr)
        crawls = _rows(conn, "SELECT id, status, pages_new, pages_changed, pages_unchanged, not_modified, removed, "
                             "moved, errors, skipped, broken FROM crawls ORDER BY id")
    finally:
        conn.close()
    for crawl in crawls:
        crawl["skipped"] = (crawl["skipped"] or 0) - races.get(crawl["id"], 0)
    # JSON round trip: tuples become lists, so a dump compares equal to a loaded golden file.
    text = json.dumps({"crawls": crawls, "pages": out}, sort_keys=True, ensure_ascii=False)
    return json.loads(text.replace(base_url, "SITE"))


def crawl_sequence(db: Path, settings: dict | None = None) -> dict:
    """Crawl the 2012 sample site, then the 2025 one (a re-crawl: changes, moves,
    removals), then 2025 again (304s that follow the stored links) into `db`, each
    in its own process; the dump of the result."""
    sys.path.insert(0, str(HERE))
    from faults_server import crawl_with_settings

    from condition_archive.sample_site import SampleSite

    with SampleSite("2012") as site:
        for version in VERSIONS:
            site.set_version(version)
            crawl_with_settings([site.url(CENTER)], db, settings, depth=DEPTH)
        return dump(db, site.base_url)


def main(argv: list[str]) -> int:
    if argv != ["--regenerate"]:
        print("usage: tests/archive_dump.py --regenerate  (rewrites tests/fixtures/crawl_path_golden.json)")
        return 2
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        data = crawl_sequence(Path(tmp) / "archive.db")
    GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {GOLDEN}: {len(data['pages'])} URLs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
