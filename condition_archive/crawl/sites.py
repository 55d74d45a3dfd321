"""The sites file: which publishers a study crawls, from which seeds, with which settings.

    schedule: "0 3 * * 1"            # recorded with each crawl; cron or a systemd timer runs it
    defaults: {contact: "mailto:you@example.org", delay: 1.0, depth: 1}
    sites:
      - name: example-health
        seeds: [https://health.example.org/conditions/back-pain]
      - name: other-publisher
        discover: other.example.org  # robots.txt sitemaps and A-Z pages (condition_archive/crawl/discover.py)
        match: "/conditions/"        # keep discovered centers whose URL matches this regex
        limit: 200                   # at most this many discovered centers
        delay: 2.0
        day_first: true              # numeric dates are day/month on this site
        concurrency: 1               # requests at a time to each of its hosts
        allowed_hosts: [cdn.other.example.org]

Every error is one line naming the field and what to write instead (SitesError).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SETTINGS = {  # name: (type, check, what to write)
    "contact": (str, lambda v: v.startswith(("http://", "https://", "mailto:")), "a URL or mailto: address"),
    "delay": ((int, float), lambda v: v >= 0, "a number of seconds, 0 or more"),
    "depth": (int, lambda v: v >= 0, "a whole number of link hops, 0 or more"),
    "day_first": (bool, lambda v: True, "true or false"),
    "concurrency": (int, lambda v: 1 <= v <= 16, "a whole number from 1 to 16"),
    "allowed_hosts": (list, lambda v: all(isinstance(h, str) and h and "/" not in h for h in v),
                      "a list of host names such as [cdn.example.org]"),
    "schedule": (str, lambda v: bool(v.strip()), "a cron expression such as \"0 3 * * 1\""),
}
SITE_KEYS = {"name", "seeds", "discover", "match", "limit", *SETTINGS}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SitesError(ValueError):
    """The sites file is wrong; the message names the field and the fix."""


@dataclass(frozen=True)
class Site:
    name: str
    seeds: tuple[str, ...] = ()
    discover: str | None = None
    match: str | None = None
    limit: int = 0
    contact: str | None = None
    delay: float = 1.0
    depth: int = 1
    day_first: bool = False
    concurrency: int = 1
    allowed_hosts: tuple[str, ...] = ()
    schedule: str | None = None

    @property
    def hosts(self) -> tuple[str, ...]:
        return tuple(sorted({urlsplit(s).hostname for s in self.seeds if urlsplit(s).hostname}))

    def recorded(self) -> dict:
        """What the crawl row's settings keep of this site (JSON-ready)."""
        data = asdict(self)
        data["seeds"], data["allowed_hosts"] = list(self.seeds), list(self.allowed_hosts)
        return {"site": data.pop("name"), **{f"site_{k}": v for k, v in data.items()}}


@dataclass(frozen=True)
class SitesFile:
    path: str
    sites: tuple[Site, ...]
    schedule: str | None = None
    defaults: dict = field(default_factory=dict)

    def select(self, only: tuple[str, ...] = ()) -> tuple[Site, ...]:
        if not only:
            return self.sites
        names = {s.name for s in self.sites}
        for name in only:
            if name not in names:
                raise SitesError(f"{self.path}: no site named {name!r} (the file has: {', '.join(sorted(names))}); "
                                 "fix --only")
        return tuple(s for s in self.sites if s.name in only)


def load_sites(path: str | Path) -> SitesFile:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesError(f"{path}: no such file; pass --sites with the path of your sites file") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise SitesError(f"{path}:{line} is not valid YAML ({getattr(exc, 'problem', exc)}): "
                         "fix the indentation or quoting there") from None
    return parse_sites(data, str(path))


def parse_sites(data, where: str = "sites.yml") -> SitesFile:
    if not isinstance(data, dict) or not isinstance(data.get("sites"), list) or not data["sites"]:
        raise SitesError(f"{where}: no `sites:` list; write `sites:` followed by `- name: ...` entries")
    unknown = set(data) - {"sites", "defaults", "schedule"}
    if unknown:
        raise SitesError(f"{where}: unknown top-level key {sorted(unknown)[0]!r}; use sites, defaults or schedule")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SitesError(f"{where}: defaults: must be a mapping of settings such as `delay: 1.0`")
    for key, value in defaults.items():
        _check_setting(f"{where}: defaults.{key}", key, value)
    schedule = data.get("schedule")
    if schedule is not None:
        _check_setting(f"{where}: schedule", "schedule", schedule)
    sites, seen = [], set()
    for i, entry in enumerate(data["sites"]):
        site = _parse_site(entry, defaults, schedule, f"{where}: sites[{i}]")
        if site.name in seen:
            raise SitesError(f"{where}: sites[{i}].name: {site.name!r} is used twice; give each site its own name")
        seen.add(site.name)
        sites.append(site)
    return SitesFile(where, tuple(sites), schedule, dict(defaults))


def _parse_site(entry, defaults: dict, schedule: str | None, at: str) -> Site:
    from .policy import BadSeed, check_seed

    if not isinstance(entry, dict):
        raise SitesError(f"{at}: must be a mapping starting with `name:`")
    unknown = set(entry) - SITE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise SitesError(f"{at}.{key}: unknown setting; use one of {', '.join(sorted(SITE_KEYS))}")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise SitesError(f"{at}.name: missing or not a simple name; write e.g. `name: example-health` "
                         "(letters, digits, . _ -)")
    at = f"{at} ({name})"
    seeds, discover = entry.get("seeds"), entry.get("discover")
    if bool(seeds) == bool(discover):
        raise SitesError(f"{at}: give either `seeds:` (a list of center URLs) or `discover:` (a host), not "
                         f"{'both' if seeds else 'neither'}")
    if seeds is not None and not (isinstance(seeds, list) and all(isinstance(s, str) for s in seeds)):
        raise SitesError(f"{at}.seeds: must be a list of URLs, e.g. [https://host/conditions/back-pain]")
    try:
        seeds = tuple(check_seed(s) for s in seeds or ())
    except BadSeed as exc:
        raise SitesError(f"{at}.seeds: {exc}") from None
    if discover is not None and (not isinstance(discover, str) or not discover.strip()):
        raise SitesError(f"{at}.discover: must be a host or URL such as health.example.org")
    match, limit = entry.get("match"), entry.get("limit", 0)
    if match is not None:
        try:
            re.compile(str(match))
        except re.error as exc:
            raise SitesError(f"{at}.match: not a valid regular expression ({exc}); escape special characters") from None
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise SitesError(f"{at}.limit: must be a whole number, 0 or more (0: no limit)")
    values = {**defaults, **({"schedule": schedule} if schedule else {}),
              **{k: v for k, v in entry.items() if k in SETTINGS}}
    for key, value in values.items():
        _check_setting(f"{at}.{key}", key, value)
    if "allowed_hosts" in values:
        values["allowed_hosts"] = tuple(h.lower() for h in values["allowed_hosts"])
    if "delay" in values:
        values["delay"] = float(values["delay"])
    return Site(name=name, seeds=seeds, discover=discover, match=match, limit=limit, **values)


def _check_setting(at: str, key: str, value) -> None:
    if key not in SETTINGS:
        raise SitesError(f"{at}: unknown setting; use one of {', '.join(sorted(SETTINGS))}")
    kind, ok, what = SETTINGS[key]
    if isinstance(value, bool) and kind is not bool:
        ok_type = False
    else:
        ok_type = isinstance(value, kind)
    if not ok_type or not ok(value):
        raise SitesError(f"{at}: {value!r} is not valid; write {what}")
