"""The Redis keys of one named distributed crawl, and the connection."""

from __future__ import annotations

from dataclasses import dataclass

GROUP = "ingest"


@dataclass(frozen=True)
class Keys:
    name: str = "crawl"

    @property
    def prefix(self) -> str:
        return f"ca:{self.name}"

    def __getattr__(self, part: str) -> str:
        # keys.queue, keys.seen, keys.stream ... -> "ca:NAME:queue"
        if part.startswith("_"):
            raise AttributeError(part)
        return f"ca:{self.name}:{part}"

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"

    def alive(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def slot(self, host: str) -> str:
        return f"ca:slot:{host}"  # shared by every crawl on this Redis: politeness is per host

    def crawl_keys(self) -> list[str]:
        """The keys a new crawl starts without (the stream stays: the ingest may still be reading it)."""
        return [f"{self.prefix}:{k}" for k in ("queue", "seen", "pending", "state", "validators", "links",
                                               "revisits", "done", "starter", "workers", "hostseq")]


def connect(url: str):
    """A Redis client for `url`, or a one-line error saying what to do."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=60)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url} ({exc}): start redis-server or fix --redis "
                               "(redis://HOST:6379/0)") from None
    return client


class RedisUnavailable(Exception):
    """Redis cannot be reached; the message says what to do."""
