"""scrapyd from PyPI: scrapy.cfg's [deploy] section deploys the project, and a job scheduled through
scrapyd's HTTP API crawls the sample site into an archive."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, free_port, query
from sample_truth import CENTER_PATH

from condition_archive.sample_site import SampleSite

pytestmark = [pytest.mark.crawl, pytest.mark.slow]
BIN = Path(sys.executable).parent
if not (BIN / "scrapyd").exists() or not (BIN / "scrapyd-deploy").exists():
    pytest.skip("scrapyd and scrapyd-client are not installed: pip install -e '.[test]'", allow_module_level=True)


def _api(base: str, path: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data, doseq=True).encode() if data else None
    with urllib.request.urlopen(base + path, data=body, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path):
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\nmax_proc = 1\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\n")
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=open(home / "out.log", "w"),
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, (home / "out.log").read_text()
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/", home
    proc.terminate()
    proc.wait(timeout=10)


def test_deploy_from_scrapy_cfg_then_a_scheduled_job_crawls(scrapyd, tmp_path):
    base, home = scrapyd
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(REPO / "scrapy.cfg", project / "scrapy.cfg")  # the repository's own [deploy] sections
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "env", "-p", "condition_archive"], cwd=project,
                            capture_output=True, text=True, env={**os.environ, "SCRAPYD_URL": base}, timeout=120)
    assert deploy.returncode == 0 and '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    assert "condition_center" in _api(base, "listspiders.json?project=condition_archive")["spiders"]
    db = tmp_path / "archive.db"
    with SampleSite(version="2025") as site:
        center = site.url(CENTER_PATH)
        job = _api(base, "schedule.json", {
            "project": "condition_archive", "spider": "condition_center", "url": center,
            "depth": "0", "setting": [f"ARCHIVE_DB={db}", "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False",
                                      "LOG_LEVEL=WARNING"]})
        assert job["status"] == "ok", job
        deadline = time.monotonic() + 120
        while not any(j["id"] == job["jobid"] for j in _api(base, "listjobs.json?project=condition_archive")["finished"]):
            assert time.monotonic() < deadline, list((home / "logs").rglob("*.log"))
            time.sleep(0.3)
    (row,) = query(db, "SELECT status, pages_new FROM crawls")
    assert row["status"] == "finished" and row["pages_new"] == 1
    assert query(db, "SELECT count(*) AS n FROM pages WHERE url = ?", center)[0]["n"] == 1
