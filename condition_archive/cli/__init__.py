"""The condition-archive command line (click)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click

from condition_archive import __version__
from condition_archive.archive import crawls
from condition_archive.archive.crawls import CrawlBusy, CrawlLock
from condition_archive.archive.db import ArchiveError, open_archive
from condition_archive.cli.base import Main, check_output, closed_pipe, db_option, port_option, tune_gc_for_crawl
from condition_archive.archive.export import FORMATS, ExportError
from condition_archive.crawl.policy import BadSeed, check_seed

CONTEXT = {"help_option_names": ["-h", "--help"]}


def fail(message: str) -> None:
    raise click.ClickException(message)


@click.group(cls=Main, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version")
def main() -> None:
    """Archive health condition-center websites over time."""


@main.command()
@click.argument("urls", nargs=-1)
@db_option
@click.option("--depth", default=1, show_default=True, help="Link hops to follow from each center.")
@click.option("--max-pages", default=0, show_default=True, help="Stop scheduling after this many pages (0: no limit).")
@click.option("--delay", default=1.0, show_default=True, help="Seconds between requests to a host (AutoThrottle on); 0 for local sites.")
@click.option("--resume", is_flag=True, help="Continue the last interrupted or killed crawl.")
@click.option("--contact", help="URL or mailto: for the user agent, so site owners can reach you.")
@click.option("--day-first-site", "day_first_sites", multiple=True, metavar="HOST",
              help="A host whose numeric dates are day/month (UK style); repeatable. Others: US month/day.")
@click.option("--log-level", default="INFO", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--allow-private", "allow_private", multiple=True, metavar="HOST:PORT",
              help="Let the crawl fetch from this host:port although it resolves to a loopback or private "
                   "address (a seed written as such an address, e.g. http://127.0.0.1:8765/, needs no flag).")
def crawl(urls, db, depth, max_pages, delay, resume, contact, day_first_sites, log_level, allow_private) -> None:
    """Crawl condition-center URLS and the pages they link to into the archive."""
    from condition_archive.crawl.runner import CrawlOptions, run_crawl

    opts = CrawlOptions(urls=tuple(urls), db=db, depth=depth, max_pages=max_pages, delay=delay,
                        resume=resume, contact=contact, log_level=log_level.upper(),
                        day_first_sites=tuple(day_first_sites), allow_private=tuple(allow_private))
    try:
        # Refuse bad input before anything touches the archive.
        opts.validate()
        _check_archive_path(db)
        if Path(db).is_file() or Path(f"{db}.lock").exists():  # CrawlBusy if a crawl runs on it
            with CrawlLock(db):
                pass
        _check_resume(opts)
        _check_reachable(opts.urls, opts.allow_private)
        tune_gc_for_crawl()
        row = run_crawl(opts)
    except (BadSeed, ValueError, ArchiveError, CrawlBusy) as exc:
        fail(str(exc))
    except (sqlite3.Error, OSError) as exc:
        fail(f"cannot write the archive {db} ({type(exc).__name__}: {exc}): check that the file and its "
             "folder are writable and the disk has room, or pass another --db")
    # The progress extension has printed the summary and the Datasette URL (stderr).
    if row["status"] != "finished":
        reason = row["finish_reason"] or "killed"
        first = ("free disk space or make the archive writable, then run " if row["status"] == "failed"
                 else "run ")
        fail(f"crawl {row['id']} {row['status']}: {reason}; {first}{_continue_command(db, row)}")
    _check_seeds_archived(db, row)


def _continue_command(db: str, row: dict) -> str:
    """The command that picks up where crawl `row` stopped."""
    conn = open_archive(db, readonly=True)
    try:
        unfinished = crawls.resumable_crawl(conn)
    finally:
        conn.close()
    if unfinished and unfinished["id"] == row["id"]:
        return f"`condition-archive crawl --resume --db {db}` to continue it"
    # Not resumable as such: a new crawl keeps what is archived (unchanged pages answer 304).
    seeds = " ".join(json.loads(row["seeds"]))
    return f"`condition-archive crawl {seeds} --db {db}` again"


def _check_archive_path(db: str) -> None:
    """Fail with a remedy when `db` cannot be (or is not) a writable archive."""
    path = Path(db)
    parent = path.parent if str(path.parent) else Path(".")
    missing = next((p for p in [parent, *parent.parents] if p.exists()), Path("."))
    if not missing.is_dir():
        fail(f"cannot create {db}: {missing} is a file, not a folder; pass --db in a writable folder")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=parent).close()
    except OSError as exc:
        fail(f"cannot write in {parent} ({exc.strerror or exc}): pass --db in a writable folder")
    if not path.exists():
        return
    if not os.access(path, os.R_OK | os.W_OK):
        fail(f"{db} is not writable: fix its permissions or pass another --db")
    conn = open_archive(path, readonly=True)  # ArchiveError when not SQLite or corrupt
    try:
        tables = set(conn.table_names())
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{db} is corrupt ({exc}): restore it from a backup or pass another --db") from exc
    finally:
        conn.close()
    if tables and "crawls" not in tables:
        fail(f"{db} is a SQLite database but not a condition archive (no crawls table): "
             "pass --db with a new file name or an existing archive")


def _check_resume(opts) -> None:
    """--resume with URLs must name the crawl it continues (or start one when none is unfinished)."""
    from condition_archive.crawl.runner import resume_seeds

    if not (opts.resume and opts.urls and Path(opts.db).exists()):
        return
    try:
        seeds = resume_seeds(opts.db)
    except (ValueError, ArchiveError):
        return  # nothing unfinished: the URLs start a new crawl
    if sorted(check_seed(u) for u in opts.urls) != sorted(check_seed(u) for u in seeds):
        fail(f"--resume continues the unfinished crawl of {', '.join(seeds)}, not {', '.join(opts.urls)}: "
             "drop the URLs to resume it, or drop --resume to start a new crawl")


def _check_reachable(urls, allow_private=(), timeout: float = 10.0) -> None:
    """Fail early when a seed's host cannot be resolved, resolves to an address the
    crawl may not fetch from (netguard.py), or refuses connections."""
    from condition_archive.crawl.netguard import endpoint, is_public
    from condition_archive.crawl.policy import private_seed_netlocs

    if any(os.environ.get(v) for v in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")):
        return  # the proxy, not this machine, reaches the sites
    allowed = private_seed_netlocs(urls) | {a.lower() for a in allow_private}
    ends = {(p.hostname, p.port or (443 if p.scheme == "https" else 80)) for p in map(urlsplit, urls)}
    for host, port in sorted(ends):
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        except socket.gaierror:
            fail(f"cannot resolve {host}: check the URL's spelling and your network or DNS; nothing was written")
        private = sorted(a for a in addresses if not is_public(a))
        if private and endpoint(host, port) not in allowed:
            fail(f"{host}:{port} resolves to a private or loopback address ({', '.join(private)}): write the "
                 f"address itself in the URL, or pass --allow-private {host}:{port} if you mean it")
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except socket.gaierror:
            fail(f"cannot resolve {host}: check the URL's spelling and your network or DNS; nothing was written")
        except OSError as exc:
            fail(f"cannot connect to {host}:{port} ({exc.strerror or type(exc).__name__}): check the URL and "
                 "that the site is up; nothing was written")


def _check_seeds_archived(db: str, row: dict) -> None:
    """A crawl whose every seed failed did nothing useful: say why, exit non-zero."""
    conn = open_archive(db, readonly=True)
    try:
        seeds = json.loads(row["seeds"])
        marks = ",".join("?" * len(seeds))
        ends = conn.execute(f"SELECT url, outcome, reason FROM fetches WHERE crawl_id = ? AND url IN ({marks}) "
                            "ORDER BY id", [row["id"], *seeds]).fetchall()
    finally:
        conn.close()
    if not ends:  # e.g. every redirect refused before a request was made
        fail("no seed page could be archived (the crawl recorded nothing for its seeds): check the URL and "
             "the log above")
    failed = [(u, r) for u, o, r in ends if o in ("error", "robots-denied", "skipped")]
    if len(failed) == len(ends):
        detail = "; ".join(f"{u}: {r}" for u, r in failed[:3])
        fail(f"no seed page could be archived ({detail}): check the URL, or try again later")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@port_option("--port", 8001, "Port to listen on.")
def serve(db, host, port) -> None:
    """Open the archive in Datasette (read-only SQL)."""
    from condition_archive.serve.serve import database_url, serve as run

    try:
        open_archive(db, readonly=True).close()  # refuse a missing or non-archive file before saying "Serving"
        click.echo(f"Serving {db} at {database_url(db, host, port)}")
        sys.exit(run(db, host, port))
    except ArchiveError as exc:
        fail(str(exc))


@main.command()
@click.argument("target")
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Canned query parameter.")
def export(target, db, fmt, output, params) -> None:
    """Export every row of a table, view or canned query (no row cap)."""
    from condition_archive.archive import export as exporter

    bound = {}
    for item in params:
        if "=" not in item:
            fail(f"parameter {item!r} is not NAME=VALUE: write it as -p name=value")
        name, value = item.split("=", 1)
        bound[name] = value
    if output:
        check_output(output, db)
    try:
        db_handle = open_archive(db, readonly=True)
        exporter.export_sql(db_handle, target, bound)  # refuse bad targets before opening -o
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            exporter.write(db_handle, target, fmt, out, bound)
        finally:
            if output:
                out.close()
    except (ArchiveError, ExportError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        fail(f"cannot read {db} ({exc}): is it a condition archive? restore it from a backup")
    except BrokenPipeError:
        closed_pipe()
    except OSError as exc:
        fail(f"cannot write {output or 'the output'} ({exc.strerror or exc}): choose a writable -o path")


def _page_url(data: bytes, url: str | None, fallback: str) -> tuple[str, str]:
    """The URL a saved page is read under: --url, else the one the page states
    (canonical, og:url, <base>), else the file's own (file:// or stdin:)."""
    from condition_archive.extract.parse import stated_url

    if url:
        return url, "--url"
    return stated_url(data) or (fallback, "file")


@main.command()
@click.argument("pages", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--url", help="The page's URL (resolves relative links); default: the URL the page states "
                           "(canonical, og:url, <base>), else the file's file:// URL; `url_source` says which.")
@click.option("--day-first", is_flag=True, help="Read ambiguous numeric dates as day/month (non-US sites).")
def extract(pages, url, day_first) -> None:
    """Print what the pipelines extract from saved HTML PAGES, as JSON."""
    from condition_archive.extract import extract_page
    from condition_archive.extract.model import ExtractOptions

    options = ExtractOptions(day_first=True if day_first else None)
    if url:
        try:
            urlsplit(url).port
        except ValueError as exc:
            fail(f"--url {url!r} is not a valid URL ({exc}): pass the page's full URL, e.g. https://host/path")
    for path in pages:
        if path == "-":
            data, fallback = sys.stdin.buffer.read(), "stdin:"
        else:
            file = Path(path)
            if not file.is_file():
                fail(f"{path}: no such file; pass saved HTML files or - for stdin")
            data, fallback = file.read_bytes(), file.resolve().as_uri()
        data = _gunzipped(data, path)
        page_url, source = _page_url(data, url, fallback)
        result = {**extract_page(data, page_url, options=options).to_dict(), "url_source": source}
        if len(pages) == 1:
            click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        else:
            click.echo(json.dumps({"file": path, **result}, ensure_ascii=False))


def _gunzipped(data: bytes, path: str) -> bytes:
    """A saved page may be gzipped (page.html.gz, `curl` without --compressed):
    read what it holds, as a browser would."""
    if data[:2] != b"\x1f\x8b":
        return data
    import gzip
    import zlib

    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        fail(f"{path}: looks gzipped but does not decompress ({exc}); pass the saved HTML or an intact .gz")


@main.command()
@db_option
@port_option("--port", 8001, "Datasette port.")
@port_option("--site-port", 8765, "Port of the bundled sample site.")
@click.option("--no-serve", is_flag=True, help="Crawl only; do not start Datasette.")
@click.option("--fresh", is_flag=True, help="Delete an earlier demo archive and crawl again.")
def demo(db, port, site_port, no_serve, fresh) -> None:
    """Crawl the bundled sample site (2012, then 2025) offline and serve the archive."""
    from condition_archive.serve.demo import run_demo

    from condition_archive.serve.serve import stop_on_sigterm

    try:
        with stop_on_sigterm():  # SIGTERM as Ctrl-C: the crawl or Datasette child ends with the demo
            run_demo(db, port=port, site_port=site_port, serve=not no_serve, fresh=fresh, echo=click.echo)
    except (ArchiveError, OSError, RuntimeError) as exc:
        fail(str(exc))


def _register_more() -> None:
    from condition_archive.cli.history import register as register_history
    from condition_archive.cli.ui import register as register_ui

    register_history(main)
    register_ui(main)
    from condition_archive.cli.scale import register as register_scale

    register_scale(main)
    from condition_archive.cli.webarchive import register as register_webarchive

    register_webarchive(main)


_register_more()

if __name__ == "__main__":
    main()
