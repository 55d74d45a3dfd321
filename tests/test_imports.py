"""The names spiders, pipelines and schema are also PyPI packages: the code that runs must be ours."""

from __future__ import annotations

import importlib
import subprocess
import sys

from conftest import REPO


def test_spiders_and_pipelines_resolve_to_this_repository():
    for name in ("spiders", "pipelines", "spiders.condition_center", "pipelines.store"):
        module = importlib.import_module(name)
        assert REPO in __import__("pathlib").Path(module.__file__).resolve().parents, module.__file__


def test_schema_folder_is_data_not_an_importable_package():
    assert not (REPO / "schema" / "__init__.py").exists()
    assert not list((REPO / "schema").glob("*.py"))


def test_scrapy_lists_the_spider_from_the_repo_root():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["condition_center"]


def test_extraction_imports_no_scrapy():
    code = ("import sys, condition_archive.extract, condition_archive.archive.store, condition_archive.crawl.policy;"
            "print('scrapy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
