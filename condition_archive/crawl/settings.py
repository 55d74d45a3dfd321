"""Scrapy settings for condition-archive (scrapy.cfg points here).

Polite by default for real sites: robots.txt obeyed, a 1 s delay with
AutoThrottle, one request at a time per host, a user agent that names the
project and a contact URL. Scrapy's remote-control and telnet servers are off.
The CLI overrides a few of these from its options; nothing reads them at import.
"""

from scrapy.settings import default_settings as _scrapy_defaults

from condition_archive import __version__

BOT_NAME = "condition-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Who we are. Set ARCHIVE_CONTACT_URL (or --contact) to a page or mailto: where
# site owners can reach you; the default only says that it was not set.
ARCHIVE_CONTACT_URL = "https://condition-archive.invalid/contact-not-set"
USER_AGENT = f"condition-archive/{__version__} (+{ARCHIVE_CONTACT_URL})"

# Politeness.
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Outputs (requests, items) of one response handled at a time. With the asyncio
# reactor Scrapy starts CONCURRENT_ITEMS + 1 tasks for every response, whatever
# it yields; the default 100 cost a bare spider a third of its rate here
# (docs/benchmarks.md). This spider's callback yields one output per response
# (the page, or its outcome), so one at a time loses nothing: 2 tasks a response
# instead of 17 (~20 instead of ~90 us of the event loop's time).
CONCURRENT_ITEMS = 1

# Safety: no remote code execution servers, bounded downloads and redirects.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Seconds to wait for a response; a slower one is retried, then recorded as a timeout.
DOWNLOAD_TIMEOUT = 30
# Bytes (after decompression): a larger page is recorded as "too large", not archived.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
# Transient failures (5xx, 408, 429, timeouts, resets, truncated bodies) are retried
# twice, waiting RETRY_BACKOFF_BASE * 2**(attempt-1) s, at most RETRY_BACKOFF_MAX
# (a server's Retry-After is honoured up to that cap).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0

# Only http(s) is ever fetched: no file://, ftp://, s3:// or data: handlers,
# whatever a page or a redirect says.
# http(s) go through Scrapy's handler with bounded response headers (netguard.py).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None,
                     "http": "condition_archive.crawl.netguard.GuardedHTTPDownloadHandler",
                     "https": "condition_archive.crawl.netguard.GuardedHTTPDownloadHandler"}
# A response whose headers run past these is recorded as an error ("headers too large").
ARCHIVE_MAX_HEADER_LINES = 1000
ARCHIVE_MAX_HEADER_BYTES = 256 * 1024
# Every connection's resolved address is checked (netguard.py): loopback, private and
# link-local addresses only at the host:port of a seed written as such an address
# (http://127.0.0.1:8765/...) or listed here ("host:port"; `crawl --allow-private`).
TWISTED_DNS_RESOLVER = "condition_archive.crawl.netguard.GuardedResolver"
ARCHIVE_ALLOW_PRIVATE: list[str] = []
DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100): a refused host is not even asked for robots.txt.
    "condition_archive.crawl.middleware.RequestGuardMiddleware": 40,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "condition_archive.crawl.middleware.BackoffRetryMiddleware": 550,
    # Sees responses before the redirect middlewares (580, 600) build a request.
    "condition_archive.crawl.middleware.RedirectGuardMiddleware": 650,
    # Lets every request of this spider through (they are all dont_filter, and
    # RequestGuardMiddleware refuses other hosts before it), at a signal and a call a request.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
}
# Spider middlewares that do nothing for this spider, each a generator layer every
# item passed through: its requests are made in start() and scheduled through the
# engine, with their own depth (ca_depth), never copied from a response's meta.
# The Referer middleware stays: Scrapy's redirect and meta-refresh middlewares set
# a redirect hop's Referer through it (without it they drop the header and warn).
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

# Crawl traps (endless calendars, faceted search): beyond these a URL is recorded
# as skipped with the reason instead of fetched.
ARCHIVE_TRAP_MAX_QUERY_VARIANTS = 25
ARCHIVE_TRAP_MAX_PATTERN_PAGES = 200

# Scrapy's stats, read and written without its per-call deprecation shim (scrapystats.py).
STATS_CLASS = "condition_archive.crawl.scrapystats.CrawlStats"

# The spider records every status itself (404, 410, 500 ... become ledger rows),
# so HttpErrorMiddleware lets them all through; redirects are still followed.
HTTPERROR_ALLOW_ALL = True
# The archive does its own conditional requests; Scrapy's cache would hand back
# stale bodies flagged "cached" (see docs/design.md).
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False

# The spider yields raw pages; extraction (awaiting the worker pool), following
# the links and storing happen here, in this order.
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.links.LinksPipeline": 400,
    "pipelines.store.StorePipeline": 900,
}
# The same pipelines through cheaper plumbing, and item_scraped_count counted there
# instead of through a signal receiver (itemproc.py: ~20 us a page).
ITEM_PROCESSOR = "condition_archive.crawl.itemproc.ArchivePipelines"

# Live progress on a terminal, plain log lines otherwise, and an end-of-crawl
# summary with the Datasette URL of the details.
EXTENSIONS = {"condition_archive.crawl.progress.CrawlProgress": 500}
# Scrapy's own extensions without RemoteControl (off anyway: REMOTE_CONTROL_ENABLED).
# Left out of the base, not set to None in EXTENSIONS: Scrapy imports every listed
# class, even a None one, and this one imports aiohttp and builds an SSL context,
# ~0.2 s of CPU at every crawl start.
# CoreStats in its place without its item_scraped receiver (ITEM_PROCESSOR counts the items).
EXTENSIONS_BASE = {("condition_archive.crawl.itemproc.ArchiveCoreStats"
                    if name == "scrapy.extensions.corestats.CoreStats" else name): order
                   for name, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if name != "scrapy.extensions.remote_control.RemoteControl"}

# The archive the store pipeline writes to; the CLI's --db sets it.
ARCHIVE_DB = "archive.db"
ARCHIVE_RESUME = False
# Pages written per commit, and the longest a written page waits for its commit
# (condition_archive/archive/batch.py). A kill loses at most that batch; --resume fetches
# it again. ARCHIVE_COMMIT_PAGES = 1 commits every page on its own. Every commit
# rewrites each index page the batch touched, so fewer, larger batches cost less a
# page (docs/benchmarks.md, session 12, store3); 200 is about a second of a fast crawl,
# so the time bound decides mostly and a kill loses at most about a second, as with 50.
ARCHIVE_COMMIT_PAGES = 200
ARCHIVE_COMMIT_SECONDS = 1.0
# Hosts whose numeric dates are day/month (03/04/2024 = 3 April); others are US month/day.
ARCHIVE_DAY_FIRST_SITES: list[str] = []

# Worker processes that extract pages (0: in the crawl's own thread). Extraction
# is most of a crawl's CPU; in a worker it runs on another core while the crawl
# keeps downloading and storing. One worker measured best on 2 cores (docs/benchmarks.md).
ARCHIVE_EXTRACT_WORKERS = 1
# Seconds of a worker one page may take (0: no limit). Past it the worker is killed
# and replaced, and the page is archived raw with an error row ("extraction took
# longer than ..."); `condition-archive reprocess` retries it. In-thread extraction
# (ARCHIVE_EXTRACT_WORKERS = 0) has no budget.
ARCHIVE_PAGE_BUDGET = 30.0

LOG_LEVEL = "INFO"
# Scrapy's per-response and per-item DEBUG messages built only when DEBUG is logged (logformat.py).
LOG_FORMATTER = "condition_archive.crawl.logformat.ArchiveLogFormatter"
