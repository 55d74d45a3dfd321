"""The offline demo: serve the bundled sample site on 127.0.0.1, crawl its 2012
version then its 2025 version into the archive, and open Datasette on it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import json
from pathlib import Path
from urllib.parse import quote

from .db import ArchiveError, open_archive
from .sample_site import SampleSite
from .serve import database_url
from .serve import serve as serve_archive

CENTER = "/conditions/upper-back-pain"


def crawl_subprocess(url: str, db: str) -> None:
    """One crawl per process: Twisted's reactor cannot be restarted."""
    cmd = [sys.executable, "-m", "condition_archive", "crawl", url, "--db", db, "--delay", "0",
           "--log-level", "WARNING"]
    result = subprocess.run(cmd)
    if result.returncode != 0:
        raise RuntimeError(f"demo crawl of {url} failed (exit {result.returncode}); see the messages above")


def existing_demo(db: str, center: str) -> bool:
    """True when `db` already holds the demo's crawls; refuses an archive with other crawls."""
    if not Path(db).exists():
        return False
    handle = open_archive(db, readonly=True)
    try:
        seeds = {s for (raw,) in handle.execute("SELECT seeds FROM crawls") for s in json.loads(raw)}
    finally:
        handle.close()
    if seeds - {center}:
        raise ArchiveError(f"{db} holds crawls other than the demo's: pass --db demo.db to keep it apart")
    return bool(seeds)


def remove_archive(db: str) -> None:
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(db + suffix).unlink(missing_ok=True)


def run_demo(db: str, *, port: int, site_port: int, serve: bool = True, fresh: bool = False,
             echo: Callable[[str], None] = print) -> None:
    center_url = f"http://127.0.0.1:{site_port}{CENTER}"
    if existing_demo(db, center_url):
        if not fresh:
            echo(f"{db} already holds the demo crawls: serving it (--fresh crawls again from scratch)")
            _announce(db, port, center_url, echo)
            if serve:
                serve_archive(db, "127.0.0.1", port)
            return
        remove_archive(db)
    try:
        site = SampleSite(version="2012", port=site_port)
        site.start()
    except OSError as exc:
        raise OSError(f"cannot serve the sample site on 127.0.0.1:{site_port} ({exc}): "
                      "pass --site-port with a free port") from exc
    try:
        center = site.base_url + CENTER
        for version in ("2012", "2025"):
            site.set_version(version)
            echo(f"Crawling the sample site as it was in {version}: {center}")
            crawl_subprocess(center, db)
    finally:
        site.stop()
    _announce(db, port, center, echo)
    if serve:
        echo("Starting Datasette (Ctrl-C to stop) ...")
        serve_archive(db, "127.0.0.1", port)


def _announce(db: str, port: int, center: str, echo: Callable[[str], None]) -> None:
    base = database_url(db, "127.0.0.1", port)
    echo("")
    echo(f"Archive: {db}")
    echo(f"  What changed from 2012 to 2025: {base}/changes_last_crawl")
    echo(f"  Articles (full-text search):    {base}/articles?_search=thoracic")
    echo(f"  The center's cards by section:  {base}/center_articles?center_url={quote(center, safe='')}")
    echo(f"  Full CSV export of articles:    {base}/articles.csv?_stream=on")
