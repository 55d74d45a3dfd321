"""A raw capture as the archive keeps it: SHA-256 (hex), SHA-1 (base32, as WARC
and CDX records write it) and the compressed bytes (zlib, or zstd with the site's
dictionary when the worker has it). Pure; the extraction worker packs each page
so that the crawl's own thread does not hash and compress."""

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


def digests(body: bytes) -> tuple[str, str]:
    """SHA-256 hex, and SHA-1 base32 as WARC/CDX records write it."""
    sha1 = base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
    return hashlib.sha256(body).hexdigest(), sha1


def pack(body: bytes, zstd: tuple | None = None) -> Packed:
    """Hashed and compressed: zlib, or with `zstd` = (dictionary key, compressor)."""
    sha256, sha1 = digests(body)
    if zstd is not None:
        return Packed(sha256, sha1, zstd[1].compress(body), "zstd", zstd[0])
    return Packed(sha256, sha1, zlib.compress(body, LEVEL))
