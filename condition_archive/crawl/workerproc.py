"""One extraction worker process and the crawl's end of its two pipes.

The crawl writes each page to the worker's inbox pipe from its asyncio event loop
(buffered by the loop, never blocking it) and reads the results from the outbox
pipe with a loop reader: no helper threads, no locks, no wake-up pipe. The worker
is a plain `python -c` child (workermain.py: its side, and the messages) given
the pipes' ends and this process's sys.path: multiprocessing's spawn would first
import the crawl's whole CLI in it again (its __main__).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import pickle
import subprocess
import sys
from collections.abc import Callable

from condition_archive.crawl.replies import ReplyReader
from condition_archive.crawl.workermain import CODE, HEADER, TARGET

__all__ = ["TARGET", "WorkerProcess"]

logger = logging.getLogger(__name__)

# Pipe buffers (Linux: at most /proc/sys/fs/pipe-max-size, 1 MiB by default). At
# the default 64 KiB the pages in flight to a busy worker fill the pipe, and each
# then costs the event loop a writer callback and more writes.
PIPE_SIZE = 1 << 20


def _widen(fd: int) -> None:
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
    except OSError:  # over the system's limit, or not Linux: the default size works too
        pass


class _Reader(asyncio.Protocol):
    def __init__(self, worker: "WorkerProcess"):
        self.worker, self.buffer = worker, bytearray()
        self.loads = ReplyReader().loads  # the links and dates this worker numbered (replies.py)

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        start = 0
        while len(buf) - start >= HEADER.size:
            try:
                (size,) = HEADER.unpack_from(buf, start)
                if size < 0:
                    raise ValueError(f"a frame of {size} bytes")
                end = start + HEADER.size + size
                if len(buf) < end:
                    break
                message = self.loads(buf[start + HEADER.size:end])
            except Exception as exc:  # noqa: BLE001 - bytes that are not a reply: the worker is broken
                return self._broken(exc)
            start = end
            self.worker.received(message)
        del buf[:start]

    def _broken(self, exc: Exception) -> None:
        """Stop a worker whose replies cannot be read; its pages go to a new one. Raised
        to asyncio, the error was only logged, the reader went on after the bad bytes
        and the page never got an answer."""
        logger.error("the extraction worker's replies cannot be read (%s: %s); stopping it",
                     type(exc).__name__, exc)
        self.worker.kill()
        self.worker.lost()

    def connection_lost(self, exc) -> None:
        self.worker.lost()


class _Writer(asyncio.BaseProtocol):
    def __init__(self, worker: "WorkerProcess"):
        self.worker = worker

    def connection_lost(self, exc) -> None:
        self.worker.lost()


class WorkerProcess:
    """A spawned worker and its pipes, driven from the event loop. `on_message`
    gets each message; `on_lost` once, when the worker is gone (died or killed)."""

    def __init__(self, target: str, on_message: Callable[[tuple], None], on_lost: Callable[[], None]):
        self.on_message, self.on_lost = on_message, on_lost
        inbox_r, inbox_w = os.pipe()
        outbox_r, outbox_w = os.pipe()
        _widen(inbox_w)
        _widen(outbox_w)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CODE, str(inbox_r), str(outbox_w), str(os.getpid()), target, *sys.path],
                stdin=subprocess.DEVNULL, pass_fds=(inbox_r, outbox_w))
        finally:
            os.close(inbox_r)
            os.close(outbox_w)
        self._pipes = (open(inbox_w, "wb", buffering=0), open(outbox_r, "rb", buffering=0))
        self.transport: asyncio.WriteTransport | None = None
        self._reader: asyncio.ReadTransport | None = None
        self.gone = False

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        inbox_w, outbox_r = self._pipes
        self.transport, _ = await loop.connect_write_pipe(lambda: _Writer(self), inbox_w)
        self._reader, _ = await loop.connect_read_pipe(lambda: _Reader(self), outbox_r)

    def send(self, message: tuple) -> None:
        if self.transport is not None and not self.gone:
            data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
            self.transport.write(HEADER.pack(len(data)) + data)

    def received(self, message: tuple) -> None:
        if not self.gone:
            self.on_message(message)

    def lost(self) -> None:
        if not self.gone:
            self.gone = True
            self.close()
            self.on_lost()

    def kill(self) -> None:
        """SIGKILL, and reap it (a killed process is gone in a few milliseconds)."""
        try:
            self.process.kill()
            self.process.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):  # gone already; or reaped at exit
            pass

    def close(self) -> None:
        """Drop the pipes (the worker reads EOF and exits, if it is still alive)."""
        self.gone = True
        for transport in (self.transport, self._reader):
            if transport is not None:
                try:
                    getattr(transport, "abort", transport.close)()  # a write pipe's buffer is dropped
                except RuntimeError:  # its event loop is closed already (asyncio.run ended)
                    pass
        for pipe in self._pipes:
            pipe.close()  # a no-op when the transport closed it
        self.process.poll()  # reaped now if it is gone already; else it exits on the pipe's EOF
