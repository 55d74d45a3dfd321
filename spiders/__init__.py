"""Scrapy spiders of condition-archive (SPIDER_MODULES = ["spiders"])."""
