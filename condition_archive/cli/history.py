"""CLI commands over the archive's history: diff, show, reprocess."""

from __future__ import annotations

import json

import click

from condition_archive.cli.base import check_when, clean, db_option
from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.archive.db import ArchiveError, open_archive
from condition_archive.archive.history import (NotFound, card_changes, comparable_cards, field_changes, page_id, previous_version, text_diff,
                      version_at, version_sections)

WHEN = "a crawl id (e.g. 3) or a capture date (YYYY, YYYY-MM or YYYY-MM-DD: the end of it)"


def _when(version: dict) -> str:
    """When a version's capture was made (its record time in archives from before that was kept)."""
    return version.get("captured_at") or version["created_at"]


def _echo(text: str) -> None:
    """Archived text to the terminal, without its control characters (see cli_base.clean)."""
    click.echo(clean(text))


def _open(db):
    try:
        return open_archive(db, readonly=True)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.argument("url")
@db_option
@click.option("--from", "from_", metavar="WHEN", help=f"Older side: {WHEN}; default: the version before --to.")
@click.option("--to", metavar="WHEN", help=f"Newer side: {WHEN}; default: the latest version.")
def diff(url, db, from_, to) -> None:
    """Show how a page changed between two versions."""
    handle = _open(db)
    check_when(handle, to, "--to")
    check_when(handle, from_, "--from")
    try:
        pid = page_id(handle, url)
        new = version_at(handle, pid, to)
        old = version_at(handle, pid, from_) if from_ else previous_version(handle, new)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if old is None:
        _echo(f"{url} has only one version (v{new['number']}, {_when(new)}): nothing to compare")
        return
    if old["id"] == new["id"]:
        _echo(f"{url}: the same version stood at both times (v{new['number']}, captured {_when(new)}): "
              "nothing to compare")
        return
    _echo(f"{url}\nv{old['number']} ({_when(old)}, {old['cause']}) -> "
               f"v{new['number']} ({_when(new)}, {new['cause']})")
    for name, a, b in field_changes(old, new):
        _echo(f"  {name}: {a!r} -> {b!r}")
    for c in card_changes(comparable_cards(handle, old["id"], follow_moves=True),
                          comparable_cards(handle, new["id"])):
        where = {"added": f"in {c.to_section!r}", "removed": f"from {c.from_section!r}",
                 "moved": f"{c.from_section!r} -> {c.to_section!r}",
                 "retitled": f"was {c.old_title!r}"}[c.change]
        _echo(f"  card {c.change}: {c.title or c.old_title} ({c.href}) {where}")
    body = text_diff(old["body_text"], new["body_text"], f"v{old['number']}", f"v{new['number']}")
    _echo(body or "  body text unchanged")


@click.command()
@click.argument("url")
@db_option
@click.option("--as-of", "as_of", metavar="WHEN", help=f"{WHEN}; default: the latest version.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show(url, db, as_of, as_json) -> None:
    """Print a center (sections and cards) or an article as it stood on a date."""
    handle = _open(db)
    check_when(handle, as_of, "--as-of")
    try:
        version = version_at(handle, page_id(handle, url), as_of)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    sections = version_sections(handle, version["id"])
    if as_json:
        keys = ("number", "created_at", "captured_at", "cause", "kind", "title", "description", "date_published",
                "date_updated", "body_text")
        out = {"url": url, **{k: version[k] for k in keys}, "authors": json.loads(version["authors"]),
               "reviewers": json.loads(version["reviewers"]), "sections": sections}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    _echo(f"{version['title']}  [{version['kind']}, version {version['number']}, "
               f"captured {_when(version)}]\n{url}")
    for name in ("date_published", "date_updated", "date_reviewed"):
        if version.get(name):
            _echo(f"{name.replace('_', ' ')}: {version[name]}")
    for name, label in (("authors", "by"), ("reviewers", "reviewed by")):
        people = json.loads(version.get(name) or "[]")
        if people:
            _echo(f"{label}: {', '.join(map(str, people))}")
    if sections:
        for section in sections:
            _echo(f"\n== {section['heading'] or '(no heading)'}")
            for card in section["cards"]:
                _echo(f"  - {card['title']}  <{card['href']}>")
    else:
        _echo("\n" + version["body_text"])


@click.command()
@db_option
@click.option("--url", "pattern", metavar="PATTERN", help="Only pages whose URL matches (glob, or a substring).")
@click.option("--day-first-site", "day_first_sites", multiple=True, metavar="HOST",
              help="Also read this host's numeric dates as day/month (the crawls' own choices are kept).")
def reprocess(db, pattern, day_first_sites) -> None:
    """Re-extract stored captures with today's code (fetches nothing)."""
    from condition_archive.archive.reprocess import reprocess as run

    try:
        open_archive(db, readonly=True).close()  # no archive, no lock file either
        with CrawlLock(db):
            result = run(open_archive(db, create=False), pattern, tuple(day_first_sites))
    except (ArchiveError, CrawlBusy) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"reprocessed {result.pages} pages: {result.changed} new versions (cause: reprocess)")


def register(group: click.Group) -> None:
    for command in (diff, show, reprocess):
        group.add_command(command)
