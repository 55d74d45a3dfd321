"""Connection-time guards: where a crawl may connect, and how much header a server may send.

- GuardedResolver (TWISTED_DNS_RESOLVER) sees every name Scrapy connects to, a
  redirect's target and robots.txt included, with its port, and drops each
  resolved address that is not public (loopback, private, link-local, shared,
  reserved, unspecified) unless that host:port is explicitly allowed: a seed
  written as a loopback or private address (the user typed it), or
  ARCHIVE_ALLOW_PRIVATE / `crawl --allow-private HOST:PORT`. The decision is on
  the address the connection is made to, so spellings (127.1, 2130706433,
  0x7f000001), /etc/hosts names and DNS rebinding cannot reach the machine or
  the local network. A refused endpoint is remembered in REFUSED so the ledger
  says why (middleware.BackoffRetryMiddleware turns the lookup failure into a
  "skipped" row instead of retrying it).
- GuardedHTTPDownloadHandler is Scrapy's HTTP/1.1 handler whose response parser
  stops after ARCHIVE_MAX_HEADER_LINES header lines or ARCHIVE_MAX_HEADER_BYTES
  bytes of header (Twisted already caps one line at 16 KiB, not their number).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit
from urllib.request import getproxies

from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from twisted.internet.interfaces import IHostnameResolver, IResolutionReceiver
from zope.interface import implementer, provider

# host:port -> why connections there were refused (one crawl per process).
REFUSED: dict[str, str] = {}


def endpoint(host: str, port: int | None, scheme: str = "http") -> str:
    """host:port with the port made explicit, as the guards compare them."""
    return f"{host.lower().strip('[]')}:{port or {'http': 80, 'https': 443}.get(scheme, 0)}"


def url_endpoint(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return endpoint(parts.hostname or "", port, parts.scheme)


def is_public(address: str) -> bool:
    """True when `address` (an IP) is a global unicast address."""
    try:
        addr = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


def proxy_endpoints() -> frozenset[str]:
    """The proxies Scrapy's HttpProxyMiddleware will use (a local proxy is the user's choice)."""
    out = set()
    for url in getproxies().values():
        if "://" in url:
            out.add(url_endpoint(url))
    return frozenset(out)


@provider(IResolutionReceiver)
class _Checked:
    """Passes on only the resolved addresses the crawl may connect to."""

    def __init__(self, receiver, host: str, port: int, allowed: frozenset[str]):
        self.receiver, self.key, self.allowed = receiver, endpoint(host, port), allowed
        self.dropped: list[str] = []

    def resolutionBegan(self, resolution) -> None:
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address) -> None:
        if is_public(address.host) or self.key in self.allowed:
            self.receiver.addressResolved(address)
        else:
            self.dropped.append(address.host)

    def resolutionComplete(self) -> None:
        if self.dropped:
            REFUSED[self.key] = (f"{self.key} resolves to a private or loopback address "
                                 f"({', '.join(sorted(set(self.dropped)))})")
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's own resolver, with every answer checked (see the module doc)."""

    def __init__(self, reactor, owner=None, allowed: frozenset[str] = frozenset()):
        self.reactor = reactor
        self.original = reactor.nameResolver
        self.owner = owner  # the CrawlerProcess (or Crawler): its spiders name their private seeds
        self.allowed = allowed | proxy_endpoints()

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor, crawler, frozenset(crawler.settings.getlist("ARCHIVE_ALLOW_PRIVATE")))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def allowed_now(self) -> frozenset[str]:
        crawlers = getattr(self.owner, "crawlers", None) or ([self.owner] if self.owner else [])
        seeds = {n for c in crawlers for n in getattr(getattr(c, "spider", None), "seed_netlocs", ())}
        return self.allowed | seeds

    def resolveHostName(self, resolutionReceiver, hostName: str, portNumber: int = 0,
                        addressTypes=None, transportSemantics: str = "TCP"):
        checked = _Checked(resolutionReceiver, hostName, portNumber, self.allowed_now())
        return self.original.resolveHostName(checked, hostName, portNumber, addressTypes, transportSemantics)


class HeadersTooLarge(Exception):
    """A response whose header section passed the configured bounds."""


class _BoundedParser(_LenientHTTPClientParser):
    max_lines = 1000
    max_bytes = 256 * 1024
    # Counts so far: these class-level zeros until a response's parser adds to them
    # (a parser becomes this class after it is made: _BoundedProtocol.request).
    # Read and written as plain attributes, with the parent's method called directly:
    # a getattr with a default and super() cost ~1 us a header line, ~9 us a response.
    _header_lines = 0
    _header_bytes = 0

    def lineReceived(self, line: bytes, _parent=_LenientHTTPClientParser.lineReceived) -> None:
        if self.state != "STATUS":
            self._header_lines += 1
            self._header_bytes += len(line) + 2
            if self._header_lines > self.max_lines or self._header_bytes > self.max_bytes:
                raise HeadersTooLarge(f"headers too large: more than {self.max_lines} lines or "
                                      f"{self.max_bytes} bytes of response headers")
        _parent(self, line)


class _BoundedProtocol(_LenientHTTP11ClientProtocol):
    def request(self, request):
        d = super().request(request)
        self._parser.__class__ = _BoundedParser
        return d


class _BoundedFactory(_LenientHTTP11ClientFactory):
    def buildProtocol(self, addr):
        return _BoundedProtocol(self._quiescentCallback)


class GuardedHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        _BoundedParser.max_lines = crawler.settings.getint("ARCHIVE_MAX_HEADER_LINES", 1000)
        _BoundedParser.max_bytes = crawler.settings.getint("ARCHIVE_MAX_HEADER_BYTES", 256 * 1024)
        self._pool._factory = _BoundedFactory
        _memoise_idna()


def _memoise_idna() -> None:
    """Twisted encodes the host name of every request with the idna package (pure
    Python, ~12 us a call, through Scrapy's fallback that the handler just installed);
    a crawl asks for a few hosts thousands of times. A name's encoding never changes,
    so each is kept (a name that fails is not: it fails again, as before)."""
    from twisted.internet import _idna, _resolver, _sslverify, endpoints

    for module in (_idna, _resolver, _sslverify, endpoints):
        for name in ("_idnaBytes", "_idnaText"):
            fn = getattr(module, name, None)
            if fn is not None and not hasattr(fn, "cache_info"):
                setattr(module, name, lru_cache(maxsize=1024)(fn))
