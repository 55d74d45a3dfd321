"""All-or-none steps inside the open transaction (the batch's commit steps)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def all_or_none(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """The block's statements all or none, under SAVEPOINT `name`: each row of an
    executemany is a statement of its own, so one that fails would leave those before
    it written, and a retried commit would write them twice. After a failure the open
    transaction stays usable, unless the failure took it (a full disk, RAISE(ROLLBACK))."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # else the failure took the whole transaction
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")
