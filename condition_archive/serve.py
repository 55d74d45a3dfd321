"""Serve an archive with Datasette (0.65 line), read-only, on 127.0.0.1 by default."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .db import open_archive
from .metadata import write_metadata


def datasette_command(db_path: str | Path, metadata: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path), "-m", str(metadata),
        "--host", host, "--port", str(port),
        # Full-table CSV streaming is how researchers take everything out.
        "--setting", "allow_csv_stream", "on",
        "--setting", "sql_time_limit_ms", "5000",
        "--setting", "default_page_size", "50",
    ]


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; return its exit code."""
    open_archive(db_path, readonly=True).close()  # a clear error if it is not an archive
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
