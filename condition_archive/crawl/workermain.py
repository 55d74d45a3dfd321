"""The extraction worker process's own side: its entry point and its loop; the
function it runs on each page is TARGET (analysis.py's `analyse_page`), or
UNPACKED for the crawl's pipelines (the same without the packed capture).

The crawl starts it as `python -c "...workermain import main; main()" ...`
(workerproc.py), not with multiprocessing's spawn, which first imports the
crawl's `__main__` in the child (the console script: the whole CLI, ~0.3 s of
CPU per worker start) before the worker's own modules. This module imports
nothing of the crawl's (no asyncio, Scrapy or CLI) and, until `serve` imports
TARGET, nothing of the extraction: the crawl process imports it too, for the framing.

Messages are pickles framed as multiprocessing's `Connection.send_bytes` frames
them (a 4-byte big-endian length, then the bytes). To the worker: ("page", seq,
args). From the worker: ("ready",) once its imports are done, then ("ok", seq,
result) or ("error", seq, message) per page, in the order the pages came. A reply's
PageExtract has the links and dates the worker sent before as numbers (replies.py).
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import struct
import sys
import threading
import time

HEADER = struct.Struct("!i")
TARGET = "condition_archive.crawl.analysis:analyse_page"
UNPACKED = "condition_archive.crawl.analysis:analyse_unpacked"
# What the crawl runs: `python -c CODE inbox_fd outbox_fd parent_pid target *sys.path`.
CODE = ("import sys; sys.path[:] = sys.argv[5:]; "
        "from condition_archive.crawl.workermain import main; main(*sys.argv[1:5])")


def exit_with_parent(parent_pid: int) -> None:
    """Exit as soon as the crawl that started this worker is gone (kill -9
    included), instead of waiting forever on its pipe."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def main(inbox_fd: str, outbox_fd: str, parent_pid: str, target: str) -> None:
    """The worker process: serve pages until the crawl closes its pipe or is gone.
    Ctrl-C reaches the whole process group: the crawl decides, and stops its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(int(parent_pid))
    with open(int(inbox_fd), "rb") as inbox, open(int(outbox_fd), "wb") as outbox:
        serve(inbox, outbox, target)


def _send(outbox, message: tuple, dumps) -> None:
    data = dumps(message)
    # One write: a reply is larger than the file's buffer, so the header and
    # the pickle written apart would be two system calls.
    outbox.write(HEADER.pack(len(data)) + data)
    outbox.flush()


def _receive(inbox) -> tuple | None:
    header = inbox.read(HEADER.size)
    if len(header) < HEADER.size:
        return None  # the crawl closed the pipe
    (size,) = HEADER.unpack(header)
    data = inbox.read(size)
    return pickle.loads(data) if len(data) == size else None


def serve(inbox, outbox, target: str) -> None:
    """The worker's loop: run `target` (module:function, analyse_page's signature) on each page."""
    module, name = target.split(":")
    fn = getattr(importlib.import_module(module), name)

    from condition_archive.crawl.replies import ReplyPickler  # the links the crawl has, as numbers

    dumps = ReplyPickler().dumps
    _send(outbox, ("ready",), dumps)
    while (message := _receive(inbox)) is not None:
        _, seq, args = message
        try:
            reply = ("ok", seq, fn(*args))
        except Exception as exc:  # noqa: BLE001 - the crawl records it; the worker goes on
            reply = ("error", seq, f"{type(exc).__name__}: {exc}")
        _send(outbox, reply, dumps)


if __name__ == "__main__":  # pragma: no cover - the crawl runs CODE, which imports this module once
    sys.exit("run by the crawl (condition_archive.crawl.workerproc), not by hand")
