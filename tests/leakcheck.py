"""A C function's leak check for the compiled extension's tests: after warm-up
calls, many more calls keep neither references to the objects they were given
nor memory."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable


def assert_no_leak(calls: Callable[[int], None], watched: tuple, times: int, what: str) -> None:
    """`calls(n)` makes n rounds of calls; `watched`: objects the calls are given
    or return, whose reference counts must come back to where they were."""
    calls(3)
    gc.collect()
    counts = [sys.getrefcount(o) for o in watched]
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        calls(times)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    after = [sys.getrefcount(o) for o in watched]
    # None, True, False and short strings and numbers are shared with the whole
    # interpreter: another thread (pytest-xdist's worker reads its controller's
    # messages in one) takes and drops references to them meanwhile. A leak in the
    # calls grows with them (at least one reference a round); that noise does not.
    for obj, was, now in zip(watched, counts, after):
        if obj is None or obj is True or obj is False or type(obj) in (str, int):
            assert abs(now - was) < times // 2, f"{now - was:+d} references to {obj!r} after {what}"
        else:
            assert now == was, f"{now - was:+d} references to {obj!r} after {what}"
    assert grown < 2048, f"{grown} bytes kept by {what}"
