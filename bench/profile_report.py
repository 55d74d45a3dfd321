"""Where a profiled archive crawl spends its time, from a cProfile file.

Stages are the cumulative times of the components' own entry points (the
spider's parse, each pipeline's process_item); "Scrapy, Twisted, asyncio" is what
the reactor spent outside them (downloading, scheduling, middlewares, signals).
"""

from __future__ import annotations

import io
import pstats
from pathlib import Path

from procs import REPO

STAGES = (
    ("spider: parse (the raw page or the outcome)", "spiders/condition_center.py", "parse"),
    ("pipeline: extract (hand the page to the worker pool, take its result)", "pipelines/extract.py",
     "process_item"),
    ("pipeline: links (links to follow, scheduled through the engine)", "pipelines/links.py", "process_item"),
    ("pipeline: store (SQLite archive)", "pipelines/store.py", "process_item"),
)
REACTOR = ("twisted/internet/asyncioreactor.py", "run")
PROJECT_DIRS = ("/condition_archive/", "/spiders/", "/pipelines/")


def _cum(raw: dict, suffix: str, func: str) -> float:
    return max((v[3] for (file, _, name), v in raw.items()
                if file.endswith(suffix) and name == func), default=0.0)


def _label(key: tuple) -> str:
    file, line, name = key
    if file == "~":
        return name  # a built-in or C function
    for marker in (f"{REPO}/", "/site-packages/", "/lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{file}:{line}({name})"


def summarize(prof: Path, top: int = 15) -> dict:
    stats = pstats.Stats(str(prof))
    raw = stats.stats  # {(file, line, func): (cc, nc, tottime, cumtime, callers)}
    total = stats.total_tt
    reactor = _cum(raw, *REACTOR) or total
    stages = [{"stage": label, "seconds": _cum(raw, suffix, func)} for label, suffix, func in STAGES]
    inside = sum(s["seconds"] for s in stages)
    stages.append({"stage": "Scrapy, Twisted, asyncio (download, scheduling, middlewares)",
                   "seconds": max(reactor - inside, 0.0)})
    stages.append({"stage": "start-up before the reactor (imports, schema, settings)",
                   "seconds": max(total - reactor, 0.0)})
    for stage in stages:
        stage["share"] = stage["seconds"] / total if total else 0.0
    # The project's own functions, below the entry chain (__main__, cli, runner: ~100%).
    project = sorted(((k, v) for k, v in raw.items()
                      if k[0].startswith(f"{REPO}/") and "/.venv/" not in k[0]
                      and any(d in k[0] for d in PROJECT_DIRS) and v[3] < 0.9 * total),
                     key=lambda kv: kv[1][3], reverse=True)[:top]
    own = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {
        "total_s": total,
        "stages": stages,
        "top_project_cumulative": [{"function": _label(k), "calls": v[1], "cumulative_s": v[3],
                                    "share": v[3] / total} for k, v in project],
        "top_own_time": [{"function": _label(k), "calls": v[1], "own_s": v[2], "share": v[2] / total}
                         for k, v in own],
    }


def write_text(prof: Path, out: Path, top: int = 40) -> Path:
    """pstats' own listings (by cumulative and by own time), for reading in full."""
    buffer = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    out.write_text(buffer.getvalue(), encoding="utf-8")
    return out
