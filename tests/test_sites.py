"""The sites file: validation with one-line errors naming the field, and `crawl --sites --only`."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import query, run_cli
from sample_truth import CENTER_PATH

from condition_archive.sample_site import SampleSite
from condition_archive.crawl.sites import SitesError, load_sites, parse_sites

GOOD = {
    "schedule": "0 3 * * 1",
    "defaults": {"contact": "mailto:study@example.org", "delay": 1},
    "sites": [
        {"name": "a", "seeds": ["https://a.example.org/conditions/back-pain"], "day_first": True,
         "allowed_hosts": ["CDN.a.example.org"], "concurrency": 2, "depth": 2},
        {"name": "b", "discover": "b.example.org", "match": "/conditions/", "limit": 50, "delay": 2.5},
    ],
}


def test_a_good_file_gives_each_site_its_settings_over_the_defaults():
    sites = parse_sites(GOOD)
    a, b = sites.sites
    assert (a.contact, a.delay, a.depth, a.day_first, a.concurrency) == ("mailto:study@example.org", 1.0, 2, True, 2)
    assert a.allowed_hosts == ("cdn.a.example.org",) and a.hosts == ("a.example.org",)
    assert (b.discover, b.match, b.limit, b.delay, b.seeds) == ("b.example.org", "/conditions/", 50, 2.5, ())
    assert a.schedule == b.schedule == "0 3 * * 1"
    assert [s.name for s in sites.select(("b",))] == ["b"]
    assert a.recorded()["site"] == "a" and a.recorded()["site_delay"] == 1.0


def _site(**over):
    return {"sites": [{"name": "a", "seeds": ["https://a.example.org/c"], **over}]}


@pytest.mark.parametrize("data, field, fix", [
    ({}, "sites:", "write `sites:`"),
    ({"sites": [], "extra": 1}, "sites:", "write"),
    ({"sites": [{"seeds": ["https://x.org/c"]}]}, "sites[0].name", "name: example-health"),
    (_site(delay=-1), "sites[0] (a).delay", "0 or more"),
    (_site(delay="fast"), "sites[0] (a).delay", "number of seconds"),
    (_site(depth=1.5), "sites[0] (a).depth", "whole number"),
    (_site(day_first="yes"), "sites[0] (a).day_first", "true or false"),
    (_site(concurrency=0), "sites[0] (a).concurrency", "1 to 16"),
    (_site(contact="me"), "sites[0] (a).contact", "mailto:"),
    (_site(allowed_hosts="cdn.org"), "sites[0] (a).allowed_hosts", "list of host names"),
    (_site(seeds=["ftp://a.org/x"]), "sites[0] (a).seeds", "http(s) URL"),
    (_site(discover="a.org"), "sites[0] (a)", "not both"),
    ({"sites": [{"name": "a"}]}, "sites[0] (a)", "not neither"),
    (_site(match="("), "sites[0] (a).match", "regular expression"),
    (_site(limit=-3), "sites[0] (a).limit", "0 or more"),
    (_site(speed=3), "sites[0].speed", "unknown setting"),
    ({"defaults": {"delay": "x"}, **_site()}, "defaults.delay", "number of seconds"),
    ({"sites": [{"name": "a", "seeds": ["https://a.org/c"]}, {"name": "a", "seeds": ["https://b.org/c"]}]},
     "sites[1].name", "used twice"),
])
def test_errors_are_one_line_naming_the_field_and_the_fix(data, field, fix):
    with pytest.raises(SitesError) as err:
        parse_sites(data)
    message = str(err.value)
    assert "\n" not in message and field in message and fix in message, message


def test_bad_yaml_and_missing_file_say_where(tmp_path):
    bad = tmp_path / "s.yml"
    bad.write_text("sites:\n  - name: a\n   seeds: [x\n")
    with pytest.raises(SitesError, match=r"s.yml: line \d+ is not valid YAML"):
        load_sites(bad)
    with pytest.raises(SitesError, match="no such file"):
        load_sites(tmp_path / "none.yml")
    with pytest.raises(SitesError, match="no site named 'zz'"):
        parse_sites(_site()).select(("zz",))


@pytest.mark.crawl
def test_crawl_sites_only_crawls_that_site_and_records_its_settings(tmp_path):
    db = tmp_path / "archive.db"
    with SampleSite(version="2025") as site:
        path = tmp_path / "sites.yml"
        path.write_text(yaml.safe_dump({"sites": [
            {"name": "sample", "seeds": [site.url(CENTER_PATH)], "delay": 0, "depth": 0, "day_first": True,
             "contact": "mailto:study@example.org", "concurrency": 2},
            {"name": "elsewhere", "seeds": ["http://127.0.0.1:9/conditions/x"]},
        ]}))
        run_cli("crawl", "--sites", str(path), "--only", "sample", "--db", str(db), "--log-level", "WARNING")
        bad = run_cli("crawl", "--sites", str(path), "--only", "nope", "--db", str(db), check=False)
        center = site.url(CENTER_PATH)
    (row,) = query(db, "SELECT seeds, settings, status FROM crawls")
    settings = json.loads(row["settings"])
    assert row["status"] == "finished" and json.loads(row["seeds"]) == [center]
    assert settings["site"] == "sample" and settings["site_contact"] == "mailto:study@example.org"
    assert settings["depth"] == 0 and settings["site_concurrency"] == 2 and settings["delay"] == 0
    assert settings["day_first_sites"] == ["127.0.0.1"]
    # depth 0: the center only, nothing from the other site
    assert [r["url"] for r in query(db, "SELECT url FROM pages")] == [center]
    assert bad.returncode != 0 and "no site named 'nope'" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
