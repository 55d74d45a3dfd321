"""What every command shares: the group that turns errors into one line, closed
pipes into a quiet exit, and the checks on --db, WHEN and -o values."""

from __future__ import annotations

import datetime
import errno
import gc
import os
import re
import sys
from pathlib import Path

import click

ARCHIVE_SUFFIXES = ("", "-wal", "-shm", ".lock", "-journal")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Main(click.Group):
    """click's group, but errors are one line (a usage error names `-h`), and a
    reader that closes the pipe (`| head`) ends the command quietly with exit 0."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "condition-archive"
            click.echo(f"Error: {one_line(exc.format_message())} (see `{where} -h`)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Stopped.", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as exc:  # before click's own handler, which exits 1
            if exc.errno != errno.EPIPE:
                raise
            closed_pipe()


# A crawl allocates tens of thousands of short-lived objects per second (requests,
# responses, Deferreds, extracts): with Python's default threshold (700) its cycle
# collector ran ~800 times on a 2,000-page crawl and cost 9% of the crawl process's
# CPU; at 20,000, with the start-up's objects frozen out of full collections, 1%.
CRAWL_GC_THRESHOLD = (20_000, 10, 10)


def tune_gc_for_crawl() -> None:
    """Before a crawl: freeze what start-up imported (once; full collections then
    skip it) and collect young objects less often."""
    if not gc.get_freeze_count():
        gc.collect()  # no garbage frozen with them
        gc.freeze()
    gc.set_threshold(*CRAWL_GC_THRESHOLD)


def one_line(text: str) -> str:
    return " ".join(text.split())


def closed_pipe() -> None:
    """The reader went away: stop writing, exit 0 (as `head` expects of `cat`)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(0)


def clean(text: str) -> str:
    """Archived text made safe for a terminal: control characters (escape sequences,
    carriage returns) and bidirectional overrides removed; newlines and tabs kept."""
    return _CONTROL.sub("", text)


def db_name(ctx, param, value: str) -> str:
    if not value or not value.strip():
        raise click.BadParameter("is empty: pass the archive's file name, e.g. --db archive.db")
    return value


def db_option(f):
    return click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
                        callback=db_name, help="The archive file.")(f)


def port_option(name: str, default: int, help: str):
    return click.option(name, default=default, show_default=True, type=click.IntRange(1, 65535), help=help)


def check_output(output: str, db: str | None = None) -> Path:
    """The one guard for every command that writes a file (-o): never an archive or
    its side files, never a folder, in a folder that exists. Returns the path."""
    path = Path(output)
    target = path.resolve()
    protected = {Path(f"{db}{s}").resolve() for s in ARCHIVE_SUFFIXES} if db else set()
    if target in protected:
        raise click.ClickException(f"-o {output} would overwrite the archive itself: choose another output file")
    if target.is_dir():
        raise click.ClickException(f"-o {output} is a folder: choose a file name inside it")
    if target.is_file():
        with target.open("rb") as fh:
            if fh.read(16) == b"SQLite format 3\x00":
                raise click.ClickException(f"-o {output} is a SQLite database (an archive?): choose another "
                                           "output file")
    if not target.parent.is_dir():
        raise click.ClickException(f"cannot write {output}: the folder {path.parent} does not exist; "
                                   "create it or choose a writable -o path")
    return path


_YEAR = re.compile(r"(19|20)\d{2}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
MAX_ID = 2**63 - 1


def check_when(db, when: str | None, option: str) -> None:
    """Refuse a WHEN the archive cannot answer: a crawl id it does not have (huge
    ones included), or a date that is not one (2099-13-45, 2026-02-30)."""
    if when is None:
        return
    if when.isdigit() and not _YEAR.fullmatch(when):
        if int(when) > MAX_ID or not db.execute("SELECT 1 FROM crawls WHERE id = ?", [int(when)]).fetchone():
            low, high = db.execute("SELECT min(id), max(id) FROM crawls").fetchone()
            have = f"crawls {low} to {high}" if low is not None else "no crawls"
            raise click.ClickException(f"{option} {when}: no such crawl (the archive has {have}): "
                                       "pass one of those, or a date such as 2025-01-31")
        return
    match = _DATE.fullmatch(when)
    try:
        if match:
            datetime.date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
        else:
            datetime.datetime.fromisoformat(when.replace("Z", "+00:00"))
    except ValueError:
        raise click.ClickException(f"{option} {when!r} is neither a crawl id nor a valid date: "
                                   "use e.g. 3, 2012, 2013-01 or 2025-01-31") from None
