"""Fetching: Scrapy settings and middlewares, crawl policy, the extraction worker pool,
what the spider hands the pipelines (items), the sites file and center discovery.

The Scrapy glue itself (the spider and the item pipelines) lives in the top-level
spiders/ and pipelines/ packages; this package holds what they call.
"""
