"""The Datasette side, in process (no socket): metadata complete and consistent with
the schema, every canned query answering on a real crawled archive, the plugin's
graph and diff pages, archived markup shown as text, and SQL read-only."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3

import pytest
from datasette.utils import escape_fts
from browser.archive import build_archive, changed_article, query_cases

from condition_archive.archive.db import load_schema, open_archive
from condition_archive.serve.metadata import build_metadata, canned_queries, load_datasette_config
from condition_archive.serve.serve import PLUGINS_DIR, SETTINGS, datasette_command, is_loopback

PAYLOAD = "<script>window.__pwned=1</script>"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("ui") / "archive.db")


def get(db, path):
    from datasette.app import Datasette

    async def go():
        ds = Datasette([str(db)], metadata=build_metadata(db.stem), plugins_dir=str(PLUGINS_DIR),
                       settings=SETTINGS)
        return await ds.client.get(path)

    return asyncio.run(go())


def count(db, sql):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


# -- metadata, without an archive ---------------------------------------------------------

def test_metadata_describes_every_table_view_and_column(tmp_db):
    db = open_archive(tmp_db)
    meta = build_metadata("archive")
    assert meta["title"] and "/archive/articles" in meta["description_html"]
    tables = meta["databases"]["archive"]["tables"]
    for name in db.table_names() + db.view_names():
        if "_fts" in name:
            continue
        assert tables[name]["description"], name
        assert set(tables[name]["columns"]) == set(db[name].columns_dict), name
        assert all(tables[name]["columns"].values()), name


def _written_descriptions() -> list[tuple[str, str]]:
    """(column, description) as written in schema/archive.yml, quotes removed: the
    text after `description:` up to the mapping's closing brace."""
    from condition_archive.archive.db import SCHEMA_FILE

    out = []
    for line in SCHEMA_FILE.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\s+(\w+): \{type: \w+.*?description: (.*)\}\s*(#.*)?$", line)
        if found:
            text = found.group(2).strip()
            out.append((found.group(1), text[1:-1] if text[:1] == text[-1:] == '"' else text))
    return out


def test_every_description_is_the_whole_sentence_written():
    """YAML ends an unquoted flow-mapping value at a comma: a description cut there
    would still be a description, only a shorter one."""
    schema = load_schema()
    written = _written_descriptions()
    parsed = [(col, spec["description"]) for table in schema["tables"].values()
              for col, spec in table["columns"].items()]
    assert len(written) == len(parsed)
    for (col, text), (name, description) in zip(written, parsed):
        assert (col, text.replace("\\'", "'")) == (name, description)
    descriptions = [d for _, d in parsed] + [t["description"] for t in schema["tables"].values()]
    descriptions += [str(d) for v in schema["views"].values() for d in [v["description"], *v["columns"].values()]]
    for description in descriptions:
        assert description.rstrip().endswith((".", ".)", "...\"")) or description.endswith("..."), description
    for name in ("final_url", "etag", "last_modified", "title"):
        assert any(col == name and "," in text for col, text in written), name


def test_internal_tables_are_hidden(tmp_db):
    tables = build_metadata("archive")["databases"]["archive"]["tables"]
    assert tables["captures"]["hidden"] and tables["versions_fts"]["hidden"] and tables["cards_fts"]["hidden"]
    assert tables["fts_pending"]["hidden"] and tables["capture_dicts"]["hidden"]


def test_facets_sorts_labels_and_search_name_real_columns(tmp_db):
    db = open_archive(tmp_db)
    tables = build_metadata("archive")["databases"]["archive"]["tables"]
    for name, spec in load_datasette_config()["tables"].items():
        columns = set(db[name].columns_dict)
        for facet in spec.get("facets", []):
            column = facet if isinstance(facet, str) else next(iter(facet.values()))
            assert column in columns, f"{name}: facet {facet}"
        for key in ("sort", "sort_desc", "fts_pk"):  # unset: id, or a table keyed otherwise (link_block_items)
            assert spec.get(key, "id") in columns or key not in spec and not db[name].pks == ["id"], f"{name}.{key}"
        if "fts_table" in spec:
            assert db[spec["fts_table"]].exists()
    for name, spec in tables.items():
        if "label_column" in spec:
            assert spec["label_column"] in db[name].columns_dict, name
    wanted = {"articles": {"site", "updated_year", "reviewed", "crawl_id"}, "center_cards": {"center", "section"}}
    for name, facets in wanted.items():
        assert facets <= {f for f in tables[name]["facets"] if isinstance(f, str)}


def test_every_canned_query_is_described_and_tested(tmp_db):
    queries = canned_queries()
    assert {"center_articles", "links_to", "changes_last_crawl", "center_as_of"} <= set(queries)
    cases = query_cases({"base": "http://h", "center": "http://h/c", "hostile": "http://x"})
    assert set(cases) == set(queries), "add a case for each canned query in tests/browser/archive.py"
    db = open_archive(tmp_db)
    db.conn.create_function("escape_fts", 1, escape_fts)  # Datasette registers it on its connections
    for name, query in queries.items():
        assert query["title"] and query["description"] and query["hide_sql"], name
        params = set(re.findall(r"(?<!:):([a-zA-Z_]\w*)", query["sql"]))
        assert params == set(cases[name][0]), f"{name}: parameters {params}"
        db.execute("EXPLAIN " + query["sql"], {p: "1" for p in params})


def test_serving_is_local_and_loads_the_plugin():
    from pathlib import Path

    cmd = datasette_command("a.db", Path("m.json"), "127.0.0.1", 8001)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--plugins-dir") + 1] == str(PLUGINS_DIR) and (PLUGINS_DIR / "archive_ui.py").exists()
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")


# -- on a crawled archive -------------------------------------------------------------------

@pytest.mark.crawl
@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_canned_query_answers(archive, name):
    params, expected = query_cases(archive)[name]
    db = archive["db"]
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = get(db, f"/{db.stem}/{name}.json?_shape=array&{query}")
    assert response.status_code == 200, response.text[:500]
    rows = response.json()
    assert rows and expected in repr(rows), rows[:3]
    page = get(db, f"/{db.stem}/{name}?{query}")
    assert page.status_code == 200 and canned_queries()[name]["title"] in page.text


@pytest.mark.crawl
def test_derived_facets_and_search(archive):
    db = archive["db"]
    data = get(db, f"/{db.stem}/articles.json?_facet=updated_year&_facet=reviewed&_facet_array=centers").json()
    facets = data["facet_results"]
    assert {"updated_year", "reviewed", "centers"} <= set(facets)
    assert {r["value"] for r in facets["reviewed"]["results"]} == {"yes", "no"}
    crawls = get(db, f"/{db.stem}/versions.json?_facet=crawl_id&_size=1").json()["facet_results"]["crawl_id"]
    assert all(re.match(r"\d{4}-\d\d-\d\dT", r["label"]) for r in crawls["results"])  # when it started, not seeds JSON
    assert "Upper Back Pain" in {r["value"] for r in facets["centers"]["results"]}
    # Facet links filter with text values: the derived columns must still match them.
    for column, value in (("reviewed", "yes"), ("updated_year", "2025"), ("crawl_id", 2)):
        want = count(db, f"SELECT count(*) FROM articles WHERE {column} = {value!r}")
        got = get(db, f"/{db.stem}/articles.json?{column}={value}&_shape=array&_size=max").json()
        assert want and len(got) == want, column
    found = get(db, f"/{db.stem}/articles.json?_search=thoracic&_shape=array").json()
    assert found and all("horacic" in (r["title"] + r["body_text"]) for r in found)
    cards = get(db, f"/{db.stem}/center_cards.json?_search=thoracic&_shape=array").json()
    assert cards and all("horacic" in r["title"] + (r["teaser"] or "") + r["section"] for r in cards)


@pytest.mark.crawl
def test_diff_links_and_diff_page(archive):
    db = archive["db"]
    url = changed_article(archive)
    page = get(db, f"/{db.stem}/article_history?url={url}")
    link = re.search(r'<a href="(/-/diff\?to=\d+)">diff</a>', page.text)
    assert link, "the diff column renders as a link"
    diff = get(db, link.group(1))
    assert diff.status_code == 200 and "version 1" in diff.text and "version 2" in diff.text
    assert "default-src 'none'" in diff.headers["content-security-policy"]
    assert get(db, "/-/diff?to=999999").status_code == 404
    assert get(db, "/-/diff?to=x").status_code == 400


@pytest.mark.crawl
def test_graph_page_and_downloads(archive):
    db = archive["db"]
    listing = get(db, "/-/graph")
    assert "Upper Back Pain" in listing.text and "Hostile Center" in listing.text
    pid = count(db, f"SELECT id FROM pages WHERE url = '{archive['center']}'")
    page = get(db, f"/-/graph?page={pid}")
    assert page.status_code == 200 and "<svg" in page.text and "__pwned" not in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none': no script
    assert '<link rel="stylesheet" href="/-/static/app.css' in page.text, "extends Datasette's base.html"
    assert "added (" in page.text and "Download GRAPHML" in page.text and "retitled (3)" in page.text
    assert '<select name="center">' in page.text and '<select name="from">' in page.text
    graphml = get(db, f"/-/graph?page={pid}&format=graphml")
    assert graphml.headers["content-type"].startswith("application/graphml+xml")
    assert "attachment" in graphml.headers["content-disposition"]
    assert get(db, f"/-/graph?page={pid}&format=dot").text.startswith("digraph")
    assert get(db, "/-/graph?page=999999").status_code == 404


@pytest.mark.crawl
def test_archived_markup_is_text_everywhere(archive):
    db = archive["db"]
    escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    pid = count(db, f"SELECT id FROM pages WHERE url = '{archive['hostile_center']}'")
    for path in (f"/{db.stem}/articles?_search=Injected", f"/{db.stem}/center_cards?_search=Injected",
                 f"/{db.stem}/dates_disagree?field=", f"/-/graph?page={pid}", f"/{db.stem}/versions"):
        text = get(db, path).text
        assert escaped in text, path
        assert PAYLOAD not in text, path
    captures = get(db, f"/{db.stem}/captures").text
    assert "zlib-compressed" in captures and "blob-download" not in captures


@pytest.mark.crawl
def test_sql_is_read_only(archive):
    db = archive["db"]
    before = count(db, "SELECT count(*) FROM crawls")
    response = get(db, f"/{db.stem}.json?sql=DELETE+FROM+crawls")
    assert response.status_code == 400 and "Statement must be a SELECT" in response.text
    assert count(db, "SELECT count(*) FROM crawls") == before


@pytest.mark.crawl
def test_full_csv_of_a_view_streams_every_row(archive):
    db = archive["db"]
    response = get(db, f"/{db.stem}/center_cards.csv?_stream=on&_size=5")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == count(db, "SELECT count(*) FROM center_cards") > 5


def test_schema_views_keep_their_columns():
    views = load_schema()["views"]
    assert {"id", "url", "title", "date_updated", "version_id"} <= set(views["articles"]["columns"])
    assert {"center_url", "center", "section", "title", "href"} <= set(views["center_cards"]["columns"])


@pytest.mark.crawl
def test_json_exports_carry_lists_as_arrays(archive):
    db = archive["db"]
    rows = get(db, f"/{db.stem}/articles.json?_shape=array&_size=max").json()
    assert all(isinstance(r[c], list) for r in rows for c in ("authors", "reviewers", "badges", "centers"))
    assert any(r["reviewers"] for r in rows)
    crawls = get(db, f"/{db.stem}/crawls.json?_shape=array").json()
    assert isinstance(crawls[0]["seeds"], list)
    html = get(db, f"/{db.stem}/articles").text
    assert '<td class="col-reviewers type-str"><ul' in html and '["' not in html


@pytest.mark.crawl
def test_center_as_of_takes_a_crawl_or_a_date_and_says_when_too_early(archive):
    db = archive["db"]

    def rows(when, center=archive["center"]):
        return get(db, f"/{db.stem}/center_as_of.json?_shape=array&center_url={center}&when={when}").json()

    by_crawl, by_date = rows("1"), rows("2999-12-31")
    assert by_crawl and {r["crawl_id"] for r in by_crawl} == {1}
    assert by_date and {r["crawl_id"] for r in by_date} == {2}
    early = rows("1999-01-01")
    assert len(early) == 1 and "nothing of this center that early" in early[0]["title"]
    assert "neither a crawl number nor a date" in rows("soon")[0]["title"]
    assert "No page" in rows("1", center="http://nowhere/x")[0]["title"]


@pytest.mark.crawl
def test_change_kinds_are_stored_and_faceted(archive):
    db = archive["db"]
    kinds = dict(sqlite3.connect(db).execute(
        "SELECT url, kind FROM changes WHERE kind IS NOT NULL").fetchall())
    hostile = archive["hostile"]
    assert kinds[hostile + "/hostile/a4"] == "dates only"
    assert kinds[hostile + "/hostile/a5"] == "metadata changed"
    assert kinds[changed_article(archive)] == "body edited"
    facets = get(db, f"/{db.stem}/changes.json?_facet=kind").json()["facet_results"]["kind"]["results"]
    assert {"dates only", "metadata changed", "body edited"} <= {f["value"] for f in facets}
    moved = get(db, f"/{db.stem}/dates_moved_text_same.json?_shape=array").json()
    assert [r["url"] for r in moved] == [hostile + "/hostile/a4"]


@pytest.mark.crawl
def test_row_links_and_headings(archive):
    db = archive["db"]
    changes = get(db, f"/{db.stem}/changes?change=changed").text
    assert re.search(r'<a href="/-/diff\?from=\d+&amp;to=\d+">changed</a>', changes)
    cards = get(db, f"/{db.stem}/center_cards").text
    assert '<a href="/-/history?url=http' in cards
    articles = get(db, f"/{db.stem}/articles").text
    assert '<a href="/-/history?url=http' in articles
    old_cards = get(db, f"/{db.stem}/cards?version_id=1").text  # the 2012 center had no headings
    assert "(no heading)" in old_cards
    between = get(db, f"/{db.stem}/changes_between.json?_shape=array&since=1&until=2").json()
    assert any(r["detail"].startswith("(no heading) \u2192 ") for r in between)
    assert not any("''" in (r["detail"] or "") for r in between)


@pytest.mark.crawl
def test_search_highlights_ranks_and_covers_every_version(archive):
    db = archive["db"]

    def search(**params):
        query = "&".join(f"{k}={v}" for k, v in {"order": "", "versions": "", **params}.items())
        return get(db, f"/{db.stem}/search.json?_shape=array&{query}").json()

    latest = search(q="thoracic")
    assert latest and all("\u27e6" in r["snippet"] + r["title"] for r in latest)
    assert [r["relevance"] for r in latest] == sorted((r["relevance"] for r in latest), reverse=True)
    dated = search(q="thoracic", order="date")
    dates = [r["date_updated"] or r["date_published"] or "" for r in dated]
    assert dates == sorted(dates, reverse=True)
    everything = search(q="thoracic", versions="all")
    assert len(everything) > len(latest) and {"latest", "older version"} == {r["which"] for r in everything}
    page = get(db, f"/{db.stem}/search?q=thoracic&order=&versions=").text
    table = page[page.index('<table class="rows-and-columns">'):]
    assert "<mark>" in table and "\u27e6" not in table[:table.index("</table>")]


@pytest.mark.crawl
def test_history_diff_and_capture_pages(archive):
    db = archive["db"]
    url = changed_article(archive)
    history = get(db, f"/-/history?url={url}")
    assert history.status_code == 200 and 'class="timeline"' in history.text
    assert "body edited" in history.text and "as captured" in history.text
    diff_path = re.search(r'<a class="diff" href="([^"]+)"', history.text).group(1).replace("&amp;", "&")
    diff = get(db, diff_path)
    assert "<del>" in diff.text and "<ins>" in diff.text and "of the body's words changed" in diff.text
    capture_id = re.search(r'<a class="capture" href="/-/capture\?id=(\d+)"', history.text).group(1)
    page = get(db, f"/-/capture?id={capture_id}")
    assert '<iframe class="capture" sandbox=""' in page.text and "SHA-256" in page.text
    raw = get(db, f"/-/capture/raw?id={capture_id}")
    assert raw.headers["content-security-policy"].startswith("sandbox; default-src 'none'")
    assert get(db, "/-/capture?id=999999").status_code == 404
    center = get(db, f"/-/history?url={archive['center']}").text
    assert center.count('class="timeline"') == 2  # the center, then the center with its articles


def test_csv_rewriter_reads_records_across_chunks():
    from condition_archive.serve.datasette_plugins.pages.readable_csv import CsvRewriter

    rows = [["id", "section", "reviewers", "body_text"], ["1", "", '["Zoë Ångström", "B"]', 'two\r\nlines, "quoted"'],
            ["2", "Causes", "[]", "é" * 50]]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    raw = buf.getvalue().encode("utf-8")
    whole = CsvRewriter("center_cards").feed(raw, final=True)
    for size in (1, 3, 7):  # multi-byte characters and quoted newlines split between chunks
        rewriter = CsvRewriter("center_cards")
        parts = [rewriter.feed(raw[i:i + size], final=i + size >= len(raw)) for i in range(0, len(raw), size)]
        assert b"".join(parts) == whole
    got = list(csv.reader(io.StringIO(whole.decode("utf-8"))))
    assert got[1] == ["1", "(no heading)", "Zoë Ångström; B", 'two\r\nlines, "quoted"'] and got[2][2] == ""


@pytest.mark.crawl
def test_csv_exports_read_as_the_pages_do(archive):
    db = archive["db"]
    rows = list(csv.DictReader(io.StringIO(get(db, f"/{db.stem}/articles.csv?_stream=on&_size=5").text)))
    assert len(rows) == count(db, "SELECT count(*) FROM articles")
    assert not any(r["reviewers"].startswith("[") or r["centers"].startswith("[") for r in rows)
    assert any(r["reviewers"] and "; " not in r["reviewers"] for r in rows)
    cards = list(csv.DictReader(io.StringIO(get(db, f"/{db.stem}/cards.csv?version_id=1&_size=max").text)))
    assert cards and {r["section"] for r in cards} == {"(no heading)"}  # the 2012 center's one list
