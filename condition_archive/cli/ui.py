"""CLI commands for the researchers' side: `graph` (a center's link structure and
how it changed). cli.py adds them with register(main)."""

from __future__ import annotations

import sys

import click

from condition_archive.cli.base import check_output, check_when, db_option
from condition_archive.archive.db import ArchiveError, open_archive

WHEN = "a crawl id (e.g. 3) or a date (YYYY-MM-DD)"


@click.command()
@click.argument("center_url")
@db_option
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
    from condition_archive.archive.graph import load_graph
    from condition_archive.serve.graph_render import render
    from condition_archive.archive.history import NotFound

    fmt = _format_for(output, fmt)
    if output:
        check_output(output, db)
    try:
        handle = open_archive(db, readonly=True)
        check_when(handle, to, "--to")
        check_when(handle, from_, "--from")
        picture = load_graph(handle, center_url, from_, to)
    except (ArchiveError, NotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    text = render(picture, fmt)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output} ({exc.strerror or exc}): choose a writable "
                                       "-o path") from exc
        counts = picture.counts()
        changed = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
        click.echo(f"wrote {output} ({fmt}): {len(picture.sections)} sections, {changed}", err=True)
    else:
        sys.stdout.write(text)


FORMAT_SUFFIXES = {"html": "html", "htm": "html", "svg": "svg", "graphml": "graphml", "dot": "dot", "gv": "dot"}


def _format_for(output: str | None, fmt: str | None) -> str:
    """--format, else the -o file's extension, else html; an extension that names
    another format (out.png, x.svg with --format dot) is refused, not overwritten with
    the wrong bytes."""
    suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output.rsplit("/", 1)[-1] else ""
    named = FORMAT_SUFFIXES.get(suffix)
    if suffix and named is None and fmt is None:
        raise click.UsageError(f"-o {output}: graph writes html, svg, graphml or dot, not {suffix}; name the "
                               "file .html, .svg, .graphml or .dot (convert DOT with `dot -Tpng`)")
    if fmt and named and named != fmt:
        raise click.UsageError(f"-o {output} names {named} but --format is {fmt}: make them agree")
    return fmt or named or "html"


def register(group: click.Group) -> None:
    group.add_command(graph)
