"""The distributed crawl on a real redis-server: workers and the one ingest as processes, a worker
and the ingest each killed with SIGKILL mid-crawl, and the archive equal to a single-process crawl's.

A 63-page site on three hosts (127.0.0.1-3, each its own generated site with 0.1 s per response).
"""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest
import yaml
from conftest import REPO, live_count, query, run_cli

from condition_archive.distributed.local import Cluster, RedisServer, duplicates, signature

pytestmark = [pytest.mark.crawl, pytest.mark.slow]
if not shutil.which("redis-server") and not os.path.exists("/usr/bin/redis-server"):
    pytest.skip("redis-server missing: run scripts/install-redis.sh", allow_module_level=True)


@pytest.fixture(scope="module")
def sites():
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(REPO / "bench"))
        from gensite import Layout
        from genserver import GenSite

        hosts = [GenSite(Layout(2, 9), host=f"127.0.0.{i}", delay=0.1).start() for i in (1, 2, 3)]
        try:
            yield hosts
        finally:
            for site in hosts:
                site.stop()


def _when(db, entries: int, cluster: Cluster, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while live_count(db, "SELECT count(*) FROM stream_entries") < entries:
        assert time.monotonic() < deadline, f"no {entries} entries written: see {cluster.logs}"
        assert cluster.ingest.poll() is None, f"the ingest died: see {cluster.logs}"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def crawled(sites, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("distributed")
    seeds = [site.root_url for site in sites]
    single = tmp / "single.db"
    run_cli("crawl", *seeds, "--db", str(single), "--depth", "2", "--delay", "0", "--log-level", "WARNING")
    for site in sites:
        site.max_in_flight = 0
    db = tmp / "distributed.db"
    with RedisServer(tmp / "redis") as redis:
        cluster = Cluster(redis.url, db, tmp / "logs")
        cluster.start_ingest()
        cluster.crawl(*seeds, "--depth", "2", "--delay", "0")
        first = cluster.add_worker()
        cluster.add_worker()
        _when(db, 12, cluster)
        alive_at_kill = {"worker": first.poll() is None}
        first.kill()  # SIGKILL: its in-flight requests go back to the queue when its heartbeat expires
        cluster.add_worker()
        _when(db, 30, cluster)
        alive_at_kill["ingest"] = cluster.ingest.poll() is None
        cluster.ingest.kill()
        cluster.ingest.wait()
        cluster.start_ingest()  # reads the entries delivered to the killed one first
        cluster.wait()
        politeness = [site.max_in_flight for site in sites]
        # A re-crawl through the cluster, from a sites file: conditional requests, every page answers 304.
        sites_file = tmp / "sites.yml"
        sites_file.write_text(yaml.safe_dump({"sites": [{"name": "gen", "seeds": seeds, "depth": 2, "delay": 0,
                                                         "contact": "mailto:study@example.org"}]}))
        again = Cluster(redis.url, db, tmp / "logs2")
        again.start_ingest()
        again.crawl("--sites", str(sites_file), "--only", "gen")
        again.add_worker()
        again.wait()
    yield {"single": single, "db": db, "alive_at_kill": alive_at_kill, "politeness": politeness,
           "pages": sum(len(site.pages) for site in sites)}


def test_killed_worker_and_ingest_give_the_single_process_archive(crawled):
    assert crawled["alive_at_kill"] == {"worker": True, "ingest": True}  # both killed mid-crawl
    single, dist = signature(crawled["single"]), signature(crawled["db"])
    first_crawl = [r for r in dist["fetch_outcomes"] if r[0] == 1]
    assert len(single["pages"]) == crawled["pages"] == 63
    for part in ("pages", "versions", "captures", "links"):
        assert dist[part] == single[part], part
    assert first_crawl == single["fetch_outcomes"]
    assert dist["crawls"][0] == single["crawls"][0]  # same counters: 63 new pages, nothing else
    assert duplicates(crawled["db"]) == 0


def test_one_request_at_a_time_per_host_across_the_cluster(crawled):
    assert crawled["politeness"] == [1, 1, 1]


def test_a_recrawl_from_a_sites_file_through_the_cluster_is_conditional(crawled):
    (row,) = query(crawled["db"], "SELECT status, pages_new, pages_changed, not_modified, settings "
                                  "FROM crawls WHERE id = 2")
    assert (row["status"], row["pages_new"], row["pages_changed"], row["not_modified"]) == ("finished", 0, 0, 63)
    settings = json.loads(row["settings"])
    assert settings["distributed"]["redis_crawl"] == "crawl" and settings["site"] == "gen"
    assert settings["site_contact"] == "mailto:study@example.org" and settings["depth"] == 2
    assert query(crawled["db"], "SELECT count(*) AS n FROM versions")[0]["n"] == 63


def test_no_crawl_in_redis_is_a_one_line_error(tmp_path):
    with RedisServer(tmp_path / "redis") as redis:
        proc = run_cli("worker", "--redis", redis.url, "--wait", "0", check=False)
        run_cli("crawl", "--redis", redis.url, "http://127.0.0.1:9/conditions/x")
        second = run_cli("crawl", "--redis", redis.url, "http://127.0.0.1:9/conditions/y", check=False)
        limit = run_cli("crawl", "--redis", redis.url, "http://127.0.0.1:9/c", "--max-pages", "5", check=False)
    assert proc.returncode != 0 and "no crawl named 'crawl' is ready" in proc.stderr
    assert second.returncode != 0 and "a crawl named 'crawl' is still running" in second.stderr
    assert limit.returncode != 0 and "--max-pages is not supported with --redis" in limit.stderr
    bad = run_cli("ingest", "--redis", "redis://127.0.0.1:9/0", "--db", str(tmp_path / "a.db"), check=False)
    assert bad.returncode != 0 and "cannot reach Redis" in bad.stderr and "start redis-server" in bad.stderr


def test_resume_after_redis_lost_its_data_continues_the_same_crawl(sites, tmp_path):
    """Workers and ingest killed, Redis emptied: `crawl --redis --resume` continues crawl 1 from what
    the archive holds (done URLs skipped, their stored links followed), nothing fetched twice."""
    import redis as redis_client

    seed, db = sites[0].root_url, tmp_path / "archive.db"
    with RedisServer(tmp_path / "redis") as redis:
        first = Cluster(redis.url, db, tmp_path / "logs")
        first.start_ingest()
        first.crawl(seed, "--depth", "2", "--delay", "0")
        first.add_worker()
        _when(db, 8, first)
        first.stop()
        redis_client.Redis.from_url(redis.url).flushall()
        again = Cluster(redis.url, db, tmp_path / "logs2")
        again.start_ingest()
        again.crawl(seed, "--depth", "2", "--delay", "0", "--resume")
        again.add_worker()
        again.wait()
    (row,) = query(db, "SELECT id, status, resumes, pages_new FROM crawls")
    assert (row["id"], row["status"], row["resumes"], row["pages_new"]) == (1, "finished", 1, 21)
    assert duplicates(db) == 0
