"""One extraction worker process and the crawl's end of its two pipes.

The crawl writes each page to the worker's inbox pipe from its asyncio event loop
(buffered by the loop, never blocking it) and reads the results from the outbox
pipe with a loop reader: no helper threads, no locks, no wake-up pipe. Messages
are pickles framed as multiprocessing's `Connection.send_bytes` frames them (a
4-byte big-endian length, then the bytes), so the worker uses a plain
`Connection` on its side.

Messages to the worker: ("page", seq, args) and ("dict", site, key, dictionary)
(the site's zstd capture dictionary: from then on the worker compresses that
site's captures with it, as the store would). From the worker: ("ready",) once
its imports are done, then ("ok", seq, result) or ("error", seq, message) per
page, in the order the pages came.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
import pickle
import struct
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

HEADER = struct.Struct("!i")
TARGET = "condition_archive.crawl.worker:analyse_page"


def exit_with_parent(parent_pid: int) -> None:
    """Exit as soon as the crawl that started this worker is gone (kill -9
    included), instead of waiting forever on its pipe."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def serve(inbox: Connection, outbox: Connection, parent_pid: int, target: str) -> None:
    """The worker's main loop: run `target` (module:function, analyse_page's
    signature plus the site's (key, compressor) or None) on each page."""
    exit_with_parent(parent_pid)
    module, name = target.split(":")
    fn = getattr(importlib.import_module(module), name)
    from condition_archive.archive.codec import zstd_compressor
    from condition_archive.crawl.worker import site_of

    compressors: dict[str, tuple] = {}
    outbox.send_bytes(pickle.dumps(("ready",)))
    while True:
        try:
            message = pickle.loads(inbox.recv_bytes())
        except EOFError:
            return
        if message[0] == "dict":
            _, site, key, dictionary = message
            compressors[site] = (key, zstd_compressor(dictionary))
            continue
        _, seq, args = message
        try:
            reply = ("ok", seq, fn(*args, compressors.get(site_of(args[1]))))
        except Exception as exc:  # noqa: BLE001 - the crawl records it; the worker goes on
            reply = ("error", seq, f"{type(exc).__name__}: {exc}")
        outbox.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))


class _Reader(asyncio.Protocol):
    def __init__(self, worker: "WorkerProcess"):
        self.worker, self.buffer = worker, bytearray()

    def data_received(self, data: bytes) -> None:
        buf = self.buffer
        buf += data
        start = 0
        while len(buf) - start >= HEADER.size:
            (size,) = HEADER.unpack_from(buf, start)
            end = start + HEADER.size + size
            if len(buf) < end:
                break
            message = pickle.loads(buf[start + HEADER.size:end])
            start = end
            self.worker.received(message)
        del buf[:start]

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
        ctx = multiprocessing.get_context("spawn")
        inbox_r, inbox_w = ctx.Pipe(duplex=False)
        outbox_r, outbox_w = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=serve, args=(inbox_r, outbox_w, os.getpid(), target),
                                   name="extraction-worker", daemon=True)
        self.process.start()
        inbox_r.close()
        outbox_w.close()
        self._pipes = (inbox_w, outbox_r)
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
        try:
            self.process.kill()
        except (OSError, ValueError, AttributeError):
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
        self.process.join(0)  # reaped now if it is gone already; the rest at exit (daemon)
