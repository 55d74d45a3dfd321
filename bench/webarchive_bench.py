"""Web-archive benchmarks: WARC import rate, bytes stored per capture, and the time
of a no-op second backfill against a real pywb.

    python bench/webarchive_bench.py [--pages 500] [--json OUT]

1. The generated site (bench/gensite.py, N distinct pages) is written to a WARC
   twice: a first capture of every page in 2020 and a second in 2021 with 10% of
   the pages changed (the rest are revisit records), as a crawler writes them.
2. `import` of that WARC into a new archive: captures per second (the rate over
   both captures of every page); bytes the archive file grew by per capture (raw
   bodies, extracted versions, links, full-text index) and bytes of the stored raw
   bodies alone per capture, against the WARC's own size per capture.
3. The same WARC in a pywb collection (.venv-pywb, scripts/install-pywb.sh);
   `backfill --depth 2 --every all --delay 0` of its root center (the root, its
   centers, their articles), then the same backfill
   again: the second fetches nothing, and its time is the CDX queries alone.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from genserver import GenSite
from gensite import layout_for

from condition_archive.webarchive.sample_warc import SiteWarc

REPO = Path(__file__).resolve().parent.parent
PYWB = REPO / ".venv-pywb" / "bin"


def cli(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "condition_archive", *args], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return time.perf_counter() - start, proc.stdout.strip()


def db_bytes(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file())


def _stored(db: Path) -> int:
    """Bytes of the compressed raw bodies (captures.body), the WARC's counterpart."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sum(stored_size) FROM captures").fetchone()[0]


def write_warc(folder: Path, pages: int) -> tuple[Path, int, str]:
    warc = folder / "site.warc.gz"
    with GenSite(layout_for(pages)) as site, SiteWarc(warc) as out:
        paths = sorted(site.pages)
        for path in paths:
            out.capture(site.base_url + path, "2020-06-01T00:00:00Z")
        site.set_change_fraction(0.1)
        for path in paths:
            out.capture(site.base_url + path, "2021-06-01T00:00:00Z")
        return warc, 2 * len(paths), site.root_url


def pywb_backfill(folder: Path, warc: Path, root: str) -> dict:
    subprocess.run([str(PYWB / "wb-manager"), "init", "web"], cwd=folder, check=True, capture_output=True)
    subprocess.run([str(PYWB / "wb-manager"), "add", "web", str(warc)], cwd=folder, check=True, capture_output=True)
    port = 8790
    proc = subprocess.Popen([str(PYWB / "wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cdx = f"http://127.0.0.1:{port}/web/cdx"
        for _ in range(200):
            try:
                urllib.request.urlopen(cdx + "?url=x&output=json", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        db = folder / "backfill.db"
        args = ["backfill", root, "--db", str(db), "--cdx", cdx, "--delay", "0", "--every", "all", "--depth", "2"]
        first, out1 = cli(*args)
        second, out2 = cli(*args)
        return {"first_backfill_s": round(first, 2), "first_output": out1,
                "noop_backfill_s": round(second, 2), "noop_output": out2,
                "noop_over_first": round(second / first, 3)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warc, captures, root = write_warc(folder, args.pages)
        db = folder / "import.db"
        seconds, output = cli("import", str(warc), "--db", str(db))
        result = {
            "pages": args.pages, "captures": captures, "import_s": round(seconds, 2),
            "captures_per_s": round(captures / seconds, 1), "import_output": output,
            "archive_bytes_per_capture": round(db_bytes(db) / captures),
            "capture_store_bytes_per_capture": round(_stored(db) / captures),
            "warc_gz_bytes_per_capture": round(warc.stat().st_size / captures),
        }
        if (PYWB / "wayback").exists():
            result.update(pywb_backfill(folder, warc, root))
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
