"""How many pages per second the generated-site server answers, measured from
another process with keep-alive connections (the way Scrapy fetches).

    python bench/loadtest.py URL [URL ...] [--seconds 3] [--connections 8]

Prints one JSON line: requests, seconds, requests_per_s, bytes. Python's own
client is slower than the server, so this is a lower bound of what it serves.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def _worker(urls: list[str], stop_at: float, counts: list[int], index: int) -> None:
    parts = urlsplit(urls[0])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    paths = [urlsplit(u).path for u in urls]
    done = size = 0
    while time.perf_counter() < stop_at:  # bounded by the clock
        conn.request("GET", paths[(done + index) % len(paths)])
        response = conn.getresponse()
        size += len(response.read())
        done += 1
    conn.close()
    counts[2 * index], counts[2 * index + 1] = done, size


def measure(urls: list[str], seconds: float = 3.0, connections: int = 8) -> dict:
    counts = [0] * (2 * connections)
    start = time.perf_counter()
    threads = [threading.Thread(target=_worker, args=(urls, start + seconds, counts, i))
               for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 30)
    elapsed = time.perf_counter() - start
    requests = sum(counts[0::2])
    return {"requests": requests, "seconds": elapsed, "requests_per_s": requests / elapsed,
            "bytes": sum(counts[1::2]), "connections": connections}


def main() -> None:
    parser = argparse.ArgumentParser(description="Load-test the generated site on 127.0.0.1.")
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    for url in args.urls:
        if urlsplit(url).hostname != "127.0.0.1":
            parser.error(f"{url}: the load test only targets 127.0.0.1")
    print(json.dumps(measure(args.urls, args.seconds, args.connections)))


if __name__ == "__main__":
    main()
