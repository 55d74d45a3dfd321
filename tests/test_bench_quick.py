"""The benchmarks still run: `bench/run_all.py --quick` end to end, and the generated
site's pieces on their own. Results keys only; no timing is asserted anywhere."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"


@pytest.fixture
def bench_path(monkeypatch):
    """bench/ scripts import each other by module name, as when run as scripts."""
    monkeypatch.syspath_prepend(str(BENCH))
    return BENCH


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory) -> dict:
    if not (REPO.parent / "shared" / "extraction-bench" / "ground-truth.json").exists() and not os.environ.get("CI"):
        pytest.skip("../shared/extraction-bench is not beside this checkout (CI has it)")
    out = tmp_path_factory.mktemp("bench-results")
    proc = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick", "--results", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"run_all.py --quick exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    written = re.search(r"wrote (\S+\.json)", proc.stdout)
    assert written, proc.stdout[-2000:]
    return {"data": json.loads(Path(written.group(1)).read_text()), "stdout": proc.stdout}


@pytest.mark.slow
def test_quick_run_writes_every_section(quick_results):
    data = quick_results["data"]
    assert {"machine", "sizes", "extraction", "crawl", "memory", "query"} <= set(data)
    assert {"cpus", "python", "packages"} <= set(data["machine"])


@pytest.mark.slow
def test_quick_run_crawl_keys(quick_results):
    crawl = quick_results["data"]["crawl"]
    throughput = crawl["throughput"]
    assert {"bare_pages_per_s", "archive_pages_per_s", "ratio", "ratio_tuned", "runs"} <= set(throughput)
    assert [r["kind"] for r in throughput["runs"]] == ["bare", "bare-tuned", "archive"]
    assert {"pages", "pages_per_s", "peak_rss_mb", "server_bytes"} <= set(throughput["runs"][0])
    assert {r["pages"] for r in throughput["runs"]} == {crawl["site_pages"]}
    assert {"requests_per_s"} <= set(crawl["server"])
    assert {"bytes_per_version", "raw_bytes_per_page", "archive_to_raw", "by_table"} <= set(crawl["storage"])
    recrawl = crawl["recrawl"]
    for label in ("unchanged", "changed"):
        assert {"bytes_fraction", "growth_fraction", "crawl"} <= set(recrawl[label])
    assert recrawl["unchanged"]["crawl"]["pages_changed"] == 0
    assert recrawl["changed"]["crawl"]["pages_changed"] == recrawl["changed"]["pages_changed_on_site"]
    profile = crawl["profile"]
    assert {"stages", "top_project_cumulative", "top_own_time", "total_s"} <= set(profile)
    assert Path(profile["prof"]).exists() and Path(profile["text"]).exists()


@pytest.mark.slow
def test_quick_run_memory_query_extraction_keys(quick_results):
    data = quick_results["data"]
    for row in data["memory"].values():
        assert {"archive", "bare"} <= set(row)
    measure = data["query"]["measure"]
    assert set(measure["latency"]) == {"fts_common_word", "fts_rare_word", "search_common_word", "center_as_of",
                                       "changes_last_crawl"}
    for row in measure["latency"].values():
        assert {"median_ms", "p95_ms", "calls"} <= set(row)
    for target in ("articles", "versions"):
        project = measure["exports"][target]["project"]
        datasette = measure["exports"][target]["datasette"]
        assert {"rows", "peak_rss_mb", "seconds"} <= set(project) <= set(datasette) | {"complete"}
        assert project["rows"] == datasette["rows"]  # quick sizes finish within the budget
    assert measure["exports"]["articles"]["project"]["rows"] == data["query"]["build"]["articles"]
    extraction = data["extraction"]
    assert {"summary", "ratio", "full"} <= set(extraction)
    assert {r["extractor"] for r in extraction["summary"]} == {"project", "trafilatura"}


@pytest.mark.slow
def test_quick_run_prints_the_tables(quick_results):
    for heading in ("### Crawl throughput", "### Re-crawl cost", "### Storage", "### Memory",
                    "### Query scale", "### Extraction", "archive / bare"):
        assert heading in quick_results["stdout"]


def test_generated_site_layout_and_change_fraction(bench_path):
    from gensite import Generator, layout_for

    layout = layout_for(5000)
    assert (layout.centers, layout.per_center, layout.pages) == (100, 49, 5001)
    gen = Generator(layout_for(200))
    paths = gen.paths()
    assert len(paths) == len(set(paths)) == layout_for(200).pages
    changed = gen.changed_paths(0.1)
    assert len(changed) == round(0.1 * (len(paths) - 1)) and "/conditions" not in changed
    assert changed == gen.changed_paths(0.1)  # deterministic


def test_generated_site_serves_validators_and_304(bench_path):
    from gensite import layout_for
    from genserver import GenSite

    with GenSite(layout_for(60)) as site:
        with urllib.request.urlopen(site.root_url) as response:
            etag, body = response.headers["ETag"], response.read()
        assert b"c-card__link" in body and etag
        request = urllib.request.Request(site.root_url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request)
        assert caught.value.code == 304
        article = next(p for p, page in site.pages.items() if page.kind == "article")
        before = site.pages[article].body
        site.set_change_fraction(1.0)
        assert site.pages[article].body != before
        stats = site.stats()
        assert stats["requests"] == 2 and stats["status"] == {200: 1, 304: 1}
        assert stats["bytes_sent"] > len(body)
