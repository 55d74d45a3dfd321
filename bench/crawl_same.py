"""Whether checkouts archive a generated site identically through the real crawl (the
CLI, its extraction worker and pipes included): each crawls the same site, and the
archives' logical dumps (tests/archive_dump.py, page by page, the site's port as SITE)
are compared. store_cpu.py --dump compares the store alone, extraction done in-process.

    python bench/crawl_same.py --tree before=/tmp/base --tree after=. [--pages 2000]

Prints each dump's size and digest, then "identical" or "DIFFERENT"; exits 1 when they differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from gensite import layout_for
from genserver import GenSite
from procs import REPO, crawl_cmd, run_measured

sys.path.insert(0, str(REPO / "tests"))
import archive_dump  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", action="append", required=True, help="LABEL=PATH of a checkout")
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    digests = []
    with tempfile.TemporaryDirectory(prefix="crawl-same-") as tmp, GenSite(layout_for(args.pages)) as site:
        base = site.root_url.rsplit("/", 1)[0]
        for label, path in (t.split("=", 1) for t in args.tree):
            tree, db = Path(path).resolve(), Path(tmp) / f"{label}.db"
            env = dict(os.environ, PYTHONPATH=str(tree))
            run_measured(crawl_cmd(site.root_url, db, log_level="WARNING"), cwd=tree, env=env).check()
            text = json.dumps(archive_dump.dump(db, base), sort_keys=True)
            digests.append(hashlib.sha256(text.encode()).hexdigest())
            print(f"{label}: {len(text)} bytes, sha256 {digests[-1][:16]}", flush=True)
    same = len(set(digests)) == 1
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
