"""CLI commands between the archive and web archives: import, backfill, export-warc."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.archive.db import ArchiveError, open_archive

db_option = click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
                         help="The archive file.")
day_first_option = click.option("--day-first-site", "day_first_sites", multiple=True, metavar="HOST",
                                help="A host whose numeric dates are day/month (UK style); repeatable.")


def _fail_storage(db: str, exc: Exception) -> None:
    raise click.ClickException(f"cannot write the archive {db} ({type(exc).__name__}: {exc}): check that the "
                               "file and its folder are writable and the disk has room, or pass another --db")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@day_first_option
def import_(files, db, day_first_sites) -> None:
    """Import WARC (.warc, .warc.gz) and WACZ FILES: each HTML response becomes a
    capture dated by its WARC-Date; every other record is a ledger row."""
    from condition_archive.webarchive.records import NotAWebArchive, check_file
    from condition_archive.webarchive.warc_import import import_files

    try:
        for path in files:  # before the archive is touched
            check_file(path)
        with CrawlLock(db):
            handle = open_archive(db)
            result = import_files(handle, list(files), tuple(day_first_sites))
    except (ArchiveError, CrawlBusy, NotAWebArchive) as exc:
        raise click.ClickException(str(exc)) from exc
    except (sqlite3.Error, OSError) as exc:
        _fail_storage(db, exc)
    click.echo(f"read {result.records} records from {result.files} WARC files "
               f"({result.already} already in the archive): {result.summary}")


@click.command()
@click.argument("urls", nargs=-1, required=True)
@db_option
@click.option("--from", "from_", metavar="YYYY", help="First year (or YYYYMM...) of captures to ask for.")
@click.option("--to", metavar="YYYY", help="Last year (or YYYYMM...) of captures to ask for.")
@click.option("--every", type=click.Choice(["month", "week", "all"]), default="month", show_default=True,
              help="At most one capture per period (all: every capture whose content differs).")
@click.option("--cdx", "cdx", default="https://web.archive.org/cdx/search/cdx", show_default=True,
              metavar="ENDPOINT", help="The CDX server (a pywb collection's is http://HOST/COLLECTION/cdx).")
@click.option("--replay", metavar="PREFIX", help="Replay prefix for id_ URLs; default: derived from --cdx.")
@click.option("--depth", default=1, show_default=True, help="Link hops from each center, as in a crawl.")
@click.option("--delay", default=1.0, show_default=True, help="Seconds between two requests to the web archive.")
@click.option("--contact", help="URL or mailto: for the user agent, so the web archive can reach you.")
@day_first_option
def backfill(urls, db, from_, to, every, cdx, replay, depth, delay, contact, day_first_sites) -> None:
    """Fill the archive's past for center URLS from a Wayback (CDX + id_ replay).
    Run it again after a kill: it fetches only what it does not have yet."""
    from condition_archive.crawl.policy import BadSeed, check_seed
    from condition_archive.webarchive.backfill import backfill as run
    from condition_archive.webarchive.cdx import WaybackClient, WaybackError

    for value, name in ((from_, "--from"), (to, "--to")):
        if value and not (value.isdigit() and 4 <= len(value) <= 14):
            raise click.ClickException(f"{name} {value!r} is not a year: pass e.g. {name} 2012")
    try:
        seeds = [check_seed(u) for u in urls]
        client = WaybackClient(cdx, replay, contact, delay)
        with CrawlLock(db):
            handle = open_archive(db)
            result = run(handle, seeds, client, from_=from_, to=to, every=every, depth=depth,
                         day_first_sites=tuple(day_first_sites))
    except (ArchiveError, CrawlBusy, BadSeed, WaybackError) as exc:
        raise click.ClickException(str(exc)) from exc
    except (sqlite3.Error, OSError) as exc:
        _fail_storage(db, exc)
    click.echo(f"asked for {result.pages} pages: {result.chosen} captures chosen, {result.fetched} fetched, "
               f"{result.already} already in the archive; {result.summary}")


@click.command("export-warc")
@db_option
@click.option("--url", "pattern", metavar="PATTERN", help="Only captures whose URL matches (glob, or a substring).")
@click.option("--from", "from_", metavar="WHEN", help="Only captures made from then on (YYYY, YYYY-MM-DD or ISO time).")
@click.option("--to", metavar="WHEN", help="Only captures made up to then (YYYY, YYYY-MM, YYYY-MM-DD: the end of it).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The WARC file to write (.warc.gz compressed, .warc plain).")
def export_warc(db, pattern, from_, to, output) -> None:
    """Write the archive's captures as WARC/1.1 response records (replayable by pywb)."""
    from condition_archive.archive.history import NotFound
    from condition_archive.webarchive.export_warc import export_warc as run

    try:
        result = run(open_archive(db, readonly=True), output, pattern, from_, to)
    except (ArchiveError, NotFound) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {output} ({exc}): pass -o with a writable path") from exc
    click.echo(f"wrote {output}: {result.responses} response and {result.revisits} revisit records")


def register(group: click.Group) -> None:
    for command in (import_, backfill, export_warc):
        group.add_command(command)
