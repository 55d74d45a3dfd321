"""Capture bytes and compression CPU of zstd settings with a site's dictionary, on the
generated site's first-crawl pages (bench/store_cpu.py's inputs).

    PYTHONHASHSEED=0 python bench/zstd_params.py [--inputs FILE] [--pages 2000]

The dictionary is trained as the store trains it (archive/codec.py: its latest 200
captures, then its latest 1,000); each setting compresses every page three times and
the fastest pass is reported, with the bytes against level 9 and whether every frame
reads back.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import zstandard

from condition_archive.archive import codec
from store_cpu import _inputs


def settings(dictionary: zstandard.ZstdCompressionDict) -> dict[str, object]:
    def level(n: int) -> zstandard.ZstdCompressor:
        return zstandard.ZstdCompressor(level=n, dict_data=dictionary)
    return {"level 9": level(9), "level 8": level(8), "level 7": level(7), "level 6": level(6),
            "the store's (codec.SiteCompressor)": codec.SiteCompressor(dictionary)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--inputs", type=Path, help="bench/store_cpu.py's --inputs file")
    args = parser.parse_args()
    bodies = [page.body for page in _inputs(args.pages, args.inputs, Path(tempfile.mkdtemp()))[0].pages]
    print(f"{len(bodies)} pages, {sum(map(len, bodies)) // len(bodies)} bytes each on average")
    for samples in (codec.DICT_SAMPLES, codec.RETRAIN_SAMPLES):
        latest = bodies[:samples][::-1]
        size = min(codec.DICT_SIZE, max(codec.MIN_DICT_SIZE, sum(map(len, latest)) // 20))
        data = zstandard.train_dictionary(size, latest, **codec.TRAIN).as_bytes()
        reader = zstandard.ZstdDecompressor(dict_data=zstandard.ZstdCompressionDict(data))
        print(f"\ndictionary from {samples} captures\n"
              "| compressor | bytes | vs level 9 | ms a page | reads back |\n|---|---:|---:|---:|---|")
        first = None
        for name, compressor in settings(zstandard.ZstdCompressionDict(data)).items():
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                frames = [compressor.compress(body) for body in bodies]
                best = min(best, time.process_time() - start)
            total = sum(map(len, frames))
            first = first or total
            same = all(reader.decompress(f) == b for f, b in zip(frames, bodies))
            print(f"| {name} | {total:,} | {total / first - 1:+.2%} | {best / len(bodies) * 1000:.3f} | {same} |")


if __name__ == "__main__":
    main()
