"""The frames between the crawl and its extraction workers (issue 16, session 12):
one read takes every frame a pipe holds into a reused buffer, a frame cut between
reads waits for its rest, replies that came together are handled together and the
pages they make room for go in one write, bytes that are not frames stop the worker,
and a page's budget starts when its worker starts on it (one timer a worker)."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time

import pytest

from condition_archive.crawl import worker as pool_module
from condition_archive.crawl.worker import ExtractionPool, _Job, _Worker
from condition_archive.crawl.workermain import HEADER, FrameError, Frames, frame


def _pipe():
    r, w = os.pipe()
    return r, w


def test_one_read_takes_every_frame_waiting_and_a_cut_frame_waits_for_its_rest():
    r, w = _pipe()
    try:
        frames = Frames(r)
        third = frame(("ok", 3, "c" * 5000))
        os.write(w, frame(("ok", 1, "a"), ("ok", 2, b"b" * 3000)) + third[:2000])
        assert frames.fill() > 0
        assert frames.take() == [("ok", 1, "a"), ("ok", 2, b"b" * 3000)]
        assert frames.take() == []  # the third is not all there
        os.write(w, third[2000:])
        frames.fill()
        assert frames.take() == [("ok", 3, "c" * 5000)]
        os.write(w, third[:2])  # even the header cut in two
        frames.fill()
        assert frames.take() == []
        os.write(w, third[2:])
        frames.fill()
        assert frames.take() == [("ok", 3, "c" * 5000)]
    finally:
        os.close(r)
        os.close(w)


def test_a_frame_larger_than_the_buffer_grows_it_for_once():
    r, w = _pipe()
    big = ("page", 1, (b"x" * (3 * Frames.SIZE), "https://h/", {}, ()))
    writer = threading.Thread(target=lambda: os.write(w, frame(big, ("page", 2, "after"))))
    writer.start()  # the pipe holds less than the frame: written while it is read
    try:
        frames, got = Frames(r), []
        while len(got) < 2:
            assert frames.fill() > 0
            got += frames.take()
        assert got == [big, ("page", 2, "after")]
        os.write(w, frame(("page", 3, "small")))
        frames.fill()
        assert frames.take() == [("page", 3, "small")] and len(frames.buf) == Frames.SIZE  # shrunk back
    finally:
        writer.join()
        os.close(r)
        os.close(w)


def test_a_negative_length_is_not_a_frame():
    r, w = _pipe()
    try:
        os.write(w, HEADER.pack(-1) + b"junk")
        frames = Frames(r)
        frames.fill()
        with pytest.raises(FrameError, match="a frame of -1 bytes"):
            frames.take()
    finally:
        os.close(r)
        os.close(w)


class _Proc:
    """A worker's pipes, as the pool sees them: what it sends, in which writes."""

    transport, gone = object(), False

    def __init__(self):
        self.writes = []

    def send(self, *messages):
        self.writes.append([m[1] for m in messages])

    def kill(self):
        pass

    close = kill


def test_replies_read_together_are_settled_together_and_their_pages_go_in_one_write():
    async def run():
        pool = ExtractionPool(1)
        worker = _Worker(_Proc(), ready=True)
        pool._workers.append(worker)
        loop = asyncio.get_running_loop()
        jobs = [_Job((b"", f"https://h/{n}", {}, ()), loop.create_future()) for n in range(7)]
        pool._queue.extend(jobs)
        pool._pump()
        assert worker.proc.writes == [[1, 2, 3, 4]]  # IN_FLIGHT pages, one write
        pool._messages(worker, [("ok", 1, ("a", None, None)), ("ok", 2, ("b", None, None)),
                                ("error", 3, "boom")])
        assert worker.proc.writes == [[1, 2, 3, 4], [5, 6, 7]]  # not three writes
        assert [j.future.result() for j in jobs[:3]] == [
            ("a", None, None, None), ("b", None, None, None), (None, None, None, "extraction failed: boom")]
        assert [j.future.done() for j in jobs[3:]] == [False] * 4 and len(worker.jobs) == 4
        pool.stop()

    assert pool_module.IN_FLIGHT == 4
    asyncio.run(run())


def garbage(*args) -> tuple:
    """A target that writes bytes that are not a frame to the crawl, then replies."""
    os.write(int(sys.argv[2]), HEADER.pack(-5))  # the worker's outbox fd (workermain.CODE's argv)
    return None, None, None


def test_bytes_from_a_worker_that_are_not_frames_stop_it_and_its_page_fails_after_a_retry(caplog):
    """Before, the reader's exception went to asyncio's handler and the page waited forever."""
    pool = ExtractionPool(1, target=f"{__name__}:garbage")

    async def run():
        return await asyncio.wait_for(pool.analyse(b"<p>x</p>", "https://h/", {}, ()), 60)

    try:
        result = asyncio.run(run())
    finally:
        pool.stop()
    assert result[3] == "extraction failed: the extraction worker died twice on this page (killed or out of memory)"
    assert "replies cannot be read (FrameError: a frame of -5 bytes)" in caplog.text


def sleepy(data: bytes, url: str, *args) -> tuple:
    time.sleep(float(url.rsplit("/", 1)[1]))
    return url, None, None


def test_a_page_has_its_whole_budget_from_when_its_worker_starts_on_it():
    """One timer a worker: set for the first page's deadline, it finds that page done
    and waits for the second page's own deadline before killing the worker."""
    pool = ExtractionPool(1, budget=1.0, target=f"{__name__}:sleepy")

    async def run():
        await pool.analyse(b"", "https://h/0", {}, ())  # the worker is up
        loop = asyncio.get_running_loop()
        done = {}

        async def one(seconds):
            result = await pool.analyse(b"", f"https://h/{seconds}", {}, ())
            done[seconds] = loop.time()
            return result

        return await asyncio.gather(one(0.6), one(30)), done

    try:
        (fast, slow), done = asyncio.run(run())
    finally:
        pool.stop()
    assert fast == ("https://h/0.6", None, None, None)
    assert slow[3].startswith("extraction took longer than 1 s (ARCHIVE_PAGE_BUDGET)")
    assert done[30] - done[0.6] >= 0.95  # not killed at the first page's deadline
