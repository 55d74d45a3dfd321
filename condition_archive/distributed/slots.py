"""Politeness across the cluster: one request at a time per host, whatever the number of workers.

A downloader middleware takes the host's slot in Redis before each download
(`SET ca:slot:HOST token NX PX lease`) and waits while another worker holds it;
when the response (or the error) is in, it keeps the slot for the site's delay
(ARCHIVE_HOST_DELAY, seconds) and lets it expire. A slot held by a worker whose
heartbeat has expired (killed mid-download) is taken over; the lease (download
timeout + 10 s) is the last resort. Robots.txt requests pass here too.
"""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

import redis

from .keys import Keys

RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) else redis.call('DEL', KEYS[1]) end
  return 1
end
return 0
"""
# Delete the slot if it is still held by this (dead) holder.
TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
POLL = 0.01


class HostSlotMiddleware:
    def __init__(self, server, keys: Keys, delay: float, lease: float, crawler=None):
        self.server, self.keys, self.crawler = server, keys, crawler
        self.delay_ms = int(delay * 1000)
        self.lease_ms = int(lease * 1000)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        server = redis.Redis.from_url(s.get("REDIS_URL"), socket_timeout=60)
        return cls(server, Keys(s.get("ARCHIVE_REDIS_NAME", "crawl")), s.getfloat("ARCHIVE_HOST_DELAY", 1.0),
                   s.getfloat("DOWNLOAD_TIMEOUT", 30) + 10, crawler)

    async def process_request(self, request):
        host = urlsplit(request.url).hostname or ""
        worker = getattr(self.crawler.spider, "worker_id", "-") if self.crawler else "-"
        key, token = self.keys.slot(host), f"{self.keys.alive(worker)} {uuid.uuid4().hex}"
        waits = 0
        while not self.server.set(key, token, nx=True, px=self.lease_ms):
            waits += 1
            if waits % 50 == 0:
                self._free_if_dead(key)
            await asyncio.sleep(POLL)
        request.meta["ca_slot"] = (key, token)
        return None

    def _free_if_dead(self, key: str) -> None:
        holder = self.server.get(key)
        if holder and not self.server.exists(holder.split(b" ", 1)[0]):
            self.server.eval(TAKE_OVER, 1, key, holder)

    def _release(self, request) -> None:
        slot = request.meta.pop("ca_slot", None)
        if slot:
            self.server.eval(RELEASE, 1, slot[0], slot[1], self.delay_ms)

    def process_response(self, request, response):
        self._release(request)
        return response

    def process_exception(self, request, exception):
        self._release(request)
        return None
