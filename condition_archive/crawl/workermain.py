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
result) or ("error", seq, message) per page, in the order the pages came. The crawl
writes the pages it has at once in one write; each side reads every frame waiting
with one read (`Frames`); the worker writes each reply as soon as it has it, with a
PageExtract's links and dates that it sent before as numbers (replies.py).
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
    inbox, outbox = int(inbox_fd), int(outbox_fd)
    try:
        serve(inbox, outbox, target)
    finally:
        os.close(inbox)
        os.close(outbox)


class FrameError(ValueError):
    """Bytes on a pipe that are not a frame (a negative length): the other end is broken."""


class Frames:
    """The frames read from a pipe, kept in one reused buffer: each `fill` is one
    read of everything the pipe holds (several pages or replies when they queued up),
    and `take` unpickles the complete frames from it without copying them out, which
    per message saves a read, a bytes object and a copy or two (a file's read, or
    asyncio's pipe transport, allocated and copied each)."""

    SIZE = 1 << 20  # as large as the pipe (workerproc.PIPE_SIZE): one read empties it

    def __init__(self, fd: int, loads=pickle.loads):
        self.fd, self.loads = fd, loads
        self._new(self.SIZE)

    def _new(self, size: int) -> None:
        self.buf = bytearray(size)
        self.view = memoryview(self.buf)
        self.start = self.end = 0

    def fill(self) -> int:
        """One read into the buffer: the bytes read, 0 at the end of the pipe (OSError,
        BlockingIOError on a non-blocking pipe with nothing in it, as os.read raises)."""
        start, end, size = self.start, self.end, len(self.buf)
        if start == end:
            if size > self.SIZE:  # a page over SIZE went through: the usual size again
                self._new(self.SIZE)
            self.start = self.end = 0
        elif size - end < 65536 or self._wanted() > size - start:
            # A partial frame near the end: to the front (of a larger buffer if it needs one).
            pending, wanted = bytes(self.view[start:end]), self._wanted()
            if wanted > size:
                self._new(2 * wanted)
            self.buf[:len(pending)] = pending
            self.start, self.end = 0, len(pending)
        n = os.readv(self.fd, [self.view[self.end:]])
        self.end += n
        return n

    def _wanted(self) -> int:
        """Bytes the partial frame at `start` needs in all (its header's length, once read)."""
        if self.end - self.start < HEADER.size:
            return HEADER.size
        return HEADER.size + HEADER.unpack_from(self.buf, self.start)[0]

    def take(self) -> list:
        """The messages of the complete frames read so far, in order (FrameError: not a frame)."""
        out = []
        buf, view, start, end, loads = self.buf, self.view, self.start, self.end, self.loads
        while end - start >= HEADER.size:
            (size,) = HEADER.unpack_from(buf, start)
            if size < 0:
                raise FrameError(f"a frame of {size} bytes")
            stop = start + HEADER.size + size
            if stop > end:
                break
            out.append(loads(view[start + HEADER.size:stop]))
            start = stop
        self.start = start
        return out


def _dumps(message: tuple) -> bytes:
    return pickle.dumps(message, pickle.HIGHEST_PROTOCOL)


def frame(*messages: tuple, dumps=_dumps) -> bytes:
    """The messages pickled (by `dumps`) and framed, as one string for one write."""
    parts = []
    for message in messages:
        data = dumps(message)
        parts += (HEADER.pack(len(data)), data)
    return b"".join(parts)


def _send(outbox: int, message: tuple, dumps) -> None:
    data = memoryview(frame(message, dumps=dumps))
    while data:  # one write, unless a signal cut it short
        data = data[os.write(outbox, data):]


def _receive(frames: Frames) -> list | None:
    """The next pages the crawl sent (all of those waiting), None once it closed the pipe."""
    while not (messages := frames.take()):
        if not frames.fill():
            return None  # the crawl closed the pipe (a partial frame left: it was killed)
    return messages


def serve(inbox: int, outbox: int, target: str) -> None:
    """The worker's loop: run `target` (module:function, analyse_page's signature) on each
    page read from the pipe `inbox` (a file descriptor), the replies written to `outbox`."""
    module, name = target.split(":")
    fn = getattr(importlib.import_module(module), name)

    from condition_archive.crawl.replies import ReplyPickler  # the links the crawl has, as numbers

    dumps = ReplyPickler().dumps
    _send(outbox, ("ready",), dumps)
    frames = Frames(inbox)
    while (messages := _receive(frames)) is not None:
        for _, seq, args in messages:  # each reply as soon as it is ready: none waits for the next page
            try:
                reply = ("ok", seq, fn(*args))
            except Exception as exc:  # noqa: BLE001 - the crawl records it; the worker goes on
                reply = ("error", seq, f"{type(exc).__name__}: {exc}")
            _send(outbox, reply, dumps)


if __name__ == "__main__":  # pragma: no cover - the crawl runs CODE, which imports this module once
    sys.exit("run by the crawl (condition_archive.crawl.workerproc), not by hand")
