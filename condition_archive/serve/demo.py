"""The offline demo: serve the bundled sample site on 127.0.0.1, import its 2012
version as a WARC dated 2012 (what a web archive kept), crawl its 2025 version
into the archive, and open Datasette on it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import json
from pathlib import Path
from urllib.parse import quote

from condition_archive.archive.db import ArchiveError, open_archive
from condition_archive.sample_site import SampleSite
from .serve import database_url, die_with_parent, stop_on_sigterm
from .serve import serve as serve_archive

CENTER = "/conditions/upper-back-pain"


def crawl_subprocess(url: str, db: str) -> None:
    """One crawl per process: Twisted's reactor cannot be restarted."""
    cmd = [sys.executable, "-m", "condition_archive", "crawl", url, "--db", db, "--delay", "0",
           "--log-level", "WARNING"]
    result = subprocess.run(cmd, preexec_fn=die_with_parent)  # killed if the demo is stopped
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
        import_2012_history(site, db, echo)
        site.set_version("2025")
        echo(f"Crawling the sample site as it is in 2025: {center}")
        crawl_subprocess(center, db)
    finally:
        site.stop()
    _announce(db, port, center, echo)
    if serve:
        echo("Starting Datasette (Ctrl-C to stop) ...")
        serve_archive(db, "127.0.0.1", port)


HISTORY_DATE = "2012-12-20T12:00:00Z"  # a few days after the 2012 center's "Updated on: 12/17/12"


def import_2012_history(site: SampleSite, db: str, echo: Callable[[str], None]) -> None:
    """The 2012 site enters as web archives hold it: a WARC of its pages dated
    2012, imported (as `condition-archive import` does), not a crawl dated today."""
    import tempfile

    from condition_archive.archive.crawls import CrawlLock
    from condition_archive.sample_site import reachable_articles
    from condition_archive.webarchive.sample_warc import write_site_warc
    from condition_archive.webarchive.warc_import import import_files

    site.set_version("2012")
    echo(f"Importing a WARC of the sample site as a web archive kept it on {HISTORY_DATE[:10]}")
    with tempfile.TemporaryDirectory() as folder:
        warc = write_site_warc(Path(folder) / "sample-2012.warc.gz", site.base_url,
                               [CENTER, *reachable_articles("2012")], HISTORY_DATE)
        with CrawlLock(db):
            handle = open_archive(db)
            try:
                import_files(handle, [warc])
            finally:
                handle.close()


def _announce(db: str, port: int, center: str, echo: Callable[[str], None]) -> None:
    base = database_url(db, "127.0.0.1", port)
    echo("")
    echo(f"Archive: {db}")
    echo(f"  What changed from 2012 to 2025: {base}/changes_last_crawl")
    echo(f"  Articles (full-text search):    {base}/articles?_search=thoracic")
    echo(f"  The center's cards by section:  {base}/center_articles?center_url={quote(center, safe='')}")
    echo(f"  Full CSV export of articles:    {base}/articles.csv?_stream=on")
