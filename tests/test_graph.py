"""The center picture: card statuses (pure), layout, escaping in every format, and
the `graph` command on a real archive of the sample site (2012, then 2025)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import click
import pytest
from click.testing import CliRunner
from sample_truth import CENTER_PATH, changes, truth

from condition_archive.cli.ui import register
from condition_archive.archive.graph import CenterGraph, VersionInfo, compare, layout, wrap
from condition_archive.serve.graph_render import to_dot, to_graphml, to_html, to_svg

PAYLOAD = "<script>window.__pwned=1</script>"


def card(href, title, section):
    return {"href": href, "title": title, "section": section}


OLD = [card("/a", "A", "Overview"), card("/b", "B", "Overview"), card("/c", "C", "Causes"),
       card("/d", "D", "Causes"), card("/e", "E", "Old section")]
NEW = [card("/a", "A", "Overview"), card("/c", "C", "Overview"), card("/b", "B2", "Overview"),
       card("/d", "D2", "Treatment"), card("/f", "F", "Treatment")]


@pytest.mark.parametrize(("href", "status", "section", "detail"), [
    ("/a", "unchanged", "Overview", ""),
    ("/c", "moved", "Overview", "from \u201cCauses\u201d"),
    ("/b", "retitled", "Overview", "was titled \u201cB\u201d"),
    ("/d", "moved", "Treatment", "from \u201cCauses\u201d; was titled \u201cD\u201d"),
    ("/f", "added", "Treatment", ""),
    ("/e", "removed", "Old section", "was in \u201cOld section\u201d"),
])
def test_compare_marks_each_card(href, status, section, detail):
    _, _, nodes = compare(OLD, NEW)
    node = next(n for n in nodes if n.href == href)
    assert (node.status, node.section, node.detail) == (status, section, detail)


def test_compare_orders_columns_and_marks_sections():
    columns, status, nodes = compare(OLD, NEW)
    assert columns == ("Overview", "Treatment", "Causes", "Old section")
    assert status == {"Overview": "unchanged", "Treatment": "added", "Causes": "removed", "Old section": "removed"}
    assert len({n.id for n in nodes}) == len(nodes) == 6


def test_compare_without_an_old_version_marks_nothing():
    _, status, nodes = compare(None, NEW)
    assert {n.status for n in nodes} == {"unchanged"} and set(status.values()) == {"unchanged"}


def graph_of(old, new, title="Center"):
    columns, status, nodes = compare(old, new)
    return CenterGraph("http://h/center", title, VersionInfo(2, "2025-02-01T00:00:00", 2),
                       VersionInfo(1, "2012-12-18T00:00:00", 1), columns, status, tuple(nodes),
                       ((nodes[0].id, nodes[1].id),))


def test_layout_puts_cards_in_their_column_without_overlap():
    graph = graph_of(OLD, NEW)
    box = layout(graph)
    for node in graph.cards:
        b, header = box.cards[node.id], box.headers[node.section]
        assert header.x <= b.x and b.x + b.w <= header.x + header.w and b.y > header.y
        assert b.x + b.w <= box.width and b.y + b.h <= box.height
    for column in graph.sections:
        ys = sorted(box.cards[n.id].y for n in graph.cards if n.section == column)
        assert all(b - a >= box.cards[graph.cards[0].id].h for a, b in zip(ys, ys[1:]))


def test_wrap_keeps_two_lines():
    assert wrap("short") == ["short"]
    lines = wrap("a very long card title that goes on and on well past two lines of text", 20)
    assert len(lines) == 2 and lines[-1].endswith("\u2026") and all(len(x) <= 20 for x in lines)


def test_every_format_escapes_archived_text():
    graph = graph_of(OLD, NEW[:-1] + [card('/x"y', PAYLOAD + ' "quoted"', f"Sec {PAYLOAD}")], title=PAYLOAD)
    for text in (to_html(graph), to_svg(graph)):
        assert PAYLOAD not in text and "<script" not in text
        assert "&lt;script&gt;" in text
    root = ET.fromstring(to_graphml(graph))
    labels = [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert PAYLOAD + ' "quoted"' in labels
    dot = to_dot(graph)
    assert 'label="<script>window.__pwned=1</script> \\"quoted\\""' in dot


def test_svg_shows_legend_counts_and_links():
    svg = to_svg(graph_of(OLD, NEW))
    ET.fromstring(svg)  # well-formed
    for label in ("added (1)", "removed (1)", "moved to another section (2)", "retitled (2)", "unchanged (1)"):
        assert label in svg
    assert svg.count('class="article-link"') == 1


# -- on a real archive ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    from conftest import run_cli

    from condition_archive.sample_site import SampleSite

    db = tmp_path_factory.mktemp("graph") / "archive.db"
    with SampleSite(version="2012") as site:
        for version in ("2012", "2025"):
            site.set_version(version)
            run_cli("crawl", site.url(CENTER_PATH), "--db", str(db), "--delay", "0", "--log-level", "WARNING")
        return {"db": str(db), "center": site.url(CENTER_PATH), "base": site.base_url}


def cli():
    group = click.Group()
    register(group)
    return group


@pytest.mark.crawl
def test_graph_of_the_sample_center_matches_the_truth(archive):
    from condition_archive.archive.db import open_archive
    from condition_archive.archive.graph import load_graph

    graph = load_graph(open_archive(archive["db"], readonly=True), archive["center"])
    base = archive["base"]
    moves = changes()["moved"]  # a card follows its URL's 301 (history.comparable_cards)
    old = {moves.get(c["href"], c["href"]) for s in truth("2012")[CENTER_PATH]["sections"] for c in s["cards"]}
    new = {c["href"] for s in truth("2025")[CENTER_PATH]["sections"] for c in s["cards"]}
    by_status: dict[str, set] = {}
    for node in graph.cards:
        by_status.setdefault(node.status, set()).add(node.href.removeprefix(base))
    assert by_status["added"] == new - old
    assert by_status["removed"] == old - new
    assert by_status["moved"] == old & new  # 2012 had one unheaded list
    assert list(graph.sections[:6]) == [s["heading"] for s in truth("2025")[CENTER_PATH]["sections"]]
    assert graph.links, "the 2025 articles link to each other"
    first = load_graph(open_archive(archive["db"], readonly=True), archive["center"], to_when="1")
    assert first.old is None and {n.status for n in first.cards} == {"unchanged"}


@pytest.mark.crawl
@pytest.mark.parametrize(("fmt", "start"), [("html", "<!DOCTYPE html>"), ("svg", "<?xml"),
                                             ("graphml", "<?xml"), ("dot", "digraph")])
def test_graph_command_writes_each_format(archive, tmp_path, fmt, start):
    out = tmp_path / f"center.{fmt}"
    result = CliRunner().invoke(cli(), ["graph", archive["center"], "--db", archive["db"], "-o", str(out),
                                        "--from", "1", "--to", "2"])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith(start)
    assert f"({fmt})" in result.output and "added" in result.output
    stdout = CliRunner().invoke(cli(), ["graph", archive["center"], "--db", archive["db"], "--format", fmt])
    assert stdout.output.startswith(start)


@pytest.mark.crawl
def test_graph_command_errors_say_what_to_do(archive):
    runner = CliRunner()
    result = runner.invoke(cli(), ["graph", archive["base"] + "/nope", "--db", archive["db"]])
    assert result.exit_code == 1 and "not in the archive" in result.output
    article = archive["base"] + truth("2025")[CENTER_PATH]["sections"][0]["cards"][0]["href"]
    result = runner.invoke(cli(), ["graph", article, "--db", archive["db"]])
    assert result.exit_code == 1 and "not a center" in result.output and archive["center"] in result.output
    result = runner.invoke(cli(), ["graph", archive["center"], "--db", archive["db"], "--to", "1999-01-01"])
    assert result.exit_code == 1 and "no version stood at" in result.output
    result = runner.invoke(cli(), ["graph", archive["center"], "--db", "/nonexistent/x.db"])
    assert result.exit_code == 1 and "no archive at" in result.output
