"""CLI commands between the archive and web archives: import, backfill, export-warc."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from .crawls import CrawlBusy, CrawlLock
from .db import ArchiveError, open_archive

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
    from .webarchive.records import NotAWebArchive
    from .webarchive.warc_import import import_files

    try:
        with CrawlLock(db):
            handle = open_archive(db)
            result = import_files(handle, list(files), tuple(day_first_sites))
    except (ArchiveError, CrawlBusy, NotAWebArchive) as exc:
        raise click.ClickException(str(exc)) from exc
    except (sqlite3.Error, OSError) as exc:
        _fail_storage(db, exc)
    click.echo(f"read {result.records} records from {result.files} WARC files "
               f"({result.already} already in the archive): {result.summary}")


def register(group: click.Group) -> None:
    for command in (import_,):
        group.add_command(command)
