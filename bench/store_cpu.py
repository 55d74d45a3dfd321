"""The crawl thread's CPU for storing a page: Archive.record_page through a BatchWriter
(50 pages a commit, as earlier sessions measured; --commit-pages), with the extraction done beforehand.

    python bench/store_cpu.py [--pages 2000] [--rounds 5] [--profile] [--dump FILE] [--inputs FILE] [--unpacked]

The generated site (bench/gensite.py) is rendered and every page extracted first
(analyse_page, as the worker does), headers as the bench server sends them. An
untimed pass learns when the store trains each site's zstd dictionary; the pages
after that are packed with it, as the workers do once the store tells them, so the
store only compresses what it would in a crawl. Then, per round, into a new archive:

  first crawl:  every page new;
  re-crawl:     the same pages again, 10% of them changed (gensite's changed_paths).

Prints CPU ms per page of each (process time of this process, the fastest of the
rounds: the one least disturbed by other load on the machine; dictionary training, a few times per site, is counted apart), the SQL
statements per page (top-level ones, and those SQLite runs inside for triggers
and FTS5, counted on an extra round), and one JSON line. `--profile` prints
cProfile's top functions of one more round; `--dump FILE` writes every table's
rows after both crawls (the clock is fixed, so two versions of the code can be
compared row for row with `diff`). `--inputs FILE` keeps the rendered, extracted
and packed pages in FILE (made when missing), so that runs of two versions of the
code can alternate quickly on the same inputs (PYTHONHASHSEED=0 for both).
`--unpacked`: no page comes packed, as in the crawl since issue 16's session 12 (the
extraction workers return no capture; the store hashes each page and compresses
the new ones).
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import json
import pickle
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

from gensite import Generator, layout_for

from condition_archive.archive import crawls
from condition_archive.archive.batch import BatchWriter
from condition_archive.archive.capture import pack
from condition_archive.archive.codec import Codecs, zstd_compressor
from condition_archive.archive.db import open_archive
from condition_archive.archive.store import Archive
from condition_archive.crawl.items import FetchedPage
from condition_archive.crawl.worker import analyse_page
from condition_archive.extract import EXTRACTOR_VERSION

BASE = "http://127.0.0.1:8780"
SEED = BASE + "/conditions"
START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
# The crawl's ARCHIVE_COMMIT_PAGES default until issue 16's session 12 (200 since, with
# its one-second bound; no time bound here): kept so that figures compare across sessions.
COMMIT_PAGES = 50


@dataclass
class Crawl:
    name: str
    pages: list[FetchedPage]


class Clock:
    """A fixed clock for Archive(now=...): one second per call, so runs compare row for row."""

    def __init__(self, start: datetime):
        self.t = start

    def __call__(self) -> str:
        self.t += timedelta(seconds=1)
        return self.t.isoformat(timespec="seconds")


def _fetched(url: str, page, extract, packed, at: datetime, depth: int, referer: str) -> FetchedPage:
    headers = {"server": "BaseHTTP/0.6 Python/3.11.2", "date": format_datetime(at, usegmt=True),
               "content-type": "text/html; charset=utf-8", "content-length": str(len(page.body)),
               "etag": page.etag, "last-modified": page.last_modified, "cache-control": "no-cache"}
    return FetchedPage(url, 200, headers, page.body, at.isoformat(timespec="seconds"), depth=depth,
                       referer=referer, extract=extract, packed=packed)


def build_crawls(pages: int) -> list[Crawl]:
    """The first crawl and the 10%-changed re-crawl, extracted (an unchanged page's
    extract is reused: its bytes are the same)."""
    gen = Generator(layout_for(pages))
    first = gen.render_all(BASE)
    second = gen.render_all(BASE, gen.changed_paths(0.1))
    extracts: dict[bytes, tuple] = {}
    out = []
    for n, rendered in enumerate((first, second)):
        at = START + timedelta(days=30 * n)
        items = []
        for i, (path, page) in enumerate(rendered.items()):
            url = BASE + path
            if page.body not in extracts:
                _, extract, packed = analyse_page(page.body, url, {"content-type": "text/html; charset=utf-8"}, ())
                extracts[page.body] = (extract, packed)
            depth = 0 if path == "/conditions" else path.count("/") - 1
            referer = "" if depth == 0 else BASE + path.rsplit("/", 1)[0] if depth > 1 else SEED
            items.append(_fetched(url, page, *extracts[page.body], at + timedelta(seconds=i), depth, referer))
        out.append(Crawl(("first crawl", "re-crawl 10% changed")[n], items))
    return out


def learn_dictionaries(crawl_list: list[Crawl], workdir: Path) -> None:
    """Store once, untimed, noting when each site's dictionary is first used; pack the
    later pages with it, as the workers do once the store sends it to them."""
    events: list[tuple[int, tuple, bytes]] = []
    index = {"n": 0}

    def hook(site, key, data):
        events.append((index["n"], key, data))

    _store_all(crawl_list, workdir / "learn.db", on_dictionary=hook, index=index)
    if not events:
        return
    n = 0
    for crawl in crawl_list:
        for i, page in enumerate(crawl.pages):
            latest = [e for e in events if e[0] <= n]
            if latest:
                _, key, data = latest[-1]
                packed = pack(page.body, (key, _compressor(key, data)))
                crawl.pages[i] = replace(page, packed=packed)
            n += 1


_COMPRESSORS: dict = {}


def _compressor(key, data):
    if key not in _COMPRESSORS:
        _COMPRESSORS[key] = zstd_compressor(data)
    return _COMPRESSORS[key]


class Training:
    """CPU spent training and retraining dictionaries (counted apart: a few times per site)."""

    def __init__(self):
        self.seconds = 0.0

    def wrap(self, codecs: Codecs) -> None:
        for name in ("train", "retrain_dict"):
            original = getattr(codecs, name)

            def timed(*args, _original=original):
                start = time.process_time()
                try:
                    return _original(*args)
                finally:
                    self.seconds += time.process_time() - start
            setattr(codecs, name, timed)


def _store_all(crawl_list: list[Crawl], path: Path, on_dictionary=None, index=None,
               trace=None, profile=None) -> list[dict]:
    """Record every crawl into a new archive at `path`; per crawl its CPU seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_archive(path)
    archive = Archive(db, now=Clock(START))
    archive.codecs.on_dictionary = on_dictionary
    training = Training()
    training.wrap(archive.codecs)
    if trace is not None:
        db.conn.set_trace_callback(trace)
    results = []
    for n, crawl in enumerate(crawl_list):
        crawl_id = crawls.start_crawl(db, [SEED], {}, EXTRACTOR_VERSION,
                                      now=(START + timedelta(days=30 * n)).isoformat())
        batch = (archive.batch_writer(COMMIT_PAGES, 3600.0) if hasattr(archive, "batch_writer")
                 else BatchWriter(db, COMMIT_PAGES, 3600.0))  # the code before issue 16 session 9
        training.seconds = 0.0
        if profile is not None:
            profile.enable()
        start = time.process_time()
        for page in crawl.pages:
            batch.write(archive.record_page, crawl_id, page, page.extract, EXTRACTOR_VERSION)
            if index is not None:
                index["n"] += 1
        batch.commit()
        seconds = time.process_time() - start
        if profile is not None:
            profile.disable()
        crawls.finish_crawl(db, crawl_id, "finished", "finished", now=(START + timedelta(days=30 * n, hours=1)).isoformat())
        results.append({"seconds": seconds, "training": training.seconds, "pages": len(crawl.pages)})
    db.conn.set_trace_callback(None)
    db.close()
    return results


def count_statements(crawl_list: list[Crawl], path: Path) -> list[dict]:
    """Top-level statements and trigger/FTS5 statements per page, per crawl."""
    counts = [collections.Counter() for _ in crawl_list]
    current = {"n": -1}
    starts = {}

    def trace(sql: str) -> None:
        if current["n"] >= 0:
            counts[current["n"]]["inner" if sql.startswith("--") else "top"] += 1

    # start_crawl runs outside the timed loop; mark each crawl by its first page
    original = Archive.record_page

    def record_page(self, crawl_id, *args):
        current["n"] = starts.setdefault(crawl_id, len(starts))
        return original(self, crawl_id, *args)

    Archive.record_page = record_page
    try:
        _store_all(crawl_list, path, trace=trace)
    finally:
        Archive.record_page = original
    return [{"top": c["top"] / len(crawl.pages), "inner": c["inner"] / len(crawl.pages)}
            for c, crawl in zip(counts, crawl_list)]


# Not from the store's clock: the process id, and SQLite's datetime('now').
UNSTABLE = {"crawls": ("pid",), "capture_dicts": ("created_at",)}


def dump_tables(path: Path, out: Path) -> int:
    """Every table's rows (FTS5 shadow tables left out: their layout is not what a
    query sees; the FTS tables' own rows are in), then every term instance each FTS
    index holds, one JSON line per row."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT GLOB '*_fts_*' ORDER BY name")]
    rows = 0
    with out.open("w") as fh:
        for name in names:
            cursor = conn.execute(f"SELECT * FROM [{name}] ORDER BY 1")
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                values = dict(zip(columns, (r.hex() if isinstance(r, bytes) else r for r in row)))
                for column in UNSTABLE.get(name, ()):
                    values[column] = None
                fh.write(json.dumps([name, list(values.values())]) + "\n")
                rows += 1
        for fts in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                               "sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%' ORDER BY name")]:
            # the index itself (an external-content FTS table reads its rows from the table)
            conn.execute(f"CREATE VIRTUAL TABLE temp.[{fts}_terms] USING fts5vocab(main, [{fts}], instance)")
            for row in conn.execute(f"SELECT term, doc, col, offset FROM temp.[{fts}_terms] ORDER BY 1, 2, 3, 4"):
                fh.write(json.dumps([f"{fts} index", list(row)]) + "\n")
                rows += 1
    conn.close()
    return rows


def _inputs(pages: int, path: Path | None, work: Path) -> list[Crawl]:
    if path is not None and path.exists():  # (name, pages) pairs: readable whoever imports this module
        crawl_list = [Crawl(name, items) for name, items in pickle.loads(path.read_bytes())]
        if len(crawl_list[0].pages) == len(Generator(layout_for(pages)).paths()):
            return crawl_list
    start = time.perf_counter()
    crawl_list = build_crawls(pages)
    print(f"{sum(len(c.pages) for c in crawl_list)} pages rendered and extracted in "
          f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    learn_dictionaries(crawl_list, work)
    if path is not None:
        path.write_bytes(pickle.dumps([(c.name, c.pages) for c in crawl_list]))
    return crawl_list


def main(argv: list[str] | None = None) -> None:
    global COMMIT_PAGES  # read by _store_all
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile one more round, top 30 by own time")
    parser.add_argument("--dump", type=Path, help="write every table's rows after both crawls here")
    parser.add_argument("--inputs", type=Path, help="the prepared pages, kept in this file (made when missing)")
    parser.add_argument("--unpacked", action="store_true", help="no page packed by a worker: the store packs")
    parser.add_argument("--commit-pages", type=int, default=COMMIT_PAGES,
                        help="pages a batch commits (the crawl's ARCHIVE_COMMIT_PAGES; no time bound here)")
    args = parser.parse_args(argv)
    COMMIT_PAGES = args.commit_pages
    with tempfile.TemporaryDirectory(prefix="store-cpu-") as tmp:
        work = Path(tmp)
        crawl_list = _inputs(args.pages, args.inputs, work)
        if args.unpacked:
            for crawl in crawl_list:
                crawl.pages[:] = [replace(page, packed=None) for page in crawl.pages]
        rounds = [_store_all(crawl_list, work / "store.db") for _ in range(args.rounds)]
        statements = count_statements(crawl_list, work / "trace.db")
        if args.dump:
            print(f"{dump_tables(work / 'trace.db', args.dump)} rows written to {args.dump}", file=sys.stderr)
        if args.profile:
            profile = cProfile.Profile()
            _store_all(crawl_list, work / "profile.db", profile=profile)
    summary = []
    print("| crawl | pages | store CPU ms/page | of which dictionary training | statements/page (+ inside triggers, FTS5) |")
    print("|---|---:|---:|---:|---:|")
    for n, crawl in enumerate(crawl_list):
        ms = min(1000 * (r[n]["seconds"] - r[n]["training"]) / r[n]["pages"] for r in rounds)
        training = min(1000 * r[n]["training"] / r[n]["pages"] for r in rounds)
        st = statements[n]
        print(f"| {crawl.name} | {len(crawl.pages)} | {ms:.3f} | {training:.3f} | {st['top']:.1f} (+ {st['inner']:.1f}) |")
        summary.append({"crawl": crawl.name, "pages": len(crawl.pages), "ms_per_page": round(ms, 4),
                        "training_ms_per_page": round(training, 4), "statements": st})
    print(json.dumps({"rounds": args.rounds, "crawls": summary}))
    if args.profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
