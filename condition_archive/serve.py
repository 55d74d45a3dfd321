"""Serve an archive with Datasette (0.65 line), read-only, on 127.0.0.1 by default.

Datasette's SQL is read-only (SELECT only) and it escapes every value it shows;
the plugin in datasette_plugins/ adds the graph and diff pages under the same rules
(escaped text, a Content-Security-Policy that allows no script).
"""

from __future__ import annotations

import ipaddress
import subprocess
import sys
import tempfile
from pathlib import Path

from .db import open_archive
from .metadata import write_metadata

PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"


def datasette_command(db_path: str | Path, metadata: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path), "-m", str(metadata),
        "--host", host, "--port", str(port),
        "--plugins-dir", str(PLUGINS_DIR),
        # Full-table CSV streaming is how researchers take everything out.
        "--setting", "allow_csv_stream", "on",
        "--setting", "sql_time_limit_ms", "5000",
        "--setting", "default_page_size", "50",
        # Facets over a whole view of a big archive take longer than the 200 ms default.
        "--setting", "facet_time_limit_ms", "1000",
    ]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; return its exit code."""
    open_archive(db_path, readonly=True).close()  # a clear error if it is not an archive
    if not is_loopback(host):
        print(f"warning: serving on {host}, not only this machine: anyone who can reach port {port} "
              "can read the whole archive (read-only)", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="condition-archive-") as tmp:
        metadata = write_metadata(db_path, Path(tmp) / "metadata.json")
        proc = subprocess.Popen(datasette_command(db_path, metadata, host, port))
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            return proc.wait()


def database_url(db_path: str | Path, host: str, port: int) -> str:
    return f"http://{host}:{port}/{Path(db_path).stem}"
