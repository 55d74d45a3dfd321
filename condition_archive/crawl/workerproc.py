"""One extraction worker process and the crawl's end of its two pipes.

The crawl writes each page to the worker's inbox pipe from its asyncio event loop
(buffered by the loop, never blocking it) and reads the results from the outbox
pipe with a loop reader (workermain.Frames: one read takes every reply waiting):
no helper threads, no locks, no wake-up pipe. The worker
is a plain `python -c` child (workermain.py: its side, and the messages) given
the pipes' ends and this process's sys.path: multiprocessing's spawn would first
import the crawl's whole CLI in it again (its __main__).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import subprocess
import sys
from collections.abc import Callable

from condition_archive.crawl.replies import ReplyReader
from condition_archive.crawl.workermain import CODE, TARGET, Frames, frame

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


class _Writer(asyncio.BaseProtocol):
    def __init__(self, worker: "WorkerProcess"):
        self.worker = worker

    def connection_lost(self, exc) -> None:
        self.worker.lost()


class WorkerProcess:
    """A spawned worker and its pipes, driven from the event loop. `on_messages` gets
    the messages of each read of its pipe (in order, one or more); `on_lost` once,
    when the worker is gone (died or killed, or sent bytes that are not frames)."""

    def __init__(self, target: str, on_messages: Callable[[list], None], on_lost: Callable[[], None]):
        self.on_messages, self.on_lost = on_messages, on_lost
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
        # The replies are read with a loop reader into one reused buffer (Frames), not
        # with asyncio's read pipe transport, which made a bytes object a read; their
        # links and dates by number (replies.py), as this worker numbered them.
        self._frames = Frames(outbox_r, ReplyReader().loads)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.gone = False

    async def connect(self) -> None:
        self._loop = loop = asyncio.get_running_loop()
        self.transport, _ = await loop.connect_write_pipe(lambda: _Writer(self), self._pipes[0])
        if not self.gone:  # not killed while connecting
            os.set_blocking(self._frames.fd, False)
            loop.add_reader(self._frames.fd, self._readable)

    def send(self, *messages: tuple) -> None:
        """Write the messages (pages) to the worker, in one write."""
        if self.transport is not None and not self.gone:
            self.transport.write(frame(*messages))

    def _readable(self) -> None:
        """The loop's reader: every complete reply the pipe holds, to `on_messages`."""
        try:
            if not self._frames.fill():
                return self.lost()  # the worker closed its end: it exited or died
            messages = self._frames.take()
        except (BlockingIOError, InterruptedError):
            return
        except Exception as exc:  # noqa: BLE001 - a read error, or bytes that are not a frame
            logger.error("the extraction worker's replies cannot be read (%s: %s); stopping it",
                         type(exc).__name__, exc)
            self.kill()
            return self.lost()
        if messages and not self.gone:
            self.on_messages(messages)

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
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(self._frames.fd)  # before its fd is closed, and reused
        if self.transport is not None:
            try:
                self.transport.abort()  # its buffer is dropped
            except RuntimeError:  # its event loop is closed already (asyncio.run ended)
                pass
        for pipe in self._pipes:
            pipe.close()  # a no-op when the transport closed it
        self.process.poll()  # reaped now if it is gone already; else it exits on the pipe's EOF
