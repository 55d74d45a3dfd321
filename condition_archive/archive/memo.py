"""What the store keeps in memory between writes, so that a crawl does not look the
same rows up on every page or update its crawl row once per page.

- Ids of rows it found or made: link blocks (a site's menus and footers), date
  sources, each site's dictionary. A rolled-back INSERT gives its id to the next
  row, so an id counts only once the transaction that found or made it has
  committed: until then it is tentative, and a rollback drops the tentative ones.
- Inside a batch (archive/batch.py), the next free link id.

One Memo per Archive, i.e. per connection and writer; it only learns of commits and
rollbacks through the Archive's own writes and its BatchWriter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCKS_KEPT = 50_000  # block ids kept (a few MB); then forgotten at once and learnt again


class IdCache:
    """Ids by key: those of committed transactions, and those of the open one."""

    def __init__(self, limit: int | None = None):
        self.durable: dict = {}
        self.tentative: dict = {}
        self.limit = limit

    def get(self, key, default=None):
        found = self.tentative.get(key)
        if found is not None:
            return found
        return self.durable.get(key, default)

    def __setitem__(self, key, value) -> None:
        self.tentative[key] = value

    def committed(self) -> None:
        if self.limit is not None and len(self.durable) + len(self.tentative) > self.limit:
            self.durable.clear()
        self.durable.update(self.tentative)
        self.tentative.clear()

    def rolled_back(self) -> None:
        self.tentative.clear()


@dataclass
class Memo:
    blocks: IdCache = field(default_factory=lambda: IdCache(BLOCKS_KEPT))  # link_blocks.id by hash
    date_sources: IdCache = field(default_factory=IdCache)  # date_sources.id by (field, source)
    site_keys: IdCache = field(default_factory=IdCache)  # (capture_dicts.id, zstd id) by site; False: none
    next_link: int | None = None  # the next free links.id, while a batch is open
    batch_open: bool = False  # inside a BatchWriter's transaction, which tells how it ends
    depth: int = 0  # Archive writes under way (0: a subclass writing on its own)

    @property
    def caches(self) -> tuple[IdCache, ...]:
        return self.blocks, self.date_sources, self.site_keys

    def snapshot(self) -> tuple:
        return (self.next_link,)

    def restore(self, saved: tuple) -> None:
        """Back to before a write that failed (its savepoint was rolled back)."""
        (self.next_link,) = saved
        for cache in self.caches:
            cache.rolled_back()

    def committed(self) -> None:
        for cache in self.caches:
            cache.committed()

    def rolled_back(self) -> None:
        """The open transaction is gone, with whatever it wrote."""
        self.next_link = None
        for cache in self.caches:
            cache.rolled_back()
