"""The crawl's reader of a worker's replies (crawl/workerproc.py, issue 16 session 12):
replies cut anywhere between reads come out whole and in order, with the links the
worker numbered (replies.py); bytes that are not replies stop the worker."""

from __future__ import annotations

import asyncio
import os
import sys

from test_worker_replies import _extracts

from condition_archive.crawl.replies import ReplyPickler
from condition_archive.crawl.worker import ExtractionPool
from condition_archive.crawl.workermain import HEADER
from condition_archive.crawl.workerproc import _Reader


class _Worker:
    def __init__(self):
        self.messages, self.gone = [], False

    def received(self, message):
        self.messages.append(message)


def test_replies_cut_anywhere_between_reads_come_out_whole_and_in_order():
    extracts = _extracts()
    pickler = ReplyPickler()
    stream = b""
    for n, extract in enumerate(extracts + extracts):  # the second time, links by number
        data = pickler.dumps(("ok", n, (None, extract, None)))
        stream += HEADER.pack(len(data)) + data
    for step in (1, 3, 4096, len(stream)):  # a header cut in two, a reply in many reads, all at once
        worker = _Worker()
        reader = _Reader(worker)
        for at in range(0, len(stream), step):
            reader.data_received(stream[at:at + step])
        assert [m[1] for m in worker.messages] == list(range(2 * len(extracts)))
        assert [m[2][1] for m in worker.messages] == extracts + extracts
        assert not reader.buffer


def garbage(*args) -> tuple:
    """A target that writes bytes that are not a frame to the crawl, then replies."""
    os.write(int(sys.argv[2]), HEADER.pack(-5))  # the worker's outbox fd (workermain.CODE's argv)
    return None, None, None


def test_bytes_from_a_worker_that_are_not_replies_stop_it_and_its_page_fails_after_a_retry(caplog):
    """Before, the reader's exception went to asyncio's handler and the page waited forever."""
    pool = ExtractionPool(1, target=f"{__name__}:garbage")

    async def run():
        return await asyncio.wait_for(pool.analyse(b"<p>x</p>", "https://h/", {}, ()), 60)

    try:
        result = asyncio.run(run())
    finally:
        pool.stop()
    assert result[3] == "extraction failed: the extraction worker died twice on this page (killed or out of memory)"
    assert "replies cannot be read (ValueError: a frame of -5 bytes)" in caplog.text
