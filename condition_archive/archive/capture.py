"""A raw capture as the archive keeps it: SHA-256 (hex), SHA-1 (base32, as WARC
and CDX records write it) and the compressed bytes (zlib, or zstd with the site's
dictionary). Pure. The distributed crawl's nodes pack each page in their
extraction workers (they send captures without their raw bytes); the crawl's
store packs a page itself, and only when it has no capture with its SHA-256."""

from __future__ import annotations

import base64
import hashlib
import zlib
from dataclasses import dataclass

COMPRESSION = "zlib"
LEVEL = 9  # level 6 is as fast here and 0.2% larger; captures are kept forever


@dataclass(frozen=True)
class Packed:
    sha256: str
    sha1_b32: str
    data: bytes  # zlib.compress(body, LEVEL), or zstd with the dictionary `dict_key`
    codec: str = COMPRESSION
    dict_key: tuple[int, int] | None = None  # (capture_dicts.id, zstd's dictionary id)


def sha1_b32(body: bytes) -> str:
    """SHA-1 in base32, as WARC/CDX records write it."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def digests(body: bytes) -> tuple[str, str]:
    """SHA-256 hex, and SHA-1 base32 as WARC/CDX records write it."""
    return hashlib.sha256(body).hexdigest(), sha1_b32(body)


def pack(body: bytes, zstd: tuple | None = None) -> Packed:
    """Hashed and compressed: zlib, or with `zstd` = (dictionary key, compressor)."""
    sha256, sha1 = digests(body)
    if zstd is not None:
        return Packed(sha256, sha1, zstd[1].compress(body), "zstd", zstd[0])
    return Packed(sha256, sha1, zlib.compress(body, LEVEL))
