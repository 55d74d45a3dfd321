"""Browser tests: Debian's headless Chromium driven by Playwright, against
`condition-archive serve` (a subprocess on a free 127.0.0.1 port) over a real
archive crawled from the sample site and the hostile site.

Without /usr/bin/chromium (or playwright) the tests skip, unless CI is set: then
they fail, since CI installs Chromium with scripts/install-browser.sh first.
Screenshots and downloads go to test-artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO, free_port

from .archive import build_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts" / "browser"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser tests: run scripts/install-browser.sh", pytrace=False)
    pytest.skip(f"{reason} (run scripts/install-browser.sh as root to enable)")


# Module scope: sync Playwright keeps an event loop running while it is open, and
# asyncio.run() (the in-process Datasette tests) refuses to start inside one.
@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The archive served by the real `serve` command; its URLs, and the crawled sites' URLs."""
    urls = build_archive(tmp_path_factory.mktemp("browser") / "archive.db")
    port = free_port()
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with log.open("w") as out:
        # Its own session: `serve` starts Datasette as a child, and both must stop at the end.
        proc = subprocess.Popen([sys.executable, "-m", "condition_archive", "serve", "--db", str(urls["db"]),
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
                                start_new_session=True)
    root = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(root + "/-/versions.json", proc, log)
        yield {**urls, "root": root, "home": f"{root}/{urls['db'].stem}"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"condition-archive serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"condition-archive serve did not answer {url} within {timeout:.0f} s:\n{log.read_text()}")


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium against `condition-archive serve`")
