"""How captures are compressed, and reading them back whatever wrote them.

A site's pages share their template, so a zstandard dictionary trained on a few
hundred of its pages holds most of every page's bytes: captures compressed with
it take about a tenth of their zlib size. Until a site has DICT_SAMPLES captures
they are zlib (level 9, as the extraction worker packs them); then its dictionary
is trained from them, stored in capture_dicts, and those samples and every later
capture of the site are zstd with it. A crawl reaches a site's hub pages first,
so once the site has RETRAIN_SAMPLES captures its dictionary is trained again from
its latest captures (a wider sample: a third fewer bytes per capture on the
generated site) and those are recompressed with it. Each capture records its codec
(captures.compression) and dictionary (captures.dict_id); zlib captures and
uncompressed ones stay readable forever, and a dictionary is never changed, only
deleted once no capture uses it.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import zstandard

from .savepoint import all_or_none

ZLIB, ZSTD = "zlib", "zstd"
DICT_SAMPLES = 200  # a site's captures before its dictionary is trained
RETRAIN_SAMPLES = 1000  # a site's captures when its dictionary is trained again
DICT_SIZE = 112 * 1024  # zstd's default; a 64 KiB one costs 30% more bytes per capture
ZSTD_LEVEL = 9  # with a dictionary faster than zlib 9; level 19 saves 8% more at 20x the time
# A page of up to TUNED_UP_TO bytes (nearly all) is compressed with level 9's parameters
# for its size but zstd's lazy strategy (level 9 has lazy2) and matches of 5 bytes or
# more (not 4): with a site's dictionary a quarter less CPU and 0.5-1.4% fewer bytes on
# the generated site (docs/benchmarks.md, issue 16 session 11). Larger pages: level 9.
TUNED_UP_TO = 128 * 1024
TUNED = {"strategy": zstandard.STRATEGY_LAZY, "min_match": 5}
MIN_DICT_SIZE = 4096
# fastCOVER parameters fixed: its search over them takes 4x longer for 1.5% fewer bytes.
TRAIN = {"k": 2048, "d": 8}


class SiteCompressor:
    """Compresses a site's captures with its dictionary (the store's and the workers')."""

    def __init__(self, dictionary: zstandard.ZstdCompressionDict):
        size = len(dictionary.as_bytes())
        # as ZstdCompressor(level=9) writes its frames: content size and dictionary id, no checksum
        tuned = zstandard.ZstdCompressionParameters.from_level(
            ZSTD_LEVEL, source_size=TUNED_UP_TO, dict_size=size, write_content_size=1, write_dict_id=1,
            write_checksum=0, **TUNED)
        self.tuned = zstandard.ZstdCompressor(dict_data=dictionary, compression_params=tuned)
        self.plain = zstandard.ZstdCompressor(level=ZSTD_LEVEL, dict_data=dictionary)

    def compress(self, body: bytes) -> bytes:
        return (self.tuned if len(body) <= TUNED_UP_TO else self.plain).compress(body)


def zstd_compressor(dictionary: bytes) -> SiteCompressor:
    """The compressor a site's captures are written with (the store's and the workers')."""
    return SiteCompressor(zstandard.ZstdCompressionDict(dictionary))


class CaptureReadError(Exception):
    """A capture this code cannot decompress; the message says which and why."""


@dataclass
class Encoded:
    compression: str
    dict_id: int | None
    data: bytes | None  # None: compressed later (Codecs.defer), with `key`
    key: tuple[int, int] | None = None


@dataclass
class Codecs:
    """Per connection: each site's dictionary and compressor, and every dictionary
    read so far. A dictionary row is immutable, so caching it by (id, zstd's own
    dictionary id) stays right even when a rolled-back write reuses an id."""

    conn: sqlite3.Connection
    samples: int = DICT_SAMPLES
    retrain: int = RETRAIN_SAMPLES
    pending: dict[str, int] = field(default_factory=dict)  # zlib captures stored per site this run
    since: dict[str, int] = field(default_factory=dict)  # captures with a first dictionary, per site this run
    _compressors: dict[tuple[int, int], SiteCompressor] = field(default_factory=dict)
    _decompressors: dict[tuple[int, int], zstandard.ZstdDecompressor] = field(default_factory=dict)
    _dict_column: bool | None = None
    # Told (site, key, dictionary) when a site's dictionary is first used: the crawl's
    # extraction workers then compress with it (zstd_data below).
    on_dictionary: Callable[[str, tuple[int, int], bytes], None] | None = None
    # Each site's dictionary key (False: none yet) while the store lets it be kept
    # (archive/memo.py's IdCache; None: read it every time).
    keys: object | None = None
    # Captures stored empty until `finish` compresses them (capture id, key, raw bytes, row):
    # a crawl's store compresses a batch's new pages one after the other at its commit.
    deferred: list[tuple[int, tuple[int, int] | None, bytes, dict]] = field(default_factory=list)

    def site_dict(self, site: str) -> tuple[int, int] | None:
        if self.keys is not None:
            known = self.keys.get(site)
            if known is not None:
                return known or None
        row = self.conn.execute("SELECT id, zstd_dict_id FROM capture_dicts WHERE site = ? ORDER BY id DESC "
                                "LIMIT 1", [site]).fetchone()
        key = (row[0], row[1]) if row else None
        if self.keys is not None:
            self.keys[site] = key or False
        return key

    def encode(self, site: str, body: bytes, zlib_data: bytes | None,
               zstd_data: tuple[tuple[int, int], bytes] | None = None, later: bool = False) -> Encoded:
        """The site's dictionary when it has one, else zlib; the worker's bytes when
        it used the same codec and dictionary (zstd_data: (key, bytes)). `later`: not
        compressed yet (data None) when it would be compressed here (see `defer`)."""
        key = self.site_dict(site)
        if key is None:
            if zlib_data is not None:
                return Encoded(ZLIB, None, zlib_data)
        elif zstd_data is not None and zstd_data[0] == key:
            return Encoded(ZSTD, key[0], zstd_data[1])
        codec, dict_id = (ZLIB, None) if key is None else (ZSTD, key[0])
        return Encoded(codec, dict_id, None if later else self.compress(site, key, body), key)

    def compress(self, site: str, key: tuple[int, int] | None, body: bytes) -> bytes:
        """zlib without a dictionary key, else zstd with that dictionary."""
        if key is None:
            return zlib.compress(body, 9)
        compressor = self._compressors.get(key)
        if compressor is None:
            dictionary = self._dictionary(key)
            compressor = SiteCompressor(dictionary)
            self._compressors = {key: compressor}  # one site at a time in practice
            if self.on_dictionary is not None:
                self.on_dictionary(site, key, dictionary.as_bytes())
        return compressor.compress(body)

    # -- compressed at the batch's commit ---------------------------------------------
    # In a crawl Scrapy's work between two pages evicts the compressor's tables (its
    # dictionary, hash and chain tables: about a megabyte) from the CPU's caches: a page
    # compressed alone costs 2-3 times what it costs right after another one. So the
    # store writes a batch's new captures empty (their rows must exist: versions and the
    # ledger point at them) and `finish` compresses them together just before the commit.

    def defer(self, capture_id: int, encoded: Encoded, body: bytes, row: dict) -> None:
        """Capture `capture_id`, written as `row` with an empty body, is `body` to be
        compressed as `encoded` says (by `finish`, in the same transaction)."""
        self.deferred.append((capture_id, encoded.key, body, row))

    def finish(self) -> None:
        """Compress the deferred captures and put them in place of their empty rows, all
        or none (the open transaction stays usable after a failure; they stay deferred).
        Deleted and inserted again, not updated: an UPDATE that grows a row splits its
        page, where inserts at the table's end fill each page."""
        deferred = self.deferred
        if not deferred:
            return
        rows = []
        for capture_id, key, body, row in deferred:
            data = self.compress(row["site"], key, body)
            rows.append([capture_id, *{**row, "stored_size": len(data), "body": data}.values()])
        names = ", ".join(f"[{c}]" for c in ["id", *deferred[0][3]])
        conn = self.conn
        with all_or_none(conn, "captures_deferred"):
            conn.execute("PRAGMA defer_foreign_keys = ON")  # versions and the ledger point at them meanwhile
            conn.executemany("DELETE FROM captures WHERE id = ?", [[r[0]] for r in rows])
            conn.executemany(f"INSERT INTO captures ({names}) VALUES ({', '.join('?' * len(rows[0]))})", rows)
            conn.execute("PRAGMA defer_foreign_keys = OFF")
        self.deferred = []

    def stored(self, site: str, encoded: Encoded) -> None:
        """Count a capture of the site; train its dictionary when there are enough
        zlib ones, and again when its first dictionary has compressed enough."""
        if not site:
            return
        if encoded.compression == ZSTD and self.since.get(site, 0) >= 0:
            self.since[site] = self.since.get(site, 0) + 1
            if self.since[site] >= self.retrain - self.samples:
                self.since[site] = -1  # once per run and site: retrain() checks the rest
                self.retrain_dict(site)
        if encoded.compression != ZLIB:
            return
        self.pending[site] = self.pending.get(site, 0) + 1
        if self.pending[site] >= self.samples:
            self.pending[site] = 0
            self.train(site)

    def retrain_dict(self, site: str) -> int | None:
        """Train the site's dictionary again from its latest `retrain` captures, when its
        current one was trained on fewer, and recompress them with it; the old dictionary
        goes when no capture uses it any more. In the caller's transaction."""
        old = self.conn.execute("SELECT id, samples FROM capture_dicts WHERE site = ? ORDER BY id DESC LIMIT 1",
                                [site]).fetchone()
        if old is None or old[1] >= self.retrain:
            return None
        self.finish()  # the bodies read below
        rows = self.conn.execute("SELECT id, compression, dict_id, body FROM captures WHERE site = ? "
                                 "ORDER BY id DESC LIMIT ?", [site, self.retrain]).fetchall()
        if len(rows) < self.retrain:
            return None
        bodies = [self.decode(*row) for row in rows]
        dict_id = self._store_dict(site, bodies)
        if dict_id is not None:
            self._rewrite([row[0] for row in rows], site, bodies)
            if self.conn.execute("SELECT 1 FROM captures WHERE dict_id = ? LIMIT 1", [old[0]]).fetchone() is None:
                self.conn.execute("DELETE FROM capture_dicts WHERE id = ?", [old[0]])
        return dict_id

    def train(self, site: str) -> int | None:
        """Train the site's dictionary from its latest zlib captures and recompress them
        with it. In the caller's transaction: a kill leaves them as they were."""
        self.finish()  # the bodies read below
        rows = self.conn.execute("SELECT id, body FROM captures WHERE site = ? AND compression = ? "
                                 "ORDER BY id DESC LIMIT ?", [site, ZLIB, self.samples]).fetchall()
        if len(rows) < self.samples or self.site_dict(site):
            return None
        bodies = [zlib.decompress(data) for _, data in rows]
        dict_id = self._store_dict(site, bodies)
        if dict_id is not None:  # else too little to learn from: the site stays zlib
            self._rewrite([capture_id for capture_id, _ in rows], site, bodies)
        return dict_id

    def _store_dict(self, site: str, bodies: list[bytes]) -> int | None:
        size = min(DICT_SIZE, max(MIN_DICT_SIZE, sum(map(len, bodies)) // 20))  # zstd: samples ~20-100x the dictionary
        try:
            trained = zstandard.train_dictionary(size, bodies, **TRAIN)
        except zstandard.ZstdError:
            return None
        dict_id = self.conn.execute(
            "INSERT INTO capture_dicts (site, codec, zstd_dict_id, size, samples, created_at, dictionary) "
            "VALUES (?, ?, ?, ?, ?, datetime('now'), ?)",
            [site, ZSTD, trained.dict_id(), len(trained.as_bytes()), len(bodies), trained.as_bytes()]).lastrowid
        if self.keys is not None:
            self.keys[site] = (dict_id, trained.dict_id())
        return dict_id

    def _rewrite(self, ids: list[int], site: str, bodies: list[bytes]) -> None:
        """Recompress captures in place. Deleted and inserted again under the same id, not
        updated: SQLite merges the pages a shrinking UPDATE leaves nearly empty only on a
        delete (a tenth of their old size each, they would waste most of a page)."""
        columns = [r[1] for r in self.conn.execute("PRAGMA table_info(captures)")]
        marks = ", ".join("?" * len(columns))
        names = ", ".join(f"[{c}]" for c in columns)
        saved = []
        for capture_id, body in zip(ids, bodies):
            row = dict(zip(columns, self.conn.execute(f"SELECT {names} FROM captures WHERE id = ?",
                                                      [capture_id]).fetchone()))
            encoded = self.encode(site, body, None)
            row.update(body=encoded.data, stored_size=len(encoded.data), compression=encoded.compression,
                       dict_id=encoded.dict_id)
            saved.append([row[c] for c in columns])
        self.conn.execute("PRAGMA defer_foreign_keys = ON")  # versions and fetches point at them meanwhile
        self.conn.executemany("DELETE FROM captures WHERE id = ?", [[i] for i in ids])
        self.conn.executemany(f"INSERT INTO captures ({names}) VALUES ({marks})", sorted(saved, key=lambda r: r[0]))
        self.conn.execute("PRAGMA defer_foreign_keys = OFF")  # all back: later writes checked at once again

    def decode(self, capture_id: int, compression: str | None, dict_id: int | None, data: bytes) -> bytes:
        """The raw bytes of a capture, whichever codec wrote it."""
        try:
            if compression == ZLIB:
                return zlib.decompress(data)
            if not compression:
                return data
            if compression == ZSTD:
                return self._decompressor(dict_id).decompress(data) if dict_id else \
                    zstandard.ZstdDecompressor().decompress(data)
        except (zlib.error, zstandard.ZstdError) as exc:
            raise CaptureReadError(f"capture {capture_id} is damaged ({exc}): restore the archive "
                                   "from a backup") from exc
        raise CaptureReadError(f"capture {capture_id} is stored with {compression}, which this version "
                               "cannot read: upgrade condition-archive")

    def _has_dict_column(self) -> bool:
        if self._dict_column is None:
            self._dict_column = any(r[1] == "dict_id" for r in self.conn.execute("PRAGMA table_info(captures)"))
        return self._dict_column

    def _decompressor(self, dict_id: int) -> zstandard.ZstdDecompressor:
        row = self.conn.execute("SELECT zstd_dict_id FROM capture_dicts WHERE id = ?", [dict_id]).fetchone()
        if row is None:
            raise CaptureReadError(f"dictionary {dict_id} is missing from capture_dicts: restore the archive "
                                   "from a backup")
        key = (dict_id, row[0])
        if key not in self._decompressors:
            self._decompressors[key] = zstandard.ZstdDecompressor(dict_data=self._dictionary(key))
        return self._decompressors[key]

    def _dictionary(self, key: tuple[int, int]) -> zstandard.ZstdCompressionDict:
        data = self.conn.execute("SELECT dictionary FROM capture_dicts WHERE id = ?", [key[0]]).fetchone()[0]
        return zstandard.ZstdCompressionDict(data)

    def read(self, capture_id: int) -> bytes:
        self.finish()  # a capture still empty
        # an archive made before issue 16 and opened read-only has no dict_id column
        dict_id = "dict_id" if self._has_dict_column() else "NULL"
        row = self.conn.execute(f"SELECT compression, {dict_id}, body FROM captures WHERE id = ?",
                                [capture_id]).fetchone()
        if row is None:
            raise CaptureReadError(f"no capture {capture_id} in the archive")
        return self.decode(capture_id, *row)


def read_capture(conn: sqlite3.Connection, capture_id: int) -> bytes:
    """The raw bytes of one capture (a Codecs object reads many faster)."""
    return Codecs(conn).read(capture_id)
