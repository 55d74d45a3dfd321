"""A small, polite client for a Wayback: its CDX API and its `id_` replay.

Why not a library: `wayback` (EDGI) hard-codes the Internet Archive's endpoints
(its CDX_SEARCH_URL constant and web.archive.org replay URLs), so it cannot ask
a local pywb. `cdx_toolkit` can, but its request layer sets its own user agent
(no contact can be given through CDXFetcher) and paces every host other than the
Internet Archive and Common Crawl with a process-wide minimum interval of 3 s
(set only through an environment variable read at import), so the delay cannot
be the caller's; and its content fetch follows redirects, which must be kept as
captured. This client is the two GETs the job needs, with urllib.

Both CDX output shapes are read: pywb's one JSON object per line, and the
Internet Archive's JSON array of arrays whose first row names the fields.
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from .. import __version__

IA_CDX = "https://web.archive.org/cdx/search/cdx"
BACKOFF_STATUSES = (429, 503)
# Headers the replay server adds about the memento, not the captured response.
REPLAY_HEADERS = {"link", "memento-datetime", "content-location", "date", "server", "connection", "keep-alive",
                  "transfer-encoding", "content-encoding", "content-length"}


class WaybackError(RuntimeError):
    """The CDX or replay server could not answer; the message says what to do."""


@dataclass(frozen=True)
class CdxCapture:
    url: str
    timestamp: str  # 14 digits, UTC
    status: str  # "200", "301", "404", "-" (a revisit: the replay tells)
    digest: str
    mime: str = ""


def parse_cdx(text: str) -> list[CdxCapture]:
    """Captures from a CDX JSON answer: pywb's lines of objects or IA's array of arrays."""
    text = text.strip()
    if not text:
        return []
    if text.startswith("["):
        rows = json.loads(text)
        if not rows:
            return []
        fields, rows = rows[0], rows[1:]
        records = [dict(zip(fields, row)) for row in rows]
    else:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    out = []
    for r in records:
        if "error" in r or "timestamp" not in r:
            continue
        out.append(CdxCapture(r.get("original") or r.get("url", ""), r["timestamp"],
                              r.get("statuscode") or r.get("status") or "-", r.get("digest", ""),
                              r.get("mimetype") or r.get("mime", "")))
    return out


def replay_base(cdx_endpoint: str) -> str:
    """The replay prefix that goes with a CDX endpoint: IA's /cdx/search/cdx -> /web,
    pywb's /COLLECTION/cdx -> /COLLECTION."""
    base = cdx_endpoint.split("?", 1)[0].rstrip("/")
    if base.endswith("/cdx/search/cdx"):
        return base[: -len("/cdx/search/cdx")] + "/web"
    if base.endswith("/cdx"):
        return base[: -len("/cdx")]
    raise WaybackError(f"cannot tell the replay URL of {cdx_endpoint}: pass --replay (e.g. https://host/web)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002 - urllib's signature
        return None


class WaybackClient:
    """One request at a time, `delay` seconds apart, backing off on 429/503."""

    def __init__(self, cdx_endpoint: str = IA_CDX, replay: str | None = None, contact: str | None = None,
                 delay: float = 1.0, retries: int = 5, backoff: float = 2.0):
        self.cdx_endpoint = cdx_endpoint
        self.replay = (replay or replay_base(cdx_endpoint)).rstrip("/")
        contact = contact or "https://condition-archive.invalid/contact-not-set"
        self.user_agent = f"condition-archive/{__version__} (+{contact})"
        self.delay, self.retries, self.backoff = delay, retries, backoff
        self.requests = 0
        self._last = 0.0
        self._opener = urllib.request.build_opener(_NoRedirect)

    def query(self, url: str, from_: str | None = None, to: str | None = None) -> list[CdxCapture]:
        params = {"url": url, "output": "json"}
        if from_:
            params["from"] = from_
        if to:
            params["to"] = to
        status, _, body = self.get(f"{self.cdx_endpoint}?{urllib.parse.urlencode(params)}")
        if status == 404 or (status == 200 and not body.strip()):
            return []  # pywb answers 404 when it has no capture of the URL
        if status != 200:
            raise WaybackError(f"the CDX server {self.cdx_endpoint} answered HTTP {status} for {url}: "
                               "check --cdx, or try again later")
        try:
            return parse_cdx(body.decode("utf-8", "replace"))
        except (json.JSONDecodeError, TypeError, AttributeError) as exc:
            raise WaybackError(f"{self.cdx_endpoint} did not answer CDX JSON ({exc}): pass the CDX endpoint "
                               "(e.g. http://host/COLLECTION/cdx) as --cdx") from None

    def replay_url(self, capture: CdxCapture) -> str:
        return f"{self.replay}/{capture.timestamp}id_/{capture.url}"

    def fetch(self, capture: CdxCapture) -> tuple[int, dict[str, str], bytes]:
        """(status, the captured response's headers, body) of a capture's raw replay."""
        status, headers, body = self.get(self.replay_url(capture))
        encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
        if encoding in ("gzip", "deflate", "br") and body:
            from warcio.bufferedreaders import DecompressingBufferedReader

            body = DecompressingBufferedReader(io.BytesIO(body), decomp_type=encoding).read()
        return status, original_headers(headers), body

    def get(self, url: str) -> tuple[int, list[tuple[str, str]], bytes]:
        for attempt in range(self.retries + 1):
            self._pace()
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                           "Accept-Encoding": "identity"})
            self.requests += 1
            try:
                with self._opener.open(request, timeout=60) as response:
                    return response.status, list(response.headers.items()), response.read()
            except urllib.error.HTTPError as exc:
                if exc.code not in BACKOFF_STATUSES:
                    return exc.code, list(exc.headers.items()), exc.read()
                wait = _retry_after(exc.headers.get("Retry-After"), self.backoff * 2 ** attempt)
                exc.close()
                time.sleep(wait)
            except (urllib.error.URLError, OSError) as exc:
                raise WaybackError(f"cannot reach {url.split('?')[0]} ({getattr(exc, 'reason', exc)}): "
                                   "check --cdx and the network, then run the same backfill again") from None
        raise WaybackError(f"{url.split('?')[0]} kept answering 429/503 after {self.retries} retries: "
                           "run the same backfill again later (it resumes), or raise --delay")

    def _pace(self) -> None:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()


def _retry_after(value: str | None, default: float) -> float:
    try:
        return min(float(value), 300.0) if value else default
    except ValueError:
        return default


def original_headers(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The captured response's headers from a replay: X-Archive-Orig-* become what
    they were, the replay server's own memento headers are dropped."""
    out: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        if key.startswith("x-archive-orig-"):
            key = key[len("x-archive-orig-"):]
        elif key in REPLAY_HEADERS or key.startswith("x-archive-"):
            continue
        out[key] = f"{out[key]}, {value}" if key in out and key not in ("content-type",) else value
    for dropped in ("content-length", "transfer-encoding", "content-encoding", "date", "server", "connection"):
        out.pop(dropped, None)
    return out
