"""What the workers share in Redis, each change one atomic Lua script.

- `InflightQueue`: scrapy-redis' priority queue whose pop also files the request
  in the worker's in-flight hash (scrapy-redis pops destructively: a killed
  worker would lose what it held).
- `commit`: everything a response (or the crawl's start) produced, at once: its
  items to the stream, its new links to the seen set and the queue, its
  in-flight entry removed, the pending counter adjusted. A commit whose in-flight
  entry is gone (the worker was taken for dead and its request given to another)
  changes nothing.
- `reap`: a dead worker's in-flight requests back in the queue.
- `RedisView`: ArchiveView's interface (validators, done, stored links,
  revisits) over what the ingest published, so workers never open SQLite.
"""

from __future__ import annotations

import json
import pickle
from urllib.parse import urlsplit

from scrapy_redis.queue import PriorityQueue

from .keys import Keys

# Pop the best request whose host is free (its slot not held, or held by a dead worker), filing it in flight;
# members start with their host ("host\n" + the scrapy-redis encoding). Nothing when the
# first PEEK requests all wait for busy hosts: the engine asks again shortly.
POP = """
local function free(slot)
  local holder = redis.call('GET', slot)
  if not holder then return true end
  -- a slot holds "<the holder's heartbeat key> <token>": a dead holder's slot is free
  local alive = string.match(holder, '^(%S+) ')
  if alive and redis.call('EXISTS', alive) == 0 then redis.call('DEL', slot); return true end
  return false
end
local r = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1, 'WITHSCORES')
for k = 1, #r, 2 do
  local host = string.match(r[k], '^([^\\n]*)\\n')
  if host == nil or free(ARGV[1] .. host) then
    redis.call('ZREM', KEYS[1], r[k])
    redis.call('HSET', KEYS[2], r[k], r[k + 1])
    return r[k]
  end
end
return false
"""
PEEK = 64

# KEYS: seen, queue, stream, inflight, pending, state, hostseq
# A request's score is -priority * 1e12 + its rank among its host's requests, so the
# queue interleaves hosts: the n-th request of every host before the (n+1)-th of any
# (a queue ordered by URL would offer one host's requests first, all waiting for it).
# ARGV: inflight member ('' for the start), start flag ('1' last start chunk), n items, items...,
#       n children, (url, score, request)...
COMMIT = """
if ARGV[1] ~= '' then
  if redis.call('HDEL', KEYS[4], ARGV[1]) == 0 then return -1 end
elseif ARGV[2] == '1' then
  if redis.call('HSETNX', KEYS[6], 'started', '1') == 0 then return -1 end
end
local i = 3
local n = tonumber(ARGV[i]); i = i + 1
for k = 1, n do redis.call('XADD', KEYS[3], '*', 'type', 'item', 'item', ARGV[i]); i = i + 1 end
local m = tonumber(ARGV[i]); i = i + 1
local new = 0
for k = 1, m do
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    local host = string.match(ARGV[i + 2], '^([^\\n]*)\\n') or ''
    local seq = redis.call('HINCRBY', KEYS[7], host, 1)
    redis.call('ZADD', KEYS[2], tonumber(ARGV[i + 1]) * 1e12 + seq, ARGV[i + 2]); new = new + 1
  end
  i = i + 3
end
local done = 0
if ARGV[1] ~= '' then done = 1 end
redis.call('INCRBY', KEYS[5], new - done)
return new
"""

REAP = """
local r = redis.call('HGETALL', KEYS[1])
for k = 1, #r, 2 do redis.call('ZADD', KEYS[2], r[k + 1], r[k]) end
redis.call('DEL', KEYS[1])
return #r / 2
"""


class InflightQueue(PriorityQueue):
    """scrapy-redis' PriorityQueue; pop takes a request of a host no worker is fetching from
    and files it under this worker's in-flight hash."""

    def _encode_request(self, request):
        host = (urlsplit(request.url).hostname or "").encode()
        return host + b"\n" + super()._encode_request(request)

    def _decode_request(self, encoded_request):
        return super()._decode_request(encoded_request.split(b"\n", 1)[1])

    def pop(self, timeout=0):
        spider = self.spider
        member = self.server.eval(POP, 2, self.key, spider.keys.inflight(spider.worker_id),
                                  spider.keys.slot(""), PEEK)
        if not member:
            return None
        request = self._decode_request(member)
        request.meta["ca_member"] = member
        return request


def commit(server, keys: Keys, worker: str, member: bytes | None, items: list, children: list,
           start_last: bool = False) -> int:
    """Push a response's items and new requests atomically; -1 when it was not ours any more.
    `children`: (url, score, encoded request)."""
    args: list = [member or "", "1" if start_last else "0", len(items)]
    args += [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items]
    args.append(len(children))
    for url, score, data in children:
        args += [url, score, data]
    return server.eval(COMMIT, 7, keys.seen, keys.queue, keys.stream, keys.inflight(worker), keys.pending,
                       keys.state, keys.hostseq, *args)


def reap_dead(server, keys: Keys, me: str) -> int:
    """Requeue the in-flight requests of workers whose heartbeat expired; how many."""
    moved = 0
    for raw in server.smembers(keys.workers):
        worker = raw.decode()
        if worker == me or server.exists(keys.alive(worker)):
            continue
        moved += int(server.eval(REAP, 2, keys.inflight(worker), keys.queue))
        server.srem(keys.workers, worker)
    return moved


def slim(item):
    """The item as the stream carries it: the raw body dropped when the packed
    (compressed) capture is there, since the ingest restores it from that."""
    if getattr(item, "packed", None) is not None and getattr(item, "body", None):
        import dataclasses

        return dataclasses.replace(item, body=b"")
    return item


class _RedisMap:
    def __init__(self, server, key: str):
        self.server, self.key = server, key

    def get(self, url: str, default=None):
        raw = self.server.hget(self.key, url)
        return tuple(json.loads(raw)) if raw else default


class _RedisSet:
    def __init__(self, server, key: str):
        self.server, self.key = server, key

    def __contains__(self, url: str) -> bool:
        return bool(self.server.sismember(self.key, url))


class RedisView:
    """ArchiveView over Redis: what the ingest published when it opened the crawl."""

    def __init__(self, server, keys: Keys):
        self.server, self.keys = server, keys
        self.validators = _RedisMap(server, keys.validators)
        self.done = _RedisSet(server, keys.done)

    def stored_links(self, url: str) -> list[str]:
        raw = self.server.hget(self.keys.links, url)
        return json.loads(raw) if raw else []

    def revisits(self, hosts: frozenset[str], max_depth: int) -> list[tuple[str, int]]:
        raw = self.server.get(self.keys.revisits)
        return [(u, d) for u, d in json.loads(raw or "[]") if d <= max_depth and urlsplit(u).hostname in hosts]


def publish_view(server, keys: Keys, db, crawl_id: int | None, resume: bool) -> None:
    """Write what workers read instead of the archive (called by the ingest, which owns it)."""
    from condition_archive.archive import crawls
    from condition_archive.crawl.policy import FOLLOW_REGIONS

    pipe = server.pipeline(transaction=False)
    pipe.delete(keys.validators, keys.links, keys.done)
    for i, (url, pair) in enumerate(crawls.validators(db).items()):
        pipe.hset(keys.validators, url, json.dumps(pair))
        if i % 1000 == 999:
            pipe.execute()
    marks = ",".join("?" * len(FOLLOW_REGIONS))
    links: dict[str, list[str]] = {}
    for url, href in db.execute(
            f"SELECT p.url, l.href FROM pages p JOIN links l ON l.version_id = p.current_version_id "
            f"WHERE p.state = 'live' AND l.region IN ({marks}) ORDER BY p.id, l.position", list(FOLLOW_REGIONS)):
        links.setdefault(url, []).append(href)
    for i, (url, hrefs) in enumerate(links.items()):
        pipe.hset(keys.links, url, json.dumps(hrefs))
        if i % 1000 == 999:
            pipe.execute()
    pipe.set(keys.revisits, json.dumps(crawls.known_pages(db)))
    done = crawls.done_urls(db, crawl_id) if resume and crawl_id else set()
    for url in done:
        pipe.sadd(keys.done, url)
    pipe.execute()
