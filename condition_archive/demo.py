"""The offline demo: serve the bundled sample site on 127.0.0.1, crawl its 2012
version then its 2025 version into the archive, and open Datasette on it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from .sample_site import SampleSite
from .serve import database_url, serve

CENTER = "/conditions/upper-back-pain"


def crawl_subprocess(url: str, db: str) -> None:
    """One crawl per process: Twisted's reactor cannot be restarted."""
    cmd = [sys.executable, "-m", "condition_archive", "crawl", url, "--db", db, "--delay", "0",
           "--log-level", "WARNING"]
    result = subprocess.run(cmd)
    if result.returncode != 0:
        raise RuntimeError(f"demo crawl of {url} failed (exit {result.returncode}); see the messages above")


def run_demo(db: str, *, port: int, site_port: int, serve: bool = True,
             echo: Callable[[str], None] = print) -> None:
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
    base = database_url(db, "127.0.0.1", port)
    echo("")
    echo(f"Archive: {db}")
    echo(f"  What changed from 2012 to 2025: {base}/changes_last_crawl")
    echo(f"  Articles (full-text search):    {base}/articles?_search=thoracic")
    echo(f"  The center's cards by section:  {base}/center_articles?center_url={center}")
    echo(f"  Full CSV export of articles:    {base}/articles.csv?_stream=on")
    if serve:
        echo("Starting Datasette (Ctrl-C to stop) ...")
        serve_and_wait(db, port)


def serve_and_wait(db: str, port: int) -> None:
    serve(db, "127.0.0.1", port)
