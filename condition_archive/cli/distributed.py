"""CLI of the distributed crawl: `crawl --redis`, `worker`, `ingest` (condition_archive/distributed/).

    condition-archive ingest --redis redis://HOST:6379/0 --db archive.db      # one, beside the archive
    condition-archive crawl --redis redis://HOST:6379/0 https://host/conditions/x ...
    condition-archive worker --redis redis://HOST:6379/0                      # any number, any machine
"""

from __future__ import annotations

import click

CONTEXT = {"help_option_names": ["-h", "--help"]}


def redis_options(f):
    f = click.option("--crawl-name", default="crawl", show_default=True,
                     help="The crawl's name in Redis (as given to `crawl --redis`).")(f)
    return click.option("--redis", "redis_url", required=True, metavar="URL",
                        help="Redis holding the crawl, e.g. redis://HOST:6379/0.")(f)


def register(main: click.Group) -> None:
    main.add_command(worker)
    main.add_command(ingest)


def _connect(url: str, name: str):
    import re

    from condition_archive.distributed.keys import Keys, RedisUnavailable, connect

    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise click.ClickException(f"--crawl-name {name!r}: use letters, digits, . _ - only")
    try:
        return connect(url), Keys(name)
    except RedisUnavailable as exc:
        raise click.ClickException(str(exc)) from None


def start_distributed(redis_url, crawl_name, sites, only, **kw) -> None:
    """`crawl --redis`: put the crawl in Redis for the ingest to open and the workers to run."""
    from condition_archive.distributed.launch import CrawlRunning, start
    from condition_archive.crawl.runner import CrawlOptions

    if kw["max_pages"]:
        raise click.ClickException("--max-pages is not supported with --redis (each worker would count its own); "
                                   "drop it, or crawl in one process")
    extra, site = {}, None
    if sites:
        from condition_archive.cli.scale import site_options, site_seeds
        from condition_archive.crawl.sites import SitesError, load_sites

        try:
            chosen = load_sites(sites).select(tuple(only))
        except SitesError as exc:
            raise click.ClickException(str(exc)) from None
        if len(chosen) != 1 or kw["urls"]:
            raise click.ClickException("--redis with --sites crawls one site: pass --only NAME (and no URLs)")
        opts = site_options(chosen[0], site_seeds(chosen[0]), kw["db"], kw["log_level"])
        extra, site = opts.extra_settings, opts.extra_settings.get("ARCHIVE_SITE")
    else:
        opts = CrawlOptions(urls=tuple(kw["urls"]), depth=kw["depth"], delay=kw["delay"], contact=kw["contact"],
                            resume=kw["resume"], log_level=kw["log_level"].upper(),
                            day_first_sites=tuple(kw["day_first_sites"]))
    try:
        if not opts.urls:
            raise ValueError("give at least one center URL (a distributed --resume continues from Redis: "
                             "just start workers again)")
        opts.validate()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    server, keys = _connect(redis_url, crawl_name)
    options = {"urls": list(opts.urls), "depth": opts.depth, "delay": opts.delay, "contact": opts.contact,
               "day_first_sites": list(opts.day_first_sites), "log_level": opts.log_level, "resume": opts.resume,
               "max_pages": 0, "site": site, "extra_settings": extra}
    try:
        start(server, keys, options)
    except CrawlRunning as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"crawl {crawl_name!r} queued in {redis_url}: the ingest opens it, then workers join with\n"
               f"  condition-archive worker --redis {redis_url} --crawl-name {crawl_name}")


@click.command(context_settings=CONTEXT)
@redis_options
@click.option("--wait", default=60.0, show_default=True, help="Seconds to wait for a crawl to be ready.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Requests at once in this worker (hosts stay at one at a time across the cluster).")
def worker(redis_url, crawl_name, wait, concurrency) -> None:
    """Fetch and extract pages of the crawl in Redis until it ends (never opens the archive)."""
    from condition_archive.distributed.launch import run_worker, wait_ready

    server, keys = _connect(redis_url, crawl_name)
    options = wait_ready(server, keys, wait)
    if options is None:
        raise click.ClickException(f"no crawl named {crawl_name!r} is ready in {redis_url} after {wait:.0f} s: "
                                   "start one with `crawl --redis` and run `ingest`, which opens it")
    options.setdefault("worker_settings", {})["CONCURRENT_REQUESTS"] = concurrency
    stats = run_worker(redis_url, keys, options)
    click.echo(f"worker done: {stats.get('response_received_count', 0)} responses, "
               f"{stats.get('distributed/commits', 0)} commits", err=True)


@click.command(context_settings=CONTEXT)
@redis_options
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="The archive file (this process is its only writer).")
@click.option("--until-finished", is_flag=True, help="Exit when the crawl has ended (default: run until Ctrl-C).")
def ingest(redis_url, crawl_name, db, until_finished) -> None:
    """Write the crawl's pages and outcomes from Redis into the archive (the only writer)."""
    from condition_archive.archive.crawls import CrawlBusy
    from condition_archive.archive.db import ArchiveError
    from condition_archive.distributed.ingest import Ingest

    server, keys = _connect(redis_url, crawl_name)
    try:
        stats = Ingest(server, keys, db).run(until_finished=until_finished)
    except (CrawlBusy, ArchiveError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        return
    click.echo(f"ingest done: {stats.entries} entries, {stats.written} written, "
               f"{stats.duplicates} duplicates dropped", err=True)
