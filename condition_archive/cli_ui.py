"""CLI commands for the researchers' side: `graph` (a center's link structure and
how it changed). cli.py adds them with register(main)."""

from __future__ import annotations

import sys

import click

from .db import ArchiveError, open_archive

WHEN = "a crawl id (e.g. 3) or a date (YYYY-MM-DD)"


@click.command()
@click.argument("center_url")
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="The archive file.")
@click.option("--from", "from_", metavar="WHEN", help=f"Older version: {WHEN}; default: the version before --to.")
@click.option("--to", metavar="WHEN", help=f"Newer version: {WHEN}; default: the latest.")
@click.option("--format", "fmt", type=click.Choice(["html", "svg", "graphml", "dot"]), default=None,
              help="Output format; default: from the -o file's extension, else html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def graph(center_url, db, from_, to, fmt, output) -> None:
    """Draw a center's sections and cards, and what changed between two versions.

    HTML and SVG open in a browser (no JavaScript); GraphML opens in Gephi or yEd,
    DOT in Graphviz (`dot -Tpng`).
    """
    from .graph import load_graph
    from .graph_render import render
    from .history import NotFound

    fmt = fmt or _format_from_name(output)
    try:
        handle = open_archive(db, readonly=True)
        picture = load_graph(handle, center_url, from_, to)
    except (ArchiveError, NotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    text = render(picture, fmt)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        counts = picture.counts()
        changed = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        click.echo(f"wrote {output} ({fmt}): {len(picture.sections)} sections, {changed}", err=True)
    else:
        sys.stdout.write(text)


def _format_from_name(output: str | None) -> str:
    if output:
        suffix = output.rsplit(".", 1)[-1].lower()
        if suffix in ("html", "htm", "svg", "graphml", "dot", "gv"):
            return {"htm": "html", "gv": "dot"}.get(suffix, suffix)
    return "html"


def register(group: click.Group) -> None:
    group.add_command(graph)
