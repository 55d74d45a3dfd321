"""Scrapy settings for condition-archive (scrapy.cfg points here).

Polite by default for real sites: robots.txt obeyed, a 1 s delay with
AutoThrottle, one request at a time per host, a user agent that names the
project and a contact URL. Scrapy's remote-control and telnet servers are off.
The CLI overrides a few of these from its options; nothing reads them at import.
"""

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

# Safety: no remote code execution servers, bounded downloads and redirects.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
RETRY_ENABLED = True
RETRY_TIMES = 2

# The spider records every status itself (404, 410, 500 ... become ledger rows),
# so HttpErrorMiddleware lets them all through; redirects are still followed.
HTTPERROR_ALLOW_ALL = True
# The archive does its own conditional requests; Scrapy's cache would hand back
# stale bodies flagged "cached" (see docs/design.md).
HTTPCACHE_ENABLED = False
COOKIES_ENABLED = False

ITEM_PIPELINES = {
    "pipelines.boilerplate.BoilerplatePipeline": 100,
    "pipelines.article.ArticlePipeline": 200,
    "pipelines.center.CenterPipeline": 300,
    "pipelines.links.LinksPipeline": 400,
    "pipelines.store.StorePipeline": 900,
}

# The archive the store pipeline writes to; the CLI's --db sets it.
ARCHIVE_DB = "archive.db"
ARCHIVE_RESUME = False
ARCHIVE_DAY_FIRST = False

LOG_LEVEL = "INFO"
