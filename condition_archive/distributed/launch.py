"""Start a distributed crawl (its options into Redis, a "start" entry on the stream) and run a worker."""

from __future__ import annotations

import json
import time

from .keys import Keys


class CrawlRunning(Exception):
    """A crawl of the same name is still going on in this Redis."""


def start(server, keys: Keys, options: dict) -> None:
    """Queue a new crawl for the ingest to open; refuse when one of this name is unfinished."""
    status = server.hget(keys.state, "status")
    if status in (b"waiting", b"ready"):
        # Its entries may still be in the stream: the ingest must write them under its crawl first.
        what = ("has ended but its ingest has not written it all" if server.hget(keys.state, "ended")
                else "is still running")
        raise CrawlRunning(f"a crawl named {keys.name!r} {what} in this Redis: run (or wait for) "
                           f"`condition-archive ingest --crawl-name {keys.name}`, or pass another --crawl-name")
    for worker in server.smembers(keys.workers):
        server.delete(keys.inflight(worker.decode()))
    server.delete(*keys.crawl_keys())
    blob = json.dumps(options, sort_keys=True)
    server.hset(keys.state, mapping={"status": "waiting", "options": blob, "created": time.time()})
    server.xadd(keys.stream, {"type": "start", "options": blob})


def wait_ready(server, keys: Keys, wait: float, poll: float = 0.2) -> dict | None:
    """The crawl's options once the ingest has opened it; None when none came within `wait` s."""
    deadline = time.monotonic() + wait
    while True:
        state = server.hgetall(keys.state)
        if state.get(b"status") == b"ready" and not state.get(b"ended"):
            return json.loads(state[b"options"])
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll)


def worker_settings(redis_url: str, keys: Keys, options: dict):
    """The single-process crawl's settings, with Redis as scheduler, queue and output."""
    from condition_archive.crawl.runner import CrawlOptions, scrapy_settings

    opts = CrawlOptions(urls=tuple(options["urls"]), depth=options["depth"], delay=options["delay"],
                        contact=options.get("contact"), log_level=options.get("log_level", "INFO"),
                        day_first_sites=tuple(options.get("day_first_sites", ())),
                        extra_settings=options.get("extra_settings", {}))
    settings = scrapy_settings(opts)
    mw = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    mw["condition_archive.distributed.slots.HostSlotMiddleware"] = 950
    settings.setdict({
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "condition_archive.distributed.redisq.InflightQueue",
        "SCHEDULER_QUEUE_KEY": keys.queue,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",  # unused: requests are dont_filter
        "SCHEDULER_PERSIST": True,  # the queue belongs to the crawl, not to this worker
        "REDIS_URL": redis_url,
        "ARCHIVE_REDIS_NAME": keys.name,
        # The host slot in Redis does the delay and the one-at-a-time per host for the cluster.
        "ARCHIVE_HOST_DELAY": options["delay"],
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY_JITTER": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOADER_MIDDLEWARES": mw,
        "ITEM_PIPELINES": {},  # items go to the stream in the spider's commit
        "EXTENSIONS": {},  # the progress extension reads the archive; workers never open it
        "ARCHIVE_DB": "",
        "LOG_LEVEL": options.get("log_level", "INFO"),
        **options.get("worker_settings", {}),
    }, priority="cmdline")
    return settings


def run_worker(redis_url: str, keys: Keys, options: dict) -> dict:
    """Run this process's worker until the crawl ends; its Scrapy stats."""
    from scrapy.core.engine import ExecutionEngine
    from scrapy.crawler import CrawlerProcess

    from .spider import DistributedSpider

    # The engine asks its scheduler for work every 5 s when idle; other workers
    # fill the shared queue and free hosts at any moment, so ask often (one Lua call).
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 0.1
    process = CrawlerProcess(worker_settings(redis_url, keys, options))
    crawler = process.create_crawler(DistributedSpider)
    process.crawl(crawler, url=",".join(options["urls"]), depth=options["depth"])
    process.start()
    return crawler.stats.get_stats()
