"""Serve an archive with Datasette (0.65 line), read-only, on 127.0.0.1 by default.

Datasette's SQL is read-only (SELECT only) and it escapes every value it shows;
the plugin in datasette_plugins/ adds the graph and diff pages under the same rules
(escaped text, a Content-Security-Policy that allows no script).
"""

from __future__ import annotations

import ctypes
import ipaddress
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from condition_archive.archive.db import connect_readonly, open_archive
from .metadata import write_metadata

PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"


# Datasette settings (typed, as Datasette(settings=...) takes them; the command line gets on/off).
SETTINGS = {
    "allow_csv_stream": True,  # full-table CSV streaming is how researchers take everything out
    "sql_time_limit_ms": 5000,
    "default_page_size": 50,
    "facet_time_limit_ms": 1000,  # facets over a whole view of a big archive take longer than 200 ms
    "truncate_cells_html": 400,  # body texts cut in HTML tables (exports and row pages keep all of it)
}


def datasette_command(db_path: str | Path, metadata: Path, host: str, port: int) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", str(db_path), "-m", str(metadata),
           "--host", host, "--port", str(port), "--plugins-dir", str(PLUGINS_DIR)]
    for name, value in SETTINGS.items():
        cmd += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return cmd


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def upgrade_if_writable(db_path: str | Path) -> None:
    """An archive made before issue 16's storage (links a table) gets today's layout
    before it is served, when the file can be written: canned queries read the new
    tables. A read-only one is served as it is."""
    conn = connect_readonly(db_path)
    try:
        old = conn.execute("SELECT type FROM sqlite_master WHERE name = 'links'").fetchone() == ("table",)
    finally:
        conn.close()
    if old and os.access(db_path, os.W_OK) and os.access(Path(db_path).parent, os.W_OK):
        print("upgrading the archive's storage layout (links stored once) before serving it", file=sys.stderr)
        open_archive(db_path).close()


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; return its exit code."""
    open_archive(db_path, readonly=True).close()  # a clear error if it is not an archive
    upgrade_if_writable(db_path)
    if not is_loopback(host):
        print(f"warning: serving on {host}, not only this machine: anyone who can reach port {port} "
              "can read the whole archive (read-only)", file=sys.stderr)
    with stop_on_sigterm(), tempfile.TemporaryDirectory(prefix="condition-archive-") as tmp:
        served = served_path(db_path, Path(tmp))
        metadata = write_metadata(served, Path(tmp) / "metadata.json")
        proc = subprocess.Popen(datasette_command(served, metadata, host, port), preexec_fn=die_with_parent)
        try:
            return proc.wait()
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (stop_on_sigterm)
            return end_child(proc)
        finally:
            end_child(proc)


def end_child(proc: subprocess.Popen, grace: float = 10.0) -> int:
    """Stop a child process and reap it: SIGTERM, then SIGKILL after `grace` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def die_with_parent() -> None:
    """In a child before exec (Linux): the kernel sends it SIGTERM when this process
    dies, however it dies (kill -9 included), so no Datasette outlives its parent."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class stop_on_sigterm:
    """While active, SIGTERM acts as Ctrl-C (KeyboardInterrupt), so `finally` blocks
    run: children are stopped and temporary folders removed."""

    def __enter__(self):
        self.previous = None
        try:
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread: leave signals alone
            pass
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def database_url(db_path: str | Path, host: str, port: int) -> str:
    return f"http://{host}:{port}/{served_name(db_path)}"


_URI_CHARS = re.compile(r"[?#%]")


def served_name(db_path: str | Path) -> str:
    """The database's name in Datasette: the file's stem, with ?, # and % as _."""
    return _URI_CHARS.sub("_", Path(db_path).stem)


def served_path(db_path: str | Path, tmp: Path) -> Path:
    """What Datasette is given to open. Datasette builds `file:{path}?mode=ro` URIs
    without escaping, so a path with ?, # or % would open (and create) another file:
    such an archive is served through a symlink with a plain name in `tmp`."""
    path = Path(db_path)
    if not _URI_CHARS.search(str(path.resolve())):
        return path
    link = tmp / (served_name(path) + path.suffix)
    link.symlink_to(path.resolve())
    return link
