"""A non-editable install (`pip install .`) works from any folder (issue 14): the
schema and the Datasette config ship inside the package.

The install is real: pip builds the wheel from a copy of the checkout and installs it
into a new virtual environment, whose dependencies come from this one (read through a
.pth line, so none of this environment's own .pth hooks, the editable install's
included, run there). Then `condition-archive` crawls, exports, reprocesses and
serves from a folder that is not the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest
from conftest import REPO, free_port
from test_hostile_net import Site

pytestmark = [pytest.mark.slow, pytest.mark.crawl]

SOURCES = ("pyproject.toml", "README.md", "condition_archive", "schema", "spiders", "pipelines")


def _install(tmp: Path) -> Path:
    src = tmp / "src"
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            src.mkdir(exist_ok=True)
            shutil.copy(REPO / name, src / name)
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", str(src)], capture_output=True, text=True, cwd=tmp, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    shutil.rmtree(src)  # nothing of the checkout is left to find
    return env_dir / "bin"


def test_a_non_editable_install_runs_from_any_folder(tmp_path):
    bin_dir = _install(tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([bin_dir / "condition-archive", *args], capture_output=True, text=True, cwd=work,
                              env=env, timeout=180)

    where = subprocess.run([bin_dir / "python", "-c", "import condition_archive; print(condition_archive.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env).stdout
    assert where.startswith(str(tmp_path / "venv")), where
    site = Site()
    try:
        crawl = run("crawl", f"http://127.0.0.1:{site.port}/c", "--delay", "0", "--log-level", "ERROR")
    finally:
        site.close()
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert (work / "archive.db").exists() and not (work / "archive.db.lock").exists()
    exported = run("export", "center_articles", "-p", "center_url=x", "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr  # a canned query: read from the shipped Datasette config
    reprocessed = run("reprocess")
    assert reprocessed.returncode == 0 and "reprocessed 2 pages" in reprocessed.stdout, reprocessed.stderr
    port = free_port()
    serve = subprocess.Popen([bin_dir / "condition-archive", "serve", "--port", str(port)], cwd=work, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = ""
        for _ in range(300):  # until Datasette answers (a guard, not a measure)
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/archive.json", timeout=1).read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert '"pages"' in body
    finally:
        serve.terminate()
        serve.wait(30)
    # A crawl that cannot start (here: its schema deleted) leaves neither an empty
    # archive nor a lock file behind.
    shutil.rmtree(Path(where).parent / "schema")
    broken = tmp_path / "broken"
    broken.mkdir()
    site = Site()
    try:
        failed = subprocess.run([bin_dir / "condition-archive", "crawl", f"http://127.0.0.1:{site.port}/c",
                                 "--delay", "0"], capture_output=True, text=True, cwd=broken, env=env, timeout=180)
    finally:
        site.close()
    assert failed.returncode == 1 and "schema file" in failed.stderr.strip().splitlines()[-1], failed.stderr
    assert list(broken.iterdir()) == []
