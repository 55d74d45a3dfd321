"""The extraction worker process itself (issue 16): started with its own small entry
module, it imports the extraction but not the crawl's command line (what
multiprocessing's spawn did: it imported the parent's __main__ again, the console
script), and it exits when the crawl that started it is killed with SIGKILL."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sample_truth import CENTER_PATH, page_html, url_of

from condition_archive.extract import extract_page
from condition_archive.extract.model import Link

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
    wanted = ("condition_archive.cli", "click", "scrapy", "asyncio")
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
        assert report["modules"].split() == []
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


def test_the_crawl_process_leaves_the_extraction_modules_to_its_workers():
    """The crawl's own modules (CLI, pool, pipelines, spider) import no extraction
    stage and no htmldate: those load in the worker, which runs TARGET."""
    code = ("import sys, condition_archive.cli, condition_archive.crawl.worker, pipelines.extract, "
            "pipelines.links, pipelines.store, spiders.condition_center; "
            "from condition_archive.crawl.workermain import TARGET; "
            "print(' '.join(m for m in ('condition_archive.extract.stages', 'htmldate') if m in sys.modules)); "
            "import importlib; importlib.import_module(TARGET.split(':')[0]); "
            "print('condition_archive.extract.stages' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=TESTS.parent).stdout.splitlines()
    assert out == ["", "True"]


def test_a_page_extract_comes_out_of_a_pickle_as_it_went_in():
    """PageExtract pickles its links flat (the worker's replies): everything comes
    back, `extra` (left out of ==) included, still frozen and hashable."""
    extract = extract_page(page_html("2025", CENTER_PATH).encode("utf-8"), url_of(CENTER_PATH),
                           {"content-type": "text/html; charset=utf-8"})
    extract = dataclasses.replace(extract, extra={"note": ["kept"]})
    assert len(extract.links) > 10
    back = pickle.loads(pickle.dumps(extract, pickle.HIGHEST_PROTOCOL))
    assert back == extract and back.extra == {"note": ["kept"]} and hash(back) == hash(extract)
    assert all(type(link) is Link for link in back.links) and back.links == extract.links
    assert [vars(link) for link in back.links] == [vars(link) for link in extract.links]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.title = "changed"


EXTENSIONS_LOADED = """
import sys
from scrapy.extension import ExtensionManager
from scrapy.utils.test import get_crawler
import condition_archive.crawl.settings as project
crawler = get_crawler(settings_dict={k: v for k, v in vars(project).items() if k.isupper()})
names = [type(e).__name__ for e in ExtensionManager.from_crawler(crawler).middlewares]
print(" ".join(names), "aiohttp" in sys.modules)
"""


def test_the_crawl_loads_scrapys_extensions_but_not_remote_control():
    """RemoteControl is off (REMOTE_CONTROL_ENABLED) and not even imported: loading
    it imports aiohttp, ~0.2 s of CPU at every crawl start."""
    out = subprocess.run([sys.executable, "-c", EXTENSIONS_LOADED], capture_output=True, text=True,
                         check=True).stdout.split()
    assert "CrawlProgress" in out and "ArchiveCoreStats" in out and "LogStats" in out
    assert out[-1] == "False"  # aiohttp not imported
