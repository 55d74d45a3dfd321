"""The distributed crawl on Redis: shared queue and seen set (scrapy-redis), workers that fetch
and extract, a stream of pages and outcomes, and the one ingest process that writes SQLite."""
