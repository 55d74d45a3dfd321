"""python -m condition_archive.sample_site --version 2025 --port 8000"""

from __future__ import annotations

import argparse
import time

from .model import VERSIONS
from .server import SampleSite


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m condition_archive.sample_site",
                                     description="Serve the bundled sample site on 127.0.0.1.")
    parser.add_argument("--version", choices=VERSIONS, default="2025", help="site version to serve")
    parser.add_argument("--port", type=int, default=8000, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    with SampleSite(args.version, port=args.port) as site:
        print(f"Sample site {args.version} at {site.url('/conditions/upper-back-pain')}  (Ctrl-C stops)",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
