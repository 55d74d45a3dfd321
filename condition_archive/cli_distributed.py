"""CLI of the distributed crawl: `crawl --redis`, `worker`, `ingest` (condition_archive/distributed/)."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    pass


def start_distributed(redis_url, crawl_name, sites, only, **kwargs) -> None:
    raise click.ClickException("--redis is not available yet")
