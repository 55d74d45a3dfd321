"""The worker's spider: the condition_center spider, its outputs committed to Redis.

It decides what to fetch and extracts exactly as in one process (the same
`parse`, the same extraction pool the extraction pipeline awaits, the same
`follow_links`); only where its outputs go differs: a response's items and new
requests are one atomic commit to Redis (redisq.commit) instead of the pipelines,
the engine's scheduler and the store, and what it reads of the archive comes from
Redis (RedisView).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid

import redis
import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.worker import ExtractionPool
from spiders.condition_center import ConditionCenterSpider

from .keys import Keys
from .redisq import InflightQueue, RedisView, commit, reap_dead, slim

HEARTBEAT_MS = 5000  # a worker silent this long is dead; its in-flight requests are requeued
TICK = 0.5
START_CHUNK = 500

END = """
if redis.call('HSETNX', KEYS[1], 'ended', '1') == 1 then
  redis.call('XADD', KEYS[2], '*', 'type', 'end')
  return 1
end
return 0
"""


class DistributedSpider(ConditionCenterSpider):
    name = "condition_center_redis"
    layered = False  # requests go to Redis at once; their priority orders them

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.keys = Keys(settings.get("ARCHIVE_REDIS_NAME", "crawl"))
        spider.server = redis.Redis.from_url(settings.get("REDIS_URL"), socket_timeout=60)
        spider.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        spider.encoder = InflightQueue(spider.server, spider, spider.keys.queue)
        spider.ended = False
        spider.ticker = None
        spider.extraction = ExtractionPool.from_crawler(crawler)  # no pipelines here: the spider awaits it
        spider.day_first_sites = tuple(settings.getlist("ARCHIVE_DAY_FIRST_SITES"))
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    def open_view(self):
        return RedisView(self.server, self.keys)

    async def start(self):
        self._alive()
        self.server.sadd(self.keys.workers, self.worker_id)
        self.ticker = asyncio.get_running_loop().create_task(self._tick())
        outs = [out async for out in super().start()]  # sets up view, pool and traps, as in one process
        if self.server.hget(self.keys.state, "started"):
            return
        if not self.server.set(self.keys.starter, self.worker_id, nx=True, ex=120):
            return  # another worker queues the seeds
        for i in range(0, max(len(outs), 1), START_CHUNK):
            last = i + START_CHUNK >= len(outs)
            self._commit(None, outs[i:i + START_CHUNK], start_last=last)
        return
        yield  # an async generator that yields nothing: requests go to Redis

    async def _linked_pages_done(self) -> None:
        """Nothing to wait for: start()'s requests go to Redis in one commit, where
        the revisits' lower priority puts them after the links."""

    # -- outputs go to Redis in one commit per response ----------------------------

    async def parse(self, response):
        outs = []
        for out in super().parse(response):
            if isinstance(out, FetchedPage):
                out = await self.extraction.extract(out, self.day_first_sites)
                if out is None:
                    return  # stopping: nothing committed, the request is requeued for another worker
                if isinstance(out, FetchedPage) and out.extract is not None:
                    outs.extend(self.follow_links(out))
            outs.append(out)
        self._commit(response.meta.get("ca_member"), outs)
        return
        yield

    def failed(self, failure):
        outs = list(super().failed(failure))
        self._commit(failure.request.meta.get("ca_member"), outs)
        return []

    def _commit(self, member: bytes | None, outs: list, start_last: bool = False) -> None:
        children, items = [], []
        for out in outs:
            if isinstance(out, scrapy.Request):
                children.append((out.url, -out.priority, self.encoder._encode_request(out)))
            else:
                items.append(slim(out))
        result = commit(self.server, self.keys, self.worker_id, member, items, children, start_last)
        self.crawler.stats.inc_value("distributed/commits" if result >= 0 else "distributed/stale_commits")

    # -- liveness, requeueing the dead, the end of the crawl ----------------------

    def _alive(self) -> None:
        self.server.set(self.keys.alive(self.worker_id), 1, px=HEARTBEAT_MS)

    async def _tick(self) -> None:
        n = 0
        while not self.ended:
            await asyncio.sleep(TICK)
            try:
                self._alive()
                n += 1
                if n % 4 == 0 and reap_dead(self.server, self.keys, self.worker_id):
                    self.logger.warning("requeued the requests of a worker that stopped answering")
                self._check_end()
            except redis.RedisError as exc:
                self.logger.error("Redis: %s", exc)

    def _check_end(self) -> None:
        state = self.server.hgetall(self.keys.state)
        if b"ended" not in state and state.get(b"started"):
            pending = int(self.server.get(self.keys.pending) or 0)
            if pending <= 0 and not self.server.zcard(self.keys.queue):
                self.server.eval(END, 2, self.keys.state, self.keys.stream)
                state = {b"ended": b"1"}
        if b"ended" in state and not self.ended:
            self.ended = True
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="finished"))

    def idle(self) -> None:
        if not self.ended:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        self.ended = True
        self.extraction.stop()
        try:
            self.server.delete(self.keys.alive(self.worker_id))  # whatever it still held is requeued at once
        except redis.RedisError:
            pass
