"""The extraction worker process itself (issue 16): started with its own small entry
module, it imports the extraction but not the crawl's command line (what
multiprocessing's spawn did: it imported the parent's __main__ again, the console
script), and it exits when the crawl that started it is killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TESTS = Path(__file__).parent

# A crawl-like parent: its __main__ imports the CLI, as the console script does.
PARENT = """
import asyncio, json, sys, time
import condition_archive.cli  # what `condition-archive` imports first
from condition_archive.crawl.worker import ExtractionPool

pool = ExtractionPool(1, target="test_worker_process:loaded")
result = asyncio.run(pool.analyse(b"<p>hi</p>", "https://h/", {}, ()))
print(json.dumps({"worker": pool._workers[0].proc.process.pid, "modules": result[0]}), flush=True)
time.sleep(600)  # until the test kills it
"""


def loaded(*args) -> tuple:
    """A target for a real worker: what it has imported, as the 'problem' string."""
    wanted = ("condition_archive.cli", "click", "scrapy", "asyncio", "condition_archive.extract.stages")
    return " ".join(m for m in wanted if m in sys.modules), None, None


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_worker_imports_no_cli_and_exits_when_its_crawl_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env,
                              start_new_session=True)  # its own session: the worker is not reaped by us
    try:
        report = json.loads(parent.stdout.readline())
        assert report["modules"].split() == ["condition_archive.extract.stages"]
        worker = report["worker"]
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the worker outlived its crawl"
    finally:
        parent.kill()
        parent.wait(timeout=30)
