"""CLI for studies at scale: `discover`, `crawl --sites/--only`, `crawl --redis`, `worker`, `ingest`.

Registered on the main group by cli.py; `crawl` keeps its own options and gains
--sites, --only and --redis here (its callback is wrapped, not rewritten).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

import click

from condition_archive.crawl.sites import Site, SitesError, load_sites


def register(main: click.Group) -> None:
    main.add_command(discover_command)
    crawl = main.commands["crawl"]
    crawl.params.extend([
        click.Option(["--sites"], type=click.Path(dir_okay=False),
                     help="A sites file (YAML): crawl its publishers, each with its own settings."),
        click.Option(["--only"], multiple=True, metavar="NAME", help="With --sites: only this site (repeatable)."),
        click.Option(["--redis"], metavar="URL",
                     help="Start a distributed crawl on Redis (redis://HOST:6379/0): workers fetch, `ingest` writes."),
        click.Option(["--crawl-name"], default="crawl", show_default=True,
                     help="With --redis: the name of the crawl's keys in Redis (one crawl per name at a time)."),
    ])
    crawl.callback = _wrap_crawl(crawl.callback)
    from condition_archive.cli.distributed import register as register_distributed

    register_distributed(main)


def _wrap_crawl(original):
    @functools.wraps(original)
    def callback(sites=None, only=(), redis=None, crawl_name="crawl", **kwargs):
        if only and not sites:
            raise click.ClickException("--only needs --sites: pass the sites file it selects from")
        if redis:
            from condition_archive.cli.distributed import start_distributed

            return start_distributed(redis, crawl_name, sites, only, **kwargs)
        if sites:
            if kwargs["urls"] or kwargs["resume"]:
                raise click.ClickException("--sites gives the seeds: drop the URLs (and --resume) or drop --sites")
            return crawl_sites(sites, only, kwargs["db"], kwargs["log_level"])
        return original(**kwargs)

    return callback


def site_seeds(site: Site) -> tuple[str, ...]:
    """The site's seeds, or the centers discovery finds (filtered by match, capped by limit)."""
    if site.seeds:
        return site.seeds
    from condition_archive.crawl.discover import DiscoveryError, discover

    try:
        found = [c.url for c in discover(site.discover)]
    except DiscoveryError as exc:
        raise click.ClickException(f"site {site.name}: {exc}") from None
    if site.match:
        found = [u for u in found if re.search(site.match, u)]
    if site.limit:
        found = found[: site.limit]
    if not found:
        raise click.ClickException(f"site {site.name}: discovery found no condition center on {site.discover}: "
                                   "check `condition-archive discover " + site.discover + "`, or list seeds")
    return tuple(found)


def site_options(site: Site, seeds: tuple[str, ...], db: str, log_level: str):
    from urllib.parse import urlsplit

    from condition_archive.crawl.runner import CrawlOptions

    hosts = sorted({urlsplit(s).hostname for s in seeds} | set(site.allowed_hosts))
    extra = {"CONCURRENT_REQUESTS_PER_DOMAIN": site.concurrency, "ARCHIVE_SITE": site.recorded(),
             "ARCHIVE_ALLOWED_HOSTS": list(site.allowed_hosts)}
    return CrawlOptions(urls=seeds, db=db, depth=site.depth, delay=site.delay, contact=site.contact,
                        log_level=log_level.upper(), day_first_sites=tuple(hosts) if site.day_first else (),
                        extra_settings=extra)


def crawl_sites(path: str, only: tuple[str, ...], db: str, log_level: str) -> None:
    """One crawl per selected site: in this process for one, one process each for several."""
    try:
        chosen = load_sites(path).select(tuple(only))
    except SitesError as exc:
        raise click.ClickException(str(exc)) from None
    if len(chosen) == 1:
        return _crawl_one(chosen[0], db, log_level)
    failed = []
    for site in chosen:
        click.echo(f"crawling site {site.name}", err=True)
        cmd = [sys.executable, "-m", "condition_archive", "crawl", "--sites", path, "--only", site.name,
               "--db", db, "--log-level", log_level]
        if subprocess.run(cmd).returncode != 0:
            failed.append(site.name)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(chosen)} sites did not finish ({', '.join(failed)}): "
                                   f"see the messages above; rerun one with --only NAME")


def _crawl_one(site: Site, db: str, log_level: str) -> None:
    from condition_archive import cli
    from condition_archive.archive.crawls import CrawlBusy
    from condition_archive.archive.db import ArchiveError
    from condition_archive.crawl.policy import BadSeed
    from condition_archive.crawl.runner import run_crawl
    from condition_archive.cli.base import tune_gc_for_crawl

    seeds = site_seeds(site)
    opts = site_options(site, seeds, db, log_level)
    try:
        opts.validate()
        cli._check_archive_path(db)
        cli._check_reachable(opts.urls)
        tune_gc_for_crawl()
        row = run_crawl(opts)
    except (BadSeed, ValueError, ArchiveError, CrawlBusy) as exc:
        raise click.ClickException(f"site {site.name}: {exc}") from None
    if row["status"] != "finished":
        raise click.ClickException(f"site {site.name}: crawl {row['id']} {row['status']}: "
                                   f"{row['finish_reason'] or 'killed'}; run the same command again")
    cli._check_seeds_archived(db, row)


@click.command("discover", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("host_or_url")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per center (url, evidence).")
@click.option("--match", help="Only centers whose URL matches this regular expression.")
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for each response.")
def discover_command(host_or_url, as_json, match, timeout) -> None:
    """Find a publisher's condition centers (sitemaps, A-Z pages) and say why each is one."""
    from condition_archive.crawl.discover import DiscoveryError, Fetcher, discover

    fetcher = Fetcher(timeout=timeout)
    try:
        centers = discover(host_or_url, fetcher)
    except DiscoveryError as exc:
        raise click.ClickException(str(exc)) from None
    if match:
        try:
            centers = [c for c in centers if re.search(match, c.url)]
        except re.error as exc:
            raise click.ClickException(f"--match {match!r} is not a valid regular expression ({exc})") from None
    for center in centers:
        if as_json:
            click.echo(json.dumps({"url": center.url, "evidence": center.evidence}))
        else:
            click.echo(center.url)
            for line in center.evidence:
                click.echo(f"    {line}")
    for line in fetcher.log:
        click.echo(f"note: {line}", err=True)
    if not centers:
        raise click.ClickException(f"no condition center found on {host_or_url}: no sitemap or A-Z index "
                                   "listed any; pass seed URLs to `crawl` instead")
    click.echo(f"{len(centers)} centers", err=True)
