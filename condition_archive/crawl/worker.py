"""Extraction worker processes for the crawl (ARCHIVE_EXTRACT_WORKERS).

The extraction pipeline sends each page's bytes to the workers and gets back
what the crawl's own thread would otherwise compute: the PageExtract (the links
to follow among it). The crawl's pool (`pack=False`) leaves hashing and
compressing the capture to the store, which does it only for a capture it does
not have yet (most of a re-crawl's pages), with the site's zstd dictionary once
it has one; other users of the pool (the distributed crawl's nodes, which send
captures without their raw bytes) get the packed capture too (`analyse_page`).
Arguments and results pickle. With 0 workers the pool runs the same function in
this thread: one code path whatever the worker count.

The functions themselves are in analysis.py, imported here on first use (only a
crawl without workers runs them in this process).
`ExtractionPool` owns the workers (workerproc.py: a process each, its pipes read
and written from the event loop): a page may take at most ARCHIVE_PAGE_BUDGET
seconds of a worker (then the worker is killed and replaced, and the page is
archived raw with an error row), a worker that dies is replaced and its page
tried once more, and `stop()` (SIGTERM, Ctrl-C: the runner sends the
`stop_extraction` signal) kills the workers at once instead of waiting for their pages.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import deque
from dataclasses import dataclass, field

from condition_archive.archive.capture import Packed
from condition_archive.crawl.items import FetchedPage, Outcome
from condition_archive.crawl.workermain import UNPACKED
from condition_archive.crawl.workerproc import TARGET, WorkerProcess
from condition_archive.extract.model import PageExtract

logger = logging.getLogger(__name__)


def __getattr__(name: str):
    """`analyse_page` and `analyse_unpacked`, imported on first use: the extraction's
    modules load in the workers, not in the crawl process, unless it runs without workers."""
    if name in ("analyse_page", "analyse_unpacked"):
        from condition_archive.crawl import analysis
        globals().update(analyse_page=analysis.analyse_page, analyse_unpacked=analysis.analyse_unpacked)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Sent by the runner on the first SIGTERM/Ctrl-C: kill busy workers (their pages
# are left for --resume) instead of letting Scrapy's graceful stop wait for them.
stop_extraction = object()

IN_FLIGHT = 4  # pages handed to a worker at a time: it never waits for its next page


# (why it is not HTML, the PageExtract, the packed capture (None with pack=False), why extraction failed)
Analysis = tuple[str | None, PageExtract | None, Packed | None, str | None]


@dataclass(eq=False)
class _Job:
    args: tuple
    future: asyncio.Future
    tries: int = 0  # workers that died on it
    started: float | None = None  # the loop's time when its worker began it (its budget runs from then)


@dataclass(eq=False)
class _Worker:
    proc: WorkerProcess
    jobs: deque = field(default_factory=deque)  # handed over, in the order it takes them
    ready: bool = False
    timer: asyncio.TimerHandle | None = None  # the budget's check (_clock)


class ExtractionPool:
    def __init__(self, workers: int, budget: float = 0.0, on_restart=None, target: str | None = None,
                 pack: bool = True):
        self.workers, self.budget = max(0, workers), budget
        self.pack = pack  # False: no packed capture (the crawl's store packs the new ones)
        self.target = target or (TARGET if pack else UNPACKED)
        self.on_restart = on_restart or (lambda: None)  # tests run a buggy `target` in a real worker
        self.stopping = False
        self._workers: list[_Worker] = []
        self._queue: deque[_Job] = deque()  # pages waiting for a worker
        self._seq = 0
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    def from_crawler(cls, crawler, pack: bool = True) -> "ExtractionPool":
        """The pool the settings ask for (ARCHIVE_EXTRACT_WORKERS, ARCHIVE_PAGE_BUDGET),
        stopped by the `stop_extraction` signal."""
        settings = crawler.settings
        pool = cls(settings.getint("ARCHIVE_EXTRACT_WORKERS", 0), settings.getfloat("ARCHIVE_PAGE_BUDGET", 30.0),
                   on_restart=lambda: crawler.stats.inc_value("archive/extract_worker_restarts"), pack=pack)
        crawler.signals.connect(pool.stop, signal=stop_extraction, weak=False)
        return pool

    async def extract(self, page: FetchedPage, day_first_sites: tuple[str, ...]) -> FetchedPage | Outcome | None:
        """The page with its `extract` (or `failure`) and `packed` (pack=True) filled in; a
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

    async def analyse(self, data: bytes, url: str, headers: dict[str, str],
                      day_first_sites: tuple[str, ...]) -> Analysis | None:
        """The page's analysis, or None when the crawl is stopping (no ledger row:
        --resume fetches the page again). A worker that dies (killed, out of memory)
        is replaced and the page tried once more; an extraction bug, or a page over
        the budget, is a failure, never a lost page."""
        if self.stopping:
            return None
        args = (data, url, headers, day_first_sites)
        if not self.workers:  # in this thread: no budget, nothing could stop it
            try:
                module = sys.modules[__name__]  # tests replace its functions
                return (*(module.analyse_page if self.pack else module.analyse_unpacked)(*args), None)
            except Exception as exc:  # noqa: BLE001 - any extraction bug must not lose the page
                return None, None, None, f"extraction failed: {type(exc).__name__}: {exc}"
        if not self._workers:
            for _ in range(self.workers):
                self._spawn()
        job = _Job(args, asyncio.get_running_loop().create_future())
        self._queue.append(job)
        self._pump()
        return await job.future

    # -- the workers: pages handed over in order, IN_FLIGHT at a time each --------

    def _spawn(self) -> None:
        worker = _Worker(WorkerProcess(self.target, lambda m: self._message(worker, m),
                                       lambda: self._retire(worker)))
        self._workers.append(worker)
        task = asyncio.ensure_future(self._connect(worker))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(self, worker: _Worker) -> None:
        await worker.proc.connect()
        self._pump()

    def _pump(self) -> None:
        """Hand waiting pages to the workers with room, the least busy first."""
        while self._queue:
            free = [w for w in self._workers if w.proc.transport is not None and not w.proc.gone
                    and len(w.jobs) < IN_FLIGHT]
            if not free:
                return
            job = self._queue.popleft()
            if not job.future.done():  # not cancelled meanwhile
                self._send(min(free, key=lambda w: len(w.jobs)), job)

    def _send(self, worker: _Worker, job: _Job) -> None:
        self._seq += 1
        worker.jobs.append(job)
        worker.proc.send(("page", self._seq, job.args))
        self._clock(worker)

    def _clock(self, worker: _Worker) -> None:
        """Start the budget of the page the worker is on now (once it has started). One
        timer a worker, not one a page: set for the page's end of budget, it finds
        the page done (pages end in the order they start) and is set again for the
        one the worker is on then, whose budget ends later. A timer set and cancelled
        for every page cost the event loop ~3 us a page (its heap held thousands of
        cancelled 30 s timers)."""
        if self.budget and worker.ready and worker.jobs and worker.jobs[0].started is None:
            loop = asyncio.get_running_loop()
            worker.jobs[0].started = loop.time()
            if worker.timer is None:
                worker.timer = loop.call_at(worker.jobs[0].started + self.budget, self._check_budget, worker)

    def _check_budget(self, worker: _Worker) -> None:
        worker.timer = None
        if worker not in self._workers or not worker.jobs or worker.jobs[0].started is None:
            return  # gone, or idle: _clock sets the timer for its next page
        job = worker.jobs[0]
        loop = asyncio.get_running_loop()
        if loop.time() >= job.started + self.budget:
            self._over_budget(worker, job)
        else:
            worker.timer = loop.call_at(job.started + self.budget, self._check_budget, worker)

    def _message(self, worker: _Worker, message: tuple) -> None:
        if message[0] == "ready":
            worker.ready = True
        else:
            status, _, result = message
            job = worker.jobs.popleft()
            _settle(job, (*result, None) if status == "ok" else (None, None, None, f"extraction failed: {result}"))
        self._clock(worker)
        self._pump()

    def _over_budget(self, worker: _Worker, job: _Job) -> None:
        worker.proc.kill()
        worker.proc.close()
        _settle(job, (None, None, None, f"extraction took longer than {self.budget:g} s (ARCHIVE_PAGE_BUDGET): "
                                        "archived raw; `condition-archive reprocess` retries it"))
        self._retire(worker, f"an extraction worker spent over {self.budget:g} s on {job.args[1]}")

    def _retire(self, worker: _Worker, why: str = "an extraction worker died") -> None:
        """Replace a worker that is gone; its pages go to the new one (the page it
        was on once more, unless a worker already died on it)."""
        if self.stopping or worker not in self._workers:
            return
        self._workers.remove(worker)
        jobs = [job for job in worker.jobs if not job.future.done()]
        worker.jobs.clear()
        _stop_clock(worker)
        for job in jobs:
            job.started = None  # its budget starts again on the new worker
        if jobs and why == "an extraction worker died":
            jobs[0].tries += 1
            if jobs[0].tries >= 2:
                _settle(jobs.pop(0), (None, None, None, "extraction failed: the extraction worker died twice on "
                                                        "this page (killed or out of memory)"))
        logger.warning("%s; starting a new one", why)
        self.on_restart()
        self._queue.extendleft(reversed(jobs))
        self._spawn()
        self._pump()

    def stop(self) -> None:
        """Kill the workers now: the crawl is stopping and their pages are left for --resume."""
        self.stopping = True
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.proc.kill()
            worker.proc.close()
            _stop_clock(worker)
            for job in worker.jobs:
                _settle(job, None)
        while self._queue:
            _settle(self._queue.popleft(), None)


def _stop_clock(worker: _Worker) -> None:
    if worker.timer is not None:
        worker.timer.cancel()
        worker.timer = None


def _settle(job: _Job, result) -> None:
    if not job.future.done():
        job.future.set_result(result)
