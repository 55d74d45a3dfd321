"""Extraction worker processes for the crawl (ARCHIVE_EXTRACT_WORKERS).

The extraction pipeline sends each page's bytes to `analyse_page` in a worker and
gets back everything the crawl's own thread would otherwise compute: the
PageExtract (the links to follow among it) and the packed capture. Arguments and
results pickle. With 0 workers the pool runs the same function in this thread:
one code path whatever the worker count.

`ExtractionPool` owns the workers: a page may take at most ARCHIVE_PAGE_BUDGET
seconds of a worker (then the worker is killed and replaced, and the page is
archived raw with an error row), a worker that dies is replaced, and `stop()`
(SIGTERM, Ctrl-C: the runner sends the `stop_extraction` signal) kills the
workers at once instead of waiting for their pages.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from condition_archive.archive.capture import Packed, pack
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.extract.model import PageExtract, options_for
from condition_archive.extract.parse import parse_html
from condition_archive.extract.stages import header_value, run_all

logger = logging.getLogger(__name__)

# Sent by the runner on the first SIGTERM/Ctrl-C: kill busy workers (their pages
# are left for --resume) instead of letting Scrapy's graceful stop wait for them.
stop_extraction = object()


def analyse_page(data: bytes, url: str, headers: dict[str, str], day_first_sites: tuple[str, ...]
                 ) -> tuple[str | None, PageExtract | None, Packed | None]:
    """(why it is not HTML, None, None) or (None, the PageExtract, the packed capture)."""
    parsed = parse_html(data, url, header_value(headers, "content-type"))
    if parsed.root is None:
        return parsed.problem or "not html", None, None
    extract = run_all(data, url, headers, options_for(url, day_first_sites), parsed)
    return None, extract, pack(data)


def ready() -> bool:
    """A no-op: running it in a new worker imports the extractor before a page's clock starts."""
    return True


def exit_with_parent(parent_pid: int) -> None:
    """Worker-process initializer: exit as soon as the crawl that started it is
    gone (kill -9 included), instead of waiting forever on its task queue and
    keeping the crawl's output pipes open."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


# (why it is not HTML, the PageExtract, the packed capture, why extraction failed)
Analysis = tuple[str | None, PageExtract | None, Packed | None, str | None]


class ExtractionPool:
    def __init__(self, workers: int, budget: float = 0.0, on_restart=None, new_executor=None):
        self.workers, self.budget = max(0, workers), budget
        self.on_restart = on_restart or (lambda: None)
        self._new = new_executor or self._new_processes  # tests may run the same code in threads
        self.stopping = False
        self.pool = self._new() if self.workers or new_executor else None
        self._warm: dict[int, asyncio.Future] = {}
        self._queued: asyncio.Semaphore | None = None
        self._running: asyncio.Semaphore | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "ExtractionPool":
        """The pool the settings ask for (ARCHIVE_EXTRACT_WORKERS, ARCHIVE_PAGE_BUDGET),
        stopped by the `stop_extraction` signal."""
        settings = crawler.settings
        pool = cls(settings.getint("ARCHIVE_EXTRACT_WORKERS", 0), settings.getfloat("ARCHIVE_PAGE_BUDGET", 30.0),
                   on_restart=lambda: crawler.stats.inc_value("archive/extract_worker_restarts"))
        crawler.signals.connect(pool.stop, signal=stop_extraction, weak=False)
        return pool

    async def extract(self, page: FetchedPage, day_first_sites: tuple[str, ...]) -> FetchedPage | Outcome | None:
        """The page with its `extract` (or `failure`) and `packed` filled in; a
        "skipped" Outcome when it is not HTML after all; None when the crawl is stopping."""
        result = await self.analyse(page.body, page.url, page.headers, day_first_sites)
        if result is None:
            return None
        problem, extract, packed, failure = result
        if problem:
            return Outcome(page.url, "skipped", problem, page.fetched_at, status=page.status, depth=page.depth,
                           referer=page.referer, headers=page.headers, redirects=page.redirects)
        page.extract, page.packed, page.failure = extract, packed, failure
        return page

    def _new_processes(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=exit_with_parent, initargs=(os.getpid(),))

    async def analyse(self, data: bytes, url: str, headers: dict[str, str],
                      day_first_sites: tuple[str, ...]) -> Analysis | None:
        """The page's analysis, or None when the crawl is stopping (no ledger row:
        --resume fetches the page again). A worker that dies (killed, out of memory)
        is replaced and the page tried once more; an extraction bug, or a page over
        the budget, is a failure, never a lost page."""
        for _ in range(2):
            if self.stopping:
                return None
            pool = self.pool
            try:
                problem, extract, packed = await self._run(pool, data, url, headers, day_first_sites)
                return problem, extract, packed, None
            except asyncio.TimeoutError:
                self._kill(pool)
                self._replace(pool, f"an extraction worker spent over {self.budget:g} s on {url}")
                return None, None, None, (f"extraction took longer than {self.budget:g} s "
                                          "(ARCHIVE_PAGE_BUDGET): archived raw; `condition-archive "
                                          "reprocess` retries it")
            except BrokenProcessPool:
                self._replace(pool)
            except Exception as exc:  # noqa: BLE001 - any extraction bug must not lose the page
                return None, None, None, f"extraction failed: {type(exc).__name__}: {exc}"
        if self.stopping:
            return None
        return None, None, None, ("extraction failed: the extraction worker died twice on this page "
                                  "(killed or out of memory)")

    async def _run(self, pool: ProcessPoolExecutor | None, *args):
        """Run analyse_page in the pool (in this thread when it has no workers). A page is handed over at once (a worker never
        waits for its next page), but its budget starts only when it reaches a worker:
        as many clocks run as there are workers, taken in the order pages were handed
        over, which is the order the workers take them in."""
        if pool is None:
            return analyse_page(*args)  # no budget in this thread: nothing could stop it
        self._queued = self._queued or asyncio.Semaphore(2 * self.workers)
        self._running = self._running or asyncio.Semaphore(self.workers)
        async with self._queued:
            await self._ready(pool)
            task = asyncio.get_running_loop().run_in_executor(pool, analyse_page, *args)
            async with self._running:
                return await asyncio.wait_for(task, self.budget or None)

    async def _ready(self, pool: ProcessPoolExecutor) -> None:
        if id(pool) not in self._warm:
            self._warm = {id(pool): asyncio.get_running_loop().run_in_executor(pool, ready)}
        await asyncio.shield(self._warm[id(pool)])

    @staticmethod
    def _kill(pool: ProcessPoolExecutor | None) -> None:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass

    def _replace(self, broken: ProcessPoolExecutor, why: str = "an extraction worker died") -> None:
        if broken is self.pool and not self.stopping:  # the first of the pages it broke replaces it
            logger.warning("%s; starting a new one", why)
            self.on_restart()
            broken.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()

    def stop(self) -> None:
        """Kill the workers now: the crawl is stopping and their pages are left for --resume."""
        self.stopping = True
        if self.pool is not None:
            self._kill(self.pool)
            self.pool.shutdown(wait=False, cancel_futures=True)
